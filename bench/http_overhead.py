"""What HTTP adds to a GraphQL answer: the HTTP floor (a trivial `{ viewer { workspace } }`) and
coverage of one evidence item with paths, p50 and p99, and read throughput with concurrent clients,
for two configurations of the same server over copies of one store, measured in the same run with
their requests interleaved:

- plain: every document parsed and validated on every request, every token looked up in the store
  (`document_cache_size = 0`, `token_cache_seconds = 0`), asyncio's event loop with the h11 parser,
  the access log on, no `gc.freeze`;
- served: `grcgraph serve --no-access-log` with its defaults (checked documents and verified tokens
  cached, uvloop and httptools when installed, startup objects frozen out of the collector's way).

Each figure is printed with its ratio to the plain server, to the HTTP floor and to the same
coverage in process (`GRCGraph.covered`, and the GraphQL query through `schema.execute`, which
separates what GraphQL execution costs from what HTTP costs). The per-request context and DataLoaders are made lazily
in both configurations: that change is not switchable.

Usage (from the repository root): python -m bench.http_overhead [--size 1000] [--samples 500]
"""

from __future__ import annotations

import argparse
import asyncio
import shutil
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import uvicorn

from bench.load import measure as run_load
from bench.run import COVERAGE_QUERY, FLOOR_QUERY, WORKSPACE, build, percentiles, timed
from bench.server import Server
from bench.synthetic import ON, generate
from grcgraph.api import GRCGraph
from grcgraph.model import Role
from grcgraph.server.app import create_app
from grcgraph.server.context import Context, Principal, Registry
from grcgraph.server.schema import build_schema
from grcgraph.server.settings import Settings
from grcgraph.store import open_store

PLAIN_ENV = {"GRCGRAPH_DOCUMENT_CACHE_SIZE": "0", "GRCGRAPH_TOKEN_CACHE_SECONDS": "0"}
PLAIN = [sys.executable, "-m", "bench.http_overhead", "--serve-plain"]


def serve_plain(port: int, data_dir: Path) -> None:
    """The server as configured before: default event loop and parser, access log, nothing frozen."""
    settings = Settings.load(port=port, data_dir=data_dir)
    with open_store(data_dir) as store:
        uvicorn.run(create_app(GRCGraph(store), settings), port=port, loop="asyncio", http="h11", access_log=True, log_level="info")


def measure(
    servers: dict[str, Server], probes: list[str], samples: int, clients: int, seconds: float, work: Path
) -> dict[str, dict[str, float]]:
    """Latencies with the servers' requests interleaved, and loads in alternating slices, so that
    whatever else runs on the machine weighs on every configuration alike."""

    def coverage(server: Server, n: int) -> Any:
        return server.data(COVERAGE_QUERY, {"ids": [probes[n % len(probes)]], "on": ON.isoformat()})

    for server in servers.values():
        for n in range(20):  # warm up: the first requests build per-workspace state and fill the caches
            server.data(FLOOR_QUERY)
            coverage(server, n)
    times: dict[tuple[str, str], list[float]] = {(name, what): [] for name in servers for what in ("floor", "coverage")}
    for n in range(samples):
        for name, server in servers.items():
            began = time.perf_counter()
            server.data(FLOOR_QUERY)
            middle = time.perf_counter()
            coverage(server, n)
            times[name, "floor"].append((middle - began) * 1000)
            times[name, "coverage"].append((time.perf_counter() - middle) * 1000)
    bodies = {
        "coverage": [{"query": COVERAGE_QUERY, "variables": {"ids": [p], "on": ON.isoformat()}} for p in probes],
        "floor": [{"query": FLOOR_QUERY}],
    }
    served = {(name, what): [0.0, 0.0] for name in servers for what in bodies}  # requests, seconds
    slices = 3
    for _ in range(slices):
        for what, body in bodies.items():
            for name, server in servers.items():
                load = run_load(server.url, server.token, body, clients=clients, seconds=seconds / slices, work=work)
                if load["errors"]:
                    raise RuntimeError(f"{load['errors']} failed requests under load ({name}, {what})")
                served[name, what][0] += load["requests"]
                served[name, what][1] += load["seconds"]
    results: dict[str, dict[str, float]] = {}
    for name in servers:
        f50, f99 = percentiles(times[name, "floor"])
        c50, c99 = percentiles(times[name, "coverage"])
        results[name] = {
            "floor p50": f50,
            "floor p99": f99,
            "coverage p50": c50,
            "coverage p99": c99,
            "coverage req/s": served[name, "coverage"][0] / served[name, "coverage"][1],
            "floor req/s": served[name, "floor"][0] / served[name, "floor"][1],
        }
    return results


