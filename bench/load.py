"""Read load over HTTP from its own process: CLIENTS concurrent clients (asyncio + httpx, one
connection each) send GraphQL queries for SECONDS and report completed requests per second.

Usage: python bench/load.py URL TOKEN --clients 8 --seconds 10 --query-file Q.json
where Q.json is a list of {"query": ..., "variables": ...} bodies, sent round-robin.
Prints one JSON object: requests, errors, seconds, per_second, p50_ms, p99_ms.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import statistics
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import httpx


async def client(url: str, token: str, bodies: list[dict[str, Any]], offset: int, until: float, samples: list[float]) -> int:
    errors = 0
    async with httpx.AsyncClient(base_url=url, headers={"Authorization": f"Bearer {token}"}, timeout=60) as http:
        n = offset
        while time.perf_counter() < until:
            start = time.perf_counter()
            response = await http.post("/graphql", json=bodies[n % len(bodies)])
            if response.status_code != 200 or "errors" in response.json():
                errors += 1
            samples.append(time.perf_counter() - start)
            n += 1
    return errors


async def run(url: str, token: str, bodies: list[dict[str, Any]], clients: int, seconds: float) -> dict[str, float]:
    samples: list[float] = []
    start = time.perf_counter()
    until = start + seconds
    errors = await asyncio.gather(*(client(url, token, bodies, i * 7, until, samples) for i in range(clients)))
    elapsed = time.perf_counter() - start
    ordered = sorted(samples)
    return {
        "requests": len(samples),
        "errors": sum(errors),
        "seconds": elapsed,
        "per_second": len(samples) / elapsed,
        "p50_ms": statistics.median(ordered) * 1000 if ordered else 0.0,
        "p99_ms": ordered[int(0.99 * (len(ordered) - 1))] * 1000 if ordered else 0.0,
    }


def measure(url: str, token: str, bodies: list[dict[str, Any]], *, clients: int, seconds: float, work: Path) -> dict[str, float]:
    """Run this load in its own process (so that the clients' CPU is not the measuring process's)."""
    file = work / f"load-{abs(hash(json.dumps(bodies, sort_keys=True)))}.json"
    file.write_text(json.dumps(bodies), encoding="utf-8")
    command = [sys.executable, str(Path(__file__).resolve()), url, token, "--clients", str(clients), "--seconds", str(seconds)]
    out = subprocess.run([*command, "--query-file", str(file)], capture_output=True, text=True, check=True).stdout
    result: dict[str, float] = json.loads(out)
    return result


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("url")
    parser.add_argument("token")
    parser.add_argument("--clients", type=int, default=8)
    parser.add_argument("--seconds", type=float, default=10.0)
    parser.add_argument("--query-file", type=Path, required=True)
    args = parser.parse_args()
    bodies = json.loads(args.query_file.read_text(encoding="utf-8"))
    print(json.dumps(asyncio.run(run(args.url, args.token, bodies, args.clients, args.seconds))))
    return 0


if __name__ == "__main__":
    sys.exit(main())
