"""The history kept at the write primitives: every write of every record kind is a hash-chained
entry, `verify` catches changes made behind grcgraph's back, answers as of a past instant, and
acknowledged writes survive the store losing them (a power loss) through the synced log file."""

from __future__ import annotations

import datetime as dt
import hashlib
import itertools
import json
import shutil
import time
from pathlib import Path

import pyoxigraph as ox
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from pyshacl import validate
from rdflib import RDF, Graph, URIRef

from grcgraph import paths
from grcgraph.api import GRCGraph
from grcgraph.errors import DataError
from grcgraph.model import EvidenceInput, EvidenceLinkInput
from grcgraph.store import history_file
from grcgraph.store.history import Change, Entry, entries
from grcgraph.vocab.namespace import GRC
from grcgraph.workspace.inputs import BULK_MIN_ITEMS
from grcgraph.workspace.tokens import TOKEN_GRAPH

TITLE = ox.NamedNode("http://purl.org/dc/terms/title")


def _fill(graph: GRCGraph) -> None:
    graph.add_system("credit", "Credit scoring", ["provider"], "high-risk-annex-iii")
    graph.add_evidence("log-retention", "Log retention", "configuration", requirements=["A.6.2.8"], asserted_by="ciso")
    graph.update_evidence("log-retention", {"title": "Log retention, 12 months"})
    graph.link("log-retention", [EvidenceLinkInput(requirement="Art. 12(1)", asserted_by="dpo", system="credit")])
    graph.set_applicability("A.10.4", False, "No customers")


def test_every_kind_of_write_is_an_entry_with_values_before_and_after() -> None:
    with GRCGraph.open() as graph:
        _fill(graph)
        with graph.acting_as("token:0123456789abcdef"):
            graph.delete_evidence("log-retention")
        token = graph.create_token("default", "reader")
        graph.revoke_token(token.split("_")[1])
        log = graph.history()
        assert [e.operation for e in log] == [
            "put_system",
            "put_evidence",
            "update_evidence",
            "link",
            "set_applicability",
            "delete_evidence",
        ]
        assert [e.sequence for e in log] == [1, 2, 3, 4, 5, 6]
        assert all(e.previous == before.hash for before, e in itertools.pairwise(log))
        assert log[-1].agent == "token:0123456789abcdef" and log[0].agent.startswith("user:")
        updated = next(c for c in log[2].changes if c.kind == "evidence")
        assert updated.before["title"] == ["Log retention"] and updated.after["title"] == ["Log retention, 12 months"]
        # An evidence item's history has its links' changes too; the deletion removes item and links.
        item = graph.history("evidence", "log-retention")
        assert [e.operation for e in item] == ["put_evidence", "update_evidence", "link", "delete_evidence"]
        assert {(c.kind, c.operation) for c in item[-1].changes} == {("evidence", "deleted"), ("link", "deleted")}
        assert [e.operation for e in graph.history("system", "credit")] == ["put_system", "link", "delete_evidence"]
        assert [c.after["reason"] for e in graph.history("soa", "A.10.4") for c in e.changes] == [["No customers"]]
        assert [e.operation for e in graph.history("token", token.split("_")[1])] == ["create_token", "revoke_token"]
        assert graph.verify().ok


def test_the_log_is_rdf_in_prov_o() -> None:
    with GRCGraph.open() as graph:
        _fill(graph)
        rows = list(
            graph.store.inner.query(  # type: ignore[attr-defined]
                "PREFIX prov: <http://www.w3.org/ns/prov#> SELECT ?n ?who WHERE { GRAPH ?g { ?a a prov:Activity ; "
                "<https://w3id.org/grcgraph/vocab#sequence> ?n ; prov:wasAssociatedWith ?w . ?w a prov:Agent ; "
                "<http://www.w3.org/2000/01/rdf-schema#label> ?who . ?v prov:wasGeneratedBy ?a } }"
            )
        )
        assert {int(r["n"].value) for r in rows} == {1, 2, 3, 4, 5}


