"""Relations between actors, read from the dependency parse.

:func:`relations` is a pure function of a parsed ``Doc`` whose actor mentions
are resolved (``doc._.kg_mentions``): for every verb or event noun in the
lexicon it finds who acts (subjects, passive agents, controllers of xcomp
chains, relative-clause heads) and on whom (direct and prepositional objects,
objects of light-verb nouns, demonym modifiers), expands conjunctions, and
reads negation, modality and attribution. Search is bounded: each step looks
at a fixed depth of the tree, so long or unpunctuated sentences stay cheap.
"""
from __future__ import annotations

import itertools
import json
from collections.abc import Iterator
from dataclasses import dataclass
from functools import cache
from importlib.resources import files

from spacy.tokens import Doc, Span, Token

from .actors import Actor
from .dates import DatePhrase
from .dates import date_phrase as _date_phrase
from .lexicon import Entry, Lexicon, load_lexicon
from .vocab import EVENT_TYPES

__all__ = ["Relation", "relations"]

SUBJECTS = {"nsubj", "csubj"}
PASSIVE_SUBJECTS = {"nsubjpass", "csubjpass"}
OBJECTS = {"dobj", "obj", "attr", "oprd", "dative"}
MODIFIERS = {"amod", "compound", "poss", "nmod", "npadvmod"}
CLAUSE_LINKS = {"xcomp", "conj", "advcl", "ccomp", "relcl", "acl", "pcomp", "acomp"}
MAX_CLIMB = 4  # how far up an xcomp/conj chain a missing subject is looked for


@cache
def _words() -> dict[str, frozenset[str]]:
    data = json.loads((files("kg") / "data" / "modality.json").read_text(encoding="utf-8"))
    return {k: frozenset(v) for k, v in data.items() if isinstance(v, list)}


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


def _actor_map(doc: Doc) -> dict[int, Actor]:
    """Token index -> actor: mentions first, then the title phrases of officials ("the envoy" = the person)."""
    out: dict[int, Actor] = {}
    mentions = [m for m in doc._.kg_mentions or [] if m.actor is not None]
    for m in mentions:
        for i in range(m.start, m.end):
            out[i] = m.actor
    for m in mentions:
        if m.role_span:
            for i in range(*m.role_span):
                out.setdefault(i, m.actor)
    return out


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
    for t in _conjuncts(tok):
        appos = [amap[c.i] for c in t.children if c.dep_ == "appos" and c.i in amap]
        if appos and t.i not in amap:
            candidates = appos[:1]
        else:  # "Afghan and American targets": the demonym modifiers and their conjuncts
            groups = [[amap[c.i] for c in _conjuncts(m) if c.i in amap]
                      for m in t.children if m.dep_ in MODIFIERS and m.i in amap]
            if t.i in amap:  # "Hungarian and Romanian officials": the head is one mention, coordinated modifiers more
                candidates = [amap[t.i]] + [a for g in groups if len(g) > 1 for a in g if a is not amap[t.i]]
            else:  # "his Sudanese counterpart": every modifier; the caller drops the source
                candidates = [a for g in groups for a in g]
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
        for c in tok.children:
            if c.dep_ == "prep" and c.lower_ in through:
                found = [a for p in c.children if p.dep_ == "pobj" for a in _actors_of(p, amap)]
                break
    return found


def _match_entry(verb: Token, lex: Lexicon) -> Entry | None:
    entries = lex.verbs.get(verb.lemma_.lower())
    if not entries:
        return None
    # a preposition counts for a pattern as a particle ("give in", "pull out of") unless it governs its own
    # object; verb + preposition patterns ("write to", "work with") use the target prepositions
    words = _words()
    near = {c.lemma_.lower() for c in verb.children
            if c.dep_ in {"prt", "dobj", "obj", "attr", "agent"}
            or (c.dep_ == "prep" and (c.lower_ in words["target_preps"] - {"in"}
                                      or not any(p.dep_ == "pobj" for p in c.children)))}
    near |= {g.lemma_.lower() for c in verb.children if c.dep_ in {"dobj", "obj"}
             for g in c.children if g.dep_ == "compound"}
    for e in entries:
        if all(p in near for p in e.pattern[1:]):
            return e
    return None


