"""What users write: evidence and its links, AI systems, Statement of Applicability entries, API tokens."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from enum import IntEnum


@dataclass
class EvidenceLinkInput:
    requirement: str
    extent: str = "full"
    asserted_by: str = ""
    asserted_at: dt.datetime | None = None
    system: str | None = None
    framework: str | None = None  # where a bare id (6.1.2, A.5.2) is looked up first; not stored


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


@dataclass(frozen=True, slots=True)  # millions are held by the link index of a large workspace
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
    """An API token's role, ordered: each role can do what the ones below it can. An admin manages the
    tokens of its own workspace; an operator (made only by the CLI) manages every workspace's."""

    reader = 1
    editor = 2
    admin = 3
    operator = 4


@dataclass(frozen=True)
class TokenRecord:
    """A token's record (never its secret or hash). Times are UTC ISO 8601 strings; `created_by` and
    `revoked_by` name who did it: a token id, or "cli" for the command line."""

    id: str
    workspace: str
    role: Role
    created: str
    revoked: bool
    expires: str | None = None
    last_used: str | None = None
    created_by: str | None = None
    revoked_by: str | None = None
    revoked_at: str | None = None

    def expired(self, now: dt.datetime) -> bool:
        return self.expires is not None and dt.datetime.fromisoformat(self.expires) <= now
