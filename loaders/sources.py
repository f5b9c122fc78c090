"""The reference graph's source files (vocabulary, catalogs, dates of application, obligations, mapping
sets) and the one graph built from them, every fault of every file reported before anything is written."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

from rdflib import Graph, URIRef
from rdflib.namespace import DCTERMS, OWL, PROV, RDFS, SKOS, XSD

from grcgraph.errors import DataError
from grcgraph.model import Problem
from grcgraph.vocab.namespace import GRC

# Bumped whenever a loader changes what it writes, so that stores built by older code are rebuilt.
LOADER_VERSION = "2"


@dataclass(frozen=True)
class SourceFile:
    """A data file's name (as shown in error messages) and its text."""

    name: str
    text: str


@dataclass(frozen=True)
class ReferenceSources:
    vocabulary: SourceFile
    catalogs: Sequence[SourceFile]
    application_rules: SourceFile | None
    mapping_sets: Sequence[SourceFile]
    obligations: SourceFile | None = None

    def all(self) -> list[SourceFile]:
        extras = [f for f in (self.application_rules, self.obligations) if f is not None]
        return [self.vocabulary, *self.catalogs, *extras, *self.mapping_sets]


ProgressCallback = Callable[[str], None]


def _collect(problems: list[Problem], action: Callable[[], object]) -> object:
    try:
        return action()
    except DataError as error:
        problems.extend(error.problems)
        return None


def build_reference_graph(sources: ReferenceSources, progress: ProgressCallback | None = None) -> Graph:
    """Read every source file into one graph. Raises DataError listing every fault in every file,
    before anything is written anywhere."""
    # Imported here: every command imports this package to check that the store is up to date, and
    # the readers (yaml with them) are needed only to rebuild.
    from grcgraph.loaders.application_rules import parse_rules, rule_triples  # noqa: PLC0415
    from grcgraph.loaders.catalog_csv import Catalog, catalog_triples, parse_catalog, prefixes  # noqa: PLC0415
    from grcgraph.loaders.obligations import obligation_triples, parse_obligations  # noqa: PLC0415
    from grcgraph.loaders.sssom import mapping_triples, parse_mapping_set  # noqa: PLC0415

    step = progress or (lambda _message: None)
    graph = Graph()
    for prefix, namespace in (
        ("grc", GRC._NS),
        ("skos", SKOS),
        ("dcterms", DCTERMS),
        ("prov", PROV),
        ("owl", OWL),
        ("rdfs", RDFS),
        ("xsd", XSD),
    ):
        graph.bind(prefix, namespace)
    graph.parse(data=sources.vocabulary.text, format="turtle")
    problems: list[Problem] = []
    catalogs: list[Catalog] = []
    for source in sources.catalogs:
        step(f"catalog {source.name}")
        parsed = _collect(problems, lambda source=source: parse_catalog(source.text, source.name))  # type: ignore[misc]
        if isinstance(parsed, Catalog):
            catalogs.append(parsed)
    seen_prefixes: dict[str, str] = {}
    for catalog in catalogs:
        if catalog.prefix in seen_prefixes:
            problems.append(
                Problem.in_file(catalog.name, 1, "prefix", f"{catalog.prefix!r} is already used by {seen_prefixes[catalog.prefix]}")
            )
        seen_prefixes[catalog.prefix] = catalog.name
    if problems:
        raise DataError(problems)
    resolve = prefixes(catalogs)
    for catalog in catalogs:
        graph.bind(catalog.prefix, catalog.namespace)
        problems.extend(catalog_triples(catalog, graph, resolve))
    titles = {str(s): str(o) for s, o in graph.subject_objects(SKOS.prefLabel) if (s, SKOS.inScheme, None) in graph}
    for catalog in catalogs:
        for row in catalog.rows:
            refines = row.values["refines"]
            if refines and refines.split(":", 1)[0] in resolve:
                target = resolve[refines.split(":", 1)[0]] + refines.split(":", 1)[1]
                if target not in titles:
                    problems.append(
                        Problem.in_file(catalog.name, row.line, "refines", f"{refines} is not a requirement of any loaded catalog")
                    )
    if sources.application_rules is not None:
        rules_file = sources.application_rules
        step(f"application rules {rules_file.name}")
        eu = next((c for c in catalogs if c.prefix == "euaiact"), None)
        if eu is None:
            problems.append(Problem.in_file(rules_file.name, 1, "", "application rules need the EU AI Act catalog (prefix euaiact)"))
        else:
            known = {row.values["id"] for row in eu.rows}
            parsed_rules = _collect(problems, lambda: parse_rules(rules_file.text, rules_file.name, known))
            if parsed_rules is not None:
                rule_triples(parsed_rules, graph, eu.namespace)  # type: ignore[arg-type]
            obligations_file = sources.obligations
            if obligations_file is not None:
                step(f"obligations {obligations_file.name}")
                parsed_obligations = _collect(problems, lambda: parse_obligations(obligations_file.text, obligations_file.name, known))
                if parsed_obligations is not None:
                    obligation_triples(parsed_obligations, graph, eu.namespace)  # type: ignore[arg-type]
    # Each relationship's SKOS reading, as the vocabulary states it (grc:sssomPredicate).
    readings = {s: o for s, o in graph.subject_objects(GRC.sssomPredicate) if isinstance(s, URIRef) and isinstance(o, URIRef)}
    for source in sources.mapping_sets:
        step(f"mapping set {source.name}")
        parsed_set = _collect(problems, lambda source=source: parse_mapping_set(source.text, source.name, titles))  # type: ignore[misc]
        if parsed_set is not None:
            mapping_triples(parsed_set, graph, readings)  # type: ignore[arg-type]
    if problems:
        raise DataError(problems)
    return graph
