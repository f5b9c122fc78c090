"""The `grcgraph` command line: a typer app whose commands, one module per group, hand off to the
Python API (`grcgraph.api.GRCGraph`); nothing heavy runs at import time."""

from __future__ import annotations

from grcgraph.cli import aims, aims_registers, audit, evidence, reference, reports, serve, systems, tokens
from grcgraph.cli.common import app

__all__ = ["aims", "aims_registers", "app", "audit", "evidence", "reference", "reports", "serve", "systems", "tokens"]
