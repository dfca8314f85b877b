"""``kg serve``: a SPARQL 1.1 Protocol endpoint over the store, and the network page at ``/``.

A small Starlette app run by uvicorn. Endpoints:

* ``/sparql`` queries (GET, or POST URL-encoded or ``application/sparql-query``)
  and updates (POST URL-encoded or ``application/sparql-update``);
  ``/query`` and ``/update`` split them as ``oxigraph serve`` and Fuseki do, so
  ``kg ... --store http://127.0.0.1:7878`` works against this server too;
  ``/`` is the interactive network page (or SPARQL, given ``?query=``).
* Results as SPARQL JSON, XML, CSV or TSV; CONSTRUCT and DESCRIBE as Turtle,
  JSON-LD, N-Triples or RDF/XML, by ``Accept`` header or ``?format=``.
* Read-only unless started with ``allow_update``: updates get 403.
* Reaches no other server: ``SERVICE`` and ``LOAD`` are refused (403) unless their
  URL is in ``allow_service``. Answers only for its host names (``Host`` checked,
  against DNS rebinding; ``allow_hosts`` adds names), refuses requests from pages
  of other origins, and takes updates from browsers only as
  ``application/sparql-update`` (which needs a CORS preflight it never grants).
* The dataset is the query's ``FROM`` / ``FROM NAMED``, or the protocol's
  ``default-graph-uri`` / ``named-graph-uri`` (which override it), else the union
  of the documents; a graph parameter that is not an absolute IRI is a 400.
* Request bodies are read in pieces against ``max_query_bytes`` (413 past it, at
  once when ``Content-Length`` says so) with ``body_timeout`` per read (408).
* Every query runs in a worker process that opens the store read-only. A query
  past the time limit is answered 503 and its worker is killed and replaced
  (Oxigraph queries cannot be cancelled in-thread). One spare worker is kept
  ready while the others are busy (up to ``max_workers``), forked from a fork
  server in a fraction of a second, so short queries keep being answered while
  long ones run. Results larger than ``max_result_bytes`` are refused (400)
  rather than truncated. Updates run in one writer process, killed the same way
  (its transaction is then not committed); readers reopen the store after each
  update to see it.
"""
from __future__ import annotations

import asyncio
import contextlib
import multiprocessing
import os
import re
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlsplit

from .errors import QueryError
from .sparql import check_remote, scan

from .normalize import xml_safe

__all__ = ["ServeConfig", "create_app", "serve", "bind_socket", "negotiate", "RESULT_TYPES", "GRAPH_TYPES"]

# media type -> pyoxigraph format name (QueryResultsFormat for solutions/booleans, RdfFormat for graphs)
RESULT_TYPES = {"application/sparql-results+json": "JSON", "application/sparql-results+xml": "XML",
                "text/csv": "CSV", "text/tab-separated-values": "TSV",
                "application/json": "JSON", "application/xml": "XML", "text/xml": "XML"}
GRAPH_TYPES = {"text/turtle": "TURTLE", "application/ld+json": "JSON_LD", "application/n-triples": "N_TRIPLES",
               "application/rdf+xml": "RDF_XML", "application/x-turtle": "TURTLE", "text/plain": "N_TRIPLES"}
FORMAT_PARAM = {"json": ("application/sparql-results+json", "application/ld+json"),
                "xml": ("application/sparql-results+xml", "application/rdf+xml"),
                "csv": ("text/csv", None), "tsv": ("text/tab-separated-values", None),
                "turtle": (None, "text/turtle"), "ttl": (None, "text/turtle"), "jsonld": (None, "application/ld+json"),
                "nt": (None, "application/n-triples"), "ntriples": (None, "application/n-triples"),
                "rdfxml": (None, "application/rdf+xml"), "json-ld": (None, "application/ld+json"),
                "n3": (None, "text/turtle"), "rdf+xml": (None, "application/rdf+xml")}


