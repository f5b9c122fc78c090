"""Platform scale: many workspaces on one server, one very large workspace, and repeated questions,
each figure beside a baseline measured in the same run (bench/README.md, docs/performance.md).

- workspaces: W workspaces of N items (full: 1,000 of 1,000) in one store, one `grcgraph serve`.
  Ready after start (baseline: the same server over a store holding only the reference graph);
  then a load that touches every workspace in a shuffled order: the first coverage request to the
  cold workspace, its first gap report page (its link index read from the store), then warm
  coverage requests of other items; peak memory over the load (baseline: the server's memory once
  ready). Latencies beside the HTTP floor (`{ viewer { workspace } }`, same server and token check).
- million: one workspace built to M items (full: 1,000,000) with `grcgraph evidence import` in
  files of 100,000, stopped before a file that would end past the time budget (the size reached is
  printed): validated import rate (baseline: pyshacl over a sample of 1,000 items), coverage p50 and
  p99 over HTTP, the first gap report after start (a full index build) and the gap report after a
  write, and memory (VmHWM), beside the HTTP floor and the server's memory once ready.
- repeated: the same coverage question asked again and again through one server, p50 beside the
  HTTP floor of the same server, and read throughput of 8 clients beside the trivial query's; the
  same with the response cache off (`GRCGRAPH_RESPONSE_CACHE_MB=0`), as the figure before it.

Every answer is checked before a figure is printed: coverage over HTTP against `GRCGraph.covered`
in process for the same item (the store opened between server runs), gap reports for totals.

Usage (from the repository root): python -m bench.scale [--quick] [--only workspaces,million,repeated]
[--budget SECONDS] [--work DIR]. `--quick` (CI-sized): 50 workspaces of 200 items, 20,000 items.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import random
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import httpx
import networkx as nx

from bench.load import measure as run_load
from bench.run import (
    COVERAGE_QUERY,
    FLOOR_QUERY,
    Figure,
    MismatchError,
    baseline_graph,
    engine_notation,
    machine,
    percentiles,
    render,
    shacl_baseline,
)
from bench.server import Server, cli
from bench.synthetic import ON, generate
from grcgraph.api import GRCGraph

GAPS_PAGE = """query($on: Date) { gaps(framework: "iso42001", on: $on, first: 100) { totalCount
  edges { node { requirement { id: localId } status evidence } } summary { status count } } }"""
WRITE = """mutation($input: CreateEvidenceInput!) { createEvidence(input: $input) { id: localId } }"""
MIB = 2**20
RESULTS = Path(__file__).resolve().parent / "results"
BIG = "big"  # the million mode's workspace


class Caller:
    """HTTP requests to one server, each with the token of the workspace asked."""

    def __init__(self, server: Server) -> None:
        self.http = httpx.Client(base_url=server.url, timeout=600)

    def ask(self, token: str, query: str, variables: dict[str, Any] | None = None) -> tuple[dict[str, Any], float]:
        """The answer's `data`, and the request's wall time in ms."""
        began = time.perf_counter()
        response = self.http.post(
            "/graphql", json={"query": query, "variables": variables or {}}, headers={"Authorization": f"Bearer {token}"}
        )
        elapsed = (time.perf_counter() - began) * 1000
        body: dict[str, Any] = response.json()
        if response.status_code != 200 or body.get("errors"):
            raise RuntimeError(f"GraphQL error ({response.status_code}): {body.get('errors')}")
        return body["data"], elapsed

    def close(self) -> None:
        self.http.close()


def without_systems(items: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """The items with links for no AI system (the many-workspace mode creates no systems)."""
    return [item | {"links": [{k: v for k, v in link.items() if k != "system"} for link in item["links"]]} for item in items]


def covered_ids(data: dict[str, Any]) -> dict[str, str]:
    return {row["requirement"]["id"]: engine_notation(row["coverage"]) for row in data["coverage"]}


def in_process_coverage(g: GRCGraph, evidence_id: str) -> dict[str, str]:
    covered = g.covered([evidence_id], on=ON)
    return {row.requirement.curie: row.covered.status for row in g.coverage_rows(covered)}


def memory_of(server: Server) -> float:
    return server.peak_memory() / MIB


# --- many workspaces ----------------------------------------------------------------------------
def build_workspaces(data_dir: Path, network: nx.MultiDiGraph, count: int, size: int, budget: float) -> tuple[dict[str, str], float]:
    """`count` workspaces of `size` items each (fewer if the budget runs out), imported in process
    through the facade; a reader token for each. The tokens, and the seconds the imports took.
    Workspaces already in the store (`--work` kept from an earlier run) are kept, not imported again."""
    cli("load", data_dir=data_dir)
    tokens: dict[str, str] = {}
    began = time.perf_counter()
    imported = 0
    with GRCGraph.open(data_dir) as g:
        for n in range(count):
            name = f"org-{n:04d}"
            if len(g.with_workspace(name).evidence_ids()) == size:
                tokens[name] = g.create_token(name, "reader")
                continue
            elapsed = time.perf_counter() - began
            if imported and elapsed + elapsed / imported > budget:
                break
            file = data_dir.parent / "workspace.json"
            file.write_text(json.dumps(without_systems(generate(network, size, seed=10_000 + n).evidence)), encoding="utf-8")
            g.with_workspace(name).import_evidence(file)
            imported += 1
            tokens[name] = g.create_token(name, "reader")
            if n % 50 == 49:
                print(f"  {n + 1:,} workspaces of {size:,} items in {time.perf_counter() - began:,.0f} s", file=sys.stderr, flush=True)
    return tokens, time.perf_counter() - began


def ready_seconds(data_dir: Path, workspace: str, env: dict[str, str] | None = None) -> tuple[Server, float]:
    server = Server(data_dir, workspace, env=env)
    began = time.perf_counter()
    server.start()
    return server, time.perf_counter() - began


def many_workspaces(work: Path, count: int, size: int, budget: float, warm: int) -> tuple[list[Figure], list[str]]:
    data_dir, empty = work / "workspaces", work / "empty"
    with GRCGraph.open(None) as g:
        network = g.to_networkx()
        rows = len(g.gap_rows("iso42001", on=ON))
    tokens, built = build_workspaces(data_dir, network, count, size, budget)
    names = list(tokens)
    notes = [f"{len(names):,} workspaces of {size:,} items ({len(names) * size:,} items), imported in process ({built:,.0f} s in this run)"]
    cli("load", data_dir=empty)
    base_server, base_ready = ready_seconds(empty, "default")
    base_memory = memory_of(base_server)
    base_server.stop()
    server, ready = ready_seconds(data_dir, names[0])
    at_ready = memory_of(server)
    caller = Caller(server)
    cold, first_gaps, warm_samples, floor = [], [], [], []
    rng = random.Random(7)
    order = names[:]
    rng.shuffle(order)
    probes: dict[str, str] = {}
    try:
        for name in order:
            token = tokens[name]
            probe = f"ev-{rng.randrange(size):06d}"
            data, ms = caller.ask(token, COVERAGE_QUERY, {"ids": [probe], "on": ON.isoformat()})
            cold.append(ms)
            probes[name] = probe
            if not data["coverage"]:
                raise MismatchError(f"{name}: coverage of {probe} is empty")
            report, ms = caller.ask(token, GAPS_PAGE, {"on": ON.isoformat()})
            first_gaps.append(ms)
            if report["gaps"]["totalCount"] != rows:
                raise MismatchError(f"{name}: a gap report of {report['gaps']['totalCount']} rows")
            for k in range(warm):
                floor.append(caller.ask(token, FLOOR_QUERY)[1])
                item = f"ev-{(int(probe[3:]) + 1 + k) % size:06d}"  # another item each time: not a repeated question
                warm_samples.append(caller.ask(token, COVERAGE_QUERY, {"ids": [item], "on": ON.isoformat()})[1])
        peak = memory_of(server)
        checked = rng.sample(order, min(5, len(order)))
        answers = {
            name: covered_ids(caller.ask(tokens[name], COVERAGE_QUERY, {"ids": [probes[name]], "on": ON.isoformat()})[0])
            for name in checked
        }
    finally:
        caller.close()
        server.stop()
    with GRCGraph.open(data_dir) as g:
        for name in checked:
            ours = in_process_coverage(g.with_workspace(name), probes[name])
            if ours != answers[name]:
                raise MismatchError(f"{name}: coverage of {probes[name]} over HTTP differs from in process")
    floor_p50, floor_p99 = percentiles(floor)
    warm_p50, warm_p99 = percentiles(warm_samples)
    cold_p50, cold_p99 = percentiles(cold)
    gaps_p50, gaps_p99 = percentiles(first_gaps)
    label = f"{len(names):,} workspaces of {size:,}"
    figures = [
        Figure(
            f"ready after start, {label}", ready, base_ready, "s", "the same server over the reference graph alone", "<= 3 s", ready <= 3
        ),
        Figure(
            f"peak memory (VmHWM), a load touching every workspace, {label}",
            peak,
            at_ready,
            "MiB",
            "the same server once ready",
            "<= 1 GiB",
            peak <= 1024,
        ),
        Figure(
            f"coverage of one item, HTTP, p50, warm workspace, {label}",
            warm_p50,
            floor_p50,
            "ms",
            "HTTP floor p50, same server",
            "<= 5 ms",
            warm_p50 <= 5,
        ),
        Figure(f"coverage of one item, HTTP, p99, warm workspace, {label}", warm_p99, floor_p99, "ms", "HTTP floor p99, same server"),
        Figure(
            f"coverage, HTTP, first request to a cold workspace, p50, {label}",
            cold_p50,
            floor_p50,
            "ms",
            "HTTP floor p50, same server",
            "<= 250 ms",
            cold_p50 <= 250,
        ),
        Figure(
            f"coverage, HTTP, first request to a cold workspace, p99, {label}",
            cold_p99,
            floor_p99,
            "ms",
            "HTTP floor p99, same server",
            "<= 250 ms",
            cold_p99 <= 250,
        ),
        Figure(
            f"gaps iso42001 first page, HTTP, first report in a cold workspace, p50, {label}",
            gaps_p50,
            floor_p50,
            "ms",
            "HTTP floor p50, same server",
        ),
        Figure(
            f"gaps iso42001 first page, HTTP, first report in a cold workspace, p99, {label}",
            gaps_p99,
            floor_p99,
            "ms",
            "HTTP floor p99, same server",
        ),
    ]
    notes.append(f"the server over the reference graph alone: ready in {base_ready:.2f} s, {base_memory:,.0f} MiB once ready")
    notes.append(f"index budget: the default `index_memory_mb` (512 MiB); {len(order) * (2 + 2 * warm):,} requests in the load")
    return figures, notes


# --- repeated questions ---------------------------------------------------------------------------
def repeated(work: Path, size: int, samples: int, seconds: float) -> tuple[list[Figure], list[str]]:
    """One workspace of `size` items; the same few coverage questions asked over and over, with the
    response cache (the default) and without it (the same store, the server restarted)."""
    data_dir = work / "repeated"
    with GRCGraph.open(None) as g:
        network = g.to_networkx()
    cli("load", data_dir=data_dir)
    with GRCGraph.open(data_dir, workspace="repeated") as g:
        file = work / "repeated.json"
        file.write_text(json.dumps(without_systems(generate(network, size, seed=5).evidence)), encoding="utf-8")
        g.import_evidence(file)
        token = g.create_token("repeated", "reader")
        probes = [f"ev-{n:06d}" for n in range(0, size, max(1, size // 4))][:4]
        expected = {probe: in_process_coverage(g, probe) for probe in probes}
    figures: list[Figure] = []
    notes: list[str] = []
    for label, env in (("response cache on", {}), ("response cache off", {"GRCGRAPH_RESPONSE_CACHE_MB": "0"})):
        server = Server(data_dir, "repeated", env=env)
        server.start()
        caller = Caller(server)
        try:
            for probe in probes:
                for _ in range(3):  # the second answer is kept, the third comes from the cache
                    got = covered_ids(caller.ask(token, COVERAGE_QUERY, {"ids": [probe], "on": ON.isoformat()})[0])
                    if got != expected[probe]:
                        raise MismatchError(f"coverage of {probe} over HTTP ({label}) differs from in process")
                    caller.ask(token, FLOOR_QUERY)
            floor, coverage = [], []
            for n in range(samples):
                floor.append(caller.ask(token, FLOOR_QUERY)[1])
                coverage.append(caller.ask(token, COVERAGE_QUERY, {"ids": [probes[n % len(probes)]], "on": ON.isoformat()})[1])
            bodies = [{"query": COVERAGE_QUERY, "variables": {"ids": [p], "on": ON.isoformat()}} for p in probes]
            loads = {"coverage": [], "floor": []}  # type: dict[str, list[dict[str, float]]]
            for _ in range(2):  # alternating slices: whatever else runs weighs on both alike
                loads["floor"].append(run_load(server.url, token, [{"query": FLOOR_QUERY}], clients=8, seconds=seconds, work=work))
                loads["coverage"].append(run_load(server.url, token, bodies, clients=8, seconds=seconds, work=work))
        finally:
            caller.close()
            server.stop()
        floor_p50, _ = percentiles(floor)
        cov_p50, cov_p99 = percentiles(coverage)
        per_second = {k: statistics.mean(x["per_second"] for x in v) for k, v in loads.items()}
        errors = sum(x["errors"] for v in loads.values() for x in v)
        if errors:
            raise MismatchError(f"{errors} requests of the load ({label}) answered an error")
        on = label.endswith("on")
        ratio = cov_p50 / floor_p50
        share = per_second["coverage"] / per_second["floor"]
        figures += [
            Figure(
                f"coverage of one item, HTTP, p50, repeated question, {label}, {size:,}",
                cov_p50,
                floor_p50,
                "ms",
                f"HTTP floor p50, same server ({ratio:.2f}x the floor)",
                "<= 1.5x floor" if on else "",
                ratio <= 1.5 if on else None,
            ),
            Figure(f"coverage of one item, HTTP, p99, repeated question, {label}, {size:,}", cov_p99, None, "ms", "-"),
            Figure(
                f"read throughput, coverage, 8 clients, repeated questions, {label}, {size:,}",
                per_second["coverage"],
                per_second["floor"],
                "req/s",
                f"same load on the trivial query ({share:.0%} of it)",
                ">= 70% of floor" if on else "",
                share >= 0.7 if on else None,
            ),
        ]
    notes.append(
        f"repeated questions: {len(probes)} coverage questions in rotation, {samples} samples each way, loads of 2 x {seconds:g} s"
    )
    return figures, notes


# --- one very large workspace ----------------------------------------------------------------------
def million(work: Path, size: int, chunk: int, budget: float, samples: int) -> tuple[list[Figure], list[str]]:
    data_dir = work / "million"
    with GRCGraph.open(None) as g:
        network = g.to_networkx()
    systems = generate(network, chunk, seed=1).systems  # every chunk of `chunk` items names these systems
    cli("load", data_dir=data_dir)
    with GRCGraph.open(data_dir, workspace=BIG) as g:
        for s in systems:
            g.add_system(s.id, s.name, s.roles, s.category, generative=s.generative)
        token = g.create_token(BIG, "editor")
    imported, elapsed, last_rate = 0, 0.0, 0.0
    for start in range(0, size, chunk):
        if imported and elapsed + chunk * elapsed / imported > budget:
            break
        items = generate(network, chunk, seed=100 + start // chunk).evidence
        for n, item in enumerate(items):
            item["id"] = f"ev-{start + n:07d}"
        file = work / "chunk.json"
        file.write_text(json.dumps(items), encoding="utf-8")
        began = time.perf_counter()
        cli("evidence", "import", str(file), "--workspace", BIG, data_dir=data_dir)
        took = time.perf_counter() - began
        elapsed += took
        imported += len(items)
        last_rate = len(items) / took
        print(f"  imported {imported:,} of {size:,} items in {elapsed:,.0f} s", file=sys.stderr, flush=True)
    rate = imported / elapsed
    with GRCGraph.open(None, workspace="sample") as sample:  # the pyshacl baseline over 1,000 of the same items
        for s in systems:
            sample.add_system(s.id, s.name, s.roles, s.category, generative=s.generative)
        items = generate(network, chunk, seed=100).evidence[:1000]
        for n, item in enumerate(items):
            item["id"] = f"ev-{n:06d}"
        file = work / "sample.json"
        file.write_text(json.dumps(items), encoding="utf-8")
        sample.import_evidence(file)
        base_rate = shacl_baseline(sample, baseline_graph(sample), 1000)
    probes = [f"ev-{n:07d}" for n in random.Random(3).sample(range(imported), 20)]
    with GRCGraph.open(data_dir, workspace=BIG) as g:
        expected = {probe: in_process_coverage(g, probe) for probe in probes[:3]}
    server, _ready = ready_seconds(data_dir, BIG)
    at_ready = memory_of(server)
    caller = Caller(server)
    try:
        for probe in probes[:3]:
            if covered_ids(caller.ask(token, COVERAGE_QUERY, {"ids": [probe], "on": ON.isoformat()})[0]) != expected[probe]:
                raise MismatchError(f"coverage of {probe} over HTTP differs from in process")
        floor, coverage = [], []
        for n in range(samples):
            floor.append(caller.ask(token, FLOOR_QUERY)[1])
            # Each sample a question not asked before (an item and a date), so no answer comes from the response cache.
            variables = {"ids": [probes[n % len(probes)]], "on": (ON - dt.timedelta(days=n // len(probes))).isoformat()}
            coverage.append(caller.ask(token, COVERAGE_QUERY, variables)[1])
        first, first_ms = caller.ask(token, GAPS_PAGE, {"on": ON.isoformat()})
        after_write = []
        for n in range(5):
            link = {"requirement": "A.6.2.8", "assertedBy": "bench@example.org"}
            caller.ask(token, WRITE, {"input": {"id": f"scale-write-{n}", "title": "Written", "kind": "LOG", "links": [link]}})
            report, ms = caller.ask(token, GAPS_PAGE, {"on": ON.isoformat()})
            after_write.append(ms)
            if report["gaps"]["totalCount"] != first["gaps"]["totalCount"]:
                raise MismatchError("the gap report after a write has another number of rows")
        peak = memory_of(server)
    finally:
        caller.close()
        server.stop()
    floor_p50, floor_p99 = percentiles(floor)
    cov_p50, cov_p99 = percentiles(coverage)
    write_p50, _ = percentiles(after_write)
    label = f"{imported:,} items in one workspace"
    figures = [
        Figure(
            f"bulk import, validated, {label}, files of {chunk:,} (CLI)",
            rate,
            base_rate,
            "items/s",
            "pyshacl over a sample of 1,000 items",
            ">= 5,000/s",
            rate >= 5000,
        ),
        Figure(
            f"bulk import, validated, the last file of {chunk:,} (CLI), {label}",
            last_rate,
            base_rate,
            "items/s",
            "pyshacl over a sample of 1,000 items",
        ),
        Figure(
            f"coverage of one item, HTTP, p50, {label}", cov_p50, floor_p50, "ms", "HTTP floor p50, same server", "<= 5 ms", cov_p50 <= 5
        ),
        Figure(
            f"coverage of one item, HTTP, p99, {label}", cov_p99, floor_p99, "ms", "HTTP floor p99, same server", "<= 20 ms", cov_p99 <= 20
        ),
        Figure(
            f"gaps iso42001 first page, HTTP, first report after start (index read), {label}",
            first_ms / 1000,
            floor_p50 / 1000,
            "s",
            "HTTP floor p50, same server",
        ),
        Figure(
            f"gaps iso42001 first page, HTTP, report after a write, p50, {label}",
            write_p50,
            floor_p50,
            "ms",
            "HTTP floor p50, same server",
            "<= 250 ms",
            write_p50 <= 250,
        ),
        Figure(f"server peak memory (VmHWM), {label}", peak, at_ready, "MiB", "the same server once ready", "<= 2 GiB", peak <= 2048),
    ]
    complete = "" if imported == size else f" (of {size:,} asked: the time budget of {budget:,.0f} s for the import ran out)"
    return figures, [f"million mode: {imported:,} items{complete}, imported in {elapsed:,.0f} s"]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--quick", action="store_true", help="CI-sized: 50 workspaces of 200 items, 20,000 items in one")
    parser.add_argument("--only", default="workspaces,repeated,million", help="modes to run, comma-separated")
    parser.add_argument("--budget", type=float, default=None, help="seconds for each mode's imports (default 900, quick 120)")
    parser.add_argument("--work", type=Path, default=None, help="a directory for the stores (default: a temporary one, removed)")
    args = parser.parse_args(argv)
    budget = args.budget or (120.0 if args.quick else 900.0)
    modes = set(args.only.split(","))
    work = args.work or Path(tempfile.mkdtemp(prefix="grcgraph-scale-"))
    work.mkdir(parents=True, exist_ok=True)
    figures: list[Figure] = []
    notes: list[str] = []
    began = time.perf_counter()
    try:
        if "workspaces" in modes:
            count, size = (50, 200) if args.quick else (1000, 1000)
            found, said = many_workspaces(work, count, size, budget, warm=3)
            figures, notes = figures + found, notes + said
        if "repeated" in modes:
            found, said = repeated(work, 1000 if args.quick else 10_000, 200 if args.quick else 500, 3.0 if args.quick else 5.0)
            figures, notes = figures + found, notes + said
        if "million" in modes:
            size, chunk = (20_000, 10_000) if args.quick else (1_000_000, 100_000)
            found, said = million(work, size, chunk, budget, 200 if args.quick else 500)
            figures, notes = figures + found, notes + said
    finally:
        if args.work is None:
            shutil.rmtree(work, ignore_errors=True)
    notes.append(f"measured in {time.perf_counter() - began:,.0f} s in all")
    table = render(figures, machine(), "quick" if args.quick else "full", notes)
    RESULTS.mkdir(exist_ok=True)
    (RESULTS / ("scale-quick.md" if args.quick else "scale.md")).write_text(table, encoding="utf-8")
    print(table)
    return 0


if __name__ == "__main__":
    sys.exit(main())
