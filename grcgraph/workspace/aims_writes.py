"""Writing the AI management system's records of one workspace, through the workspace's write
primitive (`Workspace._write`, or its bulk path for a large batch of new measurements), so that
every write stamps the workspace's revision in the same update and is all or nothing.

Each write runs the typed checks (grcgraph/workspace/aims_build.py), then the workspace shapes
compiled for the record classes over the exact triples; every problem of one input is reported
together, each at its field. A review of an AI system, a risk or an impact assessment sets that
record's next review in the same write.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Iterable, Sequence
from functools import cache

import pyoxigraph as ox

from grcgraph.errors import InvalidInputError, NotFoundError
from grcgraph.model import (
    AIMSSettings,
    AISystemInput,
    CorrectiveAction,
    CorrectiveActionInput,
    FieldPath,
    ImpactAssessment,
    ImpactAssessmentInput,
    MeasurementInput,
    Nonconformity,
    NonconformityInput,
    ObjectiveInput,
    Problem,
    Review,
    ReviewInput,
    Risk,
    RiskInput,
)
from grcgraph.reference.validation import shapes_graph, vocabulary_graph
from grcgraph.store.batch import Batch, collector_paused
from grcgraph.store.journal import BulkStore
from grcgraph.vocab import aims_terms as terms
from grcgraph.vocab.namespace import GRC
from grcgraph.workspace.aims_build import RecordBuilder
from grcgraph.workspace.aims_reads import LABELS, AIMSReads
from grcgraph.workspace.inputs import BATCH_SIZE, BULK_MIN_ITEMS, one_at_a_time
from grcgraph.workspace.shape_rules import ShapeRules
from grcgraph.workspace.writes import Workspace

# Shape fields as the inputs spell them, where the property's own name differs.
FIELDS = {
    "identifier": "id",
    "concernsSystem": "systems",
    "gaiRisk": "gaiRisk",
    "riskTreatment": "treatment",
    "riskStatus": "status",
    "chosenControl": "controls",
    "chosenEvidence": "evidence",
    "hasImpact": "impacts",
    "impactArea": "area",
    "servesRequirement": "requirements",
    "ofObjective": "objective",
    "measuredAt": "at",
    "measurementSource": "source",
    "reviewKind": "kind",
    "reviewOf": "subject",
    "participant": "participants",
    "followUp": "actions",
    "foundIn": "source",
    "sourceRecord": "sourceRef",
    "notMet": "requirements",
    "nonconformitySeverity": "severity",
    "nonconformityStatus": "status",
    "corrects": "nonconformity",
    "actionStatus": "status",
}


@cache
def record_rules() -> ShapeRules:
    """The workspace shapes of the record classes, compiled once."""
    return ShapeRules.compile(shapes_graph(), vocabulary_graph(), terms.RECORD_CLASSES)


class AIMSRecords:
    """The records of one workspace: checked, written all or nothing, read back as records."""

    def __init__(self, ws: Workspace) -> None:
        self.ws = ws
        self.reads = AIMSReads(ws)

    # --- checking ---------------------------------------------------------------------------------
    def _types(self, nodes: set[str]) -> dict[str, set[str]]:
        own = {n for n in nodes if n.startswith(self.ws.base)}
        return {**self.ws._types(nodes - own), **self.reads.stored_types(own)}

    def check(self, data: Batch, problems: list[Problem]) -> None:
        """The shapes over `data`, for the nodes whose typed checks found nothing (those say more),
        with the typed problems in one InvalidInputError."""
        rules = record_rules()
        faulty = {p.path[:cut] for p in problems for cut in range(len(p.path) + 1)}
        for node, rule, message in rules.violations(data, rules.typing(data, self._types)):
            if node.path not in faulty:
                name = rule.path.rsplit("#", 1)[-1].rsplit("/", 1)[-1]
                problems.append(Problem(message, node.path / FIELDS.get(name, name)))
        if problems:
            raise InvalidInputError(list(dict.fromkeys(problems)))

    def builder(self, problems: list[Problem], data: Batch, settings: AIMSSettings | None = None) -> RecordBuilder:
        return RecordBuilder(self.ws, self.reads, settings or self.reads.settings(), problems, data)

    def _exists_check(self, kind: str, record_id: str, create: bool | None, path: FieldPath, problems: list[Problem]) -> None:
        if create is None:
            return
        exists = self.reads.has(kind, record_id)
        if create and exists:
            problems.append(Problem(f"{LABELS[kind]} {record_id!r} already exists: update it instead", path / "id"))
        if not create and not exists:
            raise NotFoundError(f"no {LABELS[kind]} {record_id[:140]!r} in workspace {self.ws.name!r}")

    def _put(
        self,
        kind: str,
        record_id: str,
        build: Callable[[RecordBuilder], None],
        *,
        path: FieldPath,
        create: bool | None,
        problems: list[Problem] | None,
        replace: Sequence[str] = (),
    ) -> str:
        found = list(problems or [])
        self._exists_check(kind, record_id, create, path, found)
        data = Batch()
        build(self.builder(found, data))
        self.check(data, found)
        self.ws._write(data, replace=[self.reads.iri(kind, record_id), *replace], touched=())
        return record_id

    # --- the kinds --------------------------------------------------------------------------------
    @one_at_a_time
    def put_risk(
        self, item: RiskInput, *, path: FieldPath = FieldPath("risk"), create: bool | None = None, problems: list[Problem] | None = None
    ) -> str:
        """Create (`create` True), change (False) or store (None) a risk."""
        return self._put("risk", item.id, lambda b: b.risk(item, path), path=path, create=create, problems=problems)

    @one_at_a_time
    def put_assessment(
        self,
        item: ImpactAssessmentInput,
        *,
        path: FieldPath = FieldPath("impactAssessment"),
        create: bool | None = None,
        problems: list[Problem] | None = None,
    ) -> str:
        old = self._impact_nodes(item.id)
        return self._put(
            "impact-assessment", item.id, lambda b: b.assessment(item, path), path=path, create=create, problems=problems, replace=old
        )

    def _impact_nodes(self, record_id: str) -> list[str]:
        if not self.reads.has("impact-assessment", record_id):
            return []
        values = self.reads._values(self.reads.iri("impact-assessment", record_id))
        return [term.value for term in values.get(str(GRC.hasImpact), []) if isinstance(term, ox.NamedNode)]

    @one_at_a_time
    def put_objective(
        self,
        item: ObjectiveInput,
        *,
        path: FieldPath = FieldPath("objective"),
        create: bool | None = None,
        problems: list[Problem] | None = None,
    ) -> str:
        return self._put("objective", item.id, lambda b: b.objective(item, path), path=path, create=create, problems=problems)

    @one_at_a_time
    def put_review(
        self, item: ReviewInput, *, path: FieldPath = FieldPath("review"), create: bool | None = None, problems: list[Problem] | None = None
    ) -> str:
        """Store a review; a review of a system, risk or impact assessment with a next review date
        moves that record's next review to it, in the same write."""
        found = list(problems or [])
        self._exists_check("review", item.id, create, path, found)
        data = Batch()
        builder = self.builder(found, data)
        builder.review(item, path)
        replace = [self.reads.iri("review", item.id)]
        if item.next_review is not None and item.kind != "aims" and item.subject and self.reads.has(item.kind, item.subject):
            replace.append(self._subject_batch(builder, item, path / "subject"))
        self.check(data, found)
        self.ws._write(data, replace=replace, touched=())
        return item.id

    def _subject_batch(self, builder: RecordBuilder, item: ReviewInput, path: FieldPath) -> str:
        """Add the reviewed record, with its next review moved, to the builder's batch; its IRI."""
        subject, day = item.subject or "", item.next_review
        if item.kind == "system":
            stored = self.ws.system(subject)
            values = dataclasses.asdict(stored) | {"roles": list(stored.roles), "next_review": day}
            self.ws._system_batch(AISystemInput(**values), path, builder.problems, builder.data)
            return str(self.ws.system_iri(subject))
        record = self.reads.get(item.kind, subject)
        if isinstance(record, Risk):
            builder.risk(dataclasses.replace(record.as_input(), next_review=day), path)
        elif isinstance(record, ImpactAssessment):
            builder.assessment(dataclasses.replace(record.as_input(), next_review=day), path)
        return self.reads.iri(item.kind, subject)

    @one_at_a_time
    def put_nonconformity(
        self,
        item: NonconformityInput,
        *,
        path: FieldPath = FieldPath("nonconformity"),
        create: bool | None = None,
        problems: list[Problem] | None = None,
    ) -> str:
        """Store a nonconformity; closing it needs every corrective action on it done."""
        pending = [(a.id, a.status) for a in self.actions_of(item.id) if a.status != "done"] if item.status == "closed" else []
        build = lambda b: b.nonconformity(item, path, pending)  # noqa: E731 (as the other kinds pass it)
        return self._put("nonconformity", item.id, build, path=path, create=create, problems=problems)

    def actions_of(self, nonconformity_id: str) -> list[CorrectiveAction]:
        return [a for a in self.all_actions() if a.nonconformity == nonconformity_id]

    def all_actions(self) -> list[CorrectiveAction]:
        return [a for a in self.reads.all("corrective-action") if isinstance(a, CorrectiveAction)]

    @one_at_a_time
    def put_action(
        self,
        item: CorrectiveActionInput,
        *,
        path: FieldPath = FieldPath("correctiveAction"),
        create: bool | None = None,
        problems: list[Problem] | None = None,
    ) -> str:
        """Store a corrective action; refused on a closed nonconformity."""
        closed = None
        if self.reads.has("nonconformity", item.nonconformity):
            target = self.reads.get("nonconformity", item.nonconformity)
            if isinstance(target, Nonconformity) and target.status == "closed":
                closed = target.closed_on or target.found_on
        return self._put("corrective-action", item.id, lambda b: b.action(item, path, closed), path=path, create=create, problems=problems)

    @one_at_a_time
    def record_measurements(self, items: Iterable[MeasurementInput], *, path: FieldPath = FieldPath("items")) -> int:
        """Store a batch of measurements, all or none; a measurement of the same objective at the same
        time as a stored one replaces it. A batch of new measurements from BULK_MIN_ITEMS goes to the
        store's bulk loader when it has one."""
        with collector_paused():
            batch = list(items)
            problems: list[Problem] = []
            data = Batch()
            builder = self.builder(problems, data)
            seen: set[str] = set()
            for index, item in enumerate(batch):
                builder.measurement(item, path / index, seen)
            self.check(data, problems)
            if not data:
                return 0
            stored = self._stored(list(data.nodes), GRC.Measurement)
            if not stored and len(data.nodes) >= BULK_MIN_ITEMS and isinstance(self.ws.store, BulkStore):
                self.ws._bulk_write(data, touched=())
            else:
                self.ws._write(data, replace=stored, touched=())
        return len(batch)

    def _stored(self, nodes: list[str], cls: object) -> list[str]:
        """The nodes among `nodes` (IRIs grcgraph minted) stored as `cls`: one query per BATCH_SIZE."""
        found: list[str] = []
        for start in range(0, len(nodes), BATCH_SIZE):
            values = " ".join(f"<{n}>" for n in nodes[start : start + BATCH_SIZE])
            sparql = f"SELECT ?m WHERE {{ GRAPH <{self.ws.graph}> {{ VALUES ?m {{ {values} }} ?m a <{cls}> }} }}"
            found += [str(m) for (m,) in self.ws.store.query_text(sparql) if m]
        return found

    @one_at_a_time
    def set_settings(self, settings: AIMSSettings, *, path: FieldPath = FieldPath("settings")) -> AIMSSettings:
        """Set the risk scale and the default staleness; a scale that stored values would exceed is refused."""
        problems: list[Problem] = []
        data = Batch()
        self.builder(problems, data, settings).settings_node(settings, path)
        for record_id, name, value in self._scaled_values():
            if isinstance(settings.risk_scale, int) and value > settings.risk_scale:
                problems.append(
                    Problem(f"{record_id} has a {name} of {value}, above {settings.risk_scale}: change it first", path / "riskScale")
                )
        self.check(data, problems)
        self.ws._write(data, replace=[self.reads.settings_iri], touched=())
        return settings

    def _scaled_values(self) -> list[tuple[str, str, int]]:
        found: list[tuple[str, str, int]] = []
        for risk in self.reads.all("risk"):
            assert isinstance(risk, Risk)
            for name in ("likelihood", "severity", "residual_likelihood", "residual_severity"):
                value = getattr(risk, name)
                if value is not None:
                    found.append((f"risk {risk.id!r}", name.replace("_", " "), value))
        for assessment in self.reads.all("impact-assessment"):
            assert isinstance(assessment, ImpactAssessment)
            for index, impact in enumerate(assessment.impacts, start=1):
                found += [(f"impact {index} of {assessment.id!r}", "severity", impact.severity)]
                found += [(f"impact {index} of {assessment.id!r}", "likelihood", impact.likelihood)]
        return found

    @one_at_a_time
    def delete(self, kind: str, record_id: str) -> None:
        """Delete one record (an objective with its measurements, an assessment with its impacts);
        refused while another record names it (a corrective action its nonconformity, a review its
        subject, a nonconformity the objective or review it came from)."""
        if kind not in terms.KINDS:
            raise InvalidInputError([Problem(f"{kind[:60]!r} is not one of {', '.join(terms.KINDS)}", FieldPath("kind"))])
        if not self.reads.has(kind, record_id):
            raise NotFoundError(f"no {LABELS[kind]} {record_id[:140]!r} in workspace {self.ws.name!r}")
        blockers = self._naming(kind, record_id)
        if blockers:
            raise InvalidInputError([Problem(f"{', '.join(blockers)} name(s) it: delete or change them first", FieldPath("id"))])
        extra = self._impact_nodes(record_id) if kind == "impact-assessment" else []
        if kind == "objective":
            extra = self.reads.measurement_ids(record_id)
        self.ws._write(Batch(), replace=[self.reads.iri(kind, record_id), *extra], touched=())

    def _naming(self, kind: str, record_id: str) -> list[str]:
        found: list[str] = []
        if kind == "nonconformity":
            found += [f"corrective action {a.id!r}" for a in self.actions_of(record_id)]
        if kind in ("risk", "impact-assessment"):
            found += [
                f"review {r.id!r}" for r in self.reads.all("review") if isinstance(r, Review) and (r.kind, r.subject) == (kind, record_id)
            ]
        if kind in ("objective", "review"):
            found += [
                f"nonconformity {n.id!r}"
                for n in self.reads.all("nonconformity")
                if isinstance(n, Nonconformity) and (n.source, n.source_ref) == (kind, record_id)
            ]
        return found
