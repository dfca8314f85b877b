"""SPARQL for people and programs: named queries, safe parameters, result formats.

* Tables shorten IRIs to the project's prefixed names (``actor:PAK``); CSV, TSV
  and JSON carry full values (typed numbers and booleans as JSON ones), and are
  written from :class:`Rows`, filled straight from pyoxigraph's results on the
  embedded store (no rdflib terms) or from a remote server's rdflib Result.
  ``sparql-json``, ``sparql-xml``, ``sparql-csv`` and ``sparql-tsv`` are the W3C
  SPARQL 1.1 results formats; ``turtle`` and ``jsonld`` serialize CONSTRUCT and
  DESCRIBE results.
* Named queries are the ``kg/queries/*.rq`` files. The first comment line
  describes the query; ``# @param NAME[?] TYPE description`` lines declare its
  parameters (``?`` = optional). Types: ``actor`` (a name, alias, ``prefix:local``
  or ``<IRI>``), ``class`` (a PLOVER class such as ACCUSE), ``date``
  (YYYY-MM-DD), ``text``, ``iri``, ``integer``.
* Parameters are bound as RDF terms through Oxigraph's substitutions (SEP-0007),
  never pasted into the query text, so a value holding quotes, braces or
  ``} UNION {`` cannot change the query. Oxigraph requires each substituted
  variable in the SELECT projection; in the query, test an optional parameter
  with ``COALESCE(<test using ?p>, true)`` (``BOUND(?p)`` is false once ?p is
  substituted), or end a line with ``# @if p``: that line is kept only when
  ``p`` is given (so a given actor drives the query through the index, and an
  absent one costs nothing); a line ending with ``# @unless p`` only when it
  is not.
* Syntax errors become :class:`QuerySyntaxError` with line and column in the
  text as written (the project's prefixes are passed to the parser, not
  prepended to the text).
* Named queries select on IRIs: :func:`resolve_actors` turns an ``actor``
  parameter given as a name or alias into the actor's IRI first, with one small
  query on the actors graph, and fails with the closest names when nothing
  matches (a misspelt actor is an error, not an empty answer).
* :func:`unknown_terms` names the ``dipl:`` terms of a query that the ontology
  does not define, with the closest ones (``dipl:acuses`` -> ``dipl:accuses``).
"""
from __future__ import annotations

import csv
import io
import json
import re
import threading
from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import Decimal
from functools import lru_cache
from importlib.resources import files
from typing import TYPE_CHECKING, Any, NamedTuple

from rdflib import Graph, Literal, URIRef
from rdflib.namespace import RDF, XSD
from rdflib.query import Result

from .errors import QueryError
from .layout import ACTORS_GRAPH
from .normalize import xml_safe
from .sparql import check_remote, scan
from .vocab import DIPL, EVENT_TYPES, PREFIXES, ontology_graph

if TYPE_CHECKING:
    from .store import KnowledgeGraph

__all__ = ["FORMATS", "SPARQL_FORMATS", "GRAPH_FORMATS", "format_result", "shorten", "Rows", "Term", "NamedQuery",
           "Param", "named_queries", "named_query", "QuerySyntaxError", "QueryTimeout", "syntax_error", "to_term",
           "run_query", "run_named", "execute", "native_to_result", "serialize_native", "PARAM_TYPES", "resolve_actor",
           "resolve_actors", "unknown_terms"]

SPARQL_FORMATS = {"sparql-json": "JSON", "sparql-xml": "XML", "sparql-csv": "CSV", "sparql-tsv": "TSV"}
GRAPH_FORMATS = {"turtle": "TURTLE", "jsonld": "JSON_LD", "ntriples": "N_TRIPLES"}
FORMATS = ("table", "csv", "tsv", "json", *SPARQL_FORMATS, *GRAPH_FORMATS)
_BY_LENGTH = sorted(PREFIXES.items(), key=lambda kv: -len(kv[1]))
XSD_DATE = "http://www.w3.org/2001/XMLSchema#date"
XSD_INTEGER = "http://www.w3.org/2001/XMLSchema#integer"


class QuerySyntaxError(QueryError):
    """A query that does not parse: ``line`` and ``column`` (1-based) in the text as given, and the parser's words."""

    def __init__(self, message: str, line: int | None, column: int | None, detail: str) -> None:
        super().__init__(message)
        self.line, self.column, self.detail = line, column, detail


class QueryTimeout(QueryError):
    """A query ran past its time limit and was stopped."""


def shorten(term: object) -> str:
    """A term as text: IRIs as prefixed names where a prefix fits.

    >>> shorten(URIRef("https://w3id.org/kg-dipl/id/actor/PAK"))
    'actor:PAK'
    """
    if term is None:
        return ""
    return _prefixed(str(term)) if isinstance(term, URIRef) else str(term)


