// AIMS records, read-only: what is past its next review, objectives with their status on a date,
// open nonconformities with their corrective actions, the risk register, impact assessments and
// reviews. Records are written through the API and the command line (docs/aims.md).
import { html } from "../lib/html.js";
import { href } from "../lib/router.js";
import { PageHeader, Loading, ErrorNotice, Empty, ReqLink, useQuery, today, formatDate } from "../lib/ui.js";

const RECORDS = `query Records($on: Date) {
  overdue(on: $on) { kind id title nextReview daysOverdue }
  objectives(first: 50) { totalCount edges { node { id: localId title metric unit direction target threshold systems
    status(on: $on) { status reason latestValue } } } }
  nonconformities(first: 50) { totalCount edges { node { id: localId title foundOn source sourceRef system severity status
    requirements { id: localId notation title framework }
    correctiveActions { id: localId title owner due state } } } }
  risks(first: 50) { totalCount edges { node { id: localId title systems gaiRisk inherentLevel residualLevel treatment status nextReview } } }
  impactAssessments(first: 50) { totalCount edges { node { id: localId system assessedOn state servesAsFria nextReview } } }
  reviews(first: 50) { totalCount edges { node { id: localId kind subject reviewedOn outcome nextReview } } }
}`;

const nodes = (connection) => connection.edges.map((e) => e.node);
const late = (day, on) => day && day < on;
// An enum value as the vocabulary writes it: TREATED -> treated, IN_PROGRESS -> in-progress.
const notation = (value) => (value ? value.toLowerCase().replace(/_/g, "-") : "—");

function Table({ caption, heads, rows, cls }) {
  return html`<div class="table-wrap"><table class=${`data ${cls}`}>
    <caption class="visually-hidden">${caption}</caption>
    <thead><tr>${heads.map((h) => html`<th scope="col">${h}</th>`)}</tr></thead>
    <tbody>${rows}</tbody></table></div>`;
}

// Each list shows its first 50 records (one query within the server's cost limit); the count is of all.
function Section({ id, title, count, children }) {
  return html`<section class="card aims-section" aria-labelledby=${id} data-section=${id}>
    <h2 id=${id}>${title} <span class="muted small">${count > 50 ? `first 50 of ${count}` : count}</span></h2>${children}</section>`;
}

function Due({ day, on }) {
  return html`${formatDate(day)}${late(day, on) ? html` <span class="status status-overdue">Overdue</span>` : ""}`;
}

