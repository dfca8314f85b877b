"""A long document is streamed in pieces (parse, RDF, write), with the same graph and records as
one read whole, progress inside it, and an interruption inside it redone by the next build.
The thresholds are lowered so a few paragraphs make a long document; bench/memory.py measures
the memory on 1-20 MB documents."""
from __future__ import annotations

import pytest

import kg.build
import kg.extract
import kg.store
from kg.build import build
from kg.ingest import Document
from kg.layout import ACTORS_GRAPH, NETWORK_GRAPH, STALE_GRAPH
from kg.records import records
from kg.spans import ent_at, ents_in
from kg.store import KnowledgeGraph
from kg.stories import STORIES_GRAPH

PARAS = ["France and Germany signed a trade agreement in Berlin on Monday.",
         "Russia accused Ukraine of shelling the power plant, the foreign minister Sergei Lavrov said.",
         "Iran rejected the proposal from the European Union.",
         "China and India agreed to hold talks on the border dispute; India thanked China.",
         "Japan condemned the missile test by North Korea."]
TEXT = "\n\n".join(" ".join(PARAS[(i + k) % len(PARAS)] for k in range(5)) for i in range(12)) + "\n"


def graph_of(store) -> set:
    with KnowledgeGraph(store, read_only=True) as g:
        doc = next(iter(g.documents()))[0]
        return {tuple(map(str, row)) for row in g.query(f"SELECT ?s ?p ?o {{ GRAPH <{doc}> {{ ?s ?p ?o }} }}")}


def maintained_of(store) -> set:
    """The actors, network and story graphs (kg.layout), which a streamed document must leave as a whole one does."""
    with KnowledgeGraph(store, read_only=True) as g:
        return {tuple(map(str, row)) for row in g.query(
            f"SELECT ?g ?s ?p ?o {{ VALUES ?g {{ <{ACTORS_GRAPH}> <{NETWORK_GRAPH}> <{STORIES_GRAPH}> }} "
            f"GRAPH ?g {{ ?s ?p ?o }} }}")}


def small_pieces(monkeypatch) -> None:
    monkeypatch.setattr(kg.build, "LONG_CHARS", 1_000)
    monkeypatch.setattr(kg.extract, "PIECE_WORDS", 150)


@pytest.fixture(name="small_pieces")
def small_pieces_fixture(monkeypatch) -> None:
    small_pieces(monkeypatch)


def test_a_long_document_is_streamed_with_the_same_graph(tmp_path, extractor, monkeypatch):
    doc = tmp_path / "long.txt"
    doc.write_text(TEXT, encoding="utf-8")
    whole = build([str(doc)], store=str(tmp_path / "whole"), extractor=extractor)
    monkeypatch.setattr(kg.build, "LONG_CHARS", 1_000)
    monkeypatch.setattr(kg.extract, "PIECE_WORDS", 150)
    seen = []
    streamed = build([str(doc)], store=str(tmp_path / "streamed"), extractor=extractor,
                     on_document=lambda d, s: seen.append((d, s)))
    assert streamed.new == whole.new == 1 and not streamed.failed
    assert (streamed.actors, streamed.relations) == (whole.actors, whole.relations)
    progress = [d for d, s in seen if s == "in progress"]
    assert len(progress) >= 3 and "words)" in progress[0], seen
    assert graph_of(tmp_path / "streamed") == graph_of(tmp_path / "whole")
    assert maintained_of(tmp_path / "streamed") == maintained_of(tmp_path / "whole") != set()
    again = build([str(doc)], store=str(tmp_path / "streamed"), extractor=extractor)
    assert again.unchanged == 1


def test_pieces_give_the_records_of_the_whole(extractor):
    d = Document("long.txt", TEXT)
    whole = list(records(extractor.extract(d)))
    pieces = [r for part, _ in extractor.extract_pieces(d, words=150) for r in records(part)]
    key = lambda r: sorted(r.items(), key=str)  # noqa: E731
    assert sorted(map(str, map(key, pieces))) == sorted(map(str, map(key, whole)))


def test_a_build_interrupted_inside_a_long_document_is_redone(tmp_path, extractor, small_pieces):
    doc = tmp_path / "long.txt"
    doc.write_text(TEXT, encoding="utf-8")
    store = str(tmp_path / "st")

    def stop_midway(d: str, status: str) -> None:
        if status == "in progress" and "writing piece 2 of" in d:
            raise KeyboardInterrupt

    with pytest.raises(KeyboardInterrupt):
        build([str(doc)], store=store, extractor=extractor, on_document=stop_midway)
    with KnowledgeGraph(store, read_only=True) as g:
        assert g.query("ASK { GRAPH ?d { ?e a dipl:Event } }").askAnswer, "the first pieces were written"
        assert not g.query("ASK { ?d dipl:contentHash ?h }").askAnswer, "a partial document has no content hash"
        assert g.query(f"ASK {{ GRAPH <{STALE_GRAPH}> {{ ?k ?p ?o }} }}").askAnswer, "what it touched is marked"
    other = tmp_path / "other.txt"
    other.write_text("Chile thanked Peru for its help.\n", encoding="utf-8")
    assert build([str(other)], store=store, extractor=extractor).new == 1  # another document: the partial one goes
    build([str(other)], store=str(tmp_path / "other"), extractor=extractor)
    assert maintained_of(store) == maintained_of(tmp_path / "other")
    with KnowledgeGraph(store, read_only=True) as g:
        assert len(list(g.documents())) == 1
        assert not g.query(f"ASK {{ GRAPH <{STALE_GRAPH}> {{ ?k ?p ?o }} }}").askAnswer
    again = build([str(doc)], store=store, extractor=extractor)
    assert again.new == 1 and not again.failed
    with KnowledgeGraph(store, read_only=True) as g:
        assert g.query("ASK { ?d dipl:contentHash ?h }").askAnswer
        assert not g.query(f"ASK {{ GRAPH <{STALE_GRAPH}> {{ ?k ?p ?o }} }}").askAnswer
    build([str(other), str(doc)], store=str(tmp_path / "clean"), extractor=extractor)
    assert maintained_of(store) == maintained_of(tmp_path / "clean")


