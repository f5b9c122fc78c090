"""The link index answers whole-workspace coverage exactly as propagating every stored link does, and
is never stale: every write path replaces the workspace's revision stamp, whoever writes."""

from __future__ import annotations

import datetime as dt
import json
import random
import threading
import uuid
from collections.abc import Iterable, Iterator
from pathlib import Path

import pyoxigraph as ox
import pytest

from grcgraph.api import GRCGraph
from grcgraph.coverage import link_index
from grcgraph.coverage.link_index import LinkIndex
from grcgraph.coverage.rules import propagate
from grcgraph.model import AISystemInput, Covered, EvidenceInput, EvidenceLinkInput
from grcgraph.store import revision
from grcgraph.store.base import GraphStore
from grcgraph.store.batch import Batch
from grcgraph.workspace import Workspace
from grcgraph.workspace.inputs import BULK_MIN_ITEMS

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


def assert_same_as_a_fresh_build(g: GRCGraph) -> None:
    """The index's snapshot holds exactly what reading every link again gives."""
    held, fresh = g.link_index.snapshot(), LinkIndex(g.workspace).snapshot()
    assert held.by_evidence == fresh.by_evidence
    assert held.expiry == fresh.expiry
    for mine, theirs in ((held.groups, fresh.groups), (held.combined, fresh.combined)):
        assert mine.keys() == theirs.keys()
        for key, group in theirs.items():
            assert mine[key] == group, key
    assert g.link_index.links() == g.workspace.links()


def test_every_write_path_patches_the_index(g: GRCGraph, tmp_path: Path) -> None:
    add_systems(g)
    g.workspace.put_evidence(random_items(random.Random(4), 10))
    index = g.link_index
    index.snapshot()
    builds, patches = index.builds, index.patches

    def changed() -> None:
        nonlocal patches
        assert_same(g)
        assert_same_as_a_fresh_build(g)
        assert index.patches > patches, "the index did not notice a write"
        assert index.builds == builds, "a write of this process made the index read every link again"
        patches = index.patches

    g.add_evidence("new", "New", "policy", requirements=["A.6.2.8"], asserted_by="me", valid_until=dt.date(2026, 6, 1))
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
    assert (index.builds, index.patches) == (builds, patches)


def test_a_bulk_import_patches_the_index(g: GRCGraph, monkeypatch: pytest.MonkeyPatch) -> None:
    add_systems(g)
    g.workspace.put_evidence(random_items(random.Random(5), 40, prefix="old"))
    index = g.link_index
    index.snapshot()
    bulk_loads: list[int] = []
    bulk_write = Workspace._bulk_write

    def counted(self: Workspace, data: Batch, *, touched: Iterable[str] | None = None) -> None:
        bulk_loads.append(1)
        bulk_write(self, data, touched=touched)

    monkeypatch.setattr(Workspace, "_bulk_write", counted)
    monkeypatch.setattr(link_index, "PATCH_SHARE", 100.0)  # most of the workspace is new: patch all the same
    g.workspace.put_evidence(random_items(random.Random(6), BULK_MIN_ITEMS, prefix="bulk"))
    assert bulk_loads == [1], "the import did not take the bulk path"
    assert_same_as_a_fresh_build(g)
    assert (index.builds, index.patches) == (1, 1)
    assert_same(g)


@pytest.mark.parametrize("seed", [7, 8, 9])
def test_random_writes_leave_the_index_as_a_fresh_build(g: GRCGraph, seed: int) -> None:
    rng = random.Random(seed)
    add_systems(g)
    g.workspace.put_evidence(random_items(rng, 30))
    index = g.link_index
    index.snapshot()
    for step in range(25):
        ids = g.workspace.evidence_ids()
        action = rng.choice(["create", "update", "delete", "link", "unlink", "soa", "system", "several"])
        if action == "create" or not ids:
            g.workspace.put_evidence(random_items(rng, 1, prefix=f"s{step}-"))
        elif action == "update":
            item = random_items(rng, 1)[0]
            item.id = rng.choice(ids)
            g.workspace.put_evidence([item])
        elif action == "delete":
            g.workspace.delete_evidence(rng.choice(ids))
        elif action == "link":
            g.workspace.link(rng.choice(ids), random_items(rng, 1)[0].links)
        elif action == "unlink":
            links = g.workspace.links()
            if links:
                link = rng.choice(links)
                g.workspace.unlink(link.evidence, link.requirement, link.system)
        elif action == "soa":
            g.set_applicability("A.6.2.8", rng.random() < 0.5, "Reviewed")
        elif action == "system":
            g.add_system(rng.choice(SYSTEMS), "Renamed", ["deployer"], "minimal")
        else:
            g.workspace.put_evidence(random_items(rng, rng.randint(2, 6), prefix=rng.choice(["e", f"s{step}-"])))
        if step % 5 == 4:  # several writes between two reads patch in one go
            assert_same_as_a_fresh_build(g)
            assert_same(g)
    assert_same_as_a_fresh_build(g)
    assert index.builds == 1


