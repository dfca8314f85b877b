"""The HTML view: a self-contained page holding the graph; checked in a real headless browser.

The browser tests drive Debian's chromium with Playwright's Python package and
block every request that is not the page file itself.
"""
import json
import random
import re
import subprocess
import sys
from pathlib import Path

import networkx as nx
import pytest
from click.testing import CliRunner

from kg import render as render_mod
from kg.errors import KGError
from kg.network import find_actor, most_central, resolve_classes, subgraph
from kg.render import layout, page_data, quad_colours, render_html
from kg.store import KnowledgeGraph
from kg.vocab import EVENT_TYPES

from browser import SKIP_NO_CHROMIUM, Opened

CHROMIUM = render_mod.chromium_path()


def _edge(g, s, o, cls, count=1, negated=False, dates=(), evidence=None):
    et = EVENT_TYPES[cls]
    g.add_edge(s, o, key=cls, cls=cls, count=count, negated=negated, dates=list(dates),
               evidence=evidence or [(f"{s} {cls.lower()} {o}.", "doc.txt")], quad=et.quad, intensity=et.intensity)


def small_graph(evidence: str = "Peru thanked Chile.", alias: str = "Republic of Chile") -> nx.MultiDiGraph:
    g = nx.MultiDiGraph()
    for key, label, typ, aliases in [("a/PER", "Peru", "Country", ["Perú"]), ("a/CHL", "Chile", "Country", [alias]),
                                     ("a/jane-roe", "Jane Roe", "Person", ["Roe"])]:
        g.add_node(key, label=label, type=typ, role="minister" if typ == "Person" else "", aliases=aliases,
                   affiliations=["Peru"] if typ == "Person" else [])
    _edge(g, "a/PER", "a/CHL", "SUPPORT", count=2, dates=["2024-01-02"], evidence=[(evidence, "doc.txt")])
    _edge(g, "a/jane-roe", "a/PER", "ACCUSE", negated=True, evidence=[("Roe did not blame Peru.", "doc.txt")])
    return g


def chain_graph() -> nx.MultiDiGraph:
    """A - B - C - D in a line plus E off B, with assorted classes, weights and dates."""
    g = nx.MultiDiGraph()
    for n, typ in zip("ABCDE", ["Country", "Country", "Person", "Organization", "Country"]):
        g.add_node(f"a/{n}", label=f"Land {n}", type=typ, role="", aliases=[f"{n}-alias"], affiliations=[])
    _edge(g, "a/A", "a/B", "AGREE", count=3, dates=["2023-05-01"])
    _edge(g, "a/B", "a/C", "ASSAULT", count=1, dates=["2024-03-10"])
    _edge(g, "a/C", "a/D", "ACCUSE", count=2)
    _edge(g, "a/E", "a/B", "AID", count=5, dates=["2024-07-01", "2024-08-01"])
    return g


def generated_graph(n: int, seed: int = 3) -> nx.MultiDiGraph:
    rng = random.Random(seed)
    g = nx.MultiDiGraph()
    base = nx.barabasi_albert_graph(n, 2, seed=seed)
    for v in base:
        g.add_node(f"a/{v}", label=f"Actor {v}", type=rng.choice(["Country", "Person", "Organization"]), role="",
                   aliases=[], affiliations=[])
    for u, v in base.edges():
        _edge(g, f"a/{u}", f"a/{v}", rng.choice(list(EVENT_TYPES)), count=rng.randint(1, 4), dates=["2024-01-01"])
    return g


# ----------------------------------------------------------------------------- page content, no browser

def test_page_is_self_contained_and_holds_the_nodes(tmp_path):
    page = render_html(small_graph(), tmp_path / "g.html").read_text()
    assert "Peru" in page and "Jane Roe" in page and "vis.Network" in page
    assert not re.search(r"<(script|link|img|iframe)[^>]+(src|href)=", page)
    assert "@import" not in page and "url(http" not in page


def test_document_text_cannot_close_the_script(tmp_path):
    page = render_html(small_graph("</script><script>window.pwned=1</script>"), tmp_path / "g.html").read_text()
    assert "window.pwned=1</script>" not in page
    assert page.count("</script>") == 3  # vis-network, the data block, the page's own script


