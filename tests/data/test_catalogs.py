"""Every catalog row against the source lists in reference/: no id missing, none invented."""

from __future__ import annotations

import csv
import importlib.util

import pytest
from rdflib import Graph, URIRef
from rdflib.namespace import SKOS
from repo import ROOT

from grcgraph import paths
from grcgraph.loaders.catalog_csv import parse_catalog
from grcgraph.vocab.namespace import GRC

REFERENCE = ROOT / "reference"


def reference_rows(name: str) -> list[dict[str, str]]:
    with (REFERENCE / name).open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


def catalog(name: str) -> dict[str, dict[str, str]]:
    entry = paths.FRAMEWORKS_DIR / name
    parsed = parse_catalog(entry.read_text(encoding="utf-8"), name)
    return {row.values["id"]: row.values for row in parsed.rows}


def build_script():  # type: ignore[no-untyped-def]
    spec = importlib.util.spec_from_file_location("build_catalogs", ROOT / "scripts" / "build_catalogs.py")
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.mark.parametrize("scheme", ["iso42001-2023", "iso27001-2022", "eu-ai-act", "nist-ai-rmf-1.0", "nist-ai-600-1"])
def test_catalog_is_current(scheme: str) -> None:
    """The committed catalog is exactly what scripts/build_catalogs.py makes from reference/."""
    committed = (paths.FRAMEWORKS_DIR / f"{scheme}.csv").read_text(encoding="utf-8")
    assert committed == build_script().render(scheme), f"run: python scripts/build_catalogs.py ({scheme} is stale)"


ISO42001 = catalog("iso42001-2023.csv")
ISO27001 = catalog("iso27001-2022.csv")
EU = catalog("eu-ai-act.csv")
RMF = catalog("nist-ai-rmf-1.0.csv")
GAI = catalog("nist-ai-600-1.csv")


def kinds(rows: dict[str, dict[str, str]], kind: str) -> set[str]:
    return {key for key, row in rows.items() if row["kind"] == kind}


def test_iso42001_ids_equal_reference() -> None:
    clauses = reference_rows("iso42001_clauses.csv")
    controls = reference_rows("iso42001_annexA.csv")
    assert kinds(ISO42001, "Clause") == {r["id"] for r in clauses} and len(clauses) == 43
    assert kinds(ISO42001, "Control") == {r["id"] for r in controls} and len(controls) == 38
    areas = {r["objective_id"] for r in controls} | {r["sub_objective_id"] for r in controls if r["sub_objective_id"]}
    assert kinds(ISO42001, "ControlArea") == areas and len(areas) == 11


@pytest.mark.parametrize("record", reference_rows("iso42001_clauses.csv") + reference_rows("iso42001_annexA.csv"), ids=lambda r: r["id"])
def test_iso42001_record(record: dict[str, str]) -> None:
    row = ISO42001[record["id"]]
    assert row["title"] == record["title"]
    assert row["text"] == "", "ISO requirement text must never be shipped"
    if row["kind"] == "Control":
        assert row["parent"] == (record["sub_objective_id"] or record["objective_id"])


def test_iso27001_ids_equal_reference() -> None:
    clauses = reference_rows("iso27001_2022_clauses.csv")
    controls = reference_rows("iso27001_2022_annexA.csv")
    assert kinds(ISO27001, "Clause") == {r["id"] for r in clauses} and len(clauses) == 41
    assert kinds(ISO27001, "Control") == {r["id"] for r in controls} and len(controls) == 93
    assert kinds(ISO27001, "ControlArea") == {"A.5", "A.6", "A.7", "A.8"}


@pytest.mark.parametrize(
    "record", reference_rows("iso27001_2022_clauses.csv") + reference_rows("iso27001_2022_annexA.csv"), ids=lambda r: r["id"]
)
def test_iso27001_record(record: dict[str, str]) -> None:
    row = ISO27001[record["id"]]
    assert row["title"] == record["title"]
    assert row["text"] == ""


def test_eu_ai_act_ids_equal_reference() -> None:
    articles = reference_rows("eu_ai_act_articles.csv")
    paragraphs = [p for p in reference_rows("eu_ai_act_paragraphs.csv") if p["paragraph"]]
    annexes = reference_rows("eu_ai_act_annexes.csv")
    assert kinds(EU, "Article") == {f"art-{a['number']}" for a in articles} and len(articles) == 113
    assert kinds(EU, "Paragraph") == {f"art-{p['article']}-{p['paragraph']}" for p in paragraphs} and len(paragraphs) == 500
    assert kinds(EU, "Annex") == {f"annex-{a['annex']}" for a in annexes} and len(annexes) == 13
    assert len(kinds(EU, "Chapter")) == 13
    assert kinds(EU, "Section") == {f"chapter-{a['chapter']}-section-{a['section']}" for a in articles if a["section"]}


@pytest.mark.parametrize("record", reference_rows("eu_ai_act_paragraphs.csv"), ids=lambda r: r["id"])
def test_eu_ai_act_text(record: dict[str, str]) -> None:
    key = f"art-{record['article']}-{record['paragraph']}" if record["paragraph"] else f"art-{record['article']}"
    assert EU[key]["text"] == record["text"]
    assert EU[key]["url"].startswith("https://eur-lex.europa.eu/")


@pytest.mark.parametrize("record", reference_rows("eu_ai_act_articles.csv"), ids=lambda r: r["number"])
def test_eu_ai_act_article(record: dict[str, str]) -> None:
    row = EU[f"art-{record['number']}"]
    assert row["title"] == record["title"]
    assert row["url"].endswith(f"#{record['eurlex_anchor']}")
    expected_parent = f"chapter-{record['chapter']}" + (f"-section-{record['section']}" if record["section"] else "")
    assert row["parent"] == expected_parent
    children = [key for key, r in EU.items() if r["parent"] == row["id"]]
    assert len(children) == int(record["numbered_paragraphs"])


def test_nist_ids_equal_reference() -> None:
    rmf = reference_rows("nist_ai_rmf.csv")
    assert {r["id"].replace(" ", "-") for r in rmf} == set(RMF)
    assert (len(kinds(RMF, "Function")), len(kinds(RMF, "Category")), len(kinds(RMF, "Subcategory"))) == (4, 19, 72)
    actions = reference_rows("nist_ai_600_1_actions.csv")
    assert {a["action_id"] for a in actions} == set(GAI) and len(actions) == 212


@pytest.mark.parametrize("record", reference_rows("nist_ai_rmf.csv"), ids=lambda r: r["id"])
def test_nist_record(record: dict[str, str]) -> None:
    row = RMF[record["id"].replace(" ", "-")]
    assert row["text"] == record["text"]
    assert row["notation"] == record["id"]


@pytest.mark.parametrize("record", reference_rows("nist_ai_600_1_actions.csv"), ids=lambda r: r["action_id"])
def test_genai_action(record: dict[str, str], reference_graph: Graph) -> None:
    row = GAI[record["action_id"]]
    assert row["text"] == record["text"]
    assert row["refines"] == "nistairmf:" + record["subcategory"].replace(" ", "-")
    node = URIRef("https://w3id.org/grcgraph/nist-ai-600-1/" + record["action_id"])
    risks = {str(reference_graph.value(r, SKOS.prefLabel)) for r in reference_graph.objects(node, GRC.addressesRisk)}
    assert risks == set(record["gai_risks"].split("|"))
