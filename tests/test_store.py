"""The real on-disk Oxigraph store: round trips, idempotent rebuilds, refusals."""
from pathlib import Path

import pytest

from kg.build import build
from kg.errors import QueryError, StoreError
from kg.store import KnowledgeGraph

ARTICLE = ("Canada and Mexico Renew Their Trade Pact\n\n"
           "Canada's Prime Minister Mark Carney met Mexico's President Claudia Sheinbaum in Mexico City on Friday. "
           "Carney praised Mexico for its cooperation on migration. "
           "Mexican officials said the two governments agreed to expand energy trade.\n")


@pytest.fixture()
def article(tmp_path: Path) -> Path:
    p = tmp_path / "north_america.txt"
    p.write_text(ARTICLE, encoding="utf-8")
    return p


def test_round_trip_text_to_store_to_sparql(tmp_path, article, extractor):
    store = tmp_path / "store"
    summary = build([str(article)], store=str(store), extractor=extractor)
    assert summary.new == 1 and not summary.failed
    with KnowledgeGraph(store, read_only=True) as kg:
        labels = {str(r[0]) for r in kg.query("SELECT ?l WHERE { ?a a dipl:Country ; skos:prefLabel ?l }")}
        assert {"Canada", "Mexico"} <= labels
        persons = {str(r[0]): str(r[1]) for r in kg.query(
            "SELECT ?l ?c WHERE { ?p a dipl:Person ; skos:prefLabel ?l ; dipl:actsFor/skos:prefLabel ?c }")}
        assert persons.get("Mark Carney") == "Canada"
        support = list(kg.query("SELECT ?s WHERE { ?s dipl:supports actor:MEX }"))
        assert support, "the praise should be a direct SUPPORT edge"
        ev = list(kg.query("SELECT ?sentence ?start WHERE { ?e dipl:eventType dipl:SUPPORT ; dipl:sentence ?sentence ;"
                           " dipl:startChar ?start ; prov:wasDerivedFrom ?d . ?d a dipl:Document }"))
        assert ARTICLE[int(ev[0][1]):].startswith(str(ev[0][0]))


def test_rebuild_skips_unchanged_and_replaces_changed(tmp_path, article, extractor):
    store = str(tmp_path / "store")
    build([str(article)], store=store, extractor=extractor)
    count = "SELECT (COUNT(*) AS ?n) WHERE { ?e a dipl:Event }"
    with KnowledgeGraph(store) as kg:
        before = int(next(iter(kg.query(count)))[0])
    again = build([str(article)], store=store, extractor=extractor)
    assert again.unchanged == 1 and again.new == 0
    article.write_text(ARTICLE + "Mexico later rejected the Canadian proposal.\n", encoding="utf-8")
    changed = build([str(article)], store=store, extractor=extractor)
    assert changed.changed == 1
    with KnowledgeGraph(store) as kg:
        after = int(next(iter(kg.query(count)))[0])
        docs = list(kg.documents())
    assert len(docs) == 1
    assert after >= before  # replaced, never duplicated: one document graph


def test_remove_drops_the_document_graph(tmp_path, article, extractor):
    store = str(tmp_path / "store")
    build([str(article)], store=store, extractor=extractor)
    with KnowledgeGraph(store) as kg:
        (graph, _), = kg.documents()
        assert kg.remove(graph)
        assert list(kg.documents()) == []
        assert not kg.query("ASK { ?s dipl:supports ?o }").askAnswer


def test_store_path_that_is_a_file_is_refused(tmp_path):
    f = tmp_path / "file"
    f.write_text("x")
    with pytest.raises(StoreError, match="is a file"):
        KnowledgeGraph(f)


def test_foreign_directory_is_refused_and_left_alone(tmp_path):
    d = tmp_path / "photos"
    d.mkdir()
    (d / "holiday.jpg").write_bytes(b"\xff\xd8")
    with pytest.raises(StoreError, match="not a kg store"):
        KnowledgeGraph(d)
    assert [p.name for p in d.iterdir()] == ["holiday.jpg"]


def test_invalid_sparql_is_a_query_error(tmp_path):
    with KnowledgeGraph(tmp_path / "s") as kg:
        with pytest.raises(QueryError, match="invalid SPARQL"):
            kg.query("SELECT ?x WHERE { ?x ")
