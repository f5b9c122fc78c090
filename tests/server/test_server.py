"""The GraphQL server end to end: `grcgraph serve` in a subprocess on a free loopback port with a
temporary store, driven over HTTP with httpx. Tokens are made with `grcgraph token create` while
the server is stopped (one process per store directory). A few settings (read-only local mode,
introspection off) are checked in process over the shared in-memory store."""

from __future__ import annotations

import warnings
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from repo import ROOT
from scenarios import every_mutation_and_the_reports
from servers import ApiServer, cli

from grcgraph.api import GRCGraph
from grcgraph.server.schema import build_schema
from grcgraph.server.settings import Settings, SettingsError
from grcgraph.store.base import GraphStore


class Server(ApiServer):
    """`grcgraph serve` on a store directory."""

    def __init__(self, data_dir: Path) -> None:
        super().__init__("--data-dir", str(data_dir), ready_seconds=90, request_seconds=60)
        self.data_dir = data_dir


def error(body: dict[str, Any]) -> dict[str, Any]:
    assert body.get("errors"), body
    found: dict[str, Any] = body["errors"][0]
    return found


def code(body: dict[str, Any]) -> str:
    return str(error(body)["extensions"]["code"])


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    data_dir = tmp_path_factory.mktemp("store")
    srv = Server(data_dir)
    for name, workspace, role in (
        ("editor", "acme", "editor"),
        ("reader", "acme", "reader"),
        ("other", "globex", "editor"),
        ("admin", "acme", "admin"),
    ):
        srv.tokens[name] = cli("token", "create", "--workspace", workspace, "--role", role, data_dir=data_dir)
    srv.start()
    yield srv
    srv.stop()


# --- plumbing -----------------------------------------------------------------------------------
def test_health_ready_and_graphiql(server: Server) -> None:
    assert httpx.get(f"{server.url}/healthz").json() == {"status": "ok"}
    assert httpx.get(f"{server.url}/readyz").json() == {"status": "ready"}
    page = httpx.get(f"{server.url}/graphql", headers={"Accept": "text/html"})
    assert page.status_code == 200
    assert "graphiql" in page.text.lower()


def test_token_is_stored_hashed(server: Server) -> None:
    token = server.tokens["editor"]
    assert token.startswith("grc_")
    # the secret never reaches the store: the SPARQL endpoint cannot see the token graph, so look at the files
    raw = b"".join(p.read_bytes() for p in server.data_dir.rglob("*") if p.is_file())
    assert token.encode() not in raw


# --- queries ------------------------------------------------------------------------------------
def test_frameworks(server: Server) -> None:
    found = {
        f["prefix"]: f for f in server.data("{ frameworks { prefix name version requirementCount counts { kind count } } }")["frameworks"]
    }
    assert set(found) == {"iso42001", "iso27001", "euaiact", "nistairmf", "nistgai"}
    assert {c["kind"]: c["count"] for c in found["iso42001"]["counts"]}["CONTROL"] == 38


@pytest.mark.parametrize(
    ("given", "curie"),
    [
        ("A.6.2.8", "iso42001:A.6.2.8"),
        ("iso42001:A.6.2.8", "iso42001:A.6.2.8"),
        ("Art. 12(1)", "euaiact:art-12-1"),
        ("article 12 (1)", "euaiact:art-12-1"),
        ("GOVERN 1.1", "nistairmf:GOVERN-1.1"),
        ("GV-1.1-001", "nistgai:GV-1.1-001"),
    ],
)
def test_requirement_id_forms(server: Server, given: str, curie: str) -> None:
    found = server.data("query($id: String!) { requirement(id: $id) { id: localId title kind } }", {"id": given}, token="reader")
    assert found["requirement"]["id"] == curie


