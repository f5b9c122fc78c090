"""The typed checks of the AI management system's records, each building the triples it would
write: every fault of an input is a problem at its field (`input.likelihood`,
`items[3].value`), in the words of the rule it breaks (the workspace's risk scale, a date before
another, an AI system of another workspace). The workspace shapes check the same triples after
(grcgraph/workspace/aims_writes.py)."""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING

from rdflib import URIRef
from rdflib.namespace import DCTERMS

from grcgraph.dates import parse_datetime
from grcgraph.errors import UnknownRequirementError
from grcgraph.model import (
    AIMSSettings,
    CorrectiveActionInput,
    FieldPath,
    ImpactAssessmentInput,
    MeasurementInput,
    NonconformityInput,
    ObjectiveInput,
    Problem,
    ReviewInput,
    RiskInput,
)
from grcgraph.store.batch import XSD_BOOLEAN, XSD_DATE, XSD_DATETIME, XSD_DOUBLE, Batch, Lit, Node
from grcgraph.vocab import aims_terms as terms
from grcgraph.vocab.namespace import GRC
from grcgraph.workspace.aims_reads import LABELS, AIMSReads, time_text
from grcgraph.workspace.hygiene import multi_line, single_line
from grcgraph.workspace.inputs import bad_id

if TYPE_CHECKING:
    import datetime as dt

    from grcgraph.workspace.writes import Workspace

XSD_INTEGER = "http://www.w3.org/2001/XMLSchema#integer"

_TITLE, _DESCRIPTION, _IDENTIFIER = str(DCTERMS.title), str(DCTERMS.description), str(DCTERMS.identifier)
# Fields of prose, which take tab and line breaks; every other text is one line (grcgraph/workspace/hygiene.py).
_MULTI_LINE = {
    _DESCRIPTION,
    *(
        str(p)
        for p in (GRC.intendedUse, GRC.foreseeableMisuse, GRC.mitigation, GRC.conditions, GRC.outcome, GRC.rootCause, GRC.verification)
    ),
}


def number(value: object) -> float | None:
    """`value` as a finite number (a number, or text holding one), or None."""
    if isinstance(value, bool) or not isinstance(value, int | float | str):
        return None
    try:
        found = float(value)
    except ValueError:
        return None
    return found if math.isfinite(found) else None


