"""Read-path micro-benchmark: cold start, and gaps for one framework over 1k, 10k and 100k evidence
items (in process and over HTTP), each beside figures measured in the same run.

    python -m bench.reads                      # 1,000 / 10,000 / 100,000 items, baseline up to 10,000
    python -m bench.reads --sizes 1000 --baseline-up-to 1000

Figures, all in this run:
- cold start: a fresh process opens an empty in-memory store (loads the bundled reference graph)
  and answers the crosswalk of A.6.2.8; beside it rdflib parsing the exported reference graph.
- gaps iso42001 in process (warm: the link index built) and its first call after opening (index
  build included), beside the previous implementation (every link node read from the store, one
  round trip each, then propagated) and the rdflib + SPARQL baseline of bench/baseline.py.
- gaps over HTTP: the whole report page by page (100 rows a page) through `grcgraph serve`.
- the server's peak memory (VmHWM) after the HTTP figures.
- gaps after one write (one evidence item created or changed, then the whole report): in process,
  where the link index patches what the write touched, beside the same after a write it cannot
  patch (made with the revision log off, as another process's write would be), which reads every
  link again; and over HTTP (the write a GraphQL mutation) beside the first request after start.
- the link index's full build beside the previous build (six property scans), same store.

The workspace is built from bench/synthetic.py's organisation: AI systems and the Statement of
Applicability through the facade, evidence as the exact triples `Workspace` writes for each item
(its own graph builders), loaded into the store as N-Triples in bulk and stamped with a new
revision: the validated import is not what is measured here and would take hours at 100,000 items.
"""

from __future__ import annotations

import argparse
import datetime as dt
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pyoxigraph as ox

from bench.baseline import Baseline
from bench.run import ON, WORKSPACE, baseline_graph, check_gaps, gaps_in_process, gaps_over_http
from bench.server import Server, cli
from bench.synthetic import Organisation, generate
from grcgraph.api import GRCGraph
from grcgraph.coverage.link_index import LinkIndex
from grcgraph.coverage.rules import propagate, roll_up
from grcgraph.model import EvidenceInput, EvidenceLink, EvidenceLinkInput, FieldPath, Problem
from grcgraph.store import revision
from grcgraph.store.batch import Batch
from grcgraph.vocab.namespace import GRC
from grcgraph.vocab.terms import EXTENTS

ROOT = Path(__file__).resolve().parent.parent
FRAMEWORK = "iso42001"
CHUNK = 5_000
PREVIOUS_SCANS = (GRC.evidence, GRC.requirement, GRC.extent, GRC.assertedBy, GRC.assertedAt, GRC.forSystem, GRC.validUntil)


def build_workspace(org: Organisation, data_dir: Path) -> None:
    """The organisation in an on-disk store: reference graph, systems and SoA through the facade,
    evidence as the triples `Workspace` would write, bulk loaded and stamped."""
    with GRCGraph.open(data_dir, workspace=WORKSPACE) as g:
        for s in org.systems:
            g.add_system(s.id, s.name, s.roles, s.category, generative=s.generative)
        for control, included, reason in org.soa:
            g.set_applicability(control, included, reason)
        target = ox.NamedNode(str(g.workspace.graph))
        asserted = dt.datetime(2026, 11, 1, tzinfo=dt.UTC)
        for start in range(0, org.size, CHUNK):
            data = Batch()
            problems: list[Problem] = []
            g.workspace._start_write()
            for item in org.evidence[start : start + CHUNK]:
                evidence = EvidenceInput(
                    id=item["id"],
                    title=item["title"],
                    kind=item["kind"],
                    owner=item.get("owner"),
                    location=item.get("location"),
                    sha256=item.get("sha256"),
                    collected_on=dt.date.fromisoformat(item["collected_on"]),
                    valid_until=dt.date.fromisoformat(item["valid_until"]) if "valid_until" in item else None,
                    links=[
                        EvidenceLinkInput(
                            requirement=link["requirement"],
                            extent=link["extent"],
                            asserted_by=link["asserted_by"],
                            asserted_at=asserted,
                            system=link.get("system"),
                        )
                        for link in item["links"]
                    ],
                )
                g.workspace._evidence_batch(evidence, FieldPath(item["id"]), problems, data)
            if problems:
                raise RuntimeError(f"the synthetic organisation is not valid: {problems[:3]}")
            g.store.load(data.ntriples(), target)
        revision.bump(g.store, g.workspace.graph)


