"""The GraphQL types of the AI management system's records: risks, impact assessments with their
impacts, objectives with their status and measurements, and each record as evidence (what it
evidences and why); reviews, nonconformities and corrective actions are in `aims_findings.py`.
Lists that can grow are Relay connections (`RiskConnection`, `MeasurementConnection`, ...), built
from one generic `Connection`."""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Generic, TypeVar

import strawberry

from grcgraph.api import GRCGraph
from grcgraph.model import ImpactAssessment as AssessmentData
from grcgraph.model import Objective as ObjectiveData
from grcgraph.model import Risk as RiskData
from grcgraph.server.arguments import page, parse_day
from grcgraph.server.connections import PageInfo, encode_cursor, paginate
from grcgraph.server.context import Info
from grcgraph.server.scalars import DayText
from grcgraph.server.types.core import Requirement
from grcgraph.server.types.enums import (
    AssessmentDecision,
    ImpactArea,
    ImpactAssessmentState,
    LinkExtent,
    ObjectiveDirection,
    ObjectiveStatusValue,
    RiskStatus,
    RiskTreatment,
)
from grcgraph.server.types.history import HistoryEntry, history_field
from grcgraph.server.types.node import Node
from grcgraph.vocab import aims_terms

T = TypeVar("T")


@strawberry.type(description="One node of a page with its cursor")
class Edge(Generic[T]):
    node: T = strawberry.field(description="The item")
    cursor: str = strawberry.field(description="Opaque cursor of this item: pass it as `after` to read on from it")


@strawberry.type(description="A page of items (Relay connection), with the total over every page")
class Connection(Generic[T]):
    edges: list[Edge[T]] = strawberry.field(description="The items of this page, each with its cursor")
    page_info: PageInfo = strawberry.field(description="Whether more pages follow, and the cursors to reach them")
    total_count: int = strawberry.field(description="Number of items over every page (after the filters)")


@strawberry.type(description="One requirement a record evidences, how fully, and for which AI system (null: for every one)")
class RecordLink:
    requirement: Requirement = strawberry.field(description="The requirement evidenced")
    extent: LinkExtent = strawberry.field(description="FULL or PARTIAL")
    system: str | None = strawberry.field(description="AI system id it evidences the requirement for; null: every system")


@strawberry.type(description="A record as evidence: where evidence ids stand (gap rows, coverage paths) it is named by `key`")
class RecordEvidence:
    key: str = strawberry.field(description="kind/id, as in gap rows' evidence: impact-assessment/IA-3")
    label: str = strawberry.field(
        description="How an explanation's first hop names it: 'impact assessment IA-3 of system credit, approved 2026-11-03'"
    )
    until: dt.date | None = strawberry.field(
        description="It counts until this date (its next review; for an objective, its data's staleness); stale after"
    )
    links: list[RecordLink] = strawberry.field(description="The requirements it evidences now; none for a draft or rejected assessment")


def as_evidence(api: GRCGraph, kind: str, record_id: str) -> RecordEvidence:
    found = api.record_for_key(aims_terms.record_key(kind, record_id))
    links = [
        RecordLink(requirement=Requirement(ref=api.ref(k.requirement), api=api), extent=LinkExtent(k.extent), system=k.system)
        for k in found.links
    ]
    return RecordEvidence(key=found.key, label=found.label, until=found.until, links=links)


def requirements_of(api: GRCGraph, iris: tuple[str, ...]) -> list[Requirement]:
    return [Requirement(ref=api.ref(iri), api=api) for iri in iris]


