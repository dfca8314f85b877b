"""Exports (RDF and actor network) and SHACL validation, on stores filled with KnowledgeGraph.add."""
from __future__ import annotations

import subprocess
import sys

import networkx as nx
import pytest
from rdflib import Dataset, Graph, Literal, URIRef
from rdflib.compare import isomorphic
from rdflib.namespace import XSD

from kg.export import EXPORT_FORMATS, export
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
    carney, mex, can = str(ID["actor/mark-carney"]), str(ID["actor/MEX"]), str(ID["actor/CAN"])
    assert g.nodes[carney]["label"] == "Mark Carney" and g.nodes[mex]["type"] == "Country"
    assert g.edges[carney, mex]["classes"] == "SUPPORT" and int(g.edges[carney, mex]["weight"]) == 1
    assert g.edges[mex, can]["classes"] == "ACCUSE"


def test_every_format_from_the_cli(store, tmp_path):
    assert set(EXPORT_FORMATS) == {"ttl", "trig", "nt", "nq", "jsonld", "graphml", "gexf"}
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