def _prefixed(iri: str) -> str:
    """``iri`` as ``prefix:local`` where a project prefix fits (the longest), else as ``<iri>``."""
    for prefix, ns in _BY_LENGTH:
        if iri.startswith(ns) and "/" not in iri[len(ns):] and "#" not in iri[len(ns):]:
            return f"{prefix}:{iri[len(ns):]}"
    return f"<{iri}>"


# ----------------------------------------------------------------------------- results as rows of terms

class Term(NamedTuple):
    """One RDF term of a result: ``kind`` ``iri``, ``literal`` or ``bnode``; ``value`` the IRI, the lexical
    form or the blank node's label; ``datatype`` a literal's datatype IRI, None for a plain or
    language-tagged string; ``language`` its language tag."""

    kind: str
    value: str
    datatype: str | None = None
    language: str | None = None


@dataclass
class Rows:
    """Query results as plain rows: ``form`` SELECT, ASK (one column ``ask``, one boolean row) or CONSTRUCT
    (columns subject, predicate, object; DESCRIBE too), ``variables`` the column names, ``rows`` tuples of
    :class:`Term` in the columns' order, None where a variable is unbound. Tables, CSV, TSV and JSON rows are
    written from this form; :meth:`from_native` fills it from pyoxigraph's results without rdflib terms,
    :meth:`from_result` from an rdflib :class:`~rdflib.query.Result` (a remote server's answer)."""

    form: str
    variables: list[str]
    rows: list[tuple[Term | None, ...]]

    @classmethod
    def from_native(cls, res: Any) -> Rows:
        """pyoxigraph ``QuerySolutions`` or ``QueryBoolean`` as rows (consumes them)."""
        import pyoxigraph as ox

        if isinstance(res, ox.QueryBoolean):
            return cls.ask(bool(res))
        iri, bnode = ox.NamedNode, ox.BlankNode

        def term(t: Any) -> Term | None:
            if t is None:
                return None
            kind = type(t)
            if kind is iri:
                return Term("iri", t.value)
            if kind is bnode:
                return Term("bnode", t.value)
            datatype = t.datatype.value
            return Term("literal", t.value, None if datatype in _STRINGS else datatype, t.language)

        return cls("SELECT", [v.value for v in res.variables], [tuple([term(t) for t in row]) for row in res])

    @classmethod
    def from_result(cls, result: Result) -> Rows:
        """An rdflib SELECT, ASK, CONSTRUCT or DESCRIBE result as rows (a graph's triples sorted)."""
        if result.type == "ASK":
            return cls.ask(bool(result.askAnswer))
        if result.type in {"CONSTRUCT", "DESCRIBE"}:
            return cls("CONSTRUCT", ["subject", "predicate", "object"],
                       [tuple(map(_rdflib_term, triple)) for triple in sorted(result.graph)])
        return cls("SELECT", [str(v) for v in result.vars], [tuple(map(_rdflib_term, row)) for row in result])

    @classmethod
    def ask(cls, answer: bool) -> Rows:
        """The answer of an ASK query: one row, ``true`` or ``false``."""
        return cls("ASK", ["ask"], [(Term("literal", str(answer).lower(), str(XSD.boolean)),)])


_STRINGS = frozenset({str(XSD.string), str(RDF.langString)})
_CANONICAL_INTEGER = re.compile(r"0|-?[1-9][0-9]*")


def _rdflib_term(t: Any) -> Term | None:
    if t is None:
        return None
    if isinstance(t, URIRef):
        return Term("iri", str(t))
    if isinstance(t, Literal):
        datatype = None if t.datatype is None or str(t.datatype) in _STRINGS else str(t.datatype)
        return Term("literal", str(t), datatype, t.language)
    return Term("bnode", str(t))


@lru_cache(maxsize=65536)
def _typed(value: str, datatype: str) -> tuple[str, Any]:
    """A typed literal's text and JSON value as rdflib reads it: ``"1E0"^^xsd:double`` is ``1.0``, a decimal a
    JSON number, a date its text; an ill-typed literal keeps its text. Once per distinct literal."""
    if datatype == XSD_INTEGER and _CANONICAL_INTEGER.fullmatch(value):
        return value, int(value)
    lit = Literal(value, datatype=URIRef(datatype))
    py = lit.toPython()
    if isinstance(py, Decimal):
        return str(lit), float(py)
    return str(lit), py if isinstance(py, (bool, int, float, str)) else str(lit)


def _text(t: Term | None, short: bool) -> str:
    """A term as a cell of a table (``short``: IRIs as prefixed names) or of CSV and TSV."""
    if t is None:
        return ""
    if t.kind == "iri":
        return _prefixed(t.value) if short else t.value
    return _typed(t.value, t.datatype)[0] if t.datatype else t.value


