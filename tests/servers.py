"""Processes the end-to-end tests start: an Oxigraph SPARQL server (the `oxigraph` package from
PyPI) and `grcgraph serve` against it, each on a free loopback port, driven over HTTP with httpx."""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import httpx

CLI = [sys.executable, "-m", "grcgraph.cli"]


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def clean_env() -> dict[str, str]:
    return {k: v for k, v in os.environ.items() if not k.startswith("GRCGRAPH_")}


def oxigraph_binary() -> str | None:
    beside = Path(sys.executable).with_name("oxigraph")
    return str(beside) if beside.is_file() else shutil.which("oxigraph")


def wait_ready(process: subprocess.Popen[bytes], ready: Callable[[], bool], seconds: float, what: str) -> None:
    """Poll `ready` until it is true; fail at once if the process exits, or after `seconds`."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise AssertionError(f"{what} exited: {process.stderr.read().decode() if process.stderr else ''}")
        try:
            if ready():
                return
        except httpx.TransportError:
            pass
        time.sleep(0.1)
    raise AssertionError(f"{what} not ready in {seconds:.0f} s")


def stop(process: subprocess.Popen[bytes]) -> None:
    process.terminate()
    try:
        process.wait(timeout=30)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()


class OxigraphServer:
    """`oxigraph serve` on a directory; stop and start it again on the same port and data."""

    def __init__(self, location: Path) -> None:
        self.location = location
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.process: subprocess.Popen[bytes] | None = None

    def start(self) -> None:
        binary = oxigraph_binary()
        assert binary, "the oxigraph server is installed with the test extra: pip install -e '.[test]'"
        self.process = subprocess.Popen(
            [binary, "serve", "--location", str(self.location), "--bind", f"127.0.0.1:{self.port}"],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        wait_ready(
            self.process, lambda: httpx.post(f"{self.url}/query", data={"query": "ASK {}"}, timeout=1).status_code > 0, 30, "oxigraph serve"
        )

    def stop(self) -> None:
        if self.process is not None:
            stop(self.process)
            self.process = None


def cli(*args: str) -> str:
    result = subprocess.run([*CLI, *args], capture_output=True, text=True, check=False, timeout=300, env=clean_env())
    assert result.returncode == 0, result.stdout + result.stderr
    return result.stdout.strip()


class ApiServer:
    """`grcgraph serve` with the given store arguments (`--data-dir DIR` or `--store URL`), driven
    with `gql` (the whole answer) and `data` (its data, asserting no errors)."""

    def __init__(
        self, *store_args: str, tokens: dict[str, str] | None = None, ready_seconds: float = 120, request_seconds: float = 120
    ) -> None:
        self.store_args = store_args
        self.ready_seconds = ready_seconds
        self.request_seconds = request_seconds
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.process: subprocess.Popen[bytes] | None = None
        self.tokens: dict[str, str] = tokens if tokens is not None else {}

    def start(self) -> None:
        self.process = subprocess.Popen(
            [*CLI, "serve", "--host", "127.0.0.1", "--port", str(self.port), *self.store_args],
            env=clean_env(),
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
        )
        wait_ready(self.process, lambda: httpx.get(f"{self.url}/readyz", timeout=2).status_code == 200, self.ready_seconds, "server")

    def stop(self) -> None:
        if self.process is not None:
            stop(self.process)
            self.process = None

    def gql(self, query: str, variables: dict[str, Any] | None = None, token: str | None = "editor") -> dict[str, Any]:
        headers = {"Authorization": f"Bearer {self.tokens[token]}"} if token else {}
        response = httpx.post(
            f"{self.url}/graphql", json={"query": query, "variables": variables or {}}, headers=headers, timeout=self.request_seconds
        )
        assert response.status_code == 200, response.text
        body: dict[str, Any] = response.json()
        return body

    def data(self, query: str, variables: dict[str, Any] | None = None, token: str | None = "editor") -> dict[str, Any]:
        body = self.gql(query, variables, token)
        assert "errors" not in body, body["errors"]
        result: dict[str, Any] = body["data"]
        return result
