"""Fuzzing the kg command with hypothesis (fixed seed, bounded examples): named-query parameters.

Every case runs the real ``kg query`` command (click's runner, in this process, on a real store)
and must end with exit 0 or 2, never a traceback, one ``kg:`` line on exit 2, and the store
unchanged. ``KG_FUZZ_EXAMPLES`` raises the number of cases (default 150)."""
from __future__ import annotations

import os
import subprocess
import sys

import pytest

hypothesis = pytest.importorskip("hypothesis", reason="pip install -e '.[test]' installs hypothesis")
from click.testing import CliRunner  # noqa: E402
from hypothesis import HealthCheck, given, settings  # noqa: E402
from hypothesis import strategies as st  # noqa: E402

from kg.cli import main  # noqa: E402
from kg.query import named_queries  # noqa: E402

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
