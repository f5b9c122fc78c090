"""What each report says, as report tables built from the engine's records: gaps per framework
and their summary, the Statement of Applicability, the EU AI Act provisions that bind a system,
what evidence covers, and the AI inventory. Requirements are named by their notation (`A.6.2.8`,
`Art. 12(1)`) beside the framework they belong to."""

from __future__ import annotations

from collections.abc import Sequence

from grcgraph.model import AISystem, ApplicableProvision, CoverageRow, GapRow, SoARow, StatusCount
from grcgraph.reports import words
from grcgraph.reports.tables import Column, Kind, ReportTable, joined

FRAMEWORK = Column("Framework", 18)
SHEET_FRAMEWORK = Column("Framework", 18, laid_out=False)  # a sheet of one framework names it in its title
REQUIREMENT = Column("Requirement", 13, Kind.wrap)  # wrapped: "Chapter III, Section 2"
TITLE = Column("Title", 40, Kind.wrap)
KIND = Column("Kind", 11)
EVIDENCE = Column("Evidence", 26, Kind.wrap)


def gap_table(prefix: str, rows: Sequence[GapRow]) -> ReportTable:
    """One framework's requirements in document order, each with its status and the evidence behind it."""
    name = words.framework_name(prefix)
    return ReportTable(
        name=words.sheet_name(prefix),
        title=f"Gaps in {name}",
        columns=[
            SHEET_FRAMEWORK,
            REQUIREMENT,
            TITLE,
            KIND,
            Column("Part of", 11, Kind.wrap),
            Column("Status", 13, Kind.status),
            Column("Reason", 28, Kind.wrap),
            EVIDENCE,
            Column("Stale evidence", 16, Kind.wrap),
            Column("Through mappings only", 10, Kind.yesno),
            Column("Counted in summary", 10, Kind.yesno),
        ],
        rows=[
            (
                name,
                row.requirement.notation,
                row.requirement.title,
                words.kind(row.requirement.kind),
                row.parent.notation if row.parent else "",
                row.status,
                row.reason,
                joined(row.evidence),
                joined(row.stale_evidence),
                row.inferred,
                row.leaf,
            )
            for row in rows
        ],
    )


def summary_table(counts: Sequence[tuple[str, Sequence[StatusCount]]]) -> ReportTable:
    """Counts and shares of each status over the assessable requirements, per framework."""
    return ReportTable(
        name="Summary",
        title="Summary: requirements by status (assessable requirements: those without sub-requirements)",
        columns=[
            FRAMEWORK,
            Column("Status", 16, Kind.status),
            Column("Requirements", 13, Kind.number),
            Column("Share of applicable", 12, Kind.percent),
            Column("Meaning", 60, Kind.wrap),
        ],
        rows=[
            (
                words.framework_name(prefix),
                count.status,
                count.count,
                None if count.percent_of_applicable is None else round(count.percent_of_applicable / 100, 3),
                words.STATUS_MEANINGS.get(count.status, ""),
            )
            for prefix, framework_counts in counts
            for count in framework_counts
        ],
    )


def soa_table(rows: Sequence[SoARow]) -> ReportTable:
    """Every Annex A control, ISO/IEC 42001 first: included or not and why, how far it is
    implemented, and the evidence behind it (ISO/IEC 42001:2023 6.1.3 d))."""
    return ReportTable(
        name="Statement of Applicability",
        title="Statement of Applicability (ISO/IEC 42001:2023 6.1.3 d))",
        columns=[
            FRAMEWORK,
            Column("Control", 10),
            TITLE,
            Column("Included", 9, Kind.yesno),
            Column("Justification", 40, Kind.wrap),
            Column("Decision recorded", 10, Kind.yesno),
            Column("Implementation status", 22, Kind.status),
            EVIDENCE,
        ],
        rows=[
            (
                words.framework_name(row.framework),
                row.control.notation,
                row.control.title,
                row.applies,
                row.justification or ("none recorded yet: included by default" if row.included is None else ""),
                row.included is not None,
                words.IMPLEMENTATION.get(row.status, row.status),
                joined(row.evidence),
            )
            for row in rows
        ],
    )


def applicable_table(notations: Sequence[str], provisions: Sequence[ApplicableProvision]) -> ReportTable:
    """The EU AI Act provisions that bind the organisation for a system (`notations`: each provision's, in order)."""
    return ReportTable(
        name="Applicable provisions",
        title="EU AI Act provisions binding the organisation for the AI system",
        columns=[
            Column("Provision", 12),
            TITLE,
            Column("Basis", 30, Kind.wrap),
            Column("Your roles", 16),
            Column("Conditional", 11, Kind.yesno),
            Column("Condition or note", 40, Kind.wrap),
            Column("Applies from", 12, Kind.date),
            Column("In force", 9, Kind.yesno),
            Column("Date source", 30, Kind.wrap),
        ],
        rows=[
            (
                notation,
                p.title,
                p.basis,
                ", ".join(words.role(r) for r in p.roles),
                p.conditional,
                p.note,
                p.applies_from,
                p.in_force,
                p.date_source,
            )
            for notation, p in zip(notations, provisions, strict=True)
        ],
    )


def coverage_table(rows: Sequence[CoverageRow]) -> ReportTable:
    """What evidence covers, in every framework it reaches, how fully and through how many paths."""
    return ReportTable(
        name="Coverage",
        title="Coverage",
        columns=[
            FRAMEWORK,
            REQUIREMENT,
            TITLE,
            KIND,
            Column("Coverage", 12, Kind.status),
            Column("Linked directly", 10, Kind.yesno),
            Column("Through mappings only", 11, Kind.yesno),
            EVIDENCE,
            Column("Paths", 7, Kind.number),
        ],
        rows=[
            (
                words.framework_name(row.requirement.framework),
                row.requirement.notation,
                row.requirement.title,
                words.kind(row.requirement.kind),
                row.covered.status,
                row.covered.direct,
                row.covered.inferred,
                joined(row.covered.evidence()),
                len(row.covered.paths),
            )
            for row in rows
        ],
    )


def systems_table(systems: Sequence[AISystem]) -> ReportTable:
    """The AI inventory, roles and categories as words."""
    return ReportTable(
        name="AI systems",
        title="AI systems",
        columns=[
            Column("ID", 14),
            Column("Name", 24),
            Column("Your roles", 18),
            Column("Category", 28),
            Column("Generative", 10, Kind.yesno),
            Column("Owner", 16),
            Column("Purpose", 30, Kind.wrap),
            Column("Data used", 24, Kind.wrap),
            Column("Next review", 12, Kind.date),
        ],
        rows=[
            (
                s.id,
                s.name,
                ", ".join(words.role(r) for r in s.roles),
                words.category(s.category),
                s.generative,
                s.owner,
                s.purpose,
                s.data_used,
                s.next_review,
            )
            for s in systems
        ],
    )
