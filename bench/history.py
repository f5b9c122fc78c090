"""The cost of the history, each figure beside its baseline measured in the same run.

    python -m bench.history --quick      # 10,000 items
    python -m bench.history              # 10,000 and 100,000 items

- Write p50/p99: one validated evidence write with its history entry (stored in the same update,
  appended to the log file and synced before it returns) against the same write with the history
  switched off (today's write before the history: the store update alone).
- Import throughput: a 10,000-item file (bulk path), with and without the history.
- Current reads: an evidence item and a gap report over a store written with the history, against
  the same store contents written without it (the history's nodes sit beside the records).
- `verify` over the whole workspace, and an as-of gap report (the workspace rebuilt from its log)
  against the current gap report.
"""

from __future__ import annotations

import argparse
import contextlib
import datetime as dt
import shutil
import statistics
import tempfile
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import pyoxigraph as ox

from grcgraph.api import GRCGraph
from grcgraph.model import EvidenceInput, EvidenceLinkInput
from grcgraph.store.batch import Batch
from grcgraph.store.history import Entry
from grcgraph.store.journal import BulkStore, bulk_insert
from grcgraph.workspace import logged, writes

REQUIREMENTS = ["A.6.2.8", "Art. 12(1)", "iso27001:A.8.15", "GOVERN 1.1", "A.2.2", "A.2.3", "iso42001:A.5.2", "Art. 9(1)"]


@contextlib.contextmanager
def history_off() -> Iterator[None]:
    """Writes as they were before the history: no entry is built, stored or synced."""

    def bulk_unlogged(store: BulkStore, graph: str, data: Batch, finish: Callable[[Entry | None], None]) -> None:
        bulk_insert(store, data, ox.NamedNode(graph))
        finish(None)

    saved = logged.prepare, writes.bulk_logged, logged.committed
    logged.prepare = lambda *_args, **_kw: None  # type: ignore[assignment]
    writes.bulk_logged = bulk_unlogged  # type: ignore[assignment]
    logged.committed = lambda *_args, **_kw: None  # type: ignore[assignment]
    try:
        yield
    finally:
        logged.prepare, writes.bulk_logged, logged.committed = saved


def items(count: int, prefix: str = "e") -> list[EvidenceInput]:
    return [
        EvidenceInput(
            id=f"{prefix}{i}",
            title=f"Evidence {i}",
            kind="policy",
            owner="grc@example.org",
            links=[EvidenceLinkInput(requirement=REQUIREMENTS[(i + k) % len(REQUIREMENTS)], asserted_by="ciso") for k in range(1 + i % 3)],
        )
        for i in range(count)
    ]


def ms(action: Callable[[int], object], count: int) -> tuple[float, float]:
    samples = []
    for n in range(count):
        start = time.perf_counter()
        action(n)
        samples.append((time.perf_counter() - start) * 1000)
    ordered = sorted(samples)
    return statistics.median(ordered), ordered[round(0.99 * (len(ordered) - 1))]


def run(sizes: list[int], writes_count: int) -> list[str]:
    lines = ["| figure | with history | baseline (same run) | ratio |", "|---|---|---|---|"]
    work = Path(tempfile.mkdtemp(prefix="grcgraph-bench-history-"))
    try:
        GRCGraph.open(work / "seed").close()  # the reference graph, loaded once and copied
        stores = {}
        for kept in (True, False):
            path = work / f"writes-{kept}"
            shutil.copytree(work / "seed", path)
            with GRCGraph.open(path) as g, contextlib.nullcontext() if kept else history_off():
                g.put_evidence(items(1000, "w"))
                stores[kept] = ms(lambda n, g=g: g.put_evidence(items(1, f"x{n}-")), writes_count)
        (h50, h99), (b50, b99) = stores[True], stores[False]
        lines.append(f"| write p50 (ms) | {h50:.2f} | {b50:.2f} | {h50 / b50:.2f} |")
        lines.append(f"| write p99 (ms) | {h99:.2f} | {b99:.2f} | {h99 / b99:.2f} |")
        for size in sizes:
            rates = {}
            for kept in (True, False):
                path = work / f"import-{size}-{kept}"
                shutil.copytree(work / "seed", path)
                batch = items(size)
                with GRCGraph.open(path) as g, contextlib.nullcontext() if kept else history_off():
                    start = time.perf_counter()
                    for first in range(0, size, 10_000):
                        g.put_evidence(batch[first : first + 10_000])
                    rates[kept] = size / (time.perf_counter() - start)
            lines.append(
                f"| import {size:,} items (items/s, 10,000 per import) | {rates[True]:,.0f} | {rates[False]:,.0f} | {rates[True] / rates[False]:.2f} |"
            )
            reads = {}
            for kept in (True, False):
                with GRCGraph.open(work / f"import-{size}-{kept}") as g:
                    g.gap_rows("iso42001")  # the link index, built once
                    item = ms(lambda n, g=g, size=size: g.evidence_item(f"e{n * 7 % size}"), 200)[0]
                    report = ms(lambda _n, g=g: g.gap_rows("euaiact"), 5)[0]
                    reads[kept] = (item, report)
            (i1, r1), (i0, r0) = reads[True], reads[False]
            lines.append(f"| {size:,} items: evidence item read p50 (ms) | {i1:.3f} | {i0:.3f} | {i1 / i0:.2f} |")
            lines.append(f"| {size:,} items: gap report, EU AI Act (ms) | {r1:.1f} | {r0:.1f} | {r1 / r0:.2f} |")
            with GRCGraph.open(work / f"import-{size}-True") as g:
                start = time.perf_counter()
                report_ok = g.verify().ok
                verify_s = time.perf_counter() - start
                assert report_ok
                now = ms(lambda _n, g=g: g.gap_rows("iso42001"), 3)[0]
                start = time.perf_counter()
                g.as_of(dt.datetime.now(dt.UTC)).gap_rows("iso42001")
                then = (time.perf_counter() - start) * 1000
            lines.append(f"| {size:,} items: verify (s) | {verify_s:.1f} | (limit 60) | {verify_s / 60:.2f} |")
            lines.append(f"| {size:,} items: as-of gap report, ISO/IEC 42001 (ms) | {then:.0f} | {now:.1f} (current) | {then / now:.0f} |")
    finally:
        shutil.rmtree(work, ignore_errors=True)
    return lines


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--quick", action="store_true", help="10,000 items only")
    parser.add_argument("--sizes", type=int, nargs="*", help="evidence counts (default: 10000, and 100000 unless --quick)")
    parser.add_argument("--writes", type=int, default=200, help="single writes timed per variant")
    args = parser.parse_args()
    sizes = args.sizes or ([10_000] if args.quick else [10_000, 100_000])
    print("\n".join(run(sizes, args.writes)))


if __name__ == "__main__":
    main()
