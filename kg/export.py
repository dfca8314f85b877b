"""Write the store out: RDF files for semantic-web tools, GraphML/GEXF for network tools, and event
tables for event-data tools: ``plover`` (one POLECAT/PLOVER JSON record per event, JSON Lines) and
``csv`` (one row per event). :func:`event_rows` gives those rows to Python; :func:`to_dataframe`
as a pandas DataFrame (``pip install 'kg[pandas]'``). With ``per="story"`` the tables have one row per
story event (:mod:`kg.stories`) instead of one per event mention: :func:`story_rows`. Fields:
docs/export-fields.md.

Document graphs are exported; the ontology graph stays out (it ships in ``ontology/``).
"""
from __future__ import annotations

import csv
import json
from pathlib import Path

import networkx as nx
from rdflib import Dataset, Graph

from .errors import KGError
from .store import KnowledgeGraph
from .vocab import EVENT_TYPES, ONTOLOGY_GRAPH, PREFIXES

__all__ = ["EXPORT_FORMATS", "export", "network_for_tools", "event_rows", "story_rows", "plover_record", "to_dataframe",
           "CSV_COLUMNS", "STORY_COLUMNS"]

RDF_FORMATS = {"ttl": "turtle", "nt": "nt", "jsonld": "json-ld", "trig": "trig", "nq": "nquads"}
NETWORK_FORMATS = {"graphml", "gexf"}
EVENT_FORMATS = ("plover", "csv")
EXPORT_FORMATS = tuple(RDF_FORMATS) + tuple(sorted(NETWORK_FORMATS)) + EVENT_FORMATS


def _bind(g: Graph) -> None:
    for prefix, ns in PREFIXES.items():
        g.bind(prefix, ns)


def network_for_tools(network: nx.MultiDiGraph) -> nx.MultiDiGraph:
    """The actor network with plain attributes for Gephi, GraphML and GEXF readers.

    Nodes: ``label``, ``type``, ``sector``, ``country``, ``role``, ``aliases`` ("|"-joined). Edges, one per
    (source, target, class), keyed by the class: ``kind`` "relation", ``relation`` (PLOVER class), ``count``
    (event mentions), ``stories`` (story events, kg.stories; the mentions when the graph has none), ``weight``
    (the edge's ``weight`` as kg.network.weigh set it, else its mentions), ``quad`` (quad class),
    ``intensity``, ``first_date``/``last_date`` and ``start``/``end`` (GEXF spells, so Gephi's timeline
    plays; absent when undated), ``negated``; and one edge per official and the side it acts for, ``kind``
    "actsFor", keyed "actsFor".
    """
    g = nx.MultiDiGraph()
    for n, d in network.nodes(data=True):
        g.add_node(n, label=d.get("label", n), type=d.get("type", ""), sector=d.get("subtype") or "",
                   country=d.get("country") or "", role=d.get("role") or "", aliases="|".join(d.get("aliases", [])))
    for s, o, d in network.edges(data=True):
        dates = sorted(d.get("dates", []))
        first, last = d.get("first") or (dates[0] if dates else ""), d.get("last") or (dates[-1] if dates else "")
        count = int(d["count"])
        attrs = {"kind": "relation", "relation": d["cls"], "count": count, "stories": int(d.get("stories", count)),
                 "quad": d["quad"], "intensity": float(d["intensity"]), "negated": bool(d.get("negated")),
                 "weight": float(d.get("weight", count))}
        if first:
            attrs.update(first_date=first, last_date=last, start=first, end=last)
        g.add_edge(s, o, key=d["cls"], **attrs)
    for n, d in network.nodes(data=True):
        for side in d.get("acts_for", []):
            if side in network and side != n:
                g.add_edge(n, side, key="actsFor", kind="actsFor", relation="actsFor", count=1, weight=1.0)
    return g


