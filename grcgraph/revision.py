"""Revision stamps on workspace graphs: one `<graph> grc:revision "..."` triple, replaced in the same
atomic update as every write to the graph, so that anything derived from the graph (the link index)
can tell with one store read whether it is still current. The stamp lives in the store, not in a
process, so a write made by another process over the same store is noticed too.

Every write path to a workspace graph calls `stamp_operations` (inside its update) or, when it
cannot add to its update (a bulk load), `bump` right after it.
"""

from __future__ import annotations

import uuid

import pyoxigraph as ox
from rdflib import URIRef

from grcgraph.namespace import GRC
from grcgraph.store import GraphStore


def stamp_operations(graph: URIRef) -> list[str]:
    """SPARQL update operations that replace `graph`'s revision by a new one; append them to the
    update that writes the graph so both happen or neither. The text holds only IRIs grcgraph built
    and a random hex stamp."""
    stamp = uuid.uuid4().hex
    return [
        f"DELETE WHERE {{ GRAPH <{graph}> {{ <{graph}> <{GRC.revision}> ?old }} }}",
        f'INSERT DATA {{ GRAPH <{graph}> {{ <{graph}> <{GRC.revision}> "{stamp}" }} }}',
    ]


def bump(store: GraphStore, graph: URIRef) -> None:
    """Give `graph` a new revision on its own, for a write path that cannot include it in its update."""
    store.update(" ;\n".join(stamp_operations(graph)))


def current(store: GraphStore, graph: URIRef) -> str | None:
    """The graph's revision (None if it was never written through a stamping write path): one read."""
    node = ox.NamedNode(str(graph))
    for quad in store.quads(node, ox.NamedNode(str(GRC.revision)), None, node):
        if isinstance(quad.object, ox.Literal):
            return quad.object.value
    return None
