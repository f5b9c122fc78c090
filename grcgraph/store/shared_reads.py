"""Reads by other processes while one process holds an embedded store on disk.

RocksDB lets one process open a store, and opening it read-only beside a writer is undefined. So
the process that holds it (`grcgraph serve`) publishes checkpoints of it (`Store.backup`: hard
links, tens of milliseconds) in `<data dir>.shared-reads/`, and a command that only reads opens
the newest with `Store.read_only`, any number at once.

- The holder publishes once at start, then after each write, between writes (`lock` is held while
  the checkpoint is taken, and every write holds it for its whole length): a checkpoint holds
  whole writes only. A background thread looks for a change every `INTERVAL` seconds.
- `current` names the newest checkpoint; it is replaced atomically (`os.replace`).
- A reader holds a shared `flock` on the checkpoint's lock file while it has it open; the holder
  removes an older checkpoint only once it gets the exclusive lock, so no reader loses its files.
- A read therefore sees every write the holder finished up to `INTERVAL` seconds before the
  command opened the store, and nothing of a write in flight (not even part of a bulk load).
"""

from __future__ import annotations

import contextlib
import fcntl
import itertools
import shutil
import threading
from collections.abc import Callable
from pathlib import Path
from typing import IO

import pyoxigraph as ox

INTERVAL = 0.25  # seconds between looks for a write to publish
CURRENT = "current"


def shared_reads_dir(data_dir: Path) -> Path:
    return data_dir.with_name(f"{data_dir.name}.shared-reads")


class Publisher:
    """Checkpoints of `inner` for readers in other processes, taken while `lock` is held and
    `generation()` (the store's count of writes) has moved since the last one."""

    def __init__(self, inner: ox.Store, data_dir: Path, generation: Callable[[], int], lock: threading.RLock) -> None:
        self.inner = inner
        self.directory = shared_reads_dir(data_dir)
        self.generation = generation
        self.lock = lock
        self._published: int | None = None
        self._serial = itertools.count()
        self._retired: list[str] = []
        self._stop = threading.Event()
        shutil.rmtree(self.directory, ignore_errors=True)  # left by a holder that did not exit cleanly
        self.directory.mkdir(parents=True)
        self.publish()
        self._thread = threading.Thread(target=self._run, name="grcgraph-shared-reads", daemon=True)
        self._thread.start()

    def publish(self) -> bool:
        """A new checkpoint if the store changed since the last one (under the write lock); True if one was taken."""
        with self.lock:
            generation = self.generation()
            if generation == self._published:
                return False
            name = f"{generation}-{next(self._serial)}"
            self.inner.flush()
            self.inner.backup(str(self.directory / name))
            (self.directory / f"{name}.lock").touch()
            pointer = self.directory / f"{CURRENT}.new"
            pointer.write_text(name, encoding="utf-8")
            previous = self._current_name()
            pointer.replace(self.directory / CURRENT)  # atomic: a reader sees the old name or the new
            self._published = generation
        if previous is not None:
            self._retired.append(previous)
        self._sweep()
        return True

    def _current_name(self) -> str | None:
        try:
            return (self.directory / CURRENT).read_text(encoding="utf-8").strip() or None
        except FileNotFoundError:
            return None

    def _sweep(self) -> None:
        """Remove retired checkpoints that no reader holds."""
        kept = []
        for name in self._retired:
            try:
                with (self.directory / f"{name}.lock").open("rb") as handle:
                    fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
                    shutil.rmtree(self.directory / name, ignore_errors=True)
                    (self.directory / f"{name}.lock").unlink(missing_ok=True)
            except BlockingIOError:
                kept.append(name)
            except FileNotFoundError:
                continue
        self._retired = kept

    def _run(self) -> None:
        while not self._stop.wait(INTERVAL):
            try:
                if not self.publish() and self._retired:
                    self._sweep()
            except OSError:  # a full disk, say: readers keep the last checkpoint, and the next change tries again
                continue

    def close(self) -> None:
        self._stop.set()
        self._thread.join(timeout=5)
        shutil.rmtree(self.directory, ignore_errors=True)


def open_published(data_dir: Path) -> tuple[ox.Store, IO[bytes]] | None:
    """The newest checkpoint the holder of `data_dir` published, opened read-only, with the lock
    file handle that keeps it in place (close it after the store); None if none is published."""
    directory = shared_reads_dir(data_dir)
    for _attempt in range(10):  # the holder may replace the checkpoint while this one opens it
        try:
            name = (directory / CURRENT).read_text(encoding="utf-8").strip()
            handle = (directory / f"{name}.lock").open("rb")
        except FileNotFoundError:
            if not (directory / CURRENT).exists():
                return None
            continue
        fcntl.flock(handle, fcntl.LOCK_SH)
        if (directory / name).is_dir():
            try:
                return ox.Store.read_only(str(directory / name)), handle
            except OSError:
                pass
        with contextlib.suppress(OSError):
            handle.close()
    return None
