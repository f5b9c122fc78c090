"""Report commands: gaps per framework, the Statement of Applicability, and what applies to an AI system."""

from __future__ import annotations

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
    write_frames,
)


@app.command()
def gaps(
    framework: Annotated[str, typer.Argument(help="iso42001, iso27001, euaiact, nistairmf or nistgai")],
    system: Annotated[str | None, typer.Option("--system", help="Scope to one AI system of the inventory.")] = None,
    on: OnOption = None,
    as_of: AsOfOption = None,
    chain_length: Annotated[int, typer.Option("--chain-length", min=0, max=4)] = 1,
    fmt: Annotated[ReportFormat, typer.Option("--format")] = ReportFormat.table,
    output: Annotated[Path | None, typer.Option("--output", "-o")] = None,
    workspace: WorkspaceOption = "default",
    data_dir: DataDirOption = None,
    store_url: StoreOption = None,
    memory: MemoryOption = False,
) -> None:
    """Each requirement of a framework as covered, partial, related, stale, uncovered or not applicable."""
    from grcgraph.errors import NotFoundError

    with opened(data_dir, memory, store_url, workspace=workspace) as graph:
        view, day = as_of_view(graph, as_of, on)
        try:
            frame = view.gaps(framework, system=system, on=day, chain_length=chain_length)
        except (NotFoundError, ValueError) as error:
            raise fail(str(error)) from None
        summary = view.summary(frame)
    scope = f" for {system}" if system else ""
    write_frames({"Gaps": frame, "Summary": summary}, fmt, output, f"Gaps in {framework}{scope} on {day}")


@app.command()
def soa(
    fmt: Annotated[ReportFormat, typer.Option("--format")] = ReportFormat.table,
    output: Annotated[Path | None, typer.Option("--output", "-o")] = None,
    set_control: Annotated[str | None, typer.Option("--set", help="Control to include or exclude, e.g. A.7.4")] = None,
    exclude: Annotated[bool, typer.Option("--exclude", help="With --set: exclude the control (default: include).")] = False,
    reason: Annotated[str | None, typer.Option("--reason", help="With --set: the justification.")] = None,
    as_of: AsOfOption = None,
    workspace: WorkspaceOption = "default",
    data_dir: DataDirOption = None,
    store_url: StoreOption = None,
    memory: MemoryOption = False,
) -> None:
    """The Statement of Applicability (ISO/IEC 42001 and 27001 Annex A) with the evidence behind each control."""
    with opened(data_dir, memory, store_url, workspace=workspace) as graph:
        if set_control is not None:
            graph.set_applicability(set_control, not exclude, reason or "")
            console.print(f"{set_control}: {'excluded' if exclude else 'included'}.", markup=False)
            return
        view, day = as_of_view(graph, as_of, None)
        frame = view.soa(on=day)
    title = f"Statement of Applicability as of {as_of}" if as_of else "Statement of Applicability"
    write_frames({"Statement of Applicability": frame}, fmt, output, title)


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
    from grcgraph.errors import NotFoundError

    day = parse_day(on)
    with opened(data_dir, memory, store_url, workspace=workspace) as graph:
        try:
            frame = graph.applicable(system, on=day)
        except NotFoundError as error:
            raise fail(str(error)) from None
    write_frames({"Applicable": frame}, fmt, output, f"EU AI Act provisions for {system} on {day}")
