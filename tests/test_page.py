"""The analyst's page on a real store, in the real headless Chromium: curation shows, panels, timeline, roll-up,
and kg serve's SPARQL editor and document view with the network blocked.

Screenshots at 1400x900 go to $KG_SCREENSHOTS when set (for looking at them), else to the test's directory.
"""
from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from kg.build import build
from kg.cli import main
from kg.curation import Curation
from kg.network import read_view
from kg.render import render_html
from kg.store import KnowledgeGraph

from browser import Opened
from servers import ServerProcess

KG = [sys.executable, "-m", "kg.cli"]
ROLLUP = """
SELECT (COUNT(*) AS ?n) WHERE { { SELECT DISTINCT ?cs ?ct ?t WHERE {
  GRAPH graph:network { ?e dipl:edgeSource ?s ; dipl:edgeTarget ?o ; dipl:edgeType ?t }
  { SELECT (?a AS ?s) (COALESCE(MIN(?self), MIN(?side), MIN(?bycode)) AS ?cs) WHERE { %(roll)s } GROUP BY ?a }
  { SELECT (?a AS ?o) (COALESCE(MIN(?self), MIN(?side), MIN(?bycode)) AS ?ct) WHERE { %(roll)s } GROUP BY ?a }
  FILTER(BOUND(?cs) && BOUND(?ct) && ?cs != ?ct) } } }"""
ROLL = """GRAPH graph:actors { ?a a ?type VALUES ?type { dipl:Country dipl:Person dipl:Organization } }
  OPTIONAL { GRAPH graph:actors { ?a a dipl:Country } BIND(?a AS ?self) }
  OPTIONAL { GRAPH graph:actors { ?a dipl:actsFor ?side . ?side a dipl:Country } }
  OPTIONAL { GRAPH graph:actors { ?a dipl:countryCode ?code . ?bycode a dipl:Country ; dipl:countryCode ?code } }"""


def shots(tmp_path: Path) -> Path:
    out = Path(os.environ.get("KG_SCREENSHOTS") or tmp_path)
    out.mkdir(parents=True, exist_ok=True)
    return out


def page_of(store: str, out: Path) -> Path:
    with KnowledgeGraph(store, read_only=True) as kg:
        _, view = read_view(kg)
    return render_html(view, out)


@pytest.fixture(scope="module")
def curated(example_store, tmp_path_factory) -> tuple[str, str]:
    """(a copy of the example store with Taliban merged into Afghanistan and Pompeo's visit rejected, the event)."""
    store = str(tmp_path_factory.mktemp("curated") / "store")
    shutil.copytree(example_store, store)
    with KnowledgeGraph(store, read_only=True) as kg:
        event = str(next(iter(kg.query('SELECT ?e WHERE { ?e dipl:trigger "visited" }')))[0])
    runner = CliRunner()
    for args in (["merge", "Taliban", "Afghanistan"], ["reject", event]):
        result = runner.invoke(main, [*args, "--store", store])
        assert result.exit_code == 0, result.output
    return store, event


def check_curated_page(opened: Opened) -> None:
    ids = opened.js("window.kg.nodes.getIds()")
    assert not any(i.endswith("/taliban") for i in ids)
    afg = [n for n in opened.js("window.kg.nodes.get()") if n["id"].endswith("/AFG")]
    assert len(afg) == 1 and "Taliban" in afg[0]["aliases"]  # one node, the merged actor's name an alias
    usa_afg = opened.js("window.kgData.edges.get().filter(e => e.from.endsWith('/USA') && e.to.endsWith('/AFG'))"
                        ".map(e => e.cls)")
    assert "AGREE" in usa_afg  # the Doha agreement, now with Afghanistan
    pompeo_afg = opened.js("window.kgData.edges.get().filter(e => e.from.endsWith('/mike-pompeo') && "
                           "e.to.endsWith('/AFG')).map(e => e.cls)")
    assert "CONSULT" not in pompeo_afg  # the rejected visit


