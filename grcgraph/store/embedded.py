"""The default store: Oxigraph in this process, on disk (one process per directory) or in memory."""

from __future__ import annotations

import gc
import threading
from collections.abc import Iterable, Mapping
from functools import cached_property
from pathlib import Path
from typing import IO

import pyoxigraph as ox
from rdflib import Dataset, Graph, URIRef
from rdflib.term import Identifier

from grcgraph.store.base import GraphStore, OxResult, OxTerm, parse_graph, to_ox
from grcgraph.store.clean_close import closed_cleanly, mark_closed
from grcgraph.store.history_file import forget, recover_history
from grcgraph.store.journal import recover
from grcgraph.store.shared_reads import Publisher, open_published
from grcgraph.store.sparql_pool import QueryPool
from grcgraph.vocab import iris
from grcgraph.vocab.namespace import GRC


class StoreHeldError(RuntimeError):
    """The store's directory is held by another process (one process per directory)."""


class ReadOnlyStoreError(RuntimeError):
    """A write to a store opened for reading only."""


HELD = (
    "cannot open the store in {path}: another grcgraph process, such as `grcgraph serve`, is using it, and this command "
    "writes. Stop that process, or, while the server runs, write through its GraphQL API (importEvidence takes a batch of evidence)"
)


class EmbeddedStore(GraphStore):
    """An Oxigraph store in this process: read-write, or (`read_only`) a checkpoint that the
    process holding the store published (see grcgraph/store/shared_reads.py)."""

    def __init__(self, inner: ox.Store, path: Path | None, *, read_only: bool = False, held: IO[bytes] | None = None) -> None:
        self.inner = inner
        self.path = path
        self.location = str(path) if path is not None else "memory"
        self.read_only = read_only
        self._held = held  # the shared lock that keeps a published checkpoint in place while it is open
        self._publisher: Publisher | None = None
        self._closed = False
        self.reads = 0
        self.generation = 0  # writes so far: the SPARQL endpoint's snapshot is current while it holds

    @cached_property
    def dataset(self) -> Dataset:
        """rdflib's API over the same Oxigraph store (oxrdflib), for users and notebooks; grcgraph's
        own reads go to pyoxigraph directly (see `query`). Built on first use: oxrdflib imports
        rdflib's SPARQL engine, a tenth of a second that no command needs."""
        from oxrdflib import OxigraphStore  # noqa: PLC0415 (see above)

        return Dataset(store=OxigraphStore(store=self.inner))

    @classmethod
    def open_path(cls, path: Path | None, *, reads_only: bool = False) -> EmbeddedStore:
        """The store at `path` (None: in memory). With `reads_only`, a store that another process
        holds is opened through the checkpoint it publishes, for reading (StoreHeldError if it
        publishes none); without, a held store is StoreHeldError naming where to write instead."""
        if path is None:
            return cls(ox.Store(), None)
        path.mkdir(parents=True, exist_ok=True)
        try:
            store = cls(ox.Store(str(path)), path)
        except OSError as error:
            if "lock" not in str(error).lower():
                raise RuntimeError(f"cannot open the store in {path}: {error}") from None
            if not reads_only:
                raise StoreHeldError(HELD.format(path=path)) from None
            published = open_published(path)
            if published is None:
                raise StoreHeldError(
                    f"cannot open the store in {path}: another grcgraph process is using it and shares no reads "
                    "(only `grcgraph serve` does; wait for the other command to finish)"
                ) from None
            return cls(published[0], path, read_only=True, held=published[1])
        recover(store)  # a bulk load cut short by a crash is undone before anyone reads
        if not closed_cleanly(path):  # level already when the last holder closed it: no log file to read
            recover_history(store, path)  # writes the store lost (a power loss) are replayed from the log files
        return store

    def share_reads(self, lock: threading.RLock) -> None:
        """Publish checkpoints for commands of other processes that only read, after each write
        made under `lock` (a store on disk only; see grcgraph/store/shared_reads.py)."""
        if self.path is not None and self._publisher is None and not self.read_only:
            self._publisher = Publisher(self.inner, self.path, lambda: self.generation, lock)

    def _writing(self) -> None:
        if self.read_only:
            raise ReadOnlyStoreError(HELD.format(path=self.path))
        self.generation += 1

    def close(self) -> None:
        """Flush and release the store; on disk this frees RocksDB's lock for the next process."""
        if self._closed:
            return
        self._closed = True
        pool = self.__dict__.pop("_query_pool", None)
        if pool is not None:
            pool.close()
        if self._publisher is not None:
            self._publisher.close()
        if not self.read_only:
            self.inner.flush()
        if self.path is not None and not self.read_only:
            forget(self.path)
            mark_closed(self.path)  # flushed, log files closed, and the lock still ours
        # Every handle (the rdflib dataset too, if one was made) must go for Oxigraph to release the lock.
        self.__dict__.pop("dataset", None)
        del self.inner
        # Query results can sit in reference cycles that still hold the store; collect them now.
        gc.collect()
        if self._held is not None:
            self._held.close()  # the checkpoint may go now

    def _solutions(self, sparql: str, bindings: Mapping[str, Identifier]) -> ox.QuerySolutions:
        substitutions: dict[ox.Variable, ox.NamedNode | ox.BlankNode | ox.Literal | ox.Triple] = {
            ox.Variable(name): to_ox(value) for name, value in bindings.items()
        }
        solutions = self.inner.query(sparql, substitutions=substitutions)
        assert isinstance(solutions, ox.QuerySolutions)
        return solutions

    # --- the primitive operations every other module uses (never `inner` directly) -----------
    def quads(
        self, subject: ox.NamedNode | ox.BlankNode | None, predicate: ox.NamedNode | None, obj: OxTerm | None, graph: ox.NamedNode
    ) -> list[ox.Quad]:
        """The quads of one named graph matching a pattern (None matches anything)."""
        self.reads += 1
        return list(self.inner.quads_for_pattern(subject, predicate, obj, graph))

    def every_quad(self, graph: ox.NamedNode) -> Iterable[ox.Quad]:
        # Lazily: a list of every quad of a 100,000-item workspace (millions of objects) took a third
        # of `verify`'s time to build and free.
        self.reads += 1
        return self.inner.quads_for_pattern(None, None, None, graph)

    def contains(self, subject: ox.NamedNode, predicate: ox.NamedNode, obj: OxTerm, graph: ox.NamedNode) -> bool:
        # A point look-up: a third of a pattern scan's cost once the store held 100,000 items.
        self.reads += 1
        return ox.Quad(subject, predicate, obj, graph) in self.inner

    def described(self, predicate: ox.NamedNode, obj: OxTerm, graph: ox.NamedNode) -> list[ox.Quad]:
        self.reads += 1
        # Index lookups in process: cheaper than a SPARQL query whose rows become rdflib terms.
        subjects = [q.subject for q in self.inner.quads_for_pattern(None, predicate, obj, graph)]
        return [quad for s in subjects for quad in self.inner.quads_for_pattern(s, None, None, graph)]

    def update(self, sparql: str) -> None:
        self._writing()
        self.inner.update(sparql)

    def load(self, data: bytes, graph: ox.NamedNode) -> None:
        """Add N-Triples `data` to `graph`."""
        if data:
            self._writing()
            self.inner.load(data, ox.RdfFormat.N_TRIPLES, to_graph=graph)

    def bulk_load(self, data: bytes, graph: ox.NamedNode) -> None:
        """Add N-Triples `data` to `graph` with Oxigraph's bulk loader: fast, but not atomic (see
        grcgraph/journal.py, which every caller goes through). Leniently: the loader does not check
        IRIs again, since a batch's IRIs are grcgraph's own, the catalog's, or checked with the
        store's IRI parser at input (a tenth of the load's time)."""
        self._writing()
        self.inner.bulk_load(data, ox.RdfFormat.N_TRIPLES, to_graph=graph, lenient=True)

    def extend(self, quads: list[ox.Quad]) -> None:
        self._writing()
        self.inner.extend(quads)

    def add_graph(self, graph: ox.NamedNode) -> None:
        self._writing()
        self.inner.add_graph(graph)

    def flush(self) -> None:
        if not self.read_only:
            self.inner.flush()

    def named_graphs(self) -> list[ox.NamedNode]:
        """Every named graph in the store (the reference graph, each workspace's, the tokens')."""
        return [graph for graph in self.inner.named_graphs() if isinstance(graph, ox.NamedNode)]

    def has_graph(self, name: URIRef) -> bool:
        return bool(self.inner.contains_named_graph(ox.NamedNode(str(name))))

    def graph_size(self, name: URIRef) -> int:
        return sum(1 for _ in self.inner.quads_for_pattern(None, None, None, ox.NamedNode(str(name))))

    def replace_graph(self, name: URIRef, graph: Graph, digest: str | None = None) -> None:
        """Replace the named graph `name` by `graph` atomically."""
        self._writing()
        staging = ox.NamedNode(str(iris.STAGING_GRAPH))
        self.inner.remove_graph(staging) if self.inner.contains_named_graph(staging) else None
        self.inner.add_graph(staging)
        data = graph.serialize(format="nt", encoding="utf-8")
        self.inner.load(data, ox.RdfFormat.N_TRIPLES, to_graph=staging)
        if digest is not None:
            self.inner.add(ox.Quad(ox.NamedNode(str(name)), ox.NamedNode(str(GRC.sourceDigest)), ox.Literal(digest), staging))
        self.inner.update(f"MOVE SILENT GRAPH <{iris.STAGING_GRAPH}> TO GRAPH <{name}>")
        self.inner.flush()

    def read_graph(self, name: URIRef) -> Graph:
        return parse_graph(name, self.inner.dump(format=ox.RdfFormat.N_TRIPLES, from_graph=ox.NamedNode(str(name))))

    def evaluate(self, sparql: str, graphs: list[ox.NamedNode], timeout: float) -> OxResult:
        # In this thread, unstoppable: for grcgraph's own bounded reads. A caller's text goes to `sparql`.
        result: OxResult = self.inner.query(sparql, default_graph=list(graphs), named_graphs=list(graphs))
        return result

    @cached_property
    def _query_pool(self) -> QueryPool:
        snapshots = None if self.path is None else self.path.with_name(f"{self.path.name}.sparql-snapshots")
        return QueryPool(self.inner, lambda: self.generation, snapshots)

    def sparql(self, sparql: str, graphs: list[ox.NamedNode], *, limit: int, timeout: float) -> tuple[bytes, str]:
        # pyoxigraph cannot stop a running query: it runs in a worker process, killed at the deadline.
        return self._query_pool.run(sparql, [g.value for g in graphs], limit=limit, timeout=timeout)

    def ping(self) -> None:
        return  # in process: always there
