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
import multiprocessing
import os
import platform
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import asdict, dataclass
from importlib.metadata import version
from pathlib import Path
from typing import Any, TypeVar

from pyshacl import validate
from rdflib import RDF, Graph, URIRef

from bench.baseline import Baseline, DurableWriter
from bench.server import Server, cli
from bench.synthetic import ON, Organisation, generate
from grcgraph import paths
from grcgraph.api import GRCGraph
from grcgraph.vocab import iris
from server.types.enums import name_of

RESULTS = Path(__file__).resolve().parent / "results"
FIGURES = ("cold-start", "import", "coverage", "gaps", "write", "throughput", "memory")
WORKSPACE = "bench"
HTTP_IMPORT_MAX = 10_000  # items in one importEvidence request in the benchmarks: a body of about 4 MB
T = TypeVar("T")
COVERAGE_QUERY = """query($ids: [String!], $on: Date) { coverage(evidenceIds: $ids, on: $on) {
  requirement { id: localId } coverage paths { evidenceId level stale link { extent assertedBy }
  hops { subject predicate object rationale confidence mappingSet source comment } } } }"""
GAPS_QUERY = """query($framework: String!, $on: Date, $after: String) {
  gaps(framework: $framework, on: $on, first: 100, after: $after) {
  edges { node { requirement { id: localId } status evidence staleEvidence leaf } }
  pageInfo { hasNextPage endCursor } summary { status count } } }"""
FLOOR_QUERY = "{ viewer { workspace } }"
WRITE_MUTATION = """mutation($input: CreateEvidenceInput!) { createEvidence(input: $input) { id: localId } }"""


@dataclass
class Figure:
    figure: str
    grcgraph: float
    baseline: float | None
    unit: str  # "ms", "s", "items/s", "req/s", "MiB"
    compared_with: str
    target: str = ""
    met: bool | None = None
    baseline_at_least: bool = False  # the baseline was stopped at its time budget: its figure is a lower bound

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


def timed(action: Callable[[int], object], count: int, budget: float | None = None) -> list[float]:
    """Run `action(n)` for n in range(count), or fewer once `budget` seconds are spent (at least
    once); each run's wall time in ms."""
    samples: list[float] = []
    began = time.perf_counter()
    for n in range(count):
        if samples and budget is not None and time.perf_counter() - began >= budget:
            break
        start = time.perf_counter()
        action(n)
        samples.append((time.perf_counter() - start) * 1000)
    return samples


def within(budget: float, action: Callable[[], T]) -> tuple[T | None, float]:
    """`action()` in a forked child (sharing this process's memory, the baseline graph included),
    stopped after `budget` seconds: its result and wall time, or None and the budget. rdflib cannot
    interrupt a query; a child process can be."""
    reader, writer = multiprocessing.get_context("fork").Pipe(duplex=False)

    def child() -> None:
        start = time.perf_counter()
        result = action()
        writer.send((result, time.perf_counter() - start))

    process = multiprocessing.get_context("fork").Process(target=child, daemon=True)
    process.start()
    writer.close()
    try:
        if reader.poll(budget):
            try:
                found: tuple[T, float] = reader.recv()
            except EOFError:
                raise RuntimeError(f"the baseline process failed (exit code {process.join(5) or process.exitcode})") from None
            return found
        return None, budget
    finally:
        process.kill()
        process.join()
        reader.close()


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


def engine_notation(name: str) -> str:
    """An enum value as the API answers it, as the engine writes it: PARTIAL -> partial, NOT_APPLICABLE -> not applicable."""
    return name.lower().replace("_", " ")


def coverage_over_http(server: Server, evidence_id: str) -> dict[str, str]:
    rows = server.data(COVERAGE_QUERY, {"ids": [evidence_id], "on": ON.isoformat()})["coverage"]
    return {row["requirement"]["id"]: engine_notation(row["coverage"]) for row in rows}


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
    return {row["requirement"]["id"]: (engine_notation(row["status"]), set(row["evidence"]), set(row["staleEvidence"])) for row in rows}