def test_curation_shows_in_the_page_also_after_a_rebuild(browser, curated, tmp_path, extractor):
    store, _ = curated
    opened = Opened(browser, page_of(store, tmp_path / "before.html"), 1400, 900)
    check_curated_page(opened)
    opened.page.screenshot(path=str(shots(tmp_path) / "curated.png"))
    opened.close()
    rebuilt = str(tmp_path / "rebuilt")
    shutil.copytree(store, rebuilt)
    decisions = Curation.load(Path(rebuilt) / "curation.yaml").decisions
    assert build(["examples/"], store=rebuilt, extractor=extractor, curation=decisions, force=True).changed == 3
    opened = Opened(browser, page_of(rebuilt, tmp_path / "after.html"), 1400, 900)
    check_curated_page(opened)
    assert opened.errors == [] and opened.outside() == []
    opened.close()


def test_actor_panel_lists_relations_officials_and_documents(browser, example_store, tmp_path):
    opened = Opened(browser, page_of(example_store, tmp_path / "g.html"), 1400, 900)
    page = opened.page
    iran = next(n["id"] for n in opened.js("window.kg.nodes.get()") if n["id"].endswith("/IRN"))
    page.mouse.click(*opened.node_position(iran))
    page.wait_for_selector("#details:not([hidden])")
    text = page.inner_text("#details")
    assert "Iran" in text and "Relations out" in text and "Relations in" in text and "Documents (" in text
    relations = opened.js(f"window.kgData.edges.get().filter(e => e.to === '{iran}').map(e => e.cls.toLowerCase())")
    assert relations and all(r in text for r in relations)
    assert "Officials and bodies" in text and "Hassan Rouhani" in text
    box = page.locator("#details").bounding_box()
    assert box["y"] >= 0 and box["y"] + 100 < 900 and box["x"] + box["width"] < 1400 - 320  # in view, over the graph
    assert "selected=" in opened.js("location.hash")
    page.screenshot(path=str(shots(tmp_path) / "actor-panel.png"))
    # the relation panel: every mention, trigger marked, with its document
    accuse = opened.js(f"window.kgData.edges.get().find(e => e.to === '{iran}' && e.cls === 'ACCUSE').id")
    opened.js(f"window.kg.selectEdge({accuse})")
    text = page.inner_text("#details")
    assert "accused" in page.inner_text("#details mark") and "asserted" in text and "iran_nuclear_deal" in text
    assert opened.errors == [] and opened.outside() == []
    opened.close()


def test_labels_are_readable_and_isolated_actors_wait_behind_a_toggle(browser, example_store, tmp_path):
    opened = Opened(browser, page_of(example_store, tmp_path / "g.html"), 1400, 900)
    sizes = opened.js("""(() => { const s = window.network.getScale();
        return window.kg.nodesView.get().map(n => (window.kg.nodes.get(n.id).font || {size: 14}).size * s); })()""")
    drawn = [x for x in sizes if x >= 12]
    assert len(drawn) >= min(len(sizes), 25)  # the central actors' labels are 12 px or more at the start
    isolated = int(opened.page.inner_text("#isolated-count"))
    shown = len(opened.shown_nodes())
    assert isolated > 0 and all(opened.js(f"window.kg.edgesView.get().some(e => e.kind === 'relation' && "
                                          f"(e.from === '{n}' || e.to === '{n}'))") for n in opened.shown_nodes())
    opened.page.click("#isolated")
    assert len(opened.shown_nodes()) == shown + isolated
    opened.page.click("#relax")
    opened.page.wait_for_function("document.getElementById('physics').textContent === 'frozen'", timeout=20_000)
    inside = opened.js("""(() => { const b = document.getElementById('network').getBoundingClientRect();
        return window.kg.nodesView.getIds().every(id => { const p = window.network.canvasToDOM(
            window.network.getPositions([id])[id]); return p.x >= -5 && p.y >= -5 && p.x <= b.width + 5 &&
            p.y <= b.height + 5; }); })()""")
    assert inside  # relaxed, then fitted to the window
    assert opened.errors == []
    opened.close()


