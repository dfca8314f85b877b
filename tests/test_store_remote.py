"""The SPARQL 1.1 backend against a real server: `oxigraph serve` (PyPI `oxigraph`) on 127.0.0.1."""
from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
from rdflib import Dataset

from kg.build import build
from kg.errors import StoreError
from kg.export import export
from kg.store import BACKENDS, KnowledgeGraph, SparqlBackend, open_store
from kg.validate import validate
from servers import oxigraph_server

TEXT = "Russia attacked Ukraine on Friday. Iran cooperated with China. Russia accused Ukraine of lying.\n"


@pytest.fixture()
def server():
    s = oxigraph_server("--union-default-graph")  # in memory: each test starts empty
    yield s
    s.stop()


def test_backends_are_chosen_by_url_scheme(server, tmp_path):
    assert BACKENDS["http"] is SparqlBackend and BACKENDS["https"] is SparqlBackend
    b = open_store(server.url)
    try:
        assert isinstance(b, SparqlBackend)
    finally:
        b.close()
    local = open_store(tmp_path / "s")
    try:
        assert type(local).__name__ == "OxigraphBackend"
    finally:
        local.close()


def test_build_query_remove_round_trip_on_a_server(server, tmp_path, extractor):
    doc = tmp_path / "east.txt"
    doc.write_text(TEXT, encoding="utf-8")
    summary = build([str(doc)], store=server.url, extractor=extractor)
    assert summary.new == 1 and not summary.failed
    again = build([str(doc)], store=server.url, extractor=extractor)
    assert again.unchanged == 1, "the content hash works the same over HTTP"
    with KnowledgeGraph(server.url) as kg:
        assert kg.query("ASK { actor:RUS dipl:assaults actor:UKR }").askAnswer
        n_events = int(next(iter(kg.query("SELECT (COUNT(*) AS ?n) WHERE { ?e a dipl:Event }")))[0])
        assert n_events >= 2
        net = kg.query("CONSTRUCT { ?s ?p ?o } WHERE { ?s ?p ?o . ?s a dipl:Country }")
        assert len(net.graph) > 0
        report = validate(kg)
        assert report.conforms, [str(v) for v in report.violations]
        out = export(kg, "trig", tmp_path / "remote.trig")
        ds = Dataset().parse(out, format="trig")
        assert len(list(ds.quads((None, None, None, None)))) > n_events
        g = kg.find_document(str(doc))
        assert g is not None and kg.remove(g)
        assert not kg.query("ASK { ?e a dipl:Event }").askAnswer
        assert list(kg.documents()) == []


def test_server_on_a_directory_keeps_data_across_restarts(tmp_path, extractor):
    data = tmp_path / "served"
    doc = tmp_path / "a.txt"
    doc.write_text(TEXT, encoding="utf-8")
    s = oxigraph_server("--location", str(data), "--union-default-graph")
    try:
        build([str(doc)], store=s.url, extractor=extractor)
    finally:
        s.stop()
    s = oxigraph_server("--location", str(data), "--union-default-graph")
    try:
        with KnowledgeGraph(s.url) as kg:
            assert [i for _, i in kg.documents()] == [str(doc)]
    finally:
        s.stop()


def test_server_without_union_default_graph_is_refused_with_advice():
    s = oxigraph_server()
    try:
        with pytest.raises(StoreError, match="union-default-graph"):
            KnowledgeGraph(s.url)
    finally:
        s.stop()


def test_invalid_update_reports_the_server_message(server):
    from kg.errors import QueryError

    with KnowledgeGraph(server.url) as kg:
        with pytest.raises(QueryError, match=server.url):
            kg.backend.update("INSERT DATA { GRAPH <urn:x:g> { <urn:x:a> <urn:x:b> ")
        with pytest.raises(QueryError, match="query failed"):
            kg.query("SELECT ?x WHERE { ?x ")


def test_server_that_dies_gives_a_clear_error(tmp_path):
    s = oxigraph_server("--union-default-graph")
    kg = KnowledgeGraph(s.url)
    s.stop()
    from kg.errors import QueryError

    with pytest.raises(QueryError, match=s.url):
        kg.query("ASK { ?s ?p ?o }")
    kg.close()


def test_cli_against_a_server(server, tmp_path):
    doc = tmp_path / "b.txt"
    doc.write_text(TEXT, encoding="utf-8")
    kg = [sys.executable, "-m", "kg.cli"]
    r = subprocess.run([*kg, "build", str(doc), "--store", server.url, "-q"], capture_output=True, text=True, timeout=60)
    assert r.returncode == 0, r.stderr
    r = subprocess.run([*kg, "validate", "--store", server.url], capture_output=True, text=True, timeout=30)
    assert r.returncode == 0 and "valid" in r.stdout, r.stdout + r.stderr
    r = subprocess.run([*kg, "remove", str(doc), "--store", server.url], capture_output=True, text=True, timeout=30)
    assert r.returncode == 0 and "removed" in r.stdout, r.stderr
