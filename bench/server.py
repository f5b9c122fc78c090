"""The benchmarks' `grcgraph serve`: over one data directory, with an editor's API token made by
`grcgraph token create` before it starts (one process per data directory), and its peak memory."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

import httpx

from bench.processes import GrcgraphServer, cli

__all__ = ["Server", "cli"]


class Server(GrcgraphServer):
    """`grcgraph serve --no-access-log` (as deployed behind a proxy that logs), or `command`, which
    is given the port and data directory as its last two arguments; `env` adds settings."""

    def __init__(self, data_dir: Path, workspace: str, command: Sequence[str] | None = None, env: Mapping[str, str] | None = None) -> None:
        super().__init__("--data-dir", str(data_dir), "--no-access-log", env=env, ready_seconds=300, stop_seconds=60)
        self.data_dir = data_dir
        self.other = list(command) if command is not None else None
        self.token = cli("token", "create", "--workspace", workspace, "--role", "editor", data_dir=data_dir).splitlines()[-1]
        self.client = httpx.Client(base_url=self.url, headers={"Authorization": f"Bearer {self.token}"}, timeout=600)

    def command(self) -> list[str]:
        return super().command() if self.other is None else [*self.other, str(self.port), str(self.data_dir)]

    def __exit__(self, *exc: object) -> None:
        self.client.close()
        super().__exit__(*exc)

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
