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

**Incremental.** New documents regroup only the neighbourhood of their mentions: the
mentions in the ``dipl:storyWindow`` of one or the two beside it
(:func:`kg.rdf.story_window`: the same key, buckets of :data:`WINDOW_DAYS` days, so
every mention at most WINDOW_DAYS away), and every mention of those mentions' stories. That set is closed under the rule (an addition only turns
chained reports into reports of a stated date, and a chain is regrouped whole), so
the result equals grouping all mentions of the key, at a cost that grows with the
batch, not with the store. A removal or a replacement regroups every mention of the
keys the old version touched (found through the ``dipl:storyKey`` index). Every
lookup into the document graphs and the story events graph is LATERAL (one index
lookup per mention or story), and the rule is one query over the mentions' own
facts: the update writes the marks of the mentions it regroups and the story
events, nothing else.

The graph stores the grouping alone: each story event (``a dipl:StoryEvent``, its
``dipl:storyGroup`` key) and its ``dipl:hasReport`` links to its mentions (each
``prov:wasDerivedFrom`` its document). What follows from the reports is read when
asked, never kept in step: first and last publication dates, counts of reports,
documents and sources (URL hosts), the majority class with the others as
alternatives, majority negation and modality with the dissent (the named query
``story-events``), and an edge's weight in story events (:mod:`kg.network`).

>>> STORIES.name, str(STORIES.iri)
('stories', 'https://w3id.org/kg-dipl/id/graph/stories')
"""
from __future__ import annotations

from .layout import PENDING_GRAPH, MaintainedGraph, register
from .rdf import WINDOW_DAYS
from .vocab import ID

__all__ = ["STORIES_GRAPH", "STORIES", "WINDOW_DAYS"]

STORIES_GRAPH = ID["graph/stories"]

_KEY_PREFIX = str(ID["storykey/"])
_STORY = str(ID["story/"])
_TMP = str(ID["graph/stories#"])  # marks, in the pending graph (dropped at the end of each update)
_P = f"<{PENDING_GRAPH}>"
_WINDOW = f'"P{WINDOW_DAYS}D"^^xsd:dayTimeDuration'
_AFFECTED, _OLD = f"<{_TMP}affected>", f"<{_TMP}old>"


def _facts(e: str, key: str, x: str, stated: str) -> str:
    """A subquery binding each marked mention ``e`` to its story key, date (event date, else publication
    date) and whether the date is stated (an event date other than the publication date)."""
    d, p, doc = f"{e}D", f"{e}P", f"{e}Doc"
    return f"""{{ SELECT {e} {key} {x} {stated} WHERE {{ GRAPH {_P} {{ {e} {_AFFECTED} true }}
      LATERAL {{ GRAPH {doc} {{ {e} dipl:storyKey {key} ; prov:wasDerivedFrom {doc} }} }}
      LATERAL {{ OPTIONAL {{ GRAPH {doc} {{ {e} dcterms:date {d} }} }} }}
      LATERAL {{ OPTIONAL {{ GRAPH {doc} {{ {doc} dcterms:date {p} }} }} }}
      BIND(COALESCE({d}, {p}) AS {x}) BIND(BOUND({d}) && (!BOUND({p}) || {d} != {p}) AS {stated}) }} }}"""


# steps 1 and 2: each mention with its stated date, or the latest stated date of its key at most WINDOW_DAYS
# before it (?anchor unbound: none)
_ANCHORED = f"""{{ SELECT ?e ?key ?x ?stated (MAX(?a) AS ?anchor) WHERE {{
      {_facts("?e", "?key", "?x", "?stated")}
      OPTIONAL {{ {_facts("?ea", "?key", "?a", "?sa")} FILTER(?sa && !?stated && ?a <= ?x && ?a >= ?x - {_WINDOW}) }}
    }} GROUP BY ?e ?key ?x ?stated }}"""
# step 3: the dates of the rest (loose), and those with no other loose date within WINDOW_DAYS before (starts)
_LOOSE = f"""{{ SELECT DISTINCT ?key (?x AS %s) WHERE {{ {_ANCHORED} FILTER(!?stated && BOUND(?x) && !BOUND(?anchor)) }} }}"""
_STARTS = f"""{{ SELECT ?key ?u WHERE {{ {_LOOSE % "?u"}
      OPTIONAL {{ {_LOOSE % "?v"} FILTER(?v < ?u && ?v >= ?u - {_WINDOW}) }}
      FILTER(!BOUND(?v)) }} }}"""


def _story(date_or_doc: str) -> str:
    """The expression of a story IRI from ``?key`` and a date (or document) expression."""
    return f'IRI(CONCAT("{_STORY}", REPLACE(STRAFTER(STR(?key), "{_KEY_PREFIX}"), "/", "_"), "_", {date_or_doc}))'


# the story events of the marked mentions: the old ones of those mentions go, the new ones come
_GROUP = (
    f"""DELETE {{ GRAPH $graph {{ ?story ?p ?o }} }}
