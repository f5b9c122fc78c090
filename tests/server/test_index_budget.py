"""Workspace indexes are built on demand and held under a memory budget: nothing is read at start,
the least recently used workspaces lose their indexes whole when the budget is passed, and a
workspace whose indexes were dropped answers exactly as before (reading them again)."""

from __future__ import annotations

import gc
import tracemalloc
import uuid
import warnings
from collections.abc import Iterator

import pyoxigraph as ox
import pytest
from in_process import execute, fill

from grcgraph.api import GRCGraph
from grcgraph.server.context import Registry
from grcgraph.server.gap_reports import reports_for
from grcgraph.server.settings import Settings
from grcgraph.store.base import GraphStore

with warnings.catch_warnings():
    warnings.simplefilter("ignore")
    from grcgraph.server.app import create_app

REPORT = '{ gaps(framework: "iso42001", on: "2026-11-22", first: 100) { totalCount edges { node { requirement { id: localId } status evidence } } } }'
REGISTER = "{ evidenceList(first: 50) { totalCount edges { node { id: localId } } } }"


@pytest.fixture
def workspaces(store: GraphStore) -> Iterator[list[str]]:
    names = [f"ib-{uuid.uuid4().hex[:10]}" for _ in range(3)]
    for n, name in enumerate(names):
        fill(store, name, 20 + 10 * n)
    yield names
    for name in names:
        store.inner.remove_graph(ox.NamedNode(str(GRCGraph(store, name).workspace.graph)))


def ask(registry: Registry, workspace: str) -> tuple[object, object]:
    """A gap report and a register page, as a request would ask them, then the request's end."""
    answer = execute(registry, workspace, REPORT), execute(registry, workspace, REGISTER)
    registry.done(workspace)
    return answer


def test_the_application_reads_no_index_at_start(store: GraphStore, workspaces: list[str]) -> None:
    graph = GRCGraph(store, workspaces[0])
    create_app(graph, Settings(local_workspace=workspaces[0]))
    assert not graph.indexes_held() and graph.index_bytes() == 0


def test_least_recently_used_workspaces_lose_their_indexes_under_the_budget(store: GraphStore, workspaces: list[str]) -> None:
    first, second, third = workspaces
    unlimited = Registry(GRCGraph(store, "default"))
    sizes = {}
    for name in workspaces:
        ask(unlimited, name)
        sizes[name] = unlimited.get(name).index_bytes()
    assert unlimited.evictions == 0 and unlimited.holding() == workspaces
    assert all(size > 0 for size in sizes.values())

    # Room for the last two workspaces' indexes, not for all three.
    registry = Registry(GRCGraph(store, "default"), index_budget=sizes[second] + sizes[third])
    ask(registry, first)
    ask(registry, second)
    assert registry.holding() == [first, second] and registry.evictions == 0
    held_first = registry.get(first)
    ask(registry, second)  # `first` is now the least recently used
    ask(registry, third)
    assert registry.holding() == [second, third], "the least recently used workspace lost its indexes"
    assert registry.evictions == 1
    assert not held_first.indexes_held(), "evicted whole: link index and register"
    assert registry.index_bytes() <= registry.index_budget
    assert reports_for(registry.get(first)).computed == 0, "its gap reports went with it"


def test_a_workspace_answers_the_same_after_its_indexes_were_dropped(store: GraphStore, workspaces: list[str]) -> None:
    first, second, _third = workspaces
    registry = Registry(GRCGraph(store, "default"), index_budget=1)  # only the newest keeps its indexes
    before = ask(registry, first)
    link_index = registry.get(first).link_index
    assert link_index.builds == 1
    ask(registry, second)
    assert registry.holding() == [second] and registry.evictions == 1
    again = ask(registry, first)
    assert again == before, "a cold workspace is answered exactly as it was when warm"
    assert registry.get(first).link_index is not link_index, "its index was read again"
    assert registry.holding() == [first]


def test_a_workspace_larger_than_the_budget_keeps_its_indexes_while_it_is_asked(store: GraphStore, workspaces: list[str]) -> None:
    registry = Registry(GRCGraph(store, "default"), index_budget=1)
    for _ in range(2):
        ask(registry, workspaces[2])
    assert registry.holding() == [workspaces[2]] and registry.evictions == 0
    assert registry.get(workspaces[2]).link_index.builds == 1


def test_the_estimate_is_near_what_the_indexes_hold(store: GraphStore) -> None:
    name = f"ib-{uuid.uuid4().hex[:10]}"
    fill(store, name, 400)
    try:
        graph = GRCGraph(store, name)
        graph.network  # noqa: B018 (the shared requirement graph, not the workspace's)
        gc.collect()
        tracemalloc.start()
        try:
            start = tracemalloc.get_traced_memory()[0]
            graph.gap_rows("iso42001")
            graph.find_evidence()
            held = tracemalloc.get_traced_memory()[0] - start
        finally:
            tracemalloc.stop()
        estimate = graph.index_bytes()
        assert held / 3 <= estimate <= held * 3, (estimate, held)
    finally:
        store.inner.remove_graph(ox.NamedNode(str(GRCGraph(store, name).workspace.graph)))
