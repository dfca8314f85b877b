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

from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import cache

from spacy.tokens import Doc, Span, Token

from .gazetteer import DEMONYM, NAME, NONACTOR, SEAT, Gazetteer, load_data, load_gazetteer, slug

__all__ = ["Mention", "Actor", "find_mentions", "Resolver"]

if not Doc.has_extension("kg_context"):  # actors in focus before this Doc, oldest first (plural reference)
    Doc.set_extension("kg_context", default=None)

PARTY_OBJECT_VERBS = {"accuse", "blame", "urge", "ask", "warn", "condemn", "criticise", "criticize", "thank",
                      "invite", "press", "pressure", "sanction", "attack", "recognise", "recognize"}  # "accusing it of"
NER_NAMES = {"PERSON", "ORG", "GPE", "NORP", "LOC", "FAC"}
ARTICLES = {"the", "a", "an"}
ROLE_MODIFIERS = {"acting", "former", "formerly", "senior", "deputy", "interim", "chief", "top", "then", "new",
                  "special", "assistant", "vice", "outgoing", "incoming", "foreign", "general"}


@cache
def _words() -> dict:
    data = load_data("mentions.json")
    return {"org_heads": frozenset(data["org_heads"]), "he": frozenset(data["person_pronouns"]),
            "it": frozenset(data["thing_pronouns"]), "they": frozenset(data["plural_pronouns"]),
            "definite": {k: frozenset(v) for k, v in data["definite"].items()},
            "leaders": frozenset(data["leader_titles"])}


