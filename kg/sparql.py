"""Lexical facts about SPARQL text, found without running it: dataset clauses and outside requests.

pyoxigraph offers no parsed query object, and Oxigraph follows ``SERVICE`` and ``LOAD`` over HTTP;
so kg reads the text token by token (strings, IRIs and comments skipped, ``\\uXXXX`` escapes
decoded first, keywords in any case) to learn whether a query names its own dataset (``FROM``,
``FROM NAMED``) and which URLs it would reach (``SERVICE <url>``, ``LOAD <url>``). A keyword is
found wherever the grammar could see one, so a scan may refuse a query that only looks like
one that calls out, never the reverse.

>>> scan("SELECT * FROM <http://ex/g> WHERE { SERVICE SILENT <http://127.0.0.1:9/x> { ?s ?p ?o } }")
Scan(dataset=True, remote=[('SERVICE', 'http://127.0.0.1:9/x')])
>>> scan("SELECT ('SERVICE <x>' AS ?s) { ?service ?p ?o } # SERVICE").remote
[]
"""
from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field

from .errors import QueryError

__all__ = ["Scan", "scan", "check_remote"]

_ESCAPE = re.compile(r"\\u([0-9A-Fa-f]{4})|\\U([0-9A-Fa-f]{8})")
_TOKEN = re.compile(r"""
    (?P<skip>\#[^\n]*
      | '''(?:[^'\\]|\\.|'(?!''))*(?:'''|$) | \"\"\"(?:[^"\\]|\\.|"(?!""))*(?:\"\"\"|$)
      | '(?:[^'\\\n\r]|\\.)*'? | "(?:[^"\\\n\r]|\\.)*"?)
  | (?P<var>[?$]\w+)
  | (?P<iri><[^<>"{}|^`\\\x00-\x20]*>)
  | (?P<word>[\w.:\-]+)
  | (?P<other>\S)
""", re.X | re.S)
REMOTE = ("SERVICE", "LOAD")


@dataclass
class Scan:
    dataset: bool = False  # the query has FROM or FROM NAMED
    remote: list[tuple[str, str]] = field(default_factory=list)  # (keyword, IRI or what follows it)


def _unescape(text: str) -> str:
    def char(m: re.Match) -> str:
        code = int(m.group(1) or m.group(2), 16)
        return chr(code) if code < 0x110000 else m.group(0)

    return _ESCAPE.sub(char, text)


def scan(sparql: str) -> Scan:
    """What ``sparql`` (a query or an update) declares: its dataset clause and its outside requests."""
    out = Scan()
    tokens = [(m.lastgroup, m.group()) for m in _TOKEN.finditer(_unescape(sparql)) if m.lastgroup != "skip"]
    for i, (kind, text) in enumerate(tokens):
        if kind != "word":
            continue
        parts = {p.upper() for p in text.split(".")}
        if "FROM" in parts:
            out.dataset = True
        for keyword in REMOTE:
            if keyword in parts:
                rest = [t for t in tokens[i + 1:i + 3] if t[1].upper() != "SILENT"]
                target = rest[0] if rest else ("other", "")
                out.remote.append((keyword, target[1][1:-1] if target[0] == "iri" else target[1]))
    return out


def check_remote(found: Scan, allowed: Iterable[str] = ()) -> None:
    """Refuse (:class:`QueryError`) a ``SERVICE`` or ``LOAD`` whose target is not one of ``allowed`` URLs.

    >>> check_remote(scan("LOAD <http://127.0.0.1:1/x.ttl>"))
    Traceback (most recent call last):
    ...
    kg.errors.QueryError: LOAD <http://127.0.0.1:1/x.ttl> is not allowed: kg reaches no other server unless told to; allow it with --allow-service http://127.0.0.1:1/x.ttl
    """
    allow = {a.rstrip("/") for a in allowed}
    for keyword, target in found.remote:
        if target.rstrip("/") in allow and "://" in target:
            continue
        shown = f"<{target}>" if "://" in target else (target or "(nothing)")
        hint = (f"allow it with --allow-service {target}" if "://" in target
                else "only an absolute <http://...> IRI on the --allow-service list can be reached")
        raise QueryError(f"{keyword} {shown} is not allowed: kg reaches no other server unless told to; {hint}")
