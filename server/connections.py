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


@strawberry.type(description="Where a page stands in its connection, and the cursors to read on")
class PageInfo:
    has_next_page: bool = strawberry.field(description="True when more items follow this page")
    has_previous_page: bool = strawberry.field(description="True when items come before this page")
    start_cursor: str | None = strawberry.field(description="Cursor of the page's first item; null for an empty page")
    end_cursor: str | None = strawberry.field(
        description="Cursor of the page's last item: pass it as `after` for the next page; null for an empty page"
    )


@strawberry.type(description="A requirement with its cursor")
class RequirementEdge:
    node: Requirement = strawberry.field(description="The requirement")
    cursor: str = strawberry.field(description="Opaque cursor of this item: pass it as `after` to read on from it")


@strawberry.type(description="A page of requirements, in document order")
class RequirementConnection:
    edges: list[RequirementEdge] = strawberry.field(description="The requirements of this page")
    page_info: PageInfo = strawberry.field(description="Whether more pages follow, and the cursors to reach them")
    total_count: int = strawberry.field(description="Number of requirements over every page (after the filters)")


@strawberry.type(description="An evidence item with its cursor")
class EvidenceEdge:
    node: Evidence = strawberry.field(description="The evidence item")
    cursor: str = strawberry.field(description="Opaque cursor of this item: pass it as `after` to read on from it")


@strawberry.type(description="A page of the evidence register, by id")
class EvidenceConnection:
    edges: list[EvidenceEdge] = strawberry.field(description="The items of this page")
    page_info: PageInfo = strawberry.field(description="Whether more pages follow, and the cursors to reach them")
    total_count: int = strawberry.field(description="Number of items over every page (after the filters)")


@strawberry.type(description="A mapping row with its cursor")
class MappingEdge:
    node: Mapping = strawberry.field(description="The mapping row")
    cursor: str = strawberry.field(description="Opaque cursor of this item: pass it as `after` to read on from it")


@strawberry.type(description="A page of mapping rows")
class MappingConnection:
    edges: list[MappingEdge] = strawberry.field(description="The rows of this page")
    page_info: PageInfo = strawberry.field(description="Whether more pages follow, and the cursors to reach them")
    total_count: int = strawberry.field(description="Number of rows over every page")


@strawberry.type(description="A gap row with its cursor")
class GapEdge:
    node: GapRow = strawberry.field(description="The gap row")
    cursor: str = strawberry.field(description="Opaque cursor of this row: pass it as `after` to read on from it")


@strawberry.type(description="A gap report: one row per requirement of the framework, in document order, a page at a time")
class GapConnection:
    framework: str = strawberry.field(description="Prefix of the framework reported on")
    system: str | None = strawberry.field(description="AI system id the report is for; null: the organisation as a whole")
    on: dt.date = strawberry.field(description="The day the report is computed for")
    edges: list[GapEdge] = strawberry.field(description="The rows of this page")
    page_info: PageInfo = strawberry.field(description="Whether more pages follow, and the cursors to reach them")
    total_count: int = strawberry.field(description="Number of rows over every page (after the status filter)")
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
