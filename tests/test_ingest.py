import os
from pathlib import Path

import pytest

from kg.errors import InputError
from kg.ingest import (Document, Skipped, is_boilerplate, iter_paths, read_document, read_documents, read_jsonl,
                       segments)


@pytest.fixture(scope="module")
def extract_doc(extractor):
    return extractor.extract

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


# ---------------------------------------------------------------- invisible characters and offsets

PLAIN = "South Korea criticised North Korea over the missile launch."


@pytest.mark.parametrize("text", [
    "South\u00a0Korea criticised North\u00a0Korea over the missile launch.",  # no-break spaces
    "South Korea criticised North Korea\u200b over the missile launch.",  # zero-width space
    "South Korea criti\u00adcised North Korea over the missile launch.",  # soft hyphen
    "South Korea\x07 criticised North Korea over the missile launch.",  # a control character glued to a word
    "\ufeffSouth Korea criticised North\u2009Korea over the missile launch.",  # BOM, thin space
])
def test_invisible_characters_do_not_hide_actors_and_offsets_point_into_the_original(extract_doc, text):
    doc = Document("kr.txt", "Seoul desk\n" + text)
    ex = extract_doc(doc)
    [rel] = ex.relations
    assert (rel.source.label, rel.cls, rel.target.label) == ("South Korea", "ACCUSE", "North Korea")
    assert rel.sentence == PLAIN  # the evidence shown is the normalized sentence
    original = doc.text[rel.start:rel.end]
    assert original.strip("\ufeff") == text.strip("\ufeff") and doc.text.index(original) == rel.start


def test_normalization_is_nfc_and_keeps_line_breaks_for_vertical_tabs():
    doc = Document("v.txt", "Caf\u0065\u0301 owners met.\x0bThe mayor of Lyon spoke.")
    text, _ = doc.normalized
    assert text == "Caf\u00e9 owners met.\nThe mayor of Lyon spoke."
    start = text.index("The mayor")
    assert doc.text[doc.original_span(start, len(text))[0]:] == "The mayor of Lyon spoke."


# ---------------------------------------------------------------- encodings


@pytest.mark.parametrize("encoding, expected", [("latin-1", "cp1252"), ("cp1252", "cp1252"), ("utf-16", "utf_16"),
                                                ("utf-8-sig", "utf-8")])
def test_files_in_other_encodings_are_decoded_and_the_encoding_recorded(tmp_path, encoding, expected):
    text = "Fran\u00e7ois Hollande\u2019s envoy visited Bamako, and Mali\u2019s junta welcomed him."
    if encoding == "latin-1":
        text = text.replace("\u2019", "'")
    p = tmp_path / "mali.txt"
    p.write_bytes(text.encode(encoding))
    doc = read_document(p)
    assert doc.text == text and doc.encoding == expected


# ---------------------------------------------------------------- front matter and titles


def test_front_matter_sets_title_date_url_source_language_and_is_not_text(tmp_path):
    p = tmp_path / "visit.md"
    p.write_text("---\ntitle: Envoy in Accra\ndate: 12 May 2024\nurl: https://news.example/accra\n"
                 "source: Example Wire\nlanguage: en\n---\nGhana welcomed the Nigerian envoy on Friday.\n",
                 encoding="utf-8")
    doc = read_document(p)
    assert (doc.title, doc.date, doc.url, doc.source, doc.language) == (
        "Envoy in Accra", "2024-05-12", "https://news.example/accra", "Example Wire", "en")
    assert doc.normalized[0] == "Ghana welcomed the Nigerian envoy on Friday.\n" and not doc.warnings
    assert doc.text[doc.original_span(0, 5)[0]:].startswith("Ghana welcomed")


@pytest.mark.parametrize("front, warning", [
    ("title: [unclosed\n", "front matter: not valid YAML (line "),
    ("date: someday soon\n", "front matter: field date: cannot read 'someday soon'"),
    ("- a list\n", "front matter: expected key: value lines"),
])
def test_bad_front_matter_is_one_warning_and_the_document_is_still_read(tmp_path, front, warning):
    p = tmp_path / "note.txt"
    p.write_text(f"---\n{front}---\nGhana welcomed the Nigerian envoy.\n", encoding="utf-8")
    doc = read_document(p)
    assert len(doc.warnings) == 1 and warning in doc.warnings[0] and str(p) in doc.warnings[0]
    assert doc.normalized[0] == "Ghana welcomed the Nigerian envoy.\n"