def _json(t: Term | None) -> Any:
    """A term as a JSON value: typed numbers and booleans as JSON numbers and booleans, the rest as text."""
    if t is None:
        return None
    return _typed(t.value, t.datatype)[1] if t.kind == "literal" and t.datatype else t.value


# ----------------------------------------------------------------------------- formatting

def format_result(result: Result | Rows, fmt: str = "table", hide: Iterable[str] = (),
                  drop_empty: Iterable[str] = ()) -> str:
    """Render ``result`` (an rdflib :class:`~rdflib.query.Result` or :class:`Rows`) as ``table``, ``csv``,
    ``tsv``, ``json`` (rows as objects; JSON-LD for graphs) or, for a Result, one of the SPARQL results
    formats / RDF syntaxes. SELECT columns named in ``hide`` are left out, and those in ``drop_empty`` that
    are unbound in every row (not from the SPARQL results formats, which are the standard serializations).
    Raises :class:`QueryError` when the format does not fit the query form."""
    if isinstance(result, Result):
        graph = result.type in {"CONSTRUCT", "DESCRIBE"}
        if fmt in SPARQL_FORMATS or fmt in GRAPH_FORMATS:
            if graph != (fmt in GRAPH_FORMATS):
                raise QueryError(_wrong_kind(fmt, graph))
            if graph:
                return result.graph.serialize(format={"turtle": "turtle", "jsonld": "json-ld", "ntriples": "nt"}[fmt])
            if fmt == "sparql-tsv":
                return _sparql_tsv(result)
            data = result.serialize(format=fmt.removeprefix("sparql-"))
            return (xml_safe(data) if fmt == "sparql-xml" else data).decode("utf-8")
        if graph and fmt == "json":
            return result.graph.serialize(format="json-ld")
        result = Rows.from_result(result)
    if fmt not in FORMATS:
        raise ValueError(f"unknown format {fmt!r}; choose one of {', '.join(FORMATS)}")
    if fmt in GRAPH_FORMATS and result.form != "CONSTRUCT":
        raise QueryError(_wrong_kind(fmt, False))
    if fmt not in {"table", "csv", "tsv", "json"}:
        raise ValueError(f"{fmt} is written from the query's own results (serialize_native, an rdflib Result), "
                         f"not from Rows")
    return _format_rows(result, fmt, frozenset(hide), frozenset(drop_empty))


def _format_rows(result: Rows, fmt: str, hide: frozenset[str], drop_empty: frozenset[str]) -> str:
    rows, note = result.rows, ""
    keep = list(range(len(result.variables)))
    if result.form == "SELECT":
        keep = [i for i in keep if result.variables[i] not in hide
                and not (result.variables[i] in drop_empty and all(r[i] is None for r in rows))]
        if fmt == "table":  # people read names: IRI-only columns go when a column of names remains
            iris = [i for i in keep if _all_iris(rows, i)]
            if iris and any(_is_name(r[i]) for r in rows for i in keep if i not in iris):
                keep = [i for i in keep if i not in iris]
                note = f"; IRI columns {', '.join(sorted(result.variables[i] for i in iris))} left out, --format json has them"
    names = [result.variables[i] for i in keep]
    if fmt == "json":
        if result.form == "ASK":
            return json.dumps({"ask": _json(rows[0][0])}) + "\n"
        return json.dumps([{n: _json(r[i]) for n, i in zip(names, keep)} for r in rows], ensure_ascii=False, indent=1) + "\n"
    cells = [[_text(r[i], fmt == "table") for i in keep] for r in rows]
    if fmt in {"csv", "tsv"}:
        buf = io.StringIO()
        w = csv.writer(buf, delimiter="," if fmt == "csv" else "\t", lineterminator="\n")
        w.writerow(names)
        w.writerows(cells)
        return buf.getvalue()
    widths = [min(60, max([len(h)] + [len(r[i]) for r in cells])) for i, h in enumerate(names)]
    cut = lambda s, w: s if len(s) <= w else s[: w - 1] + "…"  # noqa: E731
    line = lambda cs: "  ".join(cut(c.replace("\n", " "), w).ljust(w) for c, w in zip(cs, widths)).rstrip()  # noqa: E731
    out = [line(names), "  ".join("-" * w for w in widths)] + [line(r) for r in cells]
    out.append(f"({len(cells)} row{'s' if len(cells) != 1 else ''}{note})")
    return "\n".join(out) + "\n"


def _all_iris(rows: list[tuple[Term | None, ...]], i: int) -> bool:
    """Whether column ``i`` holds IRIs only, and some."""
    bound = [r[i] for r in rows if r[i] is not None]
    return bool(bound) and all(t.kind == "iri" for t in bound)


def _is_name(t: Term | None) -> bool:
    """Whether ``t`` is text people read: a plain or language-tagged string."""
    return t is not None and t.kind == "literal" and t.datatype is None


