"""Relations between actors, read from the dependency parse.

:func:`relations` is a pure function of a parsed ``Doc`` whose actor mentions
are resolved (``doc._.kg_mentions``): for every verb or event noun in the
lexicon it finds who acts (subjects, passive agents, controllers of xcomp
chains, relative-clause heads) and on whom (direct and prepositional objects,
objects of light-verb nouns, demonym modifiers), expands conjunctions, and
reads negation, modality and attribution. Plural references ("the two
countries", "both leaders", "each side ... the other") stand for the actors the
text introduced; relative clauses give their head noun as the object; a place in
a locative phrase is a venue, not a party, unless nothing else is named; speech
that judges ("called Y a provocation") is ACCUSE; what a request asks for, a
threat threatens or a refusal refuses is not an event, and an event noun undone
by its verb ("lifted its blockade") is none. Event nouns carried by light verbs
take the verb's subject ("launched an investigation into X", "gave Y $5m of
aid", "presented Y with demands"); a demand's that-clause names its target;
armed forces that arrive deploy rather than visit. Search is bounded: each step
looks at a fixed depth of the tree, and a sentence keeps at most
:data:`MAX_PAIRS` relations, so long sentences and long lists stay cheap. Pass a :class:`Trace` to see every rule (``kg explain``).
"""
from __future__ import annotations

import itertools
import json
import logging
from collections.abc import Iterator
from dataclasses import dataclass, field
from functools import cache
from importlib.resources import files

from spacy.tokens import Doc, Span, Token

from .actors import Actor
from .attributes import addressed_to_state, contexts, mode, place
from .dates import DatePhrase
from .dates import date_phrase as _date_phrase
from .lexicon import Entry, Lexicon, load_lexicon
from .vocab import EVENT_TYPES

__all__ = ["Relation", "Trace", "TriggerStep", "relations"]

SUBJECTS = {"nsubj", "csubj"}
PASSIVE_SUBJECTS = {"nsubjpass", "csubjpass"}
OBJECTS = {"dobj", "obj", "attr", "oprd", "dative"}
MODIFIERS = {"amod", "compound", "poss", "nmod", "npadvmod"}
CLAUSE_LINKS = {"xcomp", "conj", "advcl", "ccomp", "relcl", "acl", "pcomp", "acomp"}
PUNITIVE = {"SANCTION", "COERCE", "ASSAULT"}  # what "called for ... against X" can ask to be done to X
MAX_CLIMB = 4  # how far up an xcomp/conj chain a missing subject is looked for
MAX_PAIRS = 60  # relations kept per sentence: a list of 100 countries must not explode into 10,000 pairs

log = logging.getLogger(__name__)


@cache
def _words() -> dict[str, frozenset[str]]:
    data = json.loads((files("kg") / "data" / "modality.json").read_text(encoding="utf-8"))
    return {k: frozenset(v) if isinstance(v, list) else v for k, v in data.items() if not k.startswith("_")}


@dataclass
class Relation:
    """One relation mention: ``source`` did ``cls`` to ``target``."""

    source: Actor
    target: Actor
    cls: str
    trigger: str
    negated: bool
    modality: str  # asserted | hypothetical | reported
    sentence: Span
    confidence: float
    symmetric: bool = False
    reporter: Actor | None = None
    when: DatePhrase | None = None  # the date phrase that dates the trigger ("on Tuesday") and its tense
    source_sector: str | None = None  # the sector the text names at this end ("Kenyan police": COP), if any
    target_sector: str | None = None
    mode: str | None = None  # PLOVER mode, where the text gives it (kg.attributes)
    context: tuple[str, ...] = ()  # PLOVER context tags
    place: str | None = None  # the venue phrase ("Vienna")
    place_country: str | None = None  # its country, ISO 3166-1 alpha-3, where known
    source_text: str | None = None  # the words that name each end in the sentence
    target_text: str | None = None


@dataclass
class TriggerStep:
    """What :func:`relations` did with one lexicon trigger: the entry, and how each end was found or why not."""

    i: int  # token index of the trigger in the Doc
    text: str
    entry: str  # "impose sanction -> SANCTION (verb)"
    notes: list[str] = field(default_factory=list)  # one line per rule that found or rejected an end
    relations: list["Relation"] = field(default_factory=list)


@dataclass
class Trace:
    """Optional collector passed to :func:`relations`: one :class:`TriggerStep` per matched trigger.

    >>> t = Trace(); t.step(None) is None
    True
    """

    steps: list[TriggerStep] = field(default_factory=list)
    skipped: list[int] = field(default_factory=list)  # start tokens of sentences with fewer than two actors

    def step(self, tok: Token | None, entry: "Entry | None" = None, kind: str = "verb") -> TriggerStep | None:
        if tok is None or entry is None:
            return None
        flags = "".join(f", {f}" for f, on in (("symmetric", entry.symmetric), ("inverse", entry.inverse)) if on)
        st = TriggerStep(tok.i, tok.text, f"{' '.join(entry.pattern)} -> {entry.cls} ({kind}{flags})")
        self.steps.append(st)
        return st


def _note(step: TriggerStep | None, text: str) -> None:
    if step is not None:
        step.notes.append(text)


def _names(actors: list[Actor]) -> str:
    return ", ".join(a.label for a in actors) or "nobody"


class ActorMap(dict):
    """Token index -> actor, with ``groups`` (token -> the actors a plural phrase stands for) and
    ``seats`` (tokens of capitals and seats: metonyms for a government, or venues)."""

    def __init__(self) -> None:
        super().__init__()
        self.groups: dict[int, list[Actor]] = {}
        self.seats: set[int] = set()
        self.sectors: dict[int, str] = {}  # tokens of mentions that name a sector ("Kenyan police": COP)
        self.texts: dict[int, str] = {}  # token -> the text of the mention it is part of

    def country_of(self, tok: Token) -> str | None:
        """The country code a token names, when it is part of a country's or a capital's mention."""
        a = self.get(tok.i)
        return (a.country or a.key) if a is not None and a.type == "Country" else None

    def sector_at(self, actor: Actor, sent: Span, near: int) -> str | None:
        """The sector named by the mention of ``actor`` in ``sent`` nearest to token ``near``, if any."""
        found = [i for i in range(sent.start, sent.end) if self.get(i) is actor and i in self.sectors]
        return self.sectors[min(found, key=lambda i: abs(i - near))] if found else None

    def text_at(self, actor: Actor, sent: Span, near: int) -> str | None:
        """The words of the mention of ``actor`` in ``sent`` nearest to token ``near`` (PLOVER's raw text)."""
        found = [i for i in range(sent.start, sent.end) if self.get(i) is actor and i in self.texts]
        return self.texts[min(found, key=lambda i: abs(i - near))] if found else None


def _actor_map(doc: Doc) -> ActorMap:
    """Token index -> actor: mentions first, then the title phrases of officials ("the envoy" = the person)."""
    out = ActorMap()
    mentions = [m for m in doc._.kg_mentions or [] if m.actor is not None]
    for m in mentions:
        for i in range(m.start, m.end):
            out[i] = m.actor
            if m.kind == "seat":
                out.seats.add(i)
            if m.sector:
                out.sectors[i] = m.sector
            out.texts[i] = m.text
    for m in mentions:
        if m.role_span and m.owner is None:  # "its envoy to Niger": the phrase is read as written (to Niger)
            for i in range(*m.role_span):
                out.setdefault(i, m.actor)
    for i, sector in list(out.sectors.items()):  # "French and Egyptian warships": each demonym names the warships
        for c in doc[i].conjuncts:
            if c.i in out and c.i not in out.sectors and doc[c.i].dep_ in {"amod", "compound", "conj"} and \
                    doc[i].dep_ in {"amod", "compound", "conj"}:
                out.sectors[c.i] = sector
    out.groups = _plural_reference(doc, mentions)
    return out


