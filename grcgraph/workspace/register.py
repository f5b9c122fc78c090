"""The evidence register's index: each item's id, title, kind, owner and valid-until date, held in
memory per workspace and kept current by the workspace's revision stamp (grcgraph.store.revision),
so the register can be searched, filtered and paged at 100,000 items without reading every item
for every page.

Built with one scan per property (read as CSV, as the link index reads its links); a write made
through this process is patched in by reading again only the evidence it touched; a write the
process did not see (another server on a shared store) makes the next read rebuild it.
"""

from __future__ import annotations

import bisect
import csv
import datetime as dt
import io
import sys
import threading
from collections.abc import Iterator
from dataclasses import dataclass

import pyoxigraph as ox
from rdflib.namespace import DCTERMS, RDF

from grcgraph.store import revision
from grcgraph.vocab.namespace import GRC
from grcgraph.vocab.terms import EVIDENCE_KINDS
from grcgraph.workspace.reads import WorkspaceReads

READ_TIMEOUT = 300.0  # seconds for one property scan
PATCH_SHARE = 0.05  # past this share of items touched since the index was read, read everything again
KIND_NAMES = {str(iri): name for name, iri in EVIDENCE_KINDS.items()}
ENTRY_BYTES = 350  # held per item, estimated (tracemalloc on synthetic workspaces of 2,000 items)


@dataclass(frozen=True)
class Entry:
    """What the register filters on; text is kept lower-case for case-insensitive search."""

    id_lower: str
    title_lower: str
    kind: str
    owner_lower: str | None
    valid_until: dt.date | None


@dataclass(frozen=True)
class Snapshot:
    revision: str | None
    ids: list[str]  # sorted
    entries: dict[str, Entry]


class EvidenceRegister:
    """The register of one workspace."""

    def __init__(self, workspace: WorkspaceReads) -> None:
        self.workspace = workspace
        self._snapshot: Snapshot | None = None
        self._lock = threading.Lock()
        self.builds = 0
        self.patches = 0

    def snapshot(self) -> Snapshot:
        stamp = revision.current(self.workspace.store, self.workspace.graph)
        with self._lock:
            found = self._snapshot
            if found is None:
                found = self._snapshot = self._build(stamp)
            elif found.revision != stamp:
                limit = max(32, int(len(found.ids) * PATCH_SHARE))
                touched = revision.touched_between(self.workspace.graph, found.revision, stamp, limit=limit)
                found = self._snapshot = self._build(stamp) if touched is None else self._patch(found, stamp, touched)
            return found

    def approx_bytes(self) -> int:
        """The memory the register holds, estimated from its count of items (0 before it is first read)."""
        snap = self._snapshot
        return 0 if snap is None else ENTRY_BYTES * len(snap.ids)

    def find(
        self,
        *,
        text: str | None = None,
        kind: str | None = None,
        owner: str | None = None,
        stale: bool | None = None,
        on: dt.date | None = None,
    ) -> list[str]:
        """The workspace's evidence ids, sorted, that match every filter given: `text` in the id or
        title and `owner` in the owner (case-insensitive), `kind` exactly, `stale` (valid-until date
        before `on`, default today) or not stale."""
        found = self.snapshot()
        if text is None and kind is None and owner is None and stale is None:
            return found.ids
        day = on or dt.date.today()
        needle = text.lower() if text is not None else None
        who = owner.lower() if owner is not None else None
        chosen = []
        for evidence_id in found.ids:
            e = found.entries[evidence_id]
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

    def _rows(self, prop: str) -> Iterator[list[str]]:
        ws = self.workspace
        result = ws.store.evaluate(f"SELECT ?e ?v WHERE {{ ?e <{prop}> ?v }}", [ox.NamedNode(str(ws.graph))], READ_TIMEOUT)
        if not isinstance(result, ox.QuerySolutions):
            raise TypeError("a SELECT query answered something other than solutions")
        data = result.serialize(format=ox.QueryResultsFormat.CSV) or b""  # bytes when no output is given
        # Decoded a line at a time: the whole text as one string, in a StringIO (4 bytes a character),
        # took several times the memory the index holds, for a moment, at a million items.
        rows = csv.reader(line.decode("utf-8") for line in io.BytesIO(data))
        next(rows, None)  # the header
        return rows

    def _build(self, stamp: str | None) -> Snapshot:
        # The stamp is read before the items: the index is never older than its stamp.
        self.builds += 1
        start = len(self.workspace.base) + len("evidence/")
        prefix = f"{self.workspace.base}evidence/"
        evidence = str(GRC.Evidence)
        ids = sorted(e[start:] for e, kind in self._rows(str(RDF.type)) if kind == evidence and e.startswith(prefix))
        wanted = set(ids)

        def values(prop: str) -> dict[str, str]:
            return {e[start:]: v for e, v in self._rows(prop) if e[start:] in wanted}

        titles, kinds, owners, until = (
            values(str(DCTERMS.title)),
            values(str(GRC.evidenceKind)),
            values(str(GRC.owner)),
            values(str(GRC.validUntil)),
        )
        intern = sys.intern  # kinds and owners repeat over every item
        entries = {
            i: Entry(
                i.lower(),
                titles.get(i, "").lower(),
                intern(KIND_NAMES.get(kinds.get(i, ""), "")),
                intern(owners[i].lower()) if i in owners else None,
                dt.date.fromisoformat(until[i]) if i in until else None,
            )
            for i in ids
        }
        return Snapshot(stamp, ids, entries)

    def _patch(self, old: Snapshot, stamp: str | None, touched: set[str]) -> Snapshot:
        """`old` with the touched items read again (one batched read): a new snapshot, so readers of
        `old` are not disturbed."""
        self.patches += 1
        if not touched:
            return Snapshot(stamp, old.ids, old.entries)
        fresh = self.workspace.evidence_many(touched)
        ids, entries = list(old.ids), dict(old.entries)
        for evidence_id in touched:
            item = fresh.get(evidence_id)
            position = bisect.bisect_left(ids, evidence_id)
            present = position < len(ids) and ids[position] == evidence_id
            if item is None:
                if present:
                    del ids[position]
                entries.pop(evidence_id, None)
                continue
            if not present:
                ids.insert(position, evidence_id)
            entries[evidence_id] = Entry(
                evidence_id.lower(),
                item.title.lower(),
                item.kind,
                item.owner.lower() if item.owner is not None else None,
                item.valid_until,
            )
        return Snapshot(stamp, ids, entries)
