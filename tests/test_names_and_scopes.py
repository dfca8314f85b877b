"""What the store keeps as an actor's names and identity, and what the page says of an official's side.

A meeting place is where an event happened (``dipl:location``), never a name of the country it lies in; a
capital is a country's name only where it stands for the government ("Moscow said"). A group the text gives no
country ("gunmen") is one node per document. A role is stored as the text writes it; the org:Role shared by
everyone who holds it has one label. The page says how sure the store is that an official acts for a
side. Real spaCy model, real on-disk store, the real CLI, Debian's Chromium; articles written for these tests.
"""
from __future__ import annotations

import json
import subprocess
import sys

import pytest
from rdflib import Literal

from kg.build import build
from kg.layout import ACTORS_GRAPH
from kg.network import read_view
from kg.rdf import role_iri
from kg.render import render_html
from kg.store import KnowledgeGraph

from browser import Opened

KG = [sys.executable, "-m", "kg.cli"]

ARTICLES = [
    {"id": "venues.txt", "date": "2024-05-02",
     "text": "Qatari mediators said a new round would start soon. At the summit in Doha, Iran criticised Israel "
             "over the strikes. Armenia and Azerbaijan held talks in Bern on Monday, and Swiss officials welcomed "
             "them. Later, Moscow said the sanctions were illegal."},
    {"id": "ambush.txt", "date": "2024-05-03",
     "text": "Gunmen ambushed a bus on a remote highway. Kenya condemned the gunmen and promised an inquiry."},
    {"id": "raid.txt", "date": "2024-05-04",
     "text": "Gunmen raided a market at dawn. Uganda blamed the gunmen for the deaths. "
             "Malian rebels accused France of bombing a village."},
    {"id": "budget.txt", "date": "2024-05-05",
     "text": "Ghana's parliament approved the new budget on Tuesday. "
             "President Kwame Asante thanked Nigeria for its support during the talks."},
    {"id": "border.txt", "date": "2024-05-06",
     "text": "Amina Odhiambo, Kenya's foreign minister, accused Uganda of closing the border. "
             "Peter Kamau, a former envoy, criticised Ethiopia."},
    {"id": "visit.txt", "date": "2024-05-07",
     "text": "Kenyan Foreign Minister Amina Odhiambo thanked Tanzania for reopening the crossing."},
]


@pytest.fixture(scope="module")
def store(tmp_path_factory, extractor) -> str:
    d = tmp_path_factory.mktemp("names")
    corpus = d / "news.jsonl"
    corpus.write_text("".join(json.dumps(a) + "\n" for a in ARTICLES), encoding="utf-8")
    build([str(corpus)], store=str(d / "store"), extractor=extractor)
    return str(d / "store")


def _names(store: str, key: str) -> set[str]:
    with KnowledgeGraph(store, read_only=True) as kg:
        return {str(v) for (v,) in kg.query(
            f"SELECT ?v WHERE {{ GRAPH <{ACTORS_GRAPH}> {{ actor:{key} skos:prefLabel|skos:altLabel ?v }} }}")}


def _role_label(store: str, title: str = "foreign minister") -> set[str]:
    with KnowledgeGraph(store, read_only=True) as kg:
        return {str(v) for (v,) in kg.query(f"SELECT ?v WHERE {{ <{role_iri(title)}> skos:prefLabel ?v }}")}


