"""The processes the benchmarks and the end-to-end tests start, in one way: `grcgraph serve` and
`oxigraph serve` each on a free loopback port (started, waited for, stopped), and grcgraph commands.
Every process gets the environment without `GRCGRAPH_` settings, so only what the caller passes
configures it."""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Mapping
from pathlib import Path
from typing import IO, NoReturn, Self

import httpx

CLI = [sys.executable, "-m", "grcgraph.cli"]


def clean_env() -> dict[str, str]:
    return {k: v for k, v in os.environ.items() if not k.startswith("GRCGRAPH_")}


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def cli(*args: str, data_dir: Path | None = None, timeout: float = 3600, env: Mapping[str, str] | None = None) -> str:
    """Run a grcgraph command (over `data_dir` if given, with `env` settings added); its standard
    output, or an error naming the command."""
    store = ["--data-dir", str(data_dir)] if data_dir is not None else []
    result = subprocess.run(
        [*CLI, *args, *store], capture_output=True, text=True, check=False, timeout=timeout, env=clean_env() | dict(env or {})
    )
    if result.returncode != 0:
        raise RuntimeError(f"grcgraph {' '.join(args)} failed: {result.stdout}{result.stderr}")
    return result.stdout.strip()


class ServerProcess:
    """A server on a free loopback port, kept across restarts. `start` runs `command()` and returns
    once `ready()` is true; if the process exits first, or is not ready in `ready_seconds`, it is
    stopped and the error holds its standard error (a file, so a chatty server never blocks on a
    full pipe). `stop` terminates it, and kills it after `stop_seconds`."""

    name = "server"

    def __init__(self, *, env: Mapping[str, str] | None = None, ready_seconds: float, stop_seconds: float) -> None:
        self.env = dict(env or {})
        self.ready_seconds = ready_seconds
        self.stop_seconds = stop_seconds
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.process: subprocess.Popen[bytes] | None = None
        self.stderr: IO[bytes] | None = None

    def command(self) -> list[str]:
        raise NotImplementedError

    def ready(self) -> bool:
        raise NotImplementedError

    def start(self) -> None:
        self.stderr = tempfile.TemporaryFile()  # noqa: SIM115 - open while the process runs; `stop` closes it
        self.process = subprocess.Popen(self.command(), env=clean_env() | self.env, stdout=subprocess.DEVNULL, stderr=self.stderr)
        deadline = time.monotonic() + self.ready_seconds
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                self.fail(f"exited with {self.process.returncode}")
            try:
                if self.ready():
                    return
            except httpx.TransportError:
                pass
            time.sleep(0.1)
        self.fail(f"was not ready in {self.ready_seconds:.0f} s")

    def fail(self, what: str) -> NoReturn:
        assert self.stderr is not None
        self.stderr.seek(0)
        errors = self.stderr.read().decode(errors="replace")
        self.stop()
        raise RuntimeError(f"{self.name} {what}: {errors}")

    def stop(self) -> None:
        if self.process is not None:
            self.process.terminate()
            try:
                self.process.wait(timeout=self.stop_seconds)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
            self.process = None
        if self.stderr is not None:
            self.stderr.close()
            self.stderr = None

    def __enter__(self) -> Self:
        self.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop()


class GrcgraphServer(ServerProcess):
    """`grcgraph serve` with the given arguments (the store: `--data-dir DIR` or `--store URL`, and
    options), ready when `/readyz` answers 200."""

    name = "grcgraph serve"

    def __init__(self, *args: str, env: Mapping[str, str] | None = None, ready_seconds: float = 120, stop_seconds: float = 30) -> None:
        super().__init__(env=env, ready_seconds=ready_seconds, stop_seconds=stop_seconds)
        self.args = args

    def command(self) -> list[str]:
        return [*CLI, "serve", "--host", "127.0.0.1", "--port", str(self.port), *self.args]

    def ready(self) -> bool:
        return httpx.get(f"{self.url}/readyz", timeout=2).status_code == 200


class StoreServer(ServerProcess):
    """A SPARQL 1.1 store on loopback for the remote-store tests and benchmarks: its URL, the
    `GRCGRAPH_STORE_*` settings that name its endpoints, and a query sent to it directly."""

    engine = "store"
    query_path = "/query"
    update_path = "/update"
    graph_path = "/store"

    def __init__(self, location: Path) -> None:
        super().__init__(ready_seconds=60, stop_seconds=30)
        self.location = location

    @property
    def endpoints(self) -> dict[str, str]:
        """The settings a grcgraph process needs for this store (its environment, or Settings keywords)."""
        return {
            "GRCGRAPH_STORE_QUERY_ENDPOINT": self.url + self.query_path,
            "GRCGRAPH_STORE_UPDATE_ENDPOINT": self.url + self.update_path,
            "GRCGRAPH_STORE_GRAPH_ENDPOINT": self.url + self.graph_path,
        }

    @property
    def endpoint_options(self) -> dict[str, str]:
        """The same as `connect_store` keywords."""
        return {
            "query_endpoint": self.url + self.query_path,
            "update_endpoint": self.url + self.update_path,
            "graph_endpoint": self.url + self.graph_path,
        }

    def select(self, sparql: str) -> list[dict[str, str]]:
        """A SELECT sent straight to the store, bypassing grcgraph: each row's values by variable."""
        answer = httpx.post(
            self.url + self.query_path, data={"query": sparql}, headers={"Accept": "application/sparql-results+json"}, timeout=60
        )
        answer.raise_for_status()
        return [{k: v["value"] for k, v in row.items()} for row in answer.json()["results"]["bindings"]]

    def update(self, sparql: str) -> None:
        """An update sent straight to the store, bypassing grcgraph."""
        httpx.post(self.url + self.update_path, data={"update": sparql}, timeout=60).raise_for_status()


