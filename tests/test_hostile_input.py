"""Hostile input to the kg command, run as real processes: named-query parameters that are not what
they claim, dates that are not dates, remote stores that hang (real listeners on 127.0.0.1), and
builds racing for a new store. Every one ends in one line on stderr and exit 2, never a traceback."""
from __future__ import annotations

import os
import socket
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest

KG = [sys.executable, "-m", "kg.cli"]
TEXT = "Argentina and Chile signed a water-sharing accord. Chile thanked Argentina for its patience.\n"


def kg(*args, timeout: float = 120, env: dict[str, str] | None = None):
    return subprocess.run([*KG, *map(str, args)], capture_output=True, timeout=timeout,
                          env={**os.environ, **env} if env else None)


def one_line_exit_2(r) -> str:
    err = r.stderr.decode("utf-8", "replace")
    assert r.returncode == 2, err
    assert "Traceback" not in err and len(err.strip().splitlines()) == 1, err
    return err


@pytest.fixture(scope="module")
def store(tmp_path_factory) -> Path:
    d = tmp_path_factory.mktemp("hostile")
    (d / "accord.txt").write_text(TEXT, encoding="utf-8")
    r = kg("build", d / "accord.txt", "--store", d / "store", "-q")
    assert r.returncode == 0, r.stderr
    return d / "store"


@pytest.mark.parametrize("param, words", [
    ("actor=<http://x/> } UNION { ?s ?p ?o } <x>", "parameter actor"),
    ("actor=<http://a b/>", "parameter actor"),
    ("actor=<>", "no actor named '<>'"),  # '<>' is a name, not an IRI: no actor has it (named queries resolve names)
    ("actor=" + "x" * 20_000, "parameter actor"),
])
def test_parameter_values_that_are_not_iris_give_one_line(store, param, words):
    r = kg("query", "--name", "actor-profile", "--param", param, "--store", store)
    assert words in one_line_exit_2(r)


def test_invalid_utf8_in_a_parameter_or_a_query_names_it(store):
    r = subprocess.run([*map(str.encode, KG), b"query", b"--name", b"actor-profile", b"--param", b"actor=\xff\xfeA",
                        b"--store", str(store).encode()], capture_output=True, timeout=120)
    assert "parameter actor" in one_line_exit_2(r) and "UTF-8" in r.stderr.decode()
    r = subprocess.run([*map(str.encode, KG), b"query", b'SELECT * { ?s ?p "\xff" }', b"--store", str(store).encode()],
                       capture_output=True, timeout=120)
    assert "UTF-8" in one_line_exit_2(r)


@pytest.mark.parametrize("param", ["from=2024-13-45", "from=２０２４-01-01", "from=yesterday", "class=NOPE"])
def test_typed_parameters_are_checked(store, param):
    r = kg("query", "--name", "who-did-what", "--param", param, "--store", store)
    assert f"parameter {param.split('=')[0]}" in one_line_exit_2(r)


@pytest.mark.parametrize("value", ["garbage", "2024-13", "2024-02-30", "24"])
def test_render_refuses_a_since_that_is_not_a_date(store, tmp_path, value):
    r = kg("render", "--since", value, "--store", store, "--out", tmp_path / "g.html")
    assert "YYYY-MM-DD" in one_line_exit_2(r)
    assert not (tmp_path / "g.html").exists()


def test_render_takes_partial_dates(store, tmp_path):
    r = kg("render", "--since", "2020", "--until", "2030-06", "--store", store, "--out", tmp_path / "g.html")
    assert r.returncode == 0, r.stderr


def test_simultaneous_builds_on_a_new_store_say_in_use(tmp_path):
    (tmp_path / "a.txt").write_text(TEXT, encoding="utf-8")
    for round_ in range(2):
        st = tmp_path / f"new{round_}"
        procs = [subprocess.Popen([*KG, "build", str(tmp_path / "a.txt"), "--store", str(st), "-q"],
                                  stdout=subprocess.PIPE, stderr=subprocess.PIPE) for _ in range(3)]
        outs = [(p.wait(300), p.stderr.read().decode()) for p in procs]
        assert any(rc == 0 for rc, _ in outs), outs
        for rc, err in outs:
            assert rc == 0 or (rc == 2 and "in use by" in err and "not a kg store" not in err), outs


# ----------------------------------------------------------------------------- remote stores that hang

class Silent:
    """A real TCP listener on 127.0.0.1 that accepts connections and never answers (``accept=True``),
    or never accepts and has its backlog full (``accept=False``), so connects hang too."""

    def __init__(self, accept: bool) -> None:
        self.sock = socket.socket()
        self.sock.bind(("127.0.0.1", 0))
        self.sock.listen(0)
        self.url = f"http://127.0.0.1:{self.sock.getsockname()[1]}"
        self.held: list[socket.socket] = []
        self.stop = threading.Event()
        if accept:
            threading.Thread(target=self._accept, daemon=True).start()
        else:  # fill the backlog: later SYNs are dropped and connect() waits
            for _ in range(4):
                c = socket.socket()
                c.setblocking(False)
                c.connect_ex(self.sock.getsockname())
                self.held.append(c)
            time.sleep(0.2)

    def _accept(self) -> None:
        self.sock.settimeout(0.2)
        while not self.stop.is_set():
            try:
                conn, _ = self.sock.accept()
                self.held.append(conn)
            except OSError:
                continue

    def close(self) -> None:
        self.stop.set()
        for c in self.held:
            c.close()
        self.sock.close()


@pytest.mark.parametrize("how", ["--timeout", "KG_TIMEOUT"])  # the option, or the environment with no option
@pytest.mark.parametrize("accept", [True, False], ids=["accepts-never-answers", "never-accepts"])
@pytest.mark.parametrize("command", [["stats"], ["query", "ASK {}"], ["query", "--name", "actors"],
                                     ["export", "--format", "nt"], ["build", "DOC"]])
def test_a_hanging_remote_store_times_out_naming_its_url(tmp_path, accept, command, how):
    """Every remote call has a connect and a read timeout: ``--timeout``, else KG_TIMEOUT (default 30 s), for
    ``kg query`` too (whose ``--timeout`` is also the query's own limit, 120 s by default)."""
    (tmp_path / "doc.txt").write_text(TEXT, encoding="utf-8")
    server = Silent(accept)
    try:
        args = [str(tmp_path / "doc.txt") if a == "DOC" else a for a in command]
        extra = {"export": ["--out", tmp_path / "x.nt"], "build": ["-q"]}.get(command[0], [])
        given = ["--timeout", "2"] if how == "--timeout" else []
        t0 = time.monotonic()
        r = kg(*args, *extra, "--store", server.url, *given, timeout=60, env={"KG_TIMEOUT": "2"} if not given else None)
        took = time.monotonic() - t0
    finally:
        server.close()
    err = one_line_exit_2(r)
    assert server.url in err and "2 s" in err, err
    assert took < 20, f"took {took:.1f} s"