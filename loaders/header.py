"""The `#`-prefixed YAML header shared by catalogs, application rules and SSSOM TSV files."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import yaml

from grcgraph.errors import DataError, Problem


@dataclass(frozen=True)
class HeaderedText:
    """A file split into its metadata header and its table, with the table's first line number."""

    metadata: dict[str, Any]
    table: str
    table_line: int


def split_header(text: str, name: str) -> HeaderedText:
    lines = text.splitlines(keepends=True)
    header: list[str] = []
    for line in lines:
        if not line.startswith("#"):
            break
        header.append(line[1:])
    try:
        metadata = yaml.safe_load("".join(header)) if header else {}
    except yaml.YAMLError as error:
        mark = getattr(error, "problem_mark", None)
        line = mark.line + 1 if mark is not None else 1
        raise DataError([Problem(name, line, "header", f"the metadata header is not valid YAML: {error}")]) from None
    if metadata is None:
        metadata = {}
    if not isinstance(metadata, dict):
        raise DataError([Problem(name, 1, "header", "the metadata header must be a mapping of keys to values")])
    return HeaderedText(metadata=metadata, table="".join(lines[len(header):]), table_line=len(header) + 1)
