"""Curation: an analyst's corrections, kept in a YAML file beside the store and applied to every build.

The file (``STORE/curation.yaml`` for a store directory; for a SPARQL server,
``curation.yaml`` in the working directory; ``--curation FILE`` or
``KG_CURATION`` elsewhere) holds one decision per entry, with who made it,
when and why; see docs/curation.md. Decisions:

* ``merge``: actor ``actor`` is the same as ``into``: its mentions, aliases and
  events now belong to ``into``, whose type, role and sector stand (events that
  become self-loops are dropped);
* ``alias-add`` / ``alias-remove``: ``name`` is / is not a name of ``actor``;
* ``retype``: ``actor`` is of ``type`` (Country, Person, Organization), with
  sector (subtype) ``sector``;
* ``reject``: the event ``event`` is wrong, or every event of ``sentence``.

Decisions act on a document's graph (:func:`apply`), a pure function of its
triples: the build applies them to each document it writes, and a new decision
is applied at once to the stored documents it touches (:func:`apply_to_store`),
whose maintained graphs the store then recomputes. So a decision survives any
rebuild, on a store directory and on a remote SPARQL store alike.
"""
from __future__ import annotations

import datetime as dt
import getpass
import os
import tempfile
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from rdflib import Graph, Literal, URIRef
from rdflib.namespace import PROV, RDF

from .errors import InputError, KGError
from .rdf import TYPE_CLASS, edge_iri, story_key_of, window_iri
from .vocab import DIPL, ID

if TYPE_CHECKING:
    from .store import KnowledgeGraph

__all__ = ["Decision", "Curation", "curation_path", "apply", "apply_ntriples", "apply_to_store", "affected_graphs",
           "graphs_naming", "ACTIONS", "ACTOR_TYPES", "normalize_sentence"]

ACTIONS = ("merge", "alias-add", "alias-remove", "retype", "reject")
ACTOR_TYPES = {"Country": DIPL.Country, "Person": DIPL.Person, "Organization": DIPL.Organization}
FIELDS = ("actor", "into", "name", "type", "sector", "event", "sentence")
HEADER = """\
# kg curation: corrections applied to every document this store holds and to every later build.
# Written by kg merge, kg alias, kg retype and kg reject; kg curation list shows them, kg curation undo N
# takes one back. One decision per entry: what, on which actor or event, who, when and why.
# Format: docs/curation.md.
"""


def normalize_sentence(text: str) -> str:
    """Whitespace folded, for comparing sentences.

    >>> normalize_sentence("  Iran   accused\\nIsrael. ")
    'Iran accused Israel.'
    """
    return " ".join(text.split())


@dataclass
class Decision:
    """One entry of the curation file; ``actor``/``into``/``event`` are IRIs."""

    id: int
    action: str
    actor: str | None = None
    into: str | None = None
    name: str | None = None
    type: str | None = None
    sector: str | None = None
    event: str | None = None
    sentence: str | None = None
    label: str | None = None  # the actor's label when decided, for people reading the file
    who: str = ""
    when: str = ""
    why: str = ""
    documents: list[str] = field(default_factory=list)  # graphs changed when the decision was made

    def check(self) -> None:
        """Raise InputError when the entry is incomplete or unknown."""
        need = {"merge": ("actor", "into"), "alias-add": ("actor", "name"), "alias-remove": ("actor", "name"),
                "retype": ("actor", "type"), "reject": ()}
        if self.action not in need:
            raise InputError(f"curation entry {self.id}: unknown action {self.action!r}; one of {', '.join(ACTIONS)}")
        missing = [f for f in need[self.action] if not getattr(self, f)]
        if self.action == "reject" and bool(self.event) == bool(self.sentence):
            missing.append("event or sentence (one of them)")
        if missing:
            raise InputError(f"curation entry {self.id} ({self.action}) lacks {', '.join(missing)}")
        if self.action == "retype" and self.type not in ACTOR_TYPES:
            raise InputError(f"curation entry {self.id}: type {self.type!r} is not one of {', '.join(ACTOR_TYPES)}")

    def summary(self) -> str:
        """One line for people: ``merge Kabul government -> Afghanistan``."""
        who = self.label or _tail(self.actor)
        if self.action == "merge":
            return f"merge {who} ({_tail(self.actor)}) into {_tail(self.into)}"
        if self.action in {"alias-add", "alias-remove"}:
            return f"{self.action} {who}: {self.name!r}"
        if self.action == "retype":
            return f"retype {who} as {self.type}" + (f" ({self.sector})" if self.sector else "")
        return f"reject event {_tail(self.event)}" if self.event else f"reject sentence {self.sentence!r}"

    def to_dict(self) -> dict:
        out: dict = {"id": self.id, "action": self.action}
        for k in (*FIELDS, "label", "who", "when", "why", "documents"):
            v = getattr(self, k)
            if v:
                out[k] = v
        return out


