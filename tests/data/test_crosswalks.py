"""Mapping sets: sssom-py reads and validates them, the loader refuses bad rows with file and line,
SHACL catches faulty mappings, export is lossless, and the curated sets cover what they must."""

from __future__ import annotations

import importlib.util
import json
import logging
from dataclasses import replace

import pytest
from rdflib import Graph, Literal, URIRef
from rdflib.namespace import RDF, SKOS, XSD
from repo import ROOT
from sssom.parsers import parse_sssom_table
from sssom.validators import validate as sssom_validate

from grcgraph import paths
from grcgraph.errors import DataError
from grcgraph.loaders.sources import ReferenceSources, SourceFile, build_reference_graph
from grcgraph.loaders.sssom import parse_mapping_set
from grcgraph.reference.mappings import Mappings
from grcgraph.reference.validation import validate
from grcgraph.store import open_store
from grcgraph.store.base import GraphStore
from grcgraph.vocab.namespace import GRC

SETS = [entry.name for entry in paths.mapping_sets()]
EU = "https://w3id.org/grcgraph/eu-ai-act/"
ISO = "https://w3id.org/grcgraph/iso42001-2023/"


def test_all_seven_sets_are_bundled() -> None:
    assert SETS == [
        "iso27001-euaiact.sssom.tsv",
        "iso42001-euaiact.sssom.tsv",
        "iso42001-iso27001-annexA.sssom.tsv",
        "iso42001-iso27001-clauses.sssom.tsv",
        "nist-ai-600-1-euaiact.sssom.tsv",
        "nist-ai-rmf-euaiact.sssom.tsv",
        "nist-ai-rmf-iso42001.sssom.tsv",
    ]


@pytest.mark.parametrize("name", SETS)
def test_sssom_py_reads_and_validates(name: str, caplog: pytest.LogCaptureFixture) -> None:
    with caplog.at_level(logging.ERROR):
        msdf = parse_sssom_table(ROOT / "crosswalks" / name)
        reports = sssom_validate(msdf, fail_on_error=False)
    assert all(not report.results for report in reports.values()), reports
    own = parse_mapping_set((ROOT / "crosswalks" / name).read_text(encoding="utf-8"), name, _titles())
    assert len(msdf.df) == len(own.rows) > 0


_TITLE_CACHE: dict[str, str] = {}


def _titles() -> dict[str, str]:
    if not _TITLE_CACHE:
        from rdflib.namespace import SKOS

        from grcgraph.reference.build import bundled_sources

        graph = build_reference_graph(replace(bundled_sources(), mapping_sets=[]))
        _TITLE_CACHE.update({str(s): str(o) for s, o in graph.subject_objects(SKOS.prefLabel) if (s, SKOS.inScheme, None) in graph})
    return _TITLE_CACHE


def test_published_sets_are_current() -> None:
    spec = importlib.util.spec_from_file_location("build_crosswalks", ROOT / "scripts" / "build_crosswalks.py")
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    for name, build in module.BUILDERS.items():
        assert (ROOT / "crosswalks" / name).read_text(encoding="utf-8") == build(), f"run: python scripts/build_crosswalks.py ({name})"


def test_microsoft_set_has_all_280_pairs_as_concept_links(store: GraphStore) -> None:
    rows = [m for m in Mappings(store).all if m.mapping_set.endswith("nist-ai-rmf-iso42001")]
    assert len(rows) == 280
    assert {m.predicate for m in rows} == {"relatedTo"}
    assert all(m.extra.get("author_label") == "Microsoft" for m in rows)
    assert len({m.subject.iri for m in rows}) == 72
    assert len({m.object.iri for m in rows if m.object and m.object.kind == "Control"}) == 38
    flagged = {(m.subject.curie, m.object.curie) for m in rows if m.object and "The source prints id" in (m.comment or "")}
    assert flagged == {
        ("nistairmf:GOVERN-3.2", "iso42001:A.3.2"),
        ("nistairmf:MAP-1.4", "iso42001:A.10.4"),
        ("nistairmf:MAP-1.5", "iso42001:6.1.1"),
    }


def test_iso42001_euaiact_covers_every_control_and_articles_9_to_15(store: GraphStore) -> None:
    index = Mappings(store)
    rows = [m for m in index.all if m.mapping_set.endswith("/iso42001-euaiact")]
    controls = {ref.iri for ref in index.catalog.refs("iso42001") if ref.kind == "Control"}
    assert controls <= {m.subject.iri for m in rows}
    reached = {m.object.iri for m in rows if m.object}
    for article in range(9, 16):
        art = f"{EU}art-{article}"
        assert any(iri == art or iri.startswith(f"{art}-") for iri in reached), f"Art. {article} has no row"
    for article in (4, 16, 17, 18, 19, 20, 25, 26, 27, 50, 72, 73):
        art = f"{EU}art-{article}"
        assert any(iri == art or iri.startswith(f"{art}-") for iri in reached), f"Art. {article} has no row"


