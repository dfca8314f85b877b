"""The RDF graph itself: deterministic IRIs, one graph per document, merge and remove, W3C org views."""
from __future__ import annotations

from pathlib import Path

import pytest
from rdflib import BNode, Dataset, Graph, URIRef
from rdflib.compare import isomorphic
from rdflib.namespace import ORG

from kg.actors import Actor
from kg.build import build
from kg.extract import Extraction, RelationRecord
from kg.ingest import Document
from kg.rdf import actor_iri, document_iri, membership_iri, post_iri, role_iri, to_graph
from kg.store import KnowledgeGraph
from kg.vocab import DIPL, ONTOLOGY_GRAPH

TEXTS = {
    "grain.txt": "Turkey and the United Nations brokered a deal between Russia and Ukraine on Friday. "
                 "Russia accused Ukraine of violating the agreement. "
                 "Ukraine rejected the accusation. Russia attacked Ukraine again on Saturday.\n",
    "iran.txt": "Iran agreed with France to limit its nuclear programme. "
                "The United States threatened Iran with new sanctions. "
                "Germany praised France for its mediation. Iran cooperated with China.\n",
}

CARNEY = Actor("mark-carney", "Mark Carney", "Person", "HeadOfGovernment", "CAN", "Prime Minister", ["CAN"], ["Carney"])
CAN = Actor("CAN", "Canada", "Country", "State", "CAN")
MEX = Actor("MEX", "Mexico", "Country", "State", "MEX", aliases=["Mexico City"])


def relation(src: Actor, cls: str, tgt: Actor, sentence: str, start: int = 0, **kw) -> RelationRecord:
    args = dict(trigger="praised", negated=False, modality="asserted", sentence=sentence, start=start,
                end=start + len(sentence), confidence=0.9, symmetric=False, date="2025-03-07")
    args.update(kw)
    return RelationRecord(source=src, target=tgt, cls=cls, **args)


def extraction(doc_id: str, text: str, actors: list[Actor], relations: list[RelationRecord]) -> Extraction:
    return Extraction(Document(doc_id, text, title=doc_id, date="2025-03-07"), actors, relations)


def add(kg: KnowledgeGraph, ex: Extraction):
    return kg.add(document_iri(ex.document), to_graph(ex), ex.document.content_hash)


def store_dataset(store) -> Dataset:
    """Every document quad of a store, as an rdflib Dataset."""
    ds = Dataset()
    with KnowledgeGraph(store, read_only=True) as kg:
        for g, s, p, o in kg.query(f"SELECT ?g ?s ?p ?o WHERE {{ GRAPH ?g {{ ?s ?p ?o }} "
                                   f"FILTER(?g != <{ONTOLOGY_GRAPH}>) }}"):
            ds.graph(g).add((s, p, o))
    return ds


@pytest.fixture(scope="module")
def corpus(tmp_path_factory) -> Path:
    d = tmp_path_factory.mktemp("corpus")
    for name, text in TEXTS.items():
        (d / name).write_text(text, encoding="utf-8")
    return d


def test_same_input_gives_the_same_graph(tmp_path, corpus, extractor, monkeypatch):
    monkeypatch.chdir(corpus)  # same relative paths, so the same document IRIs
    a, b = tmp_path / "a", tmp_path / "b"
    build(["."], store=str(a), extractor=extractor)
    build(sorted(TEXTS, reverse=True), store=str(b), extractor=extractor)  # another order, same facts
    da, db = store_dataset(a), store_dataset(b)
    quads_a = set(da.quads((None, None, None, None)))
    assert any(q[2] == DIPL.Event for q in quads_a), "the texts should give events"
    assert not any(isinstance(t, BNode) for q in quads_a for t in q), "every IRI is minted, no blank nodes"
    assert quads_a == set(db.quads((None, None, None, None)))
    union_a, union_b = Graph(), Graph()
    for s, p, o, _ in quads_a:
        union_a.add((s, p, o))
    for s, p, o, _ in db.quads((None, None, None, None)):
        union_b.add((s, p, o))
    assert isomorphic(union_a, union_b)
    for g in {q[3] for q in quads_a}:
        assert isomorphic(da.graph(g), db.graph(g))


def test_event_node_and_document_node_carry_their_provenance(tmp_path):
    text = "Mark Carney praised Mexico for its cooperation on migration."
    ex = extraction("notes/canada.txt", text, [CARNEY, CAN, MEX], [relation(CARNEY, "SUPPORT", MEX, text)])
    with KnowledgeGraph(tmp_path / "s") as kg:
        assert add(kg, ex).status == "new"
        (row,) = kg.query("""SELECT ?cls ?trigger ?neg ?mod ?date ?conf ?sentence ?start ?end ?title ?ddate ?src ?hash
            WHERE { ?e a dipl:Event ; dipl:source actor:mark-carney ; dipl:target actor:MEX ;
                    dipl:eventType/skos:prefLabel ?cls ; dipl:trigger ?trigger ; dipl:negated ?neg ;
                    dipl:modality ?mod ; dcterms:date ?date ; dipl:confidence ?conf ; dipl:sentence ?sentence ;
                    dipl:startChar ?start ; dipl:endChar ?end ; prov:wasDerivedFrom ?d .
                    ?d a dipl:Document ; dcterms:title ?title ; dcterms:date ?ddate ; dcterms:source ?src ;
                    dipl:contentHash ?hash }""")
        assert [str(x) for x in row[:4]] == ["SUPPORT", "praised", "false", "asserted"]
        assert text[int(row[7]):int(row[8])] == str(row[6])
        assert str(row[11]) == "notes/canada.txt" and str(row[12]) == ex.document.content_hash
        assert kg.query("ASK { actor:mark-carney dipl:supports actor:MEX }").askAnswer


