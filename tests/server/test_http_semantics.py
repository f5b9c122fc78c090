"""HTTP semantics: an update on the read-only SPARQL endpoint is 403 FORBIDDEN; a query naming a graph
its caller cannot see (FROM, FROM NAMED, GRAPH) is refused, not answered over another dataset; every
limit of the server's is 429 RATE_LIMITED with Retry-After; an id of any length gets the id rule."""

from __future__ import annotations

import asyncio
import threading
import time
import warnings
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from grcgraph.api import GRCGraph
from grcgraph.model import Role
from grcgraph.server.context import Context, Principal, Registry
from grcgraph.server.error_format import format_error
from grcgraph.server.schema import build_schema
from grcgraph.server.settings import Settings
from grcgraph.store.base import GraphStore
from grcgraph.store.sparql_text import shape
from grcgraph.vocab import iris

with warnings.catch_warnings():
    warnings.simplefilter("ignore")
    from fastapi.testclient import TestClient

    from grcgraph.server.app import create_app

REFERENCE = str(iris.REFERENCE_GRAPH)
OWN = f"{iris.BASE}graph/workspace/default"  # the read-only local caller's workspace
OTHER = f"{iris.BASE}graph/workspace/alpha"
TOKENS = f"{iris.BASE}graph/tokens"


@pytest.fixture(scope="module")
def http(store: GraphStore) -> TestClient:
    return TestClient(create_app(GRCGraph(store), Settings(read_only_local=True)))


def code(body: dict[str, Any]) -> str:
    return str(body["errors"][0]["extensions"]["code"])


@pytest.mark.parametrize(
    "request_args",
    [
        {"method": "POST", "content": b"INSERT DATA { <a:b> <a:c> <a:d> }", "headers": {"Content-Type": "application/sparql-update"}},
        {"method": "POST", "data": {"update": "DROP ALL"}},
        {"method": "GET", "params": {"update": "CLEAR ALL"}},
        {"method": "GET", "params": {"query": "PREFIX x: <a:> # a comment\nINSERT DATA { x:b x:c x:d }"}},
        {"method": "POST", "content": b"DELETE WHERE { ?s ?p ?o }", "headers": {"Content-Type": "application/sparql-query"}},
    ],
)
def test_an_update_is_forbidden(http: TestClient, request_args: dict[str, Any]) -> None:
    response = http.request(url="/sparql", **request_args)
    assert response.status_code == 403, response.text
    assert code(response.json()) == "FORBIDDEN"
    assert "read-only" in response.json()["errors"][0]["message"]


@pytest.mark.parametrize(
    "query",
    [
        f"SELECT * FROM <{OTHER}> WHERE {{ ?s ?p ?o }}",
        f"SELECT * FROM NAMED <{OTHER}> WHERE {{ GRAPH ?g {{ ?s ?p ?o }} }}",
        f"SELECT * WHERE {{ GRAPH <{TOKENS}> {{ ?s ?p ?o }} }}",
        f"PREFIX g: <{iris.BASE}graph/>\nASK FROM g:tokens {{ ?s ?p ?o }}",
        f"BASE <{iris.BASE}graph/workspace/>\nselect * from named <alpha> where {{ ?s ?p ?o }}",
        f"CONSTRUCT {{ ?s ?p ?o }} FROM <{REFERENCE}> FROM <{OTHER}> WHERE {{ ?s ?p ?o }}",
    ],
)
def test_a_graph_the_caller_cannot_see_is_refused(http: TestClient, query: str) -> None:
    response = http.get("/sparql", params={"query": query})
    assert response.status_code == 403, response.text
    message = response.json()["errors"][0]["message"]
    assert code(response.json()) == "FORBIDDEN"
    assert "cannot see" in message and (OTHER in message or TOKENS in message), message


@pytest.mark.parametrize(
    "query",
    [
        f"SELECT ?s FROM <{REFERENCE}> WHERE {{ ?s ?p ?o }} LIMIT 1",
        f"SELECT ?s FROM NAMED <{OWN}> FROM <{REFERENCE}> WHERE {{ ?s ?p ?o }} LIMIT 1",
        f'SELECT ?s WHERE {{ ?s ?p ?o FILTER(?o != "FROM <{OTHER}>") }} LIMIT 1  # FROM <{OTHER}>',
        "SELECT ?FROM WHERE { ?FROM ?p ?o } LIMIT 1",
    ],
)
def test_graphs_the_caller_sees_may_be_named(http: TestClient, query: str) -> None:
    response = http.get("/sparql", params={"query": query}, headers={"Accept": "application/sparql-results+json"})
    assert response.status_code == 200, response.text


