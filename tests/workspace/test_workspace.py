"""Writes are validated before anything is stored; evidence files are all-or-nothing with line and
field; reports open in a spreadsheet; the networkx view carries its documented attributes."""

from __future__ import annotations

import datetime as dt
import json
import os
import uuid
from collections.abc import Iterator
from pathlib import Path

import openpyxl
import pyoxigraph as ox
import pytest
from typer.testing import CliRunner

from grcgraph.api import GRCGraph
from grcgraph.errors import DataError, InvalidInputError
from grcgraph.model import AISystemInput, EvidenceInput, EvidenceLinkInput
from grcgraph.store.base import GraphStore
from grcgraph.store.history import scan

os.environ["COLUMNS"] = "250"


@pytest.fixture
def g(store: GraphStore) -> Iterator[GRCGraph]:
    api = GRCGraph(store, f"w-{uuid.uuid4().hex[:12]}")
    yield api
    store.inner.remove_graph(ox.NamedNode(str(api.workspace.graph)))


def size(g: GRCGraph) -> int:
    return sum(1 for _ in g.store.inner.quads_for_pattern(None, None, None, ox.NamedNode(str(g.workspace.graph))))


@pytest.mark.parametrize(
    ("item", "field", "message"),
    [
        (EvidenceInput(id="", title="t", kind="policy"), "evidence[0].id", "must be 1-128"),
        (EvidenceInput(id="a b", title="t", kind="policy"), "evidence[0].id", "must be 1-128"),
        (EvidenceInput(id="e1", title="  ", kind="policy"), "evidence[0].title", "is empty"),
        (EvidenceInput(id="e1", title="t", kind="poster"), "evidence[0].kind", "is not one of"),
        (EvidenceInput(id="e1", title="x" * 501, kind="policy"), "title", "1 to 500 characters"),
        (EvidenceInput(id="e1", title="t", kind="policy", sha256="abc"), "sha256", "64 lower-case hexadecimal"),
        (EvidenceInput(id="e1", title="t", kind="policy", location="not a uri"), "evidence[0].location", "is not a URI"),
        # Looks like a URI, but the store's IRI parser refuses it: still a field error, nothing written.
        (EvidenceInput(id="e1", title="t", kind="policy", location="https://example.org/%zz"), "evidence[0].location", "percent encoding"),
        (EvidenceInput(id="e1", title="t", kind="policy", location="https://[::1/x"), "evidence[0].location", "is not a URI"),
        (
            EvidenceInput(id="e1", title="t", kind="policy", collected_on=dt.date(2026, 5, 1), valid_until=dt.date(2026, 1, 1)),
            "evidence[0].collectedOn",
            "before it was collected",
        ),
        (
            EvidenceInput(id="e1", title="t", kind="policy", links=[EvidenceLinkInput("A.99.9", asserted_by="me")]),
            "evidence[0].links[0].requirement",
            "no requirement",
        ),
        (
            EvidenceInput(id="e1", title="t", kind="policy", links=[EvidenceLinkInput("4.1", asserted_by="me")]),
            "evidence[0].links[0].requirement",
            "ambiguous",
        ),
        (
            EvidenceInput(id="e1", title="t", kind="policy", links=[EvidenceLinkInput("A.2.2", extent="most", asserted_by="me")]),
            "evidence[0].links[0].extent",
            "'full' or 'partial'",
        ),
        (
            EvidenceInput(id="e1", title="t", kind="policy", links=[EvidenceLinkInput("A.2.2")]),
            "evidence[0].links[0].assertedBy",
            "is empty",
        ),
        (
            EvidenceInput(id="e1", title="t", kind="policy", links=[EvidenceLinkInput("A.2.2", asserted_by="me", system="nope")]),
            "evidence[0].links[0].system",
            "no AI system",
        ),
        (
            EvidenceInput(
                id="e1", title="'; DROP GRAPH <x> ; #", kind="policy", links=[EvidenceLinkInput("A.2.2 } ; DROP ALL", asserted_by="me")]
            ),
            "evidence[0].links[0].requirement",
            "is not catalogued",
        ),
    ],
    ids=[
        "empty-id",
        "space-in-id",
        "blank-title",
        "unknown-kind",
        "long-title",
        "bad-sha",
        "bad-uri",
        "bad-percent-encoding",
        "bad-host",
        "dates-reversed",
        "unknown-requirement",
        "ambiguous-requirement",
        "bad-extent",
        "no-asserter",
        "unknown-system",
        "sparql-fragments",
    ],
)
def test_bad_evidence_is_refused_and_nothing_is_written(g: GRCGraph, item: EvidenceInput, field: str, message: str) -> None:
    before = size(g)
    with pytest.raises(InvalidInputError) as caught:
        g.workspace.put_evidence([item])
    assert any(field in p.field and message in p.message for p in caught.value.problems), caught.value.problems
    assert size(g) == before