export default function Records({ params }) {
  const on = params.on || today();
  const { data, error, loading } = useQuery(RECORDS, { on }, `records-${on}`);
  if (loading) return html`<div><${PageHeader} title="AIMS records" /><${Loading} /></div>`;
  if (error) return html`<div><${PageHeader} title="AIMS records" /><${ErrorNotice} error=${error} /></div>`;
  const objectives = nodes(data.objectives);
  const ncs = nodes(data.nonconformities);
  const risks = nodes(data.risks);
  const assessments = nodes(data.impactAssessments);
  const reviews = nodes(data.reviews);
  const open = ncs.filter((n) => n.status === "OPEN").length;
  return html`<div>
    <${PageHeader} title="AIMS records" subtitle=${`On ${on}: ${data.overdue.length} past their next review, ${open} open nonconformit${open === 1 ? "y" : "ies"}`} />
    <${Section} id="overdue-title" title="Past their next review" count=${data.overdue.length}>
      ${data.overdue.length ? html`<${Table} caption="Past their next review" cls="overdue-list" heads=${["Kind", "Record", "Next review", "Days overdue"]}
        rows=${data.overdue.map((o) => html`<tr class="overdue"><td data-label="Kind">${o.kind}</td>
          <td data-label="Record"><strong>${o.id}</strong> <span class="muted small">${o.title}</span></td>
          <td data-label="Next review">${o.nextReview}</td><td data-label="Days overdue">${o.daysOverdue}</td></tr>`)} />`
        : html`<${Empty}>Nothing is past its next review.<//>`}
    <//>
    <${Section} id="objectives-title" title="Objectives" count=${data.objectives.totalCount}>
      ${objectives.length ? html`<${Table} caption="Objectives" cls="objectives" heads=${["Objective", "Target / threshold", "Latest", "Status"]}
        rows=${objectives.map((o) => html`<tr data-objective=${o.id}>
          <td data-label="Objective"><strong>${o.title}</strong> <span class="muted small">${o.id} · ${o.metric}${o.systems.length ? ` · ${o.systems.join(", ")}` : ""}</span></td>
          <td data-label="Target / threshold">${o.target} / ${o.threshold}${o.unit ? ` ${o.unit}` : ""} (${notation(o.direction)} is better)</td>
          <td data-label="Latest">${o.status.latestValue ?? "—"}</td>
          <td data-label="Status"><span class=${`status status-${notation(o.status.status)}`}>${notation(o.status.status)}</span>
            <div class="small muted">${o.status.reason}</div></td></tr>`)} />`
        : html`<${Empty}>No objective yet: the createObjective mutation or <code>grcgraph objectives add</code> sets one.<//>`}
    <//>
    <${Section} id="nonconformities-title" title="Nonconformities" count=${data.nonconformities.totalCount}>
      ${ncs.length ? html`<${Table} caption="Nonconformities" cls="nonconformities" heads=${["Nonconformity", "Found", "Not met", "Corrective actions", "Status"]}
        rows=${ncs.map((n) => html`<tr data-nonconformity=${n.id}>
          <td data-label="Nonconformity"><strong>${n.title}</strong> <span class="muted small">${n.id} · ${notation(n.severity)}${n.system ? ` · ${n.system}` : ""}</span></td>
          <td data-label="Found">${n.foundOn} <span class="muted small">${notation(n.source)}${n.sourceRef ? ` ${n.sourceRef}` : ""}</span></td>
          <td data-label="Not met">${n.requirements.map((r) => html`<div><${ReqLink} req=${r} /></div>`)}</td>
          <td data-label="Corrective actions">${n.correctiveActions.length ? n.correctiveActions.map((a) => html`<div>${a.id}: ${a.title}
            <span class="tag">${notation(a.state)}</span> <span class="muted small">due ${a.due}</span></div>`) : html`<span class="muted">none yet</span>`}</td>
          <td data-label="Status"><span class=${`status status-nc-${notation(n.status)}`}>${notation(n.status)}</span></td></tr>`)} />`
        : html`<${Empty}>No nonconformity recorded.<//>`}
    <//>
    <${Section} id="risks-title" title="Risk register" count=${data.risks.totalCount}>
      ${risks.length ? html`<${Table} caption="Risk register" cls="risks" heads=${["Risk", "Level (inherent → residual)", "Treatment", "Status", "Next review"]}
        rows=${risks.map((r) => html`<tr data-risk=${r.id}>
          <td data-label="Risk"><strong>${r.title}</strong> <span class="muted small">${r.id}${r.systems.length ? ` · ${r.systems.join(", ")}` : ""}${r.gaiRisk ? ` · ${r.gaiRisk}` : ""}</span></td>
          <td data-label="Level">${r.inherentLevel ?? "—"} → ${r.residualLevel ?? "—"}</td>
          <td data-label="Treatment">${notation(r.treatment)}</td><td data-label="Status">${notation(r.status)}</td>
          <td data-label="Next review"><${Due} day=${r.nextReview} on=${on} /></td></tr>`)} />`
        : html`<${Empty}>No risk in the register yet.<//>`}
    <//>
    <${Section} id="assessments-title" title="Impact assessments" count=${data.impactAssessments.totalCount}>
      ${assessments.length ? html`<${Table} caption="Impact assessments" cls="assessments" heads=${["Assessment", "Assessed", "State", "Next review"]}
        rows=${assessments.map((a) => html`<tr data-assessment=${a.id}>
          <td data-label="Assessment"><strong>${a.id}</strong> <span class="muted small">of ${a.system}</span>${a.servesAsFria ? html` <span class="tag">Art. 27 FRIA</span>` : ""}</td>
          <td data-label="Assessed">${a.assessedOn}</td><td data-label="State">${notation(a.state)}</td>
          <td data-label="Next review"><${Due} day=${a.nextReview} on=${on} /></td></tr>`)} />`
        : html`<${Empty}>No impact assessment yet.<//>`}
    <//>
    <${Section} id="reviews-title" title="Reviews" count=${data.reviews.totalCount}>
      ${reviews.length ? html`<${Table} caption="Reviews" cls="reviews" heads=${["Review", "Of", "Date", "Outcome", "Next review"]}
        rows=${reviews.map((r) => html`<tr data-review=${r.id}>
          <td data-label="Review"><strong>${r.id}</strong></td>
          <td data-label="Of">${r.kind === "AIMS" ? "the AIMS (management review)" : `${notation(r.kind)} ${r.subject}`}</td>
          <td data-label="Date">${r.reviewedOn}</td><td data-label="Outcome">${r.outcome}</td>
          <td data-label="Next review"><${Due} day=${r.nextReview} on=${on} /></td></tr>`)} />`
        : html`<${Empty}>No review yet.<//>`}
    <//>
    <p class="small muted">Records are evidence: the gap tables list them by key (<code>risk/R-1</code>). <a href=${href("gaps", null, { framework: "iso42001", on })}>ISO/IEC 42001 gaps</a></p>
  </div>`;
}
