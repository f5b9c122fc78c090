"""Checks and conversions of GraphQL arguments: dates, chain length, string lengths, page size, and
problem paths renamed as the caller sees them (`input.title`, `input.links[0].extent`)."""

from __future__ import annotations

import dataclasses
import datetime as dt
import re
from collections.abc import Iterator
from functools import cache

from grcgraph.dates import parse_date
from grcgraph.server.errors import ApiError, invalid
from grcgraph.server.settings import Settings
from grcgraph.workspace import InvalidInputError

MAX_TEXT = 10_000  # any string argument; SHACL sets tighter limits on some fields (title 500, owner 200)
MAX_CHAIN = 4


def parse_day(text: str | None, field: str) -> dt.date:
    if text is None:
        return dt.date.today()
    try:
        return parse_date(text)
    except ValueError as error:
        raise invalid(field, str(error)) from None


def optional_day(text: str | None, field: str, problems: list[tuple[str, str]]) -> dt.date | None:
    if text is None:
        return None
    try:
        return parse_day(text, field)
    except InvalidInputError as error:
        problems.extend(error.problems)
        return None


def chain(value: int) -> int:
    if not 0 <= value <= MAX_CHAIN:
        raise invalid("chainLength", f"must be 0 to {MAX_CHAIN}")
    return value


def check_lengths(value: object, path: str, problems: list[tuple[str, str]]) -> None:
    """Refuse any string longer than MAX_TEXT, naming where it is. A path is spelled out only for a
    string that is too long: an import holds hundreds of thousands of values."""
    for where, length in _too_long(value):
        problems.append((path + where, f"is {length} characters long; at most {MAX_TEXT} are accepted"))


def _too_long(value: object) -> Iterator[tuple[str, int]]:
    """(path below `value`, length) of every string in it longer than MAX_TEXT."""
    if isinstance(value, str):
        if len(value) > MAX_TEXT:
            yield "", len(value)
    elif isinstance(value, list):
        for index, item in enumerate(value):
            if not isinstance(item, str) or len(item) > MAX_TEXT:
                for where, length in _too_long(item):
                    yield f"[{index}]{where}", length
    elif dataclasses.is_dataclass(value) and not isinstance(value, type):
        for name, field in _fields(type(value)):
            item = getattr(value, name)
            if item is not None and (not isinstance(item, str) or len(item) > MAX_TEXT):
                for where, length in _too_long(item):
                    yield f".{field}{where}", length


@cache
def _fields(kind: type) -> tuple[tuple[str, str], ...]:
    """A dataclass's attribute names, with each one's GraphQL (camelCase) name."""
    return tuple((item.name, _camel(item.name)) for item in dataclasses.fields(kind))


def _camel(name: str) -> str:
    head, *rest = name.split("_")
    return head + "".join(part.title() for part in rest)


SHACL_FIELDS = {
    "identifier": "id",
    "title": "title",
    "description": "description",
    "evidenceKind": "kind",
    "owner": "owner",
    "location": "location",
    "sha256": "sha256",
    "collectedOn": "collectedOn",
    "validUntil": "validUntil",
    "prefLabel": "name",
    "operatorRole": "roles",
    "aiCategory": "category",
    "purpose": "purpose",
    "dataUsed": "dataUsed",
    "nextReview": "nextReview",
    "extent": "extent",
    "assertedBy": "assertedBy",
    "requirement": "requirement",
    "forSystem": "system",
    "reason": "reason",
    "control": "control",
}


def renamed(error: InvalidInputError, prefix: str, replace: str | None = None) -> InvalidInputError:
    """Problems named as the GraphQL caller sees them: `input.title`, `input.links[0].extent`."""
    problems = []
    for where, message in error.problems:
        field = where
        if replace is not None and (field == replace or field.startswith((f"{replace}.", f"{replace}["))):
            field = prefix + field[len(replace) :]
        elif ">" in field or "<" in field:  # a SHACL result: '<focus>.<property>'
            prop = field.split(".", 1)[1] if "." in field else ""
            local = re.split(r"[#:/]", prop.strip("<>"))[-1]
            field = f"{prefix}.{SHACL_FIELDS.get(local, local)}" if local else prefix
        problems.append((field, message))
    return InvalidInputError(problems)


def page(settings: Settings, first: int) -> int:
    if first < 0:
        raise invalid("first", "must be 0 or more")
    if first > settings.max_page_size:
        raise ApiError("QUERY_TOO_COMPLEX", f"first: at most {settings.max_page_size} items per page", maxPageSize=settings.max_page_size)
    return first
