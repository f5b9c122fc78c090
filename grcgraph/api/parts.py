"""What the facade is made of: one store, the reference indexes over it (shared by every workspace
a server opens), and one workspace; opening and closing a graph."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from functools import cached_property
from pathlib import Path
from types import TracebackType
from typing import TYPE_CHECKING, Any, Self

from grcgraph.config import DEFAULT_WORKSPACE, StoreSettings
from grcgraph.coverage.link_index import LinkIndex
from grcgraph.coverage.network import requirement_graph
from grcgraph.coverage.scope import Scope
from grcgraph.reference.applicability import Applicability
from grcgraph.reference.build import load_reference
from grcgraph.reference.catalog import Catalog
from grcgraph.reference.mappings import Mappings
from grcgraph.store import connect_store, open_store
from grcgraph.store.base import GraphStore
from grcgraph.workspace import Workspace
from grcgraph.workspace.inputs import WRITE_LOCK

if TYPE_CHECKING:
    import networkx as nx
    import pandas as pd


def frame(rows: Iterable[Mapping[str, Any]], columns: list[str] | None = None) -> pd.DataFrame:
    """A DataFrame of `rows`: pandas is imported when a DataFrame is asked for (a third of a second
    that a command writing evidence never needs)."""
    import pandas as pd  # noqa: PLC0415 (see above)

    return pd.DataFrame(list(rows), columns=columns)


def open_configured(settings: StoreSettings, *, memory: bool = False, reads_only: bool = False) -> GraphStore:
    """The store `settings` name: the remote endpoint when `store` is set, memory, or the data
    directory. With `reads_only`, a data directory another process holds (`grcgraph serve`) is read
    through the checkpoints that process shares, as of its last write (see grcgraph/store/shared_reads.py)."""
    if settings.store:
        return connect_store(
            settings.store,
            timeout=settings.store_timeout,
            query_endpoint=settings.store_query_endpoint or None,
            update_endpoint=settings.store_update_endpoint or None,
            graph_endpoint=settings.store_graph_endpoint or None,
        )
    return open_store(None if memory else settings.data_dir, reads_only=reads_only)


class Parts:
    """The store, the reference indexes and one workspace, with the networkx view of the
    requirement-and-mapping graph and the workspace's link index, each built on first use."""

    def __init__(self, store: GraphStore, workspace: str = DEFAULT_WORKSPACE) -> None:
        self.store = store
        self.catalog = Catalog(store)
        self.mapping_index = Mappings(store, self.catalog)
        self.dates = Applicability(store)
        self.scope = Scope(store, self.catalog, self.dates)
        self.workspace = Workspace(store, workspace, self.catalog)

    def with_workspace(self, workspace: str) -> Self:
        """The same store and reference graph (indexes shared, not rebuilt) seen from another workspace."""
        other = object.__new__(type(self))
        other.store, other.catalog, other.mapping_index = self.store, self.catalog, self.mapping_index
        other.dates, other.scope = self.dates, self.scope
        other.workspace = Workspace(self.store, workspace, self.catalog)
        other.__dict__["network"] = self.network  # the indexes of one workspace (link index, register) are its own
        return other

    @classmethod
    def open(cls, path: str | Path | None = None, *, workspace: str = DEFAULT_WORKSPACE) -> Self:
        """Open the store at `path` (None: in memory), loading the bundled reference graph if needed."""
        store = open_store(Path(path) if path is not None else None)
        load_reference(store)
        return cls(store, workspace)

    @classmethod
    def connect(
        cls, settings: StoreSettings | None = None, *, workspace: str = DEFAULT_WORKSPACE, memory: bool = False, reads_only: bool = False
    ) -> Self:
        """The graph over the store `settings` name (default: $GRCGRAPH_* and the config file), as
        it is: the reference graph is loaded by `load_reference`, or by `open`. `reads_only`: see
        `open_configured`."""
        return cls(open_configured(settings or StoreSettings.load(), memory=memory, reads_only=reads_only), workspace)

    @property
    def read_only(self) -> bool:
        """Opened for reading only, through the checkpoint of the process that holds the store."""
        return bool(getattr(self.store, "read_only", False))

    def share_reads(self) -> None:
        """Let commands of other processes read the embedded store this graph holds (as `grcgraph
        serve` does): a checkpoint after each write, taken between writes. Nothing on a remote or
        in-memory store."""
        share = getattr(self.store, "share_reads", None)
        if share is not None:
            share(WRITE_LOCK)

    def close(self) -> None:
        self.store.close()

    def __enter__(self) -> Self:
        return self

    def __exit__(self, *exc: type[BaseException] | BaseException | TracebackType | None) -> None:
        self.close()

    @property
    def workspace_name(self) -> str:
        return self.workspace.name

    @property
    def location(self) -> str:
        """Where the store is, for messages: a directory, "memory" or a URL."""
        return self.store.location

    @cached_property
    def network(self) -> nx.MultiDiGraph:
        return requirement_graph(self.catalog, self.mapping_index)

    @cached_property
    def link_index(self) -> LinkIndex:
        """The workspace's links held in memory for whole-workspace coverage, kept current by its revision stamp."""
        return LinkIndex(self.workspace)
