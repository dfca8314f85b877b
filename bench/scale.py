"""The real path at scale: build stores of 100, 1,000 and 10,000 documents and time what users run on them.

Stores are built the way ``kg build`` builds them, minus the NLP: synthetic extractions (actors drawn
from kg's own gazetteers with a Zipf law, a long tail of one-off people, PLOVER classes in proportions
like those of news-derived event data, dates over six years) go through ``kg.rdf.to_graph`` and
``kg.parallel.convert`` to the build's writer (``kg.build.Writer``), so every batch is one SPARQL
update that also maintains the actors and network graphs. One real ``kg build`` of ``--real``
documents made from the dev articles (read at run time from ``--corpus``, never copied into the
repository) checks the synthetic path against extraction.

For each size it times, on the built store: the load (documents per second and triples per second
through the writer), ``kg stats``, every named query with a typical parameter (in-process, as
``kg query`` runs it after start-up; median of 3), ``kg render`` (whole graph, and ``--actor X
--hops 2``), ``kg export --format graphml`` and ``GET /`` on ``kg serve`` (the commands as
subprocesses, wall time and peak RSS), then prints a table with the growth exponent between
consecutive sizes (time ~ n^k: k = 1 is linear, n log n is about 1.1 to 1.15 here) and checks the
issue's targets at the largest size. At the largest size it also builds two stores of the same documents
side by side, one with the story events graph (:mod:`kg.stories`) and one without, writing each batch to
one then the other, and reports the ratio of the write times (target: story events cost at most 1.2
times the build without them).

    python bench/scale.py                           # 100, 1,000, 10,000 and the real build of 500
    python bench/scale.py --sizes 100 1000 --real 0 # quick run
    python bench/scale.py --sizes 10000 --real 0 --only-stories  # just the story events comparison
"""
from __future__ import annotations

import argparse
import contextlib
import json
import math
import os
import random
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from kg.actors import Actor  # noqa: E402
from kg.build import WRITE_DOCS, BuildSummary, Writer  # noqa: E402
from kg.extract import Extraction, RelationRecord  # noqa: E402
from kg.gazetteer import load_data, slug  # noqa: E402
from kg.layout import MAINTAINED  # noqa: E402
from kg.ingest import Document  # noqa: E402
from kg.layout import system_graphs  # noqa: E402
from kg.parallel import convert  # noqa: E402
from kg.store import KnowledgeGraph  # noqa: E402

KG = str(Path(sys.executable).parent / "kg")
# class shares roughly as in news-derived event data (consultations and requests most common)
CLASS_WEIGHTS = {"CONSULT": 24, "ACCUSE": 11, "REQUEST": 10, "SUPPORT": 8, "AGREE": 8, "COOPERATE": 6,
                 "ASSAULT": 5, "THREATEN": 5, "REJECT": 5, "AID": 4, "COERCE": 4, "SANCTION": 3, "MOBILIZE": 2,
                 "PROTEST": 2, "CONCEDE": 2, "RETREAT": 1}
VERBS = {"CONSULT": "met", "ACCUSE": "accused", "REQUEST": "urged", "SUPPORT": "praised", "AGREE": "agreed with",
         "COOPERATE": "worked with", "ASSAULT": "attacked", "THREATEN": "threatened", "REJECT": "rejected",
         "AID": "sent aid to", "COERCE": "detained officials of", "SANCTION": "imposed sanctions on",
         "MOBILIZE": "deployed troops against", "PROTEST": "protested against", "CONCEDE": "eased curbs on",
         "RETREAT": "withdrew from"}
TAILS = ["over the border dispute", "during talks in the capital", "after the summit ended",
         "on trade and energy", "as the ceasefire frayed", "about the detained journalists",
         "over the disputed election", "ahead of the vote at the council"]
FIRST = "Amal Bruno Carla Dmitri Elif Farid Greta Hana Ivo Jamal Kenji Lena Marco Nadia Omar Pia".split()
LAST = "Adeyemi Berg Costa Dahl Ekwueme Fischer Garcia Haddad Ivanova Jensen Kowalski Lindqvist".split()


# ----------------------------------------------------------------------------- synthetic extractions

def _officials() -> list[dict]:
    """The records of kg's officials file (one per term of office)."""
    import yaml
    from importlib.resources import files

    return yaml.safe_load((files("kg") / "data" / "officials.yaml").read_text(encoding="utf-8"))


