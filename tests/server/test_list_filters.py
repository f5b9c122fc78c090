"""The evidence register's filters (evidenceList text, kind, owner, stale) and the gap table's
status filter and sort (gaps status, orderBy, descending), in process over the shared store."""

from __future__ import annotations

import asyncio
import datetime as dt
from typing import Any

import pytest

from grcgraph.api import GRCGraph
from grcgraph.model import EvidenceInput, EvidenceLinkInput, Role
from grcgraph.server.context import Context, Principal, Registry
from grcgraph.server.error_format import format_error
from grcgraph.server.schema import build_schema
from grcgraph.server.settings import Settings
from grcgraph.store import revision
from grcgraph.store.base import GraphStore


def run(registry: Registry, workspace: str, query: str, variables: dict[str, Any] | None = None) -> dict[str, Any]:
    settings = Settings()
    context = Context(registry, settings, lambda: (Principal(workspace, Role.reader, "0123456789abcdef"), None))
    result = asyncio.run(build_schema(settings).execute(query, variable_values=variables, context_value=context))
    return {"data": result.data, "errors": [format_error(e) for e in result.errors or []]}


@pytest.fixture(scope="module")
def registry(store: GraphStore) -> Registry:
    api = GRCGraph(store, "filters")
    items = [
        EvidenceInput(
            id=f"ev-{i:02d}",
            title=["Access review", "Log retention policy", "Model card"][i % 3] + f" {i}",
            kind=["policy", "log", "record"][i % 3],
            owner=["ciso@example.org", "DPO@example.org", None][i % 3],
            valid_until=dt.date(2027, 1, 1) if i % 2 else None,
            links=[EvidenceLinkInput(requirement="A.6.2.8", asserted_by="auditor")] if i < 4 else [],
        )
        for i in range(12)
    ]
    api.workspace.put_evidence(items)
    return Registry(api)


LIST = 'query($v: Boolean, $t: String, $k: EvidenceKind, $o: String) { evidenceList(first: 100, text: $t, kind: $k, owner: $o, stale: $v, on: "2027-06-01") { totalCount edges { node { id: localId } } } }'


def ids(registry: Registry, **variables: Any) -> list[str]:
    answer = run(registry, "filters", LIST, variables)
    assert not answer["errors"], answer["errors"]
    return [e["node"]["id"] for e in answer["data"]["evidenceList"]["edges"]]


def test_no_filter_lists_every_item(registry: Registry) -> None:
    assert ids(registry) == [f"ev-{i:02d}" for i in range(12)]


def test_each_filter_and_their_combination(registry: Registry) -> None:
    assert ids(registry, t="RETENTION") == ["ev-01", "ev-04", "ev-07", "ev-10"]
    assert ids(registry, t="ev-1") == ["ev-10", "ev-11"]  # the id counts as well as the title
    assert ids(registry, k="RECORD") == ["ev-02", "ev-05", "ev-08", "ev-11"]
    assert ids(registry, o="dpo@") == ["ev-01", "ev-04", "ev-07", "ev-10"]
    assert ids(registry, v=True) == [f"ev-{i:02d}" for i in range(1, 12, 2)]
    assert ids(registry, v=False) == [f"ev-{i:02d}" for i in range(0, 12, 2)]
    assert ids(registry, k="LOG", v=True) == ["ev-01", "ev-07"]


def test_pages_follow_the_filter(registry: Registry) -> None:
    query = 'query($a: String) { evidenceList(first: 2, after: $a, stale: true, on: "2027-06-01") { totalCount edges { node { id: localId } } pageInfo { endCursor hasNextPage } } }'
    seen, after = [], None
    while True:
        page = run(registry, "filters", query, {"a": after})["data"]["evidenceList"]
        assert page["totalCount"] == 6
        seen += [e["node"]["id"] for e in page["edges"]]
        if not page["pageInfo"]["hasNextPage"]:
            break
        after = page["pageInfo"]["endCursor"]
    assert seen == [f"ev-{i:02d}" for i in range(1, 12, 2)]


def test_bad_filters_are_field_errors(registry: Registry) -> None:
    answer = run(registry, "filters", "query($k: EvidenceKind) { evidenceList(kind: $k) { totalCount } }", {"k": "poem"})
    assert answer["errors"][0]["extensions"]["code"] == "INVALID_INPUT"
    assert answer["errors"][0]["extensions"]["problems"][0]["field"] == "k"
    answer = run(registry, "filters", GAPS, {"s": ["COVERED", "fine"], "o": "document", "d": False})
    assert answer["errors"][0]["extensions"]["problems"][0]["field"] == "s[1]"
    answer = run(registry, "filters", '{ gaps(framework: "iso42001", status: [FINE]) { totalCount } }')
    assert answer["errors"][0]["extensions"]["code"] == "GRAPHQL_VALIDATION_FAILED", "written in the query: refused by validation"
    answer = run(registry, "filters", '{ gaps(framework: "iso42001", orderBy: "colour") { totalCount } }')
    assert answer["errors"][0]["extensions"]["problems"][0]["field"] == "orderBy"