def test_memberships_posts_and_roles_use_the_w3c_org_ontology(tmp_path):
    text = "Mark Carney praised Mexico."
    with KnowledgeGraph(tmp_path / "s") as kg:
        add(kg, extraction("a.txt", text, [CARNEY, CAN, MEX], []))
        g = Graph()
        for s, p, o in kg.query("SELECT ?s ?p ?o WHERE { GRAPH graph:actors { ?s ?p ?o } }"):
            g.add((s, p, o))
    carney, canada = actor_iri("mark-carney"), actor_iri("CAN")
    (m,) = g.subjects(ORG.member, carney)
    assert g.value(m, ORG.organization) == canada
    role = g.value(m, ORG.role)
    assert role == role_iri("Prime Minister") == URIRef("https://w3id.org/kg-dipl/id/role/prime-minister")
    assert str(g.value(role, URIRef("http://www.w3.org/2004/02/skos/core#prefLabel"))) == "Prime Minister"
    (post,) = g.objects(carney, ORG.holds)
    assert g.value(post, ORG.postIn) == canada and g.value(post, ORG.role) == role
    assert post == post_iri("CAN", "Prime Minister") and m == membership_iri("mark-carney", "CAN")


def test_actors_merge_across_documents_and_remove_keeps_what_others_support(tmp_path):
    s1 = "Mark Carney praised Mexico for its help."
    s2 = "Carney again praised Mexico on Monday."
    s3 = "Mexico accused Canada of dumping steel."
    one = extraction("one.txt", s1, [CARNEY, CAN, MEX], [relation(CARNEY, "SUPPORT", MEX, s1)])
    two = extraction("two.txt", s2 + " " + s3, [CARNEY, CAN, MEX],
                     [relation(CARNEY, "SUPPORT", MEX, s2),
                      relation(MEX, "ACCUSE", CAN, s3, start=len(s2) + 1, trigger="accused")])
    with KnowledgeGraph(tmp_path / "s") as kg:
        add(kg, one), add(kg, two)
        n = kg.query("SELECT (COUNT(DISTINCT ?a) AS ?n) WHERE { ?a a dipl:Person }")
        assert int(next(iter(n))[0]) == 1, "one node per actor across documents"
        docs = {str(r[0]) for r in kg.query("SELECT ?id WHERE { actor:mark-carney dipl:mentionedIn/dcterms:identifier ?id }")}
        assert docs == {"one.txt", "two.txt"}

        assert kg.remove(kg.find_document("two.txt"))
        assert kg.query("ASK { actor:mark-carney dipl:supports actor:MEX }").askAnswer, "one.txt still supports it"
        assert not kg.query("ASK { actor:MEX dipl:accuses actor:CAN }").askAnswer, "only two.txt supported it"
        assert not kg.query("ASK { ?e dipl:sentence ?s FILTER(CONTAINS(?s, 'Monday')) }").askAnswer
        assert [i for _, i in kg.documents()] == ["one.txt"]

        assert kg.remove(kg.find_document(str(document_iri(one.document))))  # by IRI
        assert not kg.query("ASK { ?a ?p ?o FILTER(?a = actor:mark-carney) }").askAnswer
        assert not kg.remove(document_iri(one.document)), "a second remove reports nothing removed"


def test_find_document_by_path_identifier_or_iri(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    ex = extraction("docs/a.txt", "Mexico accused Canada.", [CAN, MEX], [])
    with KnowledgeGraph(tmp_path / "s") as kg:
        add(kg, ex)
        iri = document_iri(ex.document)
        assert kg.find_document("docs/a.txt") == iri
        assert kg.find_document(str(tmp_path / "docs" / "a.txt")) == iri  # absolute path of the same file
        assert kg.find_document(str(iri)) == iri
        assert kg.find_document("docs/b.txt") is None


def test_changed_document_replaces_its_graph_in_one_update(tmp_path):
    s1 = "Mexico accused Canada of dumping steel."
    old = extraction("a.txt", s1, [CAN, MEX], [relation(MEX, "ACCUSE", CAN, s1, trigger="accused")])
    s2 = "Mexico praised Canada."
    new = extraction("a.txt", s2, [CAN, MEX], [relation(MEX, "SUPPORT", CAN, s2)])
    with KnowledgeGraph(tmp_path / "s") as kg:
        assert add(kg, old).status == "new"
        assert add(kg, old).status == "unchanged"
        assert add(kg, new).status == "changed"
        assert not kg.query("ASK { actor:MEX dipl:accuses actor:CAN }").askAnswer
        assert kg.query("ASK { actor:MEX dipl:supports actor:CAN }").askAnswer
        assert len(list(kg.documents())) == 1
