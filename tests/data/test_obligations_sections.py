"""The obligations table after the second round: Annex I Section A and Section B are two categories
(Art. 2(2) leaves only Art. 6(1), Arts. 102-109 and 112 for Section B products), and Art. 25(4)
binds any third party supplying a high-risk system's provider, whatever its role."""

from __future__ import annotations

import csv
import datetime as dt
import io
import uuid
from collections.abc import Iterator

import pytest
from rdflib.namespace import SKOS

from grcgraph import paths
from grcgraph.api import GRCGraph
from grcgraph.loaders.header import split_header
from grcgraph.store.base import GraphStore
from grcgraph.vocab.namespace import GRC
from grcgraph.vocab.terms import AI_CATEGORIES, OPERATOR_ROLES

DAY = dt.date(2028, 9, 1)  # after the amended dates for Annex I products


@pytest.fixture
def g(store: GraphStore) -> Iterator[GRCGraph]:
    api = GRCGraph(store, f"t-{uuid.uuid4().hex[:12]}")
    yield api
    store.inner.remove_graph(__import__("pyoxigraph").NamedNode(str(api.workspace.graph)))


def table() -> dict[str, dict[str, str]]:
    text = paths.OBLIGATIONS.read_text(encoding="utf-8")
    return {r["id"]: r for r in csv.DictReader(io.StringIO(split_header(text, "x").table))}


def test_section_a_and_section_b_are_two_categories(reference_graph) -> None:  # type: ignore[no-untyped-def]
    assert AI_CATEGORIES["high-risk-annex-i"] == GRC.HighRiskAnnexI
    assert AI_CATEGORIES["high-risk-annex-i-b"] == GRC.HighRiskAnnexIB
    assert "Section A" in str(reference_graph.value(GRC.HighRiskAnnexI, SKOS.prefLabel))
    assert "Section B" in str(reference_graph.value(GRC.HighRiskAnnexIB, SKOS.prefLabel))


def test_section_b_product_gets_only_article_6_1(g: GRCGraph) -> None:
    g.add_system("brakes", "Braking assistant (vehicle type-approval)", ["provider"], "high-risk-annex-i-b")
    frame = g.applicable("brakes", on=DAY)
    assert list(frame.curie) == ["euaiact:art-6-1"]
    (row,) = frame.itertuples()
    assert row.basis == "Art. 2(2)" and "102-109" in row.note and row.in_force


def test_section_a_product_keeps_the_high_risk_obligations(g: GRCGraph) -> None:
    g.add_system("robot", "Collaborative robot controller (machinery)", ["provider"], "high-risk-annex-i")
    curies = set(g.applicable("robot", on=DAY).curie)
    for provision in ("art-4", "art-5-1", "art-9", "art-11", "art-43-3", "art-47", "art-72", "annex-IV"):
        assert f"euaiact:{provision}" in curies, provision


def test_no_row_reaches_section_b_through_any() -> None:
    for row in table().values():
        assert row["categories"] != "any", f"{row['id']}: list the categories, Section B takes only Art. 2(2)'s provisions"
        if "high-risk-annex-i-b" in row["categories"].split("|"):
            assert row["provision"] == "art-6-1", row["id"]


def test_supplier_row_binds_any_third_party(g: GRCGraph) -> None:
    row = table()["supplier-art-25-4"]
    assert row["roles"] == "any" and row["conditional"] == "yes"
    assert "whether or not it is an operator" in row["note"] and "free and open-source" in row["note"]
    g.add_system("labels", "Data annotation pipeline sold to providers", ["distributor"], "minimal")
    frame = g.applicable("labels", on=DAY).set_index("curie")
    assert "euaiact:art-25-4" in frame.index and frame.loc["euaiact:art-25-4", "conditional"]
    assert set(frame.loc["euaiact:art-25-4", "roles"]) == {"distributor"}
    assert set(OPERATOR_ROLES) >= {"distributor", "importer", "deployer"}
