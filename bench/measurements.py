"""Measurements: a batch ingest (a CI job posting a night's figures, or a CSV file), beside the
obvious validated ingest in the same run.

    python -m bench.measurements                 # a batch of 10,000
    python -m bench.measurements --sizes 1000 10000 50000

For each size, on an embedded store on disk: `GRCGraph.record_measurements` of one batch in
process (typed checks, shapes, one durable write; the target is 10,000 or more a second), the same
batch as a CSV file through `GRCGraph.import_measurements` (parsing included), the same batch in
one `recordMeasurements` request to a running server (JSON, GraphQL input conversion, the write),
and the obvious
validated ingest: pyshacl with grcgraph's shapes over the same measurement triples (at most 2,000
of them: it grows worse than linearly). Every batch is checked to be stored in full.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import random
import tempfile
import time
from pathlib import Path

from pyshacl import validate
from rdflib import RDF, Graph, Literal, URIRef
from rdflib.namespace import XSD

from bench.run import Figure, MismatchError
from bench.server import Server, cli
from bench.writes import table
from grcgraph import paths
from grcgraph.api import GRCGraph
from grcgraph.model import MeasurementInput, ObjectiveInput
from grcgraph.vocab.namespace import GRC

WORKSPACE = "bench"
OBJECTIVES = 20
START = dt.datetime(2027, 1, 1, tzinfo=dt.UTC)
BASELINE_MAX = 2000


def batch(size: int, seed: int = 7) -> list[MeasurementInput]:
    """`size` measurements spread over OBJECTIVES objectives, one a minute each, seeded values."""
    rng = random.Random(seed)
    return [
        MeasurementInput(f"obj-{n % OBJECTIVES:02d}", round(rng.uniform(0.8, 1.0), 4), START + dt.timedelta(minutes=n), "ci/nightly", "run")
        for n in range(size)
    ]


def prepare(store: Path) -> None:
    cli("load", data_dir=store)
    with GRCGraph.open(store, workspace=WORKSPACE) as g:
        for n in range(OBJECTIVES):
            g.put_objective(ObjectiveInput(f"obj-{n:02d}", f"Objective {n}", "accuracy", "higher", 0.9, 0.85))


def stored(g: GRCGraph) -> int:
    return sum(len(g.measurement_list(f"obj-{n:02d}")) for n in range(OBJECTIVES))


def shacl_baseline(g: GRCGraph, items: list[MeasurementInput]) -> float:
    """Measurements per second for pyshacl with grcgraph's shapes over the same triples, with the
    vocabulary and the objectives' types (the obvious validated ingest before a store write)."""
    shapes = Graph().parse(str(paths.SHAPES), format="turtle")
    vocabulary = Graph().parse(str(paths.VOCABULARY), format="turtle")
    data = Graph()
    base = g.workspace.base
    for n, item in enumerate(items):
        node = URIRef(f"{base}measurement/baseline-{n}")
        assert isinstance(item.at, dt.datetime)
        data.add((node, RDF.type, GRC.Measurement))
        data.add((node, GRC.ofObjective, URIRef(f"{base}objective/{item.objective}")))
        data.add((node, GRC.value, Literal(float(str(item.value)), datatype=XSD.double)))
        data.add((node, GRC.measuredAt, Literal(item.at.isoformat().replace("+00:00", "Z"), datatype=XSD.dateTime)))
        data.add((node, GRC.recordedBy, Literal(item.recorded_by)))
    start = time.perf_counter()
    context = data + vocabulary
    for n in range(OBJECTIVES):
        context.add((URIRef(f"{base}objective/obj-{n:02d}"), RDF.type, GRC.Objective))
    focus = sorted({s for s in data.subjects() if isinstance(s, URIRef)})
    conforms, _, text = validate(context, shacl_graph=shapes, inference="none", advanced=True, allow_warnings=True, focus_nodes=focus)
    elapsed = time.perf_counter() - start
    if not conforms:
        raise MismatchError(f"pyshacl finds measurements grcgraph accepts non-conforming:\n{str(text)[:2000]}")
    return len(items) / elapsed