@dataclass
class ServeConfig:
    """What ``kg serve`` does; the defaults are the safe ones.

    ``workers`` query processes are kept warm; up to ``max_workers`` run at once (more start when
    every warm one is busy, so a short query is answered while long ones run). ``body_timeout``
    (seconds) bounds each read of a request body. ``allow_service`` lists the URLs SERVICE and
    LOAD may reach (none by default). ``allow_hosts`` adds names to the ``Host`` headers accepted
    (the bound address and, on a loopback address, ``localhost``).
    """

    store: str
    allow_update: bool = False
    timeout: float = 30.0
    max_result_bytes: int = 50 * 1024 * 1024
    max_query_bytes: int = 1024 * 1024
    workers: int = 2
    max_workers: int = 8
    body_timeout: float = 10.0
    allow_service: tuple[str, ...] = ()
    allow_hosts: tuple[str, ...] = ()
    host: str = "127.0.0.1"
    port: int = 7878


def negotiate(accept: str | None, table: dict[str, str]) -> str | None:
    """The media type of ``table`` that ``accept`` prefers (the first of ``table`` for ``*/*`` or no header)."""
    if not accept or not accept.strip():
        return next(iter(table))
    offers = []
    for i, part in enumerate(accept.split(",")):
        bits = [b.strip() for b in part.split(";")]
        mime, q = bits[0].lower(), 1.0
        for b in bits[1:]:
            if b.startswith("q="):
                try:
                    q = float(b[2:])
                except ValueError:
                    q = 0.0
        if mime and q > 0:
            offers.append((-q, i, mime))
    for _, _, mime in sorted(offers):
        if mime in table:
            return mime
        if mime in {"*/*", "*"}:
            return next(iter(table))
        if mime.endswith("/*"):
            for known in table:
                if known.startswith(mime[:-1]):
                    return known
    return None


# ----------------------------------------------------------------------------- worker processes

class _Capped:
    """A bytes sink that refuses to grow past ``limit``."""

    def __init__(self, limit: int) -> None:
        self.limit, self.size, self.parts = limit, 0, []

    def write(self, b) -> int:
        self.size += len(b)
        if self.size > self.limit:
            raise _TooLarge()
        self.parts.append(bytes(b))
        return len(b)

    def flush(self) -> None:
        pass


class _TooLarge(Exception):
    pass


_POSITION = re.compile(r"^error at (\d+):(\d+):\s*(.*)$", re.S)


def _syntax_message(e: BaseException, what: str = "SPARQL") -> str:
    m = _POSITION.match(str(e))
    if m:
        detail = m.group(3).strip()
        detail = detail if len(detail) <= 300 else detail[:299] + "…"
        return f"invalid {what}: syntax error at line {m.group(1)}, column {m.group(2)}: {detail}"
    return f"invalid {what}: {e}"


def _answer(ox, store, task: dict) -> tuple:
    """Run one task in a worker: ("ok", media type, bytes) or ("error", HTTP status, message)."""
    if task["kind"] == "update":
        try:
            store.update(task["text"])
        except SyntaxError as e:
            return "error", 400, _syntax_message(e, "SPARQL update")
        except RuntimeError as e:
            if "does not exist" not in str(e):  # anything else is the store's fault, not the request's
                raise
            return "error", 400, f"update refused: {e} (use DROP SILENT to ignore a missing graph)"
        store.flush()
        return "ok", None, b""
    options: dict[str, Any] = {"prefixes": task["prefixes"]}
    if task.get("default_graphs") or task.get("named_graphs"):  # the protocol's dataset overrides the query's
        options["default_graph"] = [ox.NamedNode(g) for g in task["default_graphs"]]
        options["named_graphs"] = [ox.NamedNode(g) for g in task["named_graphs"]]
    else:  # the query's FROM / FROM NAMED, else the union of the documents
        options["use_default_graph_as_union"] = not task["dataset"]
    try:
        res = store.query(task["text"], **options)
    except SyntaxError as e:
        return "error", 400, _syntax_message(e)
    except ValueError as e:  # a bad graph IRI
        return "error", 400, f"bad request: {e}"
    graph = isinstance(res, ox.QueryTriples)
    mime = task["graph_type"] if graph else task["result_type"]
    if mime is None:
        offered = ", ".join(GRAPH_TYPES if graph else RESULT_TYPES)
        return "error", 406, f"no acceptable format for this {'graph' if graph else 'result'}; offered: {offered}"
    fmt = getattr(ox.RdfFormat, GRAPH_TYPES[mime]) if graph else getattr(ox.QueryResultsFormat, RESULT_TYPES[mime])
    sink = _Capped(task["max_bytes"])
    try:
        res.serialize(sink, fmt)
    except _TooLarge:
        return "error", 400, (f"the result is larger than this server's cap of {task['max_bytes']:,} bytes; "
                              f"add a LIMIT, select fewer columns, or page with OFFSET")
    data = b"".join(sink.parts)
    return "ok", mime, xml_safe(data) if mime.endswith("xml") else data