def test_requirement_relations_and_mappings(server: Server) -> None:
    req = server.data(
        """{ requirement(id: "Art. 12(1)") { id: localId text parents { id: localId } children { id: localId }
             mappings { predicate inverted rationale confidence source comment object { id: localId } subject { id: localId } } } }"""
    )["requirement"]
    assert [p["id"] for p in req["parents"]][-1] == "euaiact:art-12"
    assert "log" in req["text"].lower()
    assert req["mappings"], "Art. 12(1) is mapped from ISO/IEC 42001 and NIST"
    assert all(m["subject"]["id"] == "euaiact:art-12-1" for m in req["mappings"])
    assert any(m["inverted"] for m in req["mappings"]), "rows stated from the other end are read from this side"
    article = server.data('{ requirement(id: "Art. 12") { children { id: localId } } }')["requirement"]
    assert "euaiact:art-12-1" in [c["id"] for c in article["children"]]
    query = """query($after: String) { mappings(from: "iso42001", to: "euaiact", first: 100, after: $after) {
        totalCount edges { cursor node { id: localId predicate subject { id: localId } object { id: localId } } } pageInfo { hasNextPage endCursor } } }"""
    between: list[dict[str, Any]] = []
    after = None
    while True:
        conn = server.data(query, {"after": after})["mappings"]
        between += [e["node"] for e in conn["edges"]]
        if not conn["pageInfo"]["hasNextPage"]:
            break
        after = conn["pageInfo"]["endCursor"]
    assert len(between) == conn["totalCount"] > 100, "the curated ISO/IEC 42001 -> EU AI Act set alone has 122 rows"
    assert len({m["id"] for m in between}) == len(between), "pages neither repeat nor skip rows"
    assert all(m["subject"]["id"].startswith("iso42001:") for m in between)
    assert code(server.gql('{ mappings(from: "iso9001", to: "euaiact") { totalCount } }')) == "INVALID_INPUT"
    assert code(server.gql('{ mappings(from: "iso42001", to: "euaiact", first: 101) { totalCount } }')) == "INVALID_INPUT"


def test_pagination_with_cursors_and_page_cap(server: Server) -> None:
    query = """query($after: String) { requirements(framework: "euaiact", kind: ARTICLE, first: 50, after: $after) {
        totalCount edges { cursor node { id: localId } } pageInfo { hasNextPage hasPreviousPage endCursor } } }"""
    seen: list[str] = []
    after = None
    pages = 0
    while True:
        conn = server.data(query, {"after": after}, token="reader")["requirements"]
        pages += 1
        seen += [e["node"]["id"] for e in conn["edges"]]
        assert conn["pageInfo"]["hasPreviousPage"] == (after is not None)
        if not conn["pageInfo"]["hasNextPage"]:
            break
        after = conn["pageInfo"]["endCursor"]
    assert conn["totalCount"] == 113
    assert pages == 3
    assert len(seen) == len(set(seen)) == 113
    assert seen[0] == "euaiact:art-1"
    too_many = server.gql("{ requirements(first: 101) { totalCount } }")
    assert code(too_many) == "INVALID_INPUT", "an over-size page is the caller's input, not the query's complexity"
    assert error(too_many)["extensions"]["maxPageSize"] == 100
    assert error(too_many)["extensions"]["problems"] == [{"field": "first", "message": "must be at most 100 (the page limit)"}]
    assert error(server.gql("{ requirements(first: 1000) { totalCount } }"))["extensions"]["code"] == "INVALID_INPUT"
    assert code(server.gql('{ requirements(first: 5, after: "bm90LWEtY3Vyc29y") { totalCount } }')) == "INVALID_INPUT"
    text = server.data(
        '{ requirements(framework: "euaiact", text: "record-keeping", first: 100) { totalCount edges { node { id: localId } } } }'
    )
    assert text["requirements"]["totalCount"] >= 1


# --- mutations, coverage, gaps ------------------------------------------------------------------
def test_every_mutation_and_the_reports(server: Server) -> None:
    every_mutation_and_the_reports(server)
    assert server.data("{ systems { id: localId } }")["systems"] == [{"id": "credit"}], "the scenario's writes stay"


# --- errors ---------------------------------------------------------------------------------------
CREATE = "mutation($i: CreateEvidenceInput!) { createEvidence(input: $i) { id: localId title description } }"


def problems(body: dict[str, Any]) -> dict[str, str]:
    assert code(body) == "INVALID_INPUT", body
    return {p["field"]: p["message"] for p in error(body)["extensions"]["problems"]}


def test_unknown_ids_are_not_found(server: Server) -> None:
    assert code(server.gql('{ requirement(id: "A.99.9") { id: localId } }')) == "NOT_FOUND"
    assert code(server.gql('{ evidence(id: "no-such-evidence") { id: localId } }')) == "NOT_FOUND"
    assert code(server.gql('{ applicable(system: "no-such-system") { basis } }')) == "NOT_FOUND"
    ambiguous = server.gql('{ requirement(id: "4.1") { id: localId } }')
    assert code(ambiguous) == "INVALID_INPUT"
    assert "iso42001:4.1" in error(ambiguous)["extensions"]["candidates"]


