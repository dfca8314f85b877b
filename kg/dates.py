"""Dates: document dates in any common format, and the date an event's sentence states.

Three steps, each a small pure function:

* :func:`parse_date` reads a document's date field ("2023-03-15",
  "15 March 2023", "Wed, 15 Mar 2023 10:00:00 GMT", "03/15/2023") with
  dateparser and gives an ISO date, or raises ``ValueError`` saying why;
* :func:`date_phrase` finds, in a parsed sentence, the date phrase that belongs
  to an event's trigger ("on Friday", "in October 2018", "last week") and the
  tense of the clause it modifies: the trigger's own clause first, then the
  clauses it is embedded in ("said on Sunday it would expel ...");
* :func:`resolve` turns that phrase into a :class:`When` counted from the
  document date: weekdays and month names by tense ("will meet on Friday" is the
  coming Friday, "met on Friday" the last one, the document's own weekday that
  day), "yesterday/tomorrow/last week/next month/this year", explicit dates
  as written; partial dates keep their precision (year, month, week, day).

An event whose sentence states no date inherits the document's date, marked
``inherited`` (:func:`inherit`), so a timeline can use it and a reader can tell.

>>> resolve("on Friday", "2023-03-15", "future")
When(value='2023-03-17', precision='day', inherited=False)
>>> resolve("Friday", "2023-03-15", "past")
When(value='2023-03-10', precision='day', inherited=False)
>>> resolve("in October 2018", "2023-03-15", "past")
When(value='2018-10', precision='month', inherited=False)
"""
from __future__ import annotations

import calendar
import re
from dataclasses import dataclass
from datetime import date, timedelta
from functools import lru_cache
from typing import TYPE_CHECKING

from .spans import ents_in

if TYPE_CHECKING:  # annotations only: reading dates never loads spaCy
    from spacy.tokens import Span, Token


__all__ = ["When", "DatePhrase", "parse_date", "date_phrase", "resolve", "inherit", "tense"]

_MONTHS = {m.lower(): i for i, m in enumerate(calendar.month_name) if m}
_MONTHS |= {m.lower(): i for i, m in enumerate(calendar.month_abbr) if m} | {"sept": 9}
_WEEKDAYS = {d.lower(): i for i, d in enumerate(calendar.day_name)}
_MONTH = r"(?P<month>" + "|".join(sorted(_MONTHS, key=len, reverse=True)) + r")\.?"
_WEEKDAY = r"(?P<weekday>" + "|".join(_WEEKDAYS) + r")"
_YEAR = r"(?P<year>1[5-9]\d\d|2[0-2]\d\d)"
_DAY = r"(?P<day>[0-3]?\d)(?:st|nd|rd|th)?"
_NUMBERS = {"a": 1, "an": 1, "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7,
            "eight": 8, "nine": 9, "ten": 10}

_FUTURE_AUX = {"will", "shall", "'ll", "wo", "would"}
_FUTURE_GOVERNORS = {"plan", "expect", "schedule", "due", "set", "aim", "intend", "prepare", "hope", "agree",
                     "promise", "pledge", "vow", "decide", "want", "seek", "threaten", "go", "be", "need",
                     "have", "try", "offer", "propose", "order", "urge", "ask", "tell", "call"}
_FORWARD_PREPS = {"by", "until", "till", "before", "ahead"}
_BACKWARD_PREPS = {"since", "ago"}
_TEMPORAL_MARKS = {"after", "before", "since", "until", "till", "once"}


@dataclass(frozen=True)
class When:
    """A resolved date: ``value`` is ISO 8601 to its ``precision`` ("2023-03-15", "2023-03", "2023";
    a week is the date of its Monday); ``inherited`` is True when it is the document's date."""

    value: str
    precision: str = "day"
    inherited: bool = False


@dataclass(frozen=True)
class DatePhrase:
    """A date phrase as written ("Friday night", "in 2019") and the tense of the clause it dates."""

    text: str
    tense: str  # "past" | "future"


