"""Bulk loads that are all or nothing, and use every core.

Oxigraph's bulk loader writes sorted files straight into RocksDB, far faster than a transaction for
large imports, but it is not atomic: a process killed mid-load leaves part of the data behind. Bulk
loads here only ever add new subjects, so before loading, the subjects are written to a journal in
the store directory and synced; once the load is flushed the journal is removed. A store opened with
a journal left behind removes every triple of those subjects, which puts it back as it was.

One load sorts every key of its data on one thread, and the sort grows faster than the data, so a
batch is loaded in pieces on a thread per core (the loader releases the GIL), while this thread
serialises the next piece.
"""

from __future__ import annotations

import contextlib
import math
import os
from collections.abc import Iterable
from concurrent.futures import FIRST_COMPLETED, Future, ThreadPoolExecutor, wait
from pathlib import Path
from typing import Protocol, runtime_checkable

import orjson
import pyoxigraph as ox

from grcgraph.store.batch import Batch

JOURNAL = "bulk-load-journal.json"
_UNDO_CHUNK = 500  # subjects per undo update: a bounded query text
# Subjects per piece at most: smaller pieces sort faster, but each adds files for RocksDB to compact.
# 15,000 subjects are about 100,000 triples of evidence and links; pieces of 50,000 to 100,000
# triples loaded fastest (100,000 items, 2,086,234 triples, on 2 cores).
PIECE_SUBJECTS = 15_000
LOADERS = max(1, min(4, os.cpu_count() or 1))


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


def piece_size(subjects: int, loaders: int = LOADERS) -> int:
    """Subjects per piece: equal pieces, a multiple of `loaders` of them, none over PIECE_SUBJECTS."""
    pieces = loaders * math.ceil(subjects / (loaders * PIECE_SUBJECTS))
    return max(1, math.ceil(subjects / max(1, pieces)))


def load_pieces(store: BulkStore, pieces: Iterable[bytes], graph: ox.NamedNode, loaders: int = LOADERS) -> None:
    """Bulk-load every piece, `loaders` at a time, taking the next piece only when a loader is free
    (so that at most `loaders` + 1 pieces are in memory); the first failure is raised."""
    with ThreadPoolExecutor(loaders, thread_name_prefix="grcgraph-bulk-load") as pool:
        running: set[Future[None]] = set()
        for piece in pieces:
            if len(running) >= loaders:
                done, running = wait(running, return_when=FIRST_COMPLETED)
                for future in done:
                    future.result()
            running.add(pool.submit(store.bulk_load, piece, graph))
        for future in running:
            future.result()


def bulk_insert(store: BulkStore, batch: Batch, graph: ox.NamedNode) -> None:
    """Bulk-load `batch` (new subjects only) into `graph`: all of it, or, after a failure or a crash,
    none of it."""
    subjects = list(batch.nodes)
    bulk_insert_pieces(store, subjects, batch.ntriples_chunks(piece_size(len(subjects))), graph)


def bulk_insert_pieces(store: BulkStore, subjects: list[str], pieces: Iterable[bytes], graph: ox.NamedNode) -> None:
    """`bulk_insert` of N-Triples `pieces` whose subjects are `subjects` (all new), made while the
    load runs: a piece is asked for when a loader is free, so its making overlaps the loads."""
    if store.path is None:  # in memory: nothing outlives the process, so no journal
        try:
            load_pieces(store, pieces, graph)
        except BaseException:
            _undo(store, graph, subjects)
            raise
        return
    journal = store.path / JOURNAL
    staged = journal.with_suffix(".tmp")
    with staged.open("wb") as out:
        out.write(orjson.dumps({"graph": graph.value, "subjects": subjects}))
        out.flush()
        os.fsync(out.fileno())
    staged.replace(journal)  # the journal exists whole or not at all
    _sync_directory(store.path)
    try:
        # No flush: ingesting a loaded file syncs it and the store's manifest, so the data is on disk
        # when the load returns (a flush would wait for the compactions the load set off: 1.5 s at
        # 100,000 items).
        load_pieces(store, pieces, graph)
    except BaseException:
        with contextlib.suppress(Exception):  # if the undo fails too, the next open undoes the load
            recover(store)
        raise
    journal.unlink()
    _sync_directory(store.path)


def _undo(store: BulkStore, graph: ox.NamedNode, subjects: list[str]) -> None:
    """Remove every triple of `subjects` from `graph`."""
    for start in range(0, len(subjects), _UNDO_CHUNK):
        chunk = " ".join(str(ox.NamedNode(s)) for s in subjects[start : start + _UNDO_CHUNK])  # NamedNode raises on a non-IRI
        store.update(f"DELETE {{ GRAPH {graph} {{ ?s ?p ?o }} }} WHERE {{ GRAPH {graph} {{ VALUES ?s {{ {chunk} }} ?s ?p ?o }} }}")


def recover(store: BulkStore) -> bool:
    """Undo a bulk load that did not finish (its journal is still there); True if one was undone."""
    if store.path is None:
        return False
    journal = store.path / JOURNAL
    journal.with_suffix(".tmp").unlink(missing_ok=True)  # a journal never completed: no load began
    if not journal.exists():
        return False
    entry = orjson.loads(journal.read_bytes())
    _undo(store, ox.NamedNode(entry["graph"]), entry["subjects"])  # NamedNode raises on a non-IRI
    store.flush()
    journal.unlink()
    _sync_directory(store.path)
    return True
