from pathlib import Path

import pytest

from kg.errors import InputError
from kg.ingest import Document, is_boilerplate, read_document, read_documents, segments

PAGE = """Menu
World News

Ministers Gather In Oslo For Arctic Talks Amid Rising Tensions

Norway's foreign minister hosted her Danish and Finnish counterparts on Friday.
Also read: Oil Prices Slide Again As Demand Weakens
Share this article
The three countries agreed to share satellite data.
Leave a Comment
"""


def test_segments_skip_page_furniture_and_keep_offsets():
    doc = Document("page.txt", PAGE)
    parts = list(segments(doc))
    texts = [t for _, t in parts]
    assert texts == ["Ministers Gather In Oslo For Arctic Talks Amid Rising Tensions",
                     "Norway's foreign minister hosted her Danish and Finnish counterparts on Friday.",
                     "The three countries agreed to share satellite data."]
    for start, text in parts:
        assert doc.text[start:start + len(text)] == text


@pytest.mark.parametrize("line, expected", [
    ("Also read: Markets Rally Again", True),
    ("Your email address will not be published.", True),
    ("Donate To The Daily Herald", True),
    ("Type to search", True),
    ("The minister said the talks would resume.", False),
])
def test_boilerplate_lines(line, expected):
    assert is_boilerplate(line) is expected


def test_long_paragraph_is_cut_with_offsets_kept():
    sentence = "Chile and Peru signed a fisheries accord in Lima. "
    doc = Document("long.txt", sentence * 2000)
    parts = list(segments(doc))
    assert len(parts) > 1
    assert all(len(t) <= 20_000 for _, t in parts)
    for start, text in parts:
        assert doc.text[start:start + len(text)] == text


@pytest.mark.parametrize("content, message", [
    (b"", "is empty"),
    (b"   \n\n", "is empty"),
    (b"\x89PNG\r\n\x1a\n\x00\x00\x00", "binary"),
    (b"\xff\xd8\xff\xe0\x00\x10JFIF" + bytes(64), "binary"),
])
def test_unreadable_files_raise_input_error(tmp_path: Path, content: bytes, message: str):
    p = tmp_path / "bad.txt"
    p.write_bytes(content)
    with pytest.raises(InputError, match=message):
        read_document(p)


def test_missing_file(tmp_path: Path):
    with pytest.raises(InputError, match="no such file"):
        read_document(tmp_path / "nope.txt")


def test_html_page_gives_main_text(tmp_path: Path):
    page = tmp_path / "a.html"
    page.write_text("<html><head><title>Summit</title></head><body><nav>Home | World | Sport</nav>"
                    "<article><h1>Leaders meet in Nairobi</h1><p>Kenya and Ethiopia signed a border agreement "
                    "on Monday after two days of talks in Nairobi.</p><p>Both governments said the deal "
                    "would open trade routes.</p></article><footer>Subscribe to our newsletter</footer></body></html>",
                    encoding="utf-8")
    doc = read_document(page)
    assert "Kenya and Ethiopia signed a border agreement" in doc.text
    assert "Subscribe" not in doc.text


def test_jsonl_corpus_streams_and_reports_bad_lines(tmp_path: Path):
    corpus = tmp_path / "c.jsonl"
    corpus.write_text('{"text": "Japan thanked Australia.", "title": "T", "date": "2024-03-02T10:00:00", "url": "https://x.test/1"}\n'
                      'not json\n{"body": "no text field"}\n', encoding="utf-8")
    items = list(read_documents([corpus]))
    assert isinstance(items[0], Document) and items[0].date == "2024-03-02" and items[0].url == "https://x.test/1"
    assert all(isinstance(i, InputError) for i in items[1:])
