"""Which named graph holds what, and how the maintained graphs follow the documents.

Every triple lives in exactly one named graph (see docs/graph-layout.md):

* one **document graph** per document, named by the document's IRI, holding
  only what that document says (:mod:`kg.rdf`): the document, its events, its
  mentions;
* **maintained graphs** holding what is true across documents, once:
  :data:`ACTORS_GRAPH` (type, labels, roles, sides, W3C ORG posts and
  memberships of every actor) and :data:`NETWORK_GRAPH` (one ``dipl:Edge`` per
  source, target and class with counts and dates, and the direct
  ``dipl:sanctions``-style edges);
* the ontology graph (:data:`kg.vocab.ONTOLOGY_GRAPH`).

A maintained graph is a :class:`MaintainedGraph`. :func:`write_update` wraps
document writes in one SPARQL update request:

1. mark for recomputation the keys (actors, edges) that the *old* versions of
   the documents touch (``keys`` pattern), before they go;
2. replace or drop the document graphs;
3. ``retract`` (or ``recompute``): drop each fact of the marked keys that no
   remaining document supports, looking its support up (the cost of a removal
   grows with the facts of the keys it touches, not with their evidence); or
   forget and re-derive the marked keys' facts from all document graphs (the
   cost grows with how much evidence those keys have);
4. ``add``: fold the new documents' contributions into the facts of the keys
   they touch (the cost grows with the batch, not with the store: building
   10,000 documents costs 100 times building 100);
5. drop the marks.

One request is one transaction on Oxigraph (embedded or ``oxigraph serve``) and
on Fuseki, so a crash at any moment leaves document and maintained graphs
consistent. Every derived value is an order-independent function of the set of
documents (sets, sums, minima and maxima under fixed orders), so a store that
was built in any order, interrupted and resumed, or had documents replaced, is
identical to a clean build of the same documents.

To add a maintained graph (a later stage, e.g. story events), write its
:class:`MaintainedGraph` and pass it to :func:`register`; every write and
:func:`recompute_all` then keep it.

>>> [m.name for m in MAINTAINED]
['actors', 'network', 'stories']
"""
from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from string import Template

from rdflib import URIRef

from .vocab import ID, ONTOLOGY_GRAPH, PREFIXES

__all__ = ["ACTORS_GRAPH", "NETWORK_GRAPH", "PENDING_GRAPH", "STALE_GRAPH", "RECOMPUTE", "MaintainedGraph", "MAINTAINED",
           "register", "maintained_graphs", "system_graphs", "write_update", "stale_update", "refresh_stale_update",
           "recompute_all", "LAYOUT_VERSION", "UPGRADES", "upgrade_update"]

# 1: every document graph repeated the actors it mentions and their direct edges; 2: no story events; 3: story keys
# without their sides (dipl:storySource, dipl:storyTarget)
LAYOUT_VERSION = 4
ACTORS_GRAPH = ID["graph/actors"]
NETWORK_GRAPH = ID["graph/network"]
PENDING_GRAPH = ID["graph/pending"]  # keys to recompute; exists only inside one update request
STALE_GRAPH = ID["graph/stale"]  # keys whose facts may lag behind the documents (a long document being written)
RECOMPUTE = ID["graph/recompute"]  # predicate of the marks: ?key RECOMPUTE <maintained graph>
LOST = ID["graph/lost"]  # ?key LOST property: a functional value no document supports any more (retract)
_PROLOGUE = "".join(f"PREFIX {p}: <{iri}>\n" for p, iri in PREFIXES.items())  # once per request: Oxigraph wants it first


