"""The officials gazetteer: well-formed data, terms on a date, one-line errors for bad files."""
import os
import subprocess
import sys
from pathlib import Path

import pytest

from kg.gazetteer import GazetteerError, load_data, load_gazetteer, load_officials, slug

ROOT = Path(__file__).resolve().parents[1]
OFFICIALS = ROOT / "kg" / "data" / "officials.yaml"


@pytest.fixture(scope="module")
def gaz():
    return load_gazetteer()


def _load(text: str, gaz) -> dict:
    countries = {k for k, e in gaz.entries.items() if e.type == "Country"}
    orgs = {o["id"]: slug(o["name"]) for o in load_data("organizations.json")}
    return load_officials("test.yaml", text, countries, orgs, gaz.roles)


def test_built_in_officials_are_well_formed(gaz):
    persons = _load(OFFICIALS.read_text(encoding="utf-8"), gaz)  # raises on unknown country, bad or repeated term
    terms = [t for p in persons.values() for t in p["terms"]]
    assert len(terms) > 1200 and len(persons) > 1000
    assert all(t.end is None or t.start <= t.end for t in terms)
    assert all(t.country in gaz.entries or t.org in gaz.entries for t in terms)
    assert len({(n, t.role, t.country, t.org, t.start) for n, p in persons.items() for t in p["terms"]}) == len(terms)


def test_one_president_at_a_time_in_the_built_in_data(gaz):
    by_post: dict[tuple, list] = {}
    for e in gaz.entries.values():
        for t in e.terms:
            if t.country and t.role == "President":
                by_post.setdefault(t.country, []).append((t.start, t.end or "9999", e.label))
    clashes = []
    for country, terms in by_post.items():
        terms.sort()
        for (s1, e1, n1), (s2, e2, n2) in zip(terms, terms[1:]):
            if n1 != n2 and s2 < e1 and (e1 if e1 < e2 else e2) > s2 and _days(s2, min(e1, e2)) > 7:
                clashes.append((country, n1, n2))
    assert clashes == [] or all(c[0] == "CIV" for c in clashes)  # 2010-11: two men claimed Côte d'Ivoire


def _days(a: str, b: str) -> int:
    from datetime import date
    return (date.fromisoformat(b) - date.fromisoformat(a)).days


def test_the_term_in_force_on_the_day(gaz):
    e = gaz.entries[slug("Mohammed bin Abdulrahman Al Thani")]
    assert e.term_on("2020-05-01").role == "Foreign Minister"
    assert e.term_on("2024-05-01").role == "Prime Minister"
    assert gaz.entries[slug("Mahmoud Ahmadinejad")].term_on("2020-01-01") is None


def test_former_states_are_countries_with_iso_3166_3_codes_and_dates(gaz):
    for code, label in [("SUHH", "Soviet Union"), ("CSHH", "Czechoslovakia"), ("YUCS", "Yugoslavia"),
                        ("DDDE", "East Germany"), ("ZRCD", "Zaire")]:
        e = gaz.entries[code]
        assert (e.label, e.type, e.subtype) == (label, "Country", "FormerState")
        assert e.start < e.end


@pytest.mark.parametrize("text, message", [
    ('- {name: "A B", role: "President", country: KEN, start: "2020-01-01"}\n- {name: "C D", role: [\n',
     "test.yaml:2: YAML syntax error"),
    ('- {name: "A B", role: "President", country: KEN, start: "2020-01-01"}\n'
     '- {name: "C D", role: "President", country: XYZ, start: "2020-01-01"}\n', "test.yaml:2: unknown country 'XYZ'"),
    ('- {name: "A B", role: "Leader", org: NOPE, start: "2020"}\n', "test.yaml:1: unknown org 'NOPE'"),
    ('- {name: "A B", role: "President", country: KEN, start: "2020-05", end: "2019"}\n',
     "test.yaml:1: end 2019-12-31 is before start 2020-05-01"),
    ('- {name: "A B", role: "President", country: KEN, start: "2020-02-30"}\n', "test.yaml:1: '2020-02-30' is not"),
    ('- {name: "A B", role: "President", country: KEN, start: "2020"}\n'
     '- {name: "A B", role: "President", country: KEN, start: "2020"}\n', "test.yaml:2: the same term as line 1"),
    ('- {name: "A B", role: "President", nation: KEN, start: "2020"}\n', "test.yaml:1: unknown field 'nation'"),
    ('- {name: "A B", role: "President", start: "2020"}\n', "test.yaml:1: A B needs a country"),
])
def test_a_bad_record_is_named_by_file_and_line(gaz, text, message):
    with pytest.raises(GazetteerError) as e:
        _load(text, gaz)
    assert str(e.value).startswith(message)
    assert "\n" not in str(e.value)


def test_a_bad_officials_file_stops_kg_at_load_time_with_exit_2(tmp_path):
    bad = tmp_path / "mine.yaml"
    bad.write_text('- {name: "Ann Example", role: "Foreign Minister", country: ATLANTIS, start: "2021"}\n')
    article = tmp_path / "a.txt"
    article.write_text("Kenya and Uganda signed a border accord.")
    env = {**os.environ, "KG_OFFICIALS": str(bad)}
    run = subprocess.run([sys.executable, "-m", "kg.cli", "extract", str(article)], capture_output=True,
                         text=True, env=env, cwd=ROOT)
    assert run.returncode == 2 and run.stdout == ""
    assert run.stderr.strip().splitlines() == [f"kg: {bad}:1: unknown country 'ATLANTIS'; use an ISO 3166 alpha-3 "
                                               f"code (alpha-4 for a former state) known to kg/data/countries.json"]


