"""The AI management system's records are checked before anything is stored: every bad input of
issue 14's list is refused with a problem at its field, and the workspace graph is left as it was;
good records read back as written, and a review moves its subject's next review."""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Callable, Iterator
from pathlib import Path

import pyoxigraph as ox
import pytest

from grcgraph.api import GRCGraph
from grcgraph.errors import DataError, InvalidInputError
from grcgraph.model import (
    CorrectiveActionInput,
    ImpactAssessmentInput,
    ImpactInput,
    MeasurementInput,
    NonconformityInput,
    ObjectiveInput,
    ReviewInput,
    RiskInput,
)
from grcgraph.store.base import GraphStore

DAY = dt.date(2026, 11, 3)
AT = dt.datetime(2026, 11, 3, 2, tzinfo=dt.UTC)


def graph_size(g: GRCGraph) -> int:
    return sum(1 for _ in g.store.inner.quads_for_pattern(None, None, None, ox.NamedNode(str(g.workspace.graph))))


def fresh(store: GraphStore) -> GRCGraph:
    return GRCGraph(store, f"a-{uuid.uuid4().hex[:12]}")


@pytest.fixture
def g(store: GraphStore) -> Iterator[GRCGraph]:
    """A workspace with an AI system, a risk, an assessed impact assessment, an objective and a closed nonconformity."""
    api = fresh(store)
    api.add_system("credit", "Credit scoring", ["deployer"], "high-risk-annex-iii")
    api.put_risk(RiskInput(id="R-1", title="Biased scores", systems=["credit"], assessed_on=DAY))
    api.put_impact_assessment(ImpactAssessmentInput(id="IA-1", system="credit", assessed_on=DAY, assessor="dpo@example.org"))
    api.put_objective(ObjectiveInput(id="acc", title="Accuracy", metric="accuracy", direction="higher", target=0.9, threshold=0.85))
    api.put_nonconformity(NonconformityInput(id="NC-1", title="Logs missing", found_on=DAY, source="internal-audit"))
    api.put_corrective_action(
        CorrectiveActionInput(id="CA-1", nonconformity="NC-1", title="Turn logs on", owner="ops", due=DAY, status="done")
    )
    api.update_record("nonconformity", "NC-1", {"status": "closed", "closed_on": DAY})
    yield api
    store.inner.remove_graph(ox.NamedNode(str(api.workspace.graph)))


def refused(g: GRCGraph, write: Callable[[], object], field: str, words: str) -> None:
    """`write` is refused with a problem at `field` saying `words`, and the workspace is unchanged."""
    before, revision = graph_size(g), g.revision()
    with pytest.raises(InvalidInputError) as caught:
        write()
    assert any(p.field == field and words in p.message for p in caught.value.problems), caught.value.problems
    assert (graph_size(g), g.revision()) == (before, revision)


def test_a_likelihood_outside_the_scale(g: GRCGraph) -> None:
    item = RiskInput(id="R-2", title="Drift", likelihood=6, severity=2, status="assessed")
    refused(g, lambda: g.put_risk(item), "risk.likelihood", "outside the workspace's risk scale 1-5")
    assert not g.has_record("risk", "R-2")
    # the scale is the workspace's: on a scale of 1-10 the same risk is stored
    g.set_aims_settings(risk_scale=10)
    g.put_risk(item)
    assert g.record("risk", "R-2").likelihood == 6  # type: ignore[union-attr]
    # and the scale cannot shrink below a stored value
    refused(g, lambda: g.set_aims_settings(risk_scale=5), "settings.riskScale", "has a likelihood of 6, above 5")


def test_a_review_date_before_the_assessment_date(g: GRCGraph) -> None:
    early = DAY - dt.timedelta(days=10)
    item = ImpactAssessmentInput(id="IA-2", system="credit", assessed_on=DAY, assessor="dpo", next_review=early)
    refused(g, lambda: g.put_impact_assessment(item), "impactAssessment.nextReview", "is before the assessment date 2026-11-03")
    review = ReviewInput(id="RV-1", kind="impact-assessment", subject="IA-1", reviewed_on=early, outcome="fine")
    refused(g, lambda: g.put_review(review), "review.reviewedOn", "is before the date impact assessment IA-1 was assessed")
    risk = RiskInput(id="R-1", title="Biased scores", assessed_on=DAY, next_review=early)
    refused(g, lambda: g.put_risk(risk), "risk.nextReview", "before the assessment date")


def test_a_measurement_for_an_unknown_objective_or_with_a_non_numeric_value(g: GRCGraph) -> None:
    good = MeasurementInput(objective="acc", value=0.91, at=AT, recorded_by="ci")
    unknown = MeasurementInput(objective="nope", value=0.9, at=AT, recorded_by="ci")
    text = MeasurementInput(objective="acc", value="high", at=AT + dt.timedelta(hours=1), recorded_by="ci")
    refused(g, lambda: g.record_measurements([good, unknown]), "items[1].objective", "no objective 'nope'")
    refused(g, lambda: g.record_measurements([good, text]), "items[1].value", "'high' is not a finite number")
    nan = MeasurementInput(objective="acc", value=float("nan"), at=AT, recorded_by="ci")
    refused(g, lambda: g.record_measurements([nan]), "items[0].value", "not a finite number")
    bad_time = MeasurementInput(objective="acc", value=0.9, at="yesterday", recorded_by="ci")
    refused(g, lambda: g.record_measurements([bad_time]), "items[0].at", "is not a date and time")
    assert g.measurement_list("acc") == []
    assert g.record_measurements([good]) == 1


