"""The gazetteer: every named actor kg knows before reading, with its surface forms.

Built once from pycountry (ISO 3166 names and codes) and the data files in
``kg/data/``: ``countries.json`` (aliases, demonyms, seats of government;
former states under their ISO 3166-3 codes with the dates they existed, and
the day of independence of states born since 1990),
``organizations.json``, ``officials.yaml`` (one record per term of office,
see its header), ``roles.json``, ``non_actors.json`` and ``common_surnames.json``. More officials files
can be named in ``KG_OFFICIALS`` (paths separated by ``os.pathsep``). Each
surface form becomes a spaCy phrase pattern whose ``id`` is the actor key.

A file that does not parse, or names an unknown country or organization,
raises :class:`GazetteerError` naming the file and line when the gazetteer is
built, before any text is read.

>>> gaz = load_gazetteer()
>>> gaz.entries["PAK"].label, gaz.entries["PAK"].type
('Pakistan', 'Country')
>>> gaz.entries["SUHH"].label, gaz.entries["SUHH"].end
('Soviet Union', '1991-12-26')
"""
from __future__ import annotations

import hashlib
import json
import os
import re
import unicodedata
from dataclasses import dataclass, field
from datetime import date
from functools import cache
from importlib.resources import files
from pathlib import Path

import pycountry
import yaml
from slugify import slugify
from text_unidecode import unidecode

from .errors import KGError

__all__ = ["Entry", "Term", "Gazetteer", "GazetteerError", "load_gazetteer", "load_data", "load_officials", "slug"]

# span labels the gazetteer's patterns carry
NAME, DEMONYM, SEAT, NONACTOR = "NAME", "DEMONYM", "SEAT", "NONACTOR"
OFFICIAL_FIELDS = {"name", "variants", "role", "country", "org", "start", "end"}


class GazetteerError(KGError):
    """A gazetteer file cannot be read: bad syntax, unknown country or organization, bad dates."""


@dataclass(frozen=True)
class Term:
    """One term of office: ``role`` in ``country`` and/or ``org`` (gazetteer keys) from ``start`` to ``end``.

    Dates are ISO strings; a month or a year alone is widened to the whole
    month or year, so ``"2019-03"`` starts on 2019-03-01 and ends on 2019-03-31.
    """

    role: str
    country: str | None
    org: str | None
    start: str
    end: str | None  # None while in office
    subtype: str | None = None

    def covers(self, day: str) -> bool:
        """True when the term is in force on ``day`` (ISO date)."""
        return self.start <= day[:10] and (self.end is None or day[:10] <= self.end)

    @property
    def affiliations(self) -> tuple[str, ...]:
        return tuple(k for k in (self.country, self.org) if k)


@dataclass(frozen=True)
class Entry:
    """A known actor: ``key`` is stable across documents (ISO code for countries)."""

    key: str
    label: str
    type: str  # Country | Organization | Person
    subtype: str | None = None
    country: str | None = None
    role: str | None = None
    affiliations: tuple[str, ...] = ()
    terms: tuple[Term, ...] = ()  # persons: the offices held, oldest first
    start: str | None = None  # countries: when the state existed (former states; states born since 1990)
    end: str | None = None

    def term_on(self, day: str | None, title: str | None = None) -> Term | None:
        """The office held on ``day`` (without a day, any office held). Among several: the one whose title
        the text gives (``title``, "Foreign Minister"), else a state's office before an organization's (a
        president acts for his state in the year he chairs the African Union), then the most recently taken.

        >>> e = load_gazetteer().entries[slug("Mohammed bin Abdulrahman Al Thani")]
        >>> e.term_on("2020-06-01").role, e.term_on("2024-06-01").role
        ('Foreign Minister', 'Prime Minister')
        """
        terms = self.terms_on(day)
        named = self.terms_on(day, title) if title else []
        return max(named or [t for t in terms if t.country] or terms, key=lambda t: t.start, default=None)

    def terms_on(self, day: str | None, title: str | None = None) -> list[Term]:
        """The terms in force on ``day`` (all without a day); with ``title``, those whose office has that
        title ("Foreign Minister" holds "foreign minister" and "former foreign minister"; see same_title)."""
        terms = [t for t in self.terms if day is None or t.covers(day)]
        if title is None:
            return terms
        said = title_words(title)
        return [t for t in terms if same_title(said, title_words(t.role))]