@dataclass(frozen=True)
class MaintainedGraph:
    """A graph kg derives from the document graphs and keeps in step with them.

    ``keys`` is a SPARQL group pattern matched inside ``GRAPH ?doc { ... }``; it binds ``?key`` to each
    thing of this graph that a document contributes to. ``recompute`` and ``add`` are SPARQL update
    operations (read documents with ``GRAPH ?doc``: updates see the real default graph, not the union)
    in which these placeholders are filled in:

    * ``$graph``: this graph's IRI;
    * ``$keys``: a pattern binding ``?key`` to each key marked for recomputation;
    * ``$using`` (before ``WHERE``) and ``$docs`` (first in the group that holds ``GRAPH ?doc``), which
      together limit ``GRAPH ?doc`` to the documents just inserted (``add`` only). With ``using_named``
      (the embedded store) ``$using`` is ``USING NAMED`` clauses for those documents, the maintained
      graphs, the marks and the ontology, and Oxigraph reads those graphs alone; otherwise (servers:
      ``oxigraph serve --union-default-graph`` refuses USING) ``$docs`` is ``VALUES ?doc { ... }``;
    * ``$values``: ``VALUES ?doc { ... }`` on every store (``add`` only), for an operation that reads the
      documents just inserted and, by index lookups, others too.

    ``recompute`` must delete every fact of the marked keys and derive them again from all document
    graphs; ``add`` must fold the documents just inserted into the facts of the keys they touch, leaving the
    marked keys alone where folding twice would count twice (test ``$keys`` with FILTER NOT EXISTS).

    ``group`` (optional) is a pattern matched inside ``GRAPH ?doc { ... }`` with ``?key`` bound, binding
    ``?group``: keys of one group are re-derived from each other's evidence (the mentions of one story), so
    a document written in pieces re-derives a group's stale keys in one update rather than once per key
    (:meth:`kg.store.KnowledgeGraph.write_in_pieces`).

    ``retract`` (optional) replaces ``recompute`` in document writes (not in :func:`recompute_all`): it
    must leave each marked key with the facts the remaining documents support, looking each fact's support
    up rather than re-reading all of the key's evidence. Only for graphs whose ``add`` is idempotent and
    folds into the marked keys too (sets and maxima: folding twice changes nothing).
    """

    name: str
    iri: URIRef
    keys: str
    recompute: tuple[str, ...]
    add: tuple[str, ...]
    retract: tuple[str, ...] | None = None
    group: str | None = None

    def marked(self) -> str:
        """The pattern binding ``?key`` to this graph's marked keys."""
        return f"GRAPH <{PENDING_GRAPH}> {{ ?key <{RECOMPUTE}> <{self.iri}> }}"

    def mark(self, docs: Iterable[str] | None, using_named: bool = True) -> str:
        """The operation that marks the keys of the documents ``docs`` (graph IRIs; None: of every document)."""
        if docs is None or using_named:
            return (f"INSERT {{ GRAPH <{PENDING_GRAPH}> {{ ?key <{RECOMPUTE}> <{self.iri}> }} }}\n"
                    f"{_using(docs)}WHERE {{ GRAPH ?doc {{ {self.keys} }} }}")
        return (f"INSERT {{ GRAPH <{PENDING_GRAPH}> {{ ?key <{RECOMPUTE}> <{self.iri}> }} }}\n"
                f"WHERE {{ VALUES ?doc {{ {' '.join(f'<{d}>' for d in docs)} }} GRAPH ?doc {{ {self.keys} }} }}")

    def recompute_operations(self, retract: bool = False) -> list[str]:
        """The ``recompute`` operations (``retract``: the ``retract`` ones where the graph has them)."""
        ops = self.retract if retract and self.retract is not None else self.recompute
        return [Template(op).substitute(graph=f"<{self.iri}>", keys=self.marked()) for op in ops]

    def add_operations(self, docs: Iterable[str], using_named: bool = True) -> list[str]:
        docs = list(docs)
        using = _using([*docs, *system_graphs(), PENDING_GRAPH]) if using_named else ""
        values = "VALUES ?doc { " + " ".join(f"<{d}>" for d in docs) + " }"
        return [Template(op).substitute(graph=f"<{self.iri}>", keys=self.marked(), using=using,
                                        docs="" if using_named else values, values=values)
                for op in self.add]


def _using(graphs: Iterable[str] | None) -> str:
    """USING NAMED clauses for ``graphs`` (None: none, every named graph is read)."""
    return "" if graphs is None else "".join(f"USING NAMED <{g}>\n" for g in graphs)


MAINTAINED: list[MaintainedGraph] = []


def register(graph: MaintainedGraph) -> MaintainedGraph:
    """Add ``graph`` to the maintained graphs (replacing one of the same name); returns it."""
    MAINTAINED[:] = [m for m in MAINTAINED if m.name != graph.name] + [graph]
    return graph


def maintained_graphs() -> list[URIRef]:
    """IRIs of the maintained graphs."""
    return [m.iri for m in MAINTAINED]


def system_graphs() -> list[URIRef]:
    """Graphs that are not document graphs: the ontology and the maintained graphs."""
    return [ONTOLOGY_GRAPH, *maintained_graphs()]


def write_update(replace: Iterable[tuple[str, str]] = (), drop: Iterable[str] = (), using_named: bool = True) -> str:
    """One SPARQL update request that replaces the document graphs ``replace`` ((graph IRI, N-Triples) pairs),
    drops the graphs ``drop``, and brings every maintained graph up to date ("" when there is nothing to do).
    ``using_named``: the server takes ``USING NAMED`` in updates (see :class:`MaintainedGraph`)."""
    replace, drop = list(replace), list(drop)
    docs = [g for g, _ in replace] + drop
    if not docs:
        return ""
    ops = [*_STALE_TO_PENDING, *(m.mark(docs, using_named) for m in MAINTAINED)]
    for g, nt in replace:
        ops += [f"DROP SILENT GRAPH <{g}>", f"INSERT DATA {{ GRAPH <{g}> {{\n{nt}}} }}"]
    ops += [f"DROP SILENT GRAPH <{g}>" for g in drop]
    for m in MAINTAINED:
        ops += m.recompute_operations(retract=True)
    if replace:
        for m in MAINTAINED:
            ops += m.add_operations((g for g, _ in replace), using_named)
    ops.append(f"DROP SILENT GRAPH <{PENDING_GRAPH}>")
    return _PROLOGUE + " ;\n".join(ops)


