"""A soak of a real server under a mixed load, beside the read-only load in the same run: CLIENTS
concurrent clients (50) for SECONDS each, 90% reads (coverage of one item, a gap report page, a
requirement with its crosswalk) and 10% writes (createEvidence with one link), at each size of
organisation; then the same clients with reads only. Per load: requests per second, errors, p50, p99
and maximum latency of reads and of writes, and the server's resident memory sampled every few
seconds (first, last, peak, and the growth from the first sample of the second half to the last).

The clients run in a process of their own (asyncio + httpx, one connection each), so their CPU is
not the server's; on a 2-core machine they still share the cores with it, as do the figures.

Usage (from the repository root): python -m bench.soak [--sizes 1000,100000] [--seconds 30] [--clients 50]
"""

from __future__ import annotations

import argparse
import asyncio
import json
import random
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path
from typing import Any

import httpx

from bench.run import COVERAGE_QUERY, ON, WORKSPACE, WRITE_MUTATION, build
from bench.server import Server
from bench.synthetic import generate
from grcgraph.api import GRCGraph

GAPS_PAGE = (
    """query { gaps(framework: "iso42001", first: 50) { totalCount edges { node { requirement { id: localId } status evidence } } } }"""
)
REQUIREMENT = """query { requirement(id: "Art. 12(1)") { id: localId title mappings { predicate object { id: localId } } } }"""


async def _client(
    url: str,
    token: str,
    probes: list[str],
    write_share: float,
    until: float,
    seed: int,
    out: dict[str, list[float]],
    reasons: dict[str, int],
) -> int:
    rng = random.Random(seed)
    errors = 0
    async with httpx.AsyncClient(base_url=url, headers={"Authorization": f"Bearer {token}"}, timeout=60) as http:
        n = 0
        while time.perf_counter() < until:
            n += 1
            if rng.random() < write_share:
                kind = "write"
                body: dict[str, Any] = {
                    "query": WRITE_MUTATION,
                    "variables": {
                        "input": {
                            "id": f"soak-{seed}-{n}-{rng.randrange(10**9)}",
                            "title": f"Soak write {n}",
                            "kind": "LOG",
                            "links": [{"requirement": "A.6.2.8", "assertedBy": "soak@example.org"}],
                        }
                    },
                }
            else:
                kind = "read"
                choice = rng.randrange(3)
                if choice == 0:
                    body = {"query": COVERAGE_QUERY, "variables": {"ids": [rng.choice(probes)], "on": ON.isoformat()}}
                else:
                    body = {"query": GAPS_PAGE if choice == 1 else REQUIREMENT}
            start = time.perf_counter()
            try:
                response = await http.post("/graphql", json=body)
                failed = response.status_code != 200 or bool(response.json().get("errors"))
                if failed:
                    reasons[f"{response.status_code} {response.text[:120]}"] = (
                        reasons.get(f"{response.status_code} {response.text[:120]}", 0) + 1
                    )
            except (httpx.HTTPError, ValueError) as error:
                failed = True
                reasons[type(error).__name__] = reasons.get(type(error).__name__, 0) + 1
            out[kind].append(time.perf_counter() - start)
            errors += failed
    return errors


async def _load(url: str, token: str, probes: list[str], clients: int, seconds: float, write_share: float) -> dict[str, Any]:
    out: dict[str, list[float]] = {"read": [], "write": []}
    reasons: dict[str, int] = {}
    start = time.perf_counter()
    until = start + seconds
    errors = await asyncio.gather(*(_client(url, token, probes, write_share, until, i, out, reasons) for i in range(clients)))
    elapsed = time.perf_counter() - start
    result: dict[str, Any] = {"seconds": elapsed, "errors": sum(errors), "requests": sum(len(v) for v in out.values()), "reasons": reasons}
    for kind, samples in out.items():
        ordered = sorted(samples)
        result[kind] = {
            "count": len(ordered),
            "p50_ms": statistics.median(ordered) * 1000 if ordered else None,
            "p99_ms": ordered[int(0.99 * (len(ordered) - 1))] * 1000 if ordered else None,
            "max_ms": ordered[-1] * 1000 if ordered else None,
        }
    return result


def rss(pid: int) -> int:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) * 1024
    return 0