STALE_RETRIES = 10  # reopen and rerun at most this often (about 0.5 s of waits in all)


def _stale(e: BaseException) -> bool:
    """True for RocksDB's complaint that a read-only view lost a file to the writer's compaction."""
    text = str(e)
    return "Corruption" in text or "No such file" in text or "MANIFEST" in text


def _worker_main(conn, path: str, writable: bool, generation: int = 0) -> None:
    """A worker process: answers tasks from ``conn`` until it gets None or the pipe closes.

    Readers open the store read-only (a view of its files at that moment): after an update
    they reopen, and a read that finds a file compacted away meanwhile reopens and runs again.
    """
    import os

    import pyoxigraph as ox

    from .parallel import die_with_parent

    die_with_parent(os.getppid())  # dies with the fork server, which ends with kg serve
    _release_fork_server()

    store, backend = None, None
    if not writable:  # open now, so a replacement worker is warm for its first query
        with contextlib.suppress(Exception):
            store = ox.Store.read_only(str(Path(path) / "oxigraph"))
    try:
        conn.send("ready")  # start-up is not counted against a query's time limit
    except (OSError, EOFError):
        return
    while True:
        try:
            task = conn.recv()
        except (EOFError, OSError, KeyboardInterrupt):
            return
        if task is None:
            break
        try:
            if writable and store is None:
                from .store import OxigraphBackend

                backend = OxigraphBackend(path)
                store = backend.store
            for attempt in range(STALE_RETRIES + 1):
                try:
                    if not writable and (store is None or generation != task["generation"]):
                        store = None
                        store = ox.Store.read_only(str(Path(path) / "oxigraph"))
                        generation = task["generation"]
                    reply = _answer(ox, store, task)
                    break
                except (OSError, RuntimeError) as e:  # a file the writer compacted away since this view was opened
                    if writable or attempt == STALE_RETRIES or not _stale(e):
                        raise
                    store = None
                    time.sleep(0.01 * (attempt + 1))
        except Exception as e:  # noqa: BLE001 - reported to the client, the worker lives on
            reply = ("error", 500, f"query failed: {type(e).__name__}: {e}")
        try:
            conn.send(reply)
        except (OSError, EOFError):
            return
    if backend is not None:
        backend.close()


def _release_fork_server() -> None:
    """Close this worker's copy of the pipe that keeps multiprocessing's fork server alive (it lives while
    any child holds it), so that the server ends when kg serve does, even while this worker is busy, and
    takes this worker with it (parent-death signal)."""
    from multiprocessing import forkserver

    server = getattr(forkserver, "_forkserver", None)
    fd = getattr(server, "_forkserver_alive_fd", None)
    if fd is not None:
        with contextlib.suppress(OSError):
            os.close(fd)
        server._forkserver_alive_fd = None


