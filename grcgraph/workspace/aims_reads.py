"""Reading the AI management system's records of one workspace: each kind in one store read (every
node of the kind with its properties), one record by id, an objective's measurements, the count
and latest time of every objective's series in one query, and the workspace's settings.

Record IRIs are the workspace base, the kind's segment and the id (`.../impact-assessment/IA-3`);
a measurement's is its objective's with a key of its time, so recording the same time again
replaces it.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from functools import cached_property
from typing import Any

import pyoxigraph as ox
from rdflib import RDF, Literal, URIRef
from rdflib.namespace import DCTERMS, SKOS, XSD
from rdflib.term import Identifier

from grcgraph.errors import NotFoundError
from grcgraph.model import (
    AIMSSettings,
    CorrectiveAction,
    Impact,
    ImpactAssessment,
    Measurement,
    Nonconformity,
    Objective,
    Review,
    Risk,
)
from grcgraph.vocab import aims_terms as terms
from grcgraph.vocab import iris
from grcgraph.vocab.namespace import GRC
from grcgraph.workspace.inputs import ID_PATTERN, notation, uuid5_hex
from grcgraph.workspace.reads import Values, WorkspaceReads

Record = Risk | ImpactAssessment | Objective | Review | Nonconformity | CorrectiveAction
LABELS = {"risk": "risk", "impact-assessment": "impact assessment", "objective": "objective", "review": "review"}
LABELS |= {"nonconformity": "nonconformity", "corrective-action": "corrective action", "system": "AI system"}


def parse_time(text: str) -> dt.datetime:
    """A stored xsd:dateTime (always with its offset: grcgraph writes UTC)."""
    found = dt.datetime.fromisoformat(text)
    return found if found.tzinfo else found.replace(tzinfo=dt.UTC)


def time_text(when: dt.datetime) -> str:
    """How a measurement's time is stored, and keyed: UTC, to the second unless finer was given."""
    utc = (when if when.tzinfo else when.replace(tzinfo=dt.UTC)).astimezone(dt.UTC)
    return utc.isoformat(timespec="microseconds" if utc.microsecond else "seconds").replace("+00:00", "Z")


