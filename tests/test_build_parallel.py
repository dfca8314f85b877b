"""Corpus builds: JSON Lines fields, failures that stay alone, batched writes, cheap resumption, --workers."""
from __future__ import annotations

import subprocess
import sys

import pytest

import kg.build as kb
from kg.build import build, count_documents
from kg.extract import Extractor
from kg.parallel import ProcessEngine, SerialEngine
from kg.store import KnowledgeGraph

from test_build_helpers import assert_same_graphs, document_graphs, write_files, write_jsonl


class Counting:
    """Wraps a KnowledgeGraph's backend to count queries and updates."""

    def __init__(self, kg: KnowledgeGraph) -> None:
        self.queries = self.updates = 0
        backend = kg.backend
        q, u = backend.query, backend.update

        def query(sparql):
            self.queries += "contentHash" in sparql
            return q(sparql)

        def update(sparql):
            self.updates += 1
            return u(sparql)

        backend.query, backend.update = query, update


def test_jsonl_with_own_field_names_bad_lines_and_bad_files(tmp_path, extractor):
    corpus = write_jsonl(tmp_path / "news.jsonl", 4, {"text": "body", "title": "headline", "date": "published",
                                                       "url": "link"})
    with corpus.open("a", encoding="utf-8") as fh:
        fh.write("{not json\n")
        fh.write('{"headline": "no body here"}\n')
    folder = write_files(tmp_path / "files", 2)
    (folder / "image.txt").write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(64))
    fields = {"text": "body", "title": "headline", "date": "published", "url": "link"}
    assert count_documents([str(corpus), str(folder)]) == 6 + 3
    summary = build([str(corpus), str(folder)], store=str(tmp_path / "s"), extractor=extractor, fields=fields)
    assert (summary.new, summary.unchanged) == (4, 0)
    assert summary.duplicates == [f"{folder / f'article_{i:02d}.txt'}: same text as https://news.example/{i}"
                                  for i in range(2)]  # the files repeat the corpus's first two articles
    assert len(summary.failed) == 3
    failed = "\n".join(summary.failed)
    assert f"{corpus}:5: not a JSON object" in failed
    assert f"{corpus}:6: no text in field 'body'" in failed
    assert f"{folder / 'image.txt'}: looks like a binary file" in failed
    assert summary.relations > 0 and summary.actors > 0 and summary.words > 0
    with KnowledgeGraph(tmp_path / "s", read_only=True) as kg:
        rows = {(str(t), str(d), str(s)) for t, d, s in kg.query(
            "SELECT ?t ?d ?s WHERE { ?doc a dipl:Document ; dcterms:title ?t ; dcterms:date ?d ; dcterms:source ?s }")}
    assert ("Report 2", "2024-05-03", "https://news.example/2") in rows


class Exploding(Extractor):
    """The real extractor, except that a document mentioning 'EXPLODE' raises inside extraction."""

    def __init__(self, real: Extractor) -> None:
        self.nlp = real.nlp

    def extract_many(self, documents):
        for result in super().extract_many(documents):
            if "EXPLODE" in result.document.text:
                raise RuntimeError("boom in a kg stage")
            yield result


def test_a_document_that_fails_is_reported_and_the_others_are_stored(tmp_path, extractor):
    folder = write_files(tmp_path / "c", 5)
    bad = folder / "article_02.txt"
    bad.write_text(bad.read_text() + "EXPLODE\n")
    summary = build([str(folder)], store=str(tmp_path / "s"), extractor=Exploding(extractor))
    assert summary.new == 4
    assert summary.failed == [f"{bad}: extraction failed (RuntimeError: boom in a kg stage)"]
    with KnowledgeGraph(tmp_path / "s", read_only=True) as kg:
        ids = {i for _, i in kg.documents()}
    assert ids == {str(folder / f"article_{i:02d}.txt") for i in (0, 1, 3, 4)}


