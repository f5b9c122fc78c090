"""Filters and orders for list fields, applied before a page is cut, so a client pages through the
filtered list: the evidence register (search, kind, owner, staleness) and gap reports (status,
sort)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Hashable, Sequence
from typing import Any

from grcgraph.api import STATUSES, GRCGraph
from grcgraph.server.errors import invalid
from grcgraph.server.evidence_index import index_for
from grcgraph.terms import EVIDENCE_KINDS

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
    """The workspace's evidence ids, sorted, that match every filter given: `text` in the id or
    title and `owner` in the owner (case-insensitive), `kind` exactly, `stale` (valid-until date
    before `on`) or not stale. Read from the register's index (server/evidence_index.py)."""
    for name, value in (("text", text), ("owner", owner)):
        if value is not None and not 1 <= len(value) <= 200:
            raise invalid(name, "must be 1 to 200 characters")
    if kind is not None and kind not in EVIDENCE_KINDS:
        raise invalid("kind", f"{kind[:60]!r} is not one of {', '.join(EVIDENCE_KINDS)}")
    found = index_for(api).snapshot()
    if text is None and kind is None and owner is None and stale is None:
        return found.ids
    day = on or dt.date.today()
    needle = text.lower() if text is not None else None
    who = owner.lower() if owner is not None else None
    entries = found.entries
    chosen = []
    for evidence_id in found.ids:
        e = entries[evidence_id]
        if kind is not None and e.kind != kind:
            continue
        if who is not None and (e.owner_lower is None or who not in e.owner_lower):
            continue
        if needle is not None and needle not in e.title_lower and needle not in e.id_lower:
            continue
        if stale is not None and stale != (e.valid_until is not None and e.valid_until < day):
            continue
        chosen.append(evidence_id)
    return chosen


def gap_positions(records: Sequence[dict[Hashable, Any]], status: list[str] | None, order_by: str, descending: bool) -> list[int]:
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
    positions = [i for i, r in enumerate(records) if wanted is None or str(r["status"]) in wanted]
    if order_by == "status":
        positions.sort(key=lambda i: STATUS_ORDER[str(records[i]["status"])], reverse=descending)
    elif order_by == "requirement":
        positions.sort(key=lambda i: str(records[i]["notation"]).lower(), reverse=descending)
    elif order_by == "title":
        positions.sort(key=lambda i: str(records[i]["title"]).lower(), reverse=descending)
    elif order_by == "evidence":
        positions.sort(key=lambda i: len([e for e in str(records[i]["evidence"]).split("|") if e]), reverse=descending)
    elif descending:
        positions.reverse()
    return positions
