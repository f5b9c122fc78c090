"""The end-to-end tests' `grcgraph serve` (bench/processes.py starts and stops it), with API tokens
per role, driven over HTTP with httpx."""

from __future__ import annotations

from functools import partial
from typing import Any

import httpx

from bench import processes
from bench.processes import GrcgraphServer

cli = partial(processes.cli, timeout=300)


class ApiServer(GrcgraphServer):
    """`grcgraph serve` with the given store arguments (`--data-dir DIR` or `--store URL`), driven
    with `gql` (the whole answer) and `data` (its data, asserting no errors) as the role in `tokens`."""

    def __init__(
        self,
        *store_args: str,
        tokens: dict[str, str] | None = None,
        ready_seconds: float = 120,
        request_seconds: float = 120,
        env: dict[str, str] | None = None,
    ) -> None:
        super().__init__(*store_args, env=env, ready_seconds=ready_seconds, stop_seconds=30)
        self.request_seconds = request_seconds
        self.tokens: dict[str, str] = tokens if tokens is not None else {}

    def gql(self, query: str, variables: dict[str, Any] | None = None, token: str | None = "editor") -> dict[str, Any]:
        headers = {"Authorization": f"Bearer {self.tokens[token]}"} if token else {}
        response = httpx.post(
            f"{self.url}/graphql", json={"query": query, "variables": variables or {}}, headers=headers, timeout=self.request_seconds
        )
        body: dict[str, Any] = response.json()
        # 401 for a missing or unknown token (answered before the query is read); 503 for a store that
        # does not answer when the token is checked (200 with the same code when it fails in a field); 200 otherwise.
        code = body.get("errors", [{}])[0].get("extensions", {}).get("code")
        expected = {"UNAUTHENTICATED": {401}, "STORE_UNAVAILABLE": {200, 503}}.get(code, {200})
        assert response.status_code in expected, response.text
        return body

    def data(self, query: str, variables: dict[str, Any] | None = None, token: str | None = "editor") -> dict[str, Any]:
        body = self.gql(query, variables, token)
        assert "errors" not in body, body["errors"]
        result: dict[str, Any] = body["data"]
        return result
