"""kg query: named queries, parameters bound as RDF terms, result formats, syntax errors and timeouts.

Two stores: one built by the real pipeline from two dated articles written here,
and one made of hand-written triples (labels full of SPARQL syntax, a large
filler graph for a deliberately expensive query).
"""
from __future__ import annotations

import csv
import io
import json
import subprocess
import sys
import time

import pytest
from rdflib import Graph, Literal
from rdflib.namespace import SKOS
from rdflib.query import Result

from kg.actors import Actor
from kg.build import build
from kg.extract import Extraction
from kg.ingest import Document
from kg.rdf import document_iri, to_graph
from kg.errors import QueryError
from kg.query import QuerySyntaxError, QueryTimeout, named_queries, named_query, run_named, run_query, to_term
from kg.store import KnowledgeGraph
from kg.vocab import DIPL, ID

KG = [sys.executable, "-m", "kg.cli"]
ARTICLES = [
    {"id": "border.txt", "date": "2024-03-14",
     "text": "Pakistan accused India of violating the ceasefire. India rejected the claim. "
             "India imposed sanctions on Pakistan."},
    {"id": "summit.txt", "date": "2024-05-02",
     "text": "Prime Minister Shehbaz Sharif of Pakistan met President Xi Jinping of China in Beijing. "
             "China and Pakistan signed an agreement on trade."},
]
EVIL = 'Evil "Co" } UNION { ?s ?p ?o } #'


def kg_cli(*args):
    return subprocess.run([*KG, *map(str, args)], capture_output=True, text=True, timeout=120)


@pytest.fixture(scope="module")
def store(tmp_path_factory, extractor):
    d = tmp_path_factory.mktemp("query")
    corpus = d / "news.jsonl"
    corpus.write_text("".join(json.dumps(a) + "\n" for a in ARTICLES), encoding="utf-8")
    summary = build([str(corpus)], store=str(d / "store"), extractor=extractor)
    assert summary.relations >= 4, summary
    return str(d / "store")


def _handmade(path: str, filler: int = 0) -> str:
    """A store of hand-written triples: two look-alike actors, one with a label full of SPARQL syntax."""
    doc = Document("handmade.txt", f"{EVIL} and Evil Co.")
    g = to_graph(Extraction(doc, [Actor("evil", EVIL, "Organization"), Actor("plain", "Evil Co", "Organization")]))
    for i in range(filler):
        g.add((ID[f"filler/{i}"], SKOS.note, Literal(i)))
    with KnowledgeGraph(path) as kg:
        kg.add(document_iri(doc), g, doc.content_hash)
    return path


@pytest.fixture(scope="module")
def handmade(tmp_path_factory):
    return _handmade(str(tmp_path_factory.mktemp("handmade") / "store"), filler=1500)


def q(store, name, fmt="json", **params):
    with KnowledgeGraph(store, read_only=True) as kg:
        out, _ = run_named(kg, named_query(name), params, fmt)
    return json.loads(out) if fmt == "json" else out


# ----------------------------------------------------------------------------- the library

def test_every_named_query_is_listed_with_description_and_parameters():
    queries = named_queries()
    assert set(queries) >= {"who-did-what", "actor-profile", "relations-between", "most-conflictual-pairs",
                            "most-cooperative-pairs", "officials", "events-by-month", "evidence"}
    for nq in queries.values():
        assert nq.description and not nq.description.startswith("@")
    assert [p.name for p in queries["relations-between"].params] == ["actor", "other"]
    out = kg_cli("query", "--list")
    assert out.returncode == 0
    for name, nq in queries.items():
        assert name in out.stdout and nq.description in out.stdout
    assert "--param actor (actor): " in out.stdout


def test_who_did_what_filters_by_class_actor_and_date(store):
    rows = q(store, "who-did-what")
    assert {(r["source"], r["cls"], r["target"]) for r in rows} >= {
        ("Pakistan", "ACCUSE", "India"), ("India", "SANCTION", "Pakistan"), ("China", "AGREE", "Pakistan")}
    assert "actor" not in rows[0] and "from" not in rows[0]  # empty parameter columns are left out
    assert rows[0]["class"].startswith(str(DIPL))  # ?class is a pattern variable: a real column until given
    sanctions = q(store, "who-did-what", **{"class": "sanction"})
    assert {r["cls"] for r in sanctions} == {"SANCTION"} and "class" not in sanctions[0]
    china = q(store, "who-did-what", actor="china")  # case-insensitive name
    assert china and all("China" in (r["source"], r["target"]) for r in china)
    assert q(store, "who-did-what", actor="actor:CHN") == china  # a prefixed name binds the IRI
    may = q(store, "who-did-what", **{"from": "2024-04-01"})
    assert may and all(r["date"] >= "2024-04-01" for r in may)
    march = q(store, "who-did-what", **{"from": "2024-03-01", "to": "2024-03-31"})
    assert {r["cls"] for r in march} >= {"ACCUSE", "SANCTION"} and "AGREE" not in {r["cls"] for r in march}


