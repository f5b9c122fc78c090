"""The facade's AI management system, as notebooks use it: each kind of record as a DataFrame
(statuses computed), measurements from a CSV file, a nonconformity opened from a breached
objective, and what one record evidences, with why.

>>> from grcgraph.api import GRCGraph
>>> g = GRCGraph.open()
>>> g.add_system("credit", "Credit scoring", ["deployer"], "high-risk-annex-iii")
'credit'
>>> import datetime as dt
>>> from grcgraph.model import ImpactAssessmentInput
>>> g.put_impact_assessment(ImpactAssessmentInput(id="IA-3", system="credit", assessed_on=dt.date(2026, 10, 1),
...     assessor="dpo@example.org", decision="approve", approver="board@example.org", decided_on=dt.date(2026, 11, 3)))
'IA-3'
>>> g.first_hop(g.explain("impact-assessment/IA-3", "Art. 27(1)", on=dt.date(2026, 12, 1))[0])
'impact assessment IA-3 of system credit, approved 2026-11-03'
>>> g.close()
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import TYPE_CHECKING

from grcgraph.api.aims_records import AIMSRecordsAPI
from grcgraph.api.parts import frame
from grcgraph.errors import DataError, InvalidInputError
from grcgraph.loaders.measurements import read_measurements_file
from grcgraph.model import (
    CorrectiveAction,
    FieldPath,
    ImpactAssessment,
    MeasurementInput,
    Nonconformity,
    NonconformityInput,
    Objective,
    Problem,
    Review,
    Risk,
    RiskInput,
)
from grcgraph.store.batch import collector_paused
from grcgraph.vocab import aims_terms

if TYPE_CHECKING:
    import pandas as pd


class AIMSAPI(AIMSRecordsAPI):
    # --- as DataFrames --------------------------------------------------------------------------
    def risks(self) -> pd.DataFrame:
        """The risk register: one row per risk, with its inherent and residual level."""
        rows = []
        for r in self.records("risk"):
            assert isinstance(r, Risk)
            rows.append(
                {
                    "id": r.id,
                    "title": r.title,
                    "systems": "|".join(r.systems),
                    "gai_risk": r.gai_risk,
                    "likelihood": r.likelihood,
                    "severity": r.severity,
                    "inherent_level": r.inherent_level,
                    "treatment": r.treatment,
                    "residual_level": r.residual_level,
                    "controls": "|".join(self.catalog.ref(c).curie for c in r.controls),
                    "evidence": "|".join(r.evidence),
                    "owner": r.owner,
                    "status": r.status,
                    "assessed_on": r.assessed_on,
                    "next_review": r.next_review,
                }
            )
        columns = ["id", "title", "systems", "gai_risk", "likelihood", "severity", "inherent_level", "treatment", "residual_level"]
        return frame(rows, columns=[*columns, "controls", "evidence", "owner", "status", "assessed_on", "next_review"])

    def impact_assessments(self) -> pd.DataFrame:
        """One row per impact assessment: its decision, whether it serves as the Art. 27 FRIA, its impacts by area."""
        rows = []
        for a in self.records("impact-assessment"):
            assert isinstance(a, ImpactAssessment)
            areas = sorted({i.area for i in a.impacts})
            rows.append(
                {
                    "id": a.id,
                    "system": a.system,
                    "assessed_on": a.assessed_on,
                    "assessor": a.assessor,
                    "impacts": len(a.impacts),
                    "areas": "|".join(areas),
                    "decision": a.decision or "draft",
                    "approver": a.approver,
                    "decided_on": a.decided_on,
                    "fria": self.serves_as_fria(a),
                    "next_review": a.next_review,
                }
            )
        columns = [
            "id",
            "system",
            "assessed_on",
            "assessor",
            "impacts",
            "areas",
            "decision",
            "approver",
            "decided_on",
            "fria",
            "next_review",
        ]
        return frame(rows, columns=columns)

    def objectives(self, *, on: dt.date | None = None) -> pd.DataFrame:
        """One row per objective with its status on `on` (default today) and latest value."""
        statuses = self.objective_statuses(on=on)
        rows = []
        for o in self.records("objective"):
            assert isinstance(o, Objective)
            s = statuses[o.id]
            rows.append(
                {
                    "id": o.id,
                    "title": o.title,
                    "metric": o.metric,
                    "unit": o.unit,
                    "direction": o.direction,
                    "target": o.target,
                    "threshold": o.threshold,
                    "systems": "|".join(o.systems),
                    "status": s.status,
                    "latest_value": s.latest_value,
                    "latest_at": s.latest_at,
                    "measurements": s.measurements,
                    "reason": s.reason,
                }
            )
        columns = ["id", "title", "metric", "unit", "direction", "target", "threshold", "systems", "status", "latest_value", "latest_at"]
        return frame(rows, columns=[*columns, "measurements", "reason"])

    def measurements(self, objective_id: str) -> pd.DataFrame:
        """An objective's measurements in time order: at, value, source, recorded_by."""
        rows = [
            {"at": m.at, "value": m.value, "source": m.source, "recorded_by": m.recorded_by} for m in self.measurement_list(objective_id)
        ]
        return frame(rows, columns=["at", "value", "source", "recorded_by"])

    def reviews(self) -> pd.DataFrame:
        rows = []
        for r in self.records("review"):
            assert isinstance(r, Review)
            rows.append(
                {
                    "id": r.id,
                    "kind": r.kind,
                    "subject": r.subject,
                    "reviewed_on": r.reviewed_on,
                    "participants": "|".join(r.participants),
                    "outcome": r.outcome,
                    "actions": "|".join(r.actions),
                    "next_review": r.next_review,
                }
            )
        return frame(rows, columns=["id", "kind", "subject", "reviewed_on", "participants", "outcome", "actions", "next_review"])

    def nonconformities(self) -> pd.DataFrame:
        rows = []
        for n in self.records("nonconformity"):
            assert isinstance(n, Nonconformity)
            rows.append(
                {
                    "id": n.id,
                    "title": n.title,
                    "found_on": n.found_on,
                    "source": n.source,
                    "source_ref": n.source_ref,
                    "system": n.system,
                    "severity": n.severity,
                    "requirements": "|".join(self.catalog.ref(r).curie for r in n.requirements),
                    "root_cause": n.root_cause,
                    "status": n.status,
                    "closed_on": n.closed_on,
                }
            )
        columns = [
            "id",
            "title",
            "found_on",
            "source",
            "source_ref",
            "system",
            "severity",
            "requirements",
            "root_cause",
            "status",
            "closed_on",
        ]
        return frame(rows, columns=columns)

    def corrective_actions(self) -> pd.DataFrame:
        rows = []
        for a in self.records("corrective-action"):
            assert isinstance(a, CorrectiveAction)
            rows.append(
                {
                    "id": a.id,
                    "nonconformity": a.nonconformity,
                    "title": a.title,
                    "owner": a.owner,
                    "due": a.due,
                    "status": a.status,
                    "effective": a.effective,
                    "verified_on": a.verified_on,
                    "verified_by": a.verified_by,
                }
            )
        return frame(rows, columns=["id", "nonconformity", "title", "owner", "due", "status", "effective", "verified_on", "verified_by"])

    def overdue(self, *, on: dt.date | None = None) -> pd.DataFrame:
        """Everything whose next review date has passed, most overdue first."""
        return frame([item.__dict__ for item in self.overdue_list(on=on)], columns=["kind", "id", "title", "next_review", "days_overdue"])

    def record_coverage(self, kind: str, record_id: str, *, on: dt.date | None = None, chain_length: int = 1) -> pd.DataFrame:
        """What one record evidences, in every framework, as `coverage` shows it for an evidence item."""
        self.record(kind, record_id)
        return self.coverage(aims_terms.record_key(kind, record_id), on=on, chain_length=chain_length)

    # --- convenience ------------------------------------------------------------------------------
    def add_risk(self, risk_id: str, title: str, **fields: object) -> str:
        return self.put_risk(RiskInput(id=risk_id, title=title, **fields))  # type: ignore[arg-type]

    def import_measurements(self, path: str | Path, *, recorded_by: str | None = None) -> int:
        """Store every measurement of a CSV file (objective, value, at[, source][, recorded_by]) as
        one batch, or none: DataError naming the file, line and column of each fault."""
        file = Path(path)
        with collector_paused():
            numbered = read_measurements_file(file, recorded_by=recorded_by)
            try:
                return self.record_measurements([item for _line, item in numbered], path=FieldPath("items"))
            except InvalidInputError as error:
                raise DataError([_in_file(p, numbered, file) for p in error.problems]) from None

    def open_nonconformity(
        self,
        objective_id: str,
        nonconformity_id: str,
        *,
        on: dt.date | None = None,
        severity: str = "major",
        title: str | None = None,
        root_cause: str | None = None,
    ) -> str:
        """Open a nonconformity from a breached objective: found on `on`, source objective, naming
        the requirements the objective serves and its AI system; refused (at `objective`) unless
        the objective is breached on that date."""
        day = on or dt.date.today()
        objective = self.record("objective", objective_id)
        assert isinstance(objective, Objective)
        status = self.objective_status(objective_id, on=day)
        if status.status != "breached":
            raise InvalidInputError(
                [Problem(f"objective {objective_id!r} is {status.status} on {day.isoformat()}: {status.reason}", FieldPath("objective"))]
            )
        item = NonconformityInput(
            id=nonconformity_id,
            title=title or f"Objective {objective_id} breached: {status.reason}",
            found_on=day,
            source="objective",
            source_ref=objective_id,
            severity=severity,
            requirements=list(objective.requirements),
            system=objective.systems[0] if len(objective.systems) == 1 else None,
            root_cause=root_cause,
        )
        return self.put_nonconformity(item, create=True, path=FieldPath())


def _in_file(problem: Problem, numbered: list[tuple[int, MeasurementInput]], file: Path) -> Problem:
    """A problem of the batch (`items[i].field`) at the file's line of item i and its column."""
    path = problem.path
    if len(path) >= 2 and path[0] == "items" and isinstance(path[1], int):
        column = {"recordedBy": "recorded_by"}.get(str(path[2]), str(path[2])) if len(path) > 2 else "row"
        return Problem.in_file(str(file), numbered[path[1]][0], column, problem.message)
    return Problem(problem.message, path, str(file), 0)