def test_encoding_follows_the_ontology():
    data = page_data(small_graph())
    nodes = {n["id"]: n for n in data["nodes"]}
    groups = data["options"]["groups"]
    assert groups[nodes["a/PER"]["group"]]["shape"] == "dot" and groups[nodes["a/jane-roe"]["group"]]["shape"] == "diamond"
    assert nodes["a/PER"]["size"] > nodes["a/CHL"]["size"]  # Peru has two relations, Chile one
    edges = {e["cls"]: e for e in data["edges"]}
    assert edges["SUPPORT"]["color"] == quad_colours()["VerbalCooperation"][1]
    assert edges["ACCUSE"]["color"] == quad_colours()["VerbalConflict"][1]
    assert edges["ACCUSE"]["dashes"] is True and edges["SUPPORT"]["dashes"] is False
    assert edges["SUPPORT"]["arrows"] == "to" and edges["SUPPORT"]["width"] > edges["ACCUSE"]["width"]
    assert page_data(chain_graph())["edges"][0]["arrows"] == ""  # AGREE is mutual: no arrow
    assert data["options"]["physics"]["enabled"] is False
    quads = [q["name"] for q in data["meta"]["quads"]]
    assert quads == ["MaterialCooperation", "VerbalCooperation", "VerbalConflict", "MaterialConflict"]


def test_parallel_relations_bend_apart():
    g = small_graph()
    _edge(g, "a/CHL", "a/PER", "REJECT")
    edges = {e["cls"]: e for e in page_data(g)["edges"]}
    assert edges["SUPPORT"]["smooth"]["type"] == edges["REJECT"]["smooth"]["type"] == "curvedCW"
    assert "smooth" not in edges["ACCUSE"]


def test_layout_is_deterministic_and_cached(tmp_path):
    g = generated_graph(700)  # more than the spring-laid core
    first = layout(g, cache_dir=tmp_path)
    assert len(first) == 700 and len(set(first.values())) == 700
    assert list(tmp_path.glob("layout-*.json"))
    render_mod._LAYOUTS.clear()
    assert layout(g, cache_dir=tmp_path) == first  # from the file
    render_mod._LAYOUTS.clear()
    assert layout(g) == first  # recomputed: same seed, same positions


def test_large_graph_is_cut_to_its_central_actors(tmp_path):
    g = generated_graph(60)
    h, reduction = most_central(g, 20)
    assert len(h) == 20 and reduction.total_nodes == 60
    degree = dict(nx.Graph(g).degree())
    assert min(degree[n] for n in h) >= max(degree[n] for n in g if n not in h)
    page = render_html(g, tmp_path / "g.html", max_nodes=20).read_text()
    note = json.loads(re.search(r'id="kg-data">(.*?)</script>', page, re.S).group(1))["meta"]["notes"][0]
    assert "20 most central of 60 actors" in note and "40 actors" in note
    assert all(flag in note for flag in ["--actor", "--hops", "--min-weight", "--class", "--since", "--until"])
    assert most_central(g, 100) == (g, None)


# ----------------------------------------------------------------------------- filters (kg.network)

def test_find_actor_by_label_alias_or_iri():
    g = chain_graph()
    assert find_actor(g, "land c") == find_actor(g, "C-alias") == find_actor(g, "a/C") == find_actor(g, "C") == "a/C"
    with pytest.raises(KGError, match="close matches: .*Land A"):
        find_actor(g, "Land Z")
    with pytest.raises(KGError, match="no close match"):
        find_actor(g, "Atlantis")


def test_subgraph_ego_weight_class_and_dates():
    g = chain_graph()
    assert set(subgraph(g, actor="Land A", hops=1)) == {"a/A", "a/B"}
    assert set(subgraph(g, actor="Land A", hops=2)) == {"a/A", "a/B", "a/C", "a/E"}
    assert set(subgraph(g, actor="Land A", hops=0)) == {"a/A"}
    assert {d["cls"] for *_, d in subgraph(g, min_weight=2).edges(data=True)} == {"AGREE", "ACCUSE", "AID"}
    assert set(subgraph(g, min_weight=4)) == {"a/E", "a/B"}  # actors without kept edges go
    assert {d["cls"] for *_, d in subgraph(g, classes=["MaterialConflict", "accuse"]).edges(data=True)} \
        == {"ASSAULT", "ACCUSE"}
    assert {d["cls"] for *_, d in subgraph(g, since="2024").edges(data=True)} == {"ASSAULT", "AID"}
    assert {d["cls"] for *_, d in subgraph(g, since="2024-04", until="2024-07-15").edges(data=True)} == {"AID"}
    assert {d["cls"] for *_, d in subgraph(g, until="2023-12-31").edges(data=True)} == {"AGREE"}
    assert len(subgraph(g)) == 5 and subgraph(g).number_of_edges() == 4
    ego = subgraph(g, actor="Land A", hops=3, classes=["AGREE"])
    assert set(ego) == {"a/A", "a/B"}
    with pytest.raises(KGError, match="unknown class 'FRIENDSHIP'"):
        resolve_classes(["FRIENDSHIP"])


