"""Write the store out: RDF files for semantic-web tools, GraphML/GEXF for network tools.

Document graphs are exported; the ontology graph stays out (it ships in ``ontology/``).
"""
from __future__ import annotations

from pathlib import Path

import networkx as nx
from rdflib import Dataset, Graph

from .store import KnowledgeGraph
from .vocab import ONTOLOGY_GRAPH, PREFIXES

__all__ = ["EXPORT_FORMATS", "export", "network_for_tools"]

RDF_FORMATS = {"ttl": "turtle", "nt": "nt", "jsonld": "json-ld", "trig": "trig", "nq": "nquads"}
NETWORK_FORMATS = {"graphml", "gexf"}
EXPORT_FORMATS = tuple(RDF_FORMATS) + tuple(sorted(NETWORK_FORMATS))


def _bind(g: Graph) -> None:
    for prefix, ns in PREFIXES.items():
        g.bind(prefix, ns)


def network_for_tools(network: nx.MultiDiGraph) -> nx.MultiDiGraph:
    """The actor network with plain attributes for Gephi, GraphML and GEXF readers.

    Nodes: ``label``, ``type``, ``sector``, ``country``, ``role``, ``aliases`` ("|"-joined). Edges, one per
    (source, target, class), keyed by the class: ``kind`` "relation", ``relation`` (PLOVER class), ``count``,
    ``quad`` (quad class), ``intensity``, ``first_date``/``last_date`` and ``start``/``end`` (GEXF spells, so
    Gephi's timeline plays; absent when undated), ``negated``; and one edge per official and the side it acts
    for, ``kind`` "actsFor", keyed "actsFor".
    """
    g = nx.MultiDiGraph()
    for n, d in network.nodes(data=True):
        g.add_node(n, label=d.get("label", n), type=d.get("type", ""), sector=d.get("subtype") or "",
                   country=d.get("country") or "", role=d.get("role") or "", aliases="|".join(d.get("aliases", [])))
    for s, o, d in network.edges(data=True):
        dates = sorted(d.get("dates", []))
        first, last = d.get("first") or (dates[0] if dates else ""), d.get("last") or (dates[-1] if dates else "")
        attrs = {"kind": "relation", "relation": d["cls"], "count": int(d["count"]), "quad": d["quad"],
                 "intensity": float(d["intensity"]), "negated": bool(d.get("negated")), "weight": float(d["count"])}
        if first:
            attrs.update(first_date=first, last_date=last, start=first, end=last)
        g.add_edge(s, o, key=d["cls"], **attrs)
    for n, d in network.nodes(data=True):
        for side in d.get("acts_for", []):
            if side in network and side != n:
                g.add_edge(n, side, key="actsFor", kind="actsFor", relation="actsFor", count=1, weight=1.0)
    return g


def export(kg: KnowledgeGraph, fmt: str, out: str | Path) -> Path:
    """Write the store to ``out`` in ``fmt`` (one of EXPORT_FORMATS) and return the path."""
    out = Path(out)
    out.parent.mkdir(parents=True, exist_ok=True)
    if fmt in NETWORK_FORMATS:
        from .network import to_networkx

        g = network_for_tools(to_networkx(kg, details=False))
        (nx.write_graphml if fmt == "graphml" else nx.write_gexf)(g, out)
        return out
    if fmt not in RDF_FORMATS:
        raise ValueError(f"unknown export format {fmt!r}; choose one of {', '.join(EXPORT_FORMATS)}")
    rows = kg.query(f"SELECT ?g ?s ?p ?o WHERE {{ GRAPH ?g {{ ?s ?p ?o }} FILTER(?g != <{ONTOLOGY_GRAPH}>) }}")
    if fmt in {"trig", "nq"}:
        ds = Dataset()
        _bind(ds)
        for g, s, p, o in rows:
            ds.graph(g).add((s, p, o))
        ds.serialize(destination=str(out), format=RDF_FORMATS[fmt])
    else:
        graph = Graph()
        _bind(graph)
        for _, s, p, o in rows:
            graph.add((s, p, o))
        graph.serialize(destination=str(out), format=RDF_FORMATS[fmt])
    return out
