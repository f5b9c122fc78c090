"""Scenarios run against any grcgraph server, over the embedded store (test_server) or a remote
one (test_remote_store): helpers that assert, not tests of their own."""

from __future__ import annotations

from typing import Any

from servers import ApiServer


def error(body: dict[str, Any]) -> dict[str, Any]:
    assert body.get("errors"), body
    found: dict[str, Any] = body["errors"][0]
    return found


def code(body: dict[str, Any]) -> str:
    return str(error(body)["extensions"]["code"])


SYSTEM = {"id": "credit", "name": "Credit scoring", "roles": ["PROVIDER"], "category": "HIGH_RISK_ANNEX_III", "nextReview": "2027-01-31"}


def every_mutation_and_the_reports(server: ApiServer) -> None:
    """Every mutation and every report, each answer checked, as an editor of workspace acme."""
    created = server.data(
        "mutation($i: CreateSystemInput!) { createSystem(input: $i) { id: localId name roles category nextReview } }", {"i": SYSTEM}
    )["createSystem"]
    assert created == {**SYSTEM, "nextReview": "2027-01-31"}
    again = server.gql("mutation($i: CreateSystemInput!) { createSystem(input: $i) { id: localId } }", {"i": SYSTEM})
    assert code(again) == "INVALID_INPUT"
    updated = server.data('mutation { updateSystem(input: {id: "credit", purpose: "Loan decisions"}) { name purpose roles } }')
    assert updated["updateSystem"] == {"name": "Credit scoring", "purpose": "Loan decisions", "roles": ["PROVIDER"]}
    assert [s["id"] for s in server.data("{ systems { id: localId } }")["systems"]] == ["credit"]

    evidence = {
        "id": "log-retention",
        "title": "Log retention 12 months",
        "kind": "CONFIGURATION",
        "collectedOn": "2026-01-15",
        "links": [
            {"requirement": "A.6.2.8", "assertedBy": "ciso@example.org"},
            {"requirement": "Art. 12(1)", "assertedBy": "ciso@example.org", "extent": "PARTIAL", "system": "credit"},
        ],
    }
    made = server.data(
        "mutation($i: CreateEvidenceInput!) { createEvidence(input: $i) { id: localId kind collectedOn links { requirement { id: localId } extent system } } }",
        {"i": evidence},
    )["createEvidence"]
    assert made["collectedOn"] == "2026-01-15"
    assert {(k["requirement"]["id"], k["extent"], k["system"]) for k in made["links"]} == {
        ("iso42001:A.6.2.8", "FULL", None),
        ("euaiact:art-12-1", "PARTIAL", "credit"),
    }
    changed = server.data('mutation { updateEvidence(input: {id: "log-retention", owner: "SecOps"}) { title owner links { extent } } }')
    assert changed["updateEvidence"]["owner"] == "SecOps"
    assert changed["updateEvidence"]["title"] == "Log retention 12 months"
    assert len(changed["updateEvidence"]["links"]) == 2, "links left out of an update are kept"
    linked = server.data(
        'mutation { linkEvidence(evidenceId: "log-retention", links: [{requirement: "iso27001:A.8.15", assertedBy: "ciso"}]) { links { requirement { id: localId } } } }'
    )
    assert "iso27001:A.8.15" in [k["requirement"]["id"] for k in linked["linkEvidence"]["links"]]
    unlinked = server.data(
        'mutation { unlinkEvidence(evidenceId: "log-retention", requirement: "iso27001:A.8.15") { links { requirement { id: localId } } } }'
    )
    assert "iso27001:A.8.15" not in [k["requirement"]["id"] for k in unlinked["unlinkEvidence"]["links"]]
    assert (
        code(server.gql('mutation { unlinkEvidence(evidenceId: "log-retention", requirement: "iso27001:A.8.15") { id: localId } }'))
        == "NOT_FOUND"
    )

    soa = server.data(
        'mutation { setApplicability(control: "A.10.4", included: false, reason: "No customers") { control { id: localId } included reason } }'
    )
    assert soa["setApplicability"] == {"control": {"id": "iso42001:A.10.4"}, "included": False, "reason": "No customers"}
    rows = {
        r["control"]["id"]: r
        for r in server.data("{ statementOfApplicability { control { id: localId } included justification status evidence } }")[
            "statementOfApplicability"
        ]
    }
    assert rows["iso42001:A.10.4"]["included"] is False
    assert rows["iso42001:A.6.2.8"]["evidence"] == ["log-retention"]

    # coverage with explanations: the link, then each mapping hop with its relationship and source
    coverage = server.data(
        """{ coverage(evidenceIds: ["log-retention"], frameworks: ["euaiact"], on: "2027-01-01") { requirement { id: localId } coverage direct
             paths { evidenceId level link { requirement { id: localId } extent assertedBy } hops { subject predicate object rationale source inverted } } } }"""
    )["coverage"]
    by_id = {row["requirement"]["id"]: row for row in coverage}
    assert by_id["euaiact:art-12-1"]["direct"] is True
    through = [p for row in coverage for p in row["paths"] if p["hops"]]
    assert through, "A.6.2.8 reaches EU AI Act paragraphs through the curated crosswalk"
    hop = through[0]["hops"][0]
    assert hop["subject"] == "iso42001:A.6.2.8"
    assert hop["predicate"] and hop["source"]
    assert all(row["requirement"]["id"].startswith("euaiact:") for row in coverage)

    covering = server.data('{ requirement(id: "A.6.2.8") { evidence { evidence { id: localId } coverage direct } } }')["requirement"][
        "evidence"
    ]
    assert covering == [{"evidence": {"id": "log-retention"}, "coverage": "COVERED", "direct": True}]

    gap_query = """query($after: String) { gaps(framework: "euaiact", system: "credit", on: "2028-01-01", first: 100, after: $after) {
        framework totalCount edges { node { requirement { id: localId } status reason evidence leaf } } pageInfo { hasNextPage endCursor }
        summary { status count percentOfApplicable } } }"""
    gap_rows: list[dict[str, Any]] = []
    after = None
    while True:
        gaps = server.data(gap_query, {"after": after})["gaps"]
        gap_rows += [e["node"] for e in gaps["edges"]]
        if not gaps["pageInfo"]["hasNextPage"]:
            break
        after = gaps["pageInfo"]["endCursor"]
    assert len(gap_rows) == gaps["totalCount"] > 600, "every requirement of the EU AI Act, over several pages"
    statuses = {row["requirement"]["id"]: row["status"] for row in gap_rows}
    assert len(statuses) == len(gap_rows)
    assert statuses["euaiact:art-12-1"] in ("COVERED", "PARTIAL")
    assert {s["status"] for s in gaps["summary"]} == {"COVERED", "PARTIAL", "RELATED", "STALE", "UNCOVERED", "NOT_APPLICABLE"}
    assert sum(s["count"] for s in gaps["summary"]) == sum(1 for row in gap_rows if row["leaf"]), "the summary counts the whole framework"
    assert code(server.gql('{ gaps(framework: "euaiact", system: "nope") { framework } }')) == "NOT_FOUND"

    applicable = server.data(
        '{ applicable(system: "credit", on: "2028-01-01") { requirement { id: localId } inForce appliesFrom roles } }'
    )["applicable"]
    assert any(p["requirement"]["id"] == "euaiact:art-12" and p["inForce"] for p in applicable)

    listed = server.data("{ evidenceList(first: 10) { totalCount edges { node { id: localId } } } }")["evidenceList"]
    assert listed["totalCount"] == 1

    assert server.data('mutation { deleteEvidence(id: "log-retention") }')["deleteEvidence"] == "log-retention"
    gone = server.gql('{ evidence(id: "log-retention") { id: localId } }')
    assert code(gone) == "NOT_FOUND"
    assert gone["data"] is None
