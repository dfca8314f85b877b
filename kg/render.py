"""Draw the actor network as one self-contained HTML page (vis-network).

The layout is computed in Python (networkx spring layout with a fixed seed on
the most connected actors, the rest placed around their neighbours; cached per
graph) and handed to vis.js as positions with physics off, so a 5,000-node
graph draws at once. vis-network's script and style are inlined from pyvis's
copy: the page makes no network request. Document text travels as JSON inside
a ``<script type="application/json">`` block (``<``, ``>``, ``&`` escaped) and
the page only ever puts it into the DOM as text, so markup in articles is inert.
``screenshot`` saves a PNG of a page with the system Chromium.
"""
from __future__ import annotations

import hashlib
import html
import json
import math
import os
import re
import shutil
from collections import Counter, defaultdict, deque
from functools import lru_cache
from importlib.resources import files
from pathlib import Path

import networkx as nx
import numpy as np

from .errors import KGError
from .network import most_central
from .vocab import DIPL, EVENT_TYPES, ontology_graph

__all__ = ["render_html", "layout", "spread_labels", "page_data", "rollup_map", "screenshot", "chromium_path", "TYPE_STYLE", "quad_colours",
           "MAX_NODES"]

MAX_NODES = 5000  # larger graphs are cut to their most central actors
CORE = 300  # actors laid out by the spring model; the others are placed around them
SPACING = 90.0  # pixels between neighbours
TYPE_STYLE = {  # actor type -> (shape, colour): greys and a green, apart from the blue-red relation colours
    "Country": ("dot", "#4d4d4d"),
    "Person": ("diamond", "#8c8c8c"),
    "Organization": ("square", "#1b9e77"),
}
LABELLED = 30  # actors whose labels are drawn at 12 px or more at the starting zoom; the others show on zooming in
QUAD_ORDER = ["MaterialCooperation", "VerbalCooperation", "VerbalConflict", "MaterialConflict"]
_LAYOUTS: dict[str, dict[str, tuple[float, float]]] = {}


@lru_cache(maxsize=1)
def quad_colours() -> dict[str, tuple[str, str]]:
    """Quad class -> (label, colour) from the ontology: green for cooperation to red for conflict."""
    from rdflib.namespace import SKOS

    g = ontology_graph()
    return {q: (str(g.value(getattr(DIPL, q), SKOS.prefLabel) or q), str(g.value(getattr(DIPL, q), DIPL.colour)))
            for q in QUAD_ORDER}


def _vis_assets() -> tuple[str, str]:
    import pyvis

    lib = Path(pyvis.__file__).parent / "lib" / "vis-9.1.2"
    return (lib / "vis-network.min.js").read_text(encoding="utf-8"), (lib / "vis-network.css").read_text(encoding="utf-8")


# ----------------------------------------------------------------------------- layout

def _structure_key(h: nx.Graph, seed: int) -> str:
    digest = hashlib.sha256(f"kg-layout-v3 {seed} {CORE} {SPACING}\n".encode())
    for n in sorted(map(str, h)):
        digest.update(n.encode() + b"\0")
    digest.update(b"\1")
    for a, b in sorted(tuple(sorted((str(u), str(v)))) for u, v in h.edges()):
        digest.update(a.encode() + b"\0" + b.encode() + b"\0")
    return digest.hexdigest()[:32]


def _component_layout(h: nx.Graph, seed: int) -> dict:
    """Positions of one connected component, in pixels around (0, 0)."""
    n = len(h)
    if n == 1:
        return {next(iter(h)): (0.0, 0.0)}
    order = sorted(h, key=lambda v: (-h.degree(v), str(v)))
    core = order[:CORE]
    pos = nx.spring_layout(h.subgraph(core), seed=seed, k=2 / math.sqrt(len(core)), iterations=60)
    scale = SPACING * math.sqrt(len(core)) * 1.2
    placed = {v: (float(x) * scale, float(y) * scale) for v, (x, y) in pos.items()}
    children: Counter = Counter()
    golden = math.pi * (3 - math.sqrt(5))
    queue = deque(core)
    while queue:  # the rest, breadth first from the core, on a sunflower spiral around their first placed neighbour
        u = queue.popleft()
        ux, uy = placed[u]
        for v in h[u]:
            if v in placed:
                continue
            c = children[u] = children[u] + 1
            r, a = SPACING * 0.7 * math.sqrt(c), c * golden
            placed[v] = (ux + r * math.cos(a), uy + r * math.sin(a))
            queue.append(v)
    return placed