def export(kg: KnowledgeGraph, fmt: str, out: str | Path, weight: str = "stories", per: str = "mention") -> Path:
    """Write the store to ``out`` in ``fmt`` (one of EXPORT_FORMATS) and return the path. Network formats
    weigh each (source, target, class) edge by its story events (``weight="stories"``) or its mentions
    (``"mentions"``) and carry both counts; ValueError for another ``weight``. Event tables have one row
    per event mention (``per="mention"``) or per story event (``"story"``); ValueError for another ``per``
    or for ``"story"`` with a format that is not an event table."""
    if per not in ("mention", "story"):
        raise ValueError(f"unknown per {per!r}; choose mention or story")
    if per == "story" and fmt not in EVENT_FORMATS:
        raise ValueError(f"one row per story event is for the event tables ({', '.join(EVENT_FORMATS)}), not {fmt}")
    out = Path(out)
    out.parent.mkdir(parents=True, exist_ok=True)
    if fmt in NETWORK_FORMATS:
        from .network import to_networkx, weigh

        g = network_for_tools(weigh(to_networkx(kg, details=False), weight))
        (nx.write_graphml if fmt == "graphml" else nx.write_gexf)(g, out)
        return out
    if fmt in EVENT_FORMATS:
        rows, columns = (story_rows(kg), STORY_COLUMNS) if per == "story" else (event_rows(kg), CSV_COLUMNS)
        _write_plover(rows, out) if fmt == "plover" else _write_csv(rows, out, columns)
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


# ----------------------------------------------------------------------------- event tables (PLOVER, CSV)

CSV_COLUMNS = ("event_id", "date", "source", "source_country", "source_sector", "target", "target_country",
               "target_sector", "class", "quad_class", "intensity", "mode", "context", "negated", "modality",
               "place", "place_country", "confidence", "trigger", "sentence", "document", "url", "source_text",
               "target_text", "source_id", "target_id")

_EVENTS = """SELECT ?e ?type ?s ?o ?negated ?modality ?confidence ?sentence ?trigger ?date ?doc ?mode ?place
       ?placeCode ?ss ?ts ?stext ?ttext
WHERE { ?e a dipl:Event ; dipl:source ?s ; dipl:target ?o ; dipl:eventType ?type ; dipl:negated ?negated ;
           dipl:modality ?modality ; dipl:confidence ?confidence ; dipl:sentence ?sentence ; dipl:trigger ?trigger ;
           prov:wasDerivedFrom ?doc .
  OPTIONAL { ?e dcterms:date ?date } OPTIONAL { ?e dipl:mode ?mode } OPTIONAL { ?e dipl:location ?place }
  OPTIONAL { ?e dipl:locationCountryCode ?placeCode } OPTIONAL { ?e dipl:sourceSector ?ss }
  OPTIONAL { ?e dipl:targetSector ?ts } OPTIONAL { ?e dipl:sourceText ?stext } OPTIONAL { ?e dipl:targetText ?ttext } }
ORDER BY ?date ?e"""
# what a story event adds to the columns of its representative report (the named query story-events's fields)
STORY_COLUMNS = CSV_COLUMNS + ("reports", "documents", "sources", "first_report", "last_report", "other_classes",
                               "negated_reports", "hypothetical_reports")
_MEMBERS = "SELECT ?story ?e WHERE { GRAPH graph:stories { ?story dipl:hasReport ?e } }"
_CONTEXTS = "SELECT ?e ?c WHERE { ?e a dipl:Event ; dipl:context ?c }"
_ACTORS = """SELECT ?a (MAX(?l) AS ?label) (MAX(?c) AS ?country) (MAX(?sec) AS ?sector)
WHERE { { SELECT DISTINCT ?a WHERE { ?e a dipl:Event { ?e dipl:source ?a } UNION { ?e dipl:target ?a } } }
  ?a skos:prefLabel ?l OPTIONAL { ?a dipl:countryCode ?c } OPTIONAL { ?a dipl:sector ?sec } } GROUP BY ?a"""
_DOCUMENTS = """SELECT ?d ?id ?src WHERE { ?d a dipl:Document ; dcterms:identifier ?id ; dcterms:source ?src }"""


def _prologue() -> str:
    return "".join(f"PREFIX {p}: <{iri}>\n" for p, iri in PREFIXES.items())