def per_link_gaps(g: GRCGraph, framework: str) -> dict[str, str]:
    """The previous implementation of gaps' coverage: every link node read from the store (one round
    trip each), then propagated; statuses rolled up the same way."""
    links = g.workspace.links()
    covered = propagate(g.network, links, g.workspace.expiry({link.evidence for link in links}), on=ON)
    applicable, _ = g.scope.applicable(framework, g.workspace, None, ON)
    status = roll_up(g.network, covered, applicable)
    return {g.catalog.ref(iri).curie: status.get(iri, "uncovered") for iri in applicable}


def timed(action: Callable[[], object], runs: int) -> list[float]:
    found = []
    for _ in range(runs):
        start = time.perf_counter()
        action()
        found.append((time.perf_counter() - start) * 1000)
    return found


def row(figure: str, ours: float, theirs: float | None, unit: str, against: str) -> dict[str, Any]:
    ratio = theirs / ours if theirs and ours else None
    print(
        f"| {figure} | {ours:,.2f} {unit} | {'-' if theirs is None else f'{theirs:,.2f} {unit}'} | "
        f"{'-' if ratio is None else f'{ratio:,.1f}x'} | {against} |",
        flush=True,
    )
    return {"figure": figure, "grcgraph": ours, "baseline": theirs, "unit": unit, "ratio": ratio, "against": against}


def cold_start(work: Path, runs: int) -> None:
    script = (
        "from grcgraph.api import GRCGraph; import sys, json; g = GRCGraph.open(sys.argv[1] or None); "
        "print(json.dumps(sorted(set(g.crosswalk('A.6.2.8').object_id))))"
    )
    # The previous first start: the reference graph built from the bundled files and SHACL-checked.
    built_script = "import grcgraph.reference as r; r.read_prebuilt = lambda: None; " + script
    base_script = (
        "from bench.baseline import Baseline; from rdflib import Graph; import sys, json; "
        "b = Baseline(Graph().parse(sys.argv[1], format='nt')); print(json.dumps(sorted(b.crosswalk('iso42001:A.6.2.8'))))"
    )
    reference = work / "reference.nt"
    cli("export", "--format", "nt", "--output", str(reference), data_dir=work / "cold")
    samples: dict[str, list[float]] = {"empty": [], "stored": [], "built": [], "baseline": []}
    for _ in range(runs):
        for name, command in (
            ("empty", [sys.executable, "-c", script, ""]),
            ("built", [sys.executable, "-c", built_script, ""]),
            ("stored", [sys.executable, "-c", script, str(work / "cold")]),
            ("baseline", [sys.executable, "-c", base_script, str(reference)]),
        ):
            start = time.perf_counter()
            subprocess.run(command, capture_output=True, text=True, check=True, cwd=ROOT)
            samples[name].append(time.perf_counter() - start)
    base = statistics.median(samples["baseline"])
    row(
        "cold start: empty store, load reference, first query",
        statistics.median(samples["empty"]),
        base,
        "s",
        "rdflib parses the N-Triples",
    )
    row(
        "cold start: empty store, prebuilt reference, first query",
        statistics.median(samples["empty"]),
        statistics.median(samples["built"]),
        "s",
        "reference built and SHACL-checked at start (previous)",
    )
    row("cold start: existing store, first query", statistics.median(samples["stored"]), base, "s", "rdflib parses the N-Triples")


