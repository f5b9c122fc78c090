"""What a report is for, on its first sheet or page (grcgraph.reports.workbooks, .documents), and
the workbook's media type: apart from openpyxl and python-docx, which only the code that writes a
workbook or a document imports (a fifth of a second that a server start does not need)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

from grcgraph.reports.words import STATUS_MEANINGS

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


@dataclass(frozen=True)
class Cover:
    """What a report is for, on its first sheet (and first page)."""

    title: str
    workspace: str
    systems: str  # the AI systems the report covers, in words
    frameworks: Sequence[str]
    on: dt.date  # the date the report answers for
    generated: dt.datetime
    version: str  # grcgraph's
    reference: str  # the reference data: framework versions and the digest of their sources
    as_of: str = "the workspace as stored when the report was made"
    notes: Sequence[tuple[str, str]] = field(default_factory=tuple)  # more (label, value) lines
    statuses: Mapping[str, str] = field(default_factory=lambda: STATUS_MEANINGS)  # the legend: each status and its meaning

    def lines(self) -> list[tuple[str, str]]:
        return [
            ("Report", self.title),
            ("Workspace", self.workspace),
            ("AI systems", self.systems),
            ("Frameworks", "\n".join(self.frameworks)),
            ("Answers for", f"{self.on.isoformat()} (dates of application and evidence validity are read on this day)"),
            ("As of", self.as_of),
            ("Generated", self.generated.strftime("%Y-%m-%d %H:%M %Z").strip()),
            ("grcgraph version", self.version),
            ("Reference data", self.reference),
            *self.notes,
        ]