# --- building an organisation through the public interfaces ------------------------------------
@dataclass(frozen=True)
class Built:
    items: int  # evidence items imported
    size: int  # evidence items in the organisation
    seconds: float  # wall time of the imports, process starts included
    last: tuple[int, float] = (0, 0.0)  # items and seconds of the last file

    @property
    def rate(self) -> float:
        return self.items / self.seconds if self.seconds else 0.0

    @property
    def complete(self) -> bool:
        return self.items == self.size


def fits(budget: float | None, elapsed: float, imported: int, count: int) -> bool:
    """Whether importing `count` more items, at the rate so far, ends within `budget` seconds
    (the first file always runs: there is no rate yet)."""
    return budget is None or imported == 0 or elapsed + count * elapsed / imported <= budget


def files(size: int, chunk: int, budget: float | None) -> list[tuple[int, int]]:
    """The [start, stop) ranges of the import files. Under a budget, the first file is smaller (at
    most 1,000 items), so that the rate is known, and the budget applied, before a large file starts."""
    first = min(size, chunk, 1000) if budget is not None else min(size, chunk)
    return [(0, first)] + [(start, min(start + chunk, size)) for start in range(first, size, chunk)]


def prepare(org: Organisation, data_dir: Path) -> None:
    """A store holding the reference graph and the organisation's AI systems and SoA (facade)."""
    cli("load", data_dir=data_dir)
    with GRCGraph.open(data_dir, workspace=WORKSPACE) as g:
        for s in org.systems:
            g.add_system(s.id, s.name, s.roles, s.category, generative=s.generative)
        for control, included, reason in org.soa:
            g.set_applicability(control, included, reason)


def build(org: Organisation, data_dir: Path, chunk: int = 10_000, budget: float | None = None) -> Built:
    """`prepare` the store, then import the evidence through `grcgraph evidence import` in files of
    `chunk` items. With a `budget` (seconds), stop before a file whose import, at the rate measured
    so far, would end past it: the result says how many items were imported, in how long."""
    prepare(org, data_dir)
    elapsed = 0.0
    imported = 0
    for start, stop in files(org.size, chunk, budget):
        if not fits(budget, elapsed, imported, stop - start):
            break
        file = org.write_evidence(data_dir.parent / f"evidence-{org.size}-{start}.json", start, stop)
        began = time.perf_counter()
        cli("evidence", "import", str(file), "--workspace", WORKSPACE, data_dir=data_dir)
        last = (stop - start, time.perf_counter() - began)
        elapsed += last[1]
        imported += stop - start
        file.unlink()
        print(f"  imported {imported:,} of {org.size:,} items in {elapsed:,.0f} s", file=sys.stderr, flush=True)
    return Built(imported, org.size, elapsed, last)


def import_whole(org: Organisation, work: Path) -> Built:
    """All of the organisation's evidence in one `grcgraph evidence import` (into a store of its own)."""
    data_dir = work / f"store-{org.size}-one-file"
    prepare(org, data_dir)
    file = org.write_evidence(work / f"evidence-{org.size}-whole.json")
    began = time.perf_counter()
    cli("evidence", "import", str(file), "--workspace", WORKSPACE, data_dir=data_dir)
    built = Built(org.size, org.size, time.perf_counter() - began)
    with GRCGraph.open(data_dir, workspace=WORKSPACE) as g:
        if len(g.workspace.evidence_ids()) != org.size:
            raise MismatchError(f"the one-file import of {org.size:,} items stored {len(g.workspace.evidence_ids()):,}")
    file.unlink()
    shutil.rmtree(data_dir, ignore_errors=True)
    return built


def import_over_http(org: Organisation, data_dir: Path) -> Built:
    """All of the organisation's evidence in one `importEvidence` request to `grcgraph serve` over
    `data_dir` (a prepared store; the body limit raised to fit the request): JSON encoding, GraphQL
    input conversion and the import. Every item and link is checked stored."""
    camel = {"collected_on": "collectedOn", "valid_until": "validUntil", "asserted_by": "assertedBy"}
    enums = {"kind", "extent"}  # notations in the rows, enum names in GraphQL: test-result -> TEST_RESULT

    def api(row: dict[str, Any]) -> dict[str, Any]:
        return {camel.get(k, k): name_of(v) if k in enums and v is not None else v for k, v in row.items() if k != "links"}

    items = [api(item) | {"links": [api(link) for link in item["links"]]} for item in org.evidence]
    limit = str(2 * len(json.dumps(items)) + 10_000)
    with Server(data_dir, WORKSPACE, env={"GRCGRAPH_MAX_BODY_BYTES": limit}) as server:
        began = time.perf_counter()
        answer = server.data("mutation($items: [CreateEvidenceInput!]!) { importEvidence(items: $items) { count } }", {"items": items})
        built = Built(org.size, org.size, time.perf_counter() - began)
    if answer["importEvidence"]["count"] != org.size:
        raise MismatchError(f"importEvidence of {org.size:,} items answered a count of {answer['importEvidence']['count']:,}")
    check_stored(data_dir, org)
    return built


