"""Reports an auditor accepts and input the way analysts give it, through the command line: every
report file is opened and its content and format read back (openpyxl, python-docx), analysts'
evidence files import as they are written, what is exported imports back to the same file, and a
bad workbook is refused at its sheet, row and column with nothing stored."""

from __future__ import annotations

import csv
import io
import json
import os

os.environ["COLUMNS"] = "250"  # rich wraps tables at 80 columns when output is not a terminal
from pathlib import Path

import docx
import openpyxl
import pytest
from openpyxl.worksheet.worksheet import Worksheet
from typer.testing import CliRunner

from grcgraph.cli import app

runner = CliRunner()

# Every field of an evidence file, each with a value, on two items (one with two rows of links).
EVERY_FIELD = (
    "Evidence ID,Name,Type,Details,Responsible,URL,Checksum,Date collected,Expiry date,Controls,Coverage,Reviewed by,Asserted on,AI system\n"
    "log-retention,Log retention set to 12 months,configuration,Retention of the audit log,ops@example.org,"
    "https://wiki.example.org/logs,"
    "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08,2026-01-15,2027-01-31,"
    "iso42001:A.6.2.8|Art. 12(1),partial,ciso@example.org,2026-01-16T09:30:00+00:00,credit\n"
    "log-retention,,,,,,,,,GOVERN 1.1,full,dpo@example.org,2026-02-01T10:00:00+00:00,\n"
    'ai-policy,AI policy,policy,"The policy, signed",ciso@example.org,,,2026-03-01,,A.2.2,full,ciso@example.org,'
    "2026-03-02T08:00:00+00:00,\n"
)


@pytest.fixture(scope="module")
def data_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("store")
    assert runner.invoke(app, ["load", "--data-dir", str(path)]).exit_code == 0
    for workspace in ("reports", "trip", "trip2-csv", "trip2-json", "trip2-xlsx"):
        result = runner.invoke(
            app,
            [
                *("systems", "add", "credit", "--name", "Credit scoring", "--role", "provider", "--category", "high-risk-annex-iii"),
                *("--workspace", workspace, "--data-dir", str(path)),
            ],
        )
        assert result.exit_code == 0, result.output
    return path


def run(data_dir: Path, workspace: str, *args: str) -> tuple[int, str]:
    result = runner.invoke(app, [*args, "--workspace", workspace, "--data-dir", str(data_dir)])
    return result.exit_code, result.output


def stored(data_dir: Path, workspace: str) -> list[dict[str, str]]:
    code, out = run(data_dir, workspace, "evidence", "export", "--format", "csv")
    assert code == 0, out
    return list(csv.DictReader(io.StringIO(out[out.index("ID,") :])))


# --- analysts' input ----------------------------------------------------------------------------
def test_an_analysts_csv_imports_as_written(data_dir: Path, tmp_path: Path) -> None:
    """Capitalised headers, no id column, bare ISO/IEC 42001 ids with --framework, `;` between ids,
    no asserter column (the owner asserts)."""
    file = tmp_path / "register.csv"
    file.write_text(
        "Title,Kind,Owner,Requirements\n"
        "Risk assessment procedure,policy,ciso@example.org,6.1.2; A.5.2\n"
        "Impact assessment,record,dpo@example.org,A.5.4\n"
        "Training records,record,hr@example.org,7.2\n",
        encoding="utf-8",
    )
    code, out = run(data_dir, "analyst", "evidence", "import", str(file), "--framework", "iso42001")
    assert code == 0, out
    rows = {row["ID"]: row for row in stored(data_dir, "analyst")}
    assert set(rows) == {"risk-assessment-procedure", "impact-assessment", "training-records"}
    assert rows["risk-assessment-procedure"]["Requirements"] == "iso42001:6.1.2|iso42001:A.5.2"
    assert rows["training-records"]["Asserted by"] == "hr@example.org"