def test_sparql_text_in_values_is_stored_as_text(g: GRCGraph) -> None:
    title = "x' } ; DROP ALL ; INSERT DATA { <a> <b> <c> } #"
    g.add_evidence("e1", title, "policy", requirements=["A.2.2"], asserted_by="me")
    assert g.workspace.evidence("e1").title == title
    assert g.store.has_graph(__import__("grcgraph.vocab.iris", fromlist=["x"]).REFERENCE_GRAPH)


def test_update_and_delete(g: GRCGraph) -> None:
    g.add_evidence("e1", "v1", "policy", requirements=["A.2.2", "A.2.3"], asserted_by="me")
    g.add_evidence("e1", "v2", "procedure", requirements=["A.2.4"], asserted_by="me")
    assert g.workspace.evidence("e1").title == "v2"
    assert [g.catalog.ref(link.requirement).curie for link in g.workspace.links("e1")] == ["iso42001:A.2.4"]
    g.workspace.link("e1", [EvidenceLinkInput("Art. 4", extent="partial", asserted_by="me")])
    assert len(g.workspace.links("e1")) == 2
    g.workspace.unlink("e1", "Art. 4")
    assert len(g.workspace.links("e1")) == 1
    g.workspace.delete_evidence("e1")
    # No record is left: the graph holds its stamps and its history only.
    assert not g.workspace.has_evidence("e1") and g.workspace.links() == [] and scan(g.store, str(g.workspace.graph))[1] == {}


def test_systems_are_validated(g: GRCGraph) -> None:
    with pytest.raises(InvalidInputError) as caught:
        g.workspace.put_system(AISystemInput(id="s1", name="", roles=["seller"], category="risky"))
    fields = {p.field for p in caught.value.problems}
    assert {"system.name", "system.roles", "system.category"} <= fields
    g.add_system("s1", "Scoring", ["provider", "deployer"], "high-risk-annex-iii", next_review=dt.date(2027, 1, 1))
    system = g.workspace.system("s1")
    assert system.roles == ("deployer", "provider") and system.next_review == dt.date(2027, 1, 1)


def test_workspaces_do_not_see_each_other(store: GraphStore) -> None:
    a, b = GRCGraph(store, "ws-a"), GRCGraph(store, "ws-b")
    a.add_evidence("secret", "A's evidence", "policy", requirements=["A.2.2"], asserted_by="a")
    assert not b.workspace.has_evidence("secret") and b.workspace.links() == []
    assert b.gaps("iso42001").set_index("requirement").loc["iso42001:A.2.2", "status"] == "uncovered"


CSV_GOOD = """id,title,kind,owner,collected_on,valid_until,requirements,extent,asserted_by
card-1,Model card for credit scoring,documentation,ml-team,2026-10-01,2027-10-01,A.6.2.7|Art. 11(1),full,auditor@example.org
fria-1,Fundamental rights impact assessment,assessment,dpo,2026-09-15,,Art. 27(1)|iso42001:A.5.4,partial,dpo@example.org
"""