@pytest.mark.parametrize("name", [n for n in SETS if "iso27001-clauses" not in n and "nist-ai-rmf-iso42001" not in n])
def test_curated_rows_are_marked_and_explained(name: str) -> None:
    parsed = parse_mapping_set((ROOT / "crosswalks" / name).read_text(encoding="utf-8"), name, _titles())
    assert (
        "grcgraph project" in str(parsed.metadata.get("comment", "")).lower()
        or "curated by the grcgraph project" in str(parsed.metadata.get("mapping_set_title", "")).lower()
    )
    for row in parsed.rows:
        v = row.values
        assert v["mapping_justification"] == "semapv:ManualMappingCuration", row.line
        assert v["creator_id"] == "grcgraph:project", row.line
        assert v["comment"] and v["rationale"] and v["confidence"], f"{name}:{row.line} lacks comment, rationale or confidence"
        assert v["predicate_id"] not in ("grc:equal", "grc:identical"), f"{name}:{row.line}: identity claims need review"


def test_iso42001_annex_a_every_control_in_annex_a_set(store: GraphStore) -> None:
    index = Mappings(store)
    rows = [m for m in index.all if m.mapping_set.endswith("/iso42001-iso27001-annexA")]
    controls = {ref.iri for ref in index.catalog.refs("iso42001") if ref.kind == "Control"}
    assert controls <= {m.subject.iri for m in rows}


@pytest.mark.parametrize("name", SETS)
def test_export_is_lossless(store: GraphStore, name: str) -> None:
    index = Mappings(store)
    original = parse_mapping_set((ROOT / "crosswalks" / name).read_text(encoding="utf-8"), name, _titles())
    exported = parse_mapping_set(index.export_set(original.set_id), name, _titles())
    assert [r.values for r in exported.rows] == [r.values for r in original.rows]
    assert exported.columns == original.columns
    assert plain(exported.metadata) == plain(original.metadata)


def plain(value: object) -> object:
    return json.loads(json.dumps(value, default=str))


def test_inverse_reading(store: GraphStore) -> None:
    index = Mappings(store)
    art = index.catalog.resolve("Art. 12(1)")
    rows = index.for_requirement(art.iri)
    from_iso = [m for m in rows if m.object and m.object.curie == "iso42001:A.6.2.8"]
    assert from_iso and from_iso[0].inverted and from_iso[0].predicate == "intersectsWith"
    supported = [m for m in index.all if m.predicate == "supports" and m.object is not None]
    assert index.inverted(supported[0]).predicate == "isSupportedBy"
    both = index.between("euaiact", "iso42001")
    assert both and all(m.subject.curie.startswith("euaiact:") for m in both)


# --- faults -------------------------------------------------------------------------------

HEADER = """\
#curie_map:
#  grc: https://w3id.org/grcgraph/vocab#
#  grcgraph: https://w3id.org/grcgraph/
#  iso42001: https://w3id.org/grcgraph/iso42001-2023/
#  euaiact: https://w3id.org/grcgraph/eu-ai-act/
#  semapv: https://w3id.org/semapv/vocab/
#mapping_set_id: https://example.org/my-set
#mapping_set_version: "1"
#license: https://creativecommons.org/licenses/by/4.0/
#creator_id:
#  - grcgraph:project
#mapping_date: "2026-11-22"
#extension_definitions:
#  - slot_name: rationale
#    property: grc:rationale
#    type_hint: xsd:string
subject_id\tpredicate_id\tobject_id\tmapping_justification\tconfidence\tcomment\trationale
"""
GOOD_ROW = "iso42001:A.6.2.8\tgrc:intersectsWith\teuaiact:art-12-1\tsemapv:ManualMappingCuration\t0.8\tlogging\tsemantic\n"


@pytest.mark.parametrize(
    ("row", "expected"),
    [
        (GOOD_ROW.replace("art-12-1", "art-12-9"), "my.sssom.tsv:18: object_id: euaiact:art-12-9 is not a requirement"),
        (
            GOOD_ROW.replace("grc:intersectsWith", "skos:exactMatch"),
            "my.sssom.tsv:18: predicate_id: 'skos:exactMatch' is not a grcgraph relationship",
        ),
        (GOOD_ROW.replace("\tsemantic", ""), "my.sssom.tsv:18: row:"),
        (GOOD_ROW.replace("\tsemantic", "\t"), "my.sssom.tsv:18: rationale: a set-theory relationship needs a rationale"),
        (GOOD_ROW.replace("0.8", "1.5"), "my.sssom.tsv:18: confidence: '1.5' is not a number between 0 and 1"),
        (GOOD_ROW.replace("euaiact:art-12-1", "iso42001:A.6.2.8"), "my.sssom.tsv:18: object_id: a requirement cannot be mapped to itself"),
        (GOOD_ROW + GOOD_ROW.replace("intersectsWith", "subsetOf"), "my.sssom.tsv:19: predicate_id: conflicting statement"),
        (GOOD_ROW.replace("iso42001:A.6.2.8", "nist:X"), "my.sssom.tsv:18: subject_id: prefix 'nist' is not in the header's curie_map"),
    ],
    ids=["dangling-id", "unknown-predicate", "missing-cell", "no-rationale", "bad-confidence", "self", "conflict", "unknown-prefix"],
)
def test_bad_mapping_file_is_refused(sources: ReferenceSources, row: str, expected: str) -> None:
    bad = replace(sources, mapping_sets=[*sources.mapping_sets, SourceFile("my.sssom.tsv", HEADER + row)])
    store = open_store(None)
    from grcgraph.reference.build import load_reference

    with pytest.raises(DataError) as caught:
        load_reference(store, bad)
    found = [str(p) for p in caught.value.problems]
    assert any(p.startswith(expected) for p in found), found
    assert not store.has_graph(URIRef("https://w3id.org/grcgraph/graph/reference"))


