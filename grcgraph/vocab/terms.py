"""The notations users type for grcgraph's enumerated terms, each mapped to its vocabulary IRI."""

from __future__ import annotations

from rdflib import URIRef

from grcgraph.vocab.namespace import GRC

AI_CATEGORIES: dict[str, URIRef] = {
    "prohibited": GRC.ProhibitedPractice,
    "high-risk-annex-i": GRC.HighRiskAnnexI,
    "high-risk-annex-i-b": GRC.HighRiskAnnexIB,
    "high-risk-annex-iii": GRC.HighRiskAnnexIII,
    "transparency": GRC.TransparencyArt50,
    "gpai": GRC.GPAIModel,
    "gpai-systemic": GRC.GPAIModelSystemicRisk,
    "minimal": GRC.MinimalRisk,
}
OPERATOR_ROLES: dict[str, URIRef] = {
    "provider": GRC.Provider,
    "deployer": GRC.Deployer,
    "importer": GRC.Importer,
    "distributor": GRC.Distributor,
    "authorised-representative": GRC.AuthorisedRepresentative,
    "product-manufacturer": GRC.ProductManufacturer,
}
EVIDENCE_KINDS: dict[str, URIRef] = {
    "policy": GRC.Policy,
    "procedure": GRC.Procedure,
    "record": GRC.Record,
    "configuration": GRC.Configuration,
    "log": GRC.Log,
    "test-result": GRC.TestResult,
    "metric": GRC.Metric,
    "attestation": GRC.Attestation,
    "assessment": GRC.Assessment,
    "documentation": GRC.Documentation,
    "training": GRC.Training,
    "other": GRC.OtherEvidence,
}
EXTENTS: dict[str, URIRef] = {"full": GRC.FullExtent, "partial": GRC.PartialExtent}
# NIST IR 8477 relationships of a mapping row (ontology/grcgraph.ttl), by local name as the API answers them.
RELATIONSHIPS: dict[str, URIRef] = {
    "equal": GRC.equal,
    "subsetOf": GRC.subsetOf,
    "supersetOf": GRC.supersetOf,
    "intersectsWith": GRC.intersectsWith,
    "noRelationship": GRC.noRelationship,
    "supports": GRC.supports,
    "isSupportedBy": GRC.isSupportedBy,
    "identical": GRC.identical,
    "equivalent": GRC.equivalent,
    "contrary": GRC.contrary,
    "exampleOf": GRC.exampleOf,
    "hasExample": GRC.hasExample,
    "integralTo": GRC.integralTo,
    "hasIntegralPart": GRC.hasIntegralPart,
    "precedes": GRC.precedes,
    "precededBy": GRC.precededBy,
    "relatedTo": GRC.relatedTo,
}
# Requirement kinds (classes under grc:Requirement), in the order catalogs and counts list them.
KIND_ORDER = (
    "Clause",
    "ControlArea",
    "Control",
    "ControlEnhancement",
    "Chapter",
    "Section",
    "Article",
    "Paragraph",
    "Annex",
    "Function",
    "Category",
    "Subcategory",
    "GenAIAction",
)
REQUIREMENT_KINDS: dict[str, URIRef] = {kind: GRC[kind] for kind in KIND_ORDER}


def is_true(lexical: object) -> bool:
    """Whether an xsd:boolean's lexical form means true: "true" or "1" (a store may give either:
    Virtuoso answers "1" for what was written "true")."""
    return str(lexical) in ("true", "1")
