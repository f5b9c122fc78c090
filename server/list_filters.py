"""Filters and orders for list fields, applied before a page is cut, so a client pages through the
filtered list: the evidence register (search, kind, owner, staleness) and gap reports (status,
sort)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

from grcgraph.api import GRCGraph
from grcgraph.model import STATUSES, GapRow
from grcgraph.server.error_format import invalid
from grcgraph.vocab.terms import EVIDENCE_KINDS

# Gap rows by status, the most urgent first (the order a sort by status uses)
STATUS_ORDER = {status: i for i, status in enumerate(("uncovered", "stale", "related", "partial", "covered", "not applicable"))}
GAP_ORDERS = ("document", "status", "requirement", "title", "evidence")


def evidence_ids(
    api: GRCGraph,
    *,
    text: str | None = None,
    kind: str | None = None,
    owner: str | None = None,
    stale: bool | None = None,
    on: dt.date | None = None,
) -> list[str]:
    """The register's ids matching the filters (`GRCGraph.find_evidence`), the arguments checked first."""
    for name, value in (("text", text), ("owner", owner)):
        if value is not None and not 1 <= len(value) <= 200:
            raise invalid(name, "must be 1 to 200 characters")
    if kind is not None and kind not in EVIDENCE_KINDS:
        raise invalid("kind", f"{kind[:60]!r} is not one of {', '.join(EVIDENCE_KINDS)}")
    return api.find_evidence(text=text, kind=kind, owner=owner, stale=stale, on=on)


def gap_positions(rows: Sequence[GapRow], status: list[str] | None, order_by: str, descending: bool) -> list[int]:
    """Positions of the gap rows to show, in the order asked: those whose status is in `status`
    (all when None), by document order, status (most urgent first), requirement id, title or
    number of evidence items; ties keep document order."""
    if status is not None:
        for index, value in enumerate(status):
            if value not in STATUSES:
                raise invalid(f"status[{index}]", f"{value[:60]!r} is not one of {', '.join(STATUSES)}")
    if order_by not in GAP_ORDERS:
        raise invalid("orderBy", f"{order_by[:60]!r} is not one of {', '.join(GAP_ORDERS)}")
    wanted = set(status) if status is not None else None
    positions = [i for i, r in enumerate(rows) if wanted is None or r.status in wanted]
    if order_by == "status":
        positions.sort(key=lambda i: STATUS_ORDER[rows[i].status], reverse=descending)
    elif order_by == "requirement":
        positions.sort(key=lambda i: rows[i].requirement.notation.lower(), reverse=descending)
    elif order_by == "title":
        positions.sort(key=lambda i: rows[i].requirement.title.lower(), reverse=descending)
    elif order_by == "evidence":
        positions.sort(key=lambda i: len(rows[i].evidence), reverse=descending)
    elif descending:
        positions.reverse()
    return positions
