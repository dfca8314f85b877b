"""Read documents: plain text, HTML pages and JSON Lines corpora.

A :class:`Document` keeps its text exactly as read; :func:`segments` gives the
paragraphs worth parsing (page boilerplate left out) with their character
offsets into that text, so every offset kg reports points into ``Document.text``.

>>> doc = Document.from_text("note.txt", "Share this\\nFrance and Germany signed a treaty.")
>>> [(start, text) for start, text in segments(doc)]
[(11, 'France and Germany signed a treaty.')]
"""
from __future__ import annotations

import hashlib
import json
import os
import re
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from functools import cache
from importlib.resources import files
from pathlib import Path
from typing import TypeVar

from .errors import InputError

__all__ = ["Document", "read_document", "read_documents", "iter_paths", "segments", "MAX_SEGMENT_CHARS",
           "count_words", "by_words"]

HTML_SUFFIXES = {".html", ".htm", ".xhtml"}
JSONL_SUFFIXES = {".jsonl", ".ndjson"}
TEXT_SUFFIXES = {".txt", ".text", ".md", ""}
MAX_SEGMENT_CHARS = 20_000  # longer paragraphs are cut at sentence ends, so memory stays bounded


@dataclass(frozen=True)
class Document:
    """One article: its id (the path or URL it came from), text and metadata."""

    id: str
    text: str
    title: str | None = None
    date: str | None = None  # ISO 8601 date of publication, when known
    url: str | None = None
    meta: dict = field(default_factory=dict, compare=False)

    @classmethod
    def from_text(cls, id: str, text: str, **kw) -> "Document":
        return cls(id=id, text=text, **kw)

    @property
    def content_hash(self) -> str:
        """SHA-256 of the text: the build compares it to decide new / changed / unchanged."""
        return hashlib.sha256(self.text.encode("utf-8")).hexdigest()

    @property
    def key(self) -> str:
        """What identifies the document across builds: its URL, else its path."""
        return self.url or Path(self.id).as_posix()


def _decode(path: Path, raw: bytes) -> str:
    if b"\x00" in raw[:8192]:
        raise InputError(f"{path}: looks like a binary file, not text; give kg plain text, HTML or JSON Lines")
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError as e:
        raise InputError(f"{path}: is not UTF-8 (byte {e.start}); convert it first, e.g. iconv -f LATIN1 -t UTF-8") from None


def _from_html(path: Path, html: str) -> Document:
    import trafilatura  # heavy; only HTML needs it

    found = trafilatura.bare_extraction(html, include_comments=False, include_tables=False, with_metadata=True)
    text = (getattr(found, "text", None) or "").strip() if found else ""
    if not text:
        raise InputError(f"{path}: no article text found in this HTML page")
    title = getattr(found, "title", None)
    if title and not text.startswith(title):
        text = f"{title}\n\n{text}"
    return Document(id=str(path), text=text, title=title, date=getattr(found, "date", None), url=getattr(found, "url", None))


def read_document(path: str | os.PathLike) -> Document:
    """Read one plain-text or HTML file as a Document; raise InputError if it cannot be used."""
    p = Path(path)
    if not p.exists():
        raise InputError(f"{p}: no such file; check the path")
    if p.is_dir():
        raise InputError(f"{p}: is a directory; give the files in it, or use kg build which walks directories")
    text = _decode(p, p.read_bytes())
    if not text.strip():
        raise InputError(f"{p}: is empty; there is nothing to extract")
    if p.suffix.lower() in HTML_SUFFIXES or text.lstrip()[:15].lower().startswith(("<!doctype html", "<html")):
        return _from_html(p, text)
    return Document(id=str(path), text=text)


def read_jsonl(path: str | os.PathLike, fields: dict[str, str] | None = None) -> Iterator[Document | InputError]:
    """Stream a JSON Lines corpus, one article per line; bad lines come out as InputError values.

    ``fields`` maps kg's names (text, title, date, url, id) to the corpus's own field names.
    """
    names = {"text": "text", "title": "title", "date": "date", "url": "url", "id": "id"} | (fields or {})
    p = Path(path)
    with p.open("rb") as fh:
        for n, raw in enumerate(fh, 1):
            if not raw.strip():
                continue
            where = f"{p}:{n}"
            try:
                rec = json.loads(_decode(p, raw))
                text = rec.get(names["text"])
                if not isinstance(text, str) or not text.strip():
                    raise InputError(f"{where}: no text in field {names['text']!r}; set the field name with --text-field")
            except (ValueError, AttributeError) as e:
                yield InputError(f"{where}: not a JSON object ({e})")
                continue
            except InputError as e:
                yield e
                continue
            url = rec.get(names["url"]) or None
            doc_id = str(rec.get(names["id"]) or url or where)
            yield Document(id=doc_id, text=text, title=rec.get(names["title"]) or None,
                           date=_iso_date(rec.get(names["date"])), url=url)


def _iso_date(value: object) -> str | None:
    if not value:
        return None
    m = re.match(r"\d{4}-\d{2}-\d{2}", str(value))
    return m.group(0) if m else None


