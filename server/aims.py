"""The GraphQL root fields of the AI management system's records: one query per record and a
connection per kind (filters applied before the page is cut), what is overdue, the settings; a
create and an update mutation per kind, batches of measurements, a nonconformity opened from a
breached objective, deletes. Reads need the reader role, writes the editor role; every write runs
as the other mutations do (a worker thread, one write at a time) and reports every problem of its
input in one answer, each at its field (`input.likelihood`, `items[3].value`), writing nothing."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any, TypeVar

import strawberry

from grcgraph.api import GRCGraph
from grcgraph.errors import InvalidInputError
from grcgraph.model import CorrectiveAction as ActionData
from grcgraph.model import FieldPath, Problem, Role
from grcgraph.model import ImpactAssessment as AssessmentData
from grcgraph.model import Nonconformity as NonconformityData
from grcgraph.model import Objective as ObjectiveData
from grcgraph.model import Review as ReviewData
from grcgraph.model import Risk as RiskData
from grcgraph.server import aims_inputs as inputs
from grcgraph.server.arguments import check_lengths, page, parse_day
from grcgraph.server.connections import encode_cursor, paginate
from grcgraph.server.context import Info
from grcgraph.server.error_format import invalid
from grcgraph.server.inputs import INPUT, ITEMS, known_system
from grcgraph.server.mutation import in_write_thread
from grcgraph.server.types.aims import Connection, Edge, ImpactAssessment, Objective, Risk
from grcgraph.server.types.aims_findings import AIMSSettings, CorrectiveAction, MeasurementBatch, Nonconformity, OverdueItem, Review
from grcgraph.vocab import aims_terms as terms

D = TypeVar("D")
N = TypeVar("N")
OBJECTIVE_STATUSES = ("met", "at-risk", "breached", "no-recent-data")


def _choice(name: str, value: str | None, allowed: Sequence[str]) -> None:
    if value is not None and value not in allowed:
        raise invalid(name, f"{value[:60]!r} is not one of {', '.join(allowed)}")


def _connection(info: Info, kind: str, records: Sequence[D], wrap: Callable[[D], N], *, first: int, after: str | None) -> Connection[N]:
    """A page of records (already filtered, by id) as a connection."""
    size = page(info.context.settings, first)
    keys = [str(getattr(r, "id", "")) for r in records]
    chosen, page_info = paginate(keys, kind, size, after)
    edges = [Edge(node=wrap(records[i]), cursor=encode_cursor(kind, keys[i])) for i in chosen]
    return Connection(edges=edges, page_info=page_info, total_count=len(keys))


def _of(api: GRCGraph, kind: str, cls: type[D]) -> list[D]:
    return [r for r in api.records(kind) if isinstance(r, cls)]


def _one(api: GRCGraph, kind: str, record_id: str, cls: type[D]) -> D:
    if len(record_id) > 200:
        raise invalid("id", "is longer than 200 characters")
    found = api.record(kind, record_id)
    assert isinstance(found, cls)
    return found


def _system_filter(api: GRCGraph, system: str | None) -> None:
    if system is not None:
        known_system(api, system[:200])


@strawberry.type
class AIMSQuery:
    @strawberry.field(description="One risk of the register")
    def risk(self, info: Info, id: str) -> Risk:
        api = info.context.api()
        return Risk(data=_one(api, "risk", id, RiskData), api=api)

    @strawberry.field(description="The AI risk register by id, filtered by AI system, status, treatment and `text` (in the id or title)")
    def risks(  # noqa: PLR0917 (GraphQL arguments)
        self,
        info: Info,
        first: int = 20,
        after: str | None = None,
        system: str | None = None,
        status: str | None = None,
        treatment: str | None = None,
        text: str | None = None,
    ) -> Connection[Risk]:
        api = info.context.api()
        _system_filter(api, system)
        _choice("status", status, tuple(terms.RISK_STATUSES))
        _choice("treatment", treatment, tuple(terms.TREATMENTS))
        wanted = (text or "").lower()[:200]
        found = [
            r
            for r in _of(api, "risk", RiskData)
            if (system is None or system in r.systems)
            and (status is None or r.status == status)
            and (treatment is None or r.treatment == treatment)
            and (not wanted or wanted in r.id.lower() or wanted in r.title.lower())
        ]
        return _connection(info, "risk", found, lambda r: Risk(data=r, api=api), first=first, after=after)

    @strawberry.field
    def impact_assessment(self, info: Info, id: str) -> ImpactAssessment:
        api = info.context.api()
        return ImpactAssessment(data=_one(api, "impact-assessment", id, AssessmentData), api=api)

    @strawberry.field(
        description="Impact assessments by id, filtered by AI system and state (draft, approve, approve-with-conditions, reject)"
    )
    def impact_assessments(
        self, info: Info, first: int = 20, after: str | None = None, system: str | None = None, state: str | None = None
    ) -> Connection[ImpactAssessment]:
        api = info.context.api()
        _system_filter(api, system)
        _choice("state", state, ("draft", *terms.DECISIONS))
        found = [
            a
            for a in _of(api, "impact-assessment", AssessmentData)
            if (system is None or a.system == system) and (state is None or a.state == state)
        ]
        return _connection(info, "impact-assessment", found, lambda a: ImpactAssessment(data=a, api=api), first=first, after=after)

    @strawberry.field
    def objective(self, info: Info, id: str) -> Objective:
        api = info.context.api()
        return Objective(data=_one(api, "objective", id, ObjectiveData), api=api)

    @strawberry.field(description="Objectives by id, filtered by AI system and by status on `on` (met, at-risk, breached, no-recent-data)")
    def objectives(  # noqa: PLR0917 (GraphQL arguments)
        self,
        info: Info,
        first: int = 20,
        after: str | None = None,
        system: str | None = None,
        status: str | None = None,
        on: str | None = None,
    ) -> Connection[Objective]:
        api = info.context.api()
        _system_filter(api, system)
        _choice("status", status, OBJECTIVE_STATUSES)
        found = [o for o in _of(api, "objective", ObjectiveData) if system is None or system in o.systems]
        if status is not None:
            statuses = api.objective_statuses(on=parse_day(on, "on"))
            found = [o for o in found if statuses[o.id].status == status]
        return _connection(info, "objective", found, lambda o: Objective(data=o, api=api), first=first, after=after)

    @strawberry.field
    def review(self, info: Info, id: str) -> Review:
        api = info.context.api()
        return Review(data=_one(api, "review", id, ReviewData), api=api)

    @strawberry.field(description="Reviews by id, filtered by kind (system, risk, impact-assessment, aims) and subject id")
    def reviews(
        self, info: Info, first: int = 20, after: str | None = None, kind: str | None = None, subject: str | None = None
    ) -> Connection[Review]:
        api = info.context.api()
        _choice("kind", kind, tuple(terms.REVIEW_KINDS))
        found = [
            r for r in _of(api, "review", ReviewData) if (kind is None or r.kind == kind) and (subject is None or r.subject == subject)
        ]
        return _connection(info, "review", found, lambda r: Review(data=r, api=api), first=first, after=after)

    @strawberry.field
    def nonconformity(self, info: Info, id: str) -> Nonconformity:
        api = info.context.api()
        return Nonconformity(data=_one(api, "nonconformity", id, NonconformityData), api=api)

    @strawberry.field(description="Nonconformities by id, filtered by status (open, closed), AI system and source")
    def nonconformities(  # noqa: PLR0917 (GraphQL arguments)
        self,
        info: Info,
        first: int = 20,
        after: str | None = None,
        status: str | None = None,
        system: str | None = None,
        source: str | None = None,
    ) -> Connection[Nonconformity]:
        api = info.context.api()
        _system_filter(api, system)
        _choice("status", status, tuple(terms.NC_STATUSES))
        _choice("source", source, tuple(terms.NC_SOURCES))
        found = [
            n
            for n in _of(api, "nonconformity", NonconformityData)
            if (status is None or n.status == status) and (system is None or n.system == system) and (source is None or n.source == source)
        ]
        return _connection(info, "nonconformity", found, lambda n: Nonconformity(data=n, api=api), first=first, after=after)

    @strawberry.field
    def corrective_action(self, info: Info, id: str) -> CorrectiveAction:
        api = info.context.api()
        return CorrectiveAction(data=_one(api, "corrective-action", id, ActionData), api=api)

    @strawberry.field(description="Corrective actions by id, filtered by status (planned, in-progress, done) and nonconformity")
    def corrective_actions(
        self, info: Info, first: int = 20, after: str | None = None, status: str | None = None, nonconformity: str | None = None
    ) -> Connection[CorrectiveAction]:
        api = info.context.api()
        _choice("status", status, tuple(terms.ACTION_STATUSES))
        found = [
            a
            for a in _of(api, "corrective-action", ActionData)
            if (status is None or a.status == status) and (nonconformity is None or a.nonconformity == nonconformity)
        ]
        return _connection(info, "corrective-action", found, lambda a: CorrectiveAction(data=a, api=api), first=first, after=after)

    @strawberry.field(
        description="Everything whose next review date is before `on` (default today): AI systems, risks, impact assessments, "
        "the latest management review; most overdue first"
    )
    def overdue(self, info: Info, on: str | None = None) -> list[OverdueItem]:
        api = info.context.api()
        return [
            OverdueItem(kind=o.kind, id=o.id, title=o.title, next_review=o.next_review, days_overdue=o.days_overdue)
            for o in api.overdue_list(on=parse_day(on, "on"))
        ]

    @strawberry.field(description="The workspace's risk scale and default staleness of measurements")
    def aims_settings(self, info: Info) -> AIMSSettings:
        s = info.context.api().aims_settings()
        return AIMSSettings(risk_scale=s.risk_scale, stale_after_days=s.stale_after_days)


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
    def create_risk(self, info: Info, input: inputs.CreateRiskInput) -> Risk:
        api = info.context.api(Role.editor)
        return Risk(data=_create(api, "risk", input), api=api)

    @strawberry.mutation(description="Change a risk; fields left out keep their value")
    @in_write_thread
    def update_risk(self, info: Info, input: inputs.UpdateRiskInput) -> Risk:
        api = info.context.api(Role.editor)
        return Risk(data=_update(api, "risk", input), api=api)

    @strawberry.mutation(description="Record an impact assessment of an AI system (no decision: a draft, which evidences nothing)")
    @in_write_thread
    def create_impact_assessment(self, info: Info, input: inputs.CreateImpactAssessmentInput) -> ImpactAssessment:
        api = info.context.api(Role.editor)
        return ImpactAssessment(data=_create(api, "impact-assessment", input), api=api)

    @strawberry.mutation(description="Change an impact assessment (its decision, say); fields left out keep their value")
    @in_write_thread
    def update_impact_assessment(self, info: Info, input: inputs.UpdateImpactAssessmentInput) -> ImpactAssessment:
        api = info.context.api(Role.editor)
        return ImpactAssessment(data=_update(api, "impact-assessment", input), api=api)

    @strawberry.mutation(description="Set a measurable objective with its target and threshold")
    @in_write_thread
    def create_objective(self, info: Info, input: inputs.CreateObjectiveInput) -> Objective:
        api = info.context.api(Role.editor)
        return Objective(data=_create(api, "objective", input), api=api)

    @strawberry.mutation(description="Change an objective; fields left out keep their value")
    @in_write_thread
    def update_objective(self, info: Info, input: inputs.UpdateObjectiveInput) -> Objective:
        api = info.context.api(Role.editor)
        return Objective(data=_update(api, "objective", input), api=api)

    @strawberry.mutation(
        description="Store a batch of measurements, all or none, each problem named items[i].field (an unknown objective, a time "
        "that is not ISO 8601); a measurement at the same time as a stored one of its objective replaces it. The server's body "
        "limit bounds a batch (about 9,000 measurements in the default 1,000,000 bytes)"
    )
    @in_write_thread
    def record_measurements(self, info: Info, items: list[inputs.MeasurementItemInput]) -> MeasurementBatch:
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
        self, info: Info, objective: str, id: str, on: str | None = None, severity: str = "major", root_cause: str | None = None
    ) -> Nonconformity:
        api = info.context.api(Role.editor)
        _one(api, "objective", objective, ObjectiveData)
        if len(id) > 200:
            raise invalid("id", "is longer than 200 characters")
        problems: list[Problem] = []
        check_lengths(root_cause, FieldPath("rootCause"), problems)
        if problems:
            raise InvalidInputError(problems)
        api.open_nonconformity(objective, id, on=parse_day(on, "on"), severity=severity, root_cause=root_cause)
        return Nonconformity(data=_one(api, "nonconformity", id, NonconformityData), api=api)

    @strawberry.mutation(
        description="Record a review; one of a system, risk or impact assessment moves that record's next review to its own"
    )
    @in_write_thread
    def create_review(self, info: Info, input: inputs.CreateReviewInput) -> Review:
        api = info.context.api(Role.editor)
        return Review(data=_create(api, "review", input), api=api)

    @strawberry.mutation(description="Change a review; fields left out keep their value")
    @in_write_thread
    def update_review(self, info: Info, input: inputs.UpdateReviewInput) -> Review:
        api = info.context.api(Role.editor)
        return Review(data=_update(api, "review", input), api=api)

    @strawberry.mutation(description="Record a nonconformity; closing one needs every corrective action on it done")
    @in_write_thread
    def create_nonconformity(self, info: Info, input: inputs.CreateNonconformityInput) -> Nonconformity:
        api = info.context.api(Role.editor)
        return Nonconformity(data=_create(api, "nonconformity", input), api=api)

    @strawberry.mutation(description="Change a nonconformity (close it, say); fields left out keep their value")
    @in_write_thread
    def update_nonconformity(self, info: Info, input: inputs.UpdateNonconformityInput) -> Nonconformity:
        api = info.context.api(Role.editor)
        return Nonconformity(data=_update(api, "nonconformity", input), api=api)

    @strawberry.mutation(
        description="Add a corrective action to an open nonconformity; INVALID_INPUT at input.nonconformity when it is closed"
    )
    @in_write_thread
    def create_corrective_action(self, info: Info, input: inputs.CreateCorrectiveActionInput) -> CorrectiveAction:
        api = info.context.api(Role.editor)
        return CorrectiveAction(data=_create(api, "corrective-action", input), api=api)

    @strawberry.mutation(description="Change a corrective action (done, verified effective, say); fields left out keep their value")
    @in_write_thread
    def update_corrective_action(self, info: Info, input: inputs.UpdateCorrectiveActionInput) -> CorrectiveAction:
        api = info.context.api(Role.editor)
        return CorrectiveAction(data=_update(api, "corrective-action", input), api=api)

    @strawberry.mutation(
        description="Delete one record (kind: risk, impact-assessment, objective, review, nonconformity, corrective-action); answers its id"
    )
    @in_write_thread
    def delete_record(self, info: Info, kind: str, id: str) -> str:
        api = info.context.api(Role.editor)
        _choice("kind", kind, tuple(terms.KINDS))
        api.record(kind, id[:200])
        api.delete_record(kind, id)
        return id

    @strawberry.mutation(
        description="Set the workspace's risk scale (2-10) or default staleness in days; refused while a stored value exceeds the scale"
    )
    @in_write_thread
    def set_aims_settings(self, info: Info, risk_scale: int | None = None, stale_after_days: int | None = None) -> AIMSSettings:
        s = info.context.api(Role.editor).set_aims_settings(risk_scale=risk_scale, stale_after_days=stale_after_days, path=FieldPath())
        return AIMSSettings(risk_scale=s.risk_scale, stale_after_days=s.stale_after_days)