WHERE {{ GRAPH {_P} {{ ?story {_OLD} true }} LATERAL {{ GRAPH $graph {{ ?story ?p ?o }} }} }}""",
    f"""INSERT {{ GRAPH $graph {{ ?story a dipl:StoryEvent ; dipl:storyGroup ?key ; dipl:hasReport ?e }} }}
WHERE {{
  {{ SELECT ?e ?key ?x ?stated ?anchor (MAX(?u) AS ?start) WHERE {{
      {_ANCHORED}
      OPTIONAL {{ {_STARTS} FILTER(!?stated && !BOUND(?anchor) && ?u <= ?x) }}
    }} GROUP BY ?e ?key ?x ?stated ?anchor }}
  LATERAL {{ GRAPH ?doc {{ ?e prov:wasDerivedFrom ?doc }} }}
  BIND(IF(?stated, ?x, COALESCE(?anchor, ?start)) AS ?first)
  BIND({_story('IF(BOUND(?x), STR(?first), STRAFTER(STR(?doc), "/doc/"))')} AS ?story)
}}""",
)
_CLEAR = f"DELETE {{ GRAPH {_P} {{ ?s ?p true }} }} WHERE {{ VALUES ?p {{ {_AFFECTED} {_OLD} }} GRAPH {_P} {{ ?s ?p true }} }}"

# Which mentions to group again (marked affected) and which stories they replace (marked old). Every lookup
# into the document graphs or the story events graph is LATERAL: one index lookup per mention or story,
# never a join with the whole graph.
_ALL_OF_MARKED_KEYS = (  # after a removal or a replacement: every mention and story of the marked keys
    f"INSERT {{ GRAPH {_P} {{ ?e {_AFFECTED} true }} }} WHERE {{ $keys LATERAL {{ GRAPH ?doc {{ ?e dipl:storyKey ?key }} }} }}",
    f"INSERT {{ GRAPH {_P} {{ ?story {_OLD} true }} }} WHERE {{ $keys LATERAL {{ GRAPH $graph {{ ?story dipl:storyGroup ?key }} }} }}",
)
_NEAR_NEW_MENTIONS = (  # new documents: their mentions, those sharing a window with one, and their stories' mentions
    _CLEAR,  # the marked keys are regrouped already
    f"""INSERT {{ GRAPH {_P} {{ ?e {_AFFECTED} true }} }}
${{using}}WHERE {{ $docs GRAPH ?doc {{ ?e dipl:storyKey ?key }} FILTER NOT EXISTS {{ $keys }} }}""",
    f"""INSERT {{ GRAPH {_P} {{ ?n {_AFFECTED} true }} }}
WHERE {{ GRAPH {_P} {{ ?e {_AFFECTED} true }} LATERAL {{ GRAPH ?doc {{ ?e dipl:storyWindow ?w }} }}
        VALUES ?step {{ -1 0 1 }}  # the window and the two beside it (a month or a year has none beside it)
        BIND(IF(?step = 0, ?w, IRI(CONCAT(REPLACE(STR(?w), "[^/]*$$", ""),
                                          STR(xsd:integer(REPLACE(STR(?w), "^.*/", "")) + ?step)))) AS ?near)
        FILTER(BOUND(?near))
        LATERAL {{ GRAPH ?other {{ ?n dipl:storyWindow ?near }} }}
        FILTER NOT EXISTS {{ GRAPH {_P} {{ ?n {_AFFECTED} true }} }} }}""",
    f"""INSERT {{ GRAPH {_P} {{ ?story {_OLD} true }} }}
WHERE {{ GRAPH {_P} {{ ?n {_AFFECTED} true }} LATERAL {{ GRAPH $graph {{ ?story dipl:hasReport ?n }} }} }}""",
    f"""INSERT {{ GRAPH {_P} {{ ?e {_AFFECTED} true }} }}
WHERE {{ GRAPH {_P} {{ ?story {_OLD} true }} LATERAL {{ GRAPH $graph {{ ?story dipl:hasReport ?e }} }}
        FILTER NOT EXISTS {{ GRAPH {_P} {{ ?e {_AFFECTED} true }} }} }}""",
)

STORIES = register(MaintainedGraph(
    name="stories",
    iri=STORIES_GRAPH,
    keys="?e dipl:storyKey ?key",
    recompute=(*_ALL_OF_MARKED_KEYS, *_GROUP),
    add=(*_NEAR_NEW_MENTIONS, *_GROUP),
))
