"""The GraphQL API in process, over the shared in-memory store: batched store reads (DataLoaders),
the query cost limit, JSON answers to malformed requests (with random bodies from hypothesis), and
the API-token vocabulary. Each test writes to a workspace of its own."""

from __future__ import annotations

import asyncio
import datetime as dt
import json
import uuid
import warnings
from typing import Any

import pyoxigraph as ox
import pytest
from graphql import parse
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from in_process import execute, fill
from rdflib import OWL, RDF, RDFS, Graph, URIRef

from grcgraph import paths
from grcgraph.api import GRCGraph
from grcgraph.model import AISystemInput, Role
from grcgraph.server.context import Context, Principal, Registry
from grcgraph.server.cost import LIST_SIZE, query_cost
from grcgraph.server.schema import build_schema
from grcgraph.server.settings import Settings
from grcgraph.server.types.enums import LinkExtent, name_of
from grcgraph.store import open_store
from grcgraph.store.base import GraphStore
from grcgraph.workspace import tokens as auth

with warnings.catch_warnings():
    warnings.simplefilter("ignore")
    from fastapi.testclient import TestClient

    from grcgraph.server.app import create_app

LISTING = """query($n: Int!) { evidenceList(first: $n) { totalCount edges { node { id: localId title validUntil
    links { requirement { id: localId } extent system }
    coverage(on: "2027-06-01") { requirement { id: localId } coverage direct } } } } }"""


def client(store: GraphStore, workspace: str, **options: Any) -> TestClient:
    return TestClient(create_app(GRCGraph(store), Settings(read_only_local=True, local_workspace=workspace, **options)))


# --- DataLoader batching --------------------------------------------------------------------------
def reads_for_listing(store: GraphStore, workspace: str, count: int) -> tuple[int, dict[str, Any]]:
    registry = Registry(GRCGraph(store, workspace))
    _ = registry.base.network  # the reference indexes are built once per server, as create_app does, not per request
    before = store.reads
    data = execute(registry, workspace, LISTING, {"n": count})
    return store.reads - before, data


def test_listing_evidence_with_links_and_coverage_costs_a_bounded_number_of_reads(store: GraphStore) -> None:
    fill(store, "batch-small", 10)
    api = fill(store, "batch-large", 100)
    small, _ = reads_for_listing(store, "batch-small", 10)
    large, data = reads_for_listing(store, "batch-large", 100)
    assert small == large, f"10 items took {small} store reads, 100 items {large}: reads must not grow with the page"
    assert large <= 5, f"{large} store reads for a page of 100 evidence items"
    nodes = [edge["node"] for edge in data["evidenceList"]["edges"]]
    assert len(nodes) == 100
    for node in nodes[::7]:  # the batched answers are the ones item-by-item reads give
        expiry = api.workspace.evidence(node["id"]).valid_until
        assert node["validUntil"] == (expiry.isoformat() if expiry else None)
        expected_links = [(api.catalog.ref(k.requirement).curie, name_of(k.extent)) for k in api.workspace.links(node["id"])]
        assert [(k["requirement"]["id"], k["extent"]) for k in node["links"]] == expected_links
        frame = api.coverage(node["id"], on=dt.date(2027, 6, 1))
        assert [(r["requirement"]["id"], r["coverage"]) for r in node["coverage"]] == list(
            zip(frame["requirement"], [name_of(c) for c in frame["coverage"]], strict=True)
        )
    assert any(row["coverage"] == "STALE" for node in nodes for row in node["coverage"]), "expired evidence shows as stale"


def test_batching_over_http(store: GraphStore) -> None:
    fill(store, "batch-http", 100)
    http = client(store, "batch-http")
    http.post("/graphql", json={"query": LISTING, "variables": {"n": 1}})  # builds the last lazy reference index (document order)
    counts = []
    for n in (10, 100):
        before = store.reads
        body = http.post("/graphql", json={"query": LISTING, "variables": {"n": n}}).json()
        counts.append(store.reads - before)
        assert "errors" not in body, body
        assert len(body["data"]["evidenceList"]["edges"]) == n
    assert counts[0] == counts[1] <= 5, counts


def test_one_evidence_item_and_a_missing_one(store: GraphStore) -> None:
    fill(store, "batch-one", 3)
    http = client(store, "batch-one")
    found = http.post("/graphql", json={"query": '{ evidence(id: "ev-001") { id: localId links { requirement { id: localId } } } }'}).json()
    assert found["data"]["evidence"]["id"] == "ev-001"
    missing = http.post("/graphql", json={"query": '{ evidence(id: "no-such-id") { id: localId } }'}).json()
    assert missing["errors"][0]["extensions"]["code"] == "NOT_FOUND"
    not_an_id = http.post("/graphql", json={"query": '{ evidence(id: "no such id") { id: localId } }'}).json()
    assert not_an_id["errors"][0]["extensions"]["code"] == "INVALID_INPUT", "the id rule, not 'not found'"


