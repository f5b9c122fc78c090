"""Evidence files (CSV, JSON or XLSX) for `grcgraph evidence import`, read into evidence records,
each with its `Origin` (file, line or sheet row, and the file's own name for each column), so that
every problem, found here or when the batch is checked for writing, names the file's own place.
Reading only: the Python API (`GRCGraph.import_evidence`) stores what these return, all or none.

Columns (and JSON keys) are matched case-insensitively, ignoring spaces, `_` and `-`, and by the
synonyms in `SYNONYMS` (`Evidence ID`, `Type`, `Controls`, `Expiry date`...). Consecutive rows
with the same id are one item (one row per linked requirement, as many registers keep them):
their other cells must be empty or the same. A `framework` column, or the `--framework` option,
names where bare ids (`6.1.2`, `A.5.2`) are looked up first.
"""

from __future__ import annotations

import csv
import io
import json
import re
from pathlib import Path

from grcgraph.errors import DataError
from grcgraph.loaders.evidence_rows import (
    CSV_COLUMNS,
    FIELDS,
    LINK_FIELDS,
    REQUIRED,
    SYNONYMS,
    RawRow,
    Sourced,
    datetime_of,
    field_of,
    header_fields,
    id_of_title,
    item_of,
    items_of,
    key,
    problem_order,
    write_field,
)
from grcgraph.loaders.table import FIELD_LIMIT, read_table
from grcgraph.loaders.text import read_text
from grcgraph.model import EvidenceInput, EvidenceLinkInput, Origin, Problem

__all__ = [
    "CSV_COLUMNS",
    "FIELDS",
    "REQUIRED",
    "SYNONYMS",
    "Sourced",
    "problem_order",
    "read_evidence",
    "read_evidence_file",
    "write_field",
]


MAX_CELL = 10_000  # characters in one CSV cell, as the GraphQL API takes in one string


# --- CSV ---------------------------------------------------------------------------------------
def read_csv(text: str, name: str, *, framework: str | None = None) -> tuple[list[Sourced], list[Problem]]:
    if csv.field_size_limit() < FIELD_LIMIT:
        csv.field_size_limit(FIELD_LIMIT)
    reader = csv.reader(io.StringIO(text))
    try:
        header = next(reader, [])
    except csv.Error as error:
        raise DataError([Problem.in_file(name, 1, "header", f"not a readable CSV header: {error}")]) from None
    header_lines = max(reader.line_num, 1)
    fields, faults = header_fields(header, {column: column for column in header})
    if faults:
        raise DataError([Problem.in_file(name, header_lines, *fault.split(": ", 1)) for fault in faults])
    # The one table type reads the rows, under each column's field name.
    renamed = io.StringIO()
    csv.writer(renamed, lineterminator="\n").writerow([fields.get(column, f"unused-{i}") for i, column in enumerate(header)])
    rest = "".join(text.splitlines(keepends=True)[header_lines:])
    known = [*FIELDS, *(f"unused-{i}" for i, column in enumerate(header) if column not in fields)]
    table = read_table(renamed.getvalue() + rest, name, known=known, first_line=header_lines, max_cell=MAX_CELL)
    columns = {value: column for column, value in fields.items()}
    rows = (RawRow(row.line, row.values) for row in table)
    items, problems = items_of(rows, name, columns, framework=framework)
    return items, [*table.problems, *problems]


# --- JSON --------------------------------------------------------------------------------------
def read_json(text: str, name: str, *, framework: str | None = None) -> tuple[list[Sourced], list[Problem]]:
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
    lines = _item_lines(text, len(data))
    problems: list[Problem] = []
    items: list[Sourced] = []
    for index, entry in enumerate(data):
        line = lines[index]
        if not isinstance(entry, dict):
            problems.append(Problem.in_file(name, line, f"item {index + 1}", "each evidence item must be an object"))
            continue
        values, labels, links_key = _json_values(entry, name, line, problems)
        if "id" not in labels:
            values["id"] = id_of_title(values.get("title", ""))
        origin = Origin(name, line, None, tuple(labels.items()), links_key or "links")
        links = _json_links(entry.get(links_key) if links_key else None, origin, framework, problems, values.get("owner", ""))
        items.append(Sourced(item_of(values, links, origin, problems), origin, [origin] * len(links)))
    return items, problems