def executed(g: GRCGraph, probes: list[str], samples_wanted: int) -> list[float]:
    """The same GraphQL coverage query run in process through the schema (no HTTP): what the
    resolvers and GraphQL execution cost, each request with its own context, as the server makes."""
    settings = Settings()
    schema, registry = build_schema(settings), Registry(g)
    caller = Principal(WORKSPACE, Role.reader, None)

    async def run() -> list[float]:
        samples = []
        for n in range(samples_wanted + 1):  # the first run warms up
            began = time.perf_counter()
            context = Context(registry, settings, lambda: (caller, None))
            variables = {"ids": [probes[n % len(probes)]], "on": ON.isoformat()}
            result = await schema.execute(COVERAGE_QUERY, variable_values=variables, context_value=context)
            if result.errors:
                raise RuntimeError(f"GraphQL errors: {result.errors}")
            samples.append((time.perf_counter() - began) * 1000)
        return samples[1:]

    return asyncio.run(run())


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--size", type=int, default=1000, help="evidence items in the organisation (default 1000)")
    parser.add_argument("--samples", type=int, default=500, help="sequential requests per latency figure")
    parser.add_argument("--clients", type=int, default=8)
    parser.add_argument("--seconds", type=float, default=5.0, help="length of each throughput load")
    parser.add_argument("--serve-plain", nargs=2, metavar=("PORT", "DATA_DIR"), help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.serve_plain:
        serve_plain(int(args.serve_plain[0]), Path(args.serve_plain[1]))
        return 0

    with tempfile.TemporaryDirectory(prefix="grcgraph-http-") as tmp:
        work = Path(tmp)
        with GRCGraph.open() as g:
            org = generate(g.to_networkx(), args.size)
        data_dir = work / "store"
        build(org, data_dir)
        probes = [item["id"] for item in org.evidence[:50]]
        with GRCGraph.open(data_dir, workspace=WORKSPACE) as g:
            g.covered([probes[0]], on=ON)
            i50, i99 = percentiles(timed(lambda n: g.covered([probes[n % len(probes)]], on=ON), args.samples))
            e50, e99 = percentiles(executed(g, probes, args.samples))
        copy = work / "store-plain"  # one server per store directory: the plain one reads a copy
        shutil.copytree(data_dir, copy)
        with (
            Server(copy, WORKSPACE, command=PLAIN, env=PLAIN_ENV) as plain_server,
            Server(data_dir, WORKSPACE) as served_server,
        ):
            results = measure({"plain": plain_server, "served": served_server}, probes, args.samples, args.clients, args.seconds, work)

    plain, served = results["plain"], results["served"]
    print(
        f"HTTP overhead, {args.size:,} evidence items, {args.samples} sequential requests per latency, {args.clients} clients x {args.seconds:g} s\n"
    )
    print("| figure | plain | served | served vs plain |")
    print("|---|---:|---:|---:|")
    for key in plain:
        unit = "req/s" if key.endswith("req/s") else "ms"
        ratio = served[key] / plain[key] if unit == "req/s" else plain[key] / served[key]
        print(f"| {key} | {plain[key]:,.2f} {unit} | {served[key]:,.2f} {unit} | {ratio:,.1f}x better |")
    print(f"| coverage in process (GRCGraph.covered) p50 / p99 | {i50:.2f} / {i99:.2f} ms | | |")
    print(f"| coverage query in process (schema.execute, no HTTP) p50 / p99 | {e50:.2f} / {e99:.2f} ms | | |")
    print()
    for name, row in results.items():
        print(
            f"{name}: coverage over HTTP p50 = {row['coverage p50'] / row['floor p50']:.2f}x the HTTP floor, "
            f"{row['coverage p50'] / i50:.1f}x GRCGraph.covered; HTTP adds {row['coverage p50'] - e50:.2f} ms at p50 to the query run through schema.execute"
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
