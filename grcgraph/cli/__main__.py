"""`python -m grcgraph.cli`: the command line, as the `grcgraph` script runs it."""

from grcgraph.cli import app

app()
