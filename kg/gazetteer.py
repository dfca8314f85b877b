"""The gazetteer: every named actor kg knows before reading, with its surface forms.

Built once from pycountry (ISO 3166 names and codes) and the data files in
``kg/data/``: ``countries.json`` (aliases, demonyms, seats of government),
``organizations.json``, ``people.json``, ``roles.json`` and ``non_actors.json``.
Each surface form becomes a spaCy phrase pattern whose ``id`` is the actor key.

>>> gaz = load_gazetteer()
>>> gaz.entries["PAK"].label, gaz.entries["PAK"].type
('Pakistan', 'Country')
"""
from __future__ import annotations

import json
import re
import unicodedata
from dataclasses import dataclass, field
from functools import cache
from importlib.resources import files

import pycountry

__all__ = ["Entry", "Gazetteer", "load_gazetteer", "load_data", "slug"]

# span labels the gazetteer's patterns carry
NAME, DEMONYM, SEAT, NONACTOR = "NAME", "DEMONYM", "SEAT", "NONACTOR"


@dataclass(frozen=True)
class Entry:
    """A known actor: ``key`` is stable across documents (ISO-3 for countries)."""

    key: str
    label: str
    type: str  # Country | Organization | Person
    subtype: str | None = None
    country: str | None = None
    role: str | None = None
    affiliations: tuple[str, ...] = ()


@dataclass
class Gazetteer:
    entries: dict[str, Entry] = field(default_factory=dict)
    patterns: list[dict] = field(default_factory=list)  # span_ruler patterns, case-sensitive
    roles: dict[str, str] = field(default_factory=dict)  # lowercase title -> subtype
    collectives: frozenset[str] = frozenset()

    def add(self, entry: Entry, forms: dict[str, list[str]]) -> None:
        self.entries.setdefault(entry.key, entry)
        for label, texts in forms.items():
            for text in dict.fromkeys(t.strip() for t in texts if t and t.strip()):
                self.patterns.append({"label": label, "pattern": text, "id": entry.key})


def load_data(name: str) -> dict | list:
    """Parse a JSON file of ``kg/data/``."""
    return json.loads((files("kg") / "data" / name).read_text(encoding="utf-8"))


def slug(text: str) -> str:
    """ASCII slug for IRIs.

    >>> slug("Shah Mahmood Qureshi")
    'shah-mahmood-qureshi'
    """
    ascii_ = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    return re.sub(r"[^a-z0-9]+", "-", ascii_.lower()).strip("-") or "x"


def _iso_names(code: str) -> list[str]:
    c = pycountry.countries.get(alpha_3=code)
    if c is None:
        return []
    names = [getattr(c, a, None) for a in ("common_name", "name", "official_name")]
    return [n for n in names if n and "," not in n]


@cache
def load_gazetteer() -> Gazetteer:
    """Build the gazetteer once per process."""
    gaz = Gazetteer()
    countries: dict = load_data("countries.json")
    for c in pycountry.countries:
        countries.setdefault(c.alpha_3, {})
    for code, info in countries.items():
        names = _iso_names(code)
        label = info.get("name") or (names[0] if names else code)
        gaz.add(Entry(code, label, "Country", "State", code),
                {NAME: [label, *names, *info.get("aliases", [])],
                 DEMONYM: info.get("demonyms", []), SEAT: info.get("seats", [])})
    org_keys: dict[str, str] = {}  # the data files' short ids -> IRI keys (slug of the canonical name)
    for org in load_data("organizations.json"):
        key = org_keys.setdefault(org["id"], slug(org["name"]))
        gaz.add(Entry(key, org["name"], "Organization", org.get("subtype"), org.get("country")),
                {NAME: [org["name"], *org.get("aliases", [])]})
    for person in load_data("people.json"):
        org = org_keys.get(person["org"]) if person.get("org") else None
        affs = tuple(a for a in (person.get("country"), org) if a)
        gaz.add(Entry(slug(person["name"]), person["name"], "Person", person.get("subtype"),
                      person.get("country"), person.get("role"), affs),
                {NAME: [person["name"], *person.get("aliases", [])]})
    blocked = load_data("non_actors.json")
    gaz.patterns.extend({"label": NONACTOR, "pattern": t, "id": "-"}
                        for group in ("media", "currencies", "other") for t in blocked.get(group, []))
    roles = load_data("roles.json")
    gaz.roles = {r["title"].lower(): r["subtype"] for r in roles["titles"]}
    gaz.collectives = frozenset(c.lower() for c in roles["collectives"])
    return gaz
