"""The actor network as a networkx graph, read from the store's maintained graphs.

Nodes are actors (``label``, ``type``, ``role``, ``aliases``, ``affiliations``)
from the actors graph; edges are the network graph's ``dipl:Edge`` nodes, one
per (source, target, class), with ``count`` (mentions), ``stories`` (story events, :mod:`kg.stories`),
``weight`` (one of the two, :func:`weigh`), ``negated`` and, once
:func:`add_details` has read the events, ``dates`` and up to three evidence
sentences. Each query reads one graph without joins through labels, so its
rows grow with the number of actors and edges, never with how many documents
repeat them. ``subgraph`` and ``most_central`` cut a view out of it (ego
network, weight, class, dates; the most central actors); :func:`read_view`
does both and reads event details only for the edges kept. Pure reading:
nothing here draws or writes files.
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
from .vocab import EVENT_TYPES

if TYPE_CHECKING:
    from .store import KnowledgeGraph

__all__ = ["to_networkx", "weigh", "WEIGHTS", "add_details", "add_documents", "DOCUMENTS_QUERY", "read_view", "NODES_QUERY", "NAMES_QUERY", "EDGES_QUERY", "DETAILS_QUERY",
           "find_actor", "subgraph", "most_central", "Reduction", "resolve_classes"]

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

EDGES_QUERY = f"""
SELECT ?edge ?s ?o ?t ?n ?asserted ?first ?last ?stories WHERE {{
  GRAPH <{NETWORK_GRAPH}> {{ ?edge a dipl:Edge ; dipl:edgeSource ?s ; dipl:edgeTarget ?o ; dipl:edgeType ?t ;
                                 dipl:eventCount ?n ; dipl:assertedCount ?asserted
                             OPTIONAL {{ ?edge dipl:firstDate ?first ; dipl:lastDate ?last }} }}
  OPTIONAL {{ {{ SELECT ?edge (COUNT(DISTINCT ?story) AS ?stories) WHERE {{  # counted here, not kept (kg.stories)
      GRAPH <{STORIES_GRAPH}> {{ ?story dipl:hasReport ?e }} GRAPH ?d {{ ?e dipl:edge ?edge }} }} GROUP BY ?edge }} }}
}}"""

DETAILS_QUERY = """
SELECT ?edge ?date ?id ?sentence ?e ?trigger ?modality ?negated ?confidence ?reporter ?d WHERE {
  %s?e dipl:edge ?edge ; dipl:sentence ?sentence ; prov:wasDerivedFrom ?d ; dipl:trigger ?trigger ;
     dipl:modality ?modality ; dipl:negated ?negated .
  OPTIONAL { ?e dcterms:date ?date }
  OPTIONAL { ?e dipl:confidence ?confidence }
  OPTIONAL { ?e dipl:reportedBy ?reporter }
  OPTIONAL { ?d dcterms:identifier ?id }
}"""

DOCUMENTS_QUERY = """
SELECT ?a ?d ?id ?title ?date ?source WHERE {
  GRAPH ?d { ?a dipl:mentionedIn ?d . ?d dcterms:identifier ?id
             OPTIONAL { ?d dcterms:title ?title } OPTIONAL { ?d dcterms:date ?date }
             OPTIONAL { ?d dcterms:source ?source } }
}"""

_CLASS = {str(et.iri): name for name, et in EVENT_TYPES.items()}
_SKOS_ALT = "http://www.w3.org/2004/02/skos/core#altLabel"
_ROLE = "https://w3id.org/kg-dipl/ontology#role"
_ACTS_FOR = "https://w3id.org/kg-dipl/ontology#actsFor"
_SUBTYPE = "https://w3id.org/kg-dipl/ontology#subtype"
_COUNTRY = "https://w3id.org/kg-dipl/ontology#countryCode"


def to_networkx(kg: KnowledgeGraph, details: bool = True) -> nx.MultiDiGraph:
    """Read the actor network from ``kg``.

    Edge keys are PLOVER classes; each edge has ``iri``, ``count`` (event mentions), ``stories`` (story
    events, the real-world events those mentions report), ``weight`` (``stories``), ``negated`` (every event
    negated or hypothetical) and, with ``details``, ``dates`` (sorted, distinct) and ``evidence``
    [(sentence, document identifier)], at most three distinct sentences.
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
        d["role"] = ", ".join(sorted(found[_ROLE]))
        d["affiliations"] = sorted(g.nodes[x]["label"] if x in g else x.rsplit("/", 1)[-1] for x in found[_ACTS_FOR])
        d["acts_for"] = sorted(found[_ACTS_FOR])
        d["subtype"] = ", ".join(sorted(found[_SUBTYPE]))
        d["country"] = min(found[_COUNTRY], default="")
    for edge, s, o, t, n, asserted, first, last, stories in sorted(kg.select(EDGES_QUERY), key=lambda r: r[:6]):
        if s not in g or o not in g:
            continue
        cls = _CLASS[t]
        et = EVENT_TYPES[cls]
        g.add_edge(s, o, key=cls, iri=edge, cls=cls, count=int(n), stories=int(stories or n), weight=int(stories or n),
                   negated=int(asserted) == 0, dates=[], evidence=[], mentions=[], first=first or "", last=last or "",
                   quad=et.quad, intensity=et.intensity)
    if details:
        add_details(kg, g)
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