def check_stored(data_dir: Path, org: Organisation) -> None:
    """Raise MismatchError unless every evidence item and link of `org` is in the store."""
    with GRCGraph.open(data_dir, workspace=WORKSPACE) as g:
        ids = set(g.workspace.evidence_ids())
        links = len(g.workspace.links())
    wanted = {item["id"] for item in org.evidence}
    if not wanted <= ids or links < sum(len(item["links"]) for item in org.evidence):
        raise MismatchError(f"import of {org.size:,} items stored {len(wanted & ids):,} of them and {links:,} links")


def baseline_graph(g: GRCGraph) -> Graph:
    """The same data as an rdflib graph: the reference graph and the workspace, as stored (the small
    reference graph is copied into the large workspace graph, not the other way round)."""
    graph = g.store.read_graph(g.workspace.graph)
    graph += g.store.read_graph(iris.REFERENCE_GRAPH)
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


def import_figure(items: str, built: Built, base_rate: float | None, compared: str) -> Figure:
    """`items`: what was imported, such as "10,000 items in one file"."""
    return Figure(f"bulk import, validated, {items} (CLI)", built.rate, base_rate, "items/s", compared, ">= 5,000/s", built.rate >= 5000)


def shacl_baseline(g: GRCGraph, stored: Graph, sample: int) -> float:
    """Items per second for the obvious validated import: pyshacl with grcgraph's shapes over the
    stored triples (`stored`: the baseline graph) of the first `sample` evidence items and their
    links, with the vocabulary and the types of what they point at."""
    shapes = Graph().parse(str(paths.SHAPES), format="turtle")
    vocabulary = Graph().parse(str(paths.VOCABULARY), format="turtle")
    data = Graph()
    for item in (g.workspace.evidence_iri(f"ev-{n:06d}") for n in range(sample)):
        for s, p, o in [*stored.triples((item, None, None)), *stored.triples((None, None, item))]:
            data.add((s, p, o))
            if o == item:  # a link: its own triples too
                for triple in stored.triples((s, None, None)):
                    data.add(triple)
    start = time.perf_counter()
    context = data + vocabulary
    for node in set(data.objects()) - set(data.subjects()):  # what the items point at: requirements, AI systems
        for kind in stored.objects(node, RDF.type):
            context.add((node, RDF.type, kind))
    focus = sorted({s for s in data.subjects() if isinstance(s, URIRef)})  # the new items and links, as grcgraph checks them
    conforms, _, text = validate(context, shacl_graph=shapes, inference="none", advanced=True, allow_warnings=True, focus_nodes=focus)
    elapsed = time.perf_counter() - start
    if not conforms:
        raise MismatchError(f"pyshacl finds the evidence grcgraph accepted non-conforming:\n{str(text)[:2000]}")
    return sample / elapsed


@dataclass(frozen=True)
class Budgets:
    """Wall-time limits (seconds) that keep a full run feasible; what they cut is said in the table."""

    imports: float | None = None  # the `grcgraph evidence import` files of one size
    baseline: float = 300.0  # one baseline gap report (rdflib + SPARQL), in a child process
    repeats: float = 120.0  # repeating one grcgraph measurement (gaps: 5 runs at most)
    shacl_sample: int = 1000  # evidence items pyshacl validates for the import baseline