def _sparql_tsv(result: Result) -> str:
    if result.type == "ASK":
        return "true\n" if result.askAnswer else "false\n"
    out = ["\t".join(f"?{v}" for v in result.vars)]
    out += ["\t".join("" if t is None else t.n3() for t in row) for row in result]
    return "\n".join(out) + "\n"


def _wrong_kind(fmt: str, graph: bool) -> str:
    if graph:
        return f"{fmt} is for SELECT and ASK results; for CONSTRUCT or DESCRIBE use {', '.join(GRAPH_FORMATS)}"
    return f"{fmt} is for CONSTRUCT and DESCRIBE results; for SELECT or ASK use {', '.join(SPARQL_FORMATS)}"


# ----------------------------------------------------------------------------- pyoxigraph results

def native_to_result(res: Any) -> Rows | Result:
    """pyoxigraph query results as :func:`format_result` takes them (consumes them): SELECT and ASK as
    :class:`Rows`, without rdflib terms; CONSTRUCT and DESCRIBE as an rdflib :class:`Result` holding the graph."""
    import pyoxigraph as ox

    if not isinstance(res, ox.QueryTriples):
        return Rows.from_native(res)
    r = Result("CONSTRUCT")
    r.graph = Graph().parse(data=res.serialize(format=ox.RdfFormat.N_TRIPLES).decode("utf-8"), format="nt")
    return r


def serialize_native(res: Any, fmt: str, output: Any = None) -> bytes | None:
    """Serialize pyoxigraph results straight to a SPARQL results format or an RDF syntax (``fmt`` as in
    :data:`FORMATS`); raises :class:`QueryError` when the format does not fit the query form."""
    import pyoxigraph as ox

    graph = isinstance(res, ox.QueryTriples)
    if graph and fmt in GRAPH_FORMATS:
        return res.serialize(output, getattr(ox.RdfFormat, GRAPH_FORMATS[fmt]))
    if not graph and fmt in SPARQL_FORMATS:
        data = res.serialize(output, getattr(ox.QueryResultsFormat, SPARQL_FORMATS[fmt]))
        return xml_safe(data) if fmt == "sparql-xml" and data is not None else data
    raise QueryError(_wrong_kind(fmt, graph))


_POSITION = re.compile(r"^error at (\d+):(\d+):\s*(.*)$", re.S)


def syntax_error(exc: BaseException, text: str) -> QuerySyntaxError:
    """The parser's complaint about ``text`` with line, column and the offending line under a caret."""
    msg = str(exc)
    m = _POSITION.match(msg)
    if not m:
        return QuerySyntaxError(f"invalid SPARQL: {msg}", None, None, msg)
    line, col, detail = int(m.group(1)), int(m.group(2)), m.group(3).strip()
    detail = detail if len(detail) <= 300 else detail[:299] + "…"  # Oxigraph may list whole character classes
    lines = text.splitlines() or [""]
    src = lines[line - 1] if 0 < line <= len(lines) else ""
    where = f"\n  {src}\n  {' ' * max(col - 1, 0)}^" if src.strip() else ""
    return QuerySyntaxError(f"invalid SPARQL: syntax error at line {line}, column {col}: {detail}{where}",
                            line, col, detail)


# ----------------------------------------------------------------------------- parameters

PARAM_TYPES = ("actor", "class", "date", "text", "iri", "integer")
_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$", re.ASCII)
MAX_PARAM_CHARS = 10_000


def _iri(value: str) -> str | None:
    """``<IRI>``, an absolute http(s)/urn IRI or a known ``prefix:local`` as an IRI string; else None."""
    v = value.strip()
    if v.startswith("<") and v.endswith(">") and len(v) > 2:
        return v[1:-1]
    if re.match(r"^(https?|urn):\S+$", v):
        return v
    prefix, sep, local = v.partition(":")
    if sep and prefix in PREFIXES and re.match(r"^[\w.\-]+$", local):
        return PREFIXES[prefix] + local
    return None


def _named_node(iri: str, value: str, name: str) -> Any:
    import pyoxigraph as ox

    try:
        return ox.NamedNode(iri)
    except ValueError as e:
        raise QueryError(f"parameter {name}: {_shown(value)} is not a valid IRI ({_printable(str(e))}); "
                         f"give <http://...>, prefix:local or a name") from None


def _shown(value: str) -> str:
    return repr(value if len(value) <= 80 else value[:79] + "…")


def _printable(text: str) -> str:
    """``text`` with control characters escaped, so an error message stays one line."""
    return "".join(c if c.isprintable() else repr(c)[1:-1] for c in text)


