"""The notation tables the GraphQL enums are made from name terms the vocabulary defines, each of
the class it belongs to (no enum value may stand for an invented IRI)."""

from __future__ import annotations

import pytest
from rdflib import OWL, RDF, RDFS, Graph, URIRef

from grcgraph import paths
from grcgraph.vocab import aims_terms, terms
from grcgraph.vocab.namespace import GRC

# table -> how each of its IRIs is typed in ontology/grcgraph.ttl
TABLES = {
    "EVIDENCE_KINDS": (terms.EVIDENCE_KINDS, (RDF.type, GRC.EvidenceKind)),
    "EXTENTS": (terms.EXTENTS, (RDF.type, GRC.Extent)),
    "AI_CATEGORIES": (terms.AI_CATEGORIES, (RDF.type, GRC.AICategory)),
    "OPERATOR_ROLES": (terms.OPERATOR_ROLES, (RDF.type, GRC.OperatorRole)),
    "REQUIREMENT_KINDS": (terms.REQUIREMENT_KINDS, (RDFS.subClassOf, GRC.Requirement)),
    "KIND_CLASSES": (aims_terms.KIND_CLASSES, (RDFS.subClassOf, GRC.AIMSRecord)),
}


@pytest.fixture(scope="module")
def vocabulary() -> Graph:
    return Graph().parse(data=paths.VOCABULARY.read_text(encoding="utf-8"), format="turtle")


@pytest.mark.parametrize("table", sorted(TABLES))
def test_every_notation_is_a_term_of_its_class(vocabulary: Graph, table: str) -> None:
    found, (predicate, cls) = TABLES[table]
    missing = {notation: str(iri) for notation, iri in found.items() if (URIRef(str(iri)), predicate, cls) not in vocabulary}
    assert not missing


def test_the_relationships_are_every_relationship_of_the_vocabulary(vocabulary: Graph) -> None:
    kinds = set(vocabulary.subjects(RDFS.subClassOf, GRC.Relationship))
    defined = {s for kind in kinds for s in vocabulary.subjects(RDF.type, kind)}
    assert {URIRef(str(iri)) for iri in terms.RELATIONSHIPS.values()} == defined
    assert all(str(iri).endswith(name) for name, iri in terms.RELATIONSHIPS.items())
    assert (GRC.Relationship, RDF.type, OWL.Class) in vocabulary


def test_the_states_an_answer_adds_are_record_states(vocabulary: Graph) -> None:
    for table in (aims_terms.ASSESSMENT_STATES, aims_terms.ACTION_STATES):
        for iri in table.values():
            types = set(vocabulary.objects(URIRef(str(iri)), RDF.type))
            assert types & {GRC.RecordState, GRC.AssessmentDecision, GRC.ActionStatus}, iri
