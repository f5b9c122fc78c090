"""The grcgraph vocabulary as a closed namespace: a misspelled term fails loudly.

Generated from ontology/grcgraph.ttl by scripts/generate_namespace.py; do not edit by hand.
"""

from rdflib import URIRef
from rdflib.namespace import DefinedNamespace, Namespace


class GRC(DefinedNamespace):
    """Terms of https://w3id.org/grcgraph/vocab#."""

    _fail = True

    AICategory: URIRef
    Annex: URIRef
    ApplicationRule: URIRef
    Article: URIRef
    Category: URIRef
    Chapter: URIRef
    Clause: URIRef
    ConceptRelationship: URIRef
    Control: URIRef
    ControlArea: URIRef
    Framework: URIRef
    FrameworkVersion: URIRef
    Function: URIRef
    FunctionalRationale: URIRef
    GPAIModel: URIRef
    GPAIModelSystemicRisk: URIRef
    GenAIAction: URIRef
    GenAIRisk: URIRef
    HighRiskAnnexI: URIRef
    HighRiskAnnexIII: URIRef
    Mapping: URIRef
    MappingSet: URIRef
    MinimalRisk: URIRef
    Paragraph: URIRef
    ProhibitedPractice: URIRef
    Rationale: URIRef
    Relationship: URIRef
    Requirement: URIRef
    Section: URIRef
    SemanticRationale: URIRef
    SetTheoryRelationship: URIRef
    Source: URIRef
    Subcategory: URIRef
    SupportiveRelationship: URIRef
    SyntacticRationale: URIRef
    TransparencyArt50: URIRef
    actorTask: URIRef
    addressesRisk: URIRef
    appliesFrom: URIRef
    confidence: URIRef
    contrary: URIRef
    equal: URIRef
    equivalent: URIRef
    exampleOf: URIRef
    exceptProvision: URIRef
    extra: URIRef
    forCategory: URIRef
    hasExample: URIRef
    hasIntegralPart: URIRef
    header: URIRef
    identical: URIRef
    inMappingSet: URIRef
    integralTo: URIRef
    intersectsWith: URIRef
    inverse: URIRef
    isSupportedBy: URIRef
    justification: URIRef
    noRelationship: URIRef
    object: URIRef
    order: URIRef
    part: URIRef
    precededBy: URIRef
    precedes: URIRef
    predicate: URIRef
    prefix: URIRef
    profileOf: URIRef
    provision: URIRef
    rationale: URIRef
    refines: URIRef
    relatedTo: URIRef
    rights: URIRef
    row: URIRef
    sourceDigest: URIRef
    sssomPredicate: URIRef
    subject: URIRef
    subsetOf: URIRef
    supersedes: URIRef
    supersetOf: URIRef
    supports: URIRef
    text: URIRef
    versionOf: URIRef

    _NS = Namespace("https://w3id.org/grcgraph/vocab#")
