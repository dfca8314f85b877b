"""Format SPARQL results for people and programs: aligned tables, CSV, TSV, JSON.

IRIs are shortened to the project's prefixed names in tables (``actor:PAK``).
"""
from __future__ import annotations

import csv
import io
import json

from rdflib import Literal, URIRef
from rdflib.query import Result

from .vocab import PREFIXES

__all__ = ["FORMATS", "format_result", "shorten"]

FORMATS = ("table", "csv", "tsv", "json")
_BY_LENGTH = sorted(PREFIXES.items(), key=lambda kv: -len(kv[1]))


def shorten(term: object) -> str:
    """A term as text: IRIs as prefixed names where a prefix fits.

    >>> shorten(URIRef("https://w3id.org/kg-dipl/id/actor/PAK"))
    'actor:PAK'
    """
    if term is None:
        return ""
    if isinstance(term, URIRef):
        for prefix, ns in _BY_LENGTH:
            if term.startswith(ns) and "/" not in term[len(ns):] and "#" not in term[len(ns):]:
                return f"{prefix}:{term[len(ns):]}"
        return f"<{term}>"
    return str(term)


def _rows(result: Result, short: bool) -> tuple[list[str], list[list[str]]]:
    if result.type == "ASK":
        return ["ask"], [[str(bool(result.askAnswer)).lower()]]
    if result.type in {"CONSTRUCT", "DESCRIBE"}:
        rows = [[shorten(t) if short else str(t) for t in triple] for triple in sorted(result.graph)]
        return ["subject", "predicate", "object"], rows
    names = [str(v) for v in result.vars]
    return names, [[(shorten(v) if short else ("" if v is None else str(v))) for v in row] for row in result]


def format_result(result: Result, fmt: str = "table") -> str:
    """Render ``result`` as ``table``, ``csv``, ``tsv`` or ``json`` (SPARQL 1.1 JSON results for SELECT/ASK)."""
    if fmt == "json":
        if result.type in {"SELECT", "ASK"}:
            return result.serialize(format="json").decode("utf-8")
        return result.graph.serialize(format="json-ld")
    if fmt in {"csv", "tsv"}:
        head, rows = _rows(result, short=False)
        buf = io.StringIO()
        w = csv.writer(buf, delimiter="," if fmt == "csv" else "\t", lineterminator="\n")
        w.writerow(head)
        w.writerows(rows)
        return buf.getvalue()
    if fmt != "table":
        raise ValueError(f"unknown format {fmt!r}; choose one of {', '.join(FORMATS)}")
    head, rows = _rows(result, short=True)
    widths = [min(60, max([len(h)] + [len(r[i]) for r in rows])) for i, h in enumerate(head)]
    cut = lambda s, w: s if len(s) <= w else s[: w - 1] + "…"  # noqa: E731
    line = lambda cells: "  ".join(cut(c, w).ljust(w) for c, w in zip(cells, widths)).rstrip()  # noqa: E731
    out = [line(head), "  ".join("-" * w for w in widths)] + [line(r) for r in rows]
    out.append(f"({len(rows)} row{'s' if len(rows) != 1 else ''})")
    return "\n".join(out) + "\n"
