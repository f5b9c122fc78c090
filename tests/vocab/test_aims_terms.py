"""The AIMS notations users type map to terms the vocabulary defines, and every record evidence
rule names a record class, states and conditions the vocabulary has, and requirements that exist
in the catalogs (no rule may point at an invented id)."""

from __future__ import annotations

import pytest
from rdflib import RDF, RDFS, Graph, URIRef

from grcgraph import paths
from grcgraph.api import GRCGraph
from grcgraph.coverage.record_evidence import load_rules
from grcgraph.store.base import GraphStore
from grcgraph.vocab import aims_terms as terms
from grcgraph.vocab.namespace import GRC

TABLES = {
    name: getattr(terms, name)
    for name in (
        "RISK_STATUSES",
        "TREATMENTS",
        "DECISIONS",
        "IMPACT_AREAS",
        "DIRECTIONS",
        "REVIEW_KINDS",
        "NC_SOURCES",
        "NC_SEVERITIES",
        "NC_STATUSES",
        "ACTION_STATUSES",
        "DERIVED_STATES",
    )
}


@pytest.fixture(scope="module")
def vocabulary() -> Graph:
    return Graph().parse(data=paths.VOCABULARY.read_text(encoding="utf-8"), format="turtle")


@pytest.mark.parametrize("table", sorted(TABLES))
def test_every_notation_is_a_term_of_the_vocabulary(vocabulary: Graph, table: str) -> None:
    defined = set(vocabulary.subjects())
    missing = {notation: str(iri) for notation, iri in TABLES[table].items() if URIRef(str(iri)) not in defined}
    assert not missing


def test_record_classes_are_aims_records(vocabulary: Graph) -> None:
    for cls, _segment in terms.KINDS.values():
        assert (URIRef(str(cls)), RDFS.subClassOf, GRC.AIMSRecord) in vocabulary, cls


def test_every_rule_points_at_what_exists(store: GraphStore, vocabulary: Graph) -> None:
    rules = load_rules(store)
    assert len(rules) == len(set(vocabulary.subjects(RDF.type, GRC.RecordEvidenceRule))) >= 18
    requirements = {
        ref.iri for prefix in ("iso42001", "euaiact", "nistairmf") for ref in GRCGraph(store, "vocab-check").catalog.refs(prefix)
    }
    states = {str(iri) for table in TABLES.values() for iri in table.values()}
    for rule in rules:
        assert rule.requirements and set(rule.requirements) <= requirements, (rule.iri, set(rule.requirements) - requirements)
        assert rule.states <= states, rule.iri
        assert rule.why, rule.iri
    kinds = {rule.kind for rule in rules}
    assert kinds == set(terms.KINDS), "every kind of record evidences something"
