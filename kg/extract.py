"""From a Document to its actors and relations: the extraction stage as one call.

>>> from kg import Extractor, Document                           # doctest: +SKIP
>>> ex = Extractor()                                               # doctest: +SKIP
>>> result = ex.extract(Document("n.txt", "France and Germany signed a treaty."))  # doctest: +SKIP
>>> [(r.source.label, r.cls, r.target.label) for r in result.relations]          # doctest: +SKIP
[('France', 'AGREE', 'Germany')]
"""
from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field

from spacy.language import Language

from .actors import Actor, Resolver
from .dates import When, inherit, resolve
from .events import relations
from .ingest import Document, by_words, count_words, is_headline, segments
from .lexicon import load_lexicon
from .nlp import load_nlp

__all__ = ["Extractor", "Extraction", "RelationRecord", "batches", "PIECE_WORDS", "LONG_CHARS"]

VENUE_PREPOSITIONS = {"in", "at"}
BATCH_WORDS = 4_000  # words per nlp.pipe batch: memory grows with words, not documents
PIECE_WORDS = 20_000  # words per piece of a long document streamed by :meth:`Extractor.extract_pieces`
LONG_CHARS = 200_000  # a document longer than this is extracted (and built) in pieces


@dataclass
class RelationRecord:
    """A relation with offsets into the document's text as read, and its date.

    ``sentence`` is the normalized sentence; ``date`` is ISO 8601 to ``date_precision`` (day, week, month,
    year); ``date_inherited`` says it is the document's date because the sentence states none.
    """

    source: Actor
    target: Actor
    cls: str
    trigger: str
    negated: bool
    modality: str
    sentence: str
    start: int
    end: int
    confidence: float
    symmetric: bool
    date: str | None
    reporter: Actor | None = None
    date_precision: str = "day"
    date_inherited: bool = False
    source_sector: str | None = None  # the sector the text names at this end, else the actor's
    target_sector: str | None = None
    mode: str | None = None
    context: tuple[str, ...] = ()
    place: str | None = None
    place_country: str | None = None
    source_text: str | None = None  # the words that name each end in the sentence
    target_text: str | None = None


@dataclass
class Extraction:
    document: Document
    actors: list[Actor] = field(default_factory=list)
    relations: list[RelationRecord] = field(default_factory=list)


