"""The AIMS loop through the GraphQL API of a real `grcgraph serve`: inventory -> risk assessment
-> impact assessment -> SoA -> evidence -> objective with measurements crossing its threshold ->
nonconformity -> corrective action -> management review. After each step the ISO/IEC 42001 and
EU AI Act gap reports of the system change as docs/aims.md documents: its scenario table is read
here and every row checked (status before and after, and the record among the evidence)."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from repo import ROOT
from servers import ApiServer, cli

ON = "2028-01-15"
NON_UNCOVERED = ["COVERED", "PARTIAL", "RELATED", "STALE", "NOT_APPLICABLE"]
GAPS = """query($framework: String!, $status: [CoverageStatus!], $after: String) {
  gaps(framework: $framework, system: "credit", on: "2028-01-15", first: 100, after: $after, status: $status) {
    edges { node { requirement { id: localId } status evidence staleEvidence } } pageInfo { hasNextPage endCursor } } }"""

STEPS: dict[str, tuple[str, dict[str, Any]]] = {
    "1": (
        'mutation { createSystem(input: {id: "credit", name: "Credit scoring", roles: [PROVIDER, DEPLOYER], '
        'category: HIGH_RISK_ANNEX_III, nextReview: "2028-06-30"}) { id: localId } }',
        {},
    ),
    "2": (
        'mutation { createRisk(input: {id: "R-1", title: "Biased credit scores", systems: ["credit"], '
        'gaiRisk: "Harmful Bias and Homogenization", likelihood: 4, severity: 4, status: TREATED, treatment: MITIGATE, '
        'residualLikelihood: 2, residualSeverity: 3, controls: ["iso42001:A.7.4"], assessedOn: "2028-01-05", nextReview: "2028-07-01"}) '
        "{ id: localId inherentLevel residualLevel } }",
        {},
    ),
    "3a": (
        'mutation { createImpactAssessment(input: {id: "IA-1", system: "credit", assessedOn: "2028-01-06", assessor: "dpo@example.org", '
        'intendedUse: "Scoring consumer credit applications", affected: ["applicants"], impacts: [{area: FUNDAMENTAL_RIGHTS, '
        'description: "Unequal access to credit", severity: 4, likelihood: 2, mitigation: "Fairness tests"}]}) { id: localId state } }',
        {},
    ),
    "3b": (
        'mutation { updateImpactAssessment(input: {id: "IA-1", decision: APPROVE, approver: "board@example.org", '
        'decidedOn: "2028-01-08", nextReview: "2029-01-08"}) { state servesAsFria } }',
        {},
    ),
    "4": ('mutation { setApplicability(control: "iso42001:A.10.4", included: false, reason: "No customers of AI") { included } }', {}),
    "5": (
        'mutation { createEvidence(input: {id: "log-retention", title: "Log retention set to 12 months", kind: CONFIGURATION, '
        'links: [{requirement: "A.6.2.8", assertedBy: "ciso@example.org"}]}) { id: localId } }',
        {},
    ),
    "6a": (
        'mutation { createObjective(input: {id: "acc", title: "Approval accuracy", metric: "accuracy", direction: HIGHER, '
        'target: 0.9, threshold: 0.85, systems: ["credit"], requirements: ["iso42001:A.6.2.6"]}) { id: localId } }',
        {},
    ),
    "6b": (
        "mutation($items: [MeasurementItemInput!]!) { recordMeasurements(items: $items) { count } }",
        {
            "items": [
                {"objective": "acc", "value": value, "at": f"2028-01-{day}T02:00:00Z", "recordedBy": "ci/nightly-eval"}
                for day, value in (("10", 0.93), ("11", 0.91), ("12", 0.84))
            ]
        },
    ),
    "7": (
        'mutation { openNonconformity(objective: "acc", id: "NC-1", on: "2028-01-13") { id: localId source system requirements { id: localId } } }',
        {},
    ),
    "8": (
        'mutation { createCorrectiveAction(input: {id: "CA-1", nonconformity: "NC-1", title: "Retrain on the 2027 data", '
        'owner: "ml-lead@example.org", due: "2028-01-14", status: DONE, effective: true, verifiedOn: "2028-01-14", '
        'verifiedBy: "auditor@example.org"}) { state } }',
        {},
    ),
    "9": (
        'mutation { createReview(input: {id: "MR-1", kind: AIMS, reviewedOn: "2028-01-15", outcome: "AIMS effective", '
        'participants: ["ceo@example.org"], nextReview: "2029-01-15"}) { id: localId } }',
        {},
    ),
}


def documented() -> list[tuple[str, str, str, str, str]]:
    """(step, requirement, before, after, new evidence) of each row of docs/aims.md's scenario table."""
    text = (ROOT / "docs" / "aims.md").read_text(encoding="utf-8")
    table = text.split("<!-- scenario table: read by tests/server/test_aims_scenario.py -->", 1)[1].strip().split("\n\n", 1)[0]
    rows = []
    for line in table.splitlines()[2:]:
        cells = [c.strip() for c in line.strip().strip("|").split("|")]
        rows.append((cells[0], cells[2], cells[3], cells[4], cells[5]))
    return rows


