"""What every evidence file shares, whatever its format: the fields and the synonyms of their
column names, the header's check, and how a table's rows become evidence items with their
`Origin`. Consecutive rows with one id are one item (one row per group of links)."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field

from grcgraph.dates import parse_date
from grcgraph.model import EvidenceInput, EvidenceLinkInput, Origin, Problem

# Every field of an evidence file, in the order an export writes them.
FIELDS = (
    "id",
    "title",
    "kind",
    "description",
    "owner",
    "location",
    "sha256",
    "collected_on",
    "valid_until",
    "requirements",
    "extent",
    "asserted_by",
    "asserted_at",
    "system",
    "framework",
)
CSV_COLUMNS = FIELDS  # the names an export writes
REQUIRED = ("id", "title", "kind")
# A file without an id column (an analyst's `Title,Kind,Owner,Requirements`): ids made from titles.
REQUIRED_COLUMNS = ("title", "kind")
# Requirements in one cell: separated by `|`, `;` or line breaks (`6.1.2; A.5.2`).
SEPARATORS = re.compile(r"[|;\n]")
ITEM_FIELDS = FIELDS[:9]
LINK_FIELDS = ("extent", "asserted_by", "asserted_at", "system", "framework")
DATES = ("collected_on", "valid_until")
# Other names analysts give these columns (compared as `key` compares them).
SYNONYMS: dict[str, tuple[str, ...]] = {
    "id": ("evidence id", "evidence ref", "reference", "ref"),
    "title": ("name", "evidence", "evidence title", "evidence name"),
    "kind": ("type", "evidence type", "evidence kind", "category"),
    "description": ("details", "summary"),
    "owner": ("evidence owner", "responsible", "accountable"),
    "location": ("url", "uri", "link", "where"),
    "sha256": ("sha-256", "checksum", "hash", "digest"),
    "collected_on": ("collected", "date collected", "collection date"),
    "valid_until": ("expires", "expiry", "expiry date", "expires on", "valid to", "review by"),
    "requirements": ("requirement", "controls", "control", "clauses", "clause", "mapped to", "maps to"),
    "extent": ("coverage",),
    "asserted_by": ("assessed by", "reviewed by", "approved by", "asserted"),
    "asserted_at": ("assessed at", "asserted on"),
    "system": ("ai system", "system id"),
    "framework": ("standard", "regulation"),
}
# The write side names fields as GraphQL does; their file field.
_WRITE_FIELDS = {"collectedOn": "collected_on", "validUntil": "valid_until", "assertedBy": "asserted_by", "assertedAt": "asserted_at"}


def key(name: str) -> str:
    """The form names are compared in: lower case, letters and digits only (a BOM or `_` drops out)."""
    return re.sub(r"[^a-z0-9]", "", name.lower())


_BY_KEY = {key(name): name for name in FIELDS} | {key(other): name for name, others in SYNONYMS.items() for other in others}


def field_of(column: str) -> str | None:
    """The field a file's column (or JSON key) names, or None."""
    return _BY_KEY.get(key(column))


@dataclass
class Sourced:
    """One evidence item as read, with where it came from."""

    item: EvidenceInput
    origin: Origin
    link_origins: list[Origin] = field(default_factory=list)  # the row each of item.links came from


@dataclass(frozen=True)
class RawRow:
    """One row of a table file: its line (or sheet row), and each field's text."""

    line: int
    values: Mapping[str, str]


def header_fields(columns: Sequence[str], label: Mapping[str, str]) -> tuple[dict[str, str], list[str]]:
    """The field of each column (file's name -> field), and the faults of the header: unknown
    columns, two columns for one field, required columns missing. `label` gives each column's
    name for messages (a sheet's `D (Asserted By)`)."""
    fields: dict[str, str] = {}
    faults: list[str] = []
    seen: dict[str, str] = {}
    for column in columns:
        if not column.strip():
            continue
        name = field_of(column)
        if name is None:
            faults.append(f"{label[column]}: unknown column; known: {', '.join(FIELDS)} (or a synonym: docs/coverage.md)")
        elif name in seen:
            faults.append(f"{label[column]}: a second column for {name} (the first is {label[seen[name]]})")
        else:
            seen[name] = column
            fields[column] = name
    faults += [f"{name}: required column is missing" for name in REQUIRED_COLUMNS if name not in seen]
    return fields, faults


