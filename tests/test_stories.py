"""Story events: mentions of one real-world event across articles grouped once (kg.stories).

The corpus (tests/data/stories.jsonl, written for these tests) has 12 articles from four outlets
reporting 4 events with varied wording, dates and classes, plus 2 distractors: the same pair and
class as an event, weeks later. Each article's ``story`` field is the gold grouping.
"""
from __future__ import annotations

import dataclasses
import itertools
import json
import random
import subprocess
import sys
from pathlib import Path

import pytest

from kg.actors import Actor
from kg.extract import Extraction, RelationRecord
from kg.ingest import Document
from kg.query import named_query
from kg.rdf import document_iri, to_graph
from kg.store import KnowledgeGraph
from kg.vocab import DIPL

CORPUS = Path(__file__).parent / "data" / "stories.jsonl"
ARTICLES = [json.loads(line) for line in CORPUS.read_text(encoding="utf-8").splitlines()]
KG = str(Path(sys.executable).parent / "kg")
STORY_GRAPH = "SELECT ?s ?p ?o WHERE { GRAPH graph:stories { ?s ?p ?o } }"
ACTOR = "https://w3id.org/kg-dipl/id/actor/"


def graphs(extractions: list[Extraction]) -> list[tuple[str, str]]:
    return [(str(document_iri(ex.document)), to_graph(ex).serialize(format="nt")) for ex in extractions]


def build(path: Path, extractions: list[Extraction], batch: int) -> KnowledgeGraph:
    kg = KnowledgeGraph(path)
    docs = graphs(extractions)
    for i in range(0, len(docs), batch):
        kg.replace_graphs(docs[i:i + batch])
    return kg


def story_triples(kg: KnowledgeGraph) -> set[tuple[str, ...]]:
    return set(kg.select(STORY_GRAPH))


def grouping(kg: KnowledgeGraph) -> dict[str, set[str]]:
    """story IRI -> identifiers of the documents that report it."""
    found: dict[str, set[str]] = {}
    for story, ident in kg.select("SELECT ?st ?id WHERE { GRAPH graph:stories { ?st dipl:hasReport ?e } "
                                  "?e prov:wasDerivedFrom ?d . ?d dcterms:identifier ?id }"):
        found.setdefault(story, set()).add(ident)
    return found


def story_events(kg: KnowledgeGraph) -> dict[str, dict[str, str]]:
    """story IRI -> the row the named query story-events gives it (counts and majorities read from the reports)."""
    result = kg.query(named_query("story-events").text_for([]))
    names = [str(v) for v in result.vars]
    return {str(row[names.index("story")]): {n: None if v is None else str(v) for n, v in zip(names, row)}
            for row in result}


def pairing(predicted: dict[str, set[str]], gold: dict[str, str]) -> tuple[float, float]:
    """Precision and recall of 'these two reports are the same event' over all pairs of reports."""
    same = {frozenset(p) for docs in predicted.values() for p in itertools.combinations(sorted(docs), 2)}
    truth = {frozenset((a, b)) for a, b in itertools.combinations(sorted(gold), 2) if gold[a] == gold[b]}
    return (len(same & truth) / len(same) if same else 1.0), (len(same & truth) / len(truth) if truth else 1.0)


@pytest.fixture(scope="module")
def extractions(extractor) -> list[Extraction]:
    docs = [Document(a["id"], a["text"], title=a["title"], date=a["date"], url=a["url"]) for a in ARTICLES]
    return list(extractor.extract_many(docs))


@pytest.fixture(scope="module")
def store(extractions, tmp_path_factory) -> KnowledgeGraph:
    kg = build(tmp_path_factory.mktemp("stories") / "store", extractions, batch=len(extractions))
    yield kg
    kg.close()


def test_four_events_and_two_distractors_are_six_story_events(store):
    found = grouping(store)
    gold = {a["id"]: a["story"] for a in ARTICLES}
    precision, recall = pairing(found, gold)
    print(f"\npairing on {len(ARTICLES)} articles: precision {precision:.2f}, recall {recall:.2f}, "
          f"{len(found)} story events")
    assert len(found) == 4 + 2
    assert sorted(map(sorted, found.values())) == sorted(
        sorted(i for i, s in gold.items() if s == story) for story in set(gold.values()))
    assert (precision, recall) == (1.0, 1.0)


