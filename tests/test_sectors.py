"""Sector-coded actors, groups as nodes, domestic events, mode/context/place, and the event exports.

Real spaCy model, real on-disk store, the real CLI. Sentences written for these tests.
"""
from __future__ import annotations

import csv
import json
import subprocess
import sys

import pytest

from kg.export import CSV_COLUMNS, event_rows, to_dataframe
from kg.gazetteer import load_data
from kg.rdf import document_iri, to_graph
from kg.sectors import group_kind, org_sector, role_sector, sector_code, sector_data
from kg.store import KnowledgeGraph
from kg.vocab import DIPL, SECTOR, sector_codes


def _by_label(ex):
    return {a.label: a for a in ex.actors}


def _rels(ex):
    return {(r.source.label, r.cls, r.target.label) for r in ex.relations}


# ---------------------------------------------------------------- data


def test_every_sector_code_in_the_data_is_a_concept_of_the_ontology_scheme():
    data = load_data("sectors.json")
    codes = set(sector_codes())
    used = {g["sector"] for g in data["groups"]} | set(data["organs"]) | set(data["organ_kinds"]) \
        | set(data["role_subtypes"].values()) | set(data["role_words"].values()) \
        | set(data["org_subtypes"].values()) | set(data["org_words"].values()) | set(data["aliases"].values())
    assert used <= codes, used - codes
    assert {"GOV", "MIL", "COP", "JUD", "LEG", "REB", "OPP", "PTY", "CVL", "MED", "BUS", "IGO", "NGO"} <= codes


def test_sector_words_and_gold_codes():
    assert group_kind("demonstrators") == ("protesters", "CVL")
    assert group_kind("armed group") == ("rebels", "REB")
    assert group_kind("ambassadors") is None
    assert sector_code("CVLalb") == "CVL" and sector_code("CIV") == "CVL" and sector_code("***") is None
    assert role_sector("Foreign Minister", "Minister") == "GOV"
    assert role_sector("Chief Justice", None) == "JUD"
    assert role_sector("leader", "Leader", "REB") == "REB"
    assert role_sector(None, None) == "CVL"
    # "deputy" before another title qualifies it; alone, or "of" a chamber, it is a member of parliament
    assert role_sector("Deputy Prime Minister", "HeadOfGovernment") == "GOV"
    assert role_sector("First Deputy Interior Minister", "Minister") == "GOV"
    assert role_sector("deputy police chief", None) == "COP"
    assert role_sector("deputy", None) == "LEG" and role_sector("deputy of the National Assembly", None) == "LEG"
    assert role_sector("deputy speaker", None) == "LEG"
    assert org_sector("Pakistan Army", "GovernmentBody") == "MIL"
    assert org_sector("State Duma", "GovernmentBody") == "LEG"
    assert org_sector("Hamas", "ArmedGroup") == "REB"
    assert sector_data().organs["police"] == "COP"


# ---------------------------------------------------------------- actors


def test_groups_named_with_a_country_are_nodes_part_of_it(extract):
    ex = extract("Ugandan police arrested dozens of opposition supporters in Kampala on Friday. "
                 "Chadian rebels attacked an army base near the border.")
    actors = _by_label(ex)
    opp = actors["opposition (Uganda)"]
    assert (opp.type, opp.country, opp.sector, opp.part_of) == ("Organization", "UGA", "OPP", "UGA")
    assert "opposition supporters" in opp.descriptions
    assert actors["rebels (Chad)"].sector == "REB" and actors["rebels (Chad)"].part_of == "TCD"
    assert actors["Uganda"].sector == "GOV"
    coerce = next(r for r in ex.relations if r.cls == "COERCE")
    assert (coerce.source.label, coerce.target.label) == ("Uganda", "opposition (Uganda)")
    assert (coerce.source_sector, coerce.target_sector, coerce.mode) == ("COP", "OPP", "arrest")
    assert (coerce.place, coerce.place_country) == ("Kampala", "UGA")


