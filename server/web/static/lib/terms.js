// Vocabulary the forms offer, as users type it; tests/server/test_workbench_files.py checks these against grcgraph's.
export const EVIDENCE_KINDS = ["policy", "procedure", "record", "configuration", "log", "test-result", "metric", "attestation", "assessment", "documentation", "training", "other"];
export const EXTENTS = ["full", "partial"];
export const AI_CATEGORIES = ["prohibited", "high-risk-annex-i", "high-risk-annex-i-b", "high-risk-annex-iii", "transparency", "gpai", "gpai-systemic", "minimal"];
export const OPERATOR_ROLES = ["provider", "deployer", "importer", "distributor", "authorised-representative", "product-manufacturer"];
export const REQUIREMENT_KINDS = ["Clause", "ControlArea", "Control", "ControlEnhancement", "Chapter", "Section", "Article", "Paragraph", "Annex", "Function", "Category", "Subcategory", "GenAIAction"];
export const STATUSES = ["covered", "partial", "related", "stale", "uncovered", "not applicable"];

// The API takes and answers these as enum values named after the notation, as server/types/enums.py
// names them: test-result -> TEST_RESULT, not applicable -> NOT_APPLICABLE, subsetOf -> SUBSET_OF.
export function enumName(notation) {
  return notation.replace(/([a-z])(?=[A-Z])|([A-Z])(?=[A-Z][a-z])/g, "$1$2_").replace(/[- ]/g, "_").toUpperCase();
}

const KNOWN = Object.fromEntries([...EVIDENCE_KINDS, ...EXTENTS, ...AI_CATEGORIES, ...OPERATOR_ROLES, ...REQUIREMENT_KINDS, ...STATUSES].map((n) => [enumName(n), n]));

// An enum value as the vocabulary writes it: TEST_RESULT -> test-result, NOT_APPLICABLE -> not applicable, IN_PROGRESS -> in-progress.
export function notation(value) {
  if (value === null || value === undefined) return value;
  return KNOWN[value] || value.toLowerCase().replace(/_/g, "-");
}

// A relationship of NIST IR 8477 in words: SUBSET_OF -> subset of.
export function relationship(value) {
  return value.toLowerCase().replace(/_/g, " ");
}
