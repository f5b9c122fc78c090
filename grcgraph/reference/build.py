"""Building, checking and storing the read-only reference graph (frameworks and crosswalks)."""

from __future__ import annotations

import gzip
import hashlib
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import pyoxigraph as ox
from rdflib import Graph, URIRef
from rdflib.namespace import DCTERMS, OWL, PROV, SKOS

from grcgraph import paths
from grcgraph.errors import DataError
from grcgraph.loaders.sources import LOADER_VERSION, ProgressCallback, ReferenceSources, SourceFile, build_reference_graph, is_oscal
from grcgraph.loaders.text import decode
from grcgraph.model import FieldPath, Problem
from grcgraph.reference.validation import validate
from grcgraph.store.base import GraphStore
from grcgraph.vocab import iris
from grcgraph.vocab.namespace import GRC


@dataclass(frozen=True)
class LoadResult:
    loaded: bool
    triples: int | None  # None when nothing was loaded: counting them would cost every command's start
    digest: str

    @property
    def own(self) -> bool:
        """Whether the graph holds a user's own catalogs or mapping sets."""
        return self.digest.startswith(OWN_MARK)


def bundled_sources(extra_catalogs: Sequence[Path] = (), extra_mapping_sets: Sequence[Path] = ()) -> ReferenceSources:
    """The files shipped with grcgraph, plus a user's own catalogs and mapping sets."""

    def read(entry: object, name: str) -> SourceFile:
        return SourceFile(name=name, text=decode(entry.read_bytes(), name))  # type: ignore[attr-defined]

    return ReferenceSources(
        vocabulary=read(paths.VOCABULARY, "ontology/grcgraph.ttl"),
        catalogs=[read(entry, f"frameworks/{entry.name}") for entry in paths.catalogs()]
        + [read(path, str(path)) for path in extra_catalogs],
        application_rules=read(paths.APPLICATION_RULES, f"frameworks/{paths.APPLICATION_RULES.name}"),
        mapping_sets=[read(entry, f"crosswalks/{entry.name}") for entry in paths.mapping_sets()]
        + [read(path, str(path)) for path in extra_mapping_sets],
        obligations=read(paths.OBLIGATIONS, f"frameworks/{paths.OBLIGATIONS.name}") if paths.OBLIGATIONS.is_file() else None,
        own=bool(extra_catalogs or extra_mapping_sets),
    )


# The digest of a reference graph built with a user's own files starts with this mark: a later
# `load_reference` without sources (every command's start, the server's) keeps that graph instead of
# rebuilding it from the bundled files alone, which would drop the user's catalogs and mapping sets.
OWN_MARK = "own:"


def digest(sources: ReferenceSources) -> str:
    hasher = hashlib.sha256(f"loader {LOADER_VERSION}\n".encode())
    hasher.update(paths.SHAPES.read_bytes())
    for source in sources.all():
        hasher.update(f"\n{source.name}\n".encode())
        hasher.update(source.text.encode())
    return (OWN_MARK if sources.own else "") + hasher.hexdigest()


def build_checked(sources: ReferenceSources, progress: ProgressCallback | None = None) -> Graph:
    """Build the reference graph and run SHACL over it; raise DataError if anything is wrong."""
    graph = build_reference_graph(sources, progress)
    if progress:
        progress("SHACL validation")
    report = validate(graph)
    if not report.conforms:
        where = _places(sources)
        raise DataError(
            [
                Problem(f"{v.message} ({v.path})", where[v.focus][1], where[v.focus][0], None)
                if v.focus in where
                else Problem.in_file("reference graph", 0, v.focus, f"{v.path}: {v.message}")
                for v in report.violations
            ]
        )
    return graph


