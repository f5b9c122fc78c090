"""The history of a record in GraphQL: one type for a log entry and one resolver that any record
type adds in one line, `history: list[HistoryEntry] = history_field("evidence", lambda root: root.id)`."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

import strawberry

from grcgraph.model import HistoryEntry as EntryData
from grcgraph.model import RecordChange as ChangeData
from grcgraph.server.context import Info
from grcgraph.server.scalars import instant_of


@strawberry.type(description="A property of a record and its values (IRIs, or literals by their lexical form)")
class PropertyValues:
    name: str = strawberry.field(description="The property's local name in the grcgraph vocabulary (title, validUntil, ...)")
    values: list[str] = strawberry.field(description="Its values, sorted")


@strawberry.type(description="One record's values before and after a write (empty lists when it did not exist)")
class RecordChange:
    record: str = strawberry.field(description="IRI of the record changed")
    kind: str = strawberry.field(
        description="The record's kind: evidence, link, system, soa, risk, impact-assessment, objective, measurement, review, nonconformity, corrective-action, settings or token"
    )
    id: str = strawberry.field(description="The record's id in its workspace")
    operation: str = strawberry.field(description="created, changed or deleted")
    before: list[PropertyValues] = strawberry.field(description="Its values before the write; empty when it was created")
    after: list[PropertyValues] = strawberry.field(description="Its values after the write; empty when it was deleted")

    @classmethod
    def of(cls, change: ChangeData) -> RecordChange:
        def listed(values: dict[str, list[str]]) -> list[PropertyValues]:
            return [PropertyValues(name=k, values=list(v)) for k, v in sorted(values.items())]

        return cls(
            record=change.record,
            kind=change.kind,
            id=change.id,
            operation=change.operation,
            before=listed(change.before),
            after=listed(change.after),
        )


@strawberry.type(description="One write in the workspace's hash-chained history (a PROV-O activity): when, by whom, what it changed")
class HistoryEntry:
    sequence: int = strawberry.field(description="Its position in the workspace's history, from 1")
    time: dt.datetime = strawberry.field(description="When the write was made (UTC)")
    agent: str = strawberry.field(description="token:<id> for a write through the API, user:<name> for the command line")
    operation: str = strawberry.field(description="The write's operation, e.g. createEvidence, importEvidence, updateRisk")
    hash: str = strawberry.field(description="SHA-256 of the entry, covering the previous entry's hash")
    previous_hash: str = strawberry.field(description="The hash of the entry before it (64 zeros for the first)")
    changes: list[RecordChange] = strawberry.field(description="The records the write changed, with their values before and after")

    @classmethod
    def of(cls, entry: EntryData) -> HistoryEntry:
        return cls(
            sequence=entry.sequence,
            time=instant_of(entry.time),
            agent=entry.agent,
            operation=entry.operation,
            hash=entry.hash,
            previous_hash=entry.previous,
            changes=[RecordChange.of(c) for c in entry.changes],
        )


def history_field(kind: str, key: Callable[[Any], str]) -> Any:
    """A `history` field for a record type: `key(root)` gives the record's id (for `kind`)."""

    def resolve(root: Any, info: Info) -> list[HistoryEntry]:
        return [HistoryEntry.of(entry) for entry in info.context.api().history(kind, key(root))]

    return strawberry.field(resolver=resolve, description=f"Every change to this {kind} record (and records naming it), oldest first")
