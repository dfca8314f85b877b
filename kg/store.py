"""Where graphs live: backends chosen by URL, behind one small interface.

``open_store("output/store")`` opens (or creates) the embedded Oxigraph store
on disk; ``open_store("http://127.0.0.1:7878")`` talks to any SPARQL 1.1
Query/Update server (``<url>/query`` and ``<url>/update``, as ``oxigraph
serve`` and Fuseki datasets expose them). :data:`BACKENDS` maps URL schemes to
backend classes; :class:`KnowledgeGraph` adds documents atomically on top of any
of them.

>>> import tempfile
>>> with KnowledgeGraph(tempfile.mkdtemp() + "/kg") as kg:
...     kg.query("ASK { ?s a dipl:EventType }").askAnswer
True
"""
from __future__ import annotations

import io
import itertools
import json
import os
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Protocol
from urllib.parse import urlparse

from rdflib import Graph, URIRef
from rdflib.query import Result

from .errors import QueryError, StoreError, StoreLocked
from .ingest import by_words
from .layout import (LAYOUT_VERSION, MAINTAINED, RECOMPUTE, STALE_GRAPH, MaintainedGraph, recompute_all,
                     refresh_stale_update, stale_update, upgrade_update, write_update)
from .sparql import scan
from .vocab import ONTOLOGY_GRAPH, PREFIXES, ontology_path

__all__ = ["Backend", "OxigraphBackend", "SparqlBackend", "BACKENDS", "open_store", "KnowledgeGraph",
           "DEFAULT_STORE", "prologue", "PIECE_TRIPLES", "STALE_KEYS", "STALE_EVIDENCE"]

DEFAULT_STORE = os.environ.get("KG_STORE", "output/store")
REMOTE_TIMEOUT = float(os.environ.get("KG_TIMEOUT") or 30.0)  # seconds, per connect and per read of a remote store
MARKER = "kg-store.json"
PIECE_TRIPLES = 20_000  # triples per update of a document written in pieces (a few tens of MB in a transaction)
STALE_KEYS = 1_000  # keys of the maintained graphs re-derived per update after a document written in pieces, at most
STALE_EVIDENCE = 20_000  # and the evidence they read (mentions, event mentions), at most: whatever the document's size
FORMAT_VERSION = LAYOUT_VERSION  # the marker's "version": the graph layout (kg.layout) the store was built with


def prologue() -> str:
    """PREFIX lines for the project's vocabularies."""
    return "".join(f"PREFIX {p}: <{iri}>\n" for p, iri in PREFIXES.items())


def _with_prefixes(sparql: str) -> str:
    declared = {line.split()[1].rstrip(":").lower() for line in sparql.splitlines()
                if line.strip().upper().startswith("PREFIX") and len(line.split()) > 1}
    return "".join(f"PREFIX {p}: <{iri}>\n" for p, iri in PREFIXES.items() if p not in declared) + sparql


class Backend(Protocol):
    """What a store must do: SPARQL in, rdflib results out."""

    url: str

    def query(self, sparql: str) -> Result: ...

    def select(self, sparql: str) -> Iterator[tuple[str | None, ...]]: ...

    def update(self, sparql: str) -> None: ...

    def flush(self) -> None: ...

    def close(self) -> None: ...


