"""Answers to repeated questions are kept per workspace revision, and the cache is exact: a write
(through the server or not) changes the next answer, callers with different access never share an
entry, the date is part of the key, and mutations, errors and admin answers are never kept."""

from __future__ import annotations

import datetime as dt
import uuid
import warnings
from typing import Any

import pyoxigraph as ox
import pytest
from in_process import fill

from grcgraph.api import GRCGraph
from grcgraph.model import EvidenceInput, EvidenceLinkInput
from grcgraph.server import response_cache
from grcgraph.server.response_cache import ResponseCache
from grcgraph.server.settings import Settings
from grcgraph.store.base import GraphStore
from grcgraph.workspace import tokens as auth

with warnings.catch_warnings():
    warnings.simplefilter("ignore")
    from fastapi.testclient import TestClient

    from grcgraph.server.app import create_app

COVERAGE = '{ coverage(evidenceIds: ["ev-001"], on: "2026-11-22") { requirement { id: localId } coverage } }'
COUNT = "{ evidenceList { totalCount } viewer { workspace role tokenId } }"


class Client:
    def __init__(self, store: GraphStore, **options: Any) -> None:
        self.app = create_app(GRCGraph(store), Settings(**options))
        self.http = TestClient(self.app)
        self.cache: ResponseCache = self.app.state.response_cache

    def post(self, token: str, query: str, variables: dict[str, Any] | None = None) -> dict[str, Any]:
        response = self.http.post(
            "/graphql", json={"query": query, "variables": variables or {}}, headers={"Authorization": f"Bearer {token}"}
        )
        assert response.status_code == 200, response.text
        body: dict[str, Any] = response.json()
        return body


@pytest.fixture
def workspace(store: GraphStore) -> Any:
    name = f"rc-{uuid.uuid4().hex[:10]}"
    fill(store, name, 6)
    yield name
    store.inner.remove_graph(ox.NamedNode(str(GRCGraph(store, name).workspace.graph)))


def covered(body: dict[str, Any]) -> list[str]:
    return sorted(row["requirement"]["id"] for row in body["data"]["coverage"])


def test_a_repeated_question_is_answered_from_the_cache_until_a_write(store: GraphStore, workspace: str) -> None:
    editor = auth.create_token(store, workspace, "editor")
    client = Client(store)
    answers = [client.post(editor, COVERAGE) for _ in range(3)]
    assert answers[0] == answers[1] == answers[2]
    assert client.cache.stored == 1 and client.cache.hits == 1, "kept the second time, answered from the cache the third"

    # A write through the server: the next answer is the new one, at once.
    link = 'mutation { linkEvidence(evidenceId: "ev-001", links: [{requirement: "A.10.4", assertedBy: "auditor"}]) { id: localId } }'
    assert "errors" not in client.post(editor, link)
    after = client.post(editor, COVERAGE)
    assert "iso42001:A.10.4" in covered(after) and "iso42001:A.10.4" not in covered(answers[0])

    # A write the server did not make (another process over the same store): seen too.
    client.post(editor, COVERAGE)
    hits = client.cache.hits
    assert client.post(editor, COVERAGE) == after and client.cache.hits == hits + 1
    GRCGraph(store, workspace).put_evidence(
        [EvidenceInput(id="ev-001", title="Replaced", kind="policy", links=[EvidenceLinkInput(requirement="A.2.2", asserted_by="auditor")])]
    )
    replaced = client.post(editor, COVERAGE)
    assert replaced != after and "iso42001:A.10.4" not in covered(replaced)
    assert client.cache.hits == hits + 1


def test_tokens_with_different_access_never_share_an_entry(store: GraphStore, workspace: str) -> None:
    other = f"rc-{uuid.uuid4().hex[:10]}"
    fill(store, other, 2)
    try:
        callers = {
            "reader": auth.create_token(store, workspace, "reader"),
            "editor": auth.create_token(store, workspace, "editor"),
            "elsewhere": auth.create_token(store, other, "reader"),
        }
        client = Client(store)
        for _ in range(3):
            seen = {name: client.post(token, COUNT)["data"] for name, token in callers.items()}
            assert seen["reader"]["viewer"]["role"] == "READER" and seen["editor"]["viewer"]["role"] == "EDITOR"
            assert seen["reader"]["evidenceList"]["totalCount"] == 6 and seen["elsewhere"]["evidenceList"]["totalCount"] == 2
            assert len({item["viewer"]["tokenId"] for item in seen.values()}) == 3
        assert client.cache.hits == 3, "each caller's own answer came back from the cache once"
    finally:
        store.inner.remove_graph(ox.NamedNode(str(GRCGraph(store, other).workspace.graph)))


def test_the_date_is_part_of_the_key(store: GraphStore, workspace: str, monkeypatch: pytest.MonkeyPatch) -> None:
    reader = auth.create_token(store, workspace, "reader")
    client = Client(store)
    monkeypatch.setattr(response_cache, "today", lambda: dt.date(2026, 11, 22))
    for _ in range(3):
        client.post(reader, COVERAGE)
    assert client.cache.hits == 1
    monkeypatch.setattr(response_cache, "today", lambda: dt.date(2026, 11, 23))
    client.post(reader, COVERAGE)
    client.post(reader, COVERAGE)
    assert client.cache.hits == 1, "a new day: the answer is computed again, not read from yesterday's entry"
    client.post(reader, COVERAGE)
    assert client.cache.hits == 2


def test_mutations_errors_and_admin_answers_are_never_kept(store: GraphStore, workspace: str) -> None:
    editor = auth.create_token(store, workspace, "editor")
    admin = auth.create_token(store, workspace, "admin")
    client = Client(store)
    soa = 'mutation { setApplicability(control: "A.10.4", included: true, reason: "Needed") { control { id: localId } } }'
    missing = '{ evidence(id: "no-such-item") { id: localId } }'
    for _ in range(3):
        assert "errors" not in client.post(editor, soa)
        assert client.post(editor, missing)["errors"][0]["extensions"]["code"] == "NOT_FOUND"
        assert "errors" not in client.post(admin, "{ tokens { id } }")
    assert client.cache.stored == 0 and client.cache.hits == 0 and len(client.cache) == 0


def test_no_answer_is_kept_with_a_budget_of_0(store: GraphStore, workspace: str) -> None:
    reader = auth.create_token(store, workspace, "reader")
    client = Client(store, response_cache_mb=0)
    for _ in range(3):
        assert "errors" not in client.post(reader, COVERAGE)
    assert client.cache.stored == 0 and client.cache.hits == 0
    assert client.cache.asked == 0, "the cache is not consulted at all: no stamp is read for it"


def test_the_cache_is_bounded_by_its_budget() -> None:
    cache = ResponseCache(10_000, clock=lambda: dt.date(2026, 1, 1))
    for n in range(100):
        question = cache.question("w", 1, None, f"body {n}".encode())
        question.stamped, question.revision = True, "r1"
        cache.put(question, b"x" * 800)
    assert cache.size() <= 10_000 and 0 < len(cache) < 100
    question = cache.question("w", 1, None, b"body 99")
    question.stamped, question.revision = True, "r1"
    assert cache.get(question) == b"x" * 800, "the most recent answers are the ones kept"
    question.revision = "r2"
    assert cache.get(question) is None
