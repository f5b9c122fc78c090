"""Dates of application of a provision (EU AI Act), as the Requirement type's
`datesOfApplication` gives them: per AI-system category and part where a rule differs, with the
rule's source and the dates it replaced."""

from __future__ import annotations

import datetime as dt

import strawberry

from grcgraph.api import GRCGraph
from grcgraph.application import CATEGORY_NOTATIONS

_LABELS = {str(iri): notation for notation, iri in CATEGORY_NOTATIONS.items()}


@strawberry.type(description="A date of application an amendment replaced")
class ReplacedDate:
    applies_from: dt.date
    source: str


@strawberry.type(description="When a provision, or a part of it, applies: for every AI system or for one category")
class DateOfApplication:
    applies_from: dt.date
    category: str | None = strawberry.field(description="AI-system category (e.g. high-risk-annex-iii); null: every AI system")
    part: str | None
    source: str
    note: str | None
    replaced: list[ReplacedDate] = strawberry.field(description="Earlier dates this one replaced, most recent first")


def dates_of_application(api: GRCGraph, iri: str) -> list[DateOfApplication]:
    return [
        DateOfApplication(
            applies_from=date.applies_from,
            category=_LABELS.get(date.category) if date.category else None,
            part=date.part,
            source=date.rule.source,
            note=date.rule.note,
            replaced=[ReplacedDate(applies_from=old.applies_from, source=old.source) for old in date.replaced],
        )
        for date in api.dates.dates(iri)
    ]
