"""Actor mentions in a parsed Doc, and their resolution to one node per actor.

:func:`find_mentions` is a pure function of a spaCy ``Doc`` (run by the
``kg_mentions`` component): gazetteer matches, persons (NER corrected by
titles and appositions), demonym + authority phrases, pronouns and definite
descriptions. :class:`Resolver` then walks a document's mentions in order and
gives each one an :class:`Actor`: partial names join the full name, pronouns
and "the group" join the last compatible actor, officials get role and
affiliation.
"""
from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import cache

from spacy.tokens import Doc, Span, Token

from .lexicon import load_lexicon
from .gazetteer import DEMONYM, NAME, NONACTOR, SEAT, Entry, Gazetteer, load_data, load_gazetteer, slug
from .sectors import (UNKNOWN_COUNTRY, find_groups, group_key, group_kind, group_label, org_sector, role_sector,
                      sector_data, sector_of_words)
from .spans import ent_at, ents_in
from .vocab import AFFILIATION_CONFIDENCE

__all__ = ["Mention", "Actor", "find_mentions", "Resolver"]

if not Doc.has_extension("kg_context"):  # actors in focus before this Doc, oldest first (plural reference)
    Doc.set_extension("kg_context", default=None)

PARTY_OBJECT_VERBS = {"accuse", "blame", "urge", "ask", "warn", "condemn", "criticise", "criticize", "thank",
                      "invite", "press", "pressure", "sanction", "attack", "recognise", "recognize"}  # "accusing it of"
NER_NAMES = {"PERSON", "ORG", "GPE", "NORP", "LOC", "FAC"}
ARTICLES = {"the", "a", "an"}
FORMER = ("former ", "formerly ", "ex-", "late ")
PATRONYMIC = {"bin", "ibn", "bint", "ben"}
NAME_PARTICLES = {"al", "el", "bin", "ibn", "bint", "de", "da", "van", "von", "der", "den", "ter", "la", "le", "di", "du",
                  "dos", "del", "della"}
CLAUSE_TAGS = {"VB", "VBD", "VBZ", "VBP", "MD", "WP", "WDT", "WP$"}  # a finite verb or a relative: a clause, not a title
CLAUSE_DEPS = {"ROOT", "pcomp", "advcl", "xcomp", "ccomp", "relcl"}  # a participle heading a clause of its own
COORDINATORS = {"and", "or", "&"}
POSSESSIVE_PRONOUNS = {"his", "her", "its", "their"}
POSTED_AT = {"to", "in", "at", "on", "with"}  # "envoy to Somalia", "ambassador in Kabul", "rapporteur on Iran"
QUOTES = {'"', "“", "”", "'", "‘", "’"}
NAME_TOKEN = re.compile(r"^(?:[A-Za-z][a-z]?['’])?[A-ZÀ-ÖØ-Þ][\w]*(?:['’][A-Za-z]\w*)?\.?$")  # O'Malley, d'Estaing
WHEN = {"DATE", "TIME"}
LIST_INTRODUCERS = {"including", "among", "them", "notably", "especially"}  # "six diplomats, including the consul, X"
ROLE_MODIFIERS = {"acting", "former", "formerly", "senior", "deputy", "interim", "chief", "top", "then", "new",
                  "special", "assistant", "vice", "outgoing", "incoming", "foreign", "general"}


@cache
def _words() -> dict:
    data = load_data("mentions.json")
    return {"org_heads": frozenset(data["org_heads"]), "he": frozenset(data["person_pronouns"]),
            "it": frozenset(data["thing_pronouns"]), "they": frozenset(data["plural_pronouns"]),
            "definite": {k: frozenset(v) for k, v in data["definite"].items()},
            "definite_nouns": frozenset(n for v in data["definite"].values() for n in v),
            "leaders": frozenset(data["leader_titles"]), "places": frozenset(data["place_nouns"]),
            "calendar": frozenset(data["calendar_words"]), "locative": frozenset(data["locative_prepositions"]),
            "place_verbs": frozenset(data["place_verbs"]),
            "ambiguous": {k: tuple(v) for k, v in data["ambiguous_country_names"].items() if not k.startswith("_")}}


@dataclass
class Mention:
    """A stretch of text that names or points to an actor.

    ``kind`` is one of: name (gazetteer), demonym, seat, person, org, collective
    (demonym + authority), group ("Iraqi protesters", "the police": see :mod:`kg.sectors`), pronoun,
    definite ("the group"), leader ("the Pakistani leader").
    """

    start: int  # token indices in the Doc
    end: int
    text: str
    kind: str
    key: str | None = None  # gazetteer key when known
    role: str | None = None
    affiliations: tuple[str, ...] = ()  # gazetteer keys
    category: str | None = None  # for pronouns / definites: what they may point to
    role_span: tuple[int, int] | None = None  # tokens of the title phrase ("US envoy to Afghanistan")
    aliases: tuple[str, ...] = ()  # other names the text gives in the mention (a quoted nickname)
    former: bool = False  # the text says the person no longer holds the role ("former president")
    owner: int | None = None  # the token of a possessive in front of the title ("its envoy", "the country's
    # envoy"): the person acts for what it points to, and a country after the title is where they serve
    venue: bool = False  # a capital or seat named as a place ("talks in Doha", "met at the White House"): it
    # points to its country's node for the event's sake, but is never a name of the country
    bare: bool = False  # one capitalised word NER called a person, with nothing else to go on
    sector: str | None = None  # the sector this mention names ("Kenyan police": COP), when it names one
    group: str | None = None  # groups: their kind ("protesters"); with ``sector``, and ``key`` their country
    organ: bool = False  # groups: a state organ named without its country ("the police")
    unsettled: tuple[str, ...] = ()  # a name two states share ("Congo") that nothing in its paragraph settled:
    # the states it may mean (``key`` is the first, the one news mean most)
    actor: "Actor | None" = None  # set by the Resolver


@dataclass
class Actor:
    """One node of the document's graph."""

    key: str
    label: str
    type: str
    subtype: str | None = None
    country: str | None = None
    role: str | None = None
    affiliations: list[str] = field(default_factory=list)
    aliases: list[str] = field(default_factory=list)  # other names: stored as skos:altLabel
    descriptions: list[str] = field(default_factory=list)  # words that pointed to it here ("the militants",
    # "Kenyan officials", a first name alone): surface forms of this document, never names of the actor
    role_source: str | None = None  # "text" or "gazetteer": where ``role`` was read
    sector: str | None = None  # PLOVER sector code (GOV, MIL, REB, CVL ...), set by Resolver.finish
    parent: "Actor | None" = field(default=None, repr=False)  # groups: the node of their country
    group: str | None = None  # groups: their kind ("protesters")
    affiliation_sources: dict[str, str] = field(default_factory=dict)  # key -> "text" | "gazetteer" | "inferred"
    former: bool = False  # the text calls the person a former holder of their role ("former President X of Y"):
    # they keep the side the text names, but act for nobody now: their acts are not that side's, their
    # sector is ELI (CAMEO's elites: former officials), and the gazetteer gives their country, not a side

    @property
    def affiliation_basis(self) -> dict[str, str]:
        """Where each affiliation was read: "text", "gazetteer" (the term on the document's date) or "inferred"."""
        return {k: self.affiliation_sources.get(k, "text") for k in self.affiliations}

    @property
    def affiliation_confidence(self) -> dict[str, float]:
        """How sure kg is of each affiliation: 1.0 read in the text, 0.9 from the gazetteer on the
        document's date, 0.5 inferred from the rest of the document."""
        return {k: AFFILIATION_CONFIDENCE[basis] for k, basis in self.affiliation_basis.items()}

    @property
    def part_of(self) -> str | None:
        """Groups: the key of the country they are part of (``dipl:partOf``)."""
        return self.parent.key if self.parent is not None else None

    def add_alias(self, text: str) -> None:
        if text and text != self.label and text not in self.aliases:
            self.aliases.append(text)
            if text in self.descriptions:
                self.descriptions.remove(text)

    def add_description(self, text: str) -> None:
        if text and text != self.label and text not in self.aliases and text not in self.descriptions:
            self.descriptions.append(text)

    def add_form(self, text: str) -> None:
        """Record a person's surface form: a first name alone ("Mohammed" for "Mohammed Ali Hassan") is a
        description, other forms are names."""
        words = text.split()
        if self.type == "Person" and len(words) < len(self.label.split()) and self.label.split()[:len(words)] == words:
            self.add_description(text)
        else:
            self.add_alias(text)


# ---------------------------------------------------------------- finding mentions