def _code(iri) -> str | None:
    """The PLOVER code at the end of a sector concept's IRI."""
    return str(iri).rsplit("#", 1)[-1] if iri is not None else None


def event_rows(kg: KnowledgeGraph) -> list[dict]:
    """Every event of the store as one flat row (keys :data:`CSV_COLUMNS`), oldest first.

    Countries are ISO 3166-1 alpha-3 (IGO/NGO for bodies above states, UNK for a group whose country
    the text does not give); sectors PLOVER codes, the one the text names at that end ("Kenyan police":
    COP) before the actor's own; ``context`` joins the tags with "|"; values the text does not give are
    None.
    """
    pre = _prologue()
    contexts: dict[str, list[str]] = {}
    for e, c in kg.query(pre + _CONTEXTS):
        contexts.setdefault(str(e), []).append(str(c))
    actors = {str(a): (str(l), c and str(c), _code(sec)) for a, l, c, sec in kg.query(pre + _ACTORS)}
    docs = {str(d): (str(i), str(src) if str(src).startswith(("http://", "https://")) else None)
            for d, i, src in kg.query(pre + _DOCUMENTS)}
    rows = []
    for e, t, s, o, neg, mod, conf, sent, trig, date, doc, mode, place, pcode, ss, ts, stext, ttext in \
            kg.query(pre + _EVENTS):
        cls = str(t).rsplit("#", 1)[-1]
        et = EVENT_TYPES[cls]
        (sl, sc, ssec), (ol, oc, osec) = actors.get(str(s), (str(s), None, None)), actors.get(str(o), (str(o), None, None))
        doc_id, url = docs.get(str(doc), (str(doc), None))
        rows.append({
            "event_id": str(e), "date": str(date) if date is not None else None, "source": sl,
            "source_country": sc, "source_sector": _code(ss) or ssec, "target": ol, "target_country": oc,
            "target_sector": _code(ts) or osec, "class": cls, "quad_class": et.quad, "intensity": et.intensity,
            "mode": str(mode) if mode is not None else None, "context": "|".join(sorted(contexts.get(str(e), []))),
            "negated": str(neg).lower() == "true", "modality": str(mod),
            "place": str(place) if place is not None else None, "place_country": str(pcode) if pcode else None,
            "confidence": float(str(conf)), "trigger": str(trig), "sentence": str(sent), "document": doc_id,
            "url": url, "source_text": str(stext) if stext is not None else None,
            "target_text": str(ttext) if ttext is not None else None, "source_id": str(s), "target_id": str(o)})
    return rows


def story_rows(kg: KnowledgeGraph) -> list[dict]:
    """Every story event of the store as one flat row (keys :data:`STORY_COLUMNS`), oldest first.

    ``event_id`` is the story event's IRI; ``date``, ``class``, ``negated`` and ``modality`` are the story
    event's (its earliest date; the class, negation and modality most reports give, as the named query
    ``story-events`` reads them); the other :data:`CSV_COLUMNS` come from its representative report, the
    earliest of the majority class (then by event IRI). ``reports``, ``documents`` and ``sources`` count its
    reports, their documents and their outlets (URL hosts); ``first_report`` and ``last_report`` are
    publication dates; ``other_classes`` the other classes reports give (space-separated);
    ``negated_reports`` and ``hypothetical_reports`` the dissent. A store without story events gives none.
    """
    from .query import named_query

    mentions = {r["event_id"]: r for r in event_rows(kg)}
    reports: dict[str, list[dict]] = {}
    for story, e in kg.query(_prologue() + _MEMBERS):
        if str(e) in mentions:
            reports.setdefault(str(story), []).append(mentions[str(e)])
    text = named_query("story-events").text_for([])
    rows = []
    for r in kg.query(_prologue() + text):
        story, cls = str(r["story"]), str(r["cls"])
        members = sorted(reports.get(story, []), key=lambda m: (m["class"] != cls, m["date"] or "", m["event_id"]))
        if not members:
            continue
        row = dict(members[0])
        row.update({
            "event_id": story, "date": str(r["date"]) if r["date"] is not None else None, "class": cls,
            "quad_class": EVENT_TYPES[cls].quad, "intensity": EVENT_TYPES[cls].intensity,
            "negated": str(r["negated"]).lower() == "true", "modality": str(r["modality"]),
            "reports": int(r["reports"]), "documents": int(r["documents"]), "sources": int(r["sources"]),
            "first_report": str(r["first"]) if r["first"] is not None else None,
            "last_report": str(r["last"]) if r["last"] is not None else None,
            "other_classes": str(r["alternatives"]) if r["alternatives"] is not None else "",
            "negated_reports": int(r["negatedReports"]), "hypothetical_reports": int(r["hypotheticalReports"])})
        rows.append(row)
    return rows


