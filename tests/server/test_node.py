"""Global ids and `node(id:)`: every type implementing Node answers an id that `node` resolves to the
same object, in the caller's workspace only; another workspace's id answers null, never its data."""

from __future__ import annotations

import asyncio
import base64
from typing import Any

import pytest
from in_process import execute

from grcgraph.api import GRCGraph
from grcgraph.model import AISystemInput, EvidenceInput, EvidenceLinkInput, RiskInput, Role
from grcgraph.server.context import Context, Principal, Registry
from grcgraph.server.schema import build_schema
from grcgraph.server.settings import Settings
from grcgraph.server.types.node import global_id, parse_global_id
from grcgraph.store.base import GraphStore

ONE_OF_EACH = """{ requirement(id: "A.6.2.8") { id localId mappings { id localId } }
  frameworks { id localId }
  evidence(id: "ev-1") { id localId }
  systems { id localId }
  statementOfApplicability { id localId }
  risk(id: "R-1") { id localId } }"""
NODE = "query($id: ID!) { node(id: $id) { __typename id localId ... on Risk { title } ... on Evidence { title } } }"


def workspace(store: GraphStore, name: str, title: str) -> Registry:
    api = GRCGraph(store, name)
    api.workspace.put_system(AISystemInput(id="credit", name="Credit scoring", roles=["provider"], category="high-risk-annex-iii"))
    api.workspace.put_evidence(
        [EvidenceInput(id="ev-1", title=title, kind="policy", links=[EvidenceLinkInput(requirement="A.6.2.8", asserted_by="me")])]
    )
    api.put_risk(RiskInput(id="R-1", title=title, systems=["credit"]), create=None)
    return Registry(api)


def errors(registry: Registry, name: str, query: str, variables: dict[str, Any]) -> list[Any]:
    context = Context(registry, Settings(), lambda: (Principal(name, Role.reader, "0123456789abcdef"), None))
    result = asyncio.run(build_schema().execute(query, variable_values=variables, context_value=context))
    return list(result.errors or [])


@pytest.fixture(scope="module")
def registries(store: GraphStore) -> dict[str, Registry]:
    return {"node-a": workspace(store, "node-a", "Alpha's"), "node-b": workspace(store, "node-b", "Beta's")}


def objects(data: dict[str, Any]) -> list[dict[str, Any]]:
    found = [data["requirement"], data["requirement"]["mappings"][0], data["evidence"], data["risk"]]
    return found + data["frameworks"][:2] + data["systems"] + data["statementOfApplicability"][:2]


def test_every_node_is_found_again_by_its_global_id(registries: dict[str, Registry]) -> None:
    data = execute(registries["node-a"], "node-a", ONE_OF_EACH)
    for item in objects(data):
        found = execute(registries["node-a"], "node-a", NODE, {"id": item["id"]})["node"]
        assert found is not None, item
        assert (found["id"], found["localId"]) == (item["id"], item["localId"])
    assert data["requirement"]["localId"] == "iso42001:A.6.2.8"
    assert data["risk"]["localId"] == "R-1"
    risk = execute(registries["node-a"], "node-a", NODE, {"id": data["risk"]["id"]})["node"]
    assert (risk["__typename"], risk["title"]) == ("Risk", "Alpha's")


def test_global_ids_are_base64_of_type_workspace_and_local_id(registries: dict[str, Registry]) -> None:
    data = execute(registries["node-a"], "node-a", ONE_OF_EACH)
    assert base64.urlsafe_b64decode(data["risk"]["id"] + "==").decode() == "Risk:node-a:R-1"
    assert base64.urlsafe_b64decode(data["requirement"]["id"] + "==").decode() == "Requirement:iso42001:A.6.2.8"
    assert parse_global_id(global_id("Evidence", "ev-1", "acme"), frozenset({"Evidence"})) == ("Evidence", "acme", "ev-1")
    assert parse_global_id(global_id("Requirement", "euaiact:Art. 12(1)", None), frozenset()) == ("Requirement", None, "euaiact:Art. 12(1)")


def test_another_workspaces_id_answers_null_not_its_data(registries: dict[str, Registry]) -> None:
    theirs = execute(registries["node-b"], "node-b", ONE_OF_EACH)
    ours = execute(registries["node-a"], "node-a", ONE_OF_EACH)
    for name in ("evidence", "risk"):
        assert theirs[name]["localId"] == ours[name]["localId"], "the same local id in both workspaces"
        assert theirs[name]["id"] != ours[name]["id"], "but not the same global id"
        assert execute(registries["node-a"], "node-a", NODE, {"id": theirs[name]["id"]})["node"] is None
    # The reference graph is shared: a requirement's global id is the same for every workspace.
    assert theirs["requirement"]["id"] == ours["requirement"]["id"]
    assert execute(registries["node-a"], "node-a", NODE, {"id": theirs["requirement"]["id"]})["node"]["localId"] == "iso42001:A.6.2.8"


@pytest.mark.parametrize(
    "text",
    ["Risk:node-a:R-404", "Requirement:iso42001:A.99.9", "Framework:nosuch", "Token:node-a:0123456789abcdef", "Evidence:node-a:a b"],
)
def test_an_id_naming_nothing_answers_null(registries: dict[str, Registry], text: str) -> None:
    encoded = base64.urlsafe_b64encode(text.encode()).decode()
    assert execute(registries["node-a"], "node-a", NODE, {"id": encoded})["node"] is None


def test_what_is_not_a_global_id_is_invalid_input_at_id(registries: dict[str, Registry]) -> None:
    for value in ("not base64!", base64.urlsafe_b64encode(b"no-colon").decode(), base64.urlsafe_b64encode(b"Risk:node-a").decode()):
        found = errors(registries["node-a"], "node-a", NODE, {"id": value})
        assert len(found) == 1, value
        assert [str(p.path) for p in found[0].original_error.problems] == ["id"]