def test_a_corrective_action_on_a_closed_nonconformity(g: GRCGraph) -> None:
    item = CorrectiveActionInput(id="CA-2", nonconformity="NC-1", title="More logs", owner="ops", due=DAY)
    refused(g, lambda: g.put_corrective_action(item), "correctiveAction.nonconformity", "was closed on 2026-11-03")
    refused(g, lambda: g.update_record("corrective-action", "CA-1", {"title": "Changed"}), "correctiveAction.nonconformity", "was closed")


def test_closing_a_nonconformity_needs_its_actions_done(g: GRCGraph) -> None:
    g.put_nonconformity(NonconformityInput(id="NC-2", title="No review", found_on=DAY, source="review"))
    g.put_corrective_action(CorrectiveActionInput(id="CA-3", nonconformity="NC-2", title="Review", owner="ciso", due=DAY))
    close = {"status": "closed", "closed_on": DAY}
    refused(g, lambda: g.update_record("nonconformity", "NC-2", close), "nonconformity.status", "'CA-3' is planned")


def test_a_risk_linked_to_another_workspaces_system(g: GRCGraph, store: GraphStore) -> None:
    other = fresh(store)
    other.add_system("chatbot", "Support chatbot", ["provider"], "transparency")
    item = RiskInput(id="R-9", title="Leaks", systems=["chatbot"])
    refused(g, lambda: g.put_risk(item), "risk.systems[0]", f"no AI system 'chatbot' in workspace {g.workspace.name!r}")
    assert other.put_risk(item) == "R-9"  # in its own workspace it is fine
    assert not g.has_record("risk", "R-9")


def test_every_problem_of_one_input_at_once(g: GRCGraph) -> None:
    item = RiskInput(id="R-3", title="", likelihood=0, severity=9, treatment="ignore", controls=["A.99"], status="treated")
    with pytest.raises(InvalidInputError) as caught:
        g.put_risk(item)
    fields = {p.field for p in caught.value.problems}
    assert {"risk.title", "risk.likelihood", "risk.severity", "risk.treatment", "risk.controls[0]"} <= fields


def test_a_measurements_file_names_line_and_column(g: GRCGraph, tmp_path: Path) -> None:
    file = tmp_path / "m.csv"
    file.write_text("objective,value,at\nacc,0.93,2026-11-01T02:00:00Z\nacc,abc,2026-11-02T02:00:00Z\nacc,0.9,tomorrow\n")
    with pytest.raises(DataError) as caught:
        g.import_measurements(file, recorded_by="ci")
    text = str(caught.value)
    assert "m.csv:3" in text and "value" in text and "'abc' is not a number" in text
    assert "m.csv:4" in text and "at" in text
    file.write_text("objective,value,at\nacc,0.93,2026-11-01T02:00:00Z\nnope,0.9,2026-11-02T02:00:00Z\n")
    with pytest.raises(DataError) as caught:
        g.import_measurements(file, recorded_by="ci")
    assert "m.csv:3" in str(caught.value) and "no objective 'nope'" in str(caught.value)
    assert g.measurement_list("acc") == []
    file.write_text("objective,value,at,source\nacc,0.93,2026-11-01T02:00:00Z,nightly\nacc,0.91,2026-11-02T02:00:00+01:00,nightly\n")
    assert g.import_measurements(file, recorded_by="ci") == 2
    series = g.measurements("acc")
    assert list(series["value"]) == [0.93, 0.91] and list(series["source"]) == ["nightly", "nightly"]
    assert series["at"].iloc[1] == dt.datetime(2026, 11, 2, 1, tzinfo=dt.UTC)


def test_records_read_back_and_a_review_moves_the_next_review(g: GRCGraph) -> None:
    impacts = [ImpactInput("fundamental-rights", "Unequal credit access", 4, 2, "Fairness tests")]
    g.put_impact_assessment(
        ImpactAssessmentInput(
            id="IA-3",
            system="credit",
            assessed_on=DAY,
            assessor="dpo",
            impacts=impacts,
            decision="approve",
            approver="board",
            next_review=DAY + dt.timedelta(days=30),
        )
    )
    stored = g.record("impact-assessment", "IA-3")
    assert stored.impacts[0].area == "fundamental-rights" and stored.state == "approve"  # type: ignore[union-attr]
    later = DAY + dt.timedelta(days=365)
    g.put_review(
        ReviewInput(id="RV-2", kind="impact-assessment", subject="IA-3", reviewed_on=DAY, outcome="still valid", next_review=later)
    )
    moved = g.record("impact-assessment", "IA-3")
    assert moved.next_review == later and moved.impacts == stored.impacts  # type: ignore[union-attr]
    frame = g.impact_assessments()
    assert list(frame["id"]) == ["IA-1", "IA-3"] and list(frame["fria"]) == [True, True]
    assert list(frame["decision"]) == ["draft", "approve"]
    refused(g, lambda: g.delete_record("impact-assessment", "IA-3"), "id", "review 'RV-2'")
