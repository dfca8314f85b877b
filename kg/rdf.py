"""An Extraction as the RDF of its document graph: deterministic IRIs, no blank nodes, terms from the ontology.

A document's graph (named by the document's IRI) holds only what that document
says (see docs/graph-layout.md):

* the document node (hash, identifier, source, title, date);
* its events: source, target, class, trigger, negation, modality, date,
  confidence, evidence sentence and offsets, ``prov:wasDerivedFrom`` the
  document, and ``dipl:edge`` naming the network edge the event is counted in;
* its mentions: one :data:`~kg.vocab.DIPL.Mention` per (actor, surface form)
  with the offsets of the form's first occurrence in the text; the mention of
  the canonical name also carries what the document states about the actor
  (``dipl:statedType``, ``statedRole``, ``statedSubtype``, ``statedCountryCode``,
  ``statedActsFor``, each side also as a ``dipl:StatedAffiliation`` with its
  ``dipl:basis`` and ``dipl:confidence``: 1.0 read in the text, 0.9 from the
  officials gazetteer on the document's date, 0.5 inferred from the rest of
  the document); and ``actor dipl:mentionedIn document``.

Nothing here describes an actor or a pair of actors across documents: labels,
types, roles, W3C ORG posts and memberships, direct edges (``dipl:sanctions``)
and edge counts are derived from all documents' mentions and events by the
maintained graphs (:mod:`kg.layout`), once per fact.
"""
from __future__ import annotations

import hashlib
import re
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING

from rdflib import Graph, Literal, URIRef
from rdflib.namespace import DCTERMS, PROV, RDF, XSD

from .gazetteer import slug
from .ingest import Document
from .vocab import DIPL, EVENT_TYPES, ID, SECTOR

if TYPE_CHECKING:  # annotations only: reading a store (kg.stories, kg.layout) never loads spaCy
    from .actors import Actor
    from .extract import Extraction

__all__ = ["actor_iri", "document_iri", "event_iri", "mention_iri", "affiliation_iri", "edge_iri", "role_iri", "post_iri",
           "membership_iri", "story_key_iri", "story_key_of", "story_window", "window_iri", "role_slug", "first_occurrence", "to_graph", "TYPE_CLASS"]

TYPE_CLASS = {"Country": DIPL.Country, "Person": DIPL.Person, "Organization": DIPL.Organization}
WINDOW_DAYS = 3  # how many days after an event (or after another report) an undated report may follow (kg.stories)
DATE_TYPES = {"day": XSD.date, "week": XSD.date, "month": XSD.gYearMonth, "year": XSD.gYear}  # by date precision


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


def mention_iri(doc: Document, actor_key: str, form: str) -> URIRef:
    """The mention of actor ``actor_key`` by the surface form ``form`` in ``doc``."""
    return ID[f"mention/{_digest(doc.key, actor_key, form)}"]


def affiliation_iri(doc: Document, person_key: str, side_key: str) -> URIRef:
    """The stated affiliation (``dipl:StatedAffiliation``) of person ``person_key`` to ``side_key`` in ``doc``."""
    return ID[f"affiliation/{_digest(doc.key, person_key, side_key)}"]


def edge_iri(source_key: str, target_key: str, cls: str) -> URIRef:
    """The network edge of all ``cls`` events from one actor to another (kept in the network graph).

    >>> edge_iri("USA", "RUS", "SANCTION")
    rdflib.term.URIRef('https://w3id.org/kg-dipl/id/edge/USA/RUS/SANCTION')
    """
    return ID[f"edge/{source_key}/{target_key}/{cls}"]


def story_key_iri(source: Actor, target: Actor, cls: str) -> URIRef:
    """The group of event mentions that may report one story event (:mod:`kg.stories`): source and target,
    an official (a person with a country, not a former one) counted as their country unless that makes both
    sides one, and the class family (``EventType.family``: SANCTION and COERCE are one); the two sides of a symmetric
    family (AGREE, CONSULT) in alphabetical order, since reports name either first.

    >>> from kg.actors import Actor
    >>> lavrov = Actor("sergey-lavrov", "Sergey Lavrov", "Person", country="RUS")
    >>> story_key_iri(lavrov, Actor("USA", "United States", "Country"), "COERCE")
    rdflib.term.URIRef('https://w3id.org/kg-dipl/id/storykey/RUS/USA/COERCE')
    """
    def lift(a: Actor) -> str:
        return a.country if a.type == "Person" and a.country and not a.former else a.key
    return story_key_of((lift(source), lift(target)), (source.key, target.key), cls)