class OxigraphBackend:
    """The embedded store: pyoxigraph on RocksDB in a directory of its own."""

    def __init__(self, url: str, read_only: bool = False, upgrade: bool = False) -> None:
        """``upgrade``: open a store of an older graph layout that can be upgraded in place (``layout`` tells
        which); otherwise such a store is refused with the command that upgrades it."""
        import pyoxigraph

        self.url = url
        self.layout = FORMAT_VERSION
        self.read_only = read_only
        self.path = Path(url.removeprefix("file://"))
        self._ox = pyoxigraph
        marker = self.path / MARKER
        db = self.path / "oxigraph"
        if self.path.exists() and not self.path.is_dir():
            raise StoreError(f"store {self.path} is a file, not a directory; pass --store with a directory path")
        if not marker.is_file() and _locked(db / "LOCK"):  # a build creating this store right now
            raise StoreLocked(f"store {self.path} is in use by {_holder(self.path, db)}; "
                              f"wait for it to finish or stop it")
        if read_only and self.path.is_dir() and not marker.is_file():  # reading: say nothing about writing
            raise StoreError(f"{self.path} is not a kg store (no {MARKER}); pass --store with a store made by kg build")
        if self.path.is_dir() and any(self.path.iterdir()) and not marker.is_file():
            raise StoreError(f"{self.path} is not a kg store (no {MARKER}) and is not empty; "
                             f"refusing to write there. Pass --store with a new or empty directory")
        if read_only and not marker.is_file():
            raise StoreError(f"no kg store at {self.path}; build one first: kg build PATH --store {self.path}")
        if marker.is_file():
            try:
                info = json.loads(marker.read_text())
            except (OSError, ValueError):
                info = None
            if not isinstance(info, dict):
                raise StoreError(f"{self.path}: its {MARKER} is unreadable, so this is a damaged or foreign store; "
                                 f"refusing to open it. Restore it from a backup or build into a new directory")
            if info.get("format") != "kg-oxigraph":
                raise StoreError(f"{self.path} holds a store of another format ({info}); use a new directory")
            if info.get("version") != FORMAT_VERSION:
                if not (upgrade and isinstance(info.get("version"), int) and upgrade_update(info["version"])):
                    raise StoreError(_old_layout(self.path, info.get("version")))
                self.layout = info["version"]
            _check_database(self.path, db)
        try:
            if read_only:
                self.store = pyoxigraph.Store.read_only(str(db))
            else:
                self.path.mkdir(parents=True, exist_ok=True)
                self.store = pyoxigraph.Store(str(db))
        except Exception as e:  # noqa: BLE001 - RocksDB reports locks as OSError, damage as OSError or RuntimeError
            if "lock" in str(e).lower():
                raise StoreLocked(f"store {self.path} is in use by {_holder(self.path, db)}; "
                                  f"wait for it to finish or stop it") from None
            raise StoreError(f"store {self.path} cannot be opened ({type(e).__name__}: {e}); it may be damaged: "
                             f"restore it or build into a new directory") from None
        if not read_only:
            import sys

            (self.path / "holder.json").write_text(json.dumps({"pid": os.getpid(), "command": " ".join(sys.argv)}))
            if not marker.is_file():
                marker.write_text(json.dumps({"format": "kg-oxigraph", "version": FORMAT_VERSION}))

    def query(self, sparql: str) -> Result:
        try:
            res = self.store.query(sparql, use_default_graph_as_union=not scan(sparql).dataset)
        except SyntaxError as e:
            raise QueryError(f"invalid SPARQL: {e}") from None
        except OSError as e:
            raise QueryError(f"query failed: {e}") from None
        if isinstance(res, self._ox.QueryBoolean):
            r = Result("ASK")
            r.askAnswer = bool(res)
            return r
        if isinstance(res, self._ox.QueryTriples):
            g = Graph()
            g.parse(data=res.serialize(format=self._ox.RdfFormat.N_TRIPLES).decode("utf-8"), format="nt")
            r = Result("CONSTRUCT")
            r.graph = g
            return r
        data = res.serialize(format=self._ox.QueryResultsFormat.JSON)
        return Result.parse(io.BytesIO(data), format="json")

    def select(self, sparql: str) -> Iterator[tuple[str | None, ...]]:
        """Rows of a SELECT as tuples of plain values (IRIs and literals as their text, None when unbound),
        streamed from pyoxigraph without building rdflib terms."""
        try:
            res = self.store.query(sparql, use_default_graph_as_union=True)
        except SyntaxError as e:
            raise QueryError(f"invalid SPARQL: {e}") from None
        for row in res:  # a solution iterates over its terms in the variables' order: faster than by name
            yield tuple([None if t is None else t.value for t in row])

    def native_query(self, sparql: str, **options):
        """pyoxigraph's own results over the union of the named graphs, or over the dataset the query
        names (``FROM``, ``FROM NAMED``, as SPARQL 1.1 says); ``options`` go to ``Store.query``
        (``prefixes``, ``substitutions``, ...). Errors are left to the caller (kg.query reports them)."""
        return self.store.query(sparql, use_default_graph_as_union=not scan(sparql).dataset, **options)

    def update(self, sparql: str) -> None:
        try:
            self.store.update(sparql)
        except SyntaxError as e:
            raise QueryError(f"invalid SPARQL update: {e}") from None

    def flush(self) -> None:
        """Write RocksDB's in-memory tables to disk, so memory does not grow with what was written."""
        if not self.read_only:
            self.store.flush()

    def close(self) -> None:
        if hasattr(self, "store"):
            if not self.read_only:
                self.store.flush()
            del self.store
            holder = self.path / "holder.json"
            if holder.is_file():
                try:
                    if json.loads(holder.read_text()).get("pid") == os.getpid():
                        holder.unlink()
                except (OSError, ValueError):
                    pass