@settings(max_examples=300, deadline=None)
@given(st.text(alphabet=st.sampled_from(list("FROM NAMED GRAPH <>:\"'#\n{}?ab\\")), max_size=300) | st.text(max_size=300))
def test_any_text_is_read_in_one_pass(text: str) -> None:
    found = shape(text)
    assert all(isinstance(g, str) for g in found.graphs)


def test_reading_a_hostile_text_is_linear() -> None:
    """Open strings, unclosed IRIs and keyword runs of 200 KB: counted in tokens read, not seconds."""
    for unit in ('"""', "'", "<a", "FROM ", "a" * 1000, "PREFIX p: <x> "):
        small, large = shape(unit * 1000), shape(unit * 10_000)
        assert len(large.graphs) <= 10 * max(1, len(small.graphs))


def test_busy_checkers_answer_429(store: GraphStore, monkeypatch: pytest.MonkeyPatch) -> None:
    """When no checker frees up in time, the answer is RATE_LIMITED with HTTP 429 and Retry-After."""
    from grcgraph.server import guards

    release = threading.Event()
    validate = guards.validate_document

    def held(*args: Any) -> Any:
        release.wait(30)
        return validate(*args)

    monkeypatch.setattr(guards, "validate_document", held)
    monkeypatch.setattr(guards, "CHECK_SECONDS", 0.2)
    http = TestClient(create_app(GRCGraph(store), Settings(read_only_local=True, document_cache_size=0)))
    try:
        response = http.post("/graphql", json={"query": "{ frameworks { prefix } }"})
    finally:
        release.set()
    assert response.status_code == 429, response.text
    assert code(response.json()) == "RATE_LIMITED"
    assert response.headers["retry-after"] == "1"
    time.sleep(0.1)
    monkeypatch.setattr(guards, "validate_document", validate)
    assert http.post("/graphql", json={"query": "{ frameworks { name } }"}).status_code == 200


def as_editor(store: GraphStore, query: str, variables: dict[str, Any]) -> list[dict[str, Any]]:
    registry = Registry(GRCGraph(store, "ids"))
    context = Context(registry, Settings(), lambda: (Principal("ids", Role.editor, "0123456789abcdef"), None))
    result = asyncio.run(build_schema(Settings()).execute(query, variable_values=variables, context_value=context))
    return [format_error(error) for error in result.errors or []]


@pytest.mark.parametrize(
    ("query", "field"),
    [
        ('mutation($i: String!) { createEvidence(input: {id: $i, title: "t", kind: POLICY}) { id: localId } }', "input.id"),
        ('mutation($i: String!) { updateEvidence(input: {id: $i, title: "t"}) { id: localId } }', "input.id"),
        ("mutation($i: String!) { deleteEvidence(id: $i) }", "id"),
        ("query($i: String!) { evidence(id: $i) { id: localId } }", "id"),
        (
            'mutation($i: String!) { linkEvidence(evidenceId: $i, links: [{requirement: "A.5.2", assertedBy: "x"}]) { id: localId } }',
            "evidenceId",
        ),
        (
            'mutation($i: String!) { createSystem(input: {id: $i, name: "n", roles: [PROVIDER], category: MINIMAL, '
            "generative: false}) { id: localId } }",
            "input.id",
        ),
        ("query($i: String!) { applicable(system: $i) { basis } }", "system"),
        ("query($i: String!) { coverage(evidenceIds: [$i]) { coverage } }", "evidenceIds[0]"),
    ],
)
def test_a_long_id_gets_the_id_rule(store: GraphStore, query: str, field: str) -> None:
    errors = as_editor(store, query, {"i": "x" * 100_000})
    assert len(errors) == 1, errors
    assert errors[0]["extensions"]["code"] == "INVALID_INPUT"
    assert errors[0]["extensions"]["problems"] == [{"field": field, "message": errors[0]["extensions"]["problems"][0]["message"]}]
    message = errors[0]["extensions"]["problems"][0]["message"]
    assert "must be 1-128 letters" in message and "(100000 characters)" in message
    assert len(errors[0]["message"]) < 300, "the value is not echoed whole"