def test_bare_shared_ids_without_a_framework_are_named_in_line_order_by_the_files_column(data_dir: Path, tmp_path: Path) -> None:
    file = tmp_path / "register.csv"
    file.write_text("TITLE,kind,Owner,Requirements\nA,policy,o@example.org,7.2\nB,policy,o@example.org,6.1.2\n", encoding="utf-8")
    code, out = run(data_dir, "refused", "evidence", "import", str(file))
    assert code == 1
    lines = [line.strip() for line in out.splitlines() if line.strip().startswith(str(file))]
    assert [line.split(":")[1] for line in lines] == ["2", "3"]
    assert all(": Requirements: " in line and "ambiguous" in line for line in lines), lines
    assert stored(data_dir, "refused") == []


def test_a_per_row_framework_column_reads_bare_ids(data_dir: Path, tmp_path: Path) -> None:
    file = tmp_path / "register.csv"
    file.write_text("ID,Title,Kind,Controls,Standard,Assessed by\nx,X,policy,A.5.2,iso27001,a@example.org\n", encoding="utf-8")
    code, out = run(data_dir, "per-row", "evidence", "import", str(file), "--framework", "iso42001")
    assert code == 0, out
    assert stored(data_dir, "per-row")[0]["Requirements"] == "iso27001:A.5.2"


def test_an_analysts_workbook_imports(data_dir: Path, tmp_path: Path) -> None:
    book = openpyxl.Workbook()
    sheet = book.active
    assert isinstance(sheet, Worksheet)
    sheet.title = "Evidence"
    sheet.append(["Evidence ID", "Evidence title", "Type", "Controls", "Approved by", "Collected"])
    import datetime as dt

    sheet.append(["pol-1", "AI policy", "policy", "A.2.2", "ciso@example.org", dt.datetime(2026, 1, 15)])
    file = tmp_path / "register.xlsx"
    book.save(file)
    code, out = run(data_dir, "xlsx-in", "evidence", "import", str(file), "--framework", "iso42001")
    assert code == 0, out
    (row,) = stored(data_dir, "xlsx-in")
    assert (row["ID"], row["Collected on"], row["Requirements"], row["Asserted by"]) == (
        "pol-1",
        "2026-01-15",
        "A.2.2",
        "ciso@example.org",
    )


def _sheet_with(tmp_path: Path, cells: dict[str, object], *, merge: str | None = None, title: str = "Evidence") -> Path:
    book = openpyxl.Workbook()
    sheet = book.active
    assert isinstance(sheet, Worksheet)
    sheet.title = title
    sheet.append(["ID", "Title", "Kind", "Description", "Requirements", "Asserted by", "Collected on"])
    sheet.append(["a", "A", "policy", "", "iso42001:A.2.2", "x@example.org", "2026-01-15"])
    sheet.append(["b", "B", "policy", "", "iso42001:A.2.3", "x@example.org", "2026-01-15"])
    for ref, value in cells.items():
        sheet[ref] = value
    if merge:
        sheet.merge_cells(merge)
    file = tmp_path / "bad.xlsx"
    book.save(file)
    return file


@pytest.mark.parametrize(
    ("fault", "where", "rule"),
    [
        (({"G3": 45678}, None), "row 3, column G (Collected on)", "Excel serial number"),
        (({"D2": "=A2&B2"}, None), "row 2, column D (Description)", "a formula"),
        (({"D3": "x" * 10_000_000}, None), "row 3, column D (Description)", "characters"),
        (({}, "B2:B3"), "row 2, column B", "merged cells B2:B3"),
    ],
    ids=["serial-date", "formula", "10-MB-cell", "merged"],
)
def test_a_bad_workbook_names_sheet_row_and_column_and_stores_nothing(
    data_dir: Path, tmp_path: Path, fault: tuple[dict[str, object], str | None], where: str, rule: str
) -> None:
    cells, merge = fault
    file = _sheet_with(tmp_path, cells, merge=merge)
    code, out = run(data_dir, "bad-xlsx", "evidence", "import", str(file))
    flat = " ".join(out.split())
    assert code == 1
    assert f"sheet 'Evidence', {where}" in flat and rule in flat, flat
    assert stored(data_dir, "bad-xlsx") == []


