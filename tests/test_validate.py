"""kg validate accepts what kg itself writes: a former state's ISO 3166-3 code, an official who held
two offices at two dates (one membership, two roles), a role written in two casings (one label).

The store is built by the real pipeline from articles written here.
"""
from __future__ import annotations

import json
import subprocess
import sys

import pytest
from rdflib import URIRef
from rdflib.namespace import SKOS

from kg.build import build
from kg.rdf import role_iri
from kg.store import KnowledgeGraph

ARTICLES = [
    {"id": "cold-war.txt", "date": "1985-11-19",
     "text": "The Soviet Union signed an arms control agreement with the United States in Geneva."},
    {"id": "budget.txt", "date": "2021-03-03",
     "text": "Rishi Sunak met French officials in Paris. Sunak praised France for its support."},
    {"id": "summit.txt", "date": "2023-03-10",
     "text": "Rishi Sunak met President Emmanuel Macron of France in Paris. "
             "The French president thanked Britain for its help."},
]


@pytest.fixture(scope="module")
def store(tmp_path_factory, extractor):
    d = tmp_path_factory.mktemp("validate")
    corpus = d / "news.jsonl"
    corpus.write_text("".join(json.dumps(a) + "\n" for a in ARTICLES), encoding="utf-8")
    build([str(corpus)], store=str(d / "store"), extractor=extractor)
    return str(d / "store")


def test_kg_validate_accepts_former_states_offices_over_time_and_role_casings(store):
    with KnowledgeGraph(store, read_only=True) as kg:
        codes = {str(c) for (c,) in kg.query("SELECT ?c WHERE { ?a dipl:countryCode ?c }")}
        roles = {str(r) for (r,) in kg.query(
            "SELECT ?r WHERE { ?ms a org:Membership ; org:role ?role . ?role skos:prefLabel ?r }")}
        labels = [str(lab) for (lab,) in kg.query(
            f"SELECT ?l WHERE {{ <{role_iri('president')}> skos:prefLabel ?l }}")]
    assert "SUHH" in codes, codes
    assert {"Prime Minister", "Chancellor of the Exchequer"} <= roles, roles
    assert labels == ["President"], labels
    out = subprocess.run([sys.executable, "-m", "kg.cli", "validate", "--store", store],
                         capture_output=True, text=True, timeout=300)
    assert out.returncode == 0, out.stdout + out.stderr


def _named(store: str, *args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "kg.cli", "query", "--store", store, "--format", "json", *args],
                          capture_output=True, text=True, timeout=300)


def test_officials_is_one_row_per_person_and_side_with_distinct_roles(store):
    out = _named(store, "--name", "officials", "--param", "country=United Kingdom")
    assert out.returncode == 0, out.stderr
    rows = json.loads(out.stdout)
    sunak = [r for r in rows if r["name"] == "Rishi Sunak"]
    assert len(sunak) == 1, rows
    roles = sunak[0]["role"].split(", ")
    assert sorted(roles) == sorted(set(roles)) and {"Prime Minister", "Chancellor of the Exchequer"} <= set(roles)


def test_an_unknown_actor_points_to_a_command_that_lists_actors(store):
    out = _named(store, "--name", "officials", "--param", "country=Atlantis Zzq")
    assert out.returncode == 2 and "kg query --name actors" in out.stderr, out.stderr
    listed = _named(store, "--name", "actors")
    assert listed.returncode == 0, listed.stderr
    names = {r["name"]: r["type"] for r in json.loads(listed.stdout)}
    assert names.get("Rishi Sunak") == "Person" and names.get("France") == "Country"


def test_officials_roles_are_those_held_for_that_side(tmp_path, extractor):
    corpus = tmp_path / "news.jsonl"
    corpus.write_text("".join(json.dumps(a) + "\n" for a in [
        {"id": "lisbon.txt", "date": "2000-06-01",
         "text": "Prime Minister Antonio Guterres of Portugal met President Jacques Chirac of France in Lisbon."},
        {"id": "un.txt", "date": "2023-06-01",
         "text": "UN Secretary-General Antonio Guterres met President Emmanuel Macron of France in Paris."}]),
        encoding="utf-8")
    build([str(corpus)], store=str(tmp_path / "store"), extractor=extractor)
    rows = json.loads(_named(str(tmp_path / "store"), "--name", "officials", "--param", "country=Portugal").stdout)
    assert [(r["name"], r["role"]) for r in rows] == [("Ant\u00f3nio Guterres", "Prime Minister")], rows
