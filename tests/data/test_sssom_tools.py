"""Every bundled mapping set as SSSOM's own tools read it: sssom-py parses, validates and converts each
file, a "no relationship" row is a negated link (predicate_modifier Not) that no conversion turns into
a positive statement, and the SKOS-only export keeps each row's IR 8477 type in a declared column."""

from __future__ import annotations

import logging
from pathlib import Path

import pytest
from rdflib import URIRef
from rdflib.namespace import OWL
from repo import ROOT
from sssom.parsers import parse_sssom_table
from sssom.validators import validate as sssom_validate
from sssom.writers import to_owl_graph, to_rdf_graph

from grcgraph import paths
from grcgraph.loaders.header import split_header
from grcgraph.loaders.table import read_table
from grcgraph.reference.mappings import Mappings
from grcgraph.store.base import GraphStore

SETS = [entry.name for entry in paths.mapping_sets()]
SKOS = "http://www.w3.org/2004/02/skos/core#"
NOT_ROW = "grc:relatedTo"
NEGATED = URIRef("https://w3id.org/sssom/NegatedPredicate")  # how sssom-py writes predicate_modifier Not in RDF


def rows(name: str) -> list[dict[str, str]]:
    text = (ROOT / "crosswalks" / name).read_text(encoding="utf-8")
    headered = split_header(text, name)
    table = read_table(headered.table, name, known=_columns(headered.table), delimiter="\t")
    return [row.values for row in table]


def _columns(table: str) -> list[str]:
    return table.splitlines()[0].split("\t")


@pytest.mark.parametrize("name", SETS)
def test_no_relationship_is_a_negated_link(name: str) -> None:
    found = rows(name)
    assert all(v["predicate_id"] != "grc:noRelationship" for v in found), "a positive grc:noRelationship is left"
    negated = [v for v in found if v["predicate_modifier"] == "Not"]
    assert all(v["predicate_id"] == NOT_ROW for v in negated)
    assert all(v["rationale"] for v in negated), "a no-relationship row is set theory and keeps its rationale"
    headered = split_header((ROOT / "crosswalks" / name).read_text(encoding="utf-8"), name)
    declared = {ext["slot_name"]: ext["property"] for ext in headered.metadata["extension_definitions"]}
    assert declared == {"rationale": "grc:rationale"}


@pytest.mark.parametrize("name", SETS)
def test_sssom_py_converts_without_turning_negations_into_links(name: str, caplog: pytest.LogCaptureFixture) -> None:
    with caplog.at_level(logging.ERROR):
        msdf = parse_sssom_table(ROOT / "crosswalks" / name)
    reports = sssom_validate(msdf, fail_on_error=False)
    assert all(not report.results for report in reports.values()), reports
    found = rows(name)
    # sssom-py drops a column that is empty on every row (the published set negates nothing)
    modifiers = msdf.df["predicate_modifier"].fillna("") if "predicate_modifier" in msdf.df.columns else [""] * len(msdf.df)
    read = sorted(zip(msdf.df["subject_id"], msdf.df["object_id"], modifiers, strict=True))
    assert read == sorted((v["subject_id"], v["object_id"], v["predicate_modifier"]) for v in found)
    converter = msdf.converter
    positive = {
        (converter.expand(v["subject_id"]), converter.expand(v["predicate_id"]), converter.expand(v["object_id"]))
        for v in found
        if v["predicate_modifier"] != "Not" and v["object_id"] != "sssom:NoTermFound"
    }
    negated = {
        (converter.expand(v["subject_id"]), converter.expand(v["predicate_id"]), converter.expand(v["object_id"]))
        for v in found
        if v["predicate_modifier"] == "Not" and v["object_id"] != "sssom:NoTermFound"
    }
    hydrated = to_rdf_graph(msdf, hydrate=True)
    stated = {(str(s), str(p), str(o)) for s, p, o in hydrated if str(p).startswith("https://w3id.org/grcgraph/vocab#")}
    assert positive <= stated
    assert not negated & stated, "sssom-py stated a no-relationship row as a link"
    # The OWL conversion keeps each row as an annotated axiom; a negated row's axiom says so. (sssom-py
    # 0.4.21 also adds the plain triple for every axiom, negated or not: a TODO in its to_owl_graph.)
    owl = to_owl_graph(msdf)
    modifier = URIRef("https://w3id.org/sssom/predicate_modifier")
    for s, _p, o in negated:
        axioms = set(owl.subjects(OWL.annotatedSource, URIRef(s))) & set(owl.subjects(OWL.annotatedTarget, URIRef(o)))
        assert axioms and all(list(owl.objects(a, modifier)) == [NEGATED] for a in axioms), (s, o)


@pytest.mark.parametrize(("source", "target"), [("iso42001", "euaiact"), ("nistairmf", "iso42001"), ("iso42001", "iso27001")])
def test_skos_export_is_read_by_sssom_py_and_keeps_the_ir8477_type(store: GraphStore, source: str, target: str, tmp_path: Path) -> None:
    index = Mappings(store)
    text = index.export_between(source, target, skos=True)
    out = tmp_path / "skos.sssom.tsv"
    out.write_text(text, encoding="utf-8")
    msdf = parse_sssom_table(out)
    assert all(not report.results for report in sssom_validate(msdf, fail_on_error=False).values())
    expected = index.between(source, target)
    assert len(msdf.df) == len(expected) > 0
    assert set(msdf.df["predicate_id"]) <= {f"skos:{p}" for p in ("exactMatch", "closeMatch", "broadMatch", "narrowMatch", "relatedMatch")}
    headered = split_header(text, "skos.sssom.tsv")
    assert {"slot_name": "ir8477_predicate", "property": "grc:predicate", "type_hint": "linkml:Uriorcurie"} in headered.metadata[
        "extension_definitions"
    ]
    table = read_table(headered.table, "skos", known=_columns(headered.table), delimiter="\t")
    readings = index.skos_readings
    for row, mapping in zip(table, expected, strict=True):
        assert row.values["ir8477_predicate"] == f"grc:{mapping.predicate}"
        assert row.values["rationale"] == (mapping.rationale or "")
        if mapping.predicate == "noRelationship":
            assert (row.values["predicate_id"], row.values["predicate_modifier"]) == ("skos:relatedMatch", "Not")
        else:
            assert row.values["predicate_id"] == f"skos:{readings.get(mapping.predicate, 'relatedMatch')}"
            assert row.values["predicate_modifier"] == ""
    hydrated = to_rdf_graph(msdf, hydrate=True)
    negated = [m for m in expected if m.predicate == "noRelationship" and m.object]
    for mapping in negated:
        assert mapping.object is not None
        assert (URIRef(mapping.subject.iri), URIRef(SKOS + "relatedMatch"), URIRef(mapping.object.iri)) not in hydrated
