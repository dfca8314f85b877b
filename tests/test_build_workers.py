"""``kg build --workers 2`` under real SIGKILLs: of the build itself (its workers and resource tracker
must not outlive it) and of one worker (reported, its documents extracted once more, none lost)."""
from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

KG = [sys.executable, "-m", "kg.cli"]
PAIRS = [("France", "Germany"), ("India", "Pakistan"), ("Japan", "China"), ("Brazil", "Argentina"),
         ("Egypt", "Israel"), ("Canada", "Mexico"), ("Kenya", "Ethiopia"), ("Turkey", "Greece")]


def corpus(d: Path, n: int) -> Path:
    d.mkdir()
    for i in range(n):
        a, b = PAIRS[i % len(PAIRS)]
        text = " ".join(f"{a} and {b} signed a trade agreement in round {i}.{k}. {b} thanked {a} for the talks, "
                        f"and officials of {a} praised the outcome." for k in range(25))
        (d / f"doc{i:03}.txt").write_text(text + "\n", encoding="utf-8")
    return d


def children(pid: int) -> dict[int, str]:
    """Live (not zombie) child processes of ``pid``: pid -> command line."""
    out = {}
    for p in Path("/proc").iterdir():
        if not p.name.isdigit():
            continue
        try:
            stat = (p / "stat").read_text()
            fields = stat[stat.rindex(")") + 2:].split()
            if int(fields[1]) == pid and fields[0] != "Z":
                out[int(p.name)] = (p / "cmdline").read_bytes().replace(b"\0", b" ").decode()
        except (OSError, ValueError):
            continue
    return out


def alive(pid: int) -> bool:
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return False
    return stat[stat.rindex(")") + 2] != "Z"


def rss_mib(pid: int) -> float:
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    except OSError:
        pass
    return 0.0


def workers_of(proc: subprocess.Popen, timeout: float = 120) -> list[int]:
    """The build's two worker processes, once both have loaded the pipeline (RSS past 100 MiB)."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        assert proc.poll() is None, proc.stderr.read()
        found = [pid for pid, cmd in children(proc.pid).items() if "spawn_main" in cmd and "resource_tracker" not in cmd]
        if len(found) == 2 and all(rss_mib(p) > 100 for p in found):
            return found
        time.sleep(0.2)
    raise AssertionError("the workers did not start")


def test_workers_die_with_a_build_killed_by_sigkill(tmp_path):
    docs = corpus(tmp_path / "docs", 60)
    proc = subprocess.Popen([*KG, "build", str(docs), "--store", str(tmp_path / "st"), "--workers", "2", "-q"],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    try:
        workers_of(proc)
        kids = children(proc.pid)
        assert len(kids) >= 2
        os.kill(proc.pid, signal.SIGKILL)
        proc.wait(10)
        deadline = time.monotonic() + 15
        while time.monotonic() < deadline and any(alive(p) for p in kids):
            time.sleep(0.1)
        left = {p: c for p, c in kids.items() if alive(p)}
        assert not left, f"still running after the build was killed: {left}"
    finally:
        for p in children(proc.pid):
            os.kill(p, signal.SIGKILL)


def test_a_killed_worker_is_reported_and_its_documents_retried(tmp_path):
    n = 24
    docs = corpus(tmp_path / "docs", n)
    store = tmp_path / "st"
    proc = subprocess.Popen([*KG, "build", str(docs), "--store", str(store), "--workers", "2", "-q"],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    victim = workers_of(proc)[0]
    os.kill(victim, signal.SIGKILL)
    out, err = proc.communicate(timeout=600)
    assert proc.returncode == 0, err
    # the pool names the dead worker when it can see which one died first; either way the death is reported
    assert "worker process died" in err and (str(victim) in err or "pid unknown" in err) and "Traceback" not in err
    assert f"{n} documents: {n} new" in out and "0 failed" in out, out
    r = subprocess.run([*KG, "query", "SELECT (COUNT(DISTINCT ?d) AS ?n) { ?d a dipl:Document }", "--format", "csv",
                        "--store", str(store)], capture_output=True, text=True, timeout=120)
    assert r.stdout.split() == ["n", str(n)], r.stdout + r.stderr
