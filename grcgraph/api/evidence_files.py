"""The facade's evidence files: import from CSV, JSON or XLSX (all or none, every problem at the
file's own line or sheet row and column), and export to the same formats with every stored field,
so that what is exported imports back to the same data, and exports again to the same file."""

from __future__ import annotations

import dataclasses
import datetime as dt
import json
from collections.abc import Callable, Sequence
from pathlib import Path

from grcgraph.api.reports import ReportsAPI
from grcgraph.errors import DataError, InvalidInputError
from grcgraph.loaders.evidence import FIELDS, Sourced, problem_order, read_evidence, write_field
from grcgraph.model import Evidence, EvidenceLink, Problem
from grcgraph.reports.tables import Column, Kind, ReportTable
from grcgraph.store.batch import collector_paused
from grcgraph.workspace.history import with_digest

EXPORT_FIELDS = tuple(name for name in FIELDS if name != "framework")  # framework is a reading hint, never stored
EXPORT_FORMATS = ("csv", "json", "xlsx")


class EvidenceFilesAPI(ReportsAPI):
    def import_evidence(self, path: str | Path, *more: str | Path, framework: str | None = None) -> int:
        """Store every item of one or more CSV, JSON or XLSX evidence files as one batch (one bulk
        load when they are new), or none if any item is faulty: DataError, each problem naming its
        file, line (or sheet and row) and the file's own column, sorted by file and line. `framework`
        (any name `framework_prefix` takes) is where bare ids such as 6.1.2 are looked up first,
        for rows whose `framework` column is empty; ValueError if it names none."""
        prefix = self.catalog.framework_prefix(framework) if framework else None
        paths = [Path(p) for p in (path, *more)]
        sourced: list[Sourced] = []
        problems: list[Problem] = []
        fatal = False
        with collector_paused():  # reading the files builds as many objects as the batch
            for each in paths:
                try:
                    items, found = read_evidence(each, framework=prefix)
                except DataError as error:
                    problems += error.problems
                    fatal = True
                    continue
                sourced += [dataclasses.replace(entry, item=with_digest(entry.item, each, entry.origin.line, found)) for entry in items]
                problems += found
            if fatal:
                raise DataError(_in_order(problems, paths))
            try:
                self.workspace.put_evidence([entry.item for entry in sourced], replace=True, problems=problems)
            except InvalidInputError as error:
                raise DataError(_in_order([_in_file(p, sourced, paths[0]) for p in error.problems], paths)) from None
        return len(sourced)

    def evidence_records(self) -> list[tuple[Evidence, list[EvidenceLink]]]:
        """Every evidence item of the workspace, by id, with its links in document order."""
        ids = self.workspace.evidence_ids()
        items = self.workspace.evidence_many(ids)
        links = self.workspace.links_many(ids)
        return [
            (items[i], sorted(links.get(i, []), key=lambda k: (*self.catalog.order(k.requirement), k.system or ""))) for i in sorted(items)
        ]

    def evidence_table(self) -> ReportTable:
        """Every stored field of every item, one row per item and group of links that share their
        extent, asserter, time and system (the item's fields repeated): an evidence file."""
        rows = []
        for item, links in self.evidence_records():
            groups: dict[tuple[str, str, str, str], list[str]] = {}
            for link in links:
                groups.setdefault((link.extent, link.asserted_by, link.asserted_at, link.system or ""), []).append(
                    self.catalog.typed(link.requirement)
                )
            fields = (item.id, item.title, item.kind, item.description, item.owner, item.location, item.sha256)
            for (extent, by, at, system), requirements in groups.items() or {("", "", "", ""): []}.items():
                rows.append((*fields, item.collected_on, item.valid_until, "|".join(requirements), extent, by, at, system))
        kinds = {"collected_on": Kind.date, "valid_until": Kind.date}
        columns = [
            Column(HEADERS.get(name, name.replace("_", " ").capitalize()), WIDTHS.get(name, 16), kinds.get(name, Kind.plain))
            for name in EXPORT_FIELDS
        ]
        return ReportTable("Evidence", f"Evidence of workspace {self.workspace.name}", columns, rows)

    def export_evidence(self, fmt: str = "csv") -> bytes:
        """Every evidence item with every stored field, as an evidence file (csv, json or xlsx) that
        `import_evidence` reads back to the same data."""
        if fmt == "csv":
            return self.evidence_table().csv().encode("utf-8")
        if fmt == "json":
            items = [_json_item(item, links, self.catalog.typed) for item, links in self.evidence_records()]
            return (json.dumps(items, indent=2, ensure_ascii=False) + "\n").encode("utf-8")
        if fmt == "xlsx":
            return self.report_workbook("Evidence register", [self.evidence_table()])
        raise ValueError(f"unknown format {fmt!r}; known: {', '.join(EXPORT_FORMATS)}")


# Column headers for people; `import_evidence` matches them back to their fields.
HEADERS = {"id": "ID", "sha256": "SHA-256"}
# What `grcgraph evidence list` prints on a terminal (every field is in the file formats).
SCREEN_HEADERS = ("ID", "Title", "Kind", "Owner", "Valid until", "Requirements", "Asserted by")
WIDTHS = {"id": 18, "title": 36, "description": 36, "location": 30, "sha256": 20, "requirements": 30, "asserted_at": 24}


def _json_item(item: Evidence, links: Sequence[EvidenceLink], typed: Callable[[str], str]) -> dict[str, object]:
    return {
        "id": item.id,
        "title": item.title,
        "kind": item.kind,
        "description": item.description,
        "owner": item.owner,
        "location": item.location,
        "sha256": item.sha256,
        "collected_on": _day(item.collected_on),
        "valid_until": _day(item.valid_until),
        "links": [
            {
                "requirement": typed(link.requirement),
                "extent": link.extent,
                "asserted_by": link.asserted_by,
                "asserted_at": link.asserted_at,
                "system": link.system,
            }
            for link in links
        ],
    }


def _day(day: dt.date | None) -> str | None:
    return day.isoformat() if day else None


def _in_file(problem: Problem, sourced: Sequence[Sourced], default: Path) -> Problem:
    """A problem of the batch (`evidence[i].field`, `evidence[i].links[j].field`) at the file,
    line (or sheet row) and column that item i, or its link j, came from."""
    path = problem.path
    if problem.file is not None:
        return problem  # found reading the file: already at its place
    if len(path) >= 2 and path[0] == "evidence" and isinstance(path[1], int):
        entry = sourced[path[1]]
        if len(path) >= 5 and path[2] == "links" and isinstance(path[3], int):
            origin = entry.link_origins[path[3]] if path[3] < len(entry.link_origins) else entry.origin
            return origin.problem(problem.message, write_field(str(path[4])), path[3])
        return entry.origin.problem(problem.message, write_field(str(path[2])) if len(path) > 2 else "")
    return Problem(problem.message, path, str(default), 0)


def _in_order(problems: list[Problem], paths: Sequence[Path]) -> list[Problem]:
    files = {str(p): n for n, p in enumerate(paths)}
    return sorted(problems, key=lambda p: (files.get(p.file or "", len(files)), *problem_order(p)))
