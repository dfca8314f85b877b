"""Draw the actor network as one self-contained HTML page (pyvis / vis-network).

The layout is computed in Python (networkx, fixed seed) and handed to vis.js as
fixed positions with physics off, so large graphs draw at once. vis-network's
script and style are inlined from pyvis's own copy: the page makes no network
request. All text from documents is HTML-escaped before it reaches the page.
"""
from __future__ import annotations

import html
import json
import math
from importlib.resources import files
from pathlib import Path

import networkx as nx

from .vocab import EVENT_TYPES

__all__ = ["render_html", "TYPE_STYLE"]

TYPE_STYLE = {  # actor type -> (shape, colour)
    "Country": ("dot", "#1f77b4"),
    "Person": ("diamond", "#ff7f0e"),
    "Organization": ("square", "#2ca02c"),
}


def _vis_assets() -> tuple[str, str]:
    import pyvis

    lib = Path(pyvis.__file__).parent / "lib" / "vis-9.1.2"
    return (lib / "vis-network.min.js").read_text(encoding="utf-8"), (lib / "vis-network.css").read_text(encoding="utf-8")


def _node_title(g: nx.MultiDiGraph, n: str) -> str:
    d = g.nodes[n]
    lines = [f"{d['label']} ({d['type']})"]
    if d.get("role"):
        lines.append(f"role: {d['role']}")
    if d.get("affiliations"):
        lines.append("acts for: " + ", ".join(d["affiliations"]))
    if d.get("aliases"):
        lines.append("aliases: " + ", ".join(d["aliases"][:8]))
    lines.append(f"degree: {g.degree(n)}")
    return "\n".join(lines)


def _edge_title(d: dict) -> str:
    dates = d["dates"]
    span = f"{dates[0]} .. {dates[-1]}" if dates else "undated"
    lines = [f"{d['cls']} x{d['count']} ({span})"]
    lines += [f"- {s} [{doc}]" for s, doc in d["evidence"]]
    return "\n".join(lines)


def _script_json(value: object) -> str:
    """JSON safe inside a <script> element: no "<", ">" or "&" survive as such.

    vis-network 9 shows string titles as text and draws labels on a canvas, so
    document text needs no other escaping to stay inert.
    """
    return json.dumps(value).replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")


def layout(g: nx.MultiDiGraph, seed: int = 7) -> dict[str, tuple[float, float]]:
    """Node positions in pixels, from networkx's spring layout with a fixed seed."""
    if not g:
        return {}
    pos = nx.spring_layout(nx.Graph(g), seed=seed, k=2 / math.sqrt(max(len(g), 1)))
    scale = 220 * math.sqrt(len(g))
    return {n: (float(x) * scale, float(y) * scale) for n, (x, y) in pos.items()}


def render_html(g: nx.MultiDiGraph, out: str | Path = "output/graph.html", title: str = "kg actor network") -> Path:
    """Write the page for ``g`` to ``out`` and return its path."""
    from pyvis.network import Network

    net = Network(directed=True, cdn_resources="in_line")
    centrality = nx.degree_centrality(g) if len(g) > 1 else {n: 1.0 for n in g}
    pos = layout(g)
    for n, d in g.nodes(data=True):
        shape, colour = TYPE_STYLE.get(d["type"], ("dot", "#999999"))
        x, y = pos[n]
        net.add_node(n, label=d["label"], title=_node_title(g, n), shape=shape, color=colour,
                     size=10 + 30 * centrality.get(n, 0), x=x, y=y, physics=False, group=d["type"])
    for s, o, d in g.edges(data=True):
        et = EVENT_TYPES[d["cls"]]
        net.add_edge(s, o, title=_edge_title(d), color=et.colour, width=1 + math.log2(d["count"]),
                     dashes=d["negated"], arrows="to", label=d["cls"].lower(), cls=d["cls"], quad=d["quad"])
    nodes, edges, *_ = net.get_network_data()
    options = {"physics": {"enabled": False}, "interaction": {"hover": True, "tooltipDelay": 120},
               "edges": {"smooth": False, "font": {"size": 9, "align": "middle"}}, "nodes": {"font": {"size": 14}}}
    js, css = _vis_assets()
    legend = "".join(f'<li><span class="sw" style="background:{c}"></span>{t} ({s})</li>'
                     for t, (s, c) in TYPE_STYLE.items())
    legend += "".join(f'<li><span class="ln" style="background:{et.colour}"></span>{et.name}</li>'
                      for et in EVENT_TYPES.values())
    template = (files("kg") / "templates" / "network.html").read_text(encoding="utf-8")
    page = (template.replace("{{vis_css}}", css).replace("{{vis_js}}", js).replace("{{legend}}", legend)
            .replace("{{summary}}", f"{g.number_of_nodes()} actors, {g.number_of_edges()} relations")
            .replace("{{title}}", html.escape(title))
            .replace("{{data}}", _script_json({"nodes": nodes, "edges": edges, "options": options})))  # last: holds document text
    out = Path(out)
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(page, encoding="utf-8")
    return out