def add_details(kg: KnowledgeGraph, g: nx.MultiDiGraph, batch: int = 500) -> nx.MultiDiGraph:
    """Fill each edge's ``dates`` and ``evidence`` from its events (in place; returns ``g``).

    A large share of all edges is read in one pass over the events, a few through VALUES in batches of
    ``batch`` edges. Evidence is the first three distinct sentences by (date, document).
    """
    where = {d["iri"]: (s, o, k) for s, o, k, d in g.edges(keys=True, data=True) if "iri" in d}
    if not where:
        return g
    total = int(next(iter(kg.select(f"SELECT (COUNT(*) AS ?n) WHERE {{ GRAPH <{NETWORK_GRAPH}> "
                                     f"{{ ?e a dipl:Edge }} }}")))[0])
    if len(where) * 4 > total:
        chunks = [""]
    else:
        iris = sorted(where)
        chunks = ["VALUES ?edge { " + " ".join(f"<{i}>" for i in iris[k:k + batch]) + " }\n  "
                  for k in range(0, len(iris), batch)]
    found: dict[str, list[tuple]] = defaultdict(list)
    for values in chunks:
        for edge, date, ident, sentence, e, trigger, modality, negated, conf, reporter, doc in kg.select(
                DETAILS_QUERY % values):
            if edge in where:
                found[edge].append((date or "", ident or "", sentence, e, trigger, modality, negated, conf, reporter,
                                    doc))
    for edge, rows in found.items():
        d = g.edges[where[edge]]
        rows.sort()
        d["dates"] = sorted({row[0] for row in rows if row[0]})
        evidence: list[tuple[str, str]] = []
        seen: set[str] = set()
        for _, ident, sentence, *_rest in rows:
            if sentence not in seen and len(evidence) < 3:
                seen.add(sentence)
                evidence.append((sentence, ident))
        d["evidence"] = evidence
        d["mentions"] = [{"sentence": sentence, "trigger": trigger, "modality": modality,
                          "negated": negated == "true", "confidence": float(conf) if conf else None,
                          "reporter": g.nodes[rep]["label"] if rep in g else (rep or "").rsplit("/", 1)[-1],
                          "date": date, "doc": doc, "event": e.rsplit("/", 1)[-1]}
                         for date, _, sentence, e, trigger, modality, negated, conf, rep, doc in rows]
    add_documents(kg, g)
    return g


def add_documents(kg: KnowledgeGraph, g: nx.MultiDiGraph) -> nx.MultiDiGraph:
    """Give each actor of ``g`` its ``documents`` (graph IRIs, by date) and ``first``/``last`` seen (the earliest
    and latest date of those documents and of its events), and ``g.graph["documents"]``: graph IRI ->
    {id, title, date, source}. In place; returns ``g``."""
    docs: dict[str, dict] = g.graph.setdefault("documents", {})
    mentioned: dict[str, set[str]] = defaultdict(set)
    for a, doc, ident, title, date, source in kg.select(DOCUMENTS_QUERY):
        if a in g:
            mentioned[a].add(doc)
            docs.setdefault(doc, {"id": ident, "title": title or "", "date": date or "", "source": source or ""})
    for n, d in g.nodes(data=True):
        own = sorted(mentioned.get(n, ()), key=lambda x: (docs[x]["date"], x))
        d["documents"] = own
        dates = [docs[x]["date"] for x in own if docs[x]["date"]]
        for _, _, e in [*g.out_edges(n, data=True), *g.in_edges(n, data=True)]:
            dates += e.get("dates", [])
        d["first"], d["last"] = (min(dates), max(dates)) if dates else ("", "")
    return g


def read_view(kg: KnowledgeGraph, *, actor: str | None = None, hops: int = 1, min_weight: int = 1,
              classes: Iterable[str] | None = None, since: str | None = None,
              until: str | None = None) -> tuple[nx.MultiDiGraph, nx.MultiDiGraph]:
    """(whole network, filtered view with dates and evidence): event details are read for the view's edges
    only, unless a date filter needs them for every edge first."""
    dated = bool(since or until)
    g = to_networkx(kg, details=dated)
    view = subgraph(g, actor=actor, hops=hops, min_weight=min_weight, classes=classes, since=since, until=until)
    if not dated:
        add_details(kg, view)
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
    """A filtered copy of ``g``.

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
    h = nx.MultiDiGraph(g.edge_subgraph(keep)) if filtered else nx.MultiDiGraph(g)
    centre = find_actor(g, actor) if actor else None
    if centre is not None:
        h.add_node(centre, **g.nodes[centre])
        near = nx.single_source_shortest_path_length(h.to_undirected(as_view=True), centre, cutoff=max(hops, 0))
        officials = {n for n, d in g.nodes(data=True) if any(a in near for a in d.get("acts_for", ()))}
        h = nx.MultiDiGraph(h.subgraph(set(near) | officials))
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


def most_central(g: nx.MultiDiGraph, max_nodes: int) -> tuple[nx.MultiDiGraph, Reduction | None]:
    """``g`` cut down to its ``max_nodes`` most central actors, with a Reduction when anything was dropped."""
    if len(g) <= max_nodes:
        return g, None
    centrality = nx.degree_centrality(g)
    ranked = sorted(g, key=lambda n: (-centrality[n], str(n)))[:max_nodes]
    h = nx.MultiDiGraph(g.subgraph(ranked))
    h.graph.update(g.graph)
    return h, Reduction(len(g), g.number_of_edges(), len(h), h.number_of_edges())
