"""kg serve, driven by real SPARQL clients: SPARQLWrapper, rdflib's SPARQLStore and kg's own
SPARQL backend, with raw HTTP (httpx) for the error paths. The server runs as a real
``kg serve`` process on a free local port, over a store of hand-written triples plus a
filler graph that makes a triple cross join run far past the time limit.
"""
from __future__ import annotations

import io
import sys
import threading
import time

import httpx
import pytest
from rdflib import Graph, Literal
from rdflib.namespace import SKOS
from rdflib.plugins.stores.sparqlstore import SPARQLStore
from rdflib.query import Result
from SPARQLWrapper import CSV, JSON, JSONLD, POST, POSTDIRECTLY, TSV, TURTLE, XML, SPARQLWrapper

from kg.actors import Actor
from kg.extract import Extraction, RelationRecord
from kg.ingest import Document
from kg.rdf import document_iri, to_graph
from kg.serve import GRAPH_TYPES, RESULT_TYPES, negotiate
from kg.store import KnowledgeGraph
from kg.vocab import DIPL, ID
from servers import ServerProcess

PAK, IND = ID["actor/PAK"], ID["actor/IND"]
EVIL = 'Evil "Co" } UNION { ?s ?p ?o } #'
ACCUSES = "SELECT ?s ?o WHERE { ?s dipl:accuses ?o }"
EXPENSIVE = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i }"
TIMEOUT = 2.0


def make_store(path: str, filler: int = 0) -> str:
    pak, ind = Actor("PAK", "Pakistan", "Country"), Actor("IND", "India", "Country")
    doc = Document("handmade.txt", "Pakistan accused India.")
    accuse = RelationRecord(source=pak, target=ind, cls="ACCUSE", trigger="accused", negated=False,
                            modality="asserted", sentence="Pakistan accused India.", start=0, end=23, confidence=0.9,
                            symmetric=False, date=None)
    g = to_graph(Extraction(doc, [pak, ind, Actor("evil", EVIL, "Organization")], [accuse]))
    for i in range(filler):
        g.add((ID[f"filler/{i}"], SKOS.note, Literal(i)))
    with KnowledgeGraph(path) as kg:
        kg.add(document_iri(doc), g, doc.content_hash)
    return path


def kg_server(store: str, *args: str) -> ServerProcess:
    """``kg serve`` on a free port over ``store``."""
    return ServerProcess(lambda port: [sys.executable, "-m", "kg.cli", "serve", "--store", store, "--port", str(port),
                                       *args], "/sparql?query=ASK%7B%7D")


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    store = make_store(str(tmp_path_factory.mktemp("serve") / "store"), filler=1500)
    s = kg_server(store, "--timeout", str(TIMEOUT), "--max-result-mb", "0.05", "--workers", "2")
    yield s
    s.stop()


def wrapper(server, query: str, fmt=JSON, method=None, path="/sparql") -> SPARQLWrapper:
    sw = SPARQLWrapper(server.url + path)
    sw.setQuery(query)
    sw.setReturnFormat(fmt)
    if method:
        sw.setMethod(POST)
        sw.setRequestMethod(method)
    return sw


# ----------------------------------------------------------------------------- real clients

@pytest.mark.parametrize("method", [None, "urlencoded", POSTDIRECTLY])
def test_sparqlwrapper_select_json_over_get_and_both_posts(server, method):
    sw = wrapper(server, "PREFIX dipl: <https://w3id.org/kg-dipl/ontology#>\n" + ACCUSES, JSON, method)
    rows = sw.query().convert()["results"]["bindings"]
    assert [(r["s"]["value"], r["o"]["value"]) for r in rows] == [(str(PAK), str(IND))]


def test_sparqlwrapper_xml_csv_tsv_and_ask(server):
    xml = wrapper(server, ACCUSES, XML).query().convert()  # a DOM document
    assert str(PAK) in xml.toxml()
    csv_text = wrapper(server, ACCUSES, CSV).query().convert().decode()
    assert csv_text.splitlines() == ["s,o", f"{PAK},{IND}"]
    tsv_text = wrapper(server, ACCUSES, TSV).query().convert().decode()
    assert tsv_text.splitlines() == ["?s\t?o", f"<{PAK}>\t<{IND}>"]
    assert wrapper(server, "ASK { actor:PAK dipl:accuses actor:IND }", JSON).query().convert()["boolean"] is True


