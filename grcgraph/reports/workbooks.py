"""Formatted XLSX workbooks (openpyxl): a cover sheet saying what the report is for, then one
sheet per report table, each with a styled header, column widths, a frozen header row, an
autofilter, typed cells (dates, percentages), status colours, and a print layout one page wide
with the header row repeated on every page."""

from __future__ import annotations

import io
from collections.abc import Sequence

from openpyxl import Workbook
from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.properties import PageSetupProperties
from openpyxl.worksheet.worksheet import Worksheet

from grcgraph.reports.cover import Cover
from grcgraph.reports.tables import Column, Kind, ReportTable, Value
from grcgraph.reports.words import IMPLEMENTATION, yes_no

HEADER_FILL = "1F3864"  # dark blue, white bold text
# Status colours (fill, text), as spreadsheets show good, neutral and bad; the same for an SoA's implementation status.
STATUS_COLOURS = {
    "covered": ("C6EFCE", "006100"),
    "partial": ("FFEB9C", "7F6000"),
    "related": ("DDEBF7", "1F4E79"),
    "stale": ("F8CBAD", "843C0C"),
    "uncovered": ("FFC7CE", "9C0006"),
    "not applicable": ("EDEDED", "595959"),
}
STATUS_COLOURS |= {words: STATUS_COLOURS[status] for status, words in IMPLEMENTATION.items()}
FONT = "Calibri"
SIZE = 10
LINE_HEIGHT = 13.5  # points per line of 10-point text
DATE_FORMAT = "yyyy-mm-dd"
PERCENT_FORMAT = "0.0%"
THIN = Side(style="thin", color="BFBFBF")


def workbook(cover: Cover, tables: Sequence[ReportTable]) -> bytes:
    """The cover sheet, then one formatted sheet per table."""
    book = Workbook()
    first = book.active
    assert isinstance(first, Worksheet)
    _cover_sheet(first, cover, tables)
    for table in tables:
        _table_sheet(book.create_sheet(table.name[:31]), table, cover)
    book.properties.title = cover.title
    book.properties.creator = f"grcgraph {cover.version}"
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def font(*, bold: bool = False, size: float = SIZE, color: str | None = None) -> Font:
    return Font(name=FONT, size=size, bold=bold, color=color)


