// Gaps: one framework's gap table, filtered by status, AI system and date, paged and sorted by the
// server, with the workbook download.
import { html, useState } from "../lib/html.js";
import { download } from "../lib/api.js";
import { go } from "../lib/router.js";
import {
  PageHeader, Loading, ErrorNotice, SelectField, TextField, Status, ReqLink, EvidenceLink, SortHeader, Pager, usePager, useQuery,
  STATUSES, STATUS_LABELS, today,
} from "../lib/ui.js";
import { enumName, notation } from "../lib/terms.js";

const SIZE = 50;
const WHY = { uncovered: "no evidence covers it", stale: "its evidence has expired", related: "only related through mappings" };
const SETUP = "{ frameworks { prefix name } systems { id: localId name } }";
const PAGE = `query Gaps($framework: String!, $system: String, $on: Date, $status: [CoverageStatus!], $orderBy: String!, $descending: Boolean!, $after: String) {
  gaps(framework: $framework, system: $system, on: $on, status: $status, orderBy: $orderBy, descending: $descending, first: ${SIZE}, after: $after) {
    framework on totalCount summary { status count percentOfApplicable }
    edges { node { requirement { id: localId notation title framework } parent status reason evidence staleEvidence inferred leaf } }
    pageInfo { hasNextPage endCursor } } }`;

function Summary({ summary, active, onToggle }) {
  return html`<fieldset class="summary-filter">
    <legend>Status</legend>
    <p class="muted small legend-note">Counts over the framework's requirements with no sub-requirements; tick the statuses to show.</p>
    <div class="chips">
      ${summary.map(({ status: answered, ...s }) => {
        s.status = notation(answered);
        const id = `status-${s.status.replace(" ", "-")}`;
        return html`<span class="chip">
          <input type="checkbox" id=${id} checked=${active.includes(s.status)} onChange=${() => onToggle(s.status)} />
          <label for=${id}><span class=${`seg-dot seg-${s.status.replace(" ", "-")}`}></span>${STATUS_LABELS[s.status]}${" "}
            <strong>${s.count}</strong>${s.percentOfApplicable !== null ? html` <span class="muted">${s.percentOfApplicable}%</span>` : ""}</label>
        </span>`;
      })}
    </div>
  </fieldset>`;
}

