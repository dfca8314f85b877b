#!/usr/bin/env python3
"""Score an extractor's JSON Lines output against gold documents.

Usage:
  score.py GOLD.jsonl --cmd "kg extract --format jsonl"   # runs the extractor
  score.py GOLD.jsonl --pred predictions.jsonl             # scores a saved run

With --cmd, each gold document's text is written to DIR/<id>.txt and the
command is run once with all those paths appended; its stdout is scored.
The output contract is described in OUTPUT.md beside this file.
Prints one line per document with -v, then totals; the last line is
"relations F1=<x>" so that scripts can read the headline figure.

A copy of shared/eval/score.py with one addition, --by-class: precision per
predicted class (predictions of that class that match a gold relation) and
recall per gold class (required gold relations whose first accepted class is
that class). The totals are computed exactly as in the original.
"""
from __future__ import annotations

import argparse
import json
import os
import re
import shlex
import subprocess
import sys
import tempfile
from collections import defaultdict
from pathlib import Path

TYPES = {"Country", "Person", "Organization"}
CLASSES = {"AGREE", "CONSULT", "SUPPORT", "CONCEDE", "COOPERATE", "AID", "RETREAT", "REQUEST",
           "ACCUSE", "REJECT", "THREATEN", "PROTEST", "SANCTION", "MOBILIZE", "COERCE", "ASSAULT"}


def norm(name: str) -> str:
    s = name.strip().lower().replace("\u2019", "'")
    s = re.sub(r"'s$", "", s)
    s = re.sub(r"^the\s+", "", s)
    s = s.replace(".", "")
    return re.sub(r"\s+", " ", s).strip()


def as_list(x):
    return x if isinstance(x, list) else [x]


class Gold:
    def __init__(self, doc: dict):
        self.doc = doc
        self.actors = {a["name"]: a for a in doc["actors"]}
        self.by_name: dict[str, str] = {}
        for a in doc["actors"]:  # names first, so that a name beats another actor's alias
            self.by_name.setdefault(norm(a["name"]), a["name"])
        for a in doc["actors"]:
            for al in a.get("aliases", []):
                self.by_name.setdefault(norm(al), a["name"])
        self.not_actors = {norm(x) for x in doc.get("not_actors", [])}

    def affiliations(self, name: str) -> set[str]:
        return set(self.actors.get(name, {}).get("affiliation", []))

    def resolve(self, names: list[str]) -> str | None:
        for n in names:
            if norm(n) in self.by_name:
                return self.by_name[norm(n)]
        return None


def prf(tp: int, fp: int, fn: int) -> tuple[float, float, float]:
    p = tp / (tp + fp) if tp + fp else 0.0
    r = tp / (tp + fn) if tp + fn else 0.0
    f = 2 * p * r / (p + r) if p + r else 0.0
    return p, r, f


