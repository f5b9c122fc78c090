"""The grcgraph vocabulary as a closed namespace: a misspelled term fails loudly.

Generated from ontology/grcgraph.ttl by scripts/generate_namespace.py; do not edit by hand.
"""

from rdflib import URIRef
from rdflib.namespace import DefinedNamespace, Namespace


class GRC(DefinedNamespace):
    """Terms of https://w3id.org/grcgraph/vocab#."""

    _fail = True

    AICategory: URIRef
    AISystem: URIRef
    Annex: URIRef
    ApplicationRule: URIRef
    Article: URIRef
    Assessment: URIRef
    Attestation: URIRef
    AuthorisedRepresentative: URIRef
    Category: URIRef
    Chapter: URIRef
    Clause: URIRef
    ConceptRelationship: URIRef
    Configuration: URIRef
    Control: URIRef
    ControlArea: URIRef
    ControlEnhancement: URIRef
    Deployer: URIRef
    Distributor: URIRef
    Documentation: URIRef
    Evidence: URIRef
    EvidenceKind: URIRef
    EvidenceLink: URIRef
    Extent: URIRef
    Framework: URIRef
    FrameworkVersion: URIRef
    FullExtent: URIRef
    Function: URIRef
    FunctionalRationale: URIRef
    GPAIModel: URIRef
    GPAIModelSystemicRisk: URIRef
    GenAIAction: URIRef
    GenAIRisk: URIRef
    HighRiskAnnexI: URIRef
    HighRiskAnnexIB: URIRef
    HighRiskAnnexIII: URIRef
    Importer: URIRef
    Log: URIRef
    Mapping: URIRef
    MappingSet: URIRef
    Metric: URIRef
    MinimalRisk: URIRef
    Obligation: URIRef
    OperatorRole: URIRef
    OtherEvidence: URIRef
    Paragraph: URIRef
    PartialExtent: URIRef
    Policy: URIRef
    Procedure: URIRef
    ProductManufacturer: URIRef
    ProhibitedPractice: URIRef
    Provider: URIRef
    Rationale: URIRef
    Record: URIRef
    Relationship: URIRef
    Requirement: URIRef
    Section: URIRef
    SemanticRationale: URIRef
    SetTheoryRelationship: URIRef
    SoAEntry: URIRef
    Source: URIRef
    Subcategory: URIRef
    SupportiveRelationship: URIRef
    SyntacticRationale: URIRef
    TestResult: URIRef
    Training: URIRef
    TransparencyArt50: URIRef
    Workspace: URIRef
    actorTask: URIRef
    addressesRisk: URIRef
    aiCategory: URIRef
    appliesFrom: URIRef
    assertedAt: URIRef
    assertedBy: URIRef
    basis: URIRef
    collectedOn: URIRef
    conditional: URIRef
    confidence: URIRef
    contrary: URIRef
    control: URIRef
    dataUsed: URIRef
    equal: URIRef
    equivalent: URIRef
    evidence: URIRef
    evidenceKind: URIRef
    exampleOf: URIRef
    exceptProvision: URIRef
    extent: URIRef
    extra: URIRef
    forCategory: URIRef
    forSystem: URIRef
    generative: URIRef
    hasExample: URIRef
    hasIntegralPart: URIRef
    header: URIRef
    identical: URIRef
    inMappingSet: URIRef
    included: URIRef
    integralTo: URIRef
    intersectsWith: URIRef
    inverse: URIRef
    isSupportedBy: URIRef
    justification: URIRef
    location: URIRef
    nextReview: URIRef
    noRelationship: URIRef
    object: URIRef
    operatorRole: URIRef
    order: URIRef
    owner: URIRef
    part: URIRef
    precededBy: URIRef
    precedes: URIRef
    predicate: URIRef
    prefix: URIRef
    profileOf: URIRef
    provision: URIRef
    purpose: URIRef
    rationale: URIRef
    reason: URIRef
    refines: URIRef
    relatedTo: URIRef
    requirement: URIRef
    revision: URIRef
    rights: URIRef
    row: URIRef
    sha256: URIRef
    sourceDigest: URIRef
    sssomPredicate: URIRef
    subject: URIRef
    subsetOf: URIRef
    supersedes: URIRef
    supersetOf: URIRef
    supports: URIRef
    text: URIRef
    validUntil: URIRef
    versionOf: URIRef

    _NS = Namespace("https://w3id.org/grcgraph/vocab#")
