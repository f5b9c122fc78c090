"""What the reference graph holds: framework versions, requirements, mappings, dates of application."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field


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
