#!/usr/bin/env python3
"""Score sentence-level event coding against dyad-style gold records.

Usage:
  score_dyads.py plover/gsr_cameo.jsonl --cmd "kg extract --format jsonl"
  score_dyads.py petrarch2/gsr_validation.jsonl --cmd "..." --class-field plover

Each gold record is one sentence with expected dyads
{"source": ISO3|IGO|..., "target": ISO3|null, "code": PLOVER class,
 "source_text": ..., "target_text": ...}. An extracted relation matches a dyad
when its class equals the dyad's class and each end matches: the actor's
"country" (ISO 3166-1 alpha-3, see OUTPUT.md) equals the code, or the actor's
label or an alias and the dyad's text contain one another. Dyads without a
target are left out (the graph holds actor-to-actor relations only).
The last line printed is "dyads F1=<x>".

A copy of shared/eval/score_dyads.py with two additions: --by-class (precision
per predicted class and recall per gold dyad class; totals unchanged) and
--sectors (an end matches only when, where the gold gives a sector, the sector
kg gives that end agrees: the relation's source_sector/target_sector, else the
actor's sector). Gold sectors are compared by their first three letters, with
CAMEO synonyms mapped as kg/data/sectors.json "aliases" says ("CIVsrp" -> CVL,
"JRN" -> MED); "***" (unknown) and absent sectors never count against. Sector
accuracy (always printed) is the share of dyad ends, among the dyads found
without --sectors whose gold gives a sector, where kg's sector agrees.
"""
from __future__ import annotations

import argparse
import json
import re
import shlex
import subprocess
import sys
import tempfile
from collections import defaultdict
from pathlib import Path


def norm(s: str) -> str:
    s = (s or "").lower().replace("\u2019", "'").replace(".", "")
    s = re.sub(r"'s\b", "", s)
    s = re.sub(r"^the\s+", "", s)
    return re.sub(r"\s+", " ", s).strip()


SECTOR_ALIASES = json.loads((Path(__file__).resolve().parents[1] / "kg" / "data" / "sectors.json")
                            .read_text(encoding="utf-8"))["aliases"]


def sector_code(code: str | None) -> str | None:
    """A gold sector as kg writes it: first three letters, CAMEO synonyms mapped; None for unknown."""
    if not code or not code[:3].isalpha():
        return None
    return SECTOR_ALIASES.get(code[:3].upper(), code[:3].upper())


def sectors_agree(rel: dict, actor: dict | None, end: str, gold: str | None) -> bool | None:
    """Whether kg's sector of one end of ``rel`` equals the gold sector; None when the gold gives none."""
    want = sector_code(gold)
    if want is None:
        return None
    got = rel.get(f"{end}_sector") or (actor or {}).get("sector")
    return got == want


