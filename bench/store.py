"""Store benchmark: rdflib in-memory Dataset vs the embedded Oxigraph store, on a graph shaped like kg's.

Generates N triples (default 1M) of actors (type, prefLabel, rdfs:label, 1-2 altLabels, countryCode,
mentionedIn), documents (type, identifier, title, date, source, hash) and events of 12-13 triples
(type, source, target, eventType, trigger, negated, modality, confidence, sentence ~150 chars,
startChar, endChar, wasDerivedFrom, sometimes a date), plus the direct actor-to-actor edges, in one
named graph per document (as kg.rdf writes them). Then it bulk-loads the N-Quads into each engine and
times five typical queries (median of --repeat runs, fully iterated), printing the ratios rdflib/Oxigraph.

    python bench/store.py                     # 1M triples (rdflib needs ~2 GB RAM and several minutes)
    python bench/store.py --triples 100000    # quick run
"""
from __future__ import annotations

import argparse
import gc
import random
import statistics
import sys
import tempfile
import time
from pathlib import Path

DIPL = "https://w3id.org/kg-dipl/ontology#"
ID = "https://w3id.org/kg-dipl/id/"
SKOS = "http://www.w3.org/2004/02/skos/core#"
RDF_TYPE = "http://www.w3.org/1999/02/22-rdf-syntax-ns#type"
RDFS_LABEL = "http://www.w3.org/2000/01/rdf-schema#label"
PROV = "http://www.w3.org/ns/prov#"
DCT = "http://purl.org/dc/terms/"
XSD = "http://www.w3.org/2001/XMLSchema#"
CLASSES = [("AGREE", "agreesWith"), ("CONSULT", "consults"), ("SUPPORT", "supports"), ("CONCEDE", "concedesTo"),
           ("COOPERATE", "cooperatesWith"), ("AID", "aids"), ("RETREAT", "retreatsFrom"), ("REQUEST", "requests"),
           ("ACCUSE", "accuses"), ("REJECT", "rejects"), ("THREATEN", "threatens"), ("PROTEST", "protestsAgainst"),
           ("SANCTION", "sanctions"), ("MOBILIZE", "mobilizesAgainst"), ("COERCE", "coerces"), ("ASSAULT", "assaults")]
WORDS = ("government minister talks border trade security council agreement envoy troops ceasefire summit "
         "delegation statement foreign policy capital region aid deal nuclear forces pressure week official").split()

PREFIX = (f"PREFIX dipl: <{DIPL}>\nPREFIX skos: <{SKOS}>\nPREFIX prov: <{PROV}>\nPREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>\n"
          f"PREFIX actor: <{ID}actor/>\n")
# This generator keeps kg's first graph layout (actors repeated in every document graph that mentions them;
# the union default graph is a multiset in Oxigraph), so the queries take DISTINCT where duplicates would
# multiply. kg itself now stores each fact once (docs/graph-layout.md); bench/scale.py measures that store.
QUERIES = {
    "Q1 actor's relations with labels": """
        SELECT DISTINCT ?e ?cls ?otherLabel ?sentence WHERE {
          ?e dipl:source actor:A5 ; dipl:target ?other ; dipl:eventType ?t ; dipl:sentence ?sentence .
          ?t skos:prefLabel ?cls . ?other skos:prefLabel ?otherLabel }""",
    "Q2 counts by class": """
        SELECT ?t (COUNT(?e) AS ?n) WHERE { ?e a dipl:Event ; dipl:eventType ?t } GROUP BY ?t ORDER BY DESC(?n)""",
    "Q3 two-hop neighbours": """
        SELECT ?far (COUNT(*) AS ?paths) WHERE {
          { SELECT DISTINCT ?near WHERE { actor:A5 ?p1 ?near . ?p1 a dipl:EdgeLink } }
          { SELECT DISTINCT ?near ?far WHERE { ?near ?p2 ?far . ?p2 a dipl:EdgeLink } }
          FILTER(?far != actor:A5) } GROUP BY ?far""",
    "Q4 text filter on evidence": """
        SELECT ?e ?sentence WHERE { ?e a dipl:Event ; dipl:sentence ?sentence .
          FILTER(CONTAINS(LCASE(?sentence), "sanction")) }""",
    "Q5 CONSTRUCT actor network": """
        CONSTRUCT { ?s ?p ?o } WHERE {
          { SELECT DISTINCT ?s ?p ?o WHERE { ?p a dipl:EdgeLink . ?s ?p ?o } }
          UNION { SELECT DISTINCT ?s ?p ?o WHERE { ?s dipl:mentionedIn ?d ; skos:prefLabel ?o . BIND(skos:prefLabel AS ?p) } } }""",
}


