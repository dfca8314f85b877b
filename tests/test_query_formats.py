"""Tables, CSV, TSV and JSON of query results, written from pyoxigraph's own results without rdflib terms.

The same text as from rdflib's reading of the same answer (every named query on the example store, in every
format), as from a remote SPARQL server, and as ``kg query`` printed before the results stopped going through
rdflib: typed literals (integer, decimal, double, boolean, date, language-tagged), unbound values, blank nodes.
"""
from __future__ import annotations

import io
import json

import pyoxigraph as ox
import pytest
from rdflib.query import Result

from kg.query import Rows, execute, format_result, named_queries, resolve_actors, run_named, run_query
from kg.store import KnowledgeGraph
from servers import oxigraph_server

FORMATS = ("table", "csv", "tsv", "json")
JSON = ox.QueryResultsFormat.JSON
TYPED = """SELECT ?what ?value ?iri WHERE { VALUES (?what ?value ?iri) {
  ("integer" 42 actor:PAK) ("negative integer" -7 actor:IND) ("integer, leading zeros" "007"^^xsd:integer UNDEF)
  ("decimal" 1.50 UNDEF) ("double" 1.0e0 UNDEF) ("large double" 1e20 UNDEF) ("not a number" "NaN"^^xsd:double UNDEF)
  ("infinity" "INF"^^xsd:double UNDEF) ("boolean" true UNDEF) ("boolean as 1" "1"^^xsd:boolean UNDEF)
  ("date" "2024-03-14"^^xsd:date UNDEF) ("date and time" "2024-03-14T10:00:00Z"^^xsd:dateTime UNDEF)
  ("language-tagged" "Grüße"@de UNDEF) ("text with , \\" tab\\t and\\nnewline" "a, \\"b\\"" UNDEF)
  ("unbound" UNDEF UNDEF) ("an IRI" dipl:accuses UNDEF) } }"""
