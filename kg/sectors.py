"""Actor sectors (PLOVER/CAMEO codes) and the generic groups a text names with a country.

Every actor gets a country code (ISO 3166-1 alpha-3, or ``IGO``/``NGO`` for bodies above
states, ``UNK`` for a group whose country the text does not give) and a sector code
(``GOV``, ``MIL``, ``COP``, ``REB``, ``CVL`` ...), both read from ``kg/data/sectors.json``:

* a country is ``GOV`` (the state acts through its government);
* an official takes the sector of the post: the words of the title first ("judge" JUD,
  "opposition leader" OPP), else the subtype of the role (a minister GOV, a general MIL);
* an organization takes its own: the words of a state body's name ("army" MIL, "court"
  JUD), else its subtype (an armed group REB, a party PTY, an IGO IGO);
* a **group** ("Iraqi protesters", "Serb gunmen", "the Malian opposition") is a node of its
  own, one per (country, sector, kind), part of its country, labelled "protesters (Iraq)"; a
  group without a country ("gunmen") is one node per document and kind, "gunmen (unknown country)".

State organs named with a country ("Kenyan police", "the Sudanese army") stand for their
country, as the annotation convention of kg's gold sets has it; the mention's sector
(``COP``, ``MIL``) is kept on the end of each event it takes part in.

>>> sector_of_words("riot police")
'COP'
>>> group_kind("demonstrators")
('protesters', 'CVL')
>>> group_key("IRQ", "CVL", "protesters")
'IRQ-CVL-protesters'
"""
from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass
from functools import cache

from .gazetteer import load_data

__all__ = ["SectorData", "sector_data", "sector_code", "sector_of_words", "group_kind", "group_key", "group_label",
           "role_sector", "org_sector", "UNKNOWN_COUNTRY"]

UNKNOWN_COUNTRY = "UNK"


@dataclass(frozen=True)
class SectorData:
    """The contents of ``kg/data/sectors.json``, indexed."""

    organ_kinds: dict[str, str]  # sector -> the kind of a state organ of that sector ("COP" -> "police")
    aliases: dict[str, str]  # other codes gold sets and CAMEO use -> kg's code
    groups: dict[str, tuple[str, str]]  # lower-case lemma phrase -> (kind, sector)
    organs: dict[str, str]  # lower-case state-organ phrase -> sector
    role_subtypes: dict[str, str]
    role_words: dict[str, str]
    title_modifiers: re.Pattern  # a modifier before another title word ("Deputy Prime Minister"), not a post itself
    org_subtypes: dict[str, str]
    org_words: dict[str, str]
    supranational: dict[str, str | None]
    people_nouns: frozenset[str]
    state_posts: frozenset[str]


@cache
def sector_data() -> SectorData:
    """``kg/data/sectors.json``, read once."""
    d = load_data("sectors.json")
    groups = {w.lower(): (g["kind"], g["sector"]) for g in d["groups"] for w in g["words"]}
    organs = {w.lower(): sector for sector, words in d["organs"].items() for w in words}
    modifiers = "|".join(map(re.escape, d["title_modifiers"]))
    before_title = re.compile(rf"\b(?:{modifiers})\s+(?!(?:of|in|to|for|from|at|and|or)\b)(?=\w)", re.I)
    return SectorData(d["organ_kinds"], d["aliases"], groups, organs, d["role_subtypes"], d["role_words"],
                      before_title, d["org_subtypes"], d["org_words"], d["supranational"], frozenset(d["people_nouns"]),
                      frozenset(d["state_posts"]))


def sector_code(code: str | None) -> str | None:
    """kg's code for a sector code as gold sets write it: the first three letters, CAMEO synonyms mapped.

    >>> sector_code("CVLalb"), sector_code("JRN"), sector_code("***"), sector_code(None)
    ('CVL', 'JRN', None, None)
    """
    if not code or not code[:3].isalpha():
        return None
    head = code[:3].upper()
    return sector_data().aliases.get(head, head)


def _words_in(text: str, table: dict[str, str]) -> str | None:
    """The value of the longest key of ``table`` found as whole words in ``text``."""
    low = " ".join(text.lower().replace("-", " ").split())
    best = max((k for k in table if re.search(rf"\b{re.escape(k.replace('-', ' '))}\b", low)), key=len, default=None)
    return table[best] if best else None


def sector_of_words(text: str) -> str | None:
    """The sector a state-organ phrase names ("the coast guard" COP, "troops" MIL), else None."""
    return _words_in(text, sector_data().organs)


def group_kind(phrase: str) -> tuple[str, str] | None:
    """(kind, sector) of a group noun phrase given as lemmas or plurals ("armed group", "rebels"), else None."""
    groups = sector_data().groups
    low = phrase.lower()
    if low in groups:
        return groups[low]
    if low.endswith("s") and low[:-1] in groups:
        return groups[low[:-1]]
    return None