def layout(g: nx.Graph, seed: int = 7, cache_dir: str | Path | None = None) -> dict[str, tuple[float, float]]:
    """Node positions in pixels; deterministic for a graph's structure, cached in memory and in ``cache_dir``."""
    h = g if type(g) is nx.Graph else nx.Graph(g)
    if not h:
        return {}
    key = _structure_key(h, seed)
    cached = Path(cache_dir) / f"layout-{key}.json" if cache_dir else None
    if key not in _LAYOUTS and cached and cached.is_file():
        _LAYOUTS[key] = {n: (x, y) for n, (x, y) in json.loads(cached.read_text(encoding="utf-8")).items()}
    if key in _LAYOUTS:
        return dict(_LAYOUTS[key])
    comps = sorted((sorted(c, key=str) for c in nx.connected_components(h)), key=lambda c: (-len(c), str(c[0])))
    boxes = []
    for comp in comps:
        p = _component_layout(h.subgraph(comp), seed)
        xs, ys = [x for x, _ in p.values()], [y for _, y in p.values()]
        width = max(xs) - min(xs) + SPACING * (2.1 if len(comp) == 1 else 1)  # room for a lone actor's label
        boxes.append((p, min(xs), min(ys), width, max(ys) - min(ys) + SPACING))
    row_width = max(boxes[0][3], math.sqrt(sum(b[3] * b[4] for b in boxes)) * 1.2)
    out: dict[str, tuple[float, float]] = {}
    x = y = row_h = 0.0
    for p, x0, y0, w, hh in boxes:  # shelf packing, largest component first
        if x > 0 and x + w > row_width:
            x, y, row_h = 0.0, y + row_h, 0.0
        out.update({n: (round(px - x0 + x, 1), round(py - y0 + y, 1)) for n, (px, py) in p.items()})
        x, row_h = x + w, max(row_h, hh)
    _LAYOUTS[key] = out
    if cached:
        cached.parent.mkdir(parents=True, exist_ok=True)
        cached.write_text(json.dumps(out), encoding="utf-8")
    return dict(out)


