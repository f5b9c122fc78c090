"""The GraphQL types of plain records: the caller, frameworks, gap rows and counts, applicable
provisions, the AI inventory, the Statement of Applicability and API tokens."""

from __future__ import annotations

import dataclasses
import datetime as dt

import strawberry

from grcgraph.model import STATUSES
from grcgraph.model import AISystem as SystemData
from grcgraph.server.types.core import Requirement
from grcgraph.server.types.history import HistoryEntry, history_field


@strawberry.type
class Viewer:
    workspace: str
    role: str
    token_id: str | None


@strawberry.type
class KindCount:
    kind: str
    count: int


@strawberry.type
class Framework:
    prefix: str
    name: str
    version: str
    title: str
    scheme: str
    rights: str
    requirement_count: int
    counts: list[KindCount]


@strawberry.type
class GapRow:
    requirement: Requirement
    parent: str | None
    status: str = strawberry.field(description=", ".join(STATUSES))
    reason: str
    evidence: list[str] = strawberry.field(
        description="Evidence ids behind the status, from the requirement's first 20 coverage paths (the status counts every path)"
    )
    stale_evidence: list[str] = strawberry.field(description="Expired evidence ids, from the same first 20 paths")
    inferred: bool
    leaf: bool = strawberry.field(description="No sub-requirements: counted in the summary (parents are rolled up from these)")


@strawberry.type
class StatusCount:
    status: str
    count: int
    percent_of_applicable: float | None


@strawberry.type
class ApplicableProvision:
    requirement: Requirement
    basis: str
    roles: list[str]
    conditional: bool
    note: str
    applies_from: dt.date | None
    in_force: bool
    date_source: str


@strawberry.type
class AISystem:
    id: str
    name: str
    roles: list[str]
    category: str
    generative: bool
    owner: str | None
    purpose: str | None
    data_used: str | None
    next_review: dt.date | None
    history: list[HistoryEntry] = history_field("system", lambda root: root.id)

    @classmethod
    def of(cls, system: SystemData) -> AISystem:
        values = dataclasses.asdict(system)
        values["roles"] = list(system.roles)
        return cls(**values)


@strawberry.type
class SoAEntry:
    control: Requirement
    included: bool
    reason: str
    history: list[HistoryEntry] = history_field("soa", lambda root: root.control.ref.curie)


@strawberry.type
class SoARow:
    framework: str
    control: Requirement
    included: bool | None
    justification: str
    status: str
    evidence: list[str]
    history: list[HistoryEntry] = history_field("soa", lambda root: root.control.ref.curie)


@strawberry.type(description="An API token's record; its secret is never stored, and its hash is never shown")
class Token:
    id: str
    workspace: str
    role: str
    created: str
    revoked: bool
    expires: str | None = strawberry.field(description="Refused from this instant on (UTC); null: never expires")
    last_used: str | None = strawberry.field(description="The minute (UTC) of its last request; null: never used")
    created_by: str | None = strawberry.field(description="Who made it: 'cli' or the id of the admin or operator token")
    revoked_by: str | None = strawberry.field(description="Who revoked it: 'cli' or a token id")
    revoked_at: str | None = strawberry.field(description="When it was revoked (UTC)")


@strawberry.type(description="What importEvidence stored: every item of the batch, in input order")
class EvidenceImport:
    count: int
    ids: list[str]


@strawberry.type(description="A new API token: `token` is the secret, shown this once only")
class NewToken:
    id: str
    workspace: str
    role: str
    token: str