_STALE_TO_PENDING = (f"ADD SILENT GRAPH <{STALE_GRAPH}> TO GRAPH <{PENDING_GRAPH}>",  # a write left unfinished
                     f"DROP SILENT GRAPH <{STALE_GRAPH}>")


def _marks(keys: Iterable[tuple[str, str]]) -> str:
    """``(key IRI, maintained graph IRI)`` pairs as the triples that mark them."""
    return "\n".join(f"<{key}> <{RECOMPUTE}> <{graph}> ." for key, graph in keys)


def stale_update(keys: Iterable[tuple[str, str]], graph: str | None = None, ntriples: str = "") -> str:
    """One SPARQL update request that adds N-Triples to the document graph ``graph`` and marks ``keys``
    (``(key IRI, maintained graph IRI)`` pairs, the keys they touch) stale in :data:`STALE_GRAPH`, for a
    document written in pieces (:meth:`kg.store.KnowledgeGraph.write_in_pieces`). The marks outlive the
    request: :func:`refresh_stale_update` recomputes them, and so does the next :func:`write_update` (after
    a crash)."""
    keys = list(keys)
    data = f"GRAPH <{STALE_GRAPH}> {{\n{_marks(keys)}\n}}" if keys else ""
    if graph is not None and ntriples:
        data += f" GRAPH <{graph}> {{\n{ntriples}}}"
    return f"INSERT DATA {{ {data} }}"


def refresh_stale_update(keys: Iterable[tuple[str, str]]) -> str:
    """One SPARQL update request that re-derives every fact of the stale ``keys`` (``(key IRI, maintained
    graph IRI)`` pairs) from all document graphs and unmarks them: the maintained graphs are brought up to
    date a few keys at a time, so the cost of one request is bounded by those keys' evidence."""
    keys = list(keys)
    graphs = {graph for _, graph in keys}
    ops = [f"INSERT DATA {{ GRAPH <{PENDING_GRAPH}> {{\n{_marks(keys)}\n}} }}",
           f"DELETE DATA {{ GRAPH <{STALE_GRAPH}> {{\n{_marks(keys)}\n}} }}"]
    for m in MAINTAINED:
        if str(m.iri) in graphs:  # a graph none of whose keys is marked has nothing to re-derive
            ops += m.recompute_operations()
    ops.append(f"DROP SILENT GRAPH <{PENDING_GRAPH}>")
    return _PROLOGUE + " ;\n".join(ops)


# version -> the operations that bring a store of that layout to the next one in place (a maintained graph adds its
# own, e.g. kg.stories); a layout without an entry cannot be upgraded (its documents lack what the new one needs)
UPGRADES: dict[int, tuple[str, ...]] = {}


def upgrade_update(version: int) -> str | None:
    """One SPARQL update request that brings a store of graph layout ``version`` to :data:`LAYOUT_VERSION` in place
    ("" when it is there already), or None when it cannot be upgraded (rebuild it from the documents). The caller
    refreshes the ontology graph in the same request.

    >>> upgrade_update(LAYOUT_VERSION), upgrade_update(1), upgrade_update(LAYOUT_VERSION + 1)
    ('', None, None)
    """
    if version == LAYOUT_VERSION:
        return ""
    steps = range(version, LAYOUT_VERSION)
    if not steps or not all(v in UPGRADES for v in steps):  # a newer kg's layout, or one without an upgrade
        return None
    return _PROLOGUE + " ;\n".join(op for v in steps for op in UPGRADES[v])


def recompute_all() -> str:
    """One SPARQL update request that derives every maintained graph afresh from all document graphs."""
    ops = [f"DROP SILENT GRAPH <{g}>" for g in (*maintained_graphs(), STALE_GRAPH)]
    ops += [m.mark(None) for m in MAINTAINED]
    for m in MAINTAINED:
        ops += m.recompute_operations()
    ops.append(f"DROP SILENT GRAPH <{PENDING_GRAPH}>")
    return _PROLOGUE + " ;\n".join(ops)


# ----------------------------------------------------------------------------- the actors graph
# Functional values are the best under a fixed order (a maximum: order-independent and foldable):
# the type by rank (Country > Organization > Person), the label by length (the fullest name any
# document gives, then the larger string), the country code as the larger string. Everything else
# is a set: every value some document states.

_RANK = 'IF(?v = dipl:Country, "3", IF(?v = dipl:Organization, "2", "1"))'
_LENGTH = "SUBSTR(STR(STRLEN(STR(?v)) + 1000), 2)"
_FUNCTIONAL = [  # (what a canonical mention states, the actor's property, order key, value from the best key)
    ("dipl:statedType ?v", "rdf:type", _RANK, "IRI(SUBSTR(?best, 2))"),
    # the canonical mention's form; its statedType tested apart: as a triple pattern Oxigraph 0.5 scans them all
    ("dipl:surfaceForm ?v FILTER EXISTS { ?m dipl:statedType ?t }", "skos:prefLabel", _LENGTH, "SUBSTR(?best, 4)"),
    ("dipl:statedCountryCode ?v", "dipl:countryCode", '""', "?best"),
]
_SETS = [("dipl:surfaceForm", "skos:altLabel"), ("dipl:statedSubtype", "dipl:subtype"),
         ("dipl:statedRole", "dipl:role"), ("dipl:statedActsFor", "dipl:actsFor"),
         ("dipl:statedSector", "dipl:sector"), ("dipl:statedPartOf", "dipl:partOf")]  # sectors: kg.sectors