def run_size(
    org: Organisation, work: Path, only: str | None, quick: bool, budgets: Budgets, notes: list[str], chunk: int = 10_000
) -> list[Figure]:
    size = org.size
    label = f"{size:,}"
    data_dir = work / f"store-{size}"
    figures: list[Figure] = []
    want = lambda name: only in (None, name)  # noqa: E731
    built = build(org, data_dir, chunk, budgets.imports)
    # A store built in several files: also the whole organisation in one import, as a bulk import is.
    file_count = len(files(size, chunk, budgets.imports))
    whole = import_whole(org, work) if built.complete and file_count > 1 and want("import") else None
    probes = [item["id"] for item in org.evidence[: min(50, size)]]
    samples = 200 if quick else 1000
    sample = min(size, budgets.shacl_sample)
    compared = "pyshacl over the same items" if sample == size else f"pyshacl over the first {sample:,} items (sample)"
    if not built.complete:
        with GRCGraph.open(data_dir, workspace=WORKSPACE) as g:
            base_rate = shacl_baseline(g, baseline_graph(g), min(sample, built.items)) if want("import") else None
        figures.append(import_figure(f"first {built.items:,} of {label} items", built, base_rate, compared))
        notes.append(
            f"{label} items: the import stopped after {built.items:,} items ({built.seconds:,.0f} s at {built.rate:,.0f} items/s), "
            f"the rest would have run past the import budget of {budgets.imports:,.0f} s; no other figure was measured at this size."
        )
        shutil.rmtree(data_dir, ignore_errors=True)
        return figures

    with GRCGraph.open(data_dir, workspace=WORKSPACE) as g:
        before, began = rss(), time.perf_counter()
        baseline = Baseline(baseline_graph(g))
        baseline_bytes = rss() - before
        notes.append(
            f"{label} items: the rdflib baseline graph ({len(baseline.graph):,} triples) took {time.perf_counter() - began:,.0f} s to build."
        )
        for probe in probes[:10]:
            check(f"coverage of {probe} at {label}", coverage_in_process(g, probe), baseline.coverage(g.workspace.evidence_iri(probe), ON))
        if want("import"):
            base_rate = shacl_baseline(g, baseline.graph, sample)
            if whole is None:
                figures.append(import_figure(f"{label} items", built, base_rate, compared))
            else:
                figures.append(import_figure(f"{label} items in one file", whole, base_rate, compared))
                figures.append(import_figure(f"{label} items in {file_count} files", built, base_rate, compared))
                items, seconds = built.last
                last = Built(items, items, seconds)
                figures.append(import_figure(f"its last file, {items:,} items into {size - items:,}", last, base_rate, compared))
            if size <= HTTP_IMPORT_MAX:
                over_http = work / f"store-{size}-http"
                prepare(org, over_http)
                built_http = import_over_http(org, over_http)
                shutil.rmtree(over_http, ignore_errors=True)
                figures.append(
                    Figure(
                        f"bulk import, validated, {label} items over HTTP (importEvidence, one request)",
                        built_http.rate,
                        base_rate,
                        "items/s",
                        compared,
                        ">= 5,000/s",
                        built_http.rate >= 5000,
                    )
                )
        if want("coverage"):
            ours = timed(lambda n: g.covered([probes[n % len(probes)]], on=ON), samples, budgets.repeats)
            theirs = timed(
                lambda n: baseline.coverage(g.workspace.evidence_iri(probes[n % len(probes)]), ON), max(20, samples // 10), budgets.repeats
            )
            p50, p99 = percentiles(ours)
            b50, b99 = percentiles(theirs)
            figures.append(Figure(f"coverage of one item, in process, p50, {label}", p50, b50, "ms", "rdflib + SPARQL, in process"))
            figures.append(Figure(f"coverage of one item, in process, p99, {label}", p99, b99, "ms", "rdflib + SPARQL, in process"))
        expected_gaps: dict[str, tuple[str, frozenset[str], frozenset[str]]] | None = None
        base_gaps_ms = None
        if want("gaps"):
            expected_gaps, base_seconds = within(budgets.baseline, lambda: baseline.gaps("iso42001", ON))
            base_gaps_ms = base_seconds * 1000
            ours_gaps = gaps_in_process(g, "iso42001")
            if expected_gaps is not None:
                check_gaps(f"gaps iso42001 at {label}", ours_gaps, expected_gaps)
            else:
                notes.append(
                    f"{label} items: the baseline gap report was stopped at its budget of {budgets.baseline:,.0f} s; "
                    "its figure is a lower bound and the gap answers were not compared at this size."
                )
            mine = timed(lambda _n: g.gaps("iso42001", on=ON), 5, budgets.repeats)
            figures.append(
                Figure(
                    f"gaps iso42001, in process, p50, {label}",
                    statistics.median(mine),
                    base_gaps_ms,
                    "ms",
                    "rdflib + SPARQL, in process",
                    baseline_at_least=expected_gaps is None,
                )
            )
        expected_coverage = {p: baseline.coverage(g.workspace.evidence_iri(p), ON) for p in probes[:10]}
        base_cov_p50 = percentiles(timed(lambda n: baseline.coverage(g.workspace.evidence_iri(probes[n % 10]), ON), 20, budgets.repeats))[0]
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
            http_answer = gaps_over_http(server, "iso42001")
            if expected_gaps is not None:
                check_gaps(f"gaps iso42001 over HTTP at {label}", http_answer, expected_gaps)
            http_gaps = statistics.median(timed(lambda _n: gaps_over_http(server, "iso42001"), 5, budgets.repeats))
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
                    baseline_at_least=expected_gaps is None,
                )
            )

            # A dashboard's report after a write: the server's cached report and link index are
            # stale then, and only the write's evidence is read again (the time of the write is not counted).
            def after_write(n: int) -> float:
                server.data(
                    WRITE_MUTATION,
                    {
                        "input": {
                            "id": f"gaps-w-{n}",
                            "title": f"Write {n}",
                            "kind": "LOG",
                            "links": [{"requirement": "A.6.2.8", "assertedBy": "bench@example.org"}],
                        }
                    },
                )
                start = time.perf_counter()
                gaps_over_http(server, "iso42001")
                return (time.perf_counter() - start) * 1000

            after = statistics.median(after_write(n) for n in range(5))
            figures.append(
                Figure(
                    f"gaps iso42001, HTTP, first report after one write, p50, {label}",
                    after,
                    base_gaps_ms,
                    "ms",
                    "rdflib + SPARQL, in process",
                    "<= 250 ms, >= 20x",
                    after <= 250 and base_gaps_ms is not None and base_gaps_ms / after >= 20,
                    baseline_at_least=expected_gaps is None,
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
                            "kind": "LOG",
                            "links": [{"requirement": "A.6.2.8", "assertedBy": "bench@example.org"}],
                        }
                    },
                )

            h50, h99 = percentiles(timed(create, 50 if quick else 200, budgets.repeats))
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
                lambda n: g.add_evidence(f"w-{n}", f"Write {n}", "log", requirements=["A.6.2.8"], asserted_by="bench@example.org"),
                count,
                budgets.repeats,
            )
            count = len(ours)

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
                "pyshacl + flushed N-Triples append",
                "<= 15 ms",
                w50 <= 15,
            )
        )
        figures.append(Figure(f"validated durable write, in process, p99, {label}", w99, b99, "ms", "pyshacl + flushed N-Triples append"))
    shutil.rmtree(data_dir, ignore_errors=True)  # a 100k store is a few GiB
    return figures