def test_a_story_event_keeps_counts_dates_and_the_dissenting_class(store):
    row = story_events(store)["https://w3id.org/kg-dipl/id/story/RUS_USA_COERCE_2021-04-16"]
    assert (row["cls"], row["alternatives"]) == ("SANCTION", "COERCE")  # two reports say expelled, one forced to leave
    assert (row["reports"], row["documents"], row["sources"]) == ("3", "3", "3")
    assert (row["first"], row["last"], row["date"]) == ("2021-04-16", "2021-04-19", "2021-04-16")
    assert (row["negated"], row["modality"]) == ("false", "asserted")
    assert (row["source"], row["target"]) == ("Russia", "United States")


def test_officials_count_as_their_country_and_symmetric_sides_in_either_order(store):
    found = grouping(store)
    summit = found["https://w3id.org/kg-dipl/id/story/JPN_KOR_CONSULT_2023-03-16"]
    assert summit == {"harbourtimes-2", "lakeside-2", "northwire-3"}  # Kishida met Yoon; Japan; South Korea met Japan
    doha = found["https://w3id.org/kg-dipl/id/story/USA_taliban_AGREE_2020-02-29"]
    assert doha == {"northwire-2", "lakeside-1", "eastgazette-2"}  # the Taliban signed with Washington, and back


def test_edges_count_story_events_and_mentions(store):
    from kg.network import to_networkx, weigh
    g = to_networkx(store, details=False)
    d = g.edges["https://w3id.org/kg-dipl/id/actor/IRN", "https://w3id.org/kg-dipl/id/actor/ISR", "ACCUSE"]
    assert (d["count"], d["stories"], d["weight"]) == (4, 2, 2)  # Natanz three times, Karaj once
    assert all(1 <= d["stories"] <= d["count"] for *_, d in g.edges(keys=True, data=True))
    assert weigh(g, "mentions").edges["https://w3id.org/kg-dipl/id/actor/IRN", "https://w3id.org/kg-dipl/id/actor/ISR",
                                      "ACCUSE"]["weight"] == 4


# the story events that name an actor, found the slow way the named query took before layout 4: every story key
# read and its IRI tested, or a report with the actor on a side
NAMING = """SELECT DISTINCT ?story WHERE {
  { GRAPH graph:stories { ?story dipl:storyGroup ?group } BIND(CONCAT(STRAFTER(STR(?group), "/storykey/"), "/") AS ?k)
    BIND(CONCAT(STRAFTER(STR(?actor), STR(actor:)), "/") AS ?a) FILTER(STRSTARTS(?k, ?a) || STRSTARTS(STRAFTER(?k, "/"), ?a)) }
  UNION { ?e dipl:source|dipl:target ?actor . GRAPH graph:stories { ?story dipl:hasReport ?e } } }"""


def test_an_actors_story_events_are_looked_up_from_its_keys_and_reports(store):
    """For every actor (countries through their officials, officials through their own reports), the named query
    with ``actor`` gives the rows the query without it gives the story events that name the actor."""
    from kg.query import run_named

    nq = named_query("story-events")
    every = {r["story"]: r for r in json.loads(run_named(store, nq, {}, "json")[0])}
    actors = [a for (a,) in store.select("SELECT DISTINCT ?a WHERE { GRAPH graph:actors { ?a skos:prefLabel ?l } }")]
    assert len(actors) > 10
    for actor in actors:
        rows = json.loads(run_named(store, nq, {"actor": actor}, "json")[0])
        naming = {s for (s,) in store.select(NAMING.replace("?actor", f"<{actor}>"))}
        assert [r["story"] for r in rows] == [s for s in every if s in naming], actor  # the same order, too
        assert all(r == every[r["story"]] for r in rows)
    key = "https://w3id.org/kg-dipl/id/storykey/RUS/USA/COERCE"
    assert set(store.select(f"SELECT ?s ?o WHERE {{ GRAPH graph:stories {{ <{key}> dipl:storySource ?s ; "
                            f"dipl:storyTarget ?o }} }}")) == {(f"{ACTOR}RUS", f"{ACTOR}USA")}


