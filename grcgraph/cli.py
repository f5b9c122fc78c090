"""The `grcgraph` command line. Each command hands off to a library function; nothing heavy runs
at import time."""

from __future__ import annotations

import gc
import math
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from enum import StrEnum
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer
from rich.console import Console
from rich.markup import escape
from rich.table import Table

from grcgraph import paths

if TYPE_CHECKING:
    from grcgraph.store import GraphStore

app = typer.Typer(help="grcgraph: AI-governance frameworks and their crosswalks as one graph.", no_args_is_help=True)
console = Console()
errors = Console(stderr=True)

DataDirOption = Annotated[
    Path | None,
    typer.Option("--data-dir", help=f"Store directory (default: ${paths.DATA_DIR_ENV} or ~/.local/share/grcgraph).", show_default=False),
]
MemoryOption = Annotated[bool, typer.Option("--memory", help="Use a throw-away in-memory store.")]
StoreOption = Annotated[
    str | None,
    typer.Option(
        "--store",
        envvar="GRCGRAPH_STORE",
        help="URL of a SPARQL 1.1 store (e.g. an Oxigraph server) to use instead of the data directory.",
        show_default=False,
    ),
]


class ExportFormat(StrEnum):
    turtle = "turtle"
    jsonld = "jsonld"
    nt = "nt"


def fail(message: str, code: int = 1) -> typer.Exit:
    errors.print(f"[red]error:[/red] {escape(message)}", highlight=False, soft_wrap=True)
    return typer.Exit(code)


def open_store(data_dir: Path | None, memory: bool, store_url: str | None) -> GraphStore:
    """The store named on the command line: a remote endpoint (--store), memory, or the data directory."""
    from grcgraph.server.settings import Settings, SettingsError
    from grcgraph.store import GraphStore

    if store_url and (memory or data_dir is not None):
        raise fail("--store names a remote store: give it without --data-dir or --memory")
    try:
        if store_url:
            # Endpoint overrides and the timeout come from the server settings ($GRCGRAPH_STORE_*).
            return Settings.load(store=store_url).open_store()
        return GraphStore.open(None if memory else (data_dir or paths.default_data_dir()))
    except (RuntimeError, SettingsError, ValueError) as error:
        raise fail(str(error)) from None


@contextmanager
def opened_store(
    data_dir: Path | None, memory: bool = False, *, ensure_loaded: bool = True, store_url: str | None = None
) -> Iterator[object]:
    """Open the store, loading the bundled reference graph first when it is missing or stale."""
    # What the command imported lives until it ends: frozen, the cycle collector no longer walks it
    # (a tenth of a small import's time). Frozen before the store opens, so that the collection on
    # closing still sees everything that may hold the store.
    gc.freeze()
    try:
        with loaded_store(open_store(data_dir, memory, store_url), ensure_loaded=ensure_loaded) as store:
            yield store
    finally:
        gc.unfreeze()  # back to the collector, for a process (a test) that runs on


@contextmanager
def loaded_store(store: GraphStore, *, ensure_loaded: bool = True) -> Iterator[GraphStore]:
    """Use an open store (closed on the way out); an unreachable remote store is one clear error."""
    from grcgraph.errors import DataError
    from grcgraph.reference import load_reference
    from grcgraph.store import StoreUnavailableError

    try:
        if ensure_loaded:
            try:
                result = load_reference(store)
            except DataError as error:
                raise fail(str(error)) from None
            if result.loaded:
                errors.print(f"loaded the reference graph ({result.triples} triples)")
        yield store
    except StoreUnavailableError as error:
        raise fail(str(error)) from None
    finally:
        store.close()


