"""An Extraction as RDF: deterministic IRIs, no blank nodes, terms from the ontology.

Events are nodes (source, target, class, trigger, negation, modality, date,
confidence, evidence sentence and offsets, ``prov:wasDerivedFrom`` the
document); each asserted, non-negated event also gets the direct actor-to-actor
edge of its class (``dipl:accuses`` ...), so simple questions need simple SPARQL.
Everything of one document goes into the named graph whose name is the
document's IRI.
"""
from __future__ import annotations

import hashlib
from pathlib import Path

from rdflib import Graph, Literal, URIRef
from rdflib.namespace import DCTERMS, ORG, PROV, RDF, RDFS, SKOS, XSD

from .actors import Actor
from .extract import Extraction
from .gazetteer import slug
from .ingest import Document
from .vocab import DIPL, EVENT_TYPES, ID, SECTOR

__all__ = ["actor_iri", "document_iri", "event_iri", "role_iri", "post_iri", "membership_iri", "to_graph"]

TYPE_CLASS = {"Country": DIPL.Country, "Person": DIPL.Person, "Organization": DIPL.Organization}


def _digest(*parts: object, n: int = 16) -> str:
    return hashlib.sha1("\x1f".join(map(str, parts)).encode("utf-8")).hexdigest()[:n]


def actor_iri(key: str) -> URIRef:
    """The IRI of the actor with ``key`` (ISO-3 code, or slug of an organization or a person).

    >>> actor_iri("PAK")
    rdflib.term.URIRef('https://w3id.org/kg-dipl/id/actor/PAK')
    """
    return ID[f"actor/{key}"]


def document_iri(doc: Document) -> URIRef:
    """The document's IRI: readable stem plus a digest of its path or URL (not of its text)."""
    return ID[f"doc/{slug(Path(doc.key).stem)[:48]}-{_digest(doc.key, n=10)}"]


def event_iri(doc: Document, r) -> URIRef:
    """One relation mention: the same document, offsets, actors, class and trigger give the same IRI."""
    return ID[f"event/{_digest(doc.key, r.start, r.source.key, r.cls, r.target.key, r.trigger, r.negated)}"]


def role_iri(role: str) -> URIRef:
    """An org:Role by its title: ``Prime Minister`` -> ``id:role/prime-minister``."""
    return ID[f"role/{slug(role)}"]


def post_iri(org_key: str, role: str) -> URIRef:
    """The org:Post of ``role`` in the organization or country ``org_key`` (held by whoever holds it)."""
    return ID[f"post/{org_key}/{slug(role)}"]


def membership_iri(person_key: str, org_key: str) -> URIRef:
    """The org:Membership of a person in an organization or country."""
    return ID[f"membership/{person_key}/{org_key}"]


def _add_org(g: Graph, a: Actor) -> None:
    """W3C Organization Ontology view of a person's role: membership, post and role nodes (deterministic IRIs)."""
    iri = actor_iri(a.key)
    role = role_iri(a.role) if a.role else None
    if role is not None:
        g.add((role, RDF.type, ORG.Role))
        g.add((role, SKOS.prefLabel, Literal(a.role)))
    for key in a.affiliations:
        m = membership_iri(a.key, key)
        g.add((m, RDF.type, ORG.Membership))
        g.add((m, ORG.member, iri))
        g.add((m, ORG.organization, actor_iri(key)))
        if role is not None:
            g.add((m, ORG.role, role))
            post = post_iri(key, a.role)
            g.add((post, RDF.type, ORG.Post))
            g.add((post, ORG.postIn, actor_iri(key)))
            g.add((post, ORG.role, role))
            g.add((iri, ORG.holds, post))
            g.add((post, ORG.heldBy, iri))


