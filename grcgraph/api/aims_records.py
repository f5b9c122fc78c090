"""The facade's AI management system records: risks, impact assessments, objectives and their
measurements, reviews, nonconformities and corrective actions, read and written as records; what
they evidence, counted by coverage, explanations and gap reports beside evidence items; objective
statuses and what is overdue.

Records as evidence come from one snapshot of every record per workspace revision (a few store
reads), so a gap report after a write reads them once.
"""

from __future__ import annotations

import datetime as dt
import threading
from collections.abc import Collection, Mapping, Sequence
from dataclasses import fields
from functools import cached_property
from typing import Any

from grcgraph.api.coverage import CoverageAPI
from grcgraph.coverage.aims_status import TREND_WINDOW, objective_status, overdue
from grcgraph.coverage.record_evidence import EvidenceRule, RecordSet, load_rules, merged, record_evidence, serves_as_fria
from grcgraph.coverage.rules import propagate
from grcgraph.errors import NotFoundError
from grcgraph.model import (
    AIMSSettings,
    CorrectiveAction,
    CorrectiveActionInput,
    CoveragePath,
    Covered,
    FieldPath,
    ImpactAssessment,
    ImpactAssessmentInput,
    Measurement,
    MeasurementInput,
    Nonconformity,
    NonconformityInput,
    Objective,
    ObjectiveInput,
    ObjectiveStatus,
    OverdueItem,
    Problem,
    RecordEvidence,
    Review,
    ReviewInput,
    Risk,
    RiskInput,
)
from grcgraph.vocab import aims_terms
from grcgraph.workspace.aims_writes import AIMSRecords

Record = Risk | ImpactAssessment | Objective | Review | Nonconformity | CorrectiveAction
KINDS = tuple(aims_terms.KINDS)
FRIA_ARTICLE = "euaiact:art-27"


