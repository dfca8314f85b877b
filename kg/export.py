"""Write the store out: RDF files for semantic-web tools, GraphML/GEXF for network tools.

Document graphs are exported; the ontology graph stays out (it ships in ``ontology/``).
"""
from __future__ import annotations

from pathlib import Path

from rdflib import Dataset, Graph

from .store import KnowledgeGraph
from .vocab import ONTOLOGY_GRAPH, PREFIXES

__all__ = ["EXPORT_FORMATS", "export"]

RDF_FORMATS = {"ttl": "turtle", "nt": "nt", "jsonld": "json-ld", "trig": "trig", "nq": "nquads"}
NETWORK_FORMATS = {"graphml", "gexf"}
EXPORT_FORMATS = tuple(RDF_FORMATS) + tuple(sorted(NETWORK_FORMATS))


def _bind(g: Graph) -> None:
    for prefix, ns in PREFIXES.items():
        g.bind(prefix, ns)


def export(kg: KnowledgeGraph, fmt: str, out: str | Path, weight: str = "stories") -> Path:
    """Write the store to ``out`` in ``fmt`` (one of EXPORT_FORMATS) and return the path. Network formats
    weigh each actor pair by its story events (``weight="stories"``) or its mentions (``"mentions"``) and
    carry both counts."""
    out = Path(out)
    out.parent.mkdir(parents=True, exist_ok=True)
    if fmt in NETWORK_FORMATS:
        import networkx as nx

        from .network import to_networkx, weigh

        network = weigh(to_networkx(kg, details=False), weight)
        g = nx.DiGraph()  # GraphML/GEXF want plain attributes: the classes of a pair joined in "classes"
        for n, d in network.nodes(data=True):
            g.add_node(n, label=d["label"], type=d["type"], role=d["role"], aliases="|".join(d["aliases"]))
        for s, o, d in network.edges(data=True):
            e = g.get_edge_data(s, o) or {"classes": "", "weight": 0, "mentions": 0, "stories": 0}
            g.add_edge(s, o, classes="|".join(filter(None, [e["classes"], d["cls"]])), weight=e["weight"] + d["weight"],
                       mentions=e["mentions"] + d["count"], stories=e["stories"] + d["stories"])
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
