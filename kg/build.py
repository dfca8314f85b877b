"""Build or update a store from documents: read, check hashes, extract (in parallel), write in batches.

>>> from kg.build import build                                   # doctest: +SKIP
>>> summary = build(["examples/"], store="output/store")          # doctest: +SKIP
>>> summary.new, summary.failed                                    # doctest: +SKIP
(3, [])

The flow, all streaming (the corpus is never held in memory):

1. documents are read one by one (:func:`kg.ingest.read_documents`); every
   :data:`LOOKUP_DOCS` of them, one SPARQL query fetches the stored content
   hashes of all of them, so a document stored with the same text is
   ``unchanged`` at the cost of reading and hashing it; that is what makes an
   interrupted build resumable: run it again and it continues where it stopped;
2. the others go, in chunks of about :data:`kg.parallel.TASK_WORDS` words, to an
   engine: this process (``workers=1``), N worker processes
   (:class:`kg.parallel.ProcessEngine`) or a Dask cluster
   (:mod:`kg.distributed`); a document that fails is reported with its path
   and the reason, and the build goes on;
3. this process writes the results: several documents per SPARQL update (up to
   :data:`WRITE_DOCS` documents, :data:`WRITE_BYTES` of N-Triples or
   :data:`WRITE_SECONDS`), each document as ``DROP GRAPH`` + ``INSERT DATA`` of
   its named graph inside that one update, so a document is stored whole or
   not at all.
"""
from __future__ import annotations

import contextlib
import time
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field

from .curation import Decision, apply_ntriples
from .errors import InputError, QueryError
from .ingest import JSONL_SUFFIXES, Document, by_words, count_words, iter_paths, read_documents
from .parallel import TASK_WORDS, ChunkResult, Extracted, Failed, ProcessEngine, SerialEngine
from .rdf import document_iri
from .store import KnowledgeGraph

__all__ = ["BuildSummary", "build", "count_documents", "ProgressLog", "LOOKUP_DOCS", "WRITE_DOCS", "WRITE_BYTES",
           "WRITE_SECONDS"]

LOOKUP_DOCS = 256  # documents per content-hash query
WRITE_DOCS = 100  # documents per store update, at most
WRITE_BYTES = 8 << 20  # N-Triples per store update, at most
WRITE_SECONDS = 1.0  # a batch waits no longer than this, so progress and resumption stay close


@dataclass
class BuildSummary:
    new: int = 0
    changed: int = 0
    unchanged: int = 0
    failed: list[str] = field(default_factory=list)  # "path: reason"
    actors: int = 0
    relations: int = 0
    seconds: float = 0.0
    words: int = 0  # words of the documents extracted (not of the unchanged ones)
    workers: int = 1
    peak_rss_mib: dict[int, float] = field(default_factory=dict)  # worker pid -> peak RSS in MiB

    @property
    def documents(self) -> int:
        return self.new + self.changed + self.unchanged + len(self.failed)

    @property
    def worker_peak_rss_mib(self) -> list[float]:
        return sorted(self.peak_rss_mib.values(), reverse=True)

    def __str__(self) -> str:
        rate = f", {self.words / self.seconds:,.0f} words/s" if self.words and self.seconds else ""
        return (f"{self.documents} documents: {self.new} new, {self.changed} changed, {self.unchanged} unchanged, "
                f"{len(self.failed)} failed; {self.actors} actors, {self.relations} relations; "
                f"{self.seconds:.1f} s{rate}")


def count_documents(paths: Iterable[str]) -> int:
    """How many documents ``paths`` hold (files, plus the non-blank lines of JSON Lines files), for an ETA."""
    n = 0
    for p in iter_paths(paths):
        if p.suffix.lower() in JSONL_SUFFIXES:
            with p.open("rb") as fh:
                n += sum(1 for line in fh if line.strip())
        else:
            n += 1
    return n


Report = Callable[[str, str], None]


def _duration(seconds: float) -> str:
    """``95`` -> ``'1m35s'``; ``4000`` -> ``'1h06m'``."""
    s = int(round(seconds))
    if s < 60:
        return f"{s}s"
    if s < 3600:
        return f"{s // 60}m{s % 60:02d}s"
    return f"{s // 3600}h{s % 3600 // 60:02d}m"


