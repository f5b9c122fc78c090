"""The rows every report is made of, built in one place: coverage rows (what evidence reaches),
gap rows (each requirement of a framework, rolled up its hierarchy), the counts per status, and
the Statement of Applicability. The Python API turns them into DataFrames, the GraphQL server into
its types, the CLI into tables and workbooks."""

from __future__ import annotations

from collections.abc import Collection, Iterable, Mapping
from typing import TYPE_CHECKING

from grcgraph.coverage.rules import roll_up
from grcgraph.model import STATUSES, CoverageRow, Covered, GapRow, Level, SoAEntry, SoARow, StatusCount
from grcgraph.reference.catalog import Catalog

if TYPE_CHECKING:
    import networkx as nx

ANNEX_A_FRAMEWORKS = ("iso42001", "iso27001")


def coverage_rows(catalog: Catalog, covered: Mapping[str, Covered], frameworks: Collection[str] | None = None) -> list[CoverageRow]:
    """One row per requirement reached, in document order, limited to `frameworks` (prefixes) when given."""
    rows = [
        CoverageRow(catalog.ref(iri), entry) for iri, entry in covered.items() if not frameworks or catalog.ref(iri).framework in frameworks
    ]
    return sorted(rows, key=lambda row: catalog.order(row.requirement.iri))


def gap_rows(
    catalog: Catalog,
    network: nx.MultiDiGraph,
    framework: str,
    *,
    covered: Mapping[str, Covered],
    applicable: set[str],
    reasons: Mapping[str, str],
) -> list[GapRow]:
    """Every requirement of `framework` as covered, partial, related, stale, uncovered or not
    applicable, parents rolled up from their applicable children, in document order."""
    status = roll_up(network, dict(covered), applicable)
    has_children = set(catalog.parents().values())
    rows = []
    for ref in catalog.refs(framework):
        entry = covered.get(ref.iri)
        parents = catalog.ancestors(ref.iri)
        rows.append(
            GapRow(
                requirement=ref,
                parent=catalog.ref(parents[0]) if parents else None,
                status=status.get(ref.iri, "not applicable") if ref.iri in applicable else "not applicable",
                reason=reasons.get(ref.iri, ""),
                evidence=tuple(entry.evidence(stale=False)) if entry else (),
                stale_evidence=tuple(entry.evidence(stale=True)) if entry else (),
                inferred=bool(entry and entry.inferred and entry.level > Level.NONE),
                leaf=ref.iri not in has_children,
            )
        )
    return sorted(rows, key=lambda row: catalog.order(row.requirement.iri))


def status_counts(rows: Iterable[tuple[str, bool]]) -> list[StatusCount]:
    """Counts and percentages of each status over the assessable requirements: (status, leaf) pairs,
    of which only leaves count (controls, lowest clauses, paragraphs, subcategories); parents are
    rolled up from them and would count them twice."""
    counts = dict.fromkeys(STATUSES, 0)
    for status, leaf in rows:
        if leaf:
            counts[status] = counts.get(status, 0) + 1
    applicable = sum(counts.values()) - counts["not applicable"]
    return [StatusCount(s, n, round(100 * n / applicable, 1) if applicable and s != "not applicable" else None) for s, n in counts.items()]


def soa_rows(catalog: Catalog, entries: Iterable[SoAEntry], covered: Mapping[str, Covered]) -> list[SoARow]:
    """Every Annex A control, ISO/IEC 42001 first, then ISO/IEC 27001, each in document order, with
    its decision, justification and evidence; an excluded control is `not applicable`, as in gap
    reports."""
    decided = {e.control: e for e in entries}
    rows = []
    for framework in ANNEX_A_FRAMEWORKS:
        controls = [ref for ref in catalog.refs(framework) if ref.kind == "Control"]
        for ref in sorted(controls, key=lambda ref: catalog.order(ref.iri)):
            entry, found = decided.get(ref.iri), covered.get(ref.iri)
            excluded = entry is not None and not entry.included
            rows.append(
                SoARow(
                    framework=framework,
                    control=ref,
                    included=entry.included if entry else None,
                    justification=entry.reason if entry else "",
                    status="not applicable" if excluded else found.status if found else "uncovered",
                    evidence=tuple(found.evidence(stale=False)) if found else (),
                )
            )
    return rows
