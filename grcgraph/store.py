"""The embedded store: Oxigraph (on disk, or in memory for tests) used through rdflib's oxrdflib.

The reference graph is replaced in one SPARQL update (MOVE from a staging graph), so a reader sees
either the old graph or the new one, and a failed load leaves the old one in place.
"""

from __future__ import annotations

import gc
from collections.abc import Iterator, Mapping
from pathlib import Path
from types import TracebackType
from typing import Any

import pyoxigraph as ox
from oxrdflib import OxigraphStore
from rdflib import BNode, Dataset, Graph, Literal, URIRef
from rdflib.term import Identifier, Node

from grcgraph import iris
from grcgraph.journal import recover
from grcgraph.namespace import GRC

OxTerm = ox.NamedNode | ox.BlankNode | ox.Literal | ox.Triple


class GraphStore:
    """An Oxigraph store with the few operations grcgraph needs."""

    def __init__(self, inner: ox.Store, path: Path | None) -> None:
        self.inner = inner
        self.path = path
        # rdflib's API over the same Oxigraph store (oxrdflib), for users and notebooks; grcgraph's own
        # reads go to pyoxigraph directly (see `query`).
        self.dataset = Dataset(store=OxigraphStore(store=inner))
        self._closed = False
        # Store round trips made so far (quads and queries): tests use it to check that reads are batched.
        self.reads = 0

    @classmethod
    def open(cls, path: Path | None) -> GraphStore:
        """Open (creating it if needed) the store at `path`; `None` gives an in-memory store."""
        if path is None:
            return cls(ox.Store(), None)
        path.mkdir(parents=True, exist_ok=True)
        try:
            store = cls(ox.Store(str(path)), path)
        except OSError as error:
            raise RuntimeError(f"cannot open the store in {path}: {error} (is another grcgraph process using it?)") from None
        recover(store)  # a bulk load cut short by a crash is undone before anyone reads
        return store

    def close(self) -> None:
        """Flush and release the store; on disk this frees RocksDB's lock for the next process."""
        if self._closed:
            return
        self._closed = True
        self.inner.flush()
        # Both handles must go for Oxigraph to release the directory lock.
        del self.dataset
        del self.inner
        # Query results can sit in reference cycles that still hold the store; collect them now.
        gc.collect()

    def __enter__(self) -> GraphStore:
        return self

    def __exit__(self, *exc: type[BaseException] | BaseException | TracebackType | None) -> None:
        self.close()

    def query(self, sparql: str, bindings: Mapping[str, Identifier] | None = None) -> Iterator[tuple[Node | None, ...]]:
        """Run a SELECT query and return its rows as rdflib terms; user values reach it only through
        `bindings`, never the text. Rows are read in full here, so Oxigraph's result set is released
        in the calling thread (it may not be dropped on another one, as a garbage-collected rdflib
        Result would)."""
        self.reads += 1
        substitutions: dict[ox.Variable, ox.NamedNode | ox.BlankNode | ox.Literal | ox.Triple] = {
            ox.Variable(name): to_ox(value) for name, value in (bindings or {}).items()
        }
        solutions = self.inner.query(sparql, substitutions=substitutions)
        assert isinstance(solutions, ox.QuerySolutions)
        width = len(solutions.variables)
        rows = [tuple(None if solution[i] is None else from_ox(solution[i]) for i in range(width)) for solution in solutions]
        del solutions
        return iter(rows)

    # --- the primitive operations every other module uses (never `inner` directly) -----------
    def quads(
        self, subject: ox.NamedNode | ox.BlankNode | None, predicate: ox.NamedNode | None, obj: OxTerm | None, graph: ox.NamedNode
    ) -> list[ox.Quad]:
        """The quads of one named graph matching a pattern (None matches anything)."""
        self.reads += 1
        return list(self.inner.quads_for_pattern(subject, predicate, obj, graph))

    def update(self, sparql: str) -> None:
        """One SPARQL update, applied atomically; its text holds only IRIs grcgraph built itself."""
        self.inner.update(sparql)

    def load(self, data: bytes, graph: ox.NamedNode) -> None:
        """Add N-Triples `data` to `graph`."""
        if data:
            self.inner.load(data, ox.RdfFormat.N_TRIPLES, to_graph=graph)

    def bulk_load(self, data: bytes, graph: ox.NamedNode) -> None:
        """Add N-Triples `data` to `graph` with Oxigraph's bulk loader: fast, but not atomic (see
        grcgraph/journal.py, which every caller goes through)."""
        self.inner.bulk_load(data, ox.RdfFormat.N_TRIPLES, to_graph=graph)

    def extend(self, quads: list[ox.Quad]) -> None:
        self.inner.extend(quads)

    def add_graph(self, graph: ox.NamedNode) -> None:
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
        staging = ox.NamedNode(str(iris.STAGING_GRAPH))
        self.inner.remove_graph(staging) if self.inner.contains_named_graph(staging) else None
        self.inner.add_graph(staging)
        data = graph.serialize(format="nt", encoding="utf-8")
        self.inner.load(data, ox.RdfFormat.N_TRIPLES, to_graph=staging)
        if digest is not None:
            self.inner.add(ox.Quad(ox.NamedNode(str(name)), ox.NamedNode(str(GRC.sourceDigest)), ox.Literal(digest), staging))
        self.inner.update(f"MOVE SILENT GRAPH <{iris.STAGING_GRAPH}> TO GRAPH <{name}>")
        self.inner.flush()

    def digest(self, name: URIRef) -> str | None:
        for quad in self.inner.quads_for_pattern(
            ox.NamedNode(str(name)), ox.NamedNode(str(GRC.sourceDigest)), None, ox.NamedNode(str(name))
        ):
            if isinstance(quad.object, ox.Literal):
                return quad.object.value
        return None

    def read_graph(self, name: URIRef) -> Graph:
        """A copy of a named graph in memory (for SHACL, networkx and export)."""
        data = self.inner.dump(format=ox.RdfFormat.N_TRIPLES, from_graph=ox.NamedNode(str(name)))
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