def test_writes_are_batched_and_the_hash_check_is_one_query_per_batch(tmp_path, extractor, monkeypatch):
    monkeypatch.setattr(kb, "WRITE_SECONDS", 600.0)
    monkeypatch.setattr(kb, "WRITE_DOCS", 5)
    monkeypatch.setattr(kb, "LOOKUP_DOCS", 8)
    corpus = write_jsonl(tmp_path / "c.jsonl", 12)
    with KnowledgeGraph(tmp_path / "s") as kg:
        count = Counting(kg)
        summary = build([str(corpus)], store=kg, extractor=extractor)
        assert summary.new == 12
        assert count.updates == 3  # 5 + 5 + 2 documents, each update all-or-nothing
        assert count.queries == 2  # 8 + 4 documents looked up
        again = Counting(kg)
        # an unchanged corpus needs no pipeline at all: a model that does not exist is never loaded
        summary = build([str(corpus)], store=kg, engine=SerialEngine(model="no_such_model"))
        assert (summary.unchanged, summary.new, again.updates, again.queries) == (12, 0, 0, 2)


def test_an_interrupted_build_continues_where_it_stopped(tmp_path, extractor, monkeypatch):
    monkeypatch.setattr(kb, "WRITE_DOCS", 3)
    corpus = write_files(tmp_path / "c", 10)
    seen = []

    def stop_after_four(doc, status):
        seen.append(status)
        if len(seen) == 4:
            raise KeyboardInterrupt

    with pytest.raises(KeyboardInterrupt):
        build([str(corpus)], store=str(tmp_path / "s"), extractor=extractor, on_document=stop_after_four)
    with KnowledgeGraph(tmp_path / "s", read_only=True) as kg:
        stored = {i for _, i in kg.documents()}
        hashes = {str(h) for (h,) in kg.query("SELECT ?h WHERE { ?d dipl:contentHash ?h }")}
    assert 3 <= len(stored) < 10
    assert len(hashes) == len(stored)  # every stored document is whole: node, hash and triples together
    resumed = build([str(corpus)], store=str(tmp_path / "s"), extractor=extractor)
    assert (resumed.unchanged, resumed.new, resumed.failed) == (len(stored), 10 - len(stored), [])
    build([str(corpus)], store=str(tmp_path / "clean"), extractor=extractor)
    assert_same_graphs(document_graphs(tmp_path / "s", tmp_path), document_graphs(tmp_path / "clean", tmp_path))


def test_two_worker_processes_give_the_same_graph_as_one(tmp_path, extractor, monkeypatch):
    monkeypatch.setattr(kb, "TASK_WORDS", 60)  # a few documents per task, so that both workers get some
    corpus = write_jsonl(tmp_path / "c.jsonl", 16)
    with (tmp_path / "c.jsonl").open("a") as fh:
        fh.write("[1, 2]\n")
    serial = build([str(corpus)], store=str(tmp_path / "one"), extractor=extractor)
    seen = []
    parallel = build([str(corpus)], store=str(tmp_path / "two"), engine=ProcessEngine(2),
                     on_document=lambda doc, status: seen.append(status))
    assert (parallel.new, len(parallel.failed), parallel.relations, parallel.actors) == \
           (serial.new, 1, serial.relations, serial.actors) == (16, 1, serial.relations, serial.actors)
    assert sorted(seen) == ["failed"] + ["new"] * 16
    # which workers take tasks is the pool's choice (a fast one may take them all): at most the two started
    assert 1 <= len(parallel.peak_rss_mib) <= 2
    assert all(0 < rss < 1024 for rss in parallel.peak_rss_mib.values())
    assert_same_graphs(document_graphs(tmp_path / "one", tmp_path), document_graphs(tmp_path / "two", tmp_path))


def test_cli_build_with_fields_workers_and_summary(tmp_path):
    corpus = write_jsonl(tmp_path / "c.jsonl", 3, {"text": "content", "url": "href"})
    kg = [sys.executable, "-m", "kg.cli", "build", str(corpus), "--store", str(tmp_path / "s"),
          "--text-field", "content", "--url-field", "href", "--workers", "1"]
    first = subprocess.run(kg, capture_output=True, text=True, timeout=120)
    assert first.returncode == 0, first.stderr
    assert first.stdout.startswith("3 documents: 3 new, 0 changed, 0 unchanged, 0 failed;")
    again = subprocess.run([*kg, "-q"], capture_output=True, text=True, timeout=120)
    assert again.stdout.startswith("3 documents: 0 new, 0 changed, 3 unchanged, 0 failed;"), again.stdout
    wrong = subprocess.run([*kg[:5], "--store", str(tmp_path / "t"), "-q"], capture_output=True, text=True, timeout=120)
    assert wrong.returncode == 0 and "no text in field 'text'; set the field name with --text-field" in wrong.stderr