# --- query cost ------------------------------------------------------------------------------------
def cost(query: str, variables: dict[str, Any] | None = None) -> int:
    return query_cost(build_schema()._schema, parse(query), None, variables)


def test_cost_rules() -> None:
    assert cost("{ frameworks { prefix name } }") == 1 + LIST_SIZE * 2
    # a connection multiplies what is under `edges` by `first`, not totalCount or pageInfo
    assert cost("{ requirements(first: 50) { totalCount edges { node { id: localId } } } }") == 1 + 1 + (1 + 50 * (1 + 1))
    assert cost("{ requirements { edges { node { id: localId } } } }") == 2 + 20 * 2, "the argument's default page size"
    assert cost("query($n: Int!) { requirements(first: $n) { edges { node { id: localId } } } }", {"n": 7}) == 2 + 7 * 2
    assert cost("query($n: Int = 3) { requirements(first: $n) { edges { node { id: localId } } } }") == 2 + 3 * 2
    nested = "{ coverage { paths { hops { predicate } } } }"
    assert cost(nested) == 1 + LIST_SIZE * (1 + LIST_SIZE * (1 + LIST_SIZE * 1)), "nested lists multiply"
    spread = "query { ...F } fragment F on Query { frameworks { prefix } }"
    assert cost(spread) == cost("{ frameworks { prefix } }"), "fragments count as if written out"


def test_cost_limit_refuses_before_touching_the_store(store: GraphStore) -> None:
    fill(store, "cost", 2)
    query = "query($n: Int!) { requirements(first: $n) { edges { node { id: localId } } } }"  # costs 2 + 2n
    http = client(store, "cost", max_query_cost=102)
    just_under = http.post("/graphql", json={"query": query, "variables": {"n": 50}}).json()
    assert len(just_under["data"]["requirements"]["edges"]) == 50
    before = store.reads
    over = http.post("/graphql", json={"query": query, "variables": {"n": 51}})
    assert store.reads == before, "a refused query reads nothing"
    error = over.json()["errors"][0]
    assert error["extensions"] == {"code": "QUERY_TOO_COMPLEX", "cost": 104, "maxCost": 102}
    assert "104" in error["message"] and "102" in error["message"]
    assert over.json()["data"] is None


def test_cost_limit_is_a_setting(tmp_path: Any) -> None:
    config = tmp_path / "grcgraph.toml"
    config.write_text("[server]\nmax_query_cost = 500\n", encoding="utf-8")
    assert Settings.load({"GRCGRAPH_CONFIG": str(config)}).max_query_cost == 500
    assert Settings.load({"GRCGRAPH_CONFIG": str(config), "GRCGRAPH_MAX_QUERY_COST": "700"}).max_query_cost == 700


# --- malformed requests ----------------------------------------------------------------------------
def answer_is_json(response: Any) -> dict[str, Any]:
    assert response.status_code < 500, (response.status_code, response.text)
    assert response.headers["content-type"].startswith("application/json"), response.text
    body: dict[str, Any] = response.json()
    assert "Traceback" not in response.text
    return body


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    body=st.one_of(
        st.binary(max_size=200),
        st.recursive(
            st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=30),
            lambda inner: (
                st.lists(inner, max_size=4)
                | st.dictionaries(st.sampled_from(["query", "variables", "operationName", "x"]), inner, max_size=4)
            ),
            max_leaves=10,
        ).map(lambda value: json.dumps(value).encode()),
        st.fixed_dictionaries(
            {
                "query": st.text(max_size=80),
                "variables": st.dictionaries(st.text(max_size=5), st.integers() | st.text(max_size=5), max_size=3),
            }
        ).map(lambda value: json.dumps(value).encode()),
    ),
    kind=st.sampled_from(["application/json", "text/plain", "application/x-www-form-urlencoded", "", "application/json; charset=latin-1"]),
)
def test_random_bodies_always_get_json_below_500(store: GraphStore, body: bytes, kind: str) -> None:
    response = random_client(store).post("/graphql", content=body, headers={"Content-Type": kind} if kind else {})
    found = answer_is_json(response)
    assert "errors" in found or "data" in found


_clients: dict[int, TestClient] = {}


def random_client(store: GraphStore) -> TestClient:
    if id(store) not in _clients:
        _clients[id(store)] = client(store, "random")
    return _clients[id(store)]