@app.command()
def load(
    data_dir: DataDirOption = None,
    store_url: StoreOption = None,
    memory: MemoryOption = False,
    force: Annotated[bool, typer.Option("--force", help="Rebuild even if the sources have not changed.")] = False,
    catalog: Annotated[list[Path] | None, typer.Option("--catalog", help="An extra catalog file of your own (repeatable).")] = None,
    mappings: Annotated[list[Path] | None, typer.Option("--mappings", help="An extra SSSOM mapping set of your own (repeatable).")] = None,
) -> None:
    """Build or refresh the reference graph (frameworks and crosswalks) in the store."""
    from rich.progress import Progress, SpinnerColumn, TextColumn, TimeElapsedColumn

    from grcgraph import iris
    from grcgraph.errors import DataError
    from grcgraph.reference import bundled_sources, load_reference
    from grcgraph.store import StoreUnavailableError

    for extra in [*(catalog or []), *(mappings or [])]:
        if not extra.is_file():
            raise fail(f"{extra}: no such file")
    sources = bundled_sources(catalog or [], mappings or [])
    store = open_store(data_dir, memory, store_url)
    try:
        with Progress(SpinnerColumn(), TextColumn("{task.description}"), TimeElapsedColumn(), console=errors, transient=True) as progress:
            task = progress.add_task("checking sources", total=None)
            try:
                result = load_reference(store, sources, force=force, progress=lambda step: progress.update(task, description=step))
                triples = result.triples if result.triples is not None else store.graph_size(iris.REFERENCE_GRAPH)
            except DataError as error:
                raise fail(f"nothing was written; the store keeps its previous state.\n{error}") from None
            except StoreUnavailableError as error:
                raise fail(str(error)) from None
    finally:
        store.close()
    where = store.location
    if result.loaded:
        console.print(f"Loaded the reference graph: {triples} triples into {where}.")
    else:
        console.print(f"The reference graph in {where} is up to date ({triples} triples); nothing to do.")


@app.command()
def frameworks(data_dir: DataDirOption = None, store_url: StoreOption = None, memory: MemoryOption = False) -> None:
    """List each framework version with its counts per requirement kind."""
    from grcgraph.catalog import Catalog

    with opened_store(data_dir, memory, store_url=store_url) as store:
        versions = Catalog(store).frameworks()  # type: ignore[arg-type]
    table = Table(title="Frameworks in the reference graph")
    for column in ("prefix", "framework version", "requirements", "by kind"):
        table.add_column(column)
    for version in versions:
        kinds = ", ".join(f"{kind} {count}" for kind, count in version.counts.items())
        table.add_row(version.prefix, f"{version.framework} ({version.version})", str(version.total), kinds)
    console.print(table)


@app.command()
def show(
    requirement_id: Annotated[str, typer.Argument(metavar="ID", help="e.g. A.6.2.8, iso42001:A.6.2.8, 'Art. 12(1)', 'GOVERN 1.1'")],
    data_dir: DataDirOption = None,
    store_url: StoreOption = None,
    memory: MemoryOption = False,
) -> None:
    """Print one requirement with its parents, children and source."""
    from grcgraph.application import CATEGORY_NOTATIONS, Applicability
    from grcgraph.catalog import Catalog
    from grcgraph.errors import UnknownRequirementError

    with opened_store(data_dir, memory, store_url=store_url) as store:
        try:
            req = Catalog(store).requirement(requirement_id)  # type: ignore[arg-type]
        except UnknownRequirementError as error:
            raise fail(str(error)) from None
        dates = Applicability(store).dates(req.ref.iri)  # type: ignore[arg-type]
    console.print(f"[bold]{escape(req.ref.curie)}[/bold]  {escape(req.ref.notation)}  ({req.ref.kind})", highlight=False)
    console.print(f"[bold]{escape(req.ref.title)}[/bold]", highlight=False)
    console.print(f"in: {req.scheme}", markup=False, highlight=False)
    if req.ancestors:
        console.print("parents: " + " > ".join(f"{a.notation} {a.title}" for a in req.ancestors), markup=False, highlight=False)
    if req.text:
        console.print(f"\n{req.text}\n", markup=False, highlight=False)
    for ref in req.refines:
        console.print(f"refines: {ref.curie} {ref.title}", markup=False, highlight=False)
    if req.risks:
        console.print("GAI risks: " + "; ".join(req.risks), markup=False, highlight=False)
    for note in req.change_notes:
        console.print(f"[yellow]amended:[/yellow] {escape(note)}", highlight=False)
    labels = {str(iri): notation for notation, iri in CATEGORY_NOTATIONS.items()}
    for date in dates:
        scope = f"for {labels[date.category]} systems" if date.category else "for every AI system"
        part = f" ({date.part})" if date.part else ""
        was = "".join(f"; was {old.applies_from} under {old.source.split(',')[0]}" for old in date.replaced)
        console.print(
            f"applies from {date.applies_from} {scope}{part} [{date.rule.source.split(',')[0]}{was}]", markup=False, highlight=False
        )
    if req.children:
        console.print(f"children ({len(req.children)}):")
        for child in req.children:
            console.print(f"  {child.curie:28} {child.title[:100]}", markup=False, highlight=False)
    console.print(f"source: {req.source}" + (f" [{req.source_file}]" if req.source_file else ""), markup=False, highlight=False)
    if req.url:
        console.print(f"official text: {req.url}", markup=False, highlight=False)
    console.print(f"rights: {req.rights}", markup=False, highlight=False)