def score_doc(gold: Gold, records: list[dict], counts: dict, errors: list[str]) -> None:
    actors = [r for r in records if r.get("kind") == "actor"]
    rels = [r for r in records if r.get("kind") == "relation"]
    node_gold: dict[str, str | None] = {}
    seen_gold: dict[str, str] = {}
    # actors
    for a in actors:
        names = [a.get("label", "")] + list(a.get("aliases", []))
        g = gold.resolve(names)
        node_gold[a["id"]] = g
        if g is None:
            counts["actor_fp"] += 1
            if any(norm(n) in gold.not_actors for n in names):
                counts["not_actor_hits"] += 1
                errors.append(f"not an actor: {a.get('label')!r}")
            else:
                errors.append(f"extra actor: {a.get('label')!r} ({a.get('type')})")
            continue
        ga = gold.actors[g]
        if ga.get("optional"):
            continue
        if g in seen_gold:
            counts["actor_fp"] += 1
            counts["duplicates"] += 1
            errors.append(f"duplicate node for {g!r}: {a.get('label')!r}")
            continue
        seen_gold[g] = a["id"]
        if a.get("type") == ga["type"]:
            counts["actor_tp"] += 1
        else:
            counts["actor_fp"] += 1
            errors.append(f"wrong type for {g!r}: {a.get('type')} (gold {ga['type']})")
    for name, ga in gold.actors.items():
        if not ga.get("optional") and not (name in seen_gold and
                                           any(a.get("type") == ga["type"] for a in actors
                                               if node_gold.get(a["id"]) == name)):
            counts["actor_fn"] += 1
            if name not in seen_gold:
                errors.append(f"missing actor: {name!r}")
    # affiliations
    for name, ga in gold.actors.items():
        if ga["type"] != "Person" or ga.get("optional"):
            continue
        want = set(ga.get("affiliation", []))
        got = set()
        for a in actors:
            if node_gold.get(a["id"]) != name:
                continue
            for aff in a.get("affiliations", []):
                got.add(node_gold.get(aff))
        right = got & want
        wrong = got - want
        counts["aff_tp"] += len(right)
        counts["aff_fp"] += len(wrong)
        if want and not right:
            counts["aff_fn"] += 1
            errors.append(f"missing affiliation: {name!r} -> {sorted(want)}")
        for w in wrong:
            errors.append(f"wrong affiliation: {name!r} -> {w!r}")

    # relations
    def ends_match(sys_end: str, gold_ends: list[str]) -> bool:
        for g in gold_ends:
            if sys_end == g or sys_end in gold.affiliations(g) or g in gold.affiliations(sys_end):
                return True
        return False

    gold_rels = gold.doc.get("relations", [])
    matched: set[int] = set()
    unique = set()
    for r in rels:
        s, o = node_gold.get(r.get("subject")), node_gold.get(r.get("object"))
        cls = r.get("class")
        key = (s, cls, o, bool(r.get("negated", False)), r.get("subject"), r.get("object"))
        if key in unique:
            continue
        unique.add(key)
        if s is None or o is None:
            counts["rel_fp"] += 1
            errors.append(f"relation with a non-actor end: {r.get('sentence', '')[:80]!r}")
            continue
        hit = None
        for i, g in enumerate(gold_rels):
            if cls not in g["p"] or bool(g.get("negated", False)) != bool(r.get("negated", False)):
                continue
            gs, go = as_list(g["s"]), as_list(g["o"])
            if (ends_match(s, gs) and ends_match(o, go)) or (
                    g.get("symmetric") and ends_match(s, go) and ends_match(o, gs)):
                hit = i
                break
        if hit is None:
            counts["rel_fp"] += 1
            counts[("fp", cls)] += 1
            neg = "NOT " if r.get("negated") else ""
            errors.append(f"wrong relation: {s} {neg}{cls} {o}")
        else:
            counts["rel_tp_pred"] += 1
            counts[("tp_pred", cls)] += 1
            matched.add(hit)
    for i, g in enumerate(gold_rels):
        if g.get("optional"):
            continue
        if i in matched:
            counts["rel_tp"] += 1
            counts[("tp", g["p"][0])] += 1
        else:
            counts["rel_fn"] += 1
            counts[("fn", g["p"][0])] += 1
            errors.append(f"missing relation: {g['s']} {'/'.join(g['p'])} {g['o']}  [{g.get('evidence', '')[:60]}]")


def run_extractor(cmd: str, golds: list[dict], workdir: Path) -> list[dict]:
    paths = []
    for d in golds:
        p = workdir / f"{d['id']}.txt"
        p.write_text(d["text"], encoding="utf-8")
        paths.append(str(p))
    proc = subprocess.run(shlex.split(cmd) + paths, capture_output=True, text=True)
    if proc.returncode != 0:
        sys.stderr.write(proc.stderr[-4000:])
        raise SystemExit(f"extractor failed with exit code {proc.returncode}")
    return parse_records(proc.stdout)


def parse_records(text: str) -> list[dict]:
    out = []
    for i, line in enumerate(text.splitlines(), 1):
        if line.strip():
            try:
                out.append(json.loads(line))
            except json.JSONDecodeError as e:
                raise SystemExit(f"line {i} of the extractor's output is not JSON: {e}")
    return out