@dataclass
class Gazetteer:
    entries: dict[str, Entry] = field(default_factory=dict)
    patterns: list[dict] = field(default_factory=list)  # span_ruler patterns, case-sensitive
    roles: dict[str, str] = field(default_factory=dict)  # lowercase title -> subtype
    collectives: frozenset[str] = frozenset()
    surnames: dict[str, tuple[str, ...]] = field(default_factory=dict)  # last name -> person keys
    families: dict[str, tuple[str, ...]] = field(default_factory=dict)  # last name -> every person key bearing it
    given: frozenset[str] = frozenset()  # first words of known persons' names ("Ahmed" of "Ahmed Attaf")
    short_names: dict[str, tuple[str, ...]] = field(default_factory=dict)  # a one-word variant the officials
    # files list ("Abiy", "Kenyatta") -> the person keys it names
    spellings: dict[str, str | None] = field(default_factory=dict)  # a person name's letters (see letters) -> key;
    # None when two persons share them
    common: frozenset[str] = frozenset()  # the letters of common family names ("harris", "sanchez"): anybody's

    def add(self, entry: Entry, forms: dict[str, list[str]]) -> None:
        self.entries.setdefault(entry.key, entry)
        for label, texts in forms.items():
            for text in dict.fromkeys(t.strip() for t in texts if t and t.strip()):
                self.patterns.append({"label": label, "pattern": text, "id": entry.key})

    def subtype_of(self, role: str) -> str | None:
        """Subtype of a title: the longest known title inside it ("Deputy Foreign Minister" -> Minister)."""
        words = role.lower().replace(",", " ").split()
        grams = (" ".join(words[i:j]) for i in range(len(words)) for j in range(i + 1, min(len(words), i + 6) + 1))
        best = max((g for g in grams if g in self.roles), key=len, default=None)
        return self.roles[best] if best else None

    def official_named(self, surname: str) -> Entry | None:
        """The one known official with this last name; None when there are none or several ("Khan")."""
        found = self.surnames.get(surname, ())
        return self.entries[found[0]] if len(found) == 1 else None

    def common_surname(self, word: str) -> bool:
        """``word`` is a common family name (``kg/data/common_surnames.json``), with or without accents: alone
        in a text it is anybody's, not a listed official's.

        >>> gaz = load_gazetteer()
        >>> gaz.common_surname("Harris"), gaz.common_surname("Sánchez"), gaz.common_surname("Macron")
        (True, True, False)
        """
        return letters(word) in self.common

    def person_spelled(self, name: str) -> Entry | None:
        """The known person whose name or a variant, transliterated, has the letters of ``name``: the same
        name in another script ("Владимир Путин", "习近平") or spelling ("Andrej Babis"). None when no one
        or several persons match; names of one word never match (a first name alone is no name).

        Transliteration is text-unidecode's: Cyrillic, Greek and Chinese names come out as the Latin
        spellings news use; Arabic, Hebrew and other scripts written without vowels do not, so those match
        only through a variant in their own script in an officials file.

        >>> load_gazetteer().person_spelled("Владимир Путин").label
        'Vladimir Putin'
        """
        spelled = letters(name)
        key = self.spellings.get(spelled) if len(name.split()) > 1 or not _is_latin(name) else None
        return self.entries[key] if key else None

    def official_on(self, surname: str, day: str, title: str | None = None) -> Entry | None:
        """The one official with this last name in office on ``day`` (ISO date), among several who share it;
        with ``title`` (the text's "Foreign Minister"), the one whose office that day has that title.
        None when nobody or several remain.

        >>> load_gazetteer().official_on("Bush", "1990-08-08").label
        'George H. W. Bush'
        >>> load_gazetteer().official_on("Ivanov", "2002-04-01", "Foreign Minister").label
        'Igor Ivanov'
        """
        live = [self.entries[k] for k in self.families.get(surname, ()) if self.entries[k].terms_on(day)]
        titled = [e for e in live if title and e.terms_on(day, title)]
        found = titled or live
        return found[0] if len(found) == 1 else None


