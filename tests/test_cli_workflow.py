"""The CLI as an analyst meets it: progress in a log, dates checked early, honest messages, tables for people."""
from __future__ import annotations

import json
import subprocess
import sys

from kg.build import ProgressLog

KG = [sys.executable, "-m", "kg.cli"]


def kg(*args, **kw):
    return subprocess.run([*KG, *map(str, args)], capture_output=True, text=True, timeout=300, **kw)


def test_a_build_into_a_log_prints_progress_lines(tmp_path):
    corpus = tmp_path / "news.jsonl"
    corpus.write_text("".join(json.dumps({"id": f"n{i}", "text": f"Chile thanked Peru for aid number {i}."}) + "\n"
                              for i in range(6)), encoding="utf-8")
    out = kg("build", corpus, "--store", tmp_path / "store", "--progress-seconds", "0.1")  # stderr is a pipe
    assert out.returncode == 0, out.stderr
    lines = [x for x in out.stderr.splitlines() if x.startswith("kg build:")]
    assert lines, out.stderr
    assert "/6 documents (" in lines[-1] and "docs/s" in lines[-1] and "ETA" in lines[-1] and "new" in lines[-1]
    assert "6 documents: 6 new" in out.stdout
    assert "the store holds 6 documents, 2 actors and " in out.stdout  # Chile and Peru, once each


def test_progress_log_counts_rate_and_eta():
    lines, now = [], [0.0]
    log = ProgressLog(total=100, every=10, write=lines.append, clock=lambda: now[0])
    for t in range(1, 41):
        now[0] = t / 2
        log(f"d{t}", "failed" if t == 3 else "new")
    assert len(lines) == 2  # every 10 s
    assert lines[0] == "kg build: 20/100 documents (20%), 2.0 docs/s, ETA 40s; 19 new, 0 changed, 0 unchanged, 1 failed"
    assert lines[1].startswith("kg build: 40/100 documents (40%), 2.0 docs/s, ETA 30s")


def test_progress_log_writes_while_a_long_document_is_read():
    import time

    lines = []
    with ProgressLog(total=2, every=0.05, write=lines.append) as log:
        log("long.txt (1,000 of 90,000 words)", "in progress")  # a piece: names the document, counts nothing
        time.sleep(0.4)  # no document ends, yet lines keep coming
    assert len(lines) >= 3, lines
    assert lines[-1].startswith("kg build: 0/2 documents (0%)") and lines[-1].endswith(
        "; reading long.txt (1,000 of 90,000 words)"), lines[-1]


def test_dates_are_checked_when_parsed(tmp_path):
    for bad in ("2025-13", "2024-02-30", "March 2024", "24"):
        out = kg("render", "--since", bad, "--store", tmp_path / "none")
        assert out.returncode == 2 and out.stderr.count("\n") == 1, out.stderr
        assert "YYYY, YYYY-MM or YYYY-MM-DD" in out.stderr and not (tmp_path / "none").exists()
    out = kg("render", "--since", "2024-05", "--until", "2024-01", "--store", tmp_path / "none")
    assert out.returncode == 2 and "after --until" in out.stderr


def test_read_only_commands_never_talk_of_writing(tmp_path):
    folder = tmp_path / "system"
    folder.mkdir()
    (folder / "passwd").write_text("root:x:0:0\n")
    for args in (["stats"], ["query", "ASK {}"], ["render", "--out", tmp_path / "g.html"], ["validate"],
                 ["export", "--out", tmp_path / "g.ttl"]):
        out = kg(*args, "--store", folder)
        assert out.returncode == 2 and "not a kg store" in out.stderr, (args, out.stderr)
        assert "writ" not in out.stderr.lower(), (args, out.stderr)


def test_tables_show_names_and_json_keeps_iris(example_store):
    out = kg("query", "--name", "who-did-what", "--store", example_store)
    assert out.returncode == 0, out.stderr
    head = out.stdout.splitlines()[0].split()
    assert head[:4] == ["date", "source", "cls", "target"] and "event" not in head and "class" not in head
    assert "--format json has them" in out.stdout.splitlines()[-1]
    rows = json.loads(kg("query", "--name", "who-did-what", "--format", "json", "--store", example_store).stdout)
    assert rows[0]["event"].startswith("https://") and rows[0]["class"].startswith("https://")


