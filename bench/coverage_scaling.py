"""Coverage of one evidence item as the store grows, beside an rdflib + SPARQL baseline.

Usage: python bench/coverage_scaling.py [--quick]

For each size, a seeded synthetic workspace of N evidence items (each linked to 1-3 requirements
across the frameworks) is written through the validated API; then the coverage of one probe item
(with explanations) is timed in grcgraph and in the baseline, which holds the same triples in an
rdflib in-memory graph and answers with one SPARQL query following mapping edges both ways. Both
must reach the same requirements. Figures are medians of repeated runs, printed as ratios.
"""

from __future__ import annotations

import argparse
import datetime as dt
import random
import statistics
import sys
import time

import pyoxigraph as ox
from rdflib import Graph, URIRef

from grcgraph import iris
from grcgraph.api import GRCGraph
from grcgraph.workspace import EvidenceInput, EvidenceLinkInput

BASELINE_QUERY = """
PREFIX grc: <https://w3id.org/grcgraph/vocab#>
PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
SELECT DISTINCT ?target WHERE {
  ?link grc:evidence ?e ; grc:requirement ?req .
  { ?link grc:requirement ?target }
  UNION { ?req ?p ?target . ?p a/rdfs:subClassOf* grc:Relationship . FILTER (?p NOT IN (grc:noRelationship, grc:contrary)) }
  UNION { ?target ?q ?req . ?q grc:inverse ?p . FILTER (?p NOT IN (grc:noRelationship, grc:contrary)) }
}"""
KINDS = ["policy", "procedure", "record", "configuration", "log", "test-result", "documentation", "assessment"]


def populate(g: GRCGraph, count: int, seed: int = 7) -> float:
    """Write `count` evidence items in batches; returns items per second (validation included)."""
    rng = random.Random(seed)
    requirements = [row[1] + ":" + row[2] for row in g.catalog._index if row[5] in ("Control", "Paragraph", "Subcategory", "Clause")]
    start = time.perf_counter()
    for offset in range(0, count, 500):
        batch = [
            EvidenceInput(
                id=f"ev-{n}",
                title=f"Synthetic evidence {n}",
                kind=rng.choice(KINDS),
                links=[EvidenceLinkInput(r, asserted_by="bench") for r in rng.sample(requirements, rng.randint(1, 3))],
            )
            for n in range(offset, min(offset + 500, count))
        ]
        g.workspace.put_evidence(batch, replace=False)
    return count / (time.perf_counter() - start)


def timed(action, repeat: int) -> float:  # type: ignore[no-untyped-def]
    samples = []
    for _ in range(repeat):
        start = time.perf_counter()
        action()
        samples.append(time.perf_counter() - start)
    return statistics.median(samples) * 1000


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--quick", action="store_true", help="small sizes, a few seconds")
    args = parser.parse_args()
    sizes = [200, 1000] if args.quick else [1000, 5000, 10000]
    repeat = 20 if args.quick else 50
    rows = []
    for size in sizes:
        g = GRCGraph.open(workspace="bench")
        rate = populate(g, size)
        g.add_evidence("probe", "Log retention", "configuration", requirements=["A.6.2.8", "iso27001:A.8.15"], asserted_by="bench")
        day = dt.date(2026, 11, 22)
        ours = set(g.coverage("probe", on=day).requirement)
        ours_ms = timed(lambda g=g, day=day: (g.coverage("probe", on=day), g.explain("probe", "Art. 12(1)", on=day)), repeat)

        baseline = Graph()
        for name in (iris.REFERENCE_GRAPH, g.workspace.graph):
            baseline.parse(data=g.store.inner.dump(format=ox.RdfFormat.N_TRIPLES, from_graph=ox.NamedNode(str(name))), format="nt")
        probe = g.workspace.evidence_iri("probe")

        def run_baseline(baseline: Graph = baseline, probe: URIRef = probe) -> set[str]:
            return {str(row[0]) for row in baseline.query(BASELINE_QUERY, initBindings={"e": probe})}  # type: ignore[index]

        theirs = {g.catalog.ref(iri).curie for iri in run_baseline()}
        if theirs != ours:
            print(f"MISMATCH at {size}: only grcgraph {sorted(ours - theirs)[:5]}, only baseline {sorted(theirs - ours)[:5]}")
            return 1
        base_ms = timed(run_baseline, max(3, repeat // 5))
        rows.append((size, ours_ms, base_ms, rate, len(ours)))
        g.close()
    print(f"{'evidence stored':>16} {'grcgraph ms':>12} {'baseline ms':>12} {'speed-up':>9} {'import items/s':>15} {'reached':>8}")
    for size, ours_ms, base_ms, rate, reached in rows:
        print(f"{size:>16} {ours_ms:>12.2f} {base_ms:>12.2f} {base_ms / ours_ms:>8.0f}x {rate:>15.0f} {reached:>8}")
    growth = rows[-1][1] / rows[0][1]
    print(f"grcgraph cost at {rows[-1][0]} items / at {rows[0][0]} items: {growth:.2f} (1.0 = flat); same answers as the baseline")
    return 0


if __name__ == "__main__":
    sys.exit(main())
