"""Evidence commands: import, list and export, and what one item covers and why (coverage, explain)."""

from __future__ import annotations

from enum import StrEnum
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from grcgraph.cli.common import (
    AsOfOption,
    DataDirOption,
    MemoryOption,
    OnOption,
    ReportFormat,
    StoreOption,
    WorkspaceOption,
    app,
    as_of_view,
    console,
    fail,
    opened,
    parse_day,
    print_table,
    write_output,
    write_report,
)
from grcgraph.config import DEFAULT_WORKSPACE

if TYPE_CHECKING:
    from grcgraph.api import GRCGraph


class ExchangeFormat(StrEnum):
    csv = "csv"
    json = "json"
    xlsx = "xlsx"


class ListFormat(StrEnum):
    table = "table"
    csv = "csv"
    json = "json"
    xlsx = "xlsx"


evidence_app = typer.Typer(help="Evidence: import, list and export.", no_args_is_help=True)
app.add_typer(evidence_app, name="evidence")
FrameworkOption = Annotated[
    str | None,
    typer.Option(
        "--framework",
        help="Look bare ids (6.1.2, A.5.2) up in this framework first, for rows whose framework column is empty "
        "(iso42001, iso27001, euaiact, nistairmf, nistgai).",
        show_default=False,
    ),
]


@evidence_app.command("import")
def evidence_import(
    files: Annotated[
        list[Path],
        typer.Argument(help="CSV, JSON or XLSX evidence files (format: docs/coverage.md), imported together as one batch."),
    ],
    framework: FrameworkOption = None,
    workspace: WorkspaceOption = DEFAULT_WORKSPACE,
    data_dir: DataDirOption = None,
    store_url: StoreOption = None,
    memory: MemoryOption = False,
) -> None:
    """Import evidence and its links; a bad row is reported with file, line (or sheet and row) and column, and nothing is stored."""
    from grcgraph.errors import DataError

    missing = [str(file) for file in files if not file.is_file()]
    if missing:
        raise fail(f"{', '.join(missing)}: no such file")
    with opened(data_dir, memory, store_url, workspace=workspace) as graph:
        try:
            count = graph.import_evidence(*files, framework=framework)
        except DataError as error:
            raise fail(f"nothing was imported.\n{error}") from None
        except ValueError as error:
            raise fail(f"--framework: {error}") from None
    console.print(f"Imported {count} evidence item(s) into workspace {workspace!r}.", markup=False, highlight=False)


@evidence_app.command("list")
def evidence_list(
    fmt: Annotated[ListFormat, typer.Option("--format", help="table, or an evidence file: csv, json or xlsx")] = ListFormat.table,
    output: Annotated[Path | None, typer.Option("--output", "-o")] = None,
    workspace: WorkspaceOption = DEFAULT_WORKSPACE,
    data_dir: DataDirOption = None,
    store_url: StoreOption = None,
    memory: MemoryOption = False,
) -> None:
    """List the workspace's evidence with the requirements each is linked to (csv, json and xlsx as `evidence export` writes them)."""
    with opened(data_dir, memory, store_url, workspace=workspace, write=False) as graph:
        if fmt is ListFormat.table:
            from grcgraph.api.evidence_files import SCREEN_HEADERS

            table = graph.evidence_table().select(SCREEN_HEADERS)
            print_table(table, f"Evidence in workspace {workspace!r} ({len(graph.evidence_ids())} items)")
            return
        _export(graph, fmt.value, output)


@evidence_app.command("export")
def evidence_export(
    fmt: Annotated[ExchangeFormat, typer.Option("--format", help="csv, json or xlsx")] = ExchangeFormat.csv,
    output: Annotated[Path | None, typer.Option("--output", "-o", help="File to write (csv and json: default standard output).")] = None,
    workspace: WorkspaceOption = DEFAULT_WORKSPACE,
    data_dir: DataDirOption = None,
    store_url: StoreOption = None,
    memory: MemoryOption = False,
) -> None:
    """Write every evidence item with every field and link, as a file `evidence import` reads back to the same data."""
    with opened(data_dir, memory, store_url, workspace=workspace, write=False) as graph:
        _export(graph, fmt.value, output)


def _export(graph: GRCGraph, fmt: str, output: Path | None) -> None:
    data = graph.export_evidence(fmt)
    write_output(data if fmt == "xlsx" else data.decode("utf-8"), output, f"{len(graph.evidence_ids())} evidence item(s)")


@app.command()
def coverage(
    evidence_id: Annotated[str, typer.Argument(metavar="EVIDENCE_ID")],
    on: OnOption = None,
    as_of: AsOfOption = None,
    chain_length: Annotated[int, typer.Option("--chain-length", min=0, max=4, help="Mappings to chain (1: direct only).")] = 1,
    fmt: Annotated[ReportFormat, typer.Option("--format")] = ReportFormat.table,
    output: Annotated[Path | None, typer.Option("--output", "-o")] = None,
    workspace: WorkspaceOption = DEFAULT_WORKSPACE,
    data_dir: DataDirOption = None,
    store_url: StoreOption = None,
    memory: MemoryOption = False,
) -> None:
    """What one piece of evidence covers, in every framework, and how fully."""
    from grcgraph.errors import NotFoundError

    with opened(data_dir, memory, store_url, workspace=workspace, write=False) as graph:
        view, day = as_of_view(graph, as_of, on)
        try:
            table = view.coverage_table(evidence_id, on=day, chain_length=chain_length)
        except NotFoundError as error:
            raise fail(str(error)) from None
        write_report(
            fmt,
            output,
            f"Coverage of {evidence_id} on {day}",
            tables=lambda: [table],
            xlsx=lambda: graph.report_workbook(f"Coverage of {evidence_id}", [table], on=day),
        )


@app.command()
def explain(
    evidence_id: Annotated[str, typer.Argument(metavar="EVIDENCE_ID")],
    requirement_id: Annotated[str, typer.Argument(metavar="REQUIREMENT")],
    on: OnOption = None,
    chain_length: Annotated[int, typer.Option("--chain-length", min=0, max=4)] = 1,
    workspace: WorkspaceOption = DEFAULT_WORKSPACE,
    data_dir: DataDirOption = None,
    store_url: StoreOption = None,
    memory: MemoryOption = False,
) -> None:
    """Why a piece of evidence (or an AIMS record: impact-assessment/IA-3) covers a requirement: the link, then each mapping with type, rationale and source."""
    from grcgraph.errors import NotFoundError, UnknownRequirementError

    day = parse_day(on)
    with opened(data_dir, memory, store_url, workspace=workspace, write=False) as graph:
        try:
            paths = graph.explain(evidence_id, requirement_id, on=day, chain_length=chain_length)
        except (NotFoundError, UnknownRequirementError) as error:
            raise fail(str(error)) from None
        if not paths:
            console.print(f"{evidence_id} does not reach {requirement_id} (chain length {chain_length}).", markup=False)
            return
        for number, path in enumerate(paths, start=1):
            state = " (stale: past its valid-until date)" if path.stale else ""
            console.print(
                f"path {number}: {path.level.label}{' (inferred)' if path.inferred else ''}{state}", markup=False, highlight=False
            )
            console.print(
                f"  {graph.first_hop(path)} -[{path.link.extent}, asserted by {path.link.asserted_by} at {path.link.asserted_at}]-> "
                f"{graph.ref(path.link.requirement).curie}",
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