def test_a_workbook_without_an_evidence_sheet_is_refused(data_dir: Path, tmp_path: Path) -> None:
    file = _sheet_with(tmp_path, {}, title="Register")
    book = openpyxl.load_workbook(file)
    book.create_sheet("Notes")
    book.save(file)
    code, out = run(data_dir, "bad-xlsx", "evidence", "import", str(file))
    flat = " ".join(out.split())
    assert code == 1 and "no sheet named 'Evidence' among the sheets 'Register', 'Notes'" in flat, flat
    assert stored(data_dir, "bad-xlsx") == []


# --- evidence out and back in -------------------------------------------------------------------
def test_every_field_survives_import_and_export(data_dir: Path, tmp_path: Path) -> None:
    source = tmp_path / "every.csv"
    source.write_text(EVERY_FIELD, encoding="utf-8")
    code, out = run(data_dir, "trip", "evidence", "import", str(source))
    assert code == 0, out
    rows = stored(data_dir, "trip")
    first = next(row for row in rows if row["ID"] == "log-retention" and row["Extent"] == "partial")
    assert first == {
        "ID": "log-retention",
        "Title": "Log retention set to 12 months",
        "Kind": "configuration",
        "Description": "Retention of the audit log",
        "Owner": "ops@example.org",
        "Location": "https://wiki.example.org/logs",
        "SHA-256": "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08",
        "Collected on": "2026-01-15",
        "Valid until": "2027-01-31",
        "Requirements": "Art. 12(1)|A.6.2.8",
        "Extent": "partial",
        "Asserted by": "ciso@example.org",
        "Asserted at": "2026-01-16T09:30:00Z",
        "System": "credit",
    }
    assert len(rows) == 3


@pytest.mark.parametrize("fmt", ["csv", "json", "xlsx"])
def test_export_import_export_gives_the_same_file(data_dir: Path, tmp_path: Path, fmt: str) -> None:
    source = tmp_path / "every.csv"
    source.write_text(EVERY_FIELD, encoding="utf-8")
    assert run(data_dir, "trip", "evidence", "import", str(source))[0] == 0
    first, second = tmp_path / f"first.{fmt}", tmp_path / f"second.{fmt}"
    code, out = run(data_dir, "trip", "evidence", "export", "--format", fmt, "-o", str(first))
    assert code == 0, out
    workspace = f"trip2-{fmt}"
    code, out = run(data_dir, workspace, "evidence", "import", str(first))
    assert code == 0, out
    assert run(data_dir, workspace, "evidence", "export", "--format", fmt, "-o", str(second))[0] == 0
    if fmt == "xlsx":
        assert _cells(first, "Evidence") == _cells(second, "Evidence") and len(_cells(first, "Evidence")) == 4
    else:
        assert first.read_bytes() == second.read_bytes()
    if fmt == "json":
        items = json.loads(first.read_text(encoding="utf-8"))
        assert {len(item["links"]) for item in items} == {1, 3}


def _cells(path: Path, sheet: str) -> list[list[object]]:
    return [list(row) for row in openpyxl.load_workbook(path)[sheet].iter_rows(values_only=True)]


def test_evidence_list_prints_columns_named_for_people(data_dir: Path, tmp_path: Path) -> None:
    source = tmp_path / "every.csv"
    source.write_text(EVERY_FIELD, encoding="utf-8")
    assert run(data_dir, "trip", "evidence", "import", str(source))[0] == 0
    code, out = run(data_dir, "trip", "evidence", "list")
    assert code == 0
    header = next(line for line in out.splitlines() if "Title" in line)
    assert "Valid until" in header and "Asserted by" in header and "_" not in header