def _gazetteer_spans(doc: Doc) -> list[Span]:
    """The gazetteer's matches without overlaps, the earliest and longest first; two overlapping matches of one
    actor are one ("Sheikh Mohammed bin Abdulrahman" and "Mohammed bin Abdulrahman Al Thani")."""
    spans = sorted(doc.spans.get("kg_gazetteer", []), key=lambda s: (s.start, -(s.end - s.start)))
    kept: list[Span] = []
    for s in spans:
        if not kept or s.start >= kept[-1].end:
            kept.append(s)
        elif s.id_ == kept[-1].id_ and s.end > kept[-1].end:
            last = kept[-1]
            kept[-1] = Span(doc, last.start, s.end, label=last.label_, span_id=last.id_)
    return kept


def _role_spans(doc: Doc) -> dict[int, Span]:
    """Role titles by start token, longest first ("prime minister" beats "minister")."""
    out: dict[int, Span] = {}
    for s in sorted(doc.spans.get("kg_roles", []), key=lambda s: (s.start, -(s.end - s.start))):
        if s.label_ == "ROLE" and s.start not in out and not any(o.start < s.start < o.end for o in out.values()):
            out[s.start] = s
    return out


def _is_name_token(tok: Token) -> bool:
    """A word of a person's name: a capitalised proper noun, O'/D'/Mc names whole, straight or curly apostrophe."""
    if tok.lower_ in _words()["calendar"] or tok.ent_type_ in {"DATE", "TIME"}:
        return False
    if not NAME_TOKEN.match(tok.text) or not any(c.islower() for c in tok.text):
        return False
    return tok.pos_ == "PROPN" or tok.ent_type_ == "PERSON"


def _joins(doc: Doc, i: int) -> bool:
    """Token i is a hyphen inside a name written without spaces ("Kassym-Jomart")."""
    return (0 < i < len(doc) - 1 and doc[i].text in {"-", "‐"} and not doc[i - 1].whitespace_
            and not doc[i].whitespace_)


def _name_run(doc: Doc, start: int, end: int, blocked: set[int]) -> tuple[int, int]:
    """Grow [start, end) over adjacent name words and in-word hyphens not claimed by anything else."""
    while start > 0 and start - 1 not in blocked:
        if _is_name_token(doc[start - 1]):
            start -= 1
        elif start >= 2 and _joins(doc, start - 1) and _is_name_token(doc[start - 2]) and start - 2 not in blocked:
            start -= 2
        else:
            break
    while end < len(doc) and end not in blocked:
        if _is_name_token(doc[end]):
            end += 1
        elif _joins(doc, end) and end + 1 not in blocked and _is_name_token(doc[end + 1]):
            end += 2
        elif (after := _past_particles(doc, end, blocked)) > end:
            end = after
        else:
            break
    return start, end


def _past_particles(doc: Doc, i: int, blocked: set[int]) -> int:
    """End of lowercase name particles at token i and the name word they lead to ("van den Broek",
    "bin Farhan", "al-Jaafari"); i itself when there is none."""
    k = i
    while k < len(doc) and k - i < 3 and k not in blocked and doc[k].text in NAME_PARTICLES:
        k += 1
    if k > i and _joins(doc, k):
        k += 1
    if k > i and k < len(doc) and k not in blocked and _is_name_token(doc[k]):
        return k + 1
    return i


def _wordlike(tok: Token) -> bool:
    return tok.is_alpha or bool(NAME_TOKEN.match(tok.text))


def _affiliation_in(doc: Doc, start: int, end: int, by_token: dict[int, Mention],
                    posted: bool = False) -> tuple[str, ...]:
    """Gazetteer actors named inside tokens [start, end); with ``posted``, not those after a preposition of
    where a diplomat serves or whom they deal with ("the ambassador to Somalia", "the envoy in Kabul",
    "the rapporteur on Iran"): the receiving side, never the one the diplomat acts for."""
    found: list[str] = []
    for i in range(start, end):
        m = by_token.get(i)
        if m and m.key and m.kind in {"name", "demonym", "seat", "collective"} and m.key not in found:
            j = m.start - 1
            while j > start and doc[j].lower_ in ARTICLES:
                j -= 1
            if not (posted and j >= start and doc[j].lower_ in POSTED_AT):
                found.append(m.key)
    return tuple(found)


def _coordination(doc: Doc, start: int, end: int, by_token: dict[int, Mention]) -> int | None:
    """The first "and"/"or" in tokens [start, end) that joins two persons' descriptions: the words after it open
    a noun phrase of their own ("the president and his foreign minister", "Kenya's president and the Ugandan
    envoy"). None when there is none, or when the titles are one person's ("Deputy Prime Minister and Foreign
    Minister")."""
    for i in range(start, end - 1):
        nxt = doc[i + 1]
        if doc[i].lower_ in COORDINATORS and (nxt.lower_ in ARTICLES or nxt.lower_ in POSSESSIVE_PRONOUNS
                                              or nxt.i in by_token):
            return i
    return None


def _role_phrase(doc: Doc, start: int, end: int, roles: dict[int, Span], by_token: dict[int, Mention],
                 name_after: bool = True):
    """Read a role phrase such as "Pakistan's foreign minister" in tokens [start, end); ``name_after``: the
    name follows the phrase (else the phrase is an apposition after it).

    Two persons joined by "and" ("the Kenyan president and his foreign minister, X") are split: the name
    takes the words next to it, and a possessive pronoun in front of them ("his") points to the other
    title's side. Returns (role text, affiliation keys, (start, end)); (None, affiliation keys, None) when
    the name's words hold no title but name a side ("Kenya's minister and his Ugandan counterpart, X");
    None when no title is inside.
    """
    titles = [roles[i] for i in range(start, end) if i in roles and roles[i].end <= end]
    if not titles:
        return None
    inherited: tuple[str, ...] = ()
    cut = _coordination(doc, titles[0].end, end, by_token)
    # the name's own words must be a title; the first person's may hold their name ("President X and his ...")
    own_words = doc[cut + 1:end] if cut is not None and name_after else doc[start:end]
    places = frozenset(i for i, m in by_token.items() if m.kind != "person" and start <= i < end)
    if not _is_title_phrase(own_words, places=places) or not _is_title_phrase(doc[start:end], names=False):
        return None
    if cut is not None:
        if name_after:
            first = _affiliation_in(doc, start, titles[0].start, by_token)
            start = cut + 1
            if doc[start].lower_ in POSSESSIVE_PRONOUNS:  # "the Kenyan president and his foreign minister"
                start, inherited = start + 1, first
        else:
            end = cut
        titles = [t for t in titles if start <= t.start and t.end <= end]
        if not titles:
            own = _affiliation_in(doc, start, end, by_token)
            return (None, own, None) if own else None
    title = titles[0]
    while start < end and (doc[start].lower_ in ARTICLES or doc[start].is_punct):
        start += 1
    role = doc[start:end].text.strip(" ,")
    before = _affiliation_in(doc, start, title.start, by_token)
    gaz = load_gazetteer()
    diplomat = gaz.subtype_of(title.text) == "Diplomat"
    # "the envoy to Somalia": the state after the title is where the diplomat serves, never whom they act
    # for; "the ambassador of Kenya" names that
    after = _affiliation_in(doc, title.end, end, by_token, posted=diplomat)
    if diplomat and any(gaz.entries[k].type == "Country" for k in before if k in gaz.entries):
        # "Nigeria's UN ambassador": the envoy acts for the sending country; the body is where they serve
        before = tuple(k for k in before if k in gaz.entries and gaz.entries[k].type == "Country")
    # "US envoy to Afghanistan": the actor before the title is whom the person acts for;
    # "spokesman for the Afghan president": with nothing before, the one after is.
    affs = before or after[:1] or inherited
    # keep the role words themselves, without the affiliation in front ("Pakistan's foreign minister")
    lead = start
    while lead < title.start and (lead in by_token or doc[lead].tag_ == "POS" or doc[lead].lower_ in ARTICLES
                                  or doc[lead].lower_ in COORDINATORS or _owner_word(doc[lead])):
        lead += 1
    # ... and without one between a modifier and the title ("Former Tanzanian president" -> "Former president")
    words = "".join(t.text_with_ws for t in doc[lead:end] if not (t.i < title.start and t.i in by_token))
    return _clean_role(words.strip(" ,.;:") or role), affs, (start, end)


def _owner_word(tok: Token) -> bool:
    """``tok`` points back to whoever owns the title after it: a possessive pronoun ("its envoy", "his
    foreign minister"), or a description of a country or body before 's ("the country's envoy")."""
    if tok.lower_ in POSSESSIVE_PRONOUNS:
        return tok.tag_ == "PRP$" or tok.dep_ == "poss"
    return (tok.i + 1 < len(tok.doc) and tok.doc[tok.i + 1].tag_ == "POS" and tok.lower_ in _words()["definite_nouns"]
            and tok.i > 0 and tok.doc[tok.i - 1].lower_ == "the")