def test_import_csv_then_list(g: GRCGraph, tmp_path: Path) -> None:
    path = tmp_path / "evidence.csv"
    path.write_text(CSV_GOOD, encoding="utf-8")
    assert g.import_evidence(path) == 2
    frame = g.evidence().set_index("id")
    assert frame.loc["card-1", "requirements"] == "euaiact:art-11-1|iso42001:A.6.2.7" or set(
        frame.loc["card-1", "requirements"].split("|")
    ) == {"iso42001:A.6.2.7", "euaiact:art-11-1"}


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (CSV_GOOD.replace("2026-09-15", "15/09/2026"), ":3: collected_on: '15/09/2026' is not a date"),
        (CSV_GOOD.replace("Art. 27(1)|iso42001:A.5.4", "Art. 270"), ":3: requirements: no requirement 'Art. 270'"),
        (CSV_GOOD.replace(",documentation,", ",brochure,"), ":2: kind: 'brochure' is not one of"),
        (CSV_GOOD.replace("id,title", "ident,title"), ":1: ident: unknown column"),
        (CSV_GOOD + "card-1,Again,policy,,,,A.2.2,full,me\n", ":4: id: duplicate id 'card-1'"),
    ],
    ids=["bad-date", "unknown-requirement", "unknown-kind", "unknown-column", "duplicate"],
)
def test_bad_evidence_file_stores_nothing(g: GRCGraph, tmp_path: Path, text: str, expected: str) -> None:
    path = tmp_path / "evidence.csv"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(DataError) as caught:
        g.import_evidence(path)
    assert any(expected in str(p) for p in caught.value.problems), [str(p) for p in caught.value.problems]
    assert size(g) == 0


def test_import_json(g: GRCGraph, tmp_path: Path) -> None:
    path = tmp_path / "evidence.json"
    path.write_text(
        json.dumps(
            [
                {
                    "id": "pol",
                    "title": "AI policy",
                    "kind": "policy",
                    "links": [
                        {"requirement": "A.2.2", "asserted_by": "ceo"},
                        {"requirement": "GOVERN 1.2", "extent": "partial", "asserted_by": "ceo"},
                    ],
                }
            ]
        )
    )
    assert g.import_evidence(path) == 1
    bad = tmp_path / "bad.json"
    bad.write_text('[{"id": "x", "title": "t", "kind": "policy", "colour": "red"}]')
    with pytest.raises(DataError, match="colour: unknown field"):
        g.import_evidence(bad)


def test_a_json_file_names_the_line_of_each_faulty_item(g: GRCGraph, tmp_path: Path) -> None:
    items = [{"id": f"ok{i}", "title": "t", "kind": "policy"} for i in range(5)]
    items[1]["colour"] = "red"
    items[4]["colour"] = "blue"
    bad = tmp_path / "bad.json"
    bad.write_text(json.dumps(items, indent=2))
    opening = [number for number, line in enumerate(bad.read_text().splitlines(), start=1) if line == "  {"]
    with pytest.raises(DataError) as caught:
        g.import_evidence(bad)
    text = str(caught.value)
    assert f"bad.json:{opening[1]}: colour" in text and f"bad.json:{opening[4]}: colour" in text, text
    assert size(g) == 0


def test_networkx_view(g: GRCGraph) -> None:
    graph = g.to_networkx()
    node = graph.nodes["https://w3id.org/grcgraph/iso42001-2023/A.6.2.8"]
    assert node["curie"] == "iso42001:A.6.2.8" and node["framework"] == "iso42001" and node["kind"] == "Control"
    edges = [
        d
        for _, target, d in graph.out_edges("https://w3id.org/grcgraph/iso42001-2023/A.6.2.8", data=True)
        if target == "https://w3id.org/grcgraph/eu-ai-act/art-12-1"
    ]
    assert edges and edges[0]["predicate"] == "intersectsWith" and edges[0]["kind"] == "mapping"
    back = [
        d
        for _, target, d in graph.out_edges("https://w3id.org/grcgraph/eu-ai-act/art-12-1", data=True)
        if target == "https://w3id.org/grcgraph/iso42001-2023/A.6.2.8"
    ]
    assert back and back[0]["inverted"]


