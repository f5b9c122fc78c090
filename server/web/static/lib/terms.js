// Vocabulary the forms offer; tests/test_workbench_static.py checks these against grcgraph.terms.
export const EVIDENCE_KINDS = ["policy", "procedure", "record", "configuration", "log", "test-result", "metric", "attestation", "assessment", "documentation", "training", "other"];
export const EXTENTS = ["full", "partial"];