def _tail(iri: str | None) -> str:
    return (iri or "").rstrip("/").rsplit("/", 1)[-1]


def curation_path(store: str, explicit: str | None = None) -> Path:
    """Where the curation file of ``store`` lives: ``explicit``, $KG_CURATION, ``STORE/curation.yaml`` for a store
    directory, ``curation.yaml`` in the working directory for a SPARQL server URL."""
    chosen = explicit or os.environ.get("KG_CURATION")
    if chosen:
        return Path(chosen)
    if store.startswith(("http://", "https://")):
        return Path("curation.yaml")
    return Path(store.removeprefix("file://")) / "curation.yaml"


@dataclass
class Curation:
    """The decisions of one curation file, in order."""

    path: Path
    decisions: list[Decision] = field(default_factory=list)

    @classmethod
    def load(cls, path: str | Path) -> Curation:
        """Read ``path`` (an absent file is an empty curation); InputError names a bad entry."""
        import yaml

        path = Path(path)
        if not path.is_file():
            return cls(path)
        try:
            raw = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
        except (OSError, yaml.YAMLError) as e:
            raise InputError(f"{path}: not a readable curation file ({e}); fix it or move it away") from None
        entries = raw.get("decisions", []) if isinstance(raw, dict) else None
        if not isinstance(entries, list):
            raise InputError(f"{path}: expected a mapping with a 'decisions' list (see docs/curation.md)")
        known = set(Decision.__dataclass_fields__)
        out = []
        for i, entry in enumerate(entries, 1):
            if not isinstance(entry, dict) or "action" not in entry:
                raise InputError(f"{path}: entry {i} is not a decision with an 'action'")
            extra = set(entry) - known
            if extra:
                raise InputError(f"{path}: entry {i} has unknown keys {', '.join(sorted(extra))}")
            d = Decision(**{"id": i, **entry})
            d.check()
            out.append(d)
        return cls(path, out)

    def save(self) -> None:
        """Write the file atomically (a temporary file renamed over it)."""
        import yaml

        self.path.parent.mkdir(parents=True, exist_ok=True)
        body = yaml.safe_dump({"version": 1, "decisions": [d.to_dict() for d in self.decisions]},
                              sort_keys=False, allow_unicode=True, width=110)
        fd, tmp = tempfile.mkstemp(dir=self.path.parent, prefix=".curation-", suffix=".yaml")
        with os.fdopen(fd, "w", encoding="utf-8") as fh:
            fh.write(HEADER + body)
        os.replace(tmp, self.path)

    def new(self, action: str, why: str = "", who: str | None = None, **fields) -> Decision:
        """A new decision numbered after the last one (not yet added)."""
        d = Decision(id=max((x.id for x in self.decisions), default=0) + 1, action=action,
                     who=who or _user(), when=dt.datetime.now(dt.timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ"),
                     why=why, **fields)
        d.check()
        return d

    def recorded(self, d: Decision) -> Decision | None:
        """The earlier decision that decides what ``d`` decides (same action and fields; names compared
        without case), or None."""
        def key(x: Decision) -> tuple:
            return (x.action, *((getattr(x, f) or "").casefold() if f == "name" else getattr(x, f) for f in FIELDS))

        return next((x for x in self.decisions if key(x) == key(d)), None)

    def find(self, n: int) -> Decision:
        for d in self.decisions:
            if d.id == n:
                return d
        ids = ", ".join(str(d.id) for d in self.decisions) or "none"
        raise InputError(f"no curation decision {n} in {self.path} (decisions: {ids}); see kg curation list")

    def __bool__(self) -> bool:
        return bool(self.decisions)


def _user() -> str:
    try:
        return getpass.getuser()
    except (KeyError, OSError):
        return "unknown"


# ----------------------------------------------------------------------------- applying decisions to triples

STATED = (DIPL.statedType, DIPL.statedSubtype, DIPL.statedRole, DIPL.statedCountryCode, DIPL.statedActsFor,
          DIPL.statedFormer)


def _merge(g: Graph, old: URIRef, new: URIRef) -> None:
    for m in _mentions(g, old):  # the merged actor's names stay, its description yields to the other's
        for p in STATED:
            g.remove((m, p, None))
        for q in list(g.objects(m, DIPL.qualifiedActsFor)):  # and the basis and confidence of its sides
            g.remove((q, None, None))
            g.remove((m, DIPL.qualifiedActsFor, q))
    for s, p, o in list(g.triples((old, None, None))):
        g.remove((s, p, o))
        g.add((new, p, o))
    for s, p, o in list(g.triples((None, None, old))):
        g.remove((s, p, o))
        g.add((s, p, new))
    for e in list(g.subjects(RDF.type, DIPL.Event)):
        src, tgt = g.value(e, DIPL.source), g.value(e, DIPL.target)
        if src is not None and src == tgt:  # an actor does not act on itself
            _drop_event(g, e)
        elif (old in (src, tgt)) or new in (src, tgt):
            edge = g.value(e, DIPL.edge)
            cls = _class_of(g, e)
            if edge is not None and cls:
                g.set((e, DIPL.edge, edge_iri(_tail(src), _tail(tgt), cls)))
            if cls and g.value(e, DIPL.storyKey) is not None:
                _rekey(g, e, src, tgt, cls)


def _rekey(g: Graph, e: URIRef, src: URIRef, tgt: URIRef, cls: str) -> None:
    """Derive event ``e``'s story key and window again from its (merged) sides, as :mod:`kg.rdf` does."""
    key = story_key_of((_side(g, src), _side(g, tgt)), (_tail(src), _tail(tgt)), cls)
    g.set((e, DIPL.storyKey, key))
    window = g.value(e, DIPL.storyWindow)
    if window is not None:  # the same bucket of the new key
        g.set((e, DIPL.storyWindow, window_iri(key, _tail(window))))


def _side(g: Graph, actor: URIRef) -> str:
    """The key an actor counts as in a story key, as :func:`kg.rdf.story_key_iri` counts it: a person's stated
    country unless the document calls them a former holder of their role, else the actor's own."""
    for m in _mentions(g, actor):
        if g.value(m, DIPL.statedType) == TYPE_CLASS["Person"] and g.value(m, DIPL.statedFormer) is None:
            country = g.value(m, DIPL.statedCountryCode)
            if country is not None:
                return str(country)
    return _tail(actor)


def _class_of(g: Graph, e: URIRef) -> str | None:
    t = g.value(e, DIPL.eventType)
    return _tail(str(t)).rsplit("#", 1)[-1] if t is not None else None


def _drop_event(g: Graph, e: URIRef) -> None:
    g.remove((e, None, None))
    g.remove((None, None, e))


def _mentions(g: Graph, actor: URIRef) -> list:
    return list(g.subjects(DIPL.mentionOf, actor))


def apply(g: Graph, decisions: Iterable[Decision]) -> Graph:
    """Apply ``decisions`` in order to the document graph ``g`` (changed in place and returned)."""
    for d in decisions:
        if d.action == "merge":
            _merge(g, URIRef(d.actor), URIRef(d.into))
        elif d.action == "alias-add":
            actor = URIRef(d.actor)
            doc = next(iter(g.subjects(RDF.type, DIPL.Document)), None)
            forms = {str(f).casefold() for m in _mentions(g, actor) for f in g.objects(m, DIPL.surfaceForm)}
            if doc is not None and forms and d.name.casefold() not in forms:
                m = ID[f"mention/curation-{d.id}-{_tail(doc)}"]
                g.add((m, RDF.type, DIPL.Mention))
                g.add((m, DIPL.mentionOf, actor))
                g.add((m, DIPL.surfaceForm, Literal(d.name)))
                g.add((m, PROV.wasDerivedFrom, doc))
        elif d.action == "alias-remove":
            actor = URIRef(d.actor)
            for m in _mentions(g, actor):
                forms = [str(f) for f in g.objects(m, DIPL.surfaceForm)]
                stated = g.value(m, DIPL.statedType) is not None
                if any(f.casefold() == d.name.casefold() for f in forms) and not stated:
                    g.remove((m, None, None))
        elif d.action == "retype":
            actor = URIRef(d.actor)
            for m in _mentions(g, actor):
                if g.value(m, DIPL.statedType) is not None:
                    g.set((m, DIPL.statedType, ACTOR_TYPES[d.type]))
                    if d.sector:
                        g.set((m, DIPL.statedSubtype, Literal(d.sector)))
                    else:
                        g.remove((m, DIPL.statedSubtype, None))
        elif d.action == "reject":
            if d.event:
                _drop_event(g, URIRef(d.event))
            else:
                want = normalize_sentence(d.sentence)
                for e, s in list(g.subject_objects(DIPL.sentence)):
                    if normalize_sentence(str(s)) == want:
                        _drop_event(g, e)
    return g


def apply_ntriples(ntriples: str, decisions: Sequence[Decision]) -> str:
    """:func:`apply` on a document graph given and returned as N-Triples."""
    g = Graph()
    g.parse(data=ntriples, format="nt")
    return apply(g, decisions).serialize(format="nt")


# ----------------------------------------------------------------------------- the store

def affected_graphs(kg: KnowledgeGraph, d: Decision) -> list[str]:
    """The document graphs of ``kg`` that decision ``d`` changes."""
    if d.action == "reject" and d.event:
        where = f"?e a dipl:Event . FILTER(?e = <{d.event}>)"
    elif d.action == "reject":
        where = (f"?e dipl:sentence ?s . FILTER(REPLACE(STR(?s), '\\\\s+', ' ') = "
                 f"{Literal(normalize_sentence(d.sentence)).n3()})")
    else:
        return graphs_naming(kg, d.actor)
    rows = kg.query(f"SELECT DISTINCT ?g WHERE {{ GRAPH ?g {{ ?g a dipl:Document . {where} }} }} ORDER BY ?g")
    return [str(r[0]) for r in rows]


def graphs_naming(kg: KnowledgeGraph, actor: str) -> list[str]:
    """The document graphs of ``kg`` in which ``actor`` (an IRI) appears."""
    rows = kg.query(f"""SELECT DISTINCT ?g WHERE {{ GRAPH ?g {{ ?g a dipl:Document .
        {{ <{actor}> ?p ?o }} UNION {{ ?s ?p <{actor}> }} }} }} ORDER BY ?g""")
    return [str(r[0]) for r in rows]


def apply_to_store(kg: KnowledgeGraph, d: Decision, batch: int = 50) -> list[str]:
    """Apply ``d`` to the stored documents it touches (each rewritten whole, with the maintained graphs);
    return their graph IRIs."""
    graphs = affected_graphs(kg, d)
    for i in range(0, len(graphs), batch):
        out = []
        for g in graphs[i:i + batch]:
            triples = kg.query(f"CONSTRUCT {{ ?s ?p ?o }} WHERE {{ GRAPH <{g}> {{ ?s ?p ?o }} }}").graph
            doc = Graph()
            for t in triples:
                doc.add(t)
            out.append((g, apply(doc, [d]).serialize(format="nt")))
        kg.replace_graphs(out)
    return graphs