@pytest.mark.parametrize(
    ("item", "field", "words"),
    [
        ({"id": "e1", "title": "t", "kind": "poster"}, "i.kind", "does not exist in 'EvidenceKind'"),
        ({"id": "a b", "title": "t", "kind": "POLICY"}, "input.id", "must be 1-128"),
        ({"id": "e1", "title": "x" * 501, "kind": "POLICY"}, "input.title", "1 to 500"),
        ({"id": "e1", "title": "t", "kind": "POLICY", "collectedOn": "2026/01/15"}, "input.collectedOn", "YYYY-MM-DD"),
        ({"id": "e1", "title": "t", "kind": "POLICY", "validUntil": "15-01-2026"}, "input.validUntil", "YYYY-MM-DD"),
        ({"id": "e1", "title": "t", "kind": "POLICY", "description": "d" * 20_000}, "input.description", "at most 10000"),
        (
            {"id": "e1", "title": "t", "kind": "POLICY", "links": [{"requirement": "A.99.9", "assertedBy": "me"}]},
            "input.links[0].requirement",
            "no requirement",
        ),
        (
            {"id": "e1", "title": "t", "kind": "POLICY", "links": [{"requirement": "A.2.2", "assertedBy": ""}]},
            "input.links[0].assertedBy",
            "is empty",
        ),
    ],
)
def test_bad_input_names_the_field(server: Server, item: dict[str, Any], field: str, words: str) -> None:
    found = problems(server.gql(CREATE, {"i": item}))
    assert field in found, found
    assert words in found[field]
    assert code(server.gql('{ evidence(id: "e1") { id: localId } }')) == "NOT_FOUND", "nothing was stored"


def test_every_problem_of_one_input_in_one_answer(server: Server) -> None:
    """Typed-input problems (a date), the workspace's checks (kind, requirement) and the shapes
    (title length, SHA-256 pattern) are reported together, each under its field."""
    item = {
        "id": "e1",
        "title": "x" * 501,
        "kind": "POLICY",
        "sha256": "abc",
        "collectedOn": "2026/01/15",
        "links": [{"requirement": "A.99.9", "assertedBy": "me"}],
    }
    found = problems(server.gql(CREATE, {"i": item}))
    assert {"input.title", "input.sha256", "input.collectedOn", "input.links[0].requirement"} <= set(found), found
    # A kind outside the enum is refused at variable coercion, before the input's other checks.
    assert set(problems(server.gql(CREATE, {"i": item | {"kind": "poster"}}))) == {"i.kind"}
    assert code(server.gql('{ evidence(id: "e1") { id: localId } }')) == "NOT_FOUND", "nothing was stored"


IMPORT = "mutation($items: [CreateEvidenceInput!]!) { importEvidence(items: $items) { count ids } }"


def item(n: int | str, **fields: Any) -> dict[str, Any]:
    found: dict[str, Any] = {"id": f"imp-{n}", "title": f"Imported {n}", "kind": "RECORD"}
    found["links"] = [{"requirement": "A.6.2.8", "assertedBy": "ci@example.org", "extent": "PARTIAL"}]
    return found | fields


def test_import_evidence_stores_a_batch_all_or_none(server: Server) -> None:
    stored = server.data(IMPORT, {"items": [item(1), item(2, collectedOn="2026-01-15"), item(3)]})["importEvidence"]
    assert stored == {"count": 3, "ids": ["imp-1", "imp-2", "imp-3"]}
    two = server.data('{ evidence(id: "imp-2") { title collectedOn links { requirement { id: localId } extent assertedBy } } }')["evidence"]
    assert two == {
        "title": "Imported 2",
        "collectedOn": "2026-01-15",
        "links": [{"requirement": {"id": "iso42001:A.6.2.8"}, "extent": "PARTIAL", "assertedBy": "ci@example.org"}],
    }
    # Items already stored are replaced, as `grcgraph evidence import` does.
    assert server.data(IMPORT, {"items": [item(1, title="Renamed", links=[])]})["importEvidence"]["count"] == 1
    assert server.data('{ evidence(id: "imp-1") { title links { extent } } }')["evidence"] == {"title": "Renamed", "links": []}
    # One faulty item refuses the batch: every problem is named by its item, nothing is stored.
    bad = [
        item(4, collectedOn="2026/01/15"),
        item(5, kind="OTHER"),
        item(6, links=[{"requirement": "A.99.9", "assertedBy": "me"}]),
        item(4),
        item(1, title="Not stored"),
        item(8, owner="o" * 10_001),
    ]
    found = problems(server.gql(IMPORT, {"items": bad}))
    assert {"items[0].collectedOn", "items[2].links[0].requirement", "items[3].id"} <= set(found), found
    assert set(problems(server.gql(IMPORT, {"items": [item(5, kind="poster")]}))) == {"items[0].kind"}, "at coercion"
    assert "is 10001 characters long" in found["items[5].owner"]
    assert "duplicate id 'imp-4'" in found["items[3].id"]
    for missing in ("imp-4", "imp-5", "imp-6"):
        assert code(server.gql(f'{{ evidence(id: "{missing}") {{ id: localId }} }}')) == "NOT_FOUND", "nothing was stored"
    assert server.data('{ evidence(id: "imp-1") { title } }')["evidence"]["title"] == "Renamed"
    assert server.data(IMPORT, {"items": []})["importEvidence"] == {"count": 0, "ids": []}
    assert code(server.gql(IMPORT, {"items": [item(7)]}, token="reader")) == "FORBIDDEN"
    server.data('mutation { a: deleteEvidence(id: "imp-1") b: deleteEvidence(id: "imp-2") c: deleteEvidence(id: "imp-3") }')