class AIMSReads:
    """The records of the workspace `ws`, as model records."""

    def __init__(self, ws: WorkspaceReads) -> None:
        self.ws = ws
        self.graph = ox.NamedNode(str(ws.graph))

    # --- IRIs ---------------------------------------------------------------------------------
    def iri(self, kind: str, record_id: str) -> str:
        return f"{self.ws.base}{terms.KINDS[kind][1]}/{record_id}"

    def measurement_iri(self, objective_id: str, at: str) -> str:
        return f"{self.ws.base}measurement/{uuid5_hex(f'{objective_id}|{at}')}"

    @property
    def settings_iri(self) -> str:
        return f"{self.ws.base}aims-settings"

    def id_of(self, kind: str, iri: str) -> str:
        return iri[len(self.ws.base) + len(terms.KINDS[kind][1]) + 1 :]

    # --- what exists --------------------------------------------------------------------------
    def has(self, kind: str, record_id: str | None) -> bool:
        """Whether the workspace holds a record of `kind` (or an AI system, kind "system") with this id."""
        if not record_id or not ID_PATTERN.match(record_id):
            return False
        if kind == "system":
            return self.ws.has_system(record_id)
        return self.ws._exists(URIRef(self.iri(kind, record_id)), terms.KINDS[kind][0])

    def stored_types(self, nodes: set[str]) -> dict[str, set[str]]:
        """The stored types of workspace IRIs (for the shapes' class checks)."""
        rdf_type = ox.NamedNode(str(RDF.type))
        found: dict[str, set[str]] = {}
        for node in nodes:
            quads = self.ws.store.quads(ox.NamedNode(node), rdf_type, None, self.graph)
            found[node] = {q.object.value for q in quads if isinstance(q.object, ox.NamedNode)}
        return found

    # --- settings -------------------------------------------------------------------------------
    def settings(self) -> AIMSSettings:
        v = self._values(self.settings_iri)
        scale, stale = _one(v, GRC.riskScale), _one(v, GRC.staleAfterDays)
        default = AIMSSettings()
        return AIMSSettings(
            risk_scale=int(scale) if scale else default.risk_scale, stale_after_days=int(stale) if stale else default.stale_after_days
        )

    # --- records --------------------------------------------------------------------------------
    def _values(self, node: str) -> Values:
        values: Values = {}
        for quad in self.ws.store.quads(ox.NamedNode(node), None, None, self.graph):
            values.setdefault(quad.predicate.value, []).append(quad.object)
        return values

    def _nodes(self, cls: URIRef) -> dict[str, Values]:
        nodes: dict[str, Values] = {}
        for quad in self.ws.store.described(ox.NamedNode(str(RDF.type)), ox.NamedNode(str(cls)), self.graph):
            if isinstance(quad.subject, ox.NamedNode):
                nodes.setdefault(quad.subject.value, {}).setdefault(quad.predicate.value, []).append(quad.object)
        return nodes

    def get(self, kind: str, record_id: str) -> Record:
        """One record; NotFoundError naming the kind and id when there is none."""
        if not self.has(kind, record_id):
            raise NotFoundError(f"no {LABELS[kind]} {record_id[:140]!r} in workspace {self.ws.name!r}")
        node = self.iri(kind, record_id)
        impacts = self._impacts(self._values(node)) if kind == "impact-assessment" else {}
        return self._record(kind, node, self._values(node), impacts)

    def all(self, kind: str) -> list[Record]:
        """Every record of `kind`, by id, in one store read (two for impact assessments)."""
        nodes = self._nodes(terms.KINDS[kind][0])
        impacts = self._impact_nodes() if kind == "impact-assessment" and nodes else {}
        return sorted((self._record(kind, node, v, impacts) for node, v in nodes.items()), key=lambda r: r.id)

    def _impact_nodes(self) -> dict[str, Values]:
        return self._nodes(GRC.Impact)

    def _impacts(self, v: Values) -> dict[str, Values]:
        return {iri: self._values(iri) for iri in _all(v, GRC.hasImpact)}

    def _record(self, kind: str, node: str, v: Values, impacts: dict[str, Values]) -> Record:
        record_id = self.id_of(kind, node)
        build: dict[str, Callable[[str, Values], Record]] = {
            "risk": self._risk,
            "objective": self._objective,
            "review": self._review,
            "nonconformity": self._nonconformity,
            "corrective-action": self._action,
        }
        if kind == "impact-assessment":
            return self._assessment(record_id, v, impacts)
        return build[kind](record_id, v)

    def _system_ids(self, v: Values) -> tuple[str, ...]:
        start = len(self.ws.base) + len("system/")
        return tuple(iri[start:] for iri in _all(v, GRC.concernsSystem))

    @cached_property
    def gai_labels(self) -> dict[str, str]:
        """NIST AI 600-1 risk IRI -> label, from the reference graph."""
        reference = ox.NamedNode(str(iris.REFERENCE_GRAPH))
        found = self.ws.store.described(ox.NamedNode(str(RDF.type)), ox.NamedNode(str(GRC.GenAIRisk)), reference)
        return {
            q.subject.value: q.object.value
            for q in found
            if q.predicate.value == str(SKOS.prefLabel) and isinstance(q.subject, ox.NamedNode) and isinstance(q.object, ox.Literal)
        }

    def _risk(self, record_id: str, v: Values) -> Risk:
        gai = _one(v, GRC.gaiRisk)
        return Risk(
            id=record_id,
            title=_one(v, DCTERMS.title) or "",
            description=_one(v, DCTERMS.description),
            systems=self._system_ids(v),
            gai_risk=self.gai_labels.get(gai, gai) if gai else None,
            likelihood=_int(v, GRC.likelihood),
            severity=_int(v, GRC.severity),
            residual_likelihood=_int(v, GRC.residualLikelihood),
            residual_severity=_int(v, GRC.residualSeverity),
            treatment=_term(v, GRC.riskTreatment, terms.TREATMENTS),
            controls=_all(v, GRC.chosenControl),
            evidence=tuple(t[len(self.ws.base) + len("evidence/") :] for t in _all(v, GRC.chosenEvidence)),
            owner=_one(v, GRC.owner),
            status=_term(v, GRC.riskStatus, terms.RISK_STATUSES) or "identified",
            assessed_on=_date(v, GRC.assessedOn),
            next_review=_date(v, GRC.nextReview),
        )

    def _assessment(self, record_id: str, v: Values, impacts: dict[str, Values]) -> ImpactAssessment:
        found = []
        for iri in _all(v, GRC.hasImpact):
            i = impacts.get(iri, {})
            found.append(
                (
                    _int(i, GRC.position) or 0,
                    Impact(
                        area=_term(i, GRC.impactArea, terms.IMPACT_AREAS) or "",
                        description=_one(i, DCTERMS.description) or "",
                        severity=_int(i, GRC.severity) or 0,
                        likelihood=_int(i, GRC.likelihood) or 0,
                        mitigation=_one(i, GRC.mitigation),
                    ),
                )
            )
        systems = self._system_ids(v)
        return ImpactAssessment(
            id=record_id,
            system=systems[0] if systems else "",
            assessed_on=_date(v, GRC.assessedOn) or dt.date.min,
            assessor=_one(v, GRC.assessor) or "",
            title=_one(v, DCTERMS.title),
            intended_use=_one(v, GRC.intendedUse),
            foreseeable_misuse=_one(v, GRC.foreseeableMisuse),
            affected=tuple(sorted(_all(v, GRC.affected))),
            impacts=tuple(impact for _position, impact in sorted(found, key=lambda pair: pair[0])),
            decision=_term(v, GRC.decision, terms.DECISIONS),
            approver=_one(v, GRC.approver),
            decided_on=_date(v, GRC.decidedOn),
            conditions=_one(v, GRC.conditions),
            next_review=_date(v, GRC.nextReview),
        )

    def _objective(self, record_id: str, v: Values) -> Objective:
        return Objective(
            id=record_id,
            title=_one(v, DCTERMS.title) or "",
            metric=_one(v, GRC.metric) or "",
            direction=_term(v, GRC.direction, terms.DIRECTIONS) or "higher",
            target=float(_one(v, GRC.target) or 0),
            threshold=float(_one(v, GRC.threshold) or 0),
            unit=_one(v, GRC.unit),
            systems=self._system_ids(v),
            requirements=_all(v, GRC.servesRequirement),
            owner=_one(v, GRC.owner),
            description=_one(v, DCTERMS.description),
            stale_after_days=_int(v, GRC.staleAfterDays),
        )

    def _review(self, record_id: str, v: Values) -> Review:
        kind = _term(v, GRC.reviewKind, terms.REVIEW_KINDS) or "aims"
        subject = _one(v, GRC.reviewOf)
        return Review(
            id=record_id,
            kind=kind,
            reviewed_on=_date(v, GRC.reviewedOn) or dt.date.min,
            outcome=_one(v, GRC.outcome) or "",
            subject=subject.rsplit("/", 1)[-1] if subject else None,
            participants=tuple(sorted(_all(v, GRC.participant))),
            actions=tuple(sorted(_all(v, GRC.followUp))),
            next_review=_date(v, GRC.nextReview),
        )

    def _nonconformity(self, record_id: str, v: Values) -> Nonconformity:
        systems = self._system_ids(v)
        source = _one(v, GRC.sourceRecord)
        return Nonconformity(
            id=record_id,
            title=_one(v, DCTERMS.title) or "",
            found_on=_date(v, GRC.foundOn) or dt.date.min,
            source=_term(v, GRC.foundIn, terms.NC_SOURCES) or "",
            severity=_term(v, GRC.nonconformitySeverity, terms.NC_SEVERITIES) or "minor",
            source_ref=source.rsplit("/", 1)[-1] if source else None,
            requirements=_all(v, GRC.notMet),
            system=systems[0] if systems else None,
            description=_one(v, DCTERMS.description),
            root_cause=_one(v, GRC.rootCause),
            status=_term(v, GRC.nonconformityStatus, terms.NC_STATUSES) or "open",
            closed_on=_date(v, GRC.closedOn),
        )

    def _action(self, record_id: str, v: Values) -> CorrectiveAction:
        corrects = _one(v, GRC.corrects) or ""
        effective = _one(v, GRC.effective)
        return CorrectiveAction(
            id=record_id,
            nonconformity=corrects.rsplit("/", 1)[-1],
            title=_one(v, DCTERMS.title) or "",
            owner=_one(v, GRC.owner) or "",
            due=_date(v, GRC.due) or dt.date.min,
            status=_term(v, GRC.actionStatus, terms.ACTION_STATUSES) or "planned",
            effective=None if effective is None else effective == "true",
            verified_on=_date(v, GRC.verifiedOn),
            verified_by=_one(v, GRC.verifiedBy),
            verification=_one(v, GRC.verification),
        )

    # --- measurements ---------------------------------------------------------------------------
    def series_summary(self) -> dict[str, tuple[int, dt.datetime]]:
        """Objective id -> (measurements, latest time), for every objective measured: one query."""
        sparql = (
            f"SELECT ?o (COUNT(?m) AS ?n) (MAX(?t) AS ?last) WHERE {{ GRAPH <{self.ws.graph}> {{ "
            f"?m <{GRC.ofObjective}> ?o ; <{GRC.measuredAt}> ?t }} }} GROUP BY ?o"
        )
        found: dict[str, tuple[int, dt.datetime]] = {}
        for objective, count, last in self.ws.store.query_text(sparql):
            if objective and count and last:
                found[self.id_of("objective", objective)] = (int(count), parse_time(last))
        return found

    def measurements(self, objective_id: str, *, latest: int | None = None, before: dt.datetime | None = None) -> list[Measurement]:
        """An objective's measurements in time order (only the `latest` ones when given, only those
        before `before` when given): one query."""
        limit = f" ORDER BY DESC(?t) LIMIT {int(latest)}" if latest else ""
        bindings: dict[str, Identifier] = {"o": URIRef(self.iri("objective", objective_id))}
        cut = projected = ""
        if before is not None:  # a bound variable is projected too (Oxigraph substitutes only those)
            cut, projected = " FILTER (?t < ?before)", " ?before"
            bindings["before"] = Literal(time_text(before), datatype=XSD.dateTime)
        sparql = (
            f"SELECT ?o ?t ?v ?by ?src{projected} WHERE {{ GRAPH <{self.ws.graph}> {{ ?m <{GRC.ofObjective}> ?o ; <{GRC.measuredAt}> ?t ; "
            f"<{GRC.value}> ?v ; <{GRC.recordedBy}> ?by .{cut} OPTIONAL {{ ?m <{GRC.measurementSource}> ?src }} }} }}{limit}"
        )
        rows = self.ws.store.query_text(sparql, bindings)
        found = [Measurement(objective_id, float(v or "nan"), parse_time(t or ""), by or "", src) for _o, t, v, by, src, *_ in rows]
        found.sort(key=lambda m: m.at)
        return found

    def measurement_ids(self, objective_id: str) -> list[str]:
        node = ox.NamedNode(self.iri("objective", objective_id))
        quads = self.ws.store.quads(None, ox.NamedNode(str(GRC.ofObjective)), node, self.graph)
        return [q.subject.value for q in quads if isinstance(q.subject, ox.NamedNode)]


def _one(v: Values, prop: URIRef) -> str | None:
    found = v.get(str(prop))
    if not found:
        return None
    term = found[0]
    return term.value if isinstance(term, ox.Literal | ox.NamedNode) else None


def _all(v: Values, prop: URIRef) -> tuple[str, ...]:
    return tuple(sorted(term.value for term in v.get(str(prop), []) if isinstance(term, ox.Literal | ox.NamedNode)))


def _int(v: Values, prop: URIRef) -> int | None:
    text = _one(v, prop)
    return int(text) if text is not None else None


def _date(v: Values, prop: URIRef) -> dt.date | None:
    text = _one(v, prop)
    return dt.date.fromisoformat(text) if text else None


def _term(v: Values, prop: URIRef, mapping: dict[str, Any]) -> str | None:
    text = _one(v, prop)
    return notation(mapping, text) if text else None
