"""The GraphQL types of plain records: the caller, frameworks, gap rows and counts, applicable
provisions, the AI inventory, the Statement of Applicability and API tokens."""

from __future__ import annotations

import dataclasses
import datetime as dt

import strawberry

from grcgraph.api import GRCGraph
from grcgraph.model import AISystem as SystemData
from grcgraph.model import FrameworkVersion
from grcgraph.model import SoAEntry as EntryData
from grcgraph.model import SoARow as SoARowData
from grcgraph.server.types.core import Requirement
from grcgraph.server.types.enums import AICategory, CoverageStatus, OperatorRole, RequirementKind, TokenRole
from grcgraph.server.types.history import HistoryEntry, history_field
from grcgraph.server.types.node import Node


@strawberry.type(description="The caller: the workspace its token reads and writes, and its role")
class Viewer:
    workspace: str = strawberry.field(description="The workspace the token belongs to")
    role: TokenRole = strawberry.field(description="The token's role: READER, EDITOR, ADMIN or OPERATOR")
    token_id: str | None = strawberry.field(description="The token's public id (16 hex digits); null for a local caller without a token")


@strawberry.type(description="How many requirements of one kind a framework version has")
class KindCount:
    kind: RequirementKind = strawberry.field(description="Requirement kind (CLAUSE, CONTROL, ARTICLE, ...)")
    count: int = strawberry.field(description="Number of requirements of that kind")


@strawberry.type(description="A framework version loaded in the reference graph (a skos:ConceptScheme)")
class Framework(Node):
    prefix: str = strawberry.field(description="The CURIE prefix of its requirements: iso42001, iso27001, euaiact, nistairmf, nistgai")
    name: str = strawberry.field(description="The framework's name, e.g. ISO/IEC 42001")
    version: str = strawberry.field(description="The version or edition, e.g. 2023")
    title: str = strawberry.field(description="The full title of the version")
    scheme: str = strawberry.field(description="IRI of the version's concept scheme")
    rights: str = strawberry.field(description="The licence or rights statement of its text")
    requirement_count: int = strawberry.field(description="Number of requirements in the version")
    counts: list[KindCount] = strawberry.field(description="Requirements per kind, in catalog order")
    in_workspace = False

    def node_key(self) -> str:
        return self.prefix

    @classmethod
    def of(cls, version: FrameworkVersion) -> Framework:
        return cls(
            prefix=version.prefix,
            name=version.framework,
            version=version.version,
            title=version.title,
            scheme=version.scheme,
            rights=version.rights,
            requirement_count=version.total,
            counts=[KindCount(kind=RequirementKind(k), count=n) for k, n in version.counts.items()],
        )


@strawberry.type(description="One requirement of a gap report with its status and why")
class GapRow:
    requirement: Requirement = strawberry.field(description="The requirement")
    parent: str | None = strawberry.field(description="CURIE of the enclosing requirement; null at the top")
    status: CoverageStatus = strawberry.field(description="COVERED, PARTIAL, RELATED, STALE, UNCOVERED or NOT_APPLICABLE")
    reason: str = strawberry.field(description="Why the requirement has this status, in a sentence")
    evidence: list[str] = strawberry.field(
        description="Evidence ids behind the status, from the requirement's first 20 coverage paths (the status counts every path)"
    )
    stale_evidence: list[str] = strawberry.field(description="Expired evidence ids, from the same first 20 paths")
    inferred: bool = strawberry.field(description="True when the status comes only through mappings")
    leaf: bool = strawberry.field(description="No sub-requirements: counted in the summary (parents are rolled up from these)")


@strawberry.type(description="How many assessable requirements of a gap report have one status")
class StatusCount:
    status: CoverageStatus = strawberry.field(description="The gap status counted")
    count: int = strawberry.field(description="Number of leaf requirements with that status")
    percent_of_applicable: float | None = strawberry.field(
        description="Share of the applicable requirements, in percent (0-100); null for NOT_APPLICABLE"
    )


@strawberry.type(description="An EU AI Act provision that binds the organisation for an AI system, on what basis and from when")
class ApplicableProvision:
    requirement: Requirement = strawberry.field(description="The provision")
    basis: str = strawberry.field(description="Why it applies: the system's category and role it follows from")
    roles: list[OperatorRole] = strawberry.field(description="The operator roles (PROVIDER, DEPLOYER, ...) it binds")
    conditional: bool = strawberry.field(description="True when it applies only under a condition the `note` names")
    note: str = strawberry.field(description="The condition or remark on the provision; empty when none")
    applies_from: dt.date | None = strawberry.field(
        description="The day it applies from for this system (YYYY-MM-DD); null: no date recorded"
    )
    in_force: bool = strawberry.field(description="True when it applies on the day asked")
    date_source: str = strawberry.field(description="The legal act that sets the date")


