"""Relay-style connections: opaque cursors, `first`/`after` pages with PageInfo and totalCount."""

from __future__ import annotations

import base64
import binascii
import datetime as dt
from collections.abc import Sequence

import strawberry

from grcgraph.server.error_format import invalid
from grcgraph.server.types.core import Evidence, Mapping, Requirement
from grcgraph.server.types.records import GapRow, StatusCount


def encode_cursor(kind: str, key: str) -> str:
    return base64.urlsafe_b64encode(f"{kind}:{key}".encode()).decode()


def decode_cursor(kind: str, cursor: str) -> str:
    try:
        text = base64.urlsafe_b64decode(cursor.encode()).decode()
    except (binascii.Error, UnicodeDecodeError, ValueError):
        text = ""
    if not text.startswith(f"{kind}:"):
        raise invalid("after", "is not a cursor from this connection")
    return text[len(kind) + 1 :]


@strawberry.type
class PageInfo:
    has_next_page: bool
    has_previous_page: bool
    start_cursor: str | None
    end_cursor: str | None


@strawberry.type
class RequirementEdge:
    node: Requirement
    cursor: str


@strawberry.type
class RequirementConnection:
    edges: list[RequirementEdge]
    page_info: PageInfo
    total_count: int


@strawberry.type
class EvidenceEdge:
    node: Evidence
    cursor: str


@strawberry.type
class EvidenceConnection:
    edges: list[EvidenceEdge]
    page_info: PageInfo
    total_count: int


@strawberry.type
class MappingEdge:
    node: Mapping
    cursor: str


@strawberry.type
class MappingConnection:
    edges: list[MappingEdge]
    page_info: PageInfo
    total_count: int


@strawberry.type
class GapEdge:
    node: GapRow
    cursor: str


@strawberry.type(description="A gap report: one row per requirement of the framework, in document order, a page at a time")
class GapConnection:
    framework: str
    system: str | None
    on: dt.date
    edges: list[GapEdge]
    page_info: PageInfo
    total_count: int
    summary: list[StatusCount] = strawberry.field(
        description="Counts per status over every assessable requirement of the framework (not only this page)"
    )


def paginate(keys: Sequence[str], kind: str, first: int, after: str | None) -> tuple[list[int], PageInfo]:
    """Positions of the page after the cursor (keys in a stable order), with its PageInfo."""
    start = 0
    if after is not None:
        key = decode_cursor(kind, after)
        if key not in keys:
            raise invalid("after", "is not a cursor from this connection")
        start = list(keys).index(key) + 1
    chosen = list(range(start, min(start + first, len(keys))))
    info = PageInfo(
        has_next_page=start + first < len(keys),
        has_previous_page=start > 0,
        start_cursor=encode_cursor(kind, keys[chosen[0]]) if chosen else None,
        end_cursor=encode_cursor(kind, keys[chosen[-1]]) if chosen else None,
    )
    return chosen, info
