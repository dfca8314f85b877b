"""The HTML view: a self-contained page holding the graph; checked in a real headless browser."""
import re
import shutil
from pathlib import Path

import networkx as nx
import pytest

from kg.render import render_html

CHROMIUM = shutil.which("chromium") or ("/usr/bin/chromium" if Path("/usr/bin/chromium").exists() else None)


def small_graph(evidence: str = "Peru thanked Chile.") -> nx.MultiDiGraph:
    g = nx.MultiDiGraph()
    for key, label, typ in [("a/PER", "Peru", "Country"), ("a/CHL", "Chile", "Country"),
                            ("a/jane-roe", "Jane Roe", "Person")]:
        g.add_node(key, label=label, type=typ, role="", aliases=[], affiliations=[])
    g.add_edge("a/PER", "a/CHL", key="SUPPORT", cls="SUPPORT", count=2, negated=False, dates=["2024-01-02"],
               evidence=[(evidence, "doc.txt")], quad="VerbalCooperation", intensity=3.5)
    g.add_edge("a/jane-roe", "a/PER", key="ACCUSE", cls="ACCUSE", count=1, negated=True, dates=[],
               evidence=[("Roe did not blame Peru.", "doc.txt")], quad="VerbalConflict", intensity=-3.0)
    return g


def test_page_is_self_contained_and_holds_the_nodes(tmp_path):
    page = render_html(small_graph(), tmp_path / "g.html").read_text()
    assert "Peru" in page and "Jane Roe" in page and "vis.Network" in page
    assert not re.search(r"<(script|link)[^>]+(src|href)=[\"']?https?:", page)


def test_document_text_cannot_close_the_script(tmp_path):
    page = render_html(small_graph("</script><script>window.pwned=1</script>"), tmp_path / "g.html").read_text()
    assert "window.pwned=1</script>" not in page


@pytest.mark.browser
@pytest.mark.skipif(CHROMIUM is None, reason="chromium not installed: apt-get install chromium (the README's test setup does)")
def test_page_in_headless_chromium_offline(tmp_path):
    from playwright.sync_api import sync_playwright

    path = render_html(small_graph('<img src=x onerror="window.pwned=1"><script>window.pwned=2</script>'),
                       tmp_path / "g.html")
    requests, errors = [], []
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=["--no-sandbox", "--disable-gpu",
                                    "--disable-background-networking", "--disable-component-update"])
        page = browser.new_page()
        page.route("**/*", lambda route: (requests.append(route.request.url), route.continue_()
                                          if route.request.url.startswith("file:") else route.abort()))
        page.on("console", lambda m: m.type == "error" and errors.append(m.text))
        page.on("pageerror", lambda e: errors.append(str(e)))
        page.goto(path.as_uri())
        page.wait_for_function("window.network !== undefined")
        assert page.evaluate("window.kgData.nodes.length") == 3
        assert page.evaluate("window.kgData.edges.length") == 2
        page.hover("#network")
        assert page.evaluate("window.pwned === undefined")
        browser.close()
    assert [u for u in requests if not u.startswith("file:")] == []
    assert errors == []
