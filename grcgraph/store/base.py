"""The store interface, and its default: embedded Oxigraph (on disk, or in memory for tests).

`GraphStore` names the few operations grcgraph needs; `EmbeddedStore` runs them in process and
`grcgraph.remote_store.RemoteStore` over the SPARQL 1.1 Protocol, for API servers sharing one store.
The reference graph is replaced in one SPARQL update (MOVE from a staging graph), so a reader sees
either the old graph or the new one, and a failed load leaves the old one in place.
"""

from __future__ import annotations

import gc
import time
from abc import ABC, abstractmethod
from collections.abc import Callable, Iterator, Mapping
from functools import cached_property
from pathlib import Path
from types import TracebackType
from typing import Any, TypeVar

import pyoxigraph as ox
from rdflib import BNode, Dataset, Graph, Literal, URIRef
from rdflib.term import Identifier, Node

from grcgraph.store.journal import recover
from grcgraph.store.sparql_pool import QueryPool
from grcgraph.store.sparql_worker import serialise
from grcgraph.vocab import iris
from grcgraph.vocab.namespace import GRC

OxTerm = ox.NamedNode | ox.BlankNode | ox.Literal | ox.Triple
T = TypeVar("T")


OxResult = ox.QueryBoolean | ox.QuerySolutions | Iterator[ox.Triple]


class StoreUnavailableError(RuntimeError):
    """The store cannot be reached or did not answer in time; the message names it and the cause."""


