"""GraphQL input types and the helpers that turn them into workspace writes."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from typing import Any

import strawberry
from strawberry.types.unset import UnsetType

from grcgraph.api import GRCGraph
from grcgraph.errors import NotFoundError
from grcgraph.model import AISystemInput, EvidenceInput, EvidenceLinkInput, FieldPath, Problem
from grcgraph.server.arguments import camel, check_lengths, optional_day
from grcgraph.server.scalars import DayText, InstantText
from grcgraph.server.types.core import Evidence
from grcgraph.server.types.enums import AICategory, EvidenceKind, LinkExtent, OperatorRole, notation, notations
from grcgraph.server.types.records import AISystem

INPUT, ITEMS = FieldPath("input"), FieldPath("items")  # the arguments problems are named under
EVIDENCE_TEXT = ("title", "kind", "description", "owner", "location", "sha256")
SYSTEM_FIELDS = ("name", "roles", "category", "generative", "owner", "purpose", "data_used")


@strawberry.input(description="A link from evidence to a requirement, as createEvidence, importEvidence and linkEvidence take it")
class LinkInput:
    requirement: str = strawberry.field(description="Any id form: A.6.2.8, iso42001:A.6.2.8, 'Art. 12(1)', 'GOVERN 1.1'")
    asserted_by: str = strawberry.field(description="Who makes the claim (an e-mail address or a name)")
    extent: LinkExtent = strawberry.field(default=LinkExtent.FULL, description="FULL (the default) or PARTIAL")
    system: str | None = strawberry.field(default=None, description="The AI system id the link is for; null: every system")
    asserted_at: InstantText | None = strawberry.field(
        default=None, description="When it was asserted, ISO 8601 (2026-01-15T09:30:00+00:00; UTC without an offset); default: when stored"
    )
    framework: str | None = strawberry.field(
        default=None, description="Where a bare id such as 6.1.2 is looked up first (iso42001, iso27001...); not stored"
    )


@strawberry.input(description="A new evidence item with its links")
class CreateEvidenceInput:
    id: str = strawberry.field(description="The item's id in the workspace (1-128 characters: letters, digits, . _ - /)")
    title: str = strawberry.field(description="What the evidence is, in a line (1 to 500 characters)")
    kind: EvidenceKind = strawberry.field(description="Evidence kind: POLICY, PROCEDURE, RECORD, LOG, TEST_RESULT, ...")
    description: str | None = strawberry.field(default=None, description="Longer text on the evidence")
    owner: str | None = strawberry.field(default=None, description="Who is responsible for it (200 characters at most)")
    location: str | None = strawberry.field(default=None, description="Where it is kept: a URL or a path")
    sha256: str | None = strawberry.field(default=None, description="SHA-256 of the evidence file, 64 hex digits")
    collected_on: DayText | None = strawberry.field(default=None, description="YYYY-MM-DD")
    valid_until: DayText | None = strawberry.field(default=None, description="YYYY-MM-DD")
    links: list[LinkInput] = strawberry.field(default_factory=list, description="The requirements it satisfies")


def _evidence_from_input(input_type: type[CreateEvidenceInput], value: Mapping[str, Any], _context: object) -> CreateEvidenceInput:
    """Build an item from its GraphQL input value, which graphql-core has already checked and
    coerced. strawberry's own conversion resolves every field's type again for every item and
    link: half the time of an `importEvidence` of 10,000 items. tests/test_graphql_api.py checks
    that both give the same items."""
    return input_type(
        id=value["id"],
        title=value["title"],
        kind=value["kind"],
        description=value.get("description"),
        owner=value.get("owner"),
        location=value.get("location"),
        sha256=value.get("sha256"),
        collected_on=value.get("collectedOn"),
        valid_until=value.get("validUntil"),
        links=[
            LinkInput(
                requirement=link["requirement"],
                asserted_by=link["assertedBy"],
                extent=link.get("extent", LinkExtent.FULL),
                system=link.get("system"),
                asserted_at=link.get("assertedAt"),
                framework=link.get("framework"),
            )
            for link in value.get("links") or ()
        ],
    )


CreateEvidenceInput.__strawberry_definition__.from_input = _evidence_from_input  # type: ignore[attr-defined]


@strawberry.input(description="Fields left out keep their value; null clears an optional field; links, when given, replace all links")
class UpdateEvidenceInput:
    id: str = strawberry.field(description="The id of the record to change")
    title: str | None = strawberry.field(default=strawberry.UNSET, description="What the evidence is, in a line (1 to 500 characters)")
    kind: EvidenceKind | None = strawberry.field(
        default=strawberry.UNSET, description="Evidence kind: POLICY, PROCEDURE, RECORD, LOG, TEST_RESULT, ..."
    )
    description: str | None = strawberry.field(default=strawberry.UNSET, description="Longer text on the evidence")
    owner: str | None = strawberry.field(default=strawberry.UNSET, description="Who is responsible for it (200 characters at most)")
    location: str | None = strawberry.field(default=strawberry.UNSET, description="Where it is kept: a URL or a path")
    sha256: str | None = strawberry.field(default=strawberry.UNSET, description="SHA-256 of the evidence file, 64 hex digits")
    collected_on: DayText | None = strawberry.field(default=strawberry.UNSET, description="YYYY-MM-DD")
    valid_until: DayText | None = strawberry.field(default=strawberry.UNSET, description="YYYY-MM-DD")
    links: list[LinkInput] | None = strawberry.field(
        default=strawberry.UNSET, description="Replace every link with these; left out: the links are kept"
    )


@strawberry.input(description="A new AI system of the inventory")
class CreateSystemInput:
    id: str = strawberry.field(description="The system's id in the workspace (1-128 characters: letters, digits, . _ - /)")
    name: str = strawberry.field(description="The system's name")
    roles: list[OperatorRole] = strawberry.field(description="The organisation's operator roles for it (EU AI Act Art. 3)")
    category: AICategory = strawberry.field(description="Its EU AI Act category")
    generative: bool = strawberry.field(default=False, description="True for a generative AI system (default false)")
    owner: str | None = strawberry.field(default=None, description="Who is responsible for it")
    purpose: str | None = strawberry.field(default=None, description="Its intended purpose")
    data_used: str | None = strawberry.field(default=None, description="The data it uses")
    next_review: DayText | None = strawberry.field(default=None, description="YYYY-MM-DD")


@strawberry.input(description="Fields left out keep their value; null clears an optional field")
class UpdateSystemInput:
    id: str = strawberry.field(description="The id of the record to change")
    name: str | None = strawberry.field(default=strawberry.UNSET, description="The system's name")
    roles: list[OperatorRole] | None = strawberry.field(
        default=strawberry.UNSET, description="The organisation's operator roles for it (EU AI Act Art. 3)"
    )
    category: AICategory | None = strawberry.field(default=strawberry.UNSET, description="Its EU AI Act category")
    generative: bool | None = strawberry.field(default=strawberry.UNSET, description="True for a generative AI system (default false)")
    owner: str | None = strawberry.field(default=strawberry.UNSET, description="Who is responsible for it")
    purpose: str | None = strawberry.field(default=strawberry.UNSET, description="Its intended purpose")
    data_used: str | None = strawberry.field(default=strawberry.UNSET, description="The data it uses")
    next_review: DayText | None = strawberry.field(default=strawberry.UNSET, description="YYYY-MM-DD")


def given(value: object) -> bool:
    return not isinstance(value, UnsetType)


def links_of(links: Sequence[LinkInput], path: FieldPath, problems: list[Problem]) -> list[EvidenceLinkInput]:
    """The workspace's links from the GraphQL ones; a malformed `assertedAt` is a problem at `path[i].assertedAt`."""
    return [
        EvidenceLinkInput(
            requirement=k.requirement,
            extent=k.extent.value,
            asserted_by=k.asserted_by,
            asserted_at=_moment(k.asserted_at, path / i / "assertedAt", problems),
            system=k.system,
            framework=k.framework,
        )
        for i, k in enumerate(links)
    ]