_ACTOR = str(ID["actor/"])
_ORG_TEMPLATE = """
    ?role a org:Role .
    ?post a org:Post ; org:postIn ?org ; org:role ?role ; org:heldBy ?key .
    ?key org:holds ?post .
    ?ms a org:Membership ; org:member ?key ; org:organization ?org ; org:role ?role"""
# a title's slug, as kg.rdf.role_slug computes it ("$$": the $ of the template this text goes through)
_ROLE_SLUG = 'REPLACE(REPLACE(LCASE(?title), "[^\\\\p{L}\\\\p{N}]+", "-"), "^-+|-+$$", "")'
# the role is looked up outside GRAPH ?doc: an OPTIONAL inside it makes Oxigraph 0.5 scan every document per row
_ORG_WHERE = f"""?m dipl:mentionOf ?key ; dipl:statedType dipl:Person ; dipl:statedActsFor ?org }}
  OPTIONAL {{ GRAPH ?doc {{ ?m dipl:statedRole ?title }} }}
  BIND({_ROLE_SLUG} AS ?slug)
  BIND(IRI(CONCAT("{ID}role/", ?slug)) AS ?role)
  BIND(IRI(CONCAT("{ID}post/", STRAFTER(STR(?org), "{_ACTOR}"), "/", ?slug)) AS ?post)
  BIND(IRI(CONCAT("{ID}membership/", STRAFTER(STR(?key), "{_ACTOR}"), "/", STRAFTER(STR(?org), "{_ACTOR}"))) AS ?ms)"""
_GUARD = "{ SELECT ?any WHERE { $keys BIND(?key AS ?any) } LIMIT 1 }"  # clean-up only after a removal


def _best(source: str, using: str, stated: str, prop: str, order: str, value: str, fold: bool) -> str:
    """Set ``prop`` of each actor to the best value its mentions state (under ``order``, then the larger
    string). ``source`` finds the actors and documents to read; with ``fold`` the current value competes
    too, and a replaced label stays as an alias (labels are surface forms)."""
    current = (f"UNION {{ {{ SELECT DISTINCT ?key WHERE {{ {source} GRAPH ?doc {{ ?m dipl:mentionOf ?key }} }} }} "
               f"LATERAL {{ GRAPH $graph {{ ?key {prop} ?v }} }} }}") \
        if fold else ""
    also = " ; rdfs:label ?value" if prop == "skos:prefLabel" else ""
    alias = "?key skos:altLabel ?old ." if prop == "skos:prefLabel" and fold else ""
    return f"""DELETE {{ GRAPH $graph {{ ?key {prop} ?old{also.replace('?value', '?old')} }} }}
INSERT {{ GRAPH $graph {{ {alias} ?key {prop} ?value{also} }} }}
{using}WHERE {{
  {{ SELECT ?key (MAX(?k) AS ?best) WHERE {{
      {{ {source} GRAPH ?doc {{ ?m dipl:mentionOf ?key ; {stated} }} }} {current}
      BIND(CONCAT({order}, STR(?v)) AS ?k)
    }} GROUP BY ?key }}
  BIND({value} AS ?value)
  LATERAL {{ OPTIONAL {{ GRAPH $graph {{ ?key {prop} ?old }} }} }}
  FILTER(!BOUND(?old) || ?old != ?value)
}}"""


def _actor_operations(source: str, using: str, fold: bool) -> tuple[str, ...]:
    """The actors' facts from the documents that ``source`` (a pattern before ``GRAPH ?doc``) and ``using``
    (USING clauses) select; ``fold``: into the current facts, else into none."""
    ops = [_best(source, using, stated, prop, order, value, fold) for stated, prop, order, value in _FUNCTIONAL]
    ops += [f"INSERT {{ GRAPH $graph {{ ?key {prop} ?v }} }}\n{using}"  # only what is new: writes cost, reads not
            f"WHERE {{ {source} GRAPH ?doc {{ ?m dipl:mentionOf ?key ; {stated} ?v }} "
            f"FILTER NOT EXISTS {{ GRAPH $graph {{ ?key {prop} ?v }} }} }}" for stated, prop in _SETS]
    ops.append(f"""DELETE {{ GRAPH $graph {{ ?key skos:altLabel ?v }} }}
{using}WHERE {{ {{ SELECT DISTINCT ?key WHERE {{ {source} GRAPH ?doc {{ ?m dipl:mentionOf ?key }} }} }}
        GRAPH $graph {{ ?key skos:prefLabel ?v ; skos:altLabel ?v }} }}""")
    ops.append(_org(source, using))
    ops.append(_role_labels(source, using) if fold else
               _role_labels_again(f"{source} GRAPH $graph {{ ?held org:heldBy ?key ; org:role ?role }}"))
    ops.append(_membership_confidence(source, using))
    return tuple(ops)


