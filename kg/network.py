"""The actor network as a networkx graph, read from the store with SPARQL.

Nodes are actors (``label``, ``type``, ``role``, ``aliases``); edges are
aggregated per (source, target, class) with ``count``, dates and up to three
evidence sentences. Pure reading: nothing here draws or writes files.
"""
from __future__ import annotations

from collections import defaultdict

import networkx as nx

from .store import KnowledgeGraph
from .vocab import EVENT_TYPES

__all__ = ["to_networkx", "NODES_QUERY", "EDGES_QUERY"]

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
