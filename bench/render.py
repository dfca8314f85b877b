"""Time to first draw of kg's network page vs pyvis's default page, in headless Chromium with the network blocked.

Usage: .venv/bin/python bench/render.py [--sizes 100 1000 5000] [--timeout 60]

For each size a graph is generated (preferential attachment, seeded), written
once by ``kg.render.render_html`` and once by pyvis with its default options
(scripts inlined so it can draw offline), and both pages are opened in the
same browser. "Draw" is the first fill or stroke on a canvas, measured from
navigation start, for both pages; "frame" is the end of kg's first complete
frame (vis-network's afterDrawing). "kg build" is the Python side (layout and
page). The pyvis page is given ``--timeout`` seconds.
"""
from __future__ import annotations

import argparse
import random
import sys
import tempfile
import time
from pathlib import Path

import networkx as nx

from kg.render import CHROMIUM_ARGS, chromium_path, render_html
from kg.vocab import EVENT_TYPES

FIRST_PAINT = """
(() => {
  const proto = CanvasRenderingContext2D.prototype;
  for (const name of ["fill", "stroke", "fillText"]) {
    const orig = proto[name];
    proto[name] = function (...args) {
      if (window.__firstPaint === undefined) window.__firstPaint = performance.now();
      return orig.apply(this, args);
    };
  }
})();
"""


def generated_graph(n: int, seed: int = 1) -> nx.MultiDiGraph:
    """A kg-shaped actor network with ``n`` actors and about 2n relations."""
    rng = random.Random(seed)
    base = nx.barabasi_albert_graph(n, 2, seed=seed)
    g = nx.MultiDiGraph()
    types = ["Country", "Person", "Organization"]
    for v in base:
        g.add_node(f"a/{v}", label=f"Actor {v}", type=rng.choice(types), role="minister" if v % 7 == 0 else "",
                   aliases=[f"A{v}"], affiliations=[])
    classes = list(EVENT_TYPES)
    for u, v in base.edges():
        s, o = (u, v) if rng.random() < 0.5 else (v, u)
        cls = rng.choice(classes)
        count = 1 + int(rng.expovariate(0.7))
        g.add_edge(f"a/{s}", f"a/{o}", key=cls, cls=cls, count=count, negated=rng.random() < 0.1,
                   dates=[f"2024-{rng.randint(1, 12):02d}-{rng.randint(1, 28):02d}"],
                   evidence=[(f"Actor {s} and Actor {o} met.", "doc.txt")], quad=EVENT_TYPES[cls].quad,
                   intensity=EVENT_TYPES[cls].intensity)
    return g


def pyvis_default_page(g: nx.MultiDiGraph, out: Path) -> Path:
    """pyvis 0.3.2 with default options; only the scripts are inlined (the default loads them from a CDN)."""
    from pyvis.network import Network

    net = Network(directed=True, cdn_resources="in_line")
    for n, d in g.nodes(data=True):
        net.add_node(n, label=d["label"], title=d["type"])
    for s, o, d in g.edges(data=True):
        net.add_edge(s, o, title=d["cls"], width=d["count"], color=EVENT_TYPES[d["cls"]].colour)
    out.write_text(net.generate_html(), encoding="utf-8")
    return out


def first_draw(browser, path: Path, timeout_s: float) -> tuple[float | None, float | None]:
    """Seconds from navigation start to the first canvas draw and to the end of kg's first frame (None: not seen)."""
    context = browser.new_context(viewport={"width": 1400, "height": 900})
    try:
        context.add_init_script(FIRST_PAINT)
        page = context.new_page()
        page.route("**/*", lambda r: r.continue_() if r.request.url.startswith("file:") else r.abort())
        page.goto(path.as_uri(), wait_until="commit", timeout=timeout_s * 1000)
        try:
            page.wait_for_function("window.__firstPaint !== undefined", timeout=timeout_s * 1000, polling=50)
        except Exception:  # playwright's TimeoutError
            return None, None
        page.wait_for_timeout(300)
        frame = page.evaluate("window.kgFirstDraw")
        return page.evaluate("window.__firstPaint") / 1000, frame / 1000 if frame is not None else None
    finally:
        context.close()


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--sizes", type=int, nargs="+", default=[100, 1000, 5000])
    ap.add_argument("--timeout", type=float, default=60, help="seconds the pyvis page may take (default 60)")
    args = ap.parse_args(argv)
    exe = chromium_path()
    if exe is None:
        print("chromium not found: apt-get install chromium (or set KG_CHROMIUM)", file=sys.stderr)
        return 1
    from playwright.sync_api import sync_playwright

    rows = []
    with tempfile.TemporaryDirectory() as tmp, sync_playwright() as p:
        browser = p.chromium.launch(executable_path=exe, args=CHROMIUM_ARGS)
        for n in args.sizes:
            g = generated_graph(n)
            t0 = time.perf_counter()
            ours = render_html(g, Path(tmp) / f"kg-{n}.html")
            build = time.perf_counter() - t0
            theirs = pyvis_default_page(g, Path(tmp) / f"pyvis-{n}.html")
            ours_s, frame_s = first_draw(browser, ours, 30)
            theirs_s, _ = first_draw(browser, theirs, args.timeout)
            rows.append((n, g.number_of_edges(), build, ours_s, frame_s, theirs_s))
            print(f"measured {n} nodes", file=sys.stderr, flush=True)
        browser.close()
    print(f"{'nodes':>6} {'edges':>6} {'kg build':>9} {'kg draw':>9} {'kg frame':>9} {'pyvis default draw':>24} "
          f"{'ratio':>9}")
    for n, m, build, ours_s, frame_s, theirs_s in rows:
        ours_txt = f"{ours_s:.2f} s" if ours_s is not None else "no draw"
        theirs_txt = f"{theirs_s:.2f} s" if theirs_s is not None else f"no draw within {args.timeout:g} s"
        if ours_s and theirs_s:
            ratio = f"{theirs_s / ours_s:.0f}x"
        elif ours_s:
            ratio = f">{args.timeout / ours_s:.0f}x"
        else:
            ratio = "n/a"
        frame_txt = f"{frame_s:.2f} s" if frame_s is not None else "-"
        print(f"{n:>6} {m:>6} {build:>7.2f} s {ours_txt:>9} {frame_txt:>9} {theirs_txt:>24} {ratio:>9}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
