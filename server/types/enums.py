"""Closed value sets of the API as GraphQL enums, each value named after its notation
(`in-progress` -> IN_PROGRESS) and described with the vocabulary IRI it stands for
(grcgraph/vocab/, the values ontology/shapes.ttl allows). Resolvers and inputs hand the engine the
notation (`RiskStatus.TREATED.value == "treated"`), so nothing below the server changes."""

from __future__ import annotations

from enum import Enum
from typing import Any

import strawberry
from rdflib import URIRef

from grcgraph.vocab import aims_terms


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
}


def notation(value: Enum | None) -> str | None:
    """The engine's notation for an enum value (None stays None)."""
    return None if value is None else str(value.value)