def _json_values(
    entry: dict[str, object], name: str, line: int, problems: list[Problem]
) -> tuple[dict[str, str], dict[str, str], str | None]:
    values: dict[str, str] = {}
    labels: dict[str, str] = {}
    links_key = None
    for raw_key, value in entry.items():
        if key(raw_key) == "links":
            links_key = raw_key
            continue
        found = field_of(raw_key)
        if found is None or found in LINK_FIELDS or found == "requirements":
            problems.append(Problem.in_file(name, line, raw_key, "unknown field" + (" here: it belongs in each link" if found else "")))
            continue
        labels[found] = raw_key
        if value is not None:
            values[found] = str(value).strip()
    return values, labels, links_key


def _json_links(raw: object, origin: Origin, framework: str | None, problems: list[Problem], owner: str = "") -> list[EvidenceLinkInput]:
    links: list[EvidenceLinkInput] = []
    if raw is None:
        return links
    if not isinstance(raw, list):
        problems.append(origin.problem("must be a list of link objects", "links"))
        return links
    for index, link in enumerate(raw):
        values = {field_of(k) or k: str(v).strip() for k, v in link.items() if v is not None} if isinstance(link, dict) else {}
        text = values.get("requirements", "")
        if not text:
            problems.append(
                Problem.in_file(origin.file, origin.line, f"{origin.links}[{index}]", "each link is an object with a requirement")
            )
            continue
        links.append(
            EvidenceLinkInput(
                requirement=text,
                extent=values.get("extent") or "full",
                asserted_by=values.get("asserted_by") or owner,
                asserted_at=datetime_of(values.get("asserted_at", ""), origin, problems, index),
                system=values.get("system") or None,
                framework=values.get("framework") or framework,
            )
        )
    return links


def _item_lines(text: str, count: int) -> list[int]:
    """The line each top-level item of the evidence list starts on (1 for each, if not found)."""
    decoder = json.JSONDecoder()
    start = re.search(r'"evidence"\s*:\s*\[', text) if text.lstrip().startswith("{") else re.search(r"\[", text)
    lines: list[int] = []
    position = start.end() if start else len(text)
    line, counted = 1, 0  # the line of `counted`: counted on from the last item, not from the start (quadratic)
    while len(lines) < count and position < len(text):
        while position < len(text) and text[position] in " \t\r\n,":
            position += 1
        try:
            _value, end = decoder.raw_decode(text, position)
        except json.JSONDecodeError:
            break
        line += text.count("\n", counted, position)
        counted = position
        lines.append(line)
        position = end
    return lines + [1] * (count - len(lines))


# --- any evidence file -------------------------------------------------------------------------
def read_evidence(path: Path, *, framework: str | None = None) -> tuple[list[Sourced], list[Problem]]:
    """The items of a CSV, JSON or XLSX evidence file and the problems of its rows (sorted by line);
    DataError when the file cannot be read as a table at all (its header, its JSON, its sheet)."""
    suffix = path.suffix.lower()
    if suffix == ".xlsx":
        from grcgraph.loaders.evidence_xlsx import read_xlsx  # noqa: PLC0415 (openpyxl: only for a workbook)

        items, problems = read_xlsx(path, framework=framework)
    else:
        text = read_text(path)  # UTF-8 (Excel's byte-order mark dropped), or DataError at the first byte that is not
        reader = read_json if suffix == ".json" else read_csv
        items, problems = reader(text, str(path), framework=framework)
    return items, sorted(problems, key=problem_order)


def read_evidence_file(path: Path, *, framework: str | None = None) -> list[tuple[int, EvidenceInput]]:
    """(line or row, evidence) pairs from a CSV, JSON or XLSX file; DataError with every problem."""
    items, problems = read_evidence(path, framework=framework)
    if problems:
        raise DataError(problems)
    return [(entry.origin.line, entry.item) for entry in items]
