"""Read documents: plain text and Markdown (with optional YAML front matter), HTML pages, JSON Lines.

A :class:`Document` keeps its text exactly as read (decoded from UTF-8, UTF-16 or
the encoding charset-normalizer detects, recorded in ``encoding``);
:attr:`Document.normalized` is that text normalized (:mod:`kg.normalize`: Unicode
spaces, invisible and control characters, NFC) with a map of its offsets back into
the original. :func:`segments` gives the paragraphs worth parsing (page
boilerplate left out) with offsets into the normalized text;
:meth:`Document.original_span` turns them into offsets into ``Document.text``.

Only regular files are read (a FIFO or a device is refused before it is
opened for reading), each at most ``max_bytes`` long (:data:`MAX_BYTES` by
default, checked before reading). Walking a directory reads only text-like
files (:data:`DEFAULT_INCLUDE`), never hidden or version-control folders or
kg's own stores and outputs; other files come out as :class:`Skipped`.
A JSON Lines record is checked field by field: a bad text fails that record
alone; a bad optional field (url, id, title, date, language, source) is left
out with a warning on the document (``path:line: field url: expected a string``).

>>> doc = Document.from_text("note.txt", "Share this\\nFrance and\\u00a0Germany signed a treaty.")
>>> [(start, text) for start, text in segments(doc)]
[(11, 'France and Germany signed a treaty.')]
"""
from __future__ import annotations

import fnmatch
import hashlib
import itertools
import json
import os
import re
import stat
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field, replace
from functools import cache, cached_property
from importlib.resources import files
from pathlib import Path
from typing import TypeVar

from .dates import parse_date
from .errors import InputError
from .normalize import OffsetMap, normalize

__all__ = ["Document", "Skipped", "read_document", "read_documents", "read_path", "iter_paths", "segments",
           "MAX_SEGMENT_CHARS", "MAX_BYTES", "DEFAULT_INCLUDE", "count_words", "by_words"]

HTML_SUFFIXES = {".html", ".htm", ".xhtml"}
JSONL_SUFFIXES = {".jsonl", ".ndjson"}
JSON_SUFFIXES = {".json"}
TEXT_SUFFIXES = {".txt", ".text", ".md", ""}
DEFAULT_INCLUDE = ("*.txt", "*.md", "*.html", "*.htm", "*.jsonl", "*.json")
MAX_SEGMENT_CHARS = 20_000  # longer paragraphs are cut at sentence ends, so memory stays bounded
MAX_BYTES = 50 << 20  # per document (a file, or one JSON Lines record), checked before reading
VCS_DIRS = {"CVS", "_darcs", ".git", ".hg", ".svn", ".bzr", "RCS", "SCCS"}
STORE_MARKERS = (("kg-store.json",), ("CURRENT", "IDENTITY"))  # a folder with these files is a store (kg's; RocksDB)
GENERATOR = '<meta name="generator" content="kg">'  # marks the pages kg render writes
FIELDS = ("text", "title", "date", "url", "id", "language", "source")


@dataclass(frozen=True)
class Document:
    """One article: its id (the path or URL it came from), text as read and metadata.

    ``body_start`` is where the article starts in ``text`` (after a front matter block);
    ``warnings`` are the fields left out or changed, one line each (``path:line: field date: ...``);
    ``origin`` is the ``path:line`` of a JSON Lines or JSON record.
    """

    id: str
    text: str
    title: str | None = None
    date: str | None = None  # ISO 8601 date of publication, when known
    url: str | None = None
    origin: str | None = field(default=None, compare=False)  # where a corpus record was read: "path:line"
    encoding: str = "utf-8"
    language: str | None = None
    source: str | None = None  # the publisher, as the front matter or corpus names it
    body_start: int = 0
    warnings: tuple[str, ...] = field(default=(), compare=False)
    minhash: str | None = field(default=None, compare=False)  # near-duplicate signature (kg.build), hex
    duplicate_of: str | None = None  # IRI of the stored document this one is a near-copy of

    @classmethod
    def from_text(cls, id: str, text: str, **kw) -> "Document":
        return cls(id=id, text=text, **kw)

    @cached_property
    def normalized(self) -> tuple[str, OffsetMap]:
        """The article text normalized (:func:`kg.normalize.normalize`) and its offset map into the body."""
        return normalize(self.text[self.body_start:] if self.body_start else self.text)

    def original_span(self, start: int, end: int) -> tuple[int, int]:
        """Offsets [start, end) in the normalized text as offsets into ``text``."""
        a, b = self.normalized[1].span(start, end)
        return a + self.body_start, b + self.body_start

    @property
    def content_hash(self) -> str:
        """SHA-256 of the normalized text: the build compares it to decide new / changed / unchanged / duplicate."""
        return hashlib.sha256(self.normalized[0].encode("utf-8", "surrogatepass")).hexdigest()

    @property
    def key(self) -> str:
        """What identifies the document across builds: its URL, else its path."""
        return self.url or Path(self.id).as_posix()