def _kg(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([*KG, *args], capture_output=True, text=True, timeout=300)


# ---------------------------------------------------------------- venues


def test_a_capital_where_something_happened_is_no_name_of_its_country(extract):
    ex = extract("Egypt hosted talks in Cairo between Hamas and Israel. Germany and France signed a treaty in "
                 "Berlin. Officials in Paris said nothing. Speaking in Geneva, Iran's envoy accused Israel of "
                 "lying. Washington imposed new sanctions on Iran.")
    by_label = {a.label: a for a in ex.actors}
    for country, capital in (("Egypt", "Cairo"), ("Germany", "Berlin"), ("France", "Paris")):
        assert capital not in by_label[country].aliases + by_label[country].descriptions, by_label[country]
    assert "Geneva" not in by_label  # a venue before the subject's title is not a person
    assert "Washington" in by_label["United States"].aliases  # the government's metonym is its name
    places = {r.place for r in ex.relations}
    assert {"Cairo", "Berlin"} <= places, places  # the venue is kept on the event


def test_name_look_ups_never_resolve_a_venue_to_a_country(store, tmp_path):
    assert "Qatar" in _names(store, "QAT") and "Doha" not in _names(store, "QAT")  # "in Doha" is a place
    assert "Bern" not in _names(store, "CHE") and "Moscow" in _names(store, "RUS")
    with KnowledgeGraph(store, read_only=True) as kg:
        places = {str(v) for (v,) in kg.query("SELECT ?v WHERE { ?e dipl:location ?v }")}
    assert "Bern" in places, places
    out = _kg("query", "--store", store, "--name", "actor-profile", "--param", "actor=Doha")
    assert out.returncode == 2 and "no actor named 'Doha'" in out.stderr, out.stderr
    out = _kg("render", "--store", store, "--actor", "Bern", "--out", str(tmp_path / "bern.html"))
    assert out.returncode == 2 and "Bern" in out.stderr, out.stderr
    out = _kg("query", "--store", store, "--name", "actor-profile", "--param", "actor=Moscow")
    assert out.returncode == 0 and "Russia" in out.stdout, out.stdout + out.stderr


# ---------------------------------------------------------------- groups without a country


def test_groups_without_a_country_are_one_node_per_document(store):
    with KnowledgeGraph(store, read_only=True) as kg:
        rows = kg.query(f"SELECT ?a ?d WHERE {{ GRAPH <{ACTORS_GRAPH}> {{ ?a skos:prefLabel "
                        f"{Literal('gunmen (unknown country)').n3()} }} ?a dipl:mentionedIn ?d }}")
        docs = {str(a): str(d) for a, d in rows}
        mali = {str(a) for (a,) in kg.query(f"SELECT ?a WHERE {{ GRAPH <{ACTORS_GRAPH}> {{ ?a skos:prefLabel "
                                            f"{Literal('rebels (Mali)').n3()} }} }}")}
    assert len(docs) == 2 and len(set(docs.values())) == 2, docs  # the ambush's gunmen and the raid's
    assert mali and all(a.endswith("/MLI-REB-rebels") for a in mali)  # with its country: one node per country
    assert _kg("validate", "--store", store).returncode == 0
    out = _kg("query", "--store", store, "--name", "actor-profile", "--param", "actor=gunmen (unknown country)")
    assert out.returncode == 0 and "several actors" in out.stderr, out.stderr  # the choice is said, not hidden


def test_the_page_and_the_exports_keep_both_groups(store, tmp_path):
    with KnowledgeGraph(store, read_only=True) as kg:
        _, view = read_view(kg)
    gunmen = [n for n, d in view.nodes(data=True) if d.get("label") == "gunmen (unknown country)"]
    assert len(gunmen) == 2
    out = _kg("export", "--store", store, "--format", "graphml", "--out", str(tmp_path / "g.graphml"))
    assert out.returncode == 0, out.stderr
    assert (tmp_path / "g.graphml").read_text(encoding="utf-8").count("gunmen (unknown country)") == 2


# ---------------------------------------------------------------- the side an official acts for, on the page


def test_the_page_says_how_sure_the_side_of_an_official_is(browser, store, tmp_path):
    with KnowledgeGraph(store, read_only=True) as kg:
        _, view = read_view(kg)
    opened = Opened(browser, render_html(view, tmp_path / "g.html"), 1400, 900)
    page = opened.page
    asante = next(n["id"] for n in opened.js("window.kg.nodes.get()") if n["label"] == "Kwame Asante")
    page.mouse.move(*opened.node_position(asante))
    page.wait_for_function("document.body.innerText.includes('acts for: Ghana (inferred, confidence 0.50)')",
                           timeout=5_000)  # the tooltip
    page.mouse.click(*opened.node_position(asante))
    page.wait_for_selector("#details:not([hidden])")
    assert "acts for: Ghana (inferred, confidence 0.50)" in page.inner_text("#details")
    link = opened.js("window.kg.edges.get().find(e => e.kind === 'actsFor' && e.from === "
                     f"{json.dumps(asante)}).id")
    opened.js(f"window.kg.selectEdge({json.dumps(link)})")
    assert "Kwame Asante acts for Ghana (inferred, confidence 0.50)" in page.inner_text("#details")
    assert opened.errors == [] and opened.outside() == []
    opened.close()


# ---------------------------------------------------------------- roles as the text writes them


def test_a_role_keeps_the_texts_casing_and_its_org_role_one_label(store):
    with KnowledgeGraph(store, read_only=True) as kg:
        stated = {str(r) for (r,) in kg.query("SELECT ?r WHERE { ?m dipl:mentionOf actor:amina-odhiambo ; "
                                               "dipl:statedRole ?r }")}
        former = {str(r) for (r,) in kg.query("SELECT ?r WHERE { actor:peter-kamau dipl:role ?r }")}
        _, view = read_view(kg)
    assert stated == {"foreign minister", "Foreign Minister"}, stated  # each document's words
    assert former == {"former envoy"}, former  # not "Former Envoy"
    assert _role_label(store) == {"Foreign Minister"}  # one label: the capitalised one, whatever the order
    odhiambo = next(d for _, d in view.nodes(data=True) if d.get("label") == "Amina Odhiambo")
    assert odhiambo["role"] == "Foreign Minister"  # the page names the role once


def test_a_role_label_follows_the_documents_that_remain(tmp_path, extractor):
    both, kept = tmp_path / "both.jsonl", tmp_path / "kept.jsonl"
    border, visit = ARTICLES[-2], ARTICLES[-1]  # "foreign minister", then "Foreign Minister"
    both.write_text(json.dumps(border) + "\n" + json.dumps(visit) + "\n", encoding="utf-8")
    kept.write_text(json.dumps(border) + "\n", encoding="utf-8")
    store, clean = str(tmp_path / "store"), str(tmp_path / "clean")
    build([str(both)], store=store, extractor=extractor)
    build([str(kept)], store=clean, extractor=extractor)
    assert _role_label(store) == {"Foreign Minister"}
    assert _kg("remove", "--store", store, visit["id"]).returncode == 0
    assert _role_label(store) == _role_label(clean) == {"foreign minister"}  # the removed casing goes with it
    assert _kg("validate", "--store", store).returncode == 0
