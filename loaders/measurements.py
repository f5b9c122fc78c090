"""Measurements of objectives from a CSV file, for `grcgraph measurements import`: one row per
measurement, columns `objective`, `value`, `at` (ISO 8601 date and time; UTC when it has no
offset), and optionally `source` and `recorded_by` (or the command's `--recorded-by` for every
row). Every fault is reported with file, line and column; nothing is read past a faulty header.
Reading only: `GRCGraph.import_measurements` stores what this returns, all of it or none."""

from __future__ import annotations

import math
from pathlib import Path

from grcgraph.dates import parse_datetime
from grcgraph.errors import DataError
from grcgraph.loaders.table import read_table
from grcgraph.model import MeasurementInput, Problem

COLUMNS = ("objective", "value", "at", "source", "recorded_by")
REQUIRED = ("objective", "value", "at")


def read_measurements(text: str, name: str, *, recorded_by: str | None = None) -> list[tuple[int, MeasurementInput]]:
    """(line, measurement) pairs of a measurements CSV; DataError naming file, line and column."""
    table = read_table(text, name, known=COLUMNS, required=REQUIRED)
    problems = list(table.problems)
    if "recorded_by" not in table.columns and not recorded_by:
        problems.append(Problem.in_file(name, table.header_line, "recorded_by", "no such column: add it, or say who recorded every row"))
    found: list[tuple[int, MeasurementInput]] = []
    for row in table:
        v = row.values
        for column in ("objective", "value", "at"):
            if not v[column]:
                problems.append(Problem.in_file(name, row.line, column, "is required"))
        value: float | None = None
        if v["value"]:
            try:
                value = float(v["value"])
            except ValueError:
                problems.append(Problem.in_file(name, row.line, "value", f"{v['value'][:40]!r} is not a number"))
            else:
                if not math.isfinite(value):
                    problems.append(Problem.in_file(name, row.line, "value", f"{v['value'][:40]!r} is not a finite number"))
        at = None
        if v["at"]:
            try:
                at = parse_datetime(v["at"])
            except ValueError as error:
                problems.append(Problem.in_file(name, row.line, "at", str(error)))
        who = v["recorded_by"] or recorded_by or ""
        if "recorded_by" in table.columns and not who:
            problems.append(Problem.in_file(name, row.line, "recorded_by", "is required"))
        found.append(
            (row.line, MeasurementInput(objective=v["objective"], value=value, at=at, recorded_by=who, source=v["source"] or None))
        )
    if problems:
        raise DataError(problems)
    return found


def read_measurements_file(path: Path, *, recorded_by: str | None = None) -> list[tuple[int, MeasurementInput]]:
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as error:
        raise DataError.in_file(str(path), f"cannot be read: {error}") from None
    return read_measurements(text, str(path), recorded_by=recorded_by)