def to_term(value: str, kind: str = "actor", name: str = "value") -> Any:
    """A parameter value as a pyoxigraph RDF term (never as query text).

    Raises :class:`QueryError` naming the parameter for a value that is not valid UTF-8
    (undecodable bytes on the command line), longer than :data:`MAX_PARAM_CHARS`, or not
    of its type (a malformed IRI, an unknown class, an impossible date).

    >>> to_term("accuse", "class").value
    'https://w3id.org/kg-dipl/ontology#ACCUSE'
    >>> to_term("<http://x/> } UNION { ?s ?p ?o } <x>", "actor", "actor")  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    kg.errors.QueryError: parameter actor: '<http://x/> } UNION { ?s ?p ?o } <x>' is not a valid IRI ...
    """
    import pyoxigraph as ox

    try:
        value.encode("utf-8")
    except UnicodeEncodeError:
        raise QueryError(f"parameter {name}: the value is not valid UTF-8; pass it as UTF-8 text") from None
    if len(value) > MAX_PARAM_CHARS:
        raise QueryError(f"parameter {name}: the value is {len(value):,} characters long; "
                         f"at most {MAX_PARAM_CHARS:,} are accepted")
    if kind == "actor":
        iri = _iri(value)
        return _named_node(iri, value, name) if iri else ox.Literal(value)
    if kind == "text":
        return ox.Literal(value)
    if kind == "iri":
        iri = _iri(value)
        if not iri:
            raise QueryError(f"parameter {name}: {_shown(value)} is not an IRI; give <http://...> or prefix:local")
        return _named_node(iri, value, name)
    if kind == "class":
        key = value.strip().removeprefix("dipl:").upper()
        if key not in EVENT_TYPES:
            raise QueryError(f"parameter {name}: {_shown(value)} is not a PLOVER class; choose one of "
                             f"{', '.join(sorted(EVENT_TYPES))}")
        return ox.NamedNode(str(EVENT_TYPES[key].iri))
    if kind == "date":
        from datetime import date

        v = value.strip()
        try:
            if not _DATE.match(v):
                raise ValueError
            date.fromisoformat(v)
        except ValueError:
            raise QueryError(f"parameter {name}: {_shown(value)} is not a date; write YYYY-MM-DD") from None
        return ox.Literal(v, datatype=ox.NamedNode(XSD_DATE))
    if kind == "integer":
        v = value.strip()
        if not re.fullmatch(r"[+-]?\d{1,18}", v, re.ASCII):
            raise QueryError(f"parameter {name}: {_shown(value)} is not an integer")
        return ox.Literal(str(int(v)), datatype=ox.NamedNode(XSD_INTEGER))
    raise QueryError(f"unknown parameter type {kind!r}; use one of {', '.join(PARAM_TYPES)}")


@dataclass(frozen=True)
class Param:
    name: str
    type: str
    required: bool
    doc: str

    def usage(self) -> str:
        return f"{self.name} ({self.type}{'' if self.required else ', optional'}): {self.doc}"


_PARAM_LINE = re.compile(r"^#\s*@param\s+(\w+)(\?)?\s+(\w+)\s*(.*)$")
_IF_LINE = re.compile(r"#\s*@(if|unless)\s+(\w+)\s*$")


@dataclass(frozen=True)
class NamedQuery:
    """One ``kg/queries/NAME.rq``: its description, parameters and text."""

    name: str
    description: str
    text: str
    params: tuple[Param, ...] = field(default=())

    @classmethod
    def parse(cls, name: str, text: str) -> NamedQuery:
        description, params = "", []
        for line in text.splitlines():
            s = line.strip()
            if not s.startswith("#"):
                if s:
                    break
                continue
            m = _PARAM_LINE.match(s)
            if m:
                pname, optional, ptype, doc = m.groups()
                if ptype not in PARAM_TYPES:
                    raise QueryError(f"{name}.rq: parameter {pname} has unknown type {ptype!r}")
                params.append(Param(pname, ptype, not optional, doc.strip()))
            elif not description:
                description = s.lstrip("#").strip()
        return cls(name, description, text, tuple(params))

    def text_for(self, given: Iterable[str]) -> str:
        r"""The query text for the parameters ``given``: lines ending in ``# @if NAME`` only when NAME is given,
        lines ending in ``# @unless NAME`` only when it is not (a blank line instead, so positions stay).

        >>> nq = NamedQuery.parse("q", "SELECT * WHERE {\n  ?e dipl:source ?actor  # @if actor\n  ?e a ?t  # @unless actor\n}")
        >>> nq.text_for([]).splitlines()[1:3]
        ['', '  ?e a ?t  # @unless actor']
        >>> nq.text_for(["actor"]).splitlines()[1:3]
        ['  ?e dipl:source ?actor  # @if actor', '']
        """
        given = set(given)

        def keep(line: str) -> str:
            m = _IF_LINE.search(line)
            return line if m is None or (m.group(2) in given) == (m.group(1) == "if") else ""

        return "\n".join(keep(line) for line in self.text.split("\n"))

    def usage(self) -> str:
        if not self.params:
            return f"kg query --name {self.name}"
        return f"kg query --name {self.name} " + " ".join(
            f"--param {p.name}=..." if p.required else f"[--param {p.name}=...]" for p in self.params)

    def bind(self, values: dict[str, str]) -> dict[str, Any]:
        """Check ``values`` against the declared parameters; the RDF terms to substitute, by name."""
        known = {p.name: p for p in self.params}
        unknown = sorted(set(values) - set(known))
        if unknown:
            takes = "; ".join(p.usage() for p in self.params) or "no parameters"
            raise QueryError(f"{self.name} has no parameter {', '.join(unknown)}; it takes {takes}")
        missing = [p for p in self.params if p.required and p.name not in values]
        if missing:
            raise QueryError(f"{self.name} needs {', '.join(p.name for p in missing)}: "
                             + "; ".join(p.usage() for p in missing) + f". Usage: {self.usage()}")
        return {n: to_term(v, known[n].type, n) for n, v in values.items()}