def _moment(text: str | None, path: FieldPath, problems: list[Problem]) -> dt.datetime | None:
    if text is None:
        return None
    try:
        found = dt.datetime.fromisoformat(text)
    except ValueError:
        problems.append(Problem(f"{text[:40]!r} is not a date and time such as 2026-01-15T09:30:00+00:00", path))
        return None
    return found if found.tzinfo else found.replace(tzinfo=dt.UTC)


def known_evidence(api: GRCGraph, evidence_id: str, path: FieldPath = FieldPath("id")) -> None:
    api.check_id(evidence_id, path)
    if not api.has_evidence(evidence_id):
        raise NotFoundError(f"no evidence {evidence_id[:140]!r} in this workspace")


def known_system(api: GRCGraph, system_id: str, path: FieldPath = FieldPath("id")) -> None:
    api.check_id(system_id, path)
    if not api.has_system(system_id):
        raise NotFoundError(f"no AI system {system_id[:140]!r} in this workspace")


def evidence_input(given: CreateEvidenceInput, path: FieldPath, problems: list[Problem]) -> EvidenceInput:
    """The workspace's input from the GraphQL one; a malformed date is a problem named `path.field`."""
    return EvidenceInput(
        id=given.id,
        title=given.title,
        kind=given.kind.value,
        description=given.description,
        owner=given.owner,
        location=given.location,
        sha256=given.sha256,
        collected_on=optional_day(given.collected_on, path / "collectedOn", problems),
        valid_until=optional_day(given.valid_until, path / "validUntil", problems),
        links=links_of(given.links, path / "links", problems),
    )