@pytest.mark.parametrize("seed", [5, 6])
def test_a_plan_after_a_write_is_the_one_a_fresh_build_makes(g: GRCGraph, seed: int) -> None:
    """A plan asked again after a write keeps the earlier plan's targets that the write's requirements
    do not reach: the answers are those of propagating every link, a write at a time or several."""
    rng = random.Random(seed)
    add_systems(g)
    g.workspace.put_evidence(random_items(rng, 30))
    assert_same(g, chain_lengths=(0, 2))
    for step in range(12):
        ids = g.workspace.evidence_ids()
        for _ in range(1 + step % 3):  # one write or several between two reads
            action = rng.choice(["create", "update", "delete", "unlink"])
            if action == "create":
                g.workspace.put_evidence(random_items(rng, 1, prefix=f"p{step}-{_}-"))
            elif action == "update":
                item = random_items(rng, 1)[0]
                item.id = rng.choice(ids)
                g.workspace.put_evidence([item])
            elif action == "delete" and len(ids) > 1:
                g.workspace.delete_evidence(ids.pop(rng.randrange(len(ids))))
            elif g.workspace.links():
                link = rng.choice(g.workspace.links())
                g.workspace.unlink(link.evidence, link.requirement, link.system)
        assert_same(g, chain_lengths=(0, 2))
    assert g.link_index.builds == 1
    assert g.link_index.carried >= 12 * 3 * 2, "plans were carried, not all made anew"


def test_reads_racing_writes_end_as_a_fresh_build(g: GRCGraph) -> None:
    add_systems(g)
    g.workspace.put_evidence(random_items(random.Random(11), 20))
    index = g.link_index
    stop = threading.Event()
    errors: list[BaseException] = []

    def read() -> None:
        try:
            while not stop.is_set():
                index.covered(g.network, on=DAYS[1], system=random.choice([None, *SYSTEMS]))
        except BaseException as error:  # reported by the test below
            errors.append(error)

    readers = [threading.Thread(target=read) for _ in range(3)]
    for reader in readers:
        reader.start()
    rng = random.Random(12)
    try:
        for step in range(20):
            g.workspace.put_evidence(random_items(rng, rng.randint(1, 3), prefix=rng.choice(["e", f"r{step}-"])))
    finally:
        stop.set()
        for reader in readers:
            reader.join()
    assert not errors
    assert_same_as_a_fresh_build(g)
    assert index.builds == 1
    assert_same(g)


def test_a_write_the_log_did_not_see_forces_a_rebuild(g: GRCGraph, monkeypatch: pytest.MonkeyPatch) -> None:
    add_systems(g)
    g.workspace.put_evidence(random_items(random.Random(10), 20))
    index = g.link_index
    index.snapshot()
    g.add_evidence("mine", "Mine", "policy", requirements=["A.6.2.8"], asserted_by="me")
    # Another process over the same store writes with a log of its own, which this process never sees.
    with monkeypatch.context() as m:
        m.setattr(revision, "record", lambda *args, **kwargs: None)
        GRCGraph(g.store, g.workspace.name).workspace.delete_evidence("e003")
    g.add_evidence("mine-too", "Mine too", "policy", requirements=["Art. 12(1)"], asserted_by="me")
    assert_same_as_a_fresh_build(g)
    assert index.builds == 2
    assert_same(g)


def test_a_read_the_moment_a_write_commits_patches(g: GRCGraph, monkeypatch: pytest.MonkeyPatch) -> None:
    """A reader that finds the new stamp as soon as the update commits (another request's thread)
    finds the log leading to it: the index is patched, not read again."""
    add_systems(g)
    g.workspace.put_evidence(random_items(random.Random(11), 20))
    index = g.link_index
    index.snapshot()
    store_update = type(g.store).update

    def update_then_read(store: GraphStore, sparql: str) -> None:
        store_update(store, sparql)  # type: ignore[arg-type]
        if str(g.workspace.graph) in sparql:
            index.snapshot()

    monkeypatch.setattr(type(g.store), "update", update_then_read)
    g.add_evidence("racing", "Racing", "policy", requirements=["A.6.2.8"], asserted_by="me")
    monkeypatch.undo()
    assert (index.builds, index.patches) == (1, 1)
    assert_same_as_a_fresh_build(g)


def test_a_stamp_that_changed_under_a_write_breaks_the_chain(g: GRCGraph) -> None:
    g.add_evidence("one", "One", "policy", requirements=["A.6.2.8"], asserted_by="me")
    before = revision.current(g.store, g.workspace.graph)
    operations, after = revision.chained_operations(g.workspace.graph, before)
    revision.bump(g.store, g.workspace.graph)  # another write between the read and the update
    g.store.update(" ;\n".join(operations))
    assert revision.current(g.store, g.workspace.graph) not in (None, before, after)
    operations, after = revision.chained_operations(g.workspace.graph, revision.current(g.store, g.workspace.graph))
    g.store.update(" ;\n".join(operations))
    assert revision.current(g.store, g.workspace.graph) == after


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


def test_a_write_touching_much_of_the_workspace_rebuilds(g: GRCGraph, monkeypatch: pytest.MonkeyPatch) -> None:
    add_systems(g)
    g.workspace.put_evidence(random_items(random.Random(13), 10))
    index = g.link_index
    index.snapshot()
    monkeypatch.setattr(link_index, "PATCH_SHARE", 0.0)  # at most 32 ids are patched
    g.workspace.put_evidence(random_items(random.Random(14), 40, prefix="many"))
    assert_same_as_a_fresh_build(g)
    assert (index.builds, index.patches) == (2, 0)
