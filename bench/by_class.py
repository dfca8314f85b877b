#!/usr/bin/env python3
"""Accuracy per PLOVER class, with the shared scorers' own matching (loaded from ``--eval``, never copied).

Runs the extractor once on a gold set and prints, per class, precision (predictions of that class that
match) and recall (gold relations or dyads of that class that are found):

    .venv/bin/python bench/by_class.py ../shared/eval/dev/news.jsonl --cmd ".venv/bin/kg extract --format jsonl"
    .venv/bin/python bench/by_class.py ../shared/eval/plover/gsr_cameo.jsonl --dyads --cmd "..." [--sectors]

News-style gold (``score.py``): precision of class C is ``score_doc`` on C's predictions against all gold
relations; recall of C is ``score_doc`` on every prediction against the gold relations whose first class
is C. Dyad gold (``score_dyads.py``): an extracted relation matches a dyad of its class when both ends
match by the shared ``end_matches``; with ``--sectors`` an end also needs kg's sector (the relation's
``source_sector``/``target_sector``, else the actor's) to agree with the gold's where it gives one
(first three letters, CAMEO synonyms mapped by ``kg/data/sectors.json`` "aliases"). Sector accuracy,
always printed, is the share of the found dyads' ends with a gold sector where kg's agrees.
"""
from __future__ import annotations

import argparse
import importlib.util
import json
import shlex
import subprocess
import tempfile
from collections import defaultdict
from pathlib import Path
from types import ModuleType

ROOT = Path(__file__).resolve().parents[1]
SECTOR_ALIASES = json.loads((ROOT / "kg" / "data" / "sectors.json").read_text(encoding="utf-8"))["aliases"]