def _subjects(verb: Token, amap: dict[int, Actor], words) -> tuple[list[Actor], bool]:
    """Who acts, and whether the subject was inherited from another clause."""
    passive = any(c.dep_ in PASSIVE_SUBJECTS or c.dep_ == "auxpass" for c in verb.children)
    if passive:
        for c in verb.children:
            if c.dep_ == "agent":
                for p in c.children:
                    if p.dep_ == "pobj":
                        return _agents_of(p, amap), False
        return [], False
    for c in verb.children:
        if c.dep_ in SUBJECTS:
            if c.tag_ in {"WDT", "WP"} and verb.dep_ == "relcl":
                return _agents_of(verb.head, amap), False
            return _agents_of(c, amap), False
    tok = verb
    for _ in range(MAX_CLIMB):
        if tok.dep_ == "relcl":
            return _actors_of(tok.head, amap), True
        if tok.dep_ not in CLAUSE_LINKS or tok.head is tok:
            return [], True
        head = tok.head
        if tok.dep_ == "xcomp" and head.lemma_.lower() in words["object_control"]:
            objs = [c for c in head.children if c.dep_ in OBJECTS]
            if objs:
                return _actors_of(objs[0], amap), True
        for c in head.children:
            if c.dep_ in SUBJECTS and c is not tok:
                return _actors_of(c, amap), True
        tok = head
    return [], True


def _objects(verb: Token, entry: Entry, amap: dict[int, Actor], words, exclude: list[Actor],
             depth: int = 0) -> list[Actor]:
    """Whom the verb acts on; ``exclude`` (the sources) is skipped, so "lifted its curbs on X" finds X."""
    out: list[Actor] = []
    venue_only = len(exclude) > 1 or entry.cls in {"AGREE", "COOPERATE"}  # "X and Y agreed in Vienna"
    through = frozenset({"of", "from"} if venue_only else {"of", "from", "in"})

    def take(tok: Token) -> bool:
        found = [a for a in _agents_of(tok, amap, through) if a not in exclude]
        out.extend(a for a in found if a not in out)
        return bool(found)

    def preps(tok: Token, nested: bool = True) -> None:
        for c in tok.children:  # "between"/"among" name parties of a noun ("talks between"), not targets of a verb
            if c.dep_ not in {"prep", "dative"} or c.lower_ in {"between", "among"}:
                continue
            if venue_only and c.lower_ == "in":
                continue
            if c.lower_ in words["target_preps"]:
                for p in c.children:
                    if p.dep_ == "pobj" and not take(p) and nested:
                        preps(p, nested=False)  # "agreed to a contract with X", "along its border with X"
            elif nested:
                preps(c, nested=False)  # "pulled out of X", "moved away from X"

    passive = any(c.dep_ in PASSIVE_SUBJECTS for c in verb.children)
    for c in verb.children:
        if c.dep_ in PASSIVE_SUBJECTS if passive else c.dep_ in OBJECTS:
            if not take(c):
                preps(c, nested=False)  # "imposed sanctions on Russia", "sought sanctions against it"
    if not out:
        preps(verb)
    if not out:  # "allowed the group's officials to travel", "demanded that Israel withdraw": the clause's subject
        for c in verb.children:
            if c.dep_ in {"ccomp", "xcomp"} and (any(a.dep_ == "aux" and a.lower_ == "to" for a in c.children)
                                                 or entry.cls in words["clause_target_classes"]):
                for subj in c.children:
                    if subj.dep_ in SUBJECTS:
                        take(subj)
    if not out and depth == 0:  # "threatened to halt talks unless Baghdad accepted": the party the condition names
        for t in verb.subtree:
            if t.dep_ == "mark" and t.lower_ in words["hypothetical_marks"] | words["threat_marks"]:
                for subj in t.head.children:
                    if subj.dep_ in SUBJECTS:
                        take(subj)
    has_object = any(c.dep_ in OBJECTS for c in verb.children)
    if not out and depth < 2 and not has_object:  # "refused to meet X", "agreed to hold talks with X"
        for c in verb.children:
            if c.dep_ == "xcomp":
                sub = _match_entry(c, load_lexicon()) or entry
                out.extend(a for a in _objects(c, sub, amap, words, exclude, depth + 1) if a not in out)
    return out