def _antecedent(doc: Doc, owner: Token, span: tuple[int, int], by_token: dict[int, Mention]) -> int | None:
    """The token of the actor a possessive title ("its envoy", "the country's envoy") belongs to: the subject
    of the nearest verb above the phrase that has one outside it ("France recalled its ambassador", "Australia
    said the country's envoy had met ..."), when that subject is an actor mention; else None (an "its" whose
    antecedent lies in another sentence is not guessed). After "and" the pronoun points to the conjunct before
    it ("President X and his foreign minister", "the Kenyan president and his envoy"): its nearest actor."""
    if owner.i >= 2 and doc[owner.i - 1].lower_ in COORDINATORS:
        for j in range(owner.i - 2, max(doc[owner.i].sent.start, owner.i - 6) - 1, -1):
            if j in by_token:
                return j
            if doc[j].is_punct or doc[j].tag_ in CLAUSE_TAGS:
                break
        return None
    tok = owner.head
    while tok.head.i != tok.i:
        tok = tok.head
        subject = next((c for c in tok.children if c.dep_ in {"nsubj", "nsubjpass"}
                        and not span[0] <= c.i < span[1]), None)
        if subject is not None:
            return subject.i if subject.i in by_token else None
    return None


def _is_title_phrase(span: Span, names: bool = True, places: frozenset[int] = frozenset()) -> bool:
    """A title ("Kenya's foreign minister", "US envoy to Afghanistan"), not a clause: no finite verb nor a
    participle heading a clause ("After meeting the envoy of Chad, X said": "acting" in "the acting envoy"
    qualifies a title), at most 16 words, and (``names``) no other person's full name. A name NER took for a
    person on the tokens of a known country (``places``: "Sri Lankan", "Papua New Guinea's") is no person."""
    return (len(span) <= 16 and not any(t.tag_ in CLAUSE_TAGS or (t.tag_ in {"VBG", "VBN"} and t.dep_ in CLAUSE_DEPS)
                                        for t in span)
            and not (names and any(e.label_ == "PERSON" and len(e) > 1
                                   and not all(t.i in places or t.tag_ == "POS" for t in e) for e in ents_in(span))))


def _portfolio(tok: Token, before: int) -> bool:
    """A portfolio word right before a title ("Industry" in "Irish Industry Minister"): a noun compound that
    names no entity, at most three of them."""
    return (before < 3 and tok.is_alpha and tok.pos_ in {"NOUN", "PROPN"} and tok.dep_ == "compound"
            and tok.ent_type_ == "")


def _clean_role(role: str) -> str:
    """A title as a title: "formerly the acting envoy" -> "former acting envoy".

    >>> _clean_role("formerly the acting US special representative")
    'former acting US special representative'
    """
    words = role.split()
    if words and words[0].lower() == "formerly":
        rest = words[1:]
        if rest and rest[0].lower() in ARTICLES:
            rest = rest[1:]
        words = ["former", *rest]
    elif words and words[0].lower() in ARTICLES:
        words = words[1:]
    return " ".join(words)


def _clause_end(doc: Doc, i: int, limit: int = 14) -> int:
    """End of an apposition that starts at token i: the next comma, quote or sentence end."""
    sent_end = doc[i].sent.end if i < len(doc) else len(doc)
    j = i
    while j < min(sent_end, i + limit) and doc[j].text not in {",", ";", "“", "”", '"', "(", ")", "—", "–"} \
            and doc[j].tag_ not in CLAUSE_TAGS:
        j += 1  # "a former vice president who had ...": the relative clause is not part of the title
    return j


def _title_across(doc: Doc, start: int, roles: dict[int, Span], by_token: dict[int, Mention]) -> Span | None:
    """The title of a name that follows "<title> to/of/for/in <actor>" directly ("US Ambassador to Japan
    X", "former envoy to Somalia X"); None when the words before the name are not such a phrase."""
    m = by_token.get(start - 1)
    if m is None or m.end != start or m.kind not in {"name", "demonym", "seat"}:
        return None
    j = m.start - 1
    while j > 0 and doc[j].lower_ in ARTICLES:
        j -= 1
    if j < 1 or doc[j].lower_ not in {"to", "of", "for", "in", "at"}:
        return None
    return next((r for r in roles.values() if r.end == j), None)


def _person_role(doc: Doc, start: int, end: int, roles: dict[int, Span], role_tokens: set[int],
                 by_token: dict[int, Mention]):
    """Role and affiliation of the name in tokens [start, end), from every place the text gives them.

    A title just before the name ("Pakistan's Prime Minister Imran Khan"), an apposition after
    it ("Qureshi, Pakistan's foreign minister,") or before it ("US envoy to Afghanistan, Zalmay
    Khalilzad"), and "of <country>" after a titled name. The first role found wins; the
    affiliations come from the first source that names any.
    """
    found = []
    title = (next(r for r in roles.values() if r.start < start <= r.end) if (start - 1) in role_tokens
             else _title_across(doc, start, roles, by_token))
    if title is not None:
        left = title.start
        while left > 0:
            if (doc[left - 1].lower_ in ROLE_MODIFIERS or (left - 1) in by_token
                    or doc[left - 1].tag_ == "POS" or _portfolio(doc[left - 1], title.start - left)):
                left -= 1
            elif doc[left - 1].lower_ in COORDINATORS and (left - 2) in role_tokens:
                # "Deputy Prime Minister and Foreign Minister X": one person's titles, read as one phrase
                left = next(r.start for r in roles.values() if r.start < left - 1 <= r.end)
            else:
                break
        if left >= 2 and doc[left - 1].lower_ in POSSESSIVE_PRONOUNS and doc[left - 2].lower_ in COORDINATORS:
            left -= 1  # "President X and his foreign minister Y": Y is of X's side (see _antecedent)
        found.append(_role_phrase(doc, left, start, roles, by_token))
        if left >= 2 and doc[left - 1].lower_ == "of" and left - 2 in by_token:  # "the Afghan government of President X"
            found.append((None, (by_token[left - 2].key,), None))
        if end + 1 < len(doc) and doc[end].lower_ == "of" and end + 1 in by_token:
            found.append((None, (by_token[end + 1].key,), None))
    if end < len(doc) and doc[end].text in {",", "("}:  # "X, Kenya's president," or "X (Kenya's president)"
        found.append(_role_phrase(doc, end + 1, _clause_end(doc, end + 1), roles, by_token, name_after=False))
    if start >= 2 and doc[start - 1].text == ",":
        left = start - 2
        while left > doc[start].sent.start and doc[left - 1].text not in {",", ";", "“", '"'} \
                and doc[left - 1].tag_ not in CLAUSE_TAGS and doc[left - 1].lower_ not in LIST_INTRODUCERS:
            left -= 1  # "The junta ordered the ambassador, X": the title is what follows the verb
        found.append(_role_phrase(doc, left, start - 1, roles, by_token))
    found = [f for f in found if f]
    if not found:
        return None
    role, span = next(((r, sp) for r, _, sp in found if r), (None, None))
    affs = next((a for _, a, _ in found if a), ())
    return role, tuple(k for k in affs if k), span


