"""Why kg coded a sentence the way it did: the parse, the actors, every trigger and its rules.

:func:`explain` runs the extraction path itself (the same pipeline, :class:`~kg.actors.Resolver`
and :func:`~kg.events.relations`, with a :class:`~kg.events.Trace` collector) over a whole
document, so pronouns and short names resolve as they do in ``kg extract``, and reports the
sentences asked for. :func:`format_explanation` renders the report as plain text (``kg explain``).

>>> from kg.ingest import Document                                        # doctest: +SKIP
>>> [e] = explain(Document("s", "France imposed sanctions on Mali."))     # doctest: +SKIP
>>> [(r.source.label, r.cls, r.target.label) for r in e.relations]       # doctest: +SKIP
[('France', 'SANCTION', 'Mali')]
"""
from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

from spacy.language import Language
from spacy.tokens import Span

from .actors import Mention, Resolver
from .errors import InputError
from .events import Relation, Trace, TriggerStep, relations
from .ingest import Document, segments
from .nlp import load_nlp

__all__ = ["SentenceExplanation", "explain", "format_explanation"]

HOW = {  # Mention.kind -> how the actor stage reads it
    "name": "gazetteer name",
    "demonym": "demonym: the country",
    "seat": "capital or seat: its government",
    "collective": "country + authority noun: the country",
    "person": "person",
    "org": "organization name (NER, organization head noun)",
    "pronoun": "pronoun: the most recent compatible actor",
    "definite": "description: the most recent compatible actor",
    "leader": "'the <demonym> leader': that country's head, else the country",
    "group": "plural reference: the set of actors the text introduced",
}


@dataclass
class SentenceExplanation:
    """One sentence of a document with what each stage made of it."""

    number: int  # 1-based, counted over the document's parsed paragraphs
    sentence: Span
    mentions: list[Mention]
    steps: list[TriggerStep]
    relations: list[Relation]
    skipped: bool  # fewer than two actors and no pronoun: no trigger was tried


def explain(document: Document, sentence: int | None = None, nlp: Language | None = None
            ) -> Iterator[SentenceExplanation]:
    """Explanations of the sentences of ``document`` (all, or only the 1-based ``sentence``).

    Raises InputError when ``sentence`` is past the document's last sentence.
    """
    nlp = nlp or load_nlp()
    resolver = Resolver()
    n = 0
    for _, text in segments(document):
        doc = nlp(text)
        resolver.resolve_doc(doc)
        trace = Trace()
        found = relations(doc, trace=trace)
        for sent in doc.sents:
            n += 1
            if sentence is not None and n != sentence:
                continue
            yield SentenceExplanation(
                n, sent,
                [m for m in doc._.kg_mentions or [] if sent.start <= m.start < sent.end],
                [s for s in trace.steps if sent.start <= s.i < sent.end],
                [r for r in found if r.sentence.start == sent.start],
                sent.start in trace.skipped)
        if sentence is not None and n >= sentence:
            return
    if sentence is not None:
        raise InputError(f"{document.id}: has {n} sentences; give --sentence between 1 and {n}")


def _mention_line(m: Mention) -> str:
    how = HOW.get(m.kind, m.kind)
    if m.category:
        how += f" ({m.category})"
    if m.key:
        how += f", key {m.key}"
    if m.role:
        how += f", role {m.role!r}"
    actor = f"{m.actor.label} [{m.actor.type}]" if m.actor else "UNRESOLVED (no compatible actor)"
    return f"  {m.text!r:<32} {how} -> {actor}"


def format_explanation(e: SentenceExplanation, parse: bool = True) -> str:
    """Plain-text report of one sentence: parse, actors, triggers with their rules, relations."""
    lines = [f"== sentence {e.number}: {e.sentence.text.strip()}"]
    if parse:
        lines.append("-- parse (token, lemma, POS, dependency <- head, entity)")
        for t in e.sentence:
            ent = f"{t.ent_iob_}-{t.ent_type_}" if t.ent_type_ else ""
            lines.append(f"  {t.i:>4} {t.text:<16} {t.lemma_:<14} {t.pos_:<6} {t.dep_:<10} <- "
                         f"{t.head.i:>4} {t.head.text:<14} {ent}")
        ents = ", ".join(f"{x.text} ({x.label_})" for x in e.sentence.ents) or "none"
        lines.append(f"  entities: {ents}")
    lines.append("-- actor mentions")
    lines.extend(_mention_line(m) for m in e.mentions)
    if not e.mentions:
        lines.append("  none")
    lines.append("-- triggers")
    if e.skipped:
        lines.append("  none tried: the sentence names fewer than two actors and has no pronoun")
    for s in e.steps:
        lines.append(f"  {s.text!r} (token {s.i}): {s.entry}")
        lines.extend(f"      {note}" for note in s.notes)
        lines.extend(f"      => {_relation_line(r)}" for r in s.relations)
    if not e.steps and not e.skipped:
        lines.append("  no lexicon verb or noun in this sentence")
    lines.append("-- relations")
    lines.extend(f"  {_relation_line(r)}" for r in e.relations)
    if not e.relations:
        lines.append("  none")
    return "\n".join(lines)


def _relation_line(r: Relation) -> str:
    neg = "NOT " if r.negated else ""
    extra = f", reported by {r.reporter.label}" if r.reporter else ""
    sym = ", symmetric" if r.symmetric else ""
    return (f"{r.source.label} {neg}{r.cls} {r.target.label} (trigger {r.trigger!r}, {r.modality}{extra}{sym}, "
            f"confidence {r.confidence:.2f})")
