"""Named entities near a token or inside a span, read from the tokens' IOB tags.

spaCy's ``Span.ents`` builds every entity of the whole Doc and keeps those in the span, so asking it once
per sentence costs the paragraph's length each time: a long paragraph (a transcript on one line, cut at
20,000 characters) made that quadratic. These read only the tokens concerned and give the same spans.
"""
from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from spacy.tokens import Doc, Span

__all__ = ["ents_in", "ent_at"]


def _ent(doc: Doc, start: int) -> Span:
    """The entity that begins (IOB ``B``) at token ``start``: it runs over the ``I`` tokens after it."""
    from spacy.tokens import Span

    end = start + 1
    while end < len(doc) and doc[end].ent_iob_ == "I":
        end += 1
    tok = doc[start]
    return Span(doc, start, end, label=tok.ent_type, kb_id=tok.ent_kb_id, span_id=tok.ent_id)


def ents_in(span: Span) -> list[Span]:
    """The entities wholly inside ``span``, in order: what ``span.ents`` gives, in time linear in the span.

    >>> import spacy
    >>> from spacy.tokens import Doc
    >>> doc = Doc(spacy.blank("en").vocab, words="Ms Liu met Joe Biden in Paris".split(),
    ...           ents=["O", "B-PERSON", "O", "B-PERSON", "I-PERSON", "O", "B-GPE"])
    >>> [(e.text, e.label_) for e in ents_in(doc[1:5])], [e.text for e in ents_in(doc[4:7])]
    ([('Liu', 'PERSON'), ('Joe Biden', 'PERSON')], ['Paris'])
    """
    doc, out, i = span.doc, [], span.start
    while i < span.end:
        if doc[i].ent_iob_ == "B" and doc[i].ent_type:
            ent = _ent(doc, i)
            if ent.end > span.end:
                break
            out.append(ent)
            i = ent.end
        else:
            i += 1
    return out


def ent_at(doc: Doc, i: int) -> Span | None:
    """The entity that token ``i`` is part of, else None (walks back to its ``B`` token only).

    >>> import spacy
    >>> from spacy.tokens import Doc
    >>> doc = Doc(spacy.blank("en").vocab, words="Ms Liu met Joe Biden".split(), ents=["O", "B-PERSON", "O", "B-PERSON", "I-PERSON"])
    >>> ent_at(doc, 4).text, ent_at(doc, 2)
    ('Joe Biden', None)
    """
    start = i
    while start > 0 and doc[start].ent_iob_ == "I":
        start -= 1
    if doc[start].ent_iob_ != "B" or not doc[start].ent_type:
        return None
    ent = _ent(doc, start)
    return ent if ent.start <= i < ent.end else None