def test_users_own_mapping_set_loads(sources: ReferenceSources) -> None:
    extra = replace(sources, mapping_sets=[*sources.mapping_sets, SourceFile("my.sssom.tsv", HEADER + GOOD_ROW)])
    graph = build_reference_graph(extra)
    assert (URIRef(ISO + "A.6.2.8"), GRC.intersectsWith, URIRef(EU + "art-12-1")) in graph


def around(reference_graph: Graph, mapping: URIRef) -> Graph:
    """A mapping with what its shapes look at: the mapping, its set, both its ends and their
    framework versions (the vocabulary is added by `validate`): checking it costs a fraction of a
    second, where the whole reference graph costs seconds for every case."""
    nodes = {mapping, *reference_graph.objects(mapping, GRC.inMappingSet)}
    ends = [*reference_graph.objects(mapping, GRC.subject), *reference_graph.objects(mapping, GRC.object)]
    nodes |= set(ends) | {s for end in ends for s in reference_graph.objects(end, SKOS.inScheme)}
    graph = Graph()
    for node in nodes:
        for p, o in reference_graph.predicate_objects(node):
            graph.add((node, p, o))
    return graph


def _local(node: URIRef) -> str:
    return str(node).rsplit("#", 1)[-1]


def _mapping(graph: Graph) -> URIRef:
    return next(m for m in graph.subjects(RDF.type, GRC.Mapping) if (m, GRC.predicate, GRC.intersectsWith) in graph)


def test_an_unbroken_mapping_passes_in_its_context(reference_graph: Graph) -> None:
    """The baseline of the cases below: before any change, its shapes find nothing wrong with the mapping."""
    mapping = _mapping(reference_graph)
    report = validate(around(reference_graph, mapping), with_vocabulary=True)
    assert not [v for v in report.violations if _local(mapping) in v.focus or "stated twice" in v.message]


@pytest.mark.parametrize(
    ("mutate", "expected"),
    [
        (
            lambda g, m: (g.remove((m, GRC.object, None)), g.add((m, GRC.object, URIRef(EU + "art-999"))))[-1],
            "requirement of a loaded catalog",
        ),
        (
            lambda g, m: (g.remove((m, GRC.predicate, None)), g.add((m, GRC.predicate, GRC.Mapping)))[-1],
            "relationship of the grcgraph vocabulary",
        ),
        (lambda g, m: g.remove((m, GRC.rationale, None)), "needs a rationale"),
        (
            lambda g, m: (g.remove((m, GRC.confidence, None)), g.add((m, GRC.confidence, Literal("1.2", datatype=XSD.decimal))))[-1],
            "[0, 1]",
        ),
        (lambda g, m: (g.remove((m, GRC.object, None)), g.add((m, GRC.object, g.value(m, GRC.subject))))[-1], "itself"),
    ],
    ids=["dangling", "predicate-not-in-vocabulary", "no-rationale", "confidence-range", "self"],
)
def test_shapes_catch_faulty_mappings(reference_graph: Graph, mutate, expected: str) -> None:  # type: ignore[no-untyped-def]
    mapping = _mapping(reference_graph)
    graph = around(reference_graph, mapping)
    mutate(graph, mapping)
    report = validate(graph, with_vocabulary=True)
    assert any(expected in v.message and _local(mapping) in v.focus for v in report.violations), report.violations[:5]


def test_shapes_catch_conflicting_types_in_one_set(reference_graph: Graph) -> None:
    mapping = _mapping(reference_graph)
    graph = around(reference_graph, mapping)
    twin = URIRef(str(mapping) + "-twin")
    for p, o in graph.predicate_objects(mapping):
        graph.add((twin, p, GRC.subsetOf if p == GRC.predicate else o))
    report = validate(graph, with_vocabulary=True)
    assert any("stated twice" in v.message for v in report.violations)