GAPS = """query($s: [CoverageStatus!], $o: String!, $d: Boolean!, $a: String) { gaps(framework: "iso42001", on: "2026-06-01", first: 100,
    status: $s, orderBy: $o, descending: $d, after: $a) { totalCount summary { status count } edges { node { requirement { id: localId notation } status evidence } }
    pageInfo { endCursor hasNextPage } } }"""


def gaps(registry: Registry, status: list[str] | None = None, order: str = "document", descending: bool = False) -> dict[str, Any]:
    answer = run(registry, "filters", GAPS, {"s": status, "o": order, "d": descending})
    assert not answer["errors"], answer["errors"]
    result: dict[str, Any] = answer["data"]["gaps"]
    return result


def test_gaps_by_status_keep_the_whole_summary(registry: Registry) -> None:
    everything = gaps(registry)
    covered = gaps(registry, ["COVERED"])
    assert covered["summary"] == everything["summary"]
    assert 0 < covered["totalCount"] < everything["totalCount"]
    assert {e["node"]["status"] for e in covered["edges"]} == {"COVERED"}
    assert "iso42001:A.6.2.8" in [e["node"]["requirement"]["id"] for e in covered["edges"]]


def test_gaps_sorted_by_status_and_evidence(registry: Registry) -> None:
    order = ["UNCOVERED", "STALE", "RELATED", "PARTIAL", "COVERED", "NOT_APPLICABLE"]
    rows = [e["node"] for e in gaps(registry, order="status")["edges"]]
    assert [order.index(r["status"]) for r in rows] == sorted(order.index(r["status"]) for r in rows)
    assert rows[0]["status"] == "UNCOVERED"
    rows = [e["node"] for e in gaps(registry, order="evidence", descending=True)["edges"]]
    counts = [len(r["evidence"]) for r in rows]
    assert counts == sorted(counts, reverse=True) and counts[0] == 4
    document = [e["node"]["requirement"]["id"] for e in gaps(registry)["edges"]]
    backwards = [e["node"]["requirement"]["id"] for e in gaps(registry, descending=True)["edges"]]
    assert backwards == document[::-1]


def test_sorted_gaps_page_in_their_order(registry: Registry) -> None:
    query = GAPS.replace("first: 100", "first: 7")
    seen, after = [], None
    while True:
        page = run(registry, "filters", query, {"s": None, "o": "title", "d": False, "a": after})["data"]["gaps"]
        seen += [e["node"]["requirement"]["id"] for e in page["edges"]]
        if not page["pageInfo"]["hasNextPage"]:
            break
        after = page["pageInfo"]["endCursor"]
    assert seen == [e["node"]["requirement"]["id"] for e in gaps(registry, order="title")["edges"]]
    assert len(seen) == len(set(seen))


def test_the_register_index_follows_writes(store: GraphStore) -> None:
    api = GRCGraph(store, "register-writes")
    api.add_evidence("b-item", "Second", "log")
    registry = Registry(api)
    index = api.register
    assert ids_in(registry, "register-writes") == ["b-item"]
    assert (index.builds, index.patches) == (1, 0)
    api.add_evidence("a-item", "First", "policy", owner="Owner@example.org")  # written through this process: patched in
    assert ids_in(registry, "register-writes", o="owner@") == ["a-item"]
    api.workspace.put_evidence([EvidenceInput(id="b-item", title="Second, renamed", kind="record")])
    assert ids_in(registry, "register-writes", t="renamed", k="RECORD") == ["b-item"]
    api.workspace.delete_evidence("a-item")
    assert ids_in(registry, "register-writes") == ["b-item"]
    assert (index.builds, index.patches) == (1, 3)
    # A write this process did not log (another server on the same store) makes the next read rebuild.
    revision.bump(store, api.workspace.graph)
    assert ids_in(registry, "register-writes") == ["b-item"]
    assert index.builds == 2


def ids_in(registry: Registry, workspace: str, **variables: Any) -> list[str]:
    answer = run(registry, workspace, LIST, variables)
    assert not answer["errors"], answer["errors"]
    return [e["node"]["id"] for e in answer["data"]["evidenceList"]["edges"]]