def test_cli_render_ego_view_and_unknown_actor(tmp_path, monkeypatch):
    import kg.network
    from kg.cli import main

    monkeypatch.setattr(kg.network, "to_networkx", lambda _kg, details=True, mentions=20: chain_graph())
    runner = CliRunner()
    store, out = str(tmp_path / "store"), tmp_path / "ego.html"
    with KnowledgeGraph(store):  # an empty store; the graph itself comes from chain_graph()
        pass
    result = runner.invoke(main, ["render", "--store", store, "--out", str(out), "--actor", "Land A", "--hops", "2"])
    assert result.exit_code == 0, result.output
    assert "(4 actors, 3 edges)" in result.output
    data = json.loads(re.search(r'id="kg-data">(.*?)</script>', out.read_text(), re.S).group(1))
    assert "Filtered: actor Land A, 2 hops (4 of 5 actors)." in data["meta"]["notes"]
    result = runner.invoke(main, ["render", "--store", store, "--out", str(out), "--actor", "Lnd B"])
    assert result.exit_code == 2 and "no actor named 'Lnd B'" in result.output and "Land B" in result.output


# ----------------------------------------------------------------------------- in headless chromium

def test_page_in_headless_chromium_offline(browser, tmp_path):
    path = render_html(small_graph(), tmp_path / "g.html")
    opened = Opened(browser, path)
    assert opened.js("window.kgData.nodes.length") == 3 and opened.js("window.kgData.edges.length") == 2
    assert opened.js("window.network instanceof vis.Network")
    assert opened.js("window.network.body.data.nodes.length") == 3
    assert opened.js("Object.keys(window.network.getPositions()).length") == 3
    assert opened.js("document.getElementById('shown').textContent") == "showing 3 actors, 2 relations"
    assert opened.js("document.querySelectorAll('#quads input').length") == 4 + len(EVENT_TYPES)
    opened.close()
    assert [u for u in opened.requests if not u.startswith("file:")] == []
    assert opened.errors == []


def test_filter_clicks_hide_the_right_edges(browser, tmp_path):
    opened = Opened(browser, render_html(chain_graph(), tmp_path / "g.html"))
    page = opened.page
    assert opened.shown_edges() == {"AGREE", "ASSAULT", "ACCUSE", "AID"}
    page.click("input[data-cls=ASSAULT]")
    assert opened.shown_edges() == {"AGREE", "ACCUSE", "AID"}
    page.click("input[data-quad=VerbalConflict]")
    assert opened.shown_edges() == {"AGREE", "AID"}
    assert opened.shown_nodes() == {"a/A", "a/B", "a/E"}  # C and D are left without relations
    page.click("input[data-quad=VerbalConflict]")
    page.click("input[data-cls=ASSAULT]")
    page.click("#types input[data-name=Organization]")
    assert opened.shown_edges() == {"AGREE", "ASSAULT", "AID"} and "a/D" not in opened.shown_nodes()
    page.click("#types input[data-name=Organization]")
    page.fill("#since", "2024-04-01")
    page.dispatch_event("#since", "change")
    assert opened.shown_edges() == {"AID", "ACCUSE"}  # ACCUSE is undated
    page.click("#undated")
    assert opened.shown_edges() == {"AID"}
    assert opened.errors == []
    opened.close()