# --- token vocabulary --------------------------------------------------------------------------------
def test_every_token_term_is_declared_in_the_auth_vocabulary() -> None:
    vocabulary = Graph().parse(data=paths.AUTH_VOCABULARY.read_text(encoding="utf-8"), format="turtle")
    with open_store(None) as scratch:
        token_id = auth.create_token(scratch, "acme", "editor").split("_")[1]
        auth.revoke_token(scratch, token_id)
        written = scratch.quads(None, None, None, ox.NamedNode(auth.TOKEN_GRAPH))
    terms = {q.predicate.value for q in written} | {q.object.value for q in written if q.predicate.value == str(RDF.type)}
    used = {URIRef(t) for t in terms if t.startswith(auth.AUTH)}
    assert len(used) == 9, used  # with createdBy, revokedBy, revokedAt
    for term in used:
        kind = OWL.Class if term == URIRef(f"{auth.AUTH}ApiToken") else OWL.DatatypeProperty
        assert (term, RDF.type, kind) in vocabulary, f"{term} is not declared in ontology/auth.ttl"
        assert vocabulary.value(term, RDFS.label) and vocabulary.value(term, RDFS.comment), f"{term} needs a label and a comment"


# --- writes off the event loop ------------------------------------------------------------------------
def test_a_write_in_progress_does_not_hold_up_other_requests(store: GraphStore, monkeypatch: Any) -> None:
    """Mutations run on a worker thread, one write at a time: while an import is writing, the event
    loop answers other requests; a second write waits for the first and finds its result."""
    import threading

    from grcgraph.workspace import Workspace

    writing, release = threading.Event(), threading.Event()
    original = Workspace.put_evidence

    def held(self: Workspace, *args: Any, **kwargs: Any) -> list[str]:
        writing.set()
        release.wait(5)
        return original(self, *args, **kwargs)

    monkeypatch.setattr(Workspace, "put_evidence", held)
    settings = Settings()
    registry = Registry(GRCGraph(store, "thread-ws"))
    schema = build_schema(settings)

    def context(role: Role) -> Context:
        return Context(registry, settings, lambda: (Principal("thread-ws", role, "0123456789abcdef"), None))

    items = [{"id": f"t-{n}", "title": f"Item {n}", "kind": "RECORD"} for n in range(3)]
    importing_query = "mutation($items: [CreateEvidenceInput!]!) { importEvidence(items: $items) { count } }"
    create = 'mutation { createEvidence(input: {id: "t-0", title: "Again", kind: RECORD}) { id: localId } }'

    async def scenario() -> None:
        importing = asyncio.create_task(
            schema.execute(importing_query, variable_values={"items": items}, context_value=context(Role.editor))
        )
        assert await asyncio.to_thread(writing.wait, 5), "the import began"
        read = await asyncio.wait_for(schema.execute("{ frameworks { prefix } }", context_value=context(Role.reader)), 5)
        assert not read.errors and read.data
        assert not importing.done(), "the read was answered while the import was still writing"
        second = asyncio.create_task(schema.execute(create, context_value=context(Role.editor)))
        await asyncio.sleep(0.05)
        assert not second.done(), "a second write waits for the first"
        release.set()
        assert (await importing).data == {"importEvidence": {"count": 3}}
        refused = await second
        assert refused.errors and "already exists" in refused.errors[0].message, refused.errors

    asyncio.run(scenario())


def test_import_items_are_built_as_strawberry_builds_them(store: GraphStore, monkeypatch: Any) -> None:
    """importEvidence's items are built by a hook of our own (speed); strawberry's generic conversion
    is the reference: the same items, for every field given, left out or null."""
    from grcgraph.server import mutation as mutation_module
    from grcgraph.server.inputs import CreateEvidenceInput

    items = [
        {"id": "a", "title": "A", "kind": "RECORD"},
        {
            "id": "b",
            "title": "B",
            "kind": "LOG",
            "description": "d",
            "owner": "o",
            "location": "https://example.org/b",
            "sha256": "0" * 64,
            "collectedOn": "2026-01-01",
            "validUntil": "2027-01-01",
            "links": [
                {"requirement": "A.6.2.8", "assertedBy": "x"},
                {"requirement": "Art. 12(1)", "assertedBy": "y", "extent": "PARTIAL", "system": "s1"},
            ],
        },
        {"id": "c", "title": "C", "kind": "POLICY", "description": None, "collectedOn": None, "links": []},
    ]
    settings = Settings()
    registry = Registry(GRCGraph(store, "hook-ws"))
    context = Context(registry, settings, lambda: (Principal("hook-ws", Role.editor, "0123456789abcdef"), None))
    query = "mutation($items: [CreateEvidenceInput!]!) { importEvidence(items: $items) { count } }"
    seen: list[list[Any]] = []
    monkeypatch.setattr(mutation_module, "import_evidence", lambda _api, given: seen.append(list(given)) or [])

    def built() -> list[Any]:
        result = asyncio.run(build_schema(settings).execute(query, variable_values={"items": items}, context_value=context))
        assert not result.errors, result.errors
        return seen.pop()

    ours = built()
    monkeypatch.setattr(CreateEvidenceInput.__strawberry_definition__, "from_input", None)  # type: ignore[attr-defined]
    assert ours == built()
    assert len(ours) == 3 and ours[1].links[0].extent is LinkExtent.FULL and ours[1].links[1].system == "s1"


