"""The GraphQL types of the AI management system's findings and follow-ups: reviews,
nonconformities with their corrective actions, what is overdue, the workspace's settings for
records (the records themselves are in `aims.py`)."""

from __future__ import annotations

import datetime as dt

import strawberry

from grcgraph.api import GRCGraph
from grcgraph.model import CorrectiveAction as ActionData
from grcgraph.model import Nonconformity as NonconformityData
from grcgraph.model import Review as ReviewData
from grcgraph.server.types.aims import RecordEvidence, as_evidence, requirements_of
from grcgraph.server.types.core import Requirement
from grcgraph.server.types.enums import (
    CorrectiveActionState,
    CorrectiveActionStatus,
    NonconformitySeverity,
    NonconformitySource,
    NonconformityStatus,
    ReviewKind,
)
from grcgraph.server.types.history import HistoryEntry, history_field
from grcgraph.server.types.node import Node


@strawberry.type(description="A review of an AI system, a risk, an impact assessment, or the AIMS as a whole (a management review, 9.3)")
class Review(Node):
    data: strawberry.Private[ReviewData]
    api: strawberry.Private[GRCGraph]
    history: list[HistoryEntry] = history_field("review", lambda root: root.data.id)

    def node_key(self) -> str:
        return self.data.id

    @strawberry.field(description="What was reviewed: an AI system, a risk, an impact assessment, or the AIMS (a management review)")
    def kind(self) -> ReviewKind:
        return ReviewKind(self.data.kind)

    @strawberry.field(description="The id of what was reviewed; null for a management review")
    def subject(self) -> str | None:
        return self.data.subject

    @strawberry.field(description="The day of the review")
    def reviewed_on(self) -> dt.date:
        return self.data.reviewed_on

    @strawberry.field(description="Who took part")
    def participants(self) -> list[str]:
        return list(self.data.participants)

    @strawberry.field(description="What the review concluded")
    def outcome(self) -> str:
        return self.data.outcome

    @strawberry.field(description="Actions the review decided")
    def actions(self) -> list[str]:
        return list(self.data.actions)

    @strawberry.field(description="The day the next review is due; null: none set")
    def next_review(self) -> dt.date | None:
        return self.data.next_review

    @strawberry.field(description="The review as evidence")
    def as_evidence(self) -> RecordEvidence:
        return as_evidence(self.api, "review", self.data.id)


@strawberry.type(description="A corrective action on a nonconformity (ISO/IEC 42001 10.2; EU AI Act Art. 20)")
class CorrectiveAction(Node):
    data: strawberry.Private[ActionData]
    api: strawberry.Private[GRCGraph]
    history: list[HistoryEntry] = history_field("corrective-action", lambda root: root.data.id)

    def node_key(self) -> str:
        return self.data.id

    @strawberry.field(description="Id of the nonconformity it corrects")
    def nonconformity(self) -> str:
        return self.data.nonconformity

    @strawberry.field(description="The action in a line")
    def title(self) -> str:
        return self.data.title

    @strawberry.field(description="Who carries it out")
    def owner(self) -> str:
        return self.data.owner

    @strawberry.field(description="The day it is due")
    def due(self) -> dt.date:
        return self.data.due

    @strawberry.field(description="Where the action stands")
    def status(self) -> CorrectiveActionStatus:
        return CorrectiveActionStatus(self.data.status)

    @strawberry.field(description="The verification's verdict, once verified")
    def effective(self) -> bool | None:
        return self.data.effective

    @strawberry.field(description="PLANNED, IN_PROGRESS, DONE, EFFECTIVE or INEFFECTIVE")
    def state(self) -> CorrectiveActionState:
        return CorrectiveActionState(self.data.state)

    @strawberry.field(description="The day its effectiveness was verified; null: not yet")
    def verified_on(self) -> dt.date | None:
        return self.data.verified_on

    @strawberry.field(description="Who verified it; null: not yet")
    def verified_by(self) -> str | None:
        return self.data.verified_by

    @strawberry.field(description="How it was verified; null: not yet")
    def verification(self) -> str | None:
        return self.data.verification

    @strawberry.field(description="The action as evidence")
    def as_evidence(self) -> RecordEvidence:
        return as_evidence(self.api, "corrective-action", self.data.id)


@strawberry.type(description="What went wrong: a requirement not met, where it was found, and its corrective actions (ISO/IEC 42001 10.2)")
class Nonconformity(Node):
    data: strawberry.Private[NonconformityData]
    api: strawberry.Private[GRCGraph]
    history: list[HistoryEntry] = history_field("nonconformity", lambda root: root.data.id)

    def node_key(self) -> str:
        return self.data.id

    @strawberry.field(description="What went wrong, in a line")
    def title(self) -> str:
        return self.data.title

    @strawberry.field(description="The day it was found")
    def found_on(self) -> dt.date:
        return self.data.found_on

    @strawberry.field(description="Where it was found")
    def source(self) -> NonconformitySource:
        return NonconformitySource(self.data.source)

    @strawberry.field(description="The objective or review it came from")
    def source_ref(self) -> str | None:
        return self.data.source_ref

    @strawberry.field(description="How serious it is")
    def severity(self) -> NonconformitySeverity:
        return NonconformitySeverity(self.data.severity)

    @strawberry.field(description="The requirements not met")
    def requirements(self) -> list[Requirement]:
        return requirements_of(self.api, self.data.requirements)

    @strawberry.field(description="AI system id it concerns; null: none")
    def system(self) -> str | None:
        return self.data.system

    @strawberry.field(description="Longer text; null: none")
    def description(self) -> str | None:
        return self.data.description

    @strawberry.field(description="The root cause found; null: not yet known")
    def root_cause(self) -> str | None:
        return self.data.root_cause

    @strawberry.field(description="Whether it is open or closed")
    def status(self) -> NonconformityStatus:
        return NonconformityStatus(self.data.status)

    @strawberry.field(description="The day it was closed; null: open")
    def closed_on(self) -> dt.date | None:
        return self.data.closed_on

    @strawberry.field(description="Its corrective actions, by id")
    def corrective_actions(self) -> list[CorrectiveAction]:
        found = self.api.records("corrective-action")
        return [CorrectiveAction(data=a, api=self.api) for a in found if isinstance(a, ActionData) and a.nonconformity == self.data.id]

    @strawberry.field(description="The nonconformity as evidence")
    def as_evidence(self) -> RecordEvidence:
        return as_evidence(self.api, "nonconformity", self.data.id)


@strawberry.type(description="A record whose next review date has passed")
class OverdueItem:
    kind: str = strawberry.field(description="system, risk, impact-assessment or review")
    id: str = strawberry.field(description="The record's id")
    title: str = strawberry.field(description="Its title (a system's name)")
    next_review: dt.date = strawberry.field(description="The review date that has passed")
    days_overdue: int = strawberry.field(description="Days from that date to the day asked")


@strawberry.type(description="The workspace's scale for likelihood and severity (1 to riskScale) and its default staleness of measurements")
class AIMSSettings:
    risk_scale: int = strawberry.field(description="The highest likelihood and severity value (2 to 10; default 5)")
    stale_after_days: int = strawberry.field(description="Days after which an objective's latest measurement is no recent data (default)")


@strawberry.type(description="What recordMeasurements stored: every measurement of the batch")
class MeasurementBatch:
    count: int = strawberry.field(description="How many measurements were stored")
