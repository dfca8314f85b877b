"""Real-world input end to end, as a user runs kg: real processes, real files, a real store and server.

Folders holding kg's own store and pages, duplicates and near-copies, control characters that XML
forbids, FIFOs and devices, JSON Lines records with bad fields.
"""
from __future__ import annotations

import json
import os
import subprocess
import sys
import time
import xml.etree.ElementTree as ET

from rdflib import Graph, Literal, URIRef
from SPARQLWrapper import XML, SPARQLWrapper

from kg.network import to_networkx
from kg.store import KnowledgeGraph
from kg.vocab import DIPL, ID
from servers import ServerProcess

KG = [sys.executable, "-m", "kg.cli"]
STORY = ("Ghana and Togo signed a border security pact in Lome on Tuesday after months of talks. "
         "Ghana's foreign minister thanked Togo for hosting the negotiations and praised its patience. "
         "Both governments said joint patrols along the frontier would begin next month. "
         "Togo's president welcomed the Ghanaian delegation at the presidential palace. "
         "The pact covers smuggling, arms trafficking and the exchange of police intelligence.\n")


def kg(*args, cwd=None, timeout=300):
    return subprocess.run([*KG, *map(str, args)], capture_output=True, text=True, cwd=cwd, timeout=timeout)


def test_building_a_folder_twice_reads_only_the_articles_not_kgs_own_files(tmp_path):
    (tmp_path / "pact.txt").write_text("---\ndate: 2024-03-05\n---\n" + STORY, encoding="utf-8")
    (tmp_path / "chart.png").write_bytes(b"\x89PNG\r\n\x1a\n" + bytes(32))
    first = kg("build", ".", "--store", "store", "-q", cwd=tmp_path)
    assert first.returncode == 0, first.stderr
    assert first.stdout.startswith("1 documents: 1 new") and "1 files skipped (not text)" in first.stdout
    page = kg("render", "--store", "store", "--out", "output/graph.html", cwd=tmp_path)
    assert page.returncode == 0, page.stderr
    again = kg("build", ".", "--store", "store", "-q", cwd=tmp_path)
    assert again.returncode == 0, again.stderr
    assert again.stdout.startswith("1 documents: 0 new, 0 changed, 1 unchanged")
    with KnowledgeGraph(tmp_path / "store", read_only=True) as store:
        assert [str(r[0]) for r in store.query("SELECT ?id WHERE { ?d a dipl:Document ; dcterms:identifier ?id }")] \
               == ["pact.txt"]


def test_duplicates_are_skipped_and_near_copies_counted_once(tmp_path):
    corpus = tmp_path / "news"
    corpus.mkdir()
    (corpus / "a.txt").write_text(STORY, encoding="utf-8")
    (corpus / "b.txt").write_text(STORY.replace(" ", "\u00a0", 3), encoding="utf-8")  # the same text once normalized
    (corpus / "c.txt").write_text("Ghana And Togo Seal Border Deal In Lome\n\n" + STORY
                                  + "Subscribe to our West Africa newsletter for more.\n", encoding="utf-8")
    out = kg("build", corpus, "--store", tmp_path / "s", "-q")
    assert out.returncode == 0, out.stderr
    assert "1 duplicates skipped, 1 near-duplicates" in out.stdout
    assert f"kg: skipped duplicate {corpus / 'b.txt'}: same text as {corpus / 'a.txt'}" in out.stderr
    with KnowledgeGraph(tmp_path / "s", read_only=True) as store:
        [(copy, original)] = [(str(a), str(b)) for a, b in store.query(
            "SELECT ?i ?j WHERE { ?d dipl:duplicateOf ?o . ?d dcterms:identifier ?i . ?o dcterms:identifier ?j }")]
        assert (copy, original) == (str(corpus / "c.txt"), str(corpus / "a.txt"))
        edges = to_networkx(store)
        assert {d["count"] for _, _, d in edges.edges(data=True)} == {1}  # the near-copy adds no second mention
    kept = kg("build", corpus, "--store", tmp_path / "all", "-q", "--allow-duplicates")
    assert kept.returncode == 0 and kept.stdout.startswith("3 documents: 3 new"), kept.stdout + kept.stderr


def test_characters_xml_forbids_never_reach_xml_results(tmp_path):
    corpus = tmp_path / "c.jsonl"
    corpus.write_text(json.dumps({"text": "Chile thanked Peru.\x0bPeru praised Chile.\x01", "id": "vt"}) + "\n")
    store = tmp_path / "s"
    assert kg("build", corpus, "--store", store, "-q").returncode == 0
    with KnowledgeGraph(store) as kgs:  # a literal written by another tool, past ingest's normalization
        g = Graph()
        g.add((ID["doc/other"], DIPL.sentence, Literal("a\x0bb\x1fc")))
        kgs.add(URIRef(ID["doc/other"]), g, "hash-other")
    sentences = "SELECT ?s WHERE { ?e dipl:sentence ?s }"
    out = kg("query", sentences, "--format", "sparql-xml", "--store", store)
    assert out.returncode == 0, out.stderr
    literals = {e.text for e in ET.fromstring(out.stdout).iter("{http://www.w3.org/2005/sparql-results#}literal")}
    assert {"Chile thanked Peru.", "Peru praised Chile.", "abc"} <= literals
    server = ServerProcess(lambda port: [*KG, "serve", "--store", str(store), "--port", str(port)],
                           "/sparql?query=ASK%7B%7D")
    try:
        sw = SPARQLWrapper(server.url + "/sparql")
        sw.setQuery("PREFIX dipl: <https://w3id.org/kg-dipl/ontology#> " + sentences)
        sw.setReturnFormat(XML)
        xml = sw.query().convert().toxml()  # SPARQLWrapper parses the XML
        assert "abc" in xml and "Peru praised Chile." in xml
    finally:
        server.stop()


