"""The GraphQL schema in process, over a shared store: a workspace filled with evidence, and a
query executed as a reader of it (used by the server's tests that need no HTTP)."""

from __future__ import annotations

import asyncio
import datetime as dt
from typing import Any

from grcgraph.api import GRCGraph
from grcgraph.model import EvidenceInput, EvidenceLinkInput, Role
from grcgraph.server.context import Context, Principal, Registry
from grcgraph.server.schema import build_schema
from grcgraph.server.settings import Settings
from grcgraph.store.base import GraphStore

REQUIREMENTS = ["A.6.2.8", "Art. 12(1)", "iso27001:A.8.15", "GOVERN 1.1", "A.2.2"]


def fill(store: GraphStore, workspace: str, count: int) -> GRCGraph:
    """`count` evidence items with 1-3 links each, some expiring before the date asked."""
    api = GRCGraph(store, workspace)
    items = [
        EvidenceInput(
            id=f"ev-{i:03d}",
            title=f"Evidence {i}",
            kind="policy",
            valid_until=dt.date(2027, 1, 1) if i % 4 == 0 else None,
            links=[
                EvidenceLinkInput(
                    requirement=REQUIREMENTS[(i + k) % len(REQUIREMENTS)], asserted_by="auditor", extent="full" if k else "partial"
                )
                for k in range(1 + i % 3)
            ],
        )
        for i in range(count)
    ]
    api.workspace.put_evidence(items)
    return api


def execute(registry: Registry, workspace: str, query: str, variables: dict[str, Any] | None = None, **options: Any) -> dict[str, Any]:
    settings = Settings(**options)
    context = Context(registry, settings, lambda: (Principal(workspace, Role.reader, "0123456789abcdef"), None))
    result = asyncio.run(build_schema(settings).execute(query, variable_values=variables, context_value=context))
    assert not result.errors, result.errors
    assert isinstance(result.data, dict)
    return result.data
