"""Fuzzing kg with hypothesis (fixed seed, bounded examples): named-query parameters and JSON Lines records.

Every parameter case runs the real ``kg query`` command (click's runner, in this process, on a real
store) and must end with exit 0 or 2, never a traceback, one ``kg:`` line on exit 2, and the store
unchanged. Every JSON Lines case builds a corpus of a good record, a fuzzed one and a good record
into a real store: the build ends normally (exit 0) with both good records stored, or with a kg
error (exit 2) and the store unchanged; any other exception is a traceback and fails the case.
``KG_FUZZ_EXAMPLES`` raises the number of cases (default 150 parameter cases, a tenth as many records)."""
from __future__ import annotations

import json
import os
import subprocess
import sys

import pytest

hypothesis = pytest.importorskip("hypothesis", reason="pip install -e '.[test]' installs hypothesis")
from click.testing import CliRunner  # noqa: E402
from hypothesis import HealthCheck, given, settings  # noqa: E402
from hypothesis import strategies as st  # noqa: E402

from kg.build import build  # noqa: E402
from kg.cli import main  # noqa: E402
from kg.errors import KGError  # noqa: E402
from kg.query import named_queries  # noqa: E402
from kg.store import KnowledgeGraph  # noqa: E402

EXAMPLES = int(os.environ.get("KG_FUZZ_EXAMPLES", "150"))
TEXT = "Argentina and Chile signed a water-sharing accord. Chile accused Argentina of delays on Monday.\n"
INJECTIONS = ["} UNION { ?s ?p ?o }", "<http://x/> } UNION { ?s ?p ?o } <x>", '" ) } #', "'''", '"""', "\\u003E",
              "\\", "\x00", "\ud800", "actor:ARG> <x", "<javascript:alert(1)>", "<>", "< >", "<http://a b/>",
              "dipl:", "dipl:ACCUSE", "2024-02-30", "99999-01-01", "-0", "1e309", "9" * 400, "\u202e", "\r\n",
              "SERVICE <http://127.0.0.1:9/>", "urn:", "https://", "<urn:x>"]
CASES: list[int] = []


@pytest.fixture(scope="module")
def store(tmp_path_factory):
    d = tmp_path_factory.mktemp("fuzz")
    (d / "accord.txt").write_text(TEXT, encoding="utf-8")
    r = subprocess.run([sys.executable, "-m", "kg.cli", "build", str(d / "accord.txt"), "--store", str(d / "store"),
                        "-q"], capture_output=True, text=True, timeout=300)
    assert r.returncode == 0, r.stderr
    return str(d / "store")


def count(store: str) -> str:
    r = CliRunner().invoke(main, ["query", "SELECT (COUNT(*) AS ?n) { GRAPH ?g { ?s ?p ?o } }", "--format", "csv",
                                  "--store", store])
    assert r.exit_code == 0, r.output
    return r.stdout


values = st.one_of(
    st.text(st.characters(codec=None, exclude_categories=()), max_size=60),  # any code point, lone surrogates too
    st.sampled_from(INJECTIONS),
    st.builds(lambda a, b: f"{a}{b}", st.sampled_from(INJECTIONS), st.text(max_size=20)),
    st.builds(lambda t: f"<{t}>", st.text(max_size=30)),
    st.builds(lambda p, t: f"{p}:{t}", st.sampled_from(["actor", "dipl", "skos", "nope"]), st.text(max_size=20)),
    st.from_regex(r"\d{1,5}-\d{1,3}-\d{1,3}", fullmatch=True),
)
QUERIES = named_queries()


@st.composite
def calls(draw):
    nq = QUERIES[draw(st.sampled_from(sorted(QUERIES)))]
    required = [p.name for p in nq.params if p.required] if draw(st.integers(0, 4)) else []
    others = [p.name for p in nq.params if not p.required] + ["nosuch", "x-y", ""]
    chosen = dict.fromkeys(required + draw(st.lists(st.sampled_from(others), max_size=2, unique=True)))
    return nq.name, [f"{n}={draw(values)}" for n in chosen]


