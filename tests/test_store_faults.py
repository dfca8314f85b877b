"""Faults: a store held by another process, a build killed midway, damaged or foreign directories, dead servers."""
from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pytest

from kg.errors import StoreError, StoreLocked
from kg.ingest import Document
from kg.rdf import document_iri, to_graph
from kg.store import FORMAT_VERSION, KnowledgeGraph

SENTENCES = [
    "Russia accused Ukraine of violating the ceasefire.",
    "France praised Germany for its support.",
    "Iran agreed with France to limit its nuclear programme.",
    "The United States threatened Iran with new sanctions.",
    "Turkey met Greece in Ankara.",
    "China rejected the proposal from Japan.",
    "Russia attacked Ukraine.",
    "Iran cooperated with China.",
]


def _text(i: int) -> str:
    return " ".join(SENTENCES[(i + k) % len(SENTENCES)] for k in range(3)) + f" Report number {i}.\n"


def _holder_process(store: Path) -> subprocess.Popen:
    code = textwrap.dedent(f"""
        import sys, time
        from kg.store import FORMAT_VERSION, KnowledgeGraph
        kg = KnowledgeGraph({str(store)!r})
        print("open", flush=True)
        time.sleep(60)
    """)
    p = subprocess.Popen([sys.executable, "-c", code, "holder-marker"], stdout=subprocess.PIPE, text=True)
    assert p.stdout.readline().strip() == "open"
    return p


def test_store_held_by_another_process_names_the_holder(tmp_path):
    store = tmp_path / "store"
    p = _holder_process(store)
    try:
        with pytest.raises(StoreLocked) as err:
            KnowledgeGraph(store)
        msg = str(err.value)
        assert f"process {p.pid}" in msg and "holder-marker" in msg and str(store) in msg
        with KnowledgeGraph(store, read_only=True) as kg:  # readers are still welcome
            assert kg.query("ASK { ?s a dipl:EventType }").askAnswer
    finally:
        p.kill()
        p.wait()
    with KnowledgeGraph(store) as kg:  # the lock goes with the process
        assert list(kg.documents()) == []


def test_store_held_by_another_process_cli_says_so(tmp_path):
    store = tmp_path / "store"
    p = _holder_process(store)
    try:
        r = subprocess.run([sys.executable, "-m", "kg.cli", "remove", "x.txt", "--store", str(store)],
                           capture_output=True, text=True, timeout=30)
    finally:
        p.kill()
        p.wait()
    assert r.returncode == 2 and "Traceback" not in r.stderr
    assert "in use by process" in r.stderr and str(p.pid) in r.stderr


def test_a_build_killed_midway_leaves_only_complete_documents(tmp_path, extractor):
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    for i in range(300):
        (corpus / f"doc{i:03d}.txt").write_text(_text(i), encoding="utf-8")
    store = tmp_path / "store"
    code = textwrap.dedent(f"""
        from kg.build import build
        build([{str(corpus)!r}], store={str(store)!r}, on_document=lambda d, s: print(s, d, flush=True),
              allow_duplicates=True)  # the texts repeat with a new number: near-copies, kept whole here
    """)
    p = subprocess.Popen([sys.executable, "-c", code], stdout=subprocess.PIPE, text=True)
    try:
        done = [p.stdout.readline() for _ in range(25)]
        assert all(line.startswith("new") for line in done), done
    finally:
        os.kill(p.pid, signal.SIGKILL)
        p.wait()
    with KnowledgeGraph(store) as kg:  # reopens, writable
        stored = dict(kg.documents())
        assert 25 <= len(stored) < 300, "killed midway: some documents stored, not all"
        assert kg.query("ASK { ?e a dipl:Event }").askAnswer, "the texts should give events"
        for graph, ident in stored.items():
            doc = Document(ident, Path(ident).read_text(encoding="utf-8"))
            expected = to_graph(extractor.extract(doc))
            got = kg.query(f"CONSTRUCT {{ ?s ?p ?o }} WHERE {{ GRAPH <{graph}> {{ ?s ?p ?o }} }}").graph
            assert graph == document_iri(doc)
            assert len(got) == len(expected), f"{ident}: {len(got)} of {len(expected)} triples stored"
            assert set(got) == set(expected)


def test_damaged_store_is_refused_and_left_as_it_was(tmp_path):
    store = tmp_path / "store"
    with KnowledgeGraph(store):
        pass
    db = store / "oxigraph"
    (db / "CURRENT").write_text("this is not a manifest name\n")
    before = sorted(p.name for p in db.iterdir())
    with pytest.raises(StoreError, match="damaged"):
        KnowledgeGraph(store)
    assert sorted(p.name for p in db.iterdir()) == before
    assert (db / "CURRENT").read_text() == "this is not a manifest name\n"


def test_marked_store_without_its_database_is_refused(tmp_path):
    store = tmp_path / "store"
    store.mkdir()
    (store / "kg-store.json").write_text(json.dumps({"format": "kg-oxigraph", "version": FORMAT_VERSION}))
    with pytest.raises(StoreError, match="damaged"):
        KnowledgeGraph(store)
    assert [p.name for p in store.iterdir()] == ["kg-store.json"]


def test_unreadable_marker_is_refused(tmp_path):
    store = tmp_path / "store"
    store.mkdir()
    (store / "kg-store.json").write_text("{not json")
    with pytest.raises(StoreError, match="damaged or foreign"):
        KnowledgeGraph(store)


def test_bare_oxigraph_directory_is_foreign(tmp_path):
    import pyoxigraph

    d = tmp_path / "raw"
    pyoxigraph.Store(str(d)).flush()  # someone else's database, not a kg store
    before = sorted(p.name for p in d.iterdir())
    with pytest.raises(StoreError, match="not a kg store"):
        KnowledgeGraph(d)
    assert sorted(p.name for p in d.iterdir()) == before


def test_foreign_directory_cli_exit_code(tmp_path):
    d = tmp_path / "music"
    d.mkdir()
    (d / "song.mp3").write_bytes(b"ID3")
    r = subprocess.run([sys.executable, "-m", "kg.cli", "validate", "--store", str(d)],
                       capture_output=True, text=True, timeout=30)
    assert r.returncode == 2 and "not a kg store" in r.stderr and "Traceback" not in r.stderr
    assert [p.name for p in d.iterdir()] == ["song.mp3"]


def test_unreachable_remote_store_fails_fast_with_its_url():
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    port = s.getsockname()[1]
    s.close()  # nothing listens there now
    url = f"http://127.0.0.1:{port}/kg"
    t0 = time.perf_counter()
    with pytest.raises(StoreError) as err:
        KnowledgeGraph(url)
    assert time.perf_counter() - t0 < 5
    assert url in str(err.value) and "not reachable" in str(err.value)


def test_unknown_url_scheme_is_refused():
    with pytest.raises(StoreError, match="no store backend"):
        KnowledgeGraph("ftp://example.org/kg")
