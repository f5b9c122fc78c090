"""Reading OSCAL 1.2 back in: every bundled framework exported as an OSCAL catalog and loaded again
under a new prefix keeps its ids, titles, kinds, hierarchy, notations and text; mapping collections
exported and loaded again keep every row, predicate, rationale, confidence, comment and provenance
(rows read from the other end of their set included); a company's own catalog and mappings
(tests/data/acme-*.oscal.json) load and are queryable; every fault is named at its JSON path and
nothing is written."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from rdflib import Literal

from grcgraph.api import GRCGraph
from grcgraph.errors import DataError
from grcgraph.loaders.oscal_catalog import derived_prefix
from grcgraph.model import Mapping
from grcgraph.reference.catalog import GRAPH, PREFIXES
from grcgraph.vocab.oscal import GRC_NS, GROUP_KINDS

DATA = Path(__file__).resolve().parent.parent / "data"
ACME_CATALOG = DATA / "acme-controls.oscal.json"
ACME_MAPPINGS = DATA / "acme-mappings.oscal.json"
# (from, to) of each exported collection; euaiact -> iso42001 holds only rows read from the other end of their set
COLLECTIONS = (("iso42001", "iso27001"), ("euaiact", "iso42001"), ("nistairmf", "iso42001"))
COPY = "/copy"


@pytest.fixture(scope="module")
def bundled() -> Iterator[GRCGraph]:
    graph = GRCGraph.open()
    yield graph
    graph.close()


def as_new_catalog(document: dict[str, Any]) -> dict[str, Any]:
    """An exported catalog without the props that name its framework: loaded, it is a new framework
    whose prefix comes from its file's name."""
    meta = document["catalog"]["metadata"]
    meta["props"] = [p for p in meta["props"] if p["name"] not in ("prefix", "scheme", "namespace", "framework")]
    return document


def structure(graph: GRCGraph, prefix: str) -> dict[str, tuple[str, ...]]:
    """Each requirement of a framework by id: title, kind, parent id, notation, text, URL, refined requirement, risks."""
    rows = graph.store.query(
        PREFIXES
        + f"""SELECT ?id ?title ?kind ?parent ?notation ?text ?url ?refines (GROUP_CONCAT(?risk; separator="|") AS ?risks) ?p WHERE {{
            GRAPH {GRAPH} {{
                ?s grc:prefix ?p . ?r skos:inScheme ?s ; dcterms:identifier ?id ; skos:prefLabel ?title ; skos:notation ?notation ;
                   a ?k . ?k rdfs:subClassOf grc:Requirement . BIND(STRAFTER(STR(?k), "#") AS ?kind)
                OPTIONAL {{ ?r skos:broader/dcterms:identifier ?parent }}
                OPTIONAL {{ ?r grc:text ?text }} OPTIONAL {{ ?r rdfs:seeAlso ?url }} OPTIONAL {{ ?r grc:refines ?refines }}
                OPTIONAL {{ ?r grc:addressesRisk/skos:prefLabel ?risk }} }} }}
            GROUP BY ?id ?title ?kind ?parent ?notation ?text ?url ?refines ?p""",
        {"p": Literal(prefix)},
    )
    found = {str(row[0]): tuple("" if value is None else str(value) for value in row[1:9]) for row in rows}
    return {key: (*values[:7], "|".join(sorted(values[7].split("|")))) for key, values in found.items()}  # risks in no order


