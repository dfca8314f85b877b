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
mentions that share a ``dipl:storyWindow`` with one (:func:`kg.rdf.story_windows`:
the same key, at most :data:`WINDOW_DAYS` apart), and every mention of those
mentions' stories. That set is closed under the rule (an addition only turns
chained reports into reports of a stated date, and a chain is regrouped whole), so
the result equals grouping all mentions of the key, at a cost that grows with the
batch, not with the store. A removal or a replacement regroups every mention of the
keys the old version touched (found through the ``dipl:storyKey`` index). Every
lookup into the document graphs and the story events graph is LATERAL (one index
lookup per mention or story), and an edge's ``dipl:storyCount`` is updated by
difference (the old stories along it out, the new ones in).

Each story event has ``dipl:hasReport`` links to its mentions (each ``prov:wasDerivedFrom``
its document), first and last publication dates, counts of reports, documents and
sources (URL hosts), the majority class (``dipl:storyType``; the others as
``dipl:alternativeType``), majority negation and modality with the dissent as
counts, and ``dipl:alongEdge`` to the network edges of its mentions; each such
edge gets ``dipl:storyCount``, its weight in story events.

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
_TMP = str(ID["graph/stories#"])  # working facts, in the pending graph (dropped at the end of each update)
_P = f"<{PENDING_GRAPH}>"
_WINDOW = f'"P{WINDOW_DAYS}D"^^xsd:dayTimeDuration'


def _t(name: str) -> str:
    return f"<{_TMP}{name}>"


def _story(date_or_doc: str) -> str:
    """The expression of a story IRI from ``?key`` and a date (or document) expression."""
    return f'IRI(CONCAT("{_STORY}", REPLACE(STRAFTER(STR(?key), "{_KEY_PREFIX}"), "/", "_"), "_", {date_or_doc}))'


_HOST = 'IF(isIRI(?src), REPLACE(STR(?src), "^[a-zA-Z][a-zA-Z0-9+.-]*://(www\\\\.)?([^/:?#]*).*$$", "$$2"), STR(?src))'
_MENTIONS = f"GRAPH {_P} {{ ?e {_t('key')} ?key ; {_t('date')} ?x ; {_t('stated')} %s }}"
_CLEAR = f"DELETE {{ GRAPH {_P} {{ ?s ?p ?o }} }} WHERE {{ GRAPH {_P} {{ ?s ?p ?o FILTER(STRSTARTS(STR(?p), \"{_TMP}\")) }} }}"

# Which mentions to group again (tmp:affected) and which stories they replace (tmp:old). Every lookup into the
# document graphs or the story events graph is LATERAL: one index lookup per mention or story, never a join
# with the whole graph.
_ALL_OF_MARKED_KEYS = (  # after a removal or a replacement: every mention and story of the marked keys
    _CLEAR,
    f"INSERT {{ GRAPH {_P} {{ ?e {_t('affected')} true }} }} WHERE {{ $keys LATERAL {{ GRAPH ?doc {{ ?e dipl:storyKey ?key }} }} }}",
    f"INSERT {{ GRAPH {_P} {{ ?story {_t('old')} true }} }} WHERE {{ $keys LATERAL {{ GRAPH $graph {{ ?story dipl:storyGroup ?key }} }} }}",
)
_NEAR_NEW_MENTIONS = (  # new documents: their mentions, those sharing a window with one, and their stories' mentions
    _CLEAR,
    f"""INSERT {{ GRAPH {_P} {{ ?e {_t('affected')} true . ?w {_t('window')} true }} }}
${{using}}WHERE {{ $docs GRAPH ?doc {{ ?e dipl:storyKey ?key OPTIONAL {{ ?e dipl:storyWindow ?w }} }} FILTER NOT EXISTS {{ $keys }} }}""",
    f"""INSERT {{ GRAPH {_P} {{ ?e {_t('affected')} true }} }}
WHERE {{ GRAPH {_P} {{ ?w {_t('window')} true }} LATERAL {{ GRAPH ?doc {{ ?e dipl:storyWindow ?w }} }} }}""",
    f"""INSERT {{ GRAPH {_P} {{ ?story {_t('old')} true }} }}
WHERE {{ GRAPH {_P} {{ ?n {_t('affected')} true }} LATERAL {{ GRAPH $graph {{ ?story dipl:hasReport ?n }} }} }}""",
    f"""INSERT {{ GRAPH {_P} {{ ?e {_t('affected')} true }} }}
WHERE {{ GRAPH {_P} {{ ?story {_t('old')} true }} LATERAL {{ GRAPH $graph {{ ?story dipl:hasReport ?e }} }} }}""",
)

