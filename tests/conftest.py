"""Shared fixtures: the bundled reference graph, built once, and stores holding it."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from rdflib import Graph

from grcgraph.loaders.sources import ReferenceSources, build_reference_graph
from grcgraph.reference.build import bundled_sources, load_reference
from grcgraph.store import open_store
from grcgraph.store.base import GraphStore

ROOT = Path(__file__).resolve().parent.parent
REFERENCE = ROOT / "reference"


@pytest.fixture(scope="session")
def sources() -> ReferenceSources:
    return bundled_sources()


@pytest.fixture(scope="session")
def reference_graph(sources: ReferenceSources) -> Graph:
    return build_reference_graph(sources)


@pytest.fixture(scope="session")
def store(sources: ReferenceSources) -> Iterator[GraphStore]:
    """An in-memory store holding the bundled reference graph (read-only use)."""
    loaded = open_store(None)
    load_reference(loaded, sources)
    yield loaded
    loaded.close()