@dataclass
class Mention:
    """A stretch of text that names or points to an actor.

    ``kind`` is one of: name (gazetteer), demonym, seat, person, org, collective
    (demonym + authority), pronoun, definite ("the group"), leader ("the Pakistani leader").
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
    aliases: list[str] = field(default_factory=list)

    def add_alias(self, text: str) -> None:
        if text and text != self.label and text not in self.aliases:
            self.aliases.append(text)


# ---------------------------------------------------------------- finding mentions


def _gazetteer_spans(doc: Doc) -> list[Span]:
    spans = sorted(doc.spans.get("kg_gazetteer", []), key=lambda s: (s.start, -(s.end - s.start)))
    kept, last_end = [], -1
    for s in spans:
        if s.start >= last_end:
            kept.append(s)
            last_end = s.end
    return kept


def _role_spans(doc: Doc) -> dict[int, Span]:
    """Role titles by start token, longest first ("prime minister" beats "minister")."""
    out: dict[int, Span] = {}
    for s in sorted(doc.spans.get("kg_roles", []), key=lambda s: (s.start, -(s.end - s.start))):
        if s.label_ == "ROLE" and s.start not in out and not any(o.start < s.start < o.end for o in out.values()):
            out[s.start] = s
    return out


def _is_name_token(tok: Token) -> bool:
    return tok.pos_ == "PROPN" and tok.text[:1].isupper() and tok.is_alpha


def _name_run(doc: Doc, start: int, end: int, blocked: set[int]) -> tuple[int, int]:
    """Grow [start, end) over adjacent capitalised proper nouns not claimed by anything else."""
    while start > 0 and start - 1 not in blocked and _is_name_token(doc[start - 1]):
        start -= 1
    while end < len(doc) and end not in blocked and _is_name_token(doc[end]):
        end += 1
    return start, end


def _affiliation_in(doc: Doc, start: int, end: int, by_token: dict[int, Mention]) -> tuple[str, ...]:
    """Gazetteer actors named inside tokens [start, end): before the role head first, then after for/of/to."""
    found: list[str] = []
    for i in range(start, end):
        m = by_token.get(i)
        if m and m.key and m.kind in {"name", "demonym", "seat", "collective"} and m.key not in found:
            found.append(m.key)
    return tuple(found)


def _role_phrase(doc: Doc, start: int, end: int, roles: dict[int, Span], by_token: dict[int, Mention]):
    """Read a role phrase such as "Pakistan's foreign minister" in tokens [start, end).

    Returns (role text, affiliation keys, (start, end)) or None when no title is inside.
    """
    titles = [roles[i] for i in range(start, end) if i in roles and roles[i].end <= end]
    if not titles:
        return None
    title = titles[0]
    while start < end and (doc[start].lower_ in ARTICLES or doc[start].is_punct):
        start += 1
    role = doc[start:end].text.strip(" ,")
    before = _affiliation_in(doc, start, title.start, by_token)
    after = _affiliation_in(doc, title.end, end, by_token)
    # "US envoy to Afghanistan": the actor before the title is whom the person acts for;
    # "spokesman for the Afghan president": with nothing before, the one after is.
    affs = before or after[:1]
    # keep the role words themselves, without the affiliation in front ("Pakistan's foreign minister")
    lead = start
    while lead < title.start and (lead in by_token or doc[lead].tag_ == "POS" or doc[lead].lower_ in ARTICLES):
        lead += 1
    return (doc[lead:end].text.strip(" ,.;:") or role), affs, (start, end)


def _clause_end(doc: Doc, i: int, limit: int = 14) -> int:
    """End of an apposition that starts at token i: the next comma, quote or sentence end."""
    sent_end = doc[i].sent.end if i < len(doc) else len(doc)
    j = i
    while j < min(sent_end, i + limit) and doc[j].text not in {",", ";", "“", "”", '"', "(", ")", "—", "–"}:
        j += 1
    return j


def _person_role(doc: Doc, start: int, end: int, roles: dict[int, Span], role_tokens: set[int],
                 by_token: dict[int, Mention]):
    """Role and affiliation of the name in tokens [start, end), from every place the text gives them.

    A title just before the name ("Pakistan's Prime Minister Imran Khan"), an apposition after
    it ("Qureshi, Pakistan's foreign minister,") or before it ("US envoy to Afghanistan, Zalmay
    Khalilzad"), and "of <country>" after a titled name. The first role found wins; the
    affiliations come from the first source that names any.
    """
    found = []
    if (start - 1) in role_tokens:
        title = next(r for r in roles.values() if r.start < start <= r.end)
        left = title.start
        while left > 0 and (doc[left - 1].lower_ in ROLE_MODIFIERS or (left - 1) in by_token
                            or doc[left - 1].tag_ == "POS"):
            left -= 1
        found.append(_role_phrase(doc, left, start, roles, by_token))
        if left >= 2 and doc[left - 1].lower_ == "of" and left - 2 in by_token:  # "the Afghan government of President X"
            found.append((None, (by_token[left - 2].key,), None))
        if end + 1 < len(doc) and doc[end].lower_ == "of" and end + 1 in by_token:
            found.append((None, (by_token[end + 1].key,), None))
    if end < len(doc) and doc[end].text == ",":
        found.append(_role_phrase(doc, end + 1, _clause_end(doc, end + 1), roles, by_token))
    if start >= 2 and doc[start - 1].text == ",":
        left = start - 2
        while left > doc[start].sent.start and doc[left - 1].text not in {",", ";", "“", '"'}:
            left -= 1
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
    for s in _gazetteer_spans(doc):
        if s.label_ == NONACTOR:
            nonactor.update(range(s.start, s.end))
            continue
        entry = gaz.entries.get(s.id_)
        if entry is None:
            continue
        kind = {NAME: "name", DEMONYM: "demonym", SEAT: "seat"}[s.label_]
        if entry.type == "Person":
            kind = "person"
        add(Mention(s.start, s.end, s.text, kind, key=entry.key,
                    role=entry.role, affiliations=entry.affiliations))
    blocked |= nonactor
    roles = _role_spans(doc)
    role_tokens = {i for s in roles.values() for i in range(s.start, s.end)}
    for m in [m for m in mentions if m.kind == "person"]:  # known officials: the text's title phrase too
        found = _person_role(doc, m.start, m.end, roles, role_tokens, by_token)
        if found:
            role, affs, m.role_span = found
            m.role = role or m.role
            m.affiliations = tuple(dict.fromkeys([*affs, *m.affiliations]))

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
                add(Mention(m.start, s.end, doc[m.start:s.end].text, "collective", key=key))

    # person and organisation names from NER, repaired
    for ent in doc.ents:
        if ent.label_ not in NER_NAMES or any(i in blocked for i in range(ent.start, ent.end)):
            continue
        start, end = ent.start, ent.end
        while start < end and (start in role_tokens or doc[start].lower_ in ARTICLES or not doc[start].is_alpha):
            start += 1
        while end > start and not doc[end - 1].is_alpha:
            end -= 1
        if start >= end:
            continue
        start, end = _name_run(doc, start, end, blocked | role_tokens)
        span = doc[start:end]
        head_lemma = span[-1].lemma_.lower()
        role_info = _person_role(doc, start, end, roles, role_tokens, by_token)
        is_person = ent.label_ == "PERSON" or role_info is not None
        if not is_person and head_lemma not in words["org_heads"]:
            continue  # a place, a headline fragment, an unknown brand: not an actor
        if is_person and len(span) == 1 and span[0].lower_ in words["org_heads"]:
            continue
        role, affs, role_span = role_info if role_info else (None, (), None)
        add(Mention(start, end, span.text, "person" if is_person else "org", role=role, affiliations=affs,
                    role_span=role_span))

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
    return sorted(mentions, key=lambda m: m.start)


# ---------------------------------------------------------------- resolution


class Resolver:
    """Turn a document's mentions into actors, one node per actor.

    Feed it each Doc's mentions in text order with :meth:`resolve`; read
    :attr:`actors` at the end.
    """

    def __init__(self, gaz: Gazetteer | None = None) -> None:
        self.gaz = gaz or load_gazetteer()
        self.actors: dict[str, Actor] = {}
        self.recent: list[Actor] = []  # most recent last
        self.persons: list[Actor] = []

    def _get(self, key: str) -> Actor:
        if key not in self.actors:
            e = self.gaz.entries[key]
            self.actors[key] = Actor(key, e.label, e.type, e.subtype, e.country, e.role, list(e.affiliations))
        return self.actors[key]

    def _person(self, m: Mention) -> Actor:
        name = m.text
        tokens = name.split()
        for p in reversed(self.persons):  # "Imran" after "Imran Khan"; "Khan" too
            ptoks = p.label.split()
            if all(t in ptoks for t in tokens):
                return p
        for p in reversed(self.persons):  # "Donald Trump" after "Trump": the fuller name wins
            if all(t in tokens for t in p.label.split()):
                self.actors.pop(p.key, None)
                p.add_alias(p.label)
                p.key, p.label = slug(name), name
                self.actors[p.key] = p
                return p
        key = slug(name)
        actor = self.actors.get(key) or Actor(key, name, "Person")
        self.actors[key] = actor
        self.persons.append(actor)
        return actor

    def _last(self, pred) -> Actor | None:
        return next((a for a in reversed(self.recent) if pred(a)), None)

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
        """Resolve ``doc._.kg_mentions``, then add the bare surnames NER missed ("Kamikawa later said")."""
        mentions: list[Mention] = doc._.kg_mentions or []
        doc._.kg_context = list(self.recent)
        self.resolve(mentions)
        covered = {i for m in mentions for i in range(m.start, m.end)}
        names = {t: p for p in self.persons for t in p.label.split() if len(t) > 2}
        extra = []
        for tok in doc:
            person = names.get(tok.text)
            if person and tok.i not in covered and tok.is_title and (
                    tok.pos_ == "PROPN" or tok.ent_type_ or not tok.is_sent_start):
                m = Mention(tok.i, tok.i + 1, tok.text, "person", actor=person)
                person.add_alias(tok.text)
                extra.append(m)
        if extra:
            mentions = sorted(mentions + extra, key=lambda m: m.start)
            doc._.kg_mentions = mentions
        return mentions

    def resolve(self, mentions: Iterable[Mention]) -> None:
        """Give each mention its actor (or leave ``actor`` None when nothing fits)."""
        for m in mentions:
            if m.kind in {"pronoun", "definite", "leader"}:
                actor = self._refer(m)
                if actor is None:
                    continue
                if m.kind != "pronoun":
                    actor.add_alias(m.text)
                m.actor = actor  # a pronoun does not move the focus
                if m.kind == "pronoun":
                    continue
            elif m.kind == "person" and m.key is None:
                actor = self._person(m)
                actor.add_alias(m.text)
            elif m.kind == "org" and m.key is None:
                key = slug(m.text.removeprefix("the ").removeprefix("The "))
                actor = self.actors.setdefault(key, Actor(key, m.text, "Organization"))
            else:
                actor = self._get(m.key)
                actor.add_alias(m.text)
                if actor.type == "Person" and actor not in self.persons:
                    self.persons.append(actor)
            if m.role and not actor.role:
                actor.role = m.role
                subtype = self.gaz.roles.get(m.role.lower().split(" for ")[0].split(" to ")[0].split(" of ")[0])
                actor.subtype = actor.subtype or subtype or _subtype_of(m.role, self.gaz)
            for key in m.affiliations:
                if key != actor.key and key not in actor.affiliations:
                    actor.affiliations.append(key)
                    parent = self.gaz.entries.get(key)
                    if parent and parent.country and parent.country not in actor.affiliations:
                        actor.affiliations.append(parent.country)
            if actor.type == "Person" and not actor.country:
                actor.country = next((self.gaz.entries[k].country for k in actor.affiliations
                                      if k in self.gaz.entries and self.gaz.entries[k].country), None)
            m.actor = actor
            if actor in self.recent:
                self.recent.remove(actor)
            self.recent.append(actor)


def _subtype_of(role: str, gaz: Gazetteer) -> str | None:
    low = role.lower()
    best = max((t for t in gaz.roles if t in low), key=len, default=None)
    return gaz.roles.get(best) if best else None
