// Vocabulary the forms offer; tests/test_workbench_static.py checks these against grcgraph.terms.
export const EVIDENCE_KINDS = ["policy", "procedure", "record", "configuration", "log", "test-result", "metric", "attestation", "assessment", "documentation", "training", "other"];
export const EXTENTS = ["full", "partial"];
export const AI_CATEGORIES = ["prohibited", "high-risk-annex-i", "high-risk-annex-i-b", "high-risk-annex-iii", "transparency", "gpai", "gpai-systemic", "minimal"];
export const OPERATOR_ROLES = ["provider", "deployer", "importer", "distributor", "authorised-representative", "product-manufacturer"];
