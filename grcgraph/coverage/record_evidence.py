"""The AI management system's records as evidence. Which requirements a record of each kind
evidences, and when, is data in the vocabulary (grc:RecordEvidenceRule, ontology/grcgraph.ttl),
read here from the reference graph; this module only says what state each record is in, which AI
systems it concerns, and turns each rule that applies into links, the same links evidence items
have, so that coverage, explanations and gap reports count records with the same rules.

A record's links carry its key where an evidence id stands (`impact-assessment/IA-3`); the
explanation's first hop names the record (its label: "impact assessment IA-3 of system credit,
approved 2026-11-03"). A record counts until its next review, as evidence until its valid-until
date; an objective until its latest measurement is older than its staleness window.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass

from rdflib import RDFS, URIRef

from grcgraph.model import (
    AIMSSettings,
    AISystem,
    CorrectiveAction,
    Covered,
    EvidenceLink,
    ImpactAssessment,
    Nonconformity,
    Objective,
    RecordEvidence,
    Review,
    Risk,
)
from grcgraph.reference.catalog import GRAPH, PREFIXES
from grcgraph.store.base import GraphStore
from grcgraph.vocab import aims_terms as terms
from grcgraph.vocab.namespace import GRC
from grcgraph.vocab.terms import AI_CATEGORIES, EXTENTS, OPERATOR_ROLES

_EXTENT_NAMES = {str(iri): name for name, iri in EXTENTS.items()}
_STATE_LABELS = {"approve": "approved", "approve-with-conditions": "approved with conditions", "reject": "rejected"}
_STATE_LABELS |= {"effective": "verified effective", "ineffective": "verified ineffective", "in-progress": "in progress"}


@dataclass(frozen=True)
class EvidenceRule:
    """One grc:RecordEvidenceRule: records of `kind` in one of `states` (any when empty), whose AI
    system holds one of `roles` and is of one of `categories` (IRIs; when given), evidence each of
    `requirements` to `extent`."""

    iri: str
    kind: str
    states: frozenset[str]
    roles: frozenset[str]
    categories: frozenset[str]
    requirements: tuple[str, ...]
    extent: str
    why: str

    @property
    def conditional(self) -> bool:
        return bool(self.roles or self.categories)

    def holds_for(self, system: AISystem | None) -> bool:
        """Whether the rule's role and category conditions hold for `system`."""
        if not self.conditional:
            return True
        if system is None:
            return False
        roles = {str(OPERATOR_ROLES[r]) for r in system.roles}
        category = str(AI_CATEGORIES.get(system.category, ""))
        return (not self.roles or bool(roles & self.roles)) and (not self.categories or category in self.categories)


def load_rules(store: GraphStore) -> list[EvidenceRule]:
    """Every record evidence rule of the reference graph (two queries)."""
    heads = store.query_text(
        PREFIXES + f"SELECT ?r ?kind ?extent ?why WHERE {{ GRAPH {GRAPH} {{ ?r a grc:RecordEvidenceRule ; "
        f"grc:recordKind ?kind ; grc:evidenceExtent ?extent ; <{RDFS.comment}> ?why }} }}"
    )
    many: dict[tuple[str, str], set[str]] = {}
    for rule, prop, value in store.query_text(
        PREFIXES + f"SELECT ?r ?p ?o WHERE {{ GRAPH {GRAPH} {{ ?r a grc:RecordEvidenceRule ; ?p ?o . "
        "FILTER (?p IN (grc:whenState, grc:whenSystemRole, grc:whenSystemCategory, grc:evidencesRequirement)) } }"
    ):
        many.setdefault((rule or "", prop or ""), set()).add(value or "")
    rules = []
    for rule, kind, extent, why in heads:
        if rule is None or kind not in terms.KIND_OF_CLASS:
            continue

        def values(prop: URIRef, rule: str = rule) -> set[str]:
            return many.get((rule, str(prop)), set())

        rules.append(
            EvidenceRule(
                iri=rule,
                kind=terms.KIND_OF_CLASS[kind],
                states=frozenset(values(GRC.whenState)),
                roles=frozenset(values(GRC.whenSystemRole)),
                categories=frozenset(values(GRC.whenSystemCategory)),
                requirements=tuple(sorted(values(GRC.evidencesRequirement))),
                extent=_EXTENT_NAMES.get(extent or "", "partial"),
                why=why or "",
            )
        )
    return sorted(rules, key=lambda r: r.iri)


