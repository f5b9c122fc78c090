"""The GraphQL mutations: evidence and its links, the AI inventory, the Statement of Applicability
and API tokens. Each workspace write needs the editor role, runs on a worker thread, one whole
write at a time (its checks included), and reports every problem of its input in one answer, each
named as the caller spells it (`input.title`, `items[3].links[0].requirement`)."""

from __future__ import annotations

import asyncio
import datetime as dt
import functools
from collections.abc import Awaitable, Callable
from contextlib import nullcontext
from typing import Annotated, ParamSpec, TypeVar

import strawberry

from grcgraph.api import one_write_at_a_time
from grcgraph.errors import InvalidInputError, NotFoundError
from grcgraph.model import AISystemInput, FieldPath, Problem, Role
from grcgraph.server.arguments import camel, check_lengths, optional_day
from grcgraph.server.context import Info
from grcgraph.server.error_format import ApiError, invalid
from grcgraph.server.inputs import (
    INPUT,
    CreateEvidenceInput,
    CreateSystemInput,
    LinkInput,
    UpdateEvidenceInput,
    UpdateSystemInput,
    evidence_changes,
    evidence_input,
    given,
    import_evidence,
    known_evidence,
    known_system,
    links_of,
    store_evidence,
    store_system,
    system_changes,
)
from grcgraph.server.query import managed_workspace, token_of
from grcgraph.server.scalars import InstantText
from grcgraph.server.types.core import Evidence
from grcgraph.server.types.enums import TokenRole
from grcgraph.server.types.records import AISystem, EvidenceImport, NewToken, SoAEntry, Token

P = ParamSpec("P")
T = TypeVar("T")
LINKS = FieldPath("links")


def in_write_thread(resolver: Callable[P, T]) -> Callable[P, Awaitable[T]]:
    """Run a mutation on a worker thread, one write at a time (the write lock held around its checks
    too): an import takes seconds, and on the event loop it would hold up every other request."""

    def locked(*args: P.args, **kwargs: P.kwargs) -> T:
        # The history names the caller's token as the agent of every write the mutation makes.
        info = kwargs.get("info")
        principal = info.context.principal if isinstance(info, strawberry.Info) else None
        agent = f"token:{principal.token_id}" if principal is not None and principal.token_id else "user:local"
        with one_write_at_a_time(), info.context.registry.base.acting_as(agent) if isinstance(info, strawberry.Info) else nullcontext():
            return resolver(*args, **kwargs)

    @functools.wraps(resolver)
    async def run(*args: P.args, **kwargs: P.kwargs) -> T:
        return await asyncio.to_thread(locked, *args, **kwargs)

    return run


