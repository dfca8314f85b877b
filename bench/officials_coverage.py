"""How much of the world the officials gazetteer covers, per region.

Reads the gazetteer kg builds (kg/data/officials.yaml plus any KG_OFFICIALS
files) and prints two tables per UN M49 region of kg/data/regions.json.

The first counts, per region: the states, how many have any official, how
many have a head of state or government on --date (default today), the
persons and terms, and the states with a UN ambassador. Organizations and
former states get a row each.

The second counts state-years per office: the years from --since (default
1990) to the year of --date in which the state had a holder of the office for
at least a day, out of the years the state existed in that period (from its
independence or until its end as countries.json dates them: South Sudan from
2011, the Soviet Union until 1991; former states of the period get a row); the
total row sums the UN members. The offices are heads of
state or government, foreign, defence, interior and finance ministers, and UN
ambassadors. A term's office is read from the title kg knows inside its role
(kg/data/roles.json, the longest one, as the gazetteer resolves a role's
subtype): heads are the titles of subtype HeadOfState or HeadOfGovernment but
deputies', heirs' and viceroys' ("Vice President", "Crown Prince"; a "Prince"
holding an office of a state reigns, as in Monaco); a minister's
portfolio is one of the titles in PORTFOLIOS ("Foreign Secretary", "Minister of
Defence", "Chancellor of the Exchequer" ...); a role with no such title
("Minister of the Armed Forces") counts for no office. UN ambassadors are the
permanent representatives in New York, role "Ambassador to the United Nations"
(or "Permanent Observer to the United Nations" for observer states).

    python bench/officials_coverage.py                 # coverage today
    python bench/officials_coverage.py --date 2019-07-01 --markdown
    python bench/officials_coverage.py --overlaps      # two holders of one office at once: check them
"""
from __future__ import annotations

import argparse
from collections import defaultdict
from datetime import date

from kg.gazetteer import Entry, Gazetteer, Term, load_data, load_gazetteer

LEADERS = {"HeadOfState", "HeadOfGovernment"}
NOT_HEADS = {"vice president", "vice-president", "deputy president", "deputy prime minister",
             "first deputy prime minister", "vice premier", "president-elect", "crown prince", "governor-general",
             "governor general"}
PORTFOLIOS = {
    "foreign": ("foreign minister", "foreign affairs minister", "minister of foreign affairs",
                "minister for foreign affairs", "external affairs minister",
                "minister of international relations and cooperation", "foreign secretary", "secretary of state"),
    "defence": ("defence minister", "defense minister", "minister of defence", "minister of defense",
                "minister of national defence", "minister of national defense", "minister for defence",
                "minister of the armed forces", "armed forces minister", "minister of the revolutionary armed forces",
                "defence secretary", "defense secretary", "secretary of defense", "war secretary", "secretary of war"),
    "interior": ("interior minister", "minister of interior", "minister of the interior", "home minister",
                 "minister of home affairs", "minister for home affairs", "home affairs minister",
                 "minister of internal affairs", "internal affairs minister", "minister of public security",
                 "public security minister",
                 "home secretary", "homeland security secretary", "secretary of homeland security"),
    "finance": ("finance minister", "minister of finance", "minister for finance", "minister of economy and finance",
                "minister of the economy and finance", "treasury secretary", "secretary of the treasury",
                "chancellor of the exchequer"),
}
UN_POSTS = {"Ambassador to the United Nations", "Permanent Observer to the United Nations"}
OFFICES = ("head", *PORTFOLIOS, "UN")
OFFICE_HEADS = {"head": "head of state/gov.", "foreign": "foreign min.", "defence": "defence min.",
                "interior": "interior min.", "finance": "finance min.", "UN": "UN amb."}


