"""The AI inventory: add and list AI systems."""

from __future__ import annotations

from typing import Annotated

import typer

from grcgraph.cli.common import DataDirOption, MemoryOption, StoreOption, WorkspaceOption, app, console, opened, print_table
from grcgraph.config import DEFAULT_WORKSPACE

systems_app = typer.Typer(help="The AI inventory: add and list AI systems.", no_args_is_help=True)
app.add_typer(systems_app, name="systems")


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
    workspace: WorkspaceOption = DEFAULT_WORKSPACE,
    data_dir: DataDirOption = None,
    store_url: StoreOption = None,
    memory: MemoryOption = False,
) -> None:
    """Add or replace an AI system in the inventory."""
    with opened(data_dir, memory, store_url, workspace=workspace) as graph:
        graph.add_system(system_id, name, role, category, generative=generative, owner=owner, purpose=purpose)
    console.print(f"AI system {system_id!r} saved in workspace {workspace!r}.", markup=False)


@systems_app.command("list")
def systems_list(
    workspace: WorkspaceOption = DEFAULT_WORKSPACE,
    data_dir: DataDirOption = None,
    store_url: StoreOption = None,
    memory: MemoryOption = False,
) -> None:
    """List the AI inventory."""
    with opened(data_dir, memory, store_url, workspace=workspace, write=False) as graph:
        table = graph.systems_table()
    print_table(table, f"AI systems in workspace {workspace!r}")