def write_csv(items: list[MeasurementInput], file: Path) -> Path:
    lines = ["objective,value,at,source,recorded_by"]
    lines += [
        f"{m.objective},{m.value},{m.at.isoformat() if isinstance(m.at, dt.datetime) else m.at},{m.source},{m.recorded_by}" for m in items
    ]
    file.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return file


def post_over_http(items: list[MeasurementInput], data_dir: Path) -> float:
    """Measurements per second for one `recordMeasurements` request to `grcgraph serve` over
    `data_dir` (the body limit raised to fit): JSON encoding, GraphQL input conversion, the write."""
    posted = [
        {
            "objective": m.objective,
            "value": m.value,
            "at": m.at.isoformat() if isinstance(m.at, dt.datetime) else m.at,
            "recordedBy": m.recorded_by,
        }
        for m in items
    ]
    limit = str(2 * len(json.dumps(posted)) + 10_000)
    with Server(data_dir, WORKSPACE, env={"GRCGRAPH_MAX_BODY_BYTES": limit}) as server:
        began = time.perf_counter()
        answer = server.data(
            "mutation($items: [MeasurementItemInput!]!) { recordMeasurements(items: $items) { count } }", {"items": posted}
        )
        rate = len(items) / (time.perf_counter() - began)
    if answer["recordMeasurements"]["count"] != len(items):
        raise MismatchError(f"recordMeasurements of {len(items):,} answered {answer['recordMeasurements']['count']:,}")
    with GRCGraph.open(data_dir, workspace=WORKSPACE) as g:
        if stored(g) != len(items):
            raise MismatchError(f"{len(items)} measurements posted over HTTP, {stored(g)} stored")
    return rate


def run(sizes: list[int], work: Path) -> list[Figure]:
    figures: list[Figure] = []
    for size in sizes:
        items = batch(size)
        label = f"{size:,}"
        store = work / f"api-{size}"
        prepare(store)
        with GRCGraph.open(store, workspace=WORKSPACE) as g:
            began = time.perf_counter()
            count = g.record_measurements(items)
            rate = size / (time.perf_counter() - began)
            if count != size or stored(g) != size:
                raise MismatchError(f"{size} measurements posted, {stored(g)} stored")
            base_rate = shacl_baseline(g, items[:BASELINE_MAX])
        compared = f"pyshacl over {min(size, BASELINE_MAX):,} of the same measurements"
        figures.append(
            Figure(
                f"measurements, one batch of {label} (record_measurements)",
                rate,
                base_rate,
                "items/s",
                compared,
                ">= 10,000/s",
                rate >= 10_000,
            )
        )

        store = work / f"csv-{size}"
        prepare(store)
        file = write_csv(items, work / f"measurements-{size}.csv")
        with GRCGraph.open(store, workspace=WORKSPACE) as g:
            began = time.perf_counter()
            g.import_measurements(file)
            from_file = size / (time.perf_counter() - began)
            if stored(g) != size:
                raise MismatchError(f"{size} measurements in the file, {stored(g)} stored")
        figures.append(Figure(f"measurements, a CSV file of {label} (import_measurements)", from_file, base_rate, "items/s", compared))

        store = work / f"http-{size}"
        prepare(store)
        over_http = post_over_http(items, store)
        figures.append(
            Figure(
                f"measurements, one batch of {label} over HTTP (recordMeasurements, one request)", over_http, base_rate, "items/s", compared
            )
        )
        print(table(figures), flush=True)
    return figures


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sizes", type=int, nargs="+", default=[10_000])
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory(prefix="grcgraph-bench-measurements-") as tmp:
        figures = run(args.sizes, Path(tmp))
    print()
    print(table(figures))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