@pytest.fixture(scope="module")
def copies(bundled: GRCGraph, tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[GRCGraph, dict[str, str]]]:
    """A store holding every bundled framework twice (the second time read from its OSCAL export),
    the company's catalog and mappings, and each exported mapping collection read back under new set ids."""
    folder = tmp_path_factory.mktemp("oscal")
    catalogs, prefixes = [ACME_CATALOG], {}
    for version in bundled.framework_versions():
        path = folder / f"copy-{version.prefix}.json"
        path.write_text(json.dumps(as_new_catalog(json.loads(bundled.export_oscal_catalog(version.prefix)))), encoding="utf-8")
        catalogs.append(path)
        prefixes[version.prefix] = derived_prefix(path.name)
    collections = [ACME_MAPPINGS]
    for source, target in COLLECTIONS:
        document = json.loads(bundled.export_oscal_mapping(source, target))
        for mapping in document["mapping-collection"]["mappings"]:
            for prop in mapping["props"]:
                if prop["name"] == "mapping-set":
                    prop["value"] += COPY
        path = folder / f"mappings-{source}-{target}.json"
        path.write_text(json.dumps(document), encoding="utf-8")
        collections.append(path)
    graph = GRCGraph.open()
    result = graph.load_reference(catalogs=catalogs, mapping_sets=collections)
    assert result.loaded and result.own
    yield graph, prefixes
    graph.close()


def siblings(graph: GRCGraph, prefix: str, found: dict[str, tuple[str, ...]]) -> dict[tuple[str, bool], list[str]]:
    """Each parent's children (top-level requirements under ""), groups and controls apart, each in
    document order. OSCAL keeps a parent's controls and its groups in two lists, so their order
    relative to each other is not kept (the EU AI Act's annexes, controls, come before its chapters)."""
    children: dict[tuple[str, bool], list[str]] = {}
    for ref in graph.requirements(framework=prefix):
        local = ref.curie.split(":", 1)[1]
        children.setdefault((found[local][2], ref.kind in GROUP_KINDS), []).append(local)
    return children


def test_the_prefix_comes_from_the_file_name_without_a_prefix_prop() -> None:
    assert derived_prefix("copy-iso42001.json") == "copyiso42001"
    assert derived_prefix("/tmp/ACME Controls.oscal.json") == "acmecontrols"
    assert derived_prefix("800-53.json") == "c80053"


def test_every_bundled_framework_round_trips_as_a_new_catalog(bundled: GRCGraph, copies: tuple[GRCGraph, dict[str, str]]) -> None:
    graph, prefixes = copies
    assert len(prefixes) == len(bundled.framework_versions()) >= 5
    for prefix, copy in prefixes.items():
        original, loaded = structure(bundled, prefix), structure(graph, copy)
        assert original, prefix
        assert set(loaded) == set(original), f"{copy}: the ids of {prefix}"
        different = {key: (loaded[key], value) for key, value in original.items() if loaded[key] != value}
        assert not different, f"{copy} differs from {prefix}: {list(different.items())[:3]}"
        assert siblings(graph, copy, loaded) == siblings(bundled, prefix, original), f"{copy}: the order of each requirement's children"


def test_a_new_catalog_takes_title_version_and_rights_from_the_document(bundled: GRCGraph, copies: tuple[GRCGraph, dict[str, str]]) -> None:
    graph, prefixes = copies
    versions = {v.prefix: v for v in graph.framework_versions()}
    for prefix, copy in prefixes.items():
        original, loaded = versions[prefix], versions[copy]
        assert (loaded.title, loaded.version, loaded.rights) == (original.title, original.version, original.rights)
        assert loaded.counts == original.counts
    assert graph.requirement(f"{prefixes['nistgai']}:GV-1.1-001").refines[0].curie == "nistairmf:GOVERN-1.1"


def _row(mapping: Mapping) -> tuple[object, ...]:
    """What a row states, and who stated it why (its place in its file aside)."""
    obj = mapping.object.curie if mapping.object else None
    extra = tuple(sorted(mapping.extra.items()))
    return (
        mapping.subject.curie,
        mapping.predicate,
        obj,
        mapping.rationale,
        mapping.confidence,
        mapping.comment,
        mapping.justification,
        mapping.creators,
        extra,
    )