def test_import_evidence_of_a_thousand_items_goes_to_the_bulk_loader(server: Server) -> None:
    """A batch large enough for the bulk loader, through a running server (which holds the store, so
    `grcgraph evidence import` could not reach it): all stored, counted in the gap report at once."""
    items = [item(f"bulk-{n:04d}") for n in range(1000)]
    assert server.data(IMPORT, {"items": items})["importEvidence"]["count"] == 1000
    assert not (server.data_dir / "bulk-load-journal.json").exists()
    assert server.data('{ evidence(id: "imp-bulk-0999") { links { extent } } }')["evidence"]["links"] == [{"extent": "PARTIAL"}]
    covering = server.data('{ requirement(id: "A.6.2.8") { evidence(chainLength: 0) { evidence { id: localId } } } }')["requirement"][
        "evidence"
    ]
    assert any(row["evidence"]["id"].startswith("imp-bulk-") for row in covering), "the link index saw the load"
    rows = server.data('{ gaps(framework: "iso42001", first: 100) { edges { node { requirement { id: localId } status evidence } } } }')
    row = next(e["node"] for e in rows["gaps"]["edges"] if e["node"]["requirement"]["id"] == "iso42001:A.6.2.8")
    assert row["status"] in ("PARTIAL", "COVERED") and any(e.startswith("imp-bulk-") for e in row["evidence"]), row
    assert server.data("{ evidenceList(first: 1) { totalCount } }")["evidenceList"]["totalCount"] >= 1000


def test_wrong_types_and_dates_in_arguments(server: Server) -> None:
    assert problems(server.gql('{ gaps(framework: "euaiact", on: "01/01/2028") { framework } }')) == {
        "on": "'01/01/2028' is not a date in the form YYYY-MM-DD"
    }
    assert code(server.gql('{ requirements(first: "ten") { totalCount } }')) == "GRAPHQL_VALIDATION_FAILED"
    assert code(server.gql("query($n: Int!) { requirements(first: $n) { totalCount } }", {"n": "x"})) == "INVALID_INPUT"
    assert code(server.gql("{ coverage(chainLength: 9) { coverage } }")) == "INVALID_INPUT"


def test_sparql_fragments_in_text_fields_are_stored_as_text(server: Server) -> None:
    nasty = "'; DROP GRAPH <https://w3id.org/grcgraph/graph/reference> ; } INSERT DATA { <a> <b> <c> } #"
    stored = server.data(CREATE, {"i": {"id": "nasty", "title": nasty, "kind": "POLICY", "description": '""" } ; DROP ALL ; """'}})
    assert stored["createEvidence"]["title"] == nasty
    assert stored["createEvidence"]["description"] == '""" } ; DROP ALL ; """'
    assert server.data('{ requirement(id: "A.6.2.8") { id: localId } }')["requirement"]["id"] == "iso42001:A.6.2.8", (
        "the reference graph is intact"
    )
    assert code(server.gql('{ requirement(id: "A.2.2 } ; DROP ALL") { id: localId } }')) in ("NOT_FOUND", "INVALID_INPUT")
    server.data('mutation { deleteEvidence(id: "nasty") }')


