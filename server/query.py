"""The GraphQL queries: frameworks, requirements, mappings, evidence, coverage with its paths, gap
reports, applicability, the AI inventory, the Statement of Applicability and API tokens. Every root
field checks the caller's role first (reader; admin for tokens) and works on the caller's workspace
only, through the facade (`grcgraph.api.GRCGraph`)."""

from __future__ import annotations

from typing import Annotated

import strawberry

from grcgraph.errors import NotFoundError
from grcgraph.model import FieldPath, Role, TokenRecord
from grcgraph.server import list_filters
from grcgraph.server.arguments import AsOf, as_of_view, chain, page, parse_day
from grcgraph.server.connections import (
    EvidenceConnection,
    EvidenceEdge,
    GapConnection,
    GapEdge,
    MappingConnection,
    MappingEdge,
    RequirementConnection,
    RequirementEdge,
    encode_cursor,
    paginate,
)
from grcgraph.server.context import Info
from grcgraph.server.error_format import ApiError, invalid
from grcgraph.server.gap_reports import GapReports, reports_for
from grcgraph.server.inputs import known_evidence, known_system
from grcgraph.server.scalars import DayText, instant_of, optional_instant
from grcgraph.server.types.core import CoverageRow, Evidence, Mapping, Requirement, coverage_rows, framework_prefixes
from grcgraph.server.types.enums import CoverageStatus, EvidenceKind, OperatorRole, RequirementKind, TokenRole, notation, notations
from grcgraph.server.types.records import AISystem, ApplicableProvision, Framework, GapRow, SoARow, StatusCount, Token, Viewer