@dataclass(frozen=True)
class RecordSet:
    """Every record of a workspace, as the engine needs them, with what it needs around them."""

    risks: Sequence[Risk]
    assessments: Sequence[ImpactAssessment]
    objectives: Sequence[Objective]
    reviews: Sequence[Review]
    nonconformities: Sequence[Nonconformity]
    actions: Sequence[CorrectiveAction]
    series: Mapping[str, tuple[int, dt.datetime]]  # objective id -> (measurements, latest time)
    systems: Mapping[str, AISystem]
    settings: AIMSSettings


def _state(kind: str, record: object, records: RecordSet) -> str:
    """The IRI of the state a record is in, as rules name states."""
    if isinstance(record, Risk):
        return str(terms.RISK_STATUSES[record.status])
    if isinstance(record, ImpactAssessment):
        return str(terms.DECISIONS[record.decision]) if record.decision else str(terms.DERIVED_STATES["draft"])
    if isinstance(record, Objective):
        return str(terms.DERIVED_STATES["measured" if record.id in records.series else "unmeasured"])
    if isinstance(record, Review):
        return str(terms.REVIEW_KINDS[record.kind])
    if isinstance(record, Nonconformity):
        return str(terms.NC_STATUSES[record.status])
    if isinstance(record, CorrectiveAction):
        state = record.state
        return str(terms.DERIVED_STATES[state] if state in terms.DERIVED_STATES else terms.ACTION_STATUSES[state])
    raise TypeError(f"not a record of {kind}")


def _systems(record: object, records: RecordSet) -> tuple[str, ...]:
    """The AI systems a record concerns: its own, a review's subject's, an action's nonconformity's."""
    if isinstance(record, Risk | Objective):
        return record.systems
    if isinstance(record, ImpactAssessment):
        return (record.system,)
    if isinstance(record, Nonconformity):
        return (record.system,) if record.system else ()
    if isinstance(record, CorrectiveAction):
        found = next((n for n in records.nonconformities if n.id == record.nonconformity), None)
        return _systems(found, records) if found else ()
    if isinstance(record, Review):
        if record.kind == "system":
            return (record.subject,) if record.subject else ()
        subjects: Iterable[Risk | ImpactAssessment] = records.risks if record.kind == "risk" else records.assessments
        subject = next((s for s in subjects if s.id == record.subject), None)
        return _systems(subject, records) if subject else ()
    return ()


def _of(systems: Sequence[str]) -> str:
    if not systems:
        return ""
    return f" of system {systems[0]}" if len(systems) == 1 else f" of systems {', '.join(systems)}"


def label(kind: str, record: object, records: RecordSet) -> tuple[str, str, str, dt.date | None]:
    """How an explanation names a record, who stands behind it, when, and until when it counts."""
    of = _of(_systems(record, records))
    if isinstance(record, Risk):
        treated = f" ({record.treatment})" if record.status == "treated" and record.treatment else ""
        when = f", assessed {record.assessed_on.isoformat()}" if record.assessed_on else ""
        return (
            f"risk {record.id}{of}, {record.status}{treated}{when}",
            record.owner or "the risk register",
            _iso(record.assessed_on),
            record.next_review,
        )
    if isinstance(record, ImpactAssessment):
        day = record.decided_on or record.assessed_on
        state = f"{_STATE_LABELS[record.decision]} {day.isoformat()}" if record.decision else f"draft of {record.assessed_on.isoformat()}"
        return f"impact assessment {record.id}{of}, {state}", record.approver or record.assessor, day.isoformat(), record.next_review
    if isinstance(record, Objective):
        count, latest = records.series.get(record.id, (0, None))
        if latest is None:
            return f"objective {record.id}{of}, no measurement yet", record.owner or "objective", "", None
        window = record.stale_after_days or records.settings.stale_after_days
        text = f"objective {record.id}{of}, {count} measurement{'s' if count != 1 else ''}, the latest {latest.date().isoformat()}"
        return text, record.owner or "objective", latest.isoformat(), latest.date() + dt.timedelta(days=window)
    if isinstance(record, Review):
        who = ", ".join(record.participants) or "review"
        if record.kind == "aims":
            return (
                f"management review {record.id}, {record.reviewed_on.isoformat()}",
                who,
                record.reviewed_on.isoformat(),
                record.next_review,
            )
        text = f"review {record.id} of {record.kind.replace('-', ' ')} {record.subject}, {record.reviewed_on.isoformat()}"
        return text, who, record.reviewed_on.isoformat(), record.next_review
    if isinstance(record, Nonconformity):
        text = f"nonconformity {record.id}{of}, found {record.found_on.isoformat()} ({record.source.replace('-', ' ')}), {record.status}"
        return text, "nonconformity register", record.found_on.isoformat(), None
    if isinstance(record, CorrectiveAction):
        state = _STATE_LABELS.get(record.state, record.state)
        when = f" {record.verified_on.isoformat()}" if record.verified_on and record.effective is not None else ""
        text = f"corrective action {record.id} for nonconformity {record.nonconformity}{of}, {state}{when}"
        return text, record.verified_by or record.owner, _iso(record.verified_on) or record.due.isoformat(), None
    raise TypeError(f"not a record of {kind}")


