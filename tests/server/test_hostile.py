"""What a hostile client can send, and what it gets: documents that fan out through fragments are
refused after work linear in their text, an anonymous request is refused before it is read, and a
SPARQL query stops at its deadline, its process killed and its place free for the next caller."""

from __future__ import annotations

import concurrent.futures
import threading
import time
import warnings
from pathlib import Path
from typing import Any

import httpx
import pytest
from graphql import parse
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from servers import ApiServer, cli

from grcgraph.api import GRCGraph
from grcgraph.server.cost import CAP, measure_cost, shape
from grcgraph.server.schema import build_schema
from grcgraph.server.settings import Settings
from grcgraph.store.base import GraphStore

with warnings.catch_warnings():
    warnings.simplefilter("ignore")
    from fastapi.testclient import TestClient

    from grcgraph.server.app import create_app

SCHEMA = build_schema(Settings())._schema
BASES = [  # with the aliases each holds
    ("frameworks { prefix }", 0),
    ("a: frameworks { prefix } b: frameworks { name }", 2),
    ("requirements(first: 5) { edges { node { id title } } totalCount }", 0),
    ("requirements(first: 0) { edges { node { id } } }", 0),
    ("viewer { workspace }", 0),
]


def fan_out(levels: int, width: int, base: str, wrap: str = "BODY") -> str:
    """Fragment i spreads fragment i-1 `width` times: the operation asks for width^levels copies of `base`."""
    fragments = [f"fragment F0 on Query {{ {base} }}"]
    fragments += [f"fragment F{i} on Query {{ {' '.join([f'...F{i - 1}'] * width)} }}" for i in range(1, levels + 1)]
    return "query { " + wrap.replace("BODY", f"...F{levels}") + " }\n" + "\n".join(fragments)


def selection_sets(text: str) -> int:
    return text.count("{")


def code(body: dict[str, Any]) -> str:
    return str(body["errors"][0]["extensions"]["code"])


@pytest.fixture(scope="module")
def local(store: GraphStore) -> TestClient:
    """A caller the server has let in (read-only local mode), so its documents are analysed."""
    return TestClient(create_app(GRCGraph(store), Settings(read_only_local=True, local_workspace="hostile")))


# --- GraphQL documents ------------------------------------------------------------------------------
@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(levels=st.integers(1, 40), width=st.integers(2, 3), base=st.sampled_from(BASES), wrapped=st.booleans())
def test_fan_out_is_measured_in_linear_work(levels: int, width: int, base: tuple[str, int], wrapped: bool) -> None:
    """Each fragment is measured once, whatever the number of its spreads (2^40 and 3^40 here)."""
    base, aliases = base
    wrap = "requirements(first: 0) { edges { node { id } } } BODY" if wrapped else "BODY"
    text = fan_out(levels, width, base, wrap)
    document = parse(text, max_tokens=100_000)
    measured = shape(document)
    cost = measure_cost(SCHEMA, document, None, None)
    assert measured.visits <= selection_sets(text)
    assert cost.visits <= 3 * selection_sets(text), "one walk per fragment and size of the edges above it"
    copies = width**levels
    assert measured.aliases == min(copies * aliases, CAP), "aliases are counted once per spread, as strawberry counts them"
    if "first: 5" in base:  # requirements 1 + edges (1 + 5 * node (1 + id + title)) + totalCount 1 = 18 per copy
        assert cost.value == min((2 if wrapped else 0) + min(copies * 18, CAP), CAP)


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(levels=st.integers(12, 40), width=st.integers(2, 3), base=st.sampled_from(BASES[:3]))
def test_fan_out_is_refused_as_too_complex(local: TestClient, levels: int, width: int, base: tuple[str, int]) -> None:
    body = local.post("/graphql", json={"query": fan_out(levels, width, base[0])}).json()
    assert body["data"] is None
    assert code(body) == "QUERY_TOO_COMPLEX", body


def test_depth_and_aliases_are_counted_through_fragments(local: TestClient) -> None:
    deep = "query { requirements { edges { node { ...D } } } } fragment D on Requirement { " + "children { " * 9 + "id" + " }" * 9 + " }"
    body = local.post("/graphql", json={"query": deep}).json()
    assert code(body) == "QUERY_TOO_COMPLEX"
    assert "exceeds maximum operation depth of 10" in body["errors"][0]["message"]
    aliases = "query { ...A ...A ...A ...A } fragment A on Query { " + " ".join(f"a{i}: frameworks {{ prefix }}" for i in range(8)) + " }"
    body = local.post("/graphql", json={"query": aliases}).json()
    assert body["errors"][0]["message"] == "32 aliases found. Allowed: 30"
    fits = "query { ...A ...A ...A } fragment A on Query { " + " ".join(f"a{i}: frameworks {{ prefix }}" for i in range(8)) + " }"
    assert local.post("/graphql", json={"query": fits}).json()["data"]["a0"]