def doc_key(value: str) -> str:
    return Path(str(value)).stem


PLOVER_ORDER = ["AGREE", "CONSULT", "SUPPORT", "CONCEDE", "COOPERATE", "AID", "RETREAT", "REQUEST",
                "ACCUSE", "REJECT", "THREATEN", "PROTEST", "SANCTION", "MOBILIZE", "COERCE", "ASSAULT"]


def print_by_class(total: dict) -> None:
    """One line per class: predicted (tp/all) precision, required gold (found/all) recall."""
    print(f"{'class':<10} {'P':>5} {'tp/pred':>8} {'R':>5} {'found/gold':>10}")
    for c in PLOVER_ORDER:
        tpp, fp, tp, fn = (total.get((k, c), 0) for k in ("tp_pred", "fp", "tp", "fn"))
        p = f"{tpp / (tpp + fp):.2f}" if tpp + fp else "-"
        r = f"{tp / (tp + fn):.2f}" if tp + fn else "-"
        print(f"{c:<10} {p:>5} {f'{tpp}/{tpp + fp}':>8} {r:>5} {f'{tp}/{tp + fn}':>10}")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("gold")
    src = ap.add_mutually_exclusive_group(required=True)
    src.add_argument("--cmd", help="extractor command; document paths are appended")
    src.add_argument("--pred", help="saved extractor output (JSON Lines)")
    ap.add_argument("-v", "--verbose", action="store_true", help="print every error")
    ap.add_argument("--json", help="write the figures to this file")
    ap.add_argument("--by-class", action="store_true",
                    help="also print relation precision per predicted class and recall per gold class")
    args = ap.parse_args()

    golds = [json.loads(l) for l in Path(args.gold).read_text(encoding="utf-8").splitlines() if l.strip()]
    if args.cmd:
        with tempfile.TemporaryDirectory() as tmp:
            records = run_extractor(args.cmd, golds, Path(tmp))
    else:
        records = parse_records(Path(args.pred).read_text(encoding="utf-8"))
    by_doc = defaultdict(list)
    for r in records:
        by_doc[doc_key(r.get("doc", ""))].append(r)

    total = defaultdict(int)
    for d in golds:
        counts, errors = defaultdict(int), []
        score_doc(Gold(d), by_doc.get(d["id"], []), counts, errors)
        for k, v in counts.items():
            total[k] += v
        if args.verbose:
            p, r, f = prf(counts["rel_tp_pred"], counts["rel_fp"], counts["rel_fn"])
            print(f"== {d['id']}: relations P={p:.2f} R={r:.2f}")
            for e in errors:
                print("   " + e)
    a = prf(total["actor_tp"], total["actor_fp"], total["actor_fn"])
    f = prf(total["aff_tp"], total["aff_fp"], total["aff_fn"])
    # precision counts predictions; recall counts required gold relations
    rp = total["rel_tp_pred"] / (total["rel_tp_pred"] + total["rel_fp"]) if total["rel_tp_pred"] + total["rel_fp"] else 0.0
    rr = total["rel_tp"] / (total["rel_tp"] + total["rel_fn"]) if total["rel_tp"] + total["rel_fn"] else 0.0
    rf = 2 * rp * rr / (rp + rr) if rp + rr else 0.0
    figures = {"actors": a, "affiliations": f, "relations": (rp, rr, rf),
               "duplicates": total["duplicates"], "not_actor_hits": total["not_actor_hits"]}
    if args.json:
        Path(args.json).write_text(json.dumps(figures, indent=1))
    print(f"documents {len(golds)}; duplicates {total['duplicates']}; non-actors taken as actors {total['not_actor_hits']}")
    print(f"actors       P={a[0]:.2f} R={a[1]:.2f} F1={a[2]:.2f}")
    print(f"affiliations P={f[0]:.2f} R={f[1]:.2f} F1={f[2]:.2f}")
    if args.by_class:
        print_by_class(total)
    print(f"relations    P={rp:.2f} R={rr:.2f}")
    print(f"relations F1={rf:.2f}")


if __name__ == "__main__":
    main()
