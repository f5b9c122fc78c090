"""The facade's engine questions: what evidence covers, in every framework, how fully and why; gap
reports; what applies to an AI system and from when; the Statement of Applicability."""

from __future__ import annotations

import datetime as dt
from collections.abc import Collection, Iterable, Mapping, Sequence
from typing import TYPE_CHECKING

from grcgraph.api.parts import frame
from grcgraph.api.workspace import WorkspaceAPI
from grcgraph.coverage.report import coverage_rows, gap_rows, soa_rows, status_counts
from grcgraph.coverage.rules import propagate
from grcgraph.errors import NotFoundError
from grcgraph.model import ApplicableProvision, CoveragePath, CoverageRow, Covered, EvidenceLink, GapRow, SoARow, StatusCount

if TYPE_CHECKING:
    import pandas as pd

COVERAGE_COLUMNS = ["framework", "requirement", "title", "kind", "coverage", "direct", "inferred", "evidence", "paths"]
APPLICABLE_COLUMNS = ["curie", "title", "basis", "roles", "conditional", "note", "applies_from", "in_force", "date_source"]


class CoverageAPI(WorkspaceAPI):
    def _propagate(
        self,
        evidence_ids: Sequence[str] | None,
        on: dt.date,
        chain_length: int,
        system: str | None = None,
        targets: Collection[str] | None = None,
    ) -> dict[str, Covered]:
        """Coverage from the given evidence (read per item), or from the whole workspace (through the
        link index, limited to `targets` when given)."""
        if evidence_ids is None:
            return self.link_index.covered(self.network, on=on, chain_length=chain_length, system=system, targets=targets)
        links = [link for e in evidence_ids for link in self._links_of(e)]
        if system is not None:
            links = [link for link in links if link.system in (None, system)]
        return propagate(self.network, links, self.workspace.expiry({link.evidence for link in links}), on=on, chain_length=chain_length)

    def _links_of(self, evidence_id: str) -> list[EvidenceLink]:
        if not self.workspace.has_evidence(evidence_id):
            raise NotFoundError(f"no evidence {evidence_id!r} in workspace {self.workspace.name!r}")
        return list(self.workspace.links(evidence_id))

    def warm(self) -> None:
        """Build the workspace's link index and evidence register now (seconds at 100,000 items each),
        not at the first gap report or register page."""
        self.link_index.snapshot()
        self.register.snapshot()

    # --- coverage ------------------------------------------------------------------------------
    def covered(
        self, evidence_ids: Sequence[str] | None = None, *, on: dt.date | None = None, chain_length: int = 1, system: str | None = None
    ) -> dict[str, Covered]:
        """Every requirement reached by the evidence (None: all the workspace's), with every path; keyed by requirement IRI."""
        return self._propagate(evidence_ids, on or dt.date.today(), chain_length, system)

    def covered_by_links(
        self, links: Iterable[EvidenceLink], valid_until: Mapping[str, dt.date], *, on: dt.date, chain_length: int = 1
    ) -> dict[str, Covered]:
        """Coverage from links already read (with their evidence's valid-until dates), in memory."""
        return propagate(self.network, links, valid_until, on=on, chain_length=chain_length)

    def coverage_rows(self, covered: Mapping[str, Covered], frameworks: Collection[str] | None = None) -> list[CoverageRow]:
        """One row per requirement reached, in document order, of the framework prefixes given (or all)."""
        return coverage_rows(self.catalog, covered, frameworks)

    def coverage(
        self, evidence: str | Sequence[str], *, on: dt.date | None = None, chain_length: int = 1, frameworks: Sequence[str] | None = None
    ) -> pd.DataFrame:
        """What the evidence covers in every framework, how fully, and through how many mappings."""
        ids = [evidence] if isinstance(evidence, str) else list(evidence)
        wanted = {self.mapping_index.framework(f) for f in frameworks} if frameworks else None
        rows = [
            {
                "framework": row.requirement.framework,
                "requirement": row.requirement.curie,
                "title": row.requirement.title,
                "kind": row.requirement.kind,
                "coverage": row.covered.status,
                "direct": row.covered.direct,
                "inferred": row.covered.inferred,
                "evidence": "|".join(row.covered.evidence()),
                "paths": len(row.covered.paths),
            }
            for row in self.coverage_rows(self._propagate(ids, on or dt.date.today(), chain_length), wanted)
        ]
        return frame(rows, columns=COVERAGE_COLUMNS)

    def explain(self, evidence: str, requirement: str, *, on: dt.date | None = None, chain_length: int = 1) -> list[CoveragePath]:
        """Every path from the evidence to the requirement: the link, then each mapping followed."""
        ref = self.catalog.resolve(requirement)
        covered = self._propagate([evidence], on or dt.date.today(), chain_length)
        entry = covered.get(ref.iri)
        return list(entry.paths) if entry else []

    # --- what applies ---------------------------------------------------------------------------
    def provisions(self, system: str, *, on: dt.date | None = None) -> list[ApplicableProvision]:
        """The EU AI Act provisions that bind the organisation for an AI system, and from when."""
        return self.scope.eu_provisions(self.system(system), on or dt.date.today())

    def applicable(self, system: str, *, on: dt.date | None = None) -> pd.DataFrame:
        """The EU AI Act provisions that bind the organisation for an AI system, and from when."""
        rows = [p.__dict__ for p in self.provisions(system, on=on)]
        return frame(rows, columns=["provision", *APPLICABLE_COLUMNS]).drop(columns=["provision"])

    # --- gap reports ----------------------------------------------------------------------------
    def gap_rows(self, framework: str, *, system: str | None = None, on: dt.date | None = None, chain_length: int = 1) -> list[GapRow]:
        """Every requirement of a framework as covered, partial, related, stale, uncovered or not
        applicable, rolled up the hierarchy, with the evidence behind each, in document order."""
        day = on or dt.date.today()
        prefix = self.mapping_index.framework(framework)
        item = self.system(system) if system else None
        applicable, reasons = self.scope.applicable(prefix, self.workspace, item, day)
        members = {ref.iri for ref in self.catalog.refs(prefix)}
        covered = self._propagate(None, day, chain_length, system, targets=members)
        return gap_rows(self.catalog, self.network, prefix, covered=covered, applicable=applicable, reasons=reasons)

    @staticmethod
    def status_counts(rows: Iterable[GapRow]) -> list[StatusCount]:
        """Counts and percentages of each status over the assessable (leaf) requirements."""
        return status_counts((row.status, row.leaf) for row in rows)

    def gaps(self, framework: str, *, system: str | None = None, on: dt.date | None = None, chain_length: int = 1) -> pd.DataFrame:
        """Every requirement of a framework as covered, partial, related, stale, uncovered or not
        applicable, rolled up the hierarchy, with the evidence behind each."""
        rows = [
            {
                "requirement": row.requirement.curie,
                "notation": row.requirement.notation,
                "title": row.requirement.title,
                "kind": row.requirement.kind,
                "parent": row.parent.curie if row.parent else "",
                "status": row.status,
                "reason": row.reason,
                "evidence": "|".join(row.evidence),
                "stale_evidence": "|".join(row.stale_evidence),
                "inferred": row.inferred,
                "leaf": row.leaf,
            }
            for row in self.gap_rows(framework, system=system, on=on, chain_length=chain_length)
        ]
        return frame(rows)

    @staticmethod
    def summary(gaps: pd.DataFrame) -> pd.DataFrame:
        """Counts and percentages of each status over the assessable requirements, those without
        sub-requirements (controls, lowest clauses, paragraphs, subcategories); parents are rolled
        up from them and would count them twice."""
        counts = status_counts(zip(gaps["status"], gaps["leaf"], strict=True))
        return frame([{"status": c.status, "count": c.count, "percent of applicable": c.percent_of_applicable} for c in counts])

    # --- the Statement of Applicability ------------------------------------------------------------
    def soa_rows(self, *, on: dt.date | None = None) -> list[SoARow]:
        """ISO/IEC 42001 Annex A controls, then ISO/IEC 27001's: included or excluded, why, and the
        evidence behind each (an excluded control is `not applicable`)."""
        return soa_rows(self.catalog, self.workspace.soa(), self._propagate(None, on or dt.date.today(), 1))

    def soa(self, *, on: dt.date | None = None) -> pd.DataFrame:
        """The Statement of Applicability for ISO/IEC 42001 and 27001 Annex A, with the evidence behind each control."""
        rows = [
            {
                "framework": row.framework,
                "control": row.control.curie,
                "title": row.control.title,
                "included": row.included,
                "justification": row.justification,
                "status": row.status,
                "evidence": "|".join(row.evidence),
            }
            for row in self.soa_rows(on=on)
        ]
        return frame(rows)