def plover_record(row: dict) -> dict:
    """One :func:`event_rows` row in the POLECAT/PLOVER JSON layout (a :func:`story_rows` row: with its
    ``story`` counts and dates).

    >>> r = plover_record({"event_id": "e1", "date": "2024-01-02", "class": "COERCE", "mode": "arrest",
    ...     "context": "protest", "source": "Iraq", "source_id": "a/IRQ", "source_text": "Iraqi police",
    ...     "source_country": "IRQ", "source_sector": "COP", "target": "protesters (Iraq)",
    ...     "target_id": "a/p", "target_text": "protesters", "target_country": "IRQ", "target_sector": "CVL",
    ...     "place": "Baghdad", "place_country": "IRQ", "trigger": "arrested", "sentence": "...",
    ...     "document": "d1", "url": None, "quad_class": "MaterialConflict", "intensity": -7.5,
    ...     "negated": False, "modality": "asserted", "confidence": 0.85})
    >>> r["event_type"], r["actor"]["sector"], r["recipient"]["country"], r["location"]["country"]
    ('COERCE', 'COP', 'IRQ', 'IRQ')
    """
    def block(end: str) -> dict:
        return {"text": row[f"{end}_text"] or row[end], "name": row[end], "id": row[f"{end}_id"],
                "country": row[f"{end}_country"], "sector": row[f"{end}_sector"]}

    record = {"id": row["event_id"], "date": row["date"], "event_type": row["class"], "mode": row["mode"],
            "context": [c for c in (row["context"] or "").split("|") if c], "quad_class": row["quad_class"],
            "intensity": row["intensity"], "negated": row["negated"], "modality": row["modality"],
            "actor": block("source"), "recipient": block("target"),
            "location": {"text": row["place"], "country": row["place_country"]} if row["place"] else None,
            "anchor": {"trigger": row["trigger"], "quote": row["sentence"]}, "confidence": row["confidence"],
            "source_document": {"id": row["document"], "url": row["url"]}}
    if "reports" in row:
        record["story"] = {k: row[k] for k in STORY_COLUMNS[len(CSV_COLUMNS):]}
    return record


def _write_plover(rows: list[dict], out: Path) -> None:
    with out.open("w", encoding="utf-8") as f:
        for row in rows:
            f.write(json.dumps(plover_record(row), ensure_ascii=False) + "\n")


def _write_csv(rows: list[dict], out: Path, columns: tuple[str, ...] = CSV_COLUMNS) -> None:
    """UTF-8 with a byte-order mark, so that Excel reads the accents right; pandas reads it as is."""
    with out.open("w", encoding="utf-8-sig", newline="") as f:
        w = csv.DictWriter(f, fieldnames=columns)
        w.writeheader()
        w.writerows(rows)


def to_dataframe(kg: KnowledgeGraph):
    """The events of the store as a pandas DataFrame, one row per event, columns :data:`CSV_COLUMNS`.

    Needs pandas: ``pip install 'kg[pandas]'`` (raises :class:`KGError` saying so otherwise).
    """
    try:
        import pandas as pd
    except ImportError:
        raise KGError("to_dataframe needs pandas: pip install 'kg[pandas]'") from None
    return pd.DataFrame(event_rows(kg), columns=list(CSV_COLUMNS))
