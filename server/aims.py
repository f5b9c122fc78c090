"""The GraphQL root fields that read the AI management system's records: one query per record and a
connection per kind (filters applied before the page is cut), what is overdue, the settings. Reads
need the reader role; the writes are in `aims_mutation.py`."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Annotated, TypeVar

import strawberry

from grcgraph.api import GRCGraph
from grcgraph.model import CorrectiveAction as ActionData
from grcgraph.model import ImpactAssessment as AssessmentData
from grcgraph.model import Nonconformity as NonconformityData
from grcgraph.model import Objective as ObjectiveData
from grcgraph.model import Review as ReviewData
from grcgraph.model import Risk as RiskData
from grcgraph.server.arguments import page, parse_day
from grcgraph.server.connections import encode_cursor, paginate
from grcgraph.server.context import Info
from grcgraph.server.error_format import invalid
from grcgraph.server.inputs import known_system
from grcgraph.server.scalars import DayText
from grcgraph.server.types.aims import Connection, Edge, ImpactAssessment, Objective, Risk
from grcgraph.server.types.aims_findings import AIMSSettings, CorrectiveAction, Nonconformity, OverdueItem, Review
from grcgraph.server.types.enums import (
    CorrectiveActionStatus,
    ImpactAssessmentState,
    NonconformitySource,
    NonconformityStatus,
    ObjectiveStatusValue,
    ReviewKind,
    RiskStatus,
    RiskTreatment,
)

D = TypeVar("D")
N = TypeVar("N")


def _connection(info: Info, kind: str, records: Sequence[D], wrap: Callable[[D], N], *, first: int, after: str | None) -> Connection[N]:
    """A page of records (already filtered, by id) as a connection."""
    size = page(info.context.settings, first)
    keys = [str(getattr(r, "id", "")) for r in records]
    chosen, page_info = paginate(keys, kind, size, after)
    edges = [Edge(node=wrap(records[i]), cursor=encode_cursor(kind, keys[i])) for i in chosen]
    return Connection(edges=edges, page_info=page_info, total_count=len(keys))


def _of(api: GRCGraph, kind: str, cls: type[D]) -> list[D]:
    return [r for r in api.records(kind) if isinstance(r, cls)]


def one_record(api: GRCGraph, kind: str, record_id: str, cls: type[D]) -> D:
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
    def risk(self, info: Info, id: Annotated[str, strawberry.argument(description="The risk's id")]) -> Risk:
        api = info.context.api()
        return Risk(data=one_record(api, "risk", id, RiskData), api=api)

    @strawberry.field(description="The AI risk register by id, filtered by AI system, status, treatment and `text` (in the id or title)")
    def risks(  # noqa: PLR0917 (GraphQL arguments)
        self,
        info: Info,
        first: Annotated[
            int,
            strawberry.argument(
                description="Page size: 0 up to the server's page limit (GRCGRAPH_MAX_PAGE_SIZE, 100 by default); more is INVALID_INPUT naming the limit"
            ),
        ] = 20,
        after: Annotated[
            str | None,
            strawberry.argument(description="Read on after this cursor (an edge's cursor or pageInfo.endCursor); null: from the start"),
        ] = None,
        system: Annotated[str | None, strawberry.argument(description="Only risks of this AI system; null: every risk")] = None,
        status: Annotated[RiskStatus | None, strawberry.argument(description="Only risks with this status")] = None,
        treatment: Annotated[RiskTreatment | None, strawberry.argument(description="Only risks with this treatment")] = None,
        text: Annotated[str | None, strawberry.argument(description="Only risks whose id or title contains this (any case)")] = None,
    ) -> Connection[Risk]:
        api = info.context.api()
        _system_filter(api, system)
        wanted = (text or "").lower()[:200]
        found = [
            r
            for r in _of(api, "risk", RiskData)
            if (system is None or system in r.systems)
            and (status is None or r.status == status.value)
            and (treatment is None or r.treatment == treatment.value)
            and (not wanted or wanted in r.id.lower() or wanted in r.title.lower())
        ]
        return _connection(info, "risk", found, lambda r: Risk(data=r, api=api), first=first, after=after)

    @strawberry.field(description="One impact assessment of the workspace")
    def impact_assessment(self, info: Info, id: Annotated[str, strawberry.argument(description="The assessment's id")]) -> ImpactAssessment:
        api = info.context.api()
        return ImpactAssessment(data=one_record(api, "impact-assessment", id, AssessmentData), api=api)

    @strawberry.field(
        description="Impact assessments by id, filtered by AI system and state (draft, approve, approve-with-conditions, reject)"
    )
    def impact_assessments(
        self,
        info: Info,
        first: Annotated[
            int,
            strawberry.argument(
                description="Page size: 0 up to the server's page limit (GRCGRAPH_MAX_PAGE_SIZE, 100 by default); more is INVALID_INPUT naming the limit"
            ),
        ] = 20,
        after: Annotated[
            str | None,
            strawberry.argument(description="Read on after this cursor (an edge's cursor or pageInfo.endCursor); null: from the start"),
        ] = None,
        system: Annotated[str | None, strawberry.argument(description="Only assessments of this AI system")] = None,
        state: Annotated[ImpactAssessmentState | None, strawberry.argument(description="Only assessments in this state")] = None,
    ) -> Connection[ImpactAssessment]:
        api = info.context.api()
        _system_filter(api, system)
        found = [
            a
            for a in _of(api, "impact-assessment", AssessmentData)
            if (system is None or a.system == system) and (state is None or a.state == state.value)
        ]
        return _connection(info, "impact-assessment", found, lambda a: ImpactAssessment(data=a, api=api), first=first, after=after)

    @strawberry.field(description="One objective of the workspace")
    def objective(self, info: Info, id: Annotated[str, strawberry.argument(description="The objective's id")]) -> Objective:
        api = info.context.api()
        return Objective(data=one_record(api, "objective", id, ObjectiveData), api=api)

    @strawberry.field(description="Objectives by id, filtered by AI system and by status on `on` (MET, AT_RISK, BREACHED, NO_RECENT_DATA)")
    def objectives(  # noqa: PLR0917 (GraphQL arguments)
        self,
        info: Info,
        first: Annotated[
            int,
            strawberry.argument(
                description="Page size: 0 up to the server's page limit (GRCGRAPH_MAX_PAGE_SIZE, 100 by default); more is INVALID_INPUT naming the limit"
            ),
        ] = 20,
        after: Annotated[
            str | None,
            strawberry.argument(description="Read on after this cursor (an edge's cursor or pageInfo.endCursor); null: from the start"),
        ] = None,
        system: Annotated[str | None, strawberry.argument(description="Only objectives of this AI system")] = None,
        status: Annotated[ObjectiveStatusValue | None, strawberry.argument(description="Only objectives with this status on `on`")] = None,
        on: Annotated[DayText | None, strawberry.argument(description="The day to answer for (YYYY-MM-DD); default today")] = None,
    ) -> Connection[Objective]:
        api = info.context.api()
        _system_filter(api, system)
        found = [o for o in _of(api, "objective", ObjectiveData) if system is None or system in o.systems]
        if status is not None:
            statuses = api.objective_statuses(on=parse_day(on, "on"))
            found = [o for o in found if statuses[o.id].status == status.value]
        return _connection(info, "objective", found, lambda o: Objective(data=o, api=api), first=first, after=after)

    @strawberry.field(description="One review of the workspace")
    def review(self, info: Info, id: Annotated[str, strawberry.argument(description="The review's id")]) -> Review:
        api = info.context.api()
        return Review(data=one_record(api, "review", id, ReviewData), api=api)

    @strawberry.field(description="Reviews by id, filtered by kind (system, risk, impact-assessment, aims) and subject id")
    def reviews(
        self,
        info: Info,
        first: Annotated[
            int,
            strawberry.argument(
                description="Page size: 0 up to the server's page limit (GRCGRAPH_MAX_PAGE_SIZE, 100 by default); more is INVALID_INPUT naming the limit"
            ),
        ] = 20,
        after: Annotated[
            str | None,
            strawberry.argument(description="Read on after this cursor (an edge's cursor or pageInfo.endCursor); null: from the start"),
        ] = None,
        kind: Annotated[ReviewKind | None, strawberry.argument(description="Only reviews of this kind")] = None,
        subject: Annotated[str | None, strawberry.argument(description="Only reviews of the record with this id")] = None,
    ) -> Connection[Review]:
        api = info.context.api()
        found = [
            r
            for r in _of(api, "review", ReviewData)
            if (kind is None or r.kind == kind.value) and (subject is None or r.subject == subject)
        ]
        return _connection(info, "review", found, lambda r: Review(data=r, api=api), first=first, after=after)

    @strawberry.field(description="One nonconformity of the workspace")
    def nonconformity(self, info: Info, id: Annotated[str, strawberry.argument(description="The nonconformity's id")]) -> Nonconformity:
        api = info.context.api()
        return Nonconformity(data=one_record(api, "nonconformity", id, NonconformityData), api=api)

    @strawberry.field(description="Nonconformities by id, filtered by status (open, closed), AI system and source")
    def nonconformities(  # noqa: PLR0917 (GraphQL arguments)
        self,
        info: Info,
        first: Annotated[
            int,
            strawberry.argument(
                description="Page size: 0 up to the server's page limit (GRCGRAPH_MAX_PAGE_SIZE, 100 by default); more is INVALID_INPUT naming the limit"
            ),
        ] = 20,
        after: Annotated[
            str | None,
            strawberry.argument(description="Read on after this cursor (an edge's cursor or pageInfo.endCursor); null: from the start"),
        ] = None,
        status: Annotated[NonconformityStatus | None, strawberry.argument(description="Only nonconformities with this status")] = None,
        system: Annotated[str | None, strawberry.argument(description="Only nonconformities of this AI system")] = None,
        source: Annotated[
            NonconformitySource | None,
            strawberry.argument(description="Only nonconformities from this source"),
        ] = None,
    ) -> Connection[Nonconformity]:
        api = info.context.api()
        _system_filter(api, system)
        found = [
            n
            for n in _of(api, "nonconformity", NonconformityData)
            if (status is None or n.status == status.value)
            and (system is None or n.system == system)
            and (source is None or n.source == source.value)
        ]
        return _connection(info, "nonconformity", found, lambda n: Nonconformity(data=n, api=api), first=first, after=after)

    @strawberry.field(description="One corrective action of the workspace")
    def corrective_action(
        self, info: Info, id: Annotated[str, strawberry.argument(description="The corrective action's id")]
    ) -> CorrectiveAction:
        api = info.context.api()
        return CorrectiveAction(data=one_record(api, "corrective-action", id, ActionData), api=api)

    @strawberry.field(description="Corrective actions by id, filtered by status (planned, in-progress, done) and nonconformity")
    def corrective_actions(
        self,
        info: Info,
        first: Annotated[
            int,
            strawberry.argument(
                description="Page size: 0 up to the server's page limit (GRCGRAPH_MAX_PAGE_SIZE, 100 by default); more is INVALID_INPUT naming the limit"
            ),
        ] = 20,
        after: Annotated[
            str | None,
            strawberry.argument(description="Read on after this cursor (an edge's cursor or pageInfo.endCursor); null: from the start"),
        ] = None,
        status: Annotated[CorrectiveActionStatus | None, strawberry.argument(description="Only actions with this status")] = None,
        nonconformity: Annotated[str | None, strawberry.argument(description="Only actions on the nonconformity with this id")] = None,
    ) -> Connection[CorrectiveAction]:
        api = info.context.api()
        found = [
            a
            for a in _of(api, "corrective-action", ActionData)
            if (status is None or a.status == status.value) and (nonconformity is None or a.nonconformity == nonconformity)
        ]
        return _connection(info, "corrective-action", found, lambda a: CorrectiveAction(data=a, api=api), first=first, after=after)

    @strawberry.field(
        description="Everything whose next review date is before `on` (default today): AI systems, risks, impact assessments, "
        "the latest management review; most overdue first"
    )
    def overdue(
        self,
        info: Info,
        on: Annotated[DayText | None, strawberry.argument(description="The day to answer for (YYYY-MM-DD); default today")] = None,
    ) -> list[OverdueItem]:
        api = info.context.api()
        return [
            OverdueItem(kind=o.kind, id=o.id, title=o.title, next_review=o.next_review, days_overdue=o.days_overdue)
            for o in api.overdue_list(on=parse_day(on, "on"))
        ]

    @strawberry.field(description="The workspace's risk scale and default staleness of measurements")
    def aims_settings(self, info: Info) -> AIMSSettings:
        s = info.context.api().aims_settings()
        return AIMSSettings(risk_scale=s.risk_scale, stale_after_days=s.stale_after_days)
