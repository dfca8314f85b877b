"""kg: a knowledge graph of diplomatic actors and the PLOVER-typed events between them.

The public API, importable from here (loaded on first use, so ``kg --help`` stays quick):

>>> from kg import Document, Extractor, KnowledgeGraph, build, to_networkx, render_html  # doctest: +SKIP
"""
from __future__ import annotations

import importlib

__all__ = ["Document", "read_documents", "Extractor", "Extraction", "KnowledgeGraph", "open_store", "build",
           "to_networkx", "render_html", "export", "to_dataframe", "validate", "KGError"]

_HOME = {"Document": "ingest", "read_documents": "ingest", "Extractor": "extract", "Extraction": "extract",
         "KnowledgeGraph": "store", "open_store": "store", "build": "build", "to_networkx": "network",
         "render_html": "render", "export": "export", "to_dataframe": "export", "validate": "validate", "KGError": "errors"}


def __getattr__(name: str):
    if name in _HOME:
        return getattr(importlib.import_module(f".{_HOME[name]}", __name__), name)
    raise AttributeError(f"module 'kg' has no attribute {name!r}; the public API is: {', '.join(__all__)}")
