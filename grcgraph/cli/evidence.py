"""Evidence commands: import and list, and what one item covers and why (coverage, explain)."""

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
    print_frame,
    write_frames,
)

evidence_app = typer.Typer(help="Evidence: import and list.", no_args_is_help=True)
app.add_typer(evidence_app, name="evidence")


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
    from grcgraph.errors import DataError

    missing = [str(file) for file in files if not file.is_file()]
    if missing:
        raise fail(f"{', '.join(missing)}: no such file")
    with opened(data_dir, memory, store_url, workspace=workspace) as graph:
        try:
            count = graph.import_evidence(*files)
        except DataError as error:
            raise fail(f"nothing was imported.\n{error}") from None
    console.print(f"Imported {count} evidence item(s) into workspace {workspace!r}.")


@evidence_app.command("list")
def evidence_list(
    workspace: WorkspaceOption = "default", data_dir: DataDirOption = None, store_url: StoreOption = None, memory: MemoryOption = False
) -> None:
    """List the workspace's evidence with the requirements each is linked to."""
    with opened(data_dir, memory, store_url, workspace=workspace) as graph:
        frame = graph.evidence()
    print_frame(frame, f"Evidence in workspace {workspace!r} ({len(frame)})")


@app.command()
def coverage(
    evidence_id: Annotated[str, typer.Argument(metavar="EVIDENCE_ID")],
    on: OnOption = None,
    as_of: AsOfOption = None,
    chain_length: Annotated[int, typer.Option("--chain-length", min=0, max=4, help="Mappings to chain (1: direct only).")] = 1,
    fmt: Annotated[ReportFormat, typer.Option("--format")] = ReportFormat.table,
    output: Annotated[Path | None, typer.Option("--output", "-o")] = None,
    workspace: WorkspaceOption = "default",
    data_dir: DataDirOption = None,
    store_url: StoreOption = None,
    memory: MemoryOption = False,
) -> None:
    """What one piece of evidence covers, in every framework, and how fully."""
    from grcgraph.errors import NotFoundError

    with opened(data_dir, memory, store_url, workspace=workspace) as graph:
        view, day = as_of_view(graph, as_of, on)
        try:
            frame = view.coverage(evidence_id, on=day, chain_length=chain_length)
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
    from grcgraph.errors import NotFoundError, UnknownRequirementError

    day = parse_day(on)
    with opened(data_dir, memory, store_url, workspace=workspace) as graph:
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
                f"  {path.evidence} -[{path.link.extent}, asserted by {path.link.asserted_by} at {path.link.asserted_at}]-> "
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
