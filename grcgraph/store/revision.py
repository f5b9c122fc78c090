"""Revision stamps on workspace graphs: one `<graph> grc:revision "..."` triple, replaced in the same
atomic update as every write to the graph, so that anything derived from the graph (the link index)
can tell with one store read whether it is still current. The stamp lives in the store, not in a
process, so a write made by another process over the same store is noticed too.

Every write path to a workspace graph goes through `stamped_update` or, when it cannot add to its
update (a bulk load), calls `bump` right after it.

Writes made in this process also log which evidence they touched, from which stamp to which
(`record`), so that the link index can patch what it holds instead of reading every link again
(`touched_between`). The new stamp is chained: it is the logged one only if the update found the
stamp the writer read before it, so a stamp in the store that the log leads to proves that no other
write (from another process) came in between; any other stamp breaks the chain.
"""

from __future__ import annotations

import re
import threading
import uuid
from collections import OrderedDict
from collections.abc import Iterable

import pyoxigraph as ox
from rdflib import URIRef

from grcgraph.store.base import GraphStore
from grcgraph.vocab.namespace import GRC

LOG_SIZE = 4096  # writes remembered per process: an index further behind rebuilds
_STAMP = re.compile(r"^[0-9a-f]{32}$")
_log: OrderedDict[tuple[str, str | None], tuple[str, frozenset[str] | None]] = OrderedDict()
_log_lock = threading.Lock()


def chained_operations(graph: URIRef, before: str | None) -> tuple[list[str], str]:
    """SPARQL update operations that replace `graph`'s revision by a new one, and the stamp they write
    when the graph's stamp is still `before` when the update runs (otherwise they write another,
    unrelated one). The text holds only IRIs grcgraph built and random hex stamps."""
    chained, unchained = uuid.uuid4().hex, uuid.uuid4().hex
    # A stamp not of grcgraph's making is never matched (and never reaches the query text).
    found = "!BOUND(?old)" if before is None else f'COALESCE(STR(?old) = "{before}", false)' if _STAMP.match(before) else "false"
    rev = f"<{graph}> <{GRC.revision}>"
    return [
        f"DELETE {{ GRAPH <{graph}> {{ {rev} ?old }} }} INSERT {{ GRAPH <{graph}> {{ {rev} ?new }} }} "
        # The old stamp through an aggregate (one row, ?old unbound when there is none), not OPTIONAL:
        # Virtuoso gives an OPTIONAL with nothing to its left no row, and the stamp would never change.
        f"WHERE {{ {{ SELECT (SAMPLE(?o) AS ?old) WHERE {{ GRAPH <{graph}> {{ {rev} ?o }} }} }} "
        f'BIND(IF({found}, "{chained}", "{unchained}") AS ?new) }}'
    ], chained


def stamped_update(store: GraphStore, graph: URIRef, operations: list[str], touched: Iterable[str] | None) -> None:
    """Run `operations` (a write to `graph`) and a new revision stamp in one update, so both happen or
    neither, and log the write; `touched`: the evidence ids it may change (None: unknown)."""
    before = current(store, graph)
    stamp, after = chained_operations(graph, before)
    # Logged before the update runs: a reader that finds the new stamp in the store the moment the
    # update commits must find the log leading to it, or it reads every link again (under a load of
    # concurrent reads and writes at 100,000 items, a rebuild of seconds after nearly every write).
    # If the update fails, its stamp is never stored and the entry leads nowhere.
    record(graph, before, after, touched)
    store.update(" ;\n".join([*operations, *stamp]))


def bump(store: GraphStore, graph: URIRef, *, touched: Iterable[str] | None = None) -> None:
    """Give `graph` a new revision on its own, for a write path that cannot include it in its update
    (a bulk load)."""
    stamped_update(store, graph, [], touched)


def current(store: GraphStore, graph: URIRef) -> str | None:
    """The graph's revision (None if it was never written through a stamping write path): one read."""
    node = ox.NamedNode(str(graph))
    for quad in store.quads(node, ox.NamedNode(str(GRC.revision)), None, node):
        if isinstance(quad.object, ox.Literal):
            return quad.object.value
    return None


def record(graph: URIRef, before: str | None, after: str, touched: Iterable[str] | None) -> None:
    """Log a committed write of this process: from stamp `before` to `after` (if the update found
    `before`), changing the links or validity of the `touched` evidence ids at most (None: unknown)."""
    with _log_lock:
        _log[(str(graph), before)] = (after, None if touched is None else frozenset(touched))
        while len(_log) > LOG_SIZE:
            _log.popitem(last=False)


def touched_between(graph: URIRef, start: str | None, end: str | None, *, limit: int) -> set[str] | None:
    """The evidence ids the logged writes from stamp `start` to stamp `end` touched, or None when the
    log does not lead from one to the other (a write by another process, one not logged, or one that
    touched unknown or more than `limit` ids)."""
    touched: set[str] = set()
    stamp = start
    with _log_lock:
        for _ in range(len(_log)):
            if stamp == end:
                return touched
            entry = _log.get((str(graph), stamp))
            if entry is None or entry[1] is None:
                return None
            stamp = entry[0]
            touched |= entry[1]
            if len(touched) > limit:
                return None
        return touched if stamp == end else None
