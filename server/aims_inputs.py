"""GraphQL input types of the AI management system's records, and their conversion to the facade's
inputs: dates as YYYY-MM-DD text and measurement times as ISO 8601 text, each malformed one a
problem at its field (`input.assessedOn`, `items[3].at`), reported with the facade's own checks in
one answer. Create inputs name what a record needs; update inputs name only what changes (fields
left out keep their value, null clears an optional one)."""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping, Sequence
from enum import Enum
from typing import Any

import strawberry

from grcgraph.model import (
    CorrectiveActionInput,
    FieldPath,
    ImpactAssessmentInput,
    ImpactInput,
    MeasurementInput,
    NonconformityInput,
    ObjectiveInput,
    Problem,
    ReviewInput,
    RiskInput,
)
from grcgraph.server.arguments import camel, optional_day
from grcgraph.server.inputs import given
from grcgraph.server.scalars import DayText, InstantText
from grcgraph.server.types.enums import (
    AssessmentDecision,
    CorrectiveActionStatus,
    ImpactArea,
    NonconformitySeverity,
    NonconformitySource,
    NonconformityStatus,
    ObjectiveDirection,
    ReviewKind,
    RiskStatus,
    RiskTreatment,
)

DATE = "YYYY-MM-DD"
DATE_FIELDS = frozenset({"assessed_on", "next_review", "decided_on", "reviewed_on", "found_on", "closed_on", "due", "verified_on"})
UNSET: Any = strawberry.UNSET


def _day(description: str = DATE) -> Any:
    return strawberry.field(default=None, description=description)


@strawberry.input(description="A new risk of the register")
class CreateRiskInput:
    id: str = strawberry.field(description="The risk's id in the workspace (1-128 characters: letters, digits, . _ - /)")
    title: str = strawberry.field(description="The risk in a line")
    description: str | None = strawberry.field(default=None, description="Longer text on the risk")
    systems: list[str] = strawberry.field(default_factory=list, description="AI system ids of this workspace")
    gai_risk: str | None = strawberry.field(default=None, description="A NIST AI 600-1 risk by label: 'Confabulation'")
    likelihood: int | None = strawberry.field(default=None, description="1 to the workspace's risk scale (default 5)")
    severity: int | None = strawberry.field(default=None, description="1 to the workspace's risk scale")
    residual_likelihood: int | None = strawberry.field(default=None, description="Likelihood after treatment, 1 to the risk scale")
    residual_severity: int | None = strawberry.field(default=None, description="Severity after treatment, 1 to the risk scale")
    treatment: RiskTreatment | None = strawberry.field(default=None, description="How the risk is treated")
    controls: list[str] = strawberry.field(default_factory=list, description="Requirements, any id form: A.6.2.8, 'Art. 9(2)'")
    evidence: list[str] = strawberry.field(default_factory=list, description="Evidence ids")
    owner: str | None = strawberry.field(default=None, description="The risk owner")
    status: RiskStatus = strawberry.field(default=RiskStatus.IDENTIFIED, description="Where the risk stands (default IDENTIFIED)")
    assessed_on: DayText | None = _day()
    next_review: DayText | None = _day()


@strawberry.input(description="Fields left out keep their value; null clears an optional field; lists, when given, replace")
class UpdateRiskInput:
    id: str = strawberry.field(description="The id of the record to change")
    title: str | None = strawberry.field(default=UNSET, description="The risk in a line")
    description: str | None = strawberry.field(default=UNSET, description="Longer text on the risk")
    systems: list[str] | None = strawberry.field(default=UNSET, description="AI system ids of this workspace")
    gai_risk: str | None = strawberry.field(default=UNSET, description="A NIST AI 600-1 risk by label: 'Confabulation'")
    likelihood: int | None = strawberry.field(default=UNSET, description="1 to the workspace's risk scale (default 5)")
    severity: int | None = strawberry.field(default=UNSET, description="1 to the workspace's risk scale")
    residual_likelihood: int | None = strawberry.field(default=UNSET, description="Likelihood after treatment, 1 to the risk scale")
    residual_severity: int | None = strawberry.field(default=UNSET, description="Severity after treatment, 1 to the risk scale")
    treatment: RiskTreatment | None = strawberry.field(default=UNSET, description="How the risk is treated")
    controls: list[str] | None = strawberry.field(default=UNSET, description="Requirements, any id form: A.6.2.8, 'Art. 9(2)'")
    evidence: list[str] | None = strawberry.field(default=UNSET, description="Evidence ids")
    owner: str | None = strawberry.field(default=UNSET, description="The risk owner")
    status: RiskStatus | None = strawberry.field(default=UNSET, description="Where the risk stands")
    assessed_on: DayText | None = strawberry.field(default=UNSET, description="YYYY-MM-DD")
    next_review: DayText | None = strawberry.field(default=UNSET, description="YYYY-MM-DD")


