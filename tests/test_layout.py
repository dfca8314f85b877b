"""One fact, one place: set semantics across copies, atomic maintenance under SIGKILL, on the embedded
store and on a real ``oxigraph serve``; migration refusals; queries that cannot be wrong by accident."""
from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import textwrap
import time
from collections import Counter
from pathlib import Path

import pytest

from kg.build import build
from kg.cli import STATS_QUERIES
from kg.errors import QueryError, StoreError
from kg.layout import ACTORS_GRAPH, NETWORK_GRAPH
from kg.network import to_networkx
from kg.query import named_query, run_named
from kg.rdf import document_iri, to_graph
from kg.render import page_data
from kg.store import KnowledgeGraph, prologue
from servers import oxigraph_server
from synthetic import document

HERE = Path(__file__).resolve().parent
COPIES = 30
ARTICLE = ("Foreign Minister Sergei Lavrov of Russia met Secretary of State Antony Blinken in Geneva on Tuesday. "
           "Washington imposed new sanctions on Moscow after the talks. "
           "Russia accused the United States of blocking grain exports. "
           "Ukraine welcomed the sanctions. China urged Russia to resume negotiations with Ukraine.\n")
PARAMS = {"actor": "Russia", "other": "United States", "source": "Russia", "target": "United States",
          "country": "Russia"}
# per named query: columns that name one event or document (dropped), count columns (x COPIES in the copies
# store), and whether each row is one event (then each row appears COPIES times)
SHAPE = {"who-did-what": ({"event"}, set(), True), "evidence": ({"event", "document"}, set(), True),
         "actor-profile": (set(), {"n"}, False), "relations-between": (set(), set(), False),
         "events-by-month": (set(), {"events"}, False), "officials": (set(), {"events"}, False),
         "most-conflictual-pairs": (set(), {"score", "events"}, False),
         "most-cooperative-pairs": (set(), {"score", "events"}, False)}


def rows(url: str, sparql: str) -> list[tuple]:
    with KnowledgeGraph(url, read_only=True) as kg:
        return list(kg.select(sparql))


