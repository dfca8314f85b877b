"""What PLOVER records of an event besides its ends and class: mode, context tags and place.

Pure functions of the trigger token and its sentence, driven by ``kg/data/event_attributes.json``:

* :func:`mode`: the trigger's lemma ("arrest" -> COERCE mode ``arrest``), else a cue in the
  sentence ("airstrike" -> ASSAULT mode ``aerial``), else None;
* :func:`contexts`: every context tag whose cue word the sentence holds (``military``,
  ``diplomatic``, ``migration`` ...), sorted;
* :func:`place`: the venue phrase governed by the trigger ("in Vienna", "at the border in Goma")
  and the ISO 3166-1 alpha-3 code of the country it lies in, when a capital, a country or a
  region (ISO 3166-2, via pycountry) names one. A place is never an actor.
"""
from __future__ import annotations

from collections.abc import Callable
from functools import cache

import pycountry
from spacy.tokens import Span, Token

from .gazetteer import load_data

__all__ = ["mode", "contexts", "place", "addressed_to_state"]


@cache
def _data() -> dict:
    return load_data("event_attributes.json")


def addressed_to_state() -> frozenset[str]:
    """Event classes that, with no target in the text, are aimed at the state of the group that acts
    (PLOVER codes a demonstration with no named target as a protest against the government)."""
    return frozenset(_data()["addressed_to_state"])


def _lemmas(sent: Span) -> set[str]:
    """The sentence's lemmas, words and two-word lemma phrases, lower case."""
    toks = [t for t in sent if not t.is_punct]
    words = {t.lemma_.lower() for t in toks} | {t.lower_ for t in toks}
    words |= {f"{a.lemma_.lower()} {b.lemma_.lower()}" for a, b in zip(toks, toks[1:])}
    words |= {f"{a.lower_} {b.lower_}" for a, b in zip(toks, toks[1:])}
    return words


def mode(cls: str, trigger: Token) -> str | None:
    """PLOVER mode of a ``cls`` event triggered by ``trigger``, where the text gives it.

    The trigger's lemma (with its particle: "call in") is looked up first, then cue words anywhere
    in the sentence. None when neither names a mode.
    """
    by_lemma = _data()["modes"].get(cls, {})
    lemma = trigger.lemma_.lower()
    particle = next((c.lower_ for c in trigger.children if c.dep_ == "prt"), None)
    if particle and f"{lemma} {particle}" in by_lemma:
        return by_lemma[f"{lemma} {particle}"]
    obj = next((c.lemma_.lower() for c in trigger.children if c.dep_ in {"dobj", "obj"}), None)
    if obj and f"{lemma} {obj}" in by_lemma:
        return by_lemma[f"{lemma} {obj}"]
    if lemma in by_lemma:
        return by_lemma[lemma]
    cues = _data()["mode_cues"].get(cls, {})
    if cues:
        words = _lemmas(trigger.sent)
        for cue in sorted(cues, key=lambda c: (-len(c), c)):
            if cue in words:
                return cues[cue]
    return None


def contexts(sent: Span) -> tuple[str, ...]:
    """PLOVER context tags whose cue words occur in ``sent``, sorted."""
    words = _lemmas(sent)
    return tuple(sorted(tag for tag, cues in _data()["contexts"].items() if any(c in words for c in cues)))


@cache
def _regions() -> dict[str, str]:
    """ISO 3166-2 subdivision names (lower case) -> alpha-3 code of their country; names two countries
    share are left out."""
    out: dict[str, str] = {}
    clash: set[str] = set()
    for sub in pycountry.subdivisions:
        name = sub.name.lower()
        code = pycountry.countries.get(alpha_2=sub.country_code)
        if code is None:
            continue
        if name in out and out[name] != code.alpha_3:
            clash.add(name)
        out.setdefault(name, code.alpha_3)
    return {k: v for k, v in out.items() if k not in clash}


def place(trigger: Token, country_of: Callable[[Token], str | None]) -> tuple[str, str | None] | None:
    """Where the event happened: (venue phrase, alpha-3 country code or None), else None.

    The object of a locative preposition on the trigger, or on the trigger's object ("agreed on a deal
    in Vienna"), that names a place (a GPE, LOC or FAC entity, or a token ``country_of`` knows: a
    country or a capital). ``country_of`` maps a token to
    the code of the country its actor mention names.

    >>> import spacy; nlp = spacy.blank("en")
    >>> place(nlp("met")[0], lambda t: None) is None
    True
    """
    preps = set(_data()["place_preps"])
    heads = [trigger] + [n for c in trigger.children if c.dep_ in {"dobj", "obj", "prep"}  # "a deal in Vienna"
                         for n in ([c] if c.dep_ != "prep" else [p for p in c.children if p.dep_ == "pobj"])]
    for c in (c for h in heads for c in h.children):
        if c.dep_ != "prep" or c.lower_ not in preps:
            continue
        for p in c.children:
            if p.dep_ != "pobj":
                continue
            names = [t for t in p.subtree if t.ent_type_ in {"GPE", "LOC", "FAC"} or country_of(t)]
            if not names:
                continue
            first, last = min(t.i for t in names), max(t.i for t in names)
            doc = trigger.doc
            text = doc[first:last + 1].text
            code = next((country_of(t) for t in names if country_of(t)), None)
            return text, code or _regions().get(text.lower())
    return None