def named_queries() -> dict[str, NamedQuery]:
    """Every named query shipped in ``kg/queries``, by name."""
    out = {}
    for entry in sorted(files("kg").joinpath("queries").iterdir(), key=lambda e: e.name):
        if entry.name.endswith(".rq"):
            name = entry.name[:-3]
            out[name] = NamedQuery.parse(name, entry.read_text(encoding="utf-8"))
    return out


def named_query(name: str) -> NamedQuery:
    queries = named_queries()
    if name not in queries:
        import difflib

        close = difflib.get_close_matches(name, list(queries), n=3)
        hint = f"did you mean {', '.join(close)}? " if close else ""
        raise QueryError(f"no named query {name!r}; {hint}see them with kg query --list")
    return queries[name]


# ----------------------------------------------------------------------------- names to IRIs

def _names_like(kg: KnowledgeGraph, name: str, n: int = 5) -> list[str]:
    """Up to ``n`` actor names and aliases in the store closest to ``name`` (for error messages)."""
    import difflib

    names = sorted({row[0] for row in kg.select(
        f"SELECT DISTINCT ?n WHERE {{ GRAPH <{ACTORS_GRAPH}> {{ ?a skos:prefLabel|skos:altLabel ?n }} }}")})
    folded = {x.casefold(): x for x in names}
    key = name.strip().casefold()
    close = [folded[c] for c in difflib.get_close_matches(key, list(folded), n=n, cutoff=0.6)]
    close += [x for x in names if key and key in x.casefold() and x not in close]
    return close[:n]


def resolve_actor(kg: KnowledgeGraph, value: str) -> tuple[str, str | None]:
    """The IRI of the actor named ``value`` (label or alias, any case; ``prefix:local`` or ``<IRI>``), and a
    note when several actors share that name (the one named in most documents is taken; labels before
    aliases). Raises QueryError with the closest names when no actor matches.

    One small query on the actors graph: an exact label or alias through the index, else a
    case-insensitive pass over the labels.
    """
    iri = _iri(value)
    if iri is not None:
        if kg.query(f"ASK {{ GRAPH <{ACTORS_GRAPH}> {{ <{iri}> skos:prefLabel ?l }} }}").askAnswer:
            return iri, None
        tail = iri.rstrip("/").rsplit("/", 1)[-1]
        close = _names_like(kg, tail)
        hint = f"close matches: {', '.join(close)}" if close else "list the actors with kg query --name actors"
        raise QueryError(f"no actor {shorten(URIRef(iri))} in the store; {hint}")
    lit = Literal(value.strip()).n3()
    pattern = (f"{{ ?a skos:prefLabel {lit} BIND(0 AS ?rank) }} UNION {{ ?a skos:altLabel {lit} BIND(1 AS ?rank) }}",
               f"{{ ?a skos:prefLabel ?n BIND(0 AS ?rank) }} UNION {{ ?a skos:altLabel ?n BIND(1 AS ?rank) }} "
               f"FILTER(LCASE(STR(?n)) = LCASE({lit}))")
    found: list[tuple[str, str]] = []
    for where in pattern:
        found = [(a, r) for a, r in kg.select(f"SELECT DISTINCT ?a ?rank WHERE {{ GRAPH <{ACTORS_GRAPH}> {{ {where} }} }}")]
        if found:
            break
    if not found:  # an actor key such as USA
        key = _iri(f"actor:{value.strip()}") if re.match(r"^[\w.\-]+$", value.strip()) else None
        for iri in filter(None, [key, key and key.rsplit("/", 1)[0] + "/" + key.rsplit("/", 1)[1].upper()]):
            if kg.query(f"ASK {{ GRAPH <{ACTORS_GRAPH}> {{ <{iri}> skos:prefLabel ?l }} }}").askAnswer:
                return iri, None
        close = _names_like(kg, value)
        hint = f"close matches: {', '.join(close)}" if close else "no close match; list the actors with kg query --name actors"
        raise QueryError(f"no actor named {value!r} in the store; {hint}")
    best = min(int(r) for _, r in found)
    candidates = sorted({a for a, r in found if int(r) == best})
    if len(candidates) == 1:
        return candidates[0], None
    values = " ".join(f"<{a}>" for a in candidates)
    counts = dict(kg.select(f"SELECT ?a (COUNT(?d) AS ?n) WHERE {{ VALUES ?a {{ {values} }} ?a dipl:mentionedIn ?d }} "
                            f"GROUP BY ?a"))
    chosen = max(candidates, key=lambda a: (int(counts.get(a) or 0), a))
    others = ", ".join(shorten(URIRef(a)) for a in candidates if a != chosen)
    return chosen, (f"{value!r} names several actors; using {shorten(URIRef(chosen))}, the one in most documents "
                    f"(others: {others}); give actor:KEY to choose")


