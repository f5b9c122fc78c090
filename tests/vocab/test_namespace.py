"""The closed Python namespace stays in sync with ontology/grcgraph.ttl."""

from __future__ import annotations

import pytest
from rdflib import Graph

from grcgraph import paths
from grcgraph.vocab.namespace import GRC


def test_namespace_matches_vocabulary() -> None:
    graph = Graph().parse(data=paths.VOCABULARY.read_text(encoding="utf-8"), format="turtle")
    base = str(GRC._NS)
    in_turtle = {str(s)[len(base) :] for s in graph.subjects() if str(s).startswith(base)}
    in_python = set(GRC.__annotations__)
    assert in_python == in_turtle, "run: python scripts/generate_namespace.py"


def test_misspelled_term_fails_loudly() -> None:
    with pytest.raises(AttributeError):
        _ = GRC.Contrl
