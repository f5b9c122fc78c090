"""The history log's copy in a file beside the embedded store, synced before a write is acknowledged.

Oxigraph does not sync its write-ahead log on each commit, so a power loss can take the last
acknowledged writes out of the store. Each log entry is therefore also appended to a file, one JSON
line per entry (`<store>/history/<graph digest>.log`), and the write is acknowledged only once the
file is synced. Syncs are grouped: a writer that finds a sync running waits for it and then syncs
everything appended meanwhile, for every writer at once.

When the store is opened, each file is compared with the store's log head: entries the store lost
are replayed into it (each record set to its state after the entry, with the entry itself, in one
update per entry), and entries the file lacks (a process killed between the store's commit and the
file's append) are copied from the store. A line cut short by a crash is dropped: it was never
acknowledged.
"""

from __future__ import annotations

import hashlib
import os
import threading
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import BinaryIO

import pyoxigraph as ox
from rdflib import URIRef

from grcgraph.store import revision
from grcgraph.store.base import GraphStore
from grcgraph.store.batch import Batch
from grcgraph.store.history import Entry, add_entry, entries, head, head_operations

DIRECTORY = "history"
_files: dict[Path, LogFile] = {}
_files_lock = threading.Lock()


def _sync_directory(directory: Path) -> None:
    handle = os.open(directory, os.O_RDONLY)
    try:
        os.fsync(handle)
    finally:
        os.close(handle)


class LogFile:
    """One graph's log file: appends, and syncs grouped across writers."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self._lock = threading.Lock()
        self._synced = threading.Condition(threading.Lock())
        self._handle: BinaryIO | None = None
        self.written = 0  # bytes appended so far
        self.synced = 0  # bytes known to be on disk
        self._syncing = False
        self.syncs = 0

    def _open(self) -> BinaryIO:
        if self._handle is None:
            new = not self.path.exists()
            self.path.parent.mkdir(parents=True, exist_ok=True)
            self._handle = self.path.open("ab")
            self.written = self.synced = self._handle.tell()
            if new:
                _sync_directory(self.path.parent)
        return self._handle

    def append(self, entry: Entry) -> int:
        """Append `entry` (not yet synced); the file's length after it, for `sync_to`."""
        with self._lock:
            handle = self._open()
            handle.write(entry.line())
            handle.flush()
            self.written = handle.tell()
            return self.written

    def take_back(self, start: int) -> None:
        """Cut the file back to `start` bytes (an appended entry whose write failed), on disk before
        returning: a line left in the file is a write the store is given at its next open. A sync
        under way is waited for first, so that it cannot count the cut bytes as synced."""
        with self._synced:
            while self._syncing:
                self._synced.wait()
            with self._lock:
                handle = self._open()
                handle.truncate(start)
                handle.seek(start)
                os.fsync(handle.fileno())
                self.written = start
                self.synced = min(self.synced, start)

    def sync_to(self, offset: int) -> None:
        """Return once the file is on disk up to `offset`; one sync covers every writer waiting."""
        with self._synced:
            while self.synced < offset:
                if self._syncing:
                    self._synced.wait()
                    continue
                self._syncing = True
                target = self.written
                self._synced.release()
                try:
                    with self._lock:
                        handle = self._open()
                    os.fsync(handle.fileno())
                finally:
                    self._synced.acquire()
                    self._syncing = False
                    self._synced.notify_all()
                self.synced = max(self.synced, target)
                self.syncs += 1

    def read(self) -> list[Entry]:
        """The entries in the file, dropping (and cutting off) a last line left incomplete by a crash."""
        if not self.path.exists():
            return []
        data = self.path.read_bytes()
        found: list[Entry] = []
        good = 0
        for line in data.splitlines(keepends=True):
            if not line.endswith(b"\n"):
                break
            try:
                found.append(Entry.from_line(line))
            except (ValueError, KeyError, TypeError):
                break
            good += len(line)
        if good < len(data):
            with self.path.open("r+b") as handle:
                handle.truncate(good)
                os.fsync(handle.fileno())
        return found

    def entries_at(self, graph: str, head: tuple[int, str]) -> Iterator[Entry] | None:
        """The file's entries, parsed as they are taken (a caller may stop early), read without
        changing the file (a writer may be appending); None when its last complete entry is not the
        store's `head` (then the store's own log is the one to read)."""
        if not self.path.exists():
            return None
        lines = [line for line in self.path.read_bytes().splitlines(keepends=True) if line.endswith(b"\n")]
        try:
            last = Entry.from_line(lines[-1]) if lines else None
        except (ValueError, KeyError, TypeError):
            return None
        if last is None or (last.sequence, last.hash) != head or last.graph != graph:
            return None
        return (Entry.from_line(line) for line in lines)

    def close(self) -> None:
        with self._lock:
            if self._handle is not None:
                self._handle.close()
                self._handle = None


def log_path(directory: Path, graph: str) -> Path:
    return directory / DIRECTORY / f"{hashlib.sha256(graph.encode('utf-8')).hexdigest()[:32]}.log"


def log_file(directory: Path | None, graph: str) -> LogFile | None:
    """The log file of `graph` in a store directory (None: a store in memory or remote)."""
    if directory is None:
        return None
    path = log_path(directory, graph)
    with _files_lock:
        found = _files.get(path)
        if found is None:
            found = _files[path] = LogFile(path)
        return found


def forget(directory: Path) -> None:
    """Close the log files of a store directory (the store is closing)."""
    with _files_lock:
        for path in [p for p in _files if p.is_relative_to(directory)]:
            _files.pop(path).close()


def apply(store: GraphStore, entry: Entry) -> None:
    """Write `entry` into the store as the write that made it did: every record it changed set to
    its state after, the entry's own nodes, the head and a new revision, in one update."""
    graph = entry.graph
    data = Batch()
    add_entry(data, entry)
    staging = ox.NamedNode(f"{graph}/staging/{uuid.uuid4().hex}")
    store.add_graph(staging)
    after = "\n".join(c.after for c in entry.changes if c.after)
    payload = data.ntriples() + (after.encode("utf-8") + b"\n" if after else b"")
    store.load(payload, staging)
    operations = [f"DELETE WHERE {{ GRAPH <{graph}> {{ {ox.NamedNode(c.record)} ?p ?o }} }}" for c in entry.changes]
    operations += [f"ADD SILENT GRAPH {staging} TO GRAPH <{graph}>", f"DROP SILENT GRAPH {staging}", *head_operations(graph, entry)]
    revision.stamped_update(store, URIRef(graph), operations, None)


def recover_history(store: GraphStore, directory: Path | None) -> list[tuple[str, int]]:
    """Bring the store and its log files level (see the module's text); the graphs replayed into
    the store, with how many entries each."""
    if directory is None or not (directory / DIRECTORY).is_dir():
        return []
    replayed: list[tuple[str, int]] = []
    for path in sorted((directory / DIRECTORY).glob("*.log")):
        file = LogFile(path)
        logged = file.read()
        if not logged:
            continue
        graph = logged[0].graph
        stored, _ = head(store, graph)
        missing = [e for e in logged if e.sequence > stored]
        for entry in missing:
            apply(store, entry)
        if missing:
            store.flush()
            replayed.append((graph, len(missing)))
        last = logged[-1].sequence
        if stored > last:
            for entry in entries(store, graph):
                if entry.sequence > last:
                    file.append(entry)
            file.sync_to(file.written)
        file.close()
    return replayed
