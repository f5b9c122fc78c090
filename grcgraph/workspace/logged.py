"""The write primitive every change to a workspace graph (and to the token graph) goes through,
which keeps the graph's history: the records a write replaces are read first, the write's log
entry (grcgraph/store/history.py) is added to the data it stores, in the same atomic update, with
the new log head and revision stamp; on the embedded store the entry is then appended to the log
file, which is synced before the write is acknowledged (grcgraph/store/history_file.py).

A kind of record needs no code of its own here: a record is a subject of the graph, its state its
triples, and the operation is the name of the public write method that made it (`one_at_a_time`).
"""

from __future__ import annotations

import uuid
from collections.abc import Callable, Iterable, Iterator, Sequence
from concurrent.futures import Future, ThreadPoolExecutor
from pathlib import Path

import pyoxigraph as ox
from rdflib import URIRef

from grcgraph.store import revision
from grcgraph.store.base import GraphStore
from grcgraph.store.batch import Batch
from grcgraph.store.history import (
    Entry,
    add_entry,
    changes,
    current_agent,
    entry_after,
    entry_subjects,
    head,
    head_operations,
    new_entry,
    node_state,
    quad_line,
    state_text,
    text,
)
from grcgraph.store.history_file import log_file
from grcgraph.store.journal import BulkStore, bulk_insert_pieces, piece_size
from grcgraph.workspace.inputs import after_release, current_operation, write_lock


def store_directory(store: GraphStore) -> Path | None:
    """The embedded store's directory, where its log files live (None: in memory, or remote)."""
    path = getattr(store, "path", None)
    return path if isinstance(path, Path) else None


def before_states(store: GraphStore, graph: str, replace: Iterable[str], linked_to: Iterable[str] = (), link: str = "") -> dict[str, str]:
    """The stored states of the `replace` records and of the records whose `link` property names
    one of `linked_to` (the links of evidence a write removes)."""
    g = ox.NamedNode(graph)
    lines: dict[str, list[str]] = {}
    for subject in replace:
        for quad in store.quads(ox.NamedNode(subject), None, None, g):
            lines.setdefault(subject, []).append(quad_line(quad))
    for target in linked_to:
        for quad in store.described(ox.NamedNode(link), ox.NamedNode(target), g):
            lines.setdefault(text(quad.subject), []).append(quad_line(quad))
    return {s: state_text(found) for s, found in lines.items()}


def prepare(store: GraphStore, graph: str, data: Batch, before: dict[str, str]) -> Entry | None:
    """The log entry of writing `data` over `before` (None when nothing changes), added to `data`."""
    after = {node.iri: node_state(node) for node in data}
    found = changes(before, after)
    if not found:
        return None
    entry = new_entry(store, graph, current_operation(), found)
    add_entry(data, entry)
    return entry


def committed(store: GraphStore, entry: Entry | None) -> None:
    """The entry is in the store: append it to the log file and sync it before the acknowledgement."""
    if entry is None:
        return
    file = log_file(store_directory(store), entry.graph)
    if file is not None:
        offset = file.append(entry)
        after_release(lambda: file.sync_to(offset))


