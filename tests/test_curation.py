"""Curation: decisions in a YAML file beside the store, applied at once and again on every rebuild.

Runs the real ``kg`` commands on copies of the example store (a real on-disk
Oxigraph store) and on a real ``oxigraph serve``.
"""
from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import yaml
from click.testing import CliRunner

from kg.build import build
from kg.cli import main
from kg.curation import Curation, Decision
from kg.errors import InputError
from kg.store import KnowledgeGraph

from servers import oxigraph_server

KG = [sys.executable, "-m", "kg.cli"]


def kg(*args: str) -> tuple[int, str]:
    """Run a kg command in this process; (exit code, stdout + stderr)."""
    result = CliRunner().invoke(main, list(args))
    return result.exit_code, result.output


def ask(store: str, sparql: str) -> bool:
    with KnowledgeGraph(store, read_only=True) as g:
        return bool(g.query(sparql).askAnswer)


def event_of(store: str, trigger: str) -> str:
    with KnowledgeGraph(store, read_only=True) as g:
        rows = list(g.query(f'SELECT ?e WHERE {{ ?e a dipl:Event ; dipl:trigger "{trigger}" }}'))
    assert len(rows) == 1, rows
    return str(rows[0][0])


@pytest.fixture()
def store(example_store, tmp_path) -> str:
    shutil.copytree(example_store, tmp_path / "store")
    return str(tmp_path / "store")


TALIBAN = "ASK { GRAPH ?g { { actor:taliban ?p ?o } UNION { ?s ?p actor:taliban } } }"


def check_curated(store: str, event: str) -> None:
    assert not ask(store, TALIBAN)  # merged away, in documents and in the maintained graphs
    assert ask(store, "ASK { GRAPH graph:network { ?e dipl:edgeSource actor:USA ; dipl:edgeTarget actor:AFG ; "
                      "dipl:edgeType dipl:AGREE } }")  # the United States' agreement with the Taliban, now AFG's
    assert ask(store, 'ASK { GRAPH graph:actors { actor:AFG skos:altLabel "Taliban" ; skos:prefLabel "Afghanistan" } }')
    assert not ask(store, 'ASK { GRAPH graph:actors { actor:AFG dipl:subtype "ArmedGroup" } }')  # AFG's own stands
    assert not ask(store, f"ASK {{ GRAPH ?g {{ <{event}> ?p ?o }} }}")
    assert ask(store, 'ASK { GRAPH graph:actors { actor:PAK skos:altLabel "Islamabad" } }')
    assert ask(store, 'ASK { GRAPH graph:actors { actor:hezbollah a dipl:Organization ; dipl:subtype "ArmedGroup" } }')


def test_decisions_apply_at_once_and_survive_a_rebuild(store, extractor):
    visited = event_of(store, "visited")
    assert kg("merge", "Taliban", "Afghanistan", "--why", "same side here", "--store", store)[0] == 0
    code, out = kg("reject", visited.rsplit("/", 1)[-1], "--why", "wrong trigger", "--store", store)
    assert code == 0 and "decision 2" in out
    assert kg("alias", "add", "Pakistan", "Islamabad", "--store", store)[0] == 0
    assert kg("retype", "Hezbollah", "Organization", "--sector", "ArmedGroup", "--store", store)[0] == 0
    check_curated(store, visited)

    data = yaml.safe_load(Path(store, "curation.yaml").read_text())
    first = data["decisions"][0]
    assert first["action"] == "merge" and first["why"] == "same side here" and first["who"] and first["when"]
    assert first["actor"].endswith("/taliban") and first["into"].endswith("/AFG") and first["documents"]

    decisions = Curation.load(Path(store) / "curation.yaml").decisions
    summary = build(["examples/"], store=store, extractor=extractor, curation=decisions, force=True)
    assert summary.changed == 3, summary
    check_curated(store, visited)  # extracted again: the same decisions hold

    code, out = kg("curation", "list", "--store", store)
    assert code == 0 and "merge Taliban" in out and "same side here" in out and " 4  retype Hezbollah" in out


def test_reject_sentence_and_undo(store):
    with KnowledgeGraph(store, read_only=True) as g:
        sentence, n = next(iter(g.query(
            "SELECT ?s (COUNT(?e) AS ?n) WHERE { ?e a dipl:Event ; dipl:sentence ?s } GROUP BY ?s ORDER BY DESC(?n) ?s")))
    assert int(n) >= 1
    code, out = kg("reject", "--sentence", "  " + str(sentence).replace(" ", "  ") + " ", "--store", store)
    assert code == 0, out
    quoted = json.dumps(str(sentence))
    assert not ask(store, f"ASK {{ ?e dipl:sentence {quoted} }}")
    assert kg("alias", "add", "Pakistan", "Islamabad", "--store", store)[0] == 0
    code, out = kg("alias", "add", "pakistan", "ISLAMABAD", "--store", store)  # the same decision again
    assert code == 0 and "already decided: decision 2" in out and "nothing changed" in out, out
    assert [d.id for d in Curation.load(f"{store}/curation.yaml").decisions] == [1, 2]
    code, out = kg("curation", "undo", "1", "--store", store)
    assert code == 0 and "undid decision 1" in out, out
    assert ask(store, f"ASK {{ ?e dipl:sentence {quoted} }}")  # extracted again without the decision
    assert ask(store, 'ASK { GRAPH graph:actors { actor:PAK skos:altLabel "Islamabad" } }')  # the other one stays
    assert [d.id for d in Curation.load(f"{store}/curation.yaml").decisions] == [2]


