"""A real `grcgraph serve` in a subprocess on a free loopback port, over one data directory, with
API tokens made by `grcgraph token create` before it starts (one process per data directory)."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

import httpx

CLI = [sys.executable, "-m", "grcgraph.cli"]


def cli(*args: str, data_dir: Path, timeout: float = 3600) -> str:
    """Run a grcgraph command over `data_dir`; its standard output, or an error naming the command."""
    result = subprocess.run([*CLI, *args, "--data-dir", str(data_dir)], capture_output=True, text=True, check=False, timeout=timeout)
    if result.returncode != 0:
        raise RuntimeError(f"grcgraph {' '.join(args)} failed: {result.stdout}{result.stderr}")
    return result.stdout.strip()


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


class Server:
    """`grcgraph serve --no-access-log` (as deployed behind a proxy that logs), or `command`, which
    is given the port and data directory as its last two arguments; `env` adds settings."""

    def __init__(self, data_dir: Path, workspace: str, command: Sequence[str] | None = None, env: Mapping[str, str] | None = None) -> None:
        self.data_dir = data_dir
        self.command = list(command) if command is not None else None
        self.env = dict(env or {})
        self.token = cli("token", "create", "--workspace", workspace, "--role", "editor", data_dir=data_dir).splitlines()[-1]
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.process: subprocess.Popen[bytes] | None = None
        self.client = httpx.Client(base_url=self.url, headers={"Authorization": f"Bearer {self.token}"}, timeout=600)

    def __enter__(self) -> Server:
        env = {k: v for k, v in os.environ.items() if not k.startswith("GRCGRAPH_")} | self.env
        serve = [*CLI, "serve", "--host", "127.0.0.1", "--port", str(self.port), "--data-dir", str(self.data_dir), "--no-access-log"]
        self.process = subprocess.Popen(
            serve if self.command is None else [*self.command, str(self.port), str(self.data_dir)],
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        deadline = time.monotonic() + 300
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"grcgraph serve exited with {self.process.returncode}")
            try:
                if httpx.get(f"{self.url}/readyz", timeout=2).status_code == 200:
                    return self
            except httpx.TransportError:
                pass
            time.sleep(0.2)
        raise RuntimeError("grcgraph serve was not ready in 300 s")

    def __exit__(self, *exc: object) -> None:
        self.client.close()
        if self.process is not None:
            self.process.terminate()
            try:
                self.process.wait(timeout=60)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()

    def data(self, query: str, variables: dict[str, Any] | None = None) -> dict[str, Any]:
        """The `data` of a GraphQL answer; any error is raised with the server's message."""
        response = self.client.post("/graphql", json={"query": query, "variables": variables or {}})
        body: dict[str, Any] = response.json()
        if response.status_code != 200 or body.get("errors"):
            raise RuntimeError(f"GraphQL error ({response.status_code}): {body.get('errors')}")
        result: dict[str, Any] = body["data"]
        return result

    def peak_memory(self) -> int:
        """The server process's peak resident memory so far (VmHWM), in bytes."""
        assert self.process is not None
        for line in Path(f"/proc/{self.process.pid}/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) * 1024
        raise RuntimeError("no VmHWM in /proc/<pid>/status")