def generate(n_triples: int, seed: int = 7) -> tuple[str, int]:
    """N-Quads text of about n_triples quads, and the exact count."""
    rnd = random.Random(seed)
    lines: list[str] = []
    n_actors = max(50, n_triples // 20)
    n_docs = max(10, n_triples // 150)
    doc_graph = [f"<{ID}doc/d{i}>" for i in range(n_docs)]
    # ontology-ish graph: event types with labels, edge properties marked so Q3/Q5 can find them
    og = f"<{ID}ontology>"
    for cls, edge in CLASSES:
        lines.append(f'<{DIPL}{cls}> <{SKOS}prefLabel> "{cls}" {og} .')
        lines.append(f"<{DIPL}{edge}> <{RDF_TYPE}> <{DIPL}EdgeLink> {og} .")
    import itertools

    cum = list(itertools.accumulate(1 / (i + 1) for i in range(n_actors)))  # Zipf participation

    def actor(i: int, g: str) -> None:
        if (i, g) in seen:
            return
        seen.add((i, g))
        a = f"<{ID}actor/A{i}>"
        kind = ("Country", "Person", "Organization")[i % 3]
        lines.append(f"{a} <{RDF_TYPE}> <{DIPL}{kind}> {g} .")
        lines.append(f'{a} <{SKOS}prefLabel> "Actor {i}" {g} .')
        lines.append(f'{a} <{RDFS_LABEL}> "Actor {i}" {g} .')
        for k in range(1 + i % 2):
            lines.append(f'{a} <{SKOS}altLabel> "Alias {k} of actor {i}" {g} .')
        lines.append(f'{a} <{DIPL}countryCode> "C{i % 200:02d}" {g} .')
        lines.append(f"{a} <{DIPL}mentionedIn> {g} {g} .")

    seen: set = set()
    ev = 0
    while len(lines) < n_triples:
        d = ev // 12 % n_docs
        g = doc_graph[d]
        if ev % 12 == 0:
            lines.append(f"{g} <{RDF_TYPE}> <{DIPL}Document> {g} .")
            lines.append(f'{g} <{DCT}identifier> "corpus/d{d}.txt" {g} .')
            lines.append(f'{g} <{DCT}title> "Document {d}" {g} .')
            lines.append(f'{g} <{DIPL}contentHash> "{rnd.getrandbits(256):064x}" {g} .')
        s, o = rnd.choices(range(n_actors), cum_weights=cum, k=2)
        if s == o:
            o = (o + 1) % n_actors
        actor(s, g)
        actor(o, g)
        cls, edge = CLASSES[rnd.randrange(16)]
        e = f"<{ID}event/e{ev}>"
        words = " ".join(rnd.choice(WORDS) for _ in range(20))
        if rnd.random() < 0.12:
            words = words.replace("pressure", "sanctions") + " sanctions"
        sentence = f"Actor {s} and Actor {o}: {words}."[:160]
        start = rnd.randrange(5000)
        lines += [
            f"{e} <{RDF_TYPE}> <{DIPL}Event> {g} .",
            f"{e} <{DIPL}source> <{ID}actor/A{s}> {g} .",
            f"{e} <{DIPL}target> <{ID}actor/A{o}> {g} .",
            f"{e} <{DIPL}eventType> <{DIPL}{cls}> {g} .",
            f'{e} <{DIPL}trigger> "{cls.lower()}" {g} .',
            f'{e} <{DIPL}negated> "false"^^<{XSD}boolean> {g} .',
            f'{e} <{DIPL}modality> "asserted" {g} .',
            f'{e} <{DIPL}confidence> "0.{rnd.randrange(50, 99)}"^^<{XSD}decimal> {g} .',
            f'{e} <{DIPL}sentence> "{sentence}" {g} .',
            f'{e} <{DIPL}startChar> "{start}"^^<{XSD}integer> {g} .',
            f'{e} <{DIPL}endChar> "{start + len(sentence)}"^^<{XSD}integer> {g} .',
            f"{e} <{PROV}wasDerivedFrom> {g} {g} .",
            f"<{ID}actor/A{s}> <{DIPL}{edge}> <{ID}actor/A{o}> {g} .",
        ]
        if ev % 3 == 0:
            lines.append(f'{e} <{DCT}date> "2024-{1 + ev % 12:02d}-{1 + ev % 28:02d}"^^<{XSD}date> {g} .')
        ev += 1
    return "\n".join(lines) + "\n", len(lines)


class Oxigraph:
    name = "oxigraph (disk)"

    def __init__(self, workdir: Path) -> None:
        import pyoxigraph

        self.ox = pyoxigraph
        self.store = pyoxigraph.Store(str(workdir / "ox"))

    def load(self, nq: bytes) -> None:
        self.store.bulk_load(nq, format=self.ox.RdfFormat.N_QUADS)
        self.store.flush()

    def run(self, q: str) -> int:
        res = self.store.query(PREFIX + q, use_default_graph_as_union=True)
        return len(set(res)) if isinstance(res, self.ox.QueryTriples) else sum(1 for _ in res)


class RdflibMemory:
    name = "rdflib (memory)"

    def __init__(self, workdir: Path) -> None:
        from rdflib import Dataset

        self.ds = Dataset(default_union=True)

    def load(self, nq: bytes) -> None:
        self.ds.parse(data=nq.decode("utf-8"), format="nquads")

    def run(self, q: str) -> int:
        res = self.ds.query(PREFIX + q)
        return len(res.graph) if res.type == "CONSTRUCT" else sum(1 for _ in res)


def bench(engine_cls, nq: bytes, n: int, repeat: int, slow: float, workdir: Path) -> dict:
    gc.collect()
    engine = engine_cls(workdir)
    t0 = time.perf_counter()
    engine.load(nq)
    load = time.perf_counter() - t0
    out = {"load_s": load, "triples_per_s": n / load, "queries": {}, "rows": {}}
    for name, q in QUERIES.items():
        times, rows = [], None
        for i in range(repeat):
            t0 = time.perf_counter()
            rows = engine.run(q)
            times.append(time.perf_counter() - t0)
            if times[0] > slow:  # one run of a very slow query is enough
                break
        out["queries"][name] = statistics.median(times)
        out["rows"][name] = rows
        print(f"  {engine.name:16} {name:34} {out['queries'][name] * 1000:10.1f} ms  ({rows} rows, {len(times)} runs)",
              file=sys.stderr, flush=True)
    return out


def main(argv: list[str] | None = None) -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--triples", type=int, default=1_000_000, help="size of the generated graph (default 1M)")
    ap.add_argument("--repeat", type=int, default=5, help="runs per query; the median is reported")
    ap.add_argument("--slow", type=float, default=20.0, help="a query whose first run takes longer runs once")
    ap.add_argument("--engines", default="oxigraph,rdflib", help="comma list of: oxigraph, rdflib")
    args = ap.parse_args(argv)

    t0 = time.perf_counter()
    text, n = generate(args.triples)
    nq = text.encode("utf-8")
    print(f"generated {n:,} quads ({len(nq) / 1e6:.1f} MB N-Quads) in {time.perf_counter() - t0:.1f} s", flush=True)
    engines = {"oxigraph": Oxigraph, "rdflib": RdflibMemory}
    results = {}
    with tempfile.TemporaryDirectory(prefix="kg-bench-") as tmp:
        for key in args.engines.split(","):
            results[key] = bench(engines[key], nq, n, args.repeat, args.slow, Path(tmp))
    ox, rl = results.get("oxigraph"), results.get("rdflib")
    head = f"{'':36}" + "".join(f"{engines[k].name:>18}" for k in results) + ("   rdflib/oxigraph" if ox and rl else "")
    print(head)
    line = f"{'bulk load (s)':36}" + "".join(f"{r['load_s']:18.2f}" for r in results.values())
    print(line + (f"{rl['load_s'] / ox['load_s']:17.1f}x" if ox and rl else ""))
    line = f"{'load throughput (triples/s)':36}" + "".join(f"{r['triples_per_s']:18,.0f}" for r in results.values())
    print(line)
    for q in QUERIES:
        line = f"{q + ' (ms)':36}" + "".join(f"{r['queries'][q] * 1000:18.1f}" for r in results.values())
        print(line + (f"{rl['queries'][q] / ox['queries'][q]:17.1f}x" if ox and rl else ""))
    if ox and rl:
        same = all(ox["rows"][q] == rl["rows"][q] for q in QUERIES)
        print(f"row counts {'agree' if same else 'DIFFER: ' + str((ox['rows'], rl['rows']))}")


if __name__ == "__main__":
    main()
