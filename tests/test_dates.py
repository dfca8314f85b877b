"""Dates: document date fields in any common format, and the date each event's sentence states."""
import pytest

from kg.dates import When, parse_date, resolve


@pytest.mark.parametrize("value", ["2023-03-15", "15 March 2023", "March 15, 2023", "Wed, 15 Mar 2023 10:00:00 GMT",
                                   "2023-03-15T08:30:00+01:00", "15.03.2023"])
def test_document_dates_in_common_formats(value):
    assert parse_date(value) == "2023-03-15"


@pytest.mark.parametrize("value, message", [("2024-13-45", "not a valid date"), ("soon", "cannot read"),
                                            (20230315, "expected a date string"), ("", "expected a date")])
def test_bad_document_dates_say_why(value, message):
    with pytest.raises(ValueError, match=message):
        parse_date(value)


WEDNESDAY = "2023-03-15"


@pytest.mark.parametrize("phrase, tense, expected", [
    ("on Wednesday", "past", When("2023-03-15")),  # the document's own weekday is that day
    ("on Wednesday", "future", When("2023-03-15")),
    ("on Friday", "future", When("2023-03-17")),
    ("on Friday", "past", When("2023-03-10")),
    ("last Friday", "future", When("2023-03-10")),
    ("next Monday", "past", When("2023-03-20")),
    ("by Saturday", "past", When("2023-03-18")),  # a deadline looks forward
    ("since Thursday", "past", When("2023-03-09")),
    ("Friday night", "past", When("2023-03-10")),
    ("tomorrow", "future", When("2023-03-16")),
    ("yesterday", "past", When("2023-03-14")),
    ("last week", "past", When("2023-03-06", "week")),
    ("next month", "future", When("2023-04", "month")),
    ("this year", "past", When("2023", "year")),
    ("two days ago", "past", When("2023-03-13")),
    ("in 2010", "past", When("2010", "year")),
    ("in October 2018", "past", When("2018-10", "month")),
    ("late 2021", "past", When("2021", "year")),
    ("On March 4", "past", When("2023-03-04")),
    ("on March 20", "future", When("2023-03-20")),
    ("in November", "past", When("2022-11", "month")),  # a month after the document's, in the past: last year's
    ("in April", "future", When("2023-04", "month")),
    ("on May 10, 2025", "past", When("2025-05-10")),
    ("on 3/20/2022", "past", When("2022-03-20")),
    ("on 2022-02-30", "past", None),
    ("before the end of the year", "future", When("2023", "year")),
])
def test_phrases_resolve_by_tense_with_their_precision(phrase, tense, expected):
    assert resolve(phrase, WEDNESDAY, tense) == expected


@pytest.mark.parametrize("phrase", ["within hours", "for decades", "on Friday", "in November"])
def test_what_needs_a_document_date_or_states_none_is_none(phrase):
    assert resolve(phrase, None, "past") is None


def _dates(ex):
    return {(r.source.label, r.cls, r.target.label): (r.date, r.date_precision, r.date_inherited) for r in ex.relations}


def test_tense_decides_which_weekday(extract):
    text = ("Japan protested to China on Wednesday. Germany will host France on Friday. "
            "Spain will meet Italy tomorrow. Chile criticised Peru yesterday.")
    got = _dates(extract(text, date=WEDNESDAY))
    # a state's protest is ACCUSE in PLOVER
    assert got[("Japan", "ACCUSE", "China")] == ("2023-03-15", "day", False)
    assert got[("Germany", "AGREE", "France")] == ("2023-03-17", "day", False)
    assert got[("Spain", "AGREE", "Italy")] == ("2023-03-16", "day", False)
    assert got[("Chile", "ACCUSE", "Peru")] == ("2023-03-14", "day", False)


def test_partial_and_explicit_dates_win_over_the_publication_date(extract):
    text = ("Brazil and Argentina signed a trade pact in October 2018. Kenya criticised Uganda in 2010. "
            "Ghana thanked Togo on March 4. Egypt and Sudan agreed on May 10, 2025 to share river data.")
    got = _dates(extract(text, date="2025-05-11"))
    assert got[("Brazil", "AGREE", "Argentina")] == ("2018-10", "month", False)
    assert got[("Kenya", "ACCUSE", "Uganda")] == ("2010", "year", False)
    assert got[("Ghana", "SUPPORT", "Togo")] == ("2025-03-04", "day", False)
    assert got[("Egypt", "AGREE", "Sudan")] == ("2025-05-10", "day", False)