# --- access ---------------------------------------------------------------------------------------
def test_access_rules(server: Server) -> None:
    assert code(server.gql("{ frameworks { prefix } }", token=None)) == "UNAUTHENTICATED"
    bad = httpx.post(
        f"{server.url}/graphql",
        json={"query": "{ frameworks { prefix } }"},
        headers={"Authorization": "Bearer grc_0123456789abcdef_not-the-right-secret-at-all"},
    )
    assert code(bad.json()) == "UNAUTHENTICATED"
    basic = httpx.post(f"{server.url}/graphql", json={"query": "{ frameworks { prefix } }"}, headers={"Authorization": "Basic abc"})
    assert code(basic.json()) == "UNAUTHENTICATED"

    assert server.data("{ viewer { workspace role } }", token="reader")["viewer"] == {"workspace": "acme", "role": "READER"}
    assert server.data("{ frameworks { prefix } }", token="reader")["frameworks"]
    write = server.gql('mutation { createEvidence(input: {id: "r1", title: "t", kind: POLICY}) { id: localId } }', token="reader")
    assert code(write) == "FORBIDDEN"
    assert write["data"] is None

    server.data('mutation { createEvidence(input: {id: "acme-secret", title: "Acme only", kind: POLICY}) { id: localId } }')
    theirs = server.gql('{ evidence(id: "acme-secret") { id: localId title } }', token="other")
    assert code(theirs) == "NOT_FOUND"
    assert theirs["data"] is None
    assert "Acme only" not in str(theirs)
    assert server.data("{ evidenceList { totalCount } }", token="other")["evidenceList"]["totalCount"] == 0
    assert code(server.gql('mutation { deleteEvidence(id: "acme-secret") }', token="other")) == "NOT_FOUND"
    assert (
        code(
            server.gql(
                'mutation { linkEvidence(evidenceId: "acme-secret", links: [{requirement: "A.2.2", assertedBy: "x"}]) { id: localId } }',
                token="other",
            )
        )
        == "NOT_FOUND"
    )
    assert code(server.gql('{ coverage(evidenceIds: ["acme-secret"]) { coverage } }', token="other")) == "NOT_FOUND"
    assert server.data('{ evidence(id: "acme-secret") { title } }', token="reader")["evidence"]["title"] == "Acme only"


# --- tokens while the server runs ------------------------------------------------------------------
TOKENS = "{ tokens { id workspace role created revoked } }"


def test_admins_manage_tokens_while_the_server_runs(server: Server) -> None:
    listed = server.data(TOKENS, token="admin")["tokens"]
    by_id = {t["id"]: t for t in listed}
    editor_id = server.tokens["editor"].split("_")[1]
    assert by_id[editor_id] == {**by_id[editor_id], "workspace": "acme", "role": "EDITOR", "revoked": False}
    assert {t["workspace"] for t in listed} == {"acme"}, "an admin sees its own workspace's tokens only"
    raw = server.gql(TOKENS, token="admin")
    assert not any(secret in str(raw) for secret in server.tokens.values()), "never a secret"
    assert not any(len(word) == 64 for word in str(raw).replace("'", " ").split()), "never a hash"

    made = server.data('mutation { createToken(workspace: "acme", role: READER) { id workspace role token } }', token="admin")
    new = made["createToken"]
    assert new["token"].startswith(f"grc_{new['id']}_")
    server.tokens["initech"] = new["token"]
    assert server.data("{ viewer { workspace role } }", token="initech")["viewer"] == {"workspace": "acme", "role": "READER"}
    assert new["id"] in {t["id"] for t in server.data(TOKENS, token="admin")["tokens"]}

    revoked = server.data(f'mutation {{ revokeToken(id: "{new["id"]}") {{ id revoked }} }}', token="admin")["revokeToken"]
    assert revoked == {"id": new["id"], "revoked": True}
    assert new["id"] in {t["id"] for t in server.data(TOKENS, token="admin")["tokens"]}, "kept, flagged"
    assert code(server.gql("{ viewer { workspace } }", token="initech")) == "UNAUTHENTICATED", "refused from the next request on"

    bad = server.gql('mutation { createToken(role: READER, expires: "2020-01-01") { id } }', token="admin")
    assert set(problems(bad)) == {"expires"}
    bad = server.gql("mutation($r: TokenRole!) { createToken(role: $r) { id } }", {"r": "owner"}, token="admin")
    assert set(problems(bad)) == {"r"}, "a role outside the enum, at coercion"
    assert code(server.gql('mutation { revokeToken(id: "0000000000000000") { id } }', token="admin")) == "NOT_FOUND"
    assert code(server.gql('mutation { revokeToken(id: "} ; DROP ALL") { id } }', token="admin")) == "NOT_FOUND"


