"""Opening a store closed cleanly reads none of its history log files; any other opening reads them."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
from pathlib import Path

import pytest

from grcgraph.api import GRCGraph
from grcgraph.store import clean_close, history_file
from tests.servers import ApiServer


@pytest.fixture
def replays(monkeypatch: pytest.MonkeyPatch) -> list[Path]:
    """The stores whose log files were read at open."""
    seen: list[Path] = []
    real = history_file.recover_history

    def counting(store: object, path: Path | None) -> list[tuple[str, int]]:
        assert path is not None
        seen.append(path)
        return real(store, path)  # type: ignore[arg-type]

    monkeypatch.setattr("grcgraph.store.embedded.recover_history", counting)
    return seen


def _written(path: Path) -> Path:
    with GRCGraph.open(path) as graph:
        graph.add_evidence("one", "One", "policy", requirements=["A.2.2"], asserted_by="ciso")
        return history_file.log_path(path, str(graph.workspace.graph))


def test_a_clean_close_spares_the_next_open_the_log_files(tmp_path: Path, replays: list[Path]) -> None:
    _written(tmp_path / "store")
    replays.clear()
    with GRCGraph.open(tmp_path / "store") as graph:
        assert replays == []
        assert not (tmp_path / "store" / clean_close.MARKER).exists()  # taken away while the store is held
        graph.add_evidence("two", "Two", "policy")
    assert (tmp_path / "store" / clean_close.MARKER).exists()
    with GRCGraph.open(tmp_path / "store") as graph:
        assert replays == [] and graph.verify().ok and [e.sequence for e in graph.history()] == [1, 2]


def test_a_log_file_changed_since_the_close_is_read(tmp_path: Path, replays: list[Path]) -> None:
    log = _written(tmp_path / "store")
    with log.open("ab") as out:
        out.write(b'{"entry": {"sequence": 2, "gra')  # as a kill mid-append leaves it
    replays.clear()
    with GRCGraph.open(tmp_path / "store") as graph:
        assert replays == [tmp_path / "store"]
        assert graph.verify().ok and [e.sequence for e in graph.history()] == [1]


def test_a_process_that_dies_leaves_no_marker(tmp_path: Path, replays: list[Path]) -> None:
    _written(tmp_path / "store")
    holder = subprocess.Popen(
        [
            sys.executable,
            "-c",
            "import sys, time; from grcgraph.api import GRCGraph; g = GRCGraph.open(sys.argv[1]); print(flush=True); time.sleep(60)",
            str(tmp_path / "store"),
        ],
        stdout=subprocess.PIPE,
    )
    assert holder.stdout is not None and holder.stdout.readline() == b"\n"  # open, marker taken away
    os.kill(holder.pid, signal.SIGKILL)
    holder.wait()
    assert not (tmp_path / "store" / clean_close.MARKER).exists()
    replays.clear()
    with GRCGraph.open(tmp_path / "store") as graph:
        assert replays == [tmp_path / "store"] and graph.verify().ok


def test_a_cut_marker_is_no_clean_close(tmp_path: Path) -> None:
    (tmp_path / clean_close.MARKER).write_text('{"logs": {', encoding="utf-8")
    assert not clean_close.closed_cleanly(tmp_path)
    assert not (tmp_path / clean_close.MARKER).exists()


def test_a_server_stopped_with_sigterm_closes_its_store(tmp_path: Path) -> None:
    # How a service manager or a container runtime stops `grcgraph serve`: without the close, every
    # restart would read every log file again.
    store = tmp_path / "store"
    _written(store)
    server = ApiServer("--data-dir", str(store))
    server.start()
    assert server.process is not None and not (store / clean_close.MARKER).exists()
    server.process.send_signal(signal.SIGTERM)
    assert server.process.wait(timeout=60) == 0
    server.stop()
    assert (store / clean_close.MARKER).exists()
