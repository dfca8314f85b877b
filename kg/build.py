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
   before that, a document whose normalized text is already stored (or read earlier in
   this build) under another name is an exact duplicate: reported and skipped unless
   ``allow_duplicates``; one whose MinHash (:class:`NearDuplicates`) says it is a near-copy
   of a stored one (a syndicated article with another headline or footer) is stored as
   its document node with ``dipl:duplicateOf`` the original and no events, so every
   count and the network see the story once;
3. this process writes the results: several documents per SPARQL update (up to
   :data:`WRITE_DOCS` documents, :data:`WRITE_BYTES` of N-Triples or
   :data:`WRITE_SECONDS`), each document as ``DROP GRAPH`` + ``INSERT DATA`` of
   its named graph inside that one update, so a document is stored whole or
   not at all;
4. a long document (over :data:`LONG_CHARS` characters) is streamed end to end
   by this process instead (:meth:`Writer.stream`): parsed in pieces of about
   :data:`kg.extract.PIECE_WORDS` words, each piece's relations kept on disk
   (:class:`_Spool`) until the document's actors are final, then turned into RDF
   piece by piece and written in bounded updates
   (:meth:`kg.store.KnowledgeGraph.write_in_pieces`), so memory stays bounded
   whatever its size, with progress inside it. Its content hash is written
   last: a build killed inside it leaves a graph without a hash, which the
   next build removes before anything else (and builds again if it is among
   its documents).