def test_an_anonymous_request_is_refused_before_it_is_read(store: GraphStore) -> None:
    """No token, no parse: a fan-out document and a text that is not GraphQL get the same 401."""
    anonymous = TestClient(create_app(GRCGraph(store), Settings()))
    for text in (fan_out(40, 2, BASES[0][0]), "this is { not GraphQL", "{ frameworks { prefix } }"):
        response = anonymous.post("/graphql", json={"query": text})
        assert response.status_code == 401
        assert response.headers["www-authenticate"].startswith("Bearer")
        assert code(response.json()) == "UNAUTHENTICATED"
    wrong = anonymous.post("/graphql", json={"query": "x"}, headers={"Authorization": "Bearer grc_0123456789abcdef_" + "x" * 30})
    assert wrong.status_code == 401 and code(wrong.json()) == "UNAUTHENTICATED"
    assert anonymous.get("/graphql", headers={"Accept": "text/html"}).status_code == 200, "GraphiQL's page needs no token"


# --- SPARQL -----------------------------------------------------------------------------------------
CARTESIAN = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i }"
SMALL = "SELECT ?s WHERE { ?s ?p ?o } LIMIT 1"


def test_a_timed_out_query_frees_its_place(store: GraphStore) -> None:
    """One place in all: after a query is stopped at its deadline, the next one runs at once."""
    http = TestClient(create_app(GRCGraph(store), Settings(read_only_local=True, sparql_timeout=0.5, sparql_concurrency=1)))
    slow = http.get("/sparql", params={"query": CARTESIAN})
    assert slow.status_code == 400 and code(slow.json()) == "QUERY_TOO_COMPLEX", "the query is at fault: no 5xx"
    quick = http.get("/sparql", params={"query": SMALL})
    assert quick.status_code == 200, quick.text
    assert quick.json()["results"]["bindings"]


def workers_running(server_pid: int) -> list[int]:
    """The server's SPARQL worker processes that are on a CPU now (state R), from /proc."""
    running = []
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
            cmdline = (stat.parent / "cmdline").read_bytes()
        except OSError:
            continue
        if int(fields[1]) == server_pid and b"grcgraph.store.sparql_worker" in cmdline and fields[0] == "R":
            running.append(int(stat.parent.name))
    return running


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Any:
    data_dir = tmp_path_factory.mktemp("hostile")
    srv = ApiServer("--data-dir", str(data_dir), ready_seconds=90, request_seconds=60)
    srv.env["GRCGRAPH_SPARQL_TIMEOUT"] = "1.5"
    for name in ("alice", "bob"):
        srv.tokens[name] = cli("token", "create", "--workspace", "acme", "--role", "reader", data_dir=data_dir)
    srv.start()
    yield srv
    srv.stop()


def sparql(server: ApiServer, token: str, query: str) -> httpx.Response:
    return httpx.get(
        f"{server.url}/sparql", params={"query": query}, headers={"Authorization": f"Bearer {server.tokens[token]}"}, timeout=60
    )


def test_a_reader_cannot_switch_sparql_off(server: ApiServer) -> None:
    """Cartesian products from two readers, three at once from one: each stops at its deadline
    (or is refused 429 past the caller's one place), and every caller's next query is answered."""
    with concurrent.futures.ThreadPoolExecutor(4) as pool:
        answers = list(pool.map(lambda who: sparql(server, who, CARTESIAN), ["alice", "alice", "alice", "bob"]))
    statuses = sorted(r.status_code for r in answers)
    assert statuses == [400, 400, 429, 429], [r.text for r in answers]
    for response in answers:
        if response.status_code == 429:
            assert code(response.json()) == "RATE_LIMITED" and response.headers["retry-after"] == "1"
        else:
            assert code(response.json()) == "QUERY_TOO_COMPLEX"
    assert server.process is not None
    deadline = time.monotonic() + 5
    while workers_running(server.process.pid) and time.monotonic() < deadline:
        time.sleep(0.1)
    assert workers_running(server.process.pid) == [], "no query runs on past its deadline"
    for who in ("alice", "bob"):
        response = sparql(server, who, SMALL)
        assert response.status_code == 200, response.text
    assert httpx.get(f"{server.url}/healthz", timeout=5).json() == {"status": "ok"}


def test_validation_does_not_hold_the_event_loop(store: GraphStore, monkeypatch: pytest.MonkeyPatch) -> None:
    """A document being validated (held here until /healthz has answered) leaves the server free."""
    from grcgraph.server import guards

    release = threading.Event()
    entered = threading.Event()
    validate = guards.validate_document

    def held(*args: Any) -> Any:
        entered.set()
        assert release.wait(30), "the health check never answered while a document was validated"
        return validate(*args)

    monkeypatch.setattr(guards, "validate_document", held)
    http = TestClient(create_app(GRCGraph(store), Settings(read_only_local=True)))
    with concurrent.futures.ThreadPoolExecutor(1) as pool:
        pending = pool.submit(http.post, "/graphql", json={"query": "{ frameworks { prefix } }"})
        assert entered.wait(30)
        assert http.get("/healthz").json() == {"status": "ok"}
        release.set()
        assert pending.result().json()["data"]["frameworks"]