def _plural_reference(doc: Doc, mentions: list) -> dict[int, list[Actor]]:
    """Plural and collective phrases -> the set of actors the text introduced before them.

    "the two countries", "both leaders", "the four", "the neighbours" take the last N distinct
    actors of the kind the noun names (countries or persons) in the order the text mentioned them
    (``doc._.kg_context`` carries the order from earlier paragraphs); "each side" and the
    reciprocal "the other" / "each other" take the last two. Too few actors: no group.
    """
    words = _words()
    numbers: dict[str, int] = words["number_words"]
    order = {id(a): a for a in doc._.kg_context or []}  # by id: a move costs the same for any number of actors
    by_start = {m.start: m.actor for m in mentions if m.kind != "pronoun"}
    by_token = {i: m.actor for m in mentions for i in range(m.start, m.end)}
    groups: dict[int, list[Actor]] = {}
    for tok in doc:
        actor = by_start.get(tok.i)
        if actor is not None:
            order.pop(id(actor), None)
            order[id(actor)] = actor
            continue
        low = tok.lower_
        dets = {c.lower_ for c in tok.children if c.dep_ in {"det", "predet", "nummod", "quantmod"}}
        count = next((numbers[d] for d in dets if d in numbers), None)
        count = count or next((int(d) for d in dets if d.isdigit() and 1 < int(d) < 50), None)
        kind = None
        if low in words["group_nouns_country"] or low in words["group_nouns_person"]:
            kind = "Person" if low in words["group_nouns_person"] else "Country"
            if "both" in dets or (low in words["pair_nouns"] and "the" in dets) or \
                    (tok.tag_ == "NN" and "each" in dets):
                count = count or 2
            elif "the" not in dets and "these" not in dets and "those" not in dets:
                count = None
        elif low in numbers and tok.dep_ in {"nsubj", "nsubjpass", "dobj", "pobj"} and "the" in dets:
            kind, count = "Country", numbers[low]  # "The four had demanded ..."
        elif low in {"other", "another"} and (tok.dep_ in {"dobj", "pobj", "nsubj"} or tok.head.lower_ == "each"):
            kind, count = "Country", 2  # "each side accused the other", "blamed each other"
        if not kind or not count:
            continue
        clause = None if tok.head.lower_ in {"between", "among"} else next(
            (h for h in tok.ancestors if h.pos_ in {"VERB", "AUX"}), None)
        subjects = {id(by_token[c.i]) for c in (clause.children if clause is not None else ())
                    if c.dep_ in SUBJECTS and c.i in by_token}  # "Armenia flew teams to both countries"
        picked: list[Actor] = []
        for a in reversed(order.values()):
            if id(a) in subjects or (a.group and a.parent is None):
                continue  # a crowd of unknown country is no side of "the two sides"
            if (a.type == kind or (kind == "Country" and a.type == "Organization" and low == "sides")) and \
                    not any(_own_side(a, b) for b in picked):
                picked.append(a)
            if len(picked) == count:
                groups[tok.i] = picked[::-1]
                break
    return groups


def _conjuncts(tok: Token) -> list[Token]:
    out, todo = [tok], [tok]
    while todo and len(out) < 12:
        t = todo.pop()
        for c in t.children:
            if c.dep_ == "conj" and c not in out:
                out.append(c)
                todo.append(c)
    return out


def _actors_of(tok: Token, amap: dict[int, Actor]) -> list[Actor]:
    """Actors a noun phrase headed by ``tok`` stands for: itself, else its demonym/possessive modifiers."""
    found: list[Actor] = []
    groups = getattr(amap, "groups", {})
    for t in _conjuncts(tok):
        named = [a for c in t.children if c.dep_ == "appos" for a in _actors_of(c, amap)]
        if t.i in groups:  # "the two presidents, X of A and Y of B,": the names given beat the reference
            found.extend(a for a in (named if len(named) > 1 else groups[t.i]) if a not in found)
            continue
        owner = next((amap[c.i] for c in t.children if c.dep_ == "poss" and c.i in amap), None)
        if t.i not in amap and owner is not None and owner.type == "Person" and \
                t.lemma_.lower() in _words()["own_country_nouns"]:
            country = next((a for a in amap.values() if a.key in owner.affiliations and a.type == "Country"), None)
            if country is not None:  # "his country", "her government": the country the person acts for
                if country not in found:
                    found.append(country)
                continue
        if named and t.i not in amap:  # "the two presidents, X and Y,": all; "his envoy, X,": the first
            candidates = named if t.tag_ == "NNS" else named[:1]
        else:  # "Afghan and American targets": the demonym modifiers and their conjuncts
            seats = getattr(amap, "seats", ())  # "the Doha agreement": a capital naming a thing is not a party
            mods = [m for m in t.children if m.dep_ in MODIFIERS]
            mods += [g for m in mods if m.dep_ == "compound" and m.i not in amap  # "US drone attacks"
                     for g in m.children if g.dep_ in {"compound", "amod"}]
            mods += [g for m in mods if m.lower_ in _words()["hyphen_participles"]  # "the British-flagged tanker"
                     for g in m.children if g.dep_ in MODIFIERS]
            by_mod = [[amap[c.i] for c in _conjuncts(m) if c.i in amap]
                      for m in mods if m.i in amap and not (m.dep_ == "compound" and m.i in seats)]
            if t.i in amap:  # "Hungarian and Romanian officials": the head is one mention, coordinated modifiers more
                candidates = [amap[t.i]] + [a for g in by_mod if len(g) > 1 for a in g if a is not amap[t.i]]
            else:  # "his Sudanese counterpart": every modifier; the caller drops the source
                candidates = [a for g in by_mod for a in g]
        for a in candidates:
            if a not in found:
                found.append(a)
    return found


def _agents_of(tok: Token, amap: dict[int, Actor], through: frozenset[str] = frozenset({"of", "in", "from"})
               ) -> list[Actor]:
    """Actors of a noun phrase, reaching through ``through`` prepositions when the head names none.

    "thousands of Serbs", "security forces in Guinea", "rebels from Chad", "leaders of Romania".
    """
    found = _actors_of(tok, amap)
    if not found:
        located = tok.lemma_.lower() in _words()["non_state_nouns"]  # "militants in Iraq" are not Iraq
        for c in tok.children:
            if c.dep_ == "prep" and c.lower_ in through and not (located and c.lower_ in _words()["locative_preps"]):
                found = [a for p in c.children if p.dep_ == "pobj"  # "a summit in Budapest": a venue
                         and not (p.i in getattr(amap, "seats", ()) and c.lower_ in _words()["locative_preps"])
                         for a in _actors_of(p, amap)]
                break
    if not found and tok.i not in amap:  # "crimes committed by Russian soldiers", "abuses by the police": the agent
        for c in tok.children:
            if (c.dep_ == "acl" and c.tag_ == "VBN") or (c.dep_ == "prep" and c.lower_ == "by"):
                agents = [c] if c.dep_ == "prep" else [g for g in c.children if g.dep_ == "agent"]
                found = [a for g in agents for p in g.children if p.dep_ == "pobj" for a in _actors_of(p, amap)]
                if found:
                    break
    return found


