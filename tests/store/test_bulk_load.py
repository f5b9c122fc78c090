"""Bulk loads in pieces, several at a time: the same triples as one load, and all or nothing when a
piece fails (on disk and in memory)."""

from __future__ import annotations

import json
import threading
from pathlib import Path

import pyoxigraph as ox
import pytest

from grcgraph.api import GRCGraph
from grcgraph.model import FieldPath
from grcgraph.store import journal
from grcgraph.store.batch import Batch, Lit
from grcgraph.store.embedded import EmbeddedStore
from grcgraph.store.history import is_record
from grcgraph.workspace.inputs import BULK_MIN_ITEMS

ITEMS = BULK_MIN_ITEMS * 2


def _items(prefix: str = "bulk") -> list[dict[str, object]]:
    return [
        {
            "id": f"{prefix}-{n:05d}",
            "title": f'Item "{n}" \\ one line',  # escapes survive the split into pieces
            "description": f'Item "{n}"\nsecond line',
            "kind": "record",
            "links": [
                {"requirement": "iso42001:A.6.2.8", "asserted_by": "ops@example.org"},
                {"requirement": "iso42001:5.2", "extent": "partial", "asserted_by": "ops@example.org"},
            ],
        }
        for n in range(ITEMS)
    ]


def _file(tmp_path: Path, prefix: str = "bulk") -> Path:
    path = tmp_path / f"{prefix}.json"
    path.write_text(json.dumps(_items(prefix)), encoding="utf-8")
    return path


def _workspace_quads(g: GRCGraph) -> set[tuple[str, str, str]]:
    """The workspace's records' triples, with the import time (assertedAt) left out (and so the
    graph's stamps and its history, which name the time of the write)."""
    skip = "https://w3id.org/grcgraph/vocab#assertedAt"
    graph = ox.NamedNode(str(g.workspace.graph))
    return {
        (str(q.subject), str(q.predicate), str(q.object))
        for q in g.store.quads(None, None, None, graph)
        if q.predicate.value != skip and is_record(graph.value, q.subject.value)
    }


@pytest.mark.parametrize(("subjects", "loaders"), [(7, 1), (100, 2), (1000, 3)])
def test_pieces_hold_the_batch_split_between_subjects(subjects: int, loaders: int) -> None:
    batch = Batch()
    for n in range(subjects):
        node = batch.node(f"https://example.org/s/{n}", "https://example.org/Kind", FieldPath("items", n))
        node.add("https://example.org/title", Lit(f'title "{n}"\\'))
        node.add("https://example.org/next", f"https://example.org/s/{n + 1}")
    size = journal.piece_size(subjects, loaders)
    pieces = list(batch.ntriples_chunks(size))
    assert b"".join(pieces) == batch.ntriples()
    assert len(pieces) % loaders == 0 or len(pieces) == 1
    for piece in pieces:  # each piece is whole subjects: every subject's three lines together
        lines = piece.decode().splitlines()
        assert len(lines) % 3 == 0
        assert len({line.split(" ", 1)[0] for line in lines}) == len(lines) // 3
    parsed = ox.Store()
    parsed.load(batch.ntriples(), ox.RdfFormat.N_TRIPLES)
    assert len(parsed) == 3 * subjects


def test_piece_size_keeps_pieces_equal_and_bounded() -> None:
    assert journal.piece_size(1, 2) == 1
    assert journal.piece_size(10, 2) == 5
    size = journal.piece_size(journal.PIECE_SUBJECTS * 5 + 1, 2)
    assert size <= journal.PIECE_SUBJECTS
    assert -(-(journal.PIECE_SUBJECTS * 5 + 1) // size) in (6, 7)  # six pieces: a multiple of two loaders


def test_a_load_in_many_pieces_stores_what_one_load_stores(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    file = _file(tmp_path)
    with GRCGraph.open(tmp_path / "whole", workspace="w") as g:
        g.import_evidence(file)
        whole = _workspace_quads(g)
    monkeypatch.setattr(journal, "PIECE_SUBJECTS", 97)  # 31 pieces or so, loaded two at a time
    with GRCGraph.open(tmp_path / "pieces", workspace="w") as g:
        g.import_evidence(file)
        pieces = _workspace_quads(g)
        assert len(g.workspace.evidence_ids()) == ITEMS
        assert len(g.workspace.links()) == 2 * ITEMS
    assert pieces == whole


def _fail_third_piece(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    """Make the third piece's load fail after two pieces were loaded; the calls are counted."""
    calls: list[int] = []
    lock = threading.Lock()
    real = EmbeddedStore.bulk_load

    def failing(self: EmbeddedStore, data: bytes, graph: ox.NamedNode) -> None:
        with lock:
            calls.append(1)
            number = len(calls)
        if number == 3:
            raise OSError("No space left on device")
        real(self, data, graph)

    monkeypatch.setattr(journal, "PIECE_SUBJECTS", 200)
    monkeypatch.setattr(journal, "LOADERS", 1)  # pieces one at a time: the first two are stored first
    monkeypatch.setattr(EmbeddedStore, "bulk_load", failing)
    return calls


@pytest.mark.parametrize("on_disk", [True, False], ids=["on-disk", "in-memory"])
def test_a_failed_piece_undoes_the_pieces_already_loaded(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, on_disk: bool) -> None:
    g = GRCGraph.open(tmp_path / "store" if on_disk else None, workspace="w")
    g.add_evidence("before", "Stored before", "policy", requirements=["iso42001:5.2"], asserted_by="ciso@example.org")
    before = _workspace_quads(g)
    calls = _fail_third_piece(monkeypatch)
    with pytest.raises(OSError, match="No space left"):
        g.import_evidence(_file(tmp_path))
    assert len(calls) >= 3
    assert _workspace_quads(g) == before
    assert g.workspace.evidence_ids() == ["before"]
    if on_disk:
        assert not (tmp_path / "store" / journal.JOURNAL).exists()
    monkeypatch.undo()
    assert g.import_evidence(_file(tmp_path)) == ITEMS  # and the same file imports whole afterwards
    assert len(g.workspace.evidence_ids()) == ITEMS + 1
    g.close()


def test_an_import_naming_stored_evidence_is_not_bulk_loaded(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Only a batch of evidence none of which is stored goes to the bulk loader; one naming a stored
    item replaces it in one transaction (one point look-up per item decides)."""
    loads: list[int] = []
    monkeypatch.setattr(EmbeddedStore, "bulk_load", lambda self, data, graph: loads.append(1))
    with GRCGraph.open(tmp_path / "store", workspace="w") as g:
        g.add_evidence("bulk-00007", "Stored first", "policy", requirements=["iso42001:5.2"], asserted_by="ciso@example.org")
        g.import_evidence(_file(tmp_path))
        assert not loads
        assert g.workspace.evidence("bulk-00007").title == 'Item "7" \\ one line'
        assert g.workspace.evidence("bulk-00007").description == 'Item "7"\nsecond line'
        assert len(g.workspace.evidence_ids()) == ITEMS