def inherit(document_date: str | None) -> When | None:
    """The document's date as an event's date, marked inherited (None without one)."""
    return When(document_date, "day", inherited=True) if document_date else None


# ----------------------------------------------------------------------------- document dates

_ISO = re.compile(r"(\d{4})-(\d{2})-(\d{2})(?:[T ][\d:.]+(?:Z|[+-]\d{2}:?\d{2})?)?")


def parse_date(value: object) -> str:
    """A document's date field as an ISO date (``YYYY-MM-DD``); raises ``ValueError`` with the reason.

    >>> parse_date("15 March 2023"), parse_date("2023-03-15T08:00:00Z"), parse_date("Wed, 15 Mar 2023 10:00:00 GMT")
    ('2023-03-15', '2023-03-15', '2023-03-15')
    >>> parse_date("2024-13-45")
    Traceback (most recent call last):
    ValueError: '2024-13-45' is not a valid date (month 13, day 45)
    """
    if isinstance(value, date):
        return value.isoformat()[:10]
    if not isinstance(value, str):
        raise ValueError(f"expected a date string, got {type(value).__name__}")
    text = value.strip()
    m = _ISO.fullmatch(text)
    if m:
        try:
            return date(*map(int, m.groups())).isoformat()
        except ValueError:
            raise ValueError(f"{text!r} is not a valid date (month {int(m[2])}, day {int(m[3])})") from None
    if not text or len(text) > 100:
        raise ValueError("expected a date such as 2023-03-15 or 15 March 2023")
    found = _document_parser().get_date_data(text)
    if not found or found["date_obj"] is None:
        raise ValueError(f"cannot read {text!r} as a date; write it as YYYY-MM-DD")
    return found["date_obj"].date().isoformat()


@lru_cache(maxsize=1)
def _document_parser():
    from dateparser.date import DateDataParser  # slow to import: only for dates that are not ISO

    return DateDataParser(languages=["en"], settings={"REQUIRE_PARTS": ["day", "month", "year"],
                                                     "PREFER_DAY_OF_MONTH": "first"})


# ----------------------------------------------------------------------------- phrases in a parse

_DATEISH = re.compile(r"\d{4}|\b(?:" + "|".join(list(_MONTHS) + list(_WEEKDAYS)) +
                      r"|today|tonight|yesterday|tomorrow|week|month|year|weekend)\b", re.I)


def tense(tok: Token) -> str:
    """"future" when the clause of ``tok`` speaks of what is to come, else "past" (news reports the past).

    Future: a will/shall/would auxiliary, a progressive ("is hosting ... on Friday"), an infinitive
    under a verb of planning or agreeing ("agreed to meet on Friday"); a noun takes its verb's tense.
    """
    for _ in range(4):
        if tok.pos_ not in {"VERB", "AUX"} and tok.head is not tok and tok.dep_ not in {"ROOT"}:
            tok = tok.head  # an event noun ("talks on Monday"): the verb it depends on
            continue
        break
    aux = [c for c in tok.children if c.dep_ in {"aux", "auxpass"}]
    if any(a.lower_ in _FUTURE_AUX for a in aux):
        return "future"
    if tok.tag_ == "VBG" and any(a.lemma_ == "be" and a.tag_ in {"VBZ", "VBP"} for a in aux):
        return "future"
    if any(a.lower_ == "to" for a in aux) and tok.head is not tok:
        if tok.head.lemma_.lower() in _FUTURE_GOVERNORS:
            return "future"
        return tense(tok.head)
    return "past"


def _is_date(ent: Span) -> bool:
    """A DATE or TIME entity that states a calendar date ("Friday night", "in 2019"; not "within hours")."""
    return (ent.label_ in {"DATE", "TIME"} and bool(_DATEISH.search(ent.text))
            and resolve(_phrase(ent), "2001-01-03", "past") is not None)


def _phrase(ent: Span) -> str:
    """The entity with a preposition that governs it ("on Friday", "by March 10", "since 2015")."""
    head = ent.root.head
    if ent.root.dep_ == "pobj" and head.dep_ in {"prep", "advmod"} and head.i == ent.start - 1:
        return f"{head.text} {ent.text}"
    return ent.text