def test_actor_profile_has_aliases_roles_affiliations_and_relations_with_counts(store):
    rows = q(store, "actor-profile", actor="Pakistan")
    aspects = {(r["aspect"], r["value"]) for r in rows}
    assert ("label", "Pakistan") in aspects and ("country code", "PAK") in aspects
    assert ("official", "Shehbaz Sharif") in aspects
    out = {(r["class"], r["value"]): r["n"] for r in rows if r["aspect"] == "relation out"}
    inn = {(r["class"], r["value"]): r["n"] for r in rows if r["aspect"] == "relation in"}
    assert out[("ACCUSE", "India")] == 1 and inn[("SANCTION", "India")] == 1
    person = {(r["aspect"], r["value"]) for r in q(store, "actor-profile", actor="Shehbaz Sharif")}
    assert ("role", "Prime Minister") in person and ("acts for", "Pakistan") in person


def test_relations_between_two_actors_in_both_directions_over_time(store):
    rows = q(store, "relations-between", actor="India", other="pakistan")
    assert [(r["source"], r["cls"]) for r in rows if not r["negated"]] == [
        ("India", "SANCTION"), ("Pakistan", "ACCUSE")] or {(r["source"], r["cls"]) for r in rows} >= {
        ("India", "SANCTION"), ("Pakistan", "ACCUSE")}
    assert all(r["sentence"] for r in rows) and all(r["date"] == "2024-03-14" for r in rows)


def test_pairs_ranked_by_the_intensity_scale(store):
    conflict = q(store, "most-conflictual-pairs")
    coop = q(store, "most-cooperative-pairs")
    pair = lambda r: {r["actor1"], r["actor2"]}  # noqa: E731
    assert pair(conflict[0]) == {"India", "Pakistan"} and conflict[0]["score"] == -7.5  # ACCUSE -2 + SANCTION -5.5
    assert [r["score"] for r in conflict] == sorted(r["score"] for r in conflict)
    assert {"China", "Pakistan"} in [pair(r) for r in coop] and all(r["score"] > 0 for r in coop)


def test_officials_events_by_month_and_evidence(store):
    officials = q(store, "officials", country="PAKISTAN")
    assert [(r["name"], r["role"]) for r in officials] == [("Shehbaz Sharif", "Prime Minister")]
    months = {(r["month"], r["cls"]): r["events"] for r in q(store, "events-by-month")}
    assert months[("2024-03", "ACCUSE")] == 1 and months[("2024-05", "AGREE")] >= 1
    only = q(store, "events-by-month", **{"class": "AGREE"})
    assert {r["cls"] for r in only} == {"AGREE"}
    ev = q(store, "evidence", source="Pakistan", target="India")
    assert ev and ev[0]["cls"] == "ACCUSE" and "accused India" in ev[0]["sentence"]
    assert ev[0]["document"] == "border.txt"
    assert ARTICLES[0]["text"][ev[0]["start"]:ev[0]["end"]] == ev[0]["sentence"]
    assert q(store, "evidence", source="Pakistan", target="India", **{"class": "AGREE"}) == []


# ----------------------------------------------------------------------------- parameters are terms

@pytest.mark.parametrize("value", ['Pakistan" } UNION { ?s ?p ?o } #', "x' || true || '", "}}}} {{{{",
                                   'India") || (1 = 1'])
def test_a_value_full_of_sparql_cannot_change_the_query(store, value):
    for name in ("who-did-what", "actor-profile"):  # a name no actor has: an error naming it, never a widened query
        with pytest.raises(QueryError, match="no actor named"):
            q(store, name, actor=value)


def test_a_label_full_of_sparql_is_matched_exactly(handmade):
    rows = q(handmade, "actor-profile", actor=EVIL)
    assert {r["id"] for r in rows} == {str(ID["actor/evil"])}
    assert ("label", EVIL) in {(r["aspect"], r["value"]) for r in rows}
    assert {r["id"] for r in q(handmade, "actor-profile", actor="evil co")} == {str(ID["actor/plain"])}


def test_ad_hoc_query_with_parameters_through_the_cli(handmade):
    text = "SELECT ?a ?name WHERE { ?a skos:prefLabel ?l FILTER(STR(?l) = STR(?name)) }"
    out = kg_cli("query", text, "--param", f"name={EVIL}", "--store", handmade, "--format", "csv")
    assert out.returncode == 0, out.stderr
    assert out.stdout.splitlines() == ["a", str(ID["actor/evil"])]


def test_missing_unknown_and_bad_parameters_say_what_is_needed(store):
    nq = named_query("relations-between")
    with pytest.raises(QueryError, match=r"relations-between needs other: other \(actor\)"):
        nq.bind({"actor": "Pakistan"})
    with pytest.raises(QueryError, match="has no parameter country; it takes actor"):
        nq.bind({"actor": "A", "other": "B", "country": "C"})
    with pytest.raises(QueryError, match="not a PLOVER class; choose one of ACCUSE, AGREE"):
        to_term("ACUSE", "class", "class")
    with pytest.raises(QueryError, match="YYYY-MM-DD"):
        to_term("14 March", "date", "from")
    with pytest.raises(QueryError, match="did you mean actor-profile"):
        named_query("actor-profil")
    out = kg_cli("query", "--name", "actor-profile", "--store", store)
    assert out.returncode == 2 and "actor-profile needs actor" in out.stderr and "--param actor=" in out.stderr
    out = kg_cli("query", "--name", "who-did-what", "--param", "class=nope", "--store", store)
    assert out.returncode == 2 and "not a PLOVER class" in out.stderr


