"""Requirement.datesOfApplication: the EU AI Act dates the `show` command prints, over GraphQL."""

from __future__ import annotations

import asyncio

from grcgraph.api import GRCGraph
from grcgraph.model import Role
from grcgraph.server.context import Context, Principal, Registry
from grcgraph.server.schema import build_schema
from grcgraph.server.settings import Settings
from grcgraph.store.base import GraphStore

QUERY = """{ article: requirement(id: "Art. 12(1)") { datesOfApplication { appliesFrom category part source replaced { appliesFrom } } }
  control: requirement(id: "A.6.2.8") { datesOfApplication { appliesFrom } } }"""


def test_dates_per_category_with_what_they_replaced(store: GraphStore) -> None:
    context = Context(Registry(GRCGraph(store, "dates")), Settings(), lambda: (Principal("dates", Role.reader, "0123456789abcdef"), None))
    result = asyncio.run(build_schema().execute(QUERY, context_value=context))
    assert not result.errors, result.errors
    assert isinstance(result.data, dict)
    dates = {d["category"]: d for d in result.data["article"]["datesOfApplication"]}
    assert dates[None]["appliesFrom"] == "2026-08-02" and "Article 113" in dates[None]["source"]
    assert dates["HIGH_RISK_ANNEX_III"]["appliesFrom"] == "2027-12-02"
    assert dates["HIGH_RISK_ANNEX_III"]["replaced"] == [{"appliesFrom": "2026-08-02"}]
    assert result.data["control"]["datesOfApplication"] == []
