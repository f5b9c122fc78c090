"""OSCAL 1.2 through the command line: a company's own catalog and mapping collection
(tests/data/acme-*.oscal.json) load with `grcgraph load --catalog C.json --mappings M.json`, their
requirements answer `show` and `crosswalk`, and stay loaded for the commands that follow; each kind
of fault is answered with its place (file, line and column; JSON path and rule), no traceback,
and the store keeps what it held."""

from __future__ import annotations

import json
import os

os.environ["COLUMNS"] = "250"  # rich wraps at 80 columns when output is not a terminal
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from grcgraph.cli import app

runner = CliRunner()
DATA = Path(__file__).resolve().parent.parent / "data"
CATALOG = DATA / "acme-controls.oscal.json"
MAPPINGS = DATA / "acme-mappings.oscal.json"


def run(data_dir: Path, *args: str) -> tuple[int, str]:
    result = runner.invoke(app, [*args, "--data-dir", str(data_dir)])
    # An answer, never a traceback: any exception but the exit a command ends with is a fault of grcgraph's
    assert result.exception is None or isinstance(result.exception, SystemExit), repr(result.exception)
    assert "Traceback" not in result.output, result.output
    return result.exit_code, " ".join(result.output.split())


@pytest.fixture(scope="module")
def data_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("oscal-store")
    code, out = run(path, "load", "--catalog", str(CATALOG), "--mappings", str(MAPPINGS))
    assert code == 0 and "Loaded the reference graph" in out, out
    return path


def test_a_company_catalog_answers_show(data_dir: Path) -> None:
    code, out = run(data_dir, "show", "acme:GOV-1")
    assert code == 0, out
    for expected in (
        "acme:GOV-1 GOV 1 (Control)",
        "AI policy approved by the board",
        "in: ACME AI control set",
        "parents: GOV AI governance",
        "The board approves the AI policy: a. before any AI system goes live; and b. at least [Assignment: organization-defined frequency, at most a year].",
        "acme:GOV-1.1 Policy exceptions are recorded",
        "source: ACME AI policy, version 3",
        "official text: https://intranet.example.org/policies/ai",
        "rights: ACME internal; shared with auditors.",
    ):
        assert expected in out, (expected, out)
    code, out = run(data_dir, "show", "GOV 1(1)")
    assert code == 0 and "acme:GOV-1.1 GOV 1(1) (ControlEnhancement)" in out and "GOV 1 AI policy approved by the board" in out, out


def test_its_mappings_answer_crosswalk_and_mappings(data_dir: Path) -> None:
    code, out = run(data_dir, "crosswalk", "acme:GOV-2")
    assert code == 0 and "2 mapping(s)" in out, out
    assert "-> iso42001:A.3.2 AI roles and responsibilities" in out and "-> iso42001:5.3 Roles, responsibilities and authorities" in out, (
        out
    )
    code, out = run(data_dir, "mappings", "--from", "iso42001", "--to", "acme", "--format", "csv")
    assert code == 0, out
    assert "iso42001:A.2.4,Review of the AI policy,grc:supersetOf,acme:GOV-1.1,Policy exceptions are recorded,functional" in out, out


def test_the_own_files_stay_loaded_for_later_commands(data_dir: Path) -> None:
    code, out = run(data_dir, "load")
    assert code == 0 and "up to date" in out and "your own catalogs or mapping sets" in out, out
    code, out = run(data_dir, "frameworks")
    assert code == 0 and "acme" in out and "loaded the reference graph" not in out, out


def acme() -> dict[str, Any]:
    return dict(json.loads(CATALOG.read_text(encoding="utf-8")))


def refused(data_dir: Path, *args: str) -> str:
    """The answer to a load that must fail; the store still answers for the company catalog."""
    code, out = run(data_dir, "load", *args)
    assert code == 1 and "nothing was written; the store keeps its previous state." in out, out
    code, shown = run(data_dir, "show", "acme:GOV-1")
    assert code == 0 and "AI policy approved by the board" in shown, shown
    return out


def test_bad_json_is_answered_with_file_line_and_column(data_dir: Path, tmp_path: Path) -> None:
    broken = tmp_path / "broken.json"
    broken.write_text(CATALOG.read_text(encoding="utf-8").replace('"version": "2026.2",', '"version": "2026.2"', 1), encoding="utf-8")
    out = refused(data_dir, "--catalog", str(broken))
    assert f"{broken}:8: not valid JSON: Expecting ',' delimiter (column 7)" in out, out


def test_an_oscal_fault_is_answered_with_its_path_and_rule(data_dir: Path, tmp_path: Path) -> None:
    document = acme()
    document["catalog"]["groups"][1]["controls"][0]["links"] = [{"rel": "alternate"}]
    faulty = tmp_path / "faulty.json"
    faulty.write_text(json.dumps(document), encoding="utf-8")
    out = refused(data_dir, "--catalog", str(faulty))
    assert f"{faulty}: catalog.groups[1].controls[0].links[0].href: OSCAL 1.2: is required by OSCAL 1.2 and missing" in out, out


def test_a_duplicate_control_id_is_answered_with_its_path(data_dir: Path, tmp_path: Path) -> None:
    document = acme()
    document["catalog"]["groups"][0]["controls"][1]["id"] = "GOV-1"
    twice = tmp_path / "twice.json"
    twice.write_text(json.dumps(document), encoding="utf-8")
    out = refused(data_dir, "--catalog", str(twice))
    assert f"{twice}: catalog.groups[0].controls[1].id: duplicate control id 'GOV-1', first at catalog.groups[0].controls[0].id" in out, out


def test_a_mapping_to_an_unknown_requirement_is_answered_with_its_path(data_dir: Path, tmp_path: Path) -> None:
    document = json.loads(MAPPINGS.read_text(encoding="utf-8"))
    document["mapping-collection"]["mappings"][0]["maps"][1]["sources"][0]["id-ref"] = "GOV-9"
    unknown = tmp_path / "unknown.json"
    unknown.write_text(json.dumps(document), encoding="utf-8")
    out = refused(data_dir, "--catalog", str(CATALOG), "--mappings", str(unknown))
    assert f"{unknown}: mapping-collection.mappings[0].maps[1].sources[0].id-ref: 'GOV-9' is not a requirement of acme" in out, out


def test_force_rebuilds_from_the_bundled_files_alone(tmp_path: Path) -> None:
    code, out = run(tmp_path, "load", "--catalog", str(CATALOG))
    assert code == 0, out
    code, out = run(tmp_path, "show", "acme:DATA-1")
    assert code == 0 and "Every training data set has a recorded origin and licence." in out, out
    code, out = run(tmp_path, "load", "--force")
    assert code == 0 and "Loaded the reference graph" in out, out
    code, out = run(tmp_path, "show", "acme:DATA-1")
    assert code == 1 and "no requirement 'acme:DATA-1'" in out, out