# the affected mentions' stories, as working facts
_GROUP = (
    # the old stories go; the edges they ran along lose them
    f"""INSERT {{ GRAPH {_P} {{ ?edge {_t('minus')} ?story }} }}
WHERE {{ GRAPH {_P} {{ ?story {_t('old')} true }} LATERAL {{ GRAPH $graph {{ ?story dipl:alongEdge ?edge }} }} }}""",
    f"""DELETE {{ GRAPH $graph {{ ?story ?p ?o }} }}
WHERE {{ GRAPH {_P} {{ ?story {_t('old')} true }} LATERAL {{ GRAPH $graph {{ ?story ?p ?o }} }} }}""",
    # what the stories need of each mention and its document, read from the document graph once (later
    # operations read the pending graph alone)
    f"""INSERT {{ GRAPH {_P} {{ ?e {_t('key')} ?key ; {_t('doc')} ?doc ; {_t('date')} ?x ; {_t('stated')} ?stated ;
                              {_t('type')} ?t ; {_t('negated')} ?neg ; {_t('modality')} ?mod ; {_t('edge')} ?edge .
                           ?doc {_t('published')} ?p ; {_t('host')} ?host }} }}
WHERE {{ GRAPH {_P} {{ ?e {_t('affected')} true }}
        LATERAL {{ GRAPH ?doc {{ ?e dipl:storyKey ?key ; dipl:eventType ?t ; dipl:negated ?neg ; dipl:modality ?mod ;
                                dipl:edge ?edge ; prov:wasDerivedFrom ?doc }} }}
        LATERAL {{ GRAPH ?doc {{ ?doc dcterms:source ?src }} }}
        LATERAL {{ OPTIONAL {{ GRAPH ?doc {{ ?e dcterms:date ?d }} }} }}
        LATERAL {{ OPTIONAL {{ GRAPH ?doc {{ ?doc dcterms:date ?p }} }} }}
        BIND({_HOST} AS ?host)
        BIND(COALESCE(?d, ?p) AS ?x)
        BIND(BOUND(?d) && (!BOUND(?p) || ?d != ?p) AS ?stated) }}""",
    # 1. a stated date is a story
    f"""INSERT {{ GRAPH {_P} {{ ?key {_t('anchor')} ?x . ?e {_t('story')} ?story }} }}
WHERE {{ {_MENTIONS % 'true'} BIND({_story('STR(?x)')} AS ?story) }}""",
    # 2. an undated report joins the latest stated date at most WINDOW_DAYS before it
    f"""INSERT {{ GRAPH {_P} {{ ?e {_t('story')} ?story }} }}
WHERE {{ {{ SELECT ?e ?key (MAX(?a) AS ?anchor) WHERE {{
           {_MENTIONS % 'false'} GRAPH {_P} {{ ?key {_t('anchor')} ?a }}
           FILTER(?a <= ?x && ?a >= ?x - {_WINDOW}) }} GROUP BY ?e ?key }}
        BIND({_story('STR(?anchor)')} AS ?story) }}""",
    # 3. the rest chain: a date with no other within WINDOW_DAYS before it starts a story
    f"""INSERT {{ GRAPH {_P} {{ ?key {_t('loose')} ?x }} }}
WHERE {{ {_MENTIONS % 'false'} FILTER NOT EXISTS {{ GRAPH {_P} {{ ?e {_t('story')} ?any }} }} }}""",
    f"""INSERT {{ GRAPH {_P} {{ ?key {_t('start')} ?u }} }}
WHERE {{ GRAPH {_P} {{ ?key {_t('loose')} ?u }}
        FILTER NOT EXISTS {{ GRAPH {_P} {{ ?key {_t('loose')} ?v }} FILTER(?v < ?u && ?v >= ?u - {_WINDOW}) }} }}""",
    f"""INSERT {{ GRAPH {_P} {{ ?e {_t('story')} ?story }} }}
WHERE {{ {{ SELECT ?e ?key (MAX(?u) AS ?start) WHERE {{
           {_MENTIONS % 'false'} GRAPH {_P} {{ ?key {_t('start')} ?u }} FILTER(?u <= ?x)
           FILTER NOT EXISTS {{ GRAPH {_P} {{ ?e {_t('story')} ?any }} }} }} GROUP BY ?e ?key }}
        BIND({_story('STR(?start)')} AS ?story) }}""",
    # 4. no date at all: a story of its document
    f"""INSERT {{ GRAPH {_P} {{ ?e {_t('story')} ?story }} }}
WHERE {{ GRAPH {_P} {{ ?e {_t('key')} ?key ; {_t('doc')} ?doc FILTER NOT EXISTS {{ GRAPH {_P} {{ ?e {_t('date')} ?x }} }} }}
        BIND({_story('STRAFTER(STR(?doc), "/doc/")')} AS ?story) }}""",
)

