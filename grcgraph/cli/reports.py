"""Report commands: gaps per framework, the Statement of Applicability, and what applies to an AI system."""

from __future__ import annotations

from enum import StrEnum
from pathlib import Path
from typing import Annotated

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
    write_output,
    write_report,
)
from grcgraph.config import DEFAULT_WORKSPACE


class SoAFormat(StrEnum):
    table = "table"
    csv = "csv"
    xlsx = "xlsx"
    docx = "docx"


@app.command()
def gaps(
    frameworks: Annotated[
        list[str],
        typer.Argument(metavar="FRAMEWORK...", help="iso42001, iso27001, euaiact, nistairmf or nistgai; several give a sheet each"),
    ],
    system: Annotated[str | None, typer.Option("--system", help="Scope to one AI system of the inventory.")] = None,
    on: OnOption = None,
    as_of: AsOfOption = None,
    chain_length: Annotated[int, typer.Option("--chain-length", min=0, max=4)] = 1,
    fmt: Annotated[ReportFormat, typer.Option("--format")] = ReportFormat.table,
    output: Annotated[Path | None, typer.Option("--output", "-o")] = None,
    workspace: WorkspaceOption = DEFAULT_WORKSPACE,
    data_dir: DataDirOption = None,
    store_url: StoreOption = None,
    memory: MemoryOption = False,
) -> None:
    """Each requirement of a framework as covered, partial, related, stale, uncovered or not applicable."""
    from grcgraph.errors import NotFoundError

    scope = f" for {system}" if system else ""
    with opened(data_dir, memory, store_url, workspace=workspace, write=False) as graph:
        view, day = as_of_view(graph, as_of, on)
        try:
            if system is not None:
                view.system(system)
            prefixes = [view.framework_prefix(name) for name in frameworks]
            title = f"Gaps in {', '.join(prefixes)}{scope} on {day}" + (f" as of {as_of}" if as_of else "")
            write_report(
                fmt,
                output,
                title,
                tables=lambda: view.gap_tables(prefixes, system=system, on=day, chain_length=chain_length),
                csv=lambda: view.gaps_csv(prefixes, system=system, on=day, chain_length=chain_length),
                xlsx=lambda: view.gaps_workbook(prefixes, system=system, on=day, chain_length=chain_length),
            )
        except (NotFoundError, ValueError) as error:
            raise fail(str(error)) from None


@app.command()
def soa(
    fmt: Annotated[SoAFormat, typer.Option("--format", help="table, csv, xlsx, or docx (printable)")] = SoAFormat.table,
    output: Annotated[Path | None, typer.Option("--output", "-o")] = None,
    on: OnOption = None,
    set_control: Annotated[str | None, typer.Option("--set", help="Control to include or exclude, e.g. A.7.4")] = None,
    exclude: Annotated[bool, typer.Option("--exclude", help="With --set: exclude the control (default: include).")] = False,
    reason: Annotated[str | None, typer.Option("--reason", help="With --set: the justification.")] = None,
    as_of: AsOfOption = None,
    workspace: WorkspaceOption = DEFAULT_WORKSPACE,
    data_dir: DataDirOption = None,
    store_url: StoreOption = None,
    memory: MemoryOption = False,
) -> None:
    """The Statement of Applicability (every Annex A control, ISO/IEC 42001 first) with the evidence behind each control."""
    if set_control is not None:
        with opened(data_dir, memory, store_url, workspace=workspace) as graph:
            entry = graph.set_applicability(set_control, not exclude, reason or "")
            console.print(f"{graph.ref(entry.control).notation}: {'excluded' if exclude else 'included'}.", markup=False)
        return
    with opened(data_dir, memory, store_url, workspace=workspace, write=False) as graph:
        view, day = as_of_view(graph, as_of, on)
        if fmt is SoAFormat.docx:
            if output is None:
                raise fail("--format docx needs --output FILE.docx")
            write_output(view.soa_document(on=day), output, "the document")
            return
        write_report(
            ReportFormat(fmt.value),
            output,
            f"Statement of Applicability as of {as_of}" if as_of else "Statement of Applicability",
            tables=lambda: [view.soa_table(on=day)],
            xlsx=lambda: view.soa_workbook(on=day),
        )


@app.command()
def applicable(
    system: Annotated[str, typer.Argument(help="AI system id")],
    on: OnOption = None,
    fmt: Annotated[ReportFormat, typer.Option("--format")] = ReportFormat.table,
    output: Annotated[Path | None, typer.Option("--output", "-o")] = None,
    workspace: WorkspaceOption = DEFAULT_WORKSPACE,
    data_dir: DataDirOption = None,
    store_url: StoreOption = None,
    memory: MemoryOption = False,
) -> None:
    """The EU AI Act provisions that bind you for an AI system, given its roles and category, and from when."""
    from grcgraph.errors import NotFoundError

    day = parse_day(on)
    with opened(data_dir, memory, store_url, workspace=workspace, write=False) as graph:
        try:
            table = graph.applicable_table(system, on=day)
        except NotFoundError as error:
            raise fail(str(error)) from None
        write_report(
            fmt,
            output,
            f"EU AI Act provisions for {system} on {day}",
            tables=lambda: [table],
            xlsx=lambda: graph.report_workbook("EU AI Act provisions that apply", [table], frameworks=["euaiact"], system=system, on=day),
        )