def render(figures: list[Figure], info: dict[str, str], mode: str, notes: list[str] | None = None) -> str:
    def value(x: float | None, unit: str, at_least: bool = False) -> str:
        if x is None:
            return "-"
        prefix = "> " if at_least else ""
        if unit in ("items/s", "req/s", "MiB"):
            return f"{prefix}{x:,.0f} {unit}"
        return f"{prefix}{x:,.2f} {unit}"

    lines = [
        f"Mode: {mode}. Machine: {info['cpu']}, {info['cores']} cores, {info['memory']}; {info['os']}; Python {info['python']}, "
        f"pyoxigraph {info['pyoxigraph']}, rdflib {info['rdflib']}, pyshacl {info['pyshacl']}; {info['date']}.",
        "",
        "| figure | grcgraph | baseline | ratio | target | met? | baseline is |",
        "|---|---:|---:|---:|---|---|---|",
    ]
    for f in figures:
        ratio = f"{'> ' if f.baseline_at_least else ''}{f.ratio:,.1f}x" if f.ratio is not None else "-"
        met = "" if f.met is None else ("yes" if f.met else "**no**")
        base = value(f.baseline, f.unit, f.baseline_at_least)
        lines.append(f"| {f.figure} | {value(f.grcgraph, f.unit)} | {base} | {ratio} | {f.target} | {met} | {f.compared_with} |")
    if notes:
        lines += ["", "Notes:", *(f"- {note}" for note in notes)]
    return "\n".join(lines) + "\n"