@strawberry.type(description="An entry of the AI risk register (ISO/IEC 42001 6.1.2-6.1.3, 8.2-8.3; EU AI Act Art. 9)")
class Risk(Node):
    data: strawberry.Private[RiskData]
    api: strawberry.Private[GRCGraph]
    history: list[HistoryEntry] = history_field("risk", lambda root: root.data.id)

    def node_key(self) -> str:
        return self.data.id

    @strawberry.field(description="The risk in a line")
    def title(self) -> str:
        return self.data.title

    @strawberry.field(description="Longer text on the risk; null: none")
    def description(self) -> str | None:
        return self.data.description

    @strawberry.field(description="AI system ids")
    def systems(self) -> list[str]:
        return list(self.data.systems)

    @strawberry.field(description="The NIST AI 600-1 GAI risk it is an instance of, by label")
    def gai_risk(self) -> str | None:
        return self.data.gai_risk

    @strawberry.field(description="On the workspace's scale (aimsSettings.riskScale)")
    def likelihood(self) -> int | None:
        return self.data.likelihood

    @strawberry.field(description="How severe its consequence would be, on the workspace's scale; null: not assessed")
    def severity(self) -> int | None:
        return self.data.severity

    @strawberry.field(description="Likelihood times severity")
    def inherent_level(self) -> int | None:
        return self.data.inherent_level

    @strawberry.field(description="Likelihood after treatment, on the workspace's scale; null: not assessed")
    def residual_likelihood(self) -> int | None:
        return self.data.residual_likelihood

    @strawberry.field(description="Severity after treatment, on the workspace's scale; null: not assessed")
    def residual_severity(self) -> int | None:
        return self.data.residual_severity

    @strawberry.field(description="Residual likelihood times residual severity")
    def residual_level(self) -> int | None:
        return self.data.residual_level

    @strawberry.field(description="How the risk is treated; null: not decided yet")
    def treatment(self) -> RiskTreatment | None:
        return RiskTreatment(self.data.treatment) if self.data.treatment else None

    @strawberry.field(description="The controls chosen")
    def controls(self) -> list[Requirement]:
        return requirements_of(self.api, self.data.controls)

    @strawberry.field(description="Evidence ids of the controls chosen")
    def evidence(self) -> list[str]:
        return list(self.data.evidence)

    @strawberry.field(description="The risk owner; null: none")
    def owner(self) -> str | None:
        return self.data.owner

    @strawberry.field(description="Where the risk stands in the register")
    def status(self) -> RiskStatus:
        return RiskStatus(self.data.status)

    @strawberry.field(description="The day it was last assessed; null: not yet")
    def assessed_on(self) -> dt.date | None:
        return self.data.assessed_on

    @strawberry.field(description="The day it is next due for review; null: none set")
    def next_review(self) -> dt.date | None:
        return self.data.next_review

    @strawberry.field(description="The risk as evidence: what it evidences and until when")
    def as_evidence(self) -> RecordEvidence:
        return as_evidence(self.api, "risk", self.data.id)


@strawberry.type(description="One impact an impact assessment found, with its severity, likelihood and mitigation")
class Impact:
    area: ImpactArea = strawberry.field(description="What the impact touches")
    description: str = strawberry.field(description="What the impact is")
    severity: int = strawberry.field(description="Its severity on the workspace's scale")
    likelihood: int = strawberry.field(description="Its likelihood on the workspace's scale")
    mitigation: str | None = strawberry.field(description="How it is mitigated; null: not recorded")


@strawberry.type(
    description="An AI system impact assessment (ISO/IEC 42001 6.1.4, 8.4, A.5); the FRIA of EU AI Act Art. 27 where it serves as one"
)
class ImpactAssessment(Node):
    data: strawberry.Private[AssessmentData]
    api: strawberry.Private[GRCGraph]
    history: list[HistoryEntry] = history_field("impact-assessment", lambda root: root.data.id)

    def node_key(self) -> str:
        return self.data.id

    @strawberry.field(description="Its title; null: none")
    def title(self) -> str | None:
        return self.data.title

    @strawberry.field(description="AI system id")
    def system(self) -> str:
        return self.data.system

    @strawberry.field(description="The day the assessment was made")
    def assessed_on(self) -> dt.date:
        return self.data.assessed_on

    @strawberry.field(description="Who made it")
    def assessor(self) -> str:
        return self.data.assessor

    @strawberry.field(description="The system's intended use as assessed; null: not recorded")
    def intended_use(self) -> str | None:
        return self.data.intended_use

    @strawberry.field(description="Reasonably foreseeable misuse considered; null: not recorded")
    def foreseeable_misuse(self) -> str | None:
        return self.data.foreseeable_misuse

    @strawberry.field(description="Individuals and groups affected")
    def affected(self) -> list[str]:
        return list(self.data.affected)

    @strawberry.field(description="The impacts found")
    def impacts(self) -> list[Impact]:
        return [
            Impact(
                area=ImpactArea(i.area), description=i.description, severity=i.severity, likelihood=i.likelihood, mitigation=i.mitigation
            )
            for i in self.data.impacts
        ]

    @strawberry.field(description="The decision on it; null: a draft")
    def decision(self) -> AssessmentDecision | None:
        return AssessmentDecision(self.data.decision) if self.data.decision else None

    @strawberry.field(description="DRAFT, APPROVE, APPROVE_WITH_CONDITIONS or REJECT")
    def state(self) -> ImpactAssessmentState:
        return ImpactAssessmentState(self.data.state)

    @strawberry.field(description="Who decided on it; null: undecided")
    def approver(self) -> str | None:
        return self.data.approver

    @strawberry.field(description="The day of the decision; null: undecided")
    def decided_on(self) -> dt.date | None:
        return self.data.decided_on

    @strawberry.field(description="The conditions of an approve-with-conditions decision; null: none")
    def conditions(self) -> str | None:
        return self.data.conditions

    @strawberry.field(description="The day it is next due for review; null: none set")
    def next_review(self) -> dt.date | None:
        return self.data.next_review

    @strawberry.field(
        description="Whether it is the fundamental rights impact assessment of EU AI Act Art. 27 (from the system's role and category)"
    )
    def serves_as_fria(self) -> bool:
        return self.api.serves_as_fria(self.data)

    @strawberry.field(description="The assessment as evidence (a draft or a rejected one evidences nothing)")
    def as_evidence(self) -> RecordEvidence:
        return as_evidence(self.api, "impact-assessment", self.data.id)