@pytest.mark.parametrize("who", ["reader", "editor", "other"])
def test_only_admins_see_or_change_tokens(server: Server, who: str) -> None:
    for operation in (
        TOKENS,
        'mutation { createToken(workspace: "acme", role: ADMIN) { token } }',
        f'mutation {{ revokeToken(id: "{server.tokens["admin"].split("_")[1]}") {{ id }} }}',
    ):
        answer = server.gql(operation, token=who)
        assert code(answer) == "FORBIDDEN", (who, operation, answer)
        assert answer["data"] is None
    assert server.data("{ viewer { role } }", token="admin")["viewer"]["role"] == "ADMIN", "the admin token was not revoked"


# --- guards ---------------------------------------------------------------------------------------
def test_guards(server: Server) -> None:
    deep = '{ requirement(id: "A.6.2.8") { ' + "children { " * 11 + "id" + " }" * 11 + " } }"
    assert code(server.gql(deep)) == "QUERY_TOO_COMPLEX"
    aliases = "{ " + " ".join(f"a{i}: frameworks {{ prefix }}" for i in range(31)) + " }"
    assert code(server.gql(aliases)) == "QUERY_TOO_COMPLEX"
    tokens = "{ " + "frameworks { prefix } " * 700 + "}"
    assert code(server.gql(tokens)) == "QUERY_TOO_COMPLEX"
    big = httpx.post(f"{server.url}/graphql", content=b"{" + b" " * 1_100_000 + b"}", headers={"Content-Type": "application/json"})
    assert big.status_code == 413
    assert code(big.json()) == "REQUEST_TOO_LARGE"


@pytest.mark.parametrize(
    ("method", "body", "kind", "words"),
    [
        ("POST", b"{not json", "application/json", "not JSON"),
        ("POST", b"\xff\xfe\x00", "application/json", "not JSON"),
        ("POST", b"[1, 2", "application/json", "not JSON"),
        ("POST", b'[{"query": "{ frameworks { prefix } }"}]', "application/json", "JSON object"),
        ("POST", b"42", "application/json", "JSON object"),
        ("POST", b"null", "application/json", "JSON object"),
        ("POST", b'{"variables": {}}', "application/json", "no 'query'"),
        ("POST", b'{"query": 42}', "application/json", "no 'query'"),
        ("POST", b'{"query": "{ frameworks { prefix } }", "variables": [1]}', "application/json", "'variables'"),
        ("POST", b'{"query": "{ frameworks { prefix } }", "operationName": 7}', "application/json", "'operationName'"),
        ("POST", b"query=%7B", "text/plain", "application/json"),
        ("POST", b'{"query": "{ frameworks { prefix } }"}', "", "application/json"),
        ("POST", b"", "application/json", "empty"),
        ("GET", b"", "", "mutation"),
    ],
)
def test_malformed_requests_get_json_errors(server: Server, method: str, body: bytes, kind: str, words: str) -> None:
    headers = {"Authorization": f"Bearer {server.tokens['editor']}", **({"Content-Type": kind} if kind else {})}
    if method == "GET":
        response = httpx.get(f"{server.url}/graphql", params={"query": 'mutation { deleteEvidence(id: "x") }'}, headers=headers)
    else:
        response = httpx.post(f"{server.url}/graphql", content=body, headers=headers)
    assert response.status_code == 400, (response.status_code, response.text)
    assert response.headers["content-type"].startswith("application/json")
    assert code(response.json()) == "BAD_REQUEST"
    assert words in error(response.json())["message"]


def test_syntax_errors_are_graphql_errors(server: Server) -> None:
    syntax = server.gql("{ frameworks { ")
    assert code(syntax) == "GRAPHQL_PARSE_FAILED"


# --- SPARQL ---------------------------------------------------------------------------------------
def sparql(server: Server, query: str, token: str | None = "reader", method: str = "GET") -> httpx.Response:
    headers = {"Authorization": f"Bearer {server.tokens[token]}"} if token else {}
    if method == "GET":
        return httpx.get(f"{server.url}/sparql", params={"query": query}, headers=headers, timeout=30)
    return httpx.post(
        f"{server.url}/sparql", content=query.encode(), headers={**headers, "Content-Type": "application/sparql-query"}, timeout=30
    )