def test_coverage_report_has_every_region():
    run = subprocess.run([sys.executable, str(ROOT / "bench" / "officials_coverage.py"), "--date", "2024-01-01",
                          "--markdown"], capture_output=True, text=True, cwd=ROOT, check=True)
    states, years = run.stdout.split("\n\n")
    rows = {line.split("|")[1].strip(): line for line in states.splitlines()[2:]}
    assert {"Africa", "Americas", "Asia", "Europe", "Oceania", "Organizations"} <= set(rows)
    africa = [int(c) for c in rows["Africa"].split("|")[2:-1]]
    assert africa[0] == 54 and africa[1] >= 45
    assert int(rows["Europe"].split("|")[-2]) >= 15  # states with a UN ambassador
    head, _, *lines = years.splitlines()
    assert [c.strip() for c in head.split("|")[1:-1]] == ["state-years 1990-2024", "head of state/gov.", "foreign min.",
                                                          "defence min.", "interior min.", "finance min.", "UN amb."]
    per_office = {line.split("|")[1].strip(): [c.split()[0].split("/") for c in line.split("|")[2:-1]] for line in lines}
    # a state counts from its independence: Europe's 43 members lived fewer years than 43 x 35 (Czechia from 1993,
    # Montenegro from 2006 ...); the former states' row counts the Soviet Union's 1990 and 1991 among its years
    europe = {int(total) for _, total in per_office["Europe"]}
    assert len(europe) == 1 and 40 * 35 < europe.pop() < 43 * 35
    assert all(0 < int(n) < int(total) for n, total in per_office["Europe"])
    assert "Former states" in per_office and int(per_office["Former states"][0][1]) >= 2
    heads, foreign = (int(n) for n, _ in per_office["total (UN members)"][:2])
    assert heads > foreign > 0 and heads > int(per_office["total (UN members)"][-1][0])


def test_coverage_reads_the_office_from_the_title(gaz):
    """The office a term counts for is the longest title kg knows inside its role: a deputy's is none."""
    sys.path.insert(0, str(ROOT / "bench"))
    from officials_coverage import office_titles
    offices = office_titles(gaz)
    roles = ["Prime Minister", "Chair of the Council of Ministers", "Emperor", "Vice President", "Crown Prince",
             "Foreign Secretary", "Deputy Foreign Minister", "Secretary of Homeland Security", "Chancellor",
             "Chancellor of the Exchequer", "Chief of Defence Staff", "Foreign Ministry Spokesman"]
    assert [offices.subtype_of(r) for r in roles] == ["head", "head", "head", None, None, "foreign", None, "interior",
                                                      "head", "finance", None, None]


def test_un_ambassadors_on_the_day(gaz):
    """Permanent representatives in New York follow one another, and a person's later office wins on its day."""
    un = "Ambassador to the United Nations"
    for country in ("USA", "GBR", "FRA", "CHN", "JPN", "CAN", "BRA", "ITA", "AUS"):  # no overlap, no year left out
        terms = sorted((t.start, t.end or "9999", e.label) for e in gaz.entries.values() for t in e.terms
                       if t.country == country and t.role == un and (t.end or "9999") >= "1992")
        for (_, end, before), (start, _, after) in zip(terms, terms[1:]):
            assert end[:4] <= start[:4] <= str(int(end[:4]) + 1), (country, before, after)
    zarif = gaz.entries[slug("Mohammad Javad Zarif")]
    assert (zarif.term_on("2005-06-01").role, zarif.term_on("2005-06-01").country) == (un, "IRN")
    assert zarif.term_on("2016-06-01").role == "Foreign Minister"
    vorontsov = gaz.entries[slug("Yuli Vorontsov")]
    assert vorontsov.term_on("1991-06-01").country == "SUHH" and vorontsov.term_on("1993-06-01").country == "RUS"


def test_a_un_ambassador_in_an_article_of_the_day(extract):
    text = "Lodhi told the Security Council that India had broken the ceasefire again."
    person = next(a for a in extract(text, date="2017-09-20").actors if a.label == "Maleeha Lodhi")
    assert (person.role, person.affiliations, person.affiliation_basis) == \
        ("Ambassador to the United Nations", ["PAK"], {"PAK": "gazetteer"})
    later = next(a for a in extract(text, date="2022-09-20").actors if a.label == "Maleeha Lodhi")
    assert later.affiliations == []  # out of office that day: the text alone would say whom she speaks for


def test_a_head_of_state_in_his_chair_year_acts_for_his_state(extract):
    """Sall chaired the African Union in 2022 while president of Senegal: the state office is the one a
    name alone gets; the chair's title in the text gets the chair."""
    plain = next(a for a in extract("Macky Sall met Vladimir Putin in Sochi to discuss grain exports.",
                                    date="2022-06-03").actors if a.label == "Macky Sall")
    assert (plain.role, plain.affiliations) == ("President", ["SEN"])
    chair = next(a for a in extract("African Union chairperson Macky Sall met Vladimir Putin in Sochi.",
                                    date="2022-06-03").actors if a.label == "Macky Sall")
    assert chair.affiliations == ["african-union"]
