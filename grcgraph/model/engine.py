"""What the engine answers: coverage with the paths that explain it, report rows, applicable provisions."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from enum import IntEnum

from grcgraph.model.reference import RequirementRef
from grcgraph.model.workspace import EvidenceLink

STATUSES = ("covered", "partial", "related", "stale", "uncovered", "not applicable")


class Level(IntEnum):
    NONE = 0
    RELATED = 1
    PARTIAL = 2
    FULL = 3

    @property
    def label(self) -> str:
        return {3: "full", 2: "partial", 1: "related", 0: "none"}[int(self)]


@dataclass(frozen=True)
class Hop:
    """One mapping followed, as read in the direction it was followed."""

    subject: str
    predicate: str
    object: str
    rationale: str | None
    confidence: float | None
    mapping: str
    mapping_set: str
    source: str
    comment: str | None
    inverted: bool


@dataclass(frozen=True)
class CoveragePath:
    """One explanation of coverage: the evidence's link, then each mapping followed."""

    evidence: str
    link: EvidenceLink
    hops: tuple[Hop, ...]
    level: Level
    stale: bool

    @property
    def inferred(self) -> bool:
        return len(self.hops) > 1


@dataclass
class Covered:
    """How fully one requirement is covered, with the paths that say why."""

    requirement: str
    level: Level = Level.NONE
    stale_level: Level = Level.NONE
    paths: list[CoveragePath] = field(default_factory=list)

    @property
    def status(self) -> str:
        if self.level >= Level.FULL:
            return "covered"
        if self.level == Level.PARTIAL:
            return "partial"
        if self.stale_level > self.level:
            return "stale"
        if self.level == Level.RELATED:
            return "related"
        return "uncovered"

    @property
    def inferred(self) -> bool:
        counted = [p for p in self.paths if not p.stale and p.level == self.level]
        return bool(counted) and all(p.inferred for p in counted)

    @property
    def direct(self) -> bool:
        """Some fresh path is the link itself, no mapping followed."""
        return any(not p.hops for p in self.paths if not p.stale)

    def evidence(self, *, stale: bool | None = None) -> list[str]:
        """The evidence ids of the paths (only fresh ones with stale=False, only stale with True), sorted."""
        return sorted({p.evidence for p in self.paths if stale is None or p.stale == stale})


@dataclass(frozen=True)
class ApplicableProvision:
    """One EU AI Act provision binding the organisation for a system, and from when."""

    provision: str
    curie: str
    title: str
    basis: str
    roles: tuple[str, ...]
    conditional: bool
    note: str
    applies_from: dt.date | None
    in_force: bool
    date_source: str


@dataclass(frozen=True)
class CoverageRow:
    """One requirement reached by evidence: how fully, and every path (the first 20) saying why."""

    requirement: RequirementRef
    covered: Covered


@dataclass(frozen=True)
class GapRow:
    """One requirement of a gap report: its status rolled up the hierarchy, and the evidence behind it."""

    requirement: RequirementRef
    parent: RequirementRef | None
    status: str
    reason: str
    evidence: tuple[str, ...]
    stale_evidence: tuple[str, ...]
    inferred: bool
    leaf: bool  # no sub-requirements: counted in the summary (parents are rolled up from these)


@dataclass(frozen=True)
class StatusCount:
    status: str
    count: int
    percent_of_applicable: float | None


@dataclass(frozen=True)
class SoARow:
    """One Annex A control in the Statement of Applicability: included or not, why, and its evidence."""

    framework: str
    control: RequirementRef
    included: bool | None  # None: no decision recorded
    justification: str
    status: str  # "not applicable" when excluded, else the control's coverage status
    evidence: tuple[str, ...]

    @property
    def applies(self) -> bool:
        """Included, or no decision recorded: an Annex A control stays in the Statement of
        Applicability until a decision, with its justification, excludes it."""
        return self.included is not False
