"""Building, checking and storing the read-only reference graph (frameworks and crosswalks)."""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from rdflib import Graph, URIRef
from rdflib.namespace import DCTERMS, OWL, PROV, SKOS

from grcgraph import iris, paths
from grcgraph.errors import DataError, Problem
from grcgraph.loaders import LOADER_VERSION, ProgressCallback, ReferenceSources, SourceFile, build_reference_graph
from grcgraph.namespace import GRC
from grcgraph.store import GraphStore
from grcgraph.validation import validate


@dataclass(frozen=True)
class LoadResult:
    loaded: bool
    triples: int
    digest: str


def bundled_sources(extra_catalogs: Sequence[Path] = (), extra_mapping_sets: Sequence[Path] = ()) -> ReferenceSources:
    """The files shipped with grcgraph, plus a user's own catalogs and mapping sets."""

    def read(entry: object, name: str) -> SourceFile:
        return SourceFile(name=name, text=entry.read_text(encoding="utf-8"))  # type: ignore[attr-defined]

    return ReferenceSources(
        vocabulary=read(paths.VOCABULARY, "ontology/grcgraph.ttl"),
        catalogs=[read(entry, f"frameworks/{entry.name}") for entry in paths.catalogs()]
        + [read(path, str(path)) for path in extra_catalogs],
        application_rules=read(paths.APPLICATION_RULES, f"frameworks/{paths.APPLICATION_RULES.name}"),
        mapping_sets=[read(entry, f"crosswalks/{entry.name}") for entry in paths.mapping_sets()]
        + [read(path, str(path)) for path in extra_mapping_sets],
        obligations=read(paths.OBLIGATIONS, f"frameworks/{paths.OBLIGATIONS.name}") if paths.OBLIGATIONS.is_file() else None,
    )


def digest(sources: ReferenceSources) -> str:
    hasher = hashlib.sha256(f"loader {LOADER_VERSION}\n".encode())
    hasher.update(paths.SHAPES.read_bytes())
    for source in sources.all():
        hasher.update(f"\n{source.name}\n".encode())
        hasher.update(source.text.encode())
    return hasher.hexdigest()


def build_checked(sources: ReferenceSources, progress: ProgressCallback | None = None) -> Graph:
    """Build the reference graph and run SHACL over it; raise DataError if anything is wrong."""
    graph = build_reference_graph(sources, progress)
    if progress:
        progress("SHACL validation")
    report = validate(graph)
    if not report.conforms:
        raise DataError([Problem("reference graph", 0, v.focus, f"{v.path}: {v.message}") for v in report.violations])
    return graph


def load_reference(
    store: GraphStore,
    sources: ReferenceSources | None = None,
    *,
    force: bool = False,
    progress: ProgressCallback | None = None,
) -> LoadResult:
    """Build and store the reference graph, unless the store already holds this exact build."""
    sources = sources or bundled_sources()
    wanted = digest(sources)
    if not force and store.digest(iris.REFERENCE_GRAPH) == wanted:
        return LoadResult(loaded=False, triples=store.graph_size(iris.REFERENCE_GRAPH), digest=wanted)
    graph = build_checked(sources, progress)
    if progress:
        progress("writing the store")
    store.replace_graph(iris.REFERENCE_GRAPH, graph, wanted)
    return LoadResult(loaded=True, triples=len(graph) + 1, digest=wanted)


def bind_prefixes(graph: Graph) -> None:
    """Bind the prefixes of the vocabulary and of every framework present, for readable output."""
    for prefix, namespace in (
        ("grc", str(GRC._NS)),
        ("skos", str(SKOS)),
        ("dcterms", str(DCTERMS)),
        ("prov", str(PROV)),
        ("owl", str(OWL)),
    ):
        graph.bind(prefix, namespace)
    for scheme in graph.subjects(predicate=GRC.prefix):
        scheme_prefix = graph.value(scheme, GRC.prefix)
        member = next(graph.subjects(predicate=URIRef("http://www.w3.org/2004/02/skos/core#inScheme"), object=scheme), None)
        if scheme_prefix is not None and member is not None:
            local = graph.value(member, DCTERMS.identifier)
            if local is not None and str(member).endswith(str(local)):
                graph.bind(str(scheme_prefix), str(member)[: -len(str(local))])
