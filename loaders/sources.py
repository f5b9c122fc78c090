"""The reference graph's source files (vocabulary, catalogs, dates of application, obligations, mapping
sets) and the one graph built from them, every fault of every file reported before anything is written."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

from rdflib import Graph, URIRef
from rdflib.namespace import DCTERMS, OWL, PROV, RDFS, SKOS, XSD

from grcgraph.errors import DataError
from grcgraph.loaders.table import problem_at
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
    own: bool = False  # holds a user's own catalogs or mapping sets besides the bundled files

    def all(self) -> list[SourceFile]:
        extras = [f for f in (self.application_rules, self.obligations) if f is not None]
        return [self.vocabulary, *self.catalogs, *extras, *self.mapping_sets]


ProgressCallback = Callable[[str], None]


def is_oscal(name: str) -> bool:
    """Whether a catalog or mapping set is an OSCAL JSON document (by its name, as the registry reads it)."""
    return name.lower().endswith(".json")


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
    from grcgraph.loaders.oscal_catalog import parse_oscal_catalog, resolve_refines  # noqa: PLC0415
    from grcgraph.loaders.oscal_mapping import parse_oscal_mappings  # noqa: PLC0415
    from grcgraph.loaders.sssom import MappingSet, mapping_triples, parse_mapping_set  # noqa: PLC0415

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
        parse = parse_oscal_catalog if is_oscal(source.name) else parse_catalog
        parsed = _collect(problems, lambda source=source, parse=parse: parse(source.text, source.name))  # type: ignore[misc]
        if isinstance(parsed, Catalog):
            catalogs.append(parsed)
    seen: dict[tuple[str, str], str] = {}
    for catalog in catalogs:
        for key in ("prefix", "namespace", "scheme"):
            value = str(catalog.metadata[key])
            if (key, value) in seen:
                problems.append(catalog.header_problem(key, f"{value!r} is already used by {seen[key, value]}"))
            seen[key, value] = catalog.name
    if problems:
        raise DataError(problems)
    resolve = prefixes(catalogs)
    for catalog in catalogs:
        problems.extend(resolve_refines(catalog, resolve))
    if problems:
        raise DataError(problems)
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
                    problems.append(problem_at(catalog.name, row, "refines", f"{refines} is not a requirement of any loaded catalog"))
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
    inverses = {str(s).rsplit("#", 1)[-1]: str(o).rsplit("#", 1)[-1] for s, o in graph.subject_objects(GRC.inverse)}
    mapping_sets: list[MappingSet] = []
    for source in sources.mapping_sets:
        step(f"mapping set {source.name}")
        if is_oscal(source.name):
            read = _collect(problems, lambda source=source: parse_oscal_mappings(source.text, source.name, catalogs, titles, inverses))  # type: ignore[misc]
            mapping_sets += read if isinstance(read, list) else []
        else:
            parsed_set = _collect(problems, lambda source=source: parse_mapping_set(source.text, source.name, titles))  # type: ignore[misc]
            mapping_sets += [parsed_set] if isinstance(parsed_set, MappingSet) else []
    named: dict[str, str] = {}
    for mapping_set in mapping_sets:
        if mapping_set.set_id in named:
            message = f"{mapping_set.set_id!r} is already the id of a mapping set in {named[mapping_set.set_id]}"
            problems.append(mapping_set.header_problem("mapping_set_id", message))
        named[mapping_set.set_id] = mapping_set.name
    if problems:
        raise DataError(problems)
    for mapping_set in mapping_sets:
        mapping_triples(mapping_set, graph, readings)
    if problems:
        raise DataError(problems)
    return graph
