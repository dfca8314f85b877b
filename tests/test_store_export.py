"""Exports (RDF and actor network) and SHACL validation, on stores filled with KnowledgeGraph.add."""
from __future__ import annotations

import subprocess
import sys

import networkx as nx
import pytest
from rdflib import Dataset, Graph, Literal, URIRef
from rdflib.compare import isomorphic
from rdflib.namespace import XSD

from kg.export import EXPORT_FORMATS, export, network_for_tools
from kg.layout import maintained_graphs
from kg.rdf import document_iri, to_graph
from kg.store import KnowledgeGraph
from kg.validate import validate
from kg.vocab import DIPL, ID, ONTOLOGY_GRAPH
from test_store_graph import CAN, CARNEY, MEX, extraction, relation

S1 = "Mark Carney praised Mexico for its help."
S2 = "Mexico accused Canada of dumping steel."


@pytest.fixture()
def store(tmp_path):
    path = tmp_path / "store"
    with KnowledgeGraph(path) as kg:
        for ex in (extraction("one.txt", S1, [CARNEY, CAN, MEX], [relation(CARNEY, "SUPPORT", MEX, S1)]),
                   extraction("two.txt", S2, [CAN, MEX], [relation(MEX, "ACCUSE", CAN, S2, trigger="accused")])):
            kg.add(document_iri(ex.document), to_graph(ex), ex.document.content_hash)
    return path


def _decimals(g: Graph) -> Graph:
    """``g`` with xsd:decimal literals in one lexical form (Turtle writes -3 as -3.0; the value is the same)."""
    out = Graph()
    for s, p, o in g:
        if isinstance(o, Literal) and o.datatype == XSD.decimal:
            o = Literal(format(o.toPython().normalize(), "f"), datatype=XSD.decimal)
        out.add((s, p, o))
    return out


def _union(store) -> Graph:
    with KnowledgeGraph(store, read_only=True) as kg:
        return kg.query(f"CONSTRUCT {{ ?s ?p ?o }} WHERE {{ GRAPH ?g {{ ?s ?p ?o }} "
                        f"FILTER(?g != <{ONTOLOGY_GRAPH}>) }}").graph


@pytest.mark.parametrize("fmt,parser", [("ttl", "turtle"), ("nt", "nt"), ("jsonld", "json-ld")])
def test_merged_rdf_exports_hold_the_union_of_documents(store, tmp_path, fmt, parser):
    with KnowledgeGraph(store, read_only=True) as kg:
        out = export(kg, fmt, tmp_path / f"g.{fmt}")
    g = Graph().parse(out, format=parser)
    assert isomorphic(_decimals(g), _decimals(_union(store)))
    assert (None, None, DIPL.EventType) not in g, "the ontology graph stays out"


@pytest.mark.parametrize("fmt,parser", [("trig", "trig"), ("nq", "nquads")])
def test_quad_exports_keep_one_named_graph_per_document(store, tmp_path, fmt, parser):
    with KnowledgeGraph(store, read_only=True) as kg:
        out = export(kg, fmt, tmp_path / f"g.{fmt}")
        docs = {g for g, _ in kg.documents()}
    ds = Dataset().parse(out, format=parser)
    graphs = {g for *_, g in ds.quads((None, None, None, None))}
    assert graphs == docs | set(maintained_graphs()), "document graphs and the maintained graphs, as stored"
    for d in docs:
        assert (d, DIPL.contentHash, None) in ds.graph(d)


