"""hypothesis-graphql over the committed SDL against a real `grcgraph serve`: valid and invalid
queries and mutations, as a reader, an editor and an admin. Every answer is JSON with a 2xx or 4xx
status, never a 5xx, never a stack trace, and the server keeps answering."""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from hypothesis_graphql import Mode, mutations, queries
from repo import ROOT
from servers import ApiServer, cli

SDL = (ROOT / "server/schema.graphql").read_text(encoding="utf-8")
SCALARS = {
    "Date": st.dates().map(lambda day: __import__("graphql").StringValueNode(value=day.isoformat())),
    "DateTime": st.datetimes(timezones=st.just(dt.UTC)).map(lambda moment: __import__("graphql").StringValueNode(value=moment.isoformat())),
}
CASES = 700  # per test: 3 tests, 2,100 cases
TRACES = ("Traceback (most recent call last)", '.py", line ', "site-packages/")
seen: dict[str, int] = {}


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[ApiServer]:
    data_dir: Path = tmp_path_factory.mktemp("fuzz")
    srv = ApiServer("--data-dir", str(data_dir), ready_seconds=120, request_seconds=60)
    for role in ("reader", "editor", "admin"):
        srv.tokens[role] = cli("token", "create", "--workspace", "fuzz", "--role", role, data_dir=data_dir)
    srv.start()
    with httpx.Client(base_url=srv.url, timeout=60) as client:
        srv.client = client  # type: ignore[attr-defined]
        yield srv
    srv.stop()
    assert sum(seen.values()) >= 2000 or len(seen) < 3, seen


def send(server: ApiServer, document: str, role: str, kind: str) -> None:
    seen[kind] = seen.get(kind, 0) + 1
    client: httpx.Client = server.client  # type: ignore[attr-defined]
    response = client.post("/graphql", json={"query": document}, headers={"Authorization": f"Bearer {server.tokens[role]}"})
    assert response.status_code < 500, (response.status_code, document[:2000], response.text[:2000])
    assert not any(trace in response.text for trace in TRACES), (document[:2000], response.text[:2000])
    body: dict[str, Any] = json.loads(response.text)
    assert "data" in body or "errors" in body, body
    for error in body.get("errors") or []:
        assert error["extensions"]["code"] != "INTERNAL_SERVER_ERROR", (document[:2000], error)


FUZZ = settings(max_examples=CASES, deadline=None, suppress_health_check=list(HealthCheck), database=None)


@FUZZ
@given(document=queries(SDL, custom_scalars=SCALARS), role=st.sampled_from(["reader", "editor", "admin"]))
def test_generated_queries(server: ApiServer, document: str, role: str) -> None:
    send(server, document, role, "queries")


@FUZZ
@given(document=mutations(SDL, custom_scalars=SCALARS), role=st.sampled_from(["reader", "editor", "admin"]))
def test_generated_mutations(server: ApiServer, document: str, role: str) -> None:
    send(server, document, role, "mutations")


@FUZZ
@given(document=queries(SDL, custom_scalars=SCALARS, mode=Mode.NEGATIVE) | mutations(SDL, custom_scalars=SCALARS, mode=Mode.NEGATIVE))
def test_invalid_documents(server: ApiServer, document: str) -> None:
    send(server, document, "editor", "invalid")


def test_the_server_still_answers(server: ApiServer) -> None:
    assert httpx.get(f"{server.url}/healthz", timeout=10).json() == {"status": "ok"}
    assert sum(seen.values()) >= 2000, seen