def test_every_exported_mapping_collection_round_trips(copies: tuple[GRCGraph, dict[str, str]]) -> None:
    graph, _ = copies
    by_set: dict[str, list[tuple[object, ...]]] = {}
    for source, target in COLLECTIONS:
        for mapping in graph.mapping_rows(source, target):
            if not mapping.inverted:
                by_set.setdefault(mapping.mapping_set, []).append(_row(mapping))
    for source, target in COLLECTIONS:
        for mapping in graph.mapping_rows(target, source):
            if not mapping.inverted:
                by_set.setdefault(mapping.mapping_set, []).append(_row(mapping))
    copied = sorted(s for s in by_set if s.endswith(COPY))
    assert copied == [
        "https://w3id.org/grcgraph/crosswalks/iso42001-euaiact/copy",
        "https://w3id.org/grcgraph/crosswalks/iso42001-iso27001-annexA/copy",
        "https://w3id.org/grcgraph/crosswalks/iso42001-iso27001-clauses/copy",
        "https://w3id.org/grcgraph/crosswalks/nist-ai-rmf-iso42001/copy",
    ]
    for set_id in copied:
        original = sorted(set(by_set[set_id.removesuffix(COPY)]), key=str)
        loaded = sorted(set(by_set[set_id]), key=str)
        assert len(loaded) == len(by_set[set_id]) and original, set_id
        assert loaded == original, f"{set_id}: {[r for r in loaded if r not in original][:2]}"
    predicates = {row[1] for set_id in copied for row in by_set[set_id]}
    assert {"noRelationship", "intersectsWith", "relatedTo", "supports"} <= predicates


def test_a_row_without_counterpart_keeps_its_reason(copies: tuple[GRCGraph, dict[str, str]]) -> None:
    graph, _ = copies
    gaps = [m for m in graph.mapping_rows("iso42001", "iso27001") if m.object is None]
    copied = [m for m in gaps if m.mapping_set.endswith(COPY)]
    assert copied and len(copied) * 2 == len(gaps)
    assert all(m.comment and m.confidence and m.rationale and m.predicate == "noRelationship" for m in copied)


def test_a_company_catalog_loads_with_hierarchy_text_links_and_sources(copies: tuple[GRCGraph, dict[str, str]]) -> None:
    graph, _ = copies
    policy = graph.requirement("acme:GOV-1")
    assert (policy.ref.notation, policy.ref.kind, policy.ref.title) == ("GOV 1", "Control", "AI policy approved by the board")
    assert (
        policy.text
        == "The board approves the AI policy:\na. before any AI system goes live; and\nb. at least [Assignment: organization-defined frequency, at most a year]."
    )
    assert policy.url == "https://intranet.example.org/policies/ai"
    assert policy.source == "ACME AI policy, version 3"
    assert [c.curie for c in policy.children] == ["acme:GOV-1.1"]
    exception = graph.requirement("GOV 1(1)")
    assert exception.ref.kind == "ControlEnhancement"
    assert [a.curie for a in exception.ancestors] == ["acme:GOV", "acme:GOV-1"]
    assert exception.source_file == "acme-controls.oscal.json"
    version = next(v for v in graph.framework_versions() if v.prefix == "acme")
    assert (version.title, version.version, version.rights) == ("ACME AI control set", "2026.2", "ACME internal; shared with auditors.")
    assert version.counts == {"ControlArea": 2, "Control": 3, "ControlEnhancement": 1}


def test_a_company_mapping_collection_loads_with_predicates_rationale_and_coverage(copies: tuple[GRCGraph, dict[str, str]]) -> None:
    graph, _ = copies
    rows = {(m.subject.curie, m.object.curie if m.object else None): m for m in graph.mapping_rows("acme", "iso42001")}
    assert {key: (m.predicate, m.rationale) for key, m in rows.items()} == {
        ("acme:GOV-1", "iso42001:A.2.2"): ("equivalent", "semantic"),
        ("acme:GOV-1.1", "iso42001:A.2.4"): ("subsetOf", "functional"),
        ("acme:GOV-2", "iso42001:A.3.2"): ("intersectsWith", "semantic"),
        ("acme:GOV-2", "iso42001:5.3"): ("intersectsWith", "semantic"),
        ("acme:DATA-1", "iso42001:A.7.5"): ("supports", "functional"),
        ("acme:DATA-1", "iso42001:A.10.4"): ("noRelationship", "semantic"),
    }
    first = rows["acme:GOV-1", "iso42001:A.2.2"]
    assert (first.confidence, first.comment, first.justification) == (
        "0.9",
        "Both ask for an approved AI policy.",
        "semapv:ManualMappingCuration",
    )
    assert first.set_title == "ACME AI controls to ISO/IEC 42001:2023"
    assert rows["acme:GOV-1.1", "iso42001:A.2.4"].extra["other"] == "OSCAL target coverage 0.3 (acme-review)"
    sets = {s.file: s for s in graph.mapping_sets()}
    assert sets[str(ACME_MAPPINGS)].rows == 6