@app.command()
def validate(
    file: Annotated[Path | None, typer.Argument(help="A Turtle file to check instead of the reference graph.")] = None,
    data_dir: DataDirOption = None,
    store_url: StoreOption = None,
    memory: MemoryOption = False,
) -> None:
    """Run SHACL over the reference graph, or over FILE, and print a readable report."""
    from rdflib import Graph

    from grcgraph import iris
    from grcgraph.validation import validate as run

    if file is not None:
        if not file.is_file():
            raise fail(f"{file}: no such file")
        try:
            graph = Graph().parse(file, format="turtle")
        except Exception as error:  # any parser failure is the user's file, reported as such
            raise fail(f"{file}: not valid Turtle: {error}") from None
        report = run(graph, with_vocabulary=True)
        subject = str(file)
    else:
        with opened_store(data_dir, memory, store_url=store_url) as store:
            graph = store.read_graph(iris.REFERENCE_GRAPH)  # type: ignore[attr-defined]
        report = run(graph)
        subject = "the reference graph"
    if report.conforms:
        console.print(f"{subject}: conforms ({len(graph)} triples, 0 violations).")
        return
    table = Table(title=f"SHACL report for {subject}: {len(report.violations)} result(s)")
    for column in ("severity", "focus node", "path", "message", "value"):
        table.add_column(column, overflow="fold")
    for v in report.violations:
        table.add_row(*(escape(cell) for cell in (v.severity, v.focus, v.path, v.message, v.value)))
    console.print(table)
    raise typer.Exit(1)


@app.command()
def export(
    fmt: Annotated[ExportFormat, typer.Option("--format", help="Serialisation.")] = ExportFormat.turtle,
    output: Annotated[Path | None, typer.Option("--output", "-o", help="File to write (default: standard output).")] = None,
    data_dir: DataDirOption = None,
    store_url: StoreOption = None,
    memory: MemoryOption = False,
) -> None:
    """Write the reference graph as Turtle, JSON-LD or N-Triples."""
    from grcgraph import iris

    with opened_store(data_dir, memory, store_url=store_url) as store:
        graph = store.read_graph(iris.REFERENCE_GRAPH)  # type: ignore[attr-defined]
    from grcgraph.reference import bind_prefixes

    bind_prefixes(graph)
    rdflib_format = {"turtle": "turtle", "jsonld": "json-ld", "nt": "nt"}[fmt.value]
    data = graph.serialize(format=rdflib_format, encoding="utf-8")
    if output is None:
        sys.stdout.buffer.write(data)
    else:
        output.write_bytes(data)
        errors.print(f"wrote {len(graph)} triples to {output}")


class MappingFormat(StrEnum):
    table = "table"
    csv = "csv"
    sssom = "sssom"