def iter_paths(paths: Iterable[str | os.PathLike]) -> Iterator[Path]:
    """Expand directories (recursively, sorted) and glob patterns into files; raise for a missing path."""
    for raw in paths:
        p = Path(raw)
        if any(ch in str(raw) for ch in "*?["):
            matches = sorted(Path().glob(str(raw))) if not p.is_absolute() else sorted(Path("/").glob(str(p)[1:]))
            if not matches:
                raise InputError(f"{raw}: the pattern matches no file")
            yield from (m for m in matches if m.is_file())
        elif p.is_dir():
            yield from sorted(f for f in p.rglob("*") if f.is_file() and not f.name.startswith(".")
                              and f.suffix.lower() in HTML_SUFFIXES | JSONL_SUFFIXES | TEXT_SUFFIXES)
        elif p.exists():
            yield p
        else:
            raise InputError(f"{raw}: no such file or directory; check the path")


def read_documents(paths: Iterable[str | os.PathLike], fields: dict[str, str] | None = None) -> Iterator[Document | InputError]:
    """Stream the documents under ``paths``; a file that cannot be read comes out as an InputError value."""
    for p in iter_paths(paths):
        if p.suffix.lower() in JSONL_SUFFIXES:
            yield from read_jsonl(p, fields)
            continue
        try:
            yield read_document(p)
        except InputError as e:
            yield e


# ---------------------------------------------------------------- boilerplate


@cache
def _boilerplate() -> tuple[tuple[str, ...], tuple[str, ...]]:
    data = json.loads((files("kg") / "data" / "boilerplate.json").read_text(encoding="utf-8"))
    return tuple(data["prefixes"]), tuple(data["phrases"])


_END = re.compile(r"[.!?…:;\"'”’)\]]\s*$")
_WORD = re.compile(r"[A-Za-z][\w'’-]*")
_SMALL = {"a", "an", "the", "and", "or", "of", "in", "on", "for", "to", "at", "by", "with", "from", "as", "but", "vs"}


def is_boilerplate(line: str) -> bool:
    """True for a page line that is not article text: menus, teasers, share and comment lines.

    >>> is_boilerplate("Also read: Markets Rally Again")
    True
    >>> is_boilerplate("Leaders met in Geneva on Monday.")
    False
    """
    s = line.strip()
    low = s.lower()
    prefixes, phrases = _boilerplate()
    if low.startswith(prefixes) or any(ph in low for ph in phrases):
        return True
    if _END.search(s):
        return False
    words = _WORD.findall(s)
    return len(words) < 4  # a short unpunctuated line: a menu item, a byline, a brand


def is_headline(line: str) -> bool:
    """A Title Case line without final punctuation, long enough to be a sentence."""
    s = line.strip()
    words = [w for w in _WORD.findall(s) if w.lower() not in _SMALL]
    return (not _END.search(s) and len(_WORD.findall(s)) >= 5 and bool(words)
            and sum(w[0].isupper() for w in words) / len(words) >= 0.7)


def _split_long(start: int, text: str) -> Iterator[tuple[int, str]]:
    at = 0  # cut by position: no copy of the rest of a long line per piece
    while len(text) - at > MAX_SEGMENT_CHARS:
        end = at + MAX_SEGMENT_CHARS
        cut = max(text.rfind(". ", at, end), text.rfind("\n", at, end))
        cut = cut + 1 if cut > at else end
        yield start + at, text[at:cut]
        at = cut
    if text[at:].strip():
        yield start + at, text[at:]


def segments(doc: Document) -> Iterator[tuple[int, str]]:
    """The paragraphs of ``doc`` to parse, as (offset, text); boilerplate lines are skipped.

    The first headline-like line is kept (it is the article's title); other Title Case
    lines without punctuation are page furniture and are skipped.
    """
    seen_headline = False
    for m in re.finditer(r"[^\n]+", doc.text):
        line = m.group(0)
        stripped = line.strip()
        if not stripped:
            continue
        if is_headline(stripped):
            if seen_headline:
                continue
            seen_headline = True
        elif is_boilerplate(stripped):
            continue
        lead = len(line) - len(line.lstrip())
        yield from _split_long(m.start() + lead, stripped)


# ---------------------------------------------------------------- sizing batches


def count_words(text: str) -> int:
    """Whitespace-separated words: the unit batches are sized in.

    >>> count_words("France and Germany signed a treaty.")
    6
    """
    if len(text) < 100_000:
        return len(text.split())
    return sum(1 for _ in re.finditer(r"\S+", text))  # a long text: no list of every word in memory


T = TypeVar("T")


def by_words(items: Iterable[T], words: Callable[[T], int], size: int) -> Iterator[list[T]]:
    """``items`` grouped into lists of about ``size`` words (an item longer than that alone).

    >>> [len(g) for g in by_words(["a b", "c d", "e f g h"], count_words, size=4)]
    [2, 1]
    """
    group: list[T] = []
    n = 0
    for item in items:
        w = words(item)
        if group and n + w > size:
            yield group
            group, n = [], 0
        group.append(item)
        n += w
    if group:
        yield group