@strawberry.input(description="One impact found by an impact assessment")
class ImpactItemInput:
    area: ImpactArea = strawberry.field(description="What the impact touches")
    description: str = strawberry.field(description="What the impact is")
    severity: int = strawberry.field(description="1 to the workspace's risk scale")
    likelihood: int = strawberry.field(description="1 to the workspace's risk scale")
    mitigation: str | None = strawberry.field(default=None, description="How it is mitigated")


@strawberry.input(description="A new impact assessment of an AI system")
class CreateImpactAssessmentInput:
    id: str = strawberry.field(description="The assessment's id in the workspace")
    system: str = strawberry.field(description="The AI system assessed, by id")
    assessed_on: DayText = strawberry.field(description=DATE)
    assessor: str = strawberry.field(description="Who made the assessment")
    title: str | None = strawberry.field(default=None, description="Its title")
    intended_use: str | None = strawberry.field(default=None, description="The system's intended use as assessed")
    foreseeable_misuse: str | None = strawberry.field(default=None, description="Reasonably foreseeable misuse considered")
    affected: list[str] = strawberry.field(default_factory=list, description="Individuals and groups affected")
    impacts: list[ImpactItemInput] = strawberry.field(default_factory=list, description="The impacts found")
    decision: AssessmentDecision | None = strawberry.field(default=None, description="The decision; null: a draft")
    approver: str | None = strawberry.field(default=None, description="Who decided (needed with a decision)")
    decided_on: DayText | None = _day()
    conditions: str | None = strawberry.field(default=None, description="The conditions of an approve-with-conditions decision")
    next_review: DayText | None = _day()


@strawberry.input(description="Fields left out keep their value; null clears an optional field; lists, when given, replace")
class UpdateImpactAssessmentInput:
    id: str = strawberry.field(description="The id of the record to change")
    system: str | None = strawberry.field(default=UNSET, description="The AI system assessed, by id")
    assessed_on: DayText | None = strawberry.field(default=UNSET, description="YYYY-MM-DD")
    assessor: str | None = strawberry.field(default=UNSET, description="Who made the assessment")
    title: str | None = strawberry.field(default=UNSET, description="Its title")
    intended_use: str | None = strawberry.field(default=UNSET, description="The system's intended use as assessed")
    foreseeable_misuse: str | None = strawberry.field(default=UNSET, description="Reasonably foreseeable misuse considered")
    affected: list[str] | None = strawberry.field(default=UNSET, description="Individuals and groups affected")
    impacts: list[ImpactItemInput] | None = strawberry.field(default=UNSET, description="The impacts found")
    decision: AssessmentDecision | None = strawberry.field(default=UNSET, description="The decision; null: a draft")
    approver: str | None = strawberry.field(default=UNSET, description="Who decided (needed with a decision)")
    decided_on: DayText | None = strawberry.field(default=UNSET, description="YYYY-MM-DD")
    conditions: str | None = strawberry.field(default=UNSET, description="The conditions of an approve-with-conditions decision")
    next_review: DayText | None = strawberry.field(default=UNSET, description="YYYY-MM-DD")


@strawberry.input(description="A new measurable objective")
class CreateObjectiveInput:
    id: str = strawberry.field(description="The objective's id in the workspace")
    title: str = strawberry.field(description="The objective in a line")
    metric: str = strawberry.field(description="What is measured (accuracy, false-positive rate, ...)")
    direction: ObjectiveDirection = strawberry.field(description="Which way the metric is better")
    target: float = strawberry.field(description="The value aimed for")
    threshold: float = strawberry.field(
        description="Past it the objective is breached: a floor where higher is better, a ceiling where lower is"
    )
    unit: str | None = strawberry.field(default=None, description="The metric's unit")
    systems: list[str] = strawberry.field(default_factory=list, description="AI system ids it is for")
    requirements: list[str] = strawberry.field(default_factory=list, description="Requirements it serves, any id form")
    owner: str | None = strawberry.field(default=None, description="Who is responsible for it")
    description: str | None = strawberry.field(default=None, description="Longer text on the objective")
    stale_after_days: int | None = strawberry.field(default=None, description="null: the workspace's setting")


@strawberry.input(description="Fields left out keep their value; null clears an optional field; lists, when given, replace")
class UpdateObjectiveInput:
    id: str = strawberry.field(description="The id of the record to change")
    title: str | None = strawberry.field(default=UNSET, description="The objective in a line")
    metric: str | None = strawberry.field(default=UNSET, description="What is measured (accuracy, false-positive rate, ...)")
    direction: ObjectiveDirection | None = strawberry.field(default=UNSET, description="Which way the metric is better")
    target: float | None = strawberry.field(default=UNSET, description="The value aimed for")
    threshold: float | None = strawberry.field(
        default=UNSET, description="Past it the objective is breached: a floor where higher is better, a ceiling where lower is"
    )
    unit: str | None = strawberry.field(default=UNSET, description="The metric's unit")
    systems: list[str] | None = strawberry.field(default=UNSET, description="AI system ids it is for")
    requirements: list[str] | None = strawberry.field(default=UNSET, description="Requirements it serves, any id form")
    owner: str | None = strawberry.field(default=UNSET, description="Who is responsible for it")
    description: str | None = strawberry.field(default=UNSET, description="Longer text on the objective")
    stale_after_days: int | None = strawberry.field(default=UNSET, description="null: the workspace's setting")


