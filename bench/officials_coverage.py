"""How much of the world the officials gazetteer covers, per region.

Reads the gazetteer kg builds (kg/data/officials.yaml plus any KG_OFFICIALS
files) and prints, per UN M49 region of kg/data/regions.json: the states, how
many have any official, how many have a head of state or government on --date
(default today), and the number of persons and terms. Organizations and former
states get a row each.

Two columns measure the UN ambassadors (permanent representatives in New York,
role "Ambassador to the United Nations", or "Permanent Observer to the United
Nations" for observer states): how many states of the region have
at least one, and the state-years from --since (default 1990) to the year of
--date in which one of them held the post for at least a day, out of all
state-years (states x years, whatever year a state joined the UN).

    python bench/officials_coverage.py                 # coverage today
    python bench/officials_coverage.py --date 2019-07-01 --markdown
"""
from __future__ import annotations

import argparse
from collections import defaultdict
from datetime import date

from kg.gazetteer import load_data, load_gazetteer

LEADERS = {"HeadOfState", "HeadOfGovernment"}
UN_POSTS = {"Ambassador to the United Nations", "Permanent Observer to the United Nations"}


def _years(t, since: int, until: int) -> set[int]:
    """The calendar years from ``since`` to ``until`` in which term ``t`` was in force for at least a day."""
    last = int(t.end[:4]) if t.end else until
    return set(range(max(int(t.start[:4]), since), min(last, until) + 1))


def coverage(day: str, since: int = 1990) -> list[dict]:
    """One row per region: states, states with officials, states with a leader on ``day``, persons, terms,
    states with a UN ambassador, and state-years from ``since`` to ``day``'s year with one (and all of them)."""
    gaz = load_gazetteer()
    regions = {k: v for k, v in load_data("regions.json").items() if not k.startswith("_")}
    region_of = {code: name for name, codes in regions.items() for code in codes}
    persons: dict[str, set[str]] = defaultdict(set)
    terms: dict[str, int] = defaultdict(int)
    with_any: dict[str, set[str]] = defaultdict(set)
    with_leader: dict[str, set[str]] = defaultdict(set)
    un_years: dict[str, dict[str, set[int]]] = defaultdict(lambda: defaultdict(set))  # region -> state -> years
    until = int(day[:4])
    for e in gaz.entries.values():
        for t in e.terms:
            if t.country:
                country = gaz.entries[t.country]
                region = "Former states" if country.end else region_of.get(t.country, "Observers and others")
                if t.role in UN_POSTS:
                    un_years[region][t.country] |= _years(t, since, until)
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
                     "terms": terms[region], "with_un_ambassador": len(un_years[region]),
                     "un_years": sum(len(y) for y in un_years[region].values()),
                     "un_years_total": (total if region != "Organizations" else 0) * (until - since + 1)})
    return rows


def _share(n: int, total: int) -> str:
    return f"{n}/{total} ({100 * n / total:.0f}%)" if total else "-"


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--date", default=date.today().isoformat(), help="the day for 'leader on date' (ISO)")
    ap.add_argument("--since", type=int, default=1990, help="first year counted for UN ambassadors")
    ap.add_argument("--markdown", action="store_true", help="print a Markdown table")
    args = ap.parse_args()
    rows = coverage(args.date, args.since)
    for r in rows:
        r["un_share"] = _share(r["un_years"], r["un_years_total"])
    head = ["region", "states/bodies", "with officials", f"leader on {args.date}", "persons", "terms",
            "with UN amb.", f"UN amb. years {args.since}-{args.date[:4]}"]
    keys = ["region", "total", "with_officials", "with_leader_on_date", "persons", "terms", "with_un_ambassador",
            "un_share"]
    if args.markdown:
        print("| " + " | ".join(head) + " |")
        print("|" + "---|" * len(head))
        for r in rows:
            print("| " + " | ".join(str(r[k]) for k in keys) + " |")
        return
    widths = [22] + [max(len(h), 10) + 2 for h in head[1:]]
    members = [r for r in rows if r["region"] not in ("Former states", "Organizations", "Observers and others")]
    total = {"region": "total (UN members)", **{k: "" for k in keys[1:4]}, "persons": sum(r["persons"] for r in rows),
             "terms": sum(r["terms"] for r in rows), "with_un_ambassador": sum(r["with_un_ambassador"] for r in members),
             "un_share": _share(sum(r["un_years"] for r in members), sum(r["un_years_total"] for r in members))}
    print(f"{head[0]:<22}" + "".join(f"{h:>{w}}" for h, w in zip(head[1:], widths[1:])))
    for r in [*rows, total]:
        print(f"{r['region']:<22}" + "".join(f"{r[k]:>{w}}" for k, w in zip(keys[1:], widths[1:])))


if __name__ == "__main__":
    main()
