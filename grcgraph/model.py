"""The plain records that cross layers: what the reference graph holds (framework versions,
requirements, mappings, dates of application), what users write (evidence, links, AI systems,
Statement of Applicability entries, API tokens), what the engine answers (coverage with its
paths, applicable provisions), and where an input is wrong (`Problem`, with a structured path).

Nothing here reads or writes a store: every layer can import this module, and the engine never
imports the write side for a dataclass.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from enum import IntEnum

# --- where an input is wrong ----------------------------------------------------------------------
Segment = str | int  # a field name, or a position in a list


class FieldPath(tuple[Segment, ...]):
    """Where a value sits in a structured input, as segments (`("items", 3, "links", 0, "requirement")`),
    written as callers spell it: `items[3].links[0].requirement`."""

    __slots__ = ()

    def __new__(cls, *segments: Segment) -> FieldPath:
        return super().__new__(cls, segments)

    def __truediv__(self, segment: Segment) -> FieldPath:
        return FieldPath(*self, segment)

    def __str__(self) -> str:
        out = ""
        for segment in self:
            out += f"[{segment}]" if isinstance(segment, int) else (f".{segment}" if out else segment)
        return out

    def __repr__(self) -> str:
        return f"FieldPath({str(self)!r})"


@dataclass(frozen=True)
class Problem:
    """One fault in an input and the rule it breaks: at a field path (a GraphQL input, a Python
    call) or at a file's line and column."""

    message: str
    path: FieldPath = field(default_factory=FieldPath)
    file: str | None = None
    line: int | None = None

    @classmethod
    def in_file(cls, file: str, line: int, column: str, message: str) -> Problem:
        """A fault in a data file: line 0 or less names the file as a whole; `column` may be empty."""
        return cls(message, FieldPath(column) if column else FieldPath(), file, line)

    @property
    def field(self) -> str:
        return str(self.path)

    def __str__(self) -> str:
        if self.file is None:
            return f"{self.path}: {self.message}" if self.path else self.message
        where = f"{self.file}:{self.line}" if self.line else self.file
        return f"{where}: {self.path}: {self.message}" if self.path else f"{where}: {self.message}"


# --- the reference graph --------------------------------------------------------------------------
@dataclass(frozen=True)
class FrameworkVersion:
    iri: str
    scheme: str
    prefix: str
    framework: str
    title: str
    version: str
    rights: str
    counts: dict[str, int]

    @property
    def total(self) -> int:
        return sum(self.counts.values())


@dataclass(frozen=True)
class RequirementRef:
    """A requirement as lists show it: IRI, CURIE (`iso42001:A.6.2.8`), notation as written, title, kind."""

    iri: str
    curie: str
    notation: str
    title: str
    kind: str

    @property
    def framework(self) -> str:
        """The framework prefix of the CURIE (`iso42001`)."""
        return self.curie.split(":", 1)[0]


@dataclass(frozen=True)
class Requirement:
    ref: RequirementRef
    scheme: str
    framework: str
    text: str | None
    url: str | None
    source: str
    source_file: str | None
    rights: str
    ancestors: list[RequirementRef]
    children: list[RequirementRef]
    refines: list[RequirementRef] = field(default_factory=list)
    risks: list[str] = field(default_factory=list)
    change_notes: list[str] = field(default_factory=list)


@dataclass(frozen=True)
class Mapping:
    """One mapping as read from `subject`'s side. `inverted` marks a row read from its object's end,
    with the predicate replaced by its inverse."""

    iri: str
    mapping_set: str
    set_title: str
    subject: RequirementRef
    predicate: str
    object: RequirementRef | None
    rationale: str | None
    justification: str
    confidence: str | None
    creators: tuple[str, ...]
    comment: str | None
    row: int
    extra: dict[str, str] = field(default_factory=dict)
    inverted: bool = False

    @property
    def predicate_curie(self) -> str:
        return f"grc:{self.predicate}"

    def as_row(self) -> dict[str, str]:
        return {
            "mapping_set": self.mapping_set,
            "subject_id": self.subject.curie,
            "subject_title": self.subject.title,
            "predicate": self.predicate_curie,
            "object_id": self.object.curie if self.object else "sssom:NoTermFound",
            "object_title": self.object.title if self.object else "",
            "rationale": self.rationale or "",
            "confidence": self.confidence or "",
            "justification": self.justification,
            "author": self.extra.get("author_label", ""),
            "direction": "inverse" if self.inverted else "as stated",
            "comment": self.comment or "",
            "source": self.set_title,
        }


@dataclass(frozen=True)
class SetSummary:
    set_id: str
    title: str
    file: str
    subject_frameworks: tuple[str, ...]
    object_frameworks: tuple[str, ...]
    rows: int
    predicates: dict[str, int]


@dataclass
class Rule:
    """A rule of the EU AI Act's dates of application: provisions, from when, for which category."""

    iri: str
    rule_id: str
    applies_from: dt.date
    source: str
    category: str | None = None
    part: str | None = None
    note: str | None = None
    provisions: set[str] = field(default_factory=set)
    excepts: set[str] = field(default_factory=set)
    supersedes: set[str] = field(default_factory=set)


@dataclass(frozen=True)
class ApplicationDate:
    """When a provision (or a part of it) applies, for a category or for every category."""

    provision: str
    category: str | None
    part: str | None
    applies_from: dt.date
    rule: Rule
    replaced: tuple[Rule, ...]


# --- what users write -----------------------------------------------------------------------------
@dataclass
class EvidenceLinkInput:
    requirement: str
    extent: str = "full"
    asserted_by: str = ""
    asserted_at: dt.datetime | None = None
    system: str | None = None


@dataclass
class EvidenceInput:
    id: str
    title: str
    kind: str
    description: str | None = None
    owner: str | None = None
    location: str | None = None
    sha256: str | None = None
    collected_on: dt.date | None = None
    valid_until: dt.date | None = None
    links: list[EvidenceLinkInput] = field(default_factory=list)


@dataclass
class AISystemInput:
    id: str
    name: str
    roles: list[str]
    category: str
    generative: bool = False
    owner: str | None = None
    purpose: str | None = None
    data_used: str | None = None
    next_review: dt.date | None = None


@dataclass(frozen=True)
class EvidenceLink:
    evidence: str
    requirement: str
    extent: str
    asserted_by: str
    asserted_at: str
    system: str | None


@dataclass(frozen=True)
class Evidence:
    id: str
    title: str
    kind: str
    description: str | None
    owner: str | None
    location: str | None
    sha256: str | None
    collected_on: dt.date | None
    valid_until: dt.date | None


@dataclass(frozen=True)
class AISystem:
    id: str
    name: str
    roles: tuple[str, ...]
    category: str
    generative: bool
    owner: str | None
    purpose: str | None
    data_used: str | None
    next_review: dt.date | None


@dataclass(frozen=True)
class SoAEntry:
    control: str
    included: bool
    reason: str


class Role(IntEnum):
    """An API token's role, ordered: each role can do what the ones below it can."""

    reader = 1
    editor = 2
    admin = 3


@dataclass(frozen=True)
class TokenRecord:
    id: str
    workspace: str
    role: Role
    created: str
    revoked: bool


# --- what the engine answers ----------------------------------------------------------------------
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
    status: str
    evidence: tuple[str, ...]