@strawberry.type
class Mutation:
    @strawberry.mutation(description="Store new evidence with its links; INVALID_INPUT when the id is taken")
    @in_write_thread
    def create_evidence(
        self, info: Info, input: Annotated[CreateEvidenceInput, strawberry.argument(description="The new item with its links")]
    ) -> Evidence:
        api = info.context.api(Role.editor)
        problems: list[Problem] = []
        if api.has_evidence(input.id):
            problems.append(Problem(f"evidence {input.id!r} already exists; use updateEvidence", INPUT / "id"))
        return store_evidence(api, evidence_input(input, INPUT, problems), problems)

    @strawberry.mutation(
        description="Create or replace many evidence items with their links as one batch, all or none, as "
        "`grcgraph evidence import` does; each problem is named items[i].field. A batch of 1,000 or more "
        "new items goes to the store's bulk loader. The server's body limit (GRCGRAPH_MAX_BODY_BYTES, "
        "1,000,000 bytes by default: about 2,000 items) bounds a batch"
    )
    @in_write_thread
    def import_evidence(
        self,
        info: Info,
        items: Annotated[
            list[CreateEvidenceInput],
            strawberry.argument(description="The items, each as in createEvidence; an id already stored is replaced"),
        ],
    ) -> EvidenceImport:
        ids = import_evidence(info.context.api(Role.editor), items)
        return EvidenceImport(count=len(ids), ids=ids)

    @strawberry.mutation(description="Change evidence; fields left out keep their value, links left out are kept")
    @in_write_thread
    def update_evidence(
        self, info: Info, input: Annotated[UpdateEvidenceInput, strawberry.argument(description="The item's id and the fields to change")]
    ) -> Evidence:
        api = info.context.api(Role.editor)
        known_evidence(api, input.id, INPUT / "id")
        problems: list[Problem] = []
        check_lengths(input, INPUT, problems)
        changes = evidence_changes(input, problems)
        links = links_of(input.links or [], INPUT / "links", problems) if given(input.links) else None
        api.update_evidence(input.id, changes, links, path=INPUT, problems=problems)
        return Evidence(data=api.evidence_item(input.id), api=api)

    @strawberry.mutation(description="Delete evidence and its links; answers the id deleted")
    @in_write_thread
    def delete_evidence(self, info: Info, id: Annotated[str, strawberry.argument(description="The evidence item's id")]) -> str:
        api = info.context.api(Role.editor)
        known_evidence(api, id)
        api.delete_evidence(id)
        return id

    @strawberry.mutation(description="Add or replace links from evidence to requirements")
    @in_write_thread
    def link_evidence(
        self,
        info: Info,
        evidence_id: Annotated[str, strawberry.argument(description="The evidence item's id")],
        links: Annotated[
            list[LinkInput],
            strawberry.argument(description="The links to add; one to the same requirement and system replaces the stored one"),
        ],
    ) -> Evidence:
        api = info.context.api(Role.editor)
        known_evidence(api, evidence_id, FieldPath("evidenceId"))
        problems: list[Problem] = []
        converted = links_of(links, LINKS, problems)
        check_lengths(converted, LINKS, problems)
        if not converted:
            problems.append(Problem("name at least one link", LINKS))
        api.link(evidence_id, converted, path=LINKS, problems=problems)
        return Evidence(data=api.evidence_item(evidence_id), api=api)

    @strawberry.mutation(description="Remove one link (for one system, or the system-less link when system is null)")
    @in_write_thread
    def unlink_evidence(
        self,
        info: Info,
        evidence_id: Annotated[str, strawberry.argument(description="The evidence item's id")],
        requirement: Annotated[str, strawberry.argument(description="The requirement of the link, any id form")],
        system: Annotated[str | None, strawberry.argument(description="The AI system of the link; null: the link for every system")] = None,
    ) -> Evidence:
        api = info.context.api(Role.editor)
        known_evidence(api, evidence_id, FieldPath("evidenceId"))
        if len(requirement) > 200:
            raise invalid("requirement", "is longer than 200 characters")
        if system is not None:
            known_system(api, system, FieldPath("system"))
        api.unlink(evidence_id, requirement, system)
        return Evidence(data=api.evidence_item(evidence_id), api=api)

    @strawberry.mutation(description="Add an AI system to the inventory; INVALID_INPUT when the id is taken")
    @in_write_thread
    def create_system(
        self, info: Info, input: Annotated[CreateSystemInput, strawberry.argument(description="The new AI system")]
    ) -> AISystem:
        api = info.context.api(Role.editor)
        problems: list[Problem] = []
        if api.has_system(input.id):
            problems.append(Problem(f"AI system {input.id!r} already exists; use updateSystem", INPUT / "id"))
        item = AISystemInput(
            id=input.id,
            name=input.name,
            roles=[r.value for r in input.roles],
            category=input.category.value,
            generative=input.generative,
            owner=input.owner,
            purpose=input.purpose,
            data_used=input.data_used,
            next_review=optional_day(input.next_review, INPUT / "nextReview", problems),
        )
        return store_system(api, item, problems)

    @strawberry.mutation(description="Change an AI system; fields left out keep their value")
    @in_write_thread
    def update_system(
        self, info: Info, input: Annotated[UpdateSystemInput, strawberry.argument(description="The system's id and the fields to change")]
    ) -> AISystem:
        api = info.context.api(Role.editor)
        known_system(api, input.id, INPUT / "id")
        problems: list[Problem] = []
        check_lengths(input, INPUT, problems)
        api.update_system(input.id, system_changes(input, problems), path=INPUT, spelled=camel, problems=problems)
        return AISystem.of(api.system(input.id))

    @strawberry.mutation(description="Include or exclude an ISO/IEC 42001 or 27001 Annex A control, with the justification")
    @in_write_thread
    def set_applicability(
        self,
        info: Info,
        control: Annotated[str, strawberry.argument(description="The Annex A control, any id form: A.10.4, iso27001:A.5.1")],
        included: Annotated[bool, strawberry.argument(description="true: included; false: excluded")],
        reason: Annotated[str, strawberry.argument(description="The justification, as the SoA shows it")],
    ) -> SoAEntry:
        api = info.context.api(Role.editor)
        problems: list[Problem] = []
        check_lengths(reason, FieldPath("reason"), problems)
        if len(control) > 200:
            problems.append(Problem("is longer than 200 characters", FieldPath("control")))
        if problems:
            raise InvalidInputError(problems)
        entry = api.set_applicability(control, included, reason)
        return SoAEntry.of(entry, api)

    @strawberry.mutation(
        description="Make an API token (admin: for its own workspace, the default; operator: for any), at most admin; "
        "`expires` an ISO 8601 date-time with a time zone. The secret is in the answer, this once only"
    )
    def create_token(
        self,
        info: Info,
        role: Annotated[
            TokenRole,
            strawberry.argument(
                description="The new token's role: READER, EDITOR or ADMIN (operator tokens come from the command line only)"
            ),
        ],
        workspace: Annotated[
            str | None, strawberry.argument(description="The workspace it is for (an operator's choice); null: the caller's own")
        ] = None,
        expires: Annotated[
            InstantText | None,
            strawberry.argument(
                description="When it stops working: an ISO 8601 instant with a time zone (2027-01-31T00:00:00Z); null: never"
            ),
        ] = None,
    ) -> NewToken:
        principal = info.context.require(Role.admin)
        target = managed_workspace(info, workspace) or principal.workspace
        if role is TokenRole.OPERATOR:
            raise ApiError("FORBIDDEN", "operator tokens are made with the command line only: grcgraph token create --role operator")
        secret = info.context.registry.base.create_token(
            target[:100], role.value, expires=_instant(expires), by=principal.token_id or "cli"
        )
        return NewToken(id=secret.split("_")[1], workspace=target, role=role, token=secret)

    @strawberry.mutation(
        description="Revoke an API token by id (admin: of its own workspace; operator: any): refused from the next request on; "
        "the record stays, flagged with who revoked it and when"
    )
    def revoke_token(
        self, info: Info, id: Annotated[str, strawberry.argument(description="The token's public id (16 hex digits)")]
    ) -> Token:
        principal = info.context.require(Role.admin)
        base = info.context.registry.base
        record = base.token(id[:100])  # NotFoundError for what is not a token id
        if record is None or (principal.role < Role.operator and record.workspace != principal.workspace):
            raise NotFoundError(f"no token {id[:100]!r} in workspace {principal.workspace!r}")
        revoked = base.revoke_token(record.id, by=principal.token_id or "cli")
        info.context.registry.tokens.forget(record.id)
        return token_of(revoked)


def _instant(text: str | None) -> dt.datetime | None:
    if text is None:
        return None
    try:
        moment = dt.datetime.fromisoformat(text[:64])
    except ValueError:
        raise invalid("expires", f"{text[:64]!r} is not an ISO 8601 date-time such as 2027-01-31T00:00:00Z") from None
    if moment.tzinfo is None:
        raise invalid("expires", f"{text[:64]!r} has no time zone: add Z or an offset such as +01:00")
    return moment