@pytest.fixture(scope="module")
def data_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("aims-store")


@pytest.fixture(scope="module")
def server(data_dir: Path) -> Iterator[ApiServer]:
    srv = ApiServer("--data-dir", str(data_dir), ready_seconds=90, request_seconds=120)
    for name, workspace, role in (("editor", "acme", "editor"), ("reader", "acme", "reader"), ("other", "globex", "editor")):
        srv.tokens[name] = cli("token", "create", "--workspace", workspace, "--role", role, data_dir=data_dir)
    srv.start()
    yield srv
    srv.stop()


def report(server: ApiServer, framework: str) -> dict[str, tuple[str, list[str]]] | None:
    """Requirement id -> (status, evidence and stale evidence) of the system's gap report (rows not
    listed are uncovered); None while the system is not in the inventory."""
    rows: dict[str, tuple[str, list[str]]] = {}
    after = None
    while True:
        body = server.gql(GAPS, {"framework": framework, "status": NON_UNCOVERED, "after": after}, token="reader")
        if body.get("errors"):
            assert body["errors"][0]["extensions"]["code"] == "NOT_FOUND", body["errors"]
            return None
        page = body["data"]["gaps"]
        rows |= {
            # the status as the documentation writes it: NOT_APPLICABLE -> not applicable
            e["node"]["requirement"]["id"]: (
                e["node"]["status"].lower().replace("_", " "),
                e["node"]["evidence"] + e["node"]["staleEvidence"],
            )
            for e in page["edges"]
        }
        if not page["pageInfo"]["hasNextPage"]:
            return rows
        after = page["pageInfo"]["endCursor"]


def status_of(reports: dict[str, dict[str, tuple[str, list[str]]] | None], requirement: str) -> tuple[str, list[str]]:
    found = reports[requirement.split(":", maxsplit=1)[0]]
    if found is None:
        return "—", []
    return found.get(requirement, ("uncovered", []))


def test_the_loop_changes_the_gap_reports_as_documented(server: ApiServer, data_dir: Path) -> None:
    rows = documented()
    assert {row[0] for row in rows} == set(STEPS), "every step of the loop has its documented rows"
    reports = {f: report(server, f) for f in ("iso42001", "euaiact")}
    for step, (mutation, variables) in STEPS.items():
        if step == "7":  # not before the breach: the objective is breached only after 6b
            objective = server.data(f'{{ objective(id: "acc") {{ status(on: "{ON}") {{ status reason }} }} }}', token="reader")
            assert objective["objective"]["status"] == {"status": "BREACHED", "reason": "0.84 is below the threshold 0.85"}
        answer = server.data(mutation, variables)
        after = {f: report(server, f) for f in ("iso42001", "euaiact")}
        for row_step, requirement, before, expected, evidence in rows:
            if row_step != step:
                continue
            assert status_of(reports, requirement)[0] == before, (step, requirement, "before")
            status, keys = status_of(after, requirement)
            assert status == expected, (step, requirement, "after", status, keys)
            if evidence:  # among its evidence after the step; where the status stays, that is the change
                assert evidence in keys, (step, requirement, keys)
                assert before != expected or evidence not in status_of(reports, requirement)[1], (step, requirement)
        if step == "3a":  # a draft evidences nothing
            assert not any("impact-assessment/IA-1" in keys for found in after.values() for _status, keys in (found or {}).values())
        reports = after
        if step == "3b":
            assert answer["updateImpactAssessment"] == {"state": "APPROVE", "servesAsFria": True}
        if step == "7":
            nc = answer["openNonconformity"]
            assert (nc["source"], nc["system"], [r["id"] for r in nc["requirements"]]) == ("OBJECTIVE", "credit", ["iso42001:A.6.2.6"])

    # The explanation's first hop names the record.
    coverage = server.data(
        '{ coverage(evidenceIds: ["impact-assessment/IA-1"], frameworks: ["euaiact"], on: "2028-01-15") '
        "{ requirement { id: localId } coverage paths { origin evidenceId } } }",
        token="reader",
    )["coverage"]
    art27 = next(row for row in coverage if row["requirement"]["id"] == "euaiact:art-27-1")
    assert art27["coverage"] == "COVERED"
    assert art27["paths"][0]["origin"] == "impact assessment IA-1 of system credit, approved 2028-01-08"

    # Everything past its next review, on a later date: the system and the risk.
    overdue = server.data('{ overdue(on: "2028-08-01") { kind id daysOverdue } }', token="reader")["overdue"]
    assert [(o["kind"], o["id"]) for o in overdue] == [("system", "credit"), ("risk", "R-1")]
    # and the risk past its next review is stale evidence
    later = server.gql(GAPS.replace('on: "2028-01-15"', 'on: "2028-08-01"'), {"framework": "iso42001", "status": ["STALE"]}, token="reader")
    stale = {e["node"]["requirement"]["id"]: e["node"]["staleEvidence"] for e in later["data"]["gaps"]["edges"]}
    assert "risk/R-1" in stale["iso42001:6.1.3"]

    # The registers read on the command line while the server holds the store (the reads it shares).
    beside = {"COLUMNS": "250"}
    assert "R-1" in cli("risks", "list", "--workspace", "acme", data_dir=data_dir, env=beside)
    assert "CA-1" in cli("actions", "list", "--workspace", "acme", data_dir=data_dir, env=beside)
    assert "acme" in cli("reviews", "list", "--workspace", "acme", data_dir=data_dir, env=beside)
    assert "IA-1" in cli("assessments", "list", "--workspace", "acme", data_dir=data_dir, env=beside)
    assert "acc" in cli("objectives", "list", "--workspace", "acme", "--on", "2028-01-15", data_dir=data_dir, env=beside)
    assert "0.84" in cli("measurements", "list", "acc", "--workspace", "acme", data_dir=data_dir, env=beside)
    assert "NC-" in cli("nonconformities", "list", "--workspace", "acme", data_dir=data_dir, env=beside)
    assert "R-1" in cli("overdue", "--workspace", "acme", "--on", "2028-08-01", data_dir=data_dir, env=beside)
    assert "none" in cli("actions", "list", "--workspace", "globex", data_dir=data_dir, env=beside)


