"""Scenario tests for every coverage rule (docs/coverage.md), each built from real mapping rows
unless the rule needs a relationship no bundled set uses (then a mapping set of the user's own,
loaded the way users load one)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from dataclasses import replace

import pytest

from grcgraph.api import GRCGraph
from grcgraph.coverage.rules import compose
from grcgraph.loaders.sources import ReferenceSources, SourceFile
from grcgraph.reference.build import load_reference
from grcgraph.store import open_store
from grcgraph.store.base import GraphStore

DAY = dt.date(2026, 11, 22)


@pytest.fixture
def g(store: GraphStore) -> Iterator[GRCGraph]:
    """A fresh workspace over the shared reference graph, removed after the test."""
    import uuid

    api = GRCGraph(store, f"t-{uuid.uuid4().hex[:12]}")
    yield api
    store.inner.remove_graph(__import__("pyoxigraph").NamedNode(str(api.workspace.graph)))


def status(g: GRCGraph, evidence: str, requirement: str, chain_length: int = 1) -> str:
    frame = g.coverage(evidence, on=DAY, chain_length=chain_length)
    row = frame[frame.requirement == requirement]
    return str(row.coverage.iloc[0]) if len(row) else "unreached"


def test_direct_full_and_partial(g: GRCGraph) -> None:
    g.add_evidence("e1", "Event log configuration", "configuration", requirements=["A.6.2.8"], asserted_by="ciso")
    g.add_evidence("e2", "Partial logging", "configuration", requirements=["A.6.2.8"], extent="partial", asserted_by="ciso")
    assert status(g, "e1", "iso42001:A.6.2.8") == "covered"
    assert status(g, "e2", "iso42001:A.6.2.8") == "partial"


def test_intersects_with_gives_partial(g: GRCGraph) -> None:
    # real row: iso42001:A.6.2.8 grc:intersectsWith euaiact:art-12-1
    g.add_evidence("e1", "Event logs", "configuration", requirements=["iso42001:A.6.2.8"], asserted_by="ciso")
    assert status(g, "e1", "euaiact:art-12-1") == "partial"


def test_supports_gives_partial(g: GRCGraph) -> None:
    # real row: iso27001:A.8.29 grc:supports euaiact:art-15-5
    g.add_evidence("e1", "Security testing report", "test-result", requirements=["iso27001:A.8.29"], asserted_by="qa")
    assert status(g, "e1", "euaiact:art-15-5") == "partial"


def test_inverse_reading(g: GRCGraph) -> None:
    # the same intersectsWith row, read from the EU side
    g.add_evidence("e1", "Logging capability", "documentation", requirements=["Art. 12(1)"], asserted_by="eng")
    assert status(g, "e1", "iso42001:A.6.2.8") == "partial"


def test_is_supported_by_gives_only_related(g: GRCGraph) -> None:
    # real row: iso42001:A.5.3 grc:isSupportedBy iso27001:A.5.33
    g.add_evidence("e1", "Impact assessment records", "record", requirements=["iso42001:A.5.3"], asserted_by="dpo")
    assert status(g, "e1", "iso27001:A.5.33") == "related"


def test_concept_link_is_a_lead_never_coverage(g: GRCGraph) -> None:
    # published row: nistairmf:GOVERN-1.1 grc:relatedTo iso42001:4.1
    g.add_evidence("e1", "Legal register", "record", requirements=["GOVERN 1.1"], asserted_by="legal")
    assert status(g, "e1", "iso42001:4.1") == "related"
    gaps = g.gaps("iso42001", on=DAY)
    assert gaps.loc[gaps.requirement == "iso42001:4.1", "status"].iloc[0] == "related"


def test_no_relationship_gives_nothing(g: GRCGraph) -> None:
    # real row: iso42001:A.2.4 grc:noRelationship euaiact:art-17-1
    g.add_evidence("e1", "Policy review minutes", "record", requirements=["iso42001:A.2.4"], asserted_by="ciso")
    paths = g.explain("e1", "Art. 17(1)", on=DAY)
    assert all("noRelationship" not in {h.predicate for h in p.hops} for p in paths)


def test_partial_never_yields_more_than_partial(g: GRCGraph) -> None:
    g.add_evidence("e1", "Some logging", "configuration", requirements=["iso42001:A.6.2.8"], extent="partial", asserted_by="ciso")
    frame = g.coverage("e1", on=DAY)
    assert set(frame[frame.requirement != "iso42001:A.6.2.8"].coverage) <= {"partial", "related"}


def test_chaining_is_off_by_default_and_flagged_when_on(g: GRCGraph) -> None:
    g.add_evidence("e1", "Logging standard", "policy", requirements=["iso27001:A.8.15"], asserted_by="ciso")
    direct = g.coverage("e1", on=DAY)
    chained = g.coverage("e1", on=DAY, chain_length=2)
    new = set(chained.requirement) - set(direct.requirement)
    assert new, "a chain of two mappings reaches requirements that no direct mapping does"
    rows = chained[chained.requirement.isin(new)]
    assert rows.inferred.all()
    assert set(rows.coverage) <= {"partial", "related"}
    assert not direct.inferred.any()


def test_composition_table() -> None:
    assert compose("equal", "subsetOf") == "subsetOf"
    assert compose("subsetOf", "equal") == "subsetOf"
    assert compose("subsetOf", "subsetOf") == "subsetOf"
    assert compose("supersetOf", "supersetOf") == "supersetOf"
    assert compose("supersetOf", "subsetOf") == "intersectsWith"
    assert compose("supersetOf", "intersectsWith") == "intersectsWith"
    assert compose("intersectsWith", "subsetOf") == "intersectsWith"
    assert compose("intersectsWith", "supersetOf") == "relatedTo"
    assert compose("intersectsWith", "intersectsWith") == "relatedTo"
    assert compose("subsetOf", "supersetOf") == "relatedTo"
    assert compose("supports", "supports") == "relatedTo"
    assert compose("supersetOf", "supports") == "supports"
    assert compose("supports", "subsetOf") == "supports"
    assert compose("supports", "equal") == "supports"
    assert compose("relatedTo", "supersetOf") == "relatedTo"
    assert compose("noRelationship", "equal") is None
    assert compose("equal", "contrary") is None


def test_stale_evidence_is_shown_not_counted(g: GRCGraph) -> None:
    g.add_evidence(
        "e1",
        "Log retention setting",
        "configuration",
        requirements=["A.6.2.8"],
        asserted_by="ciso",
        collected_on=dt.date(2025, 1, 1),
        valid_until=dt.date(2025, 12, 31),
    )
    assert status(g, "e1", "iso42001:A.6.2.8") == "stale"
    assert g.coverage("e1", on=dt.date(2025, 6, 1)).set_index("requirement").loc["iso42001:A.6.2.8", "coverage"] == "covered"
    gaps = g.gaps("iso42001", on=DAY)
    row = gaps[gaps.requirement == "iso42001:A.6.2.8"].iloc[0]
    assert row.status == "stale" and row.stale_evidence == "e1" and row.evidence == ""


def test_explanation_names_every_hop(g: GRCGraph) -> None:
    g.add_evidence("e1", "Event logs", "configuration", requirements=["A.6.2.8"], asserted_by="ciso")
    (path,) = g.explain("e1", "Art. 12(1)", on=DAY)
    assert path.link.asserted_by == "ciso" and path.link.extent == "full"
    (hop,) = path.hops
    assert (hop.subject, hop.predicate, hop.object) == ("iso42001:A.6.2.8", "intersectsWith", "euaiact:art-12-1")
    assert hop.rationale == "semantic" and hop.confidence is not None
    assert "42001" in hop.source and hop.comment


def test_hierarchy_rolls_up(g: GRCGraph) -> None:
    g.add_evidence("p1", "AI policy", "policy", requirements=["A.2.2"], asserted_by="ceo")
    gaps = g.gaps("iso42001", on=DAY).set_index("requirement")
    assert gaps.loc["iso42001:A.2.2", "status"] == "covered"
    assert gaps.loc["iso42001:A.2", "status"] == "partial"
    g.add_evidence("p2", "Policy alignment", "record", requirements=["A.2.3", "A.2.4"], asserted_by="ceo")
    gaps = g.gaps("iso42001", on=DAY).set_index("requirement")
    assert gaps.loc["iso42001:A.2", "status"] == "covered"


def test_statement_of_applicability_excludes_controls(g: GRCGraph) -> None:
    g.set_applicability("A.10.4", included=False, reason="We have no customers for AI systems.")
    g.set_applicability("A.2.2", included=True, reason="Policy required.")
    gaps = g.gaps("iso42001", on=DAY).set_index("requirement")
    assert gaps.loc["iso42001:A.10.4", "status"] == "not applicable"
    assert "no customers" in gaps.loc["iso42001:A.10.4", "reason"]
    soa = g.soa().set_index("control")
    assert not soa.loc["iso42001:A.10.4", "included"] and soa.loc["iso42001:A.2.2", "included"]
    assert len(soa) == 38 + 93


def test_eu_provisions_by_role_category_and_date(g: GRCGraph) -> None:
    g.add_system("credit", "Credit scoring", ["provider"], "high-risk-annex-iii")
    g.add_system("hr", "CV screening", ["deployer"], "high-risk-annex-iii")
    g.add_system("model", "Foundation model", ["provider"], "gpai-systemic", generative=True)
    g.add_system("bot", "Chatbot", ["provider"], "transparency", generative=True)
    provider = g.applicable("credit", on=DAY).set_index("curie")
    for article in [*range(9, 18), 43, 47, 48, 49, 72, 73]:
        assert any(c == f"euaiact:art-{article}" or c.startswith(f"euaiact:art-{article}-") for c in provider.index), article
    assert provider.loc["euaiact:art-9", "applies_from"] == dt.date(2027, 12, 2)
    assert not provider.loc["euaiact:art-9", "in_force"]
    assert provider.loc["euaiact:art-4", "in_force"]
    deployer = g.applicable("hr", on=DAY)
    assert any(c.startswith("euaiact:art-26") for c in deployer.curie) and any(c.startswith("euaiact:art-27") for c in deployer.curie)
    assert not any(c.startswith("euaiact:art-9") for c in deployer.curie)
    model = g.applicable("model", on=DAY)
    assert any(c.startswith("euaiact:art-53") for c in model.curie) and any(c.startswith("euaiact:art-55") for c in model.curie)
    bot = g.applicable("bot", on=DAY)
    assert "euaiact:art-50-1" in set(bot.curie) and "euaiact:art-50-3" not in set(bot.curie)
    for frame in (provider.reset_index(), deployer, model, bot):
        assert "euaiact:art-4" in set(frame.curie)


def test_eu_gaps_scoped_to_a_system_and_date(g: GRCGraph) -> None:
    g.add_system("credit", "Credit scoring", ["provider"], "high-risk-annex-iii")
    g.add_evidence("logs", "Logging design", "documentation", requirements=["Art. 12(1)"], asserted_by="eng", system="credit")
    before = g.gaps("euaiact", system="credit", on=DAY).set_index("requirement")
    assert before.loc["euaiact:art-12-1", "status"] == "not applicable"
    assert "2027-12-02" in before.loc["euaiact:art-12-1", "reason"]
    after = g.gaps("euaiact", system="credit", on=dt.date(2028, 1, 1)).set_index("requirement")
    assert after.loc["euaiact:art-12-1", "status"] == "covered"
    assert after.loc["euaiact:art-12", "status"] == "partial"
    assert after.loc["euaiact:art-50-3", "status"] == "not applicable"


def test_genai_profile_applies_to_generative_systems(g: GRCGraph) -> None:
    g.add_system("credit", "Credit scoring", ["provider"], "high-risk-annex-iii")
    assert set(g.gaps("nistgai", system="credit", on=DAY).status) == {"not applicable"}
    g.add_system("bot", "Chatbot", ["provider"], "transparency", generative=True)
    assert "uncovered" in set(g.gaps("nistgai", system="bot", on=DAY).status)
    assert "not applicable" not in set(g.gaps("nistairmf", on=DAY).status)


def test_summary_counts_and_percentages(g: GRCGraph) -> None:
    g.add_evidence("p1", "AI policy", "policy", requirements=["A.2.2"], asserted_by="ceo")
    summary = GRCGraph.summary(g.gaps("iso42001", on=DAY)).set_index("status")
    leaves = 92 - 22  # clauses 4-10, subclauses 6.1, 7.5, 9.2, 9.3 and the 11 control areas have children: 38 controls + 32 clauses
    assert summary["count"].sum() == leaves
    assert summary.loc["covered", "count"] == 1
    assert summary.loc["covered", "percent of applicable"] == round(100 / leaves, 1)


USER_SET = """\
#curie_map:
#  grc: https://w3id.org/grcgraph/vocab#
#  grcgraph: https://w3id.org/grcgraph/
#  iso42001: https://w3id.org/grcgraph/iso42001-2023/
#  iso27001: https://w3id.org/grcgraph/iso27001-2022/
#  semapv: https://w3id.org/semapv/vocab/
#mapping_set_id: https://example.org/strong
#mapping_set_version: "1"
#license: https://creativecommons.org/licenses/by/4.0/
#creator_id:
#  - grcgraph:project
#mapping_date: "2026-11-22"
#extension_definitions:
#  - slot_name: rationale
#    property: grc:rationale
#    type_hint: xsd:string
subject_id\tpredicate_id\tobject_id\tmapping_justification\tconfidence\tcomment\trationale
iso42001:7.2\tgrc:supersetOf\tiso27001:7.2\tsemapv:ManualMappingCuration\t0.9\tsuperset\tsemantic
iso42001:7.3\tgrc:equal\tiso27001:A.6.3\tsemapv:ManualMappingCuration\t0.9\tequal\tsemantic
iso27001:A.5.1\tgrc:integralTo\tiso42001:A.2.2\tsemapv:ManualMappingCuration\t0.9\tintegral\tfunctional
iso42001:A.4.2\tgrc:contrary\tiso27001:A.7.7\tsemapv:ManualMappingCuration\t0.9\tcontrary\t
"""


@pytest.fixture(scope="module")
def strong(sources: ReferenceSources) -> Iterator[GRCGraph]:
    """Rules for relationships no bundled set uses, through a mapping set of the user's own."""
    store = open_store(None)
    load_reference(store, replace(sources, mapping_sets=[*sources.mapping_sets, SourceFile("strong.sssom.tsv", USER_SET)]))
    yield GRCGraph(store, "strong")
    store.close()