class GraphStore(ABC):
    """The operations grcgraph runs on a store; nothing else reaches the store's own API."""

    # Store round trips made so far (quads and queries): tests use it to check that reads are batched.
    reads: int = 0
    # Where the store is, for messages: a directory, "memory" or a URL.
    location: str = ""

    @classmethod
    def open(cls, path: Path | None) -> EmbeddedStore:
        """Open (creating it if needed) the embedded store at `path`; `None` gives an in-memory store."""
        return EmbeddedStore.open_path(path)

    @classmethod
    def connect(
        cls,
        url: str,
        *,
        timeout: float = 10.0,
        query_endpoint: str | None = None,
        update_endpoint: str | None = None,
        graph_endpoint: str | None = None,
    ) -> GraphStore:
        """A store behind a SPARQL 1.1 query/update endpoint (endpoints default to Oxigraph server's)."""
        from grcgraph.store.remote import RemoteStore  # noqa: PLC0415 (it imports this module)

        return RemoteStore(
            url, timeout=timeout, query_endpoint=query_endpoint, update_endpoint=update_endpoint, graph_endpoint=graph_endpoint
        )

    def __enter__(self) -> GraphStore:
        return self

    def __exit__(self, *exc: type[BaseException] | BaseException | TracebackType | None) -> None:
        self.close()

    @abstractmethod
    def close(self) -> None: ...

    def query(self, sparql: str, bindings: Mapping[str, Identifier] | None = None) -> Iterator[tuple[Node | None, ...]]:
        """Run a SELECT query and return its rows as rdflib terms; user values reach it only through
        `bindings`, never the text."""
        return iter(self._rows(sparql, bindings, from_ox))

    def query_text(self, sparql: str, bindings: Mapping[str, Identifier] | None = None) -> list[tuple[str | None, ...]]:
        """`query`'s rows as plain text (an IRI, or a literal's lexical form): for large lookups,
        where making rdflib terms costs more than the query (the catalog's index: 70%)."""
        return self._rows(sparql, bindings, _value)

    def _rows(self, sparql: str, bindings: Mapping[str, Identifier] | None, convert: Callable[[OxTerm], T]) -> list[tuple[T | None, ...]]:
        # Rows are read in full here, so Oxigraph's result set is released in the calling thread (it
        # may not be dropped on another one, as a garbage-collected rdflib Result would).
        self.reads += 1
        solutions = self._solutions(sparql, bindings or {})
        width = len(solutions.variables)
        rows = [tuple(None if solution[i] is None else convert(solution[i]) for i in range(width)) for solution in solutions]
        del solutions
        return rows

    @abstractmethod
    def _solutions(self, sparql: str, bindings: Mapping[str, Identifier]) -> ox.QuerySolutions:
        """The solutions of a SELECT query, with `bindings` for its variables."""

    @abstractmethod
    def quads(
        self, subject: ox.NamedNode | ox.BlankNode | None, predicate: ox.NamedNode | None, obj: OxTerm | None, graph: ox.NamedNode
    ) -> list[ox.Quad]:
        """The quads of one named graph matching a pattern (None matches anything)."""

    def contains(self, subject: ox.NamedNode, predicate: ox.NamedNode, obj: OxTerm, graph: ox.NamedNode) -> bool:
        """Whether this one quad is stored."""
        return bool(self.quads(subject, predicate, obj, graph))

    @abstractmethod
    def described(self, predicate: ox.NamedNode, obj: OxTerm, graph: ox.NamedNode) -> list[ox.Quad]:
        """Every quad of `graph` about every subject that has `predicate obj` there, in one round trip
        (the nodes of one kind with all their properties)."""

    @abstractmethod
    def update(self, sparql: str) -> None:
        """One SPARQL update, applied atomically; its text holds only IRIs grcgraph built itself."""

    @abstractmethod
    def load(self, data: bytes, graph: ox.NamedNode) -> None:
        """Add N-Triples `data` to `graph`."""

    @abstractmethod
    def extend(self, quads: list[ox.Quad]) -> None:
        """Add quads (terms, not text) in one transaction."""

    @abstractmethod
    def add_graph(self, graph: ox.NamedNode) -> None: ...

    @abstractmethod
    def flush(self) -> None:
        """Make every acknowledged write durable."""

    def named_graphs(self) -> list[ox.NamedNode]:
        """Every named graph in the store (the reference graph, each workspace's, the tokens')."""
        rows = self.query("SELECT DISTINCT ?g WHERE { GRAPH ?g { } }")
        return [ox.NamedNode(str(g)) for (g,) in rows if isinstance(g, URIRef)]

    @abstractmethod
    def has_graph(self, name: URIRef) -> bool: ...

    @abstractmethod
    def graph_size(self, name: URIRef) -> int: ...

    @abstractmethod
    def replace_graph(self, name: URIRef, graph: Graph, digest: str | None = None) -> None:
        """Replace the named graph `name` by `graph` atomically (with `digest` stamped on it)."""

    def digest(self, name: URIRef) -> str | None:
        """The source digest stamped on a graph by `replace_graph`, if any."""
        node = ox.NamedNode(str(name))
        for quad in self.quads(node, ox.NamedNode(str(GRC.sourceDigest)), None, node):
            if isinstance(quad.object, ox.Literal):
                return quad.object.value
        return None

    @abstractmethod
    def read_graph(self, name: URIRef) -> Graph:
        """A copy of a named graph in memory (for SHACL, networkx and export)."""

    @abstractmethod
    def evaluate(self, sparql: str, graphs: list[ox.NamedNode], timeout: float) -> OxResult:
        """Any read-only query (SELECT, ASK, CONSTRUCT, DESCRIBE) over `graphs` only, as both the
        default and the named graphs; SyntaxError for anything that is not such a query."""

    def sparql(self, sparql: str, graphs: list[ox.NamedNode], *, limit: int, timeout: float) -> tuple[bytes, str]:
        """A caller's read-only query over `graphs`, serialised (SPARQL JSON, or N-Triples for
        CONSTRUCT and DESCRIBE) with at most `limit` rows, stopped at `timeout` seconds
        (QueryTimeoutError); SyntaxError for anything that is not such a query. Here: through
        `evaluate`, whose request the remote store's own timeout ends (`oxigraph serve --timeout-s`)."""
        deadline = time.monotonic() + timeout
        result = self.evaluate(sparql, graphs, timeout)
        try:
            return serialise(result, limit, deadline)
        finally:
            del result

    @abstractmethod
    def ping(self) -> None:
        """Raise StoreUnavailableError when the store cannot answer."""