CONSTRUCT = 'CONSTRUCT { actor:PAK dipl:x 1.50, 2.0e0, "Pakistan"@en, "2024-03-14"^^xsd:date } WHERE {}'
# what kg query printed for them when every result went through rdflib terms
TYPED_OUT = {
    'table': (
        'what                            value\n'
        '------------------------------  -------------------------\n'
        'integer                         42\n'
        'negative integer                -7\n'
        'integer, leading zeros          7\n'
        'decimal                         1.5\n'
        'double                          1.0\n'
        'large double                    1e+20\n'
        'not a number                    nan\n'
        'infinity                        inf\n'
        'boolean                         true\n'
        'boolean as 1                    true\n'
        'date                            2024-03-14\n'
        'date and time                   2024-03-14T10:00:00+00:00\n'
        'language-tagged                 Grüße\n'
        'text with , " tab\t and newline  a, "b"\n'
        'unbound\n'
        'an IRI                          dipl:accuses\n'
        '(16 rows; IRI columns iri left out, --format json has them)\n'
    ),
    'csv': (
        'what,value,iri\n'
        'integer,42,https://w3id.org/kg-dipl/id/actor/PAK\n'
        'negative integer,-7,https://w3id.org/kg-dipl/id/actor/IND\n'
        '"integer, leading zeros",7,\n'
        'decimal,1.5,\n'
        'double,1.0,\n'
        'large double,1e+20,\n'
        'not a number,nan,\n'
        'infinity,inf,\n'
        'boolean,true,\n'
        'boolean as 1,true,\n'
        'date,2024-03-14,\n'
        'date and time,2024-03-14T10:00:00+00:00,\n'
        'language-tagged,Grüße,\n'
        '"text with , "" tab\t and\n'
        'newline","a, ""b""",\n'
        'unbound,,\n'
        'an IRI,https://w3id.org/kg-dipl/ontology#accuses,\n'
    ),
    'tsv': (
        'what\tvalue\tiri\n'
        'integer\t42\thttps://w3id.org/kg-dipl/id/actor/PAK\n'
        'negative integer\t-7\thttps://w3id.org/kg-dipl/id/actor/IND\n'
        'integer, leading zeros\t7\t\n'
        'decimal\t1.5\t\n'
        'double\t1.0\t\n'
        'large double\t1e+20\t\n'
        'not a number\tnan\t\n'
        'infinity\tinf\t\n'
        'boolean\ttrue\t\n'
        'boolean as 1\ttrue\t\n'
        'date\t2024-03-14\t\n'
        'date and time\t2024-03-14T10:00:00+00:00\t\n'
        'language-tagged\tGrüße\t\n'
        '"text with , "" tab\t and\n'
        'newline"\t"a, ""b"""\t\n'
        'unbound\t\t\n'
        'an IRI\thttps://w3id.org/kg-dipl/ontology#accuses\t\n'
    ),
}
CONSTRUCT_OUT = {
    'table': (
        'subject    predicate  object\n'
        '---------  ---------  ----------\n'
        'actor:PAK  dipl:x     2024-03-14\n'
        'actor:PAK  dipl:x     1.50\n'
        'actor:PAK  dipl:x     2.0\n'
        'actor:PAK  dipl:x     Pakistan\n'
        '(4 rows)\n'
    ),
    'csv': (
        'subject,predicate,object\n'
        'https://w3id.org/kg-dipl/id/actor/PAK,https://w3id.org/kg-dipl/ontology#x,2024-03-14\n'
        'https://w3id.org/kg-dipl/id/actor/PAK,https://w3id.org/kg-dipl/ontology#x,1.50\n'
        'https://w3id.org/kg-dipl/id/actor/PAK,https://w3id.org/kg-dipl/ontology#x,2.0\n'
        'https://w3id.org/kg-dipl/id/actor/PAK,https://w3id.org/kg-dipl/ontology#x,Pakistan\n'
    ),
}
TYPED_JSON = [
    {"what": "integer", "value": 42, "iri": "https://w3id.org/kg-dipl/id/actor/PAK"},
    {"what": "negative integer", "value": -7, "iri": "https://w3id.org/kg-dipl/id/actor/IND"},
    {"what": "integer, leading zeros", "value": 7, "iri": None},
    {"what": "decimal", "value": 1.5, "iri": None},
    {"what": "double", "value": 1.0, "iri": None},
    {"what": "large double", "value": 1e20, "iri": None},
    {"what": "not a number", "value": float("nan"), "iri": None},
    {"what": "infinity", "value": float("inf"), "iri": None},
    {"what": "boolean", "value": True, "iri": None},
    {"what": "boolean as 1", "value": True, "iri": None},
    {"what": "date", "value": "2024-03-14", "iri": None},
    {"what": "date and time", "value": "2024-03-14T10:00:00+00:00", "iri": None},
    {"what": "language-tagged", "value": "Grüße", "iri": None},
    {"what": 'text with , " tab\t and\nnewline', "value": 'a, "b"', "iri": None},
    {"what": "unbound", "value": None, "iri": None},
    {"what": "an IRI", "value": "https://w3id.org/kg-dipl/ontology#accuses", "iri": None},
]


@pytest.fixture(scope="module")
def kg(example_store):
    with KnowledgeGraph(example_store, read_only=True) as kg:
        yield kg


def two_ways(kg, text: str, terms: dict | None = None) -> tuple[Rows, Result]:
    """One answer of the embedded store to ``text``, read by pyoxigraph (as kg query reads it) and by rdflib."""
    data = execute(kg, text, terms).serialize(format=JSON)
    return Rows.from_native(ox.parse_query_results(data, format=JSON)), Result.parse(io.BytesIO(data), format="json")