def test_a_headline_first_line_is_the_title(tmp_path):
    p = tmp_path / "t.txt"
    p.write_text("Ghana And Nigeria Agree On Border Patrols\n\nGhana and Nigeria agreed on joint patrols.\n")
    assert read_document(p).title == "Ghana And Nigeria Agree On Border Patrols"
    p.write_text("Ghana and Nigeria agreed on joint patrols.\n")
    assert read_document(p).title is None


# ---------------------------------------------------------------- JSON Lines records, field by field


def test_every_jsonl_field_is_checked_and_a_bad_record_stops_nothing(tmp_path):
    good = '{"text": "Chile thanked Peru.", "id": "good-%d"}'
    lines = [
        '{"text": "France met Germany \\ud800 in Paris.", "id": "\\udc00x"}',  # lone surrogates
        '{"text": "Chile thanked Peru.", "url": 123}',
        '{"text": "Chile thanked Peru.", "url": ["https://a.example"], "title": {"x": 1}}',
        '{"text": "Chile thanked Peru.", "url": "../x", "id": 7}',
        '{"text": "Chile thanked Peru.", "date": "2024-13-45", "id": "d"}',
        "[" * 100_000 + "]" * 100_000,
        '{"text": 5}',
        '"just a string"',
        b'{"text": "Caf\xe9 talks"}'.decode("latin-1"),
        good % 1,
    ]
    corpus = tmp_path / "c.jsonl"
    with corpus.open("wb") as fh:
        for line in lines:
            fh.write(line.encode("latin-1") if "Caf" in line else line.encode("utf-8"))
            fh.write(b"\n")
    items = list(read_documents([corpus]))
    docs = [i for i in items if isinstance(i, Document)]
    errors = [str(i) for i in items if isinstance(i, InputError)]
    assert [d.id for d in docs] == ["x", f"{corpus}:2", f"{corpus}:3", "7", "d", "good-1"]
    assert docs[0].normalized[0] == "France met Germany  in Paris."
    warnings = [w for d in docs for w in d.warnings]
    assert f"{corpus}:2: field url: expected a string, got a number; left out" in warnings
    assert f"{corpus}:3: field url: expected a string, got a list; left out" in warnings
    assert f"{corpus}:3: field title: expected a string, got an object; left out" in warnings
    assert any(w.startswith(f"{corpus}:4: field url: expected an absolute URL") for w in warnings)
    assert any(w.startswith(f"{corpus}:5: field date: '2024-13-45' is not a valid date") for w in warnings)
    assert all(d.url is None and d.date is None for d in docs[1:5])
    assert errors[0] == f"{corpus}:6: JSON nested too deeply to be an article"
    assert errors[1] == f"{corpus}:7: field text: expected a string, got a number"
    assert errors[2] == f"{corpus}:8: expected a JSON object, got str"
    assert errors[3].startswith(f"{corpus}:9: not UTF-8")


def test_utf16_text_is_decoded_not_called_binary(tmp_path):
    p = tmp_path / "u16.txt"
    p.write_bytes("Chile thanked Peru for the rescue.".encode("utf-16-le"))
    assert read_document(p).normalized[0] == "Chile thanked Peru for the rescue."


# ---------------------------------------------------------------- special files and sizes


def test_a_fifo_is_refused_at_once_not_waited_on(tmp_path):
    fifo = tmp_path / "f.txt"
    os.mkfifo(fifo)
    with pytest.raises(InputError, match="is a FIFO; kg reads only regular files"):
        read_document(fifo)
    with pytest.raises(InputError, match="is a FIFO"):
        list(read_jsonl(tmp_path / "f.txt"))
    assert [type(i).__name__ for i in read_documents([tmp_path])] == ["Skipped"]


@pytest.mark.parametrize("device", ["/dev/zero", "/dev/urandom"])
def test_devices_are_refused(device):
    with pytest.raises(InputError, match="is a device"):
        read_document(device)


