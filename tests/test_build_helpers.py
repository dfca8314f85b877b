"""Helpers for the build tests (no tests here): a small corpus whose sentences give relations, and graph comparison."""
from __future__ import annotations

import json
from pathlib import Path

from rdflib import Dataset, Graph
from rdflib.compare import isomorphic

from kg.export import export
from kg.store import KnowledgeGraph

SENTENCES = [
    "Russia attacked Ukraine on Friday.",
    "Iran cooperated with China on oil exports.",
    "France accused Germany of blocking the budget.",
    "Turkey pressed Sweden to act against militants.",
    "The United States visited Qatar on March 3, 2020.",
    "Japan and South Korea signed a treaty in Seoul.",
    "India urged Pakistan to release the prisoners.",
    "Egypt welcomed the ceasefire between Israel and Hamas.",
    "Brazil criticized Argentina over the tariffs.",
    "Kenya deployed troops to Somalia last week.",
]


def article(i: int) -> str:
    picks = [SENTENCES[(i + k) % len(SENTENCES)] for k in range(3)]
    return f"Report {i} on regional diplomacy\n\n{picks[0]} {picks[1]}\n\n{picks[2]}\n"


def write_jsonl(path: Path, n: int, fields: dict[str, str] | None = None) -> Path:
    names = {"text": "text", "title": "title", "date": "date", "url": "url"} | (fields or {})
    with path.open("w", encoding="utf-8") as fh:
        for i in range(n):
            fh.write(json.dumps({names["text"]: article(i), names["title"]: f"Report {i}",
                                 names["date"]: f"2024-05-{1 + i % 28:02d}T08:00:00Z",
                                 names["url"]: f"https://news.example/{i}"}) + "\n")
    return path


def write_files(folder: Path, n: int) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    for i in range(n):
        (folder / f"article_{i:02d}.txt").write_text(article(i), encoding="utf-8")
    return folder


def document_graphs(store, tmp: Path) -> dict[str, Graph]:
    """The store's document graphs, exported with ``kg export --format trig`` and read back."""
    with KnowledgeGraph(store, read_only=not str(store).startswith("http")) as kg:
        out = export(kg, "trig", tmp / f"export-{abs(hash(str(store)))}.trig")
    ds = Dataset()
    ds.parse(out, format="trig")
    return {str(g.identifier): g for g in ds.graphs() if len(g)}


def assert_same_graphs(a: dict[str, Graph], b: dict[str, Graph]) -> None:
    assert a.keys() == b.keys()
    for name in a:
        assert isomorphic(a[name], b[name]), f"document graph {name} differs"
