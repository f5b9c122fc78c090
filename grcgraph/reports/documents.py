"""The printable Statement of Applicability: a DOCX document (python-docx), A4 landscape, with what
it is for, then a table per framework (ISO/IEC 42001 first) whose header row repeats on every
page and whose implementation status is shaded as in the workbook. Word, LibreOffice and the
converters that make a PDF of it all read DOCX; an auditor can sign it or add comments."""

from __future__ import annotations

import io
from collections.abc import Sequence

from docx import Document
from docx.enum.section import WD_ORIENT
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Mm, Pt, RGBColor
from docx.table import Table, _Cell, _Row

from grcgraph.reports.cover import Cover
from grcgraph.reports.tables import ReportTable, text
from grcgraph.reports.workbooks import HEADER_FILL, STATUS_COLOURS

DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
WIDTH_MM = 297 - 2 * 12  # A4 landscape less its margins


def soa_document(cover: Cover, table: ReportTable) -> bytes:
    """`table` (the Statement of Applicability) as a document, one section per framework."""
    document = Document()
    section = document.sections[0]
    section.orientation = WD_ORIENT.LANDSCAPE
    section.page_width, section.page_height = Mm(297), Mm(210)
    for side in ("left_margin", "right_margin", "top_margin", "bottom_margin"):
        setattr(section, side, Mm(12))
    style = document.styles["Normal"]
    style.font.name = "Calibri"
    style.font.size = Pt(9)
    section.footer.paragraphs[0].text = f"{cover.title}, workspace {cover.workspace}, for {cover.on.isoformat()}"
    document.core_properties.title = cover.title
    document.core_properties.author = f"grcgraph {cover.version}"

    document.add_heading(cover.title, level=0)
    facts = document.add_table(rows=0, cols=2)
    facts.style = "Table Grid"
    for label, value in cover.lines():
        cells = facts.add_row().cells
        cells[0].text, cells[1].text = label, value
        cells[0].paragraphs[0].runs[0].bold = True
    _widths(facts, [45, WIDTH_MM - 45])
    document.add_paragraph()
    document.add_paragraph("Implementation status, as the tables below give it:")
    for status, meaning in cover.statuses.items():
        item = document.add_paragraph(style="List Bullet")
        item.add_run(f"{status}: ").bold = True
        item.add_run(f"{meaning}.")

    shown = [i for i, column in enumerate(table.columns) if column.header != "Framework"]
    framework_at = table.headers.index("Framework")
    frameworks = list(dict.fromkeys(str(row[framework_at]) for row in table.rows))
    # Widths in proportion to the workbook's, none under MIN_MM (a header word such as "Included" fits).
    wanted = [max(table.columns[i].width, 12) for i in shown]
    widths = [WIDTH_MM * w / sum(wanted) for w in wanted]
    for framework in frameworks:
        document.add_heading(f"{framework}, Annex A", level=1)
        grid = document.add_table(rows=1, cols=len(shown))
        grid.style = "Table Grid"
        grid.alignment = WD_TABLE_ALIGNMENT.CENTER
        header = grid.rows[0]
        _repeat_as_header(header)
        for cell, index in zip(header.cells, shown, strict=True):
            cell.text = table.columns[index].header
            run = cell.paragraphs[0].runs[0]
            run.bold = True
            run.font.color.rgb = RGBColor.from_string("FFFFFF")
            _shade(cell, HEADER_FILL)
        for row in table.rows:
            if row[framework_at] != framework:
                continue
            added = grid.add_row()
            _keep_together(added)
            cells = added.cells
            for cell, index in zip(cells, shown, strict=True):
                column = table.columns[index]
                cell.text = text(row[index], column.kind)
                colours = STATUS_COLOURS.get(cell.text) if column.kind == "status" else None
                if colours is not None:
                    _shade(cell, colours[0])
        _widths(grid, widths)
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def _widths(table: Table, widths: Sequence[float]) -> None:
    """Fixed column widths (millimetres): the grid's and every cell's, as Word and LibreOffice read them."""
    table.autofit = False
    for column, width in zip(table.columns, widths, strict=True):
        column.width = Mm(width)
    for row in table.rows:
        for cell, width in zip(row.cells, widths, strict=True):
            cell.width = Mm(width)


def _keep_together(row: _Row) -> None:
    """A row is not split across two pages."""
    marker = OxmlElement("w:cantSplit")
    marker.set(qn("w:val"), "true")
    row._tr.get_or_add_trPr().append(marker)


def _repeat_as_header(row: _Row) -> None:
    """Mark a table row as its header: Word and LibreOffice repeat it at the top of every page."""
    properties = row._tr.get_or_add_trPr()
    marker = OxmlElement("w:tblHeader")
    marker.set(qn("w:val"), "true")
    properties.append(marker)


def _shade(cell: _Cell, fill: str) -> None:
    shading = OxmlElement("w:shd")
    shading.set(qn("w:val"), "clear")
    shading.set(qn("w:color"), "auto")
    shading.set(qn("w:fill"), fill)
    cell._tc.get_or_add_tcPr().append(shading)
