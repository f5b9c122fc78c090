"""The prebuilt reference graph (grcgraph/prebuilt/reference.nt.gz) is current: built from the bundled
sources exactly as the loaders build them, and loaded at first start in place of a build."""

from __future__ import annotations

import gzip

import pyoxigraph as ox
from rdflib import Graph

from grcgraph import paths
from grcgraph.loaders.sources import ReferenceSources
from grcgraph.reference.build import digest, load_reference, prebuilt_text, read_prebuilt
from grcgraph.store import open_store
from grcgraph.vocab import iris

STALE = "grcgraph/prebuilt/reference.nt.gz is stale: run `python scripts/build_reference.py` and commit the file"


def test_prebuilt_is_built_from_the_bundled_sources(sources: ReferenceSources) -> None:
    found = read_prebuilt()
    assert found is not None, STALE
    assert found[0] == digest(sources), STALE


def test_prebuilt_holds_what_the_loaders_build(sources: ReferenceSources, reference_graph: Graph) -> None:
    assert gzip.decompress(paths.PREBUILT_REFERENCE.read_bytes()) == prebuilt_text(reference_graph, digest(sources)), STALE


def test_first_start_loads_the_prebuilt_graph(sources: ReferenceSources, reference_graph: Graph) -> None:
    with open_store(None) as store:
        result = load_reference(store, sources)
        assert result.loaded and store.digest(iris.REFERENCE_GRAPH) == digest(sources)
        stored = {
            (q.subject, q.predicate, q.object)
            for q in store.inner.quads_for_pattern(None, None, None, ox.NamedNode(str(iris.REFERENCE_GRAPH)))
        }
        assert result.triples == len(stored) == len(reference_graph) + 1  # the graph and its digest
        assert not store.has_graph(iris.STAGING_GRAPH)
        assert not load_reference(store, sources).loaded  # nothing to do the second time
