"""A write is one update request; a store that applies its operations one at a time (Virtuoso does)
may stop between two of them. Cut at every operation, a replaced record keeps all its old triples
or all its new ones, never neither: the additions run before the deletions."""

from __future__ import annotations

import contextlib
from collections.abc import Callable

import pyoxigraph as ox
import pytest

from grcgraph.api import GRCGraph
from grcgraph.model import EvidenceInput, EvidenceLinkInput
from grcgraph.store.history import quad_line

CUTS = 12  # cuts tried: after 0, 1, ... CUTS - 1 operations
GRAPH = ox.NamedNode("https://w3id.org/grcgraph/graph/workspace/default")


class StoreStoppedError(Exception):
    pass


def _records(graph: GRCGraph) -> dict[str, set[str]]:
    """The evidence item's and its links' triples, by subject."""
    found: dict[str, set[str]] = {}
    for quad in graph.store.quads(None, None, None, GRAPH):  # type: ignore[attr-defined]
        subject = quad.subject.value if isinstance(quad.subject, ox.NamedNode) else ""
        if "/evidence/" in subject or "/link/" in subject:
            found.setdefault(subject, set()).add(quad_line(quad))
    return found


def _replace(graph: GRCGraph) -> None:
    graph.put_evidence(
        [
            EvidenceInput(
                id="log-retention",
                title="Retention, edited",
                kind="configuration",
                links=[
                    EvidenceLinkInput(requirement="A.6.2.8", asserted_by="ciso"),
                    EvidenceLinkInput(requirement="Art. 12(1)", asserted_by="dpo"),
                ],
            )
        ]
    )


def _first(graph: GRCGraph) -> None:
    graph.add_evidence("log-retention", "Log retention", "configuration", requirements=["A.6.2.8", "A.8.15"], asserted_by="ciso")


def timeless(lines: set[str]) -> set[str]:
    """A record's lines without its write times, which differ between two runs of one write."""
    return {line for line in lines if "assertedAt" not in line}


def _cut_after(count: int, update: Callable[[str], None]) -> Callable[[str], None]:
    def cut(sparql: str) -> None:
        operations = sparql.split(" ;\n")
        for operation in operations[:count]:
            update(operation)
        if count < len(operations):
            raise StoreStoppedError(f"stopped after {count} of {len(operations)} operations")

    return cut


def test_the_replacing_write_is_many_operations() -> None:
    with GRCGraph.open() as graph:
        _first(graph)
        sent: list[str] = []
        real = graph.store.update
        graph.store.update = lambda sparql: (sent.append(sparql), real(sparql))[1]  # type: ignore[method-assign]
        _replace(graph)
        # every cut is tried below: more than one step to cut between, and no more than CUTS
        assert 3 < len(sent[-1].split(" ;\n")) <= CUTS


@pytest.mark.parametrize("count", range(CUTS))
def test_a_write_cut_short_keeps_old_or_new_of_every_record(count: int, monkeypatch: pytest.MonkeyPatch) -> None:
    with GRCGraph.open() as new:
        _first(new)
        _replace(new)
        after = _records(new)
    with GRCGraph.open() as graph:
        _first(graph)
        before = _records(graph)
        monkeypatch.setattr(graph.store, "update", _cut_after(count, graph.store.update))
        with contextlib.suppress(StoreStoppedError):
            _replace(graph)
        stored = _records(graph)
    assert set(after) - set(before), "the replacement must create a record"
    for subject in set(before) | set(after):
        held = timeless(stored.get(subject, set()))
        old, wanted = timeless(before.get(subject, set())), timeless(after.get(subject, set()))
        assert old <= held or wanted <= held, f"cut after {count} operations, {subject} holds neither its old nor its new triples"