def test_sparqlwrapper_construct_and_describe_as_turtle_and_jsonld(server):
    construct = "CONSTRUCT { ?s dipl:accuses ?o } WHERE { ?s dipl:accuses ?o }"
    ttl = wrapper(server, construct, TURTLE).query().convert()
    assert (PAK, DIPL.accuses, IND) in Graph().parse(data=ttl, format="turtle")
    g = wrapper(server, construct, JSONLD).query().convert()  # SPARQLWrapper parses JSON-LD into a Graph
    assert (PAK, DIPL.accuses, IND) in g
    described = wrapper(server, "DESCRIBE actor:PAK", TURTLE).query().convert()
    assert (PAK, SKOS.prefLabel, Literal("Pakistan")) in Graph().parse(data=described, format="turtle")


def test_rdflib_sparqlstore_reads_the_endpoint(server):
    store = SPARQLStore(server.url + "/query", returnFormat="json")
    g = Graph(store=store)
    rows = list(g.query("SELECT ?l WHERE { ?a a <https://w3id.org/kg-dipl/ontology#Country> ; "
                        "<http://www.w3.org/2004/02/skos/core#prefLabel> ?l } ORDER BY ?l"))
    assert [str(r[0]) for r in rows] == ["India", "Pakistan"]
    assert (PAK, DIPL.accuses, IND) in g  # triple lookups go through SPARQL too


def test_kg_itself_can_use_the_server_as_a_store(server):
    with KnowledgeGraph(server.url, read_only=True) as kg:  # checks union-default-graph semantics on opening
        labels = {str(r[0]) for r in kg.query("SELECT ?l WHERE { ?a a dipl:Organization ; skos:prefLabel ?l }")}
    assert labels == {EVIL}


def test_results_formats_by_accept_header_and_format_parameter(server):
    for mime in RESULT_TYPES:
        r = httpx.get(f"{server.url}/sparql", params={"query": ACCUSES}, headers={"Accept": mime})
        assert r.status_code == 200 and r.headers["content-type"].startswith(mime)
    r = httpx.get(f"{server.url}/sparql", params={"query": ACCUSES, "format": "xml"})
    res = Result.parse(io.BytesIO(r.content), format="xml")
    assert [(r[0], r[1]) for r in res] == [(PAK, IND)]
    r = httpx.get(f"{server.url}/sparql", params={"query": "CONSTRUCT WHERE { ?s dipl:accuses ?o }"},
                  headers={"Accept": "application/n-triples"})
    assert r.text.strip() == f"<{PAK}> <{DIPL.accuses}> <{IND}> ."
    assert negotiate("text/html,application/xhtml+xml,*/*;q=0.8", GRAPH_TYPES) == "text/turtle"
    assert negotiate("text/csv;q=0.5, application/sparql-results+xml", RESULT_TYPES) == "application/sparql-results+xml"


def test_the_network_page_is_at_the_root(server):
    r = httpx.get(server.url + "/", timeout=30)
    assert r.status_code == 200 and r.headers["content-type"].startswith("text/html")
    assert "<html" in r.text.lower() and "Pakistan" in r.text and "vis" in r.text


# ----------------------------------------------------------------------------- error paths (raw HTTP)

def test_syntax_error_is_400_with_line_column_and_message(server):
    r = httpx.post(f"{server.url}/sparql", content="SELECT ?s\nWHERE {\n  ?s ?p ?o .\n  FILTR(?o)\n}",
                   headers={"Content-Type": "application/sparql-query"})
    assert r.status_code == 400
    assert r.text.startswith("invalid SPARQL: syntax error at line 4, column 11: expected OPTIONAL")


@pytest.mark.parametrize("how", ["form", "direct", "update-endpoint", "get"])
def test_updates_are_refused_with_403_on_a_read_only_endpoint(server, how):
    update = "INSERT DATA { GRAPH <urn:g> { <urn:a> <urn:b> <urn:c> } }"
    if how == "form":
        r = httpx.post(f"{server.url}/sparql", data={"update": update})
    elif how == "direct":
        r = httpx.post(f"{server.url}/sparql", content=update, headers={"Content-Type": "application/sparql-update"})
    elif how == "update-endpoint":
        r = httpx.post(f"{server.url}/update", data={"update": update})
    else:
        r = httpx.get(f"{server.url}/sparql", params={"update": update})
    assert r.status_code in ({403} if how != "get" else {403, 405}), r.text
    assert not httpx.get(f"{server.url}/sparql", params={"query": "ASK { <urn:a> ?p ?o }"}).json()["boolean"]


