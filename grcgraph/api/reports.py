"""The facade's reports for people: gap reports per framework, the Statement of Applicability,
what applies to an AI system, coverage and the AI inventory, as report tables (printed and written
as CSV by the command line) and as formatted workbooks and a printable document (written by the
command line and downloaded from the workbench alike: one implementation)."""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Sequence

import grcgraph
from grcgraph.api.coverage import CoverageAPI
from grcgraph.reports import content, words
from grcgraph.reports.cover import Cover
from grcgraph.reports.tables import ReportTable
from grcgraph.vocab import iris

SOA_FRAMEWORKS = ("iso42001", "iso27001")


# openpyxl (numpy beneath it) and python-docx are imported by the first workbook or document made,
# not by every process that opens a graph: a fifth of a second of each server start and command.
def _workbook(cover: Cover, tables: Sequence[ReportTable]) -> bytes:
    from grcgraph.reports.workbooks import workbook  # noqa: PLC0415 (see above)

    return workbook(cover, tables)


def _soa_document(cover: Cover, table: ReportTable) -> bytes:
    from grcgraph.reports.documents import soa_document  # noqa: PLC0415 (see above)

    return soa_document(cover, table)


class ReportsAPI(CoverageAPI):
    # --- what a report is for ---------------------------------------------------------------------
    def report_cover(self, title: str, frameworks: Sequence[str], *, system: str | None = None, on: dt.date | None = None) -> Cover:
        """The cover of a report: workspace, AI systems, frameworks, date, versions of grcgraph and of the reference data."""
        versions = self.catalog.frameworks()
        digest = self.store.digest(iris.REFERENCE_GRAPH) or "not stamped"
        instant = getattr(self, "as_of_instant", None)  # set on a view of a past state (GRCGraph.as_of)
        cover = Cover(
            title=title,
            workspace=self.workspace.name,
            systems=self._systems_in_words(system),
            frameworks=[words.framework_name(prefix, versions) for prefix in frameworks],
            on=on or dt.date.today(),
            generated=dt.datetime.now(dt.UTC).replace(microsecond=0),
            version=grcgraph.__version__,
            reference="; ".join(f"{v.framework} {v.version}" for v in versions) + f" (sources digest {digest[:16]})",
        )
        if isinstance(instant, dt.datetime):
            cover = dataclasses.replace(cover, as_of=f"{instant.isoformat()}: the workspace as its history log says it was then")
        return cover

    def _systems_in_words(self, system: str | None) -> str:
        if system is not None:
            item = self.system(system)
            roles = ", ".join(words.role(r) for r in item.roles)
            return f"{item.id}: {item.name} (you are its {roles}; {words.category(item.category)})"
        systems = self.workspace.systems()
        if not systems:
            return "none registered (EU AI Act: every provision of the obligations table)"
        return f"every AI system of the workspace ({len(systems)}): " + ", ".join(s.id for s in systems)

    def _frameworks(self, frameworks: str | Sequence[str]) -> list[str]:
        """Framework prefixes, in the order given, each once; ValueError naming one that is unknown."""
        given = [frameworks] if isinstance(frameworks, str) else list(frameworks)
        return list(dict.fromkeys(self.mapping_index.framework(name) for name in given))

    # --- gap reports ------------------------------------------------------------------------------
    def gap_tables(
        self, frameworks: str | Sequence[str], *, system: str | None = None, on: dt.date | None = None, chain_length: int = 1
    ) -> list[ReportTable]:
        """One table per framework (every requirement with its status), then the Summary of all of them."""
        day = on or dt.date.today()
        tables, counts = [], []
        for prefix in self._frameworks(frameworks):
            rows = self.gap_rows(prefix, system=system, on=day, chain_length=chain_length)
            tables.append(content.gap_table(prefix, rows))
            counts.append((prefix, self.status_counts(rows)))
        return [*tables, content.summary_table(counts)]

    def gaps_workbook(
        self, framework: str | Sequence[str], *, system: str | None = None, on: dt.date | None = None, chain_length: int = 1
    ) -> bytes:
        """The gap report as a formatted XLSX workbook: a cover sheet, a sheet per framework, and the Summary."""
        day = on or dt.date.today()
        prefixes = self._frameworks(framework)
        tables = self.gap_tables(prefixes, system=system, on=day, chain_length=chain_length)
        return _workbook(self.report_cover("Gap report", prefixes, system=system, on=day), tables)

    def gaps_csv(
        self, framework: str | Sequence[str], *, system: str | None = None, on: dt.date | None = None, chain_length: int = 1
    ) -> str:
        """The gap rows of every framework asked, in one CSV (its Framework column says which)."""
        tables = self.gap_tables(framework, system=system, on=on, chain_length=chain_length)[:-1]
        merged = ReportTable(tables[0].name, tables[0].title, tables[0].columns, [row for table in tables for row in table.rows])
        return merged.csv()

    # --- the Statement of Applicability ---------------------------------------------------------------
    def soa_table(self, *, on: dt.date | None = None) -> ReportTable:
        """Every Annex A control (ISO/IEC 42001, then 27001): included yes or no, justification,
        whether a decision is recorded, implementation status and the evidence behind it."""
        return content.soa_table(self.soa_rows(on=on))

    def soa_workbook(self, *, on: dt.date | None = None) -> bytes:
        """The Statement of Applicability as a formatted XLSX workbook: a cover sheet, then the controls."""
        day = on or dt.date.today()
        return _workbook(self._soa_cover(day), [self.soa_table(on=day)])

    def soa_csv(self, *, on: dt.date | None = None) -> str:
        return self.soa_table(on=on).csv()

    def soa_document(self, *, on: dt.date | None = None) -> bytes:
        """The Statement of Applicability as a printable DOCX document (A4 landscape)."""
        day = on or dt.date.today()
        return _soa_document(self._soa_cover(day), self.soa_table(on=day))

    def _soa_cover(self, day: dt.date) -> Cover:
        cover = self.report_cover("Statement of Applicability", SOA_FRAMEWORKS, on=day)
        return Cover(
            **{
                **cover.__dict__,
                "systems": "the organisation's AI management system (the SoA covers every AI system in its scope)",
                "statuses": words.IMPLEMENTATION_MEANINGS,
            }
        )

    # --- other reports ------------------------------------------------------------------------------
    def applicable_table(self, system: str, *, on: dt.date | None = None) -> ReportTable:
        """The EU AI Act provisions that bind the organisation for an AI system, and from when."""
        provisions = self.provisions(system, on=on)
        return content.applicable_table([self.catalog.ref(p.provision).notation for p in provisions], provisions)

    def coverage_table(
        self, evidence: str | Sequence[str], *, on: dt.date | None = None, chain_length: int = 1, frameworks: Sequence[str] | None = None
    ) -> ReportTable:
        """What the evidence covers in every framework (or those given), how fully, and through how many paths."""
        ids = [evidence] if isinstance(evidence, str) else list(evidence)
        wanted = set(self._frameworks(frameworks)) if frameworks else None
        return content.coverage_table(self.coverage_rows(self._propagate(ids, on or dt.date.today(), chain_length), wanted))

    def systems_table(self) -> ReportTable:
        return content.systems_table(self.workspace.systems())

    def report_workbook(
        self,
        title: str,
        tables: Sequence[ReportTable],
        *,
        frameworks: Sequence[str] = (),
        system: str | None = None,
        on: dt.date | None = None,
    ) -> bytes:
        """Any report tables as a formatted workbook with its cover sheet."""
        return _workbook(self.report_cover(title, frameworks, system=system, on=on), tables)
