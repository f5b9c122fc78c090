"""The GraphQL schema over `grcgraph.api.GRCGraph`: frameworks, requirements, mappings, evidence,
coverage with explanations, gaps, applicability, the AI inventory and the Statement of Applicability.

Every root field checks the caller's role first (reader for queries, editor for mutations) and works
on the caller's workspace only; the reference graph is shared. Errors carry a stable
`extensions.code` (NOT_FOUND, INVALID_INPUT, UNAUTHENTICATED, FORBIDDEN, QUERY_TOO_COMPLEX, plus
GRAPHQL_PARSE_FAILED, GRAPHQL_VALIDATION_FAILED and INTERNAL_SERVER_ERROR) set by `format_error`,
which also hides the message of anything unexpected.
"""

from __future__ import annotations

import asyncio
import dataclasses
import datetime as dt
import functools
import logging
from collections.abc import Awaitable, Callable
from typing import Annotated, Any, ParamSpec, TypeVar

import strawberry
from graphql import GraphQLError
from rdflib import Literal
from strawberry.extensions import DisableIntrospection, SchemaExtension
from strawberry.schema.config import StrawberryConfig
from strawberry.types import ExecutionContext

from grcgraph.api import GRCGraph
from grcgraph.catalog import KIND_ORDER, PREFIXES
from grcgraph.iris import REFERENCE_GRAPH
from grcgraph.server import auth, list_filters
from grcgraph.server.arguments import _camel, chain, check_lengths, optional_day, page, parse_day, renamed
from grcgraph.server.auth import Role
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
from grcgraph.server.errors import expected, invalid
from grcgraph.server.gap_reports import reports_for
from grcgraph.server.guards import guard_extension
from grcgraph.server.inputs import (
    CreateEvidenceInput,
    CreateSystemInput,
    LinkInput,
    UpdateEvidenceInput,
    UpdateSystemInput,
    evidence_input,
    given,
    import_evidence,
    known_evidence,
    links_of,
    store_evidence,
    store_system,
)
from grcgraph.server.settings import Settings
from grcgraph.server.types import (
    AISystem,
    ApplicableProvision,
    CoverageRow,
    Evidence,
    EvidenceImport,
    Framework,
    GapRow,
    KindCount,
    Mapping,
    NewToken,
    Requirement,
    SoAEntry,
    SoARow,
    StatusCount,
    Token,
    Viewer,
    coverage_rows,
    framework_prefixes,
)
from grcgraph.store import StoreUnavailableError
from grcgraph.workspace import (
    ID_PATTERN,
    AISystemInput,
    EvidenceInput,
    EvidenceLinkInput,
    InvalidInputError,
    NotFoundError,
    one_at_a_time,
)
from grcgraph.workspace import SoAEntry as SoAData

log = logging.getLogger("grcgraph.server")
P = ParamSpec("P")
T = TypeVar("T")