def resolve_actors(kg: KnowledgeGraph, nq: NamedQuery, terms: dict[str, Any]) -> tuple[dict[str, Any], list[str]]:
    """``terms`` (as :meth:`NamedQuery.bind` gives them) with every ``actor`` parameter resolved to its IRI, and
    the notes to show (ambiguous names). Raises QueryError when an actor is not in the store."""
    import pyoxigraph as ox

    kinds = {p.name: p.type for p in nq.params}
    out, notes = dict(terms), []
    for name, term in terms.items():
        if kinds.get(name) != "actor":
            continue
        value = f"<{term.value}>" if isinstance(term, ox.NamedNode) else term.value
        try:
            iri, note = resolve_actor(kg, value)
        except QueryError as e:
            raise QueryError(f"parameter {name}: {e}") from None
        out[name] = ox.NamedNode(iri)
        if note:
            notes.append(f"parameter {name}: {note}")
    return out, notes


def _ontology_terms() -> set[str]:
    ns = str(DIPL._NS)
    return {str(t)[len(ns):] for t in ontology_graph().all_nodes() if str(t).startswith(ns) and len(str(t)) > len(ns)}


_TOKENS = re.compile(r"<[^<>\s]*>|\"(?:[^\"\\\n]|\\.)*\"|'(?:[^'\\\n]|\\.)*'|#[^\n]*|\bdipl:[\w-]*")


def unknown_terms(text: str) -> list[str]:
    """Warnings for the ``dipl:`` terms of ``text`` that the ontology does not define, naming the closest ones.

    >>> unknown_terms("SELECT * WHERE { ?a dipl:acuses ?b }")
    ['dipl:acuses is not a term of the kg ontology (ontology/dipl.ttl); did you mean dipl:accuses?']
    """
    import difflib

    known = _ontology_terms()
    ns = str(DIPL._NS)
    used: list[str] = []
    for tok in _TOKENS.findall(text):
        if tok.startswith("dipl:"):
            used.append(tok[5:])
        elif tok.startswith("<" + ns):
            used.append(tok[len(ns) + 1:-1])
    out = []
    for term in dict.fromkeys(used):
        if not term or term in known:
            continue
        close = difflib.get_close_matches(term, sorted(known), n=3, cutoff=0.6)
        hint = f"did you mean {' or '.join('dipl:' + c for c in close)}?" if close else "see ontology/dipl.ttl"
        out.append(f"dipl:{term} is not a term of the kg ontology (ontology/dipl.ttl); {hint}")
    return out


# ----------------------------------------------------------------------------- running

def _native(kg: KnowledgeGraph):
    """The embedded store's pyoxigraph runner, or None for a remote SPARQL server."""
    return getattr(kg.backend, "native_query", None)


