"""Every OSCAL document grcgraph writes, read back by compliance-trestle's OSCAL 1.2 models (not by
the exporter's own check): one catalog per framework, holding every requirement under its OSCAL id,
and one mapping collection per mapping set, one map per row with a counterpart."""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

import pytest
from trestle.oscal.catalog import Catalog
from trestle.oscal.mapping import MappingCollection

from grcgraph.api import GRCGraph
from grcgraph.vocab.oscal import oscal_id


@pytest.fixture(scope="module")
def graph() -> Iterator[GRCGraph]:
    opened = GRCGraph.open()
    yield opened
    opened.close()


def _ids(entries: list[dict[str, Any]]) -> list[str]:
    found: list[str] = []
    for entry in entries:
        found.append(str(entry["id"]))
        found += _ids(entry.get("groups", [])) + _ids(entry.get("controls", []))
    return found


def test_every_framework_exports_a_catalog_trestle_reads(graph: GRCGraph) -> None:
    versions = graph.framework_versions()
    assert len(versions) >= 4
    for version in versions:
        document = json.loads(graph.export_oscal_catalog(version.prefix))
        catalog = Catalog.model_validate(document["catalog"])
        assert document["catalog"]["metadata"]["oscal-version"].startswith("1.2.")
        assert catalog.uuid == document["catalog"]["uuid"]
        ids = _ids(document["catalog"].get("groups", []) + document["catalog"].get("controls", []))
        assert len(ids) == len(set(ids)), f"{version.prefix}: an OSCAL id used twice"
        expected = {oscal_id(ref.kind, ref.curie.split(":", 1)[1]) for ref in graph.requirements(framework=version.prefix)}
        assert set(ids) == expected, f"{version.prefix}: the catalog's ids are not its requirements"


def test_every_mapping_set_exports_a_collection_trestle_reads(graph: GRCGraph) -> None:
    sets = graph.mapping_sets()
    assert sets
    pairs = {(s.subject_frameworks[0], s.object_frameworks[0]) for s in sets}
    for source, target in sorted(pairs):
        document = json.loads(graph.export_oscal_mapping(source, target))
        MappingCollection.model_validate(document["mapping-collection"])
        maps = [m for mapping in document["mapping-collection"]["mappings"] for m in mapping.get("maps", [])]
        rows = [row for row in graph.mapping_rows(source, target) if row.object is not None]
        assert len(maps) == len(rows) > 0, f"{source} -> {target}"
        assert {m["relationship"] for m in maps} <= {
            "equivalent-to",
            "equal-to",
            "subset-of",
            "superset-of",
            "intersects-with",
            "no-relationship",
        } | {m["relationship"] for m in maps if m.get("ns")}
