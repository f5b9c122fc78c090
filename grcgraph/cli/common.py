"""What every command shares: the typer app, the options naming the store and the workspace,
opening the graph (through the facade, closed on the way out), errors as one line, and output as
tables, CSV or workbooks. Nothing heavy is imported here: each command imports what it needs."""

from __future__ import annotations

import gc
import math
import sys
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from enum import StrEnum
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer
from rich.console import Console
from rich.markup import escape
from rich.table import Table

from grcgraph import paths
from grcgraph.config import DEFAULT_WORKSPACE, WORKSPACE_ENV

if TYPE_CHECKING:
    import datetime as dt

    import pandas as pd

    from grcgraph.api import GRCGraph
    from grcgraph.reports.tables import ReportTable

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
WorkspaceOption = Annotated[
    str,
    typer.Option(
        "--workspace",
        "-w",
        envvar=WORKSPACE_ENV,
        help=f"Workspace holding your evidence, AI systems and SoA (default: ${WORKSPACE_ENV} or {DEFAULT_WORKSPACE!r}, "
        "the workspace `grcgraph token create` makes tokens for).",
        show_default=False,
    ),
]
OnOption = Annotated[str | None, typer.Option("--on", help="Date to answer for, YYYY-MM-DD (default: today).")]
AsOfOption = Annotated[
    str | None,
    typer.Option("--as-of", help="Answer from the workspace as its history says it was at this instant, e.g. 2026-10-01T00:00:00Z."),
]


class ReportFormat(StrEnum):
    table = "table"
    csv = "csv"
    xlsx = "xlsx"


def fail(message: str, code: int = 1) -> typer.Exit:
    errors.print(f"[red]error:[/red] {escape(message)}", highlight=False, soft_wrap=True)
    return typer.Exit(code)


@contextmanager
def opened(
    data_dir: Path | None,
    memory: bool = False,
    store_url: str | None = None,
    *,
    workspace: str = DEFAULT_WORKSPACE,
    ensure_loaded: bool = True,
    write: bool = True,
) -> Iterator[GRCGraph]:
    """The graph over the store named on the command line (a remote endpoint with --store, memory,
    or the data directory), the bundled reference graph loaded first when it is missing or stale;
    an unreachable store or a bad workspace name is one clear error. A command that only reads
    (`write=False`) still runs while `grcgraph serve` holds the data directory: it reads the
    checkpoint the server shares, as of the server's last finished write."""
    from grcgraph.api import GRCGraph
    from grcgraph.config import SettingsError, StoreSettings
    from grcgraph.errors import DataError, InvalidInputError, StoreUnavailableError

    if store_url and (memory or data_dir is not None):
        raise fail("--store names a remote store: give it without --data-dir or --memory")
    # What the command imported lives until it ends: frozen, the cycle collector no longer walks it
    # (a tenth of a small import's time). Frozen before the store opens, so that the collection on
    # closing still sees everything that may hold the store.
    gc.freeze()
    try:
        try:
            # Endpoint overrides and the timeout come from $GRCGRAPH_STORE_* and the config file.
            settings = StoreSettings.load(data_dir=data_dir, store=store_url)
            graph = GRCGraph.connect(settings, workspace=workspace, memory=memory, reads_only=not write)
        except (RuntimeError, SettingsError, ValueError) as error:
            raise fail(str(error)) from None
        try:
            if ensure_loaded and not graph.read_only:
                try:
                    result = graph.load_reference()
                except DataError as error:
                    raise fail(str(error)) from None
                if result.loaded:
                    errors.print(f"loaded the reference graph ({result.triples} triples)")
            yield graph
        except StoreUnavailableError as error:
            raise fail(str(error)) from None
        except InvalidInputError as error:
            raise fail(str(error)) from None
        finally:
            graph.close()
    finally:
        gc.unfreeze()  # back to the collector, for a process (a test) that runs on


def as_of_view(graph: GRCGraph, as_of: str | None, on: str | None) -> tuple[GRCGraph, dt.date]:
    """The graph as of `--as-of` (itself without it) and the day to answer for: `--on`, else the
    instant's date, else today."""
    if as_of is None:
        return graph, parse_day(on)
    from grcgraph.api.history import instant
    from grcgraph.errors import InvalidInputError

    try:
        when = instant(as_of, "--as-of")
    except InvalidInputError as error:
        raise fail(f"--as-of: {error.problems[0].message}") from None
    return graph.as_of(when), parse_day(on) if on else when.date()


def parse_day(text: str | None) -> dt.date:
    import datetime as dt

    from grcgraph.dates import parse_date

    if text is None:
        return dt.date.today()
    try:
        return parse_date(text)
    except ValueError as error:
        raise fail(f"--on: {error}") from None


def print_table(table: ReportTable, title: str | None = None) -> None:
    """A report table on the terminal: its headers, then its rows as people read them."""
    shown = Table(title=title or table.title)
    for header in table.headers:
        shown.add_column(header, overflow="fold")
    for row in table.text_rows():
        shown.add_row(*(escape(cell) for cell in row))
    console.print(shown)


def _cell(value: object) -> str:
    # What a person reads, as the reports write it (yes/no, ISO dates), lists as "a, b", nothing for NaN.
    from grcgraph.reports.tables import joined, text

    if isinstance(value, float) and math.isnan(value):
        return ""
    if isinstance(value, list | tuple):
        return joined([_cell(v) for v in value])
    return text(value)  # type: ignore[arg-type]


def print_frame(frame: pd.DataFrame, title: str) -> None:
    """A DataFrame of the facade on the terminal, its columns named for people; an empty one is a
    sentence, not a table of headers squeezed to nothing."""
    if frame.empty:
        console.print(f"{title}: none.", markup=False, highlight=False)
        return
    shown = Table(title=title)
    for column in frame.columns:
        shown.add_column(str(column).replace("_", " ").capitalize(), overflow="fold")
    for row in frame.itertuples(index=False):
        shown.add_row(*(escape(_cell(value)) for value in row))
    console.print(shown)


def write_output(data: bytes | str, output: Path | None, what: str) -> None:
    """Bytes or text to `output` (a line on standard error says so), or text to standard output."""
    if output is None:
        if isinstance(data, bytes):
            raise fail(f"{what} is a binary file: give --output FILE")
        sys.stdout.write(data)
        return
    try:
        if isinstance(data, bytes):
            output.write_bytes(data)
        else:
            output.write_text(data, encoding="utf-8", newline="")
    except OSError as error:
        raise fail(f"{output}: cannot write: {error.strerror or error}") from None
    errors.print(f"wrote {what} to {output}", markup=False, highlight=False)


def write_report(
    fmt: ReportFormat,
    output: Path | None,
    title: str,
    *,
    tables: Callable[[], Sequence[ReportTable]],
    xlsx: Callable[[], bytes],
    csv: Callable[[], str] | None = None,
) -> None:
    """A report printed (`table`: every table the facade gives), as CSV (`csv`, else the first
    table) or as the facade's formatted workbook (`xlsx`), to standard output or `output`. Each is
    asked for only when that format is."""
    if fmt is ReportFormat.table:
        if output is not None:
            raise fail("--output needs --format csv or xlsx")
        made = tables()
        for table in made:
            print_table(table, f"{title}: {table.title}" if len(made) > 1 else title)
    elif fmt is ReportFormat.csv:
        write_output(csv() if csv is not None else tables()[0].csv(), output, "CSV")
    else:
        if output is None:
            raise fail("--format xlsx needs --output FILE.xlsx")
        write_output(xlsx(), output, "the workbook")
