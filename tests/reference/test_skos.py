"""SKOS without inference: the exported reference graph, read by a store that infers nothing, shows
every requirement as a skos:Concept in its skos:ConceptScheme and every mapping as its SKOS reading,
beside its NIST IR 8477 triple; a "no relationship" row states no SKOS match at all. Also the SSSOM
loader's two spellings of "no relationship" and its refusals."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator
from dataclasses import replace

import pyoxigraph as ox
import pytest

from grcgraph.api import GRCGraph
from grcgraph.errors import DataError
from grcgraph.loaders.sources import ReferenceSources, SourceFile, build_reference_graph

SKOS = "http://www.w3.org/2004/02/skos/core#"
PREFIXES = f"PREFIX skos: <{SKOS}> PREFIX grc: <https://w3id.org/grcgraph/vocab#>\n"
READING = {
    "equal": "exactMatch",
    "subsetOf": "broadMatch",
    "supersetOf": "narrowMatch",
    "intersectsWith": "relatedMatch",
    "supports": "relatedMatch",
    "isSupportedBy": "relatedMatch",
    "relatedTo": "relatedMatch",
}


@pytest.fixture(scope="module")
def graph() -> Iterator[GRCGraph]:
    opened = GRCGraph.open()
    yield opened
    opened.close()


@pytest.fixture(scope="module")
def exported(graph: GRCGraph) -> ox.Store:
    """The Turtle export in a store of its own: plain triples, no inference, no vocabulary reasoning."""
    data, _ = graph.export("turtle")
    store = ox.Store()
    store.load(data, ox.RdfFormat.TURTLE)
    return store


def select(store: ox.Store, query: str) -> list[tuple[str, ...]]:
    result = store.query(PREFIXES + query)
    assert isinstance(result, ox.QuerySolutions)
    return [tuple(str(term.value) if term is not None else "" for term in row) for row in result]


def test_requirements_are_concepts_in_their_schemes(graph: GRCGraph, exported: ox.Store) -> None:
    versions = graph.framework_versions()
    schemes = select(exported, "SELECT ?s WHERE { ?s a skos:ConceptScheme }")
    assert {s for (s,) in schemes} == {v.iri for v in versions}
    per_scheme = dict(
        select(exported, "SELECT ?s (COUNT(?c) AS ?n) WHERE { ?c a skos:Concept ; skos:inScheme ?s . ?s a skos:ConceptScheme } GROUP BY ?s")
    )
    # every requirement, plus the GAI risks NIST AI 600-1 lists (concepts of its scheme too)
    assert {v.iri: int(per_scheme[v.iri]) - (12 if v.prefix == "nistgai" else 0) for v in versions} == {v.iri: v.total for v in versions}
    (untyped,) = select(exported, "SELECT (COUNT(?c) AS ?n) WHERE { ?c skos:inScheme ?s . FILTER NOT EXISTS { ?c a skos:Concept } }")
    assert untyped == ("0",)


def test_each_mapping_has_its_skos_reading(graph: GRCGraph, exported: ox.Store) -> None:
    rows = [m for s in graph.mapping_sets() for m in graph.mapping_index.all if m.mapping_set == s.set_id]
    assert rows
    for m in rows:
        if m.object is None:
            continue
        found = {
            p.rsplit("#", 1)[1]
            for (p,) in select(
                exported, f"SELECT ?p WHERE {{ <{m.subject.iri}> ?p <{m.object.iri}> . FILTER(STRSTARTS(STR(?p), '{SKOS}')) }}"
            )
        }
        stated = {
            other.predicate
            for other in rows
            if other.object is not None and (other.subject.iri, other.object.iri) == (m.subject.iri, m.object.iri)
        }
        assert found == {READING[p] for p in stated if p in READING}, (m.subject.curie, m.object.curie, stated)
    counts = Counter(m.predicate for m in rows if m.object is not None)
    (related,) = select(exported, "SELECT (COUNT(*) AS ?n) WHERE { ?s skos:relatedMatch ?o }")
    pairs = {(m.subject.iri, m.object.iri) for m in rows if m.object is not None and READING.get(m.predicate) == "relatedMatch"}
    assert int(related[0]) == len(pairs) and counts["noRelationship"] > 0


def test_no_relationship_states_no_match(graph: GRCGraph, exported: ox.Store) -> None:
    negated = [m for m in graph.mapping_index.all if m.predicate == "noRelationship" and m.object is not None]
    assert len(negated) >= 20
    for m in negated:
        assert m.object is not None
        assert not select(
            exported, f"SELECT ?p WHERE {{ <{m.subject.iri}> ?p <{m.object.iri}> . FILTER(STRSTARTS(STR(?p), '{SKOS}')) }}"
        ), m.subject.curie


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
"""
NEW = (
    "subject_id\tpredicate_id\tpredicate_modifier\tobject_id\tmapping_justification\tcomment\trationale\n"
    "iso42001:A.6.2.8\tgrc:relatedTo\tNot\teuaiact:art-5\tsemapv:ManualMappingCuration\tnone\tsemantic\n"
)
OLD = (
    "subject_id\tpredicate_id\tobject_id\tmapping_justification\tcomment\trationale\n"
    "iso42001:A.6.2.8\tgrc:noRelationship\teuaiact:art-5\tsemapv:ManualMappingCuration\tnone\tsemantic\n"
)


def with_set(sources: ReferenceSources, text: str) -> ReferenceSources:
    return replace(sources, mapping_sets=[SourceFile("my.sssom.tsv", HEADER + text)])


def triples(sources: ReferenceSources, text: str) -> set[tuple[str, str, str]]:
    graph = build_reference_graph(with_set(sources, text))
    return {(str(s), str(p), str(o)) for s, p, o in graph if "my-set" in str(s) and "header" not in str(p) and "row" not in str(p)}


def test_old_and_new_spellings_of_no_relationship_load_alike(sources: ReferenceSources) -> None:
    new, old = triples(sources, NEW), triples(sources, OLD)
    assert new == old
    assert any(p.endswith("#predicate") and o.endswith("#noRelationship") for _s, p, o in new)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            NEW.replace("grc:relatedTo\tNot", "grc:intersectsWith\tNot"),
            "my.sssom.tsv:18: predicate_modifier: grcgraph reads a negation only as 'no relationship'",
        ),
        (NEW.replace("\tNot\t", "\tNOT\t"), "my.sssom.tsv:18: predicate_modifier: 'NOT' is not an SSSOM predicate modifier (Not)"),
        (NEW.replace("\tsemantic", "\t"), "my.sssom.tsv:18: rationale: a set-theory relationship needs a rationale"),
        (
            NEW.replace("\tNot\t", "\t\t").replace("euaiact:art-5", "sssom:NoTermFound"),
            "my.sssom.tsv:18: predicate_id: sssom:NoTermFound goes only with no relationship",
        ),
    ],
    ids=["negated-other", "bad-modifier", "no-rationale", "no-term-positive"],
)
def test_bad_negations_are_refused(sources: ReferenceSources, text: str, expected: str) -> None:
    with pytest.raises(DataError) as error:
        build_reference_graph(with_set(sources, text))
    assert any(str(problem).startswith(expected) for problem in error.value.problems), error.value
