"""The server's caches never bypass a guard: checked documents (per query text) and verified tokens
(per whole token, for a few seconds). A query refused once is refused again, a cached document
runs with each request's variables, guards with different limits never share an entry, a revoked
token is refused from the next request, and one token's workspace is never served to another."""

from __future__ import annotations

import warnings
from typing import Any

from graphql import parse

from grcgraph.api import GRCGraph
from grcgraph.server.auth import VerifiedTokens
from grcgraph.server.context import Context, Registry
from grcgraph.server.guards import Checked, DocumentCache
from grcgraph.server.settings import Settings
from grcgraph.store.base import GraphStore
from grcgraph.workspace import tokens as auth

with warnings.catch_warnings():
    warnings.simplefilter("ignore")
    from fastapi.testclient import TestClient

    from grcgraph.server.app import create_app

PAGE = "query($n: Int!) { requirements(first: $n) { edges { node { id: localId } } } }"  # costs 2 + 2n
DEEP = "{ evidenceList { edges { node { links { requirement { id: localId } } } } } }"
VIEWER = "{ viewer { workspace role } }"


def post(http: TestClient, query: str, variables: dict[str, Any] | None = None, token: str | None = None) -> dict[str, Any]:
    headers = {"Authorization": f"Bearer {token}"} if token else {}
    response = http.post("/graphql", json={"query": query, "variables": variables or {}}, headers=headers)
    body: dict[str, Any] = response.json()
    assert response.status_code == (401 if codes(body) == ["UNAUTHENTICATED"] else 200), response.text
    return body


def checked(store: GraphStore) -> Any:
    """The store's check of a presented token, as the server gives it to its cache (looked up when called)."""
    return lambda token: auth.authenticate(store, token)


def codes(body: dict[str, Any]) -> list[str]:
    return [str(e.get("extensions", {}).get("code")) for e in body.get("errors") or []]


def local(store: GraphStore, workspace: str, **options: Any) -> TestClient:
    return TestClient(create_app(GRCGraph(store), Settings(read_only_local=True, local_workspace=workspace, **options)))


# --- checked documents ------------------------------------------------------------------------------
def test_a_refused_query_is_refused_again_and_reads_nothing(store: GraphStore) -> None:
    http = local(store, "cache-refused", max_depth=4)
    first = post(http, DEEP)
    before = store.reads
    again = post(http, DEEP)
    assert codes(first) == codes(again) == ["QUERY_TOO_COMPLEX"]
    assert again["errors"][0]["message"] == first["errors"][0]["message"]
    assert store.reads == before, "a query refused from the cache reads nothing either"
    for _ in range(2):  # an invalid document (unknown field) too
        assert "frameworx" in post(http, "{ frameworx { prefix } }")["errors"][0]["message"]


def test_a_cached_document_runs_with_each_requests_variables(store: GraphStore) -> None:
    http = local(store, "cache-variables", max_query_cost=102)
    for n, allowed in ((50, True), (51, False), (3, True), (51, False), (50, True)):
        body = post(http, PAGE, {"n": n})
        if allowed:
            assert "errors" not in body, body
            assert len(body["data"]["requirements"]["edges"]) == n
        else:
            assert codes(body) == ["QUERY_TOO_COMPLEX"] and body["errors"][0]["extensions"]["cost"] == 2 + 2 * n
    assert "errors" in post(http, PAGE, {"n": "many"}), "variables are coerced per request, not remembered"


def test_guards_with_different_limits_never_share_an_entry(store: GraphStore) -> None:
    strict, loose = local(store, "cache-limits", max_depth=4), local(store, "cache-limits", max_depth=10)
    for _ in range(2):
        assert "errors" not in post(loose, DEEP)
        assert codes(post(strict, DEEP)) == ["QUERY_TOO_COMPLEX"]
    shut = local(store, "cache-limits", introspection=False)
    assert "errors" not in post(loose, "{ __schema { queryType { name } } }")
    assert post(shut, "{ __schema { queryType { name } } }").get("errors"), "introspection stays off on the other server"


def test_the_document_cache_is_bounded() -> None:
    cache = DocumentCache(size=3, max_chars=50)
    checked = Checked(parse("{ frameworks { prefix } }"), ())
    for n in range(5):
        cache.put((f"{{ a{n} }}", ()), checked)
    assert len(cache) == 3 and cache.get(("{ a0 }", ())) is None and cache.get(("{ a4 }", ())) is checked
    cache.put(("{ " + "x " * 40 + "}", ()), checked)
    assert len(cache) == 3, "a text over max_chars is not kept"


def test_a_document_cache_of_size_0_keeps_nothing(store: GraphStore) -> None:
    cache = DocumentCache(size=0)
    cache.put(("{ a }", ()), Checked(parse("{ frameworks { prefix } }"), ()))
    assert len(cache) == 0 and cache.get(("{ a }", ())) is None
    http = local(store, "cache-off", document_cache_size=0)
    for _ in range(2):
        assert "errors" not in post(http, "{ frameworks { prefix } }")