def _light_verb(noun: Token, words) -> Token | None:
    """The verb that carries ``noun`` as its event, or None: "launched an investigation", "gave X $5m of aid"."""
    tok = noun
    if tok.dep_ == "pobj" and tok.head.lower_ == "of" and (tok.head.head.dep_ in {"dobj", "obj"} or (
            tok.head.head.dep_ == "pobj" and tok.head.head.head.lower_ == "with")) and \
            not tok.head.head.like_num and (any(c.like_num for c in tok.head.head.subtree)
                                                 or tok.head.head.lemma_.lower() in words["container_nouns"]):
        tok = tok.head.head  # "20 million dollars of aid", "500 tons of food aid", "a list of demands"
    if tok.dep_ == "pobj" and tok.head.lower_ == "in" and tok.head.head.lemma_.lower() in words["light_verbs_in"]:
        return tok.head.head  # "engaged in ethnic cleansing", "took part in the exercises"
    if tok.dep_ == "pobj" and tok.head.lower_ == "with" and tok.head.head.lemma_.lower() in words["light_verbs_with"]:
        return tok.head.head  # "presented Doha with 13 demands", "slapped Iran with sanctions"
    if tok.dep_ not in {"dobj", "obj"} or tok.head.lemma_.lower() not in words["light_verbs"]:
        return None
    return tok.head


def _is_place(tok: Token, amap: ActorMap, words) -> bool:
    """A country, capital or place name, or a place noun ("the border", "the city"): what a locative names."""
    return tok.i in amap.seats or tok.ent_type_ in {"GPE", "LOC", "FAC"} or tok.lemma_.lower() in words["place_nouns"]


def _relative_pronoun(tok: Token) -> bool:
    return tok.tag_ in {"WDT", "WP"} or tok.lower_ in {"that", "which", "who", "whom"}


def _naming_clause(verb: Token) -> Token | None:
    """The clause "what X called N" that stands as ``verb``'s object, or None."""
    return next((c for c in verb.children if c.dep_ == "ccomp" and c.lemma_.lower() in _words()["evaluative_verbs"]
                 and any(k.lower_ == "what" and k.dep_ in OBJECTS for k in c.children)), None)


def _relative_object(verb: Token) -> Token | None:
    """The noun a relative clause says the verb acts on: "the sanctions, which X denounced",
    "the curbs it had imposed", "a plan that was rejected by X"; None when the clause has its own object."""
    kids = list(verb.children)
    rel = next((c for c in kids if _relative_pronoun(c) and c.dep_ in OBJECTS), None)
    if verb.dep_ == "ccomp" and rel is not None and rel.i > 0 and verb.doc[rel.i - 1].pos_ == "NOUN":
        return verb.doc[rel.i - 1]  # "withdrew the troops that it had massed", parsed as a clause
    before = verb.doc[verb.left_edge.i - 1] if verb.left_edge.i > 0 else None
    if verb.dep_ == "ccomp" and rel is None and before is not None and before.pos_ == "NOUN" and not any(
            c.dep_ in OBJECTS | {"mark"} or c.dep_ in {"ccomp", "xcomp"} for c in kids) and any(
            c.dep_ in SUBJECTS for c in kids):
        return before  # "an accord Caracas and Georgetown reached": a contact clause, parsed as a clause
    if verb.dep_ not in {"relcl", "acl"} or verb.head.pos_ not in {"NOUN", "PROPN"}:
        return None
    if any(_relative_pronoun(c) and c.dep_ in SUBJECTS for c in kids):
        return None  # "X, which imposed ...": the head is the subject
    if any(c.dep_ in OBJECTS and not _relative_pronoun(c) for c in kids):
        return None
    if verb.dep_ == "acl" and not any(c.dep_ == "agent" for c in kids) and verb.tag_ != "VBN":
        return None  # "the decision to expel ...": an infinitive or gerund modifier
    return verb.head


def _match_entry(verb: Token, lex: Lexicon) -> Entry | None:
    entries = lex.verbs.get(verb.lemma_.lower())
    if not entries:
        return None
    # a preposition counts for a pattern as a particle ("give in", "pull out of") unless it governs its own
    # object; verb + preposition patterns ("write to", "work with") use the target prepositions
    words = _words()
    near = {c.lemma_.lower() for c in verb.children
            if c.dep_ in {"prt", "dobj", "obj", "attr", "agent"}
            or (c.dep_ == "advmod" and c.lower_ in words["particles"])  # "pull back", parsed as an adverb
            or (c.dep_ == "prep" and (c.lower_ in words["target_preps"] - {"in"}
                                      or not any(p.dep_ == "pobj" for p in c.children))
                and not any(p.ent_type_ in {"DATE", "TIME"} for p in c.children))}  # "called X on Monday"
    near |= {g.lemma_.lower() for c in verb.children if c.dep_ in {"dobj", "obj"}
             for g in c.children if g.dep_ == "compound"}
    framed = {p.lemma_.lower(): c.lower_ for c in verb.children if c.dep_ == "prep" and c.lower_ in {"on", "under"}
              for p in c.children if p.dep_ == "pobj" and p.pos_ == "NOUN"}  # "remained on alert", "put under arrest"
    near |= {c.lemma_.lower() for c in verb.children if c.dep_ in {"xcomp", "oprd", "acomp", "ccomp"}}
    objects = [c for c in verb.children if c.dep_ in {"dobj", "obj"}]
    head = _relative_object(verb)
    if head is not None:  # "the curbs it had imposed": the head noun is the object, and its conjuncts
        objects += [head, *head.conjuncts]
    naming = _naming_clause(verb)
    if naming is not None:  # "join what he called defensive exercises"
        objects += [c for c in naming.children if c.dep_ in {"oprd", "xcomp"}]
    objects += [p for o in objects if o.lemma_.lower() in words["container_nouns"]  # "a mission of observers",
                or any(c.like_num for c in o.children)  # "700 kg of medicine"
                for c in o.children if c.dep_ == "prep" and c.lower_ == "of" for p in c.children if p.dep_ == "pobj"]
    nouns = {w for o in objects for w in (o.lemma_.lower(), o.lower_, o.lower_.removesuffix("s"))}
    near |= nouns  # "paratroopers", which the lemmatizer may leave plural
    matches = [e for e in entries if all(p in near or framed.get(p) in e.pattern for p in e.pattern[1:])]
    # the pattern that names the object wins over one that names a preposition ("flew teams to X")
    return next((e for e in matches if nouns & set(e.pattern[1:])), matches[0] if matches else None)


def _their(tok: Token) -> bool:
    """``tok`` is owned by a plural "their" ("their forces", "their ambassadors")."""
    return any(c.dep_ == "poss" and c.lower_ == "their" for c in tok.children)


def _accusation(verb: Token, words) -> tuple[Token, Token] | None:
    """The accusation verb and its accused when ``verb`` is the alleged act ("accused Y of attacking Z").

    The gerund hangs under 'of'/'for' on an accusation verb; the accused is that verb's object
    (or its passive subject: "Y was accused of ..."). Returns ``(accusation verb, accused token)``.
    """
    if verb.dep_ != "pcomp" or verb.head.dep_ != "prep" or verb.head.lower_ not in {"of", "for"}:
        return None
    head = verb.head.head
    if head.lemma_.lower() not in words["accusation_verbs"]:
        return None
    accused = [c for c in head.children if c.dep_ in OBJECTS or c.dep_ == "nsubjpass"]
    return (head, accused[0]) if accused else None


