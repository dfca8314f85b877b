"""Story events: the event mentions of many documents that report one real-world event, grouped once.

A corpus reports each event many times (GDELT counts them as NumMentions, ICEWS drops
repeats by dyad and day); kg keeps every mention and groups them into
``dipl:StoryEvent`` nodes in :data:`STORIES_GRAPH`, a maintained graph
(:mod:`kg.layout`) kept in the same SPARQL update as the documents, so a crash or a
remote server leaves documents and story events consistent.

**Grouping rule.** Every event mention carries, in its document graph, its story key
(:func:`kg.rdf.story_key_iri`: source and target with an official counted as their
country, and the class family of ``dipl:nearClass``). Within one key, a mention's
*date* is its event date, *stated* when it differs from its document's publication
date. Then:

1. mentions with a stated date form one story per date;
2. a mention without one joins the story of the latest stated date at most
   :data:`WINDOW_DAYS` before its publication date (reports follow the event);
3. the remaining undated mentions are chained: sorted by publication date, a gap of
   more than :data:`WINDOW_DAYS` days starts a new story;
4. a mention with no date at all is a story of its own document.

Each step reads only the set of mentions of the key, so the same documents in any
order give the same story events; a story's IRI follows from its key and its first
date (or document), e.g. ``story:RUS_USA_COERCE_2021-04-16``.

**Incremental.** A new mention with no other mention of its key in its ``dipl:storyWindow``
(:func:`kg.rdf.story_window`: the key and a bucket of :data:`WINDOW_DAYS` days) or the two beside it
is a story event of its own and changes no other: it is written at once (most are). The others are
grouped again with their neighbourhood: the mentions in those windows, and every report of the story
events of all those. That set is closed under the rule (an addition only turns chained reports into
reports of a stated date, or joins chains, and a chain is regrouped whole), so the result equals
grouping all mentions of the key, at a cost that grows with the batch, not with the store. A removal,
a new version or an edit (the marked keys are the old versions' event mentions) regroups the same way
from the story events those mentions were in: what they still hold, with its neighbourhood; the
mentions of documents the same update adds are left to the addition. The mentions to group are marked
once with their facts (key, date, whether the date is stated), each read from its document graph by
one index lookup (LATERAL); the rule then reads those marks alone, and the update writes the marks
and the story events, nothing else.

The graph stores the grouping alone: each story event (``a dipl:StoryEvent``, its
``dipl:storyGroup`` key) and its ``dipl:hasReport`` links to its mentions (each
``prov:wasDerivedFrom`` its document), and each key's ``dipl:storySource`` and
``dipl:storyTarget`` (the actors its IRI names) while a story event has it, so an
actor's story events are looked up from the actor. What follows from the reports is read when
asked, never kept in step: first and last publication dates, counts of reports,
documents and sources (URL hosts), the majority class with the others as
alternatives, majority negation and modality with the dissent (the named query
``story-events``), and an edge's weight in story events (:mod:`kg.network`).

>>> STORIES.name, str(STORIES.iri)
('stories', 'https://w3id.org/kg-dipl/id/graph/stories')
"""
from __future__ import annotations

from .layout import PENDING_GRAPH, UPGRADES, MaintainedGraph, register
from .rdf import WINDOW_DAYS
from .vocab import ID

__all__ = ["STORIES_GRAPH", "STORIES", "WINDOW_DAYS"]

STORIES_GRAPH = ID["graph/stories"]

_KEY_PREFIX = str(ID["storykey/"])
_ACTOR = str(ID["actor/"])
_STORY = str(ID["story/"])
_TMP = str(ID["graph/stories#"])  # marks, in the pending graph (dropped at the end of each update)
_P = f"<{PENDING_GRAPH}>"
_WINDOW = f'"P{WINDOW_DAYS}D"^^xsd:dayTimeDuration'
_OLD = f"<{_TMP}old>"


def _story(date_or_doc: str) -> str:
    """The expression of a story IRI from ``?key`` and a date (or document) expression."""
    return f'IRI(CONCAT("{_STORY}", REPLACE(STRAFTER(STR(?key), "{_KEY_PREFIX}"), "/", "_"), "_", {date_or_doc}))'


