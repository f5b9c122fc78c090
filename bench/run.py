"""Every benchmark figure beside a baseline measured in the same run, with the answers checked.

Usage (from the repository root):
    python -m bench.run --quick          # a few minutes: 1k and 5k evidence items, short loads
    python -m bench.run                  # full: 1k, 10k and 100k evidence items
    python -m bench.run --only coverage  # one figure (cold-start, import, coverage, gaps, write, throughput, memory)

Prints a table (figure, grcgraph, baseline, ratio, target, met?) and writes it, with the machine
it ran on, to bench/results/latest.md and latest.json. grcgraph is measured only through its public
interfaces: the CLI, the GRCGraph facade, and GraphQL over HTTP against a real `grcgraph serve`.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import platform
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import asdict, dataclass
from importlib.metadata import version
from pathlib import Path
from typing import Any

from pyshacl import validate
from rdflib import RDF, Graph, URIRef

from bench.baseline import Baseline, DurableWriter
from bench.server import Server, cli
from bench.synthetic import ON, Organisation, generate
from grcgraph import iris, paths
from grcgraph.api import GRCGraph

RESULTS = Path(__file__).resolve().parent / "results"
FIGURES = ("cold-start", "import", "coverage", "gaps", "write", "throughput", "memory")
WORKSPACE = "bench"
COVERAGE_QUERY = """query($ids: [String!], $on: String) { coverage(evidenceIds: $ids, on: $on) {
  requirement { id } coverage paths { evidenceId level stale link { extent assertedBy }
  hops { subject predicate object rationale confidence mappingSet source comment } } } }"""
GAPS_QUERY = """query($framework: String!, $on: String, $after: String) {
  gaps(framework: $framework, on: $on, first: 100, after: $after) {
  edges { node { requirement { id } status evidence staleEvidence leaf } }
  pageInfo { hasNextPage endCursor } summary { status count } } }"""
FLOOR_QUERY = "{ viewer { workspace } }"
WRITE_MUTATION = """mutation($input: CreateEvidenceInput!) { createEvidence(input: $input) { id } }"""


@dataclass
class Figure:
    figure: str
    grcgraph: float
    baseline: float | None
    unit: str  # "ms", "s", "items/s", "req/s", "MiB"
    compared_with: str
    target: str = ""
    met: bool | None = None

    @property
    def ratio(self) -> float | None:
        """How many times better grcgraph is than the baseline (>1: better)."""
        if not self.baseline or not self.grcgraph:
            return None
        higher_is_better = self.unit in ("items/s", "req/s")
        return self.grcgraph / self.baseline if higher_is_better else self.baseline / self.grcgraph


class MismatchError(AssertionError):
    """grcgraph and the baseline gave different answers: no figure is printed for a wrong answer."""


def percentiles(samples: list[float]) -> tuple[float, float]:
    ordered = sorted(samples)
    return statistics.median(ordered), ordered[min(len(ordered) - 1, round(0.99 * (len(ordered) - 1)))]


def timed(action: Callable[[int], object], count: int) -> list[float]:
    """Run `action(n)` for n in range(count); each run's wall time in ms."""
    samples = []
    for n in range(count):
        start = time.perf_counter()
        action(n)
        samples.append((time.perf_counter() - start) * 1000)
    return samples


def machine() -> dict[str, str]:
    cpu = next((line.split(":", 1)[1].strip() for line in Path("/proc/cpuinfo").read_text().splitlines() if "model name" in line), "?")
    memory = next(line.split()[1] for line in Path("/proc/meminfo").read_text().splitlines() if line.startswith("MemTotal"))
    return {
        "cpu": cpu,
        "cores": str(os.cpu_count()),
        "memory": f"{int(memory) / 2**20:.0f} GiB",
        "os": platform.platform(),
        "python": platform.python_version(),
        "pyoxigraph": version("pyoxigraph"),
        "rdflib": version("rdflib"),
        "pyshacl": version("pyshacl"),
        "date": dt.date.today().isoformat(),
    }


