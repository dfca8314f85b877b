"""How much of the world the officials gazetteer covers, per region.

Reads the gazetteer kg builds (kg/data/officials.yaml plus any KG_OFFICIALS
files) and prints, per UN M49 region of kg/data/regions.json: the states, how
many have any official, how many have a head of state or government on --date
(default today), and the number of persons and terms. Organizations and former
states get a row each.

    python bench/officials_coverage.py                 # coverage today
    python bench/officials_coverage.py --date 2019-07-01 --markdown
"""
from __future__ import annotations

import argparse
from collections import defaultdict
from datetime import date

from kg.gazetteer import load_data, load_gazetteer

LEADERS = {"HeadOfState", "HeadOfGovernment"}


def coverage(day: str) -> list[dict]:
    """One row per region: states, states with officials, states with a leader on ``day``, persons, terms."""
    gaz = load_gazetteer()
    regions = {k: v for k, v in load_data("regions.json").items() if not k.startswith("_")}
    region_of = {code: name for name, codes in regions.items() for code in codes}
    persons: dict[str, set[str]] = defaultdict(set)
    terms: dict[str, int] = defaultdict(int)
    with_any: dict[str, set[str]] = defaultdict(set)
    with_leader: dict[str, set[str]] = defaultdict(set)
    for e in gaz.entries.values():
        for t in e.terms:
            if t.country:
                country = gaz.entries[t.country]
                region = "Former states" if country.end else region_of.get(t.country, "Observers and others")
            else:
                region = "Organizations"
            persons[region].add(e.key)
            terms[region] += 1
            where = t.country or t.org
            with_any[region].add(where)
            if t.covers(day) and (t.subtype in LEADERS or region == "Organizations"):
                with_leader[region].add(where)
    rows = []
    for region in [*regions, "Former states", "Organizations"]:
        total = len(regions.get(region, ())) or len(with_any[region])
        rows.append({"region": region, "total": total, "with_officials": len(with_any[region]),
                     "with_leader_on_date": len(with_leader[region]), "persons": len(persons[region]),
                     "terms": terms[region]})
    return rows


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--date", default=date.today().isoformat(), help="the day for 'leader on date' (ISO)")
    ap.add_argument("--markdown", action="store_true", help="print a Markdown table")
    args = ap.parse_args()
    rows = coverage(args.date)
    head = ["region", "states/bodies", "with officials", f"leader on {args.date}", "persons", "terms"]
    keys = ["region", "total", "with_officials", "with_leader_on_date", "persons", "terms"]
    if args.markdown:
        print("| " + " | ".join(head) + " |")
        print("|" + "---|" * len(head))
        for r in rows:
            print("| " + " | ".join(str(r[k]) for k in keys) + " |")
        return
    print(f"{head[0]:<22}" + "".join(f"{h:>18}" for h in head[1:]))
    for r in rows:
        print(f"{r['region']:<22}" + "".join(f"{r[k]:>18}" for k in keys[1:]))
    print(f"{'total':<22}{'':>18}{'':>18}{'':>18}{sum(r['persons'] for r in rows):>18}"
          f"{sum(r['terms'] for r in rows):>18}")


if __name__ == "__main__":
    main()
