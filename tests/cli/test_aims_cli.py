"""The AIMS records on the command line: risks add and list, a measurements CSV imported all or
none with file, line and column, a nonconformity opened from a breached objective, and `overdue`."""

from __future__ import annotations

import os

os.environ["COLUMNS"] = "250"  # rich wraps tables at 80 columns when output is not a terminal
from pathlib import Path

import pytest
from typer.testing import CliRunner

from grcgraph.api import GRCGraph
from grcgraph.cli import app

runner = CliRunner()


@pytest.fixture(scope="module")
def data_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("aims-store")
    result = runner.invoke(
        app,
        [
            "systems",
            "add",
            "credit",
            "--name",
            "Credit",
            "--role",
            "provider",
            "--category",
            "high-risk-annex-iii",
            "--data-dir",
            str(path),
        ],
    )
    assert result.exit_code == 0, result.output
    return path


def run(data_dir: Path, *args: str) -> tuple[int, str]:
    result = runner.invoke(app, [*args, "--data-dir", str(data_dir)])
    return result.exit_code, result.output


def test_risks_add_and_list(data_dir: Path) -> None:
    code, out = run(
        data_dir,
        "risks",
        "add",
        "R-1",
        "--title",
        "Biased scores",
        "--system",
        "credit",
        "--likelihood",
        "9",
        "--severity",
        "3",
        "--status",
        "assessed",
    )
    assert code == 1 and "likelihood: 9 is outside the workspace's risk scale 1-5" in out
    code, out = run(data_dir, "risks", "add", "R-1", "--title", "Biased scores", "--system", "other", "--status", "identified")
    assert code == 1 and "systems[0]: no AI system 'other' in workspace 'default'" in out
    code, out = run(
        data_dir,
        "risks",
        "add",
        "R-1",
        "--title",
        "Biased scores",
        "--system",
        "credit",
        "--likelihood",
        "4",
        "--severity",
        "3",
        "--status",
        "treated",
        "--treatment",
        "mitigate",
        "--control",
        "iso42001:A.7.4",
        "--next-review",
        "2028-07-01",
    )
    assert code == 0, out
    code, out = run(data_dir, "risks", "list")
    assert code == 0 and "R-1" in out and "12" in out and "mitigate" in out and "iso42001:A.7.4" in out


def test_measurements_import_all_or_none(data_dir: Path, tmp_path: Path) -> None:
    code, _ = run(
        data_dir,
        "objectives",
        "add",
        "acc",
        "--title",
        "Accuracy",
        "--metric",
        "accuracy",
        "--direction",
        "higher",
        "--target",
        "0.9",
        "--threshold",
        "0.85",
        "--system",
        "credit",
    )
    assert code == 0
    bad = tmp_path / "bad.csv"
    bad.write_text("objective,value,at\nacc,0.93,2028-01-10T02:00:00Z\nacc,abc,2028-01-11T02:00:00Z\n")
    code, out = run(data_dir, "measurements", "import", str(bad), "--recorded-by", "ci")
    assert code == 1 and "nothing was imported" in out and "bad.csv:3" in out and "value" in out
    good = tmp_path / "good.csv"
    good.write_text("objective,value,at,recorded_by\nacc,0.93,2028-01-10T02:00:00Z,ci\nacc,0.84,2028-01-11T02:00:00Z,ci\n")
    code, out = run(data_dir, "measurements", "import", str(good))
    assert code == 0 and "Imported 2 measurement(s)" in out
    code, out = run(data_dir, "objectives", "list", "--on", "2028-01-12")
    assert code == 0 and "breached" in out and "0.84 is below the threshold 0.85" in out
    code, out = run(data_dir, "nonconformities", "add", "NC-1", "--from-objective", "acc", "--found-on", "2028-01-12")
    assert code == 0, out
    code, out = run(
        data_dir, "actions", "add", "CA-1", "--nonconformity", "NC-1", "--title", "Retrain", "--owner", "ml", "--due", "2028-01-20"
    )
    assert code == 0, out
    with GRCGraph.open(data_dir) as g:
        assert len(g.measurement_list("acc")) == 2
        assert g.record("nonconformity", "NC-1").source_ref == "acc"  # type: ignore[union-attr]


def test_overdue(data_dir: Path) -> None:
    code, out = run(data_dir, "overdue", "--on", "2028-01-01")
    assert code == 0 and "Nothing is overdue on 2028-01-01" in out
    code, out = run(data_dir, "overdue", "--on", "2028-08-01")
    assert code == 0 and "R-1" in out and "2028-07-01" in out and "31" in out


def test_explain_names_the_record(data_dir: Path) -> None:
    code, out = run(data_dir, "explain", "risk/R-1", "iso42001:6.1.3", "--on", "2028-01-15")
    assert code == 0 and "risk R-1 of system credit, treated (mitigate) -[full" in out, out
    code, out = run(data_dir, "explain", "risk/R-9", "iso42001:6.1.3")
    assert code == 1 and "no record 'risk/R-9'" in out
