"""The AI management system's own records, as users write them (`...Input`) and as stored: risks,
impact assessments with their impacts, objectives and their measurements, reviews,
nonconformities and corrective actions, the workspace's settings for them; and what the engine
says of them (an objective's status, what is overdue, what a record evidences).

Ids and notations are as users type them; requirements are IRIs once stored (any id form on input).
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from grcgraph.model.workspace import EvidenceLink

OBJECTIVE_STATUSES = ("met", "at-risk", "breached", "no-recent-data")


@dataclass(frozen=True)
class AIMSSettings:
    """Likelihood and severity run from 1 to `risk_scale`; an objective whose latest measurement is
    older than `stale_after_days` (unless it sets its own) has no recent data."""

    risk_scale: int = 5
    stale_after_days: int = 30


def _as_input(record: object, kind: type[Any], **overrides: Any) -> Any:
    """The input that stores `record` again as it is (tuples become lists), for partial updates."""
    values = {f.name: getattr(record, f.name) for f in dataclasses.fields(kind) if hasattr(record, f.name)}
    values = {name: list(value) if isinstance(value, tuple) else value for name, value in values.items()}
    return kind(**{**values, **overrides})


# --- the risk register --------------------------------------------------------------------------
@dataclass
class RiskInput:
    id: str
    title: str
    description: str | None = None
    systems: list[str] = field(default_factory=list)
    gai_risk: str | None = None  # a NIST AI 600-1 risk, by its label ("Confabulation") or IRI
    likelihood: int | None = None
    severity: int | None = None
    residual_likelihood: int | None = None
    residual_severity: int | None = None
    treatment: str | None = None  # avoid, mitigate, transfer, accept
    controls: list[str] = field(default_factory=list)  # requirements, any id form
    evidence: list[str] = field(default_factory=list)  # evidence ids of the workspace
    owner: str | None = None
    status: str = "identified"  # identified, assessed, treated, closed
    assessed_on: dt.date | None = None
    next_review: dt.date | None = None


@dataclass(frozen=True)
class Risk:
    id: str
    title: str
    description: str | None
    systems: tuple[str, ...]
    gai_risk: str | None  # the GAI risk's label
    likelihood: int | None
    severity: int | None
    residual_likelihood: int | None
    residual_severity: int | None
    treatment: str | None
    controls: tuple[str, ...]  # requirement IRIs
    evidence: tuple[str, ...]
    owner: str | None
    status: str
    assessed_on: dt.date | None
    next_review: dt.date | None

    @property
    def inherent_level(self) -> int | None:
        """Likelihood times severity, before treatment."""
        return self.likelihood * self.severity if self.likelihood and self.severity else None

    @property
    def residual_level(self) -> int | None:
        """Residual likelihood times residual severity, after treatment."""
        return self.residual_likelihood * self.residual_severity if self.residual_likelihood and self.residual_severity else None

    def as_input(self) -> RiskInput:
        return _as_input(self, RiskInput)  # type: ignore[no-any-return]


# --- impact assessments -------------------------------------------------------------------------
@dataclass
class ImpactInput:
    area: str  # fundamental-rights, health-and-safety, environment, society
    description: str
    severity: int
    likelihood: int
    mitigation: str | None = None


@dataclass
class ImpactAssessmentInput:
    id: str
    system: str
    assessed_on: dt.date | None
    assessor: str
    title: str | None = None
    intended_use: str | None = None
    foreseeable_misuse: str | None = None
    affected: list[str] = field(default_factory=list)  # individuals and groups
    impacts: list[ImpactInput] = field(default_factory=list)
    decision: str | None = None  # approve, approve-with-conditions, reject; none: a draft
    approver: str | None = None
    decided_on: dt.date | None = None
    conditions: str | None = None
    next_review: dt.date | None = None


@dataclass(frozen=True)
class Impact:
    area: str
    description: str
    severity: int
    likelihood: int
    mitigation: str | None


@dataclass(frozen=True)
class ImpactAssessment:
    id: str
    system: str
    assessed_on: dt.date
    assessor: str
    title: str | None
    intended_use: str | None
    foreseeable_misuse: str | None
    affected: tuple[str, ...]
    impacts: tuple[Impact, ...]
    decision: str | None
    approver: str | None
    decided_on: dt.date | None
    conditions: str | None
    next_review: dt.date | None

    @property
    def state(self) -> str:
        """What the assessment is as evidence: draft until decided, then its decision."""
        return self.decision or "draft"

    def as_input(self) -> ImpactAssessmentInput:
        impacts = [ImpactInput(i.area, i.description, i.severity, i.likelihood, i.mitigation) for i in self.impacts]
        return _as_input(self, ImpactAssessmentInput, impacts=impacts)  # type: ignore[no-any-return]


# --- objectives and measurements ----------------------------------------------------------------
@dataclass
class ObjectiveInput:
    id: str
    title: str
    metric: str
    direction: str  # higher or lower (is better)
    target: float
    threshold: float
    unit: str | None = None
    systems: list[str] = field(default_factory=list)
    requirements: list[str] = field(default_factory=list)  # what it serves: named by a nonconformity opened on its breach
    owner: str | None = None
    description: str | None = None
    stale_after_days: int | None = None  # None: the workspace's setting


@dataclass(frozen=True)
class Objective:
    id: str
    title: str
    metric: str
    direction: str
    target: float
    threshold: float
    unit: str | None
    systems: tuple[str, ...]
    requirements: tuple[str, ...]  # IRIs
    owner: str | None
    description: str | None
    stale_after_days: int | None

    def as_input(self) -> ObjectiveInput:
        return _as_input(self, ObjectiveInput)  # type: ignore[no-any-return]


@dataclass
class MeasurementInput:
    objective: str
    value: object  # a number; anything else is refused, naming the field
    at: dt.datetime | str | None  # text in ISO 8601 (2026-11-03T02:00:00Z), UTC without an offset
    recorded_by: str
    source: str | None = None


@dataclass(frozen=True)
class Measurement:
    objective: str
    value: float
    at: dt.datetime
    recorded_by: str
    source: str | None


@dataclass(frozen=True)
class ObjectiveStatus:
    """An objective's state on a date, from its series: met, at-risk (missing the target, or
    trending toward the threshold), breached (past the threshold) or no-recent-data."""

    status: str
    reason: str
    measurements: int
    latest_value: float | None
    latest_at: dt.datetime | None
    slope_per_day: float | None  # of a least-squares line through the recent measurements


# --- reviews, nonconformities and corrective actions --------------------------------------------
@dataclass
class ReviewInput:
    id: str
    kind: str  # system, risk, impact-assessment, aims (a management review)
    reviewed_on: dt.date | None
    outcome: str
    subject: str | None = None  # the id of what was reviewed; none for a management review
    participants: list[str] = field(default_factory=list)
    actions: list[str] = field(default_factory=list)
    next_review: dt.date | None = None


@dataclass(frozen=True)
class Review:
    id: str
    kind: str
    reviewed_on: dt.date
    outcome: str
    subject: str | None
    participants: tuple[str, ...]
    actions: tuple[str, ...]
    next_review: dt.date | None

    def as_input(self) -> ReviewInput:
        return _as_input(self, ReviewInput)  # type: ignore[no-any-return]


@dataclass
class NonconformityInput:
    id: str
    title: str
    found_on: dt.date | None
    source: str  # internal-audit, external-audit, incident, review, objective, complaint
    severity: str = "minor"  # minor or major
    source_ref: str | None = None  # the objective or review it came from (source objective or review)
    requirements: list[str] = field(default_factory=list)  # not met
    system: str | None = None
    description: str | None = None
    root_cause: str | None = None
    status: str = "open"  # open or closed
    closed_on: dt.date | None = None


@dataclass(frozen=True)
class Nonconformity:
    id: str
    title: str
    found_on: dt.date
    source: str
    severity: str
    source_ref: str | None
    requirements: tuple[str, ...]  # IRIs
    system: str | None
    description: str | None
    root_cause: str | None
    status: str
    closed_on: dt.date | None

    def as_input(self) -> NonconformityInput:
        return _as_input(self, NonconformityInput)  # type: ignore[no-any-return]


@dataclass
class CorrectiveActionInput:
    id: str
    nonconformity: str
    title: str
    owner: str
    due: dt.date | None
    status: str = "planned"  # planned, in-progress, done
    effective: bool | None = None  # the verification's verdict, once verified
    verified_on: dt.date | None = None
    verified_by: str | None = None
    verification: str | None = None


@dataclass(frozen=True)
class CorrectiveAction:
    id: str
    nonconformity: str
    title: str
    owner: str
    due: dt.date
    status: str
    effective: bool | None
    verified_on: dt.date | None
    verified_by: str | None
    verification: str | None

    @property
    def state(self) -> str:
        """What the action is as evidence: its status, or once done and verified, effective or ineffective."""
        if self.status == "done" and self.effective is not None:
            return "effective" if self.effective else "ineffective"
        return self.status

    def as_input(self) -> CorrectiveActionInput:
        return _as_input(self, CorrectiveActionInput)  # type: ignore[no-any-return]


# --- what the engine says of records ------------------------------------------------------------
@dataclass(frozen=True)
class OverdueItem:
    """A record whose next review date has passed."""

    kind: str  # system, risk, impact-assessment, review
    id: str
    title: str
    next_review: dt.date
    days_overdue: int


@dataclass(frozen=True)
class RecordEvidence:
    """One record as evidence: its key (where evidence ids stand: `impact-assessment/IA-3`), how an
    explanation names it, its links (one per requirement and AI system a rule gives it) and until
    when it counts (its next review; an objective's latest measurement plus its staleness)."""

    key: str
    kind: str
    id: str
    label: str
    system: str | None
    until: dt.date | None
    links: tuple[EvidenceLink, ...]
