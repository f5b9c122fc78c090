"""The API's two time scalars, `Date` (a calendar day) and `DateTime` (an instant), one definition
each for answers and inputs.

Answers are dates and aware datetimes, written in ISO 8601 (`2026-01-15`, `2026-01-15T09:30:00Z`): an
instant in UTC ends with `Z`, as RFC 3339 and most clients write it; any other offset is kept as
stored (`2026-01-15T10:30:00+01:00`).
An input value arrives as the caller's text (`DayText`, `InstantText`) and is read by the field it
belongs to, with the strict forms the command line and the evidence files take: YYYY-MM-DD for a
day; for an instant a date and time with an offset, or none for UTC (`asOf` also takes a date alone,
meaning its end). A malformed one is INVALID_INPUT at its path (`input.collectedOn`,
`items[3].at`), in one answer with every other problem of the input, as before these fields were
typed; a value that is not a string at all is refused by GraphQL validation."""

from __future__ import annotations

import datetime as dt
from typing import NewType

import strawberry
from strawberry.types.scalar import ScalarDefinition

DayText = NewType("DayText", str)  # a Date argument or input field as written: checked by its field
InstantText = NewType("InstantText", str)  # a DateTime argument or input field as written


def _iso(value: dt.date) -> str:
    return value.isoformat()


def _instant(value: dt.datetime) -> str:
    text = value.isoformat()
    return text[:-6] + "Z" if text.endswith("+00:00") else text


def _text(value: object) -> str:
    if not isinstance(value, str):
        raise TypeError("is written as a string in ISO 8601")
    return value


DATE = strawberry.scalar(
    name="Date",
    description="A calendar day in ISO 8601, YYYY-MM-DD (2026-01-15)",
    serialize=_iso,
    parse_value=_text,
)
DATETIME = strawberry.scalar(
    name="DateTime",
    description="An instant in ISO 8601 with a time and an offset, Z for UTC (2026-01-15T09:30:00Z); in inputs, no offset means UTC",
    serialize=_instant,
    parse_value=_text,
)
SCALARS: dict[object, ScalarDefinition] = {dt.date: DATE, DayText: DATE, dt.datetime: DATETIME, InstantText: DATETIME}


def instant_of(text: str) -> dt.datetime:
    """A stored instant (xsd:dateTime, UTC when it has no offset) as an aware datetime."""
    found = dt.datetime.fromisoformat(text)
    return found if found.tzinfo else found.replace(tzinfo=dt.UTC)


def optional_instant(text: str | None) -> dt.datetime | None:
    return None if text is None else instant_of(text)
