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


# Each enum with the vocabulary it is made from (tests/server/test_schema_conventions.py checks they agree).
VOCABULARIES: dict[type[Enum], dict[str, URIRef]] = {
    RiskStatus: aims_terms.RISK_STATUSES,
    RiskTreatment: aims_terms.TREATMENTS,
}


def notation(value: Enum | None) -> str | None:
    """The engine's notation for an enum value (None stays None)."""
    return None if value is None else str(value.value)
