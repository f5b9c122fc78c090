"""Evidence files (CSV or JSON) for `grcgraph evidence import`, read into evidence records: every
fault is reported with line (or JSON item) and field. Reading only: the Python API
(`GRCGraph.import_evidence`) stores what these return, all of it or none."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path
from typing import Any

from grcgraph.dates import parse_date
from grcgraph.errors import DataError
from grcgraph.loaders.table import read_table
from grcgraph.loaders.text import read_text
from grcgraph.model import EvidenceInput, EvidenceLinkInput, Problem

CSV_COLUMNS = (
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
    "system",
)
REQUIRED = ("id", "title", "kind")
MAX_CELL = 10_000  # as the GraphQL API takes


def _date(value: str, name: str, line: int, field: str, problems: list[Problem]) -> dt.date | None:
    if not value:
        return None
    try:
        return parse_date(value)
    except ValueError as error:
        problems.append(Problem.in_file(name, line, field, str(error)))
        return None


def _item(values: dict[str, Any], links: list[EvidenceLinkInput], name: str, line: int, problems: list[Problem]) -> EvidenceInput:
    for field in REQUIRED:
        if not str(values.get(field) or "").strip():
            problems.append(Problem.in_file(name, line, field, "is required"))
    return EvidenceInput(
        id=str(values.get("id") or "").strip(),
        title=str(values.get("title") or "").strip(),
        kind=str(values.get("kind") or "").strip(),
        description=str(values.get("description") or "") or None,
        owner=str(values.get("owner") or "") or None,
        location=str(values.get("location") or "") or None,
        sha256=str(values.get("sha256") or "") or None,
        collected_on=_date(str(values.get("collected_on") or ""), name, line, "collected_on", problems),
        valid_until=_date(str(values.get("valid_until") or ""), name, line, "valid_until", problems),
        links=links,
    )


def read_csv(text: str, name: str) -> list[tuple[int, EvidenceInput]]:
    table = read_table(text, name, known=CSV_COLUMNS, required=REQUIRED, max_cell=MAX_CELL)
    problems = list(table.problems)
    items: list[tuple[int, EvidenceInput]] = []
    for row in table:
        line, values = row.line, row.values
        links = [
            EvidenceLinkInput(
                requirement=req.strip(),
                extent=values.get("extent") or "full",
                asserted_by=values.get("asserted_by") or "",
                system=values.get("system") or None,
            )
            for req in (values.get("requirements") or "").split("|")
            if req.strip()
        ]
        items.append((line, _item(values, links, name, line, problems)))
    if problems:
        raise DataError(problems)
    return items


def read_json(text: str, name: str) -> list[tuple[int, EvidenceInput]]:
    try:
        data = json.loads(text)
    except json.JSONDecodeError as error:
        raise DataError([Problem.in_file(name, error.lineno, f"column {error.colno}", f"not JSON: {error.msg}")]) from None
    except (ValueError, RecursionError) as error:  # a number of over 4,300 digits, or nesting deeper than Python's stack
        raise DataError(
            [Problem.in_file(name, 1, "json", f"not JSON this reader takes: {str(error)[:200] or 'nested too deeply'}")]
        ) from None
    if isinstance(data, dict):
        data = data.get("evidence", data)
    if not isinstance(data, list):
        raise DataError([Problem.in_file(name, 1, "json", 'expected a list of evidence objects (or {"evidence": [...]})')])
    problems: list[Problem] = []
    items: list[tuple[int, EvidenceInput]] = []
    for index, entry in enumerate(data, start=1):
        if not isinstance(entry, dict):
            problems.append(Problem.in_file(name, index, "item", "each evidence item must be an object"))
            continue
        unknown = set(entry) - set(CSV_COLUMNS) - {"links"}
        for field in sorted(unknown):
            problems.append(Problem.in_file(name, index, field, "unknown field"))
        links: list[EvidenceLinkInput] = []
        given = entry.get("links") or []
        if not isinstance(given, list):
            problems.append(Problem.in_file(name, index, "links", "must be a list of link objects"))
            given = []
        for link in given:
            if not isinstance(link, dict) or not link.get("requirement"):
                problems.append(Problem.in_file(name, index, "links", "each link is an object with a requirement"))
                continue
            links.append(
                EvidenceLinkInput(
                    requirement=str(link["requirement"]),
                    extent=str(link.get("extent") or "full"),
                    asserted_by=str(link.get("asserted_by") or ""),
                    system=None if link.get("system") is None else str(link["system"]),
                )
            )
        items.append((index, _item(entry, links, name, index, problems)))
    if problems:
        raise DataError(problems)
    return items


def read_evidence_file(path: Path) -> list[tuple[int, EvidenceInput]]:
    """(line or item number, evidence) pairs from a CSV or JSON file."""
    text = read_text(path)
    if path.suffix.lower() == ".json":
        return read_json(text, str(path))
    return read_csv(text, str(path))
