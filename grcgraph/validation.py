"""SHACL validation with pyshacl, reported as rows a person can read."""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache

from rdflib import Graph, URIRef
from rdflib.namespace import RDF, SH

from grcgraph import paths


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
    return Graph().parse(data=paths.SHAPES.read_text(encoding="utf-8"), format="turtle")


@cache
def vocabulary_graph() -> Graph:
    return Graph().parse(data=paths.VOCABULARY.read_text(encoding="utf-8"), format="turtle")


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