@pytest.mark.parametrize("fmt", ["graphml", "gexf"])
def test_network_exports_open_in_networkx(store, tmp_path, fmt):
    with KnowledgeGraph(store, read_only=True) as kg:
        out = export(kg, fmt, tmp_path / f"g.{fmt}")
    g = (nx.read_graphml if fmt == "graphml" else nx.read_gexf)(out)
    assert g.is_directed()
    carney, mex, can = str(ID["actor/mark-carney"]), str(ID["actor/MEX"]), str(ID["actor/CAN"])
    node = g.nodes[carney]
    assert node["label"] == "Mark Carney" and node["type"] == "Person" and node["sector"] == "HeadOfGovernment"
    assert node["country"] == "CAN" and node["role"] == "Prime Minister" and g.nodes[mex]["type"] == "Country"
    support = [d for _, t, d in g.out_edges(carney, data=True) if t == mex]
    assert len(support) == 1  # one edge per (source, target, class)
    e = support[0]
    assert e["kind"] == "relation" and e["relation"] == "SUPPORT" and int(e["count"]) == 1
    assert int(e["stories"]) == 1 and float(e["weight"]) == 1.0  # story events weigh the edge (kg.network.weigh)
    assert e["quad"] == "VerbalCooperation" and float(e["intensity"]) > 0
    assert e["first_date"] == e["last_date"] == "2025-03-07"
    accuse = [d for _, t, d in g.out_edges(mex, data=True) if t == can]
    assert accuse[0]["relation"] == "ACCUSE" and accuse[0]["quad"] == "VerbalConflict" and float(accuse[0]["intensity"]) < 0
    acts = [d for _, t, d in g.out_edges(carney, data=True) if t == can]
    assert [d["kind"] for d in acts] == ["actsFor"] and acts[0]["relation"] == "actsFor"
    if fmt == "gexf":  # spells for Gephi's timeline
        assert e["start"] == "2025-03-07" and e["end"] == "2025-03-07"
        assert 'mode="dynamic"' in out.read_text() and 'timeformat="date"' in out.read_text()


@pytest.mark.parametrize("fmt", ["graphml", "gexf"])
def test_two_classes_between_a_pair_stay_two_edges(tmp_path, fmt):
    network = nx.MultiDiGraph()
    network.add_node("a", label="A", type="Country")
    network.add_node("b", label="B", type="Country")
    for cls, quad, intensity in [("AGREE", "VerbalCooperation", 3.0), ("ASSAULT", "MaterialConflict", -10.0)]:
        network.add_edge("a", "b", key=cls, cls=cls, count=2, quad=quad, intensity=intensity, dates=["2024-01-05"])
    out = tmp_path / f"pair.{fmt}"
    (nx.write_graphml if fmt == "graphml" else nx.write_gexf)(network_for_tools(network), out)
    back = (nx.read_graphml if fmt == "graphml" else nx.read_gexf)(out)
    assert isinstance(back, nx.MultiDiGraph) and back.number_of_edges() == 2
    assert sorted((d["relation"], d["quad"]) for *_, d in back.edges(data=True)) == [
        ("AGREE", "VerbalCooperation"), ("ASSAULT", "MaterialConflict")]


def test_every_format_from_the_cli(store, tmp_path):
    assert set(EXPORT_FORMATS) == {"ttl", "trig", "nt", "nq", "jsonld", "graphml", "gexf", "plover", "csv"}
    for fmt in EXPORT_FORMATS:
        out = tmp_path / f"cli.{fmt}"
        r = subprocess.run([sys.executable, "-m", "kg.cli", "export", "--format", fmt, "--out", str(out),
                            "--store", str(store)], capture_output=True, text=True, timeout=30)
        assert r.returncode == 0 and out.stat().st_size > 0, r.stderr


def test_valid_store_conforms(store):
    with KnowledgeGraph(store, read_only=True) as kg:
        report = validate(kg)
    assert report.conforms and not report.violations and "valid" in str(report)


def test_violations_are_reported_in_plain_words(store, tmp_path):
    bad = ID["event/broken"]
    doc = document_iri(extraction("one.txt", S1, [], []).document)
    g = Graph()
    g.add((bad, URIRef("http://www.w3.org/1999/02/22-rdf-syntax-ns#type"), DIPL.Event))
    g.add((bad, DIPL.target, ID["actor/MEX"]))
    g.add((bad, DIPL.modality, Literal("rumoured")))
    g.add((bad, DIPL.confidence, Literal("1.7", datatype=URIRef("http://www.w3.org/2001/XMLSchema#decimal"))))
    g.add((bad, URIRef("http://www.w3.org/ns/prov#wasDerivedFrom"), doc))
    with KnowledgeGraph(store) as kg:
        kg.add(ID["doc/broken"], g, "x")
        report = validate(kg)
    assert not report.conforms
    text = "\n".join(map(str, report.violations))
    assert "event:broken: an event needs exactly one source, an actor" in text
    assert "modality must be asserted, hypothetical or reported" in text and "'rumoured'" in text
    assert "confidence must be one decimal between 0 and 1" in text
    assert "(in one.txt)" in text, "the report names the document the event comes from"
    r = subprocess.run([sys.executable, "-m", "kg.cli", "validate", "--store", str(store)],
                       capture_output=True, text=True, timeout=30)
    assert r.returncode == 1 and "an event needs exactly one source" in r.stdout and "problems" in r.stdout