def end_matches(actor: dict | None, code: str | None, text: str | None) -> bool:
    if actor is None:
        return False
    if code and actor.get("country") and actor["country"].upper() == code.upper():
        return True
    if text:
        t = norm(text)
        for name in [actor.get("label", "")] + list(actor.get("aliases", [])):
            n = norm(name)
            if n and (n in t or t in n):
                return True
    return False


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("gold")
    src = ap.add_mutually_exclusive_group(required=True)
    src.add_argument("--cmd", help="extractor command; document paths are appended")
    src.add_argument("--pred", help="saved extractor output (JSON Lines)")
    ap.add_argument("--class-field", default="code", help="dyad field holding the PLOVER class")
    ap.add_argument("-v", "--verbose", action="store_true")
    ap.add_argument("--by-class", action="store_true",
                    help="also print precision per predicted class and recall per gold dyad class")
    ap.add_argument("--sectors", action="store_true",
                    help="an end matches only when its sector agrees with the gold's, where the gold gives one")
    args = ap.parse_args()

    golds = [json.loads(l) for l in Path(args.gold).read_text(encoding="utf-8").splitlines() if l.strip()]
    golds = [g for g in golds if any(d.get(args.class_field) and d.get("target") for d in g.get("expected", []))]
    if args.cmd:
        with tempfile.TemporaryDirectory() as tmp:
            paths = []
            for g in golds:
                p = Path(tmp) / f"{g['id']}.txt"
                p.write_text(g["text"], encoding="utf-8")
                paths.append(str(p))
            proc = subprocess.run(shlex.split(args.cmd) + paths, capture_output=True, text=True)
            if proc.returncode != 0:
                sys.stderr.write(proc.stderr[-4000:])
                raise SystemExit(f"extractor failed with exit code {proc.returncode}")
            out = proc.stdout
    else:
        out = Path(args.pred).read_text(encoding="utf-8")
    by_doc: dict[str, list[dict]] = defaultdict(list)
    for line in out.splitlines():
        if line.strip():
            r = json.loads(line)
            by_doc[Path(str(r.get("doc", ""))).stem].append(r)

    tp_pred = fp = tp = fn = 0
    per: dict[tuple[str, str], int] = defaultdict(int)
    class_hits = 0
    sector_right = sector_total = 0
    for g in golds:
        recs = by_doc.get(g["id"], [])
        actors = {r["id"]: r for r in recs if r.get("kind") == "actor"}
        rels = [r for r in recs if r.get("kind") == "relation"]
        dyads = [d for d in g["expected"] if d.get(args.class_field) and d.get("target")]
        found = set()
        sector_seen: set[int] = set()  # dyads whose sectors were counted once for the accuracy
        if any(r.get("class") in {d[args.class_field] for d in dyads} for r in rels):
            class_hits += 1
        for r in rels:
            s, o = actors.get(r.get("subject")), actors.get(r.get("object"))
            hit = False
            for i, d in enumerate(dyads):
                if r.get("class") != d[args.class_field] or r.get("negated"):
                    continue
                fwd = end_matches(s, d["source"], d.get("source_text")) and end_matches(o, d["target"], d.get("target_text"))
                rev = d.get("symmetric") and end_matches(o, d["source"], d.get("source_text")) and end_matches(s, d["target"], d.get("target_text"))
                if not (fwd or rev):
                    continue
                ends = [(s, "source", d.get("source_sector")), (o, "target", d.get("target_sector"))] if fwd else \
                    [(o, "target", d.get("source_sector")), (s, "source", d.get("target_sector"))]
                agree = [a for a in (sectors_agree(r, actor, end, g) for actor, end, g in ends) if a is not None]
                if i not in found and i not in sector_seen:
                    sector_seen.add(i)
                    sector_right += sum(agree)
                    sector_total += len(agree)
                if args.sectors and not all(agree):
                    continue
                found.add(i)
                hit = True
            if hit:
                tp_pred += 1
            else:
                fp += 1
            per["tp_pred" if hit else "fp", r.get("class")] += 1
        tp += len(found)
        fn += len(dyads) - len(found)
        for i, d in enumerate(dyads):
            per["tp" if i in found else "fn", d[args.class_field]] += 1
        if args.verbose and len(found) < len(dyads):
            got = [f"{(s or {}).get('label')} {r.get('class')} {(o or {}).get('label')}"
                   for r in rels for s, o in [(actors.get(r.get('subject')), actors.get(r.get('object')))]]
            want = [f"{d['source']} {d[args.class_field]} {d['target']}" for d in dyads]
            print(f"== {g['id']}: want {want} got {got}\n   {g['text'][:160]}")
    p = tp_pred / (tp_pred + fp) if tp_pred + fp else 0.0
    r = tp / (tp + fn) if tp + fn else 0.0
    f = 2 * p * r / (p + r) if p + r else 0.0
    if args.by_class:
        print(f"{'class':<10} {'P':>5} {'tp/pred':>8} {'R':>5} {'found/gold':>10}")
        for c in sorted({c for _, c in per if c}):
            tpp, fpc, tpc, fnc = (per[k, c] for k in ("tp_pred", "fp", "tp", "fn"))
            pc = f"{tpp / (tpp + fpc):.2f}" if tpp + fpc else "-"
            rc = f"{tpc / (tpc + fnc):.2f}" if tpc + fnc else "-"
            print(f"{c:<10} {pc:>5} {f'{tpp}/{tpp + fpc}':>8} {rc:>5} {f'{tpc}/{tpc + fnc}':>10}")
    print(f"records {len(golds)}; records whose class was found {class_hits} ({class_hits / max(1, len(golds)):.2f})")
    print(f"sector accuracy {sector_right / max(1, sector_total):.2f} ({sector_right}/{sector_total} dyad ends "
          f"whose gold gives a sector)")
    print(f"dyads P={p:.2f} R={r:.2f}" + (" (sectors must agree)" if args.sectors else ""))
    print(f"dyads F1={f:.2f}")


if __name__ == "__main__":
    main()