class _Worker:
    def __init__(self, ctx, path: str, writable: bool, generation: int = 0) -> None:
        self.conn, child = ctx.Pipe()
        self.proc = ctx.Process(target=_worker_main, args=(child, path, writable, generation), daemon=True,
                                name="kg-serve-writer" if writable else "kg-serve-reader")
        self.proc.start()
        child.close()

    def wait_ready(self, timeout: float = 120.0) -> None:
        """Block until the process has started (imported, store opened); a worker that never does is killed."""
        try:
            if self.conn.poll(timeout) and self.conn.recv() == "ready":
                return
        except (OSError, EOFError):
            pass
        self.kill()

    def ask(self, task: dict, timeout: float) -> tuple | None:
        """Blocking: the reply, or None past ``timeout``."""
        self.conn.send(task)
        if not self.conn.poll(timeout):
            return None
        return self.conn.recv()

    def kill(self) -> None:
        with contextlib.suppress(Exception):
            self.proc.kill()
        self.proc.join(5)
        with contextlib.suppress(Exception):
            self.conn.close()

    def stop(self) -> None:
        with contextlib.suppress(Exception):
            self.conn.send(None)
        self.proc.join(2)
        if self.proc.is_alive():
            self.kill()


class QueryTimedOut(Exception):
    pass


class Pool:
    """Worker processes of one kind: ``size`` kept warm, up to ``limit`` at once, one spare.

    A task takes an idle worker; the one that takes the last idle worker starts a spare (while
    fewer than ``limit`` run), so the next query finds one ready while long ones run; a task
    that finds none waits for the first freed or started. Workers are forked from a fork server
    that has imported kg once, so a new one is ready in a fraction of a second rather than after
    a fresh interpreter's imports. A worker past the time limit is killed (and replaced while the
    pool is below ``size``); workers above ``size`` stop when they fall idle while another is idle.
    """

    def __init__(self, path: str, size: int, writable: bool = False, generation=lambda: 0,
                 limit: int | None = None) -> None:
        self.path, self.size, self.writable, self.generation = path, size, writable, generation
        self.limit = max(size, limit or size)
        self.ctx = multiprocessing.get_context("forkserver")
        # what a worker imports: kg.serve, pyoxigraph, and the main module again (kg.cli imports kg.store)
        self.ctx.set_forkserver_preload(["__main__", "kg.store", "kg.serve", "pyoxigraph"])
        self.idle: asyncio.Queue[_Worker] = asyncio.Queue()
        self.all: set[_Worker] = set()
        self.replaced = 0
        self.starting = 0

    def _new(self) -> _Worker:
        w = _Worker(self.ctx, self.path, self.writable, self.generation())
        self.all.add(w)
        w.wait_ready()
        return w

    async def start(self) -> None:
        for w in await asyncio.gather(*(asyncio.to_thread(self._new) for _ in range(self.size))):
            self.idle.put_nowait(w)

    async def _take(self, timeout: float) -> _Worker:
        """The first worker free: an idle one, one freed meanwhile, or one started now (below ``limit``);
        taking the last idle one starts a spare."""
        if self.idle.empty():
            self._start()
        try:
            w = await asyncio.wait_for(self.idle.get(), timeout)
        except asyncio.TimeoutError:
            raise QueryTimedOut(f"every worker stayed busy for {timeout:g} s") from None
        if self.idle.empty() and not self.starting:
            self._start()
        return w

    def _start(self) -> None:
        """Start one more worker in the background, unless ``limit`` are running or starting."""
        if len(self.all) + self.starting < self.limit:
            self.starting += 1
            asyncio.ensure_future(self._start_one())

    async def _start_one(self) -> None:
        try:
            self.idle.put_nowait(await asyncio.to_thread(self._new))
        finally:
            self.starting -= 1

    def _give_back(self, w: _Worker) -> None:
        if len(self.all) > self.size and self.idle.qsize() >= 1:  # an extra worker, no longer needed
            self.all.discard(w)
            asyncio.ensure_future(asyncio.to_thread(w.stop))
            return
        self.idle.put_nowait(w)

    async def run(self, task: dict, timeout: float) -> tuple:
        loop = asyncio.get_running_loop()
        deadline = loop.time() + timeout
        w = await self._take(timeout)
        try:
            reply = await asyncio.to_thread(w.ask, task, max(deadline - loop.time(), 0.01))
        except (OSError, EOFError) as e:  # the worker died (e.g. out of memory)
            await self._replace(w)
            return "error", 500, f"the query worker died ({type(e).__name__}); try again"
        if reply is None:
            await self._replace(w)
            raise QueryTimedOut(f"stopped after {timeout:g} s")
        self._give_back(w)
        return reply

    async def _replace(self, w: _Worker) -> None:
        """Kill ``w``; a replacement starts in the background (the caller answers at once)."""
        self.all.discard(w)
        self.replaced += 1
        await asyncio.to_thread(w.kill)
        if len(self.all) + self.starting < self.size:
            self._start()

    def close(self) -> None:
        for w in list(self.all):
            w.stop()
        self.all.clear()


