"""Extraction in worker processes, for ``kg build --workers N``.

The parent process reads documents, checks their content hashes and writes to
the store; the workers only extract. Each worker is a *spawned* process (never
forked: a fork would copy a loaded pipeline and its thread pools) whose
initializer loads the spaCy pipeline once and keeps it for every task.

Why thread settings matter: numpy's OpenBLAS (and MKL, BLIS, OpenMP) start one
thread per core in every process. Two workers on two cores then run four or
more busy threads and get in each other's way, which is why spaCy's own
``n_process=2`` gave no speed-up on this machine. :func:`single_threaded`
sets ``OMP_NUM_THREADS`` and friends to 1 in the environment the workers are
spawned with, before they import numpy.

What crosses the process boundary is small: a task is a list of documents
(about :data:`TASK_WORDS` words), the answer is, per document, its graph as
N-Triples text plus counts (:class:`Extracted`) or a reason (:class:`Failed`),
and the worker's peak RSS.

This module imports nothing heavy at the top, so a spawned worker starts fast.
"""
from __future__ import annotations

import os
import resource
from collections.abc import Iterable, Iterator
from concurrent.futures import FIRST_COMPLETED, Future, ProcessPoolExecutor, wait
from concurrent.futures.process import BrokenProcessPool
from contextlib import contextmanager
from dataclasses import dataclass, field

__all__ = ["THREAD_VARS", "TASK_WORDS", "Extracted", "Failed", "ChunkResult", "single_threaded",
           "extract_chunk", "SerialEngine", "ProcessEngine"]

THREAD_VARS = ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS", "BLIS_NUM_THREADS",
               "VECLIB_MAXIMUM_THREADS", "NUMEXPR_NUM_THREADS")
TASK_WORDS = 6_000  # words per task sent to a worker: a second or two of work, small to pickle


@dataclass
class Extracted:
    """One extracted document, ready for the store."""

    id: str
    graph: str  # the document's graph IRI
    content_hash: str
    status: str  # new | changed, decided by the parent's hash check
    ntriples: str | None  # None once a worker has written it to the store itself
    triples: int
    actors: int
    relations: int
    words: int


@dataclass
class Failed:
    """A document that could not be extracted: its path or id and why."""

    id: str
    reason: str


@dataclass
class ChunkResult:
    items: list[Extracted | Failed] = field(default_factory=list)
    peak_rss_mib: float = 0.0
    worker: int = 0  # pid of the process that extracted it


def peak_rss_mib() -> float:
    """Peak resident set size of this process (Linux reports KiB)."""
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def convert(result) -> Extracted:
    """An Extraction as what the store needs: N-Triples of the document's graph and counts."""
    from .ingest import count_words
    from .rdf import document_iri, to_graph

    doc = result.document
    g = to_graph(result)
    return Extracted(doc.id, str(document_iri(doc)), doc.content_hash, "new", g.serialize(format="nt"), len(g),
                     len(result.actors), len(result.relations), count_words(doc.text))


def extract_chunk(extractor, pairs: list[tuple[object, str]]) -> ChunkResult:
    """Extract ``(document, status)`` pairs with ``extractor``; a failing document fails alone.

    The chunk goes through ``extract_many`` (shared nlp.pipe batches); if anything raises, the
    documents not yet done are extracted one by one, so only the culprit is reported failed.
    """
    docs = [d for d, _ in pairs]
    status = [s for _, s in pairs]
    out: list[Extracted | Failed] = []
    try:
        for result in extractor.extract_many(docs):
            out.append(convert(result))
    except Exception:  # noqa: BLE001 - isolate the failing document below
        for doc in docs[len(out):]:
            try:
                out.append(convert(extractor.extract(doc)))
            except Exception as e:  # noqa: BLE001 - one bad document must not stop a corpus build
                out.append(Failed(doc.id, f"extraction failed ({type(e).__name__}: {e})"))
    for item, s in zip(out, status):
        if isinstance(item, Extracted):
            item.status = s
    return ChunkResult(out, peak_rss_mib(), os.getpid())


@contextmanager
def single_threaded() -> Iterator[None]:
    """Set the math libraries' thread counts to 1 for processes spawned inside the block."""
    saved = {k: os.environ.get(k) for k in THREAD_VARS}
    os.environ.update({k: "1" for k in THREAD_VARS})
    try:
        yield
    finally:
        for k, v in saved.items():
            if v is None:
                os.environ.pop(k, None)
            else:
                os.environ[k] = v


# ------------------------------------------------------------------ engines
# An engine turns a stream of chunks (lists of (document, status)) into a stream of
# ChunkResults, in any order, with a bounded number of chunks in flight.


class SerialEngine:
    """Extraction in this process (``--workers 1``): no start-up cost, one pipeline."""

    def __init__(self, model: str | None = None, extractor=None) -> None:
        self.model = model
        self.extractor = extractor
        self.workers = 1

    def run(self, chunks: Iterable[list]) -> Iterator[ChunkResult]:
        for chunk in chunks:
            if self.extractor is None:
                from .extract import Extractor

                self.extractor = Extractor(self.model)
            yield extract_chunk(self.extractor, chunk)

    def close(self) -> None:
        pass