def office_titles(gaz: Gazetteer) -> Gazetteer:
    """A gazetteer whose ``subtype_of(role)`` is the office of OFFICES the role's title holds, or None.

    Every title of ``gaz`` is kept (mapped to None unless it names an office), so the longest one wins as in
    ``gaz.subtype_of``: "Deputy Foreign Minister" is no foreign minister. Raises SystemExit naming a
    PORTFOLIOS title that kg/data/roles.json no longer knows.

    >>> offices = office_titles(load_gazetteer())
    >>> [offices.subtype_of(r) for r in ("Prime Minister", "Vice President", "Secretary of Defense", "Envoy")]
    ['head', None, 'defence', None]
    """
    unknown = sorted({t for titles in PORTFOLIOS.values() for t in titles} - set(gaz.roles))
    if unknown:
        raise SystemExit(f"officials_coverage: {', '.join(unknown)} not in kg/data/roles.json; update PORTFOLIOS")
    titles = {t: None for t in gaz.roles}
    titles |= {t: "head" for t, subtype in gaz.roles.items() if subtype in LEADERS and t not in NOT_HEADS}
    titles |= {t: office for office, names in PORTFOLIOS.items() for t in names}
    return Gazetteer(roles=titles)


def _years(t: Term | Entry, since: int, until: int) -> set[int]:
    """The calendar years from ``since`` to ``until`` in which term or state ``t`` was in force for at least a day.

    >>> sorted(_years(load_gazetteer().entries["SUHH"], 1990, 2026))
    [1990, 1991]
    """
    first = int(t.start[:4]) if t.start else since
    last = int(t.end[:4]) if t.end else until
    return set(range(max(first, since), min(last, until) + 1))


def coverage(day: str, since: int = 1990) -> list[dict]:
    """One row per region: states (``total``), states with officials, states with a leader on ``day``, persons,
    terms, states with a UN ambassador, and per office of OFFICES the state-years from ``since`` to ``day``'s
    year with a holder (``years[office]``) out of ``years_total``."""
    gaz = load_gazetteer()
    offices = office_titles(gaz)
    regions = {k: v for k, v in load_data("regions.json").items() if not k.startswith("_")}
    region_of = {code: name for name, codes in regions.items() for code in codes}
    persons: dict[str, set[str]] = defaultdict(set)
    terms: dict[str, int] = defaultdict(int)
    with_any: dict[str, set[str]] = defaultdict(set)
    with_leader: dict[str, set[str]] = defaultdict(set)
    with_un: dict[str, set[str]] = defaultdict(set)
    held: dict[tuple[str, str], set[tuple[str, int]]] = defaultdict(set)  # (region, office) -> {(state, year)}
    until = int(day[:4])
    lived = {e.key: _years(e, since, until) for e in gaz.entries.values() if e.type == "Country"}
    regions["Former states"] = [k for k, e in gaz.entries.items() if e.type == "Country" and e.end and lived[k]]
    for e in gaz.entries.values():
        for t in e.terms:
            if t.country:
                country = gaz.entries[t.country]
                region = "Former states" if country.end else region_of.get(t.country, "Observers and others")
                office = "UN" if t.role in UN_POSTS else offices.subtype_of(t.role)
                if office == "UN":
                    with_un[region].add(t.country)
                if office:
                    held[region, office] |= {(t.country, y) for y in _years(t, since, until) & lived[t.country]}
            else:
                region = "Organizations"
            persons[region].add(e.key)
            terms[region] += 1
            where = t.country or t.org
            with_any[region].add(where)
            if t.covers(day) and (t.subtype in LEADERS or region == "Organizations"):
                with_leader[region].add(where)
    rows = []
    for region in [*regions, "Organizations"]:
        total = len(regions.get(region, ())) or len(with_any[region])
        rows.append({"region": region, "total": total, "with_officials": len(with_any[region]),
                     "with_leader_on_date": len(with_leader[region]), "persons": len(persons[region]),
                     "terms": terms[region], "with_un_ambassador": len(with_un[region]),
                     "years": {office: len(held[region, office]) for office in OFFICES},
                     "years_total": sum(len(lived[code]) for code in regions.get(region, ()))})
    return rows


def _bounds(t: Term) -> tuple[date, date]:
    """The surest part of term ``t``: its start as late and its end as early as its precision allows (a start
    "2019-01-01" may be the year 2019's, an end "2019-05-31" the month's). An open term ends today."""
    start, end = t.start, t.end or date.today().isoformat()
    if start.endswith("-01-01"):
        start = start[:4] + "-12-31"
    elif start.endswith("-01"):
        start = start[:8] + "28"
    if end.endswith("-12-31"):
        end = end[:4] + "-01-01"
    elif end.endswith("-31"):
        end = end[:8] + "01"
    return date.fromisoformat(start), date.fromisoformat(end)