def test_a_key_keeps_its_sides_while_a_story_event_has_it(store, extractions, tmp_path):
    sides = "SELECT ?k ?s ?o WHERE { GRAPH graph:stories { ?k dipl:storySource ?s ; dipl:storyTarget ?o } }"
    used = "SELECT DISTINCT ?k WHERE { GRAPH graph:stories { ?story dipl:storyGroup ?k } }"
    assert {k for k, _, _ in store.select(sides)} == {k for (k,) in store.select(used)}
    doha = [ex for ex in extractions if ex.document.id in {"northwire-2", "lakeside-1", "eastgazette-2"}]
    with build(tmp_path / "full", extractions, batch=len(extractions)) as full:
        for ex in doha:
            full.remove(document_iri(ex.document))
        assert {k for k, _, _ in full.select(sides)} == {k for (k,) in full.select(used)}
        assert not any(k.endswith("/USA/taliban/AGREE") for k, _, _ in full.select(sides))


def test_any_order_and_any_batches_give_the_same_story_events(store, extractions, tmp_path):
    expected = story_triples(store)
    shuffled = extractions[:]
    random.Random(17).shuffle(shuffled)
    with build(tmp_path / "one-by-one", shuffled[::-1], batch=1) as one, \
            build(tmp_path / "threes", shuffled, batch=3) as threes:
        assert story_triples(one) == expected
        assert story_triples(threes) == expected
        threes.recompute()
        assert story_triples(threes) == expected


def test_removing_a_report_detaches_it_and_adding_it_back_restores(store, extractions, tmp_path):
    friday = next(ex for ex in extractions if ex.document.id == "harbourtimes-1")  # the report that states the date
    others = [ex for ex in extractions if ex is not friday]
    with build(tmp_path / "without", others, batch=len(others)) as without, \
            build(tmp_path / "full", extractions, batch=len(extractions)) as full:
        full.remove(document_iri(friday.document))
        assert story_triples(full) == story_triples(without)
        expel = [docs for docs in grouping(full).values() if "northwire-1" in docs]
        assert expel == [{"northwire-1", "eastgazette-1"}]  # still one story: published a day apart
        full.replace_graphs(graphs([friday]))
        assert story_triples(full) == story_triples(store)


# ----------------------------------------------------------------------------- the rule, on records

RUS = Actor("RUS", "Russia", "Country", "State", "RUS")
USA = Actor("USA", "United States", "Country", "State", "USA")


def report(i: int, published: str | None, cls: str = "SANCTION", stated: str | None = None,
           negated: bool = False, modality: str = "asserted") -> Extraction:
    sentence = f"Report {i}: Russia expelled US diplomats."
    r = RelationRecord(RUS, USA, cls, "expelled", negated, modality, sentence, 0, len(sentence), 0.9, False,
                       stated or published, None)
    return Extraction(Document(f"r{i}.txt", sentence, title=f"r{i}", date=published, url=f"https://o{i % 2}.example/{i}"),
                      [RUS, USA], [r])


def stories_of(kg: KnowledgeGraph) -> list[list[str]]:
    return sorted(sorted(docs) for docs in grouping(kg).values())


@pytest.mark.parametrize("dates, expected", [
    # undated reports chain while each follows another within 3 days
    (["2021-04-01", "2021-04-04", "2021-04-07", "2021-04-12"], [["r0.txt", "r1.txt", "r2.txt"], ["r3.txt"]]),
    # no date at all: a story per document
    ([None, None], [["r0.txt"], ["r1.txt"]]),
])
def test_publication_dates_chain_within_the_window(tmp_path, dates, expected):
    with build(tmp_path / "s", [report(i, d) for i, d in enumerate(dates)], batch=4) as kg:
        assert stories_of(kg) == expected


