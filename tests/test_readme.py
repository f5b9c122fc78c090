"""The README's example GraphQL queries stay valid against the served schema."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from graphql import parse, validate

from grcgraph.server.cost import query_cost
from grcgraph.server.schema import build_schema
from grcgraph.server.settings import Settings

README = (Path(__file__).resolve().parent.parent / "README.md").read_text(encoding="utf-8")


def example_operations() -> list[str]:
    blocks = re.findall(r"```graphql\n(.*?)```", README, re.S)
    assert blocks, "the README shows example queries"
    text = "\n".join(line for block in blocks for line in block.splitlines() if not line.startswith("#"))
    return [op.strip() for op in re.split(r"\n(?=\{|mutation)", text) if op.strip()]


@pytest.mark.parametrize("operation", example_operations())
def test_readme_example_is_valid(operation: str) -> None:
    schema = build_schema()._schema
    assert validate(schema, parse(operation)) == []
    assert query_cost(schema, parse(operation), None, None) <= Settings().max_query_cost, "the example is within the default cost limit"


def test_readme_shows_at_least_three_examples() -> None:
    assert len(example_operations()) >= 3
