"""Closed value sets of the API as GraphQL enums, each value named after its notation
(`in-progress` -> IN_PROGRESS) and described with the vocabulary IRI it stands for
(grcgraph/vocab/, the values ontology/shapes.ttl allows). Resolvers and inputs hand the engine the
notation (`RiskStatus.TREATED.value == "treated"`), so nothing below the server changes."""

from __future__ import annotations

import re
from enum import Enum
from typing import Any

import strawberry
from rdflib import URIRef

from grcgraph.model import OBJECTIVE_STATUSES, STATUSES, Role
from grcgraph.reports.words import STATUS_MEANINGS
from grcgraph.vocab import aims_terms, terms
from grcgraph.workspace.tokens import AUTH


def term(notation: str, terms: dict[str, URIRef]) -> Any:
    """An enum value standing for `terms[notation]`, described with its notation and IRI."""
    return strawberry.enum_value(notation, description=f"{notation}: <{terms[notation]}>")


@strawberry.enum(description="Where a risk stands in the register (grc:RiskStatus; ISO/IEC 42001 6.1.2-6.1.3, 8.2-8.3)")
class RiskStatus(Enum):
    IDENTIFIED = term("identified", aims_terms.RISK_STATUSES)
    ASSESSED = term("assessed", aims_terms.RISK_STATUSES)
    TREATED = term("treated", aims_terms.RISK_STATUSES)
    CLOSED = term("closed", aims_terms.RISK_STATUSES)


@strawberry.enum(description="How a risk is treated (grc:RiskTreatment; ISO/IEC 42001 6.1.3)")
class RiskTreatment(Enum):
    AVOID = term("avoid", aims_terms.TREATMENTS)
    MITIGATE = term("mitigate", aims_terms.TREATMENTS)
    TRANSFER = term("transfer", aims_terms.TREATMENTS)
    ACCEPT = term("accept", aims_terms.TREATMENTS)


@strawberry.enum(description="An impact assessment's decision (grc:AssessmentDecision; ISO/IEC 42001 6.1.4, 8.4)")
class AssessmentDecision(Enum):
    APPROVE = term("approve", aims_terms.DECISIONS)
    APPROVE_WITH_CONDITIONS = term("approve-with-conditions", aims_terms.DECISIONS)
    REJECT = term("reject", aims_terms.DECISIONS)


@strawberry.enum(description="What an impact touches (grc:ImpactArea; ISO/IEC 42001 A.5; EU AI Act Art. 27)")
class ImpactArea(Enum):
    FUNDAMENTAL_RIGHTS = term("fundamental-rights", aims_terms.IMPACT_AREAS)
    HEALTH_AND_SAFETY = term("health-and-safety", aims_terms.IMPACT_AREAS)
    ENVIRONMENT = term("environment", aims_terms.IMPACT_AREAS)
    SOCIETY = term("society", aims_terms.IMPACT_AREAS)


@strawberry.enum(description="Which way an objective's metric is better (grc:Direction)")
class ObjectiveDirection(Enum):
    HIGHER = term("higher", aims_terms.DIRECTIONS)
    LOWER = term("lower", aims_terms.DIRECTIONS)


@strawberry.enum(description="What a review is of (grc:ReviewKind; AIMS: the management review, ISO/IEC 42001 9.3)")
class ReviewKind(Enum):
    SYSTEM = term("system", aims_terms.REVIEW_KINDS)
    AIMS = term("aims", aims_terms.REVIEW_KINDS)
    RISK = term("risk", aims_terms.REVIEW_KINDS)
    IMPACT_ASSESSMENT = term("impact-assessment", aims_terms.REVIEW_KINDS)


@strawberry.enum(description="Where a nonconformity was found (grc:NonconformitySource; ISO/IEC 42001 10.2)")
class NonconformitySource(Enum):
    INTERNAL_AUDIT = term("internal-audit", aims_terms.NC_SOURCES)
    EXTERNAL_AUDIT = term("external-audit", aims_terms.NC_SOURCES)
    INCIDENT = term("incident", aims_terms.NC_SOURCES)
    REVIEW = term("review", aims_terms.NC_SOURCES)
    OBJECTIVE = term("objective", aims_terms.NC_SOURCES)
    COMPLAINT = term("complaint", aims_terms.NC_SOURCES)