@app.command()
def mappings(
    source: Annotated[str | None, typer.Option("--from", help="Framework the mappings are read from (e.g. iso42001).")] = None,
    target: Annotated[str | None, typer.Option("--to", help="Framework they lead to (e.g. euaiact).")] = None,
    fmt: Annotated[MappingFormat, typer.Option("--format", help="Output format.")] = MappingFormat.table,
    summary: Annotated[bool, typer.Option("--summary", help="Row counts and predicate shares per mapping set.")] = False,
    data_dir: DataDirOption = None,
    store_url: StoreOption = None,
    memory: MemoryOption = False,
) -> None:
    """List the mappings between two frameworks (every set, both directions), or a per-set summary."""
    import csv as csv_module

    from grcgraph.mappings import Mappings

    if not summary and (source is None or target is None):
        raise fail("give --from and --to (e.g. --from iso42001 --to euaiact), or --summary")
    with opened_store(data_dir, memory, store_url=store_url) as store:
        index = Mappings(store)  # type: ignore[arg-type]
        if summary:
            table = Table(title="Mapping sets in the reference graph")
            for column in ("file", "from", "to", "rows", "predicates (share of rows)"):
                table.add_column(column, overflow="fold")
            for s in index.summary():
                shares = ", ".join(f"{p} {n} ({100 * n / s.rows:.0f}%)" for p, n in s.predicates.items())
                table.add_row(s.file, ", ".join(s.subject_frameworks), ", ".join(s.object_frameworks), str(s.rows), shares)
            console.print(table)
            return
        assert source is not None and target is not None
        try:
            found = index.between(source, target)
            text = index.export_between(source, target) if fmt is MappingFormat.sssom else ""
        except ValueError as error:
            raise fail(str(error)) from None
    if fmt is MappingFormat.sssom:
        sys.stdout.write(text)
    elif fmt is MappingFormat.csv:
        rows = [m.as_row() for m in found]
        writer = csv_module.DictWriter(sys.stdout, fieldnames=list(rows[0]) if rows else ["subject_id"], lineterminator="\n")
        writer.writeheader()
        writer.writerows(rows)
    else:
        table = Table(title=f"{len(found)} mappings from {source} to {target}")
        for column in ("subject", "relationship", "object", "rationale", "conf.", "comment"):
            table.add_column(column, overflow="fold")
        for m in found:
            obj = f"{m.object.curie} {m.object.title}" if m.object else "(no counterpart)"
            cells = (
                f"{m.subject.curie} {m.subject.title[:60]}",
                m.predicate + (" (inverse)" if m.inverted else ""),
                obj[:80],
                m.rationale or "",
                m.confidence or "",
                m.comment or "",
            )
            table.add_row(*(escape(cell) for cell in cells))
        console.print(table)


@app.command()
def crosswalk(
    requirement_id: Annotated[str, typer.Argument(metavar="ID", help="e.g. A.6.2.8, 'Art. 12(1)', 'GOVERN 1.1'")],
    data_dir: DataDirOption = None,
    store_url: StoreOption = None,
    memory: MemoryOption = False,
) -> None:
    """Everything mapped to or from one requirement across all frameworks, in both directions."""
    from grcgraph.catalog import Catalog
    from grcgraph.errors import UnknownRequirementError
    from grcgraph.mappings import Mappings

    with opened_store(data_dir, memory, store_url=store_url) as store:
        catalog = Catalog(store)  # type: ignore[arg-type]
        try:
            ref = catalog.resolve(requirement_id)
        except UnknownRequirementError as error:
            raise fail(str(error)) from None
        found = Mappings(store, catalog).for_requirement(ref.iri)  # type: ignore[arg-type]
    console.print(f"[bold]{escape(ref.curie)}[/bold] {escape(ref.title)}: {len(found)} mapping(s)", highlight=False)
    for m in sorted(found, key=lambda m: (m.object.curie if m.object else "", m.mapping_set)):
        obj = f"{m.object.curie} {m.object.title}" if m.object else "(no counterpart)"
        how = f"{m.predicate}" + (f", {m.rationale}" if m.rationale else "") + (f", confidence {m.confidence}" if m.confidence else "")
        read = " (read from the other end)" if m.inverted else ""
        console.print(f"\n  {how}{read}\n  -> {obj}", markup=False, highlight=False)
        if m.comment:
            console.print(f"     why: {m.comment}", markup=False, highlight=False)
        author = m.extra.get("author_label")
        console.print(f"     source: {m.set_title}" + (f" (author: {author})" if author else ""), markup=False, highlight=False)


WorkspaceOption = Annotated[str, typer.Option("--workspace", "-w", help="Workspace holding your evidence, AI systems and SoA.")]
OnOption = Annotated[str | None, typer.Option("--on", help="Date to answer for, YYYY-MM-DD (default: today).")]
evidence_app = typer.Typer(help="Evidence: import and list.", no_args_is_help=True)
systems_app = typer.Typer(help="The AI inventory: add and list AI systems.", no_args_is_help=True)
app.add_typer(evidence_app, name="evidence")
app.add_typer(systems_app, name="systems")