def _add_actor(g: Graph, a: Actor, doc: URIRef) -> None:
    iri = actor_iri(a.key)
    g.add((iri, RDF.type, TYPE_CLASS[a.type]))
    g.add((iri, SKOS.prefLabel, Literal(a.label)))
    g.add((iri, RDFS.label, Literal(a.label)))
    for alias in a.aliases:
        g.add((iri, SKOS.altLabel, Literal(alias)))
    if a.subtype:
        g.add((iri, DIPL.subtype, Literal(a.subtype)))
    if a.role:
        g.add((iri, DIPL.role, Literal(a.role)))
    if a.country:
        g.add((iri, DIPL.countryCode, Literal(a.country)))
    if a.sector:
        g.add((iri, DIPL.sector, SECTOR[a.sector]))
    if a.part_of:
        g.add((iri, DIPL.partOf, actor_iri(a.part_of)))
    for key in a.affiliations:
        g.add((iri, DIPL.actsFor, actor_iri(key)))
    g.add((iri, DIPL.mentionedIn, doc))
    if a.type == "Person":
        _add_org(g, a)


def _add_attributes(g: Graph, ev: URIRef, r) -> None:
    """PLOVER's view of an event: the sectors at its ends, mode, context tags and place."""
    for prop, code in ((DIPL.sourceSector, r.source_sector), (DIPL.targetSector, r.target_sector)):
        if code:
            g.add((ev, prop, SECTOR[code]))
    for prop, text in ((DIPL.sourceText, r.source_text), (DIPL.targetText, r.target_text)):
        if text:
            g.add((ev, prop, Literal(text)))
    if r.mode:
        g.add((ev, DIPL.mode, Literal(r.mode)))
    for tag in r.context:
        g.add((ev, DIPL.context, Literal(tag)))
    if r.place:
        g.add((ev, DIPL.location, Literal(r.place)))
    if r.place_country:
        g.add((ev, DIPL.locationCountryCode, Literal(r.place_country)))


def to_graph(ex: Extraction) -> Graph:
    """The triples of one document (to be stored in its named graph)."""
    g = Graph()
    d = ex.document
    doc = document_iri(d)
    g.add((doc, RDF.type, DIPL.Document))
    g.add((doc, DIPL.contentHash, Literal(d.content_hash)))
    g.add((doc, DCTERMS.source, URIRef(d.url) if d.url else Literal(d.id)))
    g.add((doc, DCTERMS.identifier, Literal(d.id)))
    if d.title:
        g.add((doc, DCTERMS.title, Literal(d.title)))
    if d.date:
        g.add((doc, DCTERMS.date, Literal(d.date, datatype=XSD.date)))
    for a in ex.actors:
        _add_actor(g, a, doc)
        for key in a.affiliations:  # an affiliated actor is a node of this graph too
            if not any(b.key == key for b in ex.actors):
                g.add((actor_iri(key), DIPL.mentionedIn, doc))
    for r in ex.relations:
        s, o = actor_iri(r.source.key), actor_iri(r.target.key)
        ev = event_iri(d, r)
        et = EVENT_TYPES[r.cls]
        g.add((ev, RDF.type, DIPL.Event))
        g.add((ev, DIPL.source, s))
        g.add((ev, DIPL.target, o))
        g.add((ev, DIPL.eventType, et.iri))
        g.add((ev, DIPL.trigger, Literal(r.trigger)))
        g.add((ev, DIPL.negated, Literal(r.negated)))
        g.add((ev, DIPL.modality, Literal(r.modality)))
        g.add((ev, DIPL.symmetric, Literal(r.symmetric)))
        g.add((ev, DIPL.confidence, Literal(round(r.confidence, 3), datatype=XSD.decimal)))
        g.add((ev, DIPL.sentence, Literal(r.sentence)))
        g.add((ev, DIPL.startChar, Literal(r.start)))
        g.add((ev, DIPL.endChar, Literal(r.end)))
        g.add((ev, PROV.wasDerivedFrom, doc))
        if r.date:
            g.add((ev, DCTERMS.date, Literal(r.date, datatype=XSD.date)))
        if r.reporter is not None:
            g.add((ev, DIPL.reportedBy, actor_iri(r.reporter.key)))
        _add_attributes(g, ev, r)
        if not r.negated and r.modality != "hypothetical":
            g.add((s, et.edge, o))
    return g