class ProgressLog:
    """Progress for a log file or pipe: one line every ``every`` seconds (count, rate, ETA), and one at the end.

    Call it as ``on_document(doc_id, status)``; ``write`` gets each line; ``clock`` gives seconds.

    >>> lines, now = [], [0.0]
    >>> log = ProgressLog(total=10, every=5, write=lines.append, clock=lambda: now[0])
    >>> for t in range(1, 8):
    ...     now[0] = float(t)
    ...     log("a.txt", "new")
    >>> lines
    ['kg build: 5/10 documents (50%), 1.0 docs/s, ETA 5s; 5 new, 0 changed, 0 unchanged, 0 failed']
    """

    def __init__(self, total: int | None, every: float = 10.0, write: Callable[[str], None] = print,
                 clock: Callable[[], float] = time.monotonic) -> None:
        self.total, self.every, self.write, self.clock = total, every, write, clock
        self.start = self.last = clock()
        self.counts = {"new": 0, "changed": 0, "unchanged": 0, "failed": 0}

    def __call__(self, doc: str, status: str) -> None:
        self.counts[status] = self.counts.get(status, 0) + 1
        if self.clock() - self.last >= self.every:
            self.flush()

    def line(self) -> str:
        done = sum(self.counts.values())
        elapsed = max(self.clock() - self.start, 1e-9)
        rate = done / elapsed
        if self.total:
            left = max(self.total - done, 0)
            where = f"{done:,}/{self.total:,} documents ({100 * done // self.total}%)"
            eta = f", ETA {_duration(left / rate)}" if rate > 0 else ""
        else:
            where, eta = f"{done:,} documents", ""
        tally = ", ".join(f"{n:,} {k}" for k, n in self.counts.items())
        return f"kg build: {where}, {rate:.1f} docs/s{eta}; {tally}"

    def flush(self) -> None:
        """Write the line now."""
        self.last = self.clock()
        self.write(self.line())


def _to_extract(items: Iterable[Document | InputError], kg: KnowledgeGraph, summary: BuildSummary,
                report: Report, force: bool = False) -> Iterator[tuple[Document, str]]:
    """(document, 'new' | 'changed') for each document whose text is not stored yet (every one with
    ``force``); the rest counted."""

    def check(batch: list[Document]) -> Iterator[tuple[Document, str]]:
        iris = [str(document_iri(d)) for d in batch]
        known = kg.content_hashes(set(iris))
        for d, iri in zip(batch, iris):
            old = known.get(iri)
            if old == d.content_hash and not force:
                summary.unchanged += 1
                report(d.id, "unchanged")
            else:
                yield d, ("changed" if old else "new")

    batch: list[Document] = []
    for item in items:
        if isinstance(item, InputError):
            summary.failed.append(str(item))
            report(str(item), "failed")
            continue
        batch.append(item)
        if len(batch) >= LOOKUP_DOCS:
            yield from check(batch)
            batch = []
    if batch:
        yield from check(batch)


def chunks(pairs: Iterable[tuple[Document, str]], size: int | None = None) -> Iterator[list[tuple[Document, str]]]:
    """Pairs grouped into tasks of about ``size`` (default :data:`TASK_WORDS`) words (a longer document alone)."""
    return by_words(pairs, lambda pair: count_words(pair[0].text), size or TASK_WORDS)