class Extractor:
    """Runs the pipeline over documents. One instance loads the model once."""

    def __init__(self, model: str | None = None, nlp: Language | None = None) -> None:
        self.nlp = nlp or load_nlp(model)

    def extract(self, document: Document) -> Extraction:
        return next(self.extract_many([document]))

    def extract_many(self, documents: Iterable[Document]) -> Iterator[Extraction]:
        """Extract a stream of documents, in order.

        Whole documents are grouped until a group holds about :data:`BATCH_WORDS` words; the
        group's paragraphs go through one ``nlp.pipe`` call whose batches hold about as many
        words, so memory follows words, not documents, and short articles still share batches.
        """
        for group in _groups(documents):
            texts = [text for _, parts in group for _, text in parts]
            words = sum(count_words(t) for t in texts) or 1
            docs = iter(self.nlp.pipe(texts, batch_size=max(1, BATCH_WORDS * len(texts) // words)))
            for document, parts in group:
                resolver = Resolver(date=document.date, document=document.key)
                named: set[int] = set()  # actors some mention names other than as a venue
                result = Extraction(document)
                in_headline = 0  # how many relations, first in the list, come from the headline
                for k, ((offset, text), doc) in enumerate(zip(parts, docs)):  # parts first: never over-reads docs
                    resolver.resolve_doc(doc)
                    named.update(_named_not_as_venue(doc))
                    result.relations.extend(_records(doc, offset, document))
                    if k == 0 and is_headline(text):
                        in_headline = len(result.relations)
                result.relations = _once(result.relations, in_headline)
                _localize(resolver, result.relations)
                result.actors = _needed(resolver.finish(((r.source, r.target) for r in result.relations), named),
                                        result.relations, named)
                for r in result.relations:
                    r.source_sector = r.source_sector or r.source.sector
                    r.target_sector = r.target_sector or r.target.sector
                yield result

    def extract_pieces(self, document: Document, words: int | None = None) -> Iterator[tuple[Extraction, int]]:
        """Extract one long document in pieces of about ``words`` (default :data:`PIECE_WORDS`) words,
        in bounded memory.

        Yields ``(partial extraction, words done so far)``: each piece's relations as they are
        found (``actors`` empty), then one last extraction holding every actor of the document
        and no relation (actors are resolved across the whole document, so their aliases and
        roles are complete only at the end). Offsets are into ``document.text`` as in
        :meth:`extract_many`, and the relations are post-processed as there: the headline's
        relations that the first piece states again are counted once, groups are localized per
        piece, and the actors kept are those the whole document's relations and mentions need.
        """
        resolver = Resolver(date=document.date, document=document.key)
        named: set[int] = set()  # actors some mention names other than as a venue
        used: set[int] = set()  # actors some relation of an earlier piece has at an end
        pairs: dict[tuple[int, int], tuple[Actor, Actor]] = {}  # (source, target) of the relations so far, once
        done = 0
        parts = segments(document)
        for n, piece in enumerate(by_words(parts, lambda part: count_words(part[1]), words or PIECE_WORDS)):
            texts = [text for _, text in piece]
            batch = max(1, BATCH_WORDS * len(texts) // (sum(map(count_words, texts)) or 1))
            result = Extraction(document)
            in_headline = 0
            for k, ((offset, text), doc) in enumerate(zip(piece, self.nlp.pipe(texts, batch_size=batch))):
                resolver.resolve_doc(doc)
                named.update(_named_not_as_venue(doc))
                result.relations.extend(_records(doc, offset, document))
                if n == 0 and k == 0 and is_headline(text):
                    in_headline = len(result.relations)
                done += count_words(text)
            if n == 0:
                result.relations = _once(result.relations, in_headline)
            _localize(resolver, result.relations)
            pairs.update(((id(r.source), id(r.target)), (r.source, r.target)) for r in result.relations)
            for r in result.relations:
                for a in (r.source, r.target):
                    used.add(id(a))
                    resolver._classify(a)  # the sector known so far: this piece is written now
                r.source_sector = r.source_sector or r.source.sector
                r.target_sector = r.target_sector or r.target.sector
            yield result, done
        yield Extraction(document, actors=_needed(resolver.finish(pairs.values(), named), [], named, used)), done


def _records(doc, offset: int, document: Document) -> Iterator[RelationRecord]:
    """The relations of one parsed paragraph, with spans in the original text and resolved dates."""
    for r in relations(doc):
        when = _when(r.when, document.date)
        start, end = document.original_span(offset + r.sentence.start_char, offset + r.sentence.end_char)
        yield RelationRecord(
            r.source, r.target, r.cls, r.trigger, r.negated, r.modality, r.sentence.text,
            start, end, r.confidence, r.symmetric, when and when.value, r.reporter,
            when.precision if when else "day", bool(when and when.inherited),
            source_sector=r.source_sector, target_sector=r.target_sector, mode=r.mode,
            context=r.context, place=r.place, place_country=r.place_country,
            source_text=r.source_text, target_text=r.target_text)

def _key(r: RelationRecord) -> tuple:
    ends = frozenset((r.source.key, r.target.key)) if r.symmetric else (r.source.key, r.target.key)
    return ends, r.cls, r.negated


def _once(found: list[RelationRecord], in_headline: int) -> list[RelationRecord]:
    """The headline's relations (the first ``in_headline``) that the article states again are counted there only."""
    body = {_key(r) for r in found[in_headline:]}
    return [r for r in found[:in_headline] if _key(r) not in body] + found[in_headline:]


def _when(phrase, document_date: str | None) -> When | None:
    """The date the sentence states, else the document's (inherited)."""
    return (resolve(phrase.text, document_date, phrase.tense) if phrase else None) or inherit(document_date)


def _localize(resolver: Resolver, relations: list[RelationRecord]) -> None:
    """A country's police acting on a group of unknown country act at home: the group is in that country."""
    moved: dict[int, Actor] = {}
    for r in relations:
        for group, other, sector in ((r.target, r.source, r.source_sector), (r.source, r.target, r.target_sector)):
            if group.group and group.parent is None and other.type == "Country" and sector == "COP":
                moved.setdefault(id(group), resolver.localize(group, other.key))
    for r in relations:
        r.source, r.target = moved.get(id(r.source), r.source), moved.get(id(r.target), r.target)


def _named_not_as_venue(doc) -> set[int]:
    """ids of the actors that a mention of ``doc`` names other than as a capital in a locative phrase
    ("talks in Vienna" names a place, not Austria) or as the country after a venue ("in Nuuk, Greenland")."""
    out = set()
    nouns = load_lexicon().nouns
    for m in doc._.kg_mentions or []:
        if m.actor is None or m.kind == "pronoun":
            continue
        head = doc[m.end - 1]
        prep = head.head
        at = prep.head  # what the locative phrase is attached to: an act or an event noun makes it a venue
        if head.dep_ == "appos" and prep.dep_ == "pobj" and at.lower_ in VENUE_PREPOSITIONS:
            continue  # "met in Nuuk, Greenland": where the venue is
        if not (m.venue and head.dep_ == "pobj" and prep.lower_ in VENUE_PREPOSITIONS
                and (at.pos_ in {"VERB", "AUX"} or at.lemma_.lower() in nouns)):
            out.add(id(m.actor))
    return out


def _needed(actors: list[Actor], relations: list[RelationRecord], named: set[int],
            used: set[int] = frozenset()) -> list[Actor]:
    """The actors of a document without the groups of unknown country that no relation needs, and without
    countries the text names only by a capital where something happened, unless a relation or a person needs them.
    ``used``: ids of actors at an end of relations given earlier (a document extracted in pieces)."""
    used = set(used) | {id(a) for r in relations for a in (r.source, r.target)}
    held = {k for a in actors for k in [*a.affiliations, a.part_of] if k}
    return [a for a in actors if not (a.group and a.part_of is None and id(a) not in used)
            and (id(a) in named or id(a) in used or a.key in held or a.type != "Country")]


def _groups(documents: Iterable[Document]) -> Iterator[list[tuple[Document, list[tuple[int, str]]]]]:
    """Documents with their paragraphs, grouped to about BATCH_WORDS words."""
    with_parts = ((document, list(segments(document))) for document in documents)
    return by_words(with_parts, lambda item: sum(count_words(t) for _, t in item[1]), BATCH_WORDS)


def batches(texts: Iterable[str], words: int = BATCH_WORDS) -> Iterator[list[str]]:
    """Texts grouped into lists of about ``words`` words (a longer text alone): batching by words."""
    return by_words(texts, count_words, words)
