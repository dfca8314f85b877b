"""Duplicates in one build: a near-copy waits for its original, and fails with it."""
from kg.build import build
from kg.extract import Extractor
from kg.ingest import Document
from kg.store import KnowledgeGraph

STORY = ("Ghana and Togo signed a border security pact in Lome on Tuesday after months of talks. "
         "Ghana's foreign minister thanked Togo for hosting the negotiations and praised its patience. "
         "Both governments said joint patrols along the frontier would begin next month.\n")


class FailsOn(Extractor):
    """The real extractor, except that it raises for the document whose id is ``bad``."""

    def __init__(self, real: Extractor, bad: str) -> None:
        self.nlp, self.bad = real.nlp, bad

    def extract_many(self, documents):
        for result in super().extract_many(documents):
            if result.document.id == self.bad:
                raise RuntimeError("boom")
            yield result


def _docs():
    return [Document("original.txt", STORY), Document("copy.txt", "Ghana And Togo Seal A Pact\n\n" + STORY)]


def test_a_near_copy_is_written_after_its_original_and_counted_once(tmp_path, extractor):
    order = []
    summary = build([], store=str(tmp_path / "s"), documents=_docs(), extractor=extractor,
                    on_document=lambda d, s: order.append((d, s)))
    assert order == [("original.txt", "new"), ("copy.txt", "new")]
    [near] = summary.near_duplicates
    assert near.startswith("copy.txt: near-copy of ") and summary.relations > 0
    with KnowledgeGraph(tmp_path / "s", read_only=True) as kg:
        events = dict((str(i), int(n)) for i, n in kg.query(
            "SELECT ?i (COUNT(?e) AS ?n) WHERE { ?d dcterms:identifier ?i OPTIONAL { ?e a dipl:Event ; prov:wasDerivedFrom ?d } } "
            "GROUP BY ?i"))
    assert events == {"original.txt": summary.relations, "copy.txt": 0}


def test_a_near_copy_fails_with_its_original(tmp_path, extractor):
    summary = build([], store=str(tmp_path / "s"), documents=_docs(), extractor=FailsOn(extractor, "original.txt"))
    assert [f.split(":")[0] for f in summary.failed] == ["original.txt", "copy.txt"]
    assert "near-copy of original.txt, which failed; build again to retry both" in summary.failed[1]
    with KnowledgeGraph(tmp_path / "s", read_only=True) as kg:
        assert list(kg.documents()) == []