def bulk_logged(store: GraphStore, graph: str, data: Batch, finish: Callable[[Entry], None]) -> Entry:
    """Add `data` (new records only: nothing before them) and its log entry in one journaled bulk
    load, then `finish(entry)` (the head and the revision stamp) and append the entry to the log
    file. The entry is made while the store's loaders take the records (made first, it left them
    idle for a third of an import), and its line is written to the log file during the load; the
    sync follows once everything has committed. If anything fails, the line is taken back, since a
    line in the file is a write the store is given at its next open."""
    if not isinstance(store, BulkStore):
        raise TypeError("a bulk load needs the embedded store's bulk loader")
    nodes = list(data.nodes.values())  # not list(data): its length hint counts every triple
    last = head(store, graph)
    agent, operation = current_agent(), current_operation()
    planned = entry_subjects(graph, last[0] + 1, agent, len(nodes))
    size = piece_size(len(nodes) + len(planned))
    file = log_file(store_directory(store), graph)
    made: list[Entry] = []
    appending: list[Future[int]] = []

    def pieces(pool: ThreadPoolExecutor) -> Iterator[bytes]:
        for first in range(0, len(nodes), size):
            yield ("\n".join(node_state(node) for node in nodes[first : first + size]) + "\n").encode("utf-8")
        entry = entry_after(last, graph, agent, operation, changes({}, {node.iri: node.text or "" for node in nodes}))
        made.append(entry)
        if file is not None:
            appending.append(pool.submit(file.append, entry))
        log = Batch()
        add_entry(log, entry)
        if list(log.nodes) != planned:  # the journal would not undo what the load adds
            raise RuntimeError(f"history entry {entry.sequence} has other subjects than its journal")
        yield from log.ntriples_chunks(size)

    with ThreadPoolExecutor(1, thread_name_prefix="grcgraph-log-append") as pool:
        try:
            bulk_insert_pieces(store, [node.iri for node in nodes] + planned, pieces(pool), ox.NamedNode(graph))
            finish(made[0])
        except BaseException:
            if file is not None and appending:  # (`appending` only ever holds the append to `file`)
                file.take_back(appending[0].result() - len(made[0].line()))
            raise
    if file is not None and appending:
        offset = appending[0].result()
        after_release(lambda: file.sync_to(offset))
    return made[0]


def write_logged(
    store: GraphStore,
    graph: str,
    data: Batch,
    replace: Sequence[str] = (),
    *,
    linked_to: Sequence[str] = (),
    link: str = "",
    before: dict[str, str] | None = None,
    touched: Iterable[str] | None = None,
) -> Entry | None:
    """Replace what the `replace` records (and the records whose `link` names one of `linked_to`:
    the links of evidence) said with `data`, and add the log entry, the new head and a revision
    stamp, in one update. `before`: those records' states, when the caller has read them."""
    with write_lock():
        before = before_states(store, graph, replace, linked_to, link) if before is None else before
        entry = prepare(store, graph, data, before)
        # The data goes through a staging graph so that it lands in the same update as the
        # deletions and the new revision stamp.
        staging = f"{graph}/staging/{uuid.uuid4().hex}"
        store.add_graph(ox.NamedNode(staging))
        if data:
            store.load(data.ntriples(), ox.NamedNode(staging))
        steps = [f"ADD SILENT GRAPH <{staging}> TO GRAPH <{graph}>", *replacing(graph, staging, replace, linked_to, link)]
        steps.append(f"DROP SILENT GRAPH <{staging}>")
        if entry is not None:
            steps += head_operations(graph, entry)
        revision.stamped_update(store, URIRef(graph), steps, touched)
        committed(store, entry)
        return entry


def replacing(graph: str, staging: str, replace: Sequence[str], linked_to: Sequence[str], link: str) -> list[str]:
    """The deletions of a write, run after its additions: what the replaced records said that the
    staged data does not say again. In that order a store that applies a request's operations one
    at a time (Virtuoso does) and stops in the middle of one leaves a record's old and new triples,
    never neither; the store compares the terms itself, so no value is written into the text."""
    g = f"GRAPH <{graph}>"

    def unless_staged(subject: str) -> str:
        return f"FILTER NOT EXISTS {{ GRAPH <{staging}> {{ {subject} ?p ?o }} }}"

    steps = []
    for node in replace:
        s = ox.NamedNode(node)
        steps.append(f"DELETE {{ {g} {{ {s} ?p ?o }} }} WHERE {{ {g} {{ {s} ?p ?o }} {unless_staged(str(s))} }}")
    steps += [
        f"DELETE {{ {g} {{ ?s ?p ?o }} }} WHERE {{ {g} {{ ?s {ox.NamedNode(link)} {ox.NamedNode(target)} ; ?p ?o }} {unless_staged('?s')} }}"
        for target in linked_to
    ]
    return steps