def _complements(tok: Token) -> set[int]:
    """Verbs of the infinitive complements of ``tok`` ("asked X to withdraw", "agreed to hold talks")."""
    out, todo = set(), [tok]
    while todo and len(out) < 6:
        for c in todo.pop().children:
            if c.dep_ == "xcomp" and c.i not in out:
                out.add(c.i)
                todo.append(c)
    return out


def date_phrase(tok: Token) -> DatePhrase | None:
    """The date phrase that dates the event whose trigger is ``tok``, with the tense it is read in.

    A DATE (or dated TIME) entity in the trigger's own clause wins; then one in its infinitive
    complements ("asked X to withdraw after his inauguration in November"), read in the
    trigger's tense; then one modifying a clause the trigger is embedded in ("On Sunday the
    ministry said it would expel ..."), unless the trigger's clause is a temporal one of its own
    ("a day after Prague expelled ..."). Dates inside other clauses ("lifted curbs imposed in
    2019") are not the trigger's.
    """
    chain: dict[int, float] = {}
    t, depth = tok, 0
    while True:  # the trigger and the clauses it hangs from, by distance
        chain[t.i] = depth
        if t.head is t or depth > 8 or (t.dep_ == "advcl" and any(
                c.dep_ == "mark" and c.lower_ in _TEMPORAL_MARKS for c in t.children)):
            break
        t, depth = t.head, depth + 1
    chain.update({i: 0.5 for i in _complements(tok)})
    best: tuple[float, Span, Token] | None = None
    for ent in ents_in(tok.sent):
        if not _is_date(ent):
            continue
        at = ent.root.head if ent.root.head is not ent.root else ent.root
        while at.i not in chain and at.pos_ not in {"VERB", "AUX"} and at.head is not at:
            at = at.head  # up from the date to the word it dates: a verb, or the trigger itself
        if at.i not in chain or (at.i != tok.i and at.pos_ not in {"VERB", "AUX"}):
            continue
        if best is None or chain[at.i] < best[0]:
            best = (chain[at.i], ent, at)
    if best is None:
        return None
    rank, ent, at = best
    return DatePhrase(_phrase(ent), tense(tok if rank == 0.5 else at))


# ----------------------------------------------------------------------------- resolution


def _shift_month(y: int, m: int, k: int) -> tuple[int, int]:
    n = y * 12 + (m - 1) + k
    return n // 12, n % 12 + 1


def _pick(candidates: list[date], base: date, direction: str) -> date:
    """The candidate on the side of ``base`` that ``direction`` says (base itself included), nearest."""
    if direction == "future":
        after = [c for c in candidates if c >= base]
        return min(after) if after else max(candidates)
    before = [c for c in candidates if c <= base]
    return max(before) if before else min(candidates)


