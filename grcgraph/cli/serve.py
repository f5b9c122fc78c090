"""`grcgraph serve`: the GraphQL server (grcgraph.server.app) over the store."""

from __future__ import annotations

from typing import Annotated

import typer

from grcgraph.cli.common import DataDirOption, StoreOption, app, fail


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
    from grcgraph.config import SettingsError
    from grcgraph.errors import DataError, StoreUnavailableError
    from grcgraph.server.app import serve as run

    if store_url and data_dir is not None:
        raise fail("--store names a remote store: give it without --data-dir")
    try:
        run(host=host, port=port, data_dir=data_dir, store=store_url, access_log=access_log)
    except (SettingsError, RuntimeError, ValueError, DataError, StoreUnavailableError) as error:
        raise fail(str(error)) from None