@strawberry.input(description="One measured value of an objective")
class MeasurementItemInput:
    objective: str = strawberry.field(description="The objective's id")
    value: float = strawberry.field(description="The value, in the objective's unit")
    at: InstantText = strawberry.field(description="ISO 8601 date and time: 2026-11-03T02:00:00Z (UTC when it has no offset)")
    recorded_by: str = strawberry.field(description="Who or what recorded it: a person, a CI job")
    source: str | None = strawberry.field(default=None, description="Where the value comes from (a report, a dashboard)")


def _measurement_from_input(input_type: type[MeasurementItemInput], value: Mapping[str, Any], _context: object) -> MeasurementItemInput:
    """Build an item from its GraphQL value, already checked and coerced by graphql-core, without
    strawberry's per-field conversion (most of the time of a batch of 10,000)."""
    return input_type(
        objective=value["objective"], value=value["value"], at=value["at"], recorded_by=value["recordedBy"], source=value.get("source")
    )


MeasurementItemInput.__strawberry_definition__.from_input = _measurement_from_input  # type: ignore[attr-defined]


@strawberry.input(description="A new review")
class CreateReviewInput:
    id: str = strawberry.field(description="The review's id in the workspace")
    kind: ReviewKind = strawberry.field(description="What was reviewed (AIMS: a management review)")
    reviewed_on: DayText = strawberry.field(description=DATE)
    outcome: str = strawberry.field(description="What the review concluded")
    subject: str | None = strawberry.field(default=None, description="The id of what was reviewed; none for a management review")
    participants: list[str] = strawberry.field(default_factory=list, description="Who took part")
    actions: list[str] = strawberry.field(default_factory=list, description="Actions the review decided")
    next_review: DayText | None = _day(
        "YYYY-MM-DD; for a review of a system, risk or impact assessment it also becomes that record's next review"
    )


@strawberry.input(description="Fields left out keep their value; null clears an optional field; lists, when given, replace")
class UpdateReviewInput:
    id: str = strawberry.field(description="The id of the record to change")
    kind: ReviewKind | None = strawberry.field(default=UNSET, description="What was reviewed (AIMS: a management review)")
    reviewed_on: DayText | None = strawberry.field(default=UNSET, description="YYYY-MM-DD")
    outcome: str | None = strawberry.field(default=UNSET, description="What the review concluded")
    subject: str | None = strawberry.field(default=UNSET, description="The id of what was reviewed; none for a management review")
    participants: list[str] | None = strawberry.field(default=UNSET, description="Who took part")
    actions: list[str] | None = strawberry.field(default=UNSET, description="Actions the review decided")
    next_review: DayText | None = strawberry.field(
        default=UNSET,
        description="YYYY-MM-DD; for a review of a system, risk or impact assessment it also becomes that record's next review",
    )


@strawberry.input(description="A new nonconformity")
class CreateNonconformityInput:
    id: str = strawberry.field(description="The nonconformity's id in the workspace")
    title: str = strawberry.field(description="What went wrong, in a line")
    found_on: DayText = strawberry.field(description=DATE)
    source: NonconformitySource = strawberry.field(description="Where it was found")
    severity: NonconformitySeverity = strawberry.field(default=NonconformitySeverity.MINOR, description="How serious it is (default MINOR)")
    source_ref: str | None = strawberry.field(default=None, description="The objective or review it came from")
    requirements: list[str] = strawberry.field(default_factory=list, description="Requirements not met, any id form")
    system: str | None = strawberry.field(default=None, description="The AI system it concerns, by id")
    description: str | None = strawberry.field(default=None, description="Longer text")
    root_cause: str | None = strawberry.field(default=None, description="The root cause, when known")
    status: NonconformityStatus = strawberry.field(default=NonconformityStatus.OPEN, description="Open (the default) or closed")
    closed_on: DayText | None = _day()