@strawberry.type(description="One measured value of an objective's metric")
class Measurement:
    at: dt.datetime = strawberry.field(description="When it was measured (ISO 8601 instant)")
    value: float = strawberry.field(description="The value, in the objective's unit")
    source: str | None = strawberry.field(description="Where the value comes from (a report, a dashboard); null: not recorded")
    recorded_by: str = strawberry.field(description="Who or what recorded it: a person, a CI job")


@strawberry.type(description="An objective's state on a date, from its series of measurements")
class ObjectiveStatus:
    status: ObjectiveStatusValue = strawberry.field(description="MET, AT_RISK, BREACHED or NO_RECENT_DATA")
    reason: str = strawberry.field(description="Why it has this status, in a sentence")
    measurements: int = strawberry.field(description="Number of measurements up to the day asked")
    latest_value: float | None = strawberry.field(description="The latest measured value; null: none yet")
    latest_at: dt.datetime | None = strawberry.field(description="When the latest value was measured; null: none yet")
    slope_per_day: float | None = strawberry.field(description="Of a least-squares line through the latest measurements")


@strawberry.type(description="A measurable AI objective (ISO/IEC 42001 6.2, 9.1; NIST AI RMF MEASURE)")
class Objective(Node):
    data: strawberry.Private[ObjectiveData]
    api: strawberry.Private[GRCGraph]
    history: list[HistoryEntry] = history_field("objective", lambda root: root.data.id)

    def node_key(self) -> str:
        return self.data.id

    @strawberry.field(description="The objective in a line")
    def title(self) -> str:
        return self.data.title

    @strawberry.field(description="What is measured (accuracy, false-positive rate, ...)")
    def metric(self) -> str:
        return self.data.metric

    @strawberry.field(description="The metric's unit; null: none (a ratio)")
    def unit(self) -> str | None:
        return self.data.unit

    @strawberry.field(description="Which way the metric is better")
    def direction(self) -> ObjectiveDirection:
        return ObjectiveDirection(self.data.direction)

    @strawberry.field(description="The value aimed for")
    def target(self) -> float:
        return self.data.target

    @strawberry.field(description="Past it the objective is breached")
    def threshold(self) -> float:
        return self.data.threshold

    @strawberry.field(description="AI system ids")
    def systems(self) -> list[str]:
        return list(self.data.systems)

    @strawberry.field(description="The requirements it serves (a nonconformity opened on its breach names them)")
    def requirements(self) -> list[Requirement]:
        return requirements_of(self.api, self.data.requirements)

    @strawberry.field(description="Who is responsible for it; null: none")
    def owner(self) -> str | None:
        return self.data.owner

    @strawberry.field(description="Longer text on the objective; null: none")
    def description(self) -> str | None:
        return self.data.description

    @strawberry.field(description="Days after which its latest measurement is no recent data (null: the workspace's setting)")
    def stale_after_days(self) -> int | None:
        return self.data.stale_after_days

    @strawberry.field(description="MET, AT_RISK, BREACHED or NO_RECENT_DATA on `on` (YYYY-MM-DD, default today), with why")
    def status(
        self, on: Annotated[DayText | None, strawberry.argument(description="The day to judge on (YYYY-MM-DD, default today)")] = None
    ) -> ObjectiveStatus:
        s = self.api.objective_status(self.data.id, on=parse_day(on, "on"))
        return ObjectiveStatus(
            status=ObjectiveStatusValue(s.status),
            reason=s.reason,
            measurements=s.measurements,
            latest_value=s.latest_value,
            latest_at=s.latest_at,
            slope_per_day=s.slope_per_day,
        )

    @strawberry.field(description="Its measurements in time order, a page at a time")
    def measurements(
        self,
        info: Info,
        first: Annotated[
            int,
            strawberry.argument(description="Page size: 0 up to the server's page limit (GRCGRAPH_MAX_PAGE_SIZE); more is INVALID_INPUT"),
        ] = 100,
        after: Annotated[
            str | None,
            strawberry.argument(description="Read on from this cursor (an edge's cursor or pageInfo.endCursor); null: from the start"),
        ] = None,
    ) -> Connection[Measurement]:
        size = page(info.context.settings, first)
        series = self.api.measurement_list(self.data.id)
        keys = [m.at.isoformat() for m in series]
        chosen, page_info = paginate(keys, "measurement", size, after)
        edges = [
            Edge(
                node=Measurement(at=m.at, value=m.value, source=m.source, recorded_by=m.recorded_by),
                cursor=encode_cursor("measurement", keys[i]),
            )
            for i in chosen
            for m in (series[i],)
        ]
        return Connection(edges=edges, page_info=page_info, total_count=len(keys))

    @strawberry.field(description="The objective as evidence: its status makes it count, or not")
    def as_evidence(self) -> RecordEvidence:
        return as_evidence(self.api, "objective", self.data.id)