def test_the_log_conforms_to_the_shapes_without_type_triples_on_versions() -> None:
    # Versions carry no rdf:type of their own (the domain of grc:record entails grc:Version): the
    # shape reaches them through grc:record, and a version broken so is reported by pyshacl.
    with GRCGraph.open() as graph:
        _fill(graph)
        stored = graph.store.read_graph(graph.workspace.graph)
        base = f"{graph.workspace.graph}/history/"
    data = Graph()
    for triple in stored.triples((None, None, None)):
        if str(triple[0]).startswith(base):  # the log's nodes only: the records need the reference graph
            data.add(triple)
    shapes = Graph().parse(data=paths.SHAPES.read_text(encoding="utf-8"), format="turtle")
    vocabulary = Graph().parse(data=paths.VOCABULARY.read_text(encoding="utf-8"), format="turtle")
    versions = set(data.subjects(GRC.record, None))
    assert versions and not any((v, RDF.type, GRC.Version) in data for v in versions)
    conforms, _, text = validate(data, shacl_graph=shapes, ont_graph=vocabulary, inference="none")
    assert conforms, text
    one = sorted(versions)[0]
    data.add((one, GRC.record, URIRef("https://w3id.org/grcgraph/workspace/default/evidence/second")))
    conforms, _, text = validate(data, shacl_graph=shapes, ont_graph=vocabulary, inference="none")
    assert not conforms and "MaxCountConstraintComponent" in text and str(one) in text


def _tampered(path: Path, change: str) -> GRCGraph:
    """Open the closed store at `path` with pyoxigraph itself, alter it, and reopen it with grcgraph."""
    store = ox.Store(str(path))
    graph_iri = ox.NamedNode("https://w3id.org/grcgraph/graph/workspace/default")
    item = ox.NamedNode("https://w3id.org/grcgraph/workspace/default/evidence/log-retention")
    (title,) = list(store.quads_for_pattern(item, TITLE, None, graph_iri))
    if change == "changed":
        store.remove(title)
        store.add(ox.Quad(item, TITLE, ox.Literal("Retention, edited"), graph_iri))
    elif change == "deleted":  # the whole record
        for quad in list(store.quads_for_pattern(item, None, None, graph_iri)):
            store.remove(quad)
    elif change == "added":
        store.add(ox.Quad(ox.NamedNode("https://w3id.org/grcgraph/workspace/default/evidence/forged"), TITLE, ox.Literal("x"), graph_iri))
    elif change == "entry":  # the log itself: an entry's after state rewritten
        (after,) = [
            q
            for q in store.quads_for_pattern(None, ox.NamedNode("https://w3id.org/grcgraph/vocab#stateAfter"), None, graph_iri)
            if "12 months" in q.object.value and "title" in q.object.value
        ]
        store.remove(after)
        store.add(ox.Quad(after.subject, after.predicate, ox.Literal(after.object.value.replace("12 months", "6 months")), graph_iri))
    store.flush()
    del store
    return GRCGraph.open(path)


@pytest.mark.parametrize("change", ["changed", "deleted", "added", "entry"])
def test_verify_catches_a_change_made_in_the_store_files(tmp_path: Path, change: str) -> None:
    with GRCGraph.open(tmp_path / "store") as graph:
        _fill(graph)
        assert graph.verify().ok
    with _tampered(tmp_path / "store", change) as graph:
        report = graph.verify()
    assert not report.ok
    first = str(report.findings[0])
    if change == "entry":
        assert first.startswith("entry 3:") and "no longer matches its hash" in first
    elif change == "added":
        assert first.startswith("record <https://w3id.org/grcgraph/workspace/default/evidence/forged>") and "added" in first
    else:
        assert first.startswith("record <https://w3id.org/grcgraph/workspace/default/evidence/log-retention>") and change in first