def find_mentions(doc: Doc, gaz: Gazetteer | None = None) -> list[Mention]:
    """All actor mentions of ``doc``, in text order. Pure: reads only the Doc and the gazetteer."""
    gaz = gaz or load_gazetteer()
    words = _words()
    mentions: list[Mention] = []
    blocked: set[int] = set()
    by_token: dict[int, Mention] = {}

    def add(m: Mention) -> None:
        mentions.append(m)
        for i in range(m.start, m.end):
            blocked.add(i)
            by_token[i] = m

    nonactor: set[int] = set()
    roles = _role_spans(doc)
    role_tokens = {i for s in roles.values() for i in range(s.start, s.end)}
    for s in _gazetteer_spans(doc):
        if s.label_ == NONACTOR:
            nonactor.update(range(s.start, s.end))
            continue
        if s.label_ == SEAT and s.end < len(doc) and doc[s.end].ent_iob_ == "I" and doc[s.end].ent_type_ == "PERSON":
            continue  # "Sofia Sapega", "Victoria Nuland": a first name, not a capital
        entry = gaz.entries.get(s.id_)
        if entry is None:
            continue
        kind = {NAME: "name", DEMONYM: "demonym", SEAT: "seat"}[s.label_]
        if entry.type == "Country" and _in_place_name(doc, s.start, s.end):
            continue  # "Lake Chad", "the Jordan River", "Victoria Falls": a place's name, not the state
        if entry.type == "Person":  # role and side come from the text here, from the date in the Resolver
            if len(s) == 1 and (_inside_another_name(doc, s.start, role_tokens) or _private(doc, s.start, role_tokens)):
                continue  # "Marcos" in "Marcos Pérez": another person's name; "the trader Ruto": someone else
            if _joins(doc, s.start - 1) or _joins(doc, s.end):
                continue  # "Odinga" in "Peter Okello-Odinga": a part of another person's hyphenated name
            add(Mention(s.start, s.end, s.text, "person", key=entry.key))
            continue
        add(Mention(s.start, s.end, s.text, kind, key=entry.key, role=entry.role, affiliations=entry.affiliations))
    blocked |= nonactor
    _settle_shared_names(gaz, mentions)
    for m in [m for m in mentions if m.kind == "person"]:  # known officials: the text's title phrase too
        found = _person_role(doc, m.start, m.end, roles, role_tokens, by_token)
        if found:
            m.role, m.affiliations, m.role_span = found
    for m in _nicknamed(doc, blocked | role_tokens):  # Joseph "Jojo" Mwangi: one person, the nickname an alias
        role, affs, role_span = _person_role(doc, m.start, m.end, roles, role_tokens, by_token) or (None, (), None)
        m.role, m.affiliations, m.role_span = role, affs, role_span
        add(m)

    # demonym / country + authority noun: "Pakistani authorities", "the Afghan government", "China's foreign ministry"
    for s in doc.spans.get("kg_roles", []):
        if s.label_ != "COLLECTIVE":
            continue
        j = s.start - 1
        while j >= 0 and doc[j].pos_ == "ADJ" and j not in by_token and s.start - j <= 2:
            j -= 1  # "Romania's new government", "Iran's hardline regime"
        if j >= 0 and doc[j].tag_ == "POS":
            j -= 1
        m = by_token.get(j)
        if m and m.end == j + 1 and s.end - m.start <= 6 and all(i not in by_token for i in range(s.start, s.end)):
            # "the Biden administration": a known leader's name before an authority noun is their country
            key = m.key if m.kind in {"name", "demonym", "seat"} else (
                gaz.entries[m.key].country if m.kind == "person" and m.key in gaz.entries else None)
            if key:
                mentions.remove(m)
                add(Mention(m.start, s.end, doc[m.start:s.end].text, "collective", key=key,
                            sector=sector_of_words(s.text)))

    # person and organisation names from NER, repaired
    for ent in doc.ents:
        if ent.label_ not in NER_NAMES or any(i in blocked for i in range(ent.start, ent.end)):
            continue
        start, end = ent.start, ent.end
        while start < end and (start in role_tokens or doc[start].lower_ in ARTICLES or not _wordlike(doc[start])
                               or doc[start].lower_ in words["calendar"]):
            start += 1
        while end > start and (not _wordlike(doc[end - 1]) or doc[end - 1].lower_ in words["calendar"]):
            end -= 1
        if start >= end:
            continue
        start, end = _name_run(doc, start, end, blocked | role_tokens)
        span = doc[start:end]
        head_lemma = span[-1].lemma_.lower()
        role_info = _person_role(doc, start, end, roles, role_tokens, by_token)
        is_person = ent.label_ == "PERSON" or role_info is not None or (
            head_lemma not in words["org_heads"] and _listed_with_a_person(doc, start, end))
        if not is_person and (head_lemma not in words["org_heads"] or not any(t.is_title for t in span)):
            continue  # a place, a headline fragment, an unknown brand, "the navy": not a named actor
        if is_person and len(span) == 1 and span[0].lower_ in words["org_heads"]:
            continue
        if role_info is None and end < len(doc) and doc[end].lemma_.lower() in words["places"]:
            continue  # "the Danube border", "the Kerch bridge": a place, whatever NER says
        if role_info is None and len(span) > 1 and _in_place_name(doc, start + 1, end - 1):
            continue  # "Victoria Falls", "Lake Kivu": a place's proper name, whatever NER says
        if ent.label_ in {"GPE", "LOC", "FAC"} and _a_place(span, True) and not _apposed(span):
            continue  # "Speaking in Geneva, Iran's envoy said": a venue; the title is the next clause's subject
        if role_info is None and (_a_place(span, is_person) or (not is_person and ent.label_ in {"LOC", "FAC"})):
            continue  # "struck targets in Khan Younis", "seized Rostov-on-Don": a place NER took for a name
        bare = is_person and role_info is None and len(span) == 1
        if bare and _private(doc, start, role_tokens):
            continue  # "Harris, a farmer from Iowa": the text says who this is, and it is no official
        role, affs, role_span = role_info if role_info else (None, (), None)
        add(Mention(start, end, span.text, "person" if is_person else "org", role=role, affiliations=affs,
                    role_span=role_span, bare=bare))

    # names NER missed right after a title: "Mullah Abdul Ghani Baradar", "President Trump"
    for r in roles.values():
        i = r.end
        if i < len(doc) and i not in blocked and i not in role_tokens and _is_name_token(doc[i]):
            start, end = _name_run(doc, i, i + 1, blocked | role_tokens)
            if any(doc[k].ent_type_ == "PERSON" or doc[k].ent_type_ == "" for k in range(start, end)):
                role, affs, role_span = (_person_role(doc, start, end, roles, role_tokens, by_token)
                                         or (r.text, (), None))
                add(Mention(start, end, doc[start:end].text, "person", role=role, affiliations=affs,
                            role_span=role_span))

    # a name NER missed before an apposed title: "Mkapa, Tanzania's president, said"
    for tok in doc:
        i = tok.i
        if (i in blocked or i in role_tokens or i + 2 >= len(doc) or doc[i + 1].text != ","
                or tok.ent_type_ not in {"", "PERSON"} or not _is_name_token(tok) or tok.lower_ in words["calendar"]):
            continue
        start, end = _name_run(doc, i, i + 1, blocked | role_tokens)
        found = _person_role(doc, start, end, roles, role_tokens, by_token)
        if found and found[2] and found[2][0] >= end and any(k in role_tokens for k in range(*found[2])):
            add(Mention(start, end, doc[start:end].text, "person", role=found[0], affiliations=found[1],
                        role_span=found[2]))

    # a name NER missed in apposition after a title: "recalled its ambassador to Niger, Sylvain Itte, on ..."
    for tok in doc:
        i = tok.i
        if (i < 2 or i in blocked or i in role_tokens or doc[i - 1].text != "," or tok.ent_type_ not in {"", "PERSON"}
                or not _is_name_token(tok) or tok.lower_ in _words()["calendar"]):
            continue
        start, end = _name_run(doc, i, i + 1, blocked | role_tokens)
        # the parser may take a name between commas after "the minister of Burundi" for a list's next item
        listed = doc[end - 1].dep_ == "conj" and end < len(doc) and doc[end].text == ","
        if not (doc[end - 1].dep_ == "appos" or listed) or any(k in blocked for k in range(start, end)):
            continue  # "After meeting the envoy, Lemaire said": a subject, not an apposition
        found = _person_role(doc, start, end, roles, role_tokens, by_token)
        if (found and found[2] and found[2][1] <= start and any(k in role_tokens for k in range(*found[2]))
                and (not listed or found[2][0] <= doc[end - 1].head.i < found[2][1])):
            add(Mention(start, end, doc[start:end].text, "person", role=found[0], affiliations=found[1],
                        role_span=found[2]))

    _add_groups(doc, gaz, mentions, by_token, blocked | role_tokens, add)

    # pronouns, "the group", "the Pakistani leader"
    for tok in doc:
        if tok.i in blocked:
            continue
        low = tok.lower_
        if tok.pos_ == "PRON" or tok.tag_ in {"PRP", "PRP$"}:
            if low == "it" and tok.dep_ in {"dobj", "nsubjpass"} and tok.head.lemma_ not in PARTY_OBJECT_VERBS:
                continue  # "condemned it", "it was signed": nearly always a thing, not a state
            for cat in ("he", "it", "they"):
                if low in words[cat]:
                    add(Mention(tok.i, tok.i + 1, tok.text, "pronoun", category=cat))
            continue
        if tok.pos_ != "NOUN" or tok.i == 0:
            continue
        left = tok.i - 1
        mods = []
        while left >= 0 and doc[left].dep_ in {"amod", "compound"} and doc[left].head.i in (tok.i, left + 1):
            mods.append(doc[left])
            left -= 1
        if left < 0 or doc[left].lower_ != "the":
            continue
        phrase = " ".join([t.lower_ for t in reversed(mods)] + [tok.lower_])
        demonym = by_token.get(tok.i - 1)
        if tok.i in role_tokens or phrase in words["leaders"]:
            title = next((r for r in roles.values() if r.start <= tok.i < r.end), None)
            if demonym and demonym.kind == "demonym" and title and title.text.lower() in words["leaders"]:
                mentions.remove(demonym)
                add(Mention(left, title.end, doc[left:title.end].text, "leader", key=demonym.key))
            continue
        for category, nouns in words["definite"].items():
            if phrase in nouns or (tok.lower_ in nouns and all(m.pos_ == "ADJ" for m in mods)):
                if demonym is None:
                    add(Mention(left, tok.i + 1, doc[left:tok.i + 1].text, "definite", category=category))
                break
    for m in mentions:
        if m.kind == "person" and not any(gaz.entries[k].type == "Country" for k in m.affiliations
                                          if k in gaz.entries):
            side = _member_of_group(doc, m.start, by_token, gaz)
            if side:
                m.affiliations = (*m.affiliations, side)
        if m.kind == "person" and m.end - m.start == 1 and m.start - 1 in role_tokens:
            title = next(r for r in roles.values() if r.start < m.start <= r.end)  # "Pope Francis", "King Salman"
            m.aliases = (*m.aliases, doc[title.start:m.end].text)
        if m.kind == "person" and m.role and m.role.lower().startswith(FORMER):
            m.former = True  # "the former president": the gazetteer's side no longer holds; the text's does
        if m.kind == "person" and m.role_span:
            first = next((t for t in doc[m.role_span[0]:m.role_span[1]] if t.lower_ not in ARTICLES), None)
            title = next((i for i in range(*m.role_span) if i in role_tokens), m.role_span[1])
            if first is not None and _owner_word(first) and not _affiliation_in(doc, first.i + 1, title, by_token):
                # "its ambassador to Niger, X": whose envoy (the clause's subject), not where they serve
                m.owner, m.affiliations = _antecedent(doc, first, m.role_span, by_token), ()
        m.venue = m.kind == "seat" and _a_venue(doc[m.start:m.end])
    return sorted(mentions, key=lambda m: m.start)


