"""Evidence workbooks (XLSX, read with openpyxl): the sheet named `Evidence`, or a workbook's only
sheet; the header on its first row, as in a CSV file. Every problem names the sheet, the row and
the column (its letter and header: `D (Asserted By)`).

Refused, cell by cell, because each would be read wrong silently: merged cells (only their first
cell holds the value), formulas (the file may hold no value for them, or a stale one), a number
where a date belongs (an Excel serial number such as 45678: format the cell as a date or write
YYYY-MM-DD), and a cell over Excel's own limit of 32,767 characters.
"""

from __future__ import annotations

import datetime as dt
import zipfile
from pathlib import Path

from openpyxl import load_workbook
from openpyxl.cell.cell import Cell, MergedCell
from openpyxl.utils import get_column_letter
from openpyxl.utils.exceptions import InvalidFileException
from openpyxl.worksheet.worksheet import Worksheet

from grcgraph.errors import DataError
from grcgraph.loaders.evidence_rows import DATES, RawRow, Sourced, header_fields, items_of
from grcgraph.model import FieldPath, Problem

SHEET = "Evidence"
MAX_CELL = 32_767  # characters: Excel's limit for one cell


def read_xlsx(path: Path, *, framework: str | None = None) -> tuple[list[Sourced], list[Problem]]:
    name = str(path)
    try:
        book = load_workbook(path, data_only=False)
    except (InvalidFileException, zipfile.BadZipFile, KeyError, ValueError, OSError) as error:
        raise DataError.in_file(name, f"not an XLSX workbook ({str(error)[:120]})") from None
    except Exception as error:  # a damaged part: openpyxl passes on zlib's, the XML parser's and its own errors as they come
        raise DataError.in_file(name, f"not an XLSX workbook: a damaged part ({type(error).__name__}: {str(error)[:120]})") from None
    sheet = _sheet([s for s in book.worksheets if isinstance(s, Worksheet)], name)
    problems: list[Problem] = []

    def fault(row: int, column: int, header: str, message: str) -> None:
        label = f"{get_column_letter(column)} ({header})" if header else get_column_letter(column)
        problems.append(Problem(message, FieldPath(label), name, row, sheet.title))

    for merged in sheet.merged_cells.ranges:
        fault(merged.min_row, merged.min_col, "", f"merged cells {merged.coord}: unmerge them, and give each row its own value")
    rows = list(sheet.iter_rows())
    if not rows:
        raise DataError([Problem("the sheet is empty: its first row names the columns", file=name, line=1, sheet=sheet.title)])
    header = [_text(cell) if not isinstance(cell, MergedCell) else "" for cell in rows[0]]
    labels = {h: f"{get_column_letter(i + 1)} ({h})" for i, h in enumerate(header) if h}
    fields, faults = header_fields([h for h in header if h], labels)
    if faults:
        raise DataError([Problem(message, FieldPath(where), name, 1, sheet.title) for where, message in (f.split(": ", 1) for f in faults)])
    read: list[RawRow] = []
    for cells in rows[1:]:
        values: dict[str, str] = {}
        for cell in cells:
            if isinstance(cell, MergedCell) or cell.value is None or cell.column > len(header):
                continue
            column = header[cell.column - 1]
            target = fields.get(column)
            if target is None:
                continue
            text, message = _value(cell, target)
            if message is not None:
                fault(cell.row, cell.column, column, message)
            elif text:
                values[target] = text
        if values:
            read.append(RawRow(cells[0].row or 0, values))
    columns = {target: labels[column] for column, target in fields.items()}
    items, found = items_of(read, name, columns, sheet=sheet.title, framework=framework)
    return items, [*problems, *found]


def _sheet(sheets: list[Worksheet], name: str) -> Worksheet:
    for sheet in sheets:
        if sheet.title.strip().lower() == SHEET.lower():
            return sheet
    if len(sheets) == 1:
        return sheets[0]
    titles = ", ".join(repr(s.title) for s in sheets)
    raise DataError.in_file(name, f"no sheet named {SHEET!r} among the sheets {titles}: name the evidence sheet {SHEET!r}")


def _text(cell: Cell) -> str:
    value = cell.value
    return "" if value is None else str(value).strip()


def _value(cell: Cell, field: str) -> tuple[str, str | None]:
    """The text a cell gives a field, or why it is refused."""
    value = cell.value
    if cell.data_type == "f" or (isinstance(value, str) and value.startswith("=")):
        return "", f"a formula ({str(value)[:40]}): paste its value instead"
    if isinstance(value, str) and len(value) > MAX_CELL:
        return "", f"{len(value):,} characters, over the {MAX_CELL:,} a cell holds"
    if field in DATES or field == "asserted_at":
        if isinstance(value, dt.datetime):
            if field in DATES and value.time() != dt.time(0):
                return "", f"{value.isoformat()} has a time of day: a date alone is wanted"
            return (value.date().isoformat() if field in DATES else value.isoformat()), None
        if isinstance(value, dt.date):
            return value.isoformat(), None
        if isinstance(value, int | float) and not isinstance(value, bool):
            return "", f"the number {value} is not a date (an Excel serial number?): format the cell as a date, or write YYYY-MM-DD"
    if isinstance(value, bool):
        return ("yes" if value else "no"), None
    if isinstance(value, float) and value.is_integer():
        return str(int(value)), None
    if isinstance(value, dt.datetime | dt.date | dt.time):
        return "", f"a date or time ({value}) where text is wanted"
    return str(value).strip(), None