def gaps_at(size: int, work: Path, *, with_baseline: bool, http: bool) -> None:
    label = f"{size:,}"
    data_dir = work / f"store-{size}"
    if not data_dir.exists():  # with --work, a store built by an earlier run is reused
        with GRCGraph.open(None) as probe:
            org = generate(probe.network, size)
        began = time.perf_counter()
        build_workspace(org, data_dir)
        print(f"(built the {label}-item workspace in {time.perf_counter() - began:.0f} s)", flush=True)
    with GRCGraph.open(data_dir, workspace=WORKSPACE) as g:
        start = time.perf_counter()
        ours = gaps_in_process(g, FRAMEWORK)
        first = (time.perf_counter() - start) * 1000
        warm = statistics.median(timed(lambda: g.gaps(FRAMEWORK, on=ON), 5))
        start = time.perf_counter()
        before = per_link_gaps(g, FRAMEWORK)
        previous = (time.perf_counter() - start) * 1000
        if {k: v[0] for k, v in ours.items() if v[0] != "not applicable"} != before:
            raise RuntimeError(f"gaps at {label}: the link index and per-link reads disagree")
        row(f"gaps {FRAMEWORK}, in process, warm, {label}", warm, previous, "ms", "per-link store reads (previous implementation)")
        row(f"gaps {FRAMEWORK}, in process, first call (index build), {label}", first, previous, "ms", "per-link store reads")
        if with_baseline:
            baseline = Baseline(baseline_graph(g))
            start = time.perf_counter()
            expected = baseline.gaps(FRAMEWORK, ON)
            base_ms = (time.perf_counter() - start) * 1000
            check_gaps(f"gaps {FRAMEWORK} at {label}", ours, expected)
            row(f"gaps {FRAMEWORK}, in process, warm, {label}", warm, base_ms, "ms", "rdflib + SPARQL baseline")
            del baseline
    if http:
        over_http(data_dir, label, ours, previous)
    with GRCGraph.open(data_dir, workspace=WORKSPACE) as g:  # after the HTTP figures: these write
        after_write(g, label, runs=5)


def over_http(data_dir: Path, label: str, ours: dict[str, Any], previous: float) -> None:
    with Server(data_dir, WORKSPACE) as server:
        start = time.perf_counter()
        answer = gaps_over_http(server, FRAMEWORK)
        first = (time.perf_counter() - start) * 1000
        if answer != ours:
            raise RuntimeError(f"gaps at {label}: HTTP and in-process answers differ")
        http_ms = statistics.median(timed(lambda: gaps_over_http(server, FRAMEWORK), 5))
        row(f"gaps {FRAMEWORK}, HTTP, all pages, p50, {label}", http_ms, previous, "ms", "per-link store reads, in process")
        row(f"gaps {FRAMEWORK}, HTTP, first request (index build), {label}", first, previous, "ms", "per-link store reads, in process")
        after = []
        for run in range(5):
            server.data(CREATE, {"input": {**write_input(run), "id": f"bench-http-{uuid.uuid4().hex[:12]}"}})
            after.extend(timed(lambda: gaps_over_http(server, FRAMEWORK), 1))
        row(
            f"gaps {FRAMEWORK}, HTTP, all pages, after one write, p50, {label}",
            statistics.median(after),
            first,
            "ms",
            "first request (index build)",
        )
        row(f"server peak memory (VmHWM), {label}", server.peak_memory() / 2**20, None, "MiB", "-")


CREATE = "mutation($input: CreateEvidenceInput!) { createEvidence(input: $input) { id: localId } }"


def write_input(run: int) -> dict[str, Any]:
    return {
        "title": f"Written during the benchmark {run}",
        "kind": "RECORD",
        "validUntil": (ON + dt.timedelta(days=30 * (run % 3 - 1))).isoformat(),
        "links": [{"requirement": "A.6.2.8", "assertedBy": "bench@example.org", "system": None}],
    }


def after_write(g: GRCGraph, label: str, runs: int) -> None:
    """Gaps right after one write, patched (this process's write) and rebuilt (a write it cannot
    patch), alternating so that both see the same load; and the index build itself, old and new."""
    samples: dict[str, list[float]] = {"patched": [], "rebuilt": []}
    record = revision.record
    for run in range(runs):
        for kind in ("patched", "rebuilt"):
            if kind == "rebuilt":
                revision.record = lambda *args, **kwargs: None  # type: ignore[assignment]
            try:
                g.add_evidence(
                    f"bench-{kind}-{run % 2}", "Written", "record", requirements=["A.6.2.8", "Art. 12(1)"], asserted_by="bench@example.org"
                )
            finally:
                revision.record = record
            samples[kind].extend(timed(lambda: g.gaps(FRAMEWORK, on=ON), 1))
    builds = g.link_index.builds
    patched, rebuilt = statistics.median(samples["patched"]), statistics.median(samples["rebuilt"])
    row(f"gaps {FRAMEWORK}, in process, after one write, {label}", patched, rebuilt, "ms", "after a write it cannot patch (full rebuild)")
    if builds != 1 + runs:
        raise RuntimeError(f"gaps at {label}: {builds} index builds, expected {1 + runs}")
    samples = {"build": [], "previous": []}
    for _ in range(3):  # alternating, so that both see the same load
        samples["build"].extend(timed(lambda: LinkIndex(g.workspace).snapshot(), 1))
        samples["previous"].extend(timed(lambda: previous_build(g), 1))
    build, old = statistics.median(samples["build"]), statistics.median(samples["previous"])
    row(f"link index full build, {label}", build, old, "ms", "six property scans (previous build)")


