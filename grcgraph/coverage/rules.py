"""Coverage: what evidence covers, in every framework, how fully and why.

Rules (docs/coverage.md; each has a scenario test):
- direct: evidence linked to R covers R fully or partly, as the link says;
- across a mapping R -> R' read from R: full coverage of R gives full coverage of R' for equal,
  equivalent, identical, superset of, has integral part (R' integral to R); partial for subset of,
  intersects with, supports and its sub-relationships (example of, integral to, precedes);
  "related" only (a lead, never counted) for a concept link and for is supported by, has example,
  preceded by; nothing for no relationship and contrary. Partial on R never gives more than
  partial on R'.
- chaining: only direct mappings by default; with `chain_length` > 1, relationships compose by
  the table in `compose`, each result through more than one mapping flagged as inferred;
- freshness: evidence past its valid-until date on the date asked is stale: shown, not counted.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from typing import TYPE_CHECKING

from grcgraph.model import CoveragePath, Covered, EvidenceLink, Hop, Level

if TYPE_CHECKING:
    import networkx as nx

EQUALISH = {"equal", "equivalent", "identical"}
FULL_CARRY = EQUALISH | {"supersetOf", "hasIntegralPart"}
PARTIAL_CARRY = {"subsetOf", "intersectsWith", "supports", "exampleOf", "integralTo", "precedes"}
RELATED_ONLY = {"relatedTo", "isSupportedBy", "hasExample", "precededBy"}
NOTHING = {"noRelationship", "contrary"}


def carried(relationship: str) -> Level:
    """The most that full coverage of R gives R' across `relationship` (read from R)."""
    if relationship in FULL_CARRY:
        return Level.FULL
    if relationship in PARTIAL_CARRY:
        return Level.PARTIAL
    if relationship in RELATED_ONLY:
        return Level.RELATED
    return Level.NONE


SUPERSET_LIKE = {"supersetOf", "hasIntegralPart"}
SUBSET_LIKE = {"subsetOf", "integralTo"}
SUPPORT_LIKE = {"supports", "exampleOf", "precedes"}


def compose(first: str, second: str) -> str | None:
    """The relationship of R to R'' through R -first-> R' -second-> R''. IR 8477 defines no
    transitivity; this table is grcgraph's. A chain stays partial only where set reasoning
    guarantees an overlap (R contains R' and R' meets R''; R meets R' and R' is inside R''), and
    is otherwise a lead ("related"): two overlaps in a row do not imply an overlap."""
    if first in NOTHING or second in NOTHING:
        return None
    if first in EQUALISH:
        return second
    if second in EQUALISH:
        return first
    if first in SUBSET_LIKE and second in SUBSET_LIKE:
        return "subsetOf"
    if first in SUPERSET_LIKE and second in SUPERSET_LIKE:
        return "supersetOf"
    if first in SUPERSET_LIKE and second in {"intersectsWith"} | SUBSET_LIKE:
        return "intersectsWith"
    if first == "intersectsWith" and second in SUBSET_LIKE:
        return "intersectsWith"
    if first in SUPERSET_LIKE and second in SUPPORT_LIKE:
        return "supports"  # R holds all of R', which helps R''
    if first in SUPPORT_LIKE and second in SUBSET_LIKE:
        return "supports"  # R helps R', which is part of R''
    return "relatedTo"


def _hop(graph: nx.MultiDiGraph, source: str, target: str, data: dict[str, object]) -> Hop:
    return Hop(
        subject=str(graph.nodes[source]["curie"]),
        predicate=str(data["predicate"]),
        object=str(graph.nodes[target]["curie"]),
        rationale=str(data["rationale"]) if data.get("rationale") else None,
        confidence=float(str(data["confidence"])) if data.get("confidence") is not None else None,
        mapping=str(data["mapping"]),
        mapping_set=str(data["mapping_set"]),
        source=str(data["set_title"]),
        comment=str(data["comment"]) if data.get("comment") else None,
        inverted=bool(data["inverted"]),
    )


def propagate(
    graph: nx.MultiDiGraph,
    links: Iterable[EvidenceLink],
    valid_until: Mapping[str, dt.date],
    *,
    on: dt.date,
    chain_length: int = 1,
    max_paths: int = 20,
) -> dict[str, Covered]:
    """Coverage of every requirement reached from `links`. Cost grows with what is reached, not
    with how much evidence is stored."""
    if chain_length < 0:
        raise ValueError("chain_length must be 0 or more")
    result: dict[str, Covered] = {}

    def record(requirement: str, path: CoveragePath) -> None:
        entry = result.setdefault(requirement, Covered(requirement))
        if path.stale:
            entry.stale_level = max(entry.stale_level, path.level)
        else:
            entry.level = max(entry.level, path.level)
        if len(entry.paths) < max_paths:
            entry.paths.append(path)

    for link in links:
        expiry = valid_until.get(link.evidence)
        stale = expiry is not None and expiry < on
        start = Level.FULL if link.extent == "full" else Level.PARTIAL
        if link.requirement not in graph:
            continue
        record(link.requirement, CoveragePath(link.evidence, link, (), start, stale))
        # Breadth-first over mapping edges, carrying the composed relationship of the path.
        frontier: list[tuple[str, str | None, tuple[Hop, ...], frozenset[str]]] = [
            (link.requirement, None, (), frozenset({link.requirement}))
        ]
        for _depth in range(chain_length):
            following: list[tuple[str, str | None, tuple[Hop, ...], frozenset[str]]] = []
            for node, relationship, hops, seen in frontier:
                for _source, target, data in graph.out_edges(node, data=True):
                    if data.get("kind") != "mapping" or target in seen:
                        continue
                    step = str(data["predicate"])
                    combined = step if relationship is None else compose(relationship, step)
                    if combined is None:
                        continue
                    level = min(start, carried(combined))
                    if level == Level.NONE:
                        continue
                    path_hops = (*hops, _hop(graph, node, target, data))
                    record(target, CoveragePath(link.evidence, link, path_hops, level, stale))
                    following.append((target, combined, path_hops, seen | {target}))
            frontier = following
    return result


def roll_up(graph: nx.MultiDiGraph, covered: dict[str, Covered], applicable: set[str]) -> dict[str, str]:
    """Status of every applicable requirement, parents rolled up from their applicable children:
    fully covered when every applicable child is, partly when some are."""
    children: dict[str, list[str]] = {}
    for child, parent, key in graph.edges(keys=True):
        if key == "broader" and child in applicable and parent in applicable:
            children.setdefault(parent, []).append(child)
    status: dict[str, str] = {}

    def visit(node: str) -> str:
        if node in status:
            return status[node]
        own = covered.get(node)
        own_status = own.status if own else "uncovered"
        kids = [visit(child) for child in children.get(node, [])]
        if not kids or own_status == "covered":
            status[node] = own_status
        elif all(k == "covered" for k in kids):
            status[node] = "covered"
        elif any(k in ("covered", "partial") for k in kids) or own_status == "partial":
            status[node] = "partial"
        elif own_status in ("stale", "related"):
            status[node] = own_status
        elif any(k == "stale" for k in kids):
            status[node] = "stale"
        elif any(k == "related" for k in kids):
            status[node] = "related"
        else:
            status[node] = "uncovered"
        return status[node]

    for node in applicable:
        visit(node)
    return status