def _negated(verb: Token, words) -> bool:
    if any(c.dep_ == "neg" or (c.dep_ == "advmod" and c.lower_ == "never") for c in verb.children):
        return True
    for c in verb.children:
        if c.dep_ == "aux" and any(g.dep_ == "neg" for g in c.children):
            return True
    head = verb.head
    return verb.dep_ in {"xcomp", "ccomp"} and (
        head.lemma_.lower() in words["negating_governors"]
        or (verb.dep_ == "xcomp" and any(c.dep_ == "neg" for c in head.children)))


def _intent(verb: Token, words) -> bool:
    """The subject says it will do it: "will visit", "is willing to send", "offered to mediate"."""
    if any(c.dep_ == "aux" and c.lower_ in words["intent_auxiliaries"] for c in verb.children):
        return True
    return verb.dep_ == "xcomp" and verb.head.lemma_.lower() in words["intent_governors"]


def _modality(verb: Token, amap: dict[int, Actor], source: list[Actor], words,
              skip: frozenset[str] = frozenset()) -> tuple[str, Actor | None]:
    """asserted / hypothetical / reported, and who reports it; ``skip`` lemmas do not count as hedges."""
    tok = verb
    reporter = None
    for step in range(MAX_CLIMB + 1):
        if any(c.dep_ == "aux" and c.lemma_.lower() in words["modal_auxiliaries"] - skip for c in tok.children):
            return "hypothetical", None
        if any(c.dep_ == "mark" and c.lower_ in words["hypothetical_marks"] for c in tok.children):
            return "hypothetical", None
        if step and tok.lemma_.lower() in words["hypothetical_governors"] - skip:
            return "hypothetical", None
        if step and tok.lemma_.lower() in words["speech_verbs"] and reporter is None:
            speakers = [a for c in tok.children if c.dep_ in SUBJECTS for a in _actors_of(c, amap)]
            if speakers and speakers[0] not in source:
                reporter = speakers[0]
        if tok.dep_ not in CLAUSE_LINKS | {"ROOT"} or tok.head is tok:
            break
        tok = tok.head
    sent = verb.sent
    for t in sent:  # "according to X"
        if t.lower_ == "according" and t.i + 2 < sent.end and sent.doc[t.i + 1].lower_ == "to":
            who = _actors_of(sent.doc[t.i + 2], amap) or [amap[i] for i in range(t.i + 2, min(t.i + 6, sent.end)) if i in amap]
            if who and reporter is None and who[0] not in source:
                reporter = who[0]
    return ("reported", reporter) if reporter else ("asserted", None)


def _governed_by_reject(verb: Token, lex: Lexicon) -> bool:
    if verb.dep_ != "xcomp":
        return False
    e = _match_entry(verb.head, lex)
    return e is not None and e.cls == "REJECT"


def _own_side(s: Actor, o: Actor) -> bool:
    """An official and the country or body they act for are one side, not two parties."""
    return s.key == o.key or o.key in s.affiliations or s.key in o.affiliations


def _pairs(sources: list[Actor], targets: list[Actor], symmetric: bool) -> Iterator[tuple[Actor, Actor, bool]]:
    if targets:
        for s, o in itertools.product(sources, targets):
            if not _own_side(s, o):
                yield s, o, symmetric
    elif symmetric and len(sources) > 1:  # "X and Y met"
        for s, o in itertools.combinations(sources, 2):
            if not _own_side(s, o):
                yield s, o, True


def _verb_relations(verb: Token, amap, lex: Lexicon, words) -> Iterator[Relation]:
    entry = _match_entry(verb, lex)
    if entry is None or _governed_by_reject(verb, lex):
        return
    sources, inherited = _subjects(verb, amap, words)
    if not sources:
        return
    targets = _objects(verb, entry, amap, words, exclude=sources)
    if entry.inverse:
        sources, targets = targets, sources
    symmetric = entry.symmetric or EVENT_TYPES[entry.cls].symmetric
    negated = _negated(verb, words)
    cls = entry.cls
    skip: frozenset[str] = frozenset()
    if not negated and _intent(verb, words):  # expressed intent, as PLOVER codes it
        skip = words["intent_auxiliaries"] | words["intent_governors"]
        conditional = any(t.dep_ == "mark" and t.lower_ in words["threat_marks"] for t in verb.subtree)
        if cls in words["intent_to_agree"] and not conditional:
            cls, symmetric = "AGREE", symmetric and cls == "AGREE"
        elif cls in words["intent_to_agree"]:  # "will withdraw its force unless ...": a threat
            cls, symmetric = "THREATEN", False
        elif cls in words["intent_to_threaten"]:
            cls = "THREATEN"
    modality, reporter = _modality(verb, amap, sources, words, skip)
    trigger = " ".join([verb.text] + [c.text for c in verb.children if c.dep_ in {"prt"}]
                       + [c.text for c in verb.children if c.dep_ in {"dobj"} and c.lemma_.lower() in entry.pattern])
    confidence = 0.85 if not inherited else 0.7
    for s, o, sym in _pairs(sources, targets, symmetric):
        yield Relation(s, o, cls, trigger, negated, modality, verb.sent, confidence, sym, reporter,
                       _date_phrase(verb))