def _a_venue(span: Span) -> bool:
    """A capital named as where something is or happens: the object of a locative preposition ("talks in
    Geneva", "met at the White House", "officials in Moscow"), or a place apposed to one ("in Anchorage,
    Alaska"). A capital as the subject or possessor of an act ("Moscow said", "Washington's sanctions") is its
    government, not a place."""
    root = span.root
    while root.dep_ == "appos" or (root.dep_ == "conj" and root.head.dep_ == "pobj"):
        root = root.head  # "in Nuuk, Greenland", "in Paris and Berlin"
    return root.dep_ == "pobj" and root.head.lower_ in _words()["locative"]


def _evidence(gaz: Gazetteer, mentions: Iterable[Mention | Actor]) -> set[str]:
    """The countries that mentions (or actors) point to: their own keys, and known officials' countries."""
    out = set()
    for m in mentions:
        key = m.key
        if key in gaz.entries:
            out.add(gaz.entries[key].country if gaz.entries[key].type == "Person" else key)
    return out


def _settle_shared_names(gaz: Gazetteer, mentions: list[Mention]) -> None:
    """Give a name or demonym two states share ("Congo", "Congolese") the state the rest of the paragraph
    points to ("Kinshasa", "DR Congo", "Tshisekedi" -> COD; "Brazzaville", "Sassou Nguesso" -> COG), else the
    one news mean most (the first listed in mentions.json), marked ``unsettled`` for the Resolver to settle
    from the rest of the document."""
    shared = _words()["ambiguous"]
    named = [m for m in mentions if m.kind in {"name", "demonym"} and m.text in shared]
    if not named:
        return
    evidence = _evidence(gaz, (m for m in mentions if m.kind in {"name", "demonym", "seat", "person"}
                               and m.text not in shared))
    for m in named:
        states = shared[m.text]
        found = [k for k in states if k in evidence]
        m.key = found[0] if len(found) == 1 else states[0]
        m.unsettled = () if len(found) == 1 else states


def _member_of_group(doc: Doc, start: int, by_token: dict[int, Mention], gaz: Gazetteer) -> str | None:
    """The country of a national group a person is listed in: "six Indian diplomats, among them High
    Commissioner X", "three Kazakh officials, including the consul, X" -> the country of the demonym (or
    name) before the group's plural noun; None when the person is not listed after such a group.

    The list is read back from the name within its sentence: past the person's title and commas to
    "including" / "among (them)", then the plural noun, then its national modifier."""
    i, sent_start = start - 1, doc[start].sent.start
    while i > sent_start and start - i <= 10 and doc[i].lower_ not in LIST_INTRODUCERS:
        if doc[i].tag_ in CLAUSE_TAGS or doc[i].text in {";", "(", ")"}:
            return None
        i -= 1
    if i <= sent_start or doc[i].lower_ not in LIST_INTRODUCERS:
        return None
    while i > sent_start and (doc[i].lower_ in LIST_INTRODUCERS or doc[i].text == "," or doc[i].ent_type_ in WHEN
                              or (doc[i].tag_ == "IN" and doc[i + 1].ent_type_ in WHEN)):
        i -= 1  # "six Indian diplomats on Monday, among them": past the date too
    group = by_token.get(i)
    if group is not None:  # "Indian diplomats" read as the country's people
        first, key = group.start, group.key if group.kind in {"collective", "group"} else None
    elif doc[i].tag_ == "NNS":  # "45 Russian trade officials": the country before the plural noun
        first, key = i, None
        for j in range(i - 1, max(sent_start, i - 3) - 1, -1):
            m = by_token.get(j)
            if m and m.kind in {"demonym", "name"}:
                first, key = m.start, m.key
                break
            if not (doc[j].pos_ in {"ADJ", "NUM", "NOUN"} or doc[j].tag_ == "POS"):
                break
    else:
        return None  # "including X" after a verb or a singular noun: no group
    if doc[i].tag_ != "NNS" or key not in gaz.entries or gaz.entries[key].type != "Country" \
            or (first > sent_start and doc[first - 1].lower_ in {"and", "or", ","}):
        return None  # no national group, or one of several countries' ("Kenyan and Ugandan officials")
    return key


def _add_groups(doc: Doc, gaz: Gazetteer, mentions: list[Mention], by_token: dict[int, Mention], blocked: set[int],
                add) -> None:
    """Group mentions ("Iraqi protesters", "rebels in Darfur", "the police"); a country mention inside the
    phrase becomes part of it. A plural demonym standing alone ("Palestinians") names the country's people:
    the country, with the sector CVL."""
    country_at: dict[int, str] = {}
    for i, m in by_token.items():
        if m.kind in {"name", "demonym", "seat"} and m.key in gaz.entries:
            e = gaz.entries[m.key]
            key = m.key if e.type == "Country" else e.country if m.kind == "seat" else None
            if key:
                country_at[i] = key
    members = {i: gaz.entries[m.key].country for i, m in by_token.items()  # "activists from Fatah": Palestine
               if m.key in gaz.entries and gaz.entries[m.key].type == "Organization" and gaz.entries[m.key].country}
    for g in find_groups(doc, country_at, blocked, members):
        inside = [by_token[i] for i in range(g.start, g.end) if i in by_token]
        for m in [m for k, m in enumerate(inside) if all(m is not o for o in inside[:k])]:
            mentions.remove(m)
            for i in range(m.start, m.end):
                del by_token[i]
        if g.country and g.kind in sector_data().organ_kinds.values():  # "security forces in Guinea": Guinea
            add(Mention(g.start, g.end, g.text, "collective", key=g.country, sector=g.sector))
        else:
            add(Mention(g.start, g.end, g.text, "group", key=g.country, sector=g.sector, group=g.kind,
                        organ=g.organ))
    places = _words()["places"] | sector_data().people_nouns
    for m in mentions:
        last = doc[m.end - 1]
        if m.kind == "demonym" and ((last.tag_ in {"NNS", "NNPS"} and last.dep_ not in {"amod", "compound", "poss"})
                                    or (last.dep_ in {"amod", "compound"} and last.head.lemma_.lower() in places)):
            m.sector = "CVL"  # "Palestinians", "Iraqi towns", "the Zambian people": the country's people
        people = last.head if last.dep_ in {"amod", "compound"} and last.head.lemma_.lower() in places else last
        subj = people.head.head if people.dep_ == "pobj" and people.head.lower_ == "of" else people  # "thousands of"
        if m.kind == "demonym" and people.tag_ in {"NNS", "NNPS"} and subj.dep_ == "nsubj" and any(
                e.cls == "PROTEST" for e in load_lexicon().verbs.get(subj.head.lemma_.lower(), ())):
            m.kind, m.group, m.sector = "group", "protesters", "CVL"  # "Algerians", "Iraqi Kurds demonstrated": people
        if m.kind == "collective":  # "Afghan rebel leaders": the rebels' leaders, a group of the country
            found = next((k for w in m.text.lower().split()[:-1] for k in [group_kind(w)] if k), None)
            if found:
                m.kind, m.group, m.sector = "group", *found


def _a_place(span: Span, person: bool) -> bool:
    """A name that reads as a place: hyphen-joined with a lowercase word inside ("Rostov-on-Don",
    "Port-au-Prince"); or, for a name NER calls a person, the object of a locative preposition on a
    verb ("struck targets in Khan Younis") or of a verb that takes a place ("seized", "entered")."""
    words = _words()
    inner = [t for t in span[1:-1] if t.is_lower and t.is_alpha]
    if any(_joins(span.doc, t.i - 1) and _joins(span.doc, t.i + 1) for t in inner):
        return True
    if not person:
        return False
    root = span.root
    if root.dep_ == "pobj" and root.head.lower_ in words["locative"] and root.head.head.pos_ in {"VERB", "AUX"}:
        return True
    return root.dep_ == "dobj" and root.head.lemma_.lower() in words["place_verbs"]


