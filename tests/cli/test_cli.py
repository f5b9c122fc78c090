"""The command line as a user drives it: load, frameworks, show, validate, export, mappings, crosswalk."""

from __future__ import annotations

import csv
import io
import os

os.environ["COLUMNS"] = "250"  # rich wraps tables at 80 columns when output is not a terminal
from pathlib import Path

import pyoxigraph as ox
import pytest
from rdflib import Graph
from typer.testing import CliRunner

from grcgraph.api import GRCGraph
from grcgraph.cli import app

runner = CliRunner()


@pytest.fixture(scope="module")
def data_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("store")
    result = runner.invoke(app, ["load", "--data-dir", str(path)])
    assert result.exit_code == 0, result.output
    assert "Loaded the reference graph" in result.output
    return path


def run(data_dir: Path, *args: str) -> tuple[int, str]:
    result = runner.invoke(app, [*args, "--data-dir", str(data_dir)])
    return result.exit_code, result.output


def test_load_again_does_nothing(data_dir: Path) -> None:
    code, out = run(data_dir, "load")
    assert code == 0 and "up to date" in out


def test_load_reads_oscal_json_and_names_what_is_missing(data_dir: Path, tmp_path: Path) -> None:
    oscal = tmp_path / "controls.json"
    oscal.write_text('{"catalog": {}}', encoding="utf-8")
    code, out = run(data_dir, "load", "--catalog", str(oscal))
    text = " ".join(out.split())
    assert code == 1 and "nothing was written" in text, out
    for path in ("catalog.uuid", "catalog.metadata"):
        assert f"{oscal}: {path}: OSCAL 1.2: is required by OSCAL 1.2 and missing" in text, out
    code, out = run(data_dir, "load", "--mappings", str(oscal))
    assert code == 1 and "an OSCAL mapping-collection document is a JSON object with the key 'mapping-collection'" in " ".join(
        out.split()
    ), out


def test_frameworks_lists_counts_per_kind(data_dir: Path) -> None:
    code, out = run(data_dir, "frameworks")
    assert code == 0
    for expected in (
        "Control 38",
        "Control 93",
        "Paragraph 500",
        "Article 113",
        "Subcategory 72",
        "GenAIAction 212",
        "Chapter 13",
        "Annex 13",
    ):
        assert expected in out.replace("\n", " ") or expected in out


@pytest.mark.parametrize(
    ("typed", "curie"),
    [
        ("A.6.2.8", "iso42001:A.6.2.8"),
        ("iso42001:A.6.2.8", "iso42001:A.6.2.8"),
        ("Art. 12(1)", "euaiact:art-12-1"),
        ("article 12 (1)", "euaiact:art-12-1"),
        ("GOVERN 1.1", "nistairmf:GOVERN-1.1"),
        ("iso27001:A.8.15", "iso27001:A.8.15"),
        ("GV-1.1-001", "nistgai:GV-1.1-001"),
        ("Annex III", "euaiact:annex-III"),
    ],
)
def test_show_accepts_the_forms_users_type(data_dir: Path, typed: str, curie: str) -> None:
    code, out = run(data_dir, "show", typed)
    assert code == 0, out
    assert out.startswith(curie)
    assert "source:" in out


def test_show_prints_parents_children_and_dates(data_dir: Path) -> None:
    code, out = run(data_dir, "show", "Art. 12")
    assert code == 0
    assert "Chapter III, Section 2" in out and "euaiact:art-12-1" in out
    assert "applies from 2027-12-02 for high-risk-annex-iii systems" in out
    assert "was 2026-08-02" in out


@pytest.mark.parametrize(
    ("typed", "message"),
    [
        ("4.1", "ambiguous"),
        ("Art. 999", "no requirement"),
        ("Art. 5(1)(a)", "nearest requirement is euaiact:art-5-1"),
        ("", "no requirement"),
    ],
)
def test_show_explains_ambiguous_and_unknown_ids(data_dir: Path, typed: str, message: str) -> None:
    code, out = run(data_dir, "show", typed)
    assert code == 1 and message in out
    assert "Traceback" not in out


def test_validate_reference_graph(data_dir: Path) -> None:
    code, out = run(data_dir, "validate")
    assert code == 0 and "0 violations" in out


def test_validate_a_users_file_reports_violations(data_dir: Path, tmp_path: Path) -> None:
    bad = tmp_path / "mine.ttl"
    bad.write_text(
        """@prefix grc: <https://w3id.org/grcgraph/vocab#> . @prefix skos: <http://www.w3.org/2004/02/skos/core#> .
        <https://example.org/c1> a grc:Control ; skos:notation "C1" .""",
        encoding="utf-8",
    )
    code, out = run(data_dir, "validate", str(bad))
    assert code == 1
    assert "https://example.org/c1" in out.replace("\n", "") or "c1" in out
    assert "title" in out and "control area" in out


def test_validate_refuses_a_file_that_is_not_turtle(data_dir: Path, tmp_path: Path) -> None:
    bad = tmp_path / "broken.ttl"
    bad.write_text("this is not turtle <", encoding="utf-8")
    code, out = run(data_dir, "validate", str(bad))
    assert code == 1 and "not valid Turtle" in out