def measure(server: Server, probes: list[str], clients: int, seconds: float, write_share: float, work: Path) -> dict[str, Any]:
    """One load from a client process, with the server's memory sampled meanwhile."""
    assert server.process is not None
    pid = server.process.pid
    probe_file = work / "probes.json"
    probe_file.write_text(json.dumps(probes), encoding="utf-8")
    memory: list[tuple[float, int]] = []
    done = threading.Event()

    def sample() -> None:
        began = time.perf_counter()
        while not done.is_set():
            memory.append((time.perf_counter() - began, rss(pid)))
            done.wait(max(1.0, seconds / 30))

    sampler = threading.Thread(target=sample)
    sampler.start()
    command = [sys.executable, "-m", "bench.soak", "--client", server.url, server.token, str(probe_file)]
    command += ["--clients", str(clients), "--seconds", str(seconds), "--write-share", str(write_share)]
    try:
        done_client = subprocess.run(command, capture_output=True, text=True, check=False, timeout=seconds + 300)
    finally:
        done.set()
        sampler.join()
    if done_client.returncode != 0:
        raise RuntimeError(f"the load's clients failed: {done_client.stderr[-3000:]}")
    out = done_client.stdout
    result: dict[str, Any] = json.loads(out)
    values = [m for _, m in memory]
    half = values[len(values) // 2 :] or values
    result["memory"] = {
        "first_mib": values[0] / 2**20,
        "last_mib": values[-1] / 2**20,
        "peak_mib": max(values) / 2**20,
        "second_half_growth_pct": (half[-1] - half[0]) / half[0] * 100 if half and half[0] else 0.0,
        "samples": [(round(t, 1), round(m / 2**20, 1)) for t, m in memory],
    }
    return result


def run_size(size: int, clients: int, seconds: float, work: Path) -> list[tuple[str, dict[str, Any]]]:
    with GRCGraph.open() as g:
        org = generate(g.to_networkx(), size)
    data_dir = work / f"store-{size}"
    build(org, data_dir)
    probes = [item["id"] for item in org.evidence[:200]]
    rows = []
    with Server(data_dir, WORKSPACE) as server:
        server.data(GAPS_PAGE)  # the report and link index, built once before the loads
        server.data(REQUIREMENT)
        for name, share in (("reads only", 0.0), ("90% reads, 10% writes", 0.1)):
            print(f"  {size:,} items: {name}, {clients} clients, {seconds:g} s", file=sys.stderr, flush=True)
            rows.append((f"{name}, {size:,} items", measure(server, probes, clients, seconds, share, work)))
    return rows


def _ms(value: float | None) -> str:
    return "-" if value is None else f"{value:,.0f}"


def render(rows: list[tuple[str, dict[str, Any]]], clients: int) -> str:
    lines = [
        f"| load ({clients} clients) | req/s | errors | read p50 | read p99 | read max | write p50 | write p99 | write max "
        "| memory first -> last (peak), MiB | 2nd-half growth |",
        "|---|---:|---:|---:|---:|---:|---:|---:|---:|---|---:|",
    ]
    for name, r in rows:
        m = r["memory"]
        lines.append(
            f"| {name} | {r['requests'] / r['seconds']:,.0f} | {r['errors']} | {_ms(r['read']['p50_ms'])} ms | {_ms(r['read']['p99_ms'])} ms "
            f"| {_ms(r['read']['max_ms'])} ms | {_ms(r['write']['p50_ms'])} ms | {_ms(r['write']['p99_ms'])} ms | {_ms(r['write']['max_ms'])} ms "
            f"| {m['first_mib']:.0f} -> {m['last_mib']:.0f} ({m['peak_mib']:.0f}) | {m['second_half_growth_pct']:+.1f}% |"
        )
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="1000,100000", help="organisation sizes, comma-separated")
    parser.add_argument("--seconds", type=float, default=30.0, help="length of each load")
    parser.add_argument("--clients", type=int, default=50)
    parser.add_argument("--write-share", type=float, default=0.1, help=argparse.SUPPRESS)
    parser.add_argument("--client", nargs=3, metavar=("URL", "TOKEN", "PROBES"), help=argparse.SUPPRESS)
    parser.add_argument("--json", type=Path, help="also write every figure and memory sample here")
    args = parser.parse_args(argv)
    if args.client:
        url, token, probe_file = args.client
        probes = json.loads(Path(probe_file).read_text(encoding="utf-8"))
        print(json.dumps(asyncio.run(_load(url, token, probes, args.clients, args.seconds, args.write_share))))
        return 0
    rows: list[tuple[str, dict[str, Any]]] = []
    with tempfile.TemporaryDirectory(prefix="grcgraph-soak-") as tmp:
        for size in (int(s) for s in args.sizes.split(",")):
            rows += run_size(size, args.clients, args.seconds, Path(tmp))
    print(render(rows, args.clients))
    if args.json:
        args.json.write_text(json.dumps(dict(rows), indent=1), encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
