"""`list` for the AIMS registers that take no argument (risks, impact assessments, reviews,
nonconformities, corrective actions): one command shape, made once per register. They only read,
so they run beside `grcgraph serve` on the same data directory."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from grcgraph.cli.aims import actions_app, assessments_app, nc_app, reviews_app, risks_app
from grcgraph.cli.common import DataDirOption, MemoryOption, StoreOption, WorkspaceOption, opened, print_frame
from grcgraph.config import DEFAULT_WORKSPACE

if TYPE_CHECKING:
    import pandas as pd
    import typer

    from grcgraph.api import GRCGraph


def _register(typer_app: typer.Typer, frame_of: Callable[[GRCGraph], pd.DataFrame], title: str, help_text: str) -> None:
    def list_command(
        workspace: WorkspaceOption = DEFAULT_WORKSPACE,
        data_dir: DataDirOption = None,
        store_url: StoreOption = None,
        memory: MemoryOption = False,
    ) -> None:
        with opened(data_dir, memory, store_url, workspace=workspace, write=False) as graph:
            frame = frame_of(graph)
        print_frame(frame, f"{title} in workspace {workspace!r}")

    typer_app.command("list", help=help_text)(list_command)


_register(risks_app, lambda graph: graph.risks(), "Risks", "The risk register, with inherent and residual levels.")
_register(
    assessments_app,
    lambda graph: graph.impact_assessments(),
    "Impact assessments",
    "Impact assessments: decision, whether each serves as the Art. 27 FRIA, next review.",
)
_register(reviews_app, lambda graph: graph.reviews(), "Reviews", "Reviews, with their next review dates.")
_register(nc_app, lambda graph: graph.nonconformities(), "Nonconformities", "Nonconformities: where found, what is not met, status.")
_register(
    actions_app,
    lambda graph: graph.corrective_actions(),
    "Corrective actions",
    "Corrective actions: owner, due date, status, verification.",
)
