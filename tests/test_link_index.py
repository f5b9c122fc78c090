"""The link index answers whole-workspace coverage exactly as propagating every stored link does, and
is never stale: every write path replaces the workspace's revision stamp, whoever writes."""

from __future__ import annotations

import datetime as dt
import json
import random
import uuid
from collections.abc import Iterator
from pathlib import Path

import pyoxigraph as ox
import pytest

from grcgraph import revision
from grcgraph.api import GRCGraph
from grcgraph.coverage import Covered, propagate
from grcgraph.store import GraphStore
from grcgraph.workspace import AISystemInput, EvidenceInput, EvidenceLinkInput

# A few requirements in every framework, some joined by many mappings, so that more than 20 paths reach some targets.
REQUIREMENTS = [
    "A.6.2.8",
    "iso42001:A.5.2",
    "iso42001:6.1.2",
    "iso27001:A.8.15",
    "Art. 12(1)",
    "Art. 9(2)",
    "GOVERN 1.1",
    "MAP 1.1",
    "iso42001:A.7.4",
]
SYSTEMS = ["credit", "chat"]
DAYS = [dt.date(2026, 1, 1), dt.date(2026, 11, 22), dt.date(2030, 1, 1)]


@pytest.fixture
def g(store: GraphStore) -> Iterator[GRCGraph]:
    api = GRCGraph(store, f"li-{uuid.uuid4().hex[:12]}")
    yield api
    store.inner.remove_graph(ox.NamedNode(str(api.workspace.graph)))


def expected(g: GRCGraph, on: dt.date, chain_length: int, system: str | None) -> dict[str, Covered]:
    """The answer without the index: every link read from the store and propagated one by one."""
    links = [link for link in g.workspace.links() if system is None or link.system in (None, system)]
    return propagate(g.network, links, g.workspace.expiry({link.evidence for link in links}), on=on, chain_length=chain_length)


def assert_same(g: GRCGraph, *, chain_lengths: tuple[int, ...] = (1,)) -> None:
    for on in DAYS:
        for chain_length in chain_lengths:
            for system in (None, *SYSTEMS):
                want = expected(g, on, chain_length, system)
                got = g.link_index.covered(g.network, on=on, chain_length=chain_length, system=system)
                assert got.keys() == want.keys()
                for iri, entry in want.items():
                    assert (got[iri].level, got[iri].stale_level, got[iri].paths) == (entry.level, entry.stale_level, entry.paths), iri


def random_items(rng: random.Random, count: int, prefix: str = "e") -> list[EvidenceInput]:
    items = []
    for n in range(count):
        collected = dt.date(2025, 1, 1) + dt.timedelta(days=rng.randrange(300))
        valid = collected + dt.timedelta(days=rng.randrange(200, 2000)) if rng.random() < 0.6 else None
        links = [
            EvidenceLinkInput(
                requirement=requirement,
                extent=rng.choice(["full", "partial"]),
                asserted_by=rng.choice(["ciso@example.org", "dpo@example.org"]),
                asserted_at=dt.datetime(2026, 1, 1, tzinfo=dt.UTC),
                system=rng.choice([None, None, *SYSTEMS]),
            )
            for requirement in rng.sample(REQUIREMENTS, rng.randint(1, 4))
        ]
        items.append(
            EvidenceInput(id=f"{prefix}{n:03d}", title=f"item {n}", kind="record", collected_on=collected, valid_until=valid, links=links)
        )
    return items


def add_systems(g: GRCGraph) -> None:
    for system in SYSTEMS:
        g.workspace.put_system(AISystemInput(id=system, name=system, roles=["provider"], category="high-risk-annex-iii"))


@pytest.mark.parametrize("seed", [1, 2])
def test_index_answers_as_propagating_every_link(g: GRCGraph, seed: int) -> None:
    add_systems(g)
    g.workspace.put_evidence(random_items(random.Random(seed), 60))
    assert_same(g, chain_lengths=(0, 1, 2))
    assert g.link_index.links() == g.workspace.links()


def test_gap_report_is_unchanged_by_the_index(g: GRCGraph) -> None:
    add_systems(g)
    g.workspace.put_evidence(random_items(random.Random(3), 40))
    for framework in ("iso42001", "euaiact", "nistairmf"):
        frame = g.gaps(framework, on=DAYS[1])
        covered = expected(g, DAYS[1], 1, None)
        for row in frame.to_dict("records"):
            entry = covered.get(g.catalog.resolve(str(row["requirement"])).iri)
            want = "|".join(sorted({p.evidence for p in entry.paths if not p.stale})) if entry else ""
            assert row["evidence"] == want


def test_every_write_path_invalidates(g: GRCGraph, tmp_path: Path) -> None:
    add_systems(g)
    g.workspace.put_evidence(random_items(random.Random(4), 10))
    index = g.link_index
    index.snapshot()
    builds = index.builds

    def changed() -> None:
        nonlocal builds
        assert_same(g)
        assert index.builds > builds, "the index did not notice a write"
        builds = index.builds

    g.add_evidence("new", "New", "policy", requirements=["A.6.2.8"], asserted_by="me")
    changed()
    g.add_evidence("new", "New again", "policy", requirements=["Art. 12(1)"], asserted_by="me")  # update replaces its links
    changed()
    g.workspace.link("new", [EvidenceLinkInput("iso42001:A.5.2", asserted_by="me", system="credit")])
    changed()
    g.workspace.unlink("new", "iso42001:A.5.2", "credit")
    changed()
    g.workspace.delete_evidence("new")
    changed()
    g.set_applicability("A.6.2.8", False, "Not in scope")
    changed()
    g.add_system("other", "Other", ["deployer"], "minimal")
    changed()
    evidence_file = tmp_path / "evidence.json"
    evidence_file.write_text(
        json.dumps([{"id": "imported", "title": "Imported", "kind": "log", "links": [{"requirement": "A.6.2.8", "asserted_by": "me"}]}])
    )
    g.import_evidence(evidence_file)
    changed()
    # No write, no rebuild.
    assert_same(g)
    assert index.builds == builds


def test_a_write_through_another_instance_is_noticed(g: GRCGraph) -> None:
    g.add_evidence("one", "One", "policy", requirements=["A.6.2.8"], asserted_by="me")
    before = g.link_index.covered(g.network, on=DAYS[1])
    other = GRCGraph(g.store, g.workspace.name)  # as a second server process over the same store would be
    other.add_evidence("two", "Two", "policy", requirements=["iso42001:A.5.2"], asserted_by="me")
    after = g.link_index.covered(g.network, on=DAYS[1])
    assert after != before
    assert after == expected(g, DAYS[1], 1, None)


def test_the_stamp_changes_with_each_write_and_only_then(g: GRCGraph) -> None:
    assert revision.current(g.store, g.workspace.graph) is None
    g.add_evidence("one", "One", "policy", requirements=["A.6.2.8"], asserted_by="me")
    first = revision.current(g.store, g.workspace.graph)
    assert first is not None
    g.gaps("iso42001")
    assert revision.current(g.store, g.workspace.graph) == first
    revision.bump(g.store, g.workspace.graph)
    assert revision.current(g.store, g.workspace.graph) not in (None, first)
    stamps = list(g.store.quads(None, ox.NamedNode(str(revision.GRC.revision)), None, ox.NamedNode(str(g.workspace.graph))))
    assert len(stamps) == 1