def shared(eval_dir: Path, name: str) -> ModuleType:
    """The shared scorer ``eval_dir/name.py`` as a module."""
    path = eval_dir / f"{name}.py"
    if not path.is_file():
        raise SystemExit(f"no scorer at {path}; give the shared evaluation folder with --eval")
    spec = importlib.util.spec_from_file_location(f"shared_{name}", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def extract(cmd: str, golds: list[dict]) -> dict[str, list[dict]]:
    """The extractor's records for each gold document, by document id (each text written to ``<id>.txt``)."""
    with tempfile.TemporaryDirectory() as tmp:
        paths = []
        for g in golds:
            (Path(tmp) / f"{g['id']}.txt").write_text(g["text"], encoding="utf-8")
            paths.append(str(Path(tmp) / f"{g['id']}.txt"))
        out = subprocess.run(shlex.split(cmd) + paths, capture_output=True, text=True, check=True).stdout
    by_doc: dict[str, list[dict]] = defaultdict(list)
    for line in filter(str.strip, out.splitlines()):
        r = json.loads(line)
        by_doc[Path(str(r.get("doc", ""))).stem].append(r)
    return by_doc


def news_table(score: ModuleType, golds: list[dict], by_doc: dict) -> dict[str, list[int]]:
    """class -> [true predictions, predictions, found gold relations, required gold relations]."""
    table: dict[str, list[int]] = defaultdict(lambda: [0, 0, 0, 0])
    for d in golds:
        records = by_doc.get(d["id"], [])
        actors = [r for r in records if r.get("kind") == "actor"]
        rels = [r for r in records if r.get("kind") == "relation"]
        classes = {r.get("class") for r in rels} | {g["p"][0] for g in d.get("relations", [])}
        for c in filter(None, classes):
            counts: dict = defaultdict(int)
            score.score_doc(score.Gold(d), actors + [r for r in rels if r.get("class") == c], counts, [])
            table[c][0] += counts["rel_tp_pred"]
            table[c][1] += counts["rel_tp_pred"] + counts["rel_fp"]
            counts = defaultdict(int)
            score.score_doc(score.Gold({**d, "relations": [g for g in d.get("relations", []) if g["p"][0] == c]}),
                            records, counts, [])
            table[c][2] += counts["rel_tp"]
            table[c][3] += counts["rel_tp"] + counts["rel_fn"]
    return table


def sector_code(code: str | None) -> str | None:
    """A gold sector as kg writes it: first three letters, CAMEO synonyms mapped; None for unknown."""
    if not code or not code[:3].isalpha():
        return None
    return SECTOR_ALIASES.get(code[:3].upper(), code[:3].upper())


def dyad_table(dyads_mod: ModuleType, golds: list[dict], by_doc: dict, field: str, sectors: bool
               ) -> tuple[dict[str, list[int]], int, int]:
    """(class -> [true predictions, predictions, found dyads, dyads], sector ends right, sector ends)."""
    table: dict[str, list[int]] = defaultdict(lambda: [0, 0, 0, 0])
    right = total = 0
    for g in golds:
        records = by_doc.get(g["id"], [])
        actors = {r["id"]: r for r in records if r.get("kind") == "actor"}
        dyads = [d for d in g.get("expected", []) if d.get(field) and d.get("target")]
        found: set[int] = set()
        counted: set[int] = set()  # dyads whose ends' sectors are in the accuracy already
        for r in (r for r in records if r.get("kind") == "relation"):
            s, o = actors.get(r.get("subject")), actors.get(r.get("object"))
            hit = False
            for i, d in enumerate(dyads):
                if r.get("class") != d[field] or r.get("negated"):
                    continue
                for (a, a_end), (b, b_end) in [((s, "source"), (o, "target")), ((o, "target"), (s, "source"))][
                        :2 if d.get("symmetric") else 1]:
                    if not (dyads_mod.end_matches(a, d["source"], d.get("source_text"))
                            and dyads_mod.end_matches(b, d["target"], d.get("target_text"))):
                        continue
                    agree = [got == want for actor, end, gold in ((a, a_end, d.get("source_sector")),
                                                                  (b, b_end, d.get("target_sector")))
                             for want in [sector_code(gold)] if want is not None
                             for got in [r.get(f"{end}_sector") or (actor or {}).get("sector")]]
                    if i not in counted:
                        counted.add(i)
                        right, total = right + sum(agree), total + len(agree)
                    if sectors and not all(agree):
                        continue
                    found.add(i)
                    hit = True
                    break
            table[r.get("class")][0] += hit
            table[r.get("class")][1] += 1
        for i, d in enumerate(dyads):
            table[d[field]][2] += i in found
            table[d[field]][3] += 1
    return table, right, total


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("gold")
    ap.add_argument("--cmd", required=True, help="extractor command; document paths are appended")
    ap.add_argument("--eval", type=Path, default=ROOT.parent / "shared" / "eval",
                    help="folder of the shared scorers (default ../shared/eval)")
    ap.add_argument("--dyads", action="store_true", help="the gold is dyad records (score_dyads.py's format)")
    ap.add_argument("--class-field", default="code", help="with --dyads: the field holding the PLOVER class")
    ap.add_argument("--sectors", action="store_true", help="with --dyads: sectors must agree where the gold gives one")
    args = ap.parse_args()
    golds = [json.loads(line) for line in Path(args.gold).read_text(encoding="utf-8").splitlines() if line.strip()]
    if args.dyads:
        golds = [g for g in golds if any(d.get(args.class_field) and d.get("target") for d in g.get("expected", []))]
        table, right, total = dyad_table(shared(args.eval, "score_dyads"), golds, extract(args.cmd, golds),
                                         args.class_field, args.sectors)
    else:
        table = news_table(shared(args.eval, "score"), golds, extract(args.cmd, golds))
    print(f"{'class':<10} {'P':>5} {'tp/pred':>8} {'R':>5} {'found/gold':>10}")
    for c in sorted(filter(None, table)):
        tpp, pred, tp, gold = table[c]
        print(f"{c:<10} {f'{tpp / pred:.2f}' if pred else '-':>5} {f'{tpp}/{pred}':>8} "
              f"{f'{tp / gold:.2f}' if gold else '-':>5} {f'{tp}/{gold}':>10}")
    tpp, pred, tp, gold = (sum(v[k] for v in table.values()) for k in range(4))
    p, r = tpp / max(pred, 1), tp / max(gold, 1)
    if args.dyads:
        print(f"sector accuracy {right / max(1, total):.2f} ({right}/{total} dyad ends whose gold gives a sector)")
    print(f"{'dyads' if args.dyads else 'relations (summed over classes)'} P={p:.2f} R={r:.2f} F1={2 * p * r / (p + r) if p + r else 0:.2f}"
          + (" (sectors must agree)" if args.sectors else ""))


if __name__ == "__main__":
    main()