def title_words(role: str | None) -> str:
    """A title reduced for comparison: "Secretary-General" and "secretary general" are one."""
    return " ".join((role or "").lower().replace("-", " ").split())


def same_title(a: str, b: str) -> bool:
    """Two reduced titles name one office when one holds the other ("president" in "former president")."""
    return bool(a and b) and (a in b or b in a)


def load_data(name: str) -> dict | list:
    """Parse a JSON file of ``kg/data/``; a syntax error names the file and line."""
    try:
        return json.loads((files("kg") / "data" / name).read_text(encoding="utf-8"))
    except json.JSONDecodeError as e:
        raise GazetteerError(f"kg/data/{name}:{e.lineno}: {e.msg}; fix the JSON syntax there") from None


def letters(name: str) -> str:
    """The letters of a name, transliterated to ASCII and lowercased, without spaces, hyphens or marks.

    >>> letters("Владимир Путин"), letters("习近平"), letters("Xi Jinping")
    ('vladimirputin', 'xijinping', 'xijinping')
    """
    return "".join(ch for ch in unidecode(unicodedata.normalize("NFC", name)).lower() if ch.isalnum())


def _is_latin(text: str) -> bool:
    return all(not ch.isalpha() or "LATIN" in unicodedata.name(ch, "") for ch in text)


def slug(text: str) -> str:
    """ASCII slug for IRIs, transliterated (python-slugify with text-unidecode).

    Latin-script names keep a plain slug, so a name with or without its
    diacritics is one IRI; a name in another script gets a short digest of its
    exact spelling too, so two different names never share an IRI.

    >>> slug("Shah Mahmood Qureshi"), slug("Andrej Babiš")
    ('shah-mahmood-qureshi', 'andrej-babis')
    >>> slug("Владимир Путин")[:15]
    'vladimir-putin-'
    """
    text = unicodedata.normalize("NFC", text.replace("\u2019", "'"))
    plain = slugify(text)
    if plain and _is_latin(text):
        return plain
    digest = hashlib.sha1(text.encode("utf-8")).hexdigest()[:8]
    return f"{plain}-{digest}" if plain else f"x-{digest}"


def _iso_names(code: str) -> list[str]:
    c = pycountry.countries.get(alpha_3=code)
    if c is None:
        return []
    names = [getattr(c, a, None) for a in ("common_name", "name", "official_name")]
    return [n for n in names if n and "," not in n]


_DATE = re.compile(r"^(\d{4})(?:-(\d{2}))?(?:-(\d{2}))?$")


def _day(value: object, last: bool, where: str) -> str:
    """A YYYY, YYYY-MM or YYYY-MM-DD value as an ISO day: the first day of the period, or the last."""
    if isinstance(value, date):
        return value.isoformat()
    m = _DATE.match(str(value))
    if not m:
        raise GazetteerError(f"{where}: date {value!r} is not YYYY-MM-DD, YYYY-MM or YYYY")
    y, mo, d = m.groups()
    if d:
        try:
            return date(int(y), int(mo), int(d)).isoformat()
        except ValueError:
            raise GazetteerError(f"{where}: {value!r} is not a calendar date") from None
    if mo:
        if not 1 <= int(mo) <= 12:
            raise GazetteerError(f"{where}: {value!r} has no month {mo}")
        return f"{y}-{mo}-{'31' if last else '01'}"
    return f"{y}-{'12-31' if last else '01-01'}"


def _yaml_loader():
    return getattr(yaml, "CSafeLoader", yaml.SafeLoader)


def _yaml_records(path: str, text: str) -> list:
    """The items of a YAML list; a syntax error names the line."""
    try:
        data = yaml.load(text, Loader=_yaml_loader())
    except yaml.YAMLError as e:
        mark = getattr(e, "problem_mark", None) or getattr(e, "context_mark", None)
        last = len(text.rstrip().splitlines()) or 1  # an unclosed record is reported where it is, not at the end
        line = min(mark.line + 1, last) if mark else 1
        problem = getattr(e, "problem", None) or str(e).splitlines()[0]
        raise GazetteerError(f"{path}:{line}: YAML syntax error ({problem}); fix the record there") from None
    if data is None:
        return []
    if not isinstance(data, list):
        raise GazetteerError(f"{path}:1: expected a list of records (- {{name: ...}})")
    return data