def _old_layout(where: object, version: object) -> str:
    """The one-line refusal of a store built with another graph layout."""
    if isinstance(version, int) and upgrade_update(version):
        return (f"store {where} has graph layout {version} (this kg reads layout {FORMAT_VERSION}); upgrade it in "
                f"place, which keeps every document: kg upgrade --store {where}")
    return (f"store {where} was built by another version of kg (graph layout {version}, this kg reads layout "
            f"{FORMAT_VERSION}: one copy of each actor and edge, see docs/graph-layout.md); rebuild it from your "
            f"documents into a new store: kg build PATHS --store NEW_DIR")


def _check_database(path: Path, db: Path) -> None:
    """Refuse a marked store whose database is missing or visibly damaged, before RocksDB touches it."""
    current = db / "CURRENT"
    try:
        text = current.read_text(encoding="ascii")
    except (OSError, UnicodeDecodeError):
        text = ""
    name = text.strip()
    if not (text.endswith("\n") and name.startswith("MANIFEST-") and name[9:].isdigit() and (db / name).is_file()):
        raise StoreError(f"store {path} is damaged: its database {db} is missing or has no valid CURRENT/MANIFEST; "
                         f"refusing to open or overwrite it. Restore it from a backup or build into a new directory")


def _locked(lock: Path) -> bool:
    """True when another process holds RocksDB's ``LOCK`` file (a POSIX record lock) right now."""
    import fcntl

    try:
        fd = os.open(lock, os.O_RDWR)
    except OSError:
        return False
    try:
        fcntl.lockf(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except OSError:
        return True
    else:
        fcntl.lockf(fd, fcntl.LOCK_UN)
        return False
    finally:
        os.close(fd)


def _lock_holders(lock: Path) -> list[tuple[int, str]]:
    """(pid, command line) of the processes that have ``lock`` open (Linux /proc; empty elsewhere)."""
    out = []
    target = str(lock.resolve())
    proc = Path("/proc")
    if not proc.is_dir():
        return out
    for pdir in proc.iterdir():
        if not pdir.name.isdigit() or int(pdir.name) == os.getpid():
            continue
        try:
            if any(os.readlink(fd) == target for fd in (pdir / "fd").iterdir()):
                cmd = (pdir / "cmdline").read_bytes().replace(b"\0", b" ").decode("utf-8", "replace").strip()
                out.append((int(pdir.name), cmd))
        except OSError:  # not ours to inspect, or gone meanwhile
            continue
    return out


def _holder(path: Path, db: Path) -> str:
    """Words naming the process that holds the store: from /proc when visible, else from holder.json."""
    found = _lock_holders(db / "LOCK")
    if found:
        return "; ".join(f"process {pid} ({cmd or 'unknown command'})" for pid, cmd in found)
    try:
        who = json.loads((path / "holder.json").read_text())
        return f"process {who['pid']} ({who.get('command') or 'unknown command'})"
    except (OSError, ValueError, KeyError, TypeError):
        return "another process"


class SparqlBackend:
    """Any SPARQL 1.1 Query/Update server, over the SPARQL 1.1 Protocol (POST, one request per call).

    ``url`` is the dataset's base: queries go to ``<url>/query``, updates to
    ``<url>/update`` (``oxigraph serve``, Fuseki ``/ds``). The server must answer
    queries without ``GRAPH`` over the union of the named graphs (see
    docs/stores.md); :class:`KnowledgeGraph` checks that on opening.

    Every request has a connect and a read timeout of ``timeout`` seconds (default
    :data:`REMOTE_TIMEOUT`): a server that does not accept, or accepts and never
    answers, gives :class:`StoreError` (on opening) or :class:`QueryError` naming the URL.
    """

    def __init__(self, url: str, read_only: bool = False, timeout: float | None = None) -> None:
        self.url = url.rstrip("/")
        self.read_only = read_only
        self.timeout = timeout or REMOTE_TIMEOUT
        try:
            self._query("ASK {}")
        except QueryError as e:
            raise StoreError(f"SPARQL server {self.url} is not reachable or does not answer SPARQL ({e}); "
                             f"check that it runs and that the URL is the dataset's base URL") from None

    def _post(self, endpoint: str, media: str, body: str, accept: str) -> bytes:
        """POST ``body`` to ``endpoint``; the answer's bytes, or QueryError naming the URL and the cause."""
        import socket
        import urllib.error
        import urllib.request

        target = f"{self.url}/{endpoint}"
        req = urllib.request.Request(target, data=body.encode("utf-8"), method="POST",
                                     headers={"Content-Type": f"{media}; charset=utf-8", "Accept": accept})
        try:
            with urllib.request.urlopen(req, timeout=self.timeout) as answer:
                return answer.read()
        except urllib.error.HTTPError as e:
            detail = e.read(300).decode("utf-8", "replace").strip()
            raise QueryError(f"{endpoint} failed on {target}: HTTP {e.code} {e.reason}"
                             + (f": {detail}" if detail else "")) from None
        except (TimeoutError, socket.timeout) as e:
            raise QueryError(self._timed_out(target)) from None
        except urllib.error.URLError as e:
            if isinstance(e.reason, (TimeoutError, socket.timeout)):
                raise QueryError(self._timed_out(target)) from None
            raise QueryError(f"{endpoint} failed on {target}: cannot connect ({e.reason})") from None
        except OSError as e:
            raise QueryError(f"{endpoint} failed on {target}: {type(e).__name__}: {e}") from None

    def _timed_out(self, target: str) -> str:
        return (f"no answer from {target} within {self.timeout:g} s (connect or read timeout); check the server, "
                f"or allow more time with --timeout")

    def _query(self, sparql: str) -> Result:
        import re

        # graph results need an RDF Accept header, solutions a SPARQL results one; the server judges the syntax
        body = re.sub(r"(?im)^\s*(PREFIX|BASE)\s.*$|#.*$", "", sparql)
        if re.match(r"\s*(CONSTRUCT|DESCRIBE)\b", body, re.IGNORECASE):
            data = self._post("query", "application/sparql-query", sparql, "application/n-triples")
            r = Result("CONSTRUCT")
            r.graph = Graph().parse(data=data.decode("utf-8"), format="nt")
            return r
        data = self._post("query", "application/sparql-query", sparql, "application/sparql-results+json")
        return Result.parse(io.BytesIO(data), format="json")

    def query(self, sparql: str) -> Result:
        try:
            return self._query(sparql)
        except QueryError:
            raise
        except Exception as e:  # noqa: BLE001 - an answer that does not parse
            raise QueryError(f"query failed on {self.url}: the answer is not SPARQL results ({e})") from None

    def select(self, sparql: str) -> Iterator[tuple[str | None, ...]]:
        """Rows of a SELECT as tuples of plain values (IRIs and literals as their text, None when unbound)."""
        for row in self.query(sparql):
            yield tuple(None if t is None else str(t) for t in row)

    def update(self, sparql: str) -> None:
        if self.read_only:
            raise StoreError(f"store {self.url} was opened read-only")
        self._post("update", "application/sparql-update", sparql, "*/*")

    def flush(self) -> None:
        pass

    def close(self) -> None:
        pass


BACKENDS: dict[str, type] = {"": OxigraphBackend, "file": OxigraphBackend,
                             "http": SparqlBackend, "https": SparqlBackend}


def open_store(url: str | os.PathLike = DEFAULT_STORE, read_only: bool = False,
               timeout: float | None = None, upgrade: bool = False) -> Backend:
    """The backend for ``url``: a directory path or file:// URL, or an http(s) SPARQL endpoint
    (``timeout``: seconds per connect and per read, default :data:`REMOTE_TIMEOUT`; ``upgrade``: see
    :class:`OxigraphBackend`)."""
    scheme = urlparse(str(url)).scheme if "://" in str(url) else ""
    try:
        backend = BACKENDS[scheme]
    except KeyError:
        raise StoreError(f"no store backend for {url!r}; use a directory path or an http(s):// SPARQL URL") from None
    if backend is SparqlBackend:
        return backend(str(url), read_only=read_only, timeout=timeout)
    return backend(str(url), read_only=read_only, upgrade=upgrade)


@dataclass
class Added:
    """What :meth:`KnowledgeGraph.add` did with a document."""

    status: str  # new | changed | unchanged
    graph: URIRef
    triples: int


def _stale_batches(rows: Iterable[tuple[str, str, int]]) -> Iterator[list[str]]:
    """``(key, group, evidence)`` rows, the keys of a group next to each other ("": a key of no group), as the
    keys of one update each: at most :data:`STALE_KEYS` keys and :data:`STALE_EVIDENCE` evidence, a group kept
    in one update when it fits (a group too big for one is split; a key with more evidence goes alone).

    >>> [len(b) for b in _stale_batches([("a", "", 1)] * 2_500)]
    [1000, 1000, 500]
    >>> list(_stale_batches([("a", "g", 9_000), ("b", "g", 9_000), ("c", "h", 9_000), ("d", "", 30_000)]))
    [['a', 'b'], ['c'], ['d']]
    """
    def cost(unit: list[tuple[str, str, int]]) -> int:  # both budgets on one scale
        return max(-(-len(unit) * STALE_EVIDENCE // STALE_KEYS), sum(e for _, _, e in unit))

    units = (unit for name, members in itertools.groupby(rows, key=lambda row: row[1])
             for group in [list(members)]
             for unit in ([group] if name and cost(group) <= STALE_EVIDENCE else [[row] for row in group]))
    for batch in by_words(units, cost, STALE_EVIDENCE):
        yield [key for unit in batch for key, _, _ in unit]


def _keys_of(ntriples: str) -> list[tuple[str, str]]:
    """The ``(key IRI, maintained graph IRI)`` pairs that N-Triples of a document touch (each maintained
    graph's ``keys`` pattern, asked of them in memory)."""
    import pyoxigraph

    piece = pyoxigraph.Store()
    piece.load(ntriples, format=pyoxigraph.RdfFormat.N_TRIPLES,
               to_graph=pyoxigraph.NamedNode("urn:kg:piece"))
    return [(row["key"].value, str(m.iri)) for m in MAINTAINED for row in piece.query(
        _with_prefixes(f"SELECT DISTINCT ?key WHERE {{ GRAPH ?doc {{ {m.keys} }} }}"))]


class KnowledgeGraph:
    """The project's graph in a store: add documents, remove them, ask SPARQL."""

    def __init__(self, url: str | os.PathLike = DEFAULT_STORE, read_only: bool = False,
                 timeout: float | None = None, upgrade: bool = False) -> None:
        """``upgrade``: open a store of an older graph layout that :meth:`upgrade` can bring up to date (any
        other command refuses it with a one-line error naming ``kg upgrade``)."""
        self.backend = open_store(url, read_only=read_only, timeout=timeout, upgrade=upgrade)
        self.layout = getattr(self.backend, "layout", LAYOUT_VERSION)
        try:
            if not read_only and not self.query(f"ASK {{ GRAPH <{ONTOLOGY_GRAPH}> {{ ?s ?p ?o }} }}").askAnswer:
                self._load_ontology()
            if isinstance(self.backend, SparqlBackend):
                self._check_remote(upgrade)
        except BaseException:
            self.backend.close()
            raise

    @property
    def _using_named(self) -> bool:
        """Whether updates may say USING NAMED (the embedded store; ``oxigraph serve`` in union mode refuses it)."""
        return not isinstance(self.backend, SparqlBackend)

    def _check_remote(self, upgrade: bool = False) -> None:
        """Refuse a server that does not query the union of its named graphs, or that holds a store of an
        older layout: 1 when its ontology graph lacks dipl:Mention while document graphs exist, 3 when it lacks
        dipl:storySource while story events exist (``upgrade``: note it in ``layout`` instead)."""
        if (self.query(f"ASK {{ GRAPH <{ONTOLOGY_GRAPH}> {{ dipl:AGREE a dipl:EventType }} }}").askAnswer
                and not self.query("ASK { dipl:AGREE a dipl:EventType }").askAnswer):
            raise StoreError(f"SPARQL server {self.backend.url} does not query the union of its named graphs "
                             f"by default; start it so (oxigraph serve --union-default-graph, Fuseki "
                             f"tdb2:unionDefaultGraph true; see docs/stores.md)")
        if (self.query("ASK { GRAPH ?d { ?d a dipl:Document } }").askAnswer
                and not self.query(f"ASK {{ GRAPH <{ONTOLOGY_GRAPH}> {{ dipl:Mention ?p ?o }} }}").askAnswer):
            raise StoreError(_old_layout(self.backend.url, 1))
        if (self.query("ASK { GRAPH graph:stories { ?story dipl:storyGroup ?key } }").askAnswer
                and not self.query(f"ASK {{ GRAPH <{ONTOLOGY_GRAPH}> {{ dipl:storySource ?p ?o }} }}").askAnswer):
            if not upgrade:
                raise StoreError(_old_layout(self.backend.url, 3))
            self.layout = 3

    def _ontology_data(self) -> str:
        """The operation that writes the ontology graph (``ontology/dipl.ttl``)."""
        g = Graph().parse(ontology_path(), format="turtle")
        return f"INSERT DATA {{ GRAPH <{ONTOLOGY_GRAPH}> {{ {g.serialize(format='nt')} }} }}"

    def _load_ontology(self) -> None:
        self.backend.update(self._ontology_data())

    def upgrade(self) -> int | None:
        """Bring a store of an older graph layout (opened with ``upgrade=True``) to :data:`LAYOUT_VERSION` in
        place: the maintained graphs gain what the new layout keeps and the ontology graph is replaced, in one
        update request (all or nothing); then the embedded store's marker says the new version. Returns the
        version it upgraded from, None when the store was up to date already."""
        if self.layout == LAYOUT_VERSION:
            return None
        update = upgrade_update(self.layout)
        if not update:
            raise StoreError(_old_layout(self.backend.url, self.layout))
        self.backend.update(f"{update} ;\nDROP SILENT GRAPH <{ONTOLOGY_GRAPH}> ;\n{self._ontology_data()}")
        path = getattr(self.backend, "path", None)  # the embedded store's directory
        if path is not None:
            (path / MARKER).write_text(json.dumps({"format": "kg-oxigraph", "version": FORMAT_VERSION}))
        old, self.layout = self.layout, LAYOUT_VERSION
        return old

    def __enter__(self) -> "KnowledgeGraph":
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    def close(self) -> None:
        self.backend.close()

    def query(self, sparql: str) -> Result:
        """Run SPARQL over all documents (their union); the project's prefixes are declared for you."""
        return self.backend.query(_with_prefixes(sparql))

    def select(self, sparql: str) -> Iterator[tuple[str | None, ...]]:
        """Rows of a SELECT as tuples of plain values (IRI text, literal lexical form, None when unbound): the
        fast path for programs reading many rows (the network, exports)."""
        return self.backend.select(_with_prefixes(sparql))

    def content_hashes(self, graphs: Iterable[str]) -> dict[str, str]:
        """Content hashes of the stored documents among ``graphs`` (graph IRI -> hash), in one query."""
        values = " ".join(f"<{g}>" for g in graphs)
        if not values:
            return {}
        rows = self.query(f"SELECT ?g ?h WHERE {{ VALUES ?g {{ {values} }} GRAPH ?g {{ ?g dipl:contentHash ?h }} }}")
        return {str(g): str(h) for g, h in rows}

    def content_hash(self, graph: URIRef) -> str | None:
        return self.content_hashes([graph]).get(str(graph))

    def replace_graphs(self, graphs: Iterable[tuple[str, str]]) -> None:
        """Replace each (graph IRI, N-Triples) document graph and bring the maintained graphs (actors,
        network) up to date for what they touch, all in one update: every one or none (:mod:`kg.layout`)."""
        update = write_update(replace=graphs, using_named=self._using_named)
        if update:
            self.backend.update(update)

    def recompute(self) -> None:
        """Derive every maintained graph afresh from the document graphs, in one update."""
        self.backend.update(recompute_all())

    def write_in_pieces(self, graph: str, pieces: Iterable[str], last: str,
                        progress: Callable[[str], None] | None = None) -> int:
        """Replace the document graph ``graph`` by the N-Triples of ``pieces`` and ``last``, in bounded memory;
        returns the number of triples written.

        One update holds at most :data:`PIECE_TRIPLES` triples, or :data:`STALE_KEYS` keys reading at most
        :data:`STALE_EVIDENCE` pieces of evidence, whatever the document's size: the keys (actors, edges,
        stories) that the stored version and each piece touch are
        marked stale (:data:`kg.layout.STALE_GRAPH`) as they are written, the stored version is deleted, the
        pieces added, then the stale keys re-derived a few at a time, and ``last`` (the document's content
        hash: what says it is complete) goes in last. A crash on the way leaves a graph without ``last``, which
        the next build replaces, and stale marks that the next write re-derives. ``progress`` gets a line
        after each update of the maintained graphs.
        """
        say = progress or (lambda line: None)
        self._forget(graph)
        written = 0
        for piece in pieces:
            lines = piece.splitlines(keepends=True)
            keys = _keys_of(piece)
            for at in range(0, len(lines), PIECE_TRIPLES):
                self.backend.update(stale_update(keys, graph, "".join(lines[at:at + PIECE_TRIPLES])))
                self.backend.flush()
                keys = []
            written += len(lines)
        self._refresh_stale(say)
        self.backend.update(f"INSERT DATA {{ GRAPH <{graph}> {{\n{last}}} }}")
        return written + len(last.splitlines())

    def remove_in_pieces(self, graph: str) -> None:
        """Remove the document graph ``graph`` in bounded memory, as :meth:`write_in_pieces` writes one."""
        self._forget(graph)
        self._refresh_stale()

    def _refresh_stale(self, say: Callable[[str], None] = lambda line: None) -> None:
        """Re-derive the stale keys of the maintained graphs, in updates of :func:`_stale_batches`."""
        total = next(self.backend.select(f"SELECT (COUNT(*) AS ?n) WHERE {{ GRAPH <{STALE_GRAPH}> {{ ?k ?p ?g }} }}"))
        total, done = int(total[0] or 0), 0
        for m in MAINTAINED:
            for batch in _stale_batches(self._stale_keys(m)):
                self.backend.update(refresh_stale_update((key, str(m.iri)) for key in batch))
                self.backend.flush()
                done += len(batch)
                say(f"updating actors and network: {done:,} of {total:,} keys")

    def _stale_keys(self, m: MaintainedGraph) -> Iterator[tuple[str, str, int]]:
        """(key, group, evidence) of the stale keys of ``m``, the keys of a group next to each other: the
        evidence is how many matches of ``m.keys`` the documents hold for the key (mentions of an actor, event
        mentions of an edge), the group that of :attr:`kg.layout.MaintainedGraph.group` ("" for none). Sorted
        by the store, so this process holds one batch of keys, not all of them."""
        group = (f"LATERAL {{ OPTIONAL {{ GRAPH ?ingroup {{ {m.group} }} }} }}" if m.group else "")
        for key, name, n in self.select(
                f"SELECT ?key (MIN(STR(?group)) AS ?name) ?n WHERE {{ "
                f"{{ SELECT ?key (COUNT(?doc) AS ?n) WHERE {{ GRAPH <{STALE_GRAPH}> {{ ?key <{RECOMPUTE}> <{m.iri}> }} "
                f"LATERAL {{ OPTIONAL {{ GRAPH ?doc {{ {m.keys} }} }} }} }} GROUP BY ?key }} {group} }} "
                f"GROUP BY ?key ?n ORDER BY ?name"):
            yield key, name or "", max(int(n or 0), 1)

    def _forget(self, graph: str) -> None:
        """Mark stale the keys that the stored version of ``graph`` touches, then delete it (its content hash
        first), at most :data:`PIECE_TRIPLES` triples per update."""
        keys = {(k, str(m.iri)) for m in MAINTAINED
                for (k,) in self.select(f"SELECT DISTINCT ?key WHERE {{ GRAPH <{graph}> {{ {m.keys} }} }}")}
        keys = sorted(keys)
        self.backend.update(_with_prefixes(f"DELETE WHERE {{ GRAPH <{graph}> {{ <{graph}> dipl:contentHash ?h }} }}"))
        for at in range(0, len(keys), PIECE_TRIPLES):
            self.backend.update(stale_update(keys[at:at + PIECE_TRIPLES]))
        while self.query(f"ASK {{ GRAPH <{graph}> {{ ?s ?p ?o }} }}").askAnswer:
            self.backend.update(f"DELETE {{ GRAPH <{graph}> {{ ?s ?p ?o }} }} WHERE {{ {{ SELECT ?s ?p ?o "
                                f"WHERE {{ GRAPH <{graph}> {{ ?s ?p ?o }} }} LIMIT {PIECE_TRIPLES} }} }}")
            self.backend.flush()

    def add(self, graph: URIRef, triples: Graph, content_hash: str) -> Added:
        """Put a document's triples in its named graph, replacing an older version, in one update."""
        old = self.content_hash(graph)
        if old == content_hash:
            return Added("unchanged", graph, 0)
        self.replace_graphs([(graph, triples.serialize(format="nt"))])
        return Added("changed" if old else "new", graph, len(triples))

    def remove(self, graph: URIRef) -> bool:
        """Drop a document's graph; the labels, aliases and edges only it supported go with it, in the same update."""
        existed = self.content_hash(graph) is not None
        self.backend.update(write_update(drop=[str(graph)], using_named=self._using_named))
        return existed

    def find_document(self, ref: str) -> URIRef | None:
        """The graph IRI of a stored document named by its IRI, identifier (path as built), path or URL."""
        docs = list(self.query("SELECT ?d ?id ?src WHERE { ?d a dipl:Document ; dcterms:identifier ?id ; "
                               "dcterms:source ?src }"))
        for d, ident, src in docs:
            if ref in {str(d), str(ident), str(src)}:
                return d
        try:
            wanted = Path(ref).expanduser().resolve()
        except (OSError, RuntimeError, ValueError):
            return None
        for d, ident, _ in docs:
            try:
                if Path(str(ident)).resolve() == wanted:
                    return d
            except (OSError, RuntimeError, ValueError):
                continue
        return None

    def documents(self) -> Iterator[tuple[URIRef, str]]:
        """(graph IRI, identifier) of every stored document."""
        for row in self.query("SELECT ?d ?id WHERE { ?d a dipl:Document ; dcterms:identifier ?id } ORDER BY ?id"):
            yield row[0], str(row[1])