class ReportFormat(StrEnum):
    table = "table"
    csv = "csv"
    xlsx = "xlsx"


def parse_day(text: str | None) -> object:
    import datetime as dt

    from grcgraph.dates import parse_date

    if text is None:
        return dt.date.today()
    try:
        return parse_date(text)
    except ValueError as error:
        raise fail(f"--on: {error}") from None


@contextmanager
def opened_api(data_dir: Path | None, memory: bool, workspace: str, store_url: str | None = None) -> Iterator[object]:
    from grcgraph.api import GRCGraph
    from grcgraph.workspace import InvalidInputError

    with opened_store(data_dir, memory, store_url=store_url) as store:
        try:
            yield GRCGraph(store, workspace)  # type: ignore[arg-type]
        except InvalidInputError as error:
            raise fail(str(error)) from None


def print_frame(frame: object, title: str) -> None:
    import pandas as pd

    assert isinstance(frame, pd.DataFrame)
    table = Table(title=title)
    for column in frame.columns:
        table.add_column(str(column), overflow="fold")
    for row in frame.itertuples(index=False):
        table.add_row(*(escape("" if value is None or (isinstance(value, float) and math.isnan(value)) else str(value)) for value in row))
    console.print(table)


def write_frames(frames: dict[str, object], fmt: ReportFormat, output: Path | None, title: str) -> None:
    """Print or write one or more DataFrames as a table, CSV or an XLSX workbook (one sheet each)."""
    import pandas as pd

    first = next(iter(frames.values()))
    assert isinstance(first, pd.DataFrame)
    if fmt is ReportFormat.table:
        for name, frame in frames.items():
            print_frame(frame, f"{title}: {name}" if len(frames) > 1 else title)
    elif fmt is ReportFormat.csv:
        if output is None:
            first.to_csv(sys.stdout, index=False)
        else:
            first.to_csv(output, index=False)
            errors.print(f"wrote {len(first)} rows to {output}")
    else:
        if output is None:
            raise fail("--format xlsx needs --output FILE.xlsx")
        with pd.ExcelWriter(output, engine="openpyxl") as writer:
            for name, frame in frames.items():
                assert isinstance(frame, pd.DataFrame)
                frame.to_excel(writer, sheet_name=name[:31], index=False)
        errors.print(f"wrote {output}")


@evidence_app.command("import")
def evidence_import(
    files: Annotated[
        list[Path], typer.Argument(help="CSV or JSON evidence files (format: docs/coverage.md), imported together as one batch.")
    ],
    workspace: WorkspaceOption = "default",
    data_dir: DataDirOption = None,
    store_url: StoreOption = None,
    memory: MemoryOption = False,
) -> None:
    """Import evidence and its links; a bad row is reported with file, line and field, and nothing is stored."""
    # The workspace alone, not the whole facade: its imports (pandas, networkx) cost more than a
    # small file's import.
    from grcgraph.errors import DataError
    from grcgraph.loaders.evidence import import_files
    from grcgraph.workspace import InvalidInputError, Workspace

    missing = [str(file) for file in files if not file.is_file()]
    if missing:
        raise fail(f"{', '.join(missing)}: no such file")
    with opened_store(data_dir, memory, store_url=store_url) as store:
        try:
            count = import_files(Workspace(store, workspace), files)  # type: ignore[arg-type]
        except DataError as error:
            raise fail(f"nothing was imported.\n{error}") from None
        except InvalidInputError as error:
            raise fail(str(error)) from None
    console.print(f"Imported {count} evidence item(s) into workspace {workspace!r}.")


@evidence_app.command("list")
def evidence_list(
    workspace: WorkspaceOption = "default", data_dir: DataDirOption = None, store_url: StoreOption = None, memory: MemoryOption = False
) -> None:
    """List the workspace's evidence with the requirements each is linked to."""
    with opened_api(data_dir, memory, workspace, store_url) as api:
        frame = api.evidence()  # type: ignore[attr-defined]
    print_frame(frame, f"Evidence in workspace {workspace!r} ({len(frame)})")