# ----------------------------------------------------------------------------- formats

def test_table_shortens_iris_and_drops_given_parameter_columns(store):
    out = kg_cli("query", "--name", "officials", "--param", "country=Pakistan", "--store", store)
    assert out.returncode == 0, out.stderr
    lines = out.stdout.splitlines()
    assert lines[0].split() == ["name", "role", "subtype", "events"]  # names, not the official's IRI
    assert "Shehbaz Sharif" in out.stdout and "https://" not in out.stdout
    assert lines[-1] == "(1 row; IRI columns official left out, --format json has them)"


@pytest.mark.parametrize("fmt", ["csv", "tsv", "json", "sparql-json", "sparql-xml", "sparql-csv", "sparql-tsv"])
def test_every_result_format_parses_back(store, fmt):
    text = "SELECT ?s ?o WHERE { ?s dipl:accuses ?o }"
    with KnowledgeGraph(store, read_only=True) as kg:
        out = run_query(kg, text, fmt=fmt)
    pak, ind = str(ID["actor/PAK"]), str(ID["actor/IND"])
    if fmt in {"csv", "tsv"}:
        rows = list(csv.reader(io.StringIO(out), delimiter="," if fmt == "csv" else "\t"))
        assert rows == [["s", "o"], [pak, ind]]
    elif fmt == "json":
        assert json.loads(out) == [{"s": pak, "o": ind}]
    else:
        res = Result.parse(io.BytesIO(out.encode()), format=fmt.removeprefix("sparql-"))
        assert [(str(r[0]), str(r[1])) for r in res] == [(pak, ind)]


def test_the_cli_prints_the_standard_formats(store):
    out = kg_cli("query", "SELECT ?s ?o WHERE { ?s dipl:accuses ?o }", "--store", store, "--format", "sparql-tsv")
    assert out.returncode == 0 and out.stdout.splitlines() == ["?s\t?o", f"<{ID['actor/PAK']}>\t<{ID['actor/IND']}>"]


def test_construct_formats(store):
    text = "CONSTRUCT { ?s dipl:accuses ?o } WHERE { ?s dipl:accuses ?o }"
    for fmt, parse in [("turtle", "turtle"), ("jsonld", "json-ld"), ("ntriples", "nt"), ("json", "json-ld")]:
        with KnowledgeGraph(store, read_only=True) as kg:
            g = Graph().parse(data=run_query(kg, text, fmt=fmt), format=parse)
        assert (ID["actor/PAK"], DIPL.accuses, ID["actor/IND"]) in g
    out = kg_cli("query", text, "--store", store, "--format", "sparql-json")
    assert out.returncode == 2 and "use turtle" in out.stderr


# ----------------------------------------------------------------------------- bad input

def test_syntax_error_names_line_column_and_parser_message(store):
    text = "SELECT ?s\nWHERE {\n  ?s dipl:accuses ?o .\n  FILTR(?o)\n}"
    with KnowledgeGraph(store, read_only=True) as kg, pytest.raises(QuerySyntaxError) as err:
        run_query(kg, text)
    # positions are in the text as written: the project's prefixes are not prepended to it
    assert (err.value.line, err.value.column) == (4, 11) and err.value.detail == "expected OPTIONAL"
    out = kg_cli("query", text, "--store", store)
    assert out.returncode == 2 and "Traceback" not in out.stderr
    assert "invalid SPARQL: syntax error at line 4, column 11: expected OPTIONAL" in out.stderr
    assert "  FILTR(?o)\n" + " " * 12 + "^" in out.stderr  # the offending line, a caret under the column
    bad = store + "/../bad.rq"
    with open(bad, "w") as f:
        f.write("# a file\nSELECT * WHERE { ?s ?p ?o . FILTR(?o) }\n")
    out = kg_cli("query", "--file", bad, "--store", store)
    assert out.returncode == 2 and "line 2, column" in out.stderr


def test_a_runaway_query_is_stopped_at_the_timeout(handmade):
    expensive = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i }"
    with KnowledgeGraph(handmade, read_only=True) as kg, pytest.raises(QueryTimeout, match="stopped after 0.5 s"):
        run_query(kg, expensive, timeout=0.5)
    t0 = time.perf_counter()
    out = kg_cli("query", expensive, "--store", handmade, "--timeout", "1")
    took = time.perf_counter() - t0
    assert out.returncode == 3 and "query stopped after 1 s" in out.stderr and "--timeout" in out.stderr
    assert took < 15, took