def test_fifos_and_devices_fail_fast_without_a_traceback(tmp_path):
    fifo = tmp_path / "f.txt"
    os.mkfifo(fifo)
    t0 = time.monotonic()
    out = kg("build", "--store", tmp_path / "st", fifo, timeout=60)
    assert out.returncode == 2 and "is a FIFO; kg reads only regular files" in out.stderr
    out = kg("extract", "/dev/zero", timeout=60)
    assert out.returncode == 2 and "/dev/zero: is a device" in out.stderr and "Traceback" not in out.stderr
    assert time.monotonic() - t0 < 60
    assert not (tmp_path / "st").exists()


def test_bad_jsonl_records_are_reported_per_line_and_the_rest_is_built(tmp_path):
    corpus = tmp_path / "c.jsonl"
    with corpus.open("w", encoding="utf-8") as fh:
        fh.write('{"text": "Chile thanked Peru for the rescue.", "id": "one", "url": 123}\n')
        fh.write('{"text": "France met Germany \\ud800 in Paris.", "id": "two", "date": "2024-13-45"}\n')
        fh.write("[" * 100_000 + "]" * 100_000 + "\n")
        fh.write('{"text": "Kenya criticised Uganda.", "id": "three", "date": "15 March 2023", "url": "../x"}\n')
    out = kg("build", corpus, "--store", tmp_path / "s", "-q")
    assert out.returncode == 0 and "Traceback" not in out.stderr, out.stderr
    assert out.stdout.startswith("4 documents: 3 new, 0 changed, 0 unchanged, 1 failed, 4 field warnings")
    assert f"kg: warning: {corpus}:1: field url: expected a string, got a number; left out" in out.stderr
    assert f"kg: warning: {corpus}:2: field text: 1 lone surrogate escape (\\ud800" in out.stderr
    assert f"kg: skipped {corpus}:3: JSON nested too deeply" in out.stderr
    with KnowledgeGraph(tmp_path / "s", read_only=True) as store:
        rows = dict((str(i), str(d) if d else None) for i, d in store.query(
            "SELECT ?i ?d WHERE { ?doc a dipl:Document ; dcterms:identifier ?i OPTIONAL { ?doc dcterms:date ?d } }"))
        assert rows == {"one": None, "two": None, "three": "2023-03-15"}


def test_records_with_one_id_never_replace_each_other_silently(tmp_path):
    corpus = tmp_path / "c.jsonl"
    corpus.write_text('{"id": "a1", "text": "Ghana thanked Togo for the talks."}\n'
                      '{"id": "a1", "text": "Mali accused Niger of raids."}\n'
                      '{"id": "a1", "text": "Ghana thanked Togo for the talks."}\n', encoding="utf-8")
    out = kg("build", corpus, "--store", tmp_path / "s", "-q")
    assert out.returncode == 0 and "Traceback" not in out.stderr, out.stderr
    assert out.stdout.startswith("3 documents: 1 new, 0 changed, 0 unchanged, 1 failed, 1 duplicates skipped")
    assert f"kg: skipped {corpus}:2: the same id (a1) as {corpus}:1 with another text" in out.stderr
    with KnowledgeGraph(tmp_path / "s", read_only=True) as store:
        (n,), = store.query("SELECT (COUNT(?d) AS ?n) WHERE { ?d a dipl:Document }")
        (text,), = store.query("SELECT ?t WHERE { ?e a dipl:Event ; dipl:sentence ?t }")
    assert int(n) == 1 and "Ghana" in str(text)


def test_build_date_option_dates_undated_documents(tmp_path):
    (tmp_path / "a.txt").write_text("Chile thanked Peru for the rescue on Friday.\n")
    out = kg("build", tmp_path / "a.txt", "--store", tmp_path / "s", "-q", "--date", "1 March 2024")
    assert out.returncode == 0, out.stderr
    with KnowledgeGraph(tmp_path / "s", read_only=True) as store:
        [(d,)] = list(store.query("SELECT ?d WHERE { ?e a dipl:Event ; dcterms:date ?d }"))
        assert str(d) == "2024-03-01"  # the Friday of a document dated Friday 1 March 2024
    bad = kg("build", tmp_path / "a.txt", "--store", tmp_path / "s", "--date", "2024-13-45")
    assert bad.returncode == 2 and bad.stderr.startswith("kg: --date: '2024-13-45' is not a valid date")