class Writer:
    """Collects extracted documents and writes them several per update (see the module docstring)."""

    def __init__(self, kg: KnowledgeGraph, summary: BuildSummary, report: Report,
                 curation: Sequence[Decision] = ()) -> None:
        self.kg, self.summary, self.report, self.curation = kg, summary, report, list(curation)
        self.batch: list[Extracted] = []
        self.bytes = 0
        self.last = time.monotonic()

    def add(self, item: Extracted | Failed) -> None:
        if isinstance(item, Failed):
            self.summary.failed.append(f"{item.id}: {item.reason}")
            self.report(item.id, "failed")
        elif item.ntriples is None:  # already written (by a Dask worker)
            self._done(item)
        else:
            if self.curation:  # the analyst's decisions, applied to every document written
                item.ntriples = apply_ntriples(item.ntriples, self.curation)
            self.batch.append(item)
            self.bytes += len(item.ntriples)
        if (len(self.batch) >= WRITE_DOCS or self.bytes >= WRITE_BYTES
                or (self.batch and time.monotonic() - self.last >= WRITE_SECONDS)):
            self.flush()

    def flush(self) -> None:
        batch, self.batch, self.bytes = self.batch, [], 0
        self.last = time.monotonic()
        if not batch:
            return
        try:
            self.kg.replace_graphs((i.graph, i.ntriples) for i in batch)
            written = batch
        except QueryError as e:
            if len(batch) == 1:
                raise
            written = self._one_by_one(batch, e)
        for item in written:
            self._done(item)

    def _one_by_one(self, batch: list[Extracted], error: QueryError) -> list[Extracted]:
        """A rejected batch: write its documents singly; the ones the store rejects fail alone."""
        written, rejected = [], []
        for item in batch:
            try:
                self.kg.replace_graphs([(item.graph, item.ntriples)])
                written.append(item)
            except QueryError as e:
                rejected.append((item, e))
        if not written:  # nothing goes in: the store is the problem, not the documents
            raise error
        for item, e in rejected:
            self.summary.failed.append(f"{item.id}: the store rejected its graph ({e})")
            self.report(item.id, "failed")
        return written

    def _done(self, item: Extracted) -> None:
        s = self.summary
        setattr(s, item.status, getattr(s, item.status) + 1)
        s.actors += item.actors
        s.relations += item.relations
        s.words += item.words
        self.report(item.id, item.status)


def build(paths: Iterable[str], store: str | KnowledgeGraph = "output/store", model: str | None = None,
          documents: Iterable[Document | InputError] | None = None,
          on_document: Callable[[str, str], None] | None = None, extractor=None, workers: int = 1,
          fields: dict[str, str] | None = None, engine=None, curation: Sequence[Decision] = (),
          force: bool = False) -> BuildSummary:
    """Extract every document under ``paths`` into ``store``; unchanged documents are skipped.

    A document that cannot be read or extracted is recorded in ``failed`` (``"path: reason"``)
    and the build goes on. ``on_document(doc_id, status)`` is called after each document
    (status new, changed, unchanged or failed), for progress bars. ``workers`` > 1 extracts
    in that many processes; ``engine`` runs extraction elsewhere (see :mod:`kg.distributed`).
    ``fields`` names the JSON Lines fields (keys text, title, date, url, id). ``curation`` decisions
    (:mod:`kg.curation`) are applied to each document graph before it is written (documents a Dask worker
    writes itself are not curated). ``force`` extracts documents stored with the same text again.
    If the build is interrupted (Ctrl-C), the documents already extracted are written first.
    """
    t0 = time.perf_counter()
    summary = BuildSummary()
    report = on_document or (lambda doc, status: None)
    kg = store if isinstance(store, KnowledgeGraph) else KnowledgeGraph(store)
    if engine is None:
        engine = SerialEngine(model, extractor) if workers <= 1 else ProcessEngine(workers, model)
    summary.workers = getattr(engine, "workers", workers)
    writer = Writer(kg, summary, report, curation)
    try:
        items = documents if documents is not None else read_documents(paths, fields)
        for result in engine.run(chunks(_to_extract(items, kg, summary, report, force))):
            _record_rss(summary, result)
            for item in result.items:
                writer.add(item)
        writer.flush()
    except BaseException:
        with contextlib.suppress(Exception):  # keep what is complete; the error itself goes on up
            writer.flush()
        raise
    finally:
        try:
            engine.close()
        finally:
            if not isinstance(store, KnowledgeGraph):
                kg.close()
            summary.seconds = time.perf_counter() - t0
    return summary


def _record_rss(summary: BuildSummary, result: ChunkResult) -> None:
    if result.worker:
        summary.peak_rss_mib[result.worker] = max(summary.peak_rss_mib.get(result.worker, 0.0), result.peak_rss_mib)

