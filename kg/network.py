"""The actor network as a networkx graph, read from the store's maintained graphs.

Nodes are actors (``label``, ``type``, ``role``, ``aliases``, ``affiliations``)
from the actors graph; edges are the network graph's ``dipl:Edge`` nodes, one
per (source, target, class), with ``count`` (mentions), ``stories`` (story events, :mod:`kg.stories`),
``weight`` (one of the two, :func:`weigh`), ``negated`` and, once
:func:`add_details` has read the events, ``dates``, the highest confidence and
a bounded number of event mentions (:data:`MENTIONS`, the most recent first;
:func:`mentions_query` pages through the rest). Each query reads one graph
without joins through labels, so its rows grow with the number of actors and
edges, never with how many documents repeat them. ``subgraph`` and
``most_central`` cut a view out of it (ego network, weight, class, dates; the
most central actors); :func:`read_view` does both and reads event details only
for the edges kept. Pure reading: nothing here draws or writes files.
"""
from __future__ import annotations

import difflib
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from typing import TYPE_CHECKING

import networkx as nx

from .errors import KGError
from .layout import ACTORS_GRAPH, NETWORK_GRAPH
from .stories import STORIES_GRAPH
from .vocab import AFFILIATION_CONFIDENCE, EVENT_TYPES

if TYPE_CHECKING:
    from .store import KnowledgeGraph

__all__ = ["to_networkx", "weigh", "WEIGHTS", "add_details", "add_documents", "read_view", "mentions_query",
           "mention_rows", "MENTIONS", "MENTION_ORDER", "DOCUMENTS", "find_actor", "subgraph", "most_central",
           "Reduction", "resolve_classes"]

NODES_QUERY = f"""
SELECT ?a ?type ?label WHERE {{
  GRAPH <{ACTORS_GRAPH}> {{ ?a a ?type ; skos:prefLabel ?label }}
  VALUES ?type {{ dipl:Country dipl:Person dipl:Organization }}
}}"""

NAMES_QUERY = f"""
SELECT ?a ?p ?v WHERE {{
  VALUES ?p {{ skos:altLabel dipl:role dipl:actsFor dipl:subtype dipl:countryCode }}
  GRAPH <{ACTORS_GRAPH}> {{ ?a ?p ?v }}
}}"""

# how sure the store is of each side an official acts for (the highest confidence of the documents' statements)
MEMBERSHIPS_QUERY = f"""
SELECT ?a ?side ?confidence WHERE {{
  GRAPH <{ACTORS_GRAPH}> {{ ?ms org:member ?a ; org:organization ?side ; dipl:confidence ?confidence }}
}}"""
_BASIS = {c: basis for basis, c in AFFILIATION_CONFIDENCE.items()}  # a membership keeps its best statement's

# one column of the network graph's edges at a time: a scan of one property is several times cheaper than a
# join of seven (Oxigraph looks each joined value up again)
EDGE_COLUMN_QUERY = f"SELECT ?edge ?v WHERE {{ GRAPH <{NETWORK_GRAPH}> {{ ?edge dipl:%s ?v }} }}"
EDGE_COLUMNS = {"edgeSource": "s", "edgeTarget": "o", "edgeType": "t", "eventCount": "n", "assertedCount": "asserted",
                "firstDate": "first", "lastDate": "last"}

STORIES_QUERY = f"""
SELECT ?edge (COUNT(DISTINCT ?story) AS ?stories) WHERE {{  # counted here, not kept (kg.stories)
  GRAPH <{STORIES_GRAPH}> {{ ?story dipl:hasReport ?e }} ?e dipl:edge ?edge
}} GROUP BY ?edge"""

# the events of an edge, most recent first, then most confident (undated and unscored last), then by IRI:
# the page carries the first ``mentions`` of each edge and kg serve's /mentions pages through the rest
MENTION_ORDER = "ORDER BY DESC(COALESCE(STR(?date), \"\")) DESC(COALESCE(?confidence, -1)) ?e"

