"""An undo journal that makes the store's bulk loader all or nothing.

Oxigraph's bulk loader writes sorted files straight into RocksDB, far faster than a transaction for
large imports, but it is not atomic: a process killed mid-load leaves part of the data behind. Bulk
loads here only ever add new subjects, so before loading, the subjects are written to a journal in
the store directory and synced; once the load is flushed the journal is removed. A store opened with
a journal left behind removes every triple of those subjects, which puts it back as it was.
"""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Protocol, runtime_checkable

import pyoxigraph as ox

JOURNAL = "bulk-load-journal.json"
_UNDO_CHUNK = 500  # subjects per undo update: a bounded query text


@runtime_checkable
class BulkStore(Protocol):
    path: Path | None

    def bulk_load(self, data: bytes, graph: ox.NamedNode) -> None: ...

    def flush(self) -> None: ...

    def update(self, sparql: str) -> None: ...


def _sync_directory(directory: Path) -> None:
    handle = os.open(directory, os.O_RDONLY)
    try:
        os.fsync(handle)
    finally:
        os.close(handle)


def bulk_insert(store: BulkStore, data: bytes, graph: ox.NamedNode, subjects: list[str]) -> None:
    """Bulk-load N-Triples `data` (triples of the new `subjects` only) into `graph`."""
    if store.path is None:  # in memory: nothing outlives the process, so nothing to undo
        store.bulk_load(data, graph)
        return
    journal = store.path / JOURNAL
    staged = journal.with_suffix(".tmp")
    with staged.open("w", encoding="utf-8") as out:
        json.dump({"graph": graph.value, "subjects": subjects}, out)
        out.flush()
        os.fsync(out.fileno())
    staged.replace(journal)  # the journal exists whole or not at all
    _sync_directory(store.path)
    store.bulk_load(data, graph)
    store.flush()
    journal.unlink()
    _sync_directory(store.path)


def recover(store: BulkStore) -> bool:
    """Undo a bulk load that did not finish (its journal is still there); True if one was undone."""
    if store.path is None:
        return False
    journal = store.path / JOURNAL
    journal.with_suffix(".tmp").unlink(missing_ok=True)  # a journal never completed: no load began
    if not journal.exists():
        return False
    entry = json.loads(journal.read_text(encoding="utf-8"))
    graph = ox.NamedNode(entry["graph"])  # raises on anything that is not an IRI
    subjects = [ox.NamedNode(s) for s in entry["subjects"]]
    for start in range(0, len(subjects), _UNDO_CHUNK):
        chunk = " ".join(str(s) for s in subjects[start : start + _UNDO_CHUNK])
        store.update(f"DELETE {{ GRAPH {graph} {{ ?s ?p ?o }} }} WHERE {{ GRAPH {graph} {{ VALUES ?s {{ {chunk} }} ?s ?p ?o }} }}")
    store.flush()
    journal.unlink()
    _sync_directory(store.path)
    return True
