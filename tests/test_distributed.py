"""A distributed build on a real Dask cluster (scheduler + two worker processes) into a real SPARQL server."""
from __future__ import annotations

import pytest

distributed = pytest.importorskip("distributed", reason="pip install -e '.[test]' (dask distributed)")

from kg.build import build  # noqa: E402
from kg.distributed import DaskEngine, build_distributed  # noqa: E402

from servers import oxigraph_server  # noqa: E402
from test_build_helpers import assert_same_graphs, document_graphs, write_files, write_jsonl  # noqa: E402


@pytest.fixture(scope="module")
def cluster():
    from distributed import Client, LocalCluster

    with LocalCluster(n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None) as lc, \
            Client(lc) as client:
        yield client


@pytest.fixture()
def sparql_server(tmp_path):
    server = oxigraph_server("--location", str(tmp_path / "server"), "--union-default-graph")
    yield server.url
    server.stop()


def test_distributed_build_into_a_sparql_server_equals_a_local_build(tmp_path, cluster, sparql_server, extractor,
                                                                      monkeypatch):
    import kg.build as kb

    monkeypatch.setattr(kb, "TASK_WORDS", 60)  # several partitions, so both workers take part
    corpus = [str(write_jsonl(tmp_path / "news.jsonl", 10)), str(write_files(tmp_path / "files", 4))]
    (tmp_path / "files" / "binary.txt").write_bytes(b"\x00\x01\x02")

    local = build(corpus, store=str(tmp_path / "local"), extractor=extractor)
    remote = build_distributed(corpus, cluster, store=sparql_server)  # the workers write to the server
    assert (remote.new, remote.relations, remote.actors) == (local.new, local.relations, local.actors) == \
           (10, local.relations, local.actors)
    assert len(remote.duplicates) == len(local.duplicates) == 4  # the files repeat the corpus's first articles
    assert local.relations > 0
    assert len(remote.failed) == 1 and "binary.txt: looks like a binary file" in remote.failed[0]
    assert len(remote.peak_rss_mib) == 2, "both Dask workers extracted partitions"
    assert_same_graphs(document_graphs(tmp_path / "local", tmp_path), document_graphs(sparql_server, tmp_path))

    again = build_distributed(corpus, cluster, store=sparql_server)  # resumable there too: nothing to do
    assert (again.unchanged, again.new, len(again.duplicates)) == (10, 0, 4)


def test_distributed_extraction_written_by_the_client_into_a_store_directory(tmp_path, cluster, extractor,
                                                                              monkeypatch):
    import kg.build as kb

    monkeypatch.setattr(kb, "TASK_WORDS", 60)
    corpus = [str(write_files(tmp_path / "files", 6))]
    local = build(corpus, store=str(tmp_path / "local"), extractor=extractor)
    seen = []
    summary = build(corpus, store=str(tmp_path / "dask"), engine=DaskEngine(cluster),
                    on_document=lambda doc, status: seen.append(status))
    assert summary.new == local.new == 6 and seen == ["new"] * 6
    assert_same_graphs(document_graphs(tmp_path / "local", tmp_path), document_graphs(tmp_path / "dask", tmp_path))
