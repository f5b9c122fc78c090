"""Where the triples live: the store interface, the embedded Oxigraph store and a remote SPARQL 1.1
store, bulk loads under an undo journal, N-Triples batches, revision stamps, and SPARQL queries
evaluated in worker processes.

Opening a store is a function: `open_store(path)` (None: in memory) or `connect_store(url)`.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from grcgraph.store.base import GraphStore
    from grcgraph.store.embedded import EmbeddedStore


def open_store(path: Path | None, *, reads_only: bool = False) -> EmbeddedStore:
    """Open (creating it if needed) the embedded store at `path`; `None` gives an in-memory store.
    With `reads_only`, a store another process holds is read through the checkpoints it shares."""
    from grcgraph.store.embedded import EmbeddedStore  # noqa: PLC0415 (a SPARQL worker imports this package, and needs none of it)

    return EmbeddedStore.open_path(path, reads_only=reads_only)


def connect_store(
    url: str,
    *,
    timeout: float = 10.0,
    query_endpoint: str | None = None,
    update_endpoint: str | None = None,
    graph_endpoint: str | None = None,
) -> GraphStore:
    """A store behind a SPARQL 1.1 query/update endpoint (endpoints default to Oxigraph server's)."""
    from grcgraph.store.remote import RemoteStore  # noqa: PLC0415 (see above)

    return RemoteStore(url, timeout=timeout, query_endpoint=query_endpoint, update_endpoint=update_endpoint, graph_endpoint=graph_endpoint)