# The mentions to group again are marked with their facts, in the pending graph: ``?e :key ?key ; ?kind ?x``
# where ?kind is :stated (?x its stated date), :dated (?x its date, the publication date) or :undated (?x its
# document's name); ``?key :loose ?x`` marks the dates of a key left for step 3. The stories they replace are
# marked :old.
_KEY, _STATED, _DATED, _UNDATED, _LOOSE, _OLD_KEY = (
    f"<{_TMP}{name}>" for name in ("key", "stated", "dated", "undated", "loose", "oldkey"))
_MARKS = (_OLD, _KEY, _STATED, _DATED, _UNDATED, _LOOSE, _OLD_KEY)
_FACTS = f"GRAPH {_P} {{ ?e {_KEY} ?key ; ?kind ?x }}"
_DATE = f"""        LATERAL {{ OPTIONAL {{ GRAPH ?doc {{ ?e dcterms:date ?d }} }} }}
        LATERAL {{ OPTIONAL {{ GRAPH ?doc {{ ?doc dcterms:date ?p }} }} }}
        BIND(COALESCE(?d, ?p, STRAFTER(STR(?doc), "/doc/")) AS ?x)
        BIND(IF(BOUND(?d) && (!BOUND(?p) || !sameTerm(?d, ?p)), {_STATED}, IF(BOUND(?p), {_DATED}, {_UNDATED})) AS ?kind)"""
# ?near: ?w and the windows beside it (a month or a year has none beside it), from ?w substituted (LATERAL). A
# subquery, so that the FILTER drops the windows that do not exist before they are looked up: in a group a
# FILTER applies to the whole group, and an unbound ?near would read every window of the store.
_NEAR = """{ SELECT ?w ?near WHERE { VALUES ?step { -1 0 1 }
            BIND(IF(?step = 0, ?w, IRI(CONCAT(REPLACE(STR(?w), "[^/]*$$", ""),
                                              STR(xsd:integer(REPLACE(STR(?w), "^.*/", "")) + ?step)))) AS ?near)
            FILTER(BOUND(?near)) } }"""


def _mark(where: str) -> str:
    """The operation marking with its facts each mention ``?e`` that ``where`` binds together with its document
    ``?doc`` and its story key ``?key``; each fact is looked up in the mention's document graph (LATERAL: one
    index lookup per mention)."""
    return f"INSERT {{ {_FACTS} }}\nWHERE {{ {where}\n{_DATE} }}"


_MARKED = f"GRAPH {_P} {{ ?e {_KEY} ?k }}"
# A story key's source and target (the actors its IRI names, kg.rdf.story_key_iri) are facts of the key, kept
# while a story event has it: the story events of an actor are then looked up from the actor (named query
# story-events), not found by reading every key.
_SIDES = "?key dipl:storySource ?ks ; dipl:storyTarget ?kt"
_SIDES_OF_KEY = f"""BIND(STRAFTER(STR(?key), "{_KEY_PREFIX}") AS ?kk)
  BIND(IRI(CONCAT("{_ACTOR}", STRBEFORE(?kk, "/"))) AS ?ks)
  BIND(IRI(CONCAT("{_ACTOR}", STRBEFORE(STRAFTER(?kk, "/"), "/"))) AS ?kt)"""