def _item_line(text: str, index: int) -> int:
    """The line where item ``index`` of a YAML list starts (parsed again only to report an error)."""
    loader = _yaml_loader()(text)
    try:
        return loader.get_single_node().value[index].start_mark.line + 1
    finally:
        loader.dispose()


def load_officials(path: str, text: str, countries: set[str], orgs: dict[str, str],
                   roles: dict[str, str] | None = None) -> dict[str, dict]:
    """Parse an officials file (format: the header of ``kg/data/officials.yaml``) into persons.

    ``countries`` are the known country codes, ``orgs`` maps organization ids to
    gazetteer keys. Returns ``{name: {"variants": [...], "terms": [Term, ...]}}``.
    Raises GazetteerError naming ``path`` and the line of the first bad record:
    unknown field, country or organization, a date out of order, a repeated term.
    """
    gaz = Gazetteer(roles=roles or {})
    persons: dict[str, dict] = {}
    seen: dict[tuple, int] = {}  # term -> index of its record
    for index, rec in enumerate(_yaml_records(path, text)):
        where = _Where(path, text, index)
        if not isinstance(rec, dict) or not rec.get("name") or not rec.get("role"):
            raise GazetteerError(f"{where}: a record needs at least a name and a role")
        unknown = set(rec) - OFFICIAL_FIELDS
        if unknown:
            raise GazetteerError(f"{where}: unknown field {sorted(unknown)[0]!r}; fields are {', '.join(sorted(OFFICIAL_FIELDS))}")
        country, org = rec.get("country"), rec.get("org")
        if not country and not org:
            raise GazetteerError(f"{where}: {rec['name']} needs a country (ISO 3166 code) or an org")
        if country and country not in countries:
            raise GazetteerError(f"{where}: unknown country {country!r}; use an ISO 3166 alpha-3 code "
                                 f"(alpha-4 for a former state) known to kg/data/countries.json")
        if org and org not in orgs:
            raise GazetteerError(f"{where}: unknown org {org!r}; use an id from kg/data/organizations.json")
        if rec.get("start") is None:
            raise GazetteerError(f"{where}: {rec['name']} needs a start date")
        start = _day(rec["start"], False, where)
        end = _day(rec["end"], True, where) if rec.get("end") is not None else None
        if end is not None and end < start:
            raise GazetteerError(f"{where}: end {end} is before start {start}")
        name, role = str(rec["name"]).strip(), str(rec["role"]).strip()
        key = (name, role, country, org, start)
        if key in seen:
            raise GazetteerError(f"{where}: the same term as line {_Where(path, text, seen[key])} "
                                 f"({name}, {role}, from {start})".replace(f"line {path}:", "line "))
        seen[key] = index
        person = persons.setdefault(name, {"variants": [], "terms": []})
        person["variants"] += [str(v) for v in rec.get("variants") or []]
        person["terms"].append(Term(role, country, orgs.get(org) if org else None, start, end, gaz.subtype_of(role)))
    return persons


class _Where:
    """``file:line`` of a record, its line found only when an error message is printed."""

    def __init__(self, path: str, text: str, index: int) -> None:
        self.path, self.text, self.index = path, text, index

    def __str__(self) -> str:
        return f"{self.path}:{_item_line(self.text, self.index)}"

    __format__ = lambda self, spec: str(self)  # noqa: E731  (f-strings call __format__)


def _officials_files() -> list[tuple[str, str]]:
    out = [("kg/data/officials.yaml", (files("kg") / "data" / "officials.yaml").read_text(encoding="utf-8"))]
    for p in filter(None, os.environ.get("KG_OFFICIALS", "").split(os.pathsep)):
        try:
            out.append((p, Path(p).read_text(encoding="utf-8")))
        except (OSError, UnicodeDecodeError) as e:
            raise GazetteerError(f"{p}: cannot read this officials file ({e.__class__.__name__}); "
                                 f"fix KG_OFFICIALS or the file") from None
    return out


