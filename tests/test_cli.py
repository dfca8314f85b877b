"""The kg command, run as a user runs it: a real process, real files, real store."""
import json
import subprocess
import sys
from pathlib import Path

import pytest

KG = [sys.executable, "-m", "kg.cli"]
TEXT = "Argentina and Chile signed a water-sharing accord. Chile thanked Argentina for its patience.\n"


def kg(*args, cwd=None):
    return subprocess.run([*KG, *map(str, args)], capture_output=True, text=True, cwd=cwd, timeout=300)


@pytest.mark.parametrize("verb", ["extract", "explain", "build", "query", "render", "stats", "export"])
def test_every_verb_has_help_with_an_example(verb):
    out = kg(verb, "--help")
    assert out.returncode == 0 and "Example" in out.stdout


def test_extract_prints_the_evaluation_records(tmp_path):
    p = tmp_path / "southern_cone.txt"
    p.write_text(TEXT, encoding="utf-8")
    out = kg("extract", p, "--format", "jsonl")
    assert out.returncode == 0, out.stderr
    recs = [json.loads(line) for line in out.stdout.splitlines()]
    actors = {r["label"]: r for r in recs if r["kind"] == "actor"}
    assert actors["Chile"]["country"] == "CHL" and actors["Chile"]["type"] == "Country"
    rels = [r for r in recs if r["kind"] == "relation"]
    assert {"AGREE", "SUPPORT"} <= {r["class"] for r in rels}
    for r in rels:
        assert set(r) >= {"doc", "subject", "object", "class", "predicate", "verb", "negated", "modality",
                          "sentence", "start", "end", "confidence"}
        assert TEXT[r["start"]:r["end"]] == r["sentence"]


@pytest.mark.parametrize("content", [b"", b"\x00\x01\x02binary", b"\xff\xd8\xff\xe0\x00\x10JFIF" + bytes(64)])
def test_bad_input_is_one_line_exit_2_and_nothing_stored(tmp_path, content):
    bad = tmp_path / "bad.txt"
    bad.write_bytes(content)
    store = tmp_path / "store"
    out = kg("build", bad, "--store", store)
    assert out.returncode == 2
    assert len(out.stderr.strip().splitlines()) == 1 and "Traceback" not in out.stderr
    assert not store.exists()


def test_missing_path_and_file_as_store(tmp_path):
    out = kg("extract", tmp_path / "nothing.txt")
    assert out.returncode == 2 and "no such file" in out.stderr
    f = tmp_path / "store.txt"
    f.write_text("not a store")
    good = tmp_path / "a.txt"
    good.write_text(TEXT)
    out = kg("build", good, "--store", f)
    assert out.returncode == 2 and "is a file" in out.stderr and "Traceback" not in out.stderr
    assert f.read_text() == "not a store"


def test_build_query_stats_render_export(tmp_path):
    doc = tmp_path / "a.txt"
    doc.write_text(TEXT)
    store = tmp_path / "store"
    assert kg("build", doc, "--store", store).returncode == 0
    out = kg("query", "SELECT ?s ?o WHERE { ?s dipl:agreesWith ?o }", "--store", store, "--format", "csv")
    assert out.returncode == 0 and "actor/ARG" in out.stdout or "actor/CHL" in out.stdout
    bad = kg("query", "SELECT WHERE {", "--store", store)
    assert bad.returncode == 2 and "invalid SPARQL" in bad.stderr and "Traceback" not in bad.stderr
    stats = kg("stats", "--store", store)
    assert "AGREE" in stats.stdout and "dipl:Country" in stats.stdout
    html = tmp_path / "g.html"
    assert kg("render", "--store", store, "--out", html).returncode == 0
    ttl = tmp_path / "g.ttl"
    assert kg("export", "--store", store, "--out", ttl).returncode == 0
    assert "actor:CHL" in ttl.read_text()


@pytest.mark.parametrize("option,name,content", [
    ("--gazetteer", "officials.yaml", "- {name: Ana Lima, role: [}\n"),  # YAML syntax error
    ("--gazetteer", "officials.yaml", "- {name: Ana Lima}\n"),  # a record without a role
    ("--curation", "curation.yaml", "decisions: [{action: dissolve}]\n"),  # an unknown decision
])
def test_bad_gazetteer_or_curation_exits_2_before_the_store_is_made(tmp_path, option, name, content):
    (tmp_path / "a.txt").write_text(TEXT, encoding="utf-8")
    (tmp_path / name).write_text(content, encoding="utf-8")
    out = kg("build", tmp_path / "a.txt", "--store", tmp_path / "new-store", option, tmp_path / name)
    assert out.returncode == 2 and len(out.stderr.strip().splitlines()) == 1, out.stderr
    assert not (tmp_path / "new-store").exists()