def test_a_changed_long_document_replaces_the_stored_one(tmp_path, extractor, small_pieces):
    """The stored version is marked, deleted in pieces and its actors and edges re-derived: what only it
    said leaves the maintained graphs."""
    doc = tmp_path / "long.txt"
    doc.write_text(TEXT.replace("Japan condemned the missile test by North Korea.", "Chile thanked Peru."),
                   encoding="utf-8")
    store = str(tmp_path / "st")
    assert build([str(doc)], store=store, extractor=extractor).new == 1
    doc.write_text(TEXT, encoding="utf-8")
    assert build([str(doc)], store=store, extractor=extractor).changed == 1
    build([str(doc)], store=str(tmp_path / "clean"), extractor=extractor)
    assert graph_of(store) == graph_of(tmp_path / "clean")
    assert maintained_of(store) == maintained_of(tmp_path / "clean")
    assert "Peru" not in str(maintained_of(store))


@pytest.mark.parametrize("keys, evidence", [(3, 4), (20, 10**6)])
def test_stale_keys_are_refreshed_in_bounded_updates_a_story_together(tmp_path, extractor, monkeypatch, keys, evidence):
    """Tiny budgets split story groups and lone keys with much evidence; roomy ones keep each story's mentions in
    one update: either way the maintained graphs are those of the document read whole."""
    doc = tmp_path / "long.txt"
    doc.write_text(TEXT, encoding="utf-8")
    build([str(doc)], store=str(tmp_path / "whole"), extractor=extractor)
    small_pieces(monkeypatch)
    monkeypatch.setattr(kg.store, "STALE_KEYS", keys)
    monkeypatch.setattr(kg.store, "STALE_EVIDENCE", evidence)
    updates: list[list[tuple[str, str]]] = []
    real = kg.store.refresh_stale_update
    monkeypatch.setattr(kg.store, "refresh_stale_update", lambda batch: real(updates.append(list(batch)) or updates[-1]))
    assert build([str(doc)], store=str(tmp_path / "streamed"), extractor=extractor).new == 1
    assert updates and max(map(len, updates)) <= keys
    assert maintained_of(tmp_path / "streamed") == maintained_of(tmp_path / "whole") != set()
    with KnowledgeGraph(tmp_path / "streamed", read_only=True) as g:
        story = {str(e): str(k) for e, k in g.query("SELECT ?e ?k { GRAPH ?d { ?e dipl:storyKey ?k } }")}
    update_of = {key: n for n, batch in enumerate(updates) for key, _ in batch if key in story}
    assert set(update_of) == set(story)
    stories: dict[str, set[int]] = {}
    for e, k in story.items():
        stories.setdefault(k, set()).add(update_of[e])
    biggest = max(sum(1 for v in story.values() if v == k) for k in stories)
    assert len(updates) > 1 and (biggest <= keys) == (keys == 20), (biggest, len(updates))
    if biggest <= keys:
        assert all(len(n) == 1 for n in stories.values()), "each story's mentions re-derived in one update"
    else:
        assert any(len(n) > 1 for n in stories.values()), "a story too big for one update is split"


def test_entities_read_from_the_tokens_are_spacys(extractor):
    """kg.spans gives what Span.ents and a scan of Doc.ents give, for sentences and for spans cut anywhere."""
    doc = extractor.nlp(" ".join(PARAS * 3) + " On 3 March 2021 Emmanuel Macron met Olaf Scholz in Paris.")
    spans = [*doc.sents, *(doc[i:i + w] for w in (1, 3, 7) for i in range(len(doc) - w))]
    assert sum(len(s.ents) for s in spans) > 20
    for span in spans:
        assert [(e.start, e.end, e.label_) for e in ents_in(span)] == [(e.start, e.end, e.label_) for e in span.ents]
    for tok in doc:
        spacy = next((e for e in doc.ents if e.start <= tok.i < e.end), None)
        mine = ent_at(doc, tok.i)
        assert (mine.start, mine.end, mine.label_) == (spacy.start, spacy.end, spacy.label_) if spacy else mine is None