def _org(source: str, using: str) -> str:
    """The W3C ORG posts, roles and memberships the people among ``source``'s actors hold, from the documents
    ``source`` and ``using`` select; only what is new."""
    return (f"INSERT {{ GRAPH $graph {{ {_ORG_TEMPLATE} }} }}\n{using}WHERE {{ {source} GRAPH ?doc {{ {_ORG_WHERE}\n"
            f"  FILTER(!(EXISTS {{ GRAPH $graph {{ ?ms org:member ?key }} }} && "
            f"(!BOUND(?post) || EXISTS {{ GRAPH $graph {{ ?post org:heldBy ?key }} }}))) }}")


def _role_labels(source: str, using: str) -> str:
    """Each org:Role's one label: of the titles the documents ``source`` and ``using`` select state for it (each
    as its text writes it: "President", "president"), and the label it has, the first in code-point order, so a
    capitalised title wins and the result does not depend on the order documents came in."""
    return f"""DELETE {{ GRAPH $graph {{ ?role skos:prefLabel ?old }} }}
INSERT {{ GRAPH $graph {{ ?role skos:prefLabel ?label }} }}
{using}WHERE {{
  {{ SELECT ?role (MIN(?title) AS ?new) WHERE {{
      {source} GRAPH ?doc {{ ?m dipl:mentionOf ?key ; dipl:statedType dipl:Person ; dipl:statedActsFor ?org ;
                                dipl:statedRole ?title }}
      BIND(IRI(CONCAT("{ID}role/", {_ROLE_SLUG})) AS ?role)
    }} GROUP BY ?role }}
  LATERAL {{ OPTIONAL {{ GRAPH $graph {{ ?role skos:prefLabel ?old }} }} }}
  BIND(IF(BOUND(?old) && STR(?old) < STR(?new), ?old, ?new) AS ?label)
  FILTER(!BOUND(?old) || ?old != ?label)
}}"""


def _role_labels_again(roles: str) -> str:
    """The label of each org:Role that the pattern ``roles`` binds (``?role``) derived again from all documents
    (after some went, or their actors were derived again): the first in code-point order of the titles its
    holders' mentions state for the post they hold, as :func:`_role_labels` folds them in."""
    return f"""DELETE {{ GRAPH $graph {{ ?role skos:prefLabel ?old }} }}
INSERT {{ GRAPH $graph {{ ?role skos:prefLabel ?label }} }}
WHERE {{
  {{ SELECT ?role (MIN(?title) AS ?label) WHERE {{
      {{ SELECT DISTINCT ?role WHERE {{ {roles} }} }}
      GRAPH $graph {{ ?post org:role ?role ; org:postIn ?org ; org:heldBy ?holder }}
      GRAPH ?doc {{ ?m dipl:mentionOf ?holder ; dipl:statedType dipl:Person ; dipl:statedActsFor ?org ;
                     dipl:statedRole ?title }}
      FILTER(IRI(CONCAT("{ID}role/", {_ROLE_SLUG})) = ?role)
    }} GROUP BY ?role }}
  LATERAL {{ OPTIONAL {{ GRAPH $graph {{ ?role skos:prefLabel ?old }} }} }}
  FILTER(!BOUND(?old) || ?old != ?label)
}}"""


def _membership_confidence(source: str, using: str) -> str:
    """Each membership's ``dipl:confidence``: the highest confidence of the stated affiliations
    (``dipl:StatedAffiliation``) behind it in the documents ``source`` and ``using`` select; a value already
    there stays unless one of these is higher (a maximum: order-independent and foldable)."""
    return f"""DELETE {{ GRAPH $graph {{ ?ms dipl:confidence ?old }} }}
INSERT {{ GRAPH $graph {{ ?ms dipl:confidence ?best }} }}
{using}WHERE {{
  {{ SELECT ?ms (MAX(?c) AS ?best) WHERE {{
      {source} GRAPH ?doc {{ ?m dipl:mentionOf ?key ; dipl:qualifiedActsFor ?q . ?q dipl:side ?org ; dipl:confidence ?c }}
      BIND(IRI(CONCAT("{ID}membership/", STRAFTER(STR(?key), "{_ACTOR}"), "/", STRAFTER(STR(?org), "{_ACTOR}"))) AS ?ms)
    }} GROUP BY ?ms }}
  LATERAL {{ OPTIONAL {{ GRAPH $graph {{ ?ms dipl:confidence ?old }} }} }}
  FILTER((!BOUND(?old) || ?old < ?best) && EXISTS {{ GRAPH $graph {{ ?ms org:member ?member }} }})
}}"""


