"""The plain records that cross layers: what the reference graph holds (framework versions,
requirements, mappings, dates of application), what users write (evidence, links, AI systems,
Statement of Applicability entries, API tokens), what the engine answers (coverage with its
paths, applicable provisions), and where an input is wrong (`Problem`, with a structured path).

Nothing here reads or writes a store: every layer can import this module, and the engine never
imports the write side for a dataclass.
"""

from __future__ import annotations

from grcgraph.model.engine import STATUSES, ApplicableProvision, CoveragePath, CoverageRow, Covered, GapRow, Hop, Level, SoARow, StatusCount
from grcgraph.model.history import Finding, HistoryEntry, RecordChange, VerifyReport
from grcgraph.model.problems import FieldPath, Problem, Segment
from grcgraph.model.reference import ApplicationDate, FrameworkVersion, Mapping, Requirement, RequirementRef, Rule, SetSummary
from grcgraph.model.workspace import (
    AISystem,
    AISystemInput,
    Evidence,
    EvidenceInput,
    EvidenceLink,
    EvidenceLinkInput,
    Role,
    SoAEntry,
    TokenRecord,
)

__all__ = [
    "STATUSES",
    "AISystem",
    "AISystemInput",
    "ApplicableProvision",
    "ApplicationDate",
    "CoveragePath",
    "CoverageRow",
    "Covered",
    "Evidence",
    "EvidenceInput",
    "EvidenceLink",
    "EvidenceLinkInput",
    "FieldPath",
    "Finding",
    "FrameworkVersion",
    "GapRow",
    "HistoryEntry",
    "Hop",
    "Level",
    "Mapping",
    "Problem",
    "RecordChange",
    "Requirement",
    "RequirementRef",
    "Role",
    "Rule",
    "Segment",
    "SetSummary",
    "SoAEntry",
    "SoARow",
    "StatusCount",
    "TokenRecord",
    "VerifyReport",
]
