"""The one table type every delimited data file is read into: catalogs, application rules,
obligations, SSSOM mapping sets (after their `#` header) and evidence CSV files.

A table knows each row's line in the file, so every fault a loader finds can name file, line and
column. Column faults (unknown, missing, not in the order a format fixes) are reported together,
before any row is read; a row with more or fewer cells than the header is a fault of that row.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from typing import Any

from grcgraph.errors import DataError
from grcgraph.model import FieldPath, Problem


@dataclass(frozen=True)
class Row:
    line: int
    values: dict[str, str]  # every known column, stripped ("" when the cell is empty or absent)
    # For a record read from JSON (an OSCAL document): where each column's value sits ("" for the record)
    paths: dict[str, FieldPath] = field(default_factory=dict)


def problem_at(name: str, row: Row, column: str, message: str) -> Problem:
    """A fault of one row's column: at its line in a delimited file, at its JSON path in a JSON one."""
    if row.paths:
        return Problem(message, row.paths.get(column, row.paths.get("", FieldPath())), name, None)
    return Problem.in_file(name, row.line, column, message)


@dataclass
class Table:
    name: str
    columns: list[str]  # as the header gives them
    header_line: int
    rows: list[Row] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)  # rows with the wrong number of cells
    metadata: dict[str, Any] = field(default_factory=dict)

    def __iter__(self) -> Iterator[Row]:
        return iter(self.rows)


# Cells are read up to FIELD_LIMIT characters (csv's own limit, 128 KiB, ends the read with an error
# that names no column) and refused past `max_cell`, naming line and column.
FIELD_LIMIT = 1 << 24
MAX_CELL = 100_000


def read_table(
    text: str,
    name: str,
    *,
    known: Sequence[str],
    required: Sequence[str] = (),
    exact: bool = False,
    delimiter: str = ",",
    first_line: int = 1,
    unknown: str | None = None,
    short_rows: bool = True,
    max_cell: int = MAX_CELL,
) -> Table:
    """The rows of `text` (a delimited table whose header is on `first_line` of the file `name`).
    `known`: the columns the format has (`exact`: all of them, in that order); `required`: the ones
    a file must have; `unknown`: the message for a column not known (default: the known ones);
    `short_rows`: whether a row may leave its last cells out (CSV allows it, SSSOM TSV does not);
    `max_cell`: the longest cell taken. A malformed file is a DataError naming its line."""
    if csv.field_size_limit() < FIELD_LIMIT:
        csv.field_size_limit(FIELD_LIMIT)
    if delimiter == "\t":  # SSSOM TSV has no quoting
        reader = csv.DictReader(io.StringIO(text), delimiter=delimiter, quoting=csv.QUOTE_NONE)
    else:
        reader = csv.DictReader(io.StringIO(text), delimiter=delimiter)
    try:
        columns = list(reader.fieldnames or [])
    except csv.Error as error:
        raise DataError([Problem.in_file(name, first_line, "header", f"not a readable {_kind(delimiter)} header: {error}")]) from None
    if exact and columns != list(known):
        raise DataError([Problem.in_file(name, first_line, "header", f"columns must be exactly: {','.join(known)}")])
    faults = [
        Problem.in_file(name, first_line, column, unknown or f"unknown column; known columns: {', '.join(known)}")
        for column in columns
        if column not in known
    ]
    faults += [Problem.in_file(name, first_line, column, "required column is missing") for column in required if column not in columns]
    if faults:
        raise DataError(faults)
    table = Table(name=name, columns=columns, header_line=first_line)
    records = iter(reader)
    while True:
        start = first_line + reader.line_num  # the line the next row starts on (a quoted cell may span lines)
        try:
            record = next(records)
        except StopIteration:
            break
        except csv.Error as error:  # a cell over FIELD_LIMIT, or a quote the dialect cannot read
            raise DataError([Problem.in_file(name, start, "row", f"not a readable {_kind(delimiter)} row: {error}")]) from None
        line = first_line + reader.line_num - 1
        if None in record or (not short_rows and any(value is None for value in record.values())):
            table.problems.append(Problem.in_file(name, line, "row", f"the row does not have the {len(columns)} cells of the header"))
            continue
        long = [column for column, value in record.items() if isinstance(value, str) and len(value) > max_cell]
        if long:
            for column in long:
                message = f"is {len(record[column])} characters long; at most {max_cell} are taken (an unclosed quote?)"
                table.problems.append(Problem.in_file(name, start, column, message))
            continue
        table.rows.append(Row(line, {column: (record.get(column) or "").strip() for column in known}))
    return table


def _kind(delimiter: str) -> str:
    return "TSV" if delimiter == "\t" else "CSV"
