"""The Python API: one object over a store and a workspace, answering in pandas DataFrames.

>>> from grcgraph.api import GRCGraph
>>> g = GRCGraph.open()                     # in-memory store with the bundled frameworks and crosswalks
>>> g.requirement("Art. 12(1)").ref.curie
'euaiact:art-12-1'
>>> g.close()
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Collection, Sequence
from functools import cached_property
from pathlib import Path
from types import TracebackType

import networkx as nx
import pandas as pd

from grcgraph.coverage.link_index import LinkIndex
from grcgraph.coverage.network import requirement_graph
from grcgraph.coverage.rules import Covered, Level, propagate, roll_up
from grcgraph.coverage.rules import Path as CoveragePath
from grcgraph.coverage.scope import Scope
from grcgraph.loaders.evidence import import_files
from grcgraph.reference.applicability import Applicability
from grcgraph.reference.build import load_reference
from grcgraph.reference.catalog import Catalog, Requirement
from grcgraph.reference.mappings import Mappings
from grcgraph.store.base import GraphStore
from grcgraph.workspace import AISystemInput, EvidenceInput, EvidenceLink, EvidenceLinkInput, NotFoundError, Workspace

STATUSES = ("covered", "partial", "related", "stale", "uncovered", "not applicable")


class GRCGraph:
    """Frameworks, crosswalks and one workspace's evidence, with coverage and gaps."""

    def __init__(self, store: GraphStore, workspace: str = "default") -> None:
        self.store = store
        self.catalog = Catalog(store)
        self.mapping_index = Mappings(store, self.catalog)
        self.dates = Applicability(store)
        self.scope = Scope(store, self.catalog, self.dates)
        self.workspace = Workspace(store, workspace, self.catalog)

    def with_workspace(self, workspace: str) -> GRCGraph:
        """The same store and reference graph (indexes shared, not rebuilt) seen from another workspace."""
        other = object.__new__(GRCGraph)
        other.store, other.catalog, other.mapping_index = self.store, self.catalog, self.mapping_index
        other.dates, other.scope = self.dates, self.scope
        other.workspace = Workspace(self.store, workspace, self.catalog)
        other.__dict__["network"] = self.network
        return other

    @classmethod
    def open(cls, path: str | Path | None = None, *, workspace: str = "default") -> GRCGraph:
        """Open the store at `path` (None: in memory), loading the bundled reference graph if needed."""
        store = GraphStore.open(Path(path) if path is not None else None)
        load_reference(store)
        return cls(store, workspace)

    def close(self) -> None:
        self.store.close()

    def __enter__(self) -> GRCGraph:
        return self

    def __exit__(self, *exc: type[BaseException] | BaseException | TracebackType | None) -> None:
        self.close()

    # --- reference --------------------------------------------------------------------------
    def requirement(self, requirement_id: str) -> Requirement:
        return self.catalog.requirement(requirement_id)

    def frameworks(self) -> pd.DataFrame:
        rows = [
            {"prefix": v.prefix, "framework": v.framework, "version": v.version, "title": v.title, "requirements": v.total, **v.counts}
            for v in self.catalog.frameworks()
        ]
        return pd.DataFrame(rows).fillna(0)

    def mappings(self, source: str, target: str) -> pd.DataFrame:
        """Every mapping between two frameworks, read from `source` to `target`."""
        return pd.DataFrame([m.as_row() for m in self.mapping_index.between(source, target)])

    def crosswalk(self, requirement_id: str) -> pd.DataFrame:
        ref = self.catalog.resolve(requirement_id)
        return pd.DataFrame([m.as_row() for m in self.mapping_index.for_requirement(ref.iri)])

    @cached_property
    def link_index(self) -> LinkIndex:
        """The workspace's links held in memory for whole-workspace coverage, kept current by its revision stamp."""
        return LinkIndex(self.workspace)

    @cached_property
    def network(self) -> nx.MultiDiGraph:
        return requirement_graph(self.catalog, self.mapping_index)

    def to_networkx(self) -> nx.MultiDiGraph:
        """The requirement-and-mapping graph; attributes are documented in grcgraph.network."""
        return self.network.copy()

    # --- workspace --------------------------------------------------------------------------
    def add_evidence(
        self,
        evidence_id: str,
        title: str,
        kind: str,
        *,
        requirements: Sequence[str] = (),
        extent: str = "full",
        asserted_by: str = "",
        system: str | None = None,
        **fields: object,
    ) -> str:
        links = [EvidenceLinkInput(requirement=r, extent=extent, asserted_by=asserted_by, system=system) for r in requirements]
        item = EvidenceInput(id=evidence_id, title=title, kind=kind, links=links, **fields)  # type: ignore[arg-type]
        self.workspace.put_evidence([item], path="evidence")
        return evidence_id

    def import_evidence(self, path: str | Path, *more: str | Path) -> int:
        """Store every item of one or more CSV or JSON evidence files as one batch, or none if any
        item is faulty."""
        return import_files(self.workspace, [Path(p) for p in (path, *more)])

    def evidence(self) -> pd.DataFrame:
        rows = []
        links = self.workspace.links()
        for evidence_id in self.workspace.evidence_ids():
            item = self.workspace.evidence(evidence_id)
            linked = [self.catalog.ref(link.requirement).curie for link in links if link.evidence == evidence_id]
            rows.append(
                {
                    "id": item.id,
                    "title": item.title,
                    "kind": item.kind,
                    "owner": item.owner,
                    "collected_on": item.collected_on,
                    "valid_until": item.valid_until,
                    "requirements": "|".join(linked),
                }
            )
        return pd.DataFrame(rows, columns=["id", "title", "kind", "owner", "collected_on", "valid_until", "requirements"])

    def add_system(self, system_id: str, name: str, roles: Sequence[str], category: str, **fields: object) -> str:
        return self.workspace.put_system(AISystemInput(id=system_id, name=name, roles=list(roles), category=category, **fields))  # type: ignore[arg-type]

    def systems(self) -> pd.DataFrame:
        return pd.DataFrame([s.__dict__ for s in self.workspace.systems()])

    def set_applicability(self, control: str, included: bool, reason: str) -> None:
        self.workspace.set_applicability(control, included, reason)

    # --- engine -----------------------------------------------------------------------------
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

    def covered(
        self, evidence_ids: Sequence[str] | None = None, *, on: dt.date | None = None, chain_length: int = 1, system: str | None = None
    ) -> dict[str, Covered]:
        """Every requirement reached by the evidence (None: all the workspace's), with every path; keyed by requirement IRI."""
        return self._propagate(evidence_ids, on or dt.date.today(), chain_length, system)

    def _links_of(self, evidence_id: str) -> list[EvidenceLink]:
        if not self.workspace.has_evidence(evidence_id):
            raise NotFoundError(f"no evidence {evidence_id!r} in workspace {self.workspace.name!r}")
        return list(self.workspace.links(evidence_id))

    def coverage(
        self, evidence: str | Sequence[str], *, on: dt.date | None = None, chain_length: int = 1, frameworks: Sequence[str] | None = None
    ) -> pd.DataFrame:
        """What the evidence covers in every framework, how fully, and through how many mappings."""
        ids = [evidence] if isinstance(evidence, str) else list(evidence)
        covered = self._propagate(ids, on or dt.date.today(), chain_length)
        wanted = {self.mapping_index.framework(f) for f in frameworks} if frameworks else None
        rows = []
        for iri, entry in covered.items():
            ref = self.catalog.ref(iri)
            prefix = ref.curie.split(":", 1)[0]
            if wanted and prefix not in wanted:
                continue
            counted = [p for p in entry.paths if not p.stale]
            rows.append(
                {
                    "framework": prefix,
                    "requirement": ref.curie,
                    "title": ref.title,
                    "kind": ref.kind,
                    "coverage": entry.status,
                    "direct": any(not p.hops for p in counted),
                    "inferred": entry.inferred,
                    "evidence": "|".join(sorted({p.evidence for p in entry.paths})),
                    "paths": len(entry.paths),
                    "_order": self.catalog.order(iri),
                }
            )
        frame = pd.DataFrame(
            rows, columns=["framework", "requirement", "title", "kind", "coverage", "direct", "inferred", "evidence", "paths", "_order"]
        )
        return frame.sort_values("_order").drop(columns="_order").reset_index(drop=True)

    def explain(self, evidence: str, requirement: str, *, on: dt.date | None = None, chain_length: int = 1) -> list[CoveragePath]:
        """Every path from the evidence to the requirement: the link, then each mapping followed."""
        ref = self.catalog.resolve(requirement)
        covered = self._propagate([evidence], on or dt.date.today(), chain_length)
        entry = covered.get(ref.iri)
        return list(entry.paths) if entry else []

    def applicable(self, system: str, *, on: dt.date | None = None) -> pd.DataFrame:
        """The EU AI Act provisions that bind the organisation for an AI system, and from when."""
        item = self.workspace.system(system)
        rows = [p.__dict__ for p in self.scope.eu_provisions(item, on or dt.date.today())]
        columns = ["curie", "title", "basis", "roles", "conditional", "note", "applies_from", "in_force", "date_source"]
        return pd.DataFrame(rows, columns=["provision", *columns]).drop(columns=["provision"])

    def gaps(self, framework: str, *, system: str | None = None, on: dt.date | None = None, chain_length: int = 1) -> pd.DataFrame:
        """Every requirement of a framework as covered, partial, related, stale, uncovered or not
        applicable, rolled up the hierarchy, with the evidence behind each."""
        day = on or dt.date.today()
        prefix = self.mapping_index.framework(framework)
        item = self.workspace.system(system) if system else None
        applicable, reasons = self.scope.applicable(prefix, self.workspace, item, day)
        members = {row[0] for row in self.catalog._index if row[1] == prefix}
        covered = self._propagate(None, day, chain_length, system, targets=members)
        status = roll_up(self.network, covered, applicable)
        has_children = set(self.catalog.parents().values())
        rows = []
        for iri, pfx, _local, _notation, title, kind, _scheme in self.catalog._index:
            if pfx != prefix:
                continue
            entry = covered.get(iri)
            ref = self.catalog.ref(iri)
            parents = self.catalog.ancestors(iri)
            rows.append(
                {
                    "requirement": ref.curie,
                    "notation": ref.notation,
                    "title": title,
                    "kind": kind,
                    "parent": self.catalog.ref(parents[0]).curie if parents else "",
                    "status": status.get(iri, "not applicable") if iri in applicable else "not applicable",
                    "reason": reasons.get(iri, ""),
                    "evidence": "|".join(sorted({p.evidence for p in entry.paths if not p.stale})) if entry else "",
                    "stale_evidence": "|".join(sorted({p.evidence for p in entry.paths if p.stale})) if entry else "",
                    "inferred": bool(entry and entry.inferred and entry.level > Level.NONE),
                    "leaf": iri not in has_children,
                    "_order": self.catalog.order(iri),
                }
            )
        frame = pd.DataFrame(rows)
        return frame.sort_values("_order").drop(columns="_order").reset_index(drop=True)

    @staticmethod
    def summary(gaps: pd.DataFrame) -> pd.DataFrame:
        """Counts and percentages of each status over the assessable requirements, those without
        sub-requirements (controls, lowest clauses, paragraphs, subcategories); parents are rolled
        up from them and would count them twice."""
        leaves = gaps[gaps["leaf"]]
        counts = leaves["status"].value_counts()
        applicable = int(len(leaves) - counts.get("not applicable", 0))
        rows = [
            {
                "status": s,
                "count": int(counts.get(s, 0)),
                "percent of applicable": round(100 * counts.get(s, 0) / applicable, 1) if applicable and s != "not applicable" else None,
            }
            for s in STATUSES
        ]
        return pd.DataFrame(rows)

    def soa(self, *, on: dt.date | None = None) -> pd.DataFrame:
        """The Statement of Applicability for ISO/IEC 42001 and 27001 Annex A, with the evidence behind each control."""
        entries = {e.control: e for e in self.workspace.soa()}
        covered = self._propagate(None, on or dt.date.today(), 1)
        rows = []
        for iri, prefix, _local, _notation, title, kind, _scheme in self.catalog._index:
            if prefix not in ("iso42001", "iso27001") or kind != "Control":
                continue
            entry = entries.get(iri)
            found = covered.get(iri)
            rows.append(
                {
                    "framework": prefix,
                    "control": self.catalog.ref(iri).curie,
                    "title": title,
                    "included": entry.included if entry else None,
                    "justification": entry.reason if entry else "",
                    "status": found.status if found else "uncovered",
                    "evidence": "|".join(sorted({p.evidence for p in found.paths if not p.stale})) if found else "",
                    "_order": self.catalog.order(iri),
                }
            )
        return pd.DataFrame(rows).sort_values("_order").drop(columns="_order").reset_index(drop=True)
