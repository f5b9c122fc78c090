// The counts that need attention on the Overview. Each source names the GraphQL fields it needs
// (merged into one query), how to count from the answer, and where to go to act.
import { href } from "./router.js";

export const ATTENTION = [
  {
    id: "overdue-reviews",
    label: "AI systems past their next review",
    fields: "systems { id: localId nextReview }",
    count: (data, on) => data.systems.filter((s) => s.nextReview && s.nextReview < on).length,
    link: () => href("systems"),
  },
  {
    id: "stale-evidence",
    label: "Evidence items past their valid-until date",
    fields: "staleEvidence: evidenceList(first: 1, stale: true, on: $on) { totalCount }",
    count: (data) => data.staleEvidence.totalCount,
    link: () => href("evidence", null, { stale: "true" }),
  },
  {
    id: "overdue-records",
    label: "Risks, impact assessments and management reviews past their next review",
    fields: "overdue(on: $on) { kind }",
    count: (data) => data.overdue.filter((o) => o.kind !== "system").length,
    link: () => href("aims"),
  },
  {
    id: "breached-objectives",
    label: "Objectives breached",
    fields: 'breached: objectives(first: 1, status: BREACHED, on: $on) { totalCount }',
    count: (data) => data.breached.totalCount,
    link: () => href("aims"),
  },
  {
    id: "open-nonconformities",
    label: "Open nonconformities",
    fields: 'openNonconformities: nonconformities(first: 1, status: OPEN) { totalCount }',
    count: (data) => data.openNonconformities.totalCount,
    link: () => href("aims"),
  },
];

export function attentionQuery() {
  return `query Attention($on: Date) { ${ATTENTION.map((a) => a.fields).join(" ")} }`;
}