def test_malformed_documents_are_refused_every_time(store: GraphStore) -> None:
    http = local(store, "cache-parse", max_tokens=20)
    long = "{ " + " ".join(f"a{n}: frameworks {{ prefix }}" for n in range(10)) + " }"
    for _ in range(2):
        assert codes(post(http, long)) == ["QUERY_TOO_COMPLEX"]
        assert post(http, "{ frameworks { ")["errors"]


# --- verified tokens --------------------------------------------------------------------------------
def test_each_token_gets_its_own_workspace_and_a_revoked_token_is_refused_at_once(store: GraphStore) -> None:
    GRCGraph(store, "cache-a"), GRCGraph(store, "cache-b")
    admin = auth.create_token(store, "cache-a", "admin")
    reader_a = auth.create_token(store, "cache-a", "reader")
    editor_b = auth.create_token(store, "cache-b", "editor")
    http = TestClient(create_app(GRCGraph(store), Settings()))
    for _ in range(3):
        assert post(http, VIEWER, token=reader_a)["data"]["viewer"] == {"workspace": "cache-a", "role": "READER"}
        assert post(http, VIEWER, token=editor_b)["data"]["viewer"] == {"workspace": "cache-b", "role": "EDITOR"}
    same_id_wrong_secret = reader_a[:-4] + ("AAAA" if not reader_a.endswith("AAAA") else "BBBB")
    assert codes(post(http, VIEWER, token=same_id_wrong_secret)) == ["UNAUTHENTICATED"]

    revoked = post(http, f'mutation {{ revokeToken(id: "{reader_a.split("_")[1]}") {{ revoked }} }}', token=admin)
    assert revoked["data"]["revokeToken"]["revoked"] is True
    assert codes(post(http, VIEWER, token=reader_a)) == ["UNAUTHENTICATED"], "refused from the very next request"
    assert post(http, VIEWER, token=editor_b)["data"]["viewer"]["workspace"] == "cache-b"


def test_a_revocation_elsewhere_is_seen_within_the_ttl(store: GraphStore) -> None:
    now = [0.0]
    tokens = VerifiedTokens(ttl=5.0, clock=lambda: now[0])
    token = auth.create_token(store, "cache-ttl", "reader")
    record = tokens.authenticate(checked(store), token)
    assert record is not None and record.workspace == "cache-ttl"
    before = store.reads
    assert tokens.authenticate(checked(store), token) == record
    assert store.reads == before, "a verified token is not looked up again within the TTL"
    auth.revoke_token(store, record.id)  # as another process sharing the store would: no `forget` here
    now[0] = 4.9
    assert tokens.authenticate(checked(store), token) == record, "the documented bound: up to the TTL"
    now[0] = 5.1
    assert tokens.authenticate(checked(store), token) is None
    assert VerifiedTokens(ttl=0).authenticate(checked(store), token) is None, "0 turns the cache off"


def test_a_lookup_that_raced_a_revocation_is_not_kept(store: GraphStore, monkeypatch: Any) -> None:
    tokens = VerifiedTokens(ttl=60)
    token = auth.create_token(store, "cache-race", "reader")
    looked_up = auth.authenticate

    def revoked_meanwhile(store: GraphStore, token: str) -> auth.TokenRecord | None:
        record = looked_up(store, token)  # read before the revocation lands
        assert record is not None
        auth.revoke_token(store, record.id)
        tokens.forget(record.id)
        return record

    monkeypatch.setattr(auth, "authenticate", revoked_meanwhile)
    assert tokens.authenticate(checked(store), token) is not None, "the request that raced the revocation"
    monkeypatch.setattr(auth, "authenticate", looked_up)
    assert tokens.authenticate(checked(store), token) is None, "the next request is checked against the store"


def test_only_verified_tokens_are_kept(store: GraphStore) -> None:
    tokens = VerifiedTokens(ttl=60, size=2)
    assert tokens.authenticate(checked(store), "grc_0123456789abcdef_" + "x" * 30) is None
    made = [auth.create_token(store, "cache-size", "reader") for _ in range(3)]
    for token in made:
        assert tokens.authenticate(checked(store), token) is not None
    assert len(tokens._entries) == 2, "bounded"


def test_loaders_are_made_on_first_use(store: GraphStore) -> None:
    context = Context(Registry(GRCGraph(store, "cache-lazy")), Settings(), lambda: (None, "no caller"))
    assert "loaders" not in vars(context)
    assert context.loaders is context.loaders


def test_access_log_setting() -> None:
    assert Settings.load({}).access_log is True
    assert Settings.load({"GRCGRAPH_ACCESS_LOG": "false"}).access_log is False
    assert Settings.load({}, access_log=False).access_log is False
    assert Settings.load({"GRCGRAPH_TOKEN_CACHE_SECONDS": "0"}).token_cache_seconds == 0
