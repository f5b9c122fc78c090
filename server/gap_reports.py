"""Gap reports computed once per workspace revision and reused for every page.

A dashboard reads a whole report a page at a time (`gaps(first: 100, after: ...)`); computing the
report again for each page multiplied its cost by the number of pages. Reports are kept per
workspace `GRCGraph`, keyed by what the answer depends on: framework, system, date, chain length and
the workspace's revision stamp (grcgraph.store.revision), which every write replaces; a write by any
process makes the next request compute a new report. Few are kept: a report is small (one row per
requirement of one framework) but there is one per date asked.
"""

from __future__ import annotations

import datetime as dt
import threading
import weakref
from dataclasses import dataclass

from cachetools import LRUCache

from grcgraph.api import GRCGraph
from grcgraph.model import GapRow, StatusCount

REPORTS = 16  # per workspace


@dataclass(frozen=True)
class GapReport:
    keys: list[str]  # requirement CURIEs in document order: the connection's cursor keys
    rows: list[GapRow]
    summary: list[StatusCount]


class GapReports:
    """A small LRU of one workspace's gap reports."""

    def __init__(self, size: int = REPORTS) -> None:
        self._reports: LRUCache[tuple[object, ...], GapReport] = LRUCache(size)
        self._lock = threading.Lock()  # requests run on several threads, and an LRU hit reorders entries
        self.computed = 0  # reports computed (tests check reuse and invalidation with it)

    def get(self, api: GRCGraph, framework: str, system: str | None, on: dt.date, chain_length: int) -> GapReport:
        # The stamp is read before the report is computed, so a report is never older than its key.
        key = (api.workspace_name, framework, system, on, chain_length, api.revision())
        with self._lock:
            found = self._reports.get(key)
        if found is not None:
            return found
        rows = api.gap_rows(framework, system=system, on=on, chain_length=chain_length)
        report = GapReport(keys=[row.requirement.curie for row in rows], rows=rows, summary=api.status_counts(rows))
        with self._lock:
            self.computed += 1
            self._reports[key] = report
        return report


_by_api: weakref.WeakKeyDictionary[GRCGraph, GapReports] = weakref.WeakKeyDictionary()
_by_api_lock = threading.Lock()


def reports_for(api: GRCGraph) -> GapReports:
    """The report cache of one workspace's `GRCGraph` (the server keeps one per workspace)."""
    with _by_api_lock:
        found = _by_api.get(api)
        if found is None:
            found = _by_api[api] = GapReports()
        return found
