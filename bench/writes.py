"""Writes: bulk import and the validated durable write, each beside its baseline in the same run.

    python -m bench.writes --quick       # 1,000 and 10,000 evidence items
    python -m bench.writes               # 1,000, 10,000 and 100,000

For each size: `grcgraph evidence import` as a whole command (process start, store open, file read,
validation, load) and the import alone in process (`GRCGraph.import_evidence` on an open store),
against the obvious validated import (pyshacl with grcgraph's shapes over the same items, at most
1,000 of them: it grows worse than linearly); then where the import's own time goes, stage by
stage; and, up to 10,000 items, the same items in one `importEvidence` request to a running
server (JSON encoding, GraphQL input conversion and the import). Once: a validated, durable write
(create evidence and link it) in process, p50 and p99, against pyshacl + a flushed N-Triples
append. Every import is checked to have stored every item and link of the file.
"""

from __future__ import annotations

import argparse
import shutil
import tempfile
import time
from pathlib import Path

from rdflib import URIRef

from bench.baseline import DurableWriter
from bench.run import (
    HTTP_IMPORT_MAX,
    WORKSPACE,
    Figure,
    MismatchError,
    baseline_graph,
    check_stored,
    import_over_http,
    percentiles,
    shacl_baseline,
    timed,
)
from bench.server import cli
from bench.synthetic import generate
from grcgraph import paths
from grcgraph.api import GRCGraph
from grcgraph.loaders.evidence import read_evidence_file
from grcgraph.model import FieldPath, Problem
from grcgraph.store.batch import Batch, collector_paused
from grcgraph.store.journal import LOADERS, BulkStore, piece_size
from grcgraph.vocab.namespace import GRC
from grcgraph.workspace.shape_rules import workspace_rules


def _fresh(base: Path, work: Path, name: str) -> Path:
    target = work / name
    shutil.rmtree(target, ignore_errors=True)
    shutil.copytree(base, target)
    return target