def _faults(bundled: GRCGraph, tmp_path: Path, name: str, document: object, kind: str = "catalog") -> list[str]:
    path = tmp_path / name
    path.write_text(document if isinstance(document, str) else json.dumps(document, indent=2), encoding="utf-8")
    before = bundled.reference_size()
    with pytest.raises(DataError) as raised:
        if kind == "catalog":
            bundled.load_reference(catalogs=[path])
        else:
            bundled.load_reference(catalogs=[ACME_CATALOG], mapping_sets=[path])
    assert bundled.reference_size() == before and not bundled.load_reference().own, "a failed load writes nothing"
    return [str(problem).removeprefix(f"{path}: ") for problem in raised.value.problems]


def acme() -> dict[str, Any]:
    return dict(json.loads(ACME_CATALOG.read_text(encoding="utf-8")))


def acme_mappings() -> dict[str, Any]:
    return dict(json.loads(ACME_MAPPINGS.read_text(encoding="utf-8")))


def test_not_json_is_named_at_line_and_column(bundled: GRCGraph, tmp_path: Path) -> None:
    text = ACME_CATALOG.read_text(encoding="utf-8").replace('"version": "2026.2",', '"version": "2026.2"', 1)
    found = _faults(bundled, tmp_path, "broken.json", text)
    assert len(found) == 1 and found[0].startswith(f"{tmp_path / 'broken.json'}:8: not valid JSON") and "column 7" in found[0], found


def test_an_oscal_fault_is_named_at_its_path_with_the_rule(bundled: GRCGraph, tmp_path: Path) -> None:
    document = acme()
    document["catalog"]["groups"][0]["controls"][0]["id"] = "GOV 1"
    del document["catalog"]["metadata"]["title"]
    found = _faults(bundled, tmp_path, "faulty.json", document)
    assert "catalog.metadata.title: OSCAL 1.2: is required by OSCAL 1.2 and missing" in found, found
    assert any(f.startswith("catalog.groups[0].controls[0].id: OSCAL 1.2: does not have the form") for f in found), found


def test_a_duplicate_control_id_is_named_at_its_path(bundled: GRCGraph, tmp_path: Path) -> None:
    document = acme()
    document["catalog"]["groups"][1]["controls"][0]["id"] = "GOV-1.1"
    found = _faults(bundled, tmp_path, "twice.json", document)
    assert found == [
        "catalog.groups[1].controls[0].id: duplicate control id 'GOV-1.1', first at catalog.groups[0].controls[0].controls[0].id"
    ]


def test_a_parameter_without_an_id_is_named_at_its_path(bundled: GRCGraph, tmp_path: Path) -> None:
    document = acme()
    document["catalog"]["groups"][0]["controls"][0]["params"] = [{}]
    found = _faults(bundled, tmp_path, "param.json", document)
    assert any(f.startswith("catalog.groups[0].controls[0].params[0]") for f in found), found


def test_a_prefix_already_used_is_named_at_its_prop(bundled: GRCGraph, tmp_path: Path) -> None:
    document = json.loads(bundled.export_oscal_catalog("iso42001"))
    found = _faults(bundled, tmp_path, "iso42001.json", document)
    assert "catalog.metadata.props[0].value: 'iso42001' is already used by frameworks/iso42001-2023.csv" in found, found