def test_actors_are_named_by_labels_of_several_words_any_case(store):
    code, out = kg("alias", "add", "donald trump", "The Donald", "--store", store)
    assert code == 0 and "alias-add Donald Trump" in out, out
    assert ask(store, 'ASK { GRAPH graph:actors { ?a skos:prefLabel "Donald Trump" ; skos:altLabel "The Donald" } }')
    code, out = kg("merge", "The Donald", "United States", "--store", store)  # an alias names the actor too
    assert code == 0, out
    assert not ask(store, 'ASK { GRAPH graph:actors { ?a skos:prefLabel "Donald Trump" } }')


def test_mistakes_are_one_line_errors(store):
    for args, words in [(["merge", "Talibn", "Afghanistan"], "no actor named 'Talibn'"),
                        (["merge", "Iran", "Iran"], "same actor"),
                        (["reject", "--sentence", "Nobody wrote this."], "no stored event matches"),
                        (["reject"], "give an EVENT IRI or --sentence"),
                        (["retype", "Iran", "Planet"], "Invalid value"),
                        (["curation", "undo", "7"], "no curation decision 7")]:
        code, out = kg(*args, "--store", store)
        assert code == 2 and words in out, (args, out)
        if "Invalid value" not in words:
            assert out.count("\n") == 1, out
    assert not Path(store, "curation.yaml").exists()  # nothing was decided


def test_curation_file_is_checked(tmp_path):
    path = tmp_path / "curation.yaml"
    cur = Curation(path)
    cur.decisions.append(cur.new("alias-add", actor="https://w3id.org/kg-dipl/id/actor/PAK", name="Islamabad",
                                 why="the seat of government"))
    cur.decisions.append(cur.new("reject", sentence="A wrong sentence."))
    cur.save()
    text = path.read_text()
    assert text.startswith("# kg curation") and "docs/curation.md" in text
    back = Curation.load(path)
    assert [(d.id, d.action) for d in back.decisions] == [(1, "alias-add"), (2, "reject")]
    assert back.decisions[0].why == "the seat of government"
    for bad, words in [("decisions: [{action: merge, actor: x}]", "lacks into"),
                       ("decisions: [{action: split}]", "unknown action"),
                       ("decisions: [{action: reject, event: e, colour: red}]", "unknown keys colour"),
                       ("decisions: [{action: retype, actor: a, type: Planet}]", "not one of"),
                       ("- just a list", "expected a mapping"), ("decisions: [", "not a readable curation file")]:
        path.write_text(bad)
        with pytest.raises(InputError, match=words):
            Curation.load(path)
    assert Decision(1, "reject", event="https://w3id.org/kg-dipl/id/event/abc").summary() == "reject event abc"


def test_curation_on_a_remote_store(tmp_path, extractor):
    server = oxigraph_server("--location", str(tmp_path / "db"), "--union-default-graph")
    try:
        summary = build(["examples/"], store=server.url, extractor=extractor)
        assert summary.new == 3
        cur = tmp_path / "decisions.yaml"
        run = subprocess.run([*KG, "merge", "Taliban", "Afghanistan", "--store", server.url, "--curation", str(cur)],
                             capture_output=True, text=True, timeout=120)
        assert run.returncode == 0, run.stderr
        assert not ask(server.url, TALIBAN)
        assert ask(server.url, 'ASK { GRAPH <https://w3id.org/kg-dipl/id/graph/actors> { actor:AFG skos:altLabel '
                               '"Taliban" } }')
        assert yaml.safe_load(cur.read_text())["decisions"][0]["action"] == "merge"
    finally:
        server.stop()


def test_a_merge_keys_a_former_officials_events_as_the_build_did(extract):
    """A former official acts for nobody: after a merge their events keep the person, not their country, as
    the source of the story key, as kg.rdf.story_key_iri gave it (one notion of "former": dipl:statedFormer)."""
    from kg.curation import apply
    from kg.rdf import actor_iri, story_key_iri, to_graph
    from kg.vocab import DIPL

    ex = extract("Former Kenyan opposition leader Jane Wanjiru accused Tanzania of harassing traders. "
                 "Uganda said it would mediate.", date="2023-05-01")
    r = next(r for r in ex.relations if r.source.label == "Jane Wanjiru")
    assert r.source.former and r.source.sector != "ELI" and r.source.country == "KEN"  # the case ELI missed
    assert str(story_key_iri(r.source, r.target, r.cls)).endswith("/jane-wanjiru/TZA/ACCUSE")
    g = to_graph(ex)
    apply(g, [Decision(1, "merge", actor=str(actor_iri("TZA")), into=str(actor_iri("UGA")))])
    keys = {str(k) for k in g.objects(None, DIPL.storyKey)}
    assert any(k.endswith("/jane-wanjiru/UGA/ACCUSE") for k in keys), keys