def _in_place_name(doc: Doc, start: int, end: int) -> bool:
    """Tokens [start, end) are inside a place's proper name: a capitalised place noun (kg/data/mentions.json
    ``place_nouns``) right before or after them ("Lake Chad", "Mount Kenya", "the Jordan River")."""
    return any(0 <= i < len(doc) and doc[i].is_title and doc[i].lemma_.lower() in _words()["places"]
               for i in (start - 1, end))


def _apposed(span: Span) -> bool:
    """Something in apposition follows the name ("called in Ravi Kumar, India's envoy"): the name is its holder."""
    return any(t.dep_ == "appos" and span.start <= t.head.i < span.end for t in span.doc[span.end:span.end + 10])


def _inside_another_name(doc: Doc, i: int, role_tokens: set[int]) -> bool:
    """Token i is one word of a longer person name NER found, the other words not titles."""
    ent = ent_at(doc, i)
    return (ent is not None and ent.label_ == "PERSON" and len(ent) > 1
            and all(_is_name_token(t) for t in ent if t.i != i and t.i not in role_tokens)
            and any(t.i not in role_tokens for t in ent if t.i != i))


def _listed_with_a_person(doc: Doc, start: int, end: int) -> bool:
    """Tokens [start, end) are a two- or three-word name listed with a person ("X and Juan Chamorro")."""
    if not 2 <= end - start <= 3 or not all(_is_name_token(t) or t.ent_type_ for t in doc[start:end]) \
            or not all(t.text[:1].isupper() and any(c.islower() for c in t.text) for t in doc[start:end]):
        return False
    after = end + 1 < len(doc) and doc[end].lower_ in {"and", ","} and doc[end + 1].ent_type_ == "PERSON"
    before = start >= 2 and doc[start - 1].lower_ in {"and", ","} and doc[start - 2].ent_type_ == "PERSON"
    return after or before


def _nicknamed(doc: Doc, blocked: set[int]) -> list[Mention]:
    """Names with a quoted nickname inside: 'Joseph "Jojo" Mwangi' -> one mention, alias "Jojo"."""
    found = []
    for i in range(1, len(doc) - 3):
        if doc[i].text not in QUOTES or i in blocked or not _is_name_token(doc[i - 1]):
            continue
        j = i + 1
        if doc[j].lower_ == "the":  # 'Ahmed "the Engineer" Barre'
            j += 1
        while j < len(doc) and j - i <= 4 and doc[j].text not in QUOTES and doc[j].text[:1].isupper():
            j += 1
        if j == i + 1 or not doc[j - 1].text[:1].isupper() or j >= len(doc) - 1 or doc[j].text not in QUOTES \
                or not _is_name_token(doc[j + 1]):
            continue
        start, _ = _name_run(doc, i - 1, i, blocked)
        _, end = _name_run(doc, j + 1, j + 2, blocked)
        if any(k in blocked for k in range(start, end)):
            continue
        name = " ".join(t.text for t in [*doc[start:i], *doc[j + 1:end]])
        found.append(Mention(start, end, name, "person", aliases=(doc[i + 1:j].text,)))
        blocked.update(range(start, end))
    return found


# ---------------------------------------------------------------- resolution


