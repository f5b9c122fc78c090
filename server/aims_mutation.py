"""The GraphQL mutations of the AI management system's records: a create and an update mutation per
kind, batches of measurements, a nonconformity opened from a breached objective, deletes, the
settings. Writes need the editor role; every write runs as the other mutations do (a worker thread,
one write at a time) and reports every problem of its input in one answer, each at its field
(`input.likelihood`, `items[3].value`), writing nothing."""

from __future__ import annotations

from collections.abc import Callable
from typing import Annotated, Any

import strawberry

from grcgraph.api import GRCGraph
from grcgraph.errors import InvalidInputError
from grcgraph.model import FieldPath, Problem, Role
from grcgraph.model import Nonconformity as NonconformityData
from grcgraph.model import Objective as ObjectiveData
from grcgraph.server import aims_inputs as inputs
from grcgraph.server.aims import one_record
from grcgraph.server.arguments import check_lengths, parse_day
from grcgraph.server.context import Info
from grcgraph.server.error_format import invalid
from grcgraph.server.inputs import INPUT, ITEMS
from grcgraph.server.mutation import in_write_thread
from grcgraph.server.scalars import DayText
from grcgraph.server.types.aims import ImpactAssessment, Objective, Risk
from grcgraph.server.types.aims_findings import AIMSSettings, CorrectiveAction, MeasurementBatch, Nonconformity, Review
from grcgraph.server.types.enums import NonconformitySeverity, RecordKind


def _create(api: GRCGraph, kind: str, given: inputs.CreateInput) -> Any:
    problems: list[Problem] = []
    if api.has_record(kind, given.id[:200]):
        problems.append(Problem(f"{kind.replace('-', ' ')} {given.id[:140]!r} already exists; use its update mutation", INPUT / "id"))
    check_lengths(given, INPUT, problems)
    item = inputs.model_input(given, INPUT, problems)
    put: dict[str, Callable[..., str]] = {
        "risk": api.put_risk,
        "impact-assessment": api.put_impact_assessment,
        "objective": api.put_objective,
        "review": api.put_review,
        "nonconformity": api.put_nonconformity,
        "corrective-action": api.put_corrective_action,
    }
    put[kind](item, create=None, path=INPUT, problems=problems)
    return api.record(kind, given.id)


def _update(api: GRCGraph, kind: str, given: Any) -> Any:
    api.record(kind, given.id[:200])  # NOT_FOUND first
    problems: list[Problem] = []
    check_lengths(given, INPUT, problems)
    api.update_record(kind, given.id, inputs.changes_of(given, INPUT, problems), path=INPUT, problems=problems)
    return api.record(kind, given.id)


