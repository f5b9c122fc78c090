"""Docstring examples in the Python API run as written."""

from __future__ import annotations

import doctest
import re
from pathlib import Path

import pytest

import grcgraph
import grcgraph.api
import grcgraph.api.aims


@pytest.mark.parametrize("module", [grcgraph, grcgraph.api, grcgraph.api.aims], ids=["grcgraph", "grcgraph.api", "grcgraph.api.aims"])
def test_api_docstring_examples(module: object) -> None:
    result = doctest.testmod(module, optionflags=doctest.ELLIPSIS)  # type: ignore[arg-type]
    assert result.attempted > 0 and result.failed == 0


def test_the_public_face_names_what_it_serves() -> None:
    """Every name in `grcgraph.__all__` resolves, and each is served from the module it claims."""
    served = {name for names in grcgraph._FROM.values() for name in names}
    assert set(grcgraph.__all__) == served | {"__version__"}
    for name in served:
        assert getattr(grcgraph, name) is not None


def aims_operations() -> list[str]:
    text = (Path(__file__).resolve().parent.parent / "docs" / "aims.md").read_text(encoding="utf-8")
    blocks = re.findall(r"```graphql\n(.*?)```", text, re.S)
    lines = "\n".join(line for block in blocks for line in block.splitlines() if not line.startswith("#"))
    return [op.strip() for op in re.split(r"\n(?=\{|mutation)", lines) if op.strip()]


@pytest.mark.parametrize("operation", aims_operations())
def test_aims_doc_examples_are_valid(operation: str) -> None:
    """docs/aims.md's GraphQL examples stay valid against the schema and within its cost limit."""
    from graphql import parse, validate

    from grcgraph.server.cost import query_cost
    from grcgraph.server.schema import build_schema
    from grcgraph.server.settings import Settings

    schema = build_schema()._schema
    assert validate(schema, parse(operation)) == []
    assert query_cost(schema, parse(operation), None, None) <= Settings().max_query_cost