def test_an_undated_sentence_inherits_the_document_date_marked_inherited(extract):
    ex = extract("Norway praised Sweden for its mediation.", date="2024-06-02")
    assert [(r.date, r.date_inherited) for r in ex.relations] == [("2024-06-02", True)]
    assert [r.date for r in extract("Norway praised Sweden for its mediation.").relations] == [None]


def test_a_date_of_another_clause_is_not_the_events(extract):
    got = _dates(extract("Chile thanked Peru for the aid that it sent in 2019.", date="2023-03-16"))
    assert got[("Chile", "SUPPORT", "Peru")] == ("2023-03-16", "day", True)  # the 2019 belongs to 'sent'


# Three short articles written for this test, each modelled on how one article of the development set
# states its dates: a weekday night, a deadline and "since <month>"; a statement "said on <the
# publication weekday>", a bare month in the past, "last week"; a month-day without a year, a bare
# year, "late <year>", the publication weekday.
ARTICLES = [
    ("2024-04-06", "Peru cut diplomatic ties with Bolivia on Friday night after Bolivian police entered the "
                   "Peruvian consulate in La Paz. Peru will recall its ambassador from Bolivia next week. "
                   "Bolivia has sheltered the former Peruvian minister since December.",
     {("Peru", "SANCTION", "Bolivia"): ("2024-04-05", "day"), ("Peru", "THREATEN", "Bolivia"): ("2024-04-08", "week"),
      ("Bolivia", "AID", "Peru"): ("2023-12", "month")}),
    ("2024-02-08", "Sri Lanka will withdraw its naval advisers from the Seychelles, the Sri Lankan foreign ministry "
                   "said on Thursday. The Seychelles formally asked Sri Lanka to withdraw the advisers in November.",
     {("Sri Lanka", "AGREE", "Seychelles"): ("2024-02-08", "day"),
      ("Seychelles", "REQUEST", "Sri Lanka"): ("2023-11", "month")}),
    ("2019-07-19", "Britain seized an Iranian oil tanker off Gibraltar on July 4. Iran warned Britain on Friday of "
                   "serious consequences. Kenya criticised Uganda in 2010.",
     {("United Kingdom", "COERCE", "Iran"): ("2019-07-04", "day"),
      ("Iran", "THREATEN", "United Kingdom"): ("2019-07-19", "day"), ("Kenya", "ACCUSE", "Uganda"): ("2010", "year")}),
]


@pytest.mark.parametrize("date, text, expected", ARTICLES)
def test_every_stated_date_of_an_article_resolves(extract, date, text, expected):
    got = _dates(extract(text, date=date))
    for key, (value, precision) in expected.items():
        assert got[key] == (value, precision, False), key


def test_partial_dates_count_in_date_ranges_where_they_overlap(tmp_path, extractor):
    import json

    from kg.build import build
    from kg.ingest import Document
    from kg.network import subgraph, to_networkx
    from kg.query import named_query, run_query
    from kg.store import KnowledgeGraph

    doc = Document("d.txt", "Kenya criticised Uganda in 2010. Chile thanked Peru on March 3, 2010.", date="2012-01-05")
    build([], store=str(tmp_path / "s"), documents=[doc], extractor=extractor)
    nq = named_query("who-did-what")
    with KnowledgeGraph(tmp_path / "s", read_only=True) as kg:
        rows = json.loads(run_query(kg, nq.text_for(["from", "to"]), nq.bind({"from": "2010-06-01", "to": "2011-12-31"}), "json",
                                    declared={p.name for p in nq.params}))
        g = subgraph(to_networkx(kg), since="2010-06-01", until="2011-12-31")
    assert [(r["source"], r["date"]) for r in rows] == [("Kenya", "2010")]
    assert [(g.nodes[s]["label"], g.nodes[o]["label"]) for s, o in g.edges()] == [("Kenya", "Uganda")]