@pytest.mark.parametrize(
    ("fmt", "ox_format"), [("turtle", ox.RdfFormat.TURTLE), ("jsonld", ox.RdfFormat.JSON_LD), ("nt", ox.RdfFormat.N_TRIPLES)]
)
def test_export_parses_in_another_toolkit_without_loss(data_dir: Path, tmp_path: Path, fmt: str, ox_format: ox.RdfFormat) -> None:
    out = tmp_path / f"graph.{fmt}"
    code, text = run(data_dir, "export", "--format", fmt, "--output", str(out))
    assert code == 0, text
    theirs = {str(t) for t in ox.parse(path=str(out), format=ox_format)}
    reference = tmp_path / "reference.nt"
    run(data_dir, "export", "--format", "nt", "--output", str(reference))
    ours = {str(t) for t in ox.parse(path=str(reference), format=ox.RdfFormat.N_TRIPLES)}
    assert theirs == ours and len(ours) > 20_000
    assert len(Graph().parse(out, format={"turtle": "turtle", "jsonld": "json-ld", "nt": "nt"}[fmt])) == len(ours)


def test_mappings_summary(data_dir: Path) -> None:
    code, out = run(data_dir, "mappings", "--summary")
    assert code == 0
    assert "relatedTo 280 (100%)" in out and "intersectsWith" in out


def test_mappings_between_frameworks_as_csv(data_dir: Path) -> None:
    code, out = run(data_dir, "mappings", "--from", "euaiact", "--to", "ISO 42001", "--format", "csv")
    assert code == 0
    rows = list(csv.DictReader(io.StringIO(out)))
    assert rows and all(r["subject_id"].startswith("euaiact:") and r["object_id"].startswith("iso42001:") for r in rows)
    assert {r["direction"] for r in rows} == {"inverse"}
    assert all(r["source"] for r in rows)


def test_mappings_as_sssom_is_readable_by_sssom_py(data_dir: Path, tmp_path: Path) -> None:
    from sssom.parsers import parse_sssom_table

    code, out = run(data_dir, "mappings", "--from", "iso42001", "--to", "euaiact", "--format", "sssom")
    assert code == 0
    path = tmp_path / "union.sssom.tsv"
    path.write_text(out, encoding="utf-8")
    assert len(parse_sssom_table(path).df) > 100


def test_mappings_unknown_framework(data_dir: Path) -> None:
    code, out = run(data_dir, "mappings", "--from", "cobit", "--to", "euaiact")
    assert code == 1 and "unknown framework 'cobit'" in out


def test_crosswalk_shows_both_directions_with_sources(data_dir: Path) -> None:
    code, out = run(data_dir, "crosswalk", "Art. 12(1)")
    assert code == 0
    assert "iso42001:A.6.2.8" in out and "iso27001:A.8.15" in out
    assert "(read from the other end)" in out and "why:" in out and "source:" in out


def test_evidence_import_takes_several_files(tmp_path: Path) -> None:
    store = tmp_path / "store"
    files = []
    for n in range(3):
        path = tmp_path / f"evidence-{n}.csv"
        path.write_text(f"id,title,kind,requirements,asserted_by\nitem-{n},Item {n},record,A.6.2.8,ops@example.org\n", encoding="utf-8")
        files.append(str(path))
    code, out = run(store, "evidence", "import", *files, "--workspace", "w")
    assert code == 0 and "Imported 3 evidence item(s)" in out, out
    code, out = run(store, "evidence", "import", files[0], str(tmp_path / "missing.csv"), "--workspace", "w")
    assert code != 0 and "missing.csv: no such file" in out, out


def test_a_command_leaves_the_collector_as_it_found_it(tmp_path: Path) -> None:
    """A command freezes what it imported for the cycle collector while it runs (see opened_store);
    a process that runs on (this one) gets it back, and the store's lock is released, on success
    and on failure alike."""
    import gc

    store = tmp_path / "store"
    good = tmp_path / "good.csv"
    good.write_text("id,title,kind,requirements,asserted_by\nitem-1,Item,record,A.6.2.8,ops@example.org\n", encoding="utf-8")
    bad = tmp_path / "bad.csv"
    bad.write_text("id,title,kind,requirements,asserted_by\nitem-2,Item,record,NO.SUCH,ops@example.org\n", encoding="utf-8")
    before = gc.get_freeze_count()
    for file, ok in ((good, True), (bad, False)):
        code, out = run(store, "evidence", "import", str(file), "--workspace", "w")
        assert (code == 0) is ok, out
        assert gc.get_freeze_count() == before
    with GRCGraph.open(store, workspace="w") as g:  # the lock is free
        assert g.workspace.evidence_ids() == ["item-1"]


def test_a_store_held_by_another_process_is_a_clear_error(tmp_path: Path) -> None:
    """The embedded store takes one process at a time: a command that finds it held (a running
    server) says so, and where to send writes instead."""
    store = tmp_path / "store"
    file = tmp_path / "good.csv"
    file.write_text("id,title,kind,requirements,asserted_by\nitem-1,Item,record,A.6.2.8,ops@example.org\n", encoding="utf-8")
    with GRCGraph.open(store, workspace="w"):
        code, out = run(store, "evidence", "import", str(file), "--workspace", "w")
    assert code != 0, out
    assert "cannot open the store" in out and "importEvidence" in out, out
    assert "Traceback" not in out
