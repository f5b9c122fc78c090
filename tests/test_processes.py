"""bench/processes.py, which starts every server the benchmarks and the end-to-end tests use: a
server that cannot start fails with its standard error and leaves no process behind."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from bench.processes import GrcgraphServer, ServerProcess


def test_a_server_that_exits_reports_its_stderr(tmp_path: Path) -> None:
    server = GrcgraphServer("--data-dir", str(tmp_path), "--no-such-option", ready_seconds=60)
    with pytest.raises(RuntimeError, match=r"(?s)grcgraph serve exited with 2: .*no-such-option"), server:
        pass
    assert server.process is None and server.stderr is None


class Silent(ServerProcess):
    """A process that writes to stderr and never answers."""

    def command(self) -> list[str]:
        return [sys.executable, "-c", "import sys, time; print('starting', file=sys.stderr, flush=True); time.sleep(600)"]

    def ready(self) -> bool:
        return False


def test_a_server_never_ready_is_stopped() -> None:
    server = Silent(ready_seconds=1, stop_seconds=5)
    with pytest.raises(RuntimeError, match=r"server was not ready in 1 s: starting"):
        server.start()
    assert server.process is None


def test_stop_terminates_then_kills() -> None:
    server = Silent(ready_seconds=1, stop_seconds=0.5)
    stubborn = "import signal, time; signal.signal(signal.SIGTERM, signal.SIG_IGN); print(flush=True); time.sleep(600)"
    process = server.process = subprocess.Popen([sys.executable, "-c", stubborn], stdout=subprocess.PIPE)
    assert process.stdout is not None and process.stdout.readline()  # SIGTERM is ignored from here on
    server.stop()
    assert process.returncode == -9 and server.process is None
    process.stdout.close()