def _noun_relations(noun: Token, amap, lex: Lexicon, words) -> Iterator[Relation]:
    entry = lex.nouns.get(noun.lemma_.lower())
    if entry is None:
        return
    sources: list[Actor] = []
    targets: list[Actor] = []
    parties: list[Actor] = []
    for c in noun.children:
        if c.dep_ in MODIFIERS and c.i in amap and amap[c.i] not in sources:
            sources.append(amap[c.i])
        elif c.dep_ == "prep":
            for p in c.children:
                if p.dep_ != "pobj":
                    continue
                if c.lower_ in {"between", "among"}:
                    parties.extend(_actors_of(p, amap))
                elif c.lower_ in {"by"}:
                    sources.extend(_actors_of(p, amap))
                elif c.lower_ in words["target_preps"]:
                    targets.extend(_actors_of(p, amap))
    symmetric = entry.symmetric or EVENT_TYPES[entry.cls].symmetric
    if parties:
        sources, targets, symmetric = parties, [], True
    elif sources and not targets and noun.head.dep_ == "prep" and noun.head.lower_ in words["event_preps"]:
        clause = noun.head.head  # "after a US request, Islamabad released ...": the request was made of Islamabad
        targets = [a for c in clause.children if c.dep_ in SUBJECTS for a in _actors_of(c, amap)]
    if not sources:
        return
    modality, reporter = _modality(noun.head if noun.dep_ != "ROOT" else noun, amap, sources, words)
    for s, o, sym in _pairs(sources, targets, symmetric):
        yield Relation(s, o, entry.cls, noun.text, False, modality, noun.sent, 0.5, sym, reporter,
                       _date_phrase(noun))


def _demand_relations(verb: Token, amap, words) -> Iterator[Relation]:
    """ "X said (that) Y must withdraw": X demands something of Y, a REQUEST."""
    if verb.lemma_.lower() not in words["speech_verbs"]:
        return
    speakers = [a for c in verb.children if c.dep_ in SUBJECTS for a in _agents_of(c, amap)]
    for clause in (c for c in verb.children if c.dep_ == "ccomp"):
        if not any(a.dep_ == "aux" and a.lemma_.lower() in words["demand_modals"] for a in clause.children):
            continue
        targets = [a for c in clause.children if c.dep_ in SUBJECTS for a in _actors_of(c, amap)]
        for s, o, sym in _pairs(speakers, targets, False):
            yield Relation(s, o, "REQUEST", verb.text, _negated(verb, words), "asserted", verb.sent, 0.6, sym, None,
                           _date_phrase(verb))


def relations(doc: Doc, lex: Lexicon | None = None) -> list[Relation]:
    """Every relation between resolved actors in ``doc``, symmetric ones once per pair and sentence."""
    lex = lex or load_lexicon()
    words = _words()
    amap = _actor_map(doc)
    out: list[Relation] = []
    seen: set[tuple] = set()
    for sent in doc.sents:
        if len({id(a) for i, a in amap.items() if sent.start <= i < sent.end}) < 2 and not any(
                t.tag_ in {"PRP", "PRP$"} for t in sent):
            continue
        for tok in sent:
            if tok.pos_ in {"VERB", "AUX"} or tok.dep_ == "ROOT":
                found = itertools.chain(_verb_relations(tok, amap, lex, words), _demand_relations(tok, amap, words))
            elif tok.pos_ == "NOUN":
                found = _noun_relations(tok, amap, lex, words)
            else:
                continue
            for r in found:
                ends = frozenset((r.source.key, r.target.key)) if r.symmetric else (r.source.key, r.target.key)
                key = (sent.start, ends, r.cls, r.negated)
                if key not in seen:
                    seen.add(key)
                    out.append(r)
    return out