def group_key(country: str | None, sector: str, kind: str, scope: str | None = None) -> str:
    """The actor key of a group: one node per (country, sector, kind). A group the text gives no country
    ("gunmen attacked a convoy") is nobody else's: with ``scope`` (the document's key, a path or URL) its key
    ends in a digest of it, so two documents' unnamed groups are two nodes.

    >>> group_key(None, "REB", "rebels", scope="news/a.txt") != group_key(None, "REB", "rebels", scope="news/b.txt")
    True
    >>> group_key(None, "REB", "rebels", scope="news/a.txt")
    'UNK-REB-rebels-0a6c1f9415'
    """
    key = f"{country or UNKNOWN_COUNTRY}-{sector}-{kind}"
    if country is None and scope is not None:
        key += "-" + hashlib.sha1(scope.encode("utf-8")).hexdigest()[:10]
    return key


def group_label(country_label: str | None, kind: str) -> str:
    """ "protesters (Iraq)", or "protesters (unknown country)"."""
    return f"{kind} ({country_label or 'unknown country'})"


def role_sector(role: str | None, subtype: str | None, org_sector_: str | None = None) -> str:
    """The sector of an official's post: title words, else the organization they act for (a party leader PTY,
    a rebel commander REB), else the role's subtype; a person with no role is ``CVL``.

    A title modifier names no post of its own before another title: a "Deputy Prime Minister" is GOV, a
    "deputy" alone (a member of parliament, as French and Russian news say) LEG.

    >>> role_sector("Foreign Minister", "Minister"), role_sector("General", "Military"), role_sector("judge", None)
    ('GOV', 'MIL', 'JUD')
    >>> role_sector("Deputy Foreign Minister", "Minister"), role_sector("deputy", None)
    ('GOV', 'LEG')
    """
    data = sector_data()
    found = _words_in(data.title_modifiers.sub("", role), data.role_words) if role else None
    if found:
        return found
    if org_sector_ and org_sector_ not in {"GOV", "IGO"} and subtype not in data.state_posts:
        return org_sector_  # a party's leader PTY, a rebel commander REB; a prime minister stays GOV
    if subtype in data.role_subtypes:
        return data.role_subtypes[subtype]
    return org_sector_ or ("GOV" if role else "CVL")


def org_sector(name: str, subtype: str | None) -> str:
    """The sector of an organization: a state body's name words refine GOV ("Pakistan Army" MIL,
    "State Duma" LEG); others by subtype (ArmedGroup REB, PoliticalParty PTY, NGO NGO, IGO IGO).

    >>> org_sector("Israel Defense Forces", "GovernmentBody"), org_sector("Fatah", "PoliticalParty")
    ('MIL', 'PTY')
    """
    data = sector_data()
    if subtype in {None, "GovernmentBody", "NGO"}:
        found = _words_in(name, data.org_words) or _words_in(name, data.organs)
        if found:
            return found
    return data.org_subtypes.get(subtype or "", "GOV" if subtype else "NGO")


@dataclass(frozen=True)
class GroupSpan:
    """A group phrase found in a Doc: tokens [start, end) (the country's own mention inside them, if any,
    is replaced), the text the actor is named by, its country key (None: the text gives none), kind and sector.
    ``organ``: a definite state organ ("the police", "the army"), which stands for the country whose organ
    of that sector the text named before, when there is one."""

    start: int
    end: int
    text: str
    country: str | None
    kind: str
    sector: str
    organ: bool = False


GROUP_MODIFIERS = {"amod", "compound", "nmod", "nummod"}
ARGUMENTS = {"nsubj", "nsubjpass", "dobj", "pobj"}
LOCATIVE = {"in", "at"}


def _place_country(prep, country_at: dict[int, str]) -> tuple[str | None, int]:
    """The country a prepositional phrase names ("in Baghdad", "from Chad") and its last token."""
    for p in prep.children:
        if p.dep_ == "pobj":
            found = next((country_at[t.i] for t in p.subtree if t.i in country_at), None)
            if found:
                return found, max(t.i for t in p.subtree)
    return None, prep.i
CUE_PREPOSITIONS = {"in", "from", "of", "throughout", "across"}


def _phrase_match(mods: list, head) -> tuple[tuple[str, str], int] | None:
    """The longest group phrase ending at ``head``: (kind, sector) and the index of its first modifier."""
    for k in range(len(mods), -1, -1):
        words = [t.lemma_.lower() for t in mods[len(mods) - k:]] + [head.lemma_.lower()]
        found = group_kind(" ".join(words)) or (group_kind(" ".join([*words[:-1], head.lower_])) if k else None)
        if found:
            return found, len(mods) - k
    found = group_kind(head.lower_)
    return (found, len(mods)) if found else None