def test_one_node_per_country_sector_and_kind(extract):
    ex = extract("Bolivian protesters blocked roads into La Paz. Later, Bolivian demonstrators marched on the palace.")
    groups = [a for a in ex.actors if a.group]
    assert [a.key for a in groups] == ["BOL-CVL-protesters"]
    assert {"Bolivian protesters", "Bolivian demonstrators"} <= set(groups[0].descriptions)


def test_a_country_through_a_preposition_and_a_possessive(extract):
    actors = _by_label(extract("Rebels in Mozambique ambushed a convoy. Zimbabwe's opposition condemned the vote."))
    assert actors["rebels (Mozambique)"].part_of == "MOZ"
    assert actors["opposition (Zimbabwe)"].part_of == "ZWE"


def test_domestic_events_are_kept_and_an_official_is_still_one_side(extract):
    ex = extract("Peruvian soldiers fired on protesters in Lima. "
                 "Peru's foreign minister criticised Peru for the delay.")
    rels = _rels(ex)
    assert ("Peru", "ASSAULT", "protesters (Peru)") in rels
    assert not any(r.cls == "ACCUSE" for r in ex.relations)  # the minister and the country are one side
    shot = next(r for r in ex.relations if r.cls == "ASSAULT")
    assert shot.source_sector == "MIL" and shot.mode == "firearms"


def test_a_sector_word_without_a_country_is_unknown_and_only_kept_for_a_relation(extract):
    ex = extract("Protesters stormed the Danish embassy. Students gathered quietly.")
    actors = _by_label(ex)
    unk = actors["protesters (unknown country)"]
    assert unk.country == "UNK" and unk.part_of is None
    assert ("protesters (unknown country)", "ASSAULT", "Denmark") in _rels(ex) or \
        any(r.source is unk for r in ex.relations)
    assert not any("students" in a.label for a in ex.actors)  # no relation needs them
    assert "Denmark" in actors


def test_a_named_group_keeps_its_name_and_titles_are_not_groups(extract):
    actors = _by_label(extract("M23 rebels seized the town. Police detained the opposition journalist Ana Pérez."))
    assert not any(a.group == "rebels" for a in actors.values())
    assert not any(a.group == "journalists" for a in actors.values())


def test_a_protest_without_a_target_is_aimed_at_the_groups_state(extract):
    ex = extract("Thousands of Kenyan students demonstrated in Nairobi on Monday.")
    assert ("students (Kenya)", "PROTEST", "Kenya") in _rels(ex)


def test_a_people_demonstrating_are_protesters_against_their_state(extract):
    ex = extract("Thousands of Iraqi Kurds demonstrated in Kirkuk on Sunday.")
    assert ("protesters (Iraq)", "PROTEST", "Iraq") in _rels(ex)


def test_opposition_candidates_are_an_opposition_group(extract):
    ex = extract("Ugandan police arrested Ugandan opposition candidates in Kampala.")
    assert ("Uganda", "COERCE", "opposition (Uganda)") in _rels(ex)
    arrest = next(r for r in ex.relations if r.cls == "COERCE")
    assert (arrest.source_sector, arrest.target_sector) == ("COP", "OPP")


@pytest.mark.parametrize("text, cls, sectors", [
    ("French and Egyptian warships launched ten days of war games in the Mediterranean.", "COOPERATE", ("MIL", "MIL")),
    ("Iraqi gunmen fired on US forces near Basra.", "ASSAULT", ("UAF", "MIL")),
    ("Syrian officers ended their mediation between the militias.", "SANCTION", ("MIL", "REB")),
    ("Radical French farmers said they would blockade Paris on Monday.", "THREATEN", ("AGR", "CVL")),
])
def test_the_sector_each_end_of_an_event_names(extract, text, cls, sectors):
    [rel] = [r for r in extract(text).relations if r.cls == cls]
    assert (rel.source_sector, rel.target_sector) == sectors


def test_officials_and_organizations_take_their_sectors(extract):
    actors = _by_label(extract("Israel Defense Forces troops raided a camp while Japanese Foreign Minister "
                               "Yoko Kamikawa met UN Secretary-General Antonio Guterres in New York."))
    assert actors["Israel Defense Forces"].sector == "MIL"
    kamikawa = next(a for a in actors.values() if "Kamikawa" in a.label)
    assert kamikawa.sector == "GOV" and kamikawa.country == "JPN"
    un = actors["United Nations"]
    assert un.country == "IGO"