@app.command()
def coverage(
    evidence_id: Annotated[str, typer.Argument(metavar="EVIDENCE_ID")],
    on: OnOption = None,
    chain_length: Annotated[int, typer.Option("--chain-length", min=0, max=4, help="Mappings to chain (1: direct only).")] = 1,
    fmt: Annotated[ReportFormat, typer.Option("--format")] = ReportFormat.table,
    output: Annotated[Path | None, typer.Option("--output", "-o")] = None,
    workspace: WorkspaceOption = "default",
    data_dir: DataDirOption = None,
    store_url: StoreOption = None,
    memory: MemoryOption = False,
) -> None:
    """What one piece of evidence covers, in every framework, and how fully."""
    from grcgraph.workspace import NotFoundError

    day = parse_day(on)
    with opened_api(data_dir, memory, workspace, store_url) as api:
        try:
            frame = api.coverage(evidence_id, on=day, chain_length=chain_length)  # type: ignore[attr-defined]
        except NotFoundError as error:
            raise fail(str(error)) from None
    write_frames({"Coverage": frame}, fmt, output, f"Coverage of {evidence_id} on {day}")


@app.command()
def explain(
    evidence_id: Annotated[str, typer.Argument(metavar="EVIDENCE_ID")],
    requirement_id: Annotated[str, typer.Argument(metavar="REQUIREMENT")],
    on: OnOption = None,
    chain_length: Annotated[int, typer.Option("--chain-length", min=0, max=4)] = 1,
    workspace: WorkspaceOption = "default",
    data_dir: DataDirOption = None,
    store_url: StoreOption = None,
    memory: MemoryOption = False,
) -> None:
    """Why a piece of evidence covers a requirement: the link, then each mapping with type, rationale and source."""
    from grcgraph.errors import UnknownRequirementError
    from grcgraph.workspace import NotFoundError

    day = parse_day(on)
    with opened_api(data_dir, memory, workspace, store_url) as api:
        try:
            paths = api.explain(evidence_id, requirement_id, on=day, chain_length=chain_length)  # type: ignore[attr-defined]
        except (NotFoundError, UnknownRequirementError) as error:
            raise fail(str(error)) from None
    if not paths:
        console.print(f"{evidence_id} does not reach {requirement_id} (chain length {chain_length}).", markup=False)
        return
    for number, path in enumerate(paths, start=1):
        state = " (stale: past its valid-until date)" if path.stale else ""
        console.print(f"path {number}: {path.level.label}{' (inferred)' if path.inferred else ''}{state}", markup=False, highlight=False)
        console.print(
            f"  {path.evidence} -[{path.link.extent}, asserted by {path.link.asserted_by} at {path.link.asserted_at}]-> "
            f"{api.catalog.ref(path.link.requirement).curie}",  # type: ignore[attr-defined]
            markup=False,
            highlight=False,
        )
        for hop in path.hops:
            confidence = f", confidence {hop.confidence}" if hop.confidence is not None else ""
            console.print(
                f"  {hop.subject} -[{hop.predicate}, {hop.rationale or 'no rationale'}{confidence}]-> {hop.object}",
                markup=False,
                highlight=False,
            )
            console.print(f"      source: {hop.source}", markup=False, highlight=False)
            if hop.comment:
                console.print(f"      why: {hop.comment}", markup=False, highlight=False)


@app.command()
def gaps(
    framework: Annotated[str, typer.Argument(help="iso42001, iso27001, euaiact, nistairmf or nistgai")],
    system: Annotated[str | None, typer.Option("--system", help="Scope to one AI system of the inventory.")] = None,
    on: OnOption = None,
    chain_length: Annotated[int, typer.Option("--chain-length", min=0, max=4)] = 1,
    fmt: Annotated[ReportFormat, typer.Option("--format")] = ReportFormat.table,
    output: Annotated[Path | None, typer.Option("--output", "-o")] = None,
    workspace: WorkspaceOption = "default",
    data_dir: DataDirOption = None,
    store_url: StoreOption = None,
    memory: MemoryOption = False,
) -> None:
    """Each requirement of a framework as covered, partial, related, stale, uncovered or not applicable."""
    from grcgraph.api import GRCGraph
    from grcgraph.workspace import NotFoundError

    day = parse_day(on)
    with opened_api(data_dir, memory, workspace, store_url) as api:
        try:
            frame = api.gaps(framework, system=system, on=day, chain_length=chain_length)  # type: ignore[attr-defined]
        except (NotFoundError, ValueError) as error:
            raise fail(str(error)) from None
    summary = GRCGraph.summary(frame)
    scope = f" for {system}" if system else ""
    write_frames({"Gaps": frame, "Summary": summary}, fmt, output, f"Gaps in {framework}{scope} on {day}")


