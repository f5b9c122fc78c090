"""Over GraphQL, a gap report is computed once per workspace revision and read a page at a time from
it: the pages join up to the whole report, and any write (from this server or another process over
the same store) makes the next page come from a new report."""

from __future__ import annotations

import datetime as dt
import uuid
from typing import Any

import pyoxigraph as ox
import pytest
from in_process import execute, fill

from grcgraph.api import GRCGraph
from grcgraph.server.context import Registry
from grcgraph.server.gap_reports import GapReports, reports_for
from grcgraph.server.types.enums import name_of
from grcgraph.store import revision
from grcgraph.store.base import GraphStore

PAGE = """query($after: String) { gaps(framework: "iso42001", on: "2026-11-22", first: 40, after: $after) {
  totalCount edges { node { requirement { id: localId } status evidence } } pageInfo { hasNextPage endCursor } summary { status count } } }"""


def read_all(registry: Registry, workspace: str) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    rows: list[dict[str, Any]] = []
    after = None
    while True:
        page = execute(registry, workspace, PAGE, {"after": after})["gaps"]
        rows += [edge["node"] for edge in page["edges"]]
        if not page["pageInfo"]["hasNextPage"]:
            return rows, page["summary"]
        after = page["pageInfo"]["endCursor"]


def test_pages_come_from_one_report_until_a_write(store: GraphStore) -> None:
    workspace = f"gr-{uuid.uuid4().hex[:12]}"
    api = fill(store, workspace, 12)
    try:
        registry = Registry(api)
        reports = reports_for(api)
        rows, summary = read_all(registry, workspace)
        assert reports.computed == 1  # three pages, one report
        frame = api.gaps("iso42001", on=dt.date(2026, 11, 22))
        assert [row["requirement"]["id"] for row in rows] == list(frame["requirement"])
        assert [row["status"] for row in rows] == [name_of(s) for s in frame["status"]]
        expected = {name_of(r["status"]): r["count"] for r in GRCGraph.summary(frame).to_dict("records")}
        assert {s["status"]: s["count"] for s in summary} == expected

        # A write through another GRCGraph of this process: the link index is patched, not read again.
        GRCGraph(store, workspace).add_evidence("late", "Late", "policy", requirements=["A.10.4"], asserted_by="me")
        rows_after, _ = read_all(registry, workspace)
        assert reports.computed == 2
        assert (api.link_index.builds, api.link_index.patches) == (1, 1)
        changed = {row["requirement"]["id"]: row for row in rows_after}
        assert "late" in changed["iso42001:A.10.4"]["evidence"]

        # A write by another process over the same store (its revision log is not this one's).
        with pytest.MonkeyPatch.context() as m:
            m.setattr(revision, "record", lambda *args, **kwargs: None)
            GRCGraph(store, workspace).workspace.delete_evidence("late")
        rows_later, _ = read_all(registry, workspace)
        assert reports.computed == 3
        assert api.link_index.builds == 2
        assert [row["status"] for row in rows_later] == [name_of(s) for s in api.gaps("iso42001", on=dt.date(2026, 11, 22))["status"]]
        assert "late" not in {row["requirement"]["id"]: row for row in rows_later}["iso42001:A.10.4"]["evidence"]
    finally:
        store.inner.remove_graph(ox.NamedNode(str(api.workspace.graph)))


def test_the_cache_is_bounded(store: GraphStore) -> None:
    api = GRCGraph(store, f"gr-{uuid.uuid4().hex[:12]}")
    reports = GapReports(size=3)
    for day in range(1, 6):
        reports.get(api, "iso42001", None, dt.date(2026, 1, day), 1)
    assert reports.computed == 5 and len(reports._reports) == 3
    reports.get(api, "iso42001", None, dt.date(2026, 1, 5), 1)
    assert reports.computed == 5