def test_date_slider_hides_edges_out_of_range(browser, example_store, tmp_path):
    opened = Opened(browser, page_of(example_store, tmp_path / "g.html"), 1400, 900)
    page = opened.page
    bins = opened.js("window.kg.months.length")
    assert bins >= 2
    before = len(opened.js("window.kg.edgesView.get()"))
    page.click("#undated")
    opened.js(f"(() => {{ const t = document.getElementById('date-to'); t.value = '{bins // 2 - 1}';"
              f" t.dispatchEvent(new Event('input')); }})()")
    since, until = opened.js("[window.kg.state.since, window.kg.state.until]")
    assert until and since <= until
    shown = opened.js("window.kg.edgesView.get().filter(e => e.kind === 'relation')")
    assert 0 < len(shown) < before
    for e in shown:  # every relation left has a mention dated in the range
        assert any(since <= d[:10] <= until for d in e["dates"]), e
    hidden = opened.js("window.kgData.edges.get().filter(e => !window.kg.edgesView.get(e.id))")
    assert all(not any(since <= d[:10] <= until for d in e["dates"]) for e in hidden)
    assert f"until={until}" in opened.js("location.hash") and "undated=0" in opened.js("location.hash")
    url = opened.js("location.href")  # the address restores the view
    again = Opened(browser, url, 1400, 900)
    assert len(again.js("window.kg.edgesView.get()")) == len(opened.js("window.kg.edgesView.get()"))
    again.close()
    opened.close()


def test_countries_only_sums_edges_as_the_sparql_roll_up(browser, example_store, tmp_path):
    opened = Opened(browser, page_of(example_store, tmp_path / "g.html"), 1400, 900)
    opened.page.click("#countries")
    shown = opened.js("window.kg.edgesView.get()")
    assert shown and all(e["kind"] == "rollup" for e in shown)
    assert all(opened.js(f"window.kg.nodes.get('{n}').type") == "Country" for n in opened.shown_nodes())
    with KnowledgeGraph(example_store, read_only=True) as kg:
        expected = int(next(iter(kg.query(ROLLUP % {"roll": ROLL})))[0])
    assert len(shown) == expected
    opened.page.screenshot(path=str(shots(tmp_path) / "countries.png"))
    opened.close()


# ----------------------------------------------------------------------------- kg serve for people

@pytest.fixture(scope="module")
def served(example_store):
    server = ServerProcess(lambda port: [*KG, "serve", "--store", example_store, "--port", str(port)],
                           "/sparql?query=ASK%7B%7D")
    yield server
    server.stop()


def test_sparql_editor_runs_a_query_offline(browser, served, tmp_path):
    opened = Opened(browser, served.url + "/", 1400, 900, allow=served.url)
    assert opened.page.get_attribute("#links a", "href") == "/sparql"
    opened.page.click("#links a")
    opened.page.wait_for_selector("#query")
    assert "who-did-what" in opened.page.inner_text("#examples")
    opened.page.select_option("#examples", "who-did-what")
    opened.page.click("#run")
    opened.page.wait_for_selector("#results table tr:nth-child(2)", timeout=20_000)
    assert "rows in" in opened.page.inner_text("#status") and "Mike Pompeo" in opened.page.inner_text("#results")
    opened.page.fill("#query", "SELECT ?x WHERE { ?x dipl:accuses }")
    opened.page.keyboard.press("Control+Enter")
    opened.page.wait_for_function("document.getElementById('error').textContent.length > 0")
    assert "syntax error" in opened.page.inner_text("#error")
    opened.page.screenshot(path=str(shots(tmp_path) / "sparql-editor.png"))
    assert opened.outside() == [] and [e for e in opened.errors if "status of 400" not in e] == []
    opened.close()


def test_document_view_marks_the_evidence(browser, served):
    opened = Opened(browser, served.url + "/", 1400, 900, allow=served.url)
    edge = opened.js("window.kgData.edges.get().find(e => e.cls === 'ACCUSE' && e.mentions.length)")
    opened.js(f"window.kg.selectEdge({edge['id']})")
    href = opened.page.get_attribute("#details .ev a", "href")
    assert href.startswith("/doc/") and "?event=" in href
    doc = Opened(browser, served.url + href, allow=served.url, ready="")
    mention = edge["mentions"][0]
    assert doc.page.inner_text("mark#hit b") == mention["trigger"]
    assert doc.page.inner_text("mark#hit") == mention["sentence"]
    assert len(doc.page.inner_text("div.text")) > 3 * len(mention["sentence"])  # the whole article around it
    doc.close()
    opened.close()


