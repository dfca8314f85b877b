"""A stored document as an HTML page with one event's evidence sentence marked (``kg serve``'s ``/doc/{key}``).

The full text is shown when the file the document was built from is still
readable and has the stored content hash, so the stored character offsets
hold; otherwise the page lists the document's evidence sentences in text order.
Every piece of document text goes through :func:`html.escape`.
"""
from __future__ import annotations

import html
import re
from pathlib import Path
from typing import TYPE_CHECKING

from .vocab import ID

if TYPE_CHECKING:
    from .store import KnowledgeGraph

__all__ = ["document_view", "DOC_KEY"]

DOC_KEY = re.compile(r"^[A-Za-z0-9._-]{1,200}$")  # the last segment of a document IRI

_STYLE = """body{margin:0 auto;max-width:820px;padding:16px;font:15px/1.55 Georgia,serif;color:#222}
h1{font:600 20px/1.3 system-ui,sans-serif}.meta{font:13px system-ui,sans-serif;color:#666}
mark{background:#ffe58a;padding:1px 0}mark b{background:#f6b73c}.ev{border-left:3px solid #ddd;padding-left:8px;
margin:8px 0}.ev.hit{border-color:#f6b73c}.text{white-space:pre-wrap}nav{font:13px system-ui,sans-serif}"""


def _local_text(identifier: str, content_hash: str) -> tuple[str, int] | None:
    """(text, where the article starts after any front matter) read again from the document's file, when that
    file still holds the stored text (the stored offsets count from the start of the file's text)."""
    from .errors import KGError
    from .ingest import read_document

    p = Path(identifier)
    if not p.is_file():
        return None
    try:
        doc = read_document(str(p))
    except (KGError, OSError):
        return None
    return (doc.text, doc.body_start) if doc.content_hash == content_hash else None


def _marked(sentence: str, trigger: str) -> str:
    """The sentence escaped, its first occurrence of ``trigger`` in bold."""
    i = sentence.find(trigger) if trigger else -1
    if i < 0:
        return html.escape(sentence)
    return (html.escape(sentence[:i]) + "<b>" + html.escape(trigger) + "</b>"
            + html.escape(sentence[i + len(trigger):]))


def document_view(kg: KnowledgeGraph, key: str, event: str = "") -> str | None:
    """The page for the document ``doc/{key}`` with ``event`` (IRI or last segment) marked; None if unknown."""
    if not DOC_KEY.match(key):
        return None
    doc = ID[f"doc/{key}"]
    meta = list(kg.query(f"""SELECT ?id ?hash ?title ?date ?source WHERE {{ GRAPH <{doc}> {{
        <{doc}> a dipl:Document ; dcterms:identifier ?id ; dipl:contentHash ?hash .
        OPTIONAL {{ <{doc}> dcterms:title ?title }} OPTIONAL {{ <{doc}> dcterms:date ?date }}
        OPTIONAL {{ <{doc}> dcterms:source ?source }} }} }}"""))
    if not meta:
        return None
    identifier, content_hash, title, date, source = (None if t is None else str(t) for t in meta[0])
    rows = kg.query(f"""SELECT ?e ?sentence ?start ?end ?trigger ?cls WHERE {{ GRAPH <{doc}> {{
        ?e a dipl:Event ; dipl:sentence ?sentence ; dipl:startChar ?start ; dipl:endChar ?end ;
           dipl:trigger ?trigger ; dipl:eventType ?t }} ?t skos:prefLabel ?cls }} ORDER BY ?start""")
    events = [(str(e), str(s), int(a), int(b), str(t), str(c)) for e, s, a, b, t, c in rows]
    hit = next((ev for ev in events if event and (ev[0] == event or ev[0].rsplit("/", 1)[-1] == event)), None)
    parts = [f"<!DOCTYPE html><html lang='en'><head><meta charset='utf-8'><title>{html.escape(title or identifier)}"
             f"</title><style>{_STYLE}</style></head><body><nav><a href='/'>network</a> · "
             f"<a href='/sparql'>SPARQL</a></nav><h1>{html.escape(title or identifier)}</h1>",
             f"<p class='meta'>{html.escape(date or 'undated')} · "]
    if source and source.startswith(("http://", "https://")):
        parts.append(f"<a href='{html.escape(source, quote=True)}' rel='noreferrer'>{html.escape(source)}</a>")
    else:
        parts.append(html.escape(identifier))
    if hit:
        parts.append(f" · {html.escape(hit[5])} <i>{html.escape(hit[4])}</i>")
    parts.append("</p>")
    local = _local_text(identifier, content_hash)
    text, body = local or ("", 0)
    if local is not None and (hit is None or (hit[2] >= body and text[hit[2]:hit[3]].strip())):
        if hit:  # the article without its front matter, the evidence marked
            s, e = hit[2], hit[3]
            parts.append(f"<div class='text'>{html.escape(text[body:s])}<mark id='hit'>"
                         f"{_marked(text[s:e], hit[4])}</mark>{html.escape(text[e:])}</div>")
        else:
            parts.append(f"<div class='text'>{html.escape(text[body:])}</div>")
    else:
        parts.append("<p class='meta'>The source file is not available here (or has changed since the build); "
                     "these are the document's evidence sentences.</p>")
        shown: set[int] = set()
        for ev in events:
            is_hit = hit is not None and ev[0] == hit[0]
            if not is_hit and (ev[2] in shown or (hit is not None and ev[2] == hit[2])):  # one line per sentence
                continue
            shown.add(ev[2])
            body = f"<mark id='hit'>{_marked(ev[1], ev[4])}</mark>" if is_hit else html.escape(ev[1])
            parts.append(f"<div class='ev{' hit' if is_hit else ''}'>{body} "
                         f"<span class='meta'>{html.escape(ev[5])}</span></div>")
    parts.append("<script>const h=document.getElementById('hit');if(h)h.scrollIntoView({block:'center'});</script>"
                 "</body></html>")
    return "".join(parts)