_NEW_STORY = f"?story a dipl:StoryEvent ; dipl:storyGroup ?key ; dipl:hasReport ?e . {_SIDES}"
# the story events of the marked mentions: the old ones of those mentions go, the new ones come
_GROUP = (
    f"""INSERT {{ GRAPH {_P} {{ ?key {_OLD_KEY} true }} }}
WHERE {{ GRAPH {_P} {{ ?story {_OLD} true }} LATERAL {{ GRAPH $graph {{ ?story dipl:storyGroup ?key }} }} }}""",
    f"""DELETE {{ GRAPH $graph {{ ?story ?p ?o }} }}
WHERE {{ GRAPH {_P} {{ ?story {_OLD} true }} LATERAL {{ GRAPH $graph {{ ?story ?p ?o }} }} }}""",
    # steps 1, 2 and 4: a stated date, or the latest stated date of the key at most WINDOW_DAYS before, or the
    # document; the rest are loose
    f"""INSERT {{ GRAPH $graph {{ {_NEW_STORY} }} GRAPH {_P} {{ ?loose {_LOOSE} ?x }} }}
WHERE {{
  {{ SELECT ?e ?key ?kind ?x (MAX(?a) AS ?anchor) WHERE {{
      VALUES ?kind {{ {_STATED} {_DATED} {_UNDATED} }}
      {_FACTS}
      OPTIONAL {{ GRAPH {_P} {{ ?ea {_KEY} ?key ; {_STATED} ?a }}
                 FILTER(?kind = {_DATED} && ?a <= ?x && ?a >= ?x - {_WINDOW}) }}
    }} GROUP BY ?e ?key ?kind ?x }}
  BIND(IF(?kind = {_DATED}, ?anchor, ?x) AS ?first)
  BIND(IF(BOUND(?first), {_story("STR(?first)")}, ?none) AS ?story)
  BIND(IF(BOUND(?first), ?none, ?key) AS ?loose)  # a (key, date) pair: every mention of it is loose
  {_SIDES_OF_KEY}
}}""",
    # step 3: the loose dates of each key chained; a chain starts at a loose date with no other one WINDOW_DAYS
    # before it, and a mention of a loose date joins the story of the latest start at or before it
    f"""INSERT {{ GRAPH $graph {{ {_NEW_STORY} }} }}
WHERE {{
  {{ SELECT ?key ?x (MAX(?u) AS ?start) WHERE {{
      GRAPH {_P} {{ ?key {_LOOSE} ?x }}
      {{ SELECT ?key ?u WHERE {{
          GRAPH {_P} {{ ?key {_LOOSE} ?u }}
          OPTIONAL {{ GRAPH {_P} {{ ?key {_LOOSE} ?v }} FILTER(?v < ?u && ?v >= ?u - {_WINDOW}) }}
          FILTER(!BOUND(?v)) }} }}
      FILTER(?u <= ?x)
    }} GROUP BY ?key ?x }}
  GRAPH {_P} {{ ?e {_DATED} ?x ; {_KEY} ?key }}
  BIND({_story("STR(?start)")} AS ?story)
  {_SIDES_OF_KEY}
}}""",
    # the sides of a key that no story event has any more
    f"""DELETE {{ GRAPH $graph {{ {_SIDES} }} }}
WHERE {{ GRAPH {_P} {{ ?key {_OLD_KEY} true }} FILTER NOT EXISTS {{ GRAPH $graph {{ ?other dipl:storyGroup ?key }} }}
        LATERAL {{ GRAPH $graph {{ {_SIDES} }} }} }}""",
)
_CLEAR = (f"DELETE {{ GRAPH {_P} {{ ?s ?p ?o }} }} "
          f"WHERE {{ VALUES ?p {{ {' '.join(_MARKS)} }} GRAPH {_P} {{ ?s ?p ?o }} }}")



# Which mentions to group again and which stories they replace. Every lookup into the document graphs or the
# story events graph is LATERAL: one index lookup per mention or story, never a join with the whole graph.
def _neighbours(storied: bool) -> tuple[str, ...]:
    """The operations marking the neighbourhood of the marked mentions: the mentions in their windows or the two
    beside each (``storied``: only those in a story event already, not those of documents the same update still
    adds), then every report of the story events of all those."""
    only = f"FILTER EXISTS {{ GRAPH $graph {{ ?s dipl:hasReport ?e }} }}" if storied else ""
    return (
        _mark(f"""GRAPH {_P} {{ ?m {_KEY} ?k0 }} LATERAL {{ GRAPH ?mdoc {{ ?m dipl:storyWindow ?w }} }}
        LATERAL {_NEAR}
        LATERAL {{ GRAPH ?doc {{ ?e dipl:storyWindow ?near }} }}
        FILTER NOT EXISTS {{ {_MARKED} }} {only} BIND(?k0 AS ?key)  # a window is of one key"""),
        f"""INSERT {{ GRAPH {_P} {{ ?story {_OLD} true }} }}
WHERE {{ {_MARKED} LATERAL {{ GRAPH $graph {{ ?story dipl:hasReport ?e }} }} }}""",
        _mark(f"""GRAPH {_P} {{ ?story {_OLD} true }} LATERAL {{ GRAPH $graph {{ ?story dipl:hasReport ?e }} }}
        FILTER NOT EXISTS {{ {_MARKED} }} LATERAL {{ GRAPH ?doc {{ ?e prov:wasDerivedFrom ?doc ; dipl:storyKey ?key }} }}"""),
    )


