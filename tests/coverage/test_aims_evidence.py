"""Records are evidence: coverage, explanations and gap reports count them beside evidence items,
as the vocabulary's rules say; the explanation's first hop names the record; a record past its
next review is stale; a draft or rejected assessment evidences nothing; an objective's status
comes from its series; `overdue` lists what is past its next review."""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Iterator

import pyoxigraph as ox
import pytest

from grcgraph.api import GRCGraph
from grcgraph.coverage.aims_status import objective_status
from grcgraph.model import ImpactAssessmentInput, Measurement, MeasurementInput, Objective, ObjectiveInput, ReviewInput, RiskInput
from grcgraph.store.base import GraphStore

DAY = dt.date(2026, 11, 3)


@pytest.fixture
def g(store: GraphStore) -> Iterator[GRCGraph]:
    api = GRCGraph(store, f"c-{uuid.uuid4().hex[:12]}")
    api.add_system("credit", "Credit scoring", ["deployer"], "high-risk-annex-iii")
    api.add_system("chatbot", "Support chatbot", ["provider"], "transparency")
    yield api
    store.inner.remove_graph(ox.NamedNode(str(api.workspace.graph)))


def status(g: GRCGraph, framework: str, requirement: str, on: dt.date = DAY, system: str | None = None) -> tuple[str, list[str]]:
    rows = {r.requirement.curie: r for r in g.gap_rows(framework, on=on, system=system)}
    row = rows[requirement]
    return row.status, [*row.evidence, *row.stale_evidence]


def assessment(decision: str | None, system: str = "credit", record_id: str = "IA-3", **more: object) -> ImpactAssessmentInput:
    return ImpactAssessmentInput(
        id=record_id,
        system=system,
        assessed_on=dt.date(2026, 10, 1),
        assessor="dpo@example.org",
        decision=decision,
        approver="board@example.org" if decision else None,
        decided_on=DAY if decision else None,
        **more,  # type: ignore[arg-type]
    )


def test_an_approved_assessment_covers_and_its_first_hop_names_it(g: GRCGraph) -> None:
    assert status(g, "iso42001", "iso42001:6.1.4")[0] == "uncovered"
    g.put_impact_assessment(assessment("approve"))
    assert status(g, "iso42001", "iso42001:6.1.4") == ("covered", ["impact-assessment/IA-3"])
    assert status(g, "iso42001", "iso42001:A.5.5")[0] == "covered"
    assert status(g, "euaiact", "euaiact:art-27-1", on=dt.date(2028, 1, 1))[0] == "covered"  # applies from 2027-12-02
    paths = g.explain("impact-assessment/IA-3", "Art. 27(1)", on=DAY)
    assert paths and g.first_hop(paths[0]) == "impact assessment IA-3 of system credit, approved 2026-11-03"
    coverage = g.record_coverage("impact-assessment", "IA-3", on=DAY)
    assert {"iso42001:6.1.4", "iso42001:8.4", "euaiact:art-27-1"} <= set(coverage["requirement"])


@pytest.mark.parametrize("decision", [None, "reject"])
def test_a_draft_or_rejected_assessment_evidences_nothing(g: GRCGraph, decision: str | None) -> None:
    g.put_impact_assessment(assessment(decision))
    assert g.record_for_key("impact-assessment/IA-3").links == ()
    assert status(g, "iso42001", "iso42001:6.1.4") == ("uncovered", [])
    assert g.explain("impact-assessment/IA-3", "6.1.4", on=DAY) == []


def test_the_fria_follows_the_systems_role_and_category(g: GRCGraph) -> None:
    g.put_impact_assessment(assessment("approve"))
    g.put_impact_assessment(assessment("approve", system="chatbot", record_id="IA-4"))
    frame = g.impact_assessments().set_index("id")
    assert bool(frame.loc["IA-3", "fria"]) and not bool(frame.loc["IA-4", "fria"])
    art27 = {link.requirement for link in g.record_for_key("impact-assessment/IA-4").links if "art-27" in link.requirement}
    assert art27 == set()
    assert status(g, "iso42001", "iso42001:6.1.4")[1] == ["impact-assessment/IA-3", "impact-assessment/IA-4"]


def test_a_record_past_its_next_review_is_stale(g: GRCGraph) -> None:
    g.put_impact_assessment(assessment("approve", next_review=dt.date(2027, 1, 1)))
    assert status(g, "iso42001", "iso42001:6.1.4", on=dt.date(2026, 12, 31))[0] == "covered"
    assert status(g, "iso42001", "iso42001:6.1.4", on=dt.date(2027, 1, 2)) == ("stale", ["impact-assessment/IA-3"])
    overdue = g.overdue(on=dt.date(2027, 1, 2))
    assert list(overdue["id"]) == ["IA-3"] and list(overdue["days_overdue"]) == [1]