def test_typed_literals_and_unbound_values_print_as_before(kg):
    expected = {**TYPED_OUT, "json": json.dumps(TYPED_JSON, ensure_ascii=False, indent=1) + "\n"}
    for fmt in FORMATS:
        assert run_query(kg, TYPED, fmt=fmt) == expected[fmt], fmt
        rows, result = two_ways(kg, TYPED)
        assert format_result(result, fmt) == expected[fmt], fmt
    assert run_query(kg, "ASK {}", fmt="table") == "ask\n----\ntrue\n(1 row)\n"
    assert run_query(kg, "ASK { ?s dipl:nothing ?o }", fmt="csv") == "ask\nfalse\n"
    assert run_query(kg, "ASK {}", fmt="json") == '{"ask": true}\n'
    for fmt, text in CONSTRUCT_OUT.items():
        assert run_query(kg, CONSTRUCT, fmt=fmt) == text


def test_blank_nodes_are_shown_by_their_label(kg):
    text = 'SELECT ?n ?b WHERE { VALUES ?n { "one" "two" } BIND(BNODE(?n) AS ?b) }'
    rows, result = two_ways(kg, text)
    labels = [r[1].value for r in rows.rows]
    assert [r[1].kind for r in rows.rows] == ["bnode", "bnode"] and len(set(labels)) == 2
    for fmt in FORMATS:
        out = format_result(rows, fmt)
        assert out == format_result(result, fmt), fmt
        assert all(label in out for label in labels), fmt


def test_a_remote_server_prints_the_same_text():
    server = oxigraph_server("--union-default-graph")
    try:
        with KnowledgeGraph(server.url) as remote:
            for fmt in ("table", "csv", "tsv"):
                assert run_query(remote, TYPED, fmt=fmt) == TYPED_OUT[fmt], fmt
            assert run_query(remote, TYPED, fmt="json") == json.dumps(TYPED_JSON, ensure_ascii=False, indent=1) + "\n"
            assert run_query(remote, CONSTRUCT, fmt="table") == CONSTRUCT_OUT["table"]
    finally:
        server.stop()


def _values(kg) -> dict[str, str]:
    """A value for every parameter of the named queries that finds rows in ``kg``."""
    (source, target, cls), = kg.select(
        "SELECT ?a ?b ?c WHERE { ?e dipl:source ?a ; dipl:target ?b ; dipl:eventType ?c } "
        "GROUP BY ?a ?b ?c ORDER BY DESC(COUNT(?e)) ?a ?b ?c LIMIT 1")
    (story,), = kg.select("SELECT ?s WHERE { GRAPH graph:stories { ?s dipl:hasReport ?e } } "
                          "GROUP BY ?s ORDER BY DESC(COUNT(?e)) ?s LIMIT 1")
    country = next(kg.select("SELECT ?c WHERE { ?p dipl:actsFor ?c } ORDER BY ?c LIMIT 1"), (source,))[0]
    return {"actor": f"<{source}>", "source": f"<{source}>", "other": f"<{target}>", "target": f"<{target}>",
            "country": f"<{country}>", "class": cls.rsplit("#", 1)[-1], "story": f"<{story}>",
            "from": "2000-01-01", "since": "2000-01-01", "to": "2100-01-01", "until": "2100-01-01"}


def test_every_named_query_prints_the_same_from_pyoxigraph_and_from_rdflib(kg):
    given = _values(kg)
    shown = 0
    for nq in named_queries().values():
        for optional in (False, True):
            values = {p.name: given[p.name] for p in nq.params if p.required or optional}
            terms, _ = resolve_actors(kg, nq, nq.bind(values))
            declared = {p.name for p in nq.params}
            rows, result = two_ways(kg, nq.text_for(values), terms)
            shown += bool(rows.rows)
            for fmt in FORMATS:
                out = run_named(kg, nq, values, fmt)[0]
                assert format_result(rows, fmt, terms, declared) == out, (nq.name, values, fmt)
                assert format_result(result, fmt, terms, declared) == out, (nq.name, values, fmt)
    assert shown >= len(named_queries()), "most named queries find rows in the example store"