def overlaps(min_days: int = 31) -> list[tuple[str, str, str, str, int]]:
    """Terms of one minister's or UN ambassador's office of OFFICES in one state that surely overlap by more
    than ``min_days`` days (see _bounds): (state, office, earlier holder, later holder, days). Most are errors
    of the data; some are real (co-ministers, an acting holder while the minister is on leave). Heads are
    left out: a head of state and a head of government serve at once.

    >>> all(days > 31 for *_, days in overlaps())
    True
    """
    gaz = load_gazetteer()
    offices = office_titles(gaz)
    held: dict[tuple[str, str], list[tuple[date, date, str]]] = defaultdict(list)
    for e in gaz.entries.values():
        for t in e.terms:
            office = "UN" if t.role in UN_POSTS else offices.subtype_of(t.role)
            if t.country and office and office != "head":
                held[t.country, office].append((*_bounds(t), e.label))
    found = []
    for (country, office), terms in sorted(held.items()):
        terms.sort()
        for i, (_, end, name) in enumerate(terms):
            for start, later_end, later in terms[i + 1:]:
                days = (min(end, later_end) - start).days
                if days > min_days and name != later:
                    found.append((country, office, name, later, days))
    return found


def _share(n: int, total: int) -> str:
    return f"{n}/{total} ({100 * n / total:.0f}%)" if total else "-"


def _print(head: list[str], rows: list[list], markdown: bool) -> None:
    if markdown:
        print("| " + " | ".join(head) + " |")
        print("|" + "---|" * len(head))
        for r in rows:
            print("| " + " | ".join(str(c) for c in r) + " |")
        return
    widths = [22] + [max(len(h), max((len(str(r[i])) for r in rows), default=0)) + 2
                     for i, h in enumerate(head) if i]
    print(f"{head[0]:<22}" + "".join(f"{h:>{w}}" for h, w in zip(head[1:], widths[1:])))
    for r in rows:
        print(f"{r[0]:<22}" + "".join(f"{c:>{w}}" for c, w in zip(r[1:], widths[1:])))


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--date", default=date.today().isoformat(),
                    help="the day for 'leader on date' (ISO); its year is the last one counted")
    ap.add_argument("--since", type=int, default=1990, help="first year counted in the state-years per office")
    ap.add_argument("--markdown", action="store_true", help="print Markdown tables")
    ap.add_argument("--overlaps", action="store_true",
                    help="list instead the terms of one office in one state that surely overlap by over a month")
    args = ap.parse_args()
    if args.overlaps:
        for row in overlaps():
            print("\t".join(map(str, row)))
        return
    rows = coverage(args.date, args.since)
    members = [r for r in rows if r["region"] not in ("Former states", "Organizations", "Observers and others")]
    keys = ["total", "with_officials", "with_leader_on_date", "persons", "terms", "with_un_ambassador"]
    head = ["region", "states/bodies", "with officials", f"leader on {args.date}", "persons", "terms",
            "with UN amb."]
    table = [[r["region"], *(r[k] for k in keys)] for r in rows]
    table.append(["total (UN members)", "", "", "", sum(r["persons"] for r in rows), sum(r["terms"] for r in rows),
                  sum(r["with_un_ambassador"] for r in members)])
    _print(head, table, args.markdown)
    print()
    head = [f"state-years {args.since}-{args.date[:4]}", *(OFFICE_HEADS[o] for o in OFFICES)]
    table = [[r["region"], *(_share(r["years"][o], r["years_total"]) for o in OFFICES)]
             for r in rows if r["region"] != "Organizations"]
    table.append(["total (UN members)", *(_share(sum(r["years"][o] for r in members),
                                                 sum(r["years_total"] for r in members)) for o in OFFICES)])
    _print(head, table, args.markdown)


if __name__ == "__main__":
    main()