def run_query(kg: KnowledgeGraph, sparql: str, params: dict[str, Any] | None = None, fmt: str = "table",
              timeout: float | None = None, declared: set[str] | frozenset[str] = frozenset(),
              allow_service: Iterable[str] = ()) -> str:
    """Run ``sparql`` on ``kg`` with ``params`` (name -> pyoxigraph term) bound, formatted as ``fmt``.

    On the embedded store the query runs in a worker thread; past ``timeout`` seconds
    :class:`QueryTimeout` is raised (the thread cannot be interrupted: a caller
    that must reclaim it ends the process, as ``kg query`` does).
    The columns of ``declared`` parameters (a named query's, plus those given) are left out of
    tables, CSV, TSV and JSON when the parameter was given (its value is in every row) or is empty
    in every row. ``FROM`` and ``FROM NAMED`` choose the dataset (else it is the union of the
    documents); ``SERVICE`` and ``LOAD`` are refused unless their URL is in ``allow_service``
    (:func:`kg.sparql.check_remote`).
    """
    if fmt not in FORMATS:
        raise QueryError(f"unknown format {fmt!r}; choose one of {', '.join(FORMATS)}")
    check_remote(scan(sparql), allow_service)
    params = dict(params or {})
    declared = set(declared) | set(params)
    if _native(kg) is None:  # a remote server: the terms travel in a trailing VALUES clause (terms, never text)
        text = sparql
        if params:
            if not re.match(r"(?is)^(\s*(#[^\n]*|(PREFIX|BASE)\s[^\n]*)?\n)*\s*SELECT\b", sparql):
                raise QueryError("on a remote store, parameters bind only in SELECT queries")
            names = sorted(params)
            text = (f"{sparql}\nVALUES ({' '.join('?' + n for n in names)}) "
                    f"{{ ({' '.join(str(params[n]) for n in names)}) }}")
        return _in_thread(lambda: format_result(kg.query(text), fmt, hide=params, drop_empty=declared), timeout)

    def work() -> str:
        res = execute(kg, sparql, params)
        if fmt in SPARQL_FORMATS or fmt in GRAPH_FORMATS:
            return serialize_native(res, fmt).decode("utf-8")
        return format_result(native_to_result(res), fmt, hide=params, drop_empty=declared)

    return _in_thread(work, timeout)


def execute(kg: KnowledgeGraph, sparql: str, params: dict[str, Any] | None = None) -> Any:
    """pyoxigraph's own results of ``sparql`` on the embedded store ``kg`` with ``params`` (name -> pyoxigraph
    term) bound, as :func:`run_query` runs it; :class:`QuerySyntaxError` or :class:`QueryError` when it fails."""
    import pyoxigraph as ox

    params = params or {}
    subs = {ox.Variable(k): v for k, v in params.items()}
    try:
        return _native(kg)(_leading_values(sparql, params), prefixes=dict(PREFIXES), substitutions=subs or None)
    except SyntaxError as e:
        raise syntax_error(e, sparql) from None
    except RuntimeError as e:
        if "projection" in str(e) and params:
            raise QueryError(f"{e}: a bound parameter must be a SELECT variable (or use CONSTRUCT/ASK)") from None
        raise QueryError(f"query failed: {e}") from None
    except OSError as e:
        raise QueryError(f"query failed: {e}") from None


_WHERE = re.compile(r"<[^<>\s]*>|\"(?:[^\"\\\n]|\\.)*\"|'(?:[^'\\\n]|\\.)*'|#[^\n]*|\bWHERE\s*\{", re.IGNORECASE)


def _leading_values(sparql: str, params: dict[str, Any]) -> str:
    """``sparql`` with ``params`` (name -> pyoxigraph term) also bound by a VALUES block that opens its first
    WHERE group, on the same line (positions in error messages elsewhere stay). Oxigraph 0.5 plans the
    outer group as if substituted variables were free: the evidence between two actors read every event
    (0.8 s at 10,000 documents) instead of theirs (0.01 s). The substitutions stay, for subqueries. The
    terms are written by pyoxigraph, never pasted from the user's text; ``sparql`` is returned as it is
    when it has no WHERE group."""
    if not params:
        return sparql
    for m in _WHERE.finditer(sparql):
        if m.group(0)[0] not in "<\"'#":
            names = sorted(params)
            block = f" VALUES ({' '.join('?' + n for n in names)}) {{ ({' '.join(str(params[n]) for n in names)}) }}"
            return sparql[:m.end()] + block + sparql[m.end():]
    return sparql


def run_named(kg: KnowledgeGraph, nq: NamedQuery, values: dict[str, str], fmt: str = "table",
              timeout: float | None = None, allow_service: Iterable[str] = ()) -> tuple[str, list[str]]:
    """Run the named query ``nq`` with ``values`` (parameter name -> text as given) the way ``kg query --name``
    does: check and bind the values, resolve actor names to IRIs, keep the lines for the given parameters.
    Returns the formatted result and the notes to show (ambiguous names)."""
    terms, notes = resolve_actors(kg, nq, nq.bind(values))
    out = run_query(kg, nq.text_for(values), terms, fmt, timeout=timeout, declared={p.name for p in nq.params},
                    allow_service=allow_service)
    return out, notes


def _in_thread(fn, timeout: float | None):
    if not timeout:
        return fn()
    box: dict[str, Any] = {}

    def target() -> None:
        try:
            box["value"] = fn()
        except BaseException as e:  # noqa: BLE001 - handed to the caller
            box["error"] = e

    t = threading.Thread(target=target, name="kg-query", daemon=True)
    t.start()
    t.join(timeout)
    if t.is_alive():
        raise QueryTimeout(f"query stopped after {timeout:g} s (the time limit); narrow it, add a LIMIT, "
                           f"or allow more time with --timeout")
    if "error" in box:
        raise box["error"]
    return box["value"]