# ----------------------------------------------------------------------------- the app

def _text(status: int, message: str, headers: dict | None = None):
    from starlette.responses import PlainTextResponse

    return PlainTextResponse(message.rstrip("\n") + "\n", status_code=status, headers=headers)


def create_app(config: ServeConfig):
    """The Starlette app for ``config``; its lifespan starts and stops the worker processes."""
    from starlette.applications import Starlette
    from starlette.responses import HTMLResponse, Response
    from starlette.routing import Route

    from .errors import StoreError
    from .store import KnowledgeGraph
    from .vocab import PREFIXES

    if "://" in config.store and not config.store.startswith("file://"):
        raise StoreError(f"kg serve needs a store directory, not {config.store}")
    path = config.store.removeprefix("file://")
    KnowledgeGraph(path, read_only=True).close()  # a missing or foreign store fails here, before binding a port
    hosts = {_host_name(config.host), "localhost", *map(str.lower, config.allow_hosts)}
    wildcard = _host_name(config.host) in {"0.0.0.0", "::", ""}

    def host_ok(name: str | None) -> bool:
        """The bound address, localhost, an --allow-host name, or any IP address when bound to all of them."""
        if name in hosts or (name and _is_loopback(name) and _is_loopback(_host_name(config.host))):
            return True
        return wildcard and name is not None and _is_ip(name)
    state: dict[str, Any] = {"generation": 0, "page": None}
    prefixes = dict(PREFIXES)

    @contextlib.asynccontextmanager
    async def lifespan(app):
        state["readers"] = Pool(path, max(1, config.workers), generation=lambda: state["generation"],
                                limit=config.max_workers)
        state["writer"] = Pool(path, 1, writable=True) if config.allow_update else None
        await state["readers"].start()
        if state["writer"]:
            await state["writer"].start()
        app.state.kg = state
        try:
            yield
        finally:
            state["readers"].close()
            if state["writer"]:
                state["writer"].close()

    async def page(request):
        cached = state["page"]
        if cached is None or cached[0] != state["generation"] or time.monotonic() - cached[1] > 30:
            html = await asyncio.to_thread(_render_page, path)
            state["page"] = cached = (state["generation"], time.monotonic(), html)
        return HTMLResponse(cached[2])

    async def read_body(request) -> bytes | Response:
        """The body, read in pieces against the size cap and the per-read timeout (never whole first)."""
        cap = config.max_query_bytes
        length = request.headers.get("content-length")
        if length is not None and (not length.strip().isdigit() or int(length) > cap):
            return _text(413, f"the request is larger than {cap:,} bytes", {"Connection": "close"})
        parts, size = [], 0
        stream = request.stream().__aiter__()
        while True:
            try:
                part = await asyncio.wait_for(stream.__anext__(), config.body_timeout)
            except StopAsyncIteration:
                return b"".join(parts)
            except asyncio.TimeoutError:
                return _text(408, f"the request body stalled for {config.body_timeout:g} s", {"Connection": "close"})
            size += len(part)
            if size > cap:
                return _text(413, f"the request is larger than {cap:,} bytes", {"Connection": "close"})
            parts.append(part)

    async def read_request(request, allow: set[str]) -> tuple[str, str, dict[str, list[str]]] | Response:
        qs = request.query_params
        ctype = request.headers.get("content-type", "").split(";")[0].strip().lower()
        fields: dict[str, list[str]] = {k: qs.getlist(k) for k in qs.keys()}
        if request.method == "POST":
            body = await read_body(request)
            if isinstance(body, Response):
                return body
            try:
                text = body.decode("utf-8")
            except UnicodeDecodeError:
                return _text(400, "the request body is not UTF-8")
            if ctype == "application/x-www-form-urlencoded":
                for k, v in parse_qs(text, keep_blank_values=True).items():
                    fields.setdefault(k, []).extend(v)
            elif ctype == "application/sparql-query":
                fields["query"] = [*fields.get("query", []), text]
            elif ctype == "application/sparql-update":
                fields["update"] = [*fields.get("update", []), text]
            else:
                return _text(415, "POST a query as application/x-www-form-urlencoded (query= or update=), "
                                  "application/sparql-query or application/sparql-update")
        queries, updates = fields.get("query", []), fields.get("update", [])
        if len(queries) + len(updates) != 1:
            return _text(400, "give exactly one query= or update= (SPARQL 1.1 Protocol)")
        kind = "query" if queries else "update"
        if kind == "update" and "update" not in allow:
            return _text(400 if "query" in allow else 404, "this endpoint takes queries; POST updates to /update")
        if kind == "query" and "query" not in allow:
            return _text(400, "this endpoint takes updates; send queries to /query")
        if kind == "update" and request.method != "POST":
            return _text(405, "updates must be POSTed (SPARQL 1.1 Protocol)", {"Allow": "POST"})
        text = (queries or updates)[0]
        if len(text.encode("utf-8", "surrogatepass")) > config.max_query_bytes:
            return _text(413, f"the query is longer than {config.max_query_bytes:,} bytes")
        if kind == "update" and _from_browser(request) and ctype != "application/sparql-update":
            return _text(403, "updates from a web page must be POSTed as application/sparql-update "
                              "(a form or text/plain POST could come from any site)")
        try:
            check_remote(scan(text), config.allow_service)
        except QueryError as e:
            return _text(403, str(e))
        for g in fields.get("default-graph-uri", []) + fields.get("named-graph-uri", []):
            if not _ABSOLUTE_IRI.match(g):
                return _text(400, f"bad request: {g!r} is not an absolute IRI (default-graph-uri, named-graph-uri)")
        return kind, text, fields

    def guard(request) -> Response | None:
        """Refuse a request for another host name (DNS rebinding) or from a page of another origin."""
        host = request.headers.get("host", "")
        name = _host_name(host)
        if not host_ok(name):
            return _text(403, f"this server answers for {', '.join(sorted(hosts))}, not {host!r}; "
                              f"start kg serve with --allow-host {name or 'NAME'} to accept it")
        origin = request.headers.get("origin")
        if origin is not None and origin != "null":
            try:
                parts = urlsplit(origin)
                port = parts.port or {"http": 80, "https": 443}.get(parts.scheme)
            except ValueError:  # a malformed Origin is nobody's own
                parts, port = urlsplit(""), None
            if not host_ok(parts.hostname) or port != config.port:
                if request.method != "GET" or request.url.path == "/update":
                    return _text(403, f"requests from pages of {origin} are refused; only this server's own "
                                      f"pages may send them")
        elif origin == "null" and request.method == "POST":
            return _text(403, "requests from pages without an origin are refused")
        return None

    async def sparql(request, allow: set[str]) -> Response:
        refused = guard(request)
        if refused is not None:
            return refused
        got = await read_request(request, allow)
        if isinstance(got, Response):
            return got
        kind, text, fields = got
        if kind == "update":
            if state["writer"] is None:
                return _text(403, "this endpoint is read-only; start kg serve with --allow-update to accept updates")
            try:
                status, a, b = await state["writer"].run({"kind": "update", "text": text}, config.timeout)
            except QueryTimedOut as e:
                return _text(503, f"update {e}; it was rolled back", {"Retry-After": "5"})
            if status == "ok":
                state["generation"] += 1
                return Response(status_code=204)
            return _text(a, b)
        accept = request.headers.get("accept")
        result_type, graph_type = negotiate(accept, RESULT_TYPES), negotiate(accept, GRAPH_TYPES)
        for value in fields.get("format", []) + fields.get("output", []):  # ?format=json etc. overrides Accept
            value = value.strip().lower()
            if value in FORMAT_PARAM:
                result_type, graph_type = FORMAT_PARAM[value]
                break
            if value in RESULT_TYPES or value in GRAPH_TYPES:
                result_type = value if value in RESULT_TYPES else result_type
                graph_type = value if value in GRAPH_TYPES else graph_type
                break
        task = {"kind": "query", "text": text, "prefixes": prefixes, "result_type": result_type,
                "graph_type": graph_type, "default_graphs": fields.get("default-graph-uri", []),
                "named_graphs": fields.get("named-graph-uri", []), "dataset": scan(text).dataset,
                "max_bytes": config.max_result_bytes, "generation": state["generation"]}
        try:
            status, a, b = await state["readers"].run(task, config.timeout)
        except QueryTimedOut as e:
            return _text(503, f"query {e} (the server's time limit is {config.timeout:g} s); it was stopped. "
                              f"Narrow it or add a LIMIT", {"Retry-After": "1"})
        if status != "ok":
            return _text(a, b)
        media = a if a.startswith("application/") and not a.endswith("xml") else f"{a}; charset=utf-8"
        return Response(b, media_type=media)

    async def editor(request):
        return HTMLResponse(await asyncio.to_thread(_editor_page))

    async def document(request):
        html = await asyncio.to_thread(_document_page, path, request.path_params["key"],
                                       request.query_params.get("event", ""))
        return HTMLResponse(html) if html is not None else _text(404, "no such document in this store")

    async def root(request):
        if request.method == "GET" and "query" not in request.query_params and "update" not in request.query_params:
            refused = guard(request)
            return refused if refused is not None else await page(request)
        return await sparql(request, {"query", "update"})

    async def both(request):
        if (request.method == "GET" and not request.query_params
                and "text/html" in request.headers.get("accept", "")):  # a browser: the editor
            return await editor(request)
        return await sparql(request, {"query", "update"})

    async def query_only(request):
        return await sparql(request, {"query"})

    async def update_only(request):
        return await sparql(request, {"update"})

    routes = [Route("/", root, methods=["GET", "POST"]), Route("/sparql", both, methods=["GET", "POST"]),
              Route("/query", query_only, methods=["GET", "POST"]), Route("/update", update_only, methods=["POST"]),
              Route("/doc/{key}", document, methods=["GET"])]
    return Starlette(routes=routes, lifespan=lifespan)