# --- root types ---------------------------------------------------------------------------------
@strawberry.type
class Query:
    @strawberry.field(description="Who the caller is: workspace and role")
    def viewer(self, info: Info) -> Viewer:
        info.context.api()
        principal = info.context.principal
        assert principal is not None
        return Viewer(workspace=principal.workspace, role=principal.role.name, token_id=principal.token_id)

    @strawberry.field
    def frameworks(self, info: Info) -> list[Framework]:
        api = info.context.api()
        return [
            Framework(
                prefix=v.prefix,
                name=v.framework,
                version=v.version,
                title=v.title,
                scheme=v.scheme,
                rights=v.rights,
                requirement_count=v.total,
                counts=[KindCount(kind=k, count=n) for k, n in v.counts.items()],
            )
            for v in api.catalog.frameworks()
        ]

    @strawberry.field(description="One requirement by any id form: 'A.6.2.8', 'iso42001:A.6.2.8', 'Art. 12(1)', 'GOVERN 1.1'")
    def requirement(self, info: Info, id: str) -> Requirement:
        api = info.context.api()
        if len(id) > 200:
            raise invalid("id", "is longer than 200 characters")
        return Requirement(ref=api.catalog.resolve(id), api=api)

    @strawberry.field(description="Requirements in document order, filtered; `first` is limited to the server's max page size")
    def requirements(  # noqa: PLR0917 (GraphQL arguments)
        self,
        info: Info,
        framework: str | None = None,
        kind: str | None = None,
        text: str | None = None,
        first: int = 20,
        after: str | None = None,
    ) -> RequirementConnection:
        api = info.context.api()
        size = page(info.context.settings, first)
        prefix = None
        if framework is not None:
            try:
                prefix = api.mapping_index.framework(framework[:200])
            except ValueError as error:
                raise invalid("framework", str(error)) from None
        if kind is not None and kind not in KIND_ORDER:
            raise invalid("kind", f"{kind[:60]!r} is not one of {', '.join(KIND_ORDER)}")
        if text is not None and not 1 <= len(text) <= 200:
            raise invalid("text", "must be 1 to 200 characters")
        refs = [api.catalog.ref(row[0]) for row in api.catalog._index]
        refs = [r for r in refs if (prefix is None or r.curie.startswith(f"{prefix}:")) and (kind is None or r.kind == kind)]
        if text is not None:
            needle = text.lower()
            in_text = _text_matches(api, text)
            refs = [r for r in refs if needle in r.title.lower() or needle in r.notation.lower() or r.iri in in_text]
        refs.sort(key=lambda r: api.catalog.order(r.iri))
        chosen, page_info = paginate([r.curie for r in refs], "requirement", size, after)
        edges = [
            RequirementEdge(node=Requirement(ref=refs[i], api=api), cursor=encode_cursor("requirement", refs[i].curie)) for i in chosen
        ]
        return RequirementConnection(edges=edges, page_info=page_info, total_count=len(refs))

    @strawberry.field(
        description="Mappings between two frameworks (all sets, both directions), read from `from` towards `to`, a page at a time"
    )
    def mappings(
        self, info: Info, from_: Annotated[str, strawberry.argument(name="from")], to: str, first: int = 20, after: str | None = None
    ) -> MappingConnection:
        api = info.context.api()
        size = page(info.context.settings, first)
        for name, value in (("from", from_), ("to", to)):
            try:
                api.mapping_index.framework(value[:200])
            except ValueError as error:
                raise invalid(name, str(error)) from None
        found = api.mapping_index.between(from_, to)
        keys = [m.iri for m in found]
        chosen, page_info = paginate(keys, "mapping", size, after)
        edges = [MappingEdge(node=Mapping(data=found[i], api=api), cursor=encode_cursor("mapping", keys[i])) for i in chosen]
        return MappingConnection(edges=edges, page_info=page_info, total_count=len(found))

    @strawberry.field
    async def evidence(self, info: Info, id: str) -> Evidence:
        api = info.context.api()
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
        first: int = 20,
        after: str | None = None,
        text: str | None = None,
        kind: str | None = None,
        owner: str | None = None,
        stale: bool | None = None,
        on: str | None = None,
    ) -> EvidenceConnection:
        api = info.context.api()
        size = page(info.context.settings, first)
        ids = list_filters.evidence_ids(api, text=text, kind=kind, owner=owner, stale=stale, on=parse_day(on, "on"))
        chosen, page_info = paginate(ids, "evidence", size, after)
        items = await info.context.loaders.evidence.load_many([ids[i] for i in chosen])
        edges = [
            EvidenceEdge(node=Evidence(data=item, api=api), cursor=encode_cursor("evidence", item.id)) for item in items if item is not None
        ]
        return EvidenceConnection(edges=edges, page_info=page_info, total_count=len(ids))

    @strawberry.field(
        description="What the evidence (default: all of the workspace's) covers, in every framework or those named, with every path"
    )
    def coverage(
        self,
        info: Info,
        evidence_ids: list[str] | None = None,
        frameworks: list[str] | None = None,
        on: str | None = None,
        chain_length: int = 1,
    ) -> list[CoverageRow]:
        api = info.context.api()
        day, length = parse_day(on, "on"), chain(chain_length)
        if evidence_ids is not None:
            for evidence_id in evidence_ids:
                known_evidence(api, evidence_id)
        wanted = framework_prefixes(api, frameworks)
        return coverage_rows(api, api.covered(evidence_ids, on=day, chain_length=length), wanted)

    @strawberry.field(
        description="Each requirement of a framework with its status, a page at a time, with counts per status; rows limited to "
        "`status` and sorted by `orderBy` (document, status, requirement, title or evidence) before the page is cut"
    )
    def gaps(  # noqa: PLR0917 (GraphQL arguments)
        self,
        info: Info,
        framework: str,
        system: str | None = None,
        on: str | None = None,
        chain_length: int = 1,
        first: int = 20,
        after: str | None = None,
        status: list[str] | None = None,
        order_by: str = "document",
        descending: bool = False,
    ) -> GapConnection:
        api = info.context.api()
        size = page(info.context.settings, first)
        day, length = parse_day(on, "on"), chain(chain_length)
        try:
            prefix = api.mapping_index.framework(framework[:200])
        except ValueError as error:
            raise invalid("framework", str(error)) from None
        if system is not None and not (ID_PATTERN.match(system) and api.workspace.has_system(system)):
            raise NotFoundError(f"no AI system {system[:140]!r} in this workspace")
        report = reports_for(api).get(api, prefix, system, day, length)
        shown = list_filters.gap_positions(report.records, status, order_by, descending)
        records, keys = [report.records[i] for i in shown], [report.keys[i] for i in shown]
        chosen, page_info = paginate(keys, "gap", size, after)
        edges = []
        for i in chosen:
            r = records[i]
            row = GapRow(
                requirement=Requirement(ref=api.catalog.resolve(keys[i]), api=api),
                parent=str(r["parent"]) or None,
                status=str(r["status"]),
                reason=str(r["reason"]),
                evidence=[e for e in str(r["evidence"]).split("|") if e],
                stale_evidence=[e for e in str(r["stale_evidence"]).split("|") if e],
                inferred=bool(r["inferred"]),
                leaf=bool(r["leaf"]),
            )
            edges.append(GapEdge(node=row, cursor=encode_cursor("gap", keys[i])))
        summary = [
            StatusCount(
                status=str(s["status"]),
                count=int(s["count"]),
                percent_of_applicable=None
                if s["percent of applicable"] is None or s["percent of applicable"] != s["percent of applicable"]
                else float(s["percent of applicable"]),
            )
            for s in report.summary
        ]
        return GapConnection(
            framework=prefix, system=system, on=day, edges=edges, page_info=page_info, total_count=len(keys), summary=summary
        )

    @strawberry.field(description="EU AI Act provisions binding the organisation for an AI system, and from when")
    def applicable(self, info: Info, system: str, on: str | None = None) -> list[ApplicableProvision]:
        api = info.context.api()
        day = parse_day(on, "on")
        if not (ID_PATTERN.match(system) and api.workspace.has_system(system)):
            raise NotFoundError(f"no AI system {system[:140]!r} in this workspace")
        item = api.workspace.system(system)
        return [
            ApplicableProvision(
                requirement=Requirement(ref=api.catalog.ref(p.provision), api=api),
                basis=p.basis,
                roles=list(p.roles),
                conditional=p.conditional,
                note=p.note,
                applies_from=p.applies_from,
                in_force=p.in_force,
                date_source=p.date_source,
            )
            for p in api.scope.eu_provisions(item, day)
        ]

    @strawberry.field(description="The AI inventory")
    def systems(self, info: Info) -> list[AISystem]:
        return [AISystem.of(s) for s in info.context.api().workspace.systems()]

    @strawberry.field(
        description="Every API token of every workspace (admin only): id, workspace, role, when made, revoked; never secrets or hashes"
    )
    def tokens(self, info: Info) -> list[Token]:
        info.context.require(Role.admin)
        return [token_of(record) for record in auth.tokens(info.context.store)]

    @strawberry.field(description="ISO/IEC 42001 and 27001 Annex A controls: included or excluded, why, and the evidence behind each")
    def statement_of_applicability(self, info: Info) -> list[SoARow]:
        api = info.context.api()
        return [
            SoARow(
                framework=str(r["framework"]),
                control=Requirement(ref=api.catalog.resolve(str(r["control"])), api=api),
                included=None if r["included"] is None or r["included"] != r["included"] else bool(r["included"]),
                justification=str(r["justification"]),
                status=str(r["status"]),
                evidence=[e for e in str(r["evidence"]).split("|") if e],
            )
            for r in api.soa().to_dict("records")
        ]