def test_a_stated_date_is_one_story_and_undated_reports_up_to_3_days_later_join_it(tmp_path):
    docs = [report(0, "2021-04-20", stated="2021-04-16"), report(1, "2021-04-19", stated="2021-04-17"),
            report(2, "2021-04-18"), report(3, "2021-04-21"), report(4, "2021-04-16")]
    with build(tmp_path / "s", docs, batch=5) as kg:
        # r2 joins the 17th (the latest stated date at most 3 days before), r4 the 16th; r3 is 4 days after
        # the 17th and forms its own story
        assert stories_of(kg) == [["r0.txt", "r4.txt"], ["r1.txt", "r2.txt"], ["r3.txt"]]


def dense(rng: random.Random, numbers) -> list[Extraction]:
    """Reports of one key within a few weeks: stated dates and publication dates, chains and anchors mixed."""
    days = [f"2021-04-{d:02d}" for d in range(1, 29)]
    docs = []
    for i in numbers:
        published = rng.choice(days + [None] * 2)
        stated = rng.choice(days) if published and rng.random() < 0.3 else None
        docs.append(report(i, published, cls=rng.choice(["SANCTION", "COERCE"]), stated=stated))
    return docs


def test_adding_in_any_batches_equals_grouping_every_mention_at_once(tmp_path):
    """New documents regroup only the mentions near theirs (dipl:storyWindow); that must give what grouping
    every mention of the key from scratch gives (recompute), whatever the order and the batches."""
    rng = random.Random(5)
    docs = dense(rng, range(40))
    rng.shuffle(docs)
    with build(tmp_path / "s", docs, batch=3) as kg:
        incremental = story_triples(kg)
        assert len(grouping(kg)) > 5
        kg.recompute()
        assert story_triples(kg) == incremental


def test_removing_and_replacing_regroups_what_they_touch_as_a_fresh_build_would(tmp_path):
    """A removal or a new version regroups the story events the old mentions were in and their neighbourhood only;
    that must give what building the remaining documents afresh gives. New versions keep their event IRIs
    (same document and offsets) with other dates."""
    rng = random.Random(8)
    docs = dense(rng, range(40))
    with build(tmp_path / "s", docs, batch=5) as kg:
        for _ in range(3):
            gone = rng.sample(docs, 2)
            for ex in gone:
                kg.remove(document_iri(ex.document))
            docs = [ex for ex in docs if ex not in gone]
            redated = {ex.document.id for ex in rng.sample(docs, 4)}
            docs = [dense(rng, [int(ex.document.id[1:-4])])[0] if ex.document.id in redated else ex for ex in docs]
            kg.replace_graphs(graphs([ex for ex in docs if ex.document.id in redated]))
            with build(tmp_path / f"fresh-{len(docs)}", docs, batch=len(docs)) as fresh:
                assert story_triples(kg) == story_triples(fresh)


def test_month_dates_and_other_keys_stay_apart(tmp_path):
    """A date of a month has no window beside it, an undated report none at all: neither may reach the mentions
    of another key (each report is in one story event, of its own key), in any batches."""
    def dated(i: int, published: str | None, stated: str | None, precision: str, source: Actor, target: Actor):
        ex = report(i, published, stated=stated)
        ex.relations[0] = dataclasses.replace(ex.relations[0], source=source, target=target, date_precision=precision)
        ex.actors[:] = [source, target]
        return ex

    fra = Actor("FRA", "France", "Country", "State", "FRA")
    docs = [dated(0, "2021-04-20", "2021-04", "month", RUS, USA), dated(1, "2021-04-21", "2021-04", "month", RUS, USA),
            dated(2, "2021-04-20", None, "day", fra, USA), dated(3, "2021-04-21", "2021-04", "month", fra, USA),
            dated(4, None, None, "day", RUS, USA), dated(5, "2021-04-19", None, "day", RUS, USA)]
    expected = [["r0.txt", "r1.txt"], ["r2.txt"], ["r3.txt"], ["r4.txt"], ["r5.txt"]]
    for batch in (1, 6):
        with build(tmp_path / f"s{batch}", docs, batch=batch) as kg:
            assert stories_of(kg) == expected
            assert not list(kg.select("SELECT ?e WHERE { GRAPH graph:stories { ?s dipl:hasReport ?e } } "
                                      "GROUP BY ?e HAVING(COUNT(?s) > 1)"))