def test_risks_evidence_once_assessed_and_treated(g: GRCGraph) -> None:
    g.put_risk(RiskInput(id="R-1", title="Biased scores", systems=["credit"]))
    assert status(g, "iso42001", "iso42001:6.1.2")[0] == "uncovered"
    g.update_record("risk", "R-1", {"status": "assessed", "likelihood": 4, "severity": 3, "assessed_on": DAY})
    assert status(g, "iso42001", "iso42001:6.1.2") == ("covered", ["risk/R-1"])
    assert status(g, "iso42001", "iso42001:6.1.3")[0] == "uncovered"
    g.update_record("risk", "R-1", {"status": "treated", "treatment": "mitigate", "residual_likelihood": 2, "residual_severity": 3})
    assert status(g, "iso42001", "iso42001:6.1.3")[0] == "covered"
    risk = g.risks().iloc[0]
    assert (risk["inherent_level"], risk["residual_level"]) == (12, 6)
    # Art. 9 is the provider's: this deployer's risk does not reach it directly
    assert not any("art-9" in link.requirement for link in g.record_for_key("risk/R-1").links)


def test_objectives_evidence_while_measured_and_go_stale(g: GRCGraph) -> None:
    g.put_objective(ObjectiveInput(id="acc", title="Accuracy", metric="accuracy", direction="higher", target=0.9, threshold=0.85))
    assert status(g, "iso42001", "iso42001:9.1")[0] == "uncovered"
    assert status(g, "iso42001", "iso42001:6.2")[0] == "partial"
    at = dt.datetime(2026, 11, 1, 2, tzinfo=dt.UTC)
    g.record_measurements([MeasurementInput("acc", 0.93, at, "ci")])
    assert status(g, "iso42001", "iso42001:9.1") == ("covered", ["objective/acc"])
    assert status(g, "iso42001", "iso42001:9.1", on=dt.date(2026, 12, 15))[0] == "stale"  # 30 days without data
    g.put_review(ReviewInput(id="MR-1", kind="aims", reviewed_on=DAY, outcome="AIMS effective", participants=["ceo"]))
    assert status(g, "iso42001", "iso42001:9.3.1") == ("covered", ["review/MR-1"])


def series(*values: float, start: dt.datetime = dt.datetime(2026, 11, 1, tzinfo=dt.UTC)) -> list[Measurement]:
    return [Measurement("acc", v, start + dt.timedelta(days=i), "ci", None) for i, v in enumerate(values)]


OBJECTIVE = Objective("acc", "Accuracy", "accuracy", "higher", 0.9, 0.85, None, (), (), None, None, None)


@pytest.mark.parametrize(
    ("values", "on", "expected"),
    [
        ((0.95, 0.94, 0.95), dt.date(2026, 11, 4), "met"),
        ((0.88,), dt.date(2026, 11, 2), "at-risk"),  # misses the target, not the threshold
        ((0.99, 0.96, 0.93), dt.date(2026, 11, 4), "at-risk"),  # meets the target, trending to the threshold
        ((0.93, 0.84), dt.date(2026, 11, 3), "breached"),
        ((0.95,), dt.date(2026, 12, 15), "no-recent-data"),
        ((), dt.date(2026, 11, 3), "no-recent-data"),
    ],
)
def test_objective_status_from_the_series(values: tuple[float, ...], on: dt.date, expected: str) -> None:
    found = objective_status(OBJECTIVE, series(*values), len(values), on=on, stale_after_days=30)
    assert found.status == expected, found.reason


def test_status_on_a_date_sees_the_series_as_it_stood_then(g: GRCGraph) -> None:
    g.put_objective(ObjectiveInput(id="acc", title="Accuracy", metric="accuracy", direction="higher", target=0.9, threshold=0.85))
    start = dt.datetime(2026, 11, 1, 2, tzinfo=dt.UTC)
    g.record_measurements([MeasurementInput("acc", v, start + dt.timedelta(days=i), "ci") for i, v in enumerate((0.95, 0.95, 0.8))])
    assert g.objective_status("acc", on=dt.date(2026, 11, 2)).status == "met"
    assert g.objective_status("acc", on=dt.date(2026, 11, 3)).status == "breached"
    assert g.objective_status("acc", on=dt.date(2026, 10, 31)).status == "no-recent-data"
    frame = g.objectives(on=dt.date(2026, 11, 3))
    assert list(frame["status"]) == ["breached"] and list(frame["latest_value"]) == [0.8]
