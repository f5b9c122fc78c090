"""The EU AI Act obligations table: every row names a real provision, a known role and category,
a basis and a source; faults are reported with line and field."""

from __future__ import annotations

import csv
import io
from dataclasses import replace

import pytest

from grcgraph import paths
from grcgraph.errors import DataError
from grcgraph.loaders.header import split_header
from grcgraph.loaders.obligations import parse_obligations
from grcgraph.loaders.sources import ReferenceSources, SourceFile, build_reference_graph


def rows() -> list[dict[str, str]]:
    text = paths.OBLIGATIONS.read_text(encoding="utf-8")
    return list(csv.DictReader(io.StringIO(split_header(text, "x").table)))


@pytest.mark.parametrize("row", rows(), ids=lambda r: r["id"])
def test_every_row_is_explained(row: dict[str, str]) -> None:
    assert row["basis"].startswith("Art. ") and row["note"] and row["source"] == "oj"
    if row["conditional"] == "yes":
        assert row["note"], "a conditional duty states its condition"


def test_covers_the_core_duties() -> None:
    provisions = {(r["provision"], r["roles"]) for r in rows()}
    for provision, role in [
        ("art-4", "provider|deployer"),
        ("art-9", "provider"),
        ("art-26-1", "deployer"),
        ("art-50-1", "provider"),
        ("art-50-3", "deployer"),
        ("art-23", "importer"),
        ("art-24", "distributor"),
    ]:
        assert any(p == provision and all(r in roles.split("|") for r in role.split("|")) for p, roles in provisions), provision


def test_faulty_rows_are_reported_with_line_and_field(sources: ReferenceSources) -> None:
    obligations = sources.obligations
    assert obligations is not None
    lines = obligations.text.splitlines(keepends=True)
    header_end = next(i for i, line in enumerate(lines) if not line.startswith("#"))
    bad_line = lines[header_end + 1].replace(",provider", ",seller", 1)
    text = "".join([*lines[: header_end + 1], bad_line, *lines[header_end + 2 :]])
    with pytest.raises(DataError) as caught:
        build_reference_graph(replace(sources, obligations=SourceFile(obligations.name, text)))
    assert any(p.line == header_end + 2 and p.field == "roles" for p in caught.value.problems)
    with pytest.raises(DataError, match="art-999"):
        parse_obligations(obligations.text.replace(",art-4,", ",art-999,", 1), "o.csv", {r["provision"] for r in rows()})
