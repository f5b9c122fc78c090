"""Writes survive the writer being killed: an acknowledged write is there after SIGKILL, and an
import killed in the middle of a bulk load leaves the store as it was before the import (or, when
its log entry had reached the log file, holds the whole import)."""

from __future__ import annotations

import json
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from grcgraph.api import GRCGraph
from grcgraph.reference.build import load_reference
from grcgraph.store import open_store
from grcgraph.store.embedded import EmbeddedStore
from grcgraph.store.journal import JOURNAL
from grcgraph.workspace.inputs import BULK_MIN_ITEMS

ITEMS = BULK_MIN_ITEMS * 3


@pytest.fixture(scope="module")
def base_store(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A store holding the reference graph and one evidence item, built once and copied per test."""
    path = tmp_path_factory.mktemp("durability") / "store"
    with GRCGraph.open(path, workspace="w") as g:
        g.add_evidence("before", "Stored before", "policy", requirements=["iso42001:5.2"], asserted_by="ciso@example.org")
    return path


@pytest.fixture
def store_dir(base_store: Path, tmp_path: Path) -> Path:
    copy = tmp_path / "store"
    shutil.copytree(base_store, copy)
    return copy


@pytest.fixture(scope="module")
def evidence_file(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("files") / "evidence.json"
    items = [
        {
            "id": f"bulk-{n:05d}",
            "title": f"Item {n}",
            "kind": "record",
            "collected_on": "2026-01-02",
            "links": [
                {"requirement": "iso42001:A.6.2.8", "asserted_by": "ops@example.org"},
                {"requirement": "iso42001:5.2", "extent": "partial", "asserted_by": "ops@example.org"},
            ],
        }
        for n in range(ITEMS)
    ]
    path.write_text(json.dumps(items), encoding="utf-8")
    return path


def _spawn(script: str, *args: str) -> subprocess.Popen[str]:
    return subprocess.Popen([sys.executable, "-c", script, *args], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)


def _evidence_ids(store_dir: Path) -> set[str]:
    with GRCGraph.open(store_dir, workspace="w") as g:
        return set(g.workspace.evidence_ids())


WRITE_THEN_WAIT = """
import sys, time
from grcgraph.api import GRCGraph
g = GRCGraph.open(sys.argv[1], workspace="w")
g.add_evidence("acked", "Acknowledged write", "log", requirements=["A.6.2.8"], asserted_by="ops@example.org")
print("written", flush=True)
time.sleep(60)
"""


def test_an_acknowledged_write_survives_sigkill(store_dir: Path) -> None:
    writer = _spawn(WRITE_THEN_WAIT, str(store_dir))
    assert writer.stdout is not None
    assert writer.stdout.readline().strip() == "written", writer.stderr.read() if writer.stderr else ""
    writer.send_signal(signal.SIGKILL)
    writer.wait()
    assert {"before", "acked"} <= _evidence_ids(store_dir)
    with GRCGraph.open(store_dir, workspace="w") as g:
        assert [link.requirement.rsplit("/", 1)[-1] for link in g.workspace.links("acked")] == ["A.6.2.8"]


# The bulk loader loads part of the data, then the process dies before the load finishes, and
# before the import's log entry reached the log file (written meanwhile; with it there, the import
# is replayed whole at open: tests/workspace/test_history_bulk.py).
DIE_IN_BULK_LOAD = """
import os, signal, sys, time
from grcgraph.api import GRCGraph
from grcgraph.store.embedded import EmbeddedStore
from grcgraph.store.history_file import LogFile

LogFile.append = lambda self, entry: time.sleep(3600)

def half_then_die(self, data, graph):
    lines = data.splitlines(keepends=True)
    self.inner.bulk_load(b"".join(lines[: len(lines) // 2]), __import__("pyoxigraph").RdfFormat.N_TRIPLES, to_graph=graph)
    self.inner.flush()
    os.kill(os.getpid(), signal.SIGKILL)

EmbeddedStore.bulk_load = half_then_die
g = GRCGraph.open(sys.argv[1], workspace="w")
g.import_evidence(sys.argv[2])
"""


def test_an_import_killed_mid_bulk_load_is_undone(store_dir: Path, evidence_file: Path) -> None:
    importer = _spawn(DIE_IN_BULK_LOAD, str(store_dir), str(evidence_file))
    importer.wait()
    assert importer.returncode == -signal.SIGKILL
    assert (store_dir / JOURNAL).exists()  # the partial load is on disk, and so is its journal
    assert _evidence_ids(store_dir) == {"before"}
    assert not (store_dir / JOURNAL).exists()
    with GRCGraph.open(store_dir, workspace="w") as g:  # nothing of the import is left, links included
        assert {link.evidence for link in g.workspace.links()} == {"before"}
    # The same file imports whole afterwards.
    with GRCGraph.open(store_dir, workspace="w") as g:
        assert g.import_evidence(evidence_file) == ITEMS
    assert len(_evidence_ids(store_dir)) == ITEMS + 1


IMPORT = """
import sys
from grcgraph.api import GRCGraph
g = GRCGraph.open(sys.argv[1], workspace="w")
g.import_evidence(sys.argv[2])
g.close()
print("imported", flush=True)
"""


def test_an_import_killed_at_any_moment_is_all_or_nothing(store_dir: Path, evidence_file: Path) -> None:
    """SIGKILL as soon as the journal appears (the bulk load is starting or under way)."""
    importer = _spawn(IMPORT, str(store_dir), str(evidence_file))
    deadline = time.monotonic() + 120
    while not (store_dir / JOURNAL).exists() and importer.poll() is None and time.monotonic() < deadline:
        time.sleep(0.001)
    importer.send_signal(signal.SIGKILL)
    importer.wait()
    found = _evidence_ids(store_dir)
    assert found in ({"before"}, {"before", *(f"bulk-{n:05d}" for n in range(ITEMS))}), len(found)
    assert not (store_dir / JOURNAL).exists()


def test_a_reimport_replaces_what_the_bulk_load_stored(store_dir: Path, evidence_file: Path, tmp_path: Path) -> None:
    """The first import is all new (bulk loaded); the second names stored items, so it replaces
    them in one transaction: new titles, and links as the file now gives them."""
    items = json.loads(evidence_file.read_text(encoding="utf-8"))
    for item in items:
        item["title"] = item["title"].replace("Item", "Renamed")
        item["links"] = item["links"][:1]
    changed = tmp_path / "changed.json"
    changed.write_text(json.dumps(items), encoding="utf-8")
    with GRCGraph.open(store_dir, workspace="w") as g:
        g.import_evidence(evidence_file)
        assert len(g.workspace.links()) == 2 * ITEMS + 1
        g.import_evidence(changed)
        assert g.workspace.evidence("bulk-00007").title == "Renamed 7"
        assert len(g.workspace.evidence_ids()) == ITEMS + 1
        assert len(g.workspace.links()) == ITEMS + 1


class _NoBulkLoader(EmbeddedStore):
    """A store without a bulk loader (as a remote SPARQL store is)."""

    @property
    def bulk_load(self) -> None:  # type: ignore[override]
        raise AttributeError("bulk_load")


def test_a_store_without_bulk_loader_imports_in_one_transaction(evidence_file: Path) -> None:
    store = _NoBulkLoader(open_store(None).inner, None)
    load_reference(store)
    g = GRCGraph(store, "w")
    assert not hasattr(store, "bulk_load")
    assert g.import_evidence(evidence_file) == ITEMS
    assert len(g.workspace.evidence_ids()) == ITEMS
    store.close()