def test_requests_are_never_ranked_as_conflict(example_store):
    out = kg("query", "--name", "most-conflictual-pairs", "--format", "json", "--store", example_store)
    rows = json.loads(out.stdout)
    assert rows and all(r["classes"] != "REQUEST" for r in rows)
    for r in rows:
        assert float(r["score"]) < 0


def test_your_own_officials_file_is_loaded_after_the_built_in_one(tmp_path):
    officials = tmp_path / "my_officials.yaml"
    officials.write_text('- {name: "Ada Quillfeather", variants: ["Quillfeather"], role: "Foreign Minister", '
                         'country: PER, start: "2020-01-01"}\n', encoding="utf-8")
    article = tmp_path / "ada.txt"
    article.write_text("Ada Quillfeather criticized Chile on Monday over the border dispute.\n", encoding="utf-8")
    out = kg("extract", article, "--gazetteer", officials)
    assert out.returncode == 0, out.stderr
    actors = {r["label"]: r for r in map(json.loads, out.stdout.splitlines()) if r["kind"] == "actor"}
    assert actors["Ada Quillfeather"]["country"] == "PER" and actors["Ada Quillfeather"]["role"] == "Foreign Minister"
    assert actors["Chile"]["type"] == "Country"
    without = kg("extract", article)
    assert "Quillfeather" not in without.stdout  # known only from your file
    missing = kg("extract", article, "--gazetteer", tmp_path / "none.yaml")
    assert missing.returncode == 2 and missing.stderr.count("\n") == 1 and "no such file" in missing.stderr


def test_a_settings_file_gives_the_gazetteer_and_the_store(tmp_path):
    project = tmp_path / "project"
    (project / "data").mkdir(parents=True)
    (project / "data" / "mine.yaml").write_text(
        '- {name: "Ada Quillfeather", variants: ["Quillfeather"], role: "Foreign Minister", country: PER, '
        'start: "2020-01-01"}\n', encoding="utf-8")
    (project / "kg.yaml").write_text("gazetteer: [data/mine.yaml]\nstore: st\n", encoding="utf-8")
    article = project / "ada.txt"
    article.write_text("Ada Quillfeather criticized Chile on Monday over the border dispute.\n", encoding="utf-8")
    out = kg("extract", article, cwd=project)  # ./kg.yaml is read; its paths are relative to its folder
    assert out.returncode == 0, out.stderr
    actors = {r["label"]: r for r in map(json.loads, out.stdout.splitlines()) if r["kind"] == "actor"}
    assert actors["Ada Quillfeather"]["country"] == "PER"
    elsewhere = kg("--config", project / "kg.yaml", "build", article, "-q", cwd=tmp_path)
    assert elsewhere.returncode == 0, elsewhere.stderr
    assert (project / "st").is_dir() and not (tmp_path / "st").exists()
    flag_wins = kg("stats", "--store", tmp_path / "nowhere", cwd=project)
    assert flag_wins.returncode == 2 and "nowhere" in flag_wins.stderr


def test_a_bad_settings_file_says_which_setting(tmp_path):
    (tmp_path / "kg.yaml").write_text("stor: st\n", encoding="utf-8")
    out = kg("stats", cwd=tmp_path)
    assert out.returncode == 2 and "kg.yaml: unknown setting 'stor'" in out.stderr and "Traceback" not in out.stderr
    (tmp_path / "kg.yaml").write_text("build: {wrkers: 2}\n", encoding="utf-8")
    out = kg("stats", cwd=tmp_path)
    assert out.returncode == 2 and "build.wrkers" in out.stderr and "kg build --help" in out.stderr
    (tmp_path / "kg.yaml").write_text("store: [unclosed\n", encoding="utf-8")
    out = kg("stats", cwd=tmp_path)
    assert out.returncode == 2 and "not readable YAML" in out.stderr