class Resolver:
    """Turn a document's mentions into actors, one node per actor.

    Feed it each Doc's mentions in text order with :meth:`resolve_doc`; call
    :meth:`finish` at the end for the actors. ``date`` (ISO, the document's date)
    picks the office a known official held that day; without it, the latest.
    The text's own title and country win over the gazetteer's. ``document`` (its key)
    scopes the groups the text gives no country: "gunmen" here are not another article's gunmen.
    """

    def __init__(self, gaz: Gazetteer | None = None, date: str | None = None, document: str | None = None) -> None:
        self.gaz = gaz or load_gazetteer()
        self.date = date
        self.document = document  # the document's key (path or URL): the scope of its groups of unknown country
        self.actors: dict[str, Actor] = {}
        # keyed by id(): membership and moves cost the same however many actors a long document names
        self.recent: dict[int, Actor] = {}  # most recent last
        self.persons: dict[int, Actor] = {}  # in the order the text named them
        self._forms: dict[int, tuple[tuple[str, int], set[tuple[str, ...]]]] = {}  # id -> (label, aliases), forms
        self.organs: dict[str, Actor] = {}  # sector -> the country whose organ of that sector the text named last
        self.shared: dict[str, str] = {}  # a name two states share ("Congo") -> the state this document means
        self.named: set[str] = set()  # the known officials the document names in full ("Kamala Harris")

    def _get(self, key: str) -> Actor:
        if key not in self.actors:
            e = self.gaz.entries[key]
            if e.type == "Person":
                actor = Actor(key, e.label, "Person")
                self._on_the_day(actor)
            else:
                actor = Actor(key, e.label, e.type, e.subtype, e.country, e.role, list(e.affiliations))
            self.actors[key] = actor
        return self.actors[key]

    def _on_the_day(self, actor: Actor) -> None:
        """Role and side of a known official from the term in force on the document's date.

        Among the terms in force (all terms without a date) the one whose title the text
        used wins, else a state's office, else the latest (:meth:`Entry.term_on`). Called
        again after each mention: what the text says first (title, country, "former")
        stays; the gazetteer fills the rest.
        """
        entry = self.gaz.entries.get(actor.key)
        if entry is None or entry.type != "Person":
            self._set_country(actor)  # an official only the text knows: the country of its side
            return
        for k in [k for k, src in actor.affiliation_sources.items() if src == "gazetteer"]:
            actor.affiliations.remove(k)
            del actor.affiliation_sources[k]
        term = entry.term_on(self.date, actor.role if actor.role_source == "text" else None)
        if term is None:
            self._set_country(actor, entry)
            return  # not in office that day: the text alone says what the person is
        if actor.role_source != "text":
            actor.role, actor.subtype, actor.role_source = term.role, term.subtype, "gazetteer"
        if not actor.former:
            has_country = any(self._is_country(k) for k in actor.affiliations)
            for k in term.affiliations:
                if k not in actor.affiliations and not (has_country and self._is_country(k)):
                    actor.affiliations.append(k)
                    actor.affiliation_sources[k] = "gazetteer"
        self._set_country(actor, entry)

    def _is_country(self, key: str) -> bool:
        e = self.gaz.entries.get(key)
        return e is not None and e.type == "Country"

    def _set_country(self, actor: Actor, entry: Entry | None = None) -> None:
        """The country code of the side a person acts for; for a former holder the text gives no side, the
        country of the last office the gazetteer ``entry`` knows them in before the document's date (where
        they are from, not whom they act for)."""
        actor.country = next((self.gaz.entries[k].country for k in actor.affiliations
                              if k in self.gaz.entries and self.gaz.entries[k].country), None)
        if actor.country is None and actor.former and entry is not None:
            held = [t for t in entry.terms if self.date is None or t.start <= self.date]
            actor.country = next((t.country or self.gaz.entries[t.org].country for t in reversed(held)
                                  if t.country or t.org in self.gaz.entries), None)

    def _known_official(self, m: Mention) -> str | None:
        """The gazetteer key of the official whose last name is ``m``: the one in office on the document's
        date (holding the text's title, if it gives one) among those who share the name, else the one
        official of that name (the date then gives the office)."""
        found = (self.gaz.official_on(m.text, self.date, m.role) if self.date else None) \
            or self.gaz.official_named(m.text)
        return found.key if found and self._stands_for(m.text, found, m.role) else None

    def _stands_for(self, word: str, entry: Entry, title: str | None) -> bool:
        """A one-word name may name the known official ``entry`` with no fuller mention before it: a short
        name the officials files list for them ("Abiy", "Putin"), or their last name when no known person has
        that word as a first name ("Macron"). A word that is also a first name ("Ahmed": Ahmed Attaf, Ahmed
        Aboul Gheit) or a common family name ("Harris", "Johnson": :meth:`Gazetteer.common_surname`) is
        anybody's: it names the official only when the document names them in full, or right after a title
        they held on the document's date ("Prime Minister Ahmed"), never alone ("Ahmed, a trader, said")."""
        if not self.gaz.common_surname(word) and (entry.key in self.gaz.short_names.get(word, ())
                                                  or word not in self.gaz.given):
            return True
        if entry.key in self.named or entry.key in self.actors:  # named in full, or with a title, before
            return True
        return bool(title) and bool(entry.terms_on(self.date, title))  # without a date, a title they ever held

    def _named_official(self, m: Mention) -> Actor | None:
        """The node of a known official's mention. One word ("Kenyatta") is the person of that name the
        document named before, else the holder of that name in office on the document's date, else the
        gazetteer's match; None for a common family name nothing in the document ties to them ("Johnson")."""
        if " " not in m.text and m.text in self.gaz.families:
            for p in reversed(self.persons.values()):
                if (m.text,) in self._short_forms(p):
                    return p
            found = (self.gaz.official_on(m.text, self.date, m.role) if self.date else None) or self.gaz.entries[m.key]
            return self._get(found.key) if self._stands_for(m.text, found, m.role) else None
        return self._get(m.key)

    def _person(self, m: Mention) -> Actor | None:
        name = m.text
        tokens = tuple(name.split())
        for p in reversed(self.persons.values()):  # "Imran" after "Imran Khan"; "Khan" too; not a father's name
            if tokens in self._short_forms(p) or tokens == tuple(p.label.split()):
                return p
        fuller = _short_forms_of(tokens)
        for p in reversed(self.persons.values()):  # "Donald Trump" after "Trump": the fuller name wins
            if p.key not in self.gaz.entries and tuple(p.label.split()) in fuller:
                self.actors.pop(p.key, None)
                p.add_alias(p.label)
                p.key, p.label = slug(name), name
                self.actors[p.key] = p
                return p
        if m.bare:  # one word: a known official's last name, or not a person at all ("Danube")
            key = self._known_official(m)
            return self._get(key) if key else None
        if len(tokens) == 1 and self.date:  # "President Bush": the Bush in office that day
            found = self.gaz.official_on(name, self.date, m.role)
            if found and self._stands_for(name, found, m.role):
                return self._get(found.key)
        known = self.gaz.person_spelled(name)  # "Владимир Путин", "Andrej Babis": a known person's other spelling
        if known is not None:
            actor = self._get(known.key)
            self.persons.setdefault(id(actor), actor)
            return actor
        key = slug(name)
        actor = self.actors.get(key) or Actor(key, name, "Person")
        self.actors[key] = actor
        self.persons.pop(id(actor), None)  # named again: the latest person of that name
        self.persons[id(actor)] = actor
        return actor

    def _short_forms(self, person: Actor) -> set[tuple[str, ...]]:
        """:func:`_short_forms` of ``person``, computed again only when its label or aliases changed."""
        state = (person.label, len(person.aliases))  # aliases are only ever added
        cached = self._forms.get(id(person))
        if cached is None or cached[0] != state:
            cached = self._forms[id(person)] = (state, _short_forms(person))
        return cached[1]

    def _group(self, m: Mention) -> Actor | None:
        """The node of a group: one per (country, sector, kind). Without a country in the phrase, the group
        the text named last of the same kind ("the rebels" after "Sudanese rebels"), a state organ's country
        when the text named that organ with its country before ("the police" after "Kenyan police"), else a
        group of unknown country (UNK) of this document alone: never the article's main country without a cue,
        never another document's group."""
        if m.key is None:
            if m.organ:  # "the police": the country whose police the text named; else nobody known
                return self.organs.get(m.sector)
            named_armed = m.sector == "REB" and not m.organ  # "the rebels" after "M23": the named group
            same = self._last(lambda a: a.group == m.group or (named_armed and a.type == "Organization" and (
                a.subtype == "ArmedGroup" or (a.subtype is None and a.key not in self.gaz.entries))))
            if same is not None:
                return same
        country = self.gaz.entries[m.key] if m.key else None
        code = (country.country or country.key) if country else UNKNOWN_COUNTRY
        key = group_key(code if country else None, m.sector, m.group, scope=self.document)
        if key not in self.actors:
            self.actors[key] = Actor(key, group_label(country.label if country else None, m.group), "Organization",
                                     "ArmedGroup" if m.sector in {"REB", "UAF"} else "SocialGroup", code,
                                     sector=m.sector, parent=self._get(country.key) if country else None,
                                     group=m.group)
        return self.actors[key]

    def localize(self, group: Actor, country_key: str) -> Actor:
        """Put a group of unknown country in ``country_key``'s country ("police in Kenya dispersed protesters":
        the police act at home, so the protesters are in Kenya); returns the node it now is (an existing node
        of the same country, sector and kind takes its aliases)."""
        country = self._get(country_key)
        key = group_key(country.country or country.key, group.sector, group.group)
        self.actors.pop(group.key, None)
        if key in self.actors:
            into = self.actors[key]
            for alias in [group.label, *group.aliases, *group.descriptions]:
                if "(" not in alias:
                    into.add_description(alias)
            return into
        group.key, group.label = key, group_label(country.label, group.group)
        group.country, group.parent = country.country or country.key, country
        self.actors[key] = group
        return group

    def _last(self, pred) -> Actor | None:
        return next((a for a in reversed(self.recent.values()) if pred(a)), None)

    def _refer(self, m: Mention) -> Actor | None:
        if m.kind == "pronoun":
            if m.category == "he":
                return self._last(lambda a: a.type == "Person")
            if m.category == "it":
                return self._last(lambda a: a.type in {"Country", "Organization"})
            return self._last(lambda a: a.type in {"Country", "Organization"})
        if m.kind == "definite":
            if m.category == "Country":
                return self._last(lambda a: a.type == "Country")
            return self._last(lambda a: a.type == "Organization" and (a.subtype == m.category or
                                                                     m.category == "ArmedGroup" and a.subtype is None))
        if m.kind == "leader":
            head = self._last(lambda a: a.type == "Person" and m.key in a.affiliations
                              and (a.subtype in {"HeadOfGovernment", "HeadOfState"} or
                                   (a.role or "").lower() in _words()["leaders"]))
            return head or self._get(m.key)
        return None

    def resolve_doc(self, doc: Doc) -> list[Mention]:
        """Resolve ``doc._.kg_mentions``, then add the bare names NER missed ("Kamikawa later said")."""
        mentions: list[Mention] = doc._.kg_mentions or []
        doc._.kg_context = list(self.recent.values())
        self.named.update(m.key for m in mentions if m.kind == "person" and m.key and " " in m.text)
        self._settle(mentions)
        self.resolve(mentions)
        mentions = [m for m in mentions if m.actor is not None or m.kind in {"pronoun", "definite", "leader"}]
        covered = {i for m in mentions for i in range(m.start, m.end)}
        names = {t[0]: p for p in self.persons.values() for t in self._short_forms(p) if len(t) == 1 and len(t[0]) > 2}
        extra = []
        for tok in doc:
            if tok.i in covered or not tok.is_title:
                continue
            person = names.get(tok.text)
            if person is None and tok.pos_ == "PROPN" and tok.ent_type_ in {"", "PERSON"} and _alone(doc, tok.i) \
                    and not _private(doc, tok.i, set()):
                key = self._known_official(Mention(tok.i, tok.i + 1, tok.text, "person"))
                person = self._get(key) if key else None  # "Ruto said ...": the one official of that name
                if person is not None:
                    self.persons.setdefault(id(person), person)
            if person and (tok.pos_ == "PROPN" or tok.ent_type_ or not tok.is_sent_start):
                m = Mention(tok.i, tok.i + 1, tok.text, "person", actor=person)
                person.add_form(tok.text)
                extra.append(m)
        mentions = sorted(mentions + extra, key=lambda m: m.start)
        doc._.kg_mentions = mentions
        return mentions

    def _settle(self, mentions: list[Mention]) -> None:
        """A shared name ("Congo") its paragraph left unsettled means the state the document's earlier
        paragraphs point to, or the one the document already gave that name; the titles that hold the
        name follow ("Congo's foreign minister")."""
        for m in mentions:
            if not m.unsettled:
                continue
            key = self.shared.get(m.text)
            if key is None:  # the first time the document leaves this name unsettled: its actors so far decide
                evidence = _evidence(self.gaz, self.actors.values())
                found = [k for k in m.unsettled if k in evidence]
                key = found[0] if len(found) == 1 else m.key
            self.shared[m.text] = key
            if key != m.key:
                for o in mentions:
                    if o.role_span and o.role_span[0] <= m.start and m.end <= o.role_span[1]:
                        o.affiliations = tuple(key if k == m.key else k for k in o.affiliations)
                m.key = key

    def resolve(self, mentions: Iterable[Mention]) -> None:
        """Give each mention its actor (or leave ``actor`` None when nothing fits).

        Descriptions and pronouns ("the country", "the Pakistani leader", "he")
        point to an actor in this document only; they never become its names.
        """
        mentions = list(mentions)
        for m in mentions:
            if m.kind in {"pronoun", "definite", "leader"}:
                actor = self._refer(m)
                if actor is None:
                    continue
                m.actor = actor
                if m.kind == "pronoun":
                    continue  # a pronoun does not move the focus
            elif m.kind == "person" and m.key is None:
                actor = self._person(m)
                if actor is None:
                    continue
                actor.add_form(m.text)
            elif m.kind == "org" and m.key is None:
                key = slug(m.text.removeprefix("the ").removeprefix("The "))
                actor = self.actors.setdefault(key, Actor(key, m.text, "Organization"))
            elif m.kind == "group":
                actor = self._group(m)
                if actor is None:
                    continue
                actor.add_description(m.text)  # "the militants", "Iraqi protesters": a description
            else:
                actor = self._named_official(m) if m.kind == "person" else self._get(m.key)
                if actor is None:
                    continue
                if m.kind == "collective":  # "Kenyan officials", "Turkey's leaders": its people, not its name
                    actor.add_description(m.text)
                elif not m.venue:  # "talks in Doha": a place, no name of Qatar
                    actor.add_alias(m.text)
                if actor.type == "Person":
                    self.persons.setdefault(id(actor), actor)
            for alias in m.aliases:
                actor.add_alias(alias)
            if m.kind == "collective" and m.sector:
                self.organs[m.sector] = actor
            if actor.type == "Person":
                if m.owner is not None:
                    m.affiliations = _owned_by(mentions, m.owner)
                self._read_person(actor, m)
            m.actor = actor
            self.recent.pop(id(actor), None)
            self.recent[id(actor)] = actor

    def _read_person(self, actor: Actor, m: Mention) -> None:
        """What this mention says of a person: its title wins over the gazetteer's; one country at most."""
        if m.former:
            actor.former = True
        if m.role and actor.role_source != "text":
            actor.role, actor.role_source = m.role, "text"
            actor.subtype = self.gaz.subtype_of(m.role)
        text_country = any(self._is_country(k) and actor.affiliation_sources.get(k) == "text"
                           for k in actor.affiliations)
        for key in m.affiliations:
            if key == actor.key:
                continue
            if key in actor.affiliations:  # the text says what the gazetteer said: read in the text
                actor.affiliation_sources[key] = "text"
                text_country = text_country or self._is_country(key)
                continue
            if self._is_country(key):
                if text_country:
                    continue  # a second country in another sentence: not whom this person acts for
                for k in [k for k in actor.affiliations if self._is_country(k)]:  # the text's country wins
                    actor.affiliations.remove(k)
                    actor.affiliation_sources.pop(k, None)
                text_country = True
            actor.affiliations.append(key)
            actor.affiliation_sources[key] = "text"
            parent = self.gaz.entries.get(key)
            if parent and parent.country and parent.country not in actor.affiliations and not text_country:
                actor.affiliations.append(parent.country)
                actor.affiliation_sources[parent.country] = "text"
                text_country = True
        self._on_the_day(actor)

    def finish(self, relations: Iterable[tuple[Actor, Actor]] = (), named: set[int] | None = None) -> list[Actor]:
        """The document's actors, after in-document inference of the side of officials the text and
        the gazetteer leave without one: a head of state or government whose title matches the one
        country of the document that has no other such leader (confidence 0.5); likewise a minister or
        diplomat who deals with a foreign counterpart ("the Indian envoy met Foreign Secretary X": X is of the
        document's other country). ``relations`` are the document's (source, target) pairs: a country the
        official acts on, one that is only ever acted on, or a counterpart's country, is the other party,
        never the official's side (no inference rather than a wrong one). ``named``: ids of the actors some
        mention names other than as a venue ("met in Doha"); a country the document names only as where
        something happened is no candidate (None: all are)."""
        leaders = _words()["leaders"]
        relations = list(relations)
        sources = {id(s) for s, _ in relations}
        targets = {id(t) for _, t in relations}
        countries = [a for a in self.actors.values() if a.type == "Country" and a.subtype == "State"
                     and not (id(a) in targets and id(a) not in sources)
                     and (named is None or id(a) in named)]
        for actor in self.actors.values():
            if actor.type != "Person" or actor.affiliations or actor.former or not actor.role:
                continue
            title = actor.role.lower()
            others = [t for s, t in relations if s is actor] + [s for s, t in relations if t is actor]
            counterparts = {id(self.actors[k]) for o in others if o.type == "Person"
                            for k in o.affiliations if self._is_country(k) and k in self.actors}
            if title not in leaders and not (counterparts and actor.subtype in {"Minister", "Diplomat"}):
                continue
            parties = {id(o) for o in others} | counterparts
            free = [c for c in countries if id(c) not in parties and not any(
                p is not actor and c.key in p.affiliations and (p.role or "").lower() == title
                for p in self.actors.values() if p.type == "Person")]
            if len(free) == 1:
                actor.affiliations.append(free[0].key)
                actor.affiliation_sources[free[0].key] = "inferred"
                self._set_country(actor)
        for actor in list(self.actors.values()):  # whom a person acts for, a group's country: nodes too
            for key in [*actor.affiliations, *([actor.part_of] if actor.part_of else [])]:
                if key not in self.actors and key in self.gaz.entries:
                    self._get(key)
        for actor in self.actors.values():
            self._classify(actor)
        return list(self.actors.values())

    def _classify(self, actor: Actor) -> None:
        """Country code and sector of an actor (see :mod:`kg.sectors`): a country GOV, an organization by its
        name and subtype, an official by the post; bodies above states get IGO/NGO as country code."""
        if actor.group:
            return
        supranational = sector_data().supranational
        if actor.type == "Country":
            actor.sector = "GOV"
            return
        if actor.type == "Organization":
            actor.sector = org_sector(actor.label, actor.subtype)
            actor.country = actor.country or supranational.get(actor.subtype or "")
            return
        orgs = [self.actors[k] for k in actor.affiliations if k in self.actors and self.actors[k].type == "Organization"]
        for org in orgs:
            self._classify(org)
        actor.sector = role_sector(actor.role, actor.subtype, orgs[0].sector if orgs else None)
        if actor.former and actor.sector in {*sector_data().organ_kinds, "JUD"}:
            actor.sector = "ELI"  # a former minister or general: CAMEO's elites, no longer the state
        actor.country = actor.country or next((o.country for o in orgs if o.country), None)