RANK_QUERY = """
SELECT ?e ?edge ?date ?confidence WHERE {
  %s?e dipl:edge ?edge .
  OPTIONAL { ?e dcterms:date ?date }
  OPTIONAL { ?e dipl:confidence ?confidence }
}"""

DETAILS_QUERY = """
SELECT ?e ?sentence ?trigger ?modality ?negated ?d ?reporter WHERE {
  %s?e dipl:sentence ?sentence ; prov:wasDerivedFrom ?d ; dipl:trigger ?trigger ; dipl:modality ?modality ;
     dipl:negated ?negated .
  OPTIONAL { ?e dipl:reportedBy ?reporter }
}"""

# the same, one property at a time over every event of the store, for views that show most of them; an
# event's document is the graph it lives in (docs/graph-layout.md)
EVENT_EDGE_QUERY = "SELECT ?e ?v ?d WHERE { GRAPH ?d { ?e dipl:edge ?v } }"
EVENT_COLUMN_QUERY = "SELECT ?e ?v WHERE { ?e %s ?v }"
DETAIL_COLUMNS = {"sentence": "dipl:sentence", "trigger": "dipl:trigger", "modality": "dipl:modality",
                  "negated": "dipl:negated", "d": "prov:wasDerivedFrom", "reporter": "dipl:reportedBy"}

MENTIONS_QUERY = """
SELECT ?e ?edge ?date ?confidence ?sentence ?trigger ?modality ?negated ?d ?reporter ?id ?title ?docdate WHERE {
  %s?e dipl:edge ?edge ; dipl:sentence ?sentence ; prov:wasDerivedFrom ?d ; dipl:trigger ?trigger ;
     dipl:modality ?modality ; dipl:negated ?negated .
  OPTIONAL { ?e dcterms:date ?date }
  OPTIONAL { ?e dipl:confidence ?confidence }
  OPTIONAL { ?e dipl:reportedBy ?reporter }
  OPTIONAL { ?d dcterms:identifier ?id }
  OPTIONAL { ?d dcterms:title ?title }
  OPTIONAL { ?d dcterms:date ?docdate }
} %s"""

MENTIONED_QUERY = "SELECT ?a ?d WHERE { ?a dipl:mentionedIn ?d }"

DOCUMENTS_QUERY = """
SELECT ?d ?id ?title ?date ?source WHERE {
  GRAPH ?d { ?d a dipl:Document ; dcterms:identifier ?id
             OPTIONAL { ?d dcterms:title ?title } OPTIONAL { ?d dcterms:date ?date }
             OPTIONAL { ?d dcterms:source ?source } }
}"""

MENTIONS = 20  # event mentions per edge that a page carries (the most recent, then the most confident)
DOCUMENTS = 50  # documents per actor that a page carries (the most recent)

_CLASS = {str(et.iri): name for name, et in EVENT_TYPES.items()}
_SKOS_ALT = "http://www.w3.org/2004/02/skos/core#altLabel"
_ROLE = "https://w3id.org/kg-dipl/ontology#role"
_ACTS_FOR = "https://w3id.org/kg-dipl/ontology#actsFor"
_SUBTYPE = "https://w3id.org/kg-dipl/ontology#subtype"
_COUNTRY = "https://w3id.org/kg-dipl/ontology#countryCode"