def test_answers_as_of_a_past_instant() -> None:
    with GRCGraph.open() as graph:
        graph.add_evidence("policy", "AI policy", "policy", requirements=["A.2.2"], asserted_by="ciso")
        time.sleep(0.01)
        before = dt.datetime.now(dt.UTC)
        time.sleep(0.01)
        graph.delete_evidence("policy")
        graph.set_applicability("A.10.4", False, "No customers")
        then = graph.as_of(before)
        assert [r.status for r in then.gap_rows("iso42001") if r.requirement.notation == "A.2.2"] == ["covered"]
        assert [r.status for r in graph.gap_rows("iso42001") if r.requirement.notation == "A.2.2"] == ["uncovered"]
        assert then.soa_entries() == [] and len(graph.soa_entries()) == 1
        assert then.evidence_item("policy").title == "AI policy" and not graph.has_evidence("policy")
        assert graph.as_of(dt.datetime(2000, 1, 1, tzinfo=dt.UTC)).evidence_ids() == []


def test_a_bulk_import_is_one_entry_and_verifies(tmp_path: Path) -> None:
    items = [
        EvidenceInput(id=f"e{i}", title=f"Item {i}", kind="policy", links=[EvidenceLinkInput(requirement="A.2.2", asserted_by="x")])
        for i in range(BULK_MIN_ITEMS)
    ]
    with GRCGraph.open(tmp_path / "store") as graph:
        graph.put_evidence(items)
        (entry,) = graph.history()
        assert len(entry.changes) == 2 * BULK_MIN_ITEMS
        assert graph.verify().ok
    with GRCGraph.open(tmp_path / "store") as graph:
        assert graph.verify().ok