"""
from __future__ import annotations

import contextlib
import pickle
import re
import tempfile
import threading
import time
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field, replace

from rdflib import Literal

from .actors import Actor
from .curation import Decision, apply_ntriples
from .errors import InputError, QueryError
from .extract import LONG_CHARS, Extraction
from .ingest import JSONL_SUFFIXES, MAX_BYTES, Document, Skipped, by_words, count_words, iter_paths, read_documents
from .parallel import TASK_WORDS, ChunkResult, Extracted, Failed, ProcessEngine, SerialEngine, convert
from .rdf import document_iri, to_graph
from .store import KnowledgeGraph
from .vocab import DIPL

__all__ = ["BuildSummary", "build", "count_documents", "NearDuplicates", "ProgressLog", "LOOKUP_DOCS", "WRITE_DOCS", "WRITE_BYTES",
           "WRITE_SECONDS", "NEAR_DUPLICATE", "LONG_CHARS"]

LOOKUP_DOCS = 256  # documents per content-hash query
WRITE_DOCS = 100  # documents per store update, at most
WRITE_BYTES = 8 << 20  # N-Triples per store update, at most
WRITE_SECONDS = 1.0  # a batch waits no longer than this, so progress and resumption stay close
NEAR_DUPLICATE = 0.7  # estimated Jaccard similarity of word 3-shingles from which a text is a near-copy
NUM_PERM = 64  # MinHash permutations
CANDIDATE = 0.5  # the LSH index's threshold: low, so that pairs near NEAR_DUPLICATE are always compared
MIN_SHINGLES = 20  # shorter texts are never near-duplicates: a few shared words say nothing
SHINGLE_BATCH = 20_000  # shingles hashed at once (datasketch holds NUM_PERM x batch integers meanwhile)


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
    skipped: list[str] = field(default_factory=list)  # "path: reason": files found while walking, not read
    duplicates: list[str] = field(default_factory=list)  # "id: same text as other": exact copies, not stored
    near_duplicates: list[str] = field(default_factory=list)  # "id: near-copy of other": stored without events
    warnings: list[str] = field(default_factory=list)  # fields left out or mended ("path:line: field date: ...")

    @property
    def documents(self) -> int:
        return self.new + self.changed + self.unchanged + len(self.failed) + len(self.duplicates)

    @property
    def worker_peak_rss_mib(self) -> list[float]:
        return sorted(self.peak_rss_mib.values(), reverse=True)

    def __str__(self) -> str:
        rate = f", {self.words / self.seconds:,.0f} words/s" if self.words and self.seconds else ""
        extra = "".join(f", {len(items)} {what}" for what, items in (
            ("duplicates skipped", self.duplicates), ("near-duplicates", self.near_duplicates),
            ("field warnings", self.warnings), ("files skipped (not text)", self.skipped)) if items)
        return (f"{self.documents} documents: {self.new} new, {self.changed} changed, {self.unchanged} unchanged, "
                f"{len(self.failed)} failed{extra}; {self.relations} relations found; "
                f"{self.seconds:.1f} s{rate}")


def count_documents(paths: Iterable[str], include: Iterable[str] | None = None, exclude: Iterable[str] = ()) -> int:
    """How many documents ``paths`` hold (files, plus the non-blank lines of JSON Lines files), for an ETA."""
    n = 0
    for p in iter_paths(paths, include, exclude):
        if isinstance(p, Skipped) or not p.is_file():
            continue
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
    """Progress for a log file or pipe: one line every ``every`` seconds (count, rate, ETA, the long
    document being read), and one at the end.

    Call it as ``on_document(doc_id, status)``; status "in progress" (a long document's piece) names what
    is being read without counting a document. ``write`` gets each line; ``clock`` gives seconds. Used as
    a context manager, a thread also writes the line when no document ends for ``every`` seconds.

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
        self.reading: str | None = None
        self._lock = threading.Lock()
        self._stop = threading.Event()
        self._ticker: threading.Thread | None = None

    def __call__(self, doc: str, status: str) -> None:
        with self._lock:
            if status == "in progress":
                self.reading = doc
            else:
                self.counts[status] = self.counts.get(status, 0) + 1
                self.reading = None
        if self.clock() - self.last >= self.every:
            self.flush()

    def line(self) -> str:
        with self._lock:
            done = sum(self.counts.values())
            tally = ", ".join(f"{n:,} {k}" for k, n in self.counts.items())
            reading = self.reading
        elapsed = max(self.clock() - self.start, 1e-9)
        rate = done / elapsed
        if self.total:
            left = max(self.total - done, 0)
            where = f"{done:,}/{self.total:,} documents ({100 * done // self.total}%)"
            eta = f", ETA {_duration(left / rate)}" if rate > 0 else ""
        else:
            where, eta = f"{done:,} documents", ""
        return f"kg build: {where}, {rate:.1f} docs/s{eta}; {tally}" + (f"; reading {reading}" if reading else "")

    def flush(self) -> None:
        """Write the line now."""
        self.last = self.clock()
        self.write(self.line())

    def __enter__(self) -> ProgressLog:
        def tick() -> None:
            while not self._stop.wait(self.every):
                if self.clock() - self.last >= self.every * 0.95:
                    self.flush()

        self._ticker = threading.Thread(target=tick, name="kg-progress", daemon=True)
        self._ticker.start()
        return self

    def __exit__(self, *exc) -> None:
        self._stop.set()
        if self._ticker is not None:
            self._ticker.join()
        if exc[0] is None:
            self.flush()  # the last line: where the build ended


class NearDuplicates:
    """MinHash LSH over word 3-shingles of the stored documents and those of this build (datasketch).

    The stored signatures (``dipl:minhash``) are read once, when the first document is checked.

    >>> nd = NearDuplicates()
    >>> story = " ".join(f"word{i}" for i in range(60))
    >>> d1, d2 = Document("a.txt", "Headline one. " + story), Document("b.txt", story + " Subscribe now.")
    >>> nd.check(d1, "urn:a")[1], nd.check(d2, "urn:b")[1]
    (None, 'urn:a')
    """

    def __init__(self, kg: KnowledgeGraph | None = None) -> None:
        from datasketch import MinHashLSH

        self.kg = kg
        self.lsh = MinHashLSH(threshold=CANDIDATE, num_perm=NUM_PERM)  # candidates, then checked on the estimate
        self.signatures: dict[str, object] = {}
        self.loaded = kg is None

    @staticmethod
    def signature(text: str):
        """The MinHash of ``text``'s lower-cased word 3-shingles, or None for a text too short to compare.

        The shingles are hashed :data:`SHINGLE_BATCH` at a time as they are read (a MinHash keeps minima, so
        batches give the signature of the whole set), so a long text costs no list of its words.
        """
        from datasketch import MinHash

        m = MinHash(num_perm=NUM_PERM, seed=1)
        seen: set[str] = set()  # the distinct shingles, until there are enough to compare
        batch: set[str] = set()
        last: list[str] = []
        for word in re.finditer(r"\w+", text.lower()):
            last = [*last[-2:], word.group(0)]
            if len(last) < 3:
                continue
            shingle = " ".join(last)
            batch.add(shingle)
            if len(seen) < MIN_SHINGLES:
                seen.add(shingle)
            if len(batch) >= SHINGLE_BATCH:
                m.update_batch([s.encode("utf-8", "surrogatepass") for s in batch])
                batch = set()
        if len(seen) < MIN_SHINGLES:
            return None
        m.update_batch([s.encode("utf-8", "surrogatepass") for s in batch])
        return m

    @staticmethod
    def from_hex(value: str):
        import numpy as np
        from datasketch import MinHash

        values = np.frombuffer(bytes.fromhex(value), "<u4").astype(np.uint64)
        return MinHash(num_perm=NUM_PERM, seed=1, hashvalues=values)

    def _load(self) -> None:
        self.loaded = True
        rows = self.kg.query("SELECT ?g ?m WHERE { GRAPH ?g { ?g dipl:minhash ?m "
                             "FILTER NOT EXISTS { ?g dipl:duplicateOf ?o } } }")
        for g, m in rows:
            with contextlib.suppress(ValueError):
                self._remember(str(g), self.from_hex(str(m)))

    def _remember(self, iri: str, sig) -> None:
        if iri not in self.signatures:
            self.signatures[iri] = sig
            self.lsh.insert(iri, sig, check_duplication=False)

    def check(self, doc: Document, iri: str) -> tuple[str | None, str | None]:
        """(hex signature, IRI of the original it is a near-copy of, else None); an original is remembered."""
        if not self.loaded:
            self._load()
        sig = self.signature(doc.normalized[0])
        if sig is None:
            return None, None
        value = sig.hashvalues.astype("<u4").tobytes().hex()
        for other in sorted(self.lsh.query(sig)):
            if other != iri and sig.jaccard(self.signatures[other]) >= NEAR_DUPLICATE:
                return value, other
        self._remember(iri, sig)
        return value, None


def _stored(kg: KnowledgeGraph, iris: list[str], hashes: set[str]) -> tuple[dict[str, str], dict[str, str]]:
    """In one query: the stored content hash of each of ``iris`` (IRI -> hash), and for each of ``hashes``
    the id of a stored document with that text (hash -> id)."""
    graphs = " ".join(f"<{i}>" for i in sorted(set(iris)))
    texts = " ".join(f'"{h}"' for h in sorted(hashes))
    rows = kg.query(f"SELECT ?g ?h ?id WHERE {{ {{ VALUES ?g {{ {graphs} }} }} UNION {{ VALUES ?h {{ {texts} }} }} "
                    f"GRAPH ?g {{ ?g dipl:contentHash ?h OPTIONAL {{ ?g dcterms:identifier ?id }} }} }}")
    known: dict[str, str] = {}
    copies: dict[str, str] = {}
    mine = set(iris)
    for g, h, i in rows:
        if str(g) in mine:
            known[str(g)] = str(h)
        copies.setdefault(str(h), str(i or g))
    return known, copies


def _to_extract(items: Iterable[Document | InputError | Skipped], kg: KnowledgeGraph, summary: BuildSummary,
                report: Report, writer: "Writer", allow_duplicates: bool = False,
                force: bool = False) -> Iterator[tuple[Document, str]]:
    """(document, 'new' | 'changed') for each document whose text is not stored yet (every one with
    ``force``); the rest counted.

    Exact duplicates are skipped (unless ``allow_duplicates``); near-duplicates go to ``writer``
    as their document node with ``dipl:duplicateOf``, not to extraction (held until their
    original, when it comes from this build, is written).
    """
    seen: dict[str, str] = {}  # content hash -> id of the document of this build that has it
    near = None if allow_duplicates else NearDuplicates(kg)

    def check(batch: list[tuple[Document, str]]) -> Iterator[tuple[Document, str]]:
        known, copies = _stored(kg, [iri for _, iri in batch],
                                set() if allow_duplicates else {d.content_hash for d, _ in batch})
        todo = []
        for d, iri in batch:
            old = known.get(iri)
            if old == d.content_hash and not force:
                summary.unchanged += 1
                report(d.id, "unchanged")
            else:
                todo.append((d, iri, "changed" if old else "new"))
        for d, iri, status in todo:
            other = None if allow_duplicates else seen.get(d.content_hash) or copies.get(d.content_hash)
            if other is not None and other != d.id:
                summary.duplicates.append(f"{d.id}: same text as {other}")
                report(d.id, "duplicate")
                continue
            seen.setdefault(d.content_hash, d.id)
            if near is not None:
                sig, original = near.check(d, iri)
                d = replace(d, minhash=sig, duplicate_of=original)
                if original:
                    summary.near_duplicates.append(f"{d.id}: near-copy of {original}")
                    item = convert(Extraction(d))
                    item.status = status
                    writer.add(item, after=original)
                    continue
            writer.expect(iri, d.id)
            yield d, status

    claimed: dict[str, tuple[str, str]] = {}  # graph IRI -> (id, content hash) of the document of this build
    batch: list[tuple[Document, str]] = []  # (document, its graph IRI)
    for item in items:
        if isinstance(item, Skipped):
            summary.skipped.append(f"{item.path}: {item.reason}")
            continue
        if isinstance(item, InputError):
            summary.failed.append(str(item))
            report(str(item), "failed")
            continue
        summary.warnings.extend(item.warnings)
        iri = str(document_iri(item))
        if iri in claimed:  # the same id (or url) twice: one document graph, the later record would replace it
            first, digest = claimed[iri]
            here = item.origin or item.id
            if digest == item.content_hash:
                summary.duplicates.append(f"{here}: same text as {first}")
                report(item.id, "duplicate")
            else:
                same = "url" if item.url else "id"
                summary.failed.append(f"{here}: the same {same} ({item.key}) as {first} with another text; "
                                      f"not built, {first} is: give each record its own {same}")
                report(item.id, "failed")
            continue
        claimed[iri] = (item.origin or item.id, item.content_hash)
        batch.append((item, iri))
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
        self.curation = list(curation)
        self.kg, self.summary, self.report = kg, summary, report
        self.batch: list[Extracted] = []
        self.bytes = 0
        self.last = time.monotonic()
        self.in_flight: dict[str, str] = {}  # id -> graph IRI of the documents sent to extraction, not yet written
        self.held: dict[str, list[Extracted]] = {}  # graph IRI -> near-copies that wait for that document

    def expect(self, graph: str, doc_id: str) -> None:
        """``doc_id`` (graph IRI ``graph``) goes to extraction; near-copies of it wait until it is written."""
        self.in_flight[doc_id] = graph

    def add(self, item: Extracted | Failed, after: str | None = None) -> None:
        """Write ``item`` in a coming batch; with ``after`` (the graph IRI of a document still in
        extraction) once that one is written; if that one fails, ``item`` fails with it."""
        if after is not None and after in self.in_flight.values():
            self.held.setdefault(after, []).append(item)
            return
        if isinstance(item, Failed):
            self._failed(item.id, item.reason)
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
            self._failed(item.id, f"the store rejected its graph ({e})")
        return written

    def stream(self, doc: Document, status: str, extractor) -> None:
        """Extract, convert and write one long document piece by piece (see the module docstring)."""
        self.flush()
        graph = document_iri(doc)
        total = count_words(doc.text)
        relations = 0
        try:
            with tempfile.TemporaryFile(prefix="kg-pieces-") as spool:
                pieces = _Spool(spool)
                for part, done in extractor.extract_pieces(doc):
                    if part.relations:
                        pieces.put(part.relations)
                        relations += len(part.relations)
                    self.report(f"{doc.id} (read {done:,} of {total:,} words)", "in progress")
                actors = part  # the last piece: every actor of the document, no relation

                def say(what: str) -> None:
                    self.report(f"{doc.id} ({what})", "in progress")

                triples = self.kg.write_in_pieces(
                    str(graph), self._pieces(actors, pieces, say),
                    f"<{graph}> <{DIPL.contentHash}> {Literal(doc.content_hash).n3()} .\n", progress=say)
        except Exception as e:  # noqa: BLE001 - one bad document must not stop a corpus build
            with contextlib.suppress(QueryError):
                self.kg.remove_in_pieces(str(graph))
            self.add(Failed(doc.id, f"extraction failed ({type(e).__name__}: {e})"))
            return
        self._done(Extracted(doc.id, str(graph), doc.content_hash, status, None, triples,
                             len(actors.actors), relations, total))

    def _pieces(self, actors: Extraction, spool: "_Spool", say: Callable[[str], None]) -> Iterator[str]:
        """A streamed document's N-Triples: its actors, then each piece of its relations (read back from ``spool``)."""
        yield self._ntriples(actors)
        for n, relations in enumerate(spool, 1):
            say(f"writing piece {n} of {len(spool)}")
            yield self._ntriples(Extraction(actors.document, relations=relations))

    def _ntriples(self, part: Extraction) -> str:
        """One piece of a streamed document as N-Triples, without its content hash (written last), curated."""
        g = to_graph(part)
        g.remove((document_iri(part.document), DIPL.contentHash, None))
        nt = g.serialize(format="nt")
        return apply_ntriples(nt, self.curation) if self.curation else nt

    def _failed(self, doc_id: str, reason: str) -> None:
        self.summary.failed.append(f"{doc_id}: {reason}")
        self.report(doc_id, "failed")
        for copy in self.held.pop(self.in_flight.pop(doc_id, ""), []):
            self._failed(copy.id, f"near-copy of {doc_id}, which failed; build again to retry both")

    def _done(self, item: Extracted) -> None:
        s = self.summary
        setattr(s, item.status, getattr(s, item.status) + 1)
        s.actors += item.actors
        s.relations += item.relations
        s.words += item.words
        self.report(item.id, item.status)
        self.in_flight.pop(item.id, None)
        for copy in self.held.pop(item.graph, []):
            self.add(copy)


class _Spool:
    """The relations of a long document's pieces, kept on disk until its actors are final (an actor may be
    renamed or classified later in the text): pickled with their actors as references to the live objects,
    so memory holds one piece and the document's actor table, never every relation.

    >>> import io
    >>> from kg.actors import Actor
    >>> france = Actor("FRA", "France", "Country")
    >>> spool = _Spool(io.BytesIO())
    >>> spool.put([("met", france)]); france.label = "French Republic"
    >>> [[(what, a.label) for what, a in piece] for piece in spool]
    [[('met', 'French Republic')]]
    """

    def __init__(self, file) -> None:
        self.file, self.actors, self.pieces = file, {}, 0

    def put(self, relations: list) -> None:
        pickler = pickle.Pickler(self.file, protocol=pickle.HIGHEST_PROTOCOL)
        pickler.persistent_id = self._actor_id
        pickler.dump(relations)
        self.pieces += 1

    def _actor_id(self, obj) -> int | None:
        if isinstance(obj, Actor):
            self.actors[id(obj)] = obj
            return id(obj)
        return None

    def __len__(self) -> int:
        return self.pieces

    def __iter__(self) -> Iterator[list]:
        self.file.seek(0)
        for _ in range(self.pieces):
            unpickler = pickle.Unpickler(self.file)
            unpickler.persistent_load = self.actors.__getitem__
            yield unpickler.load()


def build(paths: Iterable[str], store: str | KnowledgeGraph = "output/store", model: str | None = None,
          documents: Iterable[Document | InputError] | None = None,
          on_document: Callable[[str, str], None] | None = None, extractor=None, workers: int = 1,
          fields: dict[str, str] | None = None, engine=None, include: Iterable[str] | None = None,
          exclude: Iterable[str] = (), max_bytes: int = MAX_BYTES, date: str | None = None,
          allow_duplicates: bool = False, curation: Sequence[Decision] = (), force: bool = False,
          timeout: float | None = None) -> BuildSummary:
    """Extract every document under ``paths`` into ``store``; unchanged documents are skipped.

    A document that cannot be read or extracted is recorded in ``failed`` (``"path: reason"``)
    and the build goes on. ``on_document(doc_id, status)`` is called after each document
    (status new, changed, unchanged or failed), for progress bars. ``workers`` > 1 extracts
    in that many processes; ``engine`` runs extraction elsewhere (see :mod:`kg.distributed`).
    ``fields`` names the JSON Lines fields (keys text, title, date, url, id, language, source);
    ``include``/``exclude`` (globs), ``max_bytes`` and ``date`` (for undated documents) go to
    :func:`kg.ingest.read_documents`. Exact duplicates are skipped unless ``allow_duplicates``.
    ``curation`` decisions (:mod:`kg.curation`) are applied to each document graph before it is written
    (documents a Dask worker writes itself are not curated). ``force`` extracts documents stored with the
    same text again.
    ``timeout`` bounds every connect and read of a remote store (seconds; see :class:`kg.store.SparqlBackend`).
    If the build is interrupted (Ctrl-C), the documents already extracted are written first.
    """
    t0 = time.perf_counter()
    summary = BuildSummary()
    report = on_document or (lambda doc, status: None)
    kg = store if isinstance(store, KnowledgeGraph) else KnowledgeGraph(store, timeout=timeout)
    if engine is None:
        engine = SerialEngine(model, extractor) if workers <= 1 else ProcessEngine(workers, model)
    summary.workers = getattr(engine, "workers", workers)
    writer = Writer(kg, summary, report, curation)
    try:
        _remove_incomplete(kg)
        items = documents if documents is not None else read_documents(
            paths, fields, include=include, exclude=exclude, max_bytes=max_bytes, date=date)
        pairs = _to_extract(items, kg, summary, report, writer, allow_duplicates, force)
        for result in engine.run(chunks(_stream_long(pairs, writer, lambda: _extractor(engine, model)))):
            _record_rss(summary, result)
            for item in result.items:
                writer.add(item)
        while writer.batch:  # the last batch's originals release their near-copies
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


def _remove_incomplete(kg: KnowledgeGraph) -> None:
    """Remove what a killed build left of a long document (a graph without its content hash), and bring the
    maintained graphs back to the complete documents: a document is in the store whole or not at all."""
    for (graph,) in list(kg.select("SELECT ?g WHERE { GRAPH ?g { ?g a dipl:Document } "
                                   "FILTER NOT EXISTS { GRAPH ?g { ?g dipl:contentHash ?h } } }")):
        kg.remove_in_pieces(graph)


def _stream_long(pairs: Iterable[tuple[Document, str]], writer: Writer, extractor) -> Iterator[tuple[Document, str]]:
    """The pairs to extract in chunks; long documents are streamed by ``writer`` on the way."""
    for doc, status in pairs:
        if len(doc.text) > LONG_CHARS:
            writer.stream(doc, status, extractor())
        else:
            yield doc, status


def _extractor(engine, model: str | None):
    """This process's extractor (the serial engine's, or one loaded once for long documents)."""
    if getattr(engine, "extractor", None) is None:
        from .extract import Extractor

        engine.extractor = Extractor(model)
    return engine.extractor


def _record_rss(summary: BuildSummary, result: ChunkResult) -> None:
    if result.worker:
        summary.peak_rss_mib[result.worker] = max(summary.peak_rss_mib.get(result.worker, 0.0), result.peak_rss_mib)

