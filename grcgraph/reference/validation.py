"""SHACL validation with pyshacl, reported as rows a person can read."""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache

import pyoxigraph as ox
from rdflib import Graph, Literal, URIRef
from rdflib.namespace import RDF, SH, XSD
from rdflib.term import Node

from grcgraph import paths
from grcgraph.store.base import from_ox

_XSD_STRING = str(XSD.string)


@dataclass(frozen=True)
class Violation:
    focus: str
    path: str
    message: str
    severity: str
    value: str

    def __str__(self) -> str:
        where = f"{self.focus} {self.path}".strip()
        value = f" (value: {self.value})" if self.value else ""
        return f"[{self.severity}] {where}: {self.message}{value}"


@dataclass(frozen=True)
class Report:
    conforms: bool
    violations: list[Violation]


@cache
def shapes_graph() -> Graph:
    return turtle_graph(paths.SHAPES.read_bytes())


@cache
def vocabulary_graph() -> Graph:
    return turtle_graph(paths.VOCABULARY.read_bytes())


def turtle_graph(data: bytes) -> Graph:
    """Turtle parsed by Oxigraph into an rdflib graph, with its prefixes bound, as rdflib's own
    parser gives it (plain strings without a datatype): a third of the time, which every write
    command paid at start."""
    parser = ox.parse(data, ox.RdfFormat.TURTLE)
    graph = Graph()
    for triple in parser:
        graph.add((_rdflib(triple.subject), _rdflib(triple.predicate), _rdflib(triple.object)))
    for prefix, namespace in parser.prefixes.items():
        graph.bind(prefix, namespace, override=True)
    return graph


def _rdflib(term: ox.NamedNode | ox.BlankNode | ox.Literal | ox.Triple) -> Node:
    if isinstance(term, ox.Literal) and not term.language and term.datatype.value == _XSD_STRING:
        return Literal(term.value)  # rdflib's Turtle parser gives plain strings no datatype
    return from_ox(term)


def _short(graph: Graph, term: object) -> str:
    if term is None:
        return ""
    if isinstance(term, URIRef):
        try:
            return graph.namespace_manager.normalizeUri(term)
        except Exception:  # a term no bound prefix can shorten is shown whole
            return str(term)
    return str(term)


def validate(data: Graph, *, with_vocabulary: bool = False, focus: list[URIRef] | None = None) -> Report:
    """Validate `data` against grcgraph's shapes. With `with_vocabulary`, the vocabulary's class
    hierarchy is added first, for files that do not carry it (a user's Turtle file). With `focus`,
    only those nodes are checked (the rest of `data` is context they point at)."""
    target = data
    if with_vocabulary:
        target = Graph()
        for prefix, namespace in data.namespaces():
            target.bind(prefix, namespace)
        target += vocabulary_graph()
        target += data
    # Imported here: pyshacl takes a noticeable share of start-up, and reads never validate.
    import pyshacl  # noqa: PLC0415

    conforms, results, _text = pyshacl.validate(
        target, shacl_graph=shapes_graph(), advanced=True, allow_warnings=True, focus_nodes=list(focus) if focus else None
    )
    violations: list[Violation] = []
    assert isinstance(results, Graph)
    for result in results.subjects(RDF.type, SH.ValidationResult):
        severity = results.value(result, SH.resultSeverity)
        violations.append(
            Violation(
                focus=_short(target, results.value(result, SH.focusNode)),
                path=_short(target, results.value(result, SH.resultPath)),
                message=str(results.value(result, SH.resultMessage) or ""),
                severity=str(severity).rsplit("#", 1)[-1] if severity else "Violation",
                value=_short(target, results.value(result, SH.value)),
            )
        )
    violations.sort(key=lambda v: (v.focus, v.path, v.message))
    return Report(conforms=bool(conforms), violations=violations)