@strawberry.type
class AIMSMutation:
    @strawberry.mutation(
        description="Add a risk to the register; INVALID_INPUT naming each field (a likelihood outside the scale: input.likelihood)"
    )
    @in_write_thread
    def create_risk(self, info: Info, input: Annotated[inputs.CreateRiskInput, strawberry.argument(description="The new risk")]) -> Risk:
        api = info.context.api(Role.editor)
        return Risk(data=_create(api, "risk", input), api=api)

    @strawberry.mutation(description="Change a risk; fields left out keep their value")
    @in_write_thread
    def update_risk(
        self,
        info: Info,
        input: Annotated[inputs.UpdateRiskInput, strawberry.argument(description="The risk's id and the fields to change")],
    ) -> Risk:
        api = info.context.api(Role.editor)
        return Risk(data=_update(api, "risk", input), api=api)

    @strawberry.mutation(description="Record an impact assessment of an AI system (no decision: a draft, which evidences nothing)")
    @in_write_thread
    def create_impact_assessment(
        self, info: Info, input: Annotated[inputs.CreateImpactAssessmentInput, strawberry.argument(description="The new impact assessment")]
    ) -> ImpactAssessment:
        api = info.context.api(Role.editor)
        return ImpactAssessment(data=_create(api, "impact-assessment", input), api=api)

    @strawberry.mutation(description="Change an impact assessment (its decision, say); fields left out keep their value")
    @in_write_thread
    def update_impact_assessment(
        self,
        info: Info,
        input: Annotated[
            inputs.UpdateImpactAssessmentInput, strawberry.argument(description="The assessment's id and the fields to change")
        ],
    ) -> ImpactAssessment:
        api = info.context.api(Role.editor)
        return ImpactAssessment(data=_update(api, "impact-assessment", input), api=api)

    @strawberry.mutation(description="Set a measurable objective with its target and threshold")
    @in_write_thread
    def create_objective(
        self, info: Info, input: Annotated[inputs.CreateObjectiveInput, strawberry.argument(description="The new objective")]
    ) -> Objective:
        api = info.context.api(Role.editor)
        return Objective(data=_create(api, "objective", input), api=api)

    @strawberry.mutation(description="Change an objective; fields left out keep their value")
    @in_write_thread
    def update_objective(
        self,
        info: Info,
        input: Annotated[inputs.UpdateObjectiveInput, strawberry.argument(description="The objective's id and the fields to change")],
    ) -> Objective:
        api = info.context.api(Role.editor)
        return Objective(data=_update(api, "objective", input), api=api)

    @strawberry.mutation(
        description="Store a batch of measurements, all or none, each problem named items[i].field (an unknown objective, a time "
        "that is not ISO 8601); a measurement at the same time as a stored one of its objective replaces it. The server's body "
        "limit bounds a batch (about 9,000 measurements in the default 1,000,000 bytes)"
    )
    @in_write_thread
    def record_measurements(
        self,
        info: Info,
        items: Annotated[
            list[inputs.MeasurementItemInput], strawberry.argument(description="The measurements, of one objective or several")
        ],
    ) -> MeasurementBatch:
        api = info.context.api(Role.editor)
        problems: list[Problem] = []
        check_lengths(items, ITEMS, problems)
        if problems:
            raise InvalidInputError(problems)
        return MeasurementBatch(count=api.record_measurements(inputs.measurements_of(items), path=ITEMS))

    @strawberry.mutation(
        description="Open a nonconformity from an objective breached on `on` (default today), naming the requirements it serves "
        "and its AI system; INVALID_INPUT at `objective` unless it is breached"
    )
    @in_write_thread
    def open_nonconformity(  # noqa: PLR0917 (GraphQL arguments)
        self,
        info: Info,
        objective: Annotated[str, strawberry.argument(description="The breached objective's id")],
        id: Annotated[str, strawberry.argument(description="The new nonconformity's id")],
        on: Annotated[
            DayText | None,
            strawberry.argument(
                description="The day the objective is breached on, and the nonconformity found on (YYYY-MM-DD); default today"
            ),
        ] = None,
        severity: Annotated[
            NonconformitySeverity, strawberry.argument(description="How serious it is (default MAJOR)")
        ] = NonconformitySeverity.MAJOR,
        root_cause: Annotated[str | None, strawberry.argument(description="The root cause, when known")] = None,
    ) -> Nonconformity:
        api = info.context.api(Role.editor)
        one_record(api, "objective", objective, ObjectiveData)
        if len(id) > 200:
            raise invalid("id", "is longer than 200 characters")
        problems: list[Problem] = []
        check_lengths(root_cause, FieldPath("rootCause"), problems)
        if problems:
            raise InvalidInputError(problems)
        api.open_nonconformity(objective, id, on=parse_day(on, "on"), severity=severity.value, root_cause=root_cause)
        return Nonconformity(data=one_record(api, "nonconformity", id, NonconformityData), api=api)

    @strawberry.mutation(
        description="Record a review; one of a system, risk or impact assessment moves that record's next review to its own"
    )
    @in_write_thread
    def create_review(
        self, info: Info, input: Annotated[inputs.CreateReviewInput, strawberry.argument(description="The new review")]
    ) -> Review:
        api = info.context.api(Role.editor)
        return Review(data=_create(api, "review", input), api=api)

    @strawberry.mutation(description="Change a review; fields left out keep their value")
    @in_write_thread
    def update_review(
        self,
        info: Info,
        input: Annotated[inputs.UpdateReviewInput, strawberry.argument(description="The review's id and the fields to change")],
    ) -> Review:
        api = info.context.api(Role.editor)
        return Review(data=_update(api, "review", input), api=api)

    @strawberry.mutation(description="Record a nonconformity; closing one needs every corrective action on it done")
    @in_write_thread
    def create_nonconformity(
        self, info: Info, input: Annotated[inputs.CreateNonconformityInput, strawberry.argument(description="The new nonconformity")]
    ) -> Nonconformity:
        api = info.context.api(Role.editor)
        return Nonconformity(data=_create(api, "nonconformity", input), api=api)

    @strawberry.mutation(description="Change a nonconformity (close it, say); fields left out keep their value")
    @in_write_thread
    def update_nonconformity(
        self,
        info: Info,
        input: Annotated[
            inputs.UpdateNonconformityInput, strawberry.argument(description="The nonconformity's id and the fields to change")
        ],
    ) -> Nonconformity:
        api = info.context.api(Role.editor)
        return Nonconformity(data=_update(api, "nonconformity", input), api=api)

    @strawberry.mutation(
        description="Add a corrective action to an open nonconformity; INVALID_INPUT at input.nonconformity when it is closed"
    )
    @in_write_thread
    def create_corrective_action(
        self, info: Info, input: Annotated[inputs.CreateCorrectiveActionInput, strawberry.argument(description="The new corrective action")]
    ) -> CorrectiveAction:
        api = info.context.api(Role.editor)
        return CorrectiveAction(data=_create(api, "corrective-action", input), api=api)

    @strawberry.mutation(description="Change a corrective action (done, verified effective, say); fields left out keep their value")
    @in_write_thread
    def update_corrective_action(
        self,
        info: Info,
        input: Annotated[inputs.UpdateCorrectiveActionInput, strawberry.argument(description="The action's id and the fields to change")],
    ) -> CorrectiveAction:
        api = info.context.api(Role.editor)
        return CorrectiveAction(data=_update(api, "corrective-action", input), api=api)

    @strawberry.mutation(description="Delete one record of an AIMS kind (RISK, IMPACT_ASSESSMENT, ...); answers its id")
    @in_write_thread
    def delete_record(
        self,
        info: Info,
        kind: Annotated[
            RecordKind,
            strawberry.argument(
                description="The record's kind: RISK, IMPACT_ASSESSMENT, OBJECTIVE, REVIEW, NONCONFORMITY or CORRECTIVE_ACTION"
            ),
        ],
        id: Annotated[str, strawberry.argument(description="The record's id")],
    ) -> str:
        api = info.context.api(Role.editor)
        api.record(kind.value, id[:200])
        api.delete_record(kind.value, id)
        return id

    @strawberry.mutation(
        description="Set the workspace's risk scale (2-10) or default staleness in days; refused while a stored value exceeds the scale"
    )
    @in_write_thread
    def set_aims_settings(
        self,
        info: Info,
        risk_scale: Annotated[
            int | None, strawberry.argument(description="The highest likelihood and severity value, 2 to 10; null: unchanged")
        ] = None,
        stale_after_days: Annotated[
            int | None, strawberry.argument(description="Days after which a measurement is no recent data; null: unchanged")
        ] = None,
    ) -> AIMSSettings:
        s = info.context.api(Role.editor).set_aims_settings(risk_scale=risk_scale, stale_after_days=stale_after_days, path=FieldPath())
        return AIMSSettings(risk_scale=s.risk_scale, stale_after_days=s.stale_after_days)
