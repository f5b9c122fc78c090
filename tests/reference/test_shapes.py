"""SHACL: the shipped graph conforms, and the shapes catch the faults users make."""

from __future__ import annotations

import pytest
from rdflib import Graph, Literal, URIRef
from rdflib.namespace import RDF, SKOS, XSD

from grcgraph.reference.validation import validate
from grcgraph.vocab.namespace import GRC

ISO = "https://w3id.org/grcgraph/iso42001-2023/"


def test_shipped_reference_graph_conforms(reference_graph: Graph) -> None:
    report = validate(reference_graph)
    assert report.conforms, "\n".join(str(v) for v in report.violations[:20])


def broken(reference_graph: Graph) -> Graph:
    copy = Graph()
    copy += reference_graph
    return copy


def messages(graph: Graph, *focus: URIRef) -> list[str]:
    """The violations of the nodes a test broke, the rest of the graph as their context: each test
    checks a few nodes, not every node again (the whole graph's check is the first test's)."""
    report = validate(graph, focus=list(focus))
    assert not report.conforms
    return [f"{v.focus} {v.path} {v.message}" for v in report.violations]


def test_requirement_without_title(reference_graph: Graph) -> None:
    graph = broken(reference_graph)
    graph.remove((URIRef(ISO + "A.6.2.8"), SKOS.prefLabel, None))
    assert any("A.6.2.8" in m and "title" in m for m in messages(graph, URIRef(ISO + "A.6.2.8")))


def test_control_whose_parent_is_missing(reference_graph: Graph) -> None:
    graph = broken(reference_graph)
    graph.remove((URIRef(ISO + "A.6.2.8"), SKOS.broader, None))
    assert any("A.6.2.8" in m and "control area" in m for m in messages(graph, URIRef(ISO + "A.6.2.8")))


def test_control_whose_parent_is_of_the_wrong_kind(reference_graph: Graph) -> None:
    graph = broken(reference_graph)
    node = URIRef(ISO + "A.6.2.8")
    graph.remove((node, SKOS.broader, None))
    graph.add((node, SKOS.broader, URIRef(ISO + "8.4")))  # a clause, not a control area
    assert any("A.6.2.8" in m and "control area" in m for m in messages(graph, node))


def test_parent_that_does_not_exist(reference_graph: Graph) -> None:
    graph = broken(reference_graph)
    node = URIRef(ISO + "A.6.2.8")
    graph.remove((node, SKOS.broader, None))
    graph.add((node, SKOS.broader, URIRef(ISO + "A.99")))
    assert any("A.6.2.8" in m for m in messages(graph, node))


def test_malformed_date(reference_graph: Graph) -> None:
    graph = broken(reference_graph)
    rule = URIRef("https://w3id.org/grcgraph/eu-ai-act/rule/r2024-general")
    graph.remove((rule, GRC.appliesFrom, None))
    graph.add((rule, GRC.appliesFrom, Literal("2026-13-45", datatype=XSD.date)))
    assert any("r2024-general" in m and "date" in m for m in messages(graph, rule))


def test_unknown_framework(reference_graph: Graph) -> None:
    graph = broken(reference_graph)
    node = URIRef(ISO + "A.6.2.8")
    graph.remove((node, SKOS.inScheme, None))
    graph.add((node, SKOS.inScheme, URIRef("https://w3id.org/grcgraph/scheme/no-such-framework")))
    assert any("A.6.2.8" in m and "framework version" in m for m in messages(graph, node))


def test_requirement_in_two_frameworks(reference_graph: Graph) -> None:
    graph = broken(reference_graph)
    graph.add((URIRef(ISO + "A.6.2.8"), SKOS.inScheme, URIRef("https://w3id.org/grcgraph/scheme/iso27001-2022")))
    assert any("A.6.2.8" in m for m in messages(graph, URIRef(ISO + "A.6.2.8")))


@pytest.mark.parametrize("kind", [GRC.Paragraph, GRC.Subcategory, GRC.Section])
def test_kinds_that_need_a_parent(reference_graph: Graph, kind: URIRef) -> None:
    graph = broken(reference_graph)
    node = next(iter(graph.subjects(RDF.type, kind)))
    graph.remove((node, SKOS.broader, None))
    assert isinstance(node, URIRef)
    assert any(str(node).rsplit("/", 1)[-1] in m for m in messages(graph, node))


@pytest.mark.parametrize("name", ["shapes.ttl", "grcgraph.ttl", "auth.ttl"])
def test_ontology_files_parse_as_rdflib_reads_them(name: str) -> None:
    """The shapes and the vocabulary are parsed by Oxigraph for speed; rdflib's parser is the
    reference: the same triples (plain strings without a datatype, as pyshacl compares them), and
    the same prefixes for readable reports."""
    from rdflib.compare import graph_diff, to_isomorphic

    from grcgraph import paths
    from grcgraph.reference.validation import turtle_graph

    path = paths.ONTOLOGY_DIR / name
    ours = turtle_graph(path.read_bytes())
    theirs = Graph().parse(data=path.read_text(encoding="utf-8"), format="turtle")
    _both, only_ours, only_theirs = graph_diff(to_isomorphic(ours), to_isomorphic(theirs))
    assert (len(only_ours), len(only_theirs)) == (0, 0), (sorted(only_ours)[:5], sorted(only_theirs)[:5])
    assert len(ours) == len(theirs)
    assert dict(ours.namespaces()) == dict(theirs.namespaces())
