"""GraphQL: `history` on evidence, AI systems and SoA entries (one reusable field), writes logged
with the caller's token as agent, and `asOf` on coverage, gaps and the SoA."""

from __future__ import annotations

import asyncio
import datetime as dt
import time
from typing import Any

from grcgraph.api import GRCGraph
from grcgraph.model import Role
from grcgraph.server.context import Context, Principal, Registry
from grcgraph.server.error_format import format_error
from grcgraph.server.schema import build_schema
from grcgraph.server.settings import Settings

TOKEN = "0123456789abcdef"


def run(registry: Registry, query: str, role: Role = Role.editor) -> dict[str, Any]:
    settings = Settings()
    context = Context(registry, settings, lambda: (Principal("acme", role, TOKEN), None))
    result = asyncio.run(build_schema(settings).execute(query, context_value=context))
    return {"data": result.data, "errors": [format_error(e) for e in result.errors or []]}


def test_history_fields_agents_and_as_of() -> None:
    with GRCGraph.open(workspace="acme") as graph:
        registry = Registry(graph)
        create = (
            'mutation { createEvidence(input: {id: "policy", title: "AI policy", kind: POLICY, '
            'links: [{requirement: "A.2.2", assertedBy: "ciso"}]}) { id: localId } }'
        )
        assert run(registry, create)["errors"] == []
        assert (
            run(
                registry,
                'mutation { createSystem(input: {id: "credit", name: "Credit", roles: [PROVIDER], category: HIGH_RISK_ANNEX_III}) { id: localId } }',
            )["errors"]
            == []
        )
        assert (
            run(registry, 'mutation { setApplicability(control: "A.10.4", included: false, reason: "No customers") { reason } }')["errors"]
            == []
        )
        item = run(
            registry, '{ evidence(id: "policy") { history { agent operation changes { kind after { name values } } } } }', Role.reader
        )
        (entry,) = item["data"]["evidence"]["history"]
        assert entry["agent"] == f"token:{TOKEN}" and [c["kind"] for c in entry["changes"]] == ["evidence", "link"]
        assert {"name": "title", "values": ["AI policy"]} in entry["changes"][0]["after"]
        time.sleep(0.01)
        cut = dt.datetime.now(dt.UTC).isoformat()
        time.sleep(0.01)
        assert run(registry, 'mutation { deleteEvidence(id: "policy") }')["errors"] == []
        found = run(registry, "{ systems { id: localId history { sequence agent operation } } }", Role.reader)
        (system,) = found["data"]["systems"]
        assert system["history"] == [{"sequence": 2, "agent": f"token:{TOKEN}", "operation": "put_system"}]
        soa = run(registry, "{ statementOfApplicability { control { id: localId } history { operation } } }", Role.reader)["data"]
        assert [r["history"] for r in soa["statementOfApplicability"] if r["control"]["id"] == "iso42001:A.10.4"] == [
            [{"operation": "set_applicability"}]
        ]
        then = run(
            registry,
            f'{{ evidence(id: "policy") {{ id: localId }} gaps(framework: "iso42001", asOf: "{cut}", first: 100) {{ edges {{ node {{ requirement {{ id: localId }} status }} }} }} }}',
            Role.reader,
        )
        assert then["errors"][0]["extensions"]["code"] == "NOT_FOUND"  # gone now
        past = run(
            registry,
            f'{{ gaps(framework: "iso42001", asOf: "{cut}", first: 100) {{ edges {{ node {{ requirement {{ id: localId }} status }} }} }} }}',
            Role.reader,
        )
        statuses = {e["node"]["requirement"]["id"]: e["node"]["status"] for e in past["data"]["gaps"]["edges"]}
        assert statuses["iso42001:A.2.2"] == "COVERED"
        now = run(
            registry, '{ gaps(framework: "iso42001", first: 100) { edges { node { requirement { id: localId } status } } } }', Role.reader
        )
        assert {e["node"]["requirement"]["id"]: e["node"]["status"] for e in now["data"]["gaps"]["edges"]}["iso42001:A.2.2"] == "UNCOVERED"
        assert run(registry, f'{{ coverage(asOf: "{cut}") {{ requirement {{ id: localId }} }} }}', Role.reader)["data"]["coverage"]
        assert (
            run(registry, '{ statementOfApplicability(asOf: "2000-01-01") { included } }', Role.reader)["data"]["statementOfApplicability"][
                0
            ]["included"]
            is None
        )
        bad = run(registry, '{ gaps(framework: "iso42001", asOf: "yesterday") { totalCount } }', Role.reader)
        assert (
            bad["errors"][0]["extensions"]["code"] == "INVALID_INPUT" and bad["errors"][0]["extensions"]["problems"][0]["field"] == "asOf"
        )


def test_every_aims_record_has_its_history() -> None:
    with GRCGraph.open(workspace="acme") as graph:
        registry = Registry(graph)
        writes = """mutation {
          s: createSystem(input: {id: "credit", name: "Credit", roles: [PROVIDER], category: HIGH_RISK_ANNEX_III}) { id: localId }
          r: createRisk(input: {id: "R-1", title: "Biased scores", systems: ["credit"], likelihood: 4, severity: 4}) { id: localId }
          i: createImpactAssessment(input: {id: "IA-1", system: "credit", assessedOn: "2026-11-10", assessor: "dpo",
            decision: APPROVE, approver: "board"}) { id: localId }
          o: createObjective(input: {id: "acc", title: "Accuracy", metric: "accuracy", direction: HIGHER, target: 0.9,
            threshold: 0.85}) { id: localId }
          v: createReview(input: {id: "MR-1", kind: AIMS, reviewedOn: "2026-11-20", outcome: "effective"}) { id: localId }
        }"""
        assert run(registry, writes)["errors"] == []
        assert run(registry, 'mutation { updateRisk(input: {id: "R-1", severity: 5}) { id: localId } }')["errors"] == []
        found = run(
            registry,
            """{ risk(id: "R-1") { history { operation agent changes { before { name values } after { name values } } } } impactAssessment(id: "IA-1") { history { operation } }
               objective(id: "acc") { history { operation } } review(id: "MR-1") { history { operation } } }""",
            Role.reader,
        )
        assert found["errors"] == []
        data = found["data"]
        _first, second = data["risk"]["history"]
        assert {"name": "severity", "values": ["4"]} in second["changes"][0]["before"]
        assert {"name": "severity", "values": ["5"]} in second["changes"][0]["after"]
        assert len(data["risk"]["history"]) == 2 and {e["agent"] for e in data["risk"]["history"]} == {f"token:{TOKEN}"}
        for name in ("impactAssessment", "objective", "review"):
            assert len(data[name]["history"]) == 1, name