@strawberry.enum(description="How serious a nonconformity is (grc:NonconformitySeverity)")
class NonconformitySeverity(Enum):
    MINOR = term("minor", aims_terms.NC_SEVERITIES)
    MAJOR = term("major", aims_terms.NC_SEVERITIES)


@strawberry.enum(description="Whether a nonconformity is open (grc:NonconformityStatus)")
class NonconformityStatus(Enum):
    OPEN = term("open", aims_terms.NC_STATUSES)
    CLOSED = term("closed", aims_terms.NC_STATUSES)


@strawberry.enum(description="Where a corrective action stands (grc:ActionStatus; ISO/IEC 42001 10.2)")
class CorrectiveActionStatus(Enum):
    PLANNED = term("planned", aims_terms.ACTION_STATUSES)
    IN_PROGRESS = term("in-progress", aims_terms.ACTION_STATUSES)
    DONE = term("done", aims_terms.ACTION_STATUSES)


@strawberry.enum(description="What kind of artifact an evidence item is (grc:EvidenceKind)")
class EvidenceKind(Enum):
    POLICY = term("policy", terms.EVIDENCE_KINDS)
    PROCEDURE = term("procedure", terms.EVIDENCE_KINDS)
    RECORD = term("record", terms.EVIDENCE_KINDS)
    CONFIGURATION = term("configuration", terms.EVIDENCE_KINDS)
    LOG = term("log", terms.EVIDENCE_KINDS)
    TEST_RESULT = term("test-result", terms.EVIDENCE_KINDS)
    METRIC = term("metric", terms.EVIDENCE_KINDS)
    ATTESTATION = term("attestation", terms.EVIDENCE_KINDS)
    ASSESSMENT = term("assessment", terms.EVIDENCE_KINDS)
    DOCUMENTATION = term("documentation", terms.EVIDENCE_KINDS)
    TRAINING = term("training", terms.EVIDENCE_KINDS)
    OTHER = term("other", terms.EVIDENCE_KINDS)


@strawberry.enum(description="How much of a requirement an evidence link claims to cover (grc:Extent)")
class LinkExtent(Enum):
    FULL = term("full", terms.EXTENTS)
    PARTIAL = term("partial", terms.EXTENTS)


@strawberry.enum(description="An AI system's category under the EU AI Act (grc:AICategory; Art. 5, 6, 50, 51)")
class AICategory(Enum):
    PROHIBITED = term("prohibited", terms.AI_CATEGORIES)
    HIGH_RISK_ANNEX_I = term("high-risk-annex-i", terms.AI_CATEGORIES)
    HIGH_RISK_ANNEX_I_B = term("high-risk-annex-i-b", terms.AI_CATEGORIES)
    HIGH_RISK_ANNEX_III = term("high-risk-annex-iii", terms.AI_CATEGORIES)
    TRANSPARENCY = term("transparency", terms.AI_CATEGORIES)
    GPAI = term("gpai", terms.AI_CATEGORIES)
    GPAI_SYSTEMIC = term("gpai-systemic", terms.AI_CATEGORIES)
    MINIMAL = term("minimal", terms.AI_CATEGORIES)


@strawberry.enum(description="The organisation's role for an AI system under the EU AI Act (grc:OperatorRole; Art. 3)")
class OperatorRole(Enum):
    PROVIDER = term("provider", terms.OPERATOR_ROLES)
    DEPLOYER = term("deployer", terms.OPERATOR_ROLES)
    IMPORTER = term("importer", terms.OPERATOR_ROLES)
    DISTRIBUTOR = term("distributor", terms.OPERATOR_ROLES)
    AUTHORISED_REPRESENTATIVE = term("authorised-representative", terms.OPERATOR_ROLES)
    PRODUCT_MANUFACTURER = term("product-manufacturer", terms.OPERATOR_ROLES)