# the story events of the working facts (the pending graph only)
_AGGREGATE = f"GRAPH {_P} {{ ?e {_t('story')} ?story ; {_t('key')} ?key ; {_t('doc')} ?doc ; {_t('type')} ?t ; " \
             f"{_t('negated')} ?neg ; {_t('modality')} ?mod ; {_t('edge')} ?edge }}"
_MAJORITY = """SELECT ?story (MAX(CONCAT(SUBSTR(STR(?n + 1000000), 2), STR(?v))) AS ?best) WHERE {
      { SELECT ?story ?v (COUNT(?e) AS ?n) WHERE { %s BIND(%s AS ?v) } GROUP BY ?story ?v } } GROUP BY ?story"""
_DESCRIBE = (
    f"""INSERT {{ GRAPH $graph {{
    ?story a dipl:StoryEvent ; dipl:storyGroup ?key ; dipl:storySource ?s ; dipl:storyTarget ?o ; dcterms:date ?date ;
           dipl:reportCount ?n ; dipl:reportingDocuments ?docs ; dipl:reportingSources ?sources ;
           dipl:firstReported ?first ; dipl:lastReported ?last ; dipl:negatedReports ?negated ;
           dipl:hypotheticalReports ?hypothetical ; dipl:storyNegated ?majorityNegated }} }}
WHERE {{ {{ SELECT ?story ?key (COUNT(?e) AS ?n) (COUNT(DISTINCT ?doc) AS ?docs) (COUNT(DISTINCT ?host) AS ?sources)
                   (MIN(?pub) AS ?first) (MAX(?pub) AS ?last) (MIN(?x) AS ?date)
                   (SUM(IF(?neg, 1, 0)) AS ?negated) (SUM(IF(?mod = "hypothetical", 1, 0)) AS ?hypothetical)
           WHERE {{ {_AGGREGATE} GRAPH {_P} {{ ?doc {_t('host')} ?host OPTIONAL {{ ?doc {_t('published')} ?pub }}
                                              OPTIONAL {{ ?e {_t('date')} ?x }} }} }}
           GROUP BY ?story ?key }}
        BIND(STRAFTER(STR(?key), "{_KEY_PREFIX}") AS ?k)
        BIND(IRI(CONCAT(STR(actor:), STRBEFORE(?k, "/"))) AS ?s)
        BIND(IRI(CONCAT(STR(actor:), STRBEFORE(STRAFTER(?k, "/"), "/"))) AS ?o)
        BIND(2 * ?negated > ?n AS ?majorityNegated) }}""",
    f"""INSERT {{ GRAPH $graph {{ ?story dipl:storyType ?type }} GRAPH {_P} {{ ?story {_t('main')} ?type }} }}
WHERE {{ {{ {_MAJORITY % (_AGGREGATE, 'STR(?t)')} }} BIND(IRI(SUBSTR(?best, 7)) AS ?type) }}""",
    f"""INSERT {{ GRAPH $graph {{ ?story dipl:storyModality ?modality }} }}
WHERE {{ {{ {_MAJORITY % (_AGGREGATE, 'STR(?mod)')} }} BIND(SUBSTR(?best, 7) AS ?modality) }}""",
    f"""INSERT {{ GRAPH $graph {{ ?story dipl:hasReport ?e ; dipl:alternativeType ?alt ; dipl:alongEdge ?edge }}
               GRAPH {_P} {{ ?edge {_t('plus')} ?story }} }}
WHERE {{ {_AGGREGATE} GRAPH {_P} {{ ?story {_t('main')} ?main }}
        BIND(IF(?t != ?main, ?t, ?none) AS ?alt) }}""",
    # an edge's story count: the stories it had, less the old ones along it, plus the new ones
    f"""DELETE {{ GRAPH $graph {{ ?edge dipl:storyCount ?old }} }}
INSERT {{ GRAPH $graph {{ ?edge dipl:storyCount ?count }} }}
WHERE {{ {{ SELECT ?edge (COUNT(DISTINCT ?added) AS ?plus) (COUNT(DISTINCT ?gone) AS ?minus) WHERE {{
           {{ GRAPH {_P} {{ ?edge {_t('plus')} ?added }} }} UNION {{ GRAPH {_P} {{ ?edge {_t('minus')} ?gone }} }}
         }} GROUP BY ?edge }}
        LATERAL {{ OPTIONAL {{ GRAPH $graph {{ ?edge dipl:storyCount ?old }} }} }}
        BIND(COALESCE(?old, 0) + ?plus - ?minus AS ?n)
        BIND(IF(?n > 0, ?n, ?none) AS ?count) }}""",
)

STORIES = register(MaintainedGraph(
    name="stories",
    iri=STORIES_GRAPH,
    keys="?e dipl:storyKey ?key",
    recompute=(*_ALL_OF_MARKED_KEYS, *_GROUP, *_DESCRIBE),
    add=(*_NEAR_NEW_MENTIONS, *_GROUP, *_DESCRIBE),
))