# Documents removed, replaced or edited (the marked keys are event mentions, as the old versions had them): the
# story events those mentions were in and what they still hold, the marked mentions that are still stored, and
# their neighbourhood. Only what the change touches is grouped again; mentions of documents this update still
# adds are left to ``add``.
_TOUCHED = (
    f"INSERT {{ GRAPH {_P} {{ ?story {_OLD} true }} }} WHERE {{ $keys LATERAL {{ GRAPH $graph {{ ?story dipl:hasReport ?key }} }} }}",
    _mark(f"""{{ {{ GRAPH {_P} {{ ?story {_OLD} true }} LATERAL {{ GRAPH $graph {{ ?story dipl:hasReport ?e }} }} }}
          UNION {{ SELECT ?e WHERE {{ $keys BIND(?key AS ?e) }} }} }}
        LATERAL {{ GRAPH ?doc {{ ?e prov:wasDerivedFrom ?doc ; dipl:storyKey ?key }} }}"""),
    *_neighbours(storied=True),
)
_NEAR_NEW_MENTIONS = (  # new documents: their mentions, those sharing a window with one, and their stories' mentions
    _CLEAR,
    # a new mention with no other mention of its key in its window or the two beside it (most) is a story of its
    # own, which changes no other: written at once; the others are marked
    f"""INSERT {{ GRAPH $graph {{ ?story a dipl:StoryEvent ; dipl:storyGroup ?key ; dipl:hasReport ?alone .
                           ?keyAlone dipl:storySource ?ks ; dipl:storyTarget ?kt }}
         GRAPH {_P} {{ ?marked {_KEY} ?key ; ?kind ?x }} }}
WHERE {{ $values GRAPH ?doc {{ ?e dipl:storyKey ?key }}
        LATERAL {{ OPTIONAL {{ GRAPH ?doc {{ ?e dipl:storyWindow ?w }} }} }}
        LATERAL {{ OPTIONAL {{ {_NEAR} LATERAL {{ GRAPH ?other {{ ?n dipl:storyWindow ?near }} FILTER(?n != ?e) }} }} }}
{_DATE}
        BIND(IF(BOUND(?n), ?none, {_story("STR(?x)")}) AS ?story)
        BIND(IF(BOUND(?n), ?none, ?e) AS ?alone)
        BIND(IF(BOUND(?n), ?none, ?key) AS ?keyAlone)
        BIND(IF(BOUND(?n), ?e, ?none) AS ?marked)
  {_SIDES_OF_KEY} }}""",
    *_neighbours(storied=False),
)

STORIES = register(MaintainedGraph(
    name="stories",
    iri=STORIES_GRAPH,
    keys="?key dipl:storyKey ?k",
    recompute=(*_TOUCHED, *_GROUP),
    add=(*_NEAR_NEW_MENTIONS, *_GROUP),
    group="?key dipl:storyKey ?group",  # a story key's mentions are grouped together
))
# layout 3 -> 4: the sides of every story key in use, read from its IRI as the writer does
UPGRADES[3] = (f"""INSERT {{ GRAPH <{STORIES_GRAPH}> {{ {_SIDES} }} }}
WHERE {{ {{ SELECT DISTINCT ?key WHERE {{ GRAPH <{STORIES_GRAPH}> {{ ?story dipl:storyGroup ?key }} }} }}
  {_SIDES_OF_KEY} }}""",)