def test_negation_and_modality_by_majority_with_the_dissent_counted(tmp_path):
    docs = [report(0, "2021-04-16", negated=True), report(1, "2021-04-16", modality="hypothetical"),
            report(2, "2021-04-17", cls="COERCE"), report(3, "2021-04-17", cls="COERCE", negated=True),
            report(4, "2021-04-17", cls="MOBILIZE")]
    with build(tmp_path / "s", docs, batch=2) as kg:
        rows = list(story_events(kg).values())
        assert len(rows) == 2  # MOBILIZE is not near SANCTION
        main = next(r for r in rows if r["reports"] == "4")
        assert (main["cls"], main["negated"], main["modality"], main["negatedReports"], main["hypotheticalReports"],
                main["documents"], main["sources"]) == ("SANCTION", "false", "asserted", "2", "1", "4", "2")  # a tie: the later class


def test_stats_and_named_queries(extractions, tmp_path):
    path = str(tmp_path / "cli-store")
    build(Path(path), extractions, batch=5).close()
    run = lambda *args: subprocess.run([KG, *args], capture_output=True, text=True, timeout=120)  # noqa: E731
    stats = run("stats", "--store", path)
    assert "== story events" in stats.stdout and "2.33" in stats.stdout  # 14 mentions, 6 story events
    events = run("query", "-n", "story-events", "-p", "actor=Fumio Kishida", "--format", "csv", "--store", path)
    assert events.returncode == 0 and events.stdout.count("\n") == 2, events.stdout + events.stderr  # header + 1
    assert "JPN_KOR_CONSULT_2023-03-16" in events.stdout
    sanctions = run("query", "-n", "story-events", "-p", "class=COERCE", "-p", "since=2021-01-01", "--store", path)
    assert "(1 row" in sanctions.stdout and "2021-04-16" in sanctions.stdout, sanctions.stdout  # table: IRIs left out
    sanctions = run("query", "-n", "story-events", "-p", "class=COERCE", "-p", "since=2021-01-01", "--format", "csv",
                    "--store", path)
    assert "RUS_USA_COERCE_2021-04-16" in sanctions.stdout and sanctions.stdout.count("\n") == 2, sanctions.stdout
    reports = run("query", "-n", "reports-of", "-p", "story=story:RUS_USA_COERCE_2021-04-16", "--format", "csv",
                  "--store", path)
    assert reports.stdout.count("eastgazette.example") == 1 and reports.stdout.count("\n") == 4


def test_exports_one_row_per_story_event(extractions, tmp_path):
    import csv

    path = str(tmp_path / "export-store")
    build(Path(path), extractions, batch=4).close()
    run = lambda *args: subprocess.run([KG, "export", "--store", path, *args], capture_output=True, text=True,  # noqa: E731
                                       timeout=120)
    for per, rows in (("mention", 14), ("story", 4 + 2)):
        out = tmp_path / f"{per}.csv"
        assert run("--format", "csv", "--per", per, "--out", str(out)).returncode == 0
        table = list(csv.DictReader(out.open(encoding="utf-8-sig")))
        assert len(table) == rows
    expulsion = next(r for r in table if r["event_id"].endswith("/story/RUS_USA_COERCE_2021-04-16"))
    assert (expulsion["class"], expulsion["other_classes"], expulsion["reports"], expulsion["documents"],
            expulsion["sources"], expulsion["date"]) == ("SANCTION", "COERCE", "3", "3", "3", "2021-04-16")
    assert (expulsion["source_country"], expulsion["target_country"]) == ("RUS", "USA")  # Russia expelled US diplomats
    out = tmp_path / "stories.jsonl"
    assert run("--format", "plover", "--per", "story", "--out", str(out)).returncode == 0
    records = [json.loads(line) for line in out.read_text(encoding="utf-8").splitlines()]
    assert len(records) == 6 and sum(r["story"]["reports"] for r in records) == 14
    refused = run("--format", "graphml", "--per", "story", "--out", str(tmp_path / "g.graphml"))
    assert refused.returncode == 2 and "--per story is for --format plover or csv" in refused.stderr
