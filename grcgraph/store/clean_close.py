"""A marker left by a store closed cleanly, so that opening it need not read every history log file.

Opening an embedded store levels it with its history log files (grcgraph/store/history_file.py):
each file is read whole and parsed, which on a store of 1,000 workspaces is gigabytes and many
seconds before the first request. The files and the store can only disagree after a process ended
without closing the store (a kill, a crash, a power loss). So `close` writes a marker, synced, once
the store is flushed and every log file closed, naming each log file and its length; `open` takes
the marker away (synced, before any write) and skips the files only when it was there and every
file is still as it names. A process that dies leaves no marker, and a file changed behind the
store's back (restored, cut short, appended to) no longer matches: the files are then read.
"""

from __future__ import annotations

import json
import os
from pathlib import Path

from grcgraph.store.history_file import DIRECTORY

MARKER = "closed-cleanly.json"


def _logs(path: Path) -> dict[str, int]:
    directory = path / DIRECTORY
    if not directory.is_dir():
        return {}
    return {entry.name: entry.stat().st_size for entry in directory.iterdir() if entry.name.endswith(".log")}


def _sync_directory(directory: Path) -> None:
    handle = os.open(directory, os.O_RDONLY)
    try:
        os.fsync(handle)
    finally:
        os.close(handle)


def mark_closed(path: Path) -> None:
    """Record that the store in `path` is flushed and level with its log files (called by close).
    A marker that cannot be written is left out: the next open reads the files, as after a crash."""
    staged = path / f"{MARKER}.new"
    try:
        with staged.open("w", encoding="utf-8") as out:
            json.dump({"logs": _logs(path)}, out, sort_keys=True)
            out.flush()
            os.fsync(out.fileno())
        staged.replace(path / MARKER)
        _sync_directory(path)
    except OSError:
        staged.unlink(missing_ok=True)


def closed_cleanly(path: Path) -> bool:
    """Whether the last process to hold the store in `path` closed it, with its log files as it left
    them. The marker is removed either way, and the removal synced, so that a process that dies from
    now on leaves none."""
    marker = path / MARKER
    try:
        recorded = json.loads(marker.read_text(encoding="utf-8"))
    except FileNotFoundError:
        return False
    except ValueError:  # cut short: not a clean close
        recorded = None
    marker.unlink()
    _sync_directory(path)
    return isinstance(recorded, dict) and recorded.get("logs") == _logs(path)