def to_networkx(kg: KnowledgeGraph, details: bool = True, mentions: int = MENTIONS) -> nx.MultiDiGraph:
    """Read the actor network from ``kg``.

    Officials have ``acts_for`` (side IRIs) and ``acts_for_confidence``: side IRI -> {confidence (0..1),
    basis ("text", "gazetteer", "inferred", or None for another value)} of the membership. Edge keys are PLOVER
    classes; each edge has ``iri``, ``count`` (event mentions, exact), ``stories`` (story
    events, the real-world events those mentions report), ``weight`` (``stories``), ``negated`` (every event
    negated or hypothetical), ``first``/``last`` (dates) and, with ``details`` (:func:`add_details`), ``dates``
    (sorted, distinct), ``conf`` (highest confidence), ``mentions`` (at most ``mentions`` of them) and
    ``evidence``.
    """
    g = nx.MultiDiGraph()
    for a, typ, label in kg.select(NODES_QUERY):
        g.add_node(a, label=label, type=typ.rsplit("#", 1)[-1], role="", aliases=[], affiliations=[])
    extra: dict[str, dict[str, set[str]]] = defaultdict(lambda: defaultdict(set))
    for a, p, v in kg.select(NAMES_QUERY):
        extra[a][p].add(v)
    for a, found in extra.items():
        if a not in g:
            continue
        d = g.nodes[a]
        d["aliases"] = sorted(found[_SKOS_ALT])
        roles: dict[str, str] = {}  # each role once, whatever its casing ("President", "president")
        for role in sorted(found[_ROLE]):
            roles.setdefault(role.casefold(), role)
        d["role"] = ", ".join(sorted(roles.values()))
        d["affiliations"] = sorted(g.nodes[x]["label"] if x in g else x.rsplit("/", 1)[-1] for x in found[_ACTS_FOR])
        d["acts_for"] = sorted(found[_ACTS_FOR])
        d["subtype"] = ", ".join(sorted(found[_SUBTYPE]))
        d["country"] = min(found[_COUNTRY], default="")
    for a, side, confidence in kg.select(MEMBERSHIPS_QUERY):
        if a in g:
            c = float(confidence)
            g.nodes[a].setdefault("acts_for_confidence", {})[side] = {"confidence": c, "basis": _BASIS.get(c)}
    columns: dict[str, dict[str, str]] = defaultdict(dict)
    for prop, name in EDGE_COLUMNS.items():
        for edge, v in kg.select(EDGE_COLUMN_QUERY % prop):
            columns[edge][name] = v
    stories = dict(kg.select(STORIES_QUERY))
    for edge, c in sorted(columns.items()):
        s, o, t = c.get("s"), c.get("o"), c.get("t")
        if s not in g or o not in g or t not in _CLASS or "n" not in c:
            continue
        cls, n = _CLASS[t], int(c["n"])
        et = EVENT_TYPES[cls]
        g.add_edge(s, o, key=cls, iri=edge, cls=cls, count=n, stories=int(stories.get(edge) or n),
                   weight=int(stories.get(edge) or n), negated=int(c.get("asserted", 0)) == 0, dates=[], evidence=[],
                   mentions=[], first=c.get("first", ""), last=c.get("last", ""), quad=et.quad,
                   intensity=et.intensity)
    if details:
        add_details(kg, g, mentions)
    return g


WEIGHTS = {"stories": "story events: each real-world event once, however many articles report it",
           "mentions": "event mentions: every report counts"}


def weigh(g: nx.MultiDiGraph, by: str = "stories") -> nx.MultiDiGraph:
    """Set each edge's ``weight`` to its story events (``by="stories"``) or its mentions (``"mentions"``),
    in place; returns ``g``. Raises ValueError for another ``by``.

    >>> g = nx.MultiDiGraph(); _ = g.add_edge("a", "b", key="ACCUSE", count=5, stories=2)
    >>> weigh(g, "mentions").edges["a", "b", "ACCUSE"]["weight"]
    5
    """
    if by not in WEIGHTS:
        raise ValueError(f"unknown weight {by!r}; choose one of {', '.join(WEIGHTS)}")
    for _, _, d in g.edges(data=True):
        d["weight"] = d.get("stories", d["count"]) if by == "stories" else d["count"]  # no story count: mentions
    return g


def _values(var: str, iris: list[str], batch: int) -> list[str]:
    """``VALUES ?var { ... }`` blocks of at most ``batch`` IRIs each."""
    return [f"VALUES ?{var} {{ " + " ".join(f"<{i}>" for i in iris[k:k + batch]) + " }\n  "
            for k in range(0, len(iris), batch)]