# --- reports ------------------------------------------------------------------------------------
@pytest.fixture(scope="module")
def reported(data_dir: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("reports")
    source = folder / "every.csv"
    source.write_text(EVERY_FIELD, encoding="utf-8")
    assert run(data_dir, "reports", "evidence", "import", str(source))[0] == 0
    assert run(data_dir, "reports", "soa", "--set", "A.10.4", "--exclude", "--reason", "No customers")[0] == 0
    for args in (
        ("gaps", "iso42001", "euaiact", "--system", "credit", "--on", "2028-01-01", "--format", "xlsx", "-o", str(folder / "gaps.xlsx")),
        ("soa", "--format", "xlsx", "-o", str(folder / "soa.xlsx")),
        ("soa", "--format", "csv", "-o", str(folder / "soa.csv")),
        ("soa", "--format", "docx", "-o", str(folder / "soa.docx")),
    ):
        code, out = run(data_dir, "reports", *args)
        assert code == 0, out
    return folder


def test_the_gap_workbook_says_what_it_is_for(reported: Path) -> None:
    book = openpyxl.load_workbook(reported / "gaps.xlsx")
    assert book.sheetnames == ["Cover", "ISO-IEC 42001", "EU AI Act", "Summary"]
    facts = {row[0]: row[1] for row in book["Cover"].iter_rows(values_only=True) if row[0]}
    assert facts["Workspace"] == "reports"
    assert str(facts["AI systems"]).startswith("credit: Credit scoring (you are its provider; high-risk, Annex III)")
    assert facts["Frameworks"] == "ISO/IEC 42001:2023\nEU AI Act (Regulation (EU) 2024/1689)"
    assert str(facts["Answers for"]).startswith("2028-01-01")
    for label in ("As of", "Generated", "grcgraph version", "Reference data"):
        assert facts[label], label
    assert "ISO/IEC 42001 2023" in str(facts["Reference data"])


def test_the_gap_sheets_are_formatted_and_print_one_page_wide(reported: Path) -> None:
    book = openpyxl.load_workbook(reported / "gaps.xlsx")
    for name in ("ISO-IEC 42001", "EU AI Act", "Summary"):
        sheet = book[name]
        header = [cell for cell in sheet[1] if cell.value is not None]
        assert all(cell.font.b and cell.fill.fgColor.rgb == "001F3864" for cell in header), name
        assert all("_" not in str(cell.value) and str(cell.value)[0].isupper() for cell in header), name
        assert sheet.freeze_panes == "B2" and sheet.auto_filter.ref == f"A1:{header[-1].column_letter}{sheet.max_row}", name
        assert all((sheet.column_dimensions[cell.column_letter].width or 0) >= 10 for cell in header), name
        assert sheet.page_setup.orientation == "landscape" and sheet.page_setup.fitToWidth == 1 and sheet.page_setup.fitToHeight == 0
        assert sheet.sheet_properties.pageSetUpPr.fitToPage and sheet.print_title_rows == "$1:$1", name
    gaps = book["ISO-IEC 42001"]
    statuses = {row[4].value: row[4].fill.fgColor.rgb for row in gaps.iter_rows(min_row=2)}
    assert statuses["uncovered"] == "00FFC7CE" and statuses["not applicable"] == "00EDEDED" and statuses["covered"] == "00C6EFCE"
    excluded = next(row for row in gaps.iter_rows(min_row=2, values_only=True) if row[0] == "A.10.4")
    assert excluded[4] == "not applicable" and "No customers" in str(excluded[5])
    summary = book["Summary"]
    share = [cell for cell in summary["D"][1:] if cell.value is not None]
    assert share and all(cell.number_format == "0.0%" and 0 <= float(cell.value) <= 1 for cell in share)  # type: ignore[arg-type]
    assert {row[0] for row in summary.iter_rows(min_row=2, values_only=True)} == {
        "ISO/IEC 42001:2023",
        "EU AI Act (Regulation (EU) 2024/1689)",
    }


def test_the_soa_workbook_is_what_6_1_3_d_asks(reported: Path) -> None:
    book = openpyxl.load_workbook(reported / "soa.xlsx")
    sheet = book["Statement of Applicability"]
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0] == (
        "Framework",
        "Control",
        "Title",
        "Included",
        "Justification",
        "Decision recorded",
        "Implementation status",
        "Evidence",
    )
    body = rows[1:]
    assert len(body) == 38 + 93
    assert [row[0] for row in body] == ["ISO/IEC 42001:2023"] * 38 + ["ISO/IEC 27001:2022"] * 93
    assert {row[3] for row in body} == {"yes", "no"} and all(row[4] for row in body)
    by_control = {(row[0], row[1]): row for row in body}
    assert by_control[("ISO/IEC 42001:2023", "A.10.4")][3:7] == ("no", "No customers", "yes", "not applicable: excluded")
    assert by_control[("ISO/IEC 42001:2023", "A.6.2.8")][6] == "partly implemented"
    assert by_control[("ISO/IEC 42001:2023", "A.6.2.8")][7] == "log-retention"
    assert by_control[("ISO/IEC 42001:2023", "A.2.2")][6] == "implemented"
    assert sheet["G2"].fill.fgColor.rgb == "00C6EFCE"  # A.2.2, implemented
    assert sheet.freeze_panes == "B2" and sheet.auto_filter.ref == f"A1:H{len(rows)}" and sheet.page_setup.fitToWidth == 1
    legend = [row[0] for row in book["Cover"].iter_rows(values_only=True)]
    assert "implemented" in legend and "not applicable: excluded" in legend and "covered" not in legend
    with (reported / "soa.csv").open(encoding="utf-8", newline="") as handle:
        assert [tuple(row) for row in csv.reader(handle)] == [tuple("" if v is None else v for v in row) for row in rows]