class Corpus:
    """Draws documents whose actors and relations look like kg's extractions (seeded, deterministic)."""

    def __init__(self, seed: int = 11) -> None:
        self.rng = random.Random(seed)
        countries = load_data("countries.json")
        orgs = load_data("organizations.json")
        people = {p["name"]: p for p in _officials()}.values()
        pool: list[Actor] = []
        for code, c in countries.items():
            forms = [*c.get("demonyms", [])[:1], *c.get("seats", [])[:1]]
            pool.append(Actor(code, c["name"], "Country", "State", code, aliases=forms))
        for o in orgs:
            pool.append(Actor(slug(o["name"]), o["name"], "Organization", o.get("subtype"), o.get("country"),
                              aliases=list(o.get("aliases", []))[:2]))
        for p in people:
            side = p.get("org") or p.get("country")
            p.setdefault("aliases", p.get("variants", []))
            aff = [side if side in countries else slug(side)] if side else []
            pool.append(Actor(slug(p["name"]), p["name"], "Person", p.get("subtype"), p.get("country"),
                              p.get("role"), aff, list(p.get("aliases", []))[:2]))
        self.rng.shuffle(pool)
        pool.sort(key=lambda a: a.type != "Country")  # countries lead the ranking, as in news
        head = pool[:40]
        self.rng.shuffle(head)
        self.pool = head + pool[40:]
        self.weights = [1 / (rank + 1) ** 1.05 for rank in range(len(self.pool))]
        self.classes = list(CLASS_WEIGHTS)
        self.class_weights = list(CLASS_WEIGHTS.values())
        self.initiated: Counter[str] = Counter()  # actor key -> events it is the source of
        self.sanctions: set[tuple[str, str]] = set()  # asserted SANCTION (source, target) keys

    def count(self, ex: Extraction) -> None:
        """Add a document's relations to the ground truth the correctness checks compare with."""
        for r in ex.relations:
            self.initiated[r.source.key] += 1
            if r.cls == "SANCTION" and not r.negated and r.modality != "hypothetical":
                self.sanctions.add((r.source.key, r.target.key))

    def truth(self) -> dict:
        """What plain SPARQL must answer on the built store (see :func:`check_answers`)."""
        return {"initiated": dict(self.initiated), "sanctions": len(self.sanctions)}

    def _one_off(self) -> Actor:
        """A person no gazetteer knows (most people in the news are named once or twice)."""
        name = f"{self.rng.choice(FIRST)} {self.rng.choice(LAST)}-{self.rng.randrange(100000)}"
        side = self.rng.choice(self.pool[:60])
        aff = [side.key] if side.type != "Person" else []
        return Actor(slug(name), name, "Person", "Official", None, self.rng.choice(["Minister", "Spokesperson",
                                                                                     "Envoy", None]), aff)

    def document(self, i: int) -> Extraction:
        rng = self.rng
        k = rng.randint(3, 9)
        actors: dict[str, Actor] = {}
        for a in rng.choices(self.pool, self.weights, k=k):
            forms = a.aliases[: rng.randint(0, len(a.aliases))]
            actors[a.key] = Actor(a.key, a.label, a.type, a.subtype, a.country, a.role, list(a.affiliations), forms)
        if rng.random() < 0.4:
            a = self._one_off()
            actors[a.key] = a
        cast = list(actors.values())
        year, month, day = rng.randint(2019, 2025), rng.randint(1, 12), rng.randint(1, 28)
        date = f"{year}-{month:02d}-{day:02d}"
        sentences, relations = [], []
        offset = 0
        for _ in range(rng.randint(2, 8)):
            src, tgt = rng.sample(cast, 2) if len(cast) > 1 else (cast[0], cast[0])
            if src.key == tgt.key:
                continue
            cls = rng.choices(self.classes, self.class_weights)[0]
            sform = rng.choice([src.label, *src.aliases])
            s = f"{sform} {VERBS[cls]} {tgt.label} {rng.choice(TAILS)}."
            relations.append(RelationRecord(
                source=src, target=tgt, cls=cls, trigger=VERBS[cls].split()[0], negated=rng.random() < 0.05,
                modality=rng.choices(["asserted", "reported", "hypothetical"], [80, 15, 5])[0], sentence=s,
                start=offset, end=offset + len(s), confidence=round(rng.uniform(0.5, 0.99), 2),
                symmetric=cls in {"CONSULT", "AGREE", "COOPERATE"}, date=date if rng.random() < 0.7 else None))
            sentences.append(s)
            offset += len(s) + 1
        text = " ".join(sentences) + " " + " ".join(f"{a.label} ({', '.join(a.aliases)})." for a in cast)
        doc = Document(f"synthetic/article-{i:05d}.txt", text, title=f"Synthetic article {i}", date=date)
        return Extraction(doc, cast, relations)