# --- power loss ---------------------------------------------------------------------------------
def test_the_acknowledgement_follows_the_sync(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    with GRCGraph.open(tmp_path / "store") as graph:
        file = history_file.log_file(tmp_path / "store", str(graph.workspace.graph))
        assert file is not None
        synced: list[int] = []
        real = history_file.os.fsync

        def fsync(fd: int) -> None:
            real(fd)
            synced.append(file.written)

        monkeypatch.setattr(history_file.os, "fsync", fsync)
        graph.add_evidence("one", "One", "policy")
        # By the time the write returns, the file was synced up to its entry.
        assert synced and synced[-1] == file.written == file.path.stat().st_size == file.synced

        def broken(fd: int) -> None:
            raise OSError("disk gone")

        monkeypatch.setattr(history_file.os, "fsync", broken)
        with pytest.raises(OSError, match="disk gone"):
            graph.add_evidence("two", "Two", "policy")  # not acknowledged


def test_writes_the_store_lost_are_replayed_from_the_log(tmp_path: Path) -> None:
    with GRCGraph.open(tmp_path / "store") as graph:
        graph.add_evidence("kept", "Kept", "policy", requirements=["A.2.2"], asserted_by="ciso")
    shutil.copytree(tmp_path / "store", tmp_path / "before", ignore=shutil.ignore_patterns("history"))
    with GRCGraph.open(tmp_path / "store") as graph:
        graph.add_evidence("late", "Acknowledged last", "policy", requirements=["A.6.2.8"], asserted_by="ciso")
        graph.set_applicability("A.10.4", False, "No customers")
    # The power goes: the store comes back without its last writes, the synced log file with them.
    for entry in (tmp_path / "store").iterdir():
        if entry.name != "history":
            shutil.rmtree(entry) if entry.is_dir() else entry.unlink()
    for entry in (tmp_path / "before").iterdir():
        shutil.move(str(entry), tmp_path / "store" / entry.name)
    with GRCGraph.open(tmp_path / "store") as graph:
        assert graph.evidence_item("late").title == "Acknowledged last"
        assert [link.requirement.rsplit("/", 1)[-1] for link in graph.links("late")] == ["A.6.2.8"]
        assert len(graph.soa_entries()) == 1
        assert [e.sequence for e in graph.history()] == [1, 2, 3]
        assert graph.verify().ok


def test_a_log_line_cut_short_is_dropped(tmp_path: Path) -> None:
    with GRCGraph.open(tmp_path / "store") as graph:
        graph.add_evidence("one", "One", "policy")
        path = history_file.log_path(tmp_path / "store", str(graph.workspace.graph))
    with path.open("ab") as out:
        out.write(b'{"entry": {"sequence": 2, "gra')  # killed mid-append
    with GRCGraph.open(tmp_path / "store") as graph:
        assert graph.verify().ok and [e.sequence for e in graph.history()] == [1]
        graph.add_evidence("two", "Two", "policy")
        assert graph.verify().ok
    assert [line.count(b"\n") for line in path.read_bytes().splitlines(keepends=True)] == [1, 1]


def test_store_and_log_file_agree_after_every_write(tmp_path: Path) -> None:
    with GRCGraph.open(tmp_path / "store") as graph:
        _fill(graph)
        stored = [(e.sequence, e.hash) for e in entries(graph.store, str(graph.workspace.graph))]
        tokens = entries(graph.store, TOKEN_GRAPH)
        path = history_file.log_path(tmp_path / "store", str(graph.workspace.graph))
        assert [(e.sequence, e.hash) for e in history_file.LogFile(path).read()] == stored
        assert tokens == []


# --- local files evidence points at -------------------------------------------------------------
def test_file_digests_are_taken_at_import_and_rechecked(tmp_path: Path) -> None:
    artefact = tmp_path / "files" / "policy.pdf"
    artefact.parent.mkdir()
    artefact.write_bytes(b"%PDF policy")
    rows = tmp_path / "evidence.csv"
    rows.write_text(f"id,title,kind,location\npolicy,Policy,policy,{artefact.as_uri()}\n", encoding="utf-8")
    with GRCGraph.open() as graph:
        graph.import_evidence(rows)
        assert graph.evidence_item("policy").sha256 == hashlib.sha256(b"%PDF policy").hexdigest()
        assert graph.verify(tmp_path / "files").artefacts == 1 and graph.verify(tmp_path / "files").ok
        artefact.write_bytes(b"%PDF policy, edited")
        (finding,) = graph.verify(tmp_path / "files").findings
        assert str(finding).startswith(f"file {artefact}") and "changed" in str(finding)
        artefact.unlink()
        assert "missing" in str(graph.verify(tmp_path / "files").findings[0])
        artefact.write_bytes(b"other")
        wrong = tmp_path / "wrong.csv"
        wrong.write_text(f"id,title,kind,location,sha256\nother,Other,policy,{artefact.as_uri()},{'0' * 64}\n", encoding="utf-8")
        with pytest.raises(DataError) as error:
            graph.import_evidence(wrong)
        (problem,) = error.value.problems
        assert problem.file == str(wrong) and problem.line == 2 and "is not the SHA-256" in problem.message
        assert not graph.has_evidence("other")


@settings(max_examples=300, deadline=None)
@given(st.lists(st.tuples(st.text(max_size=30), st.text(max_size=60), st.text(max_size=60)), max_size=5), st.text(max_size=20))
def test_the_canonical_form_is_the_standard_librarys(changes: list[tuple[str, str, str]], agent: str) -> None:
    """An entry's hash covers its canonical JSON: compact, keys sorted, UTF-8 unescaped, as the
    standard library writes it (the form every stored hash was made from)."""
    entry = Entry("urn:g", 7, "0" * 64, "2026-12-04T10:00:00Z", agent, "put_evidence", [Change(*c) for c in changes])
    body = {
        "graph": entry.graph,
        "sequence": entry.sequence,
        "previous": entry.previous,
        "time": entry.time,
        "agent": entry.agent,
        "operation": entry.operation,
        "changes": [[c.record, c.before, c.after] for c in sorted(entry.changes, key=lambda c: c.record)],
    }
    assert entry.canonical() == json.dumps(body, ensure_ascii=False, sort_keys=True, separators=(",", ":")).encode("utf-8")
    read = Entry.from_line(entry.seal().line())
    assert (read.canonical(), read.hash) == (entry.sealed, entry.hash)