def _latest(events: list[tuple[str, float, str]], n: int) -> list[tuple[str, float, str]]:
    """The first ``n`` of (date, confidence, event IRI) in :data:`MENTION_ORDER`: latest date, then highest
    confidence ("" and -1 for none), then IRI.

    >>> _latest([("2024-01", 0.5, "e/b"), ("", 0.9, "e/c"), ("2024-01", 0.5, "e/a"), ("2024-02", -1, "e/d")], 3)
    [('2024-02', -1, 'e/d'), ('2024-01', 0.5, 'e/a'), ('2024-01', 0.5, 'e/b')]
    """
    return sorted(sorted(events, key=lambda x: x[2]), key=lambda x: (x[0], x[1]), reverse=True)[:n]


def add_details(kg: KnowledgeGraph, g: nx.MultiDiGraph, mentions: int = MENTIONS,
                batch: int = 500) -> nx.MultiDiGraph:
    """Fill each edge's ``dates`` (sorted, distinct), ``conf`` (its highest confidence, or None), ``mentions``
    and ``evidence``, and the actors' documents (:func:`add_documents`); in place, returns ``g``.

    ``mentions`` holds at most ``mentions`` events of the edge in :data:`MENTION_ORDER` (most recent first),
    each {sentence, trigger, modality, negated, confidence, reporter, date, doc (graph IRI), event (IRI tail)};
    the edge's ``count`` stays the exact number. ``evidence`` is up to three distinct sentences of those, with
    their documents' identifiers. A view holding a large share of the store's edges reads every event one
    property at a time (a scan each, streamed: only the events kept stay in memory); a smaller view reads its
    edges' events through VALUES, ``batch`` edges at a time.
    """
    where = {d["iri"]: (s, o, k) for s, o, k, d in g.edges(keys=True, data=True) if "iri" in d}
    if where:
        (total,), = kg.select(f"SELECT (COUNT(*) AS ?n) WHERE {{ GRAPH <{NETWORK_GRAPH}> {{ ?e a dipl:Edge }} }}")
        scan = len(where) * 4 > int(total)
        ranked: dict[str, list[tuple[str, float, str]]] = defaultdict(list)
        if scan:
            edge_of, doc_of = {}, {}
            for e, edge, doc in kg.select(EVENT_EDGE_QUERY):
                if edge in where:
                    edge_of[e], doc_of[e] = edge, doc
            dated = {e: v for e, v in kg.select(EVENT_COLUMN_QUERY % "dcterms:date") if e in edge_of}
            scored = {e: v for e, v in kg.select(EVENT_COLUMN_QUERY % "dipl:confidence") if e in edge_of}
            rows = ((e, edge, dated.get(e), scored.get(e)) for e, edge in edge_of.items())
        else:
            rows = (row for values in _values("edge", sorted(where), batch) for row in kg.select(RANK_QUERY % values))
        for e, edge, date, confidence in rows:
            ranked[edge].append((date or "", float(confidence) if confidence else -1.0, e))
        kept = {edge: _latest(events, mentions) for edge, events in ranked.items()}
        info: dict[str, dict[str, str]] = {e: {} for events in kept.values() for _, _, e in events}
        if scan and info:
            for e, i in info.items():
                i["d"] = doc_of[e]
            for name, prop in DETAIL_COLUMNS.items():
                if name == "d":
                    continue
                for e, v in kg.select(EVENT_COLUMN_QUERY % prop):
                    if e in info:
                        info[e][name] = v
        else:
            for values in _values("e", sorted(info), batch):
                for e, *row in kg.select(DETAILS_QUERY % values):
                    info[e] = {k: v for k, v in zip(DETAIL_COLUMNS, row) if v is not None}
        for edge, events in ranked.items():
            d = g.edges[where[edge]]
            d["dates"] = sorted({date for date, _, _ in events if date})
            d["conf"] = max((c for _, c, _ in events if c >= 0), default=None)
            d["mentions"] = [{"sentence": i["sentence"], "trigger": i.get("trigger", ""),
                              "modality": i.get("modality", ""), "negated": i.get("negated") == "true",
                              "confidence": c if c >= 0 else None, "reporter": _name(g, i.get("reporter")),
                              "date": date, "doc": i.get("d", ""), "event": e.rsplit("/", 1)[-1]}
                             for date, c, e in kept[edge] if "sentence" in (i := info[e])]
    add_documents(kg, g)
    docs = g.graph["documents"]
    for _, _, d in g.edges(data=True):
        if d.get("mentions"):
            evidence: dict[str, str] = {}
            for m in d["mentions"]:
                evidence.setdefault(m["sentence"], docs.get(m["doc"], {}).get("id", m["doc"]))
            d["evidence"] = list(evidence.items())[:3]
    return g


