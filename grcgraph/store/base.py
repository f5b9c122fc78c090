"""The store interface, and its default: embedded Oxigraph (on disk, or in memory for tests).

`GraphStore` names the few operations grcgraph needs; `EmbeddedStore` runs them in process and
`grcgraph.remote_store.RemoteStore` over the SPARQL 1.1 Protocol, for API servers sharing one store.
The reference graph is replaced in one SPARQL update (MOVE from a staging graph), so a reader sees
either the old graph or the new one, and a failed load leaves the old one in place.
"""

from __future__ import annotations

import time
from abc import ABC, abstractmethod
from collections.abc import Callable, Iterable, Iterator, Mapping
from types import TracebackType
from typing import Any, TypeVar

import pyoxigraph as ox
from rdflib import BNode, Graph, Literal, URIRef
from rdflib.term import Identifier, Node

from grcgraph.store.sparql_worker import serialise
from grcgraph.vocab.namespace import GRC

OxTerm = ox.NamedNode | ox.BlankNode | ox.Literal | ox.Triple
T = TypeVar("T")


OxResult = ox.QueryBoolean | ox.QuerySolutions | Iterator[ox.Triple]


class GraphStore(ABC):
    """The operations grcgraph runs on a store; nothing else reaches the store's own API."""

    # Store round trips made so far (quads and queries): tests use it to check that reads are batched.
    reads: int = 0
    # Where the store is, for messages: a directory, "memory" or a URL.
    location: str = ""

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

    def every_quad(self, graph: ox.NamedNode) -> Iterable[ox.Quad]:
        """Every quad of one named graph, for a pass over all of it (a store may give them lazily)."""
        return self.quads(None, None, None, graph)

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
        rows = [row for row in self.query("SELECT DISTINCT ?g WHERE { GRAPH ?g { } }") if row[0] is not None]
        if not rows:
            # Not every store lists graphs for an empty pattern (Virtuoso answers one empty row): ask for the graphs that hold a triple.
            rows = list(self.query("SELECT DISTINCT ?g WHERE { GRAPH ?g { ?s ?p ?o } }"))
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