@dataclass(frozen=True)
class Skipped:
    """A file found while walking that is not read: not text, or kg's own store or output."""

    path: str
    reason: str


# ---------------------------------------------------------------- bytes to text

_WESTERN = {"cp1252", "latin_1", "iso8859_15", "cp1250", "iso8859_2", "mac_roman"}


def decode(raw: bytes, where: str = "input") -> tuple[str, str]:
    """(text, encoding) of ``raw``: UTF-8, UTF-16/32 with a BOM, else what charset-normalizer detects.

    Raises InputError for what is not text.

    >>> decode("Caf\\u00e9 talks".encode("latin-1"))
    ('Café talks', 'cp1252')
    >>> decode("Kenya".encode("utf-16"))
    ('Kenya', 'utf_16')
    """
    for bom, enc in ((b"\xef\xbb\xbf", "utf-8-sig"), (b"\xff\xfe\x00\x00", "utf_32"), (b"\x00\x00\xfe\xff", "utf_32"),
                     (b"\xff\xfe", "utf_16"), (b"\xfe\xff", "utf_16")):
        if raw.startswith(bom):
            try:
                return raw.decode(enc), enc.replace("-sig", "")
            except UnicodeDecodeError:
                break
    if b"\x00" not in raw[:8192]:
        try:
            return raw.decode("utf-8"), "utf-8"
        except UnicodeDecodeError:
            pass
    from charset_normalizer import from_bytes  # only for text that is not UTF-8

    sample = raw[: 1 << 20]
    results = from_bytes(sample)
    best = results.best()
    if best is None or _mostly_control(str(best)):
        raise InputError(f"{where}: looks like a binary file, not text; give kg plain text, HTML or JSON Lines")
    encoding = best.encoding
    tied = [r.encoding for r in results if r.chaos <= best.chaos + 0.01 and r.coherence >= best.coherence - 0.1]
    if _WESTERN & set(tied):  # short Western text fits many code pages; Windows-1252 is the one news archives use
        try:
            return raw.decode("cp1252"), "cp1252"
        except UnicodeDecodeError:
            pass
    return raw.decode(encoding, errors="replace"), encoding