def _subjects(verb: Token, amap: dict[int, Actor], words) -> tuple[list[Actor], bool, str, Token | None]:
    """Who acts, whether the subject was inherited from another clause, the rule that found it, and the token."""
    passive = any(c.dep_ in PASSIVE_SUBJECTS or c.dep_ == "auxpass" for c in verb.children) or (
        verb.dep_ == "acl" and verb.tag_ == "VBN")  # "revenue blocked in X accounts", "troops sent by X"
    if passive:
        for c in verb.children:
            if c.dep_ == "agent":
                for p in c.children:
                    if p.dep_ == "pobj":
                        return _agents_of(p, amap), False, f"passive agent 'by {p.text}'", p
        return [], False, "passive verb without a 'by' agent", None
    for c in verb.children:
        if c.dep_ in SUBJECTS:
            if _relative_pronoun(c) and verb.dep_ == "relcl":
                return _agents_of(verb.head, amap), False, f"relative pronoun '{c.text}' -> head '{verb.head.text}'", verb.head
            return _agents_of(c, amap), False, f"subject '{c.text}' ({c.dep_})", c
    accusation = _accusation(verb, words)
    if accusation:  # "X accused Y of attacking Z": Y is the alleged attacker
        return _actors_of(accusation[1], amap), True, f"the accused '{accusation[1].text}' of '{accusation[0].text}'", accusation[1]
    tok = verb
    for _ in range(MAX_CLIMB):
        if tok.dep_ == "relcl" or (tok.dep_ == "acl" and tok.tag_ == "VBG"):  # "demonstrators protesting X"
            found = _actors_of(tok.head, amap)
            if not found and tok.head.lemma_.lower() in words["speech_nouns"] and tok.head.dep_ in OBJECTS:
                issuer, _, rule, who = _subjects(tok.head.head, amap, words)  # "issued a statement demanding ..."
                return issuer, True, f"issuer of the '{tok.head.text}': {rule}", who
            return found, True, f"head of the relative clause '{tok.head.text}'", tok.head
        if tok.dep_ == "pcomp" and tok.head.dep_ == "prep":  # "by shutting the crossings, X chose ..."
            tok = tok.head
        if tok.dep_ not in CLAUSE_LINKS | {"prep"} or tok.head.i == tok.i:
            return [], True, "no subject in this clause or the clauses above it", None
        head = tok.head
        if tok.dep_ == "xcomp" and head.lemma_.lower() in words["object_control"] and tok.tag_ != "VBG":
            objs = [c for c in head.children if c.dep_ in OBJECTS]
            if objs and _their(objs[0]):  # "X and Y ordered their forces to pull back": X and Y act
                found, _, _, who = _subjects(head, amap, words)
                if len(found) > 1:
                    return found, True, f"controllers of 'their {objs[0].text}' under '{head.text}'", who
            if objs:
                return _actors_of(objs[0], amap), True, f"object '{objs[0].text}' of the control verb '{head.text}'", objs[0]
        for c in head.children:
            if c.dep_ in SUBJECTS and c.i != tok.i:
                return _actors_of(c, amap), True, f"subject '{c.text}' of the governing '{head.text}' ({tok.dep_})", c
        tok = head
    return [], True, f"no subject within {MAX_CLIMB} clauses up", None


def _objects(verb: Token, entry: Entry, amap: dict[int, Actor], words, exclude: list[Actor],
             depth: int = 0, why: list[str] | None = None) -> list[Actor]:
    """Whom the verb acts on; ``exclude`` (the sources) is skipped, so "lifted its curbs on X" finds X.

    ``why`` collects one line per rule that found a target (for :class:`Trace`).
    """
    out: list[Actor] = []
    why = why if why is not None else []
    venue_only = len(exclude) > 1 or entry.cls in {"AGREE", "COOPERATE"} or (  # "X and Y agreed in Vienna",
        EVENT_TYPES[entry.cls].symmetric and verb.lemma_.lower() not in words["travel_verbs"])  # "met at the Z"
    through = frozenset({"of", "from"} if venue_only else {"of", "from", "in"})
    venues_now: list[bool] = []  # set while the deferred locative phrases are read
    party_named: list[Token] = []

    def take(tok: Token, rule: str) -> bool:
        if tok.lemma_.lower() in words["non_state_nouns"]:
            party_named.append(tok)  # "fired at militants in Iraq": the place is where, not whom
        found = [a for a in _agents_of(tok, amap, through) if a not in exclude]
        out.extend(a for a in found if a not in out)
        if found:
            why.append(f"target {_names(found)}: {rule} '{tok.text}'")
        return bool(found)

    def preps(tok: Token, nested: bool = True) -> None:
        venues = []  # a locative phrase tells where, unless nothing else names a party
        kids = [k for c in tok.children for k in ([c, *c.conjuncts] if c.dep_ == "prep" else [c])]
        for c in kids:  # "on X, and on Y"; "between"/"among" name parties of a noun ("the border between X and Y"),
            if c.dep_ not in {"prep", "dative"} or (c.lower_ in {"between", "among"} and tok.i == verb.i):
                continue  # not targets of a verb
            if venue_only and c.lower_ in words["locative_preps"]:  # "X and Y met at a summit of Z"
                continue
            locative = c.lower_ in words["locative_preps"] and c.lower_ not in entry.pattern and any(
                _is_place(p, amap, words) for p in c.children if p.dep_ == "pobj")
            if locative and party_named:
                continue
            if locative and not venues_now:
                venues.append(c)
                continue
            if c.lower_ in words["target_preps"] | {"between", "among"}:
                for p in c.children:
                    if p.dep_ == "pobj" and not take(p, f"object of '{tok.text} {c.text}'") and nested:
                        preps(p, nested=False)  # "agreed to a contract with X", "along its border with X"
            elif nested:
                preps(c, nested=False)  # "pulled out of X", "moved away from X"
        for c in venues:
            if out or party_named:
                why.append(f"'{c.text} {' '.join(p.text for p in c.children if p.dep_ == 'pobj')}' "
                           f"is a venue: a party is named")
        if venues and not out and not venues_now and not party_named:
            venues_now.append(True)
            for c in venues:
                for p in c.children:
                    if p.dep_ == "pobj" and not take(p, f"locative '{c.text}' (no other party named)") and nested:
                        preps(p, nested=False)  # "along its border with X"
            venues_now.pop()

    passive = any(c.dep_ in PASSIVE_SUBJECTS for c in verb.children)
    head = _relative_object(verb)
    if head is not None and not take(head, "noun the relative clause modifies"):
        preps(head, nested=False)
    for c in verb.children:
        if c.dep_ in PASSIVE_SUBJECTS if passive else c.dep_ in OBJECTS:
            if head is not None and _relative_pronoun(c):
                continue  # the relative pronoun: its head was taken above
            if not take(c, f"{c.dep_}"):
                preps(c)  # "imposed sanctions on Russia", "sought sanctions against it"
                for rel in c.children:  # "lifted the curbs it had imposed on South Korea": undoing one's own act;
                    own = [a for k in rel.children if k.dep_ in SUBJECTS for a in _actors_of(k, amap)]
                    if not out and ((rel.dep_ == "relcl" and any(a in exclude for a in own))
                                    or (rel.dep_ == "acl" and not own)):  # "dropped its threat to impose X on Y"
                        preps(rel)
    if not out:
        preps(verb)
    if not out:  # "denounced as a crime Serbia's treatment of ...": the object follows the predicate
        for c in verb.children:
            if c.dep_ == "prep" and c.lower_ == "as":
                for a in (a for p in c.children if p.dep_ == "pobj" for a in p.children if a.dep_ == "appos"):
                    take(a, "object after the 'as' predicate")
    naming = _naming_clause(verb)
    if not out and naming is not None:  # "join what he called exercises near the border with X"
        preps(naming)
    if not out:  # "allowed the group's officials to travel", "demanded that Israel withdraw": the clause's subject
        for c in verb.children:
            if c.dep_ in {"ccomp", "xcomp"} and (any(a.dep_ == "aux" and a.lower_ == "to" for a in c.children)
                                                 or (entry.cls in words["clause_target_classes"]
                                                     and c.lemma_ != "be")  # "insisted that X is sovereign"
                                                 or c.pos_ in {"NOUN", "ADJ"}):  # "declared X persona non grata"
                for subj in c.children:
                    if subj.dep_ in SUBJECTS:
                        take(subj, f"subject of the clause '{c.text}'")
    if not out and depth == 0:  # "threatened to halt talks unless Baghdad accepted": the party the condition names
        for t in verb.subtree:
            if t.dep_ == "mark" and t.lower_ in words["hypothetical_marks"] | words["threat_marks"]:
                for subj in t.head.children:
                    if subj.dep_ in SUBJECTS:
                        take(subj, f"subject of the condition '{t.text} {t.head.text}'")
    has_object = any(c.dep_ in OBJECTS and c.lemma_.lower() not in entry.pattern for c in verb.children)
    if not out and depth < 2 and not has_object:  # "refused to meet X", "opened fire to disperse X"
        for c in verb.children:
            if c.dep_ == "xcomp" or (c.dep_ == "advcl" and any(a.lower_ == "to" and a.dep_ == "aux" for a in c.children)):
                sub = _match_entry(c, load_lexicon()) or entry
                if entry.cls == "AGREE" and sub.cls not in words["intent_to_agree"]:
                    continue  # "agreed to impose sanctions on X" is no agreement with X
                found = _objects(c, sub, amap, words, exclude, depth + 1, why)
                out.extend(a for a in found if a not in out)
    return out


