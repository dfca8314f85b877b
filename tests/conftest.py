"""Shared fixtures: the real spaCy pipeline (loaded once) and stores in temporary directories."""
from __future__ import annotations

import pytest

from kg.extract import Extractor
from kg.ingest import Document


@pytest.fixture(scope="session")
def extractor() -> Extractor:
    return Extractor()


@pytest.fixture(scope="session")
def extract(extractor):
    """extract(text) -> Extraction of a one-off document."""

    def run(text: str, date: str | None = None):
        return extractor.extract(Document("test.txt", text, date=date))

    return run


@pytest.fixture(scope="session")
def triples(extract):
    """triples(text) -> {(source label, class, target label, negated, modality)}."""

    def run(text: str) -> set[tuple]:
        return {(r.source.label, r.cls, r.target.label, r.negated, r.modality) for r in extract(text).relations}

    return run



@pytest.fixture(scope="session")
def example_store(tmp_path_factory, extractor) -> str:
    """A store of the three example articles, built once; copy it (shutil.copytree) before changing it."""
    from kg.build import build

    path = tmp_path_factory.mktemp("examples") / "store"
    summary = build(["examples/"], store=str(path), extractor=extractor)
    assert summary.new == 3 and summary.relations > 20, summary
    return str(path)


@pytest.fixture(scope="session")
def browser():
    """Debian's headless Chromium through Playwright, once per session; skips without it."""
    from browser import SKIP_NO_CHROMIUM
    from kg.render import CHROMIUM_ARGS, chromium_path

    exe = chromium_path()
    if exe is None:
        pytest.skip(SKIP_NO_CHROMIUM)
    sync_api = pytest.importorskip("playwright.sync_api", reason="pip install -e '.[test]' installs playwright")
    with sync_api.sync_playwright() as p:
        b = p.chromium.launch(executable_path=exe, args=CHROMIUM_ARGS)
        yield b
        b.close()