def test_cli_workflow_with_spreadsheet_reports(tmp_path: Path) -> None:
    from grcgraph.cli import app

    runner = CliRunner()
    data = ["--data-dir", str(tmp_path / "store"), "--workspace", "acme"]
    evidence = tmp_path / "evidence.csv"
    evidence.write_text(CSV_GOOD, encoding="utf-8")

    def run(*args: str) -> str:
        result = runner.invoke(app, [*args, *data])
        assert result.exit_code == 0, result.output
        return result.output

    run("systems", "add", "credit", "--name", "Credit scoring", "--role", "provider", "--category", "high-risk-annex-iii")
    assert "Imported 2" in run("evidence", "import", str(evidence))
    assert "card-1" in run("evidence", "list")
    assert "Art. 11(1)" in run("coverage", "card-1", "--on", "2026-11-22")
    explained = run("explain", "card-1", "Art. 11(1)", "--on", "2026-11-22")
    assert "path 1: full" in explained
    run("soa", "--set", "A.10.4", "--exclude", "--reason", "No customers")
    gaps_csv = tmp_path / "gaps.csv"
    run("gaps", "euaiact", "--system", "credit", "--on", "2028-01-01", "--format", "csv", "--output", str(gaps_csv))
    assert (
        'EU AI Act (Regulation (EU) 2024/1689),Art. 11(1),"Technical documentation, paragraph 1",paragraph,Art. 11,'
        in gaps_csv.read_text(encoding="utf-8")
    )
    gaps_xlsx = tmp_path / "gaps.xlsx"
    run("gaps", "iso42001", "--format", "xlsx", "--output", str(gaps_xlsx))
    book = openpyxl.load_workbook(gaps_xlsx)
    assert book.sheetnames == ["Cover", "ISO-IEC 42001", "Summary"]
    rows = list(book["ISO-IEC 42001"].iter_rows(values_only=True))
    assert rows[0][:5] == ("Requirement", "Title", "Kind", "Part of", "Status")
    statuses = {r[0]: r[4] for r in rows[1:]}
    assert statuses["A.10.4"] == "not applicable" and statuses["A.6.2.7"] == "covered"
    soa_xlsx = tmp_path / "soa.xlsx"
    run("soa", "--format", "xlsx", "--output", str(soa_xlsx))
    soa_rows = list(openpyxl.load_workbook(soa_xlsx)["Statement of Applicability"].iter_rows(values_only=True))
    assert len(soa_rows) == 1 + 38 + 93
    assert any(r[1] == "A.6.2.7" and "card-1" in (r[7] or "") for r in soa_rows)
    assert "Art. 9" in run("applicable", "credit", "--on", "2028-01-01")
    failed = runner.invoke(app, ["coverage", "nope", *data])
    assert failed.exit_code == 1 and "no evidence 'nope'" in failed.output
    failed = runner.invoke(app, ["gaps", "iso42001", "--on", "22/11/2026", *data])
    assert failed.exit_code == 1 and "is not a date" in failed.output


def test_several_files_import_as_one_batch(g: GRCGraph, tmp_path: Path) -> None:
    """Files are one batch: every problem names its own file and line, and nothing of any file is
    stored; a duplicate across files is caught too."""
    first = tmp_path / "first.csv"
    first.write_text(CSV_GOOD, encoding="utf-8")
    second = tmp_path / "second.json"
    second.write_text(
        json.dumps([{"id": "pol", "title": "AI policy", "kind": "policy", "links": [{"requirement": "A.2.2", "asserted_by": "ceo"}]}])
    )
    bad = tmp_path / "bad.csv"
    bad.write_text(CSV_GOOD.replace("fria-1", "card-1").replace("Art. 27(1)|iso42001:A.5.4", "Art. 270"), encoding="utf-8")
    with pytest.raises(DataError) as caught:
        g.import_evidence(first, second, bad)
    found = [str(p) for p in caught.value.problems]
    assert any(f"{bad}:2: id: duplicate id 'card-1'" in p for p in found), found  # card-1 is in the first file too
    assert any(f"{bad}:3: requirements: no requirement 'Art. 270'" in p for p in found), found
    assert not any(str(first) in p or str(second) in p for p in found), found
    assert size(g) == 0
    assert g.import_evidence(first, second) == 3
    assert set(g.workspace.evidence_ids()) == {"card-1", "fria-1", "pol"}
