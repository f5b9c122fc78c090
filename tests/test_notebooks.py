"""The worked examples in notebooks/ run from top to bottom, and still show what their text says."""

from __future__ import annotations

import re
from pathlib import Path

import nbformat
import pytest
from nbclient import NotebookClient

NOTEBOOKS = Path(__file__).resolve().parent.parent / "notebooks"


def execute(name: str) -> nbformat.NotebookNode:
    """Run a notebook in a fresh python3 kernel, in the notebooks folder, as a reader would."""
    notebook = nbformat.read(NOTEBOOKS / name, as_version=4)
    client = NotebookClient(notebook, kernel_name="python3", timeout=300, resources={"metadata": {"path": str(NOTEBOOKS)}})
    client.execute()  # raises CellExecutionError on the first cell that fails
    return notebook


def cell(notebook: nbformat.NotebookNode, tag: str) -> nbformat.NotebookNode:
    (found,) = [c for c in notebook.cells if tag in c.metadata.get("tags", [])]
    return found


def text(code_cell: nbformat.NotebookNode) -> str:
    """What a cell printed and displayed, as plain text."""
    parts = []
    for output in code_cell.outputs:
        if output.output_type == "stream":
            parts.append(output.text)
        elif output.output_type in ("execute_result", "display_data"):
            parts.append(output.data.get("text/plain", ""))
    return "\n".join(parts)


def has_image(code_cell: nbformat.NotebookNode) -> bool:
    return any(o.output_type == "display_data" and "image/png" in o.data for o in code_cell.outputs)


def assert_ran(notebook: nbformat.NotebookNode) -> None:
    code_cells = [c for c in notebook.cells if c.cell_type == "code"]
    assert code_cells and all(c.execution_count is not None for c in code_cells)
    assert not [o for c in code_cells for o in c.outputs if o.output_type == "error"]


@pytest.fixture(scope="module")
def coverage_notebook() -> nbformat.NotebookNode:
    return execute("coverage-across-frameworks.ipynb")


@pytest.fixture(scope="module")
def gap_notebook() -> nbformat.NotebookNode:
    return execute("eu-ai-act-gap-analysis.ipynb")


def test_coverage_notebook_runs(coverage_notebook: nbformat.NotebookNode) -> None:
    assert_ran(coverage_notebook)
    assert has_image(cell(coverage_notebook, "network-figure"))


def test_coverage_notebook_reaches_other_frameworks(coverage_notebook: nbformat.NotebookNode) -> None:
    printed = text(cell(coverage_notebook, "by-framework"))
    reached = dict(line.split(maxsplit=1) for line in printed.splitlines() if line.endswith(")"))  # "framework  A.1 (status), ..."
    assert "A.6.2.8 (covered)" in reached["iso42001"]
    assert "A.8.15 (covered)" in reached["iso27001"]
    assert "Art. 12(1) (partial)" in reached["euaiact"]


def test_coverage_notebook_explains_each_hop(coverage_notebook: nbformat.NotebookNode) -> None:
    printed = text(cell(coverage_notebook, "explain"))
    assert printed.count("--intersectsWith--> euaiact:art-12-1") == 2, printed
    assert "rationale:    semantic" in printed and "source:       ISO/IEC 42001:2023 to EU AI Act" in printed
    assert "Art. 12(1) overall: partial" in printed


def test_coverage_notebook_chains_are_inferred(coverage_notebook: nbformat.NotebookNode) -> None:
    printed = text(cell(coverage_notebook, "chains"))
    match = re.search(r"one mapping: (\d+) requirements reached; two mappings: (\d+), (\d+) of them inferred", printed)
    assert match, printed
    one, two, inferred = map(int, match.groups())
    assert two > one and inferred >= two - one  # every requirement reached only through a chain is flagged
    assert "=> related (inferred)" in text(cell(coverage_notebook, "chain-paths"))  # two overlaps: only a lead


def test_gap_notebook_runs(gap_notebook: nbformat.NotebookNode) -> None:
    assert_ran(gap_notebook)
    assert has_image(cell(gap_notebook, "chart"))


def test_gap_notebook_uses_the_amended_date(gap_notebook: nbformat.NotebookNode) -> None:
    printed = text(cell(gap_notebook, "applicable"))
    match = re.search(r"in force on 2027-06-01: (\d+); on 2028-01-15: (\d+)", printed)
    assert match, printed
    before, after = map(int, match.groups())
    assert before < after
    assert "2027-12-02" in printed and "Digital Omnibus" in printed


def test_gap_notebook_statuses(gap_notebook: nbformat.NotebookNode) -> None:
    statuses = {}
    for line in text(cell(gap_notebook, "statuses")).splitlines():
        match = re.match(r"(Art\. \S+)\s+(.+?)\s+-> (\S+)\s+evidence: (.*)", line)
        if match:
            statuses[match.group(1)] = (match.group(2), match.group(3), match.group(4))
    assert statuses["Art. 4"][:2] == ("covered", "covered")
    assert statuses["Art. 12(1)"] == ("not applicable", "covered", "log-retention")
    assert statuses["Art. 9(2)"][1:] == ("partial", "ai-risk-procedure")
    assert statuses["Art. 9(6)"][1] == "related"
    assert statuses["Art. 10(2)"][1:] == ("stale", "expired: bias-tests")
    assert statuses["Art. 15(1)"][1] == "uncovered"


@pytest.fixture(scope="module")
def aims_notebook() -> nbformat.NotebookNode:
    return execute("aims-objective-measurements.ipynb")


def test_aims_notebook_plots_the_objective(aims_notebook: nbformat.NotebookNode) -> None:
    assert_ran(aims_notebook)
    assert has_image(cell(aims_notebook, "chart"))
    printed = text(cell(aims_notebook, "statuses"))
    assert "first met: 2028-01-01" in printed and "first at-risk: 2028-01-16" in printed and "first breached: 2028-01-28" in printed
    opened = text(cell(aims_notebook, "nonconformity"))
    assert "0.848 is below the threshold 0.85" in opened
    assert re.search(r"iso42001:10\.2 partial nonconformity/NC-1", opened), opened


def test_aims_notebook_is_stored_with_its_outputs() -> None:
    stored = nbformat.read(NOTEBOOKS / "aims-objective-measurements.ipynb", as_version=4)
    assert has_image(cell(stored, "chart"))