def token_of(record: auth.TokenRecord) -> Token:
    return Token(id=record.id, workspace=record.workspace, role=record.role.name, created=record.created, revoked=record.revoked)


def _text_matches(api: GRCGraph, text: str) -> set[str]:
    """Requirements whose official text contains `text` (case-insensitive); the text is a bound variable."""
    rows = api.store.query(
        PREFIXES
        + f"SELECT DISTINCT ?r ?q WHERE {{ GRAPH <{REFERENCE_GRAPH}> {{ ?r grc:text ?t . FILTER(CONTAINS(LCASE(STR(?t)), LCASE(STR(?q)))) }} }}",
        {"q": Literal(text)},
    )
    return {str(row[0]) for row in rows}


def in_write_thread(resolver: Callable[P, T]) -> Callable[P, Awaitable[T]]:
    """Run a mutation on a worker thread, one write at a time (WRITE_LOCK, its checks included): an
    import takes seconds, and on the event loop it would hold up every other request meanwhile."""

    @functools.wraps(resolver)
    async def run(*args: P.args, **kwargs: P.kwargs) -> T:
        return await asyncio.to_thread(one_at_a_time(resolver), *args, **kwargs)

    return run


@strawberry.type
class Mutation:
    @strawberry.mutation(description="Store new evidence with its links; INVALID_INPUT when the id is taken")
    @in_write_thread
    def create_evidence(self, info: Info, input: CreateEvidenceInput) -> Evidence:
        api = info.context.api(Role.editor)
        problems: list[tuple[str, str]] = []
        if ID_PATTERN.match(input.id) and api.workspace.has_evidence(input.id):
            problems.append(("input.id", f"evidence {input.id!r} already exists; use updateEvidence"))
        return store_evidence(api, evidence_input(input, "input", problems), problems)

    @strawberry.mutation(
        description="Create or replace many evidence items with their links as one batch, all or none, as "
        "`grcgraph evidence import` does; each problem is named items[i].field. A batch of 1,000 or more "
        "new items goes to the store's bulk loader. The server's body limit (GRCGRAPH_MAX_BODY_BYTES, "
        "1,000,000 bytes by default: about 2,000 items) bounds a batch"
    )
    @in_write_thread
    def import_evidence(self, info: Info, items: list[CreateEvidenceInput]) -> EvidenceImport:
        ids = import_evidence(info.context.api(Role.editor), items)
        return EvidenceImport(count=len(ids), ids=ids)

    @strawberry.mutation(description="Change evidence; fields left out keep their value, links left out are kept")
    @in_write_thread
    def update_evidence(self, info: Info, input: UpdateEvidenceInput) -> Evidence:
        api = info.context.api(Role.editor)
        known_evidence(api, input.id)
        old = api.workspace.evidence(input.id)
        problems: list[tuple[str, str]] = []
        values: dict[str, Any] = dataclasses.asdict(old)
        for name in ("title", "kind", "description", "owner", "location", "sha256"):
            if given(getattr(input, name)):
                values[name] = getattr(input, name)
        for name, field in (("collected_on", "input.collectedOn"), ("valid_until", "input.validUntil")):
            if given(getattr(input, name)):
                values[name] = optional_day(getattr(input, name), field, problems)
        if given(input.links):
            links = links_of(input.links or [])
        else:
            links = [
                EvidenceLinkInput(
                    requirement=k.requirement,
                    extent=k.extent,
                    asserted_by=k.asserted_by,
                    asserted_at=dt.datetime.fromisoformat(k.asserted_at) if k.asserted_at else None,
                    system=k.system,
                )
                for k in api.workspace.links(input.id)
            ]
        item = EvidenceInput(**values, links=links)
        if item.title is None:
            problems.append(("input.title", "cannot be null"))
        if item.kind is None:
            problems.append(("input.kind", "cannot be null"))
        return store_evidence(api, item, problems)

    @strawberry.mutation(description="Delete evidence and its links; answers the id deleted")
    @in_write_thread
    def delete_evidence(self, info: Info, id: str) -> str:
        api = info.context.api(Role.editor)
        known_evidence(api, id)
        api.workspace.delete_evidence(id)
        return id

    @strawberry.mutation(description="Add or replace links from evidence to requirements")
    @in_write_thread
    def link_evidence(self, info: Info, evidence_id: str, links: list[LinkInput]) -> Evidence:
        api = info.context.api(Role.editor)
        known_evidence(api, evidence_id)
        converted = links_of(links)
        problems: list[tuple[str, str]] = []
        check_lengths(converted, "links", problems)
        if not converted:
            problems.append(("links", "name at least one link"))
        try:
            api.workspace.link(evidence_id, converted, problems=problems)
        except InvalidInputError as error:
            raise renamed(error, "links") from None
        return Evidence(data=api.workspace.evidence(evidence_id), api=api)

    @strawberry.mutation(description="Remove one link (for one system, or the system-less link when system is null)")
    @in_write_thread
    def unlink_evidence(self, info: Info, evidence_id: str, requirement: str, system: str | None = None) -> Evidence:
        api = info.context.api(Role.editor)
        known_evidence(api, evidence_id)
        if len(requirement) > 200:
            raise invalid("requirement", "is longer than 200 characters")
        if system is not None and not ID_PATTERN.match(system):
            raise NotFoundError(f"no AI system {system[:140]!r} in this workspace")
        api.workspace.unlink(evidence_id, requirement, system)
        return Evidence(data=api.workspace.evidence(evidence_id), api=api)

    @strawberry.mutation(description="Add an AI system to the inventory; INVALID_INPUT when the id is taken")
    @in_write_thread
    def create_system(self, info: Info, input: CreateSystemInput) -> AISystem:
        api = info.context.api(Role.editor)
        problems: list[tuple[str, str]] = []
        if ID_PATTERN.match(input.id) and api.workspace.has_system(input.id):
            problems.append(("input.id", f"AI system {input.id!r} already exists; use updateSystem"))
        item = AISystemInput(
            id=input.id,
            name=input.name,
            roles=list(input.roles),
            category=input.category,
            generative=input.generative,
            owner=input.owner,
            purpose=input.purpose,
            data_used=input.data_used,
            next_review=optional_day(input.next_review, "input.nextReview", problems),
        )
        return store_system(api, item, problems)

    @strawberry.mutation(description="Change an AI system; fields left out keep their value")
    @in_write_thread
    def update_system(self, info: Info, input: UpdateSystemInput) -> AISystem:
        api = info.context.api(Role.editor)
        if not (ID_PATTERN.match(input.id) and api.workspace.has_system(input.id)):
            raise NotFoundError(f"no AI system {input.id[:140]!r} in this workspace")
        values: dict[str, Any] = dataclasses.asdict(api.workspace.system(input.id))
        values["roles"] = list(values["roles"])
        problems: list[tuple[str, str]] = []
        for name in ("name", "roles", "category", "generative", "owner", "purpose", "data_used"):
            if given(getattr(input, name)):
                values[name] = getattr(input, name)
        if given(input.next_review):
            values["next_review"] = optional_day(input.next_review, "input.nextReview", problems)
        for name in ("name", "roles", "category", "generative"):
            if values[name] is None:
                problems.append((f"input.{_camel(name)}", "cannot be null"))
        return store_system(api, AISystemInput(**values), problems)

    @strawberry.mutation(description="Include or exclude an ISO/IEC 42001 or 27001 Annex A control, with the justification")
    @in_write_thread
    def set_applicability(self, info: Info, control: str, included: bool, reason: str) -> SoAEntry:
        api = info.context.api(Role.editor)
        problems: list[tuple[str, str]] = []
        check_lengths(reason, "reason", problems)
        if len(control) > 200:
            problems.append(("control", "is longer than 200 characters"))
        if problems:
            raise InvalidInputError(problems)
        try:
            entry: SoAData = api.workspace.set_applicability(control, included, reason)
        except InvalidInputError as error:
            raise renamed(error, "reason") from None
        return SoAEntry(control=Requirement(ref=api.catalog.ref(entry.control), api=api), included=entry.included, reason=entry.reason)

    @strawberry.mutation(description="Make an API token for a workspace (admin only); the secret is in the answer, this once only")
    def create_token(self, info: Info, workspace: str, role: str) -> NewToken:
        info.context.require(Role.admin)
        secret = auth.create_token(info.context.store, workspace[:100], role[:20])
        return NewToken(id=secret.split("_")[1], workspace=workspace, role=role, token=secret)

    @strawberry.mutation(description="Revoke an API token by id (admin only): refused from the next request on; the record stays for audit")
    def revoke_token(self, info: Info, id: str) -> Token:
        info.context.require(Role.admin)
        auth.revoke_token(info.context.store, id[:100])
        info.context.registry.tokens.forget(id[:100])
        record = auth.token_record(info.context.store, id)
        if record is None:
            raise NotFoundError(f"no token {id[:100]!r}")
        return token_of(record)


# --- the schema ---------------------------------------------------------------------------------
class Schema(strawberry.Schema):
    def process_errors(self, errors: list[GraphQLError], execution_context: ExecutionContext | None = None) -> None:
        """Log what went wrong on the server's side, with its trace; the caller's own mistakes are answers, not log noise."""
        for error in errors:
            if isinstance(error.original_error, StoreUnavailableError):
                log.warning("%s", error.original_error)
            elif not expected(error):
                log.error(
                    "unexpected error in %s", ".".join(str(p) for p in error.path or []) or "a request", exc_info=error.original_error
                )


def build_schema(settings: Settings | None = None) -> Schema:
    settings = settings or Settings()
    extensions: list[Callable[[], SchemaExtension]] = [guard_extension(settings)]
    if not settings.introspection:
        extensions.append(DisableIntrospection)
    config = StrawberryConfig(disable_field_suggestions=not settings.introspection)
    return Schema(query=Query, mutation=Mutation, extensions=extensions, config=config)


if __name__ == "__main__":  # regenerate the committed SDL: python -m grcgraph.server.schema > server/schema.graphql
    print(build_schema().as_str())