def test_the_soa_document_reads_as_the_workbook(reported: Path) -> None:
    document = docx.Document(str(reported / "soa.docx"))
    section = document.sections[0]
    assert section.page_width > section.page_height  # landscape
    text = [paragraph.text for paragraph in document.paragraphs]
    assert text[0] == "Statement of Applicability"
    assert "ISO/IEC 42001:2023, Annex A" in text and "ISO/IEC 27001:2022, Annex A" in text
    assert text.index("ISO/IEC 42001:2023, Annex A") < text.index("ISO/IEC 27001:2022, Annex A")
    assert any("implemented: evidence covers it fully" in line for line in text)
    facts, iso42001, iso27001 = document.tables
    assert {row.cells[0].text: row.cells[1].text for row in facts.rows}["Workspace"] == "reports"
    cells = [[cell.text for cell in row.cells] for row in iso42001.rows]
    assert cells[0] == ["Control", "Title", "Included", "Justification", "Decision recorded", "Implementation status", "Evidence"]
    assert len(cells) == 1 + 38 and len(iso27001.rows) == 1 + 93
    assert next(row for row in cells if row[0] == "A.10.4")[2:6] == ["no", "No customers", "yes", "not applicable: excluded"]


def test_applicable_and_systems_speak_words(data_dir: Path) -> None:
    code, out = run(data_dir, "reports", "applicable", "credit", "--on", "2028-01-01", "--format", "csv")
    assert code == 0, out
    rows = list(csv.DictReader(io.StringIO(out)))
    assert rows and "Your roles" in rows[0] and {row["Your roles"] for row in rows} <= {"provider"}
    assert {row["In force"] for row in rows} <= {"yes", "no"} and "Art. 12" in {row["Provision"] for row in rows}
    code, out = run(data_dir, "reports", "systems", "list")
    assert code == 0 and "high-risk, Annex III" in out and "('provider',)" not in out and "True" not in out


def test_frameworks_are_listed_under_headers_for_people(data_dir: Path) -> None:
    result = runner.invoke(app, ["frameworks", "--data-dir", str(data_dir)])
    code, out = result.exit_code, result.output
    header = next(line for line in out.splitlines() if "Prefix" in line)
    assert code == 0 and "Framework version" in header and "By kind" in header
