"""GraphQL input types of the AI management system's records, and their conversion to the facade's
inputs: dates as YYYY-MM-DD text and measurement times as ISO 8601 text, each malformed one a
problem at its field (`input.assessedOn`, `items[3].at`), reported with the facade's own checks in
one answer. Create inputs name what a record needs; update inputs name only what changes (fields
left out keep their value, null clears an optional one)."""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping, Sequence
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

DATE = "YYYY-MM-DD"
DATE_FIELDS = frozenset({"assessed_on", "next_review", "decided_on", "reviewed_on", "found_on", "closed_on", "due", "verified_on"})
UNSET: Any = strawberry.UNSET


def _day(description: str = DATE) -> Any:
    return strawberry.field(default=None, description=description)


@strawberry.input
class CreateRiskInput:
    id: str
    title: str
    description: str | None = None
    systems: list[str] = strawberry.field(default_factory=list, description="AI system ids of this workspace")
    gai_risk: str | None = strawberry.field(default=None, description="A NIST AI 600-1 risk by label: 'Confabulation'")
    likelihood: int | None = strawberry.field(default=None, description="1 to the workspace's risk scale (default 5)")
    severity: int | None = None
    residual_likelihood: int | None = None
    residual_severity: int | None = None
    treatment: str | None = strawberry.field(default=None, description="avoid, mitigate, transfer or accept")
    controls: list[str] = strawberry.field(default_factory=list, description="Requirements, any id form: A.6.2.8, 'Art. 9(2)'")
    evidence: list[str] = strawberry.field(default_factory=list, description="Evidence ids")
    owner: str | None = None
    status: str = strawberry.field(default="identified", description="identified, assessed, treated or closed")
    assessed_on: str | None = _day()
    next_review: str | None = _day()


@strawberry.input(description="Fields left out keep their value; null clears an optional field; lists, when given, replace")
class UpdateRiskInput:
    id: str
    title: str | None = UNSET
    description: str | None = UNSET
    systems: list[str] | None = UNSET
    gai_risk: str | None = UNSET
    likelihood: int | None = UNSET
    severity: int | None = UNSET
    residual_likelihood: int | None = UNSET
    residual_severity: int | None = UNSET
    treatment: str | None = UNSET
    controls: list[str] | None = UNSET
    evidence: list[str] | None = UNSET
    owner: str | None = UNSET
    status: str | None = UNSET
    assessed_on: str | None = UNSET
    next_review: str | None = UNSET


@strawberry.input
class ImpactItemInput:
    area: str = strawberry.field(description="fundamental-rights, health-and-safety, environment or society")
    description: str
    severity: int
    likelihood: int
    mitigation: str | None = None


@strawberry.input
class CreateImpactAssessmentInput:
    id: str
    system: str
    assessed_on: str = strawberry.field(description=DATE)
    assessor: str
    title: str | None = None
    intended_use: str | None = None
    foreseeable_misuse: str | None = None
    affected: list[str] = strawberry.field(default_factory=list, description="Individuals and groups affected")
    impacts: list[ImpactItemInput] = strawberry.field(default_factory=list)
    decision: str | None = strawberry.field(default=None, description="approve, approve-with-conditions or reject; null: a draft")
    approver: str | None = None
    decided_on: str | None = _day()
    conditions: str | None = None
    next_review: str | None = _day()


@strawberry.input(description="Fields left out keep their value; null clears an optional field; lists, when given, replace")
class UpdateImpactAssessmentInput:
    id: str
    system: str | None = UNSET
    assessed_on: str | None = UNSET
    assessor: str | None = UNSET
    title: str | None = UNSET
    intended_use: str | None = UNSET
    foreseeable_misuse: str | None = UNSET
    affected: list[str] | None = UNSET
    impacts: list[ImpactItemInput] | None = UNSET
    decision: str | None = UNSET
    approver: str | None = UNSET
    decided_on: str | None = UNSET
    conditions: str | None = UNSET
    next_review: str | None = UNSET


@strawberry.input
class CreateObjectiveInput:
    id: str
    title: str
    metric: str
    direction: str = strawberry.field(description="higher or lower (is better)")
    target: float
    threshold: float = strawberry.field(
        description="Past it the objective is breached: a floor where higher is better, a ceiling where lower is"
    )
    unit: str | None = None
    systems: list[str] = strawberry.field(default_factory=list)
    requirements: list[str] = strawberry.field(default_factory=list, description="Requirements it serves, any id form")
    owner: str | None = None
    description: str | None = None
    stale_after_days: int | None = strawberry.field(default=None, description="null: the workspace's setting")