def _negated(verb: Token, words, entry: Entry | None = None) -> bool:
    if any(c.dep_ == "neg" or (c.dep_ == "advmod" and c.lower_ == "never") for c in verb.children):
        return True
    if entry is not None and any(c.dep_ in OBJECTS and c.lemma_.lower() in entry.pattern[1:] and any(
            d.dep_ == "det" and d.lower_ == "no" for d in c.children) for c in verb.children):
        return True  # "posed no threat to X": the light verb's noun is denied
    for c in verb.children:
        if c.dep_ == "aux" and any(g.dep_ == "neg" for g in c.children):
            return True
    head = verb.head
    if head.dep_ in {"xcomp", "ccomp"} and head.head.lemma_.lower() in words["demand_verbs"]:
        return False  # "demanded that Iran stop supporting X": the demand presupposes the act
    return verb.dep_ in {"xcomp", "ccomp"} and (
        head.lemma_.lower() in words["negating_governors"]
        or (verb.dep_ == "xcomp" and any(c.dep_ == "neg" for c in head.children)))


def _intent(verb: Token, words) -> bool:
    """The subject says it will do it: "will visit", "is willing to send", "offered to mediate",
    "is willing to send troops to help defend X" (up an infinitive chain)."""
    tok = verb
    for _ in range(MAX_CLIMB):
        if any(c.dep_ == "aux" and c.lower_ in words["intent_auxiliaries"] for c in tok.children):
            return True
        if tok.dep_ == "xcomp" and tok.head.lemma_.lower() in words["intent_governors"]:
            return True
        if not (tok.dep_ == "xcomp" or (tok.dep_ == "advcl" and any(
                a.dep_ == "aux" and a.lower_ == "to" for a in tok.children))) or tok.head.pos_ not in {"VERB", "AUX"}:
            return False
        tok = tok.head
    return False


def _stance(verb: Token, cls: str, symmetric: bool, negated: bool, words, step: TriggerStep | None = None
            ) -> tuple[str, bool, frozenset[str]]:
    """The class as PLOVER codes what ``verb`` says will or may happen, its symmetry, and the hedges to skip.

    Expressed intent: cooperation -> AGREE, material conflict -> THREATEN ("will visit", "vowed to
    strike X"); a promise or refusal on an 'unless' condition is a threat; "may halt X if ..." threatens.
    """
    original = cls
    skip: frozenset[str] = frozenset()
    if not negated and _intent(verb, words):  # expressed intent, as PLOVER codes it
        skip = words["intent_auxiliaries"] | words["intent_governors"]
        conditional = any(t.dep_ == "mark" and t.lower_ in words["threat_marks"] for t in verb.subtree)
        if cls in words["intent_to_agree"] and not conditional:
            cls, symmetric = "AGREE", symmetric and cls == "AGREE"
        elif cls in words["intent_to_agree"]:  # "will withdraw its force unless ...": a threat
            cls, symmetric = "THREATEN", False
        elif cls in words["intent_to_threaten"] and verb.head.lemma_.lower() not in words["decision_governors"]:
            cls = "THREATEN"  # "vowed to strike X"; "agreed to impose sanctions" is the act, decided
        elif cls == "REJECT" and conditional:  # "will boycott the vote unless ...": a threat
            cls, symmetric = "THREATEN", False
        if cls != original:
            _note(step, f"expressed intent: {original} coded as {cls}")
    elif not negated and (cls in words["intent_to_threaten"] or cls == "REJECT") and any(
            c.dep_ == "aux" and c.lower_ in {"may", "might", "could"} for c in verb.children) and any(
            t.dep_ == "mark" and t.lower_ in {"if", "unless"} and t.head.head == verb for t in verb.subtree):
        cls, symmetric = "THREATEN", False  # "may halt its mediation if the talks fail": a conditional threat
        skip = words["modal_auxiliaries"] | words["hypothetical_marks"]
        _note(step, f"conditional threat: {original} coded as THREATEN")
    return cls, symmetric, skip


def _modality(verb: Token, amap: dict[int, Actor], source: list[Actor], words,
              skip: frozenset[str] = frozenset()) -> tuple[str, Actor | None]:
    """asserted / hypothetical / reported, and who reports it; ``skip`` lemmas do not count as hedges."""
    tok = verb
    reporter = None
    # "Y allegedly attacked Z", "Y was accused of attacking Z": a claim, even when nobody named makes it
    alleged = any(c.dep_ == "advmod" and c.lower_ in words["hedge_adverbs"] for c in verb.children)
    accusation = _accusation(verb, words)
    if accusation:  # "X accused Y of attacking Z": X's allegation, not an asserted fact
        accusers = [a for c in accusation[0].children if c.dep_ in SUBJECTS for a in _actors_of(c, amap)]
        if not accusers:
            accusers = [a for c in accusation[0].children if c.dep_ == "agent" for p in c.children for a in _actors_of(p, amap)]
        reporter = accusers[0] if accusers else None
        tok, alleged = accusation[0], True
    for step in range(MAX_CLIMB + 1):
        if any(c.dep_ == "aux" and c.lemma_.lower() in words["modal_auxiliaries"] - skip for c in tok.children):
            return "hypothetical", None
        if any(c.dep_ == "mark" and c.lower_ in words["hypothetical_marks"] for c in tok.children):
            return "hypothetical", None
        if step and {tok.lemma_.lower(), tok.lower_} & (words["hypothetical_governors"] - skip):
            return "hypothetical", None
        if step and tok.pos_ == "NOUN" and tok.lemma_.lower() in words["hypothetical_nouns"]:
            return "hypothetical", None  # "perceptions that X rewards Y", "the possibility that ..."
        if step and tok.lemma_.lower() in words["speech_verbs"] and reporter is None:
            speakers = [a for c in tok.children if c.dep_ in SUBJECTS for a in _actors_of(c, amap)]
            if speakers:  # "Pakistan said it shot down ...": a claim, even about oneself
                reporter = speakers[0]
        if tok.dep_ not in CLAUSE_LINKS | {"ROOT"} or tok.head.i == tok.i:
            break
        tok = tok.head
    sent = verb.sent
    for t in sent:  # "according to X"
        if t.lower_ == "according" and t.i + 2 < sent.end and sent.doc[t.i + 1].lower_ == "to":
            who = _actors_of(sent.doc[t.i + 2], amap) or [amap[i] for i in range(t.i + 2, min(t.i + 6, sent.end)) if i in amap]
            if who and reporter is None and who[0] not in source:
                reporter = who[0]
    return ("reported", reporter) if reporter or alleged else ("asserted", None)