@strawberry.input(description="Fields left out keep their value; null clears an optional field; lists, when given, replace")
class UpdateNonconformityInput:
    id: str = strawberry.field(description="The id of the record to change")
    title: str | None = strawberry.field(default=UNSET, description="What went wrong, in a line")
    found_on: DayText | None = strawberry.field(default=UNSET, description="YYYY-MM-DD")
    source: NonconformitySource | None = strawberry.field(default=UNSET, description="Where it was found")
    severity: NonconformitySeverity | None = strawberry.field(default=UNSET, description="How serious it is")
    source_ref: str | None = strawberry.field(default=UNSET, description="The objective or review it came from")
    requirements: list[str] | None = strawberry.field(default=UNSET, description="Requirements not met, any id form")
    system: str | None = strawberry.field(default=UNSET, description="The AI system it concerns, by id")
    description: str | None = strawberry.field(default=UNSET, description="Longer text")
    root_cause: str | None = strawberry.field(default=UNSET, description="The root cause, when known")
    status: NonconformityStatus | None = strawberry.field(default=UNSET, description="Open or closed")
    closed_on: DayText | None = strawberry.field(default=UNSET, description="YYYY-MM-DD")


@strawberry.input(description="A new corrective action on an open nonconformity")
class CreateCorrectiveActionInput:
    id: str = strawberry.field(description="The action's id in the workspace")
    nonconformity: str = strawberry.field(description="The nonconformity's id")
    title: str = strawberry.field(description="The action in a line")
    owner: str = strawberry.field(description="Who carries it out")
    due: DayText = strawberry.field(description=DATE)
    status: CorrectiveActionStatus = strawberry.field(
        default=CorrectiveActionStatus.PLANNED, description="Where it stands (default PLANNED)"
    )
    effective: bool | None = strawberry.field(default=None, description="The verification's verdict, once done and verified")
    verified_on: DayText | None = _day()
    verified_by: str | None = strawberry.field(default=None, description="Who verified it")
    verification: str | None = strawberry.field(default=None, description="How it was verified")


@strawberry.input(description="Fields left out keep their value; null clears an optional field")
class UpdateCorrectiveActionInput:
    id: str = strawberry.field(description="The id of the record to change")
    nonconformity: str | None = strawberry.field(default=UNSET, description="The nonconformity's id")
    title: str | None = strawberry.field(default=UNSET, description="The action in a line")
    owner: str | None = strawberry.field(default=UNSET, description="Who carries it out")
    due: DayText | None = strawberry.field(default=UNSET, description="YYYY-MM-DD")
    status: CorrectiveActionStatus | None = strawberry.field(default=UNSET, description="Where it stands")
    effective: bool | None = strawberry.field(default=UNSET, description="The verification's verdict, once done and verified")
    verified_on: DayText | None = strawberry.field(default=UNSET, description="YYYY-MM-DD")
    verified_by: str | None = strawberry.field(default=UNSET, description="Who verified it")
    verification: str | None = strawberry.field(default=UNSET, description="How it was verified")


CreateInput = (
    CreateRiskInput
    | CreateImpactAssessmentInput
    | CreateObjectiveInput
    | CreateReviewInput
    | CreateNonconformityInput
    | CreateCorrectiveActionInput
)
MODEL: dict[type, type] = {
    CreateRiskInput: RiskInput,
    CreateImpactAssessmentInput: ImpactAssessmentInput,
    CreateObjectiveInput: ObjectiveInput,
    CreateReviewInput: ReviewInput,
    CreateNonconformityInput: NonconformityInput,
    CreateCorrectiveActionInput: CorrectiveActionInput,
}


def _value(name: str, value: Any, path: FieldPath, problems: list[Problem]) -> Any:
    """A field's value as the facade takes it: dates parsed, impacts converted, lists as lists."""
    if name in DATE_FIELDS:
        return optional_day(value, path / camel(name), problems)
    if name == "impacts" and value is not None:
        return [ImpactInput(i.area.value, i.description, i.severity, i.likelihood, i.mitigation) for i in value]
    if isinstance(value, Enum):
        return value.value  # the engine takes the notation
    return list(value) if isinstance(value, list | tuple) else value


def model_input(given_input: CreateInput, path: FieldPath, problems: list[Problem]) -> Any:
    """The facade's input for a create input."""
    kind = MODEL[type(given_input)]
    return kind(**{f.name: _value(f.name, getattr(given_input, f.name), path, problems) for f in dataclasses.fields(kind)})


def changes_of(update: object, path: FieldPath, problems: list[Problem]) -> dict[str, Any]:
    """The fields an update input names (left-out fields keep their value), converted."""
    return {
        f.name: _value(f.name, getattr(update, f.name), path, problems)
        for f in dataclasses.fields(update)  # type: ignore[arg-type]
        if f.name != "id" and given(getattr(update, f.name))
    }


def measurements_of(items: Sequence[MeasurementItemInput]) -> list[MeasurementInput]:
    """The facade's measurements; the facade parses each time, a malformed one a problem at `items[i].at`."""
    return [MeasurementInput(objective=i.objective, value=i.value, at=i.at, recorded_by=i.recorded_by, source=i.source) for i in items]
