"""Read-only SPARQL queries evaluated in child processes that are killed at their deadline.

pyoxigraph cannot cancel a query: one evaluated in a thread keeps its core busy long after its
caller got a timeout, and a few such queries pinned both cores of a server for good. Here each
query runs in a worker process (`grcgraph.store.sparql_worker`), and at the deadline the worker is
killed, its slot freed at once, and a new one started for the next query.

A worker cannot share the server's open store (RocksDB allows one writer process and reading
beside it is undefined), so it reads a snapshot: for a store on disk, a RocksDB checkpoint made by
`Store.backup` (hard links: about 10-30 ms, then 10 ms to open, measured on a 1M-quad store), taken
again only when the store has been written since the last one; for an in-memory store, the visible
graphs dumped as N-Quads. A query therefore sees every write acknowledged before it started.
"""

from __future__ import annotations

import concurrent.futures
import contextlib
import itertools
import os
import select
import shutil
import subprocess
import sys
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Any

import pyoxigraph as ox

from grcgraph.errors import QueryFailedError, QueryTimeoutError
from grcgraph.store.sparql_worker import HEADER, decode, encode

START_SECONDS = 30.0  # a worker that has not said "ready" by then is broken, not slow
GRACE_SECONDS = 0.5  # past the deadline, time for the worker's own timeout answer before the kill


@dataclass
class Snapshot:
    """A consistent copy of the store that workers read: a checkpoint directory or N-Quads."""

    key: tuple[int, int]  # (store generation, serial): unique per snapshot
    source: str | bytes
    graphs: tuple[str, ...] | None  # what an N-Quads copy holds; None: a checkpoint holds everything
    users: int = 0
    retired: bool = False


@dataclass(eq=False)
class _Child:
    process: subprocess.Popen[bytes]
    loaded: object = None  # the snapshot key this worker has open
    started: float = field(default_factory=time.monotonic)

    @property
    def stdin(self) -> IO[bytes]:
        assert self.process.stdin is not None
        return self.process.stdin

    @property
    def stdout(self) -> IO[bytes]:
        assert self.process.stdout is not None
        return self.process.stdout

    def kill(self) -> None:
        with contextlib.suppress(OSError):
            self.process.kill()
        with contextlib.suppress(OSError, subprocess.TimeoutExpired):
            self.process.wait(timeout=5)
        for stream in (self.process.stdin, self.process.stdout):
            with contextlib.suppress(OSError):
                if stream is not None:
                    stream.close()