@pytest.mark.parametrize(
    ("evidence_on", "target", "expected"),
    [
        ("iso42001:7.2", "iso27001:7.2", "covered"),  # superset of -> full
        ("iso27001:7.2", "iso42001:7.2", "partial"),  # read inversely: subset of -> partial
        ("iso42001:7.3", "iso27001:A.6.3", "covered"),  # equal -> full
        ("iso42001:A.2.2", "iso27001:A.5.1", "covered"),  # R' integral to R -> full
        ("iso27001:A.5.1", "iso42001:A.2.2", "partial"),  # integral to -> partial
        ("iso42001:A.4.2", "iso27001:A.7.7", "unreached"),  # contrary -> nothing
    ],
)
def test_full_carrying_relationships(strong: GRCGraph, evidence_on: str, target: str, expected: str) -> None:
    evidence_id = "ev-" + evidence_on.replace(":", "-")
    if not strong.workspace.has_evidence(evidence_id):
        strong.add_evidence(evidence_id, "Evidence", "record", requirements=[evidence_on], asserted_by="auditor")
    assert status(strong, evidence_id, target) == expected


def test_stale_evidence_among_many(g: GRCGraph) -> None:
    """Expiry dates are read in bulk when a gap report covers many items; staleness must survive that."""
    from grcgraph.model import EvidenceInput, EvidenceLinkInput

    items = [
        EvidenceInput(
            id=f"p{n}",
            title=f"Policy {n}",
            kind="policy",
            links=[EvidenceLinkInput("A.2.2", asserted_by="ceo")],
            valid_until=dt.date(2030, 1, 1),
        )
        for n in range(40)
    ]
    items.append(
        EvidenceInput(
            id="old",
            title="Old log setting",
            kind="configuration",
            links=[EvidenceLinkInput("A.6.2.8", asserted_by="ciso")],
            valid_until=dt.date(2025, 1, 1),
        )
    )
    g.workspace.put_evidence(items)
    assert len(g.workspace.expiry({item.id for item in items})) == 41
    gaps = g.gaps("iso42001", on=DAY).set_index("requirement")
    assert gaps.loc["iso42001:A.6.2.8", "status"] == "stale" and gaps.loc["iso42001:A.6.2.8", "stale_evidence"] == "old"
    assert gaps.loc["iso42001:A.2.2", "status"] == "covered"