@strawberry.type(description="An AI system of the workspace's inventory, with its EU AI Act role and risk category")
class AISystem(Node):
    system_id: strawberry.Private[str]
    name: str = strawberry.field(description="The system's name")
    roles: list[OperatorRole] = strawberry.field(description="The organisation's operator roles for it (EU AI Act Art. 3)")
    category: AICategory = strawberry.field(description="Its EU AI Act category")
    generative: bool = strawberry.field(description="True for a generative AI system (NIST AI 600-1 applies)")
    owner: str | None = strawberry.field(description="Who is responsible for it; null: none")
    purpose: str | None = strawberry.field(description="Its intended purpose; null: not recorded")
    data_used: str | None = strawberry.field(description="The data it uses; null: not recorded")
    next_review: dt.date | None = strawberry.field(description="The day it is next due for review; null: none set")
    history: list[HistoryEntry] = history_field("system", lambda root: root.system_id)

    def node_key(self) -> str:
        return self.system_id

    @classmethod
    def of(cls, system: SystemData) -> AISystem:
        values = dataclasses.asdict(system)
        values["roles"] = [OperatorRole(r) for r in system.roles]
        values["category"] = AICategory(system.category)
        values["system_id"] = values.pop("id")
        return cls(**values)


@strawberry.type(description="A control's applicability as set in the Statement of Applicability")
class SoAEntry(Node):
    control: Requirement = strawberry.field(description="The Annex A control")
    included: bool = strawberry.field(description="True when the control is included, false when excluded")
    reason: str = strawberry.field(description="The justification of the inclusion or exclusion")
    history: list[HistoryEntry] = history_field("soa", lambda root: root.control.ref.curie)

    def node_key(self) -> str:
        return self.control.ref.curie

    @classmethod
    def of(cls, entry: EntryData, api: GRCGraph) -> SoAEntry:
        return cls(control=Requirement(ref=api.ref(entry.control), api=api), included=entry.included, reason=entry.reason)


@strawberry.type(description="One Annex A control of the Statement of Applicability with its decision and the evidence behind it")
class SoARow(Node):
    framework: str = strawberry.field(description="Framework prefix: iso42001 or iso27001")
    control: Requirement = strawberry.field(description="The Annex A control")
    included: bool | None = strawberry.field(description="True: included, false: excluded, null: no decision recorded")
    justification: str = strawberry.field(description="The justification recorded; empty when none")
    status: CoverageStatus = strawberry.field(description="The control's gap status (COVERED, PARTIAL, ..., NOT_APPLICABLE)")
    evidence: list[str] = strawberry.field(description="Evidence ids behind the status")
    history: list[HistoryEntry] = history_field("soa", lambda root: root.control.ref.curie)

    def node_key(self) -> str:
        return self.control.ref.curie

    @classmethod
    def of(cls, row: SoARowData, api: GRCGraph) -> SoARow:
        return cls(
            framework=row.framework,
            control=Requirement(ref=row.control, api=api),
            included=row.included,
            justification=row.justification,
            status=CoverageStatus(row.status),
            evidence=list(row.evidence),
        )


@strawberry.type(description="An API token's record; its secret is never stored, and its hash is never shown")
class Token:
    id: str = strawberry.field(description="The token's public id (16 hex digits)")
    workspace: str = strawberry.field(description="The workspace it reads and writes")
    role: TokenRole = strawberry.field(description="Its role: READER, EDITOR, ADMIN or OPERATOR")
    created: dt.datetime = strawberry.field(description="When it was made (UTC)")
    revoked: bool = strawberry.field(description="True once revoked")
    expires: dt.datetime | None = strawberry.field(description="Refused from this instant on (UTC); null: never expires")
    last_used: dt.datetime | None = strawberry.field(description="The minute (UTC) of its last request; null: never used")
    created_by: str | None = strawberry.field(description="Who made it: 'cli' or the id of the admin or operator token")
    revoked_by: str | None = strawberry.field(description="Who revoked it: 'cli' or a token id")
    revoked_at: dt.datetime | None = strawberry.field(description="When it was revoked (UTC)")


@strawberry.type(description="What importEvidence stored: every item of the batch, in input order")
class EvidenceImport:
    count: int = strawberry.field(description="How many items were stored")
    ids: list[str] = strawberry.field(description="Their ids, in input order")


@strawberry.type(description="A new API token: `token` is the secret, shown this once only")
class NewToken:
    id: str = strawberry.field(description="The token's public id (16 hex digits)")
    workspace: str = strawberry.field(description="The workspace it reads and writes")
    role: TokenRole = strawberry.field(description="Its role")
    token: str = strawberry.field(description="The secret to send as `Authorization: Bearer <token>`; shown this once")