def stages(store: Path, file: Path) -> dict[str, float]:
    """Seconds spent in each stage of one import (the steps `Workspace.put_evidence` takes)."""
    with GRCGraph.open(store, workspace=WORKSPACE) as g, collector_paused():  # as import_evidence does
        ws = g.workspace
        spent: dict[str, float] = {}
        began = time.perf_counter()
        numbered = read_evidence_file(file)
        spent["read file"] = time.perf_counter() - began
        began = time.perf_counter()
        workspace_rules()
        g.catalog.resolve("A.6.2.8")
        spent["rules and catalog index (once per process)"] = time.perf_counter() - began
        began = time.perf_counter()
        data, problems = Batch(), list[Problem]()
        ws._start_write()
        for index, (_line, item) in enumerate(numbered):
            ws._evidence_batch(item, FieldPath("evidence", index), problems, data)
        spent["build triples (typed checks, ids resolved)"] = time.perf_counter() - began
        began = time.perf_counter()
        ws._check(data, problems)
        spent["shape checks"] = time.perf_counter() - began
        nodes = [f"{ws.base}evidence/{item.id}" for _, item in numbered]
        began = time.perf_counter()
        bulk = isinstance(g.store, BulkStore) and ws._none_stored(nodes)
        spent["none of the items stored? (a point look-up each)"] = time.perf_counter() - began
        pieces = -(-len(data.nodes) // piece_size(len(data.nodes)))
        began = time.perf_counter()
        ws._bulk_write(data) if bulk and isinstance(g.store, BulkStore) else ws._write(data)
        spent[f"store load ({len(data):,} triples in {pieces} piece(s), serialised and loaded {LOADERS} at a time)"] = (
            time.perf_counter() - began
        )
    return spent


def run(sizes: list[int], work: Path) -> list[Figure]:
    base = work / "base"
    cli("load", data_dir=base)
    with GRCGraph.open(base, workspace=WORKSPACE) as g:
        network = g.to_networkx()
        first = generate(network, 1)
        for s in first.systems:
            g.add_system(s.id, s.name, s.roles, s.category, generative=s.generative)
    figures: list[Figure] = []
    for size in sizes:
        org = generate(network, size)
        if len(org.systems) > len(first.systems):  # larger organisations name a few more AI systems
            with GRCGraph.open(base, workspace=WORKSPACE) as g:
                for s in org.systems[len(first.systems) :]:
                    if not g.workspace.has_system(s.id):
                        g.add_system(s.id, s.name, s.roles, s.category, generative=s.generative)
        file = org.write_evidence(work / f"evidence-{size}.json")
        label = f"{size:,}"

        store = _fresh(base, work, "cli")
        began = time.perf_counter()
        cli("evidence", "import", str(file), "--workspace", WORKSPACE, data_dir=store)
        whole = size / (time.perf_counter() - began)
        check_stored(store, org)

        store = _fresh(base, work, "api")
        with GRCGraph.open(store, workspace=WORKSPACE) as g:
            began = time.perf_counter()
            g.import_evidence(file)
            alone = size / (time.perf_counter() - began)
            base_rate = shacl_baseline(g, baseline_graph(g), min(size, 1000))
        check_stored(store, org)
        compared = f"pyshacl over {min(size, 1000):,} of the same items"
        figures.append(
            Figure(f"bulk import, validated, {label} items (CLI)", whole, base_rate, "items/s", compared, ">= 5,000/s", whole >= 5000)
        )
        figures.append(Figure(f"bulk import, validated, {label} items (import alone)", alone, base_rate, "items/s", compared))
        if size <= HTTP_IMPORT_MAX:
            over_http = import_over_http(org, _fresh(base, work, "http")).rate
            figures.append(
                Figure(
                    f"bulk import, validated, {label} items over HTTP (importEvidence, one request)",
                    over_http,
                    base_rate,
                    "items/s",
                    compared,
                )
            )
        print(table(figures), flush=True)
        spent = stages(_fresh(base, work, "stages"), file)
        total = sum(spent.values())
        print(f"\nimport of {label} items, stage by stage ({total:.2f} s in all):")
        for stage, seconds in spent.items():
            print(f"  {seconds:7.2f} s  {seconds / total:5.1%}  {stage}")
        print(flush=True)

    store = _fresh(base, work, "writes")
    with GRCGraph.open(store, workspace=WORKSPACE) as g:
        writer = DurableWriter(Path(str(paths.SHAPES)), Path(str(paths.VOCABULARY)), work / "writes.nt", g.workspace.base)
        requirement = URIRef(g.catalog.resolve("A.6.2.8").iri)
        kind = GRC.Control
        g.add_evidence("warm-up", "Warm-up", "log", requirements=["A.6.2.8"], asserted_by="bench@example.org")
        ours = timed(
            lambda n: g.add_evidence(f"w-{n}", f"Write {n}", "log", requirements=["A.6.2.8"], asserted_by="bench@example.org"), 200
        )

        def base_write(n: int) -> None:
            if not writer.write(f"w-{n}", requirement, kind):
                raise MismatchError("the baseline refused a write that grcgraph accepted")

        theirs = timed(base_write, 200)
        if len(g.workspace.links("w-199")) != 1:
            raise MismatchError("the last write is not stored with its link")
    w50, w99 = percentiles(ours)
    b50, b99 = percentiles(theirs)
    compared = "pyshacl + flushed N-Triples append"
    figures.append(Figure("validated durable write, in process, p50", w50, b50, "ms", compared, "<= 15 ms", w50 <= 15))
    figures.append(Figure("validated durable write, in process, p99", w99, b99, "ms", compared))
    return figures


def table(figures: list[Figure]) -> str:
    lines = ["| figure | grcgraph | baseline | ratio | target | met? | compared with |", "|---|---|---|---|---|---|---|"]
    for f in figures:
        ratio = f"{f.ratio:.1f}x" if f.ratio else ""
        met = "" if f.met is None else ("yes" if f.met else "no")
        base = f"{f.baseline:,.1f} {f.unit}" if f.baseline else ""
        lines.append(f"| {f.figure} | {f.grcgraph:,.1f} {f.unit} | {base} | {ratio} | {f.target} | {met} | {f.compared_with} |")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--quick", action="store_true", help="1,000 and 10,000 evidence items")
    parser.add_argument("--sizes", type=int, nargs="*", help="evidence counts")
    args = parser.parse_args(argv)
    sizes = args.sizes or ([1000, 10_000] if args.quick else [1000, 10_000, 100_000])
    with tempfile.TemporaryDirectory(prefix="grcgraph-writes-") as tmp:
        figures = run(sizes, Path(tmp))
    print(table(figures))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