def _iso(day: dt.date | None) -> str:
    return day.isoformat() if day else ""


def record_evidence(records: RecordSet, rules: Sequence[EvidenceRule]) -> dict[str, RecordEvidence]:
    """Every record of the workspace as evidence, by key: one link per requirement a rule gives
    it, for each AI system it concerns that meets the rule's conditions (for every system when it
    concerns none and the rule has no conditions)."""
    found: dict[str, RecordEvidence] = {}
    by_kind: list[tuple[str, Sequence[object]]] = [
        ("risk", records.risks),
        ("impact-assessment", records.assessments),
        ("objective", records.objectives),
        ("review", records.reviews),
        ("nonconformity", records.nonconformities),
        ("corrective-action", records.actions),
    ]
    for kind, items in by_kind:
        applying = [r for r in rules if r.kind == kind]
        for record in items:
            record_id = str(getattr(record, "id", ""))
            key = terms.record_key(kind, record_id)
            text, who, when, until = label(kind, record, records)
            state, systems = _state(kind, record, records), _systems(record, records)
            links: dict[tuple[str, str | None], EvidenceLink] = {}
            for rule in applying:
                if rule.states and state not in rule.states:
                    continue
                scopes: list[str | None] = list(systems) if systems else [None]
                for scope in scopes:
                    if not rule.holds_for(records.systems.get(scope) if scope else None):
                        continue
                    for requirement in rule.requirements:
                        link = EvidenceLink(key, requirement, rule.extent, who, when, scope)
                        previous = links.get((requirement, scope))
                        if previous is None or (previous.extent == "partial" and link.extent == "full"):
                            links[(requirement, scope)] = link
            ordered = tuple(sorted(links.values(), key=lambda link: (link.requirement, link.system or "")))
            found[key] = RecordEvidence(key, kind, record_id, text, systems[0] if len(systems) == 1 else None, until, ordered)
    return found


def serves_as_fria(assessment: ImpactAssessment, system: AISystem | None, rules: Sequence[EvidenceRule], fria: set[str]) -> bool:
    """Whether an impact assessment is the fundamental rights impact assessment of Art. 27: a rule
    for impact assessments that evidences a provision in `fria` (the IRIs of Art. 27 and its
    paragraphs) holds for the system's role and category."""
    return any(r.kind == "impact-assessment" and r.conditional and fria & set(r.requirements) and r.holds_for(system) for r in rules)


def merged(evidence: Mapping[str, Covered], records: Mapping[str, Covered], max_paths: int = 20) -> dict[str, Covered]:
    """Coverage from evidence items and from records together: the best level of either, records'
    paths first (they are few, and name the AIMS's own records), at most `max_paths` per requirement."""
    result = dict(evidence)
    for requirement, entry in records.items():
        other = evidence.get(requirement)
        if other is None:
            result[requirement] = entry
            continue
        both = Covered(requirement, max(entry.level, other.level), max(entry.stale_level, other.stale_level))
        both.paths = [*entry.paths, *other.paths][:max_paths]
        result[requirement] = both
    return result
