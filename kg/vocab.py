"""The project's vocabulary, taken from ``ontology/dipl.ttl``.

``DIPL`` is a closed namespace: a term that is not in the ontology raises
``AttributeError`` (tests check that both sides agree). ``EVENT_TYPES`` holds the
16 PLOVER classes with their quad class, intensity, colour and direct-edge
property, read once from the ontology file.

>>> DIPL.Country
rdflib.term.URIRef('https://w3id.org/kg-dipl/ontology#Country')
>>> EVENT_TYPES["ASSAULT"].quad
'MaterialConflict'
"""
from __future__ import annotations

import importlib.resources
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from rdflib import Graph, Namespace, URIRef
from rdflib.namespace import DCTERMS, ORG, OWL, PROV, RDF, RDFS, SKOS, XSD, DefinedNamespace

__all__ = ["DIPL", "ID", "SECTOR", "PREFIXES", "EVENT_TYPES", "EventType", "ONTOLOGY_GRAPH", "ontology_path", "ontology_graph", "sector_codes",
           "AFFILIATION_CONFIDENCE"]

ID = Namespace("https://w3id.org/kg-dipl/id/")
SECTOR = Namespace("https://w3id.org/kg-dipl/ontology/sector#")  # the concepts of dipl:sectors, by PLOVER code
ONTOLOGY_GRAPH = URIRef("https://w3id.org/kg-dipl/ontology")
# dipl:basis -> dipl:confidence of a stated affiliation (ontology/dipl.ttl): read in the text, from the officials
# gazetteer on the document's date, inferred from the rest of the document
AFFILIATION_CONFIDENCE = {"text": 1.0, "gazetteer": 0.9, "inferred": 0.5}


class DIPL(DefinedNamespace):
    """Terms of ``ontology/dipl.ttl``."""

    _NS = Namespace("https://w3id.org/kg-dipl/ontology#")
    _fail = True

    # classes
    Actor: URIRef
    Country: URIRef
    Person: URIRef
    Organization: URIRef
    Event: URIRef
    Document: URIRef
    EventType: URIRef
    QuadClass: URIRef
    Mention: URIRef
    StatedAffiliation: URIRef
    Edge: URIRef
    StoryEvent: URIRef
    Pair: URIRef
    # actor properties
    subtype: URIRef
    role: URIRef
    actsFor: URIRef
    countryCode: URIRef
    mentionedIn: URIRef
    # mention properties (document graphs)
    mentionOf: URIRef
    surfaceForm: URIRef
    statedType: URIRef
    statedRole: URIRef
    statedSubtype: URIRef
    statedCountryCode: URIRef
    statedFormer: URIRef
    statedActsFor: URIRef
    qualifiedActsFor: URIRef
    side: URIRef
    basis: URIRef
    # event properties
    source: URIRef
    target: URIRef
    eventType: URIRef
    trigger: URIRef
    negated: URIRef
    modality: URIRef
    symmetric: URIRef
    confidence: URIRef
    sentence: URIRef
    startChar: URIRef
    endChar: URIRef
    reportedBy: URIRef
    # sectors, groups and event attributes (kg.sectors, kg.attributes)
    sectors: URIRef
    sector: URIRef
    partOf: URIRef
    sourceSector: URIRef
    targetSector: URIRef
    sourceText: URIRef
    targetText: URIRef
    mode: URIRef
    context: URIRef
    location: URIRef
    locationCountryCode: URIRef
    statedSector: URIRef
    statedPartOf: URIRef
    edge: URIRef
    # edge properties (network graph)
    edgeSource: URIRef
    edgeTarget: URIRef
    edgeType: URIRef
    eventCount: URIRef
    assertedCount: URIRef
    documentCount: URIRef
    firstDate: URIRef
    lastDate: URIRef
    # story events (story events graph)
    storyKey: URIRef
    storyWindow: URIRef
    nearClass: URIRef
    storyGroup: URIRef
    storySource: URIRef
    storyTarget: URIRef
    hasReport: URIRef
    pair: URIRef
    firstActor: URIRef
    secondActor: URIRef
    score: URIRef
    datePrecision: URIRef
    dateInherited: URIRef
    # documents and event types
    contentHash: URIRef
    encoding: URIRef
    minhash: URIRef
    duplicateOf: URIRef
    quadClass: URIRef
    intensity: URIRef
    edgeProperty: URIRef
    colour: URIRef
    plover: URIRef
    quadClasses: URIRef
    # quad classes
    VerbalCooperation: URIRef
    MaterialCooperation: URIRef
    VerbalConflict: URIRef
    MaterialConflict: URIRef
    # PLOVER classes
    AGREE: URIRef
    CONSULT: URIRef
    SUPPORT: URIRef
    CONCEDE: URIRef
    COOPERATE: URIRef
    AID: URIRef
    RETREAT: URIRef
    REQUEST: URIRef
    ACCUSE: URIRef
    REJECT: URIRef
    THREATEN: URIRef
    PROTEST: URIRef
    SANCTION: URIRef
    MOBILIZE: URIRef
    COERCE: URIRef
    ASSAULT: URIRef
    # direct actor-to-actor edges
    agreesWith: URIRef
    consults: URIRef
    supports: URIRef
    concedesTo: URIRef
    cooperatesWith: URIRef
    aids: URIRef
    retreatsFrom: URIRef
    requests: URIRef
    accuses: URIRef
    rejects: URIRef
    threatens: URIRef
    protestsAgainst: URIRef
    sanctions: URIRef
    mobilizesAgainst: URIRef
    coerces: URIRef
    assaults: URIRef


