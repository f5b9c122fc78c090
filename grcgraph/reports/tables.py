"""Report tables for people: columns named for people, values as words, ids as users type them.

One table type serves every output: the command line prints it, writes it as CSV, and the
workbook and the printable Statement of Applicability are laid out from it, so the three always
agree. Values are kept typed (dates as dates, shares as fractions, booleans) until an output
writes them: a CSV cell says `yes`, `2027-01-31`, `12.5%`; a workbook cell holds the date or the
number with its format.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from enum import StrEnum

from grcgraph.reports.words import yes_no

Value = str | int | float | bool | dt.date | None


class Kind(StrEnum):
    """How a column's values are written and formatted."""

    plain = "plain"  # short text, one line
    wrap = "wrap"  # long text, wrapped in workbooks and documents
    status = "status"  # a coverage status: coloured in workbooks
    yesno = "yesno"  # a boolean, written yes or no
    number = "number"  # a whole number
    percent = "percent"  # a fraction of 1, written as a percentage
    date = "date"


@dataclass(frozen=True)
class Column:
    header: str
    width: float  # in characters, for workbooks and documents
    kind: Kind = Kind.plain
    laid_out: bool = True  # False: in CSV and on screen only (a sheet or document says it once, as its title)


@dataclass
class ReportTable:
    """One sheet of a report: a name (the sheet's), a title (the printed page's header), columns and rows."""

    name: str
    title: str
    columns: list[Column]
    rows: Sequence[tuple[Value, ...]] = field(default_factory=list)

    def __post_init__(self) -> None:
        for row in self.rows:
            assert len(row) == len(self.columns), (self.name, row)

    @property
    def headers(self) -> list[str]:
        return [column.header for column in self.columns]

    def text_rows(self) -> Iterator[list[str]]:
        """Every row as the strings a person reads (yes/no, ISO dates, 12.5%)."""
        for row in self.rows:
            yield [text(value, column.kind) for value, column in zip(row, self.columns, strict=True)]

    def csv(self) -> str:
        """The table as CSV (RFC 4180, a header row, then one line per row)."""
        buffer = io.StringIO()
        writer = csv.writer(buffer, lineterminator="\r\n")
        writer.writerow(self.headers)
        writer.writerows(self.text_rows())
        return buffer.getvalue()

    def select(self, headers: Sequence[str]) -> ReportTable:
        """The same rows with only the columns named, in that order."""
        indexes = [self.headers.index(header) for header in headers]
        rows = [tuple(row[i] for i in indexes) for row in self.rows]
        return ReportTable(self.name, self.title, [self.columns[i] for i in indexes], rows)

    def column(self, header: str) -> list[Value]:
        index = self.headers.index(header)
        return [row[index] for row in self.rows]


def text(value: Value, kind: Kind = Kind.plain) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return yes_no(value)
    if kind is Kind.percent and isinstance(value, int | float):
        return f"{100 * value:.1f}%"
    if isinstance(value, dt.date):
        return value.isoformat()
    return str(value)


def joined(values: Sequence[str]) -> str:
    """Several values in one cell, for reading: separated by commas."""
    return ", ".join(values)