def load(store: Path, n: int, seed: int = 11, tail: int = 500) -> dict:
    """Build a store of ``n`` synthetic documents; timings (wall and CPU) of convert and write.

    Stores of more than ``2 * tail`` documents are filled fast: the first ``n - tail`` document graphs
    by Oxigraph's bulk loader, then the maintained graphs derived in one update
    (``KnowledgeGraph.recompute``, equal to what the writer builds incrementally: tests/test_layout.py);
    the last ``tail`` documents go through the build's writer, and their rate is the load rate at that
    size. Smaller stores go through the writer whole."""
    corpus = Corpus(seed)
    summary = BuildSummary()
    t_convert = t_write = c_write = th_write = 0.0
    triples = written = 0
    first = n - tail if tail and n > 2 * tail else 0
    out: dict = {}
    if first:
        out.update(_bulk_fill(store, corpus, first))
    nq = store.parent / f"docs-{n}.nq"  # the same documents for bare Oxigraph's bulk loader
    cpu_per_doc: list[float] = []
    thread_per_doc: list[float] = []  # the calling thread alone: the updates, without RocksDB's background threads
    with KnowledgeGraph(store) as kg, nq.open("w", encoding="utf-8") as fh:
        writer = Writer(kg, summary, lambda doc, status: None)
        for i in range(first, n):
            t0 = time.perf_counter()
            ex = corpus.document(i)
            item = convert(ex)  # what a build's worker sends: the graph as N-Triples
            t1, c1, h1 = time.perf_counter(), time.process_time(), time.thread_time()
            written += item.triples
            writer.add(item)
            t_write += time.perf_counter() - t1
            c_write += time.process_time() - c1
            th_write += time.thread_time() - h1
            cpu_per_doc.append(time.process_time() - c1)
            thread_per_doc.append(time.thread_time() - h1)
            t_convert += t1 - t0
            corpus.count(ex)
            _quads(fh, item)
        t1, c1, h1 = time.perf_counter(), time.process_time(), time.thread_time()
        writer.flush()
        t_write += time.perf_counter() - t1
        c_write += time.process_time() - c1
        th_write += time.thread_time() - h1
        if cpu_per_doc:
            cpu_per_doc[-1] += time.process_time() - c1
            thread_per_doc[-1] += time.thread_time() - h1
        total = int(next(kg.select("SELECT (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } }"))[0])
        system = sum(int(next(kg.select(f"SELECT (COUNT(*) AS ?n) WHERE {{ GRAPH <{g}> {{ ?s ?p ?o }} }}"))[0])
                     for g in system_graphs())
        triples = total - system
    tenth = max(WRITE_DOCS, len(cpu_per_doc) // 10)  # the writer's CPU, last tenth of the documents over first
    growth = sum(cpu_per_doc[-tenth:]) / max(sum(cpu_per_doc[:tenth]), 1e-9)
    thread_growth = sum(thread_per_doc[-tenth:]) / max(sum(thread_per_doc[:tenth]), 1e-9)
    out.update({"docs": n, "doc_triples": triples, "all_triples": total, "convert_s": t_convert,
                "written_docs": n - first, "write_s": t_write, "write_s_cpu": c_write,
                "triples_per_s": written / t_write, "triples_per_cpu_s": written / max(c_write, 1e-9),
                "write_thread_s": th_write, "batch_growth": growth, "thread_growth": thread_growth,
                "raw_triples_per_s": raw_rate(store.parent / f"raw-{n}", n, seed),
                "bulk_triples_per_s": bulk_rate(store.parent / f"bulk-{n}", nq, written),
                "truth": corpus.truth()})
    nq.unlink()
    return out


def _quads(fh, item) -> None:
    """Append a converted document's triples to an N-Quads file, in its graph."""
    for line in item.ntriples.splitlines():
        if line.strip():
            fh.write(f"{line.rstrip()[:-1].rstrip()} <{item.graph}> .\n")


def bulk_rate(path: Path, nq: Path, triples: int) -> float:
    """Triples per second of bare pyoxigraph's bulk loader (not transactional, no maintained graphs) on the
    documents just written through kg: the machine's ceiling for loading, measured in the same run."""
    import pyoxigraph

    db = pyoxigraph.Store(str(path))
    t0 = time.perf_counter()
    db.bulk_load(path=str(nq), format=pyoxigraph.RdfFormat.N_QUADS)
    db.flush()
    seconds = time.perf_counter() - t0
    del db
    return triples / seconds


def _bulk_fill(store: Path, corpus: Corpus, n: int) -> dict:
    """The first ``n`` document graphs by the bulk loader, then the maintained graphs in one update."""
    import pyoxigraph

    KnowledgeGraph(store).close()  # a marked kg store with its ontology
    nq = store.parent / f"fill-{n}.nq"
    with nq.open("w", encoding="utf-8") as fh:
        for i in range(n):
            ex = corpus.document(i)
            corpus.count(ex)
            _quads(fh, convert(ex))
    t0 = time.perf_counter()
    db = pyoxigraph.Store(str(store / "oxigraph"))
    db.bulk_load(path=str(nq), format=pyoxigraph.RdfFormat.N_QUADS)
    db.flush()
    del db
    nq.unlink()
    t1, c1 = time.perf_counter(), time.process_time()
    with KnowledgeGraph(store) as kg:
        kg.recompute()
    return {"bulk_s": t1 - t0, "fill_recompute_s": time.perf_counter() - t1}


def raw_rate(path: Path, n: int, seed: int, batch: int = 100, most: int = 500) -> float:
    """Triples per second of the same documents (the first ``most`` of them) written by bare pyoxigraph updates
    (DROP + INSERT DATA per document, ``batch`` per update, no maintained graphs): the machine's ceiling for
    transactional writes, measured in the same run."""
    import pyoxigraph

    n = min(n, most)
    corpus = Corpus(seed)
    store = pyoxigraph.Store(str(path))
    seconds = triples = 0
    for start in range(0, n, batch):
        items = [convert(corpus.document(i)) for i in range(start, min(n, start + batch))]
        t0 = time.perf_counter()
        store.update(" ;\n".join(f"DROP SILENT GRAPH <{i.graph}> ; INSERT DATA {{ GRAPH <{i.graph}> {{ {i.ntriples} }} }}"
                                  for i in items))
        seconds += time.perf_counter() - t0
        triples += sum(i.triples for i in items)
    store.flush()
    return triples / seconds


@contextlib.contextmanager
def without_graph(name: str):
    """Leave the maintained graph ``name`` out of every write inside the block."""
    kept = MAINTAINED[:]
    MAINTAINED[:] = [m for m in kept if m.name != name]
    try:
        yield
    finally:
        MAINTAINED[:] = kept


def story_comparison(work: Path, n: int, tail: int = 0, batch: int = WRITE_DOCS) -> dict:
    """Write seconds of the documents a store of ``n`` gets through kg's writer path with and without the story
    events graph, and their ratio. Two stores are built side by side from the same documents (the first
    ``n - tail`` bulk-loaded as in :func:`load` when ``tail`` and ``n > 2 * tail``); each batch of ``batch`` documents is
    written to one store, then the other, so that what else runs on the machine weighs on both alike."""
    first = n - tail if tail and n > 2 * tail else 0
    corpus = Corpus()
    paths = {"without": work / f"story-cmp-{n}-without", "with": work / f"story-cmp-{n}-with"}
    if first:
        with without_graph("stories"):
            _bulk_fill(paths["without"], Corpus(), first)
        _bulk_fill(paths["with"], corpus, first)  # the same documents: one seeded corpus each
    seconds = {"without": 0.0, "with": 0.0}
    with KnowledgeGraph(paths["without"]) as plain, KnowledgeGraph(paths["with"]) as full:
        for start in range(first, n, batch):
            items = [convert(corpus.document(i)) for i in range(start, min(n, start + batch))]
            for name, kg in (("without", plain), ("with", full)) if start // batch % 2 else (("with", full), ("without", plain)):
                graphs = [(i.graph, i.ntriples) for i in items]
                t0 = time.perf_counter()
                with without_graph("stories") if name == "without" else contextlib.nullcontext():
                    kg.replace_graphs(graphs)
                seconds[name] += time.perf_counter() - t0
        mentions, stories = map(int, next(full.select(
            "SELECT (COUNT(?e) AS ?m) (COUNT(DISTINCT ?s) AS ?s) WHERE { ?e a dipl:Event "
            "OPTIONAL { GRAPH graph:stories { ?s dipl:hasReport ?e } } }")))
    return {"with_s": seconds["with"], "without_s": seconds["without"], "written": n - first,
            "ratio": seconds["with"] / seconds["without"], "mentions": mentions, "stories": stories}


# ----------------------------------------------------------------------------- timing the commands

# Runs a command and writes its peak RSS (KiB) to a file. Linux gives an exec'd child the high-water mark of the
# memory it was forked from, so a command forked straight from this process would report this process's RSS
# (gigabytes once it has built a large store); forked from this small one, it reports its own.
_PEAK = ("import resource, subprocess, sys; code = subprocess.run(sys.argv[2:], stdout=subprocess.DEVNULL).returncode; "
         "open(sys.argv[1], 'w').write(str(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss)); sys.exit(code)")


def run(argv: list[str]) -> tuple[float, float, float]:
    """Wall seconds, CPU seconds (user + system) and peak RSS (MiB) of a command; raises when it fails.
    Its messages go to a file, read only when it fails (a pipe nobody reads would stall a chatty command)."""
    with tempfile.TemporaryFile() as err, tempfile.NamedTemporaryFile() as peak:
        t0 = time.perf_counter()
        proc = subprocess.Popen([sys.executable, "-c", _PEAK, peak.name, *argv], stdout=subprocess.DEVNULL,
                                stderr=err)
        _, status, usage = os.wait4(proc.pid, 0)
        wall = time.perf_counter() - t0
        proc.returncode = os.waitstatus_to_exitcode(status)
        if proc.returncode != 0:
            err.seek(0)
            raise RuntimeError(f"{' '.join(argv)} failed ({proc.returncode}): {err.read().decode()[-500:]}")
        return wall, usage.ru_utime + usage.ru_stime, int(Path(peak.name).read_text()) / 1024


def busiest_actors(store: Path) -> list[tuple[str, str]]:
    """(IRI, label) of the 20 actors that initiate most events, busiest first."""
    with KnowledgeGraph(store, read_only=True) as kg:
        return [(a, label) for a, label, _ in kg.select("""SELECT ?a ?label (SUM(?n) AS ?events) WHERE {
            GRAPH graph:network { ?e dipl:edgeSource ?a ; dipl:eventCount ?n }
            GRAPH graph:actors { ?a skos:prefLabel ?label } }
            GROUP BY ?a ?label ORDER BY DESC(?events) ?label LIMIT 20""")]


def check_answers(store: Path, truth: dict, actor: str) -> tuple[float, list[str]]:
    """The plain-SPARQL checks of issue 11 against the generator's ground truth (``actor``: the busiest actor's
    IRI): one label per actor, events initiated per actor counted through a join on labels, each direct edge
    once, an actor's label x aliases product. Seconds for all four, and the failures."""
    failed = []
    t0 = time.perf_counter()
    with KnowledgeGraph(store, read_only=True) as kg:
        (n,), = kg.select(f"SELECT (COUNT(*) AS ?n) WHERE {{ <{actor}> skos:prefLabel ?l }}")
        if int(n) != 1:
            failed.append(f"{actor} has {n} prefLabels")
        got = {a.rsplit("/", 1)[1]: int(c) for a, c in kg.select(
            "SELECT ?a (COUNT(?e) AS ?n) WHERE { ?e dipl:source ?a . ?a skos:prefLabel ?l } GROUP BY ?a")}
        wrong = {k: (got.get(k), v) for k, v in truth["initiated"].items() if got.get(k) != v}
        if wrong:
            failed.append(f"events initiated (got, true) differ for {len(wrong)} actors: {list(wrong.items())[:3]}")
        pairs = list(kg.select("SELECT ?a ?b WHERE { ?a dipl:sanctions ?b }"))
        if len(pairs) != truth["sanctions"] or len(set(pairs)) != len(pairs):
            failed.append(f"{len(pairs)} sanctions rows, {len(set(pairs))} distinct, {truth['sanctions']} true")
        product = list(kg.select(f"SELECT ?l ?a WHERE {{ <{actor}> skos:prefLabel ?l ; skos:altLabel ?a }}"))
        (aliases,), = kg.select(f"SELECT (COUNT(DISTINCT ?a) AS ?n) WHERE {{ <{actor}> skos:altLabel ?a }}")
        if len(product) != int(aliases):
            failed.append(f"label x aliases of {actor}: {len(product)} rows for {aliases} aliases")
    return time.perf_counter() - t0, failed


def time_named_queries(store: Path, actor: str, other: str, repeat: int = 3) -> dict[str, float]:
    """Median seconds of every named query, run as ``kg query --name`` runs it (resolution included)."""
    from kg.query import named_queries, run_named

    params = {"actor": actor, "other": other, "source": actor, "target": other, "country": actor}
    out = {}
    with KnowledgeGraph(store, read_only=True) as kg:
        busiest = kg.select("SELECT ?s (COUNT(?e) AS ?n) WHERE { GRAPH graph:stories { ?s dipl:hasReport ?e } } "
                            "GROUP BY ?s ORDER BY DESC(?n) ?s LIMIT 1")
        params["story"] = f"<{next(busiest)[0]}>"  # the story event with most reports
        for name, nq in named_queries().items():
            values = {p.name: params[p.name] for p in nq.params if p.name in params}
            times, cpu = [], []
            for _ in range(repeat):
                t0, c0 = time.perf_counter(), time.process_time()
                run_named(kg, nq, values)
                times.append(time.perf_counter() - t0)
                cpu.append(time.process_time() - c0)
            out[name] = statistics.median(times)
            out[f"{name}_cpu"] = statistics.median(cpu)
    return out


def time_get_root(store: Path) -> tuple[float, float]:
    """Seconds for the first ``GET /`` on a fresh ``kg serve`` (the page is drawn on demand), and the server's
    peak RSS in MiB (it draws the page in its own process)."""
    sys.path.insert(0, str(ROOT / "tests"))
    from servers import free_port

    port = free_port()
    proc = subprocess.Popen([KG, "serve", "--store", str(store), "--port", str(port), "--timeout", "600"],
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                urllib.request.urlopen(f"http://127.0.0.1:{port}/sparql?query=ASK%7B%7D", timeout=5).read()
                break
            except OSError:
                if time.monotonic() > deadline or proc.poll() is not None:
                    raise RuntimeError("kg serve did not start") from None
                time.sleep(0.1)
        t0 = time.perf_counter()
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/", timeout=600) as answer:
            answer.read()
        seconds = time.perf_counter() - t0
        status = Path(f"/proc/{proc.pid}/status").read_text()
        peak = next(int(line.split()[1]) for line in status.splitlines() if line.startswith("VmHWM:"))
        return seconds, peak / 1024
    finally:
        proc.terminate()
        proc.wait(timeout=30)


def time_recompute(store: Path) -> tuple[float, float, bool]:
    """Wall and CPU seconds of deriving every maintained graph afresh (``KnowledgeGraph.recompute``), and
    whether that left them as the writer had built them."""
    import pyoxigraph

    from kg.layout import maintained_graphs

    def facts(kg: KnowledgeGraph) -> set:
        return {q for g in maintained_graphs()
                for q in kg.backend.store.quads_for_pattern(None, None, None, pyoxigraph.NamedNode(str(g)))}

    with KnowledgeGraph(store) as kg:
        before = facts(kg)
        t0, c0 = time.perf_counter(), time.process_time()
        kg.recompute()
        wall, cpu = time.perf_counter() - t0, time.process_time() - c0
        return wall, cpu, facts(kg) == before


def measure(store: Path, out_dir: Path, truth: dict | None = None) -> dict:
    """Time the user's commands on a built store (``truth``: also run the correctness checks)."""
    busy = busiest_actors(store)
    (top, top_label), (_, actor), (_, other) = busy[0], busy[min(9, len(busy) - 1)], busy[min(19, len(busy) - 1)]
    row: dict = {"actor": actor, "busiest": top_label}
    if truth is not None:
        row["checks_s"], row["checks_failed"] = check_answers(store, truth, top)
    row["stats_s"], row["stats_s_cpu"], _ = run([KG, "stats", "--store", str(store)])
    row["cli_query_s"], row["cli_query_s_cpu"], _ = run(
        [KG, "query", "--store", str(store), "--name", "who-did-what", "--param", f"actor={top_label}"])
    for name, seconds in time_named_queries(store, actor, other).items():
        row[f"q:{name.replace('_cpu', '')}" + ("_cpu" if name.endswith("_cpu") else "")] = seconds
    row["render_s"], row["render_s_cpu"], row["render_rss_mib"] = run(
        [KG, "render", "--store", str(store), "--out", str(out_dir / "whole.html")])
    row["ego_s"], row["ego_s_cpu"], row["ego_rss_mib"] = run(
        [KG, "render", "--store", str(store), "--out", str(out_dir / "ego.html"), "--actor", actor, "--hops", "2"])
    row["page_mb"] = (out_dir / "whole.html").stat().st_size / 1e6
    row["graphml_s"], row["graphml_s_cpu"], _ = run([KG, "export", "--format", "graphml", "--store", str(store),
                                                     "--out", str(out_dir / "g.graphml")])
    row["get_root_s"], row["serve_rss_mib"] = time_get_root(store)
    row["recompute_s"], row["recompute_s_cpu"], same = time_recompute(store)
    if truth is not None and not same:
        row["checks_failed"].append("recomputing the maintained graphs changed them")
    with KnowledgeGraph(store, read_only=True) as kg:  # a document about the busiest actor, from the middle
        docs = [d for d, in kg.select(f"SELECT DISTINCT ?d WHERE {{ <{top}> dipl:mentionedIn ?d }} ORDER BY ?d")]
    row["remove_s"], row["remove_s_cpu"], _ = run([KG, "remove", docs[len(docs) // 2], "--store", str(store)])
    return row


def real_build(store: Path, corpus: Path, n: int, work: Path) -> dict:
    """``kg build`` of ``n`` documents made from the dev articles (each article under several ids, kept with
    ``--allow-duplicates``: the store then holds ``n`` documents, as a corpus of syndicated copies would)."""
    articles = [json.loads(line) for line in corpus.read_text(encoding="utf-8").splitlines() if line.strip()]
    src = work / "real.jsonl"
    with src.open("w", encoding="utf-8") as fh:
        for i in range(n):
            a = articles[i % len(articles)]
            fh.write(json.dumps({"id": f"{a['id']}-copy{i // len(articles):03d}", "text": a["text"],
                                 "date": a.get("date")}) + "\n")
    wall, cpu, rss = run([KG, "build", str(src), "--store", str(store), "--quiet", "--workers", "2",
                          "--allow-duplicates"])
    return {"build_s": wall, "build_s_cpu": cpu, "build_rss_mib": rss}


# ----------------------------------------------------------------------------- report

TASKS = [("build: documents written through kg's writer s", "write_s"),
         ("build: the writer's own thread, CPU s (without RocksDB's background threads)", "write_thread_s"),
         ("kg query --name who-did-what --param actor=<busiest> s", "cli_query_s"),
         ("plain-SPARQL correctness checks s (wall only)", "checks_s"), ("kg remove one document s", "remove_s"),
         ("maintained graphs derived afresh (recompute) s", "recompute_s"),
         ("kg stats s", "stats_s"), ("render whole s", "render_s"), ("render --actor --hops 2 s", "ego_s"),
         ("export graphml s", "graphml_s"), ("GET / s (wall only)", "get_root_s")]


def exponent(n1: int, t1: float, n2: int, t2: float) -> float:
    """k in t ~ n^k between two sizes."""
    return math.log(max(t2, 1e-6) / max(t1, 1e-6)) / math.log(n2 / n1)


def report(sizes: list[int], rows: dict[int, dict]) -> str:
    """Wall seconds (CPU seconds in brackets) per size, and the growth exponent of the CPU time (of the wall
    time where there is no CPU figure): on a shared machine CPU time is the steadier measure."""
    names = sorted(k for k in rows[sizes[0]] if k.startswith("q:") and not k.endswith("_cpu"))
    tasks = TASKS + [(f"query {k[2:]} s", k) for k in names]
    head = ["task"] + [f"{n:,} docs" for n in sizes] + [f"k {a:,}->{b:,}" for a, b in zip(sizes, sizes[1:])]
    lines = ["| " + " | ".join(head) + " |", "|" + "---|" * len(head)]
    for label, key in tasks:
        cpu = all(f"{key}_cpu" in rows[n] for n in sizes)
        cells = [f"{rows[n][key]:.3f}" + (f" ({rows[n][key + '_cpu']:.3f})" if cpu else "") for n in sizes]
        k = key + "_cpu" if cpu else key
        ks = [f"{exponent(a, rows[a][k], b, rows[b][k]):.2f}" for a, b in zip(sizes, sizes[1:])]
        lines.append("| " + " | ".join([label, *cells, *ks]) + " |")
    extra = [("documents", "docs", "{:,}"), ("document triples", "doc_triples", "{:,}"),
             ("all triples (incl. maintained, ontology)", "all_triples", "{:,}"),
             ("documents written through the writer (timed)", "written_docs", "{:,}"),
             ("load triples/s through kg's writer (wall)", "triples_per_s", "{:,.0f}"),
             ("load triples per CPU second through kg's writer", "triples_per_cpu_s", "{:,.0f}"),
             ("bare Oxigraph updates triples/s (DROP + INSERT DATA, first 500 docs)", "raw_triples_per_s", "{:,.0f}"),
             ("bare Oxigraph bulk loader triples/s (same documents)", "bulk_triples_per_s", "{:,.0f}"),
             ("kg's writer / bulk loader (wall)", "bulk_ratio", "{:.2f}"),
             ("writer CPU per document, last tenth / first tenth", "batch_growth", "{:.2f}"),
             ("writer's own thread CPU per document, last tenth / first tenth", "thread_growth", "{:.2f}"),
             ("to_graph + N-Triples s", "convert_s", "{:.2f}"),
             ("render peak RSS MiB", "render_rss_mib", "{:.0f}"),
             ("render --actor --hops 2 peak RSS MiB", "ego_rss_mib", "{:.0f}"),
             ("kg serve peak RSS after GET / MiB", "serve_rss_mib", "{:.0f}"),
             ("page size MB (whole graph)", "page_mb", "{:.1f}"),
             ("plain-SPARQL checks failed", "checks_failed", "{}")]
    extra += [("bulk load of all but the last --tail documents s", "bulk_s", "{:.1f}"),
              ("maintained graphs derived after the bulk load s", "fill_recompute_s", "{:.1f}")]
    for n in sizes:
        rows[n]["bulk_ratio"] = rows[n]["triples_per_s"] / rows[n]["bulk_triples_per_s"]
        rows[n]["checks_failed"] = len(rows[n].get("checks_failed", []))
    for label, key, fmt in extra:
        if not all(key in rows[n] for n in sizes):
            lines.append("| " + " | ".join([label, *(fmt.format(rows[n][key]) if key in rows[n] else "-" for n in sizes)]
                                         + [""] * (len(sizes) - 1)) + " |")
            continue
        lines.append("| " + " | ".join([label, *(fmt.format(rows[n][key]) for n in sizes)] + [""] * (len(sizes) - 1)) + " |")
    return "\n".join(lines)


def check_targets(n: int, row: dict) -> list[str]:
    """The issue's targets at the largest size; the ones missed."""
    missed = []
    for label, key, limit in [("render", "render_s", 20), ("render --actor --hops 2", "ego_s", 20),
                              ("GET /", "get_root_s", 20)]:
        if row[key] >= limit:
            missed.append(f"{label} {row[key]:.1f} s >= {limit} s")
    for k, v in row.items():
        if k.startswith("q:") and not k.endswith("_cpu") and v >= 1:
            missed.append(f"query {k[2:]} {v:.2f} s >= 1 s")
    if row["triples_per_s"] < 150_000:
        missed.append(f"load {row['triples_per_s']:,.0f} triples/s < 150,000 (bare Oxigraph updates on this machine: "
                      f"{row['raw_triples_per_s']:,.0f})")
    for label, key in [("render", "render_rss_mib"), ("render --actor", "ego_rss_mib"), ("kg serve", "serve_rss_mib")]:
        if row[key] >= 2048:
            missed.append(f"{label} peak RSS {row[key]:.0f} MiB >= 2 GiB")
    return missed


def print_story_comparison(n: int, c: dict) -> None:
    print(f"\nstory events at {n:,} documents ({c['written']:,} written {WRITE_DOCS} per update, in turn): "
          f"write {c['with_s']:.1f} s with, {c['without_s']:.1f} s without, "
          f"ratio {c['ratio']:.2f} (target <= 1.2: {'met' if c['ratio'] <= 1.2 else 'MISSED'}); "
          f"{c['mentions']:,} mentions in {c['stories']:,} story events")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--sizes", type=int, nargs="+", default=[100, 1000, 10000])
    ap.add_argument("--real", type=int, default=500, help="documents in the real kg build (0: skip)")
    ap.add_argument("--corpus", type=Path, default=Path("/work/shared/eval/dev/news.jsonl"),
                    help="JSON Lines articles for the real build (read, never copied)")
    ap.add_argument("--keep", type=Path, help="keep the stores in this directory")
    ap.add_argument("--only-stories", action="store_true",
                    help="only the story events comparison at the largest size (no commands timed)")
    ap.add_argument("--tail", type=int, default=0,
                    help="write only this many documents through kg's writer, on top of a store bulk-loaded and "
                         "recomputed (sizes above twice this; default 0: every document through the writer)")
    ap.add_argument("--out", type=Path, help="also write the table, the checks and the real build's figures to this "
                                               "Markdown file")
    ap.add_argument("--no-story-comparison", dest="stories", action="store_false",
                    help="skip the story events comparison (two more stores of the largest size)")
    args = ap.parse_args()
    work = Path(tempfile.mkdtemp(prefix="kg-scale-")) if args.keep is None else args.keep
    if args.only_stories:
        print_story_comparison(args.sizes[-1], story_comparison(work, args.sizes[-1], tail=args.tail))
        return
    rows: dict[int, dict] = {}
    for n in args.sizes:
        store = work / f"store-{n}"
        print(f"== {n:,} documents", file=sys.stderr, flush=True)
        rows[n] = load(store, n, tail=args.tail)
        print(f"   loaded: {rows[n]['doc_triples']:,} triples in {rows[n]['write_s']:.1f} s", file=sys.stderr, flush=True)
        (work / f"out-{n}").mkdir(exist_ok=True)
        rows[n].update(measure(store, work / f"out-{n}", rows[n].pop("truth")))
        print(f"   {json.dumps(rows[n])}", file=sys.stderr, flush=True)
    failures = [f"{n:,} docs: {f}" for n in args.sizes for f in rows[n]["checks_failed"]]
    text = report(args.sizes, rows)
    missed = check_targets(args.sizes[-1], rows[args.sizes[-1]])
    text += (f"\n\ntargets at {args.sizes[-1]:,} documents: " + ("all met" if not missed else "missed: " + "; ".join(missed))
             + "\nplain-SPARQL checks: " + ("all right at every size" if not failures else "; ".join(failures)))
    print(text)
    if args.out:
        args.out.write_text(text + "\n", encoding="utf-8")
    if args.stories:
        print_story_comparison(args.sizes[-1], story_comparison(work, args.sizes[-1], args.tail))
    if args.real and args.corpus.is_file():
        print(f"== real kg build of {args.real} documents from {args.corpus}", file=sys.stderr, flush=True)
        store = work / "store-real"
        real = real_build(store, args.corpus, args.real, work)
        (work / "out-real").mkdir(exist_ok=True)
        real.update(measure(store, work / "out-real"))
        lines = [f"real kg build, {args.real} documents from the dev articles:"]
        lines += [f"  {k}: {v:.3f}" if isinstance(v, float) else f"  {k}: {v}" for k, v in real.items()]
        print("\n" + "\n".join(lines))
        if args.out:
            with args.out.open("a", encoding="utf-8") as fh:
                fh.write("\n" + "\n".join(lines) + "\n")


if __name__ == "__main__":
    main()