def test_markup_in_documents_is_inert(browser, tmp_path):
    evil = '<img src=x onerror="window.pwned=1"><script>window.pwned=2</script>'
    opened = Opened(browser, render_html(small_graph(evil, alias=evil), tmp_path / "g.html"))
    opened.hover_edge("SUPPORT")
    opened.page.wait_for_selector("#tip:not([hidden])", timeout=5000)
    tip = opened.page.locator("#tip")
    assert evil in tip.inner_text() and "Peru \u2192 support \u2192 Chile" in tip.inner_text()
    assert "2024-01-02" in tip.inner_text() and "doc.txt" in tip.inner_text()
    assert opened.js("document.querySelectorAll('#tip img, #tip script, #side img').length") == 0
    opened.js("window.kg.focusActor('Chile', 0)")
    pos = opened.js("""(() => { const p = window.network.canvasToDOM(window.network.getPositions(['a/CHL'])['a/CHL']);
                           const b = document.getElementById('network').getBoundingClientRect();
                           return [b.left + p.x, b.top + p.y]; })()""")
    opened.page.mouse.click(*pos)
    assert evil in opened.page.inner_text("#details")  # the alias, shown as text
    opened.page.wait_for_timeout(100)
    assert opened.js("window.pwned === undefined")
    assert [u for u in opened.requests if not u.startswith("file:")] == []  # the <img src=x> was never fetched
    assert opened.errors == []
    opened.close()


def test_search_focuses_an_actor_and_its_neighbourhood(browser, tmp_path):
    opened = Opened(browser, render_html(chain_graph(), tmp_path / "g.html"))
    page = opened.page
    page.fill("#search", "c-alias")
    page.click("#focus")
    assert opened.shown_nodes() == {"a/B", "a/C", "a/D"}
    assert opened.js("window.network.getSelectedNodes()") == ["a/C"]
    page.select_option("#hops", "2")
    page.click("#focus")
    assert opened.shown_nodes() == {"a/A", "a/B", "a/C", "a/D", "a/E"}
    page.fill("#search", "Land")
    page.press("#search", "Enter")
    assert "no actor named" in page.inner_text("#search-msg") and "Land A" in page.inner_text("#search-msg")
    page.click("#unfocus")
    assert len(opened.shown_nodes()) == 5
    opened.close()


def test_physics_settles_then_freezes(browser, tmp_path):
    opened = Opened(browser, render_html(chain_graph(), tmp_path / "g.html"))
    before = opened.js("window.network.getPositions()")
    opened.page.click("#relax")
    opened.page.wait_for_function("document.getElementById('physics').textContent === 'frozen'", timeout=10_000)
    after = opened.js("window.network.getPositions()")
    assert after != before
    opened.page.wait_for_timeout(300)
    assert opened.js("window.network.getPositions()") == after  # frozen: nothing moves any more
    assert opened.errors == []
    opened.close()


def test_five_thousand_actors_draw_with_fixed_positions(browser, tmp_path):
    """The large page draws at all, with every actor placed; its speed is measured by bench/render.py."""
    path = render_html(generated_graph(5000), tmp_path / "big.html")
    opened = Opened(browser, path)
    assert opened.js("window.kg.nodesView.length") == 5000 and opened.errors == []
    assert opened.js("window.kgFirstDraw") > 0
    assert opened.js("Object.keys(window.network.getPositions()).length") == 5000
    opened.close()


def test_screenshot_png(tmp_path):
    if CHROMIUM is None:
        pytest.skip(SKIP_NO_CHROMIUM)
    page, png = render_html(small_graph(), tmp_path / "g.html"), tmp_path / "g.png"
    # its own process: Playwright's sync API cannot start inside the module's running browser session
    code = f"from kg.render import screenshot; screenshot({str(page)!r}, {str(png)!r}, 800, 500)"
    subprocess.run([sys.executable, "-c", code], check=True, timeout=60)
    data = png.read_bytes()
    assert data[:8] == b"\x89PNG\r\n\x1a\n" and len(data) > 10_000


def test_labels_are_pushed_apart_until_none_overlap():
    import random

    from kg.render import spread_labels

    rng = random.Random(3)
    pos = {f"n{i}": (rng.uniform(0, 600), rng.uniform(0, 600)) for i in range(150)}  # a crowded centre
    labels = {n: "Actor " + "x" * rng.randint(2, 20) for n in pos}
    out = spread_labels(pos, labels, rounds=1000)

    def clash(a, b):
        wa, wb = max(24.0, 7.5 * len(labels[a])) / 2, max(24.0, 7.5 * len(labels[b])) / 2
        return abs(out[a][0] - out[b][0]) < wa + wb - 1 and abs(out[a][1] - out[b][1]) < 10 + 10 + 18 - 1  # node, label

    crowded = sum(1 for a in pos for b in pos if a < b and abs(pos[a][0] - pos[b][0]) < 60
                  and abs(pos[a][1] - pos[b][1]) < 40)
    assert crowded > 50  # the input does overlap
    assert [(a, b) for a in out for b in out if a < b and clash(a, b)] == []