# --- answers, as comparable sets ----------------------------------------------------------------
def check(what: str, ours: object, theirs: object) -> None:
    if ours != theirs:
        raise MismatchError(f"{what}: grcgraph and the baseline disagree:\n  grcgraph {ours}\n  baseline {theirs}")


def check_gaps(
    what: str, ours: dict[str, tuple[str, set[str], set[str]]], theirs: dict[str, tuple[str, frozenset[str], frozenset[str]]]
) -> None:
    """Same status for every requirement; the evidence grcgraph lists is evidence the baseline finds
    (grcgraph lists the evidence of at most 20 paths per requirement)."""
    check(f"{what} statuses", {k: v[0] for k, v in ours.items()}, {k: v[0] for k, v in theirs.items()})
    for curie, (_status, evidence, stale) in ours.items():
        if not (evidence <= theirs[curie][1] and stale <= theirs[curie][2]):
            raise MismatchError(f"{what}: {curie} lists evidence the baseline does not find")


def coverage_in_process(g: GRCGraph, evidence_id: str) -> dict[str, str]:
    return {g.catalog.ref(iri).curie: entry.status for iri, entry in g.covered([evidence_id], on=ON).items()}


def coverage_over_http(server: Server, evidence_id: str) -> dict[str, str]:
    rows = server.data(COVERAGE_QUERY, {"ids": [evidence_id], "on": ON.isoformat()})["coverage"]
    return {row["requirement"]["id"]: row["coverage"] for row in rows}


def gaps_in_process(g: GRCGraph, framework: str) -> dict[str, tuple[str, set[str], set[str]]]:
    frame = g.gaps(framework, on=ON)
    return {
        r.requirement: (r.status, set(filter(None, r.evidence.split("|"))), set(filter(None, r.stale_evidence.split("|"))))
        for r in frame.itertuples()
    }


def gaps_over_http(server: Server, framework: str) -> dict[str, tuple[str, set[str], set[str]]]:
    """The whole gap report, page by page (100 rows, the API's largest page), as a dashboard reads it."""
    rows: list[dict[str, Any]] = []
    after: str | None = None
    while True:
        variables = {"framework": framework, "on": ON.isoformat(), "after": after}
        page = server.data(GAPS_QUERY, variables)["gaps"]
        rows.extend(edge["node"] for edge in page["edges"])
        if not page["pageInfo"]["hasNextPage"]:
            break
        after = page["pageInfo"]["endCursor"]
    return {row["requirement"]["id"]: (row["status"], set(row["evidence"]), set(row["staleEvidence"])) for row in rows}


# --- building an organisation through the public interfaces ------------------------------------
def build(org: Organisation, data_dir: Path, chunk: int = 10_000) -> float:
    """Load the reference graph, the AI systems and SoA (facade), then the evidence through
    `grcgraph evidence import` in files of `chunk` items; returns evidence items per second."""
    cli("load", data_dir=data_dir)
    with GRCGraph.open(data_dir, workspace=WORKSPACE) as g:
        for s in org.systems:
            g.add_system(s.id, s.name, s.roles, s.category, generative=s.generative)
        for control, included, reason in org.soa:
            g.set_applicability(control, included, reason)
    elapsed = 0.0
    for start in range(0, org.size, chunk):
        file = org.write_evidence(data_dir.parent / f"evidence-{org.size}-{start}.json", start, start + chunk)
        began = time.perf_counter()
        cli("evidence", "import", str(file), "--workspace", WORKSPACE, data_dir=data_dir)
        elapsed += time.perf_counter() - began
    return org.size / elapsed


def baseline_graph(g: GRCGraph) -> Graph:
    """The same data as an rdflib graph: the reference graph and the workspace, as stored."""
    graph = g.store.read_graph(iris.REFERENCE_GRAPH)
    graph += g.store.read_graph(g.workspace.graph)
    return graph