@strawberry.enum(description="What a requirement is in its framework: the class under grc:Requirement, by its local name")
class RequirementKind(Enum):
    CLAUSE = term("Clause", terms.REQUIREMENT_KINDS)
    CONTROL_AREA = term("ControlArea", terms.REQUIREMENT_KINDS)
    CONTROL = term("Control", terms.REQUIREMENT_KINDS)
    CONTROL_ENHANCEMENT = term("ControlEnhancement", terms.REQUIREMENT_KINDS)
    CHAPTER = term("Chapter", terms.REQUIREMENT_KINDS)
    SECTION = term("Section", terms.REQUIREMENT_KINDS)
    ARTICLE = term("Article", terms.REQUIREMENT_KINDS)
    PARAGRAPH = term("Paragraph", terms.REQUIREMENT_KINDS)
    ANNEX = term("Annex", terms.REQUIREMENT_KINDS)
    FUNCTION = term("Function", terms.REQUIREMENT_KINDS)
    CATEGORY = term("Category", terms.REQUIREMENT_KINDS)
    SUBCATEGORY = term("Subcategory", terms.REQUIREMENT_KINDS)
    GEN_AI_ACTION = term("GenAIAction", terms.REQUIREMENT_KINDS)


@strawberry.enum(description="A crosswalk relationship of NIST IR 8477 (grc:Relationship), by its local name, read from the subject")
class MappingPredicate(Enum):
    EQUAL = term("equal", terms.RELATIONSHIPS)
    SUBSET_OF = term("subsetOf", terms.RELATIONSHIPS)
    SUPERSET_OF = term("supersetOf", terms.RELATIONSHIPS)
    INTERSECTS_WITH = term("intersectsWith", terms.RELATIONSHIPS)
    NO_RELATIONSHIP = term("noRelationship", terms.RELATIONSHIPS)
    SUPPORTS = term("supports", terms.RELATIONSHIPS)
    IS_SUPPORTED_BY = term("isSupportedBy", terms.RELATIONSHIPS)
    IDENTICAL = term("identical", terms.RELATIONSHIPS)
    EQUIVALENT = term("equivalent", terms.RELATIONSHIPS)
    CONTRARY = term("contrary", terms.RELATIONSHIPS)
    EXAMPLE_OF = term("exampleOf", terms.RELATIONSHIPS)
    HAS_EXAMPLE = term("hasExample", terms.RELATIONSHIPS)
    INTEGRAL_TO = term("integralTo", terms.RELATIONSHIPS)
    HAS_INTEGRAL_PART = term("hasIntegralPart", terms.RELATIONSHIPS)
    PRECEDES = term("precedes", terms.RELATIONSHIPS)
    PRECEDED_BY = term("precededBy", terms.RELATIONSHIPS)
    RELATED_TO = term("relatedTo", terms.RELATIONSHIPS)


@strawberry.enum(description="An impact assessment's state: draft until decided, then its decision (grc:RecordState)")
class ImpactAssessmentState(Enum):
    DRAFT = term("draft", aims_terms.ASSESSMENT_STATES)
    APPROVE = term("approve", aims_terms.ASSESSMENT_STATES)
    APPROVE_WITH_CONDITIONS = term("approve-with-conditions", aims_terms.ASSESSMENT_STATES)
    REJECT = term("reject", aims_terms.ASSESSMENT_STATES)


@strawberry.enum(
    description="A corrective action's state: its status, or once verified whether it was effective (grc:RecordState; ISO/IEC 42001 10.2)"
)
class CorrectiveActionState(Enum):
    PLANNED = term("planned", aims_terms.ACTION_STATES)
    IN_PROGRESS = term("in-progress", aims_terms.ACTION_STATES)
    DONE = term("done", aims_terms.ACTION_STATES)
    EFFECTIVE = term("effective", aims_terms.ACTION_STATES)
    INEFFECTIVE = term("ineffective", aims_terms.ACTION_STATES)


@strawberry.enum(description="A kind of AIMS record, by the name users give it (grc:AIMSRecord's classes)")
class RecordKind(Enum):
    RISK = term("risk", aims_terms.KIND_CLASSES)
    IMPACT_ASSESSMENT = term("impact-assessment", aims_terms.KIND_CLASSES)
    OBJECTIVE = term("objective", aims_terms.KIND_CLASSES)
    REVIEW = term("review", aims_terms.KIND_CLASSES)
    NONCONFORMITY = term("nonconformity", aims_terms.KIND_CLASSES)
    CORRECTIVE_ACTION = term("corrective-action", aims_terms.KIND_CLASSES)


# Computed states, never stored: no vocabulary term stands for them, so each value's description
# gives the notation the engine and the command line use (grcgraph.model) and what it means.
def state(notation: str, meaning: str) -> Any:
    return strawberry.enum_value(notation, description=f"{notation}: {meaning}")


