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
from .nlp import load_nlp

__all__ = ["Extractor", "Extraction", "RelationRecord", "batches"]

BATCH_WORDS = 4_000  # words per nlp.pipe batch: memory grows with words, not documents


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
                resolver = Resolver(date=document.date)
                result = Extraction(document)
                in_headline = 0  # how many relations, first in the list, come from the headline
                for k, ((offset, text), doc) in enumerate(zip(parts, docs)):  # parts first: never over-reads docs
                    resolver.resolve_doc(doc)
                    for r in relations(doc):
                        when = _when(r.when, document.date)
                        start, end = document.original_span(offset + r.sentence.start_char,
                                                            offset + r.sentence.end_char)
                        result.relations.append(RelationRecord(
                            r.source, r.target, r.cls, r.trigger, r.negated, r.modality, r.sentence.text,
                            start, end, r.confidence, r.symmetric, when and when.value, r.reporter,
                            when.precision if when else "day", bool(when and when.inherited)))
                    if k == 0 and is_headline(text):
                        in_headline = len(result.relations)
                result.relations = _once(result.relations, in_headline)
                result.actors = resolver.finish()
                yield result


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


def _groups(documents: Iterable[Document]) -> Iterator[list[tuple[Document, list[tuple[int, str]]]]]:
    """Documents with their paragraphs, grouped to about BATCH_WORDS words."""
    with_parts = ((document, list(segments(document))) for document in documents)
    return by_words(with_parts, lambda item: sum(count_words(t) for _, t in item[1]), BATCH_WORDS)


def batches(texts: Iterable[str], words: int = BATCH_WORDS) -> Iterator[list[str]]:
    """Texts grouped into lists of about ``words`` words (a longer text alone): batching by words."""
    return by_words(texts, count_words, words)
