"""The API as a standard GraphQL client sees it: `gql` over HTTP against a running `grcgraph serve`,
with the schema read by introspection. It fetches an object, fetches it again with `node(id:)` from
its global id, filters connections by enum values (a risk's status; an evidence kind), reads a Date
field as a `datetime.date` and a UTC instant written with Z (the client parses results with the
schema's scalars)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from gql import Client, GraphQLRequest
from gql.client import SyncClientSession
from gql.transport.requests import RequestsHTTPTransport
from gql.utilities import update_schema_scalar
from graphql import GraphQLScalarType
from servers import ApiServer, cli

SEED = """mutation {
  s: createSystem(input: {id: "credit", name: "Credit scoring", roles: [PROVIDER], category: HIGH_RISK_ANNEX_III}) { localId }
  e: createEvidence(input: {id: "log-retention", title: "Log retention set to 12 months", kind: CONFIGURATION,
    collectedOn: "2026-01-15", validUntil: "2027-01-31", links: [{requirement: "A.6.2.8", assertedBy: "ciso@example.org"}]}) { localId }
  r1: createRisk(input: {id: "R-1", title: "Biased scores", systems: ["credit"], likelihood: 4, severity: 4, status: TREATED,
    treatment: MITIGATE, assessedOn: "2026-02-01"}) { localId }
  r2: createRisk(input: {id: "R-2", title: "Drift", systems: ["credit"]}) { localId }
}"""
EVIDENCE = '{ evidence(id: "log-retention") { id localId title collectedOn validUntil links { assertedAt } } }'
NODE = "query($id: ID!) { node(id: $id) { __typename id localId ... on Evidence { title collectedOn } ... on Risk { status } } }"
REGISTER = "query($kind: EvidenceKind) { evidenceList(kind: $kind) { totalCount edges { node { localId kind links { extent } } } } }"
RISKS = "query($status: RiskStatus) { risks(status: $status) { totalCount edges { node { id localId status treatment assessedOn } } } }"

DATE = GraphQLScalarType("Date", serialize=lambda value: value.isoformat(), parse_value=dt.date.fromisoformat)
DATETIME = GraphQLScalarType("DateTime", serialize=lambda value: value.isoformat(), parse_value=dt.datetime.fromisoformat)


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[ApiServer]:
    data_dir: Path = tmp_path_factory.mktemp("store")
    srv = ApiServer("--data-dir", str(data_dir), ready_seconds=90, request_seconds=60)
    srv.tokens["editor"] = cli("token", "create", "--workspace", "acme", "--role", "editor", data_dir=data_dir)
    srv.start()
    srv.data(SEED)
    yield srv
    srv.stop()


@pytest.fixture(scope="module")
def client(server: ApiServer) -> Iterator[SyncClientSession]:
    transport = RequestsHTTPTransport(
        url=f"{server.url}/graphql", headers={"Authorization": f"Bearer {server.tokens['editor']}"}, timeout=60
    )
    found = Client(transport=transport, fetch_schema_from_transport=True, parse_results=True, serialize_variables=True)
    with found as session:
        assert found.schema is not None
        update_schema_scalar(found.schema, "Date", DATE)
        update_schema_scalar(found.schema, "DateTime", DATETIME)
        yield session


def run_raw(client: SyncClientSession, query: str) -> dict[str, Any]:
    """The answer as sent, before the client's scalars parse it."""
    result: dict[str, Any] = client.execute(GraphQLRequest(query), parse_result=False)
    return result


def run(client: SyncClientSession, query: str, **variables: Any) -> dict[str, Any]:
    result: dict[str, Any] = client.execute(GraphQLRequest(query, variable_values=variables or None))
    return result


def test_an_object_and_its_node_by_global_id(client: SyncClientSession) -> None:
    item = run(client, EVIDENCE)["evidence"]
    assert item["localId"] == "log-retention"
    again = run(client, NODE, id=item["id"])["node"]
    assert again == {
        "__typename": "Evidence",
        "id": item["id"],
        "localId": "log-retention",
        "title": "Log retention set to 12 months",
        "collectedOn": dt.date(2026, 1, 15),
    }


def test_dates_and_instants_are_parsed_by_the_schemas_scalars(client: SyncClientSession) -> None:
    item = run(client, EVIDENCE)["evidence"]
    assert isinstance(item["collectedOn"], dt.date) and item["collectedOn"] == dt.date(2026, 1, 15)
    assert item["validUntil"] == dt.date(2027, 1, 31)
    asserted = item["links"][0]["assertedAt"]
    assert isinstance(asserted, dt.datetime) and asserted.utcoffset() == dt.timedelta(0)
    raw = run_raw(client, EVIDENCE)["evidence"]["links"][0]["assertedAt"]
    assert raw.endswith("Z") and "+00:00" not in raw, raw


def test_a_connection_filtered_by_an_enum_value(client: SyncClientSession) -> None:
    treated = run(client, RISKS, status="TREATED")["risks"]
    assert treated["totalCount"] == 1
    risk = treated["edges"][0]["node"]
    assert (risk["localId"], risk["status"], risk["treatment"], risk["assessedOn"]) == ("R-1", "TREATED", "MITIGATE", dt.date(2026, 2, 1))
    assert run(client, RISKS, status="IDENTIFIED")["risks"]["edges"][0]["node"]["localId"] == "R-2"
    assert run(client, RISKS)["risks"]["totalCount"] == 2
    assert run(client, NODE, id=risk["id"])["node"]["status"] == "TREATED"


def test_the_evidence_register_filtered_by_its_kind_enum(client: SyncClientSession) -> None:
    found = run(client, REGISTER, kind="CONFIGURATION")["evidenceList"]
    assert found["totalCount"] == 1
    assert found["edges"][0]["node"] == {"localId": "log-retention", "kind": "CONFIGURATION", "links": [{"extent": "FULL"}]}
    assert run(client, REGISTER, kind="POLICY")["evidenceList"]["totalCount"] == 0