def _requested_by(verb: Token, lex: Lexicon, words) -> Token | None:
    """The request verb whose content ``verb`` is ("urged X to free Y", "demanded that both be released").

    A clause under stop/cease is presupposed, not requested ("demanded that X stop backing Y").
    """
    head = verb.head
    if verb.dep_ == "acl" and head.pos_ == "NOUN" and _noun_class(head, lex) == "REQUEST" and any(
            c.dep_ in SUBJECTS or (c.dep_ == "aux" and c.lower_ == "to") for c in verb.children):
        return head  # "its demand that Egypt lift the curbs", "a call for X to withdraw"
    if verb.dep_ == "ccomp":  # "reiterated its demand today that Egypt lift ...": the clause hangs on the verb
        demand = next((c for c in head.children if c.dep_ in {"dobj", "obj"} and c.i < verb.i
                       and _noun_class(c, lex) == "REQUEST"), None)
        if demand is not None and verb in _content_clauses(demand):
            return demand
    if verb.dep_ not in {"xcomp", "ccomp"} or head.lemma_.lower() in words["negating_governors"]:
        return None
    if verb.dep_ == "ccomp" and head.lemma_.lower() in words["speech_verbs"] and any(
            a.dep_ == "aux" and a.lemma_.lower() in words["demand_modals"] for a in verb.children):
        return head  # "said that Iraq must cooperate with X": a demand of Iraq, not an act
    e = _match_entry(head, lex)
    if head.lemma_.lower() in words["demand_verbs"] and (e is None or e.cls == "REQUEST"):
        return head
    return None


def _governed_by(verb: Token, lex: Lexicon) -> str | None:
    """REJECT or THREATEN when ``verb`` is what a refusal refuses or a threat threatens ("refused to meet X",
    "threatened to cut ties with X"): the refusal or threat is the event, coded on the governing verb."""
    if verb.dep_ != "xcomp" or verb.head.lemma_.lower() in _words()["negating_governors"]:
        return None  # "denied backing X": the act, negated, not a refusal
    e = _match_entry(verb.head, lex)
    return e.cls if e is not None and e.cls in {"REJECT", "THREATEN"} else None


def _own_side(s: Actor, o: Actor) -> bool:
    """An official and the country or body they act for are one side, not two parties; a former official
    ("former President X of Y criticised Y") is a party of their own."""
    return s.key == o.key or (o.key in s.affiliations and not s.former) or (s.key in o.affiliations and not o.former)


def _pairs(sources: list[Actor], targets: list[Actor], symmetric: bool,
           step: TriggerStep | None = None) -> Iterator[tuple[Actor, Actor, bool]]:
    """(source, target, symmetric) pairs of different sides."""
    if targets:
        pairs = list(itertools.product(sources, targets))
    elif symmetric and len(sources) > 1:  # "X and Y met"
        pairs = list(itertools.combinations(sources, 2))
    else:
        _note(step, "no target found: no relation")
        return
    for s, o in pairs:
        if s is o:
            continue
        if _own_side(s, o):
            _note(step, f"dropped {s.label} -> {o.label}: one side (same actor or affiliated)")
        else:
            yield s, o, symmetric or not targets


def _evaluation(verb: Token, words) -> str | None:
    """Attributed speech that judges: "X called Y a provocation", "described Y as shocking".

    Returns ACCUSE, or SUPPORT when the judgement is praise, "" for naming ("what it called
    terrorist camps", which codes nothing), None when ``verb`` is not used to judge.
    """
    if verb.lemma_.lower() not in words["evaluative_verbs"]:
        return None
    kids = list(verb.children)
    if any(c.dep_ == "prt" or (c.dep_ == "prep" and c.lower_ in {"on", "upon", "for", "off"}) for c in kids):
        return None  # "called on X to", "called for", "called off"
    preds = [c for c in kids if c.dep_ in {"oprd", "acomp"}
             or (c.dep_ in {"xcomp", "ccomp"} and c.pos_ in {"NOUN", "ADJ", "PROPN"})]
    preds += [p for c in kids if c.dep_ == "prep" and c.lower_ == "as" for p in c.children if p.dep_ in {"pobj", "amod"}]
    preds += [t for c in kids if c.dep_ in OBJECTS for t in c.subtree  # "called the seizure unacceptable"
              if t.dep_ == "amod" and t.i > t.head.i]  # an adjective after its noun is a predicate
    if not preds:
        return None
    if verb.dep_ == "relcl" or any(c.lower_ == "what" and c.dep_ in OBJECTS for c in kids):
        return ""
    said = {t.lemma_.lower() for p in preds for t in p.subtree}
    return "SUPPORT" if said & words["praise_words"] else "ACCUSE"


def _verb_relations(verb: Token, amap, lex: Lexicon, words, trace: Trace | None = None) -> Iterator[Relation]:
    judged = _evaluation(verb, words)
    entry = Entry((verb.lemma_.lower(),), judged) if judged else None if judged == "" else _match_entry(verb, lex)
    if judged == "" and trace:
        trace.step(verb, Entry((verb.lemma_.lower(),), "ACCUSE"), "naming").notes.append(
            "names a thing ('what X called ...'): no relation")
    if entry is None:
        return
    step = trace.step(verb, entry, "judgement" if judged else "verb") if trace else None
    governing = _governed_by(verb, lex)
    if governing:
        _note(step, f"under '{verb.head.text}': coded there as {governing}, not here")
        return
    asker = _requested_by(verb, lex, words)
    if asker is not None:
        _note(step, f"what '{asker.text}' asks for: the request is the event, not this")
        return
    aims = {g.split()[0] for g in words["hypothetical_governors"]}
    if verb.lemma_.lower() in aims and not any(c.dep_ in OBJECTS for c in verb.children) and any(
            c.dep_ == "xcomp" and any(a.lower_ == "to" for a in c.children) for c in verb.children):
        _note(step, "an aim ('sought to ease ...'): coded on its complement, as hypothetical")
        return
    if entry.cls == "REJECT" and verb.lemma_.lower() in words["negating_governors"] and any(
            c.dep_ in {"xcomp", "ccomp"} for c in verb.children):
        _note(step, "denies an act ('denied backing X'): the act is coded, negated; no REJECT")
        return
    if entry.cls == "CONSULT" and verb.lemma_.lower() in words["travel_verbs"] - {"visit", "tour"} and any(
            c.dep_ in OBJECTS for c in verb.children):
        _note(step, "carries someone ('flew them to X'): no visit")
        return
    sources, inherited, rule, subject = _subjects(verb, amap, words)
    _note(step, f"source {_names(sources)}: {rule}")
    if not sources:
        return
    if entry.cls == "CONSULT" and verb.lemma_.lower() in words["travel_verbs"] and subject is not None:
        kind = _force_kind(subject, amap)
        if kind:  # "peacekeepers arrived in X" is aid, "troops arrived in X" a deployment: no visit
            entry = Entry(entry.pattern, kind)
            _note(step, f"the subject is a force ('{subject.text}'): {kind}, not a visit")
    if entry.cls == "PROTEST" and verb.lemma_.lower() == "protest" and subject is not None and subject.i in amap \
            and subject.ent_type_ != "NORP" and all(a.type in {"Country", "Person"} for a in sources):
        entry = Entry(entry.pattern, "ACCUSE")  # a state's or an official's protest is diplomatic: ACCUSE
        _note(step, "protest by a state or official: diplomatic protest, ACCUSE")
    why: list[str] = []
    targets = _objects(verb, entry, amap, words, exclude=sources, why=why)
    for w in why:
        _note(step, w)
    if entry.cls == "ACCUSE" and any(c.dep_ == "prep" and c.lower_ == "to" for c in verb.children):
        accused = [a for c in verb.children if c.dep_ == "prep" and c.lower_ in {"over", "about"}
                   for p in c.children if p.dep_ == "pobj" for a in _agents_of(p, amap) if a not in sources]
        if accused:  # "complained to the UN over Israeli raids": the UN hears it, Israel is accused
            targets = accused
            _note(step, f"target {_names(accused)}: what the complaint is about, not whom it is addressed to")
    punitive = [n for c in verb.children if c.dep_ == "prep" and c.lower_ == "for" for n in c.children
                if n.dep_ == "pobj" and _noun_class(n, lex) in PUNITIVE]
    if entry.cls == "REQUEST" and punitive and not any(
            c.dep_ in OBJECTS | {"dative"} and _actors_of(c, amap) for c in verb.children):
        entry = Entry(entry.pattern, "ACCUSE")  # "called for sanctions against X": a call to punish X condemns X
        _note(step, f"a call for '{punitive[0].text}' against its target, addressed to no one: ACCUSE")
    if not targets and entry.cls in {"ACCUSE", "REQUEST"} and verb.dep_ == "advcl" and any(
            a.dep_ == "aux" and a.lower_ == "to" for a in verb.children):
        targets = [a for c in verb.head.children if c.dep_ in OBJECTS for a in _actors_of(c, amap)
                   if a not in sources]  # "summoned the envoy to complain": the envoy hears the complaint
        if targets:
            _note(step, f"target {_names(targets)}: object of '{verb.head.text}', which the purpose clause serves")
    own = [c for c in verb.children if c.dep_ in OBJECTS] + (
        [c for c in verb.head.children if c.dep_ in OBJECTS] if verb.dep_ == "xcomp" else [])
    if not targets and len(sources) > 1 and (any(all(a in g for a in sources) for g in amap.groups.values())
                                             or any(_their(o) for o in own)):
        targets = sources  # "both countries recalled their ambassadors", "each side accused the other"
        _note(step, "target: the same group, each member toward the others (reciprocal)")
    if not targets and entry.cls in addressed_to_state():
        targets = [a.parent for a in sources if a.parent is not None]  # PLOVER: a protest is aimed at the state
        if targets:
            _note(step, f"target {_names(targets)}: the country of the group, whose state a protest addresses")
    if entry.inverse:
        sources, targets = targets, sources
        _note(step, "inverse entry: source and target swapped")
    symmetric = entry.symmetric or EVENT_TYPES[entry.cls].symmetric
    negated = _negated(verb, words, entry)
    cls = entry.cls
    cls, symmetric, skip = _stance(verb, cls, symmetric, negated, words, step)
    modality, reporter = _modality(verb, amap, sources, words, skip)
    _note(step, f"negated: {negated}; modality: {modality}" + (f" (reported by {reporter.label})" if reporter else ""))
    trigger = " ".join([verb.text] + [c.text for c in verb.children if c.dep_ == "prt" or (
        c.dep_ == "advmod" and c.lower_ in words["particles"] and c.lower_ in entry.pattern)]
                       + [c.text for c in verb.children if c.dep_ in {"dobj"} and c.lemma_.lower() in entry.pattern])
    confidence = 0.85 if not inherited else 0.7
    for s, o, sym in _pairs(sources, targets, symmetric, step):
        yield Relation(s, o, cls, trigger, negated, modality, verb.sent, confidence, sym, reporter,
                       _date_phrase(verb))