class RecordBuilder:
    """Checks inputs and adds their triples to `data`, collecting `problems`."""

    def __init__(self, ws: Workspace, reads: AIMSReads, settings: AIMSSettings, problems: list[Problem], data: Batch) -> None:
        self.ws, self.reads, self.settings = ws, reads, settings
        self.problems, self.data = problems, data
        self._known: dict[tuple[str, str], bool] = {}

    # --- helpers ------------------------------------------------------------------------------
    def fault(self, path: FieldPath, message: str) -> None:
        self.problems.append(Problem(message, path))

    def known(self, kind: str, record_id: str) -> bool:
        """Whether this workspace (or the batch) has the record; asked of the store once per write."""
        key = (kind, record_id)
        if key not in self._known:
            iri = self.reads.ws.system_iri(record_id) if kind == "system" else self.reads.iri(kind, record_id)
            self._known[key] = str(iri) in self.data.nodes or self.reads.has(kind, record_id)
        return self._known[key]

    def ref(self, kind: str, record_id: str | None, path: FieldPath) -> str | None:
        """The IRI of a record of `kind` named by id, or a problem naming the workspace."""
        if not record_id or not self.known(kind, record_id):
            self.fault(path, f"no {LABELS[kind]} {(record_id or '')[:140]!r} in workspace {self.ws.name!r}")
            return None
        return str(self.ws.system_iri(record_id)) if kind == "system" else self.reads.iri(kind, record_id)

    def start(self, kind: str, record_id: str, path: FieldPath) -> Node | None:
        fault = bad_id(record_id, path)
        if fault is not None:
            self.problems.append(fault)
            return None
        node = self.data.node(self.reads.iri(kind, record_id), str(terms.KINDS[kind][0]), path)
        node.add(_IDENTIFIER, Lit(record_id))
        return node

    def text(self, node: Node, prop: URIRef | str, value: str | None, path: FieldPath, *, required: bool = False) -> None:
        if value is None or not value.strip():
            if required:
                self.fault(path, "is required" if value is None else "is empty")
            return
        checked = (multi_line if str(prop) in _MULTI_LINE else single_line)(value, path, self.problems)
        if checked is not None:
            node.add(str(prop), Lit(checked.strip()))

    def texts(self, node: Node, prop: URIRef, values: Sequence[str], path: FieldPath) -> None:
        for index, value in enumerate(values):
            if not value or not value.strip():
                self.fault(path / index, "is empty")
            elif (checked := single_line(value, path / index, self.problems)) is not None:
                node.add(str(prop), Lit(checked))

    def scale(self, node: Node, prop: URIRef, value: int | None, path: FieldPath, *, required: bool = False) -> None:
        top = self.settings.risk_scale
        if value is None:
            if required:
                self.fault(path, f"is required: a value on the workspace's scale 1-{top}")
            return
        if isinstance(value, bool) or not isinstance(value, int) or not 1 <= value <= top:
            self.fault(path, f"{value!r} is outside the workspace's risk scale 1-{top}")
            return
        node.add(str(prop), Lit(str(value), XSD_INTEGER))

    def day(self, node: Node, prop: URIRef, value: dt.date | None, path: FieldPath, *, required: bool = False) -> None:
        if value is None:
            if required:
                self.fault(path, "is required (YYYY-MM-DD)")
            return
        node.add(str(prop), Lit(value.isoformat(), XSD_DATE))

    def not_before(self, later: dt.date | None, earlier: dt.date | None, path: FieldPath, what: str) -> None:
        if later is not None and earlier is not None and later < earlier:
            self.fault(path, f"{later.isoformat()} is before {what} {earlier.isoformat()}")

    def choice(
        self, node: Node, prop: URIRef, value: str | None, mapping: Mapping[str, URIRef], path: FieldPath, *, required: bool
    ) -> None:
        if value is None:
            if required:
                self.fault(path, f"is required: one of {', '.join(mapping)}")
            return
        if value not in mapping:
            self.fault(path, f"{value[:60]!r} is not one of {', '.join(mapping)}")
            return
        node.add(str(prop), str(mapping[value]))

    def systems(self, node: Node, ids: Sequence[str], path: FieldPath) -> None:
        for index, system_id in enumerate(ids):
            iri = self.ref("system", system_id, path / index)
            if iri:
                node.add(str(GRC.concernsSystem), iri)

    def requirements(self, node: Node, prop: URIRef, texts: Sequence[str], path: FieldPath) -> None:
        for index, text in enumerate(texts):
            try:
                node.add(str(prop), str(self.ws.catalog.resolve(text[:200]).iri))
            except UnknownRequirementError as error:
                self.fault(path / index, str(error))

    def real(self, node: Node, prop: URIRef, value: object, path: FieldPath) -> float | None:
        found = number(value)
        if found is None:
            self.fault(path, f"{str(value)[:60]!r} is not a finite number" if value is not None else "is required: a number")
            return None
        node.add(str(prop), Lit(repr(found), XSD_DOUBLE))
        return found

    # --- the kinds ----------------------------------------------------------------------------
    def risk(self, item: RiskInput, path: FieldPath) -> None:
        node = self.start("risk", item.id, path)
        if node is None:
            return
        self.text(node, _TITLE, item.title, path / "title", required=True)
        self.text(node, _DESCRIPTION, item.description, path / "description")
        self.systems(node, item.systems, path / "systems")
        if item.gai_risk is not None:
            self._gai_risk(node, item.gai_risk, path / "gaiRisk")
        assessed = item.status in ("assessed", "treated")
        for prop, value, name in (
            (GRC.likelihood, item.likelihood, "likelihood"),
            (GRC.severity, item.severity, "severity"),
            (GRC.residualLikelihood, item.residual_likelihood, "residualLikelihood"),
            (GRC.residualSeverity, item.residual_severity, "residualSeverity"),
        ):
            self.scale(node, prop, value, path / name)
            if assessed and value is None and name in ("likelihood", "severity"):
                self.fault(
                    path / name,
                    f"is required: {'an' if assessed and item.status[0] == 'a' else 'a'} {item.status} risk has its {name} on the scale 1-{self.settings.risk_scale}",
                )
        self.choice(node, GRC.riskTreatment, item.treatment, terms.TREATMENTS, path / "treatment", required=item.status == "treated")
        self.choice(node, GRC.riskStatus, item.status, terms.RISK_STATUSES, path / "status", required=True)
        self.requirements(node, GRC.chosenControl, item.controls, path / "controls")
        for index, evidence_id in enumerate(item.evidence):
            if not self.ws.has_evidence(evidence_id):
                self.fault(path / "evidence" / index, f"no evidence {evidence_id[:140]!r} in workspace {self.ws.name!r}")
            else:
                node.add(str(GRC.chosenEvidence), str(self.ws.evidence_iri(evidence_id)))
        self.text(node, GRC.owner, item.owner, path / "owner")
        self.day(node, GRC.assessedOn, item.assessed_on, path / "assessedOn")
        self.day(node, GRC.nextReview, item.next_review, path / "nextReview")
        self.not_before(item.next_review, item.assessed_on, path / "nextReview", "the assessment date")

    def _gai_risk(self, node: Node, text: str, path: FieldPath) -> None:
        labels = self.reads.gai_labels
        wanted = text.strip().lower()
        found = [iri for iri, label in labels.items() if wanted in (label.lower(), iri.lower(), iri.rsplit("/", 1)[-1])]
        if len(found) != 1:
            self.fault(path, f"{text[:60]!r} is not a NIST AI 600-1 risk; one of: {', '.join(sorted(labels.values()))}")
            return
        node.add(str(GRC.gaiRisk), found[0])

    def assessment(self, item: ImpactAssessmentInput, path: FieldPath, stored_impacts: int = 0) -> None:
        node = self.start("impact-assessment", item.id, path)
        if node is None:
            return
        self.text(node, _TITLE, item.title, path / "title")
        system = self.ref("system", item.system, path / "system")
        if system:
            node.add(str(GRC.concernsSystem), system)
        self.day(node, GRC.assessedOn, item.assessed_on, path / "assessedOn", required=True)
        self.text(node, GRC.assessor, item.assessor, path / "assessor", required=True)
        self.text(node, GRC.intendedUse, item.intended_use, path / "intendedUse")
        self.text(node, GRC.foreseeableMisuse, item.foreseeable_misuse, path / "foreseeableMisuse")
        self.texts(node, GRC.affected, item.affected, path / "affected")
        for index, impact in enumerate(item.impacts):
            where = path / "impacts" / index
            part = self.data.node(f"{node.iri}/impact/{index + 1}", str(GRC.Impact), where)
            node.add(str(GRC.hasImpact), part.iri)
            part.add(str(GRC.position), Lit(str(index + 1), XSD_INTEGER))
            self.choice(part, GRC.impactArea, impact.area, terms.IMPACT_AREAS, where / "area", required=True)
            self.text(part, _DESCRIPTION, impact.description, where / "description", required=True)
            self.scale(part, GRC.severity, impact.severity, where / "severity", required=True)
            self.scale(part, GRC.likelihood, impact.likelihood, where / "likelihood", required=True)
            self.text(part, GRC.mitigation, impact.mitigation, where / "mitigation")
        self.choice(node, GRC.decision, item.decision, terms.DECISIONS, path / "decision", required=False)
        self.text(node, GRC.approver, item.approver, path / "approver", required=item.decision is not None)
        if item.decision is None and item.approver:
            self.fault(path / "approver", "names an approver of no decision: give the decision too")
        self.day(node, GRC.decidedOn, item.decided_on, path / "decidedOn")
        self.text(node, GRC.conditions, item.conditions, path / "conditions", required=item.decision == "approve-with-conditions")
        self.day(node, GRC.nextReview, item.next_review, path / "nextReview")
        self.not_before(item.next_review, item.assessed_on, path / "nextReview", "the assessment date")
        self.not_before(item.decided_on, item.assessed_on, path / "decidedOn", "the assessment date")

    def objective(self, item: ObjectiveInput, path: FieldPath) -> None:
        node = self.start("objective", item.id, path)
        if node is None:
            return
        self.text(node, _TITLE, item.title, path / "title", required=True)
        self.text(node, GRC.metric, item.metric, path / "metric", required=True)
        self.choice(node, GRC.direction, item.direction, terms.DIRECTIONS, path / "direction", required=True)
        target = self.real(node, GRC.target, item.target, path / "target")
        threshold = self.real(node, GRC.threshold, item.threshold, path / "threshold")
        if target is not None and threshold is not None:
            if item.direction == "higher" and threshold > target:
                self.fault(
                    path / "threshold", f"{threshold} is above the target {target}: where higher is better, the threshold is the floor"
                )
            if item.direction == "lower" and threshold < target:
                self.fault(
                    path / "threshold", f"{threshold} is below the target {target}: where lower is better, the threshold is the ceiling"
                )
        self.text(node, GRC.unit, item.unit, path / "unit")
        self.systems(node, item.systems, path / "systems")
        self.requirements(node, GRC.servesRequirement, item.requirements, path / "requirements")
        self.text(node, GRC.owner, item.owner, path / "owner")
        self.text(node, _DESCRIPTION, item.description, path / "description")
        days = item.stale_after_days
        if days is not None:
            if isinstance(days, bool) or not isinstance(days, int) or not 1 <= days <= 3650:
                self.fault(path / "staleAfterDays", f"{days!r} must be a whole number of days from 1 to 3650")
            else:
                node.add(str(GRC.staleAfterDays), Lit(str(days), XSD_INTEGER))

    def measurement(self, item: MeasurementInput, path: FieldPath, seen: set[str]) -> None:
        """One measurement, checked as fast as a batch of ten thousand needs (no store read per item)."""
        objective = item.objective
        known = bool(objective) and self.known("objective", objective)
        if not known:
            self.fault(path / "objective", f"no objective {(objective or '')[:140]!r} in workspace {self.ws.name!r}")
        value = number(item.value)
        if value is None:
            self.fault(
                path / "value", f"{str(item.value)[:60]!r} is not a finite number" if item.value is not None else "is required: a number"
            )
        when = item.at
        if isinstance(when, str):
            try:
                when = parse_datetime(when)
            except ValueError as error:
                self.fault(path / "at", str(error))
                when = None
        elif when is None:
            self.fault(path / "at", "is required: a date and time such as 2026-11-03T02:00:00Z")
        if not item.recorded_by or not item.recorded_by.strip():
            self.fault(path / "recordedBy", "is required: who or what recorded the value")
        if not known or value is None or when is None:
            return
        at = time_text(when)
        iri = self.reads.measurement_iri(objective, at)
        if iri in seen:
            self.fault(path / "at", f"a second measurement of objective {objective!r} at {at} in this batch")
            return
        seen.add(iri)
        node = self.data.node(iri, str(GRC.Measurement), path)
        node.values = {
            str(GRC.ofObjective): [self.reads.iri("objective", objective)],
            str(GRC.value): [Lit(repr(value), XSD_DOUBLE)],
            str(GRC.measuredAt): [Lit(at, XSD_DATETIME)],
            str(GRC.recordedBy): [Lit(item.recorded_by.strip())],
        }
        if item.source:
            node.values[str(GRC.measurementSource)] = [Lit(item.source.strip())]

    def review(self, item: ReviewInput, path: FieldPath) -> None:
        node = self.start("review", item.id, path)
        if node is None:
            return
        self.choice(node, GRC.reviewKind, item.kind, terms.REVIEW_KINDS, path / "kind", required=True)
        if item.kind == "aims":
            if item.subject:
                self.fault(
                    path / "subject", "a management review (kind aims) is of the AI management system as a whole: leave the subject out"
                )
        elif item.kind in terms.REVIEW_KINDS:
            subject = self.ref(item.kind, item.subject, path / "subject")
            if subject:
                node.add(str(GRC.reviewOf), subject)
        self.day(node, GRC.reviewedOn, item.reviewed_on, path / "reviewedOn", required=True)
        if item.kind in ("risk", "impact-assessment") and item.subject and self.reads.has(item.kind, item.subject):
            assessed = getattr(self.reads.get(item.kind, item.subject), "assessed_on", None)
            self.not_before(item.reviewed_on, assessed, path / "reviewedOn", f"the date {LABELS[item.kind]} {item.subject} was assessed,")
        self.text(node, GRC.outcome, item.outcome, path / "outcome", required=True)
        self.texts(node, GRC.participant, item.participants, path / "participants")
        self.texts(node, GRC.followUp, item.actions, path / "actions")
        self.day(node, GRC.nextReview, item.next_review, path / "nextReview")
        self.not_before(item.next_review, item.reviewed_on, path / "nextReview", "the review date")

    def nonconformity(self, item: NonconformityInput, path: FieldPath, open_actions: Sequence[tuple[str, str]] = ()) -> None:
        node = self.start("nonconformity", item.id, path)
        if node is None:
            return
        self.text(node, _TITLE, item.title, path / "title", required=True)
        self.text(node, _DESCRIPTION, item.description, path / "description")
        self.day(node, GRC.foundOn, item.found_on, path / "foundOn", required=True)
        self.choice(node, GRC.foundIn, item.source, terms.NC_SOURCES, path / "source", required=True)
        if item.source in ("objective", "review"):
            source = self.ref(item.source, item.source_ref, path / "sourceRef") if item.source_ref or item.source == "objective" else None
            if source:
                node.add(str(GRC.sourceRecord), source)
        elif item.source_ref:
            self.fault(path / "sourceRef", "names the objective or review a nonconformity came from: only with source objective or review")
        self.requirements(node, GRC.notMet, item.requirements, path / "requirements")
        if item.system:
            system = self.ref("system", item.system, path / "system")
            if system:
                node.add(str(GRC.concernsSystem), system)
        self.choice(node, GRC.nonconformitySeverity, item.severity, terms.NC_SEVERITIES, path / "severity", required=True)
        self.text(node, GRC.rootCause, item.root_cause, path / "rootCause")
        self.choice(node, GRC.nonconformityStatus, item.status, terms.NC_STATUSES, path / "status", required=True)
        if item.status == "closed":
            self.day(node, GRC.closedOn, item.closed_on, path / "closedOn", required=True)
            for action_id, status in open_actions:
                self.fault(path / "status", f"corrective action {action_id!r} is {status}: finish it (done) before closing")
        elif item.closed_on is not None:
            self.fault(path / "closedOn", "is for a closed nonconformity: set the status to closed too")
        self.not_before(item.closed_on, item.found_on, path / "closedOn", "the date it was found")

    def action(self, item: CorrectiveActionInput, path: FieldPath, closed_on: dt.date | None) -> None:
        node = self.start("corrective-action", item.id, path)
        if node is None:
            return
        target = self.ref("nonconformity", item.nonconformity, path / "nonconformity")
        if target:
            if closed_on is not None:
                self.fault(
                    path / "nonconformity",
                    f"nonconformity {item.nonconformity!r} was closed on {closed_on.isoformat()}: no corrective action can be added or changed",
                )
            node.add(str(GRC.corrects), target)
        self.text(node, _TITLE, item.title, path / "title", required=True)
        self.text(node, GRC.owner, item.owner, path / "owner", required=True)
        self.day(node, GRC.due, item.due, path / "due", required=True)
        self.choice(node, GRC.actionStatus, item.status, terms.ACTION_STATUSES, path / "status", required=True)
        if item.effective is not None:
            if item.status != "done":
                self.fault(
                    path / "effective", f"verifies an action that is {item.status}: an action's effectiveness is verified once it is done"
                )
            node.add(str(GRC.effective), Lit("true" if item.effective else "false", XSD_BOOLEAN))
            self.day(node, GRC.verifiedOn, item.verified_on, path / "verifiedOn", required=True)
            self.text(node, GRC.verifiedBy, item.verified_by, path / "verifiedBy", required=True)
        elif item.verified_on is not None or item.verified_by:
            self.fault(path / "effective", "is required with a verification: say whether the action was effective")
        self.text(node, GRC.verification, item.verification, path / "verification")

    def settings_node(self, settings: AIMSSettings, path: FieldPath) -> None:
        node = self.data.node(self.reads.settings_iri, str(GRC.AIMSSettings), path)
        scale, stale = settings.risk_scale, settings.stale_after_days
        if isinstance(scale, bool) or not isinstance(scale, int) or not 2 <= scale <= 10:
            self.fault(path / "riskScale", f"{scale!r} must be a whole number from 2 to 10")
        else:
            node.add(str(GRC.riskScale), Lit(str(scale), XSD_INTEGER))
        if isinstance(stale, bool) or not isinstance(stale, int) or not 1 <= stale <= 3650:
            self.fault(path / "staleAfterDays", f"{stale!r} must be a whole number of days from 1 to 3650")
        else:
            node.add(str(GRC.staleAfterDays), Lit(str(stale), XSD_INTEGER))