def _places(sources: ReferenceSources) -> dict[str, tuple[str, FieldPath]]:
    """The file and JSON path of each requirement read from an OSCAL catalog, by IRI, so that a
    shape it breaks is named where the user wrote it."""
    from grcgraph.loaders.oscal_catalog import places  # noqa: PLC0415  (read only when a shape is broken)

    return {
        iri: (source.name, path)
        for source in sources.catalogs
        if is_oscal(source.name)
        for iri, path in places(source.text, source.name).items()
    }


PREBUILT_HEADER = "# grcgraph reference graph, SHACL-checked; source digest "


def prebuilt_text(graph: Graph, source_digest: str) -> bytes:
    """The prebuilt file's content before compression: a header naming the source digest, then the
    graph as N-Triples, one sorted line per triple (the same build gives the same bytes)."""
    lines = sorted(line for line in graph.serialize(format="nt", encoding="utf-8").decode("utf-8").splitlines() if line.strip())
    return (PREBUILT_HEADER + source_digest + "\n" + "\n".join(lines) + "\n").encode("utf-8")


def write_prebuilt(path: Path, graph: Graph, source_digest: str) -> None:
    """Write the prebuilt reference graph (gzip without a timestamp, so a rebuild is byte-identical)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(gzip.compress(prebuilt_text(graph, source_digest), compresslevel=9, mtime=0))


def read_prebuilt() -> tuple[str, bytes] | None:
    """(source digest, N-Triples) of the bundled prebuilt reference graph, or None if it is missing."""
    if not paths.PREBUILT_REFERENCE.is_file():
        return None
    data = gzip.decompress(paths.PREBUILT_REFERENCE.read_bytes())
    header, _, _rest = data.partition(b"\n")
    text = header.decode("utf-8")
    if not text.startswith(PREBUILT_HEADER):
        return None
    return text[len(PREBUILT_HEADER) :], data


def _store_prebuilt(store: GraphStore, data: bytes, source_digest: str) -> int:
    """Replace the reference graph by the prebuilt N-Triples in one update (MOVE from staging), as
    `GraphStore.replace_graph` does for a graph built here; returns the triples stored."""
    staging = ox.NamedNode(str(iris.STAGING_GRAPH))
    store.update(f"DROP SILENT GRAPH <{iris.STAGING_GRAPH}>")
    store.add_graph(staging)
    store.load(data, staging)
    # The digest is hex from `digest`, the IRIs grcgraph's own.
    store.update(
        f'INSERT DATA {{ GRAPH <{iris.STAGING_GRAPH}> {{ <{iris.REFERENCE_GRAPH}> <{GRC.sourceDigest}> "{source_digest}" }} }} ;\n'
        f"MOVE SILENT GRAPH <{iris.STAGING_GRAPH}> TO GRAPH <{iris.REFERENCE_GRAPH}>"
    )
    store.flush()
    return store.graph_size(iris.REFERENCE_GRAPH)


def load_reference(
    store: GraphStore,
    sources: ReferenceSources | None = None,
    *,
    force: bool = False,
    progress: ProgressCallback | None = None,
) -> LoadResult:
    """Store the reference graph, unless the store already holds this exact build: the prebuilt
    graph when it was built from exactly these sources (the bundled ones), else built and checked here.
    Without `sources`, the bundled files, unless the store holds a graph built with a user's own
    files: that one is kept (`force` rebuilds from the bundled files alone)."""
    if sources is None:
        stored = store.digest(iris.REFERENCE_GRAPH)
        if not force and stored is not None and stored.startswith(OWN_MARK):
            return LoadResult(loaded=False, triples=None, digest=stored)
        sources = bundled_sources()
    wanted = digest(sources)
    if not force and store.digest(iris.REFERENCE_GRAPH) == wanted:
        return LoadResult(loaded=False, triples=None, digest=wanted)
    prebuilt = read_prebuilt()
    if prebuilt is not None and prebuilt[0] == wanted:
        if progress:
            progress("writing the store (prebuilt reference graph)")
        return LoadResult(loaded=True, triples=_store_prebuilt(store, prebuilt[1], wanted), digest=wanted)
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