def evidence_changes(given: UpdateEvidenceInput, problems: list[Problem]) -> dict[str, Any]:
    """The fields an update names (left-out fields keep their value), dates parsed."""
    changes: dict[str, Any] = {name: getattr(given, name) for name in EVIDENCE_TEXT if _given(given, name)}
    if "kind" in changes:
        changes["kind"] = notation(changes["kind"])
    for name in ("collected_on", "valid_until"):
        if _given(given, name):
            changes[name] = optional_day(getattr(given, name), INPUT / camel(name), problems)
    return changes


def system_changes(given: UpdateSystemInput, problems: list[Problem]) -> dict[str, Any]:
    """The fields an update names (left-out fields keep their value), the review date parsed."""
    changes: dict[str, Any] = {name: getattr(given, name) for name in SYSTEM_FIELDS if _given(given, name)}
    if "roles" in changes:
        changes["roles"] = notations(changes["roles"])
    if "category" in changes:
        changes["category"] = notation(changes["category"])
    if _given(given, "next_review"):
        changes["next_review"] = optional_day(given.next_review, INPUT / "nextReview", problems)
    return changes


def _given(value: object, name: str) -> bool:
    return given(getattr(value, name))


def store_evidence(api: GRCGraph, item: EvidenceInput, problems: list[Problem]) -> Evidence:
    check_lengths(item, INPUT, problems)
    # every problem of the input in one answer: these and the workspace's checks
    api.put_evidence([item], path=INPUT, numbered=False, problems=problems)
    return Evidence(data=api.evidence_item(item.id), api=api)


def import_evidence(api: GRCGraph, given: Sequence[CreateEvidenceInput]) -> list[str]:
    """Create or replace every item as one batch, or none: each problem is named `items[i].field`."""
    problems: list[Problem] = []
    items = [evidence_input(item, ITEMS / index, problems) for index, item in enumerate(given)]
    check_lengths(items, ITEMS, problems)
    if not items:
        return []  # nothing to write: no new revision either
    return api.put_evidence(items, path=ITEMS, problems=problems)


def store_system(api: GRCGraph, item: AISystemInput, problems: list[Problem]) -> AISystem:
    check_lengths(item, INPUT, problems)
    api.put_system(item, path=INPUT, problems=problems)
    return AISystem.of(api.system(item.id))