def test_the_size_limit_is_checked_before_reading(tmp_path):
    big = tmp_path / "big.txt"
    with big.open("wb") as fh:
        fh.truncate(3 << 30)  # 3 GiB, sparse: reading it would take long and much memory
    with pytest.raises(InputError, match="over the limit of 52,428,800 per document; raise it with --max-bytes"):
        read_document(big)
    corpus = tmp_path / "c.jsonl"
    corpus.write_text('{"text": "%s"}\n{"text": "Chile thanked Peru."}\n' % ("x" * 5000))
    items = list(read_jsonl(corpus, max_bytes=1000))
    assert "c.jsonl:1: the line is over the limit of 1,000 bytes" in str(items[0])
    assert isinstance(items[1], Document)


# ---------------------------------------------------------------- walking folders


def test_walking_reads_text_like_files_and_skips_stores_outputs_hidden_and_vcs(tmp_path):
    (tmp_path / "a.txt").write_text("Chile thanked Peru.")
    (tmp_path / "notes.md").write_text("Peru thanked Chile.")
    (tmp_path / "photo.png").write_bytes(b"\x89PNG\r\n\x1a\n")
    (tmp_path / "data.csv").write_text("a,b\n")
    for folder in (".git", ".hidden", "CVS", "store"):
        (tmp_path / folder).mkdir()
        (tmp_path / folder / "x.txt").write_text("Chile thanked Peru.")
    (tmp_path / "store" / "kg-store.json").write_text("{}")
    (tmp_path / "rocks").mkdir()
    for name in ("CURRENT", "IDENTITY", "LOG", "x.txt"):
        (tmp_path / "rocks" / name).write_text("x")
    (tmp_path / "output").mkdir()
    (tmp_path / "output" / "graph.html").write_text('<!DOCTYPE html><html><head><meta charset="utf-8">\n'
                                                    '<meta name="generator" content="kg"></head></html>')
    (tmp_path / "output" / "records.jsonl").write_text('{"kind": "actor", "doc": "a.txt"}\n')
    (tmp_path / "drafts").mkdir()
    (tmp_path / "drafts" / "d.txt").write_text("Peru thanked Chile.")
    found = list(iter_paths([tmp_path], exclude=["drafts/*"]))
    read = sorted(p.name for p in found if isinstance(p, Path))
    skipped = sorted((Path(s.path).name, s.reason) for s in found if isinstance(s, Skipped))
    assert read == ["a.txt", "notes.md"]
    assert skipped == [("data.csv", "not a text-like file (see --include)"), ("graph.html", "written by kg"),
                       ("photo.png", "not a text-like file (see --include)"), ("records.jsonl", "written by kg")]
    only_md = [p.name for p in iter_paths([tmp_path], include=["*.md"]) if isinstance(p, Path)]
    assert only_md == ["notes.md"]


# ---------------------------------------------------------------- headlines, dates in RDF


def test_a_headline_restating_the_lead_counts_once(extract_doc):
    doc = Document("h.txt", "Ghana And Togo Sign Border Security Pact In Lome\n\n"
                            "Ghana and Togo signed a border security pact in Lome on Tuesday.\n")
    ex = extract_doc(doc)
    assert [(r.source.label, r.cls, r.target.label) for r in ex.relations] == [("Ghana", "AGREE", "Togo")]
    assert "on Tuesday" in ex.relations[0].sentence  # the lead's mention is kept, with its date


def test_partial_and_inherited_dates_are_typed_in_rdf_and_conform_to_the_shapes(extract_doc):
    from rdflib.namespace import DCTERMS, XSD

    from kg.rdf import to_graph
    from kg.validate import validate_graph
    from kg.vocab import DIPL

    doc = Document("d.txt", "Kenya criticised Uganda in 2010. Chile thanked Peru in October 2018. "
                            "Norway praised Sweden last week. Egypt thanked Sudan.", date="2023-03-15",
                   encoding="cp1252")
    g = to_graph(extract_doc(doc))
    dates = {(str(d), d.datatype) for d in g.objects(None, DCTERMS.date)}
    assert {("2010", XSD.gYear), ("2018-10", XSD.gYearMonth), ("2023-03-06", XSD.date),
            ("2023-03-15", XSD.date)} <= dates
    assert {str(p) for p in g.objects(None, DIPL.datePrecision)} == {"year", "month", "week"}
    assert len(list(g.subjects(DIPL.dateInherited, None))) == 1
    assert [str(e) for e in g.objects(None, DIPL.encoding)] == ["cp1252"]
    assert not [v for v in validate_graph(g).violations if v.path in {"dcterms:date", "dipl:datePrecision"}]