# --- every field of an evidence file through GraphQL ------------------------------------------------
EVERY_FIELD = """mutation($items: [CreateEvidenceInput!]!) { importEvidence(items: $items) { count } }"""
READ_BACK = """{ evidence(id: "every") { id: localId title kind description owner location sha256 collectedOn validUntil
    links { requirement { id: localId } extent assertedBy assertedAt system } } }"""


def as_editor(store: GraphStore, workspace: str, query: str, variables: dict[str, Any] | None = None) -> Any:
    settings = Settings()
    context = Context(Registry(GRCGraph(store)), settings, lambda: (Principal(workspace, Role.editor, "0123456789abcdef"), None))
    return asyncio.run(build_schema(settings).execute(query, variable_values=variables, context_value=context))


def test_graphql_takes_and_gives_every_field_an_evidence_file_has(store: GraphStore) -> None:
    """assertedAt and framework (for bare ids) as a file has them; a malformed assertedAt named by its path."""
    api = GRCGraph(store, "gql-every")
    api.workspace.put_system(AISystemInput(id="credit", name="Credit scoring", roles=["provider"], category="high-risk-annex-iii"))
    link = {"requirement": "A.5.2", "framework": "iso27001", "extent": "PARTIAL", "assertedBy": "ciso@example.org"}
    item = {
        "id": "every",
        "title": "Every field",
        "kind": "RECORD",
        "description": "All of them",
        "owner": "ops@example.org",
        "location": "https://example.org/every",
        "sha256": "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08",
        "collectedOn": "2026-01-15",
        "validUntil": "2027-01-31",
        "links": [{**link, "assertedAt": "2026-01-16T09:30:00+00:00", "system": "credit"}],
    }
    bad = as_editor(store, "gql-every", EVERY_FIELD, {"items": [{**item, "links": [{**link, "assertedAt": "yesterday"}]}]})
    assert bad.errors, bad
    problems = [(str(p.path), p.message) for p in bad.errors[0].original_error.problems]
    assert problems == [("items[0].links[0].assertedAt", "'yesterday' is not a date and time such as 2026-01-15T09:30:00+00:00")]
    assert as_editor(store, "gql-every", READ_BACK).errors  # nothing stored
    done = as_editor(store, "gql-every", EVERY_FIELD, {"items": [item]})
    assert not done.errors, done.errors
    found = as_editor(store, "gql-every", READ_BACK).data["evidence"]
    assert {k: v for k, v in found.items() if k != "links"} == {k: v for k, v in item.items() if k != "links"}
    assert found["links"] == [
        {
            "requirement": {"id": "iso27001:A.5.2"},
            "extent": "PARTIAL",
            "assertedBy": "ciso@example.org",
            "assertedAt": "2026-01-16T09:30:00Z",  # a DateTime: ISO 8601, Z for UTC
            "system": "credit",
        }
    ]


@pytest.mark.parametrize(
    "mutation", ['createEvidence(input: {id: "s1", title: $t, kind: POLICY})', 'createRisk(input: {id: "r1", title: $t})']
)
def test_a_lone_surrogate_is_refused_naming_its_field(store: GraphStore, mutation: str) -> None:
    """A JSON body may hold "\\ud800", which no store can hold: refused as input, not failed as a write."""
    workspace = f"surrogate-{uuid.uuid4().hex[:8]}"
    result = as_editor(store, workspace, f"mutation($t: String!) {{ {mutation} {{ id }} }}", {"t": "Bad \ud800 title"})
    assert result.errors is not None
    assert result.errors[0].message.startswith("input.title: holds U+D800 at character 5")
    api = GRCGraph(store, workspace)
    assert not api.has_evidence("s1") and not api.has_record("risk", "r1")