def named(url: str, name: str, copies: int) -> Counter:
    nq = named_query(name)
    values = {p.name: PARAMS[p.name] for p in nq.params if p.name in PARAMS}
    with KnowledgeGraph(url, read_only=True) as kg:
        out = json.loads(run_named(kg, nq, values, "json")[0])
    drop, counts, per_event = SHAPE[name]
    norm = Counter()
    for r in out:
        key = tuple(sorted((k, v / copies if k in counts and v is not None else v) for k, v in r.items()
                           if k not in drop))
        norm[key] += 1
    if per_event:
        assert all(n % copies == 0 for n in norm.values()), f"{name}: an event is not in every copy once"
        norm = Counter({k: n // copies for k, n in norm.items()})
    return norm


def page(url: str, copies: int) -> tuple[list, list]:
    with KnowledgeGraph(url, read_only=True) as kg:
        data = page_data(to_networkx(kg))
    nodes = sorted(json.dumps({**{k: v for k, v in n.items() if k != "docs"}, "ndocs": n["ndocs"] / copies},
                              sort_keys=True) for n in data["nodes"])
    edges = sorted((e["from"], e["to"], e["cls"], e["count"] / copies, e["dates"],
                    sorted({m["sentence"] for m in e["mentions"]}), e["weak"]) for e in data["edges"])
    return nodes, edges


def assert_one_graph_per_triple(url: str) -> None:
    twice = rows(url, "SELECT ?s ?p ?o (COUNT(?g) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } } "
                      "GROUP BY ?s ?p ?o HAVING (COUNT(?g) > 1) LIMIT 5")
    assert twice == [], f"triples stored in several graphs: {twice}"


@pytest.fixture(scope="module", params=["embedded", "oxigraph serve"])
def stores(request, tmp_path_factory, extractor):
    """(single, copies): the article built once, and under COPIES file names (plus once more as itself)."""
    d = tmp_path_factory.mktemp("copies")
    (d / "one").mkdir()
    (d / "one" / "article.txt").write_text(ARTICLE, encoding="utf-8")
    (d / "many").mkdir()
    for i in range(COPIES):
        (d / "many" / f"copy-{i:02d}.txt").write_text(ARTICLE, encoding="utf-8")
    servers = []
    if request.param == "embedded":
        single, copies = str(d / "single-store"), str(d / "copies-store")
    else:
        servers = [oxigraph_server("--union-default-graph") for _ in range(2)]
        single, copies = servers[0].url, servers[1].url
    try:
        assert build([str(d / "one")], store=single, extractor=extractor).new == 1
        # the same text under 30 names: kept on purpose, as a corpus of syndicated copies would be
        assert build([str(d / "many")], store=copies, extractor=extractor, allow_duplicates=True).new == COPIES
        yield single, copies
    finally:
        for s in servers:
            s.stop()


def test_each_fact_once_whatever_the_number_of_copies(stores):
    single, copies = stores
    for url in stores:
        assert_one_graph_per_triple(url)
        labels = rows(url, "SELECT ?a (COUNT(*) AS ?n) WHERE { ?a skos:prefLabel ?l ; a ?t "
                           "VALUES ?t { dipl:Country dipl:Person dipl:Organization } } GROUP BY ?a")
        assert labels and all(int(n) == 1 for _, n in labels), "COUNT(*) over an actor's labels is 1"
    for q in ["SELECT ?a ?b WHERE { ?a dipl:sanctions ?b }",
              "SELECT ?l ?alias WHERE { actor:RUS skos:prefLabel ?l ; skos:altLabel ?alias }",
              "SELECT ?a ?type ?label ?role WHERE { ?a a ?type ; skos:prefLabel ?label OPTIONAL { ?a dipl:role ?role } }",
              "SELECT ?p ?post ?org WHERE { ?p org:holds ?post . ?post org:postIn ?org }"]:
        assert sorted(rows(single, q)) == sorted(rows(copies, q)), q
    assert rows(single, "SELECT ?a ?b WHERE { ?a dipl:sanctions ?b }"), "the article reports a sanction"
    count = "SELECT ?a (COUNT(?e) AS ?n) WHERE { ?e dipl:source ?a } GROUP BY ?a"
    assert {(a, int(n) * COPIES) for a, n in rows(single, count)} == {(a, int(n)) for a, n in rows(copies, count)}


def test_named_queries_page_and_stats_agree_with_a_single_build(stores):
    single, copies = stores
    for name in SHAPE:
        assert named(single, name, 1) == named(copies, name, COPIES), name
    assert page(single, 1) == page(copies, COPIES)
    for title, q in STATS_QUERIES.items():
        one, many = rows(single, q), rows(copies, q)
        if title == "actors by type":
            assert one == many
        elif title == "story events":  # undated copies: each its own story event, so both counts scale
            (m1, s1, r1), (m2, s2, r2) = one[0], many[0]
            assert (int(m2), int(s2), r2) == (int(m1) * COPIES, int(s1) * COPIES, r1)
        else:
            assert [(k, int(n) * COPIES) for *k, n in one] == [(k, int(n)) for *k, n in many]


# ----------------------------------------------------------------------------- SIGKILL during a batch

WRITER = textwrap.dedent("""
    import sys
    sys.path.insert(0, {here!r})
    from kg.parallel import convert
    from kg.store import KnowledgeGraph
    from synthetic import document
    with KnowledgeGraph({url!r}) as kg:
        for start in range(0, {n}, {batch}):
            items = [convert(document(i)) for i in range(start, start + {batch})]
            kg.replace_graphs((item.graph, item.ntriples) for item in items)
            print("batch", start, flush=True)
""")


def quads(url: str) -> set[tuple]:
    return set(rows(url, "SELECT ?g ?s ?p ?o WHERE { GRAPH ?g { ?s ?p ?o } }"))


def clean_build(url: str, ids: list[int]) -> None:
    with KnowledgeGraph(url) as kg:
        kg.replace_graphs((str(document_iri(document(i).document)), to_graph(document(i)).serialize(format="nt"))
                          for i in ids)


def stored_ids(url: str) -> list[int]:
    found = rows(url, "SELECT ?id WHERE { ?d a dipl:Document ; dcterms:identifier ?id }")
    return sorted(int(i.rsplit("-", 1)[1].split(".")[0]) for (i,) in found)


def check_against_clean_build(url: str, clean: str) -> list[int]:
    ids = stored_ids(url)
    clean_build(clean, ids)
    got, want = quads(url), quads(clean)
    assert got == want, f"{len(got - want)} quads only in the killed store, {len(want - got)} only in the clean one"
    with KnowledgeGraph(url) as kg:  # and recomputing from scratch changes nothing
        kg.recompute()
    assert quads(url) == want
    return ids


def start_writer(url: str, n: int = 400, batch: int = 20) -> subprocess.Popen:
    code = WRITER.format(here=str(HERE), url=url, n=n, batch=batch)
    return subprocess.Popen([sys.executable, "-c", code], stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)


def test_sigkill_during_a_batch_leaves_the_embedded_store_as_a_clean_build(tmp_path):
    store = str(tmp_path / "store")
    p = start_writer(store)
    try:
        for _ in range(4):
            assert p.stdout.readline().startswith("batch")
        time.sleep(0.15)  # inside the next batch's update, most likely
    finally:
        os.kill(p.pid, signal.SIGKILL)
        p.wait()
    ids = check_against_clean_build(store, str(tmp_path / "clean"))
    assert 80 <= len(ids) < 400 and ids == list(range(len(ids))), "whole batches only, in order"


def test_sigkill_of_oxigraph_serve_during_a_batch(tmp_path):
    location = tmp_path / "served"
    server = oxigraph_server("--union-default-graph", "--location", str(location))
    p = start_writer(server.url)
    try:
        for _ in range(4):
            assert p.stdout.readline().startswith("batch")
        time.sleep(0.15)
        server.proc.kill()  # SIGKILL the server in the middle of an update request
        server.proc.wait()
    finally:
        p.kill()
        p.wait()
        server.stop()
    server = oxigraph_server("--union-default-graph", "--location", str(location))
    try:
        ids = check_against_clean_build(server.url, str(tmp_path / "clean"))
        assert 80 <= len(ids) < 400
    finally:
        server.stop()


def test_replace_and_remove_keep_the_maintained_graphs_exact(tmp_path):
    store, clean = str(tmp_path / "store"), str(tmp_path / "clean")
    clean_build(store, list(range(0, 40)))
    with KnowledgeGraph(store) as kg:  # replace ten documents by other texts under the same names
        kg.replace_graphs((str(document_iri(document(i).document)),
                           to_graph(document(i + 100, name=document(i).document.id)).serialize(format="nt"))
                          for i in range(10))
        for i in range(30, 40):
            assert kg.remove(document_iri(document(i).document))
        kg.replace_graphs([])
    want = quads(store)
    with KnowledgeGraph(store) as kg:
        kg.recompute()
    assert quads(store) == want, "incremental maintenance equals recomputing from the documents"
    with KnowledgeGraph(clean) as kg:
        kg.replace_graphs((str(document_iri(document(i).document)),
                           to_graph(document(i + 100, name=document(i).document.id) if i < 10 else document(i))
                           .serialize(format="nt")) for i in range(30))
    assert quads(clean) == want, "the same documents built in one go give the same store"
    assert rows(store, f"SELECT ?l WHERE {{ GRAPH <{ACTORS_GRAPH}> {{ ?a skos:altLabel ?l }} }}")
    assert rows(store, f"SELECT ?n WHERE {{ GRAPH <{NETWORK_GRAPH}> {{ ?e dipl:eventCount ?n }} }}")


# ----------------------------------------------------------------------------- migration

SIDES = "dipl:storySource dipl:storyTarget"  # what layout 4 added to layout 3

def test_a_store_of_the_previous_layout_is_refused_with_how_to_rebuild(tmp_path):
    store = tmp_path / "old"
    with KnowledgeGraph(store):
        pass
    marker = store / "kg-store.json"
    marker.write_text(json.dumps({"format": "kg-oxigraph", "version": 1}))
    with pytest.raises(StoreError, match=r"graph layout 1.*kg build PATHS --store NEW_DIR"):
        KnowledgeGraph(store, read_only=True)
    r = subprocess.run([sys.executable, "-m", "kg.cli", "stats", "--store", str(store)], capture_output=True, text=True)
    assert r.returncode == 2 and len(r.stderr.strip().splitlines()) == 1 and "rebuild" in r.stderr


def test_a_server_holding_the_previous_layout_is_refused():
    server = oxigraph_server("--union-default-graph")
    try:
        import urllib.request

        old = ("INSERT DATA { GRAPH <https://w3id.org/kg-dipl/ontology> { <https://w3id.org/kg-dipl/ontology#AGREE> a "
               "<https://w3id.org/kg-dipl/ontology#EventType> } GRAPH <https://w3id.org/kg-dipl/id/doc/a> { "
               "<https://w3id.org/kg-dipl/id/doc/a> a <https://w3id.org/kg-dipl/ontology#Document> } }")
        req = urllib.request.Request(server.url + "/update", data=old.encode(),
                                     headers={"Content-Type": "application/sparql-update"})
        urllib.request.urlopen(req, timeout=10).read()
        with pytest.raises(StoreError, match="graph layout 1"):
            KnowledgeGraph(server.url)
    finally:
        server.stop()


@pytest.mark.parametrize("where", ["embedded", "oxigraph serve"])
def test_a_store_of_layout_3_is_upgraded_in_place_to_what_a_fresh_build_holds(where, tmp_path):
    """Layout 3 kept story keys without their sides (dipl:storySource, dipl:storyTarget): other commands refuse
    it naming ``kg upgrade``, which adds them in one update and leaves the store quad for quad as a fresh build."""
    server = oxigraph_server("--union-default-graph") if where == "oxigraph serve" else None
    url = server.url if server else str(tmp_path / "store")
    try:
        clean_build(url, list(range(12)))
        fresh = quads(url)
        assert any(p.endswith("#storySource") for _, _, p, _ in fresh)
        with KnowledgeGraph(url) as kg:  # what kg wrote before: no sides, an ontology without them
            kg.backend.update(f"{prologue()}DELETE {{ GRAPH ?g {{ ?s ?p ?o }} }} WHERE {{ VALUES ?x {{ {SIDES} }} "
                              f"{{ GRAPH ?g {{ ?s ?x ?o }} BIND(?x AS ?p) }} UNION {{ GRAPH ?g {{ ?x ?p ?o }} BIND(?x AS ?s) }} }}")
        if not server:
            (tmp_path / "store" / "kg-store.json").write_text(json.dumps({"format": "kg-oxigraph", "version": 3}))
        with pytest.raises(StoreError, match=f"graph layout 3.*kg upgrade --store {url}"):
            KnowledgeGraph(url, read_only=True)
        kg_cli = [sys.executable, "-m", "kg.cli"]
        r = subprocess.run([*kg_cli, "query", "-n", "story-events", "-p", "actor=USA", "--store", url],
                           capture_output=True, text=True)
        assert r.returncode == 2 and len(r.stderr.strip().splitlines()) == 1 and "kg upgrade" in r.stderr
        r = subprocess.run([*kg_cli, "upgrade", "--store", url], capture_output=True, text=True)
        assert r.returncode == 0 and "from graph layout 3 to 4" in r.stdout, r.stderr
        assert quads(url) == fresh
        r = subprocess.run([*kg_cli, "upgrade", "--store", url], capture_output=True, text=True)
        assert r.returncode == 0 and "nothing to do" in r.stdout
    finally:
        if server:
            server.stop()


# ----------------------------------------------------------------------------- queries

def test_misspelt_actor_is_an_error_with_close_matches_and_unknown_terms_are_named(stores):
    single, _ = stores
    if not single.startswith("http"):
        r = subprocess.run([sys.executable, "-m", "kg.cli", "query", "--name", "actor-profile", "-p", "actor=Rusia",
                            "--store", single], capture_output=True, text=True)
        assert r.returncode == 2 and "no actor named 'Rusia'" in r.stderr and "Russia" in r.stderr
        r = subprocess.run([sys.executable, "-m", "kg.cli", "query", "SELECT * WHERE { ?a dipl:acuses ?b }",
                            "--store", single], capture_output=True, text=True)
        assert r.returncode == 0 and "dipl:acuses is not a term" in r.stderr and "dipl:accuses" in r.stderr
    with KnowledgeGraph(single, read_only=True) as kg:
        with pytest.raises(QueryError, match="close matches: Russia"):
            run_named(kg, named_query("who-did-what"), {"actor": "Rusia"})
        out, notes = run_named(kg, named_query("who-did-what"), {"actor": "moscow"}, "json")  # an alias, any case
        assert json.loads(out) and notes == []


def test_edge_counts_and_dates_fold_across_batches_with_undated_events(tmp_path):
    from test_store_graph import CAN, MEX, extraction, relation

    q = (f"SELECT ?n ?a ?d ?first ?last WHERE {{ GRAPH <{NETWORK_GRAPH}> {{ ?e dipl:eventCount ?n ; "
         f"dipl:assertedCount ?a ; dipl:documentCount ?d OPTIONAL {{ ?e dipl:firstDate ?first }} "
         f"OPTIONAL {{ ?e dipl:lastDate ?last }} }} }}")
    seen = []
    with KnowledgeGraph(tmp_path / "s") as kg:
        for i, (date, negated) in enumerate([("2024-05-01", False), (None, True), ("2024-05-10", False),
                                             ("2024-04-01", False)]):
            s = f"Mexico accused Canada, report {i}."
            ex = extraction(f"d{i}.txt", s, [CAN, MEX], [relation(MEX, "ACCUSE", CAN, s, date=date, negated=negated)])
            kg.replace_graphs([(str(document_iri(ex.document)), to_graph(ex).serialize(format="nt"))])
            seen += kg.select(q)
    assert seen == [("1", "1", "1", "2024-05-01", "2024-05-01"), ("2", "1", "2", "2024-05-01", "2024-05-01"),
                    ("3", "2", "3", "2024-05-01", "2024-05-10"), ("4", "3", "4", "2024-04-01", "2024-05-10")]


def test_removing_the_last_support_of_a_label_alias_role_post_or_actor_matches_a_clean_build(tmp_path):
    """Removal looks each fact's support up (kg.layout retract): a label, alias, role, side, post or whole
    actor that only the removed documents stated goes; a label that loses its support moves to the next best."""
    from kg.actors import Actor
    from test_store_graph import CAN, MEX, extraction, relation

    long = Actor("amal-haddad", "Amal Nour Haddad", "Person", "Minister", "MEX", "Foreign Minister", ["MEX"],
                 ["Haddad"])
    short = Actor("amal-haddad", "Amal Haddad", "Person", "Envoy", "MEX", "Special Envoy", ["CAN"], ["A. Haddad"])
    once = Actor("kenji-berg", "Kenji Berg", "Person", "Official", None, "Trade Commissioner", ["CAN"], ["Berg"])
    canada = Actor("CAN", "Canada", "Country", "State", "CAN", aliases=["Ottawa"])
    casts = {0: [long, MEX], 1: [short, CAN], 2: [once, canada, MEX], 3: [MEX, CAN]}

    def doc(i: int, cast: int | None = None):
        a, b = casts[i if cast is None else cast][:2]
        s = f"{a.aliases[0] if a.aliases else a.label} met {b.label}, report {i}."
        return extraction(f"d{i}.txt", s, casts[i if cast is None else cast], [relation(a, "CONSULT", b, s)])

    def write(url: str, docs) -> None:
        with KnowledgeGraph(url) as kg:
            kg.replace_graphs((str(document_iri(ex.document)), to_graph(ex).serialize(format="nt")) for ex in docs)

    store = str(tmp_path / "store")
    write(store, [doc(i) for i in casts])
    steps = [("remove", 0), ("replace", 1), ("remove", 2)]  # 1 then says what 2 said, under its own name
    for n, (action, i) in enumerate(steps):
        with KnowledgeGraph(store) as kg:
            if action == "remove":
                assert kg.remove(document_iri(doc(i).document))
            else:
                changed = to_graph(doc(i, cast=2)).serialize(format="nt")
                kg.replace_graphs([(str(document_iri(doc(i).document)), changed)])
        remaining = [doc(j, cast=2 if (j == 1 and n >= 1) else None) for j in casts
                     if ("remove", j) not in steps[:n + 1]]
        clean = str(tmp_path / f"clean-{n}")
        write(clean, remaining)
        assert quads(store) == quads(clean), f"after {action} {i}"
    labels = rows(store, f"SELECT ?l WHERE {{ GRAPH <{ACTORS_GRAPH}> {{ ?a a ?t ; skos:prefLabel ?l }} "
                         f"FILTER(?t != org:Role) }}")
    assert sorted(labels) == [("Canada",), ("Kenji Berg",), ("Mexico",)]  # Amal Haddad no longer named
