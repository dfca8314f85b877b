"""Deterministic extractions for store tests that need many documents fast (no NLP): ``document(i)``.

Actors come from a small cast with aliases, roles and sides; each document names a few of them under
varying surface forms and relates them with PLOVER classes, some negated, hypothetical or undated, so
every maintained fact (labels, aliases, roles, posts, edge counts, dates) is exercised.
"""
from __future__ import annotations

from kg.actors import Actor
from kg.extract import Extraction, RelationRecord
from kg.ingest import Document

CAST = [
    Actor("USA", "United States", "Country", "State", "USA", aliases=["Washington", "US"]),
    Actor("RUS", "Russia", "Country", "State", "RUS", aliases=["Moscow", "Russian"]),
    Actor("UKR", "Ukraine", "Country", "State", "UKR", aliases=["Kyiv"]),
    Actor("CHN", "China", "Country", "State", "CHN", aliases=["Beijing"]),
    Actor("un", "United Nations", "Organization", "InternationalOrganization", aliases=["UN"]),
    Actor("sergei-lavrov", "Sergei Lavrov", "Person", "Minister", "RUS", "Foreign Minister", ["RUS"], ["Lavrov"]),
    Actor("antony-blinken", "Antony Blinken", "Person", "Minister", "USA", "Secretary of State", ["USA"], ["Blinken"]),
    Actor("wang-yi", "Wang Yi", "Person", "Minister", "CHN", "Foreign Minister", ["CHN"], ["Wang"]),
]
CLASSES = ["CONSULT", "ACCUSE", "SANCTION", "AGREE", "REQUEST", "ASSAULT", "SUPPORT"]


def document(i: int, name: str | None = None) -> Extraction:
    """The ``i``-th synthetic document (the same ``i`` always gives the same text and extraction)."""
    cast = [CAST[(i * 3 + k) % len(CAST)] for k in range(4)]
    actors = [Actor(a.key, a.label, a.type, a.subtype, a.country, a.role, list(a.affiliations),
                    a.aliases[: (i + k) % (len(a.aliases) + 1)]) for k, a in enumerate(cast)]
    sentences, relations, offset = [], [], 0
    for k in range(3):
        src, tgt = actors[k % 4], actors[(k + 1 + i) % 4]
        if src.key == tgt.key:
            continue
        cls = CLASSES[(i + k) % len(CLASSES)]
        s = f"{src.label} and {tgt.label}: {cls.lower()} number {i}-{k}."
        relations.append(RelationRecord(source=src, target=tgt, cls=cls, trigger=cls.lower(), negated=(i + k) % 9 == 0,
                                        modality="hypothetical" if (i + k) % 7 == 0 else "asserted", sentence=s,
                                        start=offset, end=offset + len(s), confidence=0.8, symmetric=False,
                                        date=None if k == 2 else f"2024-{1 + i % 12:02d}-{1 + k:02d}"))
        sentences.append(s)
        offset += len(s) + 1
    text = " ".join(sentences) + " " + " ".join(f"{a.label} ({', '.join(a.aliases)})." for a in actors)
    doc = Document(name or f"synthetic/doc-{i:04d}.txt", text, title=f"Document {i}", date=f"2024-{1 + i % 12:02d}-15")
    return Extraction(doc, actors, relations)