def lines(text: str, width: float) -> int:
    """How many lines `text` takes wrapped in a column `width` units wide (a unit is the width of
    a digit at 11 points: about 1.15 characters of 10-point text, less a margin)."""
    usable = max(width * 1.15 - 2, 4)
    return sum(max(1, -(-len(part) // int(usable))) for part in text.split("\n"))


def _cover_sheet(sheet: Worksheet, cover: Cover, tables: Sequence[ReportTable]) -> None:
    sheet.title = "Cover"
    sheet.column_dimensions["A"].width = 22
    sheet.column_dimensions["B"].width = 100
    sheet["A1"] = cover.title
    sheet["A1"].font = font(bold=True, size=16, color=HEADER_FILL)
    row = 3
    for label, value in cover.lines():
        _cover_line(sheet, row, label, value)
        row += 1
    row += 1
    sheet.cell(row, 1, "Statuses").font = font(bold=True)
    row += 1
    for status, meaning in cover.statuses.items():
        _cover_line(sheet, row, status, meaning, bold=False)
        _status_cell(sheet.cell(row, 1))
        row += 1
    row += 1
    sheet.cell(row, 1, "Sheets").font = font(bold=True)
    for table in tables:
        row += 1
        _cover_line(sheet, row, table.name[:31], f"{table.title} ({len(table.rows)} rows)", bold=False)
    _print_layout(sheet, cover.title, cover, landscape=False)


def _cover_line(sheet: Worksheet, row: int, label: str, value: str, *, bold: bool = True) -> None:
    first = sheet.cell(row, 1, label)
    first.font = font(bold=bold)
    first.alignment = Alignment(vertical="top")
    second = sheet.cell(row, 2, value)
    second.font = font()
    second.alignment = Alignment(wrap_text=True, vertical="top")
    sheet.row_dimensions[row].height = LINE_HEIGHT * lines(value, 100) + 2


def _table_sheet(sheet: Worksheet, table: ReportTable, cover: Cover) -> None:
    shown = [(index, column) for index, column in enumerate(table.columns) if column.laid_out]
    for number, (_index, column) in enumerate(shown, start=1):
        cell = sheet.cell(1, number, column.header)
        cell.font = font(bold=True, color="FFFFFF")
        cell.fill = PatternFill("solid", start_color=HEADER_FILL, end_color=HEADER_FILL)
        cell.alignment = Alignment(wrap_text=True, vertical="center")
        cell.border = Border(bottom=THIN, right=THIN)
        sheet.column_dimensions[get_column_letter(number)].width = column.width + 2
    # Rows are as tall as their wrapped text: spreadsheets do not measure rows a file gives no height.
    sheet.row_dimensions[1].height = LINE_HEIGHT * max(lines(c.header, c.width + 1) for _, c in shown) + 4
    for row_number, row in enumerate(table.rows, start=2):
        tallest = 1
        for number, (index, column) in enumerate(shown, start=1):
            _value_cell(sheet, row_number, number, row[index], column)
            if column.kind in (Kind.wrap, Kind.status) and isinstance(row[index], str):
                tallest = max(tallest, lines(str(row[index]), column.width + 1))
        sheet.row_dimensions[row_number].height = LINE_HEIGHT * tallest + 2
    last = f"{get_column_letter(len(shown))}{max(1, len(table.rows) + 1)}"
    sheet.freeze_panes = "B2"  # the header row and the first column (the requirement or control) stay in view
    sheet.auto_filter.ref = f"A1:{last}"
    _print_layout(sheet, table.title, cover, landscape=True)


def _value_cell(sheet: Worksheet, row: int, number: int, value: Value, column: Column) -> None:
    if isinstance(value, bool):
        value = yes_no(value)
    cell = sheet.cell(row, number, value)
    cell.font = font()
    cell.alignment = Alignment(wrap_text=column.kind in (Kind.wrap, Kind.status), vertical="top")
    cell.border = Border(bottom=THIN)
    if column.kind is Kind.percent:
        cell.number_format = PERCENT_FORMAT
    elif column.kind is Kind.date:
        cell.number_format = DATE_FORMAT
    elif column.kind is Kind.status:
        _status_cell(cell)


def _status_cell(cell: object) -> None:
    colours = STATUS_COLOURS.get(str(getattr(cell, "value", "")))
    if colours is not None:
        fill, text = colours
        cell.fill = PatternFill("solid", start_color=fill, end_color=fill)  # type: ignore[attr-defined]
        cell.font = font(bold=bool(getattr(cell.font, "bold", False)), color=text)  # type: ignore[attr-defined]


def _print_layout(sheet: Worksheet, title: str, cover: Cover, *, landscape: bool) -> None:
    """A4, one page wide (as many pages long as it takes), the header row on every page, and the
    report's title, workspace and date in the page's header and footer."""
    setup = sheet.page_setup
    setup.orientation = "landscape" if landscape else "portrait"
    setup.paperSize = sheet.PAPERSIZE_A4
    setup.fitToWidth = 1
    setup.fitToHeight = 0
    sheet.sheet_properties.pageSetUpPr = PageSetupProperties(fitToPage=True)
    sheet.print_options.gridLines = False
    sheet.page_margins.left = sheet.page_margins.right = 0.4
    sheet.page_margins.top = sheet.page_margins.bottom = 0.75
    sheet.page_margins.header = sheet.page_margins.footer = 0.3
    if landscape:
        sheet.print_title_rows = "1:1"
    header, footer = sheet.oddHeader, sheet.oddFooter
    assert header is not None and footer is not None
    header.center.text = title.replace("&", "&&")
    footer.left.text = f"workspace {cover.workspace}, for {cover.on.isoformat()}".replace("&", "&&")
    footer.right.text = "page &P of &N"