@app.command()
def soa(
    fmt: Annotated[ReportFormat, typer.Option("--format")] = ReportFormat.table,
    output: Annotated[Path | None, typer.Option("--output", "-o")] = None,
    set_control: Annotated[str | None, typer.Option("--set", help="Control to include or exclude, e.g. A.7.4")] = None,
    exclude: Annotated[bool, typer.Option("--exclude", help="With --set: exclude the control (default: include).")] = False,
    reason: Annotated[str | None, typer.Option("--reason", help="With --set: the justification.")] = None,
    workspace: WorkspaceOption = "default",
    data_dir: DataDirOption = None,
    store_url: StoreOption = None,
    memory: MemoryOption = False,
) -> None:
    """The Statement of Applicability (ISO/IEC 42001 and 27001 Annex A) with the evidence behind each control."""
    with opened_api(data_dir, memory, workspace, store_url) as api:
        if set_control is not None:
            api.set_applicability(set_control, not exclude, reason or "")  # type: ignore[attr-defined]
            console.print(f"{set_control}: {'excluded' if exclude else 'included'}.", markup=False)
            return
        frame = api.soa()  # type: ignore[attr-defined]
    write_frames({"Statement of Applicability": frame}, fmt, output, "Statement of Applicability")


@systems_app.command("add")
def systems_add(
    system_id: Annotated[str, typer.Argument(metavar="ID")],
    name: Annotated[str, typer.Option("--name")],
    role: Annotated[
        list[str], typer.Option("--role", help="provider, deployer, importer, distributor, authorised-representative, product-manufacturer")
    ],
    category: Annotated[
        str,
        typer.Option(
            "--category",
            help="prohibited, high-risk-annex-i (Annex I Section A), high-risk-annex-i-b (Annex I Section B), high-risk-annex-iii, "
            "transparency, gpai, gpai-systemic, minimal",
        ),
    ],
    generative: Annotated[bool, typer.Option("--generative/--not-generative")] = False,
    owner: Annotated[str | None, typer.Option("--owner")] = None,
    purpose: Annotated[str | None, typer.Option("--purpose")] = None,
    workspace: WorkspaceOption = "default",
    data_dir: DataDirOption = None,
    store_url: StoreOption = None,
    memory: MemoryOption = False,
) -> None:
    """Add or replace an AI system in the inventory."""
    with opened_api(data_dir, memory, workspace, store_url) as api:
        api.add_system(system_id, name, role, category, generative=generative, owner=owner, purpose=purpose)  # type: ignore[attr-defined]
    console.print(f"AI system {system_id!r} saved in workspace {workspace!r}.", markup=False)


@systems_app.command("list")
def systems_list(
    workspace: WorkspaceOption = "default", data_dir: DataDirOption = None, store_url: StoreOption = None, memory: MemoryOption = False
) -> None:
    """List the AI inventory."""
    with opened_api(data_dir, memory, workspace, store_url) as api:
        frame = api.systems()  # type: ignore[attr-defined]
    print_frame(frame, f"AI systems in workspace {workspace!r}")


@app.command()
def applicable(
    system: Annotated[str, typer.Argument(help="AI system id")],
    on: OnOption = None,
    fmt: Annotated[ReportFormat, typer.Option("--format")] = ReportFormat.table,
    output: Annotated[Path | None, typer.Option("--output", "-o")] = None,
    workspace: WorkspaceOption = "default",
    data_dir: DataDirOption = None,
    store_url: StoreOption = None,
    memory: MemoryOption = False,
) -> None:
    """The EU AI Act provisions that bind you for an AI system, given its roles and category, and from when."""
    from grcgraph.workspace import NotFoundError

    day = parse_day(on)
    with opened_api(data_dir, memory, workspace, store_url) as api:
        try:
            frame = api.applicable(system, on=day)  # type: ignore[attr-defined]
        except NotFoundError as error:
            raise fail(str(error)) from None
    write_frames({"Applicable": frame}, fmt, output, f"EU AI Act provisions for {system} on {day}")


