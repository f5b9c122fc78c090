"""The notations users type for the AI management system's enumerated terms, each mapped to its
vocabulary IRI (tests/vocab/test_aims_terms.py checks them against ontology/grcgraph.ttl), and the
path segment of each record kind's IRIs, which is also the first part of its evidence key
(`impact-assessment/IA-3`)."""

from __future__ import annotations

from rdflib import URIRef

from grcgraph.vocab.namespace import GRC

RISK_STATUSES: dict[str, URIRef] = {
    "identified": GRC.RiskIdentified,
    "assessed": GRC.RiskAssessed,
    "treated": GRC.RiskTreated,
    "closed": GRC.RiskClosed,
}
TREATMENTS: dict[str, URIRef] = {
    "avoid": GRC.AvoidRisk,
    "mitigate": GRC.MitigateRisk,
    "transfer": GRC.TransferRisk,
    "accept": GRC.AcceptRisk,
}
DECISIONS: dict[str, URIRef] = {
    "approve": GRC.Approve,
    "approve-with-conditions": GRC.ApproveWithConditions,
    "reject": GRC.Reject,
}
IMPACT_AREAS: dict[str, URIRef] = {
    "fundamental-rights": GRC.FundamentalRights,
    "health-and-safety": GRC.HealthAndSafety,
    "environment": GRC.Environment,
    "society": GRC.Society,
}
DIRECTIONS: dict[str, URIRef] = {"higher": GRC.HigherIsBetter, "lower": GRC.LowerIsBetter}
REVIEW_KINDS: dict[str, URIRef] = {
    "system": GRC.SystemReview,
    "aims": GRC.ManagementReview,
    "risk": GRC.RiskReview,
    "impact-assessment": GRC.ImpactAssessmentReview,
}
NC_SOURCES: dict[str, URIRef] = {
    "internal-audit": GRC.InternalAudit,
    "external-audit": GRC.ExternalAudit,
    "incident": GRC.IncidentFinding,
    "review": GRC.ReviewFinding,
    "objective": GRC.ObjectiveBreach,
    "complaint": GRC.ComplaintFinding,
}
NC_SEVERITIES: dict[str, URIRef] = {"minor": GRC.MinorNonconformity, "major": GRC.MajorNonconformity}
NC_STATUSES: dict[str, URIRef] = {"open": GRC.NonconformityOpen, "closed": GRC.NonconformityClosed}
ACTION_STATUSES: dict[str, URIRef] = {"planned": GRC.ActionPlanned, "in-progress": GRC.ActionInProgress, "done": GRC.ActionDone}
# States that are not stored but follow from a record (docs/aims.md, "What each record evidences").
DERIVED_STATES: dict[str, URIRef] = {
    "draft": GRC.DraftAssessment,
    "unmeasured": GRC.Unmeasured,
    "measured": GRC.Measured,
    "effective": GRC.VerifiedEffective,
    "ineffective": GRC.VerifiedIneffective,
}
# What an assessment's and an action's `state` answers: the stored value, or the state that follows from it.
ASSESSMENT_STATES: dict[str, URIRef] = {"draft": GRC.DraftAssessment, **DECISIONS}
ACTION_STATES: dict[str, URIRef] = {**ACTION_STATUSES, "effective": GRC.VerifiedEffective, "ineffective": GRC.VerifiedIneffective}

# Record kind (as users name it) -> (vocabulary class, IRI path segment).
KINDS: dict[str, tuple[URIRef, str]] = {
    "risk": (GRC.AIRisk, "risk"),
    "impact-assessment": (GRC.ImpactAssessment, "impact-assessment"),
    "objective": (GRC.Objective, "objective"),
    "review": (GRC.Review, "review"),
    "nonconformity": (GRC.Nonconformity, "nonconformity"),
    "corrective-action": (GRC.CorrectiveAction, "corrective-action"),
}
KIND_CLASSES: dict[str, URIRef] = {kind: cls for kind, (cls, _segment) in KINDS.items()}
KIND_OF_CLASS: dict[str, str] = {str(cls): kind for kind, (cls, _segment) in KINDS.items()}
RECORD_CLASSES = (
    GRC.AIRisk,
    GRC.ImpactAssessment,
    GRC.Impact,
    GRC.Objective,
    GRC.Measurement,
    GRC.Review,
    GRC.Nonconformity,
    GRC.CorrectiveAction,
    GRC.AIMSSettings,
)


def record_key(kind: str, record_id: str) -> str:
    """How a record is named where evidence ids are (coverage paths, gap rows): `kind/id`; no
    evidence id holds a '/', so the two never collide."""
    return f"{KINDS[kind][1]}/{record_id}"


def split_key(key: str) -> tuple[str, str] | None:
    """(kind, id) of a record key, or None for an evidence id."""
    segment, slash, record_id = key.partition("/")
    if not slash:
        return None
    for kind, (_cls, known) in KINDS.items():
        if known == segment:
            return kind, record_id
    return None