def _supports(stated: str) -> str:
    """A group matching a mention of ?key that states ``stated`` (binds ?v): the actor's mentions walked, each
    tested, which stops at the first (with ?v bound, Oxigraph 0.5 would rather read every mention of ?v)."""
    return f"{{ ?m dipl:mentionOf ?key FILTER EXISTS {{ ?m {stated} }} }}"


def _lost(what: str, var: str = "?key") -> str:
    """The pattern binding ``var`` to the keys marked as having lost ``what`` (a property or ORG class)."""
    return f"GRAPH <{PENDING_GRAPH}> {{ {var} <{LOST}> {what} }}"


def _actor_retractions() -> tuple[str, ...]:
    """After documents go: drop each fact of the marked actors that no remaining mention states, each looked
    up (EXISTS stops at the first supporting mention), so removing a document that mentions the United States
    costs the same in a store of 100 or 10,000 documents. A functional value that lost its support is derived
    again from all the actor's mentions; so are the aliases of an actor whose label changed, and the ORG facts
    of the people marked (a person's evidence is small)."""
    ops = []
    for stated, prop, order, value in _FUNCTIONAL:
        also = " ; rdfs:label ?v" if prop == "skos:prefLabel" else ""
        ops.append(f"""DELETE {{ GRAPH $graph {{ ?key {prop} ?v{also} }} }}
INSERT {{ GRAPH <{PENDING_GRAPH}> {{ ?key <{LOST}> {prop} }} }}
WHERE {{ $keys GRAPH $graph {{ ?key {prop} ?v }} FILTER NOT EXISTS {{ GRAPH ?doc {_supports(stated)} }} }}""")
        ops.append(_best(_lost(prop), "", stated, prop, order, value, fold=False))
    ops += [f"DELETE {{ GRAPH $graph {{ ?key {prop} ?v }} }}\n"
            f"WHERE {{ $keys GRAPH $graph {{ ?key {prop} ?v }} "
            f"FILTER NOT EXISTS {{ GRAPH ?doc {_supports(stated + ' ?v')} }} }}" for stated, prop in _SETS]
    ops.append(f"INSERT {{ GRAPH $graph {{ ?key skos:altLabel ?v }} }}\n"  # a label that moved stays an alias
               f"WHERE {{ {_lost('skos:prefLabel')} GRAPH ?doc {{ ?m dipl:mentionOf ?key ; dipl:surfaceForm ?v }} "
               f"FILTER NOT EXISTS {{ GRAPH $graph {{ ?key skos:altLabel ?v }} }} }}")
    ops.append(f"DELETE {{ GRAPH $graph {{ ?key skos:altLabel ?v }} }}\n"
               f"WHERE {{ {_lost('skos:prefLabel')} GRAPH $graph {{ ?key skos:prefLabel ?v ; skos:altLabel ?v }} }}")
    # ORG: the marked people's memberships and posts, forgotten and derived again; then the posts and roles
    # they held that nobody holds any more
    ops += [f"INSERT {{ GRAPH <{PENDING_GRAPH}> {{ ?key <{LOST}> org:Membership }} }} "
            f"WHERE {{ $keys GRAPH $graph {{ ?ms org:member ?key }} }}",
            f"INSERT {{ GRAPH <{PENDING_GRAPH}> {{ ?post <{LOST}> org:Post . ?role <{LOST}> org:Role }} }} "
            f"WHERE {{ $keys GRAPH $graph {{ ?post org:heldBy ?key ; org:role ?role }} }}",
            f"DELETE {{ GRAPH $graph {{ ?ms ?p ?o }} }} WHERE {{ {_lost('org:Membership')} "
            f"GRAPH $graph {{ ?ms org:member ?key ; ?p ?o }} }}",
            f"DELETE {{ GRAPH $graph {{ ?post org:heldBy ?key . ?key org:holds ?post }} }} "
            f"WHERE {{ {_lost('org:Membership')} GRAPH $graph {{ ?post org:heldBy ?key }} }}",
            _org(_lost("org:Membership"), ""),
            _role_labels_again(_lost("org:Role", "?role")),
            _membership_confidence(_lost("org:Membership"), ""),
            f"DELETE {{ GRAPH $graph {{ ?key ?p ?o }} }} WHERE {{ {_lost('org:Post')} GRAPH $graph {{ ?key ?p ?o }} "
            f"FILTER NOT EXISTS {{ GRAPH $graph {{ ?key org:heldBy ?x }} }} }}",
            f"DELETE {{ GRAPH $graph {{ ?key ?p ?o }} }} WHERE {{ {_lost('org:Role')} GRAPH $graph {{ ?key ?p ?o }} "
            f"FILTER NOT EXISTS {{ GRAPH $graph {{ ?x org:role ?key }} }} }}"]
    return tuple(ops)


