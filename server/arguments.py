"""Checks and conversions of GraphQL arguments: dates, chain length, string lengths and page size,
each problem at the argument's path as the caller spells it (`input.collectedOn`, `items[3].title`)."""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Iterator
from functools import cache
from typing import TYPE_CHECKING, Annotated

import strawberry

from grcgraph.api.history import instant
from grcgraph.dates import parse_date
from grcgraph.model import FieldPath, Problem
from grcgraph.server.error_format import ApiError, invalid
from grcgraph.server.scalars import InstantText
from grcgraph.server.settings import Settings

if TYPE_CHECKING:
    from grcgraph.api import GRCGraph

MAX_TEXT = 10_000  # any string argument; SHACL sets tighter limits on some fields (title 500, owner 200)
MAX_CHAIN = 4


AsOf = Annotated[
    InstantText | None,
    strawberry.argument(
        description="Answer from the workspace as its history says it was at this instant (ISO 8601, e.g. 2026-10-01T00:00:00Z; "
        "a date alone is its end); `on` defaults to its date"
    ),
]


def as_of_view(api: GRCGraph, as_of: str | None, on: str | None) -> tuple[GRCGraph, dt.date]:
    """The caller's graph as of `asOf` (itself without it) and the day to answer for."""
    if as_of is None:
        return api, parse_day(on, "on")
    when = instant(as_of[:64], "asOf")
    return api.as_of(when), parse_day(on, "on") if on is not None else when.date()


def parse_day(text: str | None, field: str) -> dt.date:
    if text is None:
        return dt.date.today()
    try:
        return parse_date(text)
    except ValueError as error:
        raise invalid(field, str(error)) from None


def optional_day(text: str | None, path: FieldPath, problems: list[Problem]) -> dt.date | None:
    if text is None:
        return None
    try:
        return parse_date(text)
    except ValueError as error:
        problems.append(Problem(str(error), path))
        return None


def chain(value: int) -> int:
    if not 0 <= value <= MAX_CHAIN:
        raise invalid("chainLength", f"must be 0 to {MAX_CHAIN}")
    return value


def check_lengths(value: object, path: FieldPath, problems: list[Problem]) -> None:
    """Refuse any string longer than MAX_TEXT, naming where it is (but a record's `id`, which the
    write's id rule checks). A path is built only for a
    string that is too long: an import holds hundreds of thousands of values."""
    for where, length in _too_long(value):
        problems.append(Problem(f"is {length} characters long; at most {MAX_TEXT} are accepted", FieldPath(*path, *where)))


def _too_long(value: object) -> Iterator[tuple[tuple[str | int, ...], int]]:
    """(path segments below `value`, length) of every string in it longer than MAX_TEXT."""
    if isinstance(value, str):
        if len(value) > MAX_TEXT:
            yield (), len(value)
    elif isinstance(value, list):
        for index, item in enumerate(value):
            if not isinstance(item, str) or len(item) > MAX_TEXT:
                for where, length in _too_long(item):
                    yield (index, *where), length
    elif dataclasses.is_dataclass(value) and not isinstance(value, type):
        for name, field in _fields(type(value)):
            if name == "id":  # the id rule (1-128 characters of a closed set) says more, and is checked by every write
                continue
            item = getattr(value, name)
            if item is not None and (not isinstance(item, str) or len(item) > MAX_TEXT):
                for where, length in _too_long(item):
                    yield (field, *where), length


@cache
def _fields(kind: type) -> tuple[tuple[str, str], ...]:
    """A dataclass's attribute names, with each one's GraphQL (camelCase) name."""
    return tuple((item.name, camel(item.name)) for item in dataclasses.fields(kind))


def camel(name: str) -> str:
    """A Python field name as GraphQL spells it: `collected_on` -> `collectedOn`."""
    head, *rest = name.split("_")
    return head + "".join(part.title() for part in rest)


def page(settings: Settings, first: int) -> int:
    if first < 0:
        raise invalid("first", "must be 0 or more")
    if first > settings.max_page_size:
        message = f"must be at most {settings.max_page_size} (the page limit)"
        raise ApiError(
            "INVALID_INPUT",
            f"first: {message}",
            problems=[{"field": "first", "message": message}],
            maxPageSize=settings.max_page_size,
        )
    return first