def previous_build(g: GRCGraph) -> int:
    """The previous build, as it was: six property scans through a generator checking each term's
    type, joined into links with a dict of interned strings, then expiry and the groups (by
    position). Answers the number of links."""
    ws = g.workspace
    graph = ox.NamedNode(str(ws.graph))

    def scan(prop: object) -> Iterator[tuple[str, str]]:
        for quad in ws.store.quads(None, ox.NamedNode(str(prop)), None, graph):
            if isinstance(quad.subject, ox.NamedNode):
                obj = quad.object
                yield quad.subject.value, obj.value if isinstance(obj, ox.Literal | ox.NamedNode) else ""

    names = ("evidence", "requirement", "extent", "asserted_by", "asserted_at", "system")
    columns = {name: dict(scan(prop)) for name, prop in zip(names, PREVIOUS_SCANS, strict=False)}
    evidence_start, system_start = len(ws.base) + len("evidence/"), len(ws.base) + len("system/")
    extents = {str(iri): name for name, iri in EXTENTS.items()}
    interned: dict[str, str] = {}
    links = []
    for node in columns["evidence"]:
        system = columns["system"].get(node)
        asserted_by = columns["asserted_by"].get(node, "")
        links.append(
            EvidenceLink(
                evidence=columns["evidence"][node][evidence_start:],
                requirement=interned.setdefault(columns["requirement"][node], columns["requirement"][node]),
                extent=extents[columns["extent"][node]],
                asserted_by=interned.setdefault(asserted_by, asserted_by),
                asserted_at=columns["asserted_at"].get(node, ""),
                system=interned.setdefault(system[system_start:], system[system_start:]) if system else None,
            )
        )
    links.sort(key=lambda link: (link.evidence, link.requirement, link.system or ""))
    expiry = {s[evidence_start:]: dt.date.fromisoformat(v) for s, v in scan(PREVIOUS_SCANS[-1]) if s.startswith(ws.base)}
    groups: dict[tuple[str, str | None, str], list[Any]] = {}
    combined: dict[tuple[str, str | None, str], list[Any]] = {}
    for position, link in enumerate(links):
        until = expiry.get(link.evidence)
        for found, key in ((groups, (link.requirement, link.system, link.extent)), (combined, (link.requirement, None, link.extent))):
            group = found.setdefault(key, [[], False, None, None])
            group[0].append(position)
            if until is None:
                group[1] = True
            else:
                group[2] = until if group[2] is None else max(group[2], until)
                group[3] = until if group[3] is None else min(group[3], until)
    return len(links)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", type=int, nargs="*", default=[1_000, 10_000, 100_000], help="evidence counts (none: cold start only)")
    parser.add_argument("--baseline-up-to", type=int, default=10_000, help="run the rdflib baseline up to this size")
    parser.add_argument("--cold-runs", type=int, default=3)
    parser.add_argument("--no-http", action="store_true")
    parser.add_argument("--work", type=Path, help="keep the stores here (store-<size>) and reuse them in later runs")
    args = parser.parse_args()
    print("| figure | grcgraph | compared with | ratio | compared with is |\n|---|---:|---:|---:|---|", flush=True)
    with tempfile.TemporaryDirectory(prefix="grcgraph-reads-") as tmp:
        work = args.work or Path(tmp)
        work.mkdir(parents=True, exist_ok=True)
        if args.cold_runs:
            cold_start(work, args.cold_runs)
        for size in args.sizes:
            gaps_at(size, work, with_baseline=size <= args.baseline_up_to, http=not args.no_http)


if __name__ == "__main__":
    main()
