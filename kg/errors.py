"""Exceptions of kg. Each message names the problem and what to do next."""
from __future__ import annotations

__all__ = ["KGError", "InputError", "StoreError", "StoreLocked", "QueryError", "ModelNotFound"]


class KGError(Exception):
    """Base class of every error kg raises on purpose."""


class InputError(KGError):
    """A document cannot be read: missing, empty, binary or not UTF-8."""


class StoreError(KGError):
    """The store cannot be opened or written."""


class StoreLocked(StoreError):
    """Another process holds the store."""


class QueryError(KGError):
    """A SPARQL query or update is invalid or failed."""


class ModelNotFound(KGError):
    """The spaCy pipeline named by --model is not installed."""