_ABSOLUTE_IRI = re.compile(r"^[A-Za-z][A-Za-z0-9+.\-]*:[^\s<>\"{}|^`\\]*$")


def _host_name(host: str) -> str:
    """The name in a ``Host`` header, lower case, without port or IPv6 brackets."""
    host = host.strip().lower()
    if host.startswith("["):
        return host[1:host.find("]")] if "]" in host else host
    return host.rsplit(":", 1)[0] if host.count(":") == 1 else host


def _is_ip(name: str) -> bool:
    import ipaddress

    try:
        ipaddress.ip_address(name)
    except ValueError:
        return False
    return True


def _is_loopback(name: str) -> bool:
    import ipaddress

    try:
        return name == "localhost" or ipaddress.ip_address(name).is_loopback
    except ValueError:
        return False


def _from_browser(request) -> bool:
    """True when a web browser sent the request (browsers add ``Origin`` or ``Sec-Fetch-*`` to POSTs)."""
    h = request.headers
    return "origin" in h or "sec-fetch-mode" in h or "sec-fetch-site" in h


def _render_page(path: str) -> str:
    from .network import to_networkx
    from .render import render_html
    from .store import KnowledgeGraph

    with KnowledgeGraph(path, read_only=True) as kg:
        g = to_networkx(kg)
    with tempfile.TemporaryDirectory() as tmp:
        out = render_html(g, Path(tmp) / "graph.html", title="kg actor network (kg serve)")
        return out.read_text(encoding="utf-8")