token_app = typer.Typer(help="API tokens for the GraphQL server: create and revoke.", no_args_is_help=True)
app.add_typer(token_app, name="token")


class TokenRole(StrEnum):
    reader = "reader"
    editor = "editor"
    admin = "admin"


@token_app.command("create")
def token_create(
    workspace: Annotated[str, typer.Option("--workspace", "-w", help="Workspace the token reads (and, for editors, writes).")],
    role: Annotated[TokenRole, typer.Option("--role", help="reader, editor or admin.")] = TokenRole.reader,
    data_dir: DataDirOption = None,
    store_url: StoreOption = None,
) -> None:
    """Create an API token and print it once: only its SHA-256 is stored. Run it while the server is stopped."""
    from grcgraph.server.auth import create_token
    from grcgraph.workspace import InvalidInputError

    with opened_store(data_dir, ensure_loaded=False, store_url=store_url) as store:
        try:
            token = create_token(store, workspace, role.value)  # type: ignore[arg-type]
        except InvalidInputError as error:
            raise fail(str(error)) from None
    token_id = token.split("_")[1]
    errors.print(f"token {token_id} ({role.value} of workspace {workspace!r}); store it now, it is not shown again:", markup=False)
    console.print(token, markup=False, highlight=False)


@token_app.command("revoke")
def token_revoke(
    token_id: Annotated[str, typer.Argument(metavar="TOKEN_ID")], data_dir: DataDirOption = None, store_url: StoreOption = None
) -> None:
    """Revoke an API token by its id (the 16 hex digits after 'grc_')."""
    from grcgraph.server.auth import revoke_token
    from grcgraph.workspace import NotFoundError

    with opened_store(data_dir, ensure_loaded=False, store_url=store_url) as store:
        try:
            revoke_token(store, token_id)  # type: ignore[arg-type]
        except NotFoundError as error:
            raise fail(str(error)) from None
    console.print(f"token {token_id} revoked.", markup=False)


@app.command()
def serve(
    host: Annotated[str | None, typer.Option("--host", help="Interface to listen on (default: $GRCGRAPH_HOST or 127.0.0.1).")] = None,
    port: Annotated[int | None, typer.Option("--port", help="TCP port (default: $GRCGRAPH_PORT or 8000).")] = None,
    data_dir: DataDirOption = None,
    store_url: StoreOption = None,
    access_log: Annotated[
        bool | None, typer.Option("--access-log/--no-access-log", help="Log every request (default: $GRCGRAPH_ACCESS_LOG or on).")
    ] = None,
) -> None:
    """Serve the GraphQL API (/graphql), SPARQL (/sparql), /healthz and /readyz over the store."""
    import uvicorn

    from grcgraph.server.app import create_app
    from grcgraph.server.settings import Settings, SettingsError

    try:
        settings = Settings.load(host=host, port=port, data_dir=data_dir, store=store_url, access_log=access_log)
    except SettingsError as error:
        raise fail(str(error)) from None
    if settings.read_only_local and settings.host not in ("127.0.0.1", "::1", "localhost"):
        raise fail("GRCGRAPH_READ_ONLY_LOCAL serves without tokens: it is allowed on a loopback host only")
    if settings.store and data_dir is not None:
        raise fail("--store names a remote store: give it without --data-dir")
    try:
        opened = settings.open_store()
    except (RuntimeError, ValueError) as error:
        raise fail(str(error)) from None
    with loaded_store(opened) as store:
        application = create_app(store, settings, warm_indexes=True)
        # What startup made (reference indexes, schema, modules) lives as long as the process: frozen,
        # the collector no longer walks it on every full collection, which showed as latency spikes.
        gc.collect()
        gc.freeze()
        uvicorn.run(application, host=settings.host, port=settings.port, log_level="info", access_log=settings.access_log)


if __name__ == "__main__":
    app()