def _name(g: nx.MultiDiGraph, actor: str | None) -> str:
    """An actor's label in ``g``, else the tail of its IRI ("" for None)."""
    return g.nodes[actor]["label"] if actor in g else (actor or "").rsplit("/", 1)[-1]


def add_documents(kg: KnowledgeGraph, g: nx.MultiDiGraph, limit: int = DOCUMENTS) -> nx.MultiDiGraph:
    """Give each actor of ``g`` its ``ndocs`` (documents that mention it), ``documents`` (graph IRIs of the
    ``limit`` most recent of them, latest first) and ``first``/``last`` seen (the earliest and latest date of
    those documents and of its edges), and ``g.graph["documents"]``: graph IRI -> {id, title, date, source}
    for every document. In place; returns ``g``."""
    docs: dict[str, dict] = g.graph.setdefault("documents", {})
    for doc, ident, title, date, source in kg.select(DOCUMENTS_QUERY):
        docs.setdefault(doc, {"id": ident, "title": title or "", "date": date or "", "source": source or ""})
    mentioned: dict[str, list[str]] = defaultdict(list)
    for a, doc in kg.select(MENTIONED_QUERY):
        if a in g and doc in docs:
            mentioned[a].append(doc)
    seen: dict[str, list[str]] = defaultdict(list)  # each actor's dates from its edges
    for s, o, e in g.edges(data=True):
        dates = [x for x in (e.get("first"), e.get("last")) if x]
        if e.get("dates"):
            dates += [e["dates"][0], e["dates"][-1]]
        seen[s] += dates
        seen[o] += dates
    for n, d in g.nodes(data=True):
        own = sorted(set(mentioned.get(n, ())), key=lambda x: (docs[x]["date"], x), reverse=True)
        d["documents"], d["ndocs"] = own[:limit], len(own)
        dates = [docs[x]["date"] for x in own if docs[x]["date"]] + seen.get(n, [])
        d["first"], d["last"] = (min(dates), max(dates)) if dates else ("", "")
    return g


def mentions_query(edges: list[str], offset: int = 0, limit: int = 100) -> str:
    """SPARQL for the events of ``edges`` (edge IRIs) in :data:`MENTION_ORDER`, ``limit`` of them from
    ``offset``: one row per event with its document's identifier, title and date (what kg serve's
    ``/mentions`` answers; the rows of :func:`mention_rows`)."""
    return MENTIONS_QUERY % ("".join(_values("edge", sorted(set(edges)), len(edges) or 1)),
                             f"{MENTION_ORDER} OFFSET {int(offset)} LIMIT {int(limit)}")


def mention_rows(results: dict) -> list[dict]:
    """The events of SPARQL JSON ``results`` of :func:`mentions_query` as the page's mentions: {sentence,
    trigger, modality, negated, confidence, reporter (IRI tail), date, event (IRI tail), doc: {key, id, title,
    date}}."""
    out = []
    for b in results["results"]["bindings"]:
        v = {k: x["value"] for k, x in b.items()}
        out.append({"sentence": v["sentence"], "trigger": v["trigger"], "modality": v["modality"],
                    "negated": v["negated"] == "true",
                    "confidence": float(v["confidence"]) if "confidence" in v else None,
                    "reporter": v.get("reporter", "").rsplit("/", 1)[-1], "date": v.get("date", ""),
                    "event": v["e"].rsplit("/", 1)[-1],
                    "doc": {"key": v["d"].rstrip("/").rsplit("/", 1)[-1], "id": v.get("id", v["d"]),
                            "title": v.get("title", ""), "date": v.get("docdate", "")}})
    return out