def find_groups(doc, country_at: dict[int, str], blocked: set[int], members: dict[int, str] | None = None
                ) -> list[GroupSpan]:
    """Groups of people named by a noun ("Iraqi protesters", "rebels in Darfur", "Niger's opposition",
    "a heavily armed group of Serbs") and state organs named without a country ("the police", "troops").

    ``country_at`` maps the tokens of country, demonym and capital mentions to the country's key;
    ``blocked`` are tokens of other mentions (a named organization before the noun, "M23 rebels", makes
    the phrase that organization's, not a group); ``members`` maps the tokens of national organizations to
    their country, a cue only after a preposition ("activists from Fatah"). Pure: reads the Doc's parse only.
    """
    through = {**(members or {}), **country_at}
    data = sector_data()
    out: list[GroupSpan] = []
    taken: set[int] = set()
    for tok in doc:
        if tok.i in blocked or tok.i in taken or tok.pos_ not in {"NOUN", "PROPN"} or not tok.is_alpha:
            continue
        if tok.dep_ == "compound" and tok.head.pos_ in {"NOUN", "PROPN"} and tok.head.i > tok.i:
            continue  # a modifier: the head decides ("rebel group", "protest movement")
        left = tok.i
        while left > 0 and doc[left - 1].dep_ in GROUP_MODIFIERS | {"poss", "case", "advmod"} \
                and (doc[left - 1].head.i in range(left, tok.i + 1) or doc[left - 1].dep_ == "case") \
                and doc[left - 1].text != ",":
            left -= 1
        mods = [t for t in doc[left:tok.i] if t.dep_ in GROUP_MODIFIERS and t.i not in country_at]
        match = _phrase_match(mods, tok)
        organ = None
        if match is None:
            phrase = " ".join([t.lower_ for t in mods[-1:]] + [tok.lower_])  # "security forces" before "forces"
            organ = (data.organs.get(phrase) or data.organs.get(tok.lower_)) if tok.tag_ in {"NNS", "NN"} else None
            if organ not in {"MIL", "COP"}:
                continue
        if any(i in blocked and i not in country_at for i in range(left, tok.i)):
            continue  # "M23 rebels", "Hezbollah fighters": the named organization
        if (tok.i + 1 < len(doc) and tok.i + 1 in blocked and tok.i + 1 not in country_at) or any(
                c.dep_ == "appos" and c.i in blocked for c in tok.children):
            continue  # "the opposition journalist Raman Pratasevich": a title before a name
        if organ is not None and (any(c.dep_ == "poss" for c in tok.children) or not (
                tok.dep_ == "nsubj" or (tok.dep_ == "pobj" and tok.head.dep_ == "agent")
                or any(i in country_at for i in range(left, tok.i)))):
            continue  # "its troops", "sent troops": a state's instrument, not a party; "the police arrested";
            # "fired on US forces": the country named, its sector on the end
        country = next((country_at[i] for i in range(left, tok.i) if i in country_at), None)
        end_text = tok.i + 1
        if country is None:
            for c in tok.children:
                if c.dep_ == "prep" and c.lower_ in CUE_PREPOSITIONS:
                    found, last = _place_country(c, through)
                    if found:
                        country, end_text = found, last + 1
                    break
        verb = tok
        for _ in range(4):  # "police arrested dozens of protesters in Baghdad": the act's place is the group's
            if country is not None or verb.head.i == verb.i:
                break
            if verb.dep_ in ARGUMENTS and verb.head.pos_ in {"VERB", "AUX"}:
                country = next((f for c in verb.head.children if c.dep_ == "prep" and c.lower_ in LOCATIVE
                                for f in [_place_country(c, country_at)[0]] if f), None)
                break
            verb = verb.head if verb.dep_ in {"pobj", "prep"} or verb.head.pos_ in {"NOUN", "PRON"} else verb
            if verb.dep_ not in ARGUMENTS | {"prep"}:
                break
        if organ is not None:
            kind, sector = data.organ_kinds[organ], organ
        else:
            (kind, sector), first = match
        start = next((i for i in range(left, tok.i) if i in country_at), left if organ is None else tok.i)
        if organ is None:
            start = min(start, mods[first].i) if first < len(mods) else start
        while start < tok.i and doc[start].lower_ in {"the", "a", "an"}:
            start += 1
        article = start - 1 if start > 0 and doc[start - 1].lower_ in {"a", "an"} else start  # names keep "a"
        taken.update(range(start, tok.i + 1))
        definite = any(c.dep_ in {"det", "poss"} and c.lower_ not in {"a", "an", "some", "any"} for c in tok.children)
        out.append(GroupSpan(start, tok.i + 1, doc[article:end_text].text, country, kind, sector,
                             organ is not None and definite))
    return out