def _noun_class(noun: Token, lex: Lexicon) -> str | None:
    """The PLOVER class the noun lexicon gives ``noun``'s lemma, or None."""
    e = lex.nouns.get(noun.lemma_.lower())
    return e.cls if e is not None else None


def _noun_entry(noun: Token, lex: Lexicon) -> Entry | None:
    """The noun lexicon's entry for ``noun``, its compound first ("hunger strike" before "strike")."""
    for c in noun.children:
        if c.dep_ in {"compound", "amod"}:
            e = lex.nouns.get(f"{c.lemma_.lower()} {noun.lemma_.lower()}")
            if e is not None:
                return e
    return lex.nouns.get(noun.lemma_.lower())


def _content_clauses(noun: Token) -> list[Token]:
    """The clauses that say what a demand or charge is: "its demand that X ...", and "reiterated its demand
    today that X ..." where the parser hangs the clause on the verb."""
    out = [c for c in noun.children if c.dep_ in {"acl", "ccomp"}]
    if noun.dep_ in {"dobj", "obj"}:
        out += [c for c in noun.head.children if c.dep_ == "ccomp" and c.i > noun.i
                and any(m.dep_ == "mark" and m.lower_ == "that" for m in c.children)]
    return out


def _force_kind(subject: Token, amap: ActorMap) -> str | None:
    """AID when ``subject`` names peacekeepers, MOBILIZE when it names another armed or police force, else None."""
    words = {t.lemma_.lower() for t in subject.subtree}
    if words & {"peacekeeper", "peacekeeping"}:
        return "AID"
    if any(amap.sectors.get(t.i) in {"MIL", "COP"} for t in subject.subtree) or subject.lemma_.lower() in {
            "troop", "soldier", "force", "warship", "unit", "battalion", "contingent"}:
        return "MOBILIZE"
    return None


def _verb_phrase(verb: Token) -> str:
    """The verb's lemma with its particle: "call off", "break off"."""
    prt = next((c.lower_ for c in verb.children if c.dep_ == "prt"), None)
    return f"{verb.lemma_.lower()} {prt}" if prt else verb.lemma_.lower()