def _owned_by(mentions: list[Mention], i: int | None) -> tuple[str, ...]:
    """The side of the owner at token ``i`` of a possessive title ("France recalled its envoy", "Putin sent
    his envoy"): the country or body the resolved mention there stands for, or the side that person acts
    for; nothing when there is none."""
    owner = next((o.actor for o in mentions if i is not None and o.start <= i < o.end and o.actor is not None), None)
    if owner is None:
        return ()
    if owner.type == "Person":
        return tuple(owner.affiliations[:1]) if not owner.former else ()
    return (owner.key,)


def _private(doc: Doc, i: int, role_tokens: set[int]) -> bool:
    """The one-word name at token i is described as someone who holds no office: by an indefinite apposition
    ("Harris, a farmer from Iowa,") or a common noun in front ("the trader Ahmed") that is no title."""
    before = doc[i - 1] if i > 0 else None
    if before is not None and before.tag_ == "NN" and before.is_lower and before.i not in role_tokens and (
            (before.dep_ == "compound" and before.head.i == i) or (doc[i].dep_ == "appos" and doc[i].head.i == i - 1)):
        return True
    return any(c.dep_ == "appos" and c.pos_ == "NOUN" and c.i not in role_tokens
               and any(d.dep_ == "det" and d.lower_ in {"a", "an"} for d in c.children) for c in doc[i].children)


def _alone(doc: Doc, i: int) -> bool:
    """Token i is a one-word name: the words right before and after it are not capitalised."""
    return not any(0 <= j < len(doc) and doc[j].is_alpha and doc[j].text[:1].isupper() for j in (i - 1, i + 1))


def _short_forms_of(tokens: tuple[str, ...]) -> set[tuple[str, ...]]:
    """The parts of a name that may stand for the whole: its first words or its last words, never a
    particle alone and, after bin/ibn, never the father's or family's name.

    >>> sorted(_short_forms_of(("Tamim", "bin", "Hamad", "Al", "Thani")))
    [('Tamim',)]
    >>> sorted(_short_forms_of(("Andrés", "Manuel", "López", "Obrador")))[:3]
    [('Andrés',), ('Andrés', 'Manuel'), ('Andrés', 'Manuel', 'López')]
    """
    n = len(tokens)
    out = set()
    patronymic = next((i for i, t in enumerate(tokens) if t.lower() in PATRONYMIC), None)
    for k in range(1, n):
        head = tokens[:k]
        if patronymic is None or k <= patronymic:
            if head[-1].lower() not in NAME_PARTICLES:
                out.add(head)
        tail = tokens[n - k:]
        if patronymic is None and not (len(tail) == 1 and tail[0].lower() in NAME_PARTICLES):
            out.add(tail)
    return out


def _short_forms(actor: Actor) -> set[tuple[str, ...]]:
    """Short forms of a person's label and of the names the text gave them (nicknames too)."""
    out = _short_forms_of(tuple(actor.label.split()))
    for alias in actor.aliases:
        words = tuple(alias.split())
        if len(words) == 1 and words[0][:1].isupper():
            out.add(words)
    return out