def test_named_query_parameters_exit_0_or_2_without_traceback(store):
    before = count(store)
    runner = CliRunner()

    @settings(max_examples=EXAMPLES, derandomize=True, deadline=None,
              suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
    @given(calls())
    def case(call):
        name, params = call
        args = ["query", "--name", name, "--store", store, "--format", "csv"]
        for p in params:
            args += ["--param", p]
        r = runner.invoke(main, args)
        CASES.append(r.exit_code)
        assert r.exit_code in (0, 2), (args, r.exit_code, r.exception, r.output)
        assert r.exception is None or isinstance(r.exception, SystemExit), (args, r.exception)
        assert "Traceback" not in r.stderr, (args, r.stderr)
        if r.exit_code == 2:
            lines = r.stderr.strip().splitlines()
            assert len(lines) == 1 and lines[0].startswith("kg: "), (args, r.stderr)

    case()
    assert count(store) == before, "a query changed the store"
    print(f"fuzz: {len(CASES)} named-query cases, exit 0: {CASES.count(0)}, exit 2: {CASES.count(2)}, tracebacks 0")
    assert len(CASES) >= min(EXAMPLES, 50) and CASES.count(2) > 0 and CASES.count(0) > 0


# ----------------------------------------------------------------------------- JSON Lines records

JSON_VALUES = st.recursive(
    st.one_of(st.none(), st.booleans(), st.integers(), st.floats(allow_nan=True), st.text(max_size=40),
              st.text(st.characters(codec=None, exclude_categories=()), max_size=20),
              st.sampled_from(["../x", "/etc/passwd", "http://", "javascript:alert(1)", "2024-13-45", "\ud800",
                               "http://ex.org/a b", "urn:x", "", " ", "<x>", "0000-00-00", "99999-01-01"])),
    lambda inner: st.one_of(st.lists(inner, max_size=3), st.dictionaries(st.text(max_size=5), inner, max_size=3)),
    max_leaves=6)
FIELDS = ("text", "title", "date", "url", "id")
JSONL_CASES: list[str] = []


@st.composite
def bad_lines(draw) -> bytes:
    """One JSON Lines line with fuzzed fields, or a line that is not JSON at all."""
    kind = draw(st.integers(0, 9))
    if kind == 0:
        return draw(st.binary(max_size=60)).replace(b"\n", b" ")
    if kind == 1:
        return b"[" * draw(st.integers(1, 100_000)) + b"]"
    rec = {"text": "Peru and Chile agreed to hold talks on the border, the ministers said."}
    for f in draw(st.lists(st.sampled_from(FIELDS), min_size=1, max_size=5, unique=True)):
        rec[f] = draw(JSON_VALUES)
    return json.dumps(rec, ensure_ascii=True).encode()


def stored(store: str) -> dict[str, str]:
    with KnowledgeGraph(store, read_only=True) as g:
        return {str(d): ident for d, ident in g.documents()}


def test_json_lines_fields_exit_0_or_2_and_good_records_stored(tmp_path_factory, extractor):
    d = tmp_path_factory.mktemp("fuzz-jsonl")
    store = str(d / "store")
    KnowledgeGraph(store).close()
    n = iter(range(10**9))

    @settings(max_examples=max(EXAMPLES // 10, 15), derandomize=True, deadline=None,
              suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
    @given(bad_lines())
    def case(line):
        i = next(n)
        good = [{"id": f"good-{i}-{k}", "text": f"Norway thanked Kenya for its help in case {i}.{k}."} for k in (1, 2)]
        corpus = d / f"c{i}.jsonl"
        corpus.write_bytes(b"\n".join([json.dumps(good[0]).encode(), line, json.dumps(good[1]).encode()]) + b"\n")
        before = stored(store)
        try:
            summary = build([str(corpus)], store=store, extractor=extractor)
        except KGError:  # the command's exit 2: nothing may have changed
            JSONL_CASES.append("2")
            assert stored(store) == before
            return
        JSONL_CASES.append("0")
        after = set(stored(store).values())
        assert {g["id"] for g in good} <= after, (line[:200], summary.failed)

    case()
    print(f"fuzz: {len(JSONL_CASES)} JSON Lines cases, {JSONL_CASES.count('0')} built, "
          f"{JSONL_CASES.count('2')} refused, tracebacks 0")