PREFIXES: dict[str, str] = {
    "dipl": str(DIPL._NS),
    "id": str(ID),
    "actor": str(ID["actor/"]),
    "doc": str(ID["doc/"]),
    "event": str(ID["event/"]),
    "story": str(ID["story/"]),
    "sector": str(SECTOR),
    "graph": str(ID["graph/"]),
    "rdf": str(RDF),
    "rdfs": str(RDFS),
    "owl": str(OWL),
    "xsd": str(XSD),
    "skos": str(SKOS),
    "prov": str(PROV),
    "org": str(ORG),
    "dcterms": str(DCTERMS),
}


def ontology_path(name: str = "dipl.ttl") -> Path:
    """Path of a file in ``ontology/``, from a checkout or an installed wheel."""
    packaged = importlib.resources.files("kg.ontology") / name
    if packaged.is_file():
        return Path(str(packaged))
    here = Path(__file__).resolve().parent.parent / "ontology" / name
    if here.is_file():
        return here
    raise FileNotFoundError(f"ontology file {name!r} is missing from the kg installation; reinstall kg")


@cache
def ontology_graph() -> Graph:
    """The ontology as an rdflib Graph (parsed once)."""
    return Graph().parse(ontology_path(), format="turtle")


@dataclass(frozen=True)
class EventType:
    """A PLOVER class as the ontology describes it."""

    name: str
    iri: URIRef
    quad: str
    intensity: float
    edge: URIRef
    colour: str
    symmetric: bool
    family: str  # the story family: the alphabetically first of this class and its near classes (dipl:nearClass)


def _event_types() -> dict[str, EventType]:
    g = ontology_graph()
    out: dict[str, EventType] = {}
    for iri in sorted(g.subjects(RDF.type, DIPL.EventType)):
        edge = g.value(iri, DIPL.edgeProperty)
        near = {*g.objects(iri, DIPL.nearClass), *g.subjects(DIPL.nearClass, iri), iri}
        quad = g.value(iri, DIPL.quadClass)
        out[str(g.value(iri, SKOS.prefLabel))] = EventType(
            name=str(g.value(iri, SKOS.prefLabel)),
            iri=iri,
            quad=quad.split("#")[-1],
            intensity=float(g.value(iri, DIPL.intensity)),
            edge=edge,
            colour=str(g.value(iri, DIPL.colour)),
            symmetric=(edge, RDF.type, OWL.SymmetricProperty) in g,
            family=min(str(g.value(t, SKOS.prefLabel)) for t in near),
        )
    return out


EVENT_TYPES: dict[str, EventType] = _event_types()


@cache
def sector_codes() -> dict[str, str]:
    """The PLOVER sector codes of the scheme ``dipl:sectors`` and their English labels.

    >>> sector_codes()["COP"]
    'police'
    """
    g = ontology_graph()
    return {str(g.value(c, SKOS.notation)): str(g.value(c, SKOS.prefLabel))
            for c in g.subjects(SKOS.inScheme, DIPL.sectors)}