def rss() -> int:
    line = next(x for x in Path("/proc/self/status").read_text().splitlines() if x.startswith("VmRSS:"))
    return int(line.split()[1]) * 1024


# --- the figures ------------------------------------------------------------------------------
def cold_start(work: Path) -> list[Figure]:
    """A fresh process: load the bundled frameworks and crosswalks, then answer the first query."""
    script = "from grcgraph.api import GRCGraph; import sys, json; g = GRCGraph.open(sys.argv[1] or None); print(json.dumps(sorted(set(g.crosswalk('A.6.2.8').object_id))))"
    base_script = (
        "from bench.baseline import Baseline; from rdflib import Graph; import sys, json; "
        "b = Baseline(Graph().parse(sys.argv[1], format='nt')); print(json.dumps(sorted(b.crosswalk('iso42001:A.6.2.8'))))"
    )
    reference = work / "reference.nt"
    cli("export", "--format", "nt", "--output", str(reference), data_dir=work / "cold")
    samples: dict[str, list[float]] = {"empty": [], "stored": [], "baseline": []}
    answers: dict[str, set[str]] = {}
    for _ in range(3):
        for name, command in (
            ("empty", [sys.executable, "-c", script, ""]),
            ("stored", [sys.executable, "-c", script, str(work / "cold")]),
            ("baseline", [sys.executable, "-c", base_script, str(reference)]),
        ):
            start = time.perf_counter()
            out = subprocess.run(command, capture_output=True, text=True, check=True, cwd=Path(__file__).resolve().parent.parent).stdout
            samples[name].append(time.perf_counter() - start)
            answers[name] = set(json.loads(out)) - {"sssom:NoTermFound"}
    check("cold start crosswalk of A.6.2.8", answers["empty"], answers["baseline"])
    check("cold start crosswalk of A.6.2.8 (stored)", answers["stored"], answers["baseline"])
    empty, stored, base = (statistics.median(samples[k]) for k in ("empty", "stored", "baseline"))
    return [
        Figure(
            "cold start: empty store, load reference, first query",
            empty,
            base,
            "s",
            "rdflib: parse exported N-Triples, same query",
            "<= 3 s",
            empty <= 3,
        ),
        Figure("cold start: existing store, first query", stored, base, "s", "rdflib: parse exported N-Triples, same query"),
    ]


def shacl_baseline(g: GRCGraph, sample: int) -> float:
    """Items per second for the obvious validated import: pyshacl with grcgraph's shapes over the
    stored triples of `sample` evidence items (and their links), with the vocabulary and requirement types."""
    shapes = Graph().parse(str(paths.SHAPES), format="turtle")
    vocabulary = Graph().parse(str(paths.VOCABULARY), format="turtle")
    workspace = g.store.read_graph(g.workspace.graph)
    reference = g.store.read_graph(iris.REFERENCE_GRAPH)
    wanted = {g.workspace.evidence_iri(f"ev-{n:06d}") for n in range(sample)}
    data = Graph()
    for s, p, o in workspace:
        if s in wanted or o in wanted:
            data.add((s, p, o))
    links = {s for s, p, o in data if o in wanted}
    for s, p, o in workspace.triples((None, None, None)):
        if s in links:
            data.add((s, p, o))
    start = time.perf_counter()
    context = data + vocabulary
    for node in set(data.objects()) - set(data.subjects()):  # what the items point at: requirements, AI systems
        for kind in [*reference.objects(node, RDF.type), *workspace.objects(node, RDF.type)]:
            context.add((node, RDF.type, kind))
    focus = sorted({s for s in data.subjects() if isinstance(s, URIRef)})  # the new items and links, as grcgraph checks them
    conforms, _, text = validate(context, shacl_graph=shapes, inference="none", advanced=True, allow_warnings=True, focus_nodes=focus)
    elapsed = time.perf_counter() - start
    if not conforms:
        raise MismatchError(f"pyshacl finds the evidence grcgraph accepted non-conforming:\n{str(text)[:2000]}")
    return sample / elapsed