@strawberry.type
class Query:
    @strawberry.field(description="Who the caller is: workspace and role")
    def viewer(self, info: Info) -> Viewer:
        info.context.api()
        principal = info.context.principal
        assert principal is not None
        return Viewer(workspace=principal.workspace, role=TokenRole(principal.role.name), token_id=principal.token_id)

    @strawberry.field(description="Every framework version in the reference graph, with its requirement counts per kind")
    def frameworks(self, info: Info) -> list[Framework]:
        api = info.context.api()
        return [Framework.of(v) for v in api.framework_versions()]

    @strawberry.field(description="One requirement by any id form: 'A.6.2.8', 'iso42001:A.6.2.8', 'Art. 12(1)', 'GOVERN 1.1'")
    def requirement(
        self,
        info: Info,
        id: Annotated[str, strawberry.argument(description="The requirement's id in any form users type (200 characters at most)")],
    ) -> Requirement:
        api = info.context.api()
        if len(id) > 200:
            raise invalid("id", "is longer than 200 characters")
        return Requirement(ref=api.resolve(id), api=api)

    @strawberry.field(description="Requirements in document order, filtered; `first` is limited to the server's max page size")
    def requirements(  # noqa: PLR0917 (GraphQL arguments)
        self,
        info: Info,
        framework: Annotated[
            str | None,
            strawberry.argument(
                description="Only this framework's requirements: a prefix (iso42001) or a name ('ISO/IEC 42001'); null: every framework"
            ),
        ] = None,
        kind: Annotated[
            RequirementKind | None,
            strawberry.argument(
                description="Only requirements of this kind (CLAUSE, CONTROL, ARTICLE, SUBCATEGORY, ...); null: every kind"
            ),
        ] = None,
        text: Annotated[
            str | None,
            strawberry.argument(
                description="Only requirements whose id, title or text contains this (1 to 200 characters, any case); null: no text filter"
            ),
        ] = None,
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
    ) -> RequirementConnection:
        api = info.context.api()
        size = page(info.context.settings, first)
        prefix = None
        if framework is not None:
            try:
                prefix = api.framework_prefix(framework[:200])
            except ValueError as error:
                raise invalid("framework", str(error)) from None
        if text is not None and not 1 <= len(text) <= 200:
            raise invalid("text", "must be 1 to 200 characters")
        refs = api.requirements(prefix, notation(kind), text)
        chosen, page_info = paginate([r.curie for r in refs], "requirement", size, after)
        edges = [
            RequirementEdge(node=Requirement(ref=refs[i], api=api), cursor=encode_cursor("requirement", refs[i].curie)) for i in chosen
        ]
        return RequirementConnection(edges=edges, page_info=page_info, total_count=len(refs))

    @strawberry.field(
        description="Mappings between two frameworks (all sets, both directions), read from `from` towards `to`, a page at a time"
    )
    def mappings(
        self,
        info: Info,
        from_: Annotated[
            str, strawberry.argument(name="from", description="The framework the rows are read from: a prefix (nistairmf) or a name")
        ],
        to: Annotated[str, strawberry.argument(description="The framework the rows lead to: a prefix (euaiact) or a name")],
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
    ) -> MappingConnection:
        api = info.context.api()
        size = page(info.context.settings, first)
        for name, value in (("from", from_), ("to", to)):
            try:
                api.framework_prefix(value[:200])
            except ValueError as error:
                raise invalid(name, str(error)) from None
        found = api.mapping_rows(from_, to)
        keys = [m.iri for m in found]
        chosen, page_info = paginate(keys, "mapping", size, after)
        edges = [MappingEdge(node=Mapping(data=found[i], api=api), cursor=encode_cursor("mapping", keys[i])) for i in chosen]
        return MappingConnection(edges=edges, page_info=page_info, total_count=len(found))

    @strawberry.field(description="One evidence item of the caller's workspace; NOT_FOUND when there is none with this id")
    async def evidence(self, info: Info, id: Annotated[str, strawberry.argument(description="The evidence item's id")]) -> Evidence:
        api = info.context.api()
        api.check_id(id)
        item = await info.context.loaders.evidence.load(id[:200])
        if item is None:
            raise NotFoundError(f"no evidence {id[:140]!r} in this workspace")
        return Evidence(data=item, api=api)

    @strawberry.field(
        description="The workspace's evidence, by id; filtered by `text` (in the id or title), `kind`, `owner` (in the owner) "
        "and `stale` (valid-until date before `on`, default today), before the page is cut"
    )
    async def evidence_list(  # noqa: PLR0917 (GraphQL arguments)
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
        text: Annotated[
            str | None, strawberry.argument(description="Only items whose id or title contains this (any case); null: no text filter")
        ] = None,
        kind: Annotated[
            EvidenceKind | None, strawberry.argument(description="Only items of this evidence kind (POLICY, LOG, ...); null: every kind")
        ] = None,
        owner: Annotated[
            str | None, strawberry.argument(description="Only items whose owner contains this (any case); null: no owner filter")
        ] = None,
        stale: Annotated[
            bool | None,
            strawberry.argument(description="true: only items whose valid-until date is before `on`; false: only the others; null: both"),
        ] = None,
        on: Annotated[DayText | None, strawberry.argument(description="The day to answer for (YYYY-MM-DD); default today")] = None,
    ) -> EvidenceConnection:
        api = info.context.api()
        size = page(info.context.settings, first)
        ids = list_filters.evidence_ids(api, text=text, kind=notation(kind), owner=owner, stale=stale, on=parse_day(on, "on"))
        chosen, page_info = paginate(ids, "evidence", size, after)
        items = await info.context.loaders.evidence.load_many([ids[i] for i in chosen])
        edges = [
            EvidenceEdge(node=Evidence(data=item, api=api), cursor=encode_cursor("evidence", item.id)) for item in items if item is not None
        ]
        return EvidenceConnection(edges=edges, page_info=page_info, total_count=len(ids))

    @strawberry.field(
        description="What the evidence (default: all of the workspace's, with its AIMS records) covers, in every framework or those "
        "named, with every path; `evidenceIds` may name records as gap rows do (impact-assessment/IA-3)"
    )
    def coverage(  # noqa: PLR0917 (GraphQL arguments)
        self,
        info: Info,
        evidence_ids: Annotated[
            list[str] | None,
            strawberry.argument(
                description="Evidence ids (or AIMS record keys, kind/id) to compute from; null: all of the workspace's evidence and records"
            ),
        ] = None,
        frameworks: Annotated[
            list[str] | None,
            strawberry.argument(description="Framework prefixes or names to limit the rows to; null or empty: every framework"),
        ] = None,
        on: Annotated[DayText | None, strawberry.argument(description="The day to answer for (YYYY-MM-DD); default today")] = None,
        chain_length: Annotated[
            int, strawberry.argument(description="How many mappings a coverage path may follow, 0 to 4 (0: direct links only; default 1)")
        ] = 1,
        as_of: AsOf = None,
    ) -> list[CoverageRow]:
        api, day = as_of_view(info.context.api(), as_of, on)
        length = chain(chain_length)
        if evidence_ids is not None:
            for index, evidence_id in enumerate(evidence_ids):
                if api.is_record_key(evidence_id):
                    api.record_for_key(evidence_id[:200])  # an AIMS record as evidence: kind/id
                else:
                    known_evidence(api, evidence_id, FieldPath("evidenceIds", index))
        wanted = framework_prefixes(api, frameworks)
        return coverage_rows(api, api.covered(evidence_ids, on=day, chain_length=length), wanted)

    @strawberry.field(
        description="Each requirement of a framework with its status, a page at a time, with counts per status; rows limited to "
        "`status` and sorted by `orderBy` (document, status, requirement, title or evidence) before the page is cut"
    )
    def gaps(  # noqa: PLR0917 (GraphQL arguments)
        self,
        info: Info,
        framework: Annotated[str, strawberry.argument(description="The framework to report on: a prefix (iso42001) or a name")],
        system: Annotated[
            str | None,
            strawberry.argument(
                description="Report for this AI system (its links, and the EU AI Act provisions its role and category bring); null: the organisation"
            ),
        ] = None,
        on: Annotated[DayText | None, strawberry.argument(description="The day to answer for (YYYY-MM-DD); default today")] = None,
        chain_length: Annotated[
            int, strawberry.argument(description="How many mappings a coverage path may follow, 0 to 4 (0: direct links only; default 1)")
        ] = 1,
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
        status: Annotated[
            list[CoverageStatus] | None, strawberry.argument(description="Only rows with one of these statuses; null: every row")
        ] = None,
        order_by: Annotated[
            str,
            strawberry.argument(
                description="Row order: document (the framework's own), status, requirement, title or evidence (the number of items)"
            ),
        ] = "document",
        descending: Annotated[bool, strawberry.argument(description="Reverse the order")] = False,
        as_of: AsOf = None,
    ) -> GapConnection:
        api, day = as_of_view(info.context.api(), as_of, on)
        size = page(info.context.settings, first)
        length = chain(chain_length)
        try:
            prefix = api.framework_prefix(framework[:200])
        except ValueError as error:
            raise invalid("framework", str(error)) from None
        if system is not None:
            known_system(api, system, FieldPath("system"))
        reports = reports_for(api) if as_of is None else GapReports(1)  # a past state is read once, not kept
        report = reports.get(api, prefix, system, day, length)
        shown = list_filters.gap_positions(report.rows, notations(status), order_by, descending)
        rows, keys = [report.rows[i] for i in shown], [report.keys[i] for i in shown]
        chosen, page_info = paginate(keys, "gap", size, after)
        edges = []
        for i in chosen:
            r = rows[i]
            row = GapRow(
                requirement=Requirement(ref=r.requirement, api=api),
                parent=r.parent.curie if r.parent else None,
                status=CoverageStatus(r.status),
                reason=r.reason,
                evidence=list(r.evidence),
                stale_evidence=list(r.stale_evidence),
                inferred=r.inferred,
                leaf=r.leaf,
            )
            edges.append(GapEdge(node=row, cursor=encode_cursor("gap", keys[i])))
        summary = [
            StatusCount(status=CoverageStatus(s.status), count=s.count, percent_of_applicable=s.percent_of_applicable)
            for s in report.summary
        ]
        return GapConnection(
            framework=prefix, system=system, on=day, edges=edges, page_info=page_info, total_count=len(keys), summary=summary
        )

    @strawberry.field(description="EU AI Act provisions binding the organisation for an AI system, and from when")
    def applicable(
        self,
        info: Info,
        system: Annotated[str, strawberry.argument(description="The AI system's id")],
        on: Annotated[DayText | None, strawberry.argument(description="The day to answer for (YYYY-MM-DD); default today")] = None,
    ) -> list[ApplicableProvision]:
        api = info.context.api()
        day = parse_day(on, "on")
        known_system(api, system, FieldPath("system"))
        return [
            ApplicableProvision(
                requirement=Requirement(ref=api.ref(p.provision), api=api),
                basis=p.basis,
                roles=[OperatorRole(r) for r in p.roles],
                conditional=p.conditional,
                note=p.note,
                applies_from=p.applies_from,
                in_force=p.in_force,
                date_source=p.date_source,
            )
            for p in api.provisions(system, on=day)
        ]

    @strawberry.field(description="The AI inventory")
    def systems(self, info: Info) -> list[AISystem]:
        return [AISystem.of(s) for s in info.context.api().system_list()]

    @strawberry.field(
        description="API tokens, revoked ones too: an admin sees its own workspace's, an operator every workspace's "
        "(or `workspace`'s); never secrets or hashes"
    )
    def tokens(
        self,
        info: Info,
        workspace: Annotated[
            str | None,
            strawberry.argument(
                description="An operator's filter: only this workspace's tokens; an admin may name only its own; null: every workspace the caller manages"
            ),
        ] = None,
    ) -> list[Token]:
        return [token_of(record) for record in info.context.registry.base.tokens(managed_workspace(info, workspace))]

    @strawberry.field(description="ISO/IEC 42001 and 27001 Annex A controls: included or excluded, why, and the evidence behind each")
    def statement_of_applicability(self, info: Info, as_of: AsOf = None) -> list[SoARow]:
        api, day = as_of_view(info.context.api(), as_of, None)
        return [SoARow.of(r, api) for r in api.soa_rows(on=day)]


def token_of(record: TokenRecord) -> Token:
    return Token(
        id=record.id,
        workspace=record.workspace,
        role=TokenRole(record.role.name),
        created=instant_of(record.created),
        revoked=record.revoked,
        expires=optional_instant(record.expires),
        last_used=optional_instant(record.last_used),
        created_by=record.created_by,
        revoked_by=record.revoked_by,
        revoked_at=optional_instant(record.revoked_at),
    )


def managed_workspace(info: Info, workspace: str | None) -> str | None:
    """The workspace whose tokens the caller manages: an admin its own (FORBIDDEN for another), an
    operator the one named, or every workspace (None) when none is."""
    principal = info.context.require(Role.admin)
    if principal.role >= Role.operator:
        return workspace
    if workspace is not None and workspace != principal.workspace:
        raise ApiError("FORBIDDEN", "an admin manages the tokens of its own workspace only; other workspaces are an operator's")
    return principal.workspace