export default function Gaps({ params }) {
  const setup = useQuery(SETUP, {}, "setup");
  const framework = params.framework || "iso42001";
  const system = params.system || "";
  const on = params.on || today();
  const status = params.status ? params.status.split(",").filter((s) => STATUSES.includes(s)) : [];
  const sort = params.sort || "document";
  const descending = params.desc === "1";
  const state = { framework, system, on, status: status.join(","), sort, desc: descending ? "1" : "" };
  const set = (changes) => go("gaps", null, { ...state, ...changes }, { replace: true });
  const filterKey = JSON.stringify(state);
  const pager = usePager(filterKey);
  const variables = { framework, system: system || null, on, status: status.length ? status.map(enumName) : null, orderBy: sort, descending, after: pager.after };
  const page = useQuery(PAGE, variables, `${filterKey}|${pager.after}`);
  const [downloading, setDownloading] = useState(null);
  async function workbook() {
    setDownloading({ busy: true });
    try {
      const name = await download("/export/gaps.xlsx", { framework, system, on }, `gaps-${framework}.xlsx`);
      setDownloading({ done: `Downloaded ${name}` });
    } catch (error) {
      setDownloading({ error });
    }
  }
  const toggle = (s) => set({ status: (status.includes(s) ? status.filter((x) => x !== s) : [...status, s]).join(",") });
  const onSort = (column, desc) => set({ sort: column, desc: desc ? "1" : "" });
  const gaps = page.data && page.data.gaps;
  const frameworks = (setup.data && setup.data.frameworks) || [{ prefix: framework, name: framework }];
  return html`<div>
    <${PageHeader} title="Gaps" subtitle="Each requirement with its status, the evidence behind it, and why">
      <button type="button" onClick=${workbook} disabled=${downloading && downloading.busy}>Download workbook (.xlsx)</button>
    <//>
    ${downloading && downloading.done && html`<p class="notice ok" role="status">${downloading.done}</p>`}
    ${downloading && downloading.error && html`<${ErrorNotice} error=${downloading.error} />`}
    <form class="filters" onSubmit=${(e) => e.preventDefault()} aria-label="Gap report scope">
      <${SelectField} name="framework" label="Framework" value=${framework} onChange=${(v) => set({ framework: v })}
        options=${frameworks.map((f) => [f.prefix, f.name])} />
      <${SelectField} name="system" label="AI system" value=${system} onChange=${(v) => set({ system: v })}
        options=${[["", "All AI systems"], ...((setup.data && setup.data.systems) || []).map((s) => [s.id, `${s.name} (${s.id})`])]} />
      <${TextField} name="on" label="On date" type="date" value=${on} onInput=${(v) => v && set({ on: v })} />
      <${SelectField} name="sort" label="Sort by" value=${`${sort}${descending ? "-desc" : ""}`} className="narrow-only"
        onChange=${(v) => set({ sort: v.replace(/-desc$/, ""), desc: v.endsWith("-desc") ? "1" : "" })}
        options=${[["document", "Document order"], ["status", "Status, most urgent first"], ["evidence-desc", "Most evidence first"],
          ["evidence", "Least evidence first"], ["requirement", "Requirement id"], ["title", "Title"]]} />
    </form>
    <${ErrorNotice} error=${page.error || setup.error} />
    ${gaps && html`<${Summary} summary=${gaps.summary} active=${status} onToggle=${toggle} />`}
    ${page.loading && !gaps && html`<${Loading} what="Computing the gap report" />`}
    ${gaps && html`<div class=${`table-wrap ${page.loading ? "is-loading" : ""}`} aria-busy=${page.loading}>
      <table class="data gaps-table">
        <caption class="visually-hidden">Gap report for ${framework} on ${gaps.on}${system ? ` for ${system}` : ""}</caption>
        <thead><tr>
          <${SortHeader} label="Requirement" column="requirement" sort=${sort} descending=${descending} onSort=${onSort} />
          <${SortHeader} label="Title" column="title" sort=${sort} descending=${descending} onSort=${onSort} />
          <${SortHeader} label="Status" column="status" sort=${sort} descending=${descending} onSort=${onSort} />
          <${SortHeader} label="Evidence" column="evidence" sort=${sort} descending=${descending} onSort=${onSort} />
          <th scope="col">Why</th>
        </tr></thead>
        <tbody>
          ${gaps.edges.map(({ node }) => html`<tr class=${node.leaf ? "" : "parent-row"}>
            <td data-label="Requirement"><${ReqLink} req=${node.requirement} showTitle=${false} showFramework=${false} /></td>
            <td data-label="Title">${node.requirement.title}</td>
            <td data-label="Status"><${Status} status=${node.status} />${node.inferred ? html` <span class="muted small">inferred</span>` : ""}</td>
            <td data-label="Evidence">${node.evidence.length
              ? html`<span class="ev-list">${node.evidence.slice(0, 3).map((id) => html`<${EvidenceLink} id=${id} /> `)}${node.evidence.length > 3 ? html`<span class="muted">+${node.evidence.length - 3}</span>` : ""}</span>`
              : html`<span class="muted">none</span>`}
              ${node.staleEvidence.length ? html`<span class="muted small"> (${node.staleEvidence.length} stale)</span>` : ""}</td>
            <td data-label="Why" class="small">${node.reason || (node.leaf ? WHY[notation(node.status)] || "" : "rolled up from its sub-requirements")}</td>
          </tr>`)}
        </tbody>
      </table>
      ${!gaps.edges.length && html`<p class="empty">No requirement has the statuses chosen.</p>`}
    </div>
    <${Pager} pager=${pager} pageInfo=${gaps.pageInfo} total=${gaps.totalCount} size=${SIZE} label="Gap table" />`}
  </div>`;
}