def test_malformed_requests(server):
    assert httpx.get(f"{server.url}/sparql").status_code == 400  # no query
    r = httpx.get(f"{server.url}/sparql", params=[("query", "ASK {}"), ("query", "ASK {}")])
    assert r.status_code == 400 and "exactly one" in r.text
    r = httpx.post(f"{server.url}/sparql", content="ASK {}", headers={"Content-Type": "text/plain"})
    assert r.status_code == 415
    r = httpx.get(f"{server.url}/sparql", params={"query": ACCUSES}, headers={"Accept": "image/png"})
    assert r.status_code == 406
    r = httpx.post(f"{server.url}/query", data={"update": "CLEAR ALL"})
    assert r.status_code == 400


def test_results_over_the_cap_are_refused_not_truncated(server):
    r = httpx.get(f"{server.url}/sparql", params={"query": "SELECT * WHERE { ?s ?p ?o }"})
    assert r.status_code == 400 and "larger than this server's cap" in r.text and "LIMIT" in r.text
    r = httpx.get(f"{server.url}/sparql", params={"query": "SELECT * WHERE { ?s ?p ?o } LIMIT 10"})
    assert r.status_code == 200 and len(r.json()["results"]["bindings"]) == 10


def test_a_runaway_query_gets_503_while_others_are_answered(server):
    slow: dict = {}

    def run_slow():
        t0 = time.perf_counter()
        slow["r"] = httpx.post(f"{server.url}/sparql", data={"query": EXPENSIVE}, timeout=60)
        slow["s"] = time.perf_counter() - t0

    t = threading.Thread(target=run_slow)
    t.start()
    time.sleep(0.3)
    latencies = []
    while t.is_alive():  # the other worker keeps answering while the runaway one burns
        t0 = time.perf_counter()
        assert httpx.get(f"{server.url}/sparql", params={"query": ACCUSES}).status_code == 200
        latencies.append(time.perf_counter() - t0)
        time.sleep(0.1)
    t.join()
    assert slow["r"].status_code == 503 and "stopped" in slow["r"].text
    assert TIMEOUT <= slow["s"] < TIMEOUT + 5
    assert latencies and max(latencies) < TIMEOUT, latencies  # never held up until the runaway one ended
    # the killed worker was replaced: two queries at once still both get answered
    answers = []
    threads = [threading.Thread(target=lambda: answers.append(
        httpx.get(f"{server.url}/sparql", params={"query": "ASK {}"}, timeout=10).status_code)) for _ in range(4)]
    for th in threads:
        th.start()
    for th in threads:
        th.join()
    assert answers == [200] * 4


def test_updates_when_allowed(tmp_path):
    store = make_store(str(tmp_path / "store"))
    s = kg_server(store, "--allow-update", "--timeout", "5")
    try:
        update = f"INSERT DATA {{ GRAPH <{ID['doc/extra']}> {{ <{ID['actor/CHN']}> a <{DIPL.Country}> }} }}"
        r = httpx.post(f"{s.url}/update", data={"update": update})
        assert r.status_code == 204, r.text
        r = httpx.get(f"{s.url}/sparql", params={"query": "ASK { actor:CHN a dipl:Country }"})
        assert r.json()["boolean"] is True  # readers reopened the store after the update
        r = httpx.post(f"{s.url}/sparql", content="INSERT DATA { oops", headers={"Content-Type": "application/sparql-update"})
        assert r.status_code == 400 and "invalid SPARQL update: syntax error at line 1" in r.text
        r = httpx.post(f"{s.url}/update", content="DROP GRAPH <urn:never-written>",
                       headers={"Content-Type": "application/sparql-update"})
        assert r.status_code == 400 and "does not exist" in r.text and "DROP SILENT" in r.text, r.text
    finally:
        s.stop()
    with KnowledgeGraph(store, read_only=True) as kg:  # the change is in the store on disk
        assert kg.query("ASK { actor:CHN a dipl:Country }").askAnswer
