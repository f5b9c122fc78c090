"""Tenancy over HTTP against a real `grcgraph serve`: an admin manages its own workspace's tokens
only, an operator token (made by the CLI alone) manages every workspace's, tokens expire, their
last use is kept (in memory, written in batches and at shutdown), and revoked tokens stay listed
with who revoked them and when."""

from __future__ import annotations

import datetime as dt
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from servers import ApiServer, cli

TOKENS = "query($w: String) { tokens(workspace: $w) { id workspace role created createdBy expires lastUsed revoked revokedBy revokedAt } }"
CREATE = (
    "mutation($w: String, $r: TokenRole!, $e: DateTime) { createToken(workspace: $w, role: $r, expires: $e) { id workspace role token } }"
)
REVOKE = "mutation($id: String!) { revokeToken(id: $id) { id workspace revoked revokedBy revokedAt } }"


def code(body: dict[str, Any]) -> str:
    assert body.get("errors"), body
    return str(body["errors"][0]["extensions"]["code"])


def token_id(secret: str) -> str:
    return secret.split("_")[1]


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[ApiServer]:
    data_dir: Path = tmp_path_factory.mktemp("tenancy")
    srv = ApiServer("--data-dir", str(data_dir), ready_seconds=90, request_seconds=60)
    srv.data_dir = data_dir  # type: ignore[attr-defined]
    for name, workspace, role in (
        ("acme-admin", "acme", "admin"),
        ("acme-editor", "acme", "editor"),
        ("globex-admin", "globex", "admin"),
        ("globex-reader", "globex", "reader"),
        ("operator", "ops", "operator"),
        ("unused", "acme", "reader"),
    ):
        srv.tokens[name] = cli("token", "create", "--workspace", workspace, "--role", role, data_dir=data_dir)
    srv.start()
    yield srv
    srv.stop()


def test_an_admin_manages_its_own_workspace_only(server: ApiServer) -> None:
    listed = server.data(TOKENS, token="globex-admin")["tokens"]
    assert {t["workspace"] for t in listed} == {"globex"}
    assert {t["id"] for t in listed} == {token_id(server.tokens[n]) for n in ("globex-admin", "globex-reader")}
    assert code(server.gql(TOKENS, {"w": "acme"}, token="globex-admin")) == "FORBIDDEN"

    # beta's admin cannot mint a token for alpha, nor an operator token, nor revoke alpha's tokens
    assert code(server.gql(CREATE, {"w": "acme", "r": "ADMIN"}, token="globex-admin")) == "FORBIDDEN"
    assert code(server.gql(CREATE, {"r": "OPERATOR"}, token="globex-admin")) == "FORBIDDEN"
    answer = server.gql(REVOKE, {"id": token_id(server.tokens["acme-editor"])}, token="globex-admin")
    assert code(answer) == "NOT_FOUND", "another workspace's token is not even shown to exist"
    assert server.data("{ viewer { workspace role } }", token="acme-editor")["viewer"] == {"workspace": "acme", "role": "EDITOR"}

    # its own workspace, by default
    made = server.data(CREATE, {"r": "READER"}, token="globex-admin")["createToken"]
    assert made["workspace"] == "globex"
    server.tokens["globex-new"] = made["token"]
    assert server.data("{ viewer { workspace role } }", token="globex-new")["viewer"] == {"workspace": "globex", "role": "READER"}
    revoked = server.data(REVOKE, {"id": made["id"]}, token="globex-admin")["revokeToken"]
    assert revoked["revoked"] is True
    assert revoked["revokedBy"] == token_id(server.tokens["globex-admin"])
    assert code(server.gql("{ viewer { workspace } }", token="globex-new")) == "UNAUTHENTICATED"


def test_readers_and_editors_manage_no_tokens(server: ApiServer) -> None:
    for who in ("acme-editor", "globex-reader"):
        assert code(server.gql(TOKENS, token=who)) == "FORBIDDEN"
        assert code(server.gql(CREATE, {"r": "READER"}, token=who)) == "FORBIDDEN"
        assert code(server.gql(REVOKE, {"id": token_id(server.tokens["unused"])}, token=who)) == "FORBIDDEN"


