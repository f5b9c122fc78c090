"""GraphQL input types and the helpers that turn them into workspace writes."""

from __future__ import annotations

from collections.abc import Sequence

import strawberry
from strawberry.types.unset import UnsetType

from grcgraph.api import GRCGraph
from grcgraph.server.arguments import check_lengths, renamed
from grcgraph.server.types import AISystem, Evidence
from grcgraph.workspace import (
    ID_PATTERN,
    AISystemInput,
    EvidenceInput,
    EvidenceLinkInput,
    InvalidInputError,
    NotFoundError,
)


@strawberry.input
class LinkInput:
    requirement: str = strawberry.field(description="Any id form: A.6.2.8, iso42001:A.6.2.8, 'Art. 12(1)', 'GOVERN 1.1'")
    asserted_by: str
    extent: str = "full"
    system: str | None = None


@strawberry.input
class CreateEvidenceInput:
    id: str
    title: str
    kind: str
    description: str | None = None
    owner: str | None = None
    location: str | None = None
    sha256: str | None = None
    collected_on: str | None = strawberry.field(default=None, description="YYYY-MM-DD")
    valid_until: str | None = strawberry.field(default=None, description="YYYY-MM-DD")
    links: list[LinkInput] = strawberry.field(default_factory=list)


@strawberry.input(description="Fields left out keep their value; null clears an optional field; links, when given, replace all links")
class UpdateEvidenceInput:
    id: str
    title: str | None = strawberry.UNSET
    kind: str | None = strawberry.UNSET
    description: str | None = strawberry.UNSET
    owner: str | None = strawberry.UNSET
    location: str | None = strawberry.UNSET
    sha256: str | None = strawberry.UNSET
    collected_on: str | None = strawberry.UNSET
    valid_until: str | None = strawberry.UNSET
    links: list[LinkInput] | None = strawberry.UNSET


@strawberry.input
class CreateSystemInput:
    id: str
    name: str
    roles: list[str]
    category: str
    generative: bool = False
    owner: str | None = None
    purpose: str | None = None
    data_used: str | None = None
    next_review: str | None = strawberry.field(default=None, description="YYYY-MM-DD")


@strawberry.input(description="Fields left out keep their value; null clears an optional field")
class UpdateSystemInput:
    id: str
    name: str | None = strawberry.UNSET
    roles: list[str] | None = strawberry.UNSET
    category: str | None = strawberry.UNSET
    generative: bool | None = strawberry.UNSET
    owner: str | None = strawberry.UNSET
    purpose: str | None = strawberry.UNSET
    data_used: str | None = strawberry.UNSET
    next_review: str | None = strawberry.UNSET


def given(value: object) -> bool:
    return not isinstance(value, UnsetType)


def links_of(links: Sequence[LinkInput]) -> list[EvidenceLinkInput]:
    return [EvidenceLinkInput(requirement=k.requirement, extent=k.extent, asserted_by=k.asserted_by, system=k.system) for k in links]


def known_evidence(api: GRCGraph, evidence_id: str) -> None:
    if not ID_PATTERN.match(evidence_id) or not api.workspace.has_evidence(evidence_id):
        raise NotFoundError(f"no evidence {evidence_id[:140]!r} in this workspace")


def store_evidence(api: GRCGraph, item: EvidenceInput, problems: list[tuple[str, str]]) -> Evidence:
    check_lengths(item, "input", problems)
    try:  # every problem of the input in one answer: these and the workspace's checks
        api.workspace.put_evidence([item], path="input", replace=True, problems=problems)
    except InvalidInputError as error:
        raise renamed(error, "input") from None
    return Evidence(data=api.workspace.evidence(item.id), api=api)


def store_system(api: GRCGraph, item: AISystemInput, problems: list[tuple[str, str]]) -> AISystem:
    check_lengths(item, "input", problems)
    try:  # every problem of the input in one answer: these and the workspace's checks
        api.workspace.put_system(item, problems=problems)
    except InvalidInputError as error:
        raise renamed(error, "input", replace="system") from None
    return AISystem.of(api.workspace.system(item.id))