def story_key_of(sides: tuple[str, str], keys: tuple[str, str], cls: str) -> URIRef:
    """The story key of ``cls`` events between ``sides`` (actor keys, officials already counted as their
    country), or between the actors' own ``keys`` when both sides are one (see :func:`story_key_iri`).

    >>> story_key_of(("USA", "AFG"), ("USA", "taliban"), "AGREE")
    rdflib.term.URIRef('https://w3id.org/kg-dipl/id/storykey/AFG/USA/AGREE')
    """
    s, o = sides if sides[0] != sides[1] else keys
    family = EVENT_TYPES[cls].family
    if EVENT_TYPES[family].symmetric:
        s, o = sorted((s, o))
    return ID[f"storykey/{s}/{o}/{family}"]


def story_window(key: URIRef, when: str | None) -> URIRef | None:
    """The window of a mention of story key ``key`` dated ``when`` (its event date, else its document's
    publication date): the key and the date's bucket of :data:`WINDOW_DAYS` days (days since 0001-01-01
    divided by WINDOW_DAYS), so that two mentions of one key at most WINDOW_DAYS apart are in the same
    bucket or next to each other (:mod:`kg.stories` looks a new mention's neighbours up in its bucket and
    the two beside it). A date that is not a day (a month, a year) is a window of its own; no date, none.

    >>> key = ID["storykey/RUS/USA/COERCE"]
    >>> [str(story_window(key, d)).rsplit("/", 1)[1] for d in ("2021-04-16", "2021-04-19", "2021-04")]
    ['245965', '245966', '2021-04']
    >>> story_window(key, None) is None
    True
    """
    if not when:
        return None
    try:
        return window_iri(key, str(date.fromisoformat(when).toordinal() // WINDOW_DAYS))
    except ValueError:
        return window_iri(key, when)


def window_iri(key: URIRef, bucket: str) -> URIRef:
    """The window ``bucket`` (a day bucket or a month/year, see :func:`story_window`) of story key ``key``.

    >>> str(window_iri(ID["storykey/RUS/USA/COERCE"], "245965")).rsplit("/id/", 1)[1]
    'storywindow/RUS/USA/COERCE/245965'
    """
    return URIRef(f"{str(key).replace('/storykey/', '/storywindow/', 1)}/{bucket}")


def role_slug(title: str) -> str:
    """The last segment of a role's IRI: lower case, each run of anything but letters and digits one dash
    (the actors graph's update computes the same in SPARQL).

    >>> role_slug("Prime Minister")
    'prime-minister'
    """
    return re.sub(r"[\W_]+", "-", title.lower()).strip("-")


def role_iri(role: str) -> URIRef:
    """An org:Role by its title: ``Prime Minister`` -> ``id:role/prime-minister``."""
    return ID[f"role/{role_slug(role)}"]


def post_iri(org_key: str, role: str) -> URIRef:
    """The org:Post of ``role`` in the organization or country ``org_key`` (held by whoever holds it)."""
    return ID[f"post/{org_key}/{role_slug(role)}"]


def membership_iri(person_key: str, org_key: str) -> URIRef:
    """The org:Membership of a person in an organization or country."""
    return ID[f"membership/{person_key}/{org_key}"]


def first_occurrence(text: str, form: str) -> tuple[int, int] | None:
    """Character offsets (start, end) of the first whole-word occurrence of ``form`` in ``text``, else of any
    occurrence; None when the text does not contain it verbatim.

    >>> first_occurrence("Iranian officials met Iran's envoy.", "Iran")
    (22, 26)
    """
    if not form:
        return None
    m = re.search(rf"(?<!\w){re.escape(form)}(?!\w)", text)
    if m:
        return m.start(), m.end()
    i = text.find(form)
    return (i, i + len(form)) if i >= 0 else None


def _add_mentions(g: Graph, a: Actor, d: Document, doc: URIRef) -> None:
    """The actor's mentions in ``d``: one per surface form; the canonical name's carries the stated description."""
    iri = actor_iri(a.key)
    g.add((iri, DIPL.mentionedIn, doc))
    for form in [a.label, *a.aliases]:
        m = mention_iri(d, a.key, form)
        g.add((m, RDF.type, DIPL.Mention))
        g.add((m, DIPL.mentionOf, iri))
        g.add((m, DIPL.surfaceForm, Literal(form)))
        g.add((m, PROV.wasDerivedFrom, doc))
        span = first_occurrence(d.text, form)
        if span:
            g.add((m, DIPL.startChar, Literal(span[0])))
            g.add((m, DIPL.endChar, Literal(span[1])))
        if form != a.label:
            continue
        g.add((m, DIPL.statedType, TYPE_CLASS[a.type]))
        if a.subtype:
            g.add((m, DIPL.statedSubtype, Literal(a.subtype)))
        if a.role:
            g.add((m, DIPL.statedRole, Literal(a.role)))  # as the text writes it
        if a.country:
            g.add((m, DIPL.statedCountryCode, Literal(a.country)))
        if a.former:
            g.add((m, DIPL.statedFormer, Literal(True)))
        if a.sector:
            g.add((m, DIPL.statedSector, SECTOR[a.sector]))
        if a.part_of:
            g.add((m, DIPL.statedPartOf, actor_iri(a.part_of)))
        basis, confidence = a.affiliation_basis, a.affiliation_confidence
        for key in a.affiliations:
            g.add((m, DIPL.statedActsFor, actor_iri(key)))
            q = affiliation_iri(d, a.key, key)
            g.add((m, DIPL.qualifiedActsFor, q))
            g.add((q, RDF.type, DIPL.StatedAffiliation))
            g.add((q, DIPL.side, actor_iri(key)))
            g.add((q, DIPL.basis, Literal(basis[key])))
            g.add((q, DIPL.confidence, Literal(confidence[key], datatype=XSD.decimal)))


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


def _add_provenance(g: Graph, doc: URIRef, d: Document) -> None:
    """How the document was read: encoding, language, publisher, near-duplicate signature and original."""
    for prop, value in ((DIPL.encoding, d.encoding), (DCTERMS.language, d.language), (DCTERMS.publisher, d.source),
                        (DIPL.minhash, d.minhash)):
        if value:
            g.add((doc, prop, Literal(value)))
    if d.duplicate_of:
        g.add((doc, DIPL.duplicateOf, URIRef(d.duplicate_of)))


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
    _add_provenance(g, doc, d)
    for a in ex.actors:
        _add_mentions(g, a, d, doc)
        for key in a.affiliations:  # an affiliated actor is a node of this graph too
            if not any(b.key == key for b in ex.actors):
                g.add((actor_iri(key), DIPL.mentionedIn, doc))
    for r in ex.relations:
        ev = event_iri(d, r)
        g.add((ev, RDF.type, DIPL.Event))
        g.add((ev, DIPL.source, actor_iri(r.source.key)))
        g.add((ev, DIPL.target, actor_iri(r.target.key)))
        g.add((ev, DIPL.eventType, EVENT_TYPES[r.cls].iri))
        g.add((ev, DIPL.edge, edge_iri(r.source.key, r.target.key, r.cls)))
        key = story_key_iri(r.source, r.target, r.cls)
        g.add((ev, DIPL.storyKey, key))
        window = story_window(key, r.date or d.date)
        if window is not None:
            g.add((ev, DIPL.storyWindow, window))
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
            g.add((ev, DCTERMS.date, Literal(r.date, datatype=DATE_TYPES[r.date_precision])))
            if r.date_precision != "day":
                g.add((ev, DIPL.datePrecision, Literal(r.date_precision)))
            if r.date_inherited:
                g.add((ev, DIPL.dateInherited, Literal(True)))
        if r.reporter is not None:
            g.add((ev, DIPL.reportedBy, actor_iri(r.reporter.key)))
        _add_attributes(g, ev, r)
    return g
