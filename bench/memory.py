"""Peak memory and time of ``kg extract`` and ``kg build`` on one long document, by size.

Builds one single-line document of each size (default 1, 5 and 20 MB) from sentences written
for this bench: officials with generated names, their countries and organizations, acting in
the PLOVER classes, so the actor resolver and the relation list grow with the text as they do
in a long real article. Each size is run as a real ``kg extract`` and a real ``kg build`` into a
fresh store; the peak RSS (the process and its children, from ``wait4``), the wall time and the
CPU time (user + system, from ``wait4``: what the command cost, whatever else the machine runs) are
printed as a table, and the growth from the smallest to the largest size, per MB.

    .venv/bin/python bench/memory.py                  # 1, 5 and 20 MB
    .venv/bin/python bench/memory.py --sizes 0.2 1    # quicker
    .venv/bin/python bench/memory.py --only build     # kg build alone (run --only extract beside it)
"""
from __future__ import annotations

import argparse
import os
import random
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
KG = [sys.executable, "-m", "kg.cli"]
FIRST = ["Amara", "Bilal", "Chen", "Dmitri", "Elena", "Farid", "Greta", "Hiroshi", "Ines", "Jonas", "Kemal",
         "Leila", "Mateo", "Nadia", "Oskar", "Priya", "Quentin", "Rania", "Sven", "Tariq", "Ursula", "Viktor",
         "Wen", "Ximena", "Yusuf", "Zofia"]
LAST = ["Abara", "Brandt", "Costa", "Dlamini", "Eriksen", "Farouk", "Gupta", "Haddad", "Ivanova", "Jensen",
        "Kato", "Lindqvist", "Mensah", "Novak", "Okafor", "Petrov", "Quispe", "Rahman", "Silva", "Tanaka",
        "Umarov", "Varga", "Wójcik", "Xu", "Yilmaz", "Zeller"]
COUNTRIES = ["France", "Germany", "India", "Pakistan", "Japan", "China", "Brazil", "Argentina", "Kenya", "Egypt",
             "Turkey", "Greece", "Canada", "Mexico", "Norway", "Poland", "Ghana", "Peru", "Vietnam", "Chile"]
ROLES = ["foreign minister", "defence minister", "prime minister", "trade envoy", "ambassador"]
TEMPLATES = [
    "{p}, the {role} of {a}, met {q} of {b} in {city} on Tuesday.",
    "{a} accused {b} of violating the ceasefire, {p} told reporters.",
    "{p} said {a} would impose sanctions on {b} if the talks failed.",
    "{a} and {b} signed an agreement on water sharing after {p} and {q} met.",
    "{b} rejected the proposal from {a}, according to {q}.",
    "{a} thanked {b} for its help during the floods.",
    "The government of {a} expelled two diplomats of {b}.",
    "{q}, the {role} of {b}, praised {a} for releasing the prisoners.",
]
CITIES = ["Geneva", "Vienna", "Nairobi", "Doha", "Oslo", "Singapore", "Lima", "Accra"]


def make_document(path: Path, megabytes: float, seed: int = 11) -> int:
    """Write one single-line document of about ``megabytes`` MB; return its size in bytes."""
    rng = random.Random(seed)
    target = int(megabytes * 1_000_000)
    size = 0
    with path.open("w", encoding="utf-8") as fh:
        while size < target:
            a, b = rng.sample(COUNTRIES, 2)
            s = rng.choice(TEMPLATES).format(
                p=f"{rng.choice(FIRST)} {rng.choice(LAST)}", q=f"{rng.choice(FIRST)} {rng.choice(LAST)}",
                role=rng.choice(ROLES), a=a, b=b, city=rng.choice(CITIES)) + " "
            fh.write(s)
            size += len(s.encode("utf-8"))
        fh.write("\n")
    return size


def measure(argv: list[str]) -> tuple[float, float, float, int]:
    """(peak RSS in MiB of the process tree, wall seconds, CPU seconds, exit code) of one real command."""
    t0 = time.perf_counter()
    proc = subprocess.Popen(argv, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    _, status, usage = os.wait4(proc.pid, 0)
    seconds = time.perf_counter() - t0
    proc.returncode = os.waitstatus_to_exitcode(status)
    if proc.returncode:
        sys.stderr.write(proc.stderr.read().decode("utf-8", "replace"))
    return usage.ru_maxrss / 1024, seconds, usage.ru_utime + usage.ru_stime, proc.returncode


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--sizes", type=float, nargs="+", default=[1, 5, 20], help="Document sizes in MB.")
    ap.add_argument("--only", choices=["extract", "build"], help="Run one of the two commands only.")
    args = ap.parse_args()
    rows = []
    with tempfile.TemporaryDirectory() as tmp:
        for mb in args.sizes:
            doc = Path(tmp) / f"long-{mb:g}mb.txt"
            size = make_document(doc, mb)
            if args.only != "build":
                rows.append((f"{size / 1e6:.1f} MB", "kg extract", *measure([*KG, "extract", str(doc)])))
                print(*rows[-1], flush=True, sep="\t")
            if args.only != "extract":
                rows.append((f"{size / 1e6:.1f} MB", "kg build",
                             *measure([*KG, "build", str(doc), "--store", str(Path(tmp) / f"store-{mb:g}"), "-q"])))
                print(*rows[-1], flush=True, sep="\t")
    print(f"\n{'document':>10}  {'command':<11} {'peak RSS MiB':>12} {'wall s':>9} {'CPU s':>9}  exit")
    for size, cmd, rss, secs, cpu, rc in rows:
        print(f"{size:>10}  {cmd:<11} {rss:>12,.0f} {secs:>9,.1f} {cpu:>9,.1f}  {rc}")
    for cmd in ("kg extract", "kg build"):
        mine = [r for r in rows if r[1] == cmd]
        if len(mine) > 1:
            (small, rss0, cpu0), (large, rss1, cpu1) = ((float(r[0].split()[0]), r[2], r[4]) for r in (mine[0], mine[-1]))
            print(f"{cmd}: peak RSS x{rss1 / rss0:.2f} ({(rss1 - rss0) / (large - small):+,.1f} MiB per MB) and "
                  f"CPU {cpu0 / small:,.0f} -> {cpu1 / large:,.0f} s per MB from {mine[0][0]} to {mine[-1][0]}")


if __name__ == "__main__":
    main()
