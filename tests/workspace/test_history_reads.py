"""Reading the history back fast and right: a record's text as logged is its text as stored (so
`verify` compares them as they are), answers as of an instant read the log file when it ends at the
store's head and the store's own log otherwise, and a repeated as-of question reuses its replay
until the next write."""

from __future__ import annotations

import datetime as dt
import time
from pathlib import Path

import pytest

from grcgraph.api import GRCGraph
from grcgraph.model import EvidenceInput, EvidenceLinkInput, MeasurementInput, ObjectiveInput
from grcgraph.store.batch import XSD_DATETIME, XSD_DOUBLE, stored_form
from grcgraph.store.history import entries, replayed, scan
from grcgraph.store.history_file import log_path
from grcgraph.workspace import history as records
from grcgraph.workspace.logged import store_directory

AT_PLUS_TWO = dt.datetime(2026, 11, 3, 9, 30, 0, 250000, tzinfo=dt.timezone(dt.timedelta(hours=2)))


def _fill(graph: GRCGraph) -> None:
    graph.put_evidence(
        [
            EvidenceInput(
                id="log-retention",
                title="Log retention",
                kind="configuration",
                description="Retention:\t12 months\nReviewed yearly",
                links=[EvidenceLinkInput(requirement="A.6.2.8", asserted_by="ciso", asserted_at=AT_PLUS_TWO)],
            )
        ]
    )
    graph.add_evidence("policy", "AI policy", "policy", requirements=["A.2.2"], asserted_by="ciso")
    graph.put_objective(ObjectiveInput(id="accuracy", title="Accuracy", metric="accuracy", direction="higher", target=0.9, threshold=0.8))
    graph.record_measurements(
        [
            MeasurementInput("accuracy", 1.0, "2026-11-03T02:00:00Z", "ci"),
            MeasurementInput("accuracy", 0.85, dt.datetime(2026, 11, 4, 2, 0, 0, 500000, tzinfo=dt.UTC), "ci"),
            MeasurementInput("accuracy", 1e-7, "2026-11-05T02:00:00+00:00", "ci"),
        ]
    )


@pytest.mark.parametrize(
    ("value", "datatype", "stored"),
    [
        ("2026-11-03T02:00:00+00:00", XSD_DATETIME, "2026-11-03T02:00:00Z"),
        ("2026-11-03T02:00:00.500000-00:00", XSD_DATETIME, "2026-11-03T02:00:00.5Z"),
        ("2026-11-03T02:00:00.000+02:00", XSD_DATETIME, "2026-11-03T02:00:00+02:00"),
        ("1.0", XSD_DOUBLE, "1"),
        ("1e-07", XSD_DOUBLE, "0.0000001"),
        ("1e+16", XSD_DOUBLE, "10000000000000000"),
        ("0.85", XSD_DOUBLE, "0.85"),
    ],
)
def test_values_are_written_in_the_form_the_store_gives_back(value: str, datatype: str, stored: str) -> None:
    assert stored_form(value, datatype) == stored


def test_a_record_as_logged_is_the_record_as_stored(tmp_path: Path) -> None:
    with GRCGraph.open(tmp_path / "store") as graph:
        _fill(graph)
        logged, stored = scan(graph.store, str(graph.workspace.graph))
        produced, _ = replayed(logged)
        assert len(stored) >= 6  # two items, two links, the objective, three measurements
        assert {r: t for r, t in produced.items() if stored.get(r) != t} == {}
        assert graph.verify().ok


def test_one_pass_reads_the_same_log_as_the_entries_alone(tmp_path: Path) -> None:
    with GRCGraph.open(tmp_path / "store") as graph:
        _fill(graph)
        by_scan, _ = scan(graph.store, str(graph.workspace.graph))
        alone = entries(graph.store, str(graph.workspace.graph))
        assert [(e.sequence, e.hash, e.changes) for e in by_scan] == [(e.sequence, e.hash, e.changes) for e in alone]
        assert all(e.digest() == e.hash for e in alone)


def test_as_of_reads_the_log_file_when_it_ends_at_the_head(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    with GRCGraph.open(tmp_path / "store") as graph:
        _fill(graph)
        time.sleep(0.01)
        middle = dt.datetime.now(dt.UTC)
        time.sleep(0.01)
        graph.delete_evidence("policy")
        directory, ws = store_directory(graph.store), str(graph.workspace.graph)
        assert directory is not None
        from_store = records.entries_until(graph.store, ws, middle)
        from_file = records.entries_until(graph.store, ws, middle, directory)
        assert [(e.sequence, e.hash) for e in from_file] == [(e.sequence, e.hash) for e in from_store]
        assert len(from_file) == len(entries(graph.store, ws)) - 1
        with monkeypatch.context() as m:  # the file alone answers: the store's log is not read
            m.setattr(records, "entries", lambda *_args: pytest.fail("the store's log was read"))
            assert [e.sequence for e in records.entries_until(graph.store, ws, middle, directory)] == [e.sequence for e in from_file]
        assert graph.as_of(middle).has_evidence("policy") and not graph.has_evidence("policy")
        # A file that does not end at the store's head is not read: the store's log answers.
        path = log_path(directory, ws)
        path.write_bytes(b"".join(path.read_bytes().splitlines(keepends=True)[:-2]))
        assert [(e.sequence, e.hash) for e in records.entries_until(graph.store, ws, middle, directory)] == [
            (e.sequence, e.hash) for e in from_store
        ]


def test_a_repeated_as_of_question_reuses_its_replay_until_a_write(tmp_path: Path) -> None:
    with GRCGraph.open(tmp_path / "store") as graph:
        _fill(graph)
        when = dt.datetime.now(dt.UTC)
        first = graph.as_of(when)
        assert graph.as_of(when) is first
        assert graph.as_of(when + dt.timedelta(seconds=1)) is not first
        again = graph.as_of(when)
        graph.add_evidence("later", "Later", "policy", requirements=["A.2.2"], asserted_by="ciso")
        after_write = graph.as_of(when)
        assert after_write is not again and not after_write.has_evidence("later") and graph.has_evidence("later")
