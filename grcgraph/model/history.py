"""Records of the history: one version of a record (its values before and after a write), one
log entry (who, when, which operation, what it changed), and what `verify` found."""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True)
class RecordChange:
    """One record's values before and after a write, by property (local name): empty when absent."""

    record: str  # the record's IRI
    kind: str  # evidence, link, system, soa, token, or what a record's IRI names
    id: str
    before: dict[str, list[str]]
    after: dict[str, list[str]]

    @property
    def operation(self) -> str:
        return "created" if not self.before else "deleted" if not self.after else "changed"


@dataclass(frozen=True)
class HistoryEntry:
    """One write, as the log holds it: PROV-O's activity (when, by which agent) with its hash."""

    sequence: int
    time: str  # xsd:dateTime, UTC
    agent: str  # "token:<id>" or "user:<name>"
    operation: str  # the write asked for: put_evidence, set_applicability, ...
    hash: str
    previous: str
    changes: tuple[RecordChange, ...] = ()


@dataclass(frozen=True)
class Finding:
    """Something `verify` found that does not match: at a log entry, a record or a file."""

    where: str  # "entry 12", "record <iri>", "file <path>", "head"
    message: str

    def __str__(self) -> str:
        return f"{self.where}: {self.message}"


@dataclass(frozen=True)
class VerifyReport:
    """What `verify` checked and the first findings (empty when everything matches)."""

    entries: int
    records: int
    head: str  # "<sequence> <hash>"
    artefacts: int = 0
    findings: tuple[Finding, ...] = field(default=())

    @property
    def ok(self) -> bool:
        return not self.findings