def _mostly_control(text: str) -> bool:
    odd = sum(1 for ch in text[:4096] if ord(ch) < 32 and ch not in "\t\n\r\x0c")
    return odd > max(2, len(text[:4096]) // 50)


def _open_regular(p: Path, max_bytes: int) -> int:
    """A file descriptor of ``p`` if it is a regular file within ``max_bytes``; raises InputError otherwise.

    Opened non-blocking, so a FIFO never waits for a writer; the type and size are checked before any read.
    """
    try:
        fd = os.open(p, os.O_RDONLY | os.O_NONBLOCK | getattr(os, "O_CLOEXEC", 0))
    except FileNotFoundError:
        raise InputError(f"{p}: no such file; check the path") from None
    except OSError as e:
        raise InputError(f"{p}: cannot be opened ({e.strerror})") from None
    st = os.fstat(fd)
    if stat.S_ISDIR(st.st_mode):  # Linux opens a directory read-only without complaint
        os.close(fd)
        raise InputError(f"{p}: is a directory; give the files in it, or use kg build which walks directories")
    if not stat.S_ISREG(st.st_mode):
        os.close(fd)
        kind = "a FIFO" if stat.S_ISFIFO(st.st_mode) else "a device" if stat.S_ISCHR(st.st_mode) or stat.S_ISBLK(
            st.st_mode) else "a socket" if stat.S_ISSOCK(st.st_mode) else "not a regular file"
        raise InputError(f"{p}: is {kind}; kg reads only regular files")
    if max_bytes and st.st_size > max_bytes and p.suffix.lower() not in JSONL_SUFFIXES:
        os.close(fd)
        raise InputError(f"{p}: is {st.st_size:,} bytes, over the limit of {max_bytes:,} per document; "
                         f"raise it with --max-bytes")
    os.set_blocking(fd, True)
    return fd


def _read_bytes(p: Path, max_bytes: int) -> bytes:
    fd = _open_regular(p, max_bytes)
    with os.fdopen(fd, "rb") as fh:
        return fh.read(max_bytes + 1) if max_bytes else fh.read()


# ---------------------------------------------------------------- front matter and titles

_FRONT = re.compile(r"\A---[ \t]*\r?\n(.*?)^(?:---|\.\.\.)[ \t]*(?:\r?\n|\Z)", re.S | re.M)


def _front_matter(p: Path, text: str) -> tuple[dict, int, list[str]]:
    """(fields, where the body starts, warnings) of a YAML front matter block at the top of ``text``."""
    m = _FRONT.match(text)
    if not m:
        return {}, 0, []
    import yaml  # only files with front matter need it

    try:
        data = yaml.safe_load(m.group(1))
    except yaml.YAMLError as e:
        mark = getattr(e, "problem_mark", None)
        at = f" (line {mark.line + 2})" if mark is not None else ""
        return {}, m.end(), [f"{p}: front matter: not valid YAML{at}; the document is built without it"]
    if data is None:
        return {}, m.end(), []
    if not isinstance(data, dict):
        return {}, m.end(), [f"{p}: front matter: expected key: value lines; the document is built without it"]
    return data, m.end(), []


_FIRST_LINE = re.compile(r"\s*([^\n\r\v\f\x1c-\x1e\x85\u2028\u2029]*)")  # after blank lines (str.splitlines)


def _title_line(text: str) -> str | None:
    """The first line, when it reads as a headline (Title Case, or a Markdown heading)."""
    first = _FIRST_LINE.match(text).group(1).strip()  # not text.splitlines(): a copy of every line
    if first.startswith("# "):
        return first[2:].strip() or None
    return first if is_headline(first) else None


# ---------------------------------------------------------------- fields


def _field(where: str, name: str, value: object, warnings: list[str]) -> str | None:
    """One metadata field checked and normalized; a bad one becomes a warning and None."""
    if value is None or value == "":
        return None
    if name == "date":
        try:
            return parse_date(value)
        except ValueError as e:
            warnings.append(f"{where}: field date: {e}; left out, the document has no date")
            return None
    if name == "id" and isinstance(value, (int, float)) and not isinstance(value, bool):
        value = str(value)
    if not isinstance(value, str):
        warnings.append(f"{where}: field {name}: expected a string, got {_kind(value)}; left out")
        return None
    _note_surrogates(where, name, value, warnings)
    text = " ".join(normalize(value)[0].split())
    if name == "url":
        from urllib.parse import urlsplit

        parts = urlsplit(text)
        if not (parts.scheme and parts.netloc) or re.search(r'[\s<>"{}|\\^`]', text):
            warnings.append(f"{where}: field url: expected an absolute URL such as https://example.org/a, "
                            f"got {text[:80]!r}; left out")
            return None
    return text or None


_SURROGATE = re.compile("[\ud800-\udfff]")


def _note_surrogates(where: str, name: str, value: str, warnings: list[str]) -> None:
    """A warning for field ``name`` when ``value`` holds lone surrogate escapes: they encode no character and
    are removed (:func:`kg.normalize.normalize`)."""
    found = sorted({f"\\u{ord(c):04x}" for c in _SURROGATE.findall(value)})
    if found:
        warnings.append(f"{where}: field {name}: {len(found)} lone surrogate escape{'s' if len(found) > 1 else ''} "
                        f"({', '.join(found[:3])}{', ...' if len(found) > 3 else ''}, half of a UTF-16 pair: "
                        f"no character) removed")


def _kind(value: object) -> str:
    return {dict: "an object", list: "a list", bool: "a boolean", int: "a number", float: "a number"}.get(
        type(value), type(value).__name__)


def _record(where: str, rec: object, names: dict[str, str]) -> Document:
    """A Document from one JSON record; raises InputError when it has no usable text."""
    if not isinstance(rec, dict):
        raise InputError(f"{where}: expected a JSON object, got {_kind(rec)}")
    text = rec.get(names["text"])
    if text is None:
        raise InputError(f"{where}: no text in field {names['text']!r}; set the field name with --text-field")
    if not isinstance(text, str):
        raise InputError(f"{where}: field {names['text']}: expected a string, got {_kind(text)}")
    warnings: list[str] = []
    _note_surrogates(where, names["text"], text, warnings)
    got = {k: _field(where, k, rec.get(names[k]), warnings) for k in FIELDS if k != "text"}
    doc = Document(id=got["id"] or got["url"] or where, text=text, title=got["title"], date=got["date"],
                   url=got["url"], language=got["language"], source=got["source"], warnings=tuple(warnings),
                   origin=where)
    if not doc.normalized[0].strip():
        raise InputError(f"{where}: field {names['text']} is empty; there is nothing to extract")
    return doc


# ---------------------------------------------------------------- files


def read_document(path: str | os.PathLike, max_bytes: int = MAX_BYTES) -> Document:
    """Read one plain-text, Markdown or HTML file as a Document; raise InputError if it cannot be used."""
    p = Path(path)
    raw = _read_bytes(p, max_bytes)
    if max_bytes and len(raw) > max_bytes:
        raise InputError(f"{p}: is over the limit of {max_bytes:,} bytes per document; raise it with --max-bytes")
    text, encoding = decode(raw, str(p))
    if not text.strip():
        raise InputError(f"{p}: is empty; there is nothing to extract")
    if p.suffix.lower() in HTML_SUFFIXES or text.lstrip()[:15].lower().startswith(("<!doctype html", "<html")):
        return replace(_from_html(p, text), encoding=encoding)
    data, body, warnings = _front_matter(p, text)
    got = {k: _field(f"{p}: front matter", k, data.get(k), warnings) for k in FIELDS if k not in {"text", "id"}}
    doc = Document(id=str(path), text=text, title=got["title"] or _title_line(text[body:]), date=got["date"],
                   url=got["url"], encoding=encoding, language=got["language"], source=got["source"],
                   body_start=body, warnings=tuple(warnings))
    if not doc.normalized[0].strip():
        raise InputError(f"{p}: is empty; there is nothing to extract" if not body else
                         f"{p}: has front matter but no text; there is nothing to extract")
    return doc


def _from_html(path: Path, html: str) -> Document:
    import trafilatura  # heavy; only HTML needs it

    found = trafilatura.bare_extraction(html, include_comments=False, include_tables=False, with_metadata=True)
    text = (getattr(found, "text", None) or "").strip() if found else ""
    if not text:
        raise InputError(f"{path}: no article text found in this HTML page")
    title = getattr(found, "title", None)
    if title and not text.startswith(title):
        text = f"{title}\n\n{text}"
    warnings: list[str] = []
    got = {k: _field(str(path), k, v, warnings) for k, v in
           (("title", title), ("date", getattr(found, "date", None)), ("url", getattr(found, "url", None)))}
    return Document(id=str(path), text=text, title=got["title"], date=got["date"], url=got["url"],
                    warnings=tuple(warnings))


def read_jsonl(path: str | os.PathLike, fields: dict[str, str] | None = None,
               max_bytes: int = MAX_BYTES) -> Iterator[Document | InputError]:
    """Stream a JSON Lines corpus, one article per line; bad lines come out as InputError values.

    ``fields`` maps kg's names (text, title, date, url, id, language, source) to the corpus's own field names.
    A line longer than ``max_bytes`` is reported and skipped without being held in memory.
    """
    names = {k: k for k in FIELDS} | (fields or {})
    p = Path(path)
    fd = _open_regular(p, max_bytes)
    with os.fdopen(fd, "rb") as fh:
        n = 0
        while True:
            raw = fh.readline(max_bytes + 1) if max_bytes else fh.readline()
            if not raw:
                return
            n += 1
            where = f"{p}:{n}"
            if max_bytes and len(raw) > max_bytes and not raw.endswith(b"\n"):
                while raw and not raw.endswith(b"\n"):  # the rest of the line, in bounded pieces
                    raw = fh.readline(1 << 20)
                yield InputError(f"{where}: the line is over the limit of {max_bytes:,} bytes per document; "
                                 f"raise it with --max-bytes")
                continue
            if not raw.strip():
                continue
            yield _parse_line(where, raw, names)


def _parse_line(where: str, raw: bytes, names: dict[str, str]) -> Document | InputError:
    try:
        line = raw.decode("utf-8-sig")
    except UnicodeDecodeError as e:
        return InputError(f"{where}: not UTF-8 (byte {e.start}); JSON Lines must be UTF-8, convert the file first")
    try:
        rec = json.loads(line)
    except RecursionError:
        return InputError(f"{where}: JSON nested too deeply to be an article")
    except ValueError as e:
        return InputError(f"{where}: not a JSON object ({e})")
    try:
        return _record(where, rec, names)
    except InputError as e:
        return e


def read_json(path: str | os.PathLike, fields: dict[str, str] | None = None,
              max_bytes: int = MAX_BYTES) -> Iterator[Document | InputError]:
    """A ``.json`` file: one article object, or a list of them (``path:N`` names the N-th)."""
    names = {k: k for k in FIELDS} | (fields or {})
    p = Path(path)
    try:
        raw = _read_bytes(p, max_bytes)
        text, _ = decode(raw, str(p))
        data = json.loads(text)
    except InputError as e:
        yield e
        return
    except RecursionError:
        yield InputError(f"{p}: JSON nested too deeply to be an article")
        return
    except ValueError as e:
        yield InputError(f"{p}: not JSON ({e})")
        return
    for n, rec in enumerate(data if isinstance(data, list) else [data], 1):
        try:
            yield _record(f"{p}:{n}" if isinstance(data, list) else str(p), rec, names)
        except InputError as e:
            yield e


def _excluded(rel: str, name: str, patterns: Iterable[str]) -> bool:
    return any(fnmatch.fnmatch(name, pat) or fnmatch.fnmatch(rel, pat) for pat in patterns)


def _kg_output(p: Path) -> bool:
    """A page written by ``kg render`` or records written by ``kg extract``."""
    try:
        with p.open("rb") as fh:
            head = fh.read(4096)
    except OSError:
        return False
    if p.suffix.lower() in HTML_SUFFIXES:
        return GENERATOR.encode() in head
    if p.suffix.lower() in JSONL_SUFFIXES:
        return head.startswith((b'{"kind": "actor"', b'{"kind": "relation"'))
    return False


def _walk(root: Path, include: tuple[str, ...], exclude: tuple[str, ...]) -> Iterator[Path | Skipped]:
    for folder, dirs, names in os.walk(root):
        here = Path(folder)
        if any(all((here / m).is_file() for m in marker) for marker in STORE_MARKERS):
            dirs[:] = []
            continue  # a store: kg's own files
        dirs[:] = sorted(d for d in dirs if not d.startswith(".") and d not in VCS_DIRS)
        for name in sorted(names):
            f = here / name
            rel = f.relative_to(root).as_posix()
            if name.startswith(".") or _excluded(rel, name, exclude):
                continue
            if not f.is_file():  # FIFOs, sockets, devices, broken links
                yield Skipped(str(f), "not a regular file")
            elif not _excluded(rel, name, include):
                yield Skipped(str(f), "not a text-like file (see --include)")
            elif _kg_output(f):
                yield Skipped(str(f), "written by kg")
            else:
                yield f


def iter_paths(paths: Iterable[str | os.PathLike], include: Iterable[str] | None = None,
               exclude: Iterable[str] = ()) -> Iterator[Path | Skipped]:
    """Expand directories (recursively, sorted) and glob patterns into files; raise for a missing path.

    In directories only files matching ``include`` globs (default :data:`DEFAULT_INCLUDE`) and no
    ``exclude`` glob are read (a glob matches the file name or its path below the directory);
    hidden and version-control folders and kg's stores are never entered; other files come out
    as :class:`Skipped`. Files named directly are always read.
    """
    inc, exc = tuple(include or DEFAULT_INCLUDE), tuple(exclude)
    for raw in paths:
        p = Path(raw)
        if any(ch in str(raw) for ch in "*?["):
            matches = sorted(Path().glob(str(raw))) if not p.is_absolute() else sorted(Path("/").glob(str(p)[1:]))
            if not matches:
                raise InputError(f"{raw}: the pattern matches no file")
            yield from (m for m in matches if m.is_file())
        elif p.is_dir():
            yield from _walk(p, inc, exc)
        elif p.exists() or p.is_symlink():
            yield p
        else:
            raise InputError(f"{raw}: no such file or directory; check the path")


def read_path(p: Path, fields: dict[str, str] | None = None,
              max_bytes: int = MAX_BYTES) -> Iterator[Document | InputError]:
    """The documents in one file: a JSON Lines or JSON corpus gives several, other files one."""
    suffix = p.suffix.lower()
    if suffix in JSONL_SUFFIXES:
        try:
            yield from read_jsonl(p, fields, max_bytes)
        except InputError as e:
            yield e
    elif suffix in JSON_SUFFIXES:
        yield from read_json(p, fields, max_bytes)
    else:
        try:
            yield read_document(p, max_bytes)
        except InputError as e:
            yield e


def read_documents(paths: Iterable[str | os.PathLike], fields: dict[str, str] | None = None, *,
                   include: Iterable[str] | None = None, exclude: Iterable[str] = (),
                   max_bytes: int = MAX_BYTES, date: str | None = None) -> Iterator[Document | InputError | Skipped]:
    """Stream the documents under ``paths``; a file that cannot be read comes out as an InputError value,
    a file skipped while walking as :class:`Skipped`. ``date`` (ISO) is given to documents that have none."""
    for p in iter_paths(paths, include, exclude):
        if isinstance(p, Skipped):
            yield p
            continue
        for item in read_path(p, fields, max_bytes):
            yield replace(item, date=date) if date and isinstance(item, Document) and not item.date else item


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
    return sum(1 for _ in itertools.islice(_WORD.finditer(s), 4)) < 4  # a short unpunctuated line: a menu, a byline


def is_headline(line: str) -> bool:
    """A Title Case line without final punctuation, long enough to be a sentence."""
    s = line.strip()
    if _END.search(s):
        return False
    n = big = upper = 0  # counted as found: a long line makes no list of its words
    for m in _WORD.finditer(s):
        n += 1
        if m.group(0).lower() not in _SMALL:
            big += 1
            upper += m.group(0)[0].isupper()
    return n >= 5 and big > 0 and upper / big >= 0.7


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
    """The paragraphs of ``doc`` to parse, as (offset into ``doc.normalized[0]``, text); boilerplate is skipped.

    The first headline-like line is kept (it is the article's title); other Title Case
    lines without punctuation are page furniture and are skipped.
    """
    seen_headline = False
    for m in re.finditer(r"[^\n]+", doc.normalized[0]):
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
