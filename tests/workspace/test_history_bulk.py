"""A bulk import's log entry is appended to the log file while the store loads it: synced before
the import returns, taken back when the load fails, and replayed whole when a crash leaves the load
undone (its journal) with the line in the file."""

from __future__ import annotations

import subprocess
import sys
import time
from collections.abc import Iterable
from pathlib import Path
from typing import Any

import pytest

from grcgraph.api import GRCGraph
from grcgraph.errors import NotFoundError
from grcgraph.model import EvidenceInput, EvidenceLinkInput
from grcgraph.store import history_file, journal
from grcgraph.store.history import Entry
from grcgraph.workspace import logged
from grcgraph.workspace.inputs import BULK_MIN_ITEMS


def _items(prefix: str = "e") -> list[EvidenceInput]:
    return [
        EvidenceInput(id=f"{prefix}{i}", title=f"Item {i}", kind="policy", links=[EvidenceLinkInput(requirement="A.2.2", asserted_by="x")])
        for i in range(BULK_MIN_ITEMS)
    ]


def _log(graph: GRCGraph, store: Path) -> Path:
    return history_file.log_path(store, str(graph.workspace.graph))


def test_a_bulk_import_returns_after_its_line_is_synced(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    store = tmp_path / "store"
    with GRCGraph.open(store) as graph:
        graph.add_evidence("first", "First", "policy")
        file = history_file.log_file(store, str(graph.workspace.graph))
        assert file is not None
        synced: list[int] = []
        real = history_file.os.fsync

        def fsync(fd: int) -> None:
            real(fd)
            synced.append(file.written)

        monkeypatch.setattr(history_file.os, "fsync", fsync)
        graph.put_evidence(_items())
        assert synced and synced[-1] == file.written == file.path.stat().st_size == file.synced
        last = Entry.from_line(file.path.read_bytes().splitlines()[-1])
        assert (last.sequence, len(last.changes)) == (2, 2 * BULK_MIN_ITEMS)
        assert graph.verify().ok


def test_a_bulk_import_that_fails_takes_its_line_back(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    store = tmp_path / "store"
    with GRCGraph.open(store) as graph:
        graph.add_evidence("first", "First", "policy")
        path = _log(graph, store)
        before = path.read_bytes()

        def failing(_store: Any, _subjects: Any, pieces: Iterable[bytes], _graph: Any) -> None:
            list(pieces)  # the entry is made as the pieces are
            deadline = time.monotonic() + 60
            while path.stat().st_size == len(before) and time.monotonic() < deadline:
                time.sleep(0.01)  # the line is being appended meanwhile: fail once it is there
            assert path.stat().st_size > len(before)
            raise OSError("store gone")

        monkeypatch.setattr(logged, "bulk_insert_pieces", failing)
        with pytest.raises(OSError, match="store gone"):
            graph.put_evidence(_items())
        assert path.read_bytes() == before
        monkeypatch.undo()
        graph.add_evidence("after", "After", "policy")  # the next entry follows the first
        assert [e.sequence for e in graph.history()] == [1, 2]
    with GRCGraph.open(store) as graph:  # nothing of the failed import is replayed
        assert [e.sequence for e in graph.history()] == [1, 2]
        with pytest.raises(NotFoundError):
            graph.evidence_item("e0")
        assert graph.verify().ok


_KILLED_AFTER_LOAD = """
import os, sys, time
from collections.abc import Iterable
from pathlib import Path
from grcgraph.api import GRCGraph
from grcgraph.model import EvidenceInput, EvidenceLinkInput
from grcgraph.store import history_file, journal

store = Path(sys.argv[1])
real = journal.load_pieces

def killed(*args, **kwargs):
    real(*args, **kwargs)
    path = history_file.log_path(store, graph.workspace.graph)
    deadline = time.monotonic() + 60
    while path.read_bytes().count(b"\\n") < 2:  # the import's line is in the file
        if time.monotonic() > deadline:
            os._exit(3)  # it never came while the store loaded
        time.sleep(0.01)
    os._exit(9)  # before the journal is removed and the head set

journal.load_pieces = killed
graph = GRCGraph.open(store)
graph.add_evidence("first", "First", "policy")
graph.put_evidence([
    EvidenceInput(id=f"e{i}", title=f"Item {i}", kind="policy", links=[EvidenceLinkInput(requirement="A.2.2", asserted_by="x")])
    for i in range(int(sys.argv[2]))
])
"""


def test_a_load_undone_at_open_is_replayed_whole_from_its_line(tmp_path: Path) -> None:
    """Killed after the load and before its journal was removed: at open the journal's undo runs
    first, then the line in the log file brings the whole import back, as one entry."""
    store = tmp_path / "store"
    done = subprocess.run([sys.executable, "-c", _KILLED_AFTER_LOAD, str(store), str(BULK_MIN_ITEMS)], check=False, timeout=300)
    assert done.returncode == 9 and (store / journal.JOURNAL).exists()
    with GRCGraph.open(store) as graph:
        assert not (store / journal.JOURNAL).exists()
        assert graph.evidence_item(f"e{BULK_MIN_ITEMS - 1}").title == f"Item {BULK_MIN_ITEMS - 1}"
        assert len(graph.links("e0")) == 1
        assert [(e.sequence, len(e.changes)) for e in graph.history()] == [(1, 1), (2, 2 * BULK_MIN_ITEMS)]
        assert graph.verify().ok