def run_size(org: Organisation, work: Path, only: str | None, quick: bool) -> list[Figure]:
    size = org.size
    label = f"{size:,}"
    data_dir = work / f"store-{size}"
    figures: list[Figure] = []
    want = lambda name: only in (None, name)  # noqa: E731
    rate = build(org, data_dir)
    probes = [item["id"] for item in org.evidence[: min(50, size)]]
    samples = 200 if quick else 1000

    with GRCGraph.open(data_dir, workspace=WORKSPACE) as g:
        before = rss()
        baseline = Baseline(baseline_graph(g))
        baseline_bytes = rss() - before
        for probe in probes[:10]:
            check(f"coverage of {probe} at {label}", coverage_in_process(g, probe), baseline.coverage(g.workspace.evidence_iri(probe), ON))
        if want("import"):
            base_rate = shacl_baseline(g, min(size, 1000))
            figures.append(
                Figure(
                    f"bulk import, validated, {label} items (CLI)",
                    rate,
                    base_rate,
                    "items/s",
                    "pyshacl over the same items",
                    ">= 5,000/s",
                    rate >= 5000,
                )
            )
        if want("coverage"):
            ours = timed(lambda n: g.covered([probes[n % len(probes)]], on=ON), samples)
            theirs = timed(lambda n: baseline.coverage(g.workspace.evidence_iri(probes[n % len(probes)]), ON), max(20, samples // 10))
            p50, p99 = percentiles(ours)
            b50, b99 = percentiles(theirs)
            figures.append(Figure(f"coverage of one item, in process, p50, {label}", p50, b50, "ms", "rdflib + SPARQL, in process"))
            figures.append(Figure(f"coverage of one item, in process, p99, {label}", p99, b99, "ms", "rdflib + SPARQL, in process"))
        expected_gaps: dict[str, tuple[str, frozenset[str], frozenset[str]]] = {}
        base_gaps_ms = None
        if want("gaps"):
            began = time.perf_counter()
            expected_gaps = baseline.gaps("iso42001", ON)
            base_gaps_ms = (time.perf_counter() - began) * 1000
            check_gaps(f"gaps iso42001 at {label}", gaps_in_process(g, "iso42001"), expected_gaps)
            mine = timed(lambda _n: g.gaps("iso42001", on=ON), 5)
            figures.append(
                Figure(
                    f"gaps iso42001, in process, p50, {label}", statistics.median(mine), base_gaps_ms, "ms", "rdflib + SPARQL, in process"
                )
            )
        expected_coverage = {p: baseline.coverage(g.workspace.evidence_iri(p), ON) for p in probes[:10]}
        base_cov_p50 = percentiles(timed(lambda n: baseline.coverage(g.workspace.evidence_iri(probes[n % 10]), ON), 20))[0]
        requirement = URIRef(g.catalog.resolve("A.6.2.8").iri)
        requirement_type = URIRef("https://w3id.org/grcgraph/vocab#Control")
        base_url = g.workspace.base

    with Server(data_dir, WORKSPACE) as server:
        floor = timed(lambda _n: server.data(FLOOR_QUERY), samples)
        f50, f99 = percentiles(floor)
        if want("coverage"):
            for probe in probes[:10]:
                check(f"coverage of {probe} over HTTP at {label}", coverage_over_http(server, probe), expected_coverage[probe])
            p50, p99 = percentiles(timed(lambda n: coverage_over_http(server, probes[n % len(probes)]), samples))
            figures.append(
                Figure(
                    f"coverage of one item, HTTP, p50, {label}",
                    p50,
                    base_cov_p50,
                    "ms",
                    f"rdflib in process (HTTP floor p50 {f50:.2f} ms)",
                    "<= 5 ms",
                    p50 <= 5,
                )
            )
            figures.append(
                Figure(f"coverage of one item, HTTP, p99, {label}", p99, None, "ms", f"HTTP floor p99 {f99:.2f} ms", "<= 20 ms", p99 <= 20)
            )
        if want("gaps"):
            check_gaps(f"gaps iso42001 over HTTP at {label}", gaps_over_http(server, "iso42001"), expected_gaps)
            http_gaps = statistics.median(timed(lambda _n: gaps_over_http(server, "iso42001"), 5))
            ratio_ok = base_gaps_ms is not None and base_gaps_ms / http_gaps >= 20
            figures.append(
                Figure(
                    f"gaps iso42001, HTTP, p50, {label}",
                    http_gaps,
                    base_gaps_ms,
                    "ms",
                    "rdflib + SPARQL, in process",
                    "<= 250 ms, >= 20x",
                    http_gaps <= 250 and ratio_ok,
                )
            )
        if want("throughput"):
            seconds = 5 if quick else 15
            queries = work / f"queries-{size}.json"
            queries.write_text(json.dumps([{"query": COVERAGE_QUERY, "variables": {"ids": [p], "on": ON.isoformat()}} for p in probes]))
            floor_file = work / "floor.json"
            floor_file.write_text(json.dumps([{"query": FLOOR_QUERY}]))
            loads = {}
            for name, file in (("coverage", queries), ("floor", floor_file)):
                out = subprocess.run(
                    [
                        sys.executable,
                        str(Path(__file__).with_name("load.py")),
                        server.url,
                        server.token,
                        "--clients",
                        "8",
                        "--seconds",
                        str(seconds),
                        "--query-file",
                        str(file),
                    ],
                    capture_output=True,
                    text=True,
                    check=True,
                ).stdout
                loads[name] = json.loads(out)
                if loads[name]["errors"]:
                    raise MismatchError(f"{loads[name]['errors']} failed requests under load ({name})")
            figures.append(
                Figure(
                    f"read throughput, coverage, 8 clients, {label}",
                    loads["coverage"]["per_second"],
                    loads["floor"]["per_second"],
                    "req/s",
                    "same load on a trivial query (viewer)",
                )
            )
        if want("write"):

            def create(n: int) -> None:
                server.data(
                    WRITE_MUTATION,
                    {
                        "input": {
                            "id": f"http-w-{n}",
                            "title": f"Write {n}",
                            "kind": "log",
                            "links": [{"requirement": "A.6.2.8", "assertedBy": "bench@example.org"}],
                        }
                    },
                )

            h50, h99 = percentiles(timed(create, 50 if quick else 200))
            figures.append(
                Figure(
                    f"validated durable write, HTTP, p50, {label}", h50, None, "ms", f"HTTP floor p50 {f50:.2f} ms", "<= 15 ms", h50 <= 15
                )
            )
            figures.append(Figure(f"validated durable write, HTTP, p99, {label}", h99, None, "ms", f"HTTP floor p99 {f99:.2f} ms"))
        if want("memory"):
            peak = server.peak_memory() / 2**20
            target_met = peak <= 1024 if size >= 100_000 else None
            figures.append(
                Figure(
                    f"server peak memory (VmHWM), {label}",
                    peak,
                    baseline_bytes / 2**20,
                    "MiB",
                    "rdflib graph of the same data (RSS growth)",
                    "<= 1 GiB at 100k" if size >= 100_000 else "",
                    target_met,
                )
            )

    if want("write"):
        writer = DurableWriter(Path(str(paths.SHAPES)), Path(str(paths.VOCABULARY)), work / f"writes-{size}.nt", base_url)
        with GRCGraph.open(data_dir, workspace=WORKSPACE) as g:
            count = 50 if quick else 200
            ours = timed(
                lambda n: g.add_evidence(f"w-{n}", f"Write {n}", "log", requirements=["A.6.2.8"], asserted_by="bench@example.org"), count
            )

            def base_write(n: int) -> None:
                if not writer.write(f"w-{n}", requirement, requirement_type):
                    raise MismatchError("the baseline refused a write that grcgraph accepted")

            theirs = timed(base_write, count)
            check("written evidence reaches A.6.2.8", "iso42001:A.6.2.8" in coverage_in_process(g, f"w-{count - 1}"), True)
        w50, w99 = percentiles(ours)
        b50, b99 = percentiles(theirs)
        figures.append(
            Figure(
                f"validated durable write, in process, p50, {label}",
                w50,
                b50,
                "ms",
                "pyshacl + fsync'ed N-Triples append",
                "<= 15 ms",
                w50 <= 15,
            )
        )
        figures.append(Figure(f"validated durable write, in process, p99, {label}", w99, b99, "ms", "pyshacl + fsync'ed N-Triples append"))
    return figures


def render(figures: list[Figure], info: dict[str, str], mode: str) -> str:
    def value(x: float | None, unit: str) -> str:
        if x is None:
            return "-"
        if unit in ("items/s", "req/s", "MiB"):
            return f"{x:,.0f} {unit}"
        return f"{x:,.2f} {unit}"

    lines = [
        f"Mode: {mode}. Machine: {info['cpu']}, {info['cores']} cores, {info['memory']}; {info['os']}; Python {info['python']}, "
        f"pyoxigraph {info['pyoxigraph']}, rdflib {info['rdflib']}, pyshacl {info['pyshacl']}; {info['date']}.",
        "",
        "| figure | grcgraph | baseline | ratio | target | met? | baseline is |",
        "|---|---:|---:|---:|---|---|---|",
    ]
    for f in figures:
        ratio = f"{f.ratio:,.1f}x" if f.ratio is not None else "-"
        met = "" if f.met is None else ("yes" if f.met else "**no**")
        lines.append(
            f"| {f.figure} | {value(f.grcgraph, f.unit)} | {value(f.baseline, f.unit)} | {ratio} | {f.target} | {met} | {f.compared_with} |"
        )
    return "\n".join(lines) + "\n"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--quick", action="store_true", help="1k and 5k evidence items, short loads (a few minutes)")
    parser.add_argument("--only", choices=FIGURES, help="measure one figure")
    parser.add_argument("--sizes", type=int, nargs="*", help="evidence counts (default: 1000 5000 quick, 1000 10000 100000 full)")
    parser.add_argument("--output", type=Path, default=RESULTS, help="where latest.md and latest.json go")
    args = parser.parse_args(argv)
    sizes = args.sizes or ([1000, 5000] if args.quick else [1000, 10_000, 100_000])
    mode = "quick" if args.quick else "full"
    info = machine()
    figures: list[Figure] = []
    with tempfile.TemporaryDirectory(prefix="grcgraph-bench-") as tmp:
        work = Path(tmp)
        if args.only in (None, "cold-start"):
            figures += cold_start(work)
            print(render(figures, info, mode), flush=True)
        if args.only != "cold-start":
            with GRCGraph.open() as g:
                network = g.to_networkx()
            for size in sizes:
                figures += run_size(generate(network, size), work, args.only, args.quick)
                print(render(figures, info, mode), flush=True)
    table = render(figures, info, mode)
    args.output.mkdir(parents=True, exist_ok=True)
    (args.output / "latest.md").write_text(table, encoding="utf-8")
    (args.output / "latest.json").write_text(
        json.dumps({"mode": mode, "machine": info, "figures": [{**asdict(f), "ratio": f.ratio} for f in figures]}, indent=2),
        encoding="utf-8",
    )
    print(table)
    return 0


if __name__ == "__main__":
    sys.exit(main())
