"""Build or update a store from documents: extract, convert to RDF, add atomically per document.

>>> from kg.build import build                                   # doctest: +SKIP
>>> summary = build(["examples/"], store="output/store")          # doctest: +SKIP
>>> summary.new, summary.failed                                    # doctest: +SKIP
(3, [])
"""
from __future__ import annotations

import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

from .errors import InputError
from .extract import Extractor
from .ingest import Document, read_documents
from .rdf import document_iri, to_graph
from .store import KnowledgeGraph

__all__ = ["BuildSummary", "build"]


@dataclass
class BuildSummary:
    new: int = 0
    changed: int = 0
    unchanged: int = 0
    failed: list[str] = field(default_factory=list)  # "path: reason"
    actors: int = 0
    relations: int = 0
    seconds: float = 0.0

    @property
    def documents(self) -> int:
        return self.new + self.changed + self.unchanged + len(self.failed)

    def __str__(self) -> str:
        return (f"{self.documents} documents: {self.new} new, {self.changed} changed, {self.unchanged} unchanged, "
                f"{len(self.failed)} failed; {self.actors} actors, {self.relations} relations; {self.seconds:.1f} s")


def build(paths: Iterable[str], store: str | KnowledgeGraph = "output/store", model: str | None = None,
          documents: Iterable[Document | InputError] | None = None,
          on_document: Callable[[str, str], None] | None = None, extractor: Extractor | None = None) -> BuildSummary:
    """Extract every document under ``paths`` into ``store``; unchanged documents are skipped.

    A document that cannot be read or extracted is recorded in ``failed`` and the build goes on.
    ``on_document(doc_id, status)`` is called after each document (for progress bars).
    """
    t0 = time.perf_counter()
    summary = BuildSummary()
    kg = store if isinstance(store, KnowledgeGraph) else KnowledgeGraph(store)
    try:
        ex = extractor  # loaded on the first document that needs it
        for item in documents if documents is not None else read_documents(paths):
            if isinstance(item, InputError):
                summary.failed.append(str(item))
                on_document and on_document(str(item), "failed")
                continue
            if kg.content_hash(document_iri(item)) == item.content_hash:
                summary.unchanged += 1
                on_document and on_document(item.id, "unchanged")
                continue
            ex = ex or Extractor(model)
            try:
                result = ex.extract(item)
            except Exception as e:  # noqa: BLE001 - one bad document must not stop a corpus build
                summary.failed.append(f"{item.id}: extraction failed ({type(e).__name__}: {e})")
                on_document and on_document(item.id, "failed")
                continue
            added = kg.add(document_iri(item), to_graph(result), item.content_hash)
            setattr(summary, added.status, getattr(summary, added.status) + 1)
            summary.actors += len(result.actors)
            summary.relations += len(result.relations)
            on_document and on_document(item.id, added.status)
    finally:
        if not isinstance(store, KnowledgeGraph):
            kg.close()
    summary.seconds = time.perf_counter() - t0
    return summary