@strawberry.enum(description="How far evidence covers a requirement, as coverage, gap reports and the SoA compute it (not stored)")
class CoverageStatus(Enum):
    COVERED = state("covered", STATUS_MEANINGS["covered"])
    PARTIAL = state("partial", STATUS_MEANINGS["partial"])
    RELATED = state("related", STATUS_MEANINGS["related"])
    STALE = state("stale", STATUS_MEANINGS["stale"])
    UNCOVERED = state("uncovered", STATUS_MEANINGS["uncovered"])
    NOT_APPLICABLE = state("not applicable", STATUS_MEANINGS["not applicable"])


@strawberry.enum(description="An objective's status on a day, from its measurements (not stored; ISO/IEC 42001 6.2, 9.1)")
class ObjectiveStatusValue(Enum):
    MET = state("met", "the latest measurement meets the target")
    AT_RISK = state("at-risk", "missing the target, or trending toward the threshold")
    BREACHED = state("breached", "past the threshold")
    NO_RECENT_DATA = state("no-recent-data", "no measurement, or the latest is older than its staleness window")


AUTH_ROLE = URIRef(AUTH + "role")


def role(notation: str, meaning: str) -> Any:
    return strawberry.enum_value(notation, description=f'{notation}: the literal "{notation}" of <{AUTH_ROLE}>; {meaning}')


@strawberry.enum(
    description="What an API token may do (auth:role, a literal: ontology/auth.ttl); each role can do what the ones before it can"
)
class TokenRole(Enum):
    READER = role("reader", "queries")
    EDITOR = role("editor", "queries and writes in its workspace")
    ADMIN = role("admin", "also manages its own workspace's tokens")
    OPERATOR = role("operator", "made by the command line only; manages every workspace's tokens")


# Each enum with the vocabulary it is made from (tests/server/test_schema_conventions.py checks they agree).
VOCABULARIES: dict[type[Enum], dict[str, URIRef]] = {
    RiskStatus: aims_terms.RISK_STATUSES,
    RiskTreatment: aims_terms.TREATMENTS,
    AssessmentDecision: aims_terms.DECISIONS,
    ImpactArea: aims_terms.IMPACT_AREAS,
    ObjectiveDirection: aims_terms.DIRECTIONS,
    ReviewKind: aims_terms.REVIEW_KINDS,
    NonconformitySource: aims_terms.NC_SOURCES,
    NonconformitySeverity: aims_terms.NC_SEVERITIES,
    NonconformityStatus: aims_terms.NC_STATUSES,
    CorrectiveActionStatus: aims_terms.ACTION_STATUSES,
    EvidenceKind: terms.EVIDENCE_KINDS,
    LinkExtent: terms.EXTENTS,
    AICategory: terms.AI_CATEGORIES,
    OperatorRole: terms.OPERATOR_ROLES,
    RequirementKind: terms.REQUIREMENT_KINDS,
    MappingPredicate: terms.RELATIONSHIPS,
    ImpactAssessmentState: aims_terms.ASSESSMENT_STATES,
    CorrectiveActionState: aims_terms.ACTION_STATES,
    RecordKind: aims_terms.KIND_CLASSES,
}
# The computed enums with the notations the engine gives (the same check, without IRIs).
COMPUTED: dict[type[Enum], tuple[str, ...]] = {
    CoverageStatus: STATUSES,
    ObjectiveStatusValue: OBJECTIVE_STATUSES,
    TokenRole: tuple(r.name for r in Role),
}


def name_of(notation: str) -> str:
    """The enum value's name for a notation: in-progress -> IN_PROGRESS, subsetOf -> SUBSET_OF,
    GenAIAction -> GEN_AI_ACTION, not applicable -> NOT_APPLICABLE."""
    split = re.sub(r"(?<=[a-z])(?=[A-Z])|(?<=[A-Z])(?=[A-Z][a-z])", "_", notation)
    return re.sub(r"[- ]", "_", split).upper()


def notation(value: Enum | None) -> str | None:
    """The engine's notation for an enum value (None stays None)."""
    return None if value is None else str(value.value)


def notations(values: list[Any] | None) -> list[str] | None:
    """The engine's notations for a list of enum values (None stays None)."""
    return None if values is None else [str(v.value) for v in values]
