"""Builds beyond one machine: extraction on the workers of a Dask distributed cluster.

    kg build corpus/ --scheduler tcp://scheduler:8786 --store http://sparql-host:7878

Why Dask distributed, and not a cluster of our own: it is pure Python and
installs with pip (``pip install 'kg[distributed]'``), it runs a real
scheduler and real worker processes on one machine for tests
(``LocalCluster``), and the same ``Client`` API drives a cluster of many
machines (``dask scheduler`` + ``dask worker``, Kubernetes, SLURM, cloud VMs)
without any change here. Its nannies start workers with ``OMP_NUM_THREADS``,
``MKL_NUM_THREADS`` and ``OPENBLAS_NUM_THREADS`` at 1, which is what spaCy
worker processes need (see :mod:`kg.parallel`).

How a build runs (:class:`DaskEngine`, plugged into :func:`kg.build.build`):

- the client (this process) streams the documents and checks their content
  hashes against the store, as a local build does, so only new and changed
  documents travel; it submits them in partitions of about
  :data:`kg.parallel.TASK_WORDS` words, a bounded number at a time;
- each worker process loads the spaCy pipeline once (on its first partition)
  and keeps it; it extracts the partition (a document that fails is reported
  with the reason, the others go on);
- with an http(s) store (any SPARQL 1.1 Query/Update server) the workers write
  their partitions to it themselves, one update per partition (each document
  whole or not at all, with the maintained graphs, see docs/graph-layout.md),
  one worker at a time (a Dask ``Lock``), and send back only counts; with a local store
  directory, which only this machine can open, they send the N-Triples back
  and this process writes them in batches.

Workers must have kg installed (the same version), and with a remote store must
reach its URL. Run workers with one thread each (``dask worker --nthreads 1``):
spaCy work holds the GIL, so extra threads in a worker only wait (a lock keeps
them from sharing the pipeline at once).
"""
from __future__ import annotations

import threading
from collections.abc import Iterable, Iterator

from .parallel import ChunkResult, Extracted, Failed, extract_chunk

__all__ = ["DaskEngine", "build_distributed"]

_LOCK = threading.Lock()
_CACHE: dict[tuple[str, str | None], object] = {}  # per worker process: pipelines and store connections


def _cached(kind: str, key: str | None, make):
    if (kind, key) not in _CACHE:
        _CACHE[kind, key] = make()
    return _CACHE[kind, key]


def _write(store_url: str, result: ChunkResult) -> None:
    """Write a partition's documents to the SPARQL store from the worker, holding the cluster-wide write lock
    (concurrent updates would each fold their documents into the maintained counts from their own
    snapshot, and one would be lost); keep only counts."""
    from distributed import Lock

    from .store import KnowledgeGraph

    kg = _cached("store", store_url, lambda: KnowledgeGraph(store_url))
    done = [i for i in result.items if isinstance(i, Extracted)]
    if not done:
        return
    with Lock(f"kg-writes {store_url}"):  # one update at a time: each folds its documents into shared counts
        _write_items(kg, result, done)
    for item in result.items:
        if isinstance(item, Extracted):
            item.ntriples = None


def _write_items(kg, result: ChunkResult, done: list[Extracted]) -> None:
    from .errors import QueryError

    try:
        kg.replace_graphs((i.graph, i.ntriples) for i in done)
    except QueryError:
        if len(done) == 1:
            raise
        rejected = {}
        for item in done:  # one by one: a document the store rejects fails alone
            try:
                kg.replace_graphs([(item.graph, item.ntriples)])
            except QueryError as e:
                rejected[id(item)] = Failed(item.id, f"the store rejected its graph ({e})")
        if len(rejected) == len(done):
            raise
        result.items = [rejected.get(id(i), i) for i in result.items]


def extract_partition(chunk: list, model: str | None, store_url: str | None) -> ChunkResult:
    """Run on a Dask worker: extract ``(document, status)`` pairs, and write them if the store is remote."""
    from .extract import Extractor

    with _LOCK:
        extractor = _cached("extractor", model, lambda: Extractor(model))
        result = extract_chunk(extractor, chunk)
        if store_url:
            _write(store_url, result)
    return result


class DaskEngine:
    """Extraction on a Dask cluster: ``DaskEngine("tcp://host:8786")`` or ``DaskEngine(client)``.

    ``store_url``: an http(s) SPARQL store the workers write to directly; None to send the
    results back to the client, which writes them (the only way for a local store directory).
    """

    def __init__(self, scheduler, model: str | None = None, store_url: str | None = None,
                 in_flight: int | None = None) -> None:
        from distributed import Client

        self.own_client = not isinstance(scheduler, Client)
        self.client = Client(scheduler) if self.own_client else scheduler
        self.model = model
        self.store_url = store_url
        self.workers = max(1, sum(w.get("nthreads", 1) for w in self.client.scheduler_info()["workers"].values()))
        self.in_flight = in_flight or 2 * self.workers

    def _submit(self, chunk: list):
        return self.client.submit(extract_partition, chunk, self.model, self.store_url, pure=False)

    def run(self, chunks: Iterable[list]) -> Iterator[ChunkResult]:
        from distributed import as_completed
        from distributed.scheduler import KilledWorker

        source = iter(chunks)
        pending: dict = {}
        queue = as_completed()
        try:
            for chunk in source:
                fut = self._submit(chunk)
                pending[fut] = chunk
                queue.add(fut)
                if len(pending) >= self.in_flight:
                    break
            for fut in queue:
                chunk = pending.pop(fut)
                try:
                    yield fut.result()
                except KilledWorker:  # the partition killed workers more than the allowed times
                    if len(chunk) == 1:
                        yield ChunkResult([Failed(chunk[0][0].id, "extraction failed (it killed the Dask "
                                                                    "workers that ran it)")])
                    else:
                        for pair in chunk:  # again one by one, so the culprit alone fails
                            single = self._submit([pair])
                            pending[single] = [pair]
                            queue.add(single)
                fut.release()
                nxt = next(source, None)
                if nxt is not None:
                    new = self._submit(nxt)
                    pending[new] = nxt
                    queue.add(new)
        finally:
            if pending:
                self.client.cancel(list(pending))

    def close(self) -> None:
        if self.own_client:
            self.client.close()


def build_distributed(paths: Iterable[str], scheduler, store: str = "output/store", model: str | None = None,
                      workers_write: bool | None = None, **kw):
    """:func:`kg.build.build` with extraction on the Dask cluster at ``scheduler`` (address or Client).

    ``workers_write`` (default: when ``store`` is an http(s) URL) makes the workers write to the store.
    """
    from .build import build
    from .errors import StoreError

    remote = str(store).startswith(("http://", "https://"))
    if workers_write is None:
        workers_write = remote
    if workers_write and not remote:
        raise StoreError("only an http(s) SPARQL store can be written by the workers; a store directory "
                         "is written by the client")
    engine = DaskEngine(scheduler, model=model, store_url=str(store) if workers_write else None)
    return build(paths, store=store, model=model, engine=engine, **kw)