def test_sparql_select_and_refusals(server: Server) -> None:
    select = "PREFIX skos: <http://www.w3.org/2004/02/skos/core#> SELECT ?label WHERE { GRAPH ?g { <https://w3id.org/grcgraph/framework/iso42001> skos:prefLabel ?label } }"
    for method in ("GET", "POST"):
        response = sparql(server, select, method=method)
        assert response.status_code == 200, response.text
        assert response.json()["results"]["bindings"][0]["label"]["value"]
    assert sparql(server, select, token=None).status_code == 401
    count = "SELECT (COUNT(*) AS ?n) WHERE { GRAPH <https://w3id.org/grcgraph/graph/tokens> { ?s ?p ?o } }"
    assert sparql(server, count).status_code == 403, "the token graph is never visible: naming it is refused"
    hidden = (
        "SELECT (COUNT(*) AS ?n) FROM <https://w3id.org/grcgraph/graph/tokens> WHERE { ?s ?p ?o . FILTER(CONTAINS(STR(?p), 'tokenHash')) }"
    )
    assert sparql(server, hidden).status_code == 403
    assert "cannot see" in sparql(server, hidden).json()["errors"][0]["message"]
    mine = "SELECT ?t WHERE { GRAPH <https://w3id.org/grcgraph/graph/workspace/acme> { ?e <http://purl.org/dc/terms/title> ?t } }"
    assert sparql(server, mine).json()["results"]["bindings"]
    theirs = sparql(server, mine, token="other")
    assert theirs.status_code == 403, "another workspace's graph is not visible: naming it is refused, not answered empty"
    assert theirs.json()["errors"][0]["extensions"]["code"] == "FORBIDDEN"
    anywhere = 'SELECT ?t WHERE { GRAPH ?g { ?e <http://purl.org/dc/terms/title> ?t } FILTER(STRENDS(STR(?g), "/workspace/acme")) }'
    assert sparql(server, anywhere).json()["results"]["bindings"]
    assert not sparql(server, anywhere, token="other").json()["results"]["bindings"], "nor reached through GRAPH ?g"

    headers = {"Authorization": f"Bearer {server.tokens['editor']}"}
    for response in (
        sparql(server, "DROP ALL"),
        httpx.post(f"{server.url}/sparql", content=b"DROP ALL", headers={**headers, "Content-Type": "application/sparql-update"}),
        httpx.post(f"{server.url}/sparql", data={"update": "DROP ALL"}, headers=headers),
        httpx.get(f"{server.url}/sparql", params={"update": "DROP ALL"}, headers=headers),
    ):
        assert response.status_code == 403, response.text
    assert server.data("{ frameworks { prefix } }")["frameworks"], "the store is intact"


# --- persistence (runs last: restarts the server) ---------------------------------------------------
def test_persistence_across_restart_and_revocation(server: Server) -> None:
    server.data(
        'mutation { createEvidence(input: {id: "kept", title: "Survives a restart", kind: RECORD, validUntil: "2030-12-31"}) { id: localId } }'
    )
    server.stop()
    reader_id = server.tokens["reader"].split("_")[1]
    cli("token", "revoke", reader_id, data_dir=server.data_dir)
    server.start()
    kept = server.data('{ evidence(id: "kept") { title validUntil } }')["evidence"]
    assert kept == {"title": "Survives a restart", "validUntil": "2030-12-31"}
    assert server.data("{ systems { id: localId purpose } }")["systems"] == [{"id": "credit", "purpose": "Loan decisions"}]
    assert code(server.gql("{ frameworks { prefix } }", token="reader")) == "UNAUTHENTICATED", "a revoked token is refused"


# --- no server needed -------------------------------------------------------------------------------
def test_schema_snapshot() -> None:
    """Regenerate after a schema change: python -m grcgraph.server.schema > server/schema.graphql"""
    committed = (ROOT / "server" / "schema.graphql").read_text(encoding="utf-8")
    assert build_schema().as_str() + "\n" == committed, "the schema changed: python -m grcgraph.server.schema > server/schema.graphql"