def test_serve_says_in_one_line_what_is_wrong(example_store):
    with socket.socket() as busy:
        busy.bind(("127.0.0.1", 0))
        busy.listen()
        port = busy.getsockname()[1]
        run = subprocess.run([*KG, "serve", "--store", example_store, "--port", str(port)], capture_output=True,
                             text=True, timeout=60)
    assert run.returncode == 2 and run.stderr.count("\n") == 1 and "already in use" in run.stderr
    assert "serving" not in run.stderr and "Errno" not in run.stderr
    run = subprocess.run([*KG, "serve", "--store", example_store, "--host", "no-such-host.invalid"],
                         capture_output=True, text=True, timeout=60)
    assert run.returncode == 2 and run.stderr.count("\n") == 1 and "--host 127.0.0.1" in run.stderr


def test_an_actors_view_keeps_its_officials(browser, example_store, tmp_path):
    out = tmp_path / "pakistan.html"
    result = CliRunner().invoke(main, ["render", "--actor", "Pakistan", "--store", example_store, "--out", str(out)])
    assert result.exit_code == 0, result.output
    opened = Opened(browser, out, 1400, 900)
    shown = {opened.js(f"window.kg.nodes.get('{n}').label") for n in opened.shown_nodes()}
    assert {"Pakistan", "Shah Mehmood Qureshi"} <= shown  # the foreign minister, by his acts-for link
    assert "actsFor" in opened.shown_edges() and "focus=Pakistan" in opened.js("location.hash")
    opened.close()
    opened = Opened(browser, page_of(example_store, tmp_path / "g.html"), 1400, 900)
    opened.js("window.kg.focusActor('Pakistan', 1)")
    assert "Shah Mehmood Qureshi" in {opened.js(f"window.kg.nodes.get('{n}').label") for n in opened.shown_nodes()}
    opened.close()


def test_document_view_without_the_source_file_lists_the_evidence(example_store, tmp_path, monkeypatch):
    import html

    from kg.docview import document_view

    monkeypatch.chdir(tmp_path)  # the example files are not here
    with KnowledgeGraph(example_store, read_only=True) as kg:
        d, e, sentence, trigger = next(iter(kg.query(
            "SELECT ?d ?e ?s ?t WHERE { ?e a dipl:Event ; prov:wasDerivedFrom ?d ; dipl:sentence ?s ; "
            "dipl:trigger ?t } ORDER BY ?e LIMIT 1")))
        key = str(d).rsplit("/", 1)[-1]
        page = document_view(kg, key, str(e).rsplit("/", 1)[-1])
        assert document_view(kg, "../../etc/passwd", "") is None and document_view(kg, "no-such-doc", "") is None
    assert "not available here" in page and page.count("id='hit'") == 1
    assert html.escape(str(trigger)) in page and html.escape(str(sentence).split(str(trigger))[0]) in page


def test_document_view_shows_the_article_without_its_front_matter(tmp_path, extractor, monkeypatch):
    from kg.build import build
    from kg.docview import document_view

    monkeypatch.chdir(tmp_path)
    (tmp_path / "note.md").write_text("---\ntitle: Talks on the river\ndate: 2024-05-02\nsource: Wire desk\n---\n"
                                      "Chile accused Peru of blocking the border crossing at Tacna.\n", encoding="utf-8")
    build(["note.md"], store="st", extractor=extractor)
    with KnowledgeGraph("st", read_only=True) as kg:
        d, e = next(iter(kg.query("SELECT ?d ?e WHERE { ?e a dipl:Event ; prov:wasDerivedFrom ?d } LIMIT 1")))
        page = document_view(kg, str(d).rsplit("/", 1)[-1], str(e).rsplit("/", 1)[-1])
        whole = document_view(kg, str(d).rsplit("/", 1)[-1])
    for shown in (page, whole):
        assert "title: Talks" not in shown and "source: Wire desk" not in shown and "---" not in shown
        assert "Talks on the river" in shown and "border crossing" in shown  # the title as heading, the article
    assert page.count("id='hit'") == 1 and "<b>accused</b>" in page