class AIMSRecordsAPI(CoverageAPI):
    @cached_property
    def aims(self) -> AIMSRecords:
        """The workspace's records, through the workspace's checked writes."""
        return AIMSRecords(self.workspace)

    @cached_property
    def evidence_rules(self) -> list[EvidenceRule]:
        """What each kind of record evidences, as the vocabulary says (grc:RecordEvidenceRule)."""
        return load_rules(self.store)

    @cached_property
    def _aims_cache(self) -> dict[str, Any]:
        return {"lock": threading.Lock(), "revision": object(), "records": None, "evidence": {}}

    # --- settings -------------------------------------------------------------------------------
    def aims_settings(self) -> AIMSSettings:
        return self.aims.reads.settings()

    def set_aims_settings(
        self, *, risk_scale: int | None = None, stale_after_days: int | None = None, path: FieldPath = FieldPath("settings")
    ) -> AIMSSettings:
        """Change the workspace's risk scale (likelihood and severity run 1 to it) or default staleness;
        InvalidInputError at `path.riskScale` or `path.staleAfterDays`."""
        now = self.aims_settings()
        wanted = AIMSSettings(
            risk_scale=now.risk_scale if risk_scale is None else risk_scale,
            stale_after_days=now.stale_after_days if stale_after_days is None else stale_after_days,
        )
        return self.aims.set_settings(wanted, path=path)

    # --- writes ---------------------------------------------------------------------------------
    def put_risk(
        self, item: RiskInput, *, create: bool | None = None, path: FieldPath = FieldPath("risk"), problems: list[Problem] | None = None
    ) -> str:
        """Store a risk (`create`: True refuses an existing id, False needs one); InvalidInputError names each field."""
        return self.aims.put_risk(item, path=path, create=create, problems=problems)

    def put_impact_assessment(
        self,
        item: ImpactAssessmentInput,
        *,
        create: bool | None = None,
        path: FieldPath = FieldPath("impactAssessment"),
        problems: list[Problem] | None = None,
    ) -> str:
        return self.aims.put_assessment(item, path=path, create=create, problems=problems)

    def put_objective(
        self,
        item: ObjectiveInput,
        *,
        create: bool | None = None,
        path: FieldPath = FieldPath("objective"),
        problems: list[Problem] | None = None,
    ) -> str:
        return self.aims.put_objective(item, path=path, create=create, problems=problems)

    def put_review(
        self, item: ReviewInput, *, create: bool | None = None, path: FieldPath = FieldPath("review"), problems: list[Problem] | None = None
    ) -> str:
        """Store a review; one of a system, risk or impact assessment moves that record's next review to the review's."""
        return self.aims.put_review(item, path=path, create=create, problems=problems)

    def put_nonconformity(
        self,
        item: NonconformityInput,
        *,
        create: bool | None = None,
        path: FieldPath = FieldPath("nonconformity"),
        problems: list[Problem] | None = None,
    ) -> str:
        return self.aims.put_nonconformity(item, path=path, create=create, problems=problems)

    def put_corrective_action(
        self,
        item: CorrectiveActionInput,
        *,
        create: bool | None = None,
        path: FieldPath = FieldPath("correctiveAction"),
        problems: list[Problem] | None = None,
    ) -> str:
        """Store a corrective action; refused (at `nonconformity`) when its nonconformity is closed."""
        return self.aims.put_action(item, path=path, create=create, problems=problems)

    def update_record(
        self, kind: str, record_id: str, changes: Mapping[str, Any], *, path: FieldPath | None = None, problems: list[Problem] | None = None
    ) -> str:
        """Change a stored record of `kind`: the fields in `changes` (None clears an optional one) over what is stored."""
        record = self.record(kind, record_id)
        current = record.as_input()
        values = {f.name: getattr(current, f.name) for f in fields(current)} | dict(changes)
        item = type(current)(**values)
        where = path or FieldPath(_camel(kind))
        put = {
            "risk": self.put_risk,
            "impact-assessment": self.put_impact_assessment,
            "objective": self.put_objective,
            "review": self.put_review,
            "nonconformity": self.put_nonconformity,
            "corrective-action": self.put_corrective_action,
        }[kind]
        return str(put(item, create=False, path=where, problems=problems))  # type: ignore[operator]

    def record_measurements(self, items: Sequence[MeasurementInput], *, path: FieldPath = FieldPath("items")) -> int:
        """Store a batch of measurements, all or none (InvalidInputError naming `items[i].field`)."""
        return self.aims.record_measurements(items, path=path)

    def delete_record(self, kind: str, record_id: str) -> None:
        """Delete one record; refused while another record names it."""
        self.aims.delete(kind, record_id)

    # --- reads ----------------------------------------------------------------------------------
    def record(self, kind: str, record_id: str) -> Record:
        """One record of `kind` (risk, impact-assessment, objective, review, nonconformity, corrective-action)."""
        if kind not in aims_terms.KINDS:
            raise NotFoundError(f"no record kind {kind[:60]!r}; known: {', '.join(aims_terms.KINDS)}")
        return self.aims.reads.get(kind, record_id)

    def has_record(self, kind: str, record_id: str) -> bool:
        return kind in aims_terms.KINDS and self.aims.reads.has(kind, record_id)

    def records(self, kind: str) -> list[Record]:
        """Every record of `kind`, by id (from the snapshot of this revision)."""
        snapshot = self.record_set()
        by_kind: dict[str, Sequence[Record]] = {
            "risk": snapshot.risks,
            "impact-assessment": snapshot.assessments,
            "objective": snapshot.objectives,
            "review": snapshot.reviews,
            "nonconformity": snapshot.nonconformities,
            "corrective-action": snapshot.actions,
        }
        return list(by_kind[kind])

    def measurement_list(self, objective_id: str, *, latest: int | None = None) -> list[Measurement]:
        """An objective's measurements in time order (the `latest` ones only, when given)."""
        if not self.has_record("objective", objective_id):
            raise NotFoundError(f"no objective {objective_id[:140]!r} in workspace {self.workspace.name!r}")
        return self.aims.reads.measurements(objective_id, latest=latest)

    def objective_status(self, objective_id: str, *, on: dt.date | None = None) -> ObjectiveStatus:
        """met, at-risk, breached or no-recent-data, with the reason, from the objective's series as it
        stood at the end of `on` (default today): later measurements are not seen."""
        objective = self.record("objective", objective_id)
        assert isinstance(objective, Objective)
        return self._status(objective, on or dt.date.today())

    def objective_statuses(self, *, on: dt.date | None = None) -> dict[str, ObjectiveStatus]:
        day = on or dt.date.today()
        return {o.id: self._status(o, day) for o in self.record_set().objectives}

    def _status(self, objective: Objective, on: dt.date) -> ObjectiveStatus:
        snapshot = self.record_set()
        count = snapshot.series.get(objective.id, (0, None))[0]
        # the series as it stood at the end of `on`: measurements after it are not seen
        end = dt.datetime.combine(on + dt.timedelta(days=1), dt.time(), tzinfo=dt.UTC)
        recent = self.aims.reads.measurements(objective.id, latest=TREND_WINDOW, before=end) if count else []
        return objective_status(objective, recent, count, on=on, stale_after_days=snapshot.settings.stale_after_days)

    def overdue_list(self, *, on: dt.date | None = None) -> list[OverdueItem]:
        """Everything whose next review date has passed: AI systems, risks, impact assessments, the management review."""
        snapshot = self.record_set()
        return overdue(list(snapshot.systems.values()), snapshot.risks, snapshot.assessments, snapshot.reviews, on=on or dt.date.today())

    def serves_as_fria(self, assessment: ImpactAssessment) -> bool:
        """Whether the assessment is the fundamental rights impact assessment of EU AI Act Art. 27,
        from its system's role and category (as the vocabulary's rules for impact assessments say)."""
        fria = {ref.iri for ref in self.catalog.refs("euaiact") if ref.curie == FRIA_ARTICLE or ref.curie.startswith(FRIA_ARTICLE + "-")}
        system = self.record_set().systems.get(assessment.system)
        return serves_as_fria(assessment, system, self.evidence_rules, fria)

    # --- records as evidence --------------------------------------------------------------------
    def record_set(self) -> RecordSet:
        """Every record of the workspace, read once per revision."""
        return self._snapshot()[0]

    def record_evidence(self) -> dict[str, RecordEvidence]:
        """Every record as evidence, by key (`risk/R-1`): its label, links and until when it counts."""
        return self._snapshot()[1]

    def _snapshot(self) -> tuple[RecordSet, dict[str, RecordEvidence]]:
        cache = self._aims_cache
        stamp = self.revision()  # read first: what follows is at least as new
        with cache["lock"]:
            if cache["records"] is None or cache["revision"] != stamp:
                reads = self.aims.reads
                records = RecordSet(
                    risks=[r for r in reads.all("risk") if isinstance(r, Risk)],
                    assessments=[r for r in reads.all("impact-assessment") if isinstance(r, ImpactAssessment)],
                    objectives=[r for r in reads.all("objective") if isinstance(r, Objective)],
                    reviews=[r for r in reads.all("review") if isinstance(r, Review)],
                    nonconformities=[r for r in reads.all("nonconformity") if isinstance(r, Nonconformity)],
                    actions=[r for r in reads.all("corrective-action") if isinstance(r, CorrectiveAction)],
                    series=reads.series_summary(),
                    systems={s.id: s for s in self.workspace.systems()},
                    settings=reads.settings(),
                )
                cache["records"], cache["evidence"], cache["revision"] = records, record_evidence(records, self.evidence_rules), stamp
            return cache["records"], cache["evidence"]

    def _record_coverage(
        self, keys: Collection[str] | None, on: dt.date, chain_length: int, system: str | None, targets: Collection[str] | None = None
    ) -> dict[str, Covered]:
        evidence = self.record_evidence()
        chosen = [evidence[k] for k in keys if k in evidence] if keys is not None else list(evidence.values())
        links = [link for record in chosen for link in record.links if system is None or link.system in (None, system)]
        until = {record.key: record.until for record in chosen if record.until is not None}
        covered = propagate(self.network, links, until, on=on, chain_length=chain_length)
        return covered if targets is None else {k: v for k, v in covered.items() if k in targets}

    def _propagate(
        self,
        evidence_ids: Sequence[str] | None,
        on: dt.date,
        chain_length: int,
        system: str | None = None,
        targets: Collection[str] | None = None,
    ) -> dict[str, Covered]:
        """Coverage from evidence items and records together: the whole workspace's (None), or the
        evidence ids and record keys given."""
        if evidence_ids is None:
            items = super()._propagate(None, on, chain_length, system, targets)
            return merged(items, self._record_coverage(None, on, chain_length, system, targets))
        keys = [i for i in evidence_ids if aims_terms.split_key(i)]
        for key in keys:
            self.record_for_key(key)  # NotFoundError for a record that is not there
        plain = [i for i in evidence_ids if not aims_terms.split_key(i)]
        items = super()._propagate(plain, on, chain_length, system, targets) if plain else {}
        return merged(items, self._record_coverage(keys, on, chain_length, system, targets)) if keys else items

    def record_for_key(self, key: str) -> RecordEvidence:
        """A record as evidence, by its key (`impact-assessment/IA-3`); NotFoundError when there is none."""
        found = self.record_evidence().get(key)
        if found is None:
            raise NotFoundError(f"no record {key[:140]!r} in workspace {self.workspace.name!r}")
        return found

    @staticmethod
    def is_record_key(key: str) -> bool:
        """Whether `key` names an AIMS record (`impact-assessment/IA-3`) rather than an evidence item."""
        return aims_terms.split_key(key) is not None

    def first_hop(self, path: CoveragePath) -> str:
        """What an explanation starts from: the record's label, or the evidence id."""
        found = self.record_evidence().get(path.evidence) if aims_terms.split_key(path.evidence) else None
        return found.label if found else path.evidence


def _camel(kind: str) -> str:
    head, *rest = kind.split("-")
    return head + "".join(part.title() for part in rest)