_EXTRACTOR = None
PR_SET_PDEATHSIG = 1  # linux/prctl.h


def die_with_parent(parent: int) -> None:
    """Have the kernel SIGKILL this process when its parent dies (Linux ``prctl(PR_SET_PDEATHSIG)``).

    ``parent`` is the pid the caller expects as parent: if it is already gone (the parent died
    before the signal was armed), exit now. Elsewhere than Linux this does nothing.
    """
    import ctypes
    import signal
    import sys

    if not sys.platform.startswith("linux"):
        return
    libc = ctypes.CDLL(None, use_errno=True)
    libc.prctl(PR_SET_PDEATHSIG, signal.SIGKILL, 0, 0, 0)
    if os.getppid() != parent:
        os._exit(1)


def _init_worker(model: str | None, parent: int) -> None:
    """Spawn-safe initializer: die with the parent, load the pipeline once per worker process."""
    global _EXTRACTOR
    import signal

    die_with_parent(parent)
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C is the parent's to handle
    from .extract import Extractor

    _EXTRACTOR = Extractor(model)


def _work(chunk: list) -> ChunkResult:
    return extract_chunk(_EXTRACTOR, chunk)


def _to_stderr(message: str) -> None:
    import sys

    print(f"kg: {message}", file=sys.stderr, flush=True)


class ProcessEngine:
    """``--workers N``: N spawned processes, each with its own pipeline, at most 2N chunks in flight.

    Workers die with the build (:func:`die_with_parent`), so a build killed with SIGKILL
    leaves none behind. If a worker process dies (killed, out of memory), ``warn`` (default: a
    line on stderr) is told
    and the pool is restarted; the documents of the chunks in flight are extracted once more,
    one document per task, so a document that kills a worker again is reported failed and
    the others are kept.
    """

    def __init__(self, workers: int, model: str | None = None, warn=None) -> None:
        import multiprocessing

        self.workers = workers
        self.model = model
        self.warn = warn or _to_stderr
        self._ctx = multiprocessing.get_context("spawn")
        self.pool: ProcessPoolExecutor | None = None
        self.deaths = 0
        self._procs: dict = {}  # pid -> multiprocessing.Process of the current pool

    def _pool(self) -> ProcessPoolExecutor:
        if self.pool is None:
            self.pool = ProcessPoolExecutor(self.workers, mp_context=self._ctx, initializer=_init_worker,
                                            initargs=(self.model, os.getpid()))
        return self.pool

    def _submit(self, chunk: list) -> Future:
        with single_threaded():  # the pool spawns its processes lazily, on submit
            fut = self._pool().submit(_work, chunk)
        self._procs.update(getattr(self.pool, "_processes", None) or {})  # to name the one that dies
        return fut

    def _dead_workers(self) -> str:
        dead = [f"{pid}, exit code {p.exitcode}" for pid, p in self._procs.items()
                if p.exitcode not in (None, 0)]
        self._procs.clear()
        return "; ".join(dead) or "unknown"

    def run(self, chunks: Iterable[list]) -> Iterator[ChunkResult]:
        pending: dict[Future, list] = {}
        retry: list[list] = []  # one-document chunks, after a worker died
        retried: set[tuple[str, str]] = set()  # (id, content hash) of documents given their second chance
        source = iter(chunks)
        exhausted = False
        while True:
            while len(pending) < 2 * self.workers and (retry or not exhausted):
                if retry:
                    chunk = retry.pop()
                else:
                    chunk = next(source, None)
                    if chunk is None:
                        exhausted = True
                        break
                pending[self._submit(chunk)] = chunk
            if not pending:
                return
            done, _ = wait(pending, return_when=FIRST_COMPLETED)
            broken: list[list] = []
            for fut in done:
                chunk = pending.pop(fut)
                try:
                    yield fut.result()
                except BrokenProcessPool:
                    broken.append(chunk)
            if broken:
                # every chunk still in flight died with the pool; collect them too
                for fut, chunk in list(pending.items()):
                    try:
                        res = fut.result()
                    except BrokenProcessPool:
                        broken.append(chunk)
                    else:
                        yield res
                pending.clear()
                self.deaths += 1
                who = self._dead_workers()
                self.pool.shutdown(wait=True, cancel_futures=True)
                self.pool = None
                pairs = [pair for chunk in broken for pair in chunk]
                again = [pair for pair in pairs if (pair[0].id, pair[0].content_hash) not in retried]
                self.warn(f"a worker process died (pid {who}: killed, out of memory or crashed); "
                          f"{len(pairs)} documents were in flight, {len(again)} are extracted once more")
                for doc, status in pairs:
                    if (doc.id, doc.content_hash) in retried:
                        yield ChunkResult([Failed(doc.id, "extraction failed twice: the worker process died "
                                                          "(killed, out of memory or crashed)")])
                    else:
                        retried.add((doc.id, doc.content_hash))
                        retry.append([(doc, status)])

    def close(self) -> None:
        if self.pool is not None:
            self.pool.shutdown(wait=True, cancel_futures=True)
            self.pool = None