def spread_labels(pos: dict[str, tuple[float, float]], labels: dict[str, str], sizes: dict[str, float] | None = None,
                  char_px: float | dict[str, float] = 7.5, line_px: float = 18.0,
                  rounds: int = 40) -> dict[str, tuple[float, float]]:
    """Positions nudged apart so that no two actors' boxes overlap: a box is the node (radius ``sizes[n]``,
    default 10 px) with its label under it, ``char_px`` pixels per character wide (one value, or one per node)
    and ``line_px`` high; a node without a label in ``labels`` is a box of its own size.

    In each of at most ``rounds`` rounds every overlapping pair is pushed apart along its shallower axis, all
    at once (numpy). Pairs are found in a grid of average-sized cells, each box entered in every cell it
    covers, so a round costs about linear time in the number of nodes however long a few labels are.

    >>> spread_labels({"a": (0.0, 0.0), "b": (10.0, 0.0)}, {"a": "Abdul Ghani Baradar", "b": "Zalmay Khalilzad"})
    {'a': (-61.1, 0.0), 'b': (71.1, 0.0)}
    """
    names = list(pos)
    if not names:
        return {}
    xy = np.array([pos[n] for n in names], dtype=float).reshape(-1, 2)
    size = np.array([(sizes or {}).get(n, 10.0) for n in names])
    per_char = np.array([char_px.get(n, 7.5) if isinstance(char_px, dict) else char_px for n in names])
    length = np.array([len(labels.get(n, "")) for n in names])
    half = np.maximum(np.maximum(size, per_char * length / 2), 12.0)
    below = size + np.where(length > 0, line_px, 0.0)  # the label hangs under the node
    cell = np.array([2 * half.mean(), (size + below).mean()])
    lo, hi = np.column_stack([half, size]), np.column_stack([half, below])  # box: x - half .. x + half, y - size .. y + below
    for _ in range(rounds):
        first = np.floor((xy - lo) / cell).astype(np.int64)
        span = np.floor((xy + hi) / cell).astype(np.int64) - first + 1
        count = span[:, 0] * span[:, 1]
        owner = np.repeat(np.arange(len(names)), count)
        k = np.arange(count.sum()) - np.repeat(np.cumsum(count) - count, count)
        cells = np.column_stack([first[owner, 0] + k // span[owner, 1], first[owner, 1] + k % span[owner, 1]])
        base = cells.min(axis=0)
        height = int(cells[:, 1].max() - base[1]) + 1
        key = (cells[:, 0] - base[0]) * height + (cells[:, 1] - base[1])
        order = np.argsort(key, kind="stable")
        key, owner = key[order], owner[order]
        found = []
        for d in range(1, len(key)):  # every two boxes in one cell: members d places apart in the sorted cells
            same = np.nonzero(key[d:] == key[:-d])[0]
            if not len(same):
                break
            found.append((owner[same], owner[same + d], key[same]))
        if not found:
            break
        a, b, where = (np.concatenate(x) for x in zip(*found))
        ox = half[a] + half[b] - np.abs(xy[a, 0] - xy[b, 0])
        top = np.maximum(xy[a, 1] - size[a], xy[b, 1] - size[b])
        oy = np.minimum(xy[a, 1] + below[a], xy[b, 1] + below[b]) - top
        corner = np.floor(np.column_stack([np.maximum(xy[a, 0] - half[a], xy[b, 0] - half[b]), top]) / cell)
        corner = (corner[:, 0].astype(np.int64) - base[0]) * height + (corner[:, 1].astype(np.int64) - base[1])
        hit = (ox > 0) & (oy > 0) & (corner == where)  # a pair that shares several cells is pushed in one
        if not hit.any():
            break
        a, b, ox, oy = a[hit], b[hit], ox[hit], oy[hit]
        sideways = ox / (half[a] + half[b]) < oy / (size[a] + below[a] + size[b] + below[b]) * 2
        dx = np.where(sideways, (ox / 2 + 0.5) * np.where(xy[a, 0] <= xy[b, 0], 1, -1), 0.0)
        up = xy[a, 1] + (below[a] - size[a]) / 2 <= xy[b, 1] + (below[b] - size[b]) / 2
        dy = np.where(sideways, 0.0, (oy / 2 + 0.5) * np.where(up, 1, -1))
        push = np.column_stack([dx, dy])
        move = np.zeros_like(xy)
        np.add.at(move, a, -push)
        np.add.at(move, b, push)
        xy += move
    return {n: (round(float(x), 1), round(float(y), 1)) for n, (x, y) in zip(names, xy)}


VIEWPORT = (1050.0, 860.0)  # pixels of the canvas beside the side panel in a 1400 x 900 window


def _readable(g: nx.MultiDiGraph, pos: dict, sizes: dict[str, float]) -> dict[str, tuple[float, float]]:
    """``pos`` with labels apart: at full zoom, then at the zoom that fits the actors with relations into
    :data:`VIEWPORT`, where the page draws only the :data:`LABELLED` largest actors' labels (at 13 px on
    screen): there the others are boxes of their own size."""
    labels = {str(n): d.get("label", str(n)) for n, d in g.nodes(data=True)}
    pos = spread_labels(pos, labels, sizes)
    linked = [str(n) for n in g if g.degree(n)] or [str(n) for n in g]
    if len(linked) < 2:
        return pos
    big = set(sorted(linked, key=lambda n: (-sizes[n], n))[:LABELLED])
    shown = {n: labels[n] for n in big}
    half = {n: max(sizes[n], 3.75 * len(labels[n])) for n in linked}
    for _ in range(4):  # spreading widens the drawing, which lowers the zoom that fits it: settle both
        width = max(pos[n][0] + half[n] for n in linked) - min(pos[n][0] - half[n] for n in linked)
        height = max(pos[n][1] + sizes[n] + 18 for n in linked) - min(pos[n][1] - sizes[n] for n in linked)
        scale = min(1.0, VIEWPORT[0] / (width + 40), VIEWPORT[1] / (height + 40))
        if scale >= 1.0:
            break
        here = {n: pos[n] for n in linked}
        apart = spread_labels(here, shown, sizes, char_px=7.0 / scale, line_px=17.0 / scale)
        if apart == here:
            break
        pos = {**pos, **apart}
    return pos


# ----------------------------------------------------------------------------- page

def _script_json(value: object) -> str:
    """JSON safe inside a <script> element: no "<", ">" or "&" survive as such."""
    return (json.dumps(value, ensure_ascii=False, separators=(",", ":"))
            .replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")
            .replace("\u2028", "\\u2028").replace("\u2029", "\\u2029"))


def rollup_map(g: nx.MultiDiGraph) -> dict[str, str]:
    """Actor -> the country it rolls up to in the countries-only view: a country is itself; anyone else rolls up to
    the country it acts for (the first by IRI), else to the country of its country code; others are absent.

    >>> g = nx.MultiDiGraph()
    >>> g.add_node("a/PAK", type="Country", country="PAK"); g.add_node("a/pm", type="Person", acts_for=["a/PAK"])
    >>> g.add_node("a/isi", type="Organization", country="PAK"); g.add_node("a/un", type="Organization")
    >>> rollup_map(g)
    {'a/PAK': 'a/PAK', 'a/pm': 'a/PAK', 'a/isi': 'a/PAK'}
    """
    countries = {n for n, d in g.nodes(data=True) if d.get("type") == "Country"}
    by_code = {}
    for n in sorted(countries):
        by_code.setdefault(g.nodes[n].get("country") or "", n)
    out = {}
    for n, d in g.nodes(data=True):
        if n in countries:
            out[n] = n
            continue
        sides = sorted(a for a in d.get("acts_for", []) if a in countries)
        target = sides[0] if sides else by_code.get(d.get("country") or "")
        if target:
            out[n] = target
    return out


def _doc_href(source: str, identifier: str) -> str:
    """Where a static page links a document: its URL, else its file if it is on this machine."""
    if source.startswith(("http://", "https://")):
        return source
    return Path(identifier).resolve().as_uri() if os.path.isfile(identifier) else ""


def _sides(g: nx.MultiDiGraph, n: str, sure: dict[tuple[str, str], dict]) -> list[dict]:
    """Whom node ``n`` acts for, by label: [{label, confidence (0..1), basis ("text", "gazetteer", "inferred")}],
    confidence and basis where the store keeps them (``sure``: (official, side) -> both; see
    :func:`kg.network.to_networkx`); a graph without ``acts_for`` gives its ``affiliations`` labels alone.

    >>> g = nx.MultiDiGraph(); g.add_node("a/KEN", label="Kenya"); g.add_node("a/x", acts_for=["a/KEN"])
    >>> _sides(g, "a/x", {("a/x", "a/KEN"): {"confidence": 0.5, "basis": "inferred"}})
    [{'label': 'Kenya', 'confidence': 0.5, 'basis': 'inferred'}]
    """
    d = g.nodes[n]
    if "acts_for" not in d:
        return [{"label": label} for label in d.get("affiliations", [])]
    sides = [{"label": g.nodes[a].get("label", a) if a in g else str(a).rsplit("/", 1)[-1],
              **sure.get((str(n), str(a)), {})} for a in d["acts_for"]]
    return sorted(sides, key=lambda side: side["label"])


def page_data(g: nx.MultiDiGraph, notes: list[str] | None = None, cache_dir: str | Path | None = None,
              mentions_shown: int | None = None, store: str | None = None) -> dict:
    """Everything the page draws: vis nodes and edges with their encoding, acts-for links, documents, options
    and legend data. An edge carries the mentions ``g`` gives it (at most ``mentions_shown``, the bound
    kg.network read them with) and its exact ``count``; ``store`` (the store's path) goes into the command the
    page suggests for the rest."""
    centrality = nx.degree_centrality(g) if len(g) > 1 else {n: 1.0 for n in g}
    top = max(centrality.values(), default=1.0) or 1.0
    rollup = rollup_map(g)
    links = [(str(n), str(a)) for n, d in g.nodes(data=True) for a in d.get("acts_for", []) if a in g and a != n]
    sure = {(str(n), str(a)): c for n, d in g.nodes(data=True) for a, c in d.get("acts_for_confidence", {}).items()}
    shape = nx.Graph()
    shape.add_nodes_from(g)
    shape.add_edges_from(g.edges())
    shape.add_edges_from(links)  # officials are laid out next to the side they act for,
    shape.add_edges_from((n, c) for n, c in rollup.items() if c != n)  # a sector next to its country
    sizes = {str(n): round(8 + 28 * math.sqrt(centrality.get(n, 0) / top), 1) for n in g}
    pos = _readable(g, layout(shape, cache_dir=cache_dir), sizes)
    quads = quad_colours()
    docs: dict[str, int] = {}
    doc_list: list[dict] = []
    known = g.graph.get("documents", {})

    def doc_index(key: str) -> int:
        if key not in docs:
            d = known.get(key, {})
            docs[key] = len(doc_list)
            doc_list.append({"key": str(key).rstrip("/").rsplit("/", 1)[-1], "id": d.get("id", key),
                             "title": d.get("title", ""), "date": d.get("date", ""),
                             "href": _doc_href(d.get("source", ""), d.get("id", key))})
        return docs[key]

    nodes = []
    for n, d in g.nodes(data=True):
        x, y = pos[n]  # shape and colour come from the type's vis group: less for vis to parse per node
        nodes.append({"id": str(n), "label": d.get("label", str(n)), "x": x, "y": y, "group": d.get("type", "Other"),
                      "size": sizes[str(n)], "type": d.get("type", ""),
                      "sector": d.get("subtype") or "", "country": d.get("country") or "", "role": d.get("role", ""),
                      "aff": _sides(g, n, sure), "aliases": list(d.get("aliases", []))[:12],
                      "degree": g.degree(n), "rollup": rollup.get(n), "first": d.get("first") or "",
                      "last": d.get("last") or "", "docs": [doc_index(k) for k in d.get("documents", [])],
                      "ndocs": d.get("ndocs", len(d.get("documents", [])))})
    pairs = Counter(frozenset((s, o)) for s, o in g.edges())
    rank: dict = defaultdict(int)
    edges = []
    for i, (s, o, d) in enumerate(g.edges(data=True)):
        et = EVENT_TYPES[d["cls"]]
        colour = quads[et.quad][1]
        weight = d.get("weight", d["count"])  # story events by default (kg.network.weigh)
        mentions = [{**m, "doc": doc_index(m["doc"])} for m in d.get("mentions", [])] or \
                   [{"sentence": sentence, "trigger": "", "modality": "", "negated": False, "doc": doc_index(doc)}
                    for sentence, doc in d.get("evidence", [])]
        confidences = [m["confidence"] for m in mentions if m.get("confidence") is not None]
        edge = {"id": i, "iri": d.get("iri", ""), "from": str(s), "to": str(o), "cls": d["cls"], "quad": et.quad,
                "count": d["count"], "stories": d.get("stories", d["count"]), "weight": weight,
                "dates": list(d.get("dates", [])), "mentions": mentions,
                "conf": d["conf"] if "conf" in d else max(confidences, default=None),
                "weak": bool(d.get("negated")), "color": colour,
                "width": round(min(1 + 1.5 * math.log2(max(weight, 1)), 9), 2), "dashes": bool(d.get("negated")),
                "arrows": "" if et.symmetric else "to"}
        if pairs[frozenset((s, o))] > 1:  # parallel relations bend apart instead of overlapping
            rank[(s, o)] += 1
            edge["smooth"] = {"enabled": True, "type": "curvedCW", "roundness": round(0.15 * rank[(s, o)], 2)}
        edges.append(edge)
    big = len(nodes) > 1000
    options = {"autoResize": True, "physics": {"enabled": False}, "layout": {"improvedLayout": False},
               "interaction": {"hover": True, "hideEdgesOnDrag": big, "hideEdgesOnZoom": big, "keyboard": False},
               "nodes": {"borderWidth": 1, "font": {"size": 14, "strokeWidth": 4, "strokeColor": "#ffffff"},
                         "scaling": {"label": {"drawThreshold": 13, "maxVisible": 40}}},  # no label under 12 px
               "groups": {t: {"shape": s, "color": c} for t, (s, c) in {**TYPE_STYLE, "Other": ("dot", "#999999")}.items()},
               "edges": {"smooth": False, "selectionWidth": 2, "arrowStrikethrough": False,
                         "arrows": {"to": {"scaleFactor": 0.6}}}}
    meta = {"types": [{"name": t, "shape": s, "colour": c} for t, (s, c) in TYPE_STYLE.items()],
            "quads": [{"name": q, "label": quads[q][0], "colour": quads[q][1],
                       "classes": [c for c, et in EVENT_TYPES.items() if et.quad == q]} for q in QUAD_ORDER],
            "symmetric": [c for c, et in EVENT_TYPES.items() if et.symmetric],
            "notes": list(notes or []), "stabilization": 150 if len(nodes) <= 1000 else 40,
            "labelled": LABELLED, "focus": g.graph.get("focus"), "mentions": mentions_shown, "store": store}
    links_data = [{"from": a, "to": b, **sure.get((a, b), {})} for a, b in links]
    return {"nodes": nodes, "edges": edges, "links": links_data, "docs": doc_list,
            "options": options, "meta": meta}


def render_html(g: nx.MultiDiGraph, out: str | Path = "output/graph.html", title: str = "kg actor network",
                *, max_nodes: int = MAX_NODES, notes: list[str] | None = None,
                cache_dir: str | Path | None = None, mentions: int | None = None, store: str | None = None) -> Path:
    """Write the page for ``g`` to ``out`` and return its path.

    A graph over ``max_nodes`` actors is cut to its most central ones and the
    page says what was left out; ``notes`` are shown as well (e.g. the filters used).
    ``mentions`` and ``store``: see :func:`page_data`.
    """
    shown, reduction = most_central(g, max_nodes)
    data = page_data(shown, [*(notes or []), *([reduction.note()] if reduction else [])], cache_dir, mentions, store)
    mentions = sum(d["count"] for _, _, d in shown.edges(data=True))
    js, css = _vis_assets()
    parts = {"vis_css": css, "vis_js": js, "title": html.escape(title),
             "summary": html.escape(f"{len(shown):,} actors, {shown.number_of_edges():,} relations "
                                    f"({mentions:,} mentions)"),
             "data": _script_json(data)}
    template = (files("kg") / "templates" / "network.html").read_text(encoding="utf-8")
    page = re.sub(r"\{\{(\w+)\}\}", lambda m: parts[m.group(1)], template)  # one pass: inserted text is not rescanned
    out = Path(out)
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(page, encoding="utf-8")
    return out


# ----------------------------------------------------------------------------- screenshot

def chromium_path() -> str | None:
    """The system Chromium: $KG_CHROMIUM, ``chromium`` on PATH or /usr/bin/chromium."""
    for candidate in (os.environ.get("KG_CHROMIUM"), shutil.which("chromium"), "/usr/bin/chromium"):
        if candidate and Path(candidate).is_file():
            return candidate
    return None


CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update"]


def screenshot(page_path: str | Path, png: str | Path, width: int = 1400, height: int = 900,
               timeout_s: float = 30) -> Path:
    """Save a PNG of the page at ``page_path`` once the network is drawn (system Chromium, network blocked)."""
    exe = chromium_path()
    if exe is None:
        raise KGError("no Chromium to take the screenshot; install it (apt-get install chromium) or set KG_CHROMIUM")
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        raise KGError("the screenshot needs Playwright's Python package: pip install 'kg[test]'") from None
    png = Path(png)
    png.parent.mkdir(parents=True, exist_ok=True)
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=exe, args=CHROMIUM_ARGS)
        try:
            page = browser.new_page(viewport={"width": width, "height": height})
            page.route("**/*", lambda r: r.continue_() if r.request.url.startswith("file:") else r.abort())
            page.goto(Path(page_path).resolve().as_uri())
            page.wait_for_function("window.kgFirstDraw !== undefined", timeout=timeout_s * 1000)
            page.wait_for_timeout(200)
            page.screenshot(path=str(png))
        finally:
            browser.close()
    return png