def read_view(kg: KnowledgeGraph, *, actor: str | None = None, hops: int = 1, min_weight: int = 1,
              classes: Iterable[str] | None = None, since: str | None = None, until: str | None = None,
              mentions: int = MENTIONS, max_nodes: int | None = None) -> tuple[nx.MultiDiGraph, nx.MultiDiGraph]:
    """(whole network, filtered view with dates and at most ``mentions`` mentions per edge). A view of more
    than ``max_nodes`` actors is cut to its most central ones first (:func:`most_central`; the cut is in
    ``view.graph["reduction"]``); event details are read for the view's edges only, unless a date filter
    needs them for every edge first."""
    dated = bool(since or until)
    g = to_networkx(kg, details=dated, mentions=mentions)
    view = subgraph(g, actor=actor, hops=hops, min_weight=min_weight, classes=classes, since=since, until=until)
    if max_nodes is not None:
        view, _ = most_central(view, max_nodes)
    if not dated:
        add_details(kg, view, mentions)
    return g, view


def _names(g: nx.MultiDiGraph, n: str) -> list[str]:
    d = g.nodes[n]
    return [d.get("label", ""), *d.get("aliases", [])]


def find_actor(g: nx.MultiDiGraph, name: str) -> str:
    """The node of ``g`` whose IRI, IRI tail, label or alias is ``name`` (case-insensitive).

    Raises KGError listing the closest names when nothing matches.
    """
    if name in g:
        return name
    key = name.strip().casefold()
    by_label = [n for n in g if g.nodes[n].get("label", "").casefold() == key]
    by_tail = [n for n in g if str(n).rstrip("/").rsplit("/", 1)[-1].casefold() == key]
    by_alias = [n for n in g if key in (a.casefold() for a in g.nodes[n].get("aliases", []))]
    for found in (by_label, by_tail, by_alias):
        if found:  # several actors may share a name: the busiest wins
            return max(found, key=lambda n: (g.degree(n), str(n)))
    names = sorted({x for n in g for x in _names(g, n) if x})
    folded = {x.casefold(): x for x in names}
    close = [folded[c] for c in difflib.get_close_matches(key, list(folded), n=5, cutoff=0.6)]
    close += [x for x in names if key and key in x.casefold() and x not in close][: 5 - len(close)]
    hint = f"close matches: {', '.join(close)}" if close else "no close match; list the actors with kg query --name actors"
    raise KGError(f"no actor named {name!r} in the graph; {hint}")


def resolve_classes(names: Iterable[str]) -> set[str]:
    """PLOVER classes named by ``names``: class names (ACCUSE) or quad classes (MaterialConflict, material-conflict)."""
    quads = {et.quad.casefold(): et.quad for et in EVENT_TYPES.values()}
    out: set[str] = set()
    for raw in names:
        name = raw.strip()
        flat = name.replace("-", "").replace("_", "").replace(" ", "").casefold()
        if name.upper() in EVENT_TYPES:
            out.add(name.upper())
        elif flat in quads:
            out |= {c for c, et in EVENT_TYPES.items() if et.quad == quads[flat]}
        else:
            raise KGError(f"unknown class {name!r}; use a PLOVER class ({', '.join(EVENT_TYPES)}) "
                          f"or a quad class ({', '.join(sorted(set(quads.values())))})")
    return out


def _in_range(dates: list[str], since: str | None, until: str | None) -> bool:
    """True when one of the ISO ``dates`` lies in [since, until], compared on the common prefix, so a
    partial date ("2018", "2018-10") is in range when its year or month overlaps it.

    >>> _in_range(["2018"], "2018-06-01", None), _in_range(["2018-10"], None, "2018-09-30")
    (True, False)
    """
    def prefix(d: str, bound: str) -> tuple[str, str]:
        n = min(len(d), len(bound))
        return d[:n], bound[:n]

    return any((not since or prefix(d, since)[0] >= prefix(d, since)[1])
               and (not until or prefix(d, until)[0] <= prefix(d, until)[1]) for d in dates)