class OxigraphServer(StoreServer):
    """`oxigraph serve` (the `oxigraph` package from PyPI, in the `test` extra) on a directory; stop
    and start it again on the same port and data."""

    name = "oxigraph serve"
    engine = "oxigraph"

    def command(self) -> list[str]:
        beside = Path(sys.executable).with_name("oxigraph")
        binary = str(beside) if beside.is_file() else shutil.which("oxigraph")
        if binary is None:
            raise RuntimeError("the oxigraph server is installed with the test extra: pip install -e '.[test]'")
        # --timeout-s: the store stops a query past it (grcgraph cannot stop one it sent); above the longest own read
        return [binary, "serve", "--location", str(self.location), "--bind", f"127.0.0.1:{self.port}", "--timeout-s", "60"]

    def ready(self) -> bool:
        httpx.post(f"{self.url}/query", data={"query": "ASK {}"}, timeout=1)
        return True  # any answer: the server is up


VIRTUOSO_INI = """[Database]
DatabaseFile = {dir}/virtuoso.db
ErrorLogFile = {dir}/virtuoso.log
LockFile = {dir}/virtuoso.lck
TransactionFile = {dir}/virtuoso.trx
xa_persistent_file = {dir}/virtuoso.pxa
[TempDatabase]
DatabaseFile = {dir}/virtuoso-temp.db
TransactionFile = {dir}/virtuoso-temp.trx
[Parameters]
ServerPort = {sql_port}
DisableUnixSocket = 1
CheckpointInterval = 60
NumberOfBuffers = 20000
MaxDirtyBuffers = 15000
MaxQueryMem = 1G
DirsAllowed = ., {dir}
[HTTPServer]
ServerPort = {port}
ServerRoot = {dir}
ServerThreads = 10
MaxClientConnections = 10
[SPARQL]
ResultSetMaxRows = 1000000
MaxQueryExecutionTime = 60
MaxQueryCostEstimationTime = 0
DefaultQuery = ASK {{}}
"""


class VirtuosoServer(StoreServer):
    """OpenLink Virtuoso 7 (Debian's `virtuoso-opensource-7`: `virtuoso-t`) on a directory of its
    own, its SPARQL endpoint allowed to update (`grant SPARQL_UPDATE to "SPARQL"`, through `isql-vt`),
    as a second store engine for the remote-store tests. Query and update both go to /sparql; the
    Graph Store Protocol is /sparql-graph-crud."""

    name = "virtuoso"
    engine = "virtuoso"
    query_path = update_path = "/sparql"
    graph_path = "/sparql-graph-crud"

    def __init__(self, location: Path) -> None:
        super().__init__(location)
        self.sql_port = free_port()
        self.granted = False

    @staticmethod
    def available() -> bool:
        return shutil.which("virtuoso-t") is not None and shutil.which("isql-vt") is not None

    def command(self) -> list[str]:
        self.location.mkdir(parents=True, exist_ok=True)
        ini = self.location / "virtuoso.ini"
        ini.write_text(VIRTUOSO_INI.format(dir=self.location, sql_port=self.sql_port, port=self.port), encoding="utf-8")
        binary = shutil.which("virtuoso-t")
        if binary is None:
            raise RuntimeError("Virtuoso is Debian's virtuoso-opensource-7 package: apt-get install virtuoso-opensource-7")
        return [binary, "+foreground", "+configfile", str(ini)]

    def ready(self) -> bool:
        answer = httpx.get(f"{self.url}/sparql", params={"query": "ASK {}"}, timeout=2)
        if answer.status_code != 200:
            return False
        if not self.granted:
            isql = shutil.which("isql-vt") or "isql-vt"
            grant = 'grant SPARQL_UPDATE to "SPARQL";'
            done = subprocess.run(
                [isql, str(self.sql_port), "dba", "dba", f"exec={grant}"], capture_output=True, text=True, check=False, timeout=60
            )
            if done.returncode != 0:
                raise RuntimeError(f"isql-vt could not grant SPARQL updates: {done.stdout}{done.stderr}")
            self.granted = True
        return True
