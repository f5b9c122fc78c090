"""The OSCAL 1.2 reader beneath `load --catalog C.json` and `--mappings M.json`: grcgraph's own
catalog reads back whole with its props; a document that is not JSON is named at its line and
column, and one that OSCAL refuses at the JSON path of each fault, with the rule broken."""

from __future__ import annotations

import json
from collections.abc import Iterator

import pytest

from grcgraph.api import GRCGraph
from grcgraph.errors import DataError
from grcgraph.loaders.oscal_json import grc_prop, read_oscal


@pytest.fixture(scope="module")
def exported() -> Iterator[str]:
    graph = GRCGraph.open()
    try:
        yield graph.export_oscal_catalog("iso42001").decode("utf-8")
    finally:
        graph.close()


def test_its_own_catalog_reads_back_with_its_props(exported: str) -> None:
    data, model = read_oscal(exported, "iso42001.json", "catalog")
    assert model.metadata.title == data["metadata"]["title"]
    groups = data["groups"]
    controls = [control for group in groups for control in group.get("controls", [])]
    assert controls, "Annex A controls sit in groups"
    assert any(grc_prop(entry, "kind") for entry in [*groups, *controls])


def test_not_json_is_named_at_line_and_column(exported: str) -> None:
    broken = exported.replace('"catalog"', '"catalog" oops', 1)
    with pytest.raises(DataError) as raised:
        read_oscal(broken, "broken.json", "catalog")
    problem = raised.value.problems[0]
    assert problem.file == "broken.json" and problem.line == 2
    assert "not valid JSON" in problem.message and "column" in problem.message


def test_an_oscal_fault_is_named_at_its_json_path(exported: str) -> None:
    document = json.loads(exported)
    del document["catalog"]["metadata"]["title"]
    document["catalog"]["groups"][0]["id"] = "has spaces"
    with pytest.raises(DataError) as raised:
        read_oscal(json.dumps(document, indent=2), "faulty.json", "catalog")
    found = {str(p.path): p.message for p in raised.value.problems}
    assert found.get("catalog.metadata.title") == "OSCAL 1.2: is required by OSCAL 1.2 and missing", found
    assert any(path.startswith("catalog.groups[0].id") and "form" in message for path, message in found.items()), found


def test_a_document_without_its_root_is_refused(exported: str) -> None:
    with pytest.raises(DataError, match="key 'mapping-collection'"):
        read_oscal(exported, "catalog.json", "mapping-collection")


@pytest.mark.parametrize(
    "text",
    [
        '{"catalog": ' + "[" * 100_000 + "]" * 100_000 + "}",
        '{"catalog": {"groups": ' + '[{"groups": ' * 3_000 + "[]" + "}]" * 3_000 + "}}",
    ],
    ids=["json", "groups"],
)
def test_a_document_nested_too_deeply_is_refused_plainly(text: str) -> None:
    with pytest.raises(DataError) as raised:
        read_oscal(text, "deep.json", "catalog")
    assert [str(p) for p in raised.value.problems] == ["deep.json: its JSON is nested too deeply to be read"]
