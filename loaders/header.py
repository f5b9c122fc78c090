"""The `#`-prefixed YAML header shared by catalogs, application rules and SSSOM TSV files."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import yaml

from grcgraph.errors import DataError
from grcgraph.model import Problem


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
        line_number = mark.line + 1 if mark is not None else 1
        raise DataError([Problem.in_file(name, line_number, "header", f"the metadata header is not valid YAML: {error}")]) from None
    except ValueError as error:  # YAML-shaped values that are not real, such as the date 2026-15-01
        field = _faulty_key(header, str(error))
        raise DataError([Problem.in_file(name, field[0], field[1], f"invalid value in the metadata header: {error}")]) from None
    if metadata is None:
        metadata = {}
    if not isinstance(metadata, dict):
        raise DataError([Problem.in_file(name, 1, "header", "the metadata header must be a mapping of keys to values")])
    return HeaderedText(metadata=metadata, table="".join(lines[len(header) :]), table_line=len(header) + 1)


def _faulty_key(header: list[str], reason: str) -> tuple[int, str]:
    """Best effort at the line of a header value YAML could read but not convert (a bad date)."""
    for number, line in enumerate(header, start=1):
        key, _, value = line.strip().partition(":")
        if (
            value.strip()
            and any(ch.isdigit() for ch in value)
            and "-" in value
            and ("date" in reason or "month" in reason or "day" in reason)
        ):
            try:
                yaml.safe_load(value)
            except ValueError:
                return number, key.strip()
            except yaml.YAMLError:
                continue
    return 1, "header"