def test_bad_input_over_graphql_names_the_field_and_writes_nothing(server: ApiServer) -> None:
    # another workspace's system
    server.data(
        'mutation { createSystem(input: {id: "bot", name: "Bot", roles: [PROVIDER], category: TRANSPARENCY}) { id: localId } }',
        token="other",
    )
    before = server.data("{ risks { totalCount } }", token="reader")["risks"]["totalCount"]
    body = server.gql(
        'mutation { createRisk(input: {id: "R-9", title: "Leak", likelihood: 6, severity: 2, status: ASSESSED, systems: ["bot"]}) { id: localId } }'
    )
    problems = {p["field"]: p["message"] for p in body["errors"][0]["extensions"]["problems"]}
    assert body["errors"][0]["extensions"]["code"] == "INVALID_INPUT"
    assert "outside the workspace's risk scale 1-5" in problems["input.likelihood"]
    assert "no AI system 'bot' in workspace 'acme'" in problems["input.systems[0]"]
    assert server.data("{ risks { totalCount } }", token="reader")["risks"]["totalCount"] == before

    server.data(
        'mutation { createObjective(input: {id: "lat", title: "Latency", metric: "p95", unit: "ms", direction: LOWER, target: 200, threshold: 400}) { id: localId } }'
    )
    items = [{"objective": "lat", "value": 180, "at": "2028-02-01T02:00:00Z", "recordedBy": "ci"}]
    unknown = [*items, {"objective": "nope", "value": 0.9, "at": "2028-02-02T02:00:00Z", "recordedBy": "ci"}]
    batch = "mutation($items: [MeasurementItemInput!]!) { recordMeasurements(items: $items) { count } }"
    body = server.gql(batch, {"items": unknown})
    assert [p["field"] for p in body["errors"][0]["extensions"]["problems"]] == ["items[1].objective"]
    body = server.gql(batch, {"items": [{**items[0], "value": "high"}]})
    assert body["errors"][0]["extensions"]["code"] == "INVALID_INPUT" and re.search(r"\[0\]\.value", body["errors"][0]["message"])
    total = server.data('{ objective(id: "lat") { measurements { totalCount } } }', token="reader")["objective"]["measurements"]
    assert total["totalCount"] == 0  # nothing of the refused batches
    assert server.data(batch, {"items": items})["recordMeasurements"]["count"] == 1

    server.data(
        'mutation { createNonconformity(input: {id: "NC-9", title: "x", foundOn: "2028-01-02", source: INCIDENT}) { id: localId } }'
    )
    server.data('mutation { updateNonconformity(input: {id: "NC-9", status: CLOSED, closedOn: "2028-01-03"}) { status } }')
    body = server.gql(
        'mutation { createCorrectiveAction(input: {id: "CA-9", nonconformity: "NC-9", title: "t", owner: "o", due: "2028-02-01"}) { id: localId } }'
    )
    assert "was closed on 2028-01-03" in body["errors"][0]["extensions"]["problems"][0]["message"]
    assert body["errors"][0]["extensions"]["problems"][0]["field"] == "input.nonconformity"
    assert (
        server.data('{ correctiveActions(nonconformity: "NC-9") { totalCount } }', token="reader")["correctiveActions"]["totalCount"] == 0
    )
    settings = server.gql("mutation { setAimsSettings(riskScale: 3) { riskScale } }")
    problem = settings["errors"][0]["extensions"]["problems"][0]
    assert problem["field"] == "riskScale" and "risk 'R-1' has a likelihood of 4, above 3" in problem["message"]
    assert server.data("{ aimsSettings { riskScale staleAfterDays } }", token="reader")["aimsSettings"] == {
        "riskScale": 5,
        "staleAfterDays": 30,
    }
    refused = server.gql('mutation { createRisk(input: {id: "R-8", title: "t"}) { id: localId } }', token="reader")
    assert refused["errors"][0]["extensions"]["code"] == "FORBIDDEN"