ACTORS = register(MaintainedGraph(
    name="actors",
    iri=ACTORS_GRAPH,
    keys="?m dipl:mentionOf ?key",
    recompute=(
        # forget the marked actors' own triples, their memberships and the posts they hold
        "DELETE { GRAPH $graph { ?key ?p ?o } } WHERE { $keys GRAPH $graph { ?key ?p ?o } }",
        "DELETE { GRAPH $graph { ?ms ?p ?o } } WHERE { $keys GRAPH $graph { ?ms org:member ?key ; ?p ?o } }",
        "DELETE { GRAPH $graph { ?post org:heldBy ?key } } WHERE { $keys GRAPH $graph { ?post org:heldBy ?key } }",
        *_actor_operations("$keys", "", fold=False),
        # posts nobody holds any more, roles no post has
        f"""DELETE {{ GRAPH $graph {{ ?post ?p ?o }} }}
WHERE {{ {_GUARD} GRAPH $graph {{ ?post a org:Post ; ?p ?o }} FILTER NOT EXISTS {{ GRAPH $graph {{ ?post org:heldBy ?x }} }} }}""",
        f"""DELETE {{ GRAPH $graph {{ ?role ?p ?o }} }}
WHERE {{ {_GUARD} GRAPH $graph {{ ?role a org:Role ; ?p ?o }} FILTER NOT EXISTS {{ GRAPH $graph {{ ?x org:role ?role }} }} }}""",
    ),
    add=_actor_operations("${docs}", "${using}", fold=True),
    retract=_actor_retractions(),
))

# ----------------------------------------------------------------------------- the network graph

_EVENTS = """GRAPH ?doc { ?e dipl:edge ?key ; dipl:source ?s0 ; dipl:target ?o0 ; dipl:eventType ?t0 ;
                    dipl:negated ?negated ; dipl:modality ?modality OPTIONAL { ?e dcterms:date ?date } }
    BIND(IF(?negated || ?modality = "hypothetical", 0, 1) AS ?w)"""
# MIN and MAX over a group with an undated event are unbound in Oxigraph: undated events count as the far
# future (for MIN) and the far past (for MAX), which the caller turns back into "no date"
_NEVER, _EVER = '"9999-12-31"^^xsd:date', '"0001-01-01"^^xsd:date'
_AGGREGATE = f"""SELECT ?key (SAMPLE(?s0) AS ?s) (SAMPLE(?o0) AS ?o) (SAMPLE(?t0) AS ?t) (COUNT(?e) AS ?n)
         (SUM(?w) AS ?asserted) (COUNT(DISTINCT ?doc) AS ?docs)
         (MIN(COALESCE(?date, {_NEVER})) AS ?min) (MAX(COALESCE(?date, {_EVER})) AS ?max)"""
_DATES = f"BIND(IF(?min = {_NEVER}, ?none, ?min) AS ?first) BIND(IF(?max = {_EVER}, ?none, ?max) AS ?last)"
_DIRECT = f"""INSERT {{ GRAPH $graph {{ ?s ?direct ?o }} }}
%s
WHERE {{ %s GRAPH $graph {{ ?key dipl:edgeSource ?s ; dipl:edgeTarget ?o ; dipl:edgeType ?t ; dipl:assertedCount ?n }}
        FILTER(?n > 0)
        GRAPH <{ONTOLOGY_GRAPH}> {{ ?t dipl:edgeProperty ?direct }}
        FILTER NOT EXISTS {{ GRAPH $graph {{ ?s ?direct ?o }} }} }}"""

# A pair of actors (both directions) sums its asserted events on the intensity scale, so ranking pairs reads
# one triple per pair. Pair and actor keys are read back from the IRIs: edge/S/O/CLASS, pair/A/B (A < B).
_EDGE_NS, _PAIR_NS = f"{ID}edge/", f"{ID}pair/"
_PAIR_OF_KEY = f"""BIND(STRAFTER(STR(?key), "{_EDGE_NS}") AS ?rest)
  BIND(STRBEFORE(?rest, "/") AS ?sk) BIND(STRBEFORE(STRAFTER(?rest, "/"), "/") AS ?ok)
  BIND(IRI(CONCAT("{_PAIR_NS}", IF(?sk < ?ok, CONCAT(?sk, "/", ?ok), CONCAT(?ok, "/", ?sk)))) AS ?pair)"""
_NEW_EDGES = "{ SELECT DISTINCT ?key WHERE { $docs GRAPH ?doc { ?e dipl:edge ?key } } }"


def _pairs(using: str, edges: str) -> tuple[str, str]:
    """Forget and re-derive the pairs of the edges that ``edges`` binds to ?key, from their edges."""
    pairs = f"{{ SELECT DISTINCT ?pair WHERE {{ {edges} {_PAIR_OF_KEY} }} }}"
    # LATERAL: each pair's own triples and edges are looked up from it, not the graph scanned and joined
    return (f"DELETE {{ GRAPH $graph {{ ?pair ?p ?v }} }}\n{using}\n"
            f"WHERE {{ {pairs} LATERAL {{ GRAPH $graph {{ ?pair ?p ?v }} }} }}",
            f"""INSERT {{ GRAPH $graph {{ ?pair a dipl:Pair ; dipl:firstActor ?x ; dipl:secondActor ?y ; dipl:score ?score ;
                          dipl:assertedCount ?n }} }}
{using}
WHERE {{
  {pairs}
  LATERAL {{ SELECT ?pair (SUM(?a * ?i) AS ?score) (SUM(?a) AS ?n) WHERE {{
      GRAPH $graph {{ ?edge dipl:pair ?pair ; dipl:edgeType ?t ; dipl:assertedCount ?a }} FILTER(?a > 0)
      GRAPH <{ONTOLOGY_GRAPH}> {{ ?t dipl:intensity ?i }}
    }} GROUP BY ?pair }}
  BIND(STRAFTER(STR(?pair), "{_PAIR_NS}") AS ?ab)
  BIND(IRI(CONCAT("{_ACTOR}", STRBEFORE(?ab, "/"))) AS ?x)
  BIND(IRI(CONCAT("{_ACTOR}", STRAFTER(?ab, "/"))) AS ?y)
}}""")