def test_contexts_and_a_venue_that_is_not_an_actor(extract):
    ex = extract("Iran and the United States agreed on a nuclear deal in Vienna on Tuesday.")
    agree = next(r for r in ex.relations if r.cls == "AGREE")
    assert "nuclear" in agree.context
    assert (agree.place, agree.place_country) == ("Vienna", "AUT")
    assert "Austria" not in _by_label(ex)  # a venue is no actor


# ---------------------------------------------------------------- store and exports


@pytest.fixture(scope="module")
def store(tmp_path_factory, extractor):
    from kg.ingest import Document

    path = tmp_path_factory.mktemp("sectors") / "store"
    text = ("Ugandan police arrested dozens of opposition supporters in Kampala on Friday. "
            "Kenya's president accused the Ugandan government of harassing the opposition.")
    ex = extractor.extract(Document("kampala.txt", text, date="2024-03-08", url="https://example.org/kampala"))
    with KnowledgeGraph(path) as kg:
        kg.add(document_iri(ex.document), to_graph(ex), ex.document.content_hash)
    return path


def test_the_store_holds_sectors_parts_and_event_attributes(store):
    with KnowledgeGraph(store, read_only=True) as kg:
        part = list(kg.query(f"SELECT ?g ?c WHERE {{ ?g <{DIPL.partOf}> ?c ; <{DIPL.sector}> <{SECTOR.OPP}> }}"))
        modes = {str(m) for (m,) in kg.query(f"SELECT ?m WHERE {{ ?e <{DIPL.mode}> ?m }}")}
        places = {str(p) for (p,) in kg.query(f"SELECT ?p WHERE {{ ?e <{DIPL.location}> ?p }}")}
    assert len(part) == 1 and str(part[0][1]).endswith("/UGA")
    assert "arrest" in modes and "Kampala" in places


def test_csv_export_opens_in_pandas_with_one_row_per_event(store, tmp_path):
    out = tmp_path / "events.csv"
    subprocess.run([sys.executable, "-m", "kg.cli", "export", "--format", "csv", "--out", str(out),
                    "--store", str(store)], check=True, capture_output=True)
    rows = list(csv.DictReader(out.open(encoding="utf-8-sig")))
    with KnowledgeGraph(store, read_only=True) as kg:
        n = len(list(kg.query("SELECT ?e WHERE { ?e a <https://w3id.org/kg-dipl/ontology#Event> }")))
        df = to_dataframe(kg)
        rows_api = event_rows(kg)
    assert len(rows) == n == len(df) == len(rows_api) >= 1
    assert list(rows[0]) == list(CSV_COLUMNS) == list(df.columns)
    arrest = next(r for r in rows if r["class"] == "COERCE")
    assert (arrest["source_country"], arrest["source_sector"], arrest["target_sector"]) == ("UGA", "COP", "OPP")
    assert arrest["place_country"] == "UGA" and arrest["url"] == "https://example.org/kampala"
    assert arrest["date"].startswith("2024-03") and arrest["quad_class"] == "MaterialConflict"


def test_plover_export_has_the_polecat_layout(store, tmp_path):
    out = tmp_path / "events.jsonl"
    subprocess.run([sys.executable, "-m", "kg.cli", "export", "--format", "plover", "--out", str(out),
                    "--store", str(store)], check=True, capture_output=True)
    records = [json.loads(line) for line in out.read_text(encoding="utf-8").splitlines()]
    rec = next(r for r in records if r["event_type"] == "COERCE")
    assert set(rec) >= {"id", "date", "event_type", "mode", "context", "actor", "recipient", "location", "anchor",
                        "source_document"}
    assert rec["actor"] == {**rec["actor"], "country": "UGA", "sector": "COP", "text": "Ugandan police"}
    assert rec["recipient"]["sector"] == "OPP" and rec["location"] == {"text": "Kampala", "country": "UGA"}
    assert "Kampala" in rec["anchor"]["quote"]
