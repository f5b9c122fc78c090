// The counts that need attention on the Overview. Each source names the GraphQL fields it needs
// (merged into one query), how to count from the answer, and where to go to act. Records still to
// come (objectives, nonconformities, reviews) each add one entry here.
import { href } from "./router.js";

export const ATTENTION = [
  {
    id: "overdue-reviews",
    label: "AI systems past their next review",
    fields: "systems { id nextReview }",
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
];

export function attentionQuery() {
  return `query Attention($on: String) { ${ATTENTION.map((a) => a.fields).join(" ")} }`;
}