def items_of(
    rows: Iterable[RawRow], file: str, columns: Mapping[str, str], *, sheet: str | None = None, framework: str | None = None
) -> tuple[list[Sourced], list[Problem]]:
    """Evidence items from a table's rows (`columns`: field -> the file's name for it); consecutive
    rows with one id are one item, one link group per row."""
    items: list[Sourced] = []
    problems: list[Problem] = []
    origin_columns = (*columns.items(), ("requirement", columns.get("requirements", "requirements")))
    for row in rows:
        origin = Origin(file, row.line, sheet, origin_columns)
        values = row.values if "id" in columns else {**row.values, "id": id_of_title(row.values.get("title") or "")}
        links = _links(values, origin, framework, problems)
        previous = items[-1] if items else None
        if previous is not None and values.get("id") and values.get("id") == previous.item.id:
            _merge(previous, values, origin, problems)
            previous.item.links.extend(links)
            previous.link_origins.extend([origin] * len(links))
            continue
        items.append(Sourced(item_of(values, links, origin, problems), origin, [origin] * len(links)))
    return items, problems


def _links(values: Mapping[str, str], origin: Origin, framework: str | None, problems: list[Problem]) -> list[EvidenceLinkInput]:
    at = datetime_of(values.get("asserted_at", ""), origin, problems)
    return [
        EvidenceLinkInput(
            requirement=text.strip(),
            extent=values.get("extent") or "full",
            asserted_by=values.get("asserted_by") or values.get("owner") or "",
            asserted_at=at,
            system=values.get("system") or None,
            framework=values.get("framework") or framework,
        )
        for text in SEPARATORS.split(values.get("requirements") or "")
        if text.strip()
    ]


def _merge(first: Sourced, values: Mapping[str, str], origin: Origin, problems: list[Problem]) -> None:
    """A further row of one item: each item cell empty or as the first row has it."""
    stored = _fields(first.item)
    for name in ITEM_FIELDS[1:]:
        given = (values.get(name) or "").strip()
        if given and given != stored[name]:
            problems.append(origin.problem(f"{given[:60]!r} differs from line {first.origin.line} of item {first.item.id!r}", name))


def _fields(item: EvidenceInput) -> dict[str, str]:
    return {
        "title": item.title,
        "kind": item.kind,
        "description": item.description or "",
        "owner": item.owner or "",
        "location": item.location or "",
        "sha256": item.sha256 or "",
        "collected_on": item.collected_on.isoformat() if item.collected_on else "",
        "valid_until": item.valid_until.isoformat() if item.valid_until else "",
    }


def _date(value: str, name: str, origin: Origin, problems: list[Problem]) -> dt.date | None:
    if not value:
        return None
    try:
        return parse_date(value)
    except ValueError as error:
        problems.append(origin.problem(str(error), name))
        return None


def datetime_of(value: str, origin: Origin, problems: list[Problem], link: int | None = None) -> dt.datetime | None:
    if not value:
        return None
    try:
        found = dt.datetime.fromisoformat(value)
    except ValueError:
        problems.append(origin.problem(f"{value[:40]!r} is not a date and time such as 2026-01-15T09:30:00+00:00", "asserted_at", link))
        return None
    return found if found.tzinfo else found.replace(tzinfo=dt.UTC)


def id_of_title(title: str) -> str:
    """The id an item without one is given: its title in lower case, words joined by `-`
    (`Risk assessment procedure` -> `risk-assessment-procedure`), at most 128 characters."""
    return re.sub(r"[^a-z0-9]+", "-", title.lower()).strip("-")[:128].rstrip("-")


def item_of(values: Mapping[str, str], links: list[EvidenceLinkInput], origin: Origin, problems: list[Problem]) -> EvidenceInput:
    for name in REQUIRED:
        if not (values.get(name) or "").strip() and not (name == "id" and not (values.get("title") or "").strip()):
            problems.append(origin.problem("is required", name))
    return EvidenceInput(
        id=(values.get("id") or "").strip(),
        title=(values.get("title") or "").strip(),
        kind=(values.get("kind") or "").strip(),
        description=values.get("description") or None,
        owner=values.get("owner") or None,
        location=values.get("location") or None,
        sha256=values.get("sha256") or None,
        collected_on=_date(values.get("collected_on") or "", "collected_on", origin, problems),
        valid_until=_date(values.get("valid_until") or "", "valid_until", origin, problems),
        links=links,
    )


def problem_order(problem: Problem) -> tuple[int, int]:
    """Problems by line (or row), then by column in the order files list them."""
    label = str(problem.path).split(" (", 1)[-1].rstrip(")")
    found = field_of(label)
    return (problem.line or 0, FIELDS.index(found) if found else len(FIELDS))


def write_field(name: str) -> str:
    """The file field of a field the write side names (`assertedBy` -> `asserted_by`)."""
    return _WRITE_FIELDS.get(name, name)