NETWORK = register(MaintainedGraph(
    name="network",
    iri=NETWORK_GRAPH,
    keys="?e dipl:edge ?key",
    recompute=(
        f"""DELETE {{ GRAPH $graph {{ ?s ?direct ?o }} }}
WHERE {{ $keys GRAPH $graph {{ ?key dipl:edgeSource ?s ; dipl:edgeTarget ?o ; dipl:edgeType ?t }}
        GRAPH <{ONTOLOGY_GRAPH}> {{ ?t dipl:edgeProperty ?direct }} }}""",
        "DELETE { GRAPH $graph { ?key ?p ?o } } WHERE { $keys GRAPH $graph { ?key ?p ?o } }",
        f"""INSERT {{ GRAPH $graph {{
    ?key a dipl:Edge ; dipl:edgeSource ?s ; dipl:edgeTarget ?o ; dipl:edgeType ?t ; dipl:eventCount ?n ;
         dipl:assertedCount ?asserted ; dipl:documentCount ?docs ; dipl:firstDate ?first ; dipl:lastDate ?last ;
         dipl:pair ?pair }} }}
WHERE {{ {{ {_AGGREGATE} WHERE {{ $keys {_EVENTS} }} GROUP BY ?key }} {_DATES} {_PAIR_OF_KEY} }}""",
        _DIRECT % ("", "$keys"),
        *_pairs("", "$keys"),
    ),
    add=(
        f"""DELETE {{ GRAPH $graph {{ ?key dipl:eventCount ?n0 ; dipl:assertedCount ?a0 ; dipl:documentCount ?d0 ;
                           dipl:firstDate ?fOld ; dipl:lastDate ?lOld }} }}
INSERT {{ GRAPH $graph {{
    ?new a dipl:Edge ; dipl:edgeSource ?s ; dipl:edgeTarget ?o ; dipl:edgeType ?t ; dipl:pair ?pair .
    ?key dipl:eventCount ?n1 ; dipl:assertedCount ?a1 ; dipl:documentCount ?d1 ; dipl:firstDate ?fNew ; dipl:lastDate ?lNew }} }}
$using
WHERE {{
  {{ {_AGGREGATE} WHERE {{ $docs {_EVENTS} FILTER NOT EXISTS {{ $keys }} }} GROUP BY ?key }}
  {_DATES}
  LATERAL {{ OPTIONAL {{ GRAPH $graph {{ ?key dipl:eventCount ?n0 ; dipl:assertedCount ?a0 ; dipl:documentCount ?d0 }} }} }}
  LATERAL {{ OPTIONAL {{ GRAPH $graph {{ ?key dipl:firstDate ?f0 }} }} }}  # looked up per edge, not joined whole
  LATERAL {{ OPTIONAL {{ GRAPH $graph {{ ?key dipl:lastDate ?l0 }} }} }}
  BIND(IF(BOUND(?n0), ?none, ?key) AS ?new)  # an edge seen before keeps its source, target and type
  {_PAIR_OF_KEY}
  BIND(COALESCE(?n0, 0) + ?n AS ?n1)
  BIND(COALESCE(?a0, 0) + ?asserted AS ?a1)
  BIND(COALESCE(?d0, 0) + ?docs AS ?d1)
  BIND(IF(BOUND(?f0) && (!BOUND(?first) || ?f0 < ?first), ?f0, ?first) AS ?f1)
  BIND(IF(BOUND(?l0) && (!BOUND(?last) || ?l0 > ?last), ?l0, ?last) AS ?l1)
  BIND(IF(BOUND(?f0) && ?f0 = ?f1, ?none, ?f0) AS ?fOld)  # dates rewritten only when they move
  BIND(IF(BOUND(?f0) && ?f0 = ?f1, ?none, ?f1) AS ?fNew)
  BIND(IF(BOUND(?l0) && ?l0 = ?l1, ?none, ?l0) AS ?lOld)
  BIND(IF(BOUND(?l0) && ?l0 = ?l1, ?none, ?l1) AS ?lNew)
}}""",
        _DIRECT % ("$using", _NEW_EDGES),
        *_pairs("$using", _NEW_EDGES),
    ),
))

from . import stories  # noqa: E402,F401  the story events graph (kg.stories) registers itself last
