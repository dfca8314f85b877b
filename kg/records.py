"""Extractions as the JSON Lines records of ``kg extract`` (see shared eval OUTPUT.md)."""
from __future__ import annotations

from collections.abc import Iterator

from .extract import Extraction
from .rdf import actor_iri
from .vocab import EVENT_TYPES

__all__ = ["records"]


def records(ex: Extraction) -> Iterator[dict]:
    """One record per actor node, then one per relation mention."""
    doc = ex.document.id
    for a in ex.actors:
        yield {"kind": "actor", "doc": doc, "id": str(actor_iri(a.key)), "label": a.label, "type": a.type,
               "subtype": a.subtype, "aliases": a.aliases, "affiliations": [str(actor_iri(k)) for k in a.affiliations],
               "affiliation_confidence": {str(actor_iri(k)): c for k, c in a.affiliation_confidence.items()},
               "affiliation_basis": {str(actor_iri(k)): b for k, b in a.affiliation_basis.items()},
               "role": a.role, "country": a.country, "sector": a.sector,
               "part_of": str(actor_iri(a.part_of)) if a.part_of else None}
    for r in ex.relations:
        yield {"kind": "relation", "doc": doc, "subject": str(actor_iri(r.source.key)),
               "object": str(actor_iri(r.target.key)), "class": r.cls, "predicate": str(EVENT_TYPES[r.cls].edge),
               "verb": r.trigger, "negated": r.negated, "modality": r.modality, "sentence": r.sentence,
               "start": r.start, "end": r.end, "confidence": r.confidence, "symmetric": r.symmetric,
               "date": r.date, "date_precision": r.date_precision if r.date else None,
               "date_inherited": r.date_inherited, "reported_by": str(actor_iri(r.reporter.key)) if r.reporter else None,
               "quad_class": EVENT_TYPES[r.cls].quad, "intensity": EVENT_TYPES[r.cls].intensity,
               "source_sector": r.source_sector, "target_sector": r.target_sector, "mode": r.mode,
               "context": list(r.context), "place": r.place, "place_country": r.place_country}
