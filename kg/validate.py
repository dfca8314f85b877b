"""Check the store against the SHACL shapes of ``ontology/shapes.ttl`` and say what is wrong in plain words.

>>> from kg.store import KnowledgeGraph                            # doctest: +SKIP
>>> with KnowledgeGraph("output/store", read_only=True) as kg:    # doctest: +SKIP
...     report = validate(kg)
>>> report.conforms, [str(v) for v in report.violations][:1]      # doctest: +SKIP
(True, [])

The data graph is the union of the document graphs (the ontology graph is
given to pySHACL as the ontology, so ``sh:class`` follows ``rdfs:subClassOf``).
"""
from __future__ import annotations

from dataclasses import dataclass, field
from functools import cache

from rdflib import Graph, Literal, URIRef
from rdflib.namespace import DCTERMS, PROV, RDF, SH, SKOS

from .store import KnowledgeGraph
from .vocab import DIPL, ONTOLOGY_GRAPH, PREFIXES, ontology_graph, ontology_path

__all__ = ["Violation", "Report", "validate", "validate_graph", "shapes_graph"]

SEVERITY = {SH.Violation: "violation", SH.Warning: "warning", SH.Info: "info"}


@cache
def shapes_graph() -> Graph:
    """The SHACL shapes (parsed once)."""
    return Graph().parse(ontology_path("shapes.ttl"), format="turtle")


def _short(term) -> str:
    """A prefixed name (actor:MEX) or the literal's text, for messages."""
    if isinstance(term, Literal):
        text = str(term)
        return repr(text if len(text) <= 60 else text[:57] + "...")
    s = str(term)
    for prefix, ns in sorted(PREFIXES.items(), key=lambda kv: -len(kv[1])):
        if s.startswith(ns) and len(s) > len(ns):
            return f"{prefix}:{s[len(ns):]}"
    return f"<{s}>"


@dataclass(frozen=True)
class Violation:
    """One SHACL result: what node, which property, what value, and the shape's message."""

    focus: str
    message: str
    path: str | None = None
    value: str | None = None
    severity: str = "violation"
    where: str | None = None  # the document(s) the node comes from

    def __str__(self) -> str:
        out = f"{self.focus}: {self.message}"
        if self.path:
            out += f" [property {self.path}"
            out += f", value {self.value}]" if self.value else "]"
        elif self.value:
            out += f" [value {self.value}]"
        if self.where:
            out += f" (in {self.where})"
        return out if self.severity == "violation" else f"{self.severity}: {out}"


@dataclass
class Report:
    conforms: bool
    violations: list[Violation] = field(default_factory=list)
    nodes: int = 0  # triples checked

    def __str__(self) -> str:
        if self.conforms:
            return f"valid: {self.nodes} triples conform to the shapes"
        n = len(self.violations)
        return f"{n} problem{'s' if n != 1 else ''} in {self.nodes} triples"


def _label(data: Graph, node) -> str:
    name = _short(node)
    label = data.value(node, SKOS.prefLabel)
    return f"{name} ({label})" if label is not None and isinstance(node, URIRef) else name


def _where(data: Graph, node) -> str | None:
    docs = set()
    if (node, RDF.type, DIPL.Document) in data:
        docs.add(node)
    docs.update(data.objects(node, PROV.wasDerivedFrom))
    docs.update(data.objects(node, DIPL.mentionedIn))
    names = sorted(str(data.value(d, DCTERMS.identifier) or _short(d)) for d in docs)
    if not names:
        return None
    return ", ".join(names[:3]) + (f" and {len(names) - 3} more" if len(names) > 3 else "")


def validate_graph(data: Graph) -> Report:
    """Validate an rdflib graph of document triples against the shapes."""
    import pyshacl

    checked = len(data)
    full = Graph()  # the ontology joins the data, so sh:class sees event types and rdfs:subClassOf
    for t in ontology_graph():
        full.add(t)
    for t in data:
        full.add(t)
    conforms, results, _ = pyshacl.validate(full, shacl_graph=shapes_graph(), inference="none",
                                            abort_on_first=False, allow_warnings=True, advanced=True)
    violations = []
    for r in results.subjects(RDF.type, SH.ValidationResult):
        focus = results.value(r, SH.focusNode)
        path = results.value(r, SH.resultPath)
        value = results.value(r, SH.value)
        msg = results.value(r, SH.resultMessage)
        violations.append(Violation(
            focus=_label(data, focus), message=str(msg) if msg is not None else "does not match its shape",
            path=_short(path) if isinstance(path, URIRef) else None,
            value=_short(value) if value is not None else None,
            severity=SEVERITY.get(results.value(r, SH.resultSeverity), "violation"),
            where=_where(data, focus)))
    violations.sort(key=lambda v: (v.where or "", v.focus, v.message))
    return Report(conforms=bool(conforms), violations=violations, nodes=checked)


def validate(kg: KnowledgeGraph) -> Report:
    """Validate every document graph in ``kg`` (their union) against the shapes."""
    result = kg.query(f"CONSTRUCT {{ ?s ?p ?o }} WHERE {{ GRAPH ?g {{ ?s ?p ?o }} FILTER(?g != <{ONTOLOGY_GRAPH}>) }}")
    return validate_graph(result.graph)