SURNAME_PARTICLES = {"al", "el", "bin", "ibn", "de", "da", "van", "von", "der", "la", "le", "di", "du", "dos"}


def _surname(name: str) -> str | None:
    """The last word of a Western-order name, if it is distinctive enough to look up alone."""
    words = name.replace(".", " ").split()
    if len(words) < 2 or words[-1].lower() in SURNAME_PARTICLES or len(words[-1]) < 4 or not words[-1][0].isupper():
        return None
    return words[-1]


@cache
def load_gazetteer() -> Gazetteer:
    """Build the gazetteer once per process. Raises GazetteerError for a bad data file."""
    gaz = Gazetteer()
    roles = load_data("roles.json")
    gaz.roles = {r["title"].lower(): r["subtype"] for r in roles["titles"]}
    gaz.collectives = frozenset(c.lower() for c in roles["collectives"])
    gaz.common = frozenset(letters(n) for names in load_data("common_surnames.json")["surnames"].values()
                           for n in names)
    countries: dict = load_data("countries.json")
    for c in pycountry.countries:
        countries.setdefault(c.alpha_3, {})
    for code, info in countries.items():
        names = _iso_names(code)
        label = info.get("name") or (names[0] if names else code)
        gaz.add(Entry(code, label, "Country", "FormerState" if info.get("end") else "State", code,
                      start=info.get("start"), end=info.get("end")),
                {NAME: [label, *names, *info.get("aliases", [])],
                 DEMONYM: info.get("demonyms", []), SEAT: info.get("seats", [])})
    org_keys: dict[str, str] = {}  # the data files' short ids -> IRI keys (slug of the canonical name)
    for org in load_data("organizations.json"):
        key = org_keys.setdefault(org["id"], slug(org["name"]))
        gaz.add(Entry(key, org["name"], "Organization", org.get("subtype"), org.get("country")),
                {NAME: [org["name"], *org.get("aliases", [])]})
    persons: dict[str, dict] = {}
    for path, text in _officials_files():
        for name, p in load_officials(path, text, set(countries), org_keys, gaz.roles).items():
            known = persons.setdefault(name, {"variants": [], "terms": []})
            known["variants"] += p["variants"]
            known["terms"] += p["terms"]
    surnames: dict[str, list[str]] = {}
    families: dict[str, list[str]] = {}
    short_names: dict[str, list[str]] = {}
    given = {n.split()[0] for name, p in persons.items() for n in (name, *p["variants"]) if " " in n}  # "Abbas", "Ali"
    for name, p in persons.items():
        terms = tuple(sorted(p["terms"], key=lambda t: t.start))
        last = terms[-1]
        key = slug(name)
        gaz.add(Entry(key, name, "Person", last.subtype, last.country or gaz.entries[last.org].country,
                      last.role, last.affiliations, terms),
                {NAME: [name, *p["variants"]]})
        for n in {name, *p["variants"]}:
            if len(n.split()) > 1 or not _is_latin(n):
                spelled = letters(n)
                gaz.spellings[spelled] = key if gaz.spellings.get(spelled, key) == key else None
            s = _surname(n)
            family = s or (n if " " not in n and n[:1].isupper() else None)  # a bare variant: "Kenyatta"
            if " " not in n and key not in short_names.setdefault(n, []):
                short_names[n].append(key)
            if family and key not in families.setdefault(family, []):
                families[family].append(key)
            if s and s not in given and key not in surnames.setdefault(s, []):
                surnames[s].append(key)
    gaz.surnames = {s: tuple(keys) for s, keys in surnames.items()}
    gaz.families = {s: tuple(keys) for s, keys in families.items()}
    gaz.short_names = {n: tuple(keys) for n, keys in short_names.items()}
    gaz.given = frozenset(given)
    blocked = load_data("non_actors.json")
    gaz.patterns.extend({"label": NONACTOR, "pattern": t, "id": "-"}
                        for group in ("media", "currencies", "other", "territories") for t in blocked.get(group, []))
    return gaz