class QueryPool:
    """Queries in workers of their own over snapshots of `inner`; idle workers are kept for the
    next query (the caller bounds how many run at once). `snapshots` is where checkpoints of an on-disk store go (on the store's file system, so that
    they are hard links); None for an in-memory store."""

    def __init__(self, inner: ox.Store, generation: Callable[[], int], snapshots: Path | None) -> None:
        self.inner = inner
        self.generation = generation  # the store's count of writes: a snapshot is current while it holds
        self.snapshots = snapshots
        self._idle: list[_Child] = []
        self._all: set[_Child] = set()  # idle and busy: closing the pool kills every one
        self._busy = 0
        self._lock = threading.Lock()
        self._current: Snapshot | None = None
        self._serial = itertools.count()
        self._closed = False
        # Workers are started from one thread that lives as long as the pool: Linux kills a worker
        # when the thread that started it ends (PR_SET_PDEATHSIG), and request threads come and go.
        self._starter = concurrent.futures.ThreadPoolExecutor(1, thread_name_prefix="sparql-workers")
        if snapshots is not None:
            shutil.rmtree(snapshots, ignore_errors=True)  # left by a process that did not exit cleanly
            snapshots.mkdir(parents=True, exist_ok=True)

    # --- snapshots ---------------------------------------------------------------------------------
    def _snapshot(self, graphs: list[str]) -> Snapshot:
        """The current snapshot, taken anew if the store changed since; the caller must `_release` it."""
        with self._lock:
            generation = self.generation()
            current = self._current
            if current is None or current.key[0] != generation or current.graphs not in (None, tuple(graphs)):
                key = (generation, next(self._serial))
                if self.snapshots is not None:
                    target = self.snapshots / f"{key[0]}-{key[1]}"
                    self.inner.backup(str(target))
                    current = Snapshot(key, str(target), None)
                else:
                    current = Snapshot(key, _dump(self.inner, graphs), tuple(graphs))
                if self._current is not None:
                    self._retire(self._current)
                self._current = current
            current.users += 1
            return current

    def _release(self, snapshot: Snapshot) -> None:
        with self._lock:
            snapshot.users -= 1
            if snapshot.retired and snapshot.users == 0:
                self._remove(snapshot)

    def _retire(self, snapshot: Snapshot) -> None:
        snapshot.retired = True
        if snapshot.users == 0:
            self._remove(snapshot)

    @staticmethod
    def _remove(snapshot: Snapshot) -> None:
        if isinstance(snapshot.source, str):
            shutil.rmtree(snapshot.source, ignore_errors=True)

    # --- workers -------------------------------------------------------------------------------------
    def _take(self) -> _Child:
        with self._lock:
            if self._closed:
                raise QueryFailedError("the query pool is closed")
            self._busy += 1
            while self._idle:
                child = self._idle.pop()
                if child.process.poll() is None:
                    return child
                self._all.discard(child)
                child.kill()
        try:
            child = self._starter.submit(_start).result()
        except BaseException:
            with self._lock:
                self._busy -= 1
            raise
        with self._lock:
            self._all.add(child)
        return child

    def _give_back(self, child: _Child, healthy: bool) -> None:
        with self._lock:
            self._busy -= 1
            if healthy and not self._closed:
                self._idle.append(child)
                return
            self._all.discard(child)
        child.kill()

    def run(self, query: str, graphs: list[str], *, limit: int, timeout: float) -> tuple[bytes, str]:
        """Evaluate `query` over `graphs` (as default and named graphs); the body and its media type.
        SyntaxError for a text that is not a read-only query; QueryTimeoutError past `timeout`."""
        snapshot = self._snapshot(graphs)
        child: _Child | None = None
        healthy = False
        try:
            child = self._take()
            # The query's time starts once a worker is ready: starting one is the server's cost.
            deadline = time.monotonic() + timeout
            job: dict[str, Any] = {"key": snapshot.key, "query": query, "graphs": graphs, "limit": limit, "timeout": timeout}
            if child.loaded != snapshot.key:
                job["source"] = snapshot.source
            child.stdin.write(encode(job))
            child.stdin.flush()
            answer = _receive(child, deadline + GRACE_SECONDS)
            if answer is None:
                raise QueryTimeoutError
            child.loaded = snapshot.key
            healthy = True
        except (OSError, EOFError) as error:
            raise QueryFailedError(f"the query worker failed: {error}") from None
        finally:
            if child is not None:
                self._give_back(child, healthy)
            self._release(snapshot)
        kind = answer[0]
        if kind == "ok":
            return answer[1], answer[2]
        if kind == "syntax":
            raise SyntaxError(answer[1])
        if kind == "timeout":
            raise QueryTimeoutError
        raise QueryFailedError(answer[1])

    @property
    def running(self) -> int:
        """Queries being evaluated now."""
        return self._busy

    def close(self) -> None:
        with self._lock:
            self._closed = True
            children, self._all, self._idle = self._all, set(), []
            current, self._current = self._current, None
        for child in children:
            child.kill()
        self._starter.shutdown(wait=False)
        if current is not None:
            self._remove(current)
        if self.snapshots is not None:
            shutil.rmtree(self.snapshots, ignore_errors=True)


def _start() -> _Child:
    env = {**os.environ, "PYTHONDONTWRITEBYTECODE": "1"}
    process = subprocess.Popen(
        [sys.executable, "-m", "grcgraph.store.sparql_worker"],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
        env=env,
        start_new_session=True,  # a signal to the server's terminal does not reach it mid-answer
    )
    child = _Child(process)
    if _receive(child, time.monotonic() + START_SECONDS) != ("ready",):
        child.kill()
        raise QueryFailedError("the query worker did not start")
    return child


def _receive(child: _Child, deadline: float) -> Any:
    """The worker's next message, or None (worker killed) if none came by `deadline`."""
    fd = child.stdout.fileno()
    buffer = bytearray()
    size: int | None = None
    while size is None or len(buffer) < HEADER.size + size:
        remaining = deadline - time.monotonic()
        ready, _, _ = select.select([fd], [], [], max(remaining, 0))
        if not ready:
            child.kill()
            return None
        chunk = os.read(fd, 1 << 20)
        if not chunk:
            raise EOFError("the worker exited")
        buffer += chunk
        if size is None and len(buffer) >= HEADER.size:
            (size,) = HEADER.unpack(bytes(buffer[: HEADER.size]))
    return decode(bytes(buffer[HEADER.size :]))


def _dump(inner: ox.Store, graphs: list[str]) -> bytes:
    """The quads of `graphs`, as N-Quads (an in-memory store's whole reference graph: 5 MB, 20 ms)."""
    quads = (quad for iri in graphs for quad in inner.quads_for_pattern(None, None, None, ox.NamedNode(iri)))
    return ox.serialize(quads, format=ox.RdfFormat.N_QUADS) or b""


__all__ = ["QueryPool"]
