"""The facade's history: each record's versions, answers as of a past instant, the check that the
store holds what its log produces, and the audit pack an auditor verifies offline."""

from __future__ import annotations

import contextlib
import datetime as dt
from pathlib import Path
from typing import Self, cast

from grcgraph.api.aims import AIMSAPI
from grcgraph.errors import InvalidInputError, NotFoundError
from grcgraph.model import FieldPath, Finding, HistoryEntry, Problem, VerifyReport
from grcgraph.store.embedded import EmbeddedStore
from grcgraph.store.history import acting_as, head
from grcgraph.vocab import aims_terms
from grcgraph.workspace import Workspace
from grcgraph.workspace import history as records
from grcgraph.workspace.inputs import ID_PATTERN
from grcgraph.workspace.logged import store_directory
from grcgraph.workspace.tokens import TOKEN_GRAPH

KINDS = ("evidence", "system", "soa", "token", *aims_terms.KINDS)


def instant(text: str, field: str = "asOf") -> dt.datetime:
    """An ISO 8601 instant (a date alone is its end, UTC); InvalidInputError naming `field` otherwise."""
    try:
        if len(text) == 10:
            return dt.datetime.combine(dt.date.fromisoformat(text), dt.time.max, dt.UTC)
        when = dt.datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError:
        raise InvalidInputError(
            [Problem(f"{text[:40]!r} is not an ISO 8601 instant such as 2026-10-01T00:00:00Z", FieldPath(field))]
        ) from None
    return when if when.tzinfo else when.replace(tzinfo=dt.UTC)


class HistoryAPI(AIMSAPI):
    as_of_instant: dt.datetime | None = None  # set on a view made by `as_of`
    _as_of_view: tuple[tuple[tuple[int, str], dt.datetime], HistoryAPI] | None = None  # ((log head, instant), view)

    def acting_as(self, agent: str) -> contextlib.AbstractContextManager[None]:
        """Writes made inside are logged as made by `agent`: "token:<id>" (the server) or "user:<name>"."""
        return acting_as(agent)

    def _record_iri(self, kind: str, record_id: str) -> str:
        if kind not in KINDS:
            raise InvalidInputError([Problem(f"{kind!r} is not one of {', '.join(KINDS)}", FieldPath("kind"))])
        if kind == "soa":
            return str(self.workspace.soa_iri(self.catalog.resolve(record_id).iri))  # type: ignore[arg-type]
        if not ID_PATTERN.match(record_id) and kind != "token":
            raise NotFoundError(f"no {kind} {record_id[:140]!r} in workspace {self.workspace.name!r}")
        if kind in aims_terms.KINDS:
            return f"{self.workspace.base}{aims_terms.KINDS[kind][1]}/{record_id}"
        if kind == "token":
            return f"{TOKEN_GRAPH.replace('graph/tokens', 'token')}/{record_id[:16]}"
        return str(self.workspace.evidence_iri(record_id) if kind == "evidence" else self.workspace.system_iri(record_id))

    def history(self, kind: str | None = None, record_id: str | None = None, *, until: dt.datetime | None = None) -> list[HistoryEntry]:
        """The workspace's log (or, with `kind` and `record_id`, the entries that changed that
        record or one naming it: an evidence item's links), oldest first; `until` keeps the entries
        made at or before an instant. Tokens: `kind="token"`, from the store's token log."""
        graph, base = str(self.workspace.graph), self.workspace.base
        if kind == "token":
            graph, base = TOKEN_GRAPH, TOKEN_GRAPH.replace("graph/tokens", "token/")
        if kind is None or record_id is None:
            return records.log(self.store, graph, base, until=until)
        found = records.record_history(self.store, graph, base, self._record_iri(kind, record_id))
        if until is not None:
            found = [e for e in found if instant(e.time) <= until]
        return found

    def as_of(self, when: dt.datetime) -> Self:
        """A read-only view of this workspace as its log says it was at `when`: coverage, gaps and
        the SoA answered over the records then, with the reference graph as it is now. The last view
        is kept until the next write (the log head is its key): an auditor asks the SoA and every
        framework's gaps at one instant, and the replay costs seconds at 100,000 items."""
        graph = str(self.workspace.graph)
        key = (head(self.store, graph), when)
        kept = self._as_of_view
        if kept is not None and kept[0] == key:
            return cast(Self, kept[1])
        scratch = EmbeddedStore(records.state_at(self.store, graph, when, store_directory(self.store)), None)
        view = self.with_workspace(self.workspace.name)
        view.workspace = Workspace(scratch, self.workspace.name, self.catalog)
        view.as_of_instant = when
        self._as_of_view = (key, view)
        return view

    def verify(self, artefacts: Path | None = None) -> VerifyReport:
        """Recompute the workspace's log chain (and the token log's), check the head and that the
        stored records are the ones the log produces; with `artefacts`, re-check the digest of every
        evidence file under that directory."""
        directory = store_directory(self.store)
        report = records.verify(self.store, str(self.workspace.graph), directory)
        tokens = records.verify(self.store, TOKEN_GRAPH, directory)
        findings = list(report.findings) + [Finding(f"tokens {f.where}", f.message) for f in tokens.findings]
        checked = 0
        if artefacts is not None:
            if not artefacts.is_dir():
                raise InvalidInputError([Problem(f"{artefacts} is not a directory", FieldPath("artefacts"))])
            checked, more = records.artefacts(self.store, str(self.workspace.graph), self.workspace.base, artefacts)
            findings += more
        return VerifyReport(report.entries, report.records, report.head, checked, tuple(findings[: records.MAX_FINDINGS]))