class EmbeddedStore(GraphStore):
    """An Oxigraph store in this process."""

    def __init__(self, inner: ox.Store, path: Path | None) -> None:
        self.inner = inner
        self.path = path
        self.location = str(path) if path is not None else "memory"
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
    def open_path(cls, path: Path | None) -> EmbeddedStore:
        if path is None:
            return cls(ox.Store(), None)
        path.mkdir(parents=True, exist_ok=True)
        try:
            store = cls(ox.Store(str(path)), path)
        except OSError as error:
            raise RuntimeError(
                f"cannot open the store in {path}: {error} (is another grcgraph process, such as `grcgraph serve`, using it? "
                "While the server runs, write through its GraphQL API: importEvidence takes a batch of evidence)"
            ) from None
        recover(store)  # a bulk load cut short by a crash is undone before anyone reads
        return store

    def close(self) -> None:
        """Flush and release the store; on disk this frees RocksDB's lock for the next process."""
        if self._closed:
            return
        self._closed = True
        pool = self.__dict__.pop("_query_pool", None)
        if pool is not None:
            pool.close()
        self.inner.flush()
        # Every handle (the rdflib dataset too, if one was made) must go for Oxigraph to release the lock.
        self.__dict__.pop("dataset", None)
        del self.inner
        # Query results can sit in reference cycles that still hold the store; collect them now.
        gc.collect()

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
        self.generation += 1
        self.inner.update(sparql)

    def load(self, data: bytes, graph: ox.NamedNode) -> None:
        """Add N-Triples `data` to `graph`."""
        if data:
            self.generation += 1
            self.inner.load(data, ox.RdfFormat.N_TRIPLES, to_graph=graph)

    def bulk_load(self, data: bytes, graph: ox.NamedNode) -> None:
        """Add N-Triples `data` to `graph` with Oxigraph's bulk loader: fast, but not atomic (see
        grcgraph/journal.py, which every caller goes through). Leniently: the loader does not check
        IRIs again, since a batch's IRIs are grcgraph's own, the catalog's, or checked with the
        store's IRI parser at input (a tenth of the load's time)."""
        self.generation += 1
        self.inner.bulk_load(data, ox.RdfFormat.N_TRIPLES, to_graph=graph, lenient=True)

    def extend(self, quads: list[ox.Quad]) -> None:
        self.generation += 1
        self.inner.extend(quads)

    def add_graph(self, graph: ox.NamedNode) -> None:
        self.generation += 1
        self.inner.add_graph(graph)

    def flush(self) -> None:
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
        self.generation += 1
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


def parse_graph(name: URIRef, data: bytes | None) -> Graph:
    graph = Graph(identifier=name)
    if data:
        graph.parse(data=data, format="nt")
    return graph


def literal_value(term: Any) -> Any:
    return term.toPython() if isinstance(term, Literal) else term


def to_ox(term: Identifier) -> ox.NamedNode | ox.BlankNode | ox.Literal:
    """An rdflib term as a pyoxigraph term, for query substitutions."""
    if isinstance(term, URIRef):
        return ox.NamedNode(str(term))
    if isinstance(term, BNode):
        return ox.BlankNode(str(term))
    if isinstance(term, Literal):
        if term.language:
            return ox.Literal(str(term), language=term.language)
        return ox.Literal(str(term), datatype=ox.NamedNode(str(term.datatype)) if term.datatype else None)
    raise TypeError(f"cannot bind a {type(term).__name__} in a query")


def _value(term: OxTerm) -> str:
    if isinstance(term, ox.Triple):
        raise TypeError("RDF-star triples are not used by grcgraph")
    return term.value


def from_ox(term: ox.NamedNode | ox.BlankNode | ox.Literal | ox.Triple) -> Node:
    """A pyoxigraph term as the rdflib term the rest of grcgraph works with."""
    if isinstance(term, ox.NamedNode):
        return URIRef(term.value)
    if isinstance(term, ox.BlankNode):
        return BNode(term.value)
    if isinstance(term, ox.Literal):
        if term.language:
            return Literal(term.value, lang=term.language)
        return Literal(term.value, datatype=URIRef(term.datatype.value))
    raise TypeError("RDF-star triples are not used by grcgraph")