@lru_cache(maxsize=4096)
def resolve(phrase: str, base: str | None, tense: str = "past") -> When | None:
    """The date ``phrase`` states, counted from the document date ``base`` (ISO) in ``tense``.

    None when the phrase states no calendar date ("within hours") or needs a base that is missing.

    >>> resolve("tomorrow", "2023-03-15", "future"), resolve("in 2010", None)
    (When(value='2023-03-16', precision='day', inherited=False), When(value='2010', precision='year', inherited=False))
    >>> resolve("On March 4", "2023-05-01")
    When(value='2023-03-04', precision='day', inherited=False)
    >>> resolve("last week", "2023-03-15")
    When(value='2023-03-06', precision='week', inherited=False)
    """
    low = " ".join(phrase.lower().replace(",", " , ").split())
    words = low.split()
    direction = tense
    if words and words[0] in _FORWARD_PREPS:
        direction = "future"
    elif words and words[0] in _BACKWARD_PREPS or low.endswith(" ago"):
        direction = "past"
    b = date.fromisoformat(base) if base else None

    year = re.search(r"\b" + _YEAR + r"\b", low)
    month = re.search(r"\b" + _MONTH + r"(?![a-z])", low)
    day = None
    if month:
        day = (re.search(r"\b" + _MONTH + r"\s+" + _DAY + r"\b", low)
               or re.search(r"\b" + _DAY + r"\s+(?:of\s+)?" + _MONTH + r"(?![a-z])", low))
    numeric = re.search(r"\b(?:\d{4}-\d{2}-\d{2}|\d{1,2}/\d{1,2}/\d{4})\b", low)
    if numeric:
        try:
            return When(parse_date(numeric.group(0)))
        except ValueError:
            return None
    if year:
        y = int(year["year"])
        if day:
            try:
                return When(date(y, _MONTHS[day["month"]], int(day["day"])).isoformat())
            except ValueError:
                return None
        if month:
            return When(f"{y:04d}-{_MONTHS[month['month']]:02d}", "month")
        return When(f"{y:04d}", "year")
    if b is None:
        return None
    if day:
        m, d = _MONTHS[day["month"]], int(day["day"])
        cands = []
        for y in (b.year - 1, b.year, b.year + 1):
            try:
                cands.append(date(y, m, d))
            except ValueError:
                pass
        return When(_pick(cands, b, direction).isoformat()) if cands else None
    if month:
        m = _MONTHS[month["month"]]
        cands = [date(y, m, 1) for y in (b.year - 1, b.year, b.year + 1)]
        picked = _pick(cands, b.replace(day=1), direction)
        if "last" in words and picked >= b.replace(day=1):
            picked = picked.replace(year=picked.year - 1)
        if "next" in words and picked <= b.replace(day=1):
            picked = picked.replace(year=picked.year + 1)
        return When(f"{picked.year:04d}-{picked.month:02d}", "month")
    weekday = re.search(r"\b" + _WEEKDAY + r"\b", low)
    if weekday:
        wd = _WEEKDAYS[weekday["weekday"]]
        back = (b.weekday() - wd) % 7
        if "last" in words:
            return When((b - timedelta(days=back or 7)).isoformat())
        if "next" in words:
            return When((b + timedelta(days=(wd - b.weekday()) % 7 or 7)).isoformat())
        if direction == "future":
            return When((b + timedelta(days=(wd - b.weekday()) % 7)).isoformat())
        return When((b - timedelta(days=back)).isoformat())
    return _relative(low, b)


_STEP = {"last": -1, "previous": -1, "past": -1, "this": 0, "current": 0, "earlier": 0, "later": 0, "next": 1,
         "coming": 1}


def _relative(low: str, b: date) -> When | None:
    """today/yesterday/tomorrow, last/this/next week|month|year, N days|weeks|months|years ago."""
    if re.search(r"\b(today|tonight|this (morning|afternoon|evening))\b", low):
        return When(b.isoformat())
    if "yesterday" in low:
        return When((b - timedelta(days=1)).isoformat())
    if "tomorrow" in low:
        return When((b + timedelta(days=1)).isoformat())
    end = re.search(r"\bend of (?:the |this )?(week|month|year)\b", low)
    ago = re.search(r"\b(\d+|" + "|".join(_NUMBERS) + r")\s+(day|week|month|year)s?\s+ago\b", low)
    step = re.search(r"\b(" + "|".join(_STEP) + r")\s+(?:this\s+)?(week|weekend|month|year)\b", low)
    if ago:
        k, unit = -(int(ago[1]) if ago[1].isdigit() else _NUMBERS[ago[1]]), ago[2]
    elif step:
        k, unit = _STEP[step[1]], step[2]
    elif end:
        k, unit = 0, end[1]
    else:
        return None
    if unit == "day":
        return When((b + timedelta(days=k)).isoformat())
    if unit in {"week", "weekend"}:
        return When((b - timedelta(days=b.weekday()) + timedelta(weeks=k)).isoformat(), "week")
    if unit == "month":
        y, mo = _shift_month(b.year, b.month, k)
        return When(f"{y:04d}-{mo:02d}", "month")
    return When(f"{b.year + k:04d}", "year")