def test_an_operator_manages_every_workspace(server: ApiServer) -> None:
    everyone = server.data(TOKENS, token="operator")["tokens"]
    assert {t["workspace"] for t in everyone} >= {"acme", "globex", "ops"}
    only_acme = server.data(TOKENS, {"w": "acme"}, token="operator")["tokens"]
    assert {t["workspace"] for t in only_acme} == {"acme"}
    assert all(t["createdBy"] == "cli" for t in everyone if t["id"] == token_id(server.tokens["acme-admin"]))

    made = server.data(CREATE, {"w": "initech", "r": "ADMIN"}, token="operator")["createToken"]
    assert made["workspace"] == "initech"
    assert code(server.gql(CREATE, {"w": "initech", "r": "OPERATOR"}, token="operator")) == "FORBIDDEN", "operators come from the CLI only"
    before = dt.datetime.now(dt.UTC).replace(microsecond=0)
    revoked = server.data(REVOKE, {"id": made["id"]}, token="operator")["revokeToken"]
    assert revoked["revokedBy"] == token_id(server.tokens["operator"])
    assert dt.datetime.fromisoformat(revoked["revokedAt"]) >= before

    # kept, never deleted: still listed, flagged with who and when; a second revocation keeps them
    again = server.data(REVOKE, {"id": made["id"]}, token="operator")["revokeToken"]
    assert again == revoked
    kept = {t["id"]: t for t in server.data(TOKENS, {"w": "initech"}, token="operator")["tokens"]}[made["id"]]
    assert kept["revoked"] is True
    assert (kept["revokedBy"], kept["revokedAt"]) == (revoked["revokedBy"], revoked["revokedAt"])
    assert kept["createdBy"] == token_id(server.tokens["operator"])


def test_tokens_expire(server: ApiServer) -> None:
    past = server.gql(CREATE, {"r": "READER", "e": "2020-01-01T00:00:00Z"}, token="acme-admin")
    assert code(past) == "INVALID_INPUT"
    assert past["errors"][0]["extensions"]["problems"][0]["field"] == "expires"
    assert code(server.gql(CREATE, {"r": "READER", "e": "2999-01-01T00:00:00"}, token="acme-admin")) == "INVALID_INPUT", "no time zone"
    assert code(server.gql(CREATE, {"r": "READER", "e": "next tuesday"}, token="acme-admin")) == "INVALID_INPUT"

    until = dt.datetime.now(dt.UTC) + dt.timedelta(seconds=8)
    made = server.data(CREATE, {"r": "READER", "e": until.isoformat()}, token="acme-admin")["createToken"]
    server.tokens["soon"] = made["token"]
    assert server.data("{ viewer { role } }", token="soon")["viewer"]["role"] == "READER"
    listed = {t["id"]: t for t in server.data(TOKENS, token="acme-admin")["tokens"]}
    assert dt.datetime.fromisoformat(listed[made["id"]]["expires"]) == until.replace(microsecond=0)
    time.sleep(max(0.0, (until - dt.datetime.now(dt.UTC)).total_seconds()) + 1)
    answer = server.gql("{ viewer { role } }", token="soon")
    assert code(answer) == "UNAUTHENTICATED"
    assert "expired" in answer["errors"][0]["message"]


def test_last_use_is_kept_and_written_at_shutdown(server: ApiServer) -> None:
    server.data("{ viewer { role } }", token="acme-editor")
    listed = {t["id"]: t for t in server.data(TOKENS, token="acme-admin")["tokens"]}
    assert listed[token_id(server.tokens["acme-editor"])]["lastUsed"] is not None
    assert listed[token_id(server.tokens["unused"])]["lastUsed"] is None
    minute = dt.datetime.fromisoformat(listed[token_id(server.tokens["acme-editor"])]["lastUsed"])
    assert minute.second == 0, "kept to the minute"

    server.stop()  # the last use was in memory only (flushed every 60 s): the shutdown writes it
    lines = cli("token", "list", "--workspace", "acme", data_dir=server.data_dir).splitlines()  # type: ignore[attr-defined]
    by_id = {line.split()[0]: line for line in lines}
    written = by_id[token_id(server.tokens["acme-editor"])].split("last used ")[1].split()[0]
    assert dt.datetime.fromisoformat(written) == minute
    assert "last used never" in by_id[token_id(server.tokens["unused"])]
