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


def test_the_first_command_makes_a_token_for_the_workspace_every_command_uses(tmp_path: Path) -> None:
    """The README's first command and the CLI tell one default-workspace story: the token it makes
    sees what `grcgraph evidence import` (no --workspace) writes."""
    from typer.testing import CliRunner

    from grcgraph.api import GRCGraph
    from grcgraph.cli import app

    first = re.findall(r"```sh\n(.*?)```", README, re.S)[0]
    command = first[first.index("grcgraph token create") :].split("&&")[0].split()[1:]
    runner = CliRunner()
    made = runner.invoke(app, [*command, "--data-dir", str(tmp_path)])
    assert made.exit_code == 0, made.output
    token = made.output.split()[-1]
    file = tmp_path / "evidence.csv"
    file.write_text("Title,Kind,Owner,Requirements\nAI policy,policy,ciso@example.org,A.2.2\n", encoding="utf-8")
    imported = runner.invoke(app, ["evidence", "import", str(file), "--data-dir", str(tmp_path)])
    assert imported.exit_code == 0, imported.output
    with GRCGraph.open(tmp_path) as graph:
        record = graph.authenticate(token)
        assert record is not None
    with GRCGraph.open(tmp_path, workspace=record.workspace) as graph:
        assert graph.evidence_ids() == ["ai-policy"]