def subgraph(g: nx.MultiDiGraph, *, actor: str | None = None, hops: int = 1, min_weight: int = 1,
             classes: Iterable[str] | None = None, since: str | None = None,
             until: str | None = None) -> nx.MultiDiGraph:
    """A filtered copy of ``g`` (``g`` itself when nothing filters).

    Edges are kept when mentioned at least ``min_weight`` times, of one of
    ``classes`` (PLOVER or quad class names) and dated within [since, until]
    (undated edges go once a date bound is given). With ``actor`` (label, alias
    or IRI) only actors within ``hops`` of it over the kept edges remain, with
    the officials who act for them (their ``acts_for``). When
    any edge filter is set, actors left without edges are dropped.
    """
    wanted = resolve_classes(classes) if classes else None
    keep = [(s, o, k) for s, o, k, d in g.edges(keys=True, data=True)
            if d.get("count", 1) >= min_weight and (wanted is None or d["cls"] in wanted)
            and (not (since or until) or _in_range(d.get("dates", []), since, until))]
    filtered = bool(wanted is not None or min_weight > 1 or since or until)
    centre = find_actor(g, actor) if actor else None
    if not filtered and centre is None:
        return g  # nothing to cut
    h = nx.MultiDiGraph(g.edge_subgraph(keep)) if filtered else g
    if centre is not None:
        h.add_node(centre, **g.nodes[centre])
        near = nx.single_source_shortest_path_length(h.to_undirected(as_view=True), centre, cutoff=max(hops, 0))
        officials = {n for n, d in g.nodes(data=True) if any(a in near for a in d.get("acts_for", ()))}
        h = _induced(h, set(near) | officials)
        for n in officials - set(h):  # the officials of the actors in view come along, linked by acts-for
            h.add_node(n, **g.nodes[n])
    h.graph.update(g.graph)
    if centre is not None:
        h.graph["focus"] = {"id": centre, "hops": hops}  # the page starts focused on it
    return h


@dataclass(frozen=True)
class Reduction:
    """What ``most_central`` left out of a graph too large to draw."""

    total_nodes: int
    total_edges: int
    kept_nodes: int
    kept_edges: int

    def note(self) -> str:
        """A sentence for the page: what is missing and how to see it."""
        return (f"Showing the {self.kept_nodes:,} most central of {self.total_nodes:,} actors (degree centrality): "
                f"{self.total_nodes - self.kept_nodes:,} actors and {self.total_edges - self.kept_edges:,} relations "
                "are left out. To see them, narrow the graph: kg render --actor NAME --hops 2, --min-weight N, "
                "--class CLASS, --since DATE / --until DATE.")


def _induced(g: nx.MultiDiGraph, keep: set) -> nx.MultiDiGraph:
    """A copy of ``g`` with the nodes ``keep`` and the edges between them (faster than copying a subgraph view).

    >>> g = nx.MultiDiGraph([("a", "b"), ("b", "c")]); sorted(_induced(g, {"a", "b"}).edges())
    [('a', 'b')]
    """
    h = nx.MultiDiGraph()
    h.add_nodes_from((n, d) for n, d in g.nodes(data=True) if n in keep)
    h.add_edges_from((s, o, k, d) for s, o, k, d in g.edges(keys=True, data=True) if s in keep and o in keep)
    return h


def most_central(g: nx.MultiDiGraph, max_nodes: int) -> tuple[nx.MultiDiGraph, Reduction | None]:
    """``g`` cut down to its ``max_nodes`` most central actors, with a Reduction when anything was dropped
    (also kept as the cut graph's ``graph["reduction"]``, so that a later cut still reports it)."""
    if len(g) <= max_nodes:
        return g, g.graph.get("reduction")
    centrality = nx.degree_centrality(g)
    ranked = sorted(g, key=lambda n: (-centrality[n], str(n)))[:max_nodes]
    h = _induced(g, set(ranked))
    h.graph.update(g.graph)
    h.graph["reduction"] = Reduction(len(g), g.number_of_edges(), len(h), h.number_of_edges())
    return h, h.graph["reduction"]
