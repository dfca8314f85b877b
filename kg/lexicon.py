"""The event lexicon: lemmas and multiword patterns mapped to PLOVER classes.

Read once from ``kg/data/verbs.jsonl``; one JSON object per line::

    {"pattern": "impose sanction", "class": "SANCTION"}
    {"pattern": "meeting", "class": "CONSULT", "kind": "noun", "symmetric": true}
    {"pattern": "receive assistance", "class": "AID", "inverse": true}

A verb pattern is the verb's lemma, then optionally its particle or preposition
and/or the lemma of its direct object. ``inverse`` swaps source and target
("X received aid from Y" is Y AID X).

>>> lex = load_lexicon()
>>> lex.verbs["attack"][0].cls
'ASSAULT'
"""
from __future__ import annotations

import json
from dataclasses import dataclass
from functools import cache
from importlib.resources import files

from .vocab import EVENT_TYPES

__all__ = ["Entry", "Lexicon", "load_lexicon"]


@dataclass(frozen=True)
class Entry:
    pattern: tuple[str, ...]
    cls: str
    kind: str = "verb"
    symmetric: bool = False
    inverse: bool = False


@dataclass(frozen=True)
class Lexicon:
    verbs: dict[str, list[Entry]]  # head lemma -> entries, longest pattern first
    nouns: dict[str, Entry]

    def __len__(self) -> int:
        return sum(map(len, self.verbs.values())) + len(self.nouns)


@cache
def load_lexicon() -> Lexicon:
    """Parse ``verbs.jsonl`` once; a bad line raises ValueError naming it."""
    verbs: dict[str, list[Entry]] = {}
    nouns: dict[str, Entry] = {}
    path = files("kg") / "data" / "verbs.jsonl"
    for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        if not line.strip():
            continue
        rec = json.loads(line)
        cls = rec["class"]
        if cls not in EVENT_TYPES:
            raise ValueError(f"verbs.jsonl line {n}: {cls!r} is not a PLOVER class ({', '.join(EVENT_TYPES)})")
        pattern = tuple(rec["pattern"].lower().split())
        entry = Entry(pattern, cls, rec.get("kind", "verb"), bool(rec.get("symmetric")), bool(rec.get("inverse")))
        if entry.kind == "noun":
            nouns.setdefault(" ".join(pattern), entry)
        else:
            verbs.setdefault(pattern[0], []).append(entry)
    for entries in verbs.values():
        entries.sort(key=lambda e: -len(e.pattern))
    return Lexicon(verbs, nouns)