def _noun_relations(noun: Token, amap, lex: Lexicon, words, trace: Trace | None = None) -> Iterator[Relation]:
    entry = _noun_entry(noun, lex)
    if entry is None:
        return
    step = trace.step(noun, entry, "noun") if trace else None
    if noun.dep_ in OBJECTS | PASSIVE_SUBJECTS and {_verb_phrase(noun.head), noun.head.lemma_.lower()} & set(
            words["undoing_verbs"]):
        _note(step, f"undone by '{noun.head.text}' ('lifted the blockade', 'called off the visit'): no relation")
        return
    governing = _match_entry(noun.head, lex) if noun.dep_ in OBJECTS else None
    if governing is not None and noun.lemma_.lower() in governing.pattern[1:]:
        _note(step, f"part of the verb pattern '{' '.join(governing.pattern)}': coded on the verb")
        return
    sources: list[Actor] = []
    targets: list[Actor] = []
    parties: list[Actor] = []
    kids = list(noun.children)
    kids += [g for c in kids if c.dep_ == "compound" and c.i not in amap for g in c.children
             if g.dep_ in {"compound", "amod"}]  # "US drone attacks"
    for c in kids:
        if c.dep_ in MODIFIERS and c.i in amap and amap[c.i] not in sources and not (
                c.dep_ == "compound" and c.i in amap.seats):
            sources.append(amap[c.i])
            _note(step, f"source {amap[c.i].label}: modifier '{c.text}' ({c.dep_})")
        elif c.dep_ == "prep":
            for p in c.children:
                if p.dep_ != "pobj":
                    continue
                found = _agents_of(p, amap, frozenset())  # "against abuses by the police": the agent
                if c.lower_ in {"between", "among"}:
                    parties.extend(found)
                    role = "party"
                elif c.lower_ in {"by"}:
                    sources.extend(found)
                    role = "source"
                elif c.lower_ in words["target_preps"]:
                    targets.extend(found)
                    role = "target"
                else:
                    continue
                if found:
                    _note(step, f"{role} {_names(found)}: '{c.text} {p.text}'")
    carrier = _light_verb(noun, words) if not sources and not parties else None
    if carrier is not None:
        carried = _match_entry(carrier, lex)
        if _governed_by(carrier, lex) or _requested_by(carrier, lex, words) is not None:
            _note(step, f"'{carrier.text}' is what is refused, threatened or asked for: no relation")
            return
        if carried is None or carried.cls == entry.cls or noun.head.lower_ == "in":  # "rejected an offer": no offer
            sources, _, rule, _ = _subjects(carrier, amap, words)
            if not sources and noun.head.lower_ == "in":  # "were engaged in ethnic cleansing": a state, not a passive
                sources = [a for c in carrier.children if c.dep_ in PASSIVE_SUBJECTS for a in _agents_of(c, amap)]
                rule = "subject of the state verb"
            _note(step, f"source {_names(sources)}: {rule} of the light verb '{carrier.text}'")
            if sources and not targets:
                why: list[str] = []
                targets = _objects(carrier, entry, amap, words, exclude=sources, why=why)
                for w in why:
                    _note(step, w)
        else:
            carrier = None
    if sources and not targets and entry.cls in words["clause_target_classes"]:
        targets = [a for c in _content_clauses(noun)  # "its demand that Egypt lift ..."
                   for k in c.children if k.dep_ in SUBJECTS for a in _actors_of(k, amap) if a not in sources]
        if targets:
            _note(step, f"target {_names(targets)}: subject of the clause the noun governs")
    symmetric = entry.symmetric or EVENT_TYPES[entry.cls].symmetric
    if not sources and not parties and noun.head.dep_ == "prep" and noun.head.lower_ == "in" and not any(
            c.dep_ == "det" for c in noun.children) and noun.head.head.pos_ in {"VERB", "AUX"}:
        sources = _subjects(noun.head.head, amap, words)[0]  # "staged a sit-in in protest against X"
        _note(step, f"source {_names(sources)}: subject of the clause the phrase 'in {noun.text}' modifies")
    if parties:
        sources, targets, symmetric = parties, [], True
    elif sources and not targets and noun.head.dep_ == "prep" and noun.head.lower_ in words["event_preps"]:
        clause = noun.head.head  # "after a US request, Islamabad released ...": the request was made of Islamabad
        targets = [a for c in clause.children if c.dep_ in SUBJECTS for a in _actors_of(c, amap)]
        if targets:
            _note(step, f"target {_names(targets)}: subject of the clause the event phrase modifies ('{clause.text}')")
    elif targets and not sources and noun.head.dep_ == "prep" and noun.head.lower_ in words["event_preps"] and \
            entry.cls == "PROTEST" and noun.head.head.pos_ in {"VERB", "AUX"}:
        sources = _subjects(noun.head.head, amap, words)[0]  # "threw stones during protests against X": took part
        _note(step, f"source {_names(sources)}: subject of the clause the protest phrase modifies")
    elif targets and not sources and noun.head.dep_ == "prep" and noun.head.lower_ in words["event_preps"]:
        clause = noun.head.head  # "during a meeting with Macron, Pezeshkian said ...": the clause's subject took part
        targets = [a for c in noun.children if c.dep_ == "prep" and c.lower_ == "with"
                   for p in c.children if p.dep_ == "pobj" for a in _actors_of(p, amap)]  # not "a summit of X"
        if clause.pos_ in {"VERB", "AUX"} and targets:
            sources = [a for c in clause.children if c.dep_ in SUBJECTS for a in _actors_of(c, amap)]
            if sources:
                _note(step, f"source {_names(sources)}: subject of the clause the event phrase modifies "
                            f"('{clause.text}')")
    if not sources:
        _note(step, "no source (no possessive/demonym modifier, no 'by' or 'between' phrase)")
        return
    anchor = carrier if carrier is not None else noun.head if noun.dep_ != "ROOT" else noun
    negated = carrier is not None and _negated(carrier, words)
    cls, skip = entry.cls, frozenset()
    if carrier is not None:  # "will give Kenya a grant": intent, as on a verb
        cls, symmetric, skip = _stance(carrier, cls, symmetric, negated, words, step)
    modality, reporter = _modality(anchor, amap, sources, words, skip)
    for s, o, sym in _pairs(sources, targets, symmetric, step):
        yield Relation(s, o, cls, noun.text, negated, modality, noun.sent, 0.5, sym, reporter,
                       _date_phrase(noun))


def _demand_relations(verb: Token, amap, words, trace: Trace | None = None) -> Iterator[Relation]:
    """ "X said (that) Y must withdraw": X demands something of Y, a REQUEST."""
    if verb.lemma_.lower() not in words["speech_verbs"]:
        return
    speakers = [a for c in verb.children if c.dep_ in SUBJECTS for a in _agents_of(c, amap)]
    for clause in (c for c in verb.children if c.dep_ == "ccomp"):
        modal = next((a for a in clause.children if a.dep_ == "aux" and a.lemma_.lower() in words["demand_modals"]),
                     None)
        if modal is None:
            continue
        targets = [a for c in clause.children if c.dep_ in SUBJECTS for a in _actors_of(c, amap)]
        step = trace.step(verb, Entry((verb.lemma_.lower(), modal.lower_), "REQUEST"), "speech + demand modal") \
            if trace else None
        _note(step, f"source {_names(speakers)}: speaker; target {_names(targets)}: subject of '{modal.text} "
                    f"{clause.text}'")
        for s, o, sym in _pairs(speakers, targets, False, step):
            yield Relation(s, o, "REQUEST", verb.text, _negated(verb, words), "asserted", verb.sent, 0.6, sym, None,
                           _date_phrase(verb))


def _describe(r: Relation, trigger: Token, amap: ActorMap) -> None:
    """The sectors the text names at the ends, and PLOVER mode, context and place (kg.attributes)."""
    r.source_sector = amap.sector_at(r.source, r.sentence, trigger.i)
    r.target_sector = amap.sector_at(r.target, r.sentence, trigger.i)
    if r.cls in {"ASSAULT", "COERCE", "THREATEN"} and any(amap.get(i) is r.target and i in amap.seats for i in
                                             range(r.sentence.start, r.sentence.end)):
        r.target_sector = r.target_sector or "CVL"  # a city attacked: its people, not the government seated there
    r.source_text = amap.text_at(r.source, r.sentence, trigger.i)
    r.target_text = amap.text_at(r.target, r.sentence, trigger.i)
    r.mode = mode(r.cls, trigger)
    r.context = contexts(r.sentence)
    r.place, r.place_country = place(trigger, amap.country_of) or (None, None)


def relations(doc: Doc, lex: Lexicon | None = None, trace: Trace | None = None) -> list[Relation]:
    """Every relation between resolved actors in ``doc``, symmetric ones once per pair and sentence.

    ``trace``, when given, receives one :class:`TriggerStep` per lexicon trigger (``kg explain``).
    """
    lex = lex or load_lexicon()
    words = _words()
    amap = _actor_map(doc)
    out: list[Relation] = []
    seen: set[tuple] = set()
    for sent in doc.sents:
        present = [amap[i] for i in range(sent.start, sent.end) if i in amap]
        if len({id(a) for a in present}) < 2 and not any(t.tag_ in {"PRP", "PRP$"} or t.i in amap.groups
                                                         for t in sent) \
                and not any(a.parent is not None for a in present):  # a group alone may protest against its state
            if trace:
                trace.skipped.append(sent.start)
            continue
        kept = 0
        for tok in sent:
            if kept >= MAX_PAIRS:
                log.debug("sentence at token %d: stopped at %d relations (MAX_PAIRS)", sent.start, MAX_PAIRS)
                break
            if tok.pos_ in {"VERB", "AUX"} or tok.dep_ == "ROOT":
                found = itertools.chain(_verb_relations(tok, amap, lex, words, trace),
                                        _demand_relations(tok, amap, words, trace))
            elif tok.pos_ == "NOUN":
                found = _noun_relations(tok, amap, lex, words, trace)
            else:
                continue
            for r in found:
                ends = frozenset((r.source.key, r.target.key)) if r.symmetric else (r.source.key, r.target.key)
                key = (sent.start, ends, r.cls, r.negated)
                if key not in seen and kept < MAX_PAIRS:
                    seen.add(key)
                    _describe(r, tok, amap)
                    out.append(r)
                    kept += 1
                    if trace and trace.steps and trace.steps[-1].i == tok.i:
                        trace.steps[-1].relations.append(r)
    return out
