"""Text normalization that keeps offsets, and the XML 1.0 character rule for writers.

:func:`normalize` turns what a reader sees as the same text into the same
characters: Unicode spaces (no-break, thin, ideographic ...) become a space,
line and paragraph separators and the whitespace control characters (vertical
tab, form feed, NEL) a newline, zero-width characters, soft hyphens, bidi marks,
other control and format characters, lone surrogates and noncharacters are
removed, and the result is in Unicode NFC. Its :class:`OffsetMap` maps every
offset in the normalized text back into the original, so offsets that kg
reports still point into the text as read.

:func:`xml_safe` is the second line of defence for the XML writers: it drops
from serialized XML the characters XML 1.0 forbids, should any reach a literal.

>>> text, where = normalize("South\\u00a0Korea\\u200b met Japan.")
>>> text
'South Korea met Japan.'
>>> where.span(12, 15), "South\\u00a0Korea\\u200b met Japan."[where.span(12, 15)[0]:where.span(12, 15)[1]]
((13, 16), 'met')
"""
from __future__ import annotations

import bisect
import re
import unicodedata
from dataclasses import dataclass, field

__all__ = ["OffsetMap", "normalize", "xml_safe"]

# in UTF-8, the characters XML 1.0 forbids: C0 controls but tab, LF, CR; U+FFFE and U+FFFF
_XML_FORBIDDEN_UTF8 = re.compile(rb"[\x00-\x08\x0b\x0c\x0e-\x1f]|\xef\xbf[\xbe\xbf]")

_NEWLINES = "\x0b\x0c\x1c\x1d\x1e\x85\u2028\u2029"
_KEEP = "\t\n\r"


@dataclass(frozen=True)
class OffsetMap:
    """Normalized offset -> original offset, stored as the points where the difference changes.

    ``points[k]`` is a normalized offset from which on ``deltas[k]`` is added; a text
    that normalization left alone has no points, and mapping is a binary search.
    """

    points: tuple[int, ...] = ()
    deltas: tuple[int, ...] = ()
    then: "OffsetMap | None" = field(default=None, repr=False)  # the map of an earlier pass, applied next

    def __call__(self, i: int) -> int:
        """The original offset of normalized offset ``i``."""
        k = bisect.bisect_right(self.points, i) - 1
        j = i + (self.deltas[k] if k >= 0 else 0)
        return self.then(j) if self.then is not None else j

    def span(self, start: int, end: int) -> tuple[int, int]:
        """The original (start, end) of the normalized span [start, end): removed characters at its edges left out."""
        return (self(start), self(end - 1) + 1) if end > start else (self(start), self(start))


def _category(ch: str) -> str:
    """'space', 'newline', 'drop' or 'keep' for one character."""
    if ch in _KEEP:
        return "keep"
    if ch in _NEWLINES:
        return "newline"
    cat = unicodedata.category(ch)
    if cat == "Zs":
        return "space"
    if cat in {"Cc", "Cf", "Cs"} or ch in "\ufffe\uffff":
        return "drop"
    return "keep"


_ODD = re.compile(r"[^\t\n\r\x20-\x7e]")  # everything but printable ASCII: candidates for a change


def _clean(text: str) -> tuple[str, OffsetMap]:
    parts: list[str] = []
    points: list[int] = []
    deltas: list[int] = []
    delta = 0  # original offset - normalized offset at the current position
    last = 0  # original offset up to which text is copied
    out_len = 0
    for m in _ODD.finditer(text):
        kind = _category(m.group(0))
        if kind == "keep":
            continue
        i = m.start()
        parts.append(text[last:i])
        out_len += i - last
        last = i + 1
        if kind == "drop":
            delta += 1
            points.append(out_len)
            deltas.append(delta)
        else:
            parts.append(" " if kind == "space" else "\n")
            out_len += 1
    parts.append(text[last:])
    return "".join(parts), OffsetMap(tuple(points), tuple(deltas))


def _nfc(text: str) -> tuple[str, OffsetMap]:
    """NFC word by word (composition never crosses whitespace), so offsets move only inside changed words."""
    parts: list[str] = []
    points: list[int] = []
    deltas: list[int] = []
    last = 0
    out_len = 0
    for m in re.finditer(r"\S+", text):
        word = m.group(0)
        if word.isascii() or unicodedata.is_normalized("NFC", word):
            continue
        new = unicodedata.normalize("NFC", word)
        parts.append(text[last:m.start()])
        out_len += m.start() - last
        parts.append(new)
        out_len += len(new)
        last = m.end()
        if len(new) != len(word):  # inside the word offsets point at its start; after it, past its end
            points.append(out_len - len(new))
            deltas.append(m.start() - (out_len - len(new)))
            points.append(out_len)
            deltas.append(m.end() - out_len)
    parts.append(text[last:])
    return "".join(parts), OffsetMap(tuple(points), tuple(deltas))


def normalize(text: str) -> tuple[str, OffsetMap]:
    """``text`` normalized (see the module docstring) and the map of its offsets back into ``text``.

    >>> normalize("Cafe\\u0301 talks\\x0bended.")[0]
    'Café talks\\nended.'
    """
    cleaned, outer = _clean(text) if _ODD.search(text) else (text, OffsetMap())
    if cleaned.isascii() or unicodedata.is_normalized("NFC", cleaned):
        return cleaned, outer
    composed, inner = _nfc(cleaned)
    return composed, OffsetMap(inner.points, inner.deltas, outer if outer.points else None)


def xml_safe(data: bytes) -> bytes:
    """UTF-8 XML with the characters XML 1.0 forbids removed: what any XML parser then accepts.

    >>> xml_safe("<literal>a\\x0bb</literal>".encode())
    b'<literal>ab</literal>'
    """
    return _XML_FORBIDDEN_UTF8.sub(b"", data)