def test_settings_env_wins_over_file(tmp_path: Path) -> None:
    config = tmp_path / "grcgraph.toml"
    config.write_text("[server]\nport = 9100\nmax_depth = 5\nread_only_local = true\n", encoding="utf-8")
    settings = Settings.load({"GRCGRAPH_CONFIG": str(config), "GRCGRAPH_PORT": "9200", "GRCGRAPH_DATA_DIR": str(tmp_path)})
    assert (settings.port, settings.max_depth, settings.read_only_local, settings.data_dir) == (9200, 5, True, tmp_path)
    assert Settings.load({}).max_page_size == 100
    with pytest.raises(SettingsError, match="GRCGRAPH_MAX_ALIASES"):
        Settings.load({"GRCGRAPH_MAX_ALIASES": "many"})
    config.write_text("colour = 'blue'\n", encoding="utf-8")
    with pytest.raises(SettingsError, match="unknown setting"):
        Settings.load({"GRCGRAPH_CONFIG": str(config)})


def in_process(store: GraphStore, **settings: Any) -> Any:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        from fastapi.testclient import TestClient

        from grcgraph.server.app import create_app

        return TestClient(create_app(GRCGraph(store), Settings(**settings)))


def test_read_only_local_mode(store: GraphStore) -> None:
    client = in_process(store, read_only_local=True, local_workspace="local-ro")
    read = client.post("/graphql", json={"query": "{ viewer { workspace role tokenId } frameworks { prefix } }"}).json()
    assert read["data"]["viewer"] == {"workspace": "local-ro", "role": "READER", "tokenId": None}
    write = client.post(
        "/graphql", json={"query": 'mutation { createEvidence(input: {id: "x", title: "t", kind: POLICY}) { id: localId } }'}
    ).json()
    assert code(write) == "FORBIDDEN"
    assert client.get("/sparql", params={"query": "ASK { ?s ?p ?o }"}).json() == {"head": {}, "boolean": True}


def test_introspection_can_be_turned_off(store: GraphStore) -> None:
    closed = in_process(store, read_only_local=True, introspection=False)
    body = closed.post("/graphql", json={"query": "{ __schema { types { name } } }"}).json()
    assert code(body) == "GRAPHQL_VALIDATION_FAILED"
    assert closed.post("/graphql", json={"query": "{ frameworks { prefix } }"}).json()["data"]["frameworks"]
    opened = in_process(store, read_only_local=True)
    assert (
        opened.post("/graphql", json={"query": "{ __schema { queryType { name } } }"}).json()["data"]["__schema"]["queryType"]["name"]
        == "Query"
    )


def test_sparql_timeout_and_result_limit(store: GraphStore) -> None:
    limited = in_process(store, read_only_local=True, sparql_result_limit=3)
    rows = limited.get("/sparql", params={"query": "SELECT * WHERE { GRAPH ?g { ?s ?p ?o } }"}).json()["results"]["bindings"]
    assert len(rows) == 3
    slow = in_process(store, read_only_local=True, sparql_timeout=0.2, sparql_result_limit=10**9)
    response = slow.get("/sparql", params={"query": "SELECT * WHERE { ?a ?b ?c . ?d ?e ?f }"})
    assert response.status_code == 400
    assert code(response.json()) == "QUERY_TOO_COMPLEX"


# --- commands beside the running server -----------------------------------------------------------
def test_reading_commands_run_beside_the_server_and_see_its_acknowledged_writes(server: Server, tmp_path: Path) -> None:
    """The server holds the embedded store: a reading command still runs (on the checkpoint the
    server shares) and sees every write the server acknowledged; a writing command is refused with
    the store-held message, and writes nothing."""
    server.data(
        'mutation { createEvidence(input: {id: "beside", title: "Beside the server", kind: RECORD,'
        ' links: [{requirement: "A.6.2.8", assertedBy: "ciso@example.org"}]}) { id: localId } }'
    )
    assert "iso42001" in cli("frameworks", data_dir=server.data_dir)
    # The server publishes what it wrote within a quarter of a second (a busy machine: a few tries).
    for _ in range(20):
        listed = cli("evidence", "list", "--format", "csv", "--workspace", "acme", data_dir=server.data_dir)
        if "beside," in listed:
            break
    assert "beside,Beside the server,record" in listed and "A.6.2.8" in listed
    file = tmp_path / "more.csv"
    file.write_text("Title,Kind,Owner,Requirements\nMore,record,o@example.org,A.6.2.8\n", encoding="utf-8")
    with pytest.raises(RuntimeError, match="another grcgraph process, such as `grcgraph serve`, is using it, and this command writes"):
        cli("evidence", "import", str(file), "--workspace", "acme", data_dir=server.data_dir)
    ids = [e["node"]["id"] for e in server.data("{ evidenceList(first: 100) { edges { node { id: localId } } } }")["evidenceList"]["edges"]]
    assert "beside" in ids and "more" not in ids
