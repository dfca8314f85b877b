"""The actor network as a networkx graph, read from the store with SPARQL.

Nodes are actors (``label``, ``type``, ``role``, ``aliases``); edges are
aggregated per (source, target, class) with ``count``, dates and up to three
evidence sentences. ``subgraph`` and ``most_central`` cut a view out of it
(ego network, weight, class, dates; the most central actors). Pure reading:
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
from .vocab import EVENT_TYPES

if TYPE_CHECKING:
    from .store import KnowledgeGraph

__all__ = ["to_networkx", "NODES_QUERY", "EDGES_QUERY", "find_actor", "subgraph", "most_central", "Reduction",
           "resolve_classes"]

NODES_QUERY = """
SELECT ?a ?type ?label (SAMPLE(?r) AS ?role) (GROUP_CONCAT(DISTINCT ?alias; separator="|") AS ?aliases)
       (GROUP_CONCAT(DISTINCT ?affLabel; separator="|") AS ?affiliations)
WHERE {
  ?a a ?type ; skos:prefLabel ?label .
  VALUES ?type { dipl:Country dipl:Person dipl:Organization }
  OPTIONAL { ?a dipl:role ?r }
  OPTIONAL { ?a skos:altLabel ?alias }
  OPTIONAL { ?a dipl:actsFor ?aff . ?aff skos:prefLabel ?affLabel }
} GROUP BY ?a ?type ?label
"""

EDGES_QUERY = """
SELECT ?s ?o ?cls ?negated ?modality ?date ?sentence ?doc WHERE {
  ?e a dipl:Event ; dipl:source ?s ; dipl:target ?o ; dipl:eventType ?t ;
     dipl:negated ?negated ; dipl:modality ?modality ; dipl:sentence ?sentence ; prov:wasDerivedFrom ?d .
  ?t skos:prefLabel ?cls .
  OPTIONAL { ?e dcterms:date ?date }
  OPTIONAL { ?d dcterms:identifier ?doc }
}
"""


def to_networkx(kg: KnowledgeGraph) -> nx.MultiDiGraph:
    """Read the actor network from ``kg``.

    Edge keys are PLOVER classes; each edge has ``count``, ``negated`` (all
    mentions negated or hypothetical), ``dates`` and ``evidence`` [(sentence, doc)].
    """
    g = nx.MultiDiGraph()
    for row in kg.query(NODES_QUERY):
        a, typ, label, role, aliases, affs = row
        g.add_node(str(a), label=str(label), type=str(typ).rsplit("#", 1)[-1], role=str(role) if role else "",
                   aliases=sorted(set(str(aliases).split("|")) - {""}) if aliases else [],
                   affiliations=sorted(set(str(affs).split("|")) - {""}) if affs else [])
    agg: dict[tuple[str, str, str], dict] = defaultdict(lambda: {"count": 0, "weak": 0, "dates": set(), "evidence": []})
    for s, o, cls, negated, modality, date, sentence, doc in kg.query(EDGES_QUERY):
        e = agg[(str(s), str(o), str(cls))]
        e["count"] += 1
        e["weak"] += bool(negated.toPython()) or str(modality) == "hypothetical"
        if date:
            e["dates"].add(str(date))
        if len(e["evidence"]) < 3 and (str(sentence), str(doc)) not in e["evidence"]:
            e["evidence"].append((str(sentence), str(doc or "")))
    for (s, o, cls), e in sorted(agg.items()):
        if s not in g or o not in g:
            continue
        et = EVENT_TYPES[cls]
        g.add_edge(s, o, key=cls, cls=cls, count=e["count"], negated=e["weak"] == e["count"],
                   dates=sorted(e["dates"]), evidence=e["evidence"], quad=et.quad, intensity=et.intensity)
    return g


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
    hint = f"close matches: {', '.join(close)}" if close else "no close match; list actors with kg stats or kg query"
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
    or IRI) only actors within ``hops`` of it over the kept edges remain. When
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
        h = nx.MultiDiGraph(h.subgraph(near))
    h.graph.update(g.graph)
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