def size_list(text: str) -> list[int]:
    """`1000,10000` or `1000 10000` (either may use `_` or `k`: `10k`)."""
    sizes = []
    for part in text.replace(",", " ").split():
        word = part.strip().lower().replace("_", "")
        try:
            sizes.append(int(word[:-1]) * 1000 if word.endswith("k") else int(word))
        except ValueError:
            raise argparse.ArgumentTypeError(f"--sizes: {part!r} is not a number of evidence items") from None
    if not sizes or min(sizes) < 1:
        raise argparse.ArgumentTypeError("--sizes: give one or more positive numbers of evidence items")
    return sizes


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--quick", action="store_true", help="1k and 5k evidence items, short loads (a few minutes)")
    parser.add_argument("--only", choices=FIGURES, help="measure one figure")
    parser.add_argument(
        "--sizes", type=size_list, nargs="*", help="evidence counts, e.g. 1000,10000 (default: 1000 5000 quick, 1000 10000 100000 full)"
    )
    parser.add_argument("--output", type=Path, default=RESULTS, help="where latest.md and latest.json go")
    parser.add_argument("--chunk", type=int, default=10_000, help="evidence items per `grcgraph evidence import` file")
    parser.add_argument(
        "--import-budget",
        type=float,
        default=None,
        help="seconds of import per size (default 900, 300 quick): a size whose import would run past it is cut short and skipped",
    )
    parser.add_argument(
        "--baseline-budget",
        type=float,
        default=None,
        help="seconds for one baseline gap report (default 300, 120 quick); past it, a lower bound",
    )
    parser.add_argument("--shacl-sample", type=int, default=1000, help="evidence items pyshacl validates for the import baseline")
    args = parser.parse_args(argv)
    sizes = [n for group in args.sizes for n in group] if args.sizes else ([1000, 5000] if args.quick else [1000, 10_000, 100_000])
    mode = "quick" if args.quick else "full"
    if args.sizes or args.only:
        mode += f" ({', '.join(f'{n:,}' for n in sizes)} items{f'; {args.only} only' if args.only else ''})"
    budgets = Budgets(
        imports=args.import_budget if args.import_budget is not None else (300.0 if args.quick else 900.0),
        baseline=args.baseline_budget if args.baseline_budget is not None else (120.0 if args.quick else 300.0),
        repeats=30.0 if args.quick else 120.0,
        shacl_sample=args.shacl_sample,
    )
    info = machine()
    figures: list[Figure] = []
    notes: list[str] = []
    with tempfile.TemporaryDirectory(prefix="grcgraph-bench-") as tmp:
        work = Path(tmp)
        if args.only in (None, "cold-start"):
            figures += cold_start(work)
            print(render(figures, info, mode), flush=True)
        if args.only != "cold-start":
            with GRCGraph.open() as g:
                network = g.to_networkx()
            for size in sizes:
                began = time.perf_counter()
                figures += run_size(generate(network, size), work, args.only, args.quick, budgets, notes, args.chunk)
                notes.append(f"{size:,} items: measured in {time.perf_counter() - began:,.0f} s in all.")
                print(render(figures, info, mode, notes), flush=True)
    table = render(figures, info, mode, notes)
    args.output.mkdir(parents=True, exist_ok=True)
    (args.output / "latest.md").write_text(table, encoding="utf-8")
    (args.output / "latest.json").write_text(
        json.dumps(
            {"mode": mode, "machine": info, "figures": [{**asdict(f), "ratio": f.ratio} for f in figures], "notes": notes}, indent=2
        ),
        encoding="utf-8",
    )
    print(table)
    return 0


if __name__ == "__main__":
    sys.exit(main())