def test_a_bad_kind_prop_is_named_at_its_value(bundled: GRCGraph, tmp_path: Path) -> None:
    document = acme()
    document["catalog"]["groups"][0]["props"] = [{"name": "kind", "ns": GRC_NS, "value": "Chapterr"}]
    found = _faults(bundled, tmp_path, "kind.json", document)
    assert len(found) == 1 and found[0].startswith("catalog.groups[0].props[0].value: 'Chapterr' is not one of Clause, "), found


def test_a_mapping_to_an_unknown_requirement_is_named_at_its_path(bundled: GRCGraph, tmp_path: Path) -> None:
    document = acme_mappings()
    document["mapping-collection"]["mappings"][0]["maps"][2]["targets"][1]["id-ref"] = "A.99"
    found = _faults(bundled, tmp_path, "unknown.json", document, kind="mapping-set")
    assert found == ["mapping-collection.mappings[0].maps[2].targets[1].id-ref: 'A.99' is not a requirement of iso42001"]


def test_an_unknown_framework_and_relationship_are_named_at_their_paths(bundled: GRCGraph, tmp_path: Path) -> None:
    document = acme_mappings()
    mapping = document["mapping-collection"]["mappings"][0]
    mapping["target-resource"]["props"][0]["value"] = "iso9001"
    found = _faults(bundled, tmp_path, "framework.json", document, kind="mapping-set")
    assert len(found) == 1 and found[0].startswith(
        "mapping-collection.mappings[0].target-resource.props[0].value: 'iso9001' is the prefix of no"
    ), found
    document = acme_mappings()
    document["mapping-collection"]["mappings"][0]["maps"][0]["relationship"] = "similar-to"
    found = _faults(bundled, tmp_path, "relationship.json", document, kind="mapping-set")
    assert found == [
        "mapping-collection.mappings[0].maps[0].relationship: 'similar-to' (ns http://csrc.nist.gov/ns/oscal) is not a NIST IR 8477 relationship grcgraph knows"
    ]


def test_sssom_rules_apply_at_json_paths(bundled: GRCGraph, tmp_path: Path) -> None:
    document = acme_mappings()
    maps = document["mapping-collection"]["mappings"][0]["maps"]
    maps[0]["confidence-score"] = {"percentage": 1.5}
    maps.append({**maps[2], "uuid": "a1000000-0000-4000-8000-000000000009", "relationship": "subset-of"})
    found = _faults(bundled, tmp_path, "rules.json", document, kind="mapping-set")
    assert "mapping-collection.mappings[0].maps[0].confidence-score.percentage: '1.5' is not a number between 0 and 1" in found, found
    assert (
        "mapping-collection.mappings[0].maps[5].relationship: conflicting statement of acme:GOV-2 -> iso42001:A.3.2, "
        "first at mapping-collection.mappings[0].maps[2] as grc:intersectsWith"
    ) in found, found


def test_a_mapping_set_id_already_used_is_named_at_its_prop(bundled: GRCGraph, tmp_path: Path) -> None:
    document = json.loads(bundled.export_oscal_mapping("iso42001", "iso27001"))
    found = _faults(bundled, tmp_path, "again.json", document, kind="mapping-set")
    assert (
        "mapping-collection.mappings[1].props[0].value: 'https://w3id.org/grcgraph/crosswalks/iso42001-iso27001-clauses' "
        "is already the id of a mapping set in crosswalks/iso42001-iso27001-clauses.sssom.tsv"
    ) in found, found


def test_a_broken_shape_is_named_at_the_control_that_breaks_it(bundled: GRCGraph, tmp_path: Path) -> None:
    document = acme()
    document["catalog"]["groups"][0]["controls"][1]["props"] = [{"name": "kind", "ns": GRC_NS, "value": "Paragraph"}]
    found = _faults(bundled, tmp_path, "shape.json", document)
    assert sorted(found) == [
        "catalog.groups[0].controls[1]: A paragraph carries its text. (grc:text)",
        "catalog.groups[0].controls[1]: A paragraph must sit under an article. (skos:broader)",
    ]