def _editor_page() -> str:
    """The SPARQL editor: a query box, the named queries as examples, a results table; no network but /sparql."""
    from importlib.resources import files

    from .query import named_queries
    from .render import _script_json
    from .vocab import PREFIXES

    examples = [{"name": q.name, "description": q.description, "text": q.text_for([])}  # optional parameters unset
                for q in named_queries().values()]
    template = (files("kg") / "templates" / "sparql.html").read_text(encoding="utf-8")
    return template.replace("{{data}}", _script_json({"prefixes": PREFIXES, "examples": examples}))


def _document_page(path: str, key: str, event: str) -> str | None:
    """A stored document with the sentence of ``event`` (an event IRI or its last segment) highlighted, or None.

    The full text is shown when the file it was built from is still there with the same content hash (so the
    stored offsets hold); otherwise the document's evidence sentences, in text order."""
    from .docview import document_view
    from .store import KnowledgeGraph

    with KnowledgeGraph(path, read_only=True) as kg:
        return document_view(kg, key, event)


def bind_socket(host: str, port: int):
    """A socket bound to ``host``:``port``, or :class:`~kg.errors.KGError` in one line saying what to do."""
    import errno
    import socket

    from .errors import KGError

    try:
        family, kind, proto, _, addr = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM,
                                                           flags=socket.AI_PASSIVE)[0]
    except (socket.gaierror, UnicodeError, OverflowError) as e:
        raise KGError(f"cannot serve on host {host!r} ({e}); give an address of this machine, "
                      f"e.g. --host 127.0.0.1 or --host 0.0.0.0") from None
    sock = socket.socket(family, kind, proto)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    try:
        sock.bind(addr)
    except OSError as e:
        sock.close()
        if e.errno == errno.EADDRINUSE:
            raise KGError(f"port {port} on {host} is already in use (another kg serve or SPARQL server?); "
                          f"stop it or pick another port, e.g. --port {port + 1}") from None
        if e.errno == errno.EADDRNOTAVAIL:
            raise KGError(f"{host} is not an address of this machine; use --host 127.0.0.1 or --host 0.0.0.0") from None
        if e.errno == errno.EACCES:
            raise KGError(f"port {port} needs administrator rights; use a port above 1023, e.g. --port 7878") from None
        raise KGError(f"cannot serve on {host}:{port}: {e.strerror or e}") from None
    return sock


def serve(config: ServeConfig, host: str = "127.0.0.1", port: int = 7878, log_level: str = "warning",
          on_ready=None) -> None:
    """Run the endpoint until interrupted; ``on_ready()`` is called once the port is bound.

    A bad host or a port in use raises :class:`~kg.errors.KGError` before anything is served."""
    import uvicorn

    config.host, config.port = host, port
    app = create_app(config)
    sock = bind_socket(host, port)
    if on_ready is not None:
        on_ready()
    server = uvicorn.Server(uvicorn.Config(app, log_level=log_level, timeout_graceful_shutdown=3))
    server.run(sockets=[sock])


if __name__ == "__main__":  # pragma: no cover - python -m kg.serve STORE [PORT]
    import sys

    serve(ServeConfig(sys.argv[1]), port=int(sys.argv[2]) if len(sys.argv) > 2 else 7878)