@strawberry.input(description="Fields left out keep their value; null clears an optional field; lists, when given, replace")
class UpdateObjectiveInput:
    id: str
    title: str | None = UNSET
    metric: str | None = UNSET
    direction: str | None = UNSET
    target: float | None = UNSET
    threshold: float | None = UNSET
    unit: str | None = UNSET
    systems: list[str] | None = UNSET
    requirements: list[str] | None = UNSET
    owner: str | None = UNSET
    description: str | None = UNSET
    stale_after_days: int | None = UNSET


@strawberry.input
class MeasurementItemInput:
    objective: str
    value: float
    at: str = strawberry.field(description="ISO 8601 date and time: 2026-11-03T02:00:00Z (UTC when it has no offset)")
    recorded_by: str = strawberry.field(description="Who or what recorded it: a person, a CI job")
    source: str | None = None


def _measurement_from_input(input_type: type[MeasurementItemInput], value: Mapping[str, Any], _context: object) -> MeasurementItemInput:
    """Build an item from its GraphQL value, already checked and coerced by graphql-core, without
    strawberry's per-field conversion (most of the time of a batch of 10,000)."""
    return input_type(
        objective=value["objective"], value=value["value"], at=value["at"], recorded_by=value["recordedBy"], source=value.get("source")
    )


MeasurementItemInput.__strawberry_definition__.from_input = _measurement_from_input  # type: ignore[attr-defined]


@strawberry.input
class CreateReviewInput:
    id: str
    kind: str = strawberry.field(description="system, risk, impact-assessment or aims (a management review)")
    reviewed_on: str = strawberry.field(description=DATE)
    outcome: str
    subject: str | None = strawberry.field(default=None, description="The id of what was reviewed; none for a management review")
    participants: list[str] = strawberry.field(default_factory=list)
    actions: list[str] = strawberry.field(default_factory=list)
    next_review: str | None = _day(
        "YYYY-MM-DD; for a review of a system, risk or impact assessment it also becomes that record's next review"
    )


@strawberry.input(description="Fields left out keep their value; null clears an optional field; lists, when given, replace")
class UpdateReviewInput:
    id: str
    kind: str | None = UNSET
    reviewed_on: str | None = UNSET
    outcome: str | None = UNSET
    subject: str | None = UNSET
    participants: list[str] | None = UNSET
    actions: list[str] | None = UNSET
    next_review: str | None = UNSET


@strawberry.input
class CreateNonconformityInput:
    id: str
    title: str
    found_on: str = strawberry.field(description=DATE)
    source: str = strawberry.field(description="internal-audit, external-audit, incident, review, objective or complaint")
    severity: str = strawberry.field(default="minor", description="minor or major")
    source_ref: str | None = strawberry.field(default=None, description="The objective or review it came from")
    requirements: list[str] = strawberry.field(default_factory=list, description="Requirements not met, any id form")
    system: str | None = None
    description: str | None = None
    root_cause: str | None = None
    status: str = strawberry.field(default="open", description="open or closed")
    closed_on: str | None = _day()


@strawberry.input(description="Fields left out keep their value; null clears an optional field; lists, when given, replace")
class UpdateNonconformityInput:
    id: str
    title: str | None = UNSET
    found_on: str | None = UNSET
    source: str | None = UNSET
    severity: str | None = UNSET
    source_ref: str | None = UNSET
    requirements: list[str] | None = UNSET
    system: str | None = UNSET
    description: str | None = UNSET
    root_cause: str | None = UNSET
    status: str | None = UNSET
    closed_on: str | None = UNSET


@strawberry.input
class CreateCorrectiveActionInput:
    id: str
    nonconformity: str
    title: str
    owner: str
    due: str = strawberry.field(description=DATE)
    status: str = strawberry.field(default="planned", description="planned, in-progress or done")
    effective: bool | None = strawberry.field(default=None, description="The verification's verdict, once done and verified")
    verified_on: str | None = _day()
    verified_by: str | None = None
    verification: str | None = None


@strawberry.input(description="Fields left out keep their value; null clears an optional field")
class UpdateCorrectiveActionInput:
    id: str
    nonconformity: str | None = UNSET
    title: str | None = UNSET
    owner: str | None = UNSET
    due: str | None = UNSET
    status: str | None = UNSET
    effective: bool | None = UNSET
    verified_on: str | None = UNSET
    verified_by: str | None = UNSET
    verification: str | None = UNSET


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
        return [ImpactInput(i.area, i.description, i.severity, i.likelihood, i.mitigation) for i in value]
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
