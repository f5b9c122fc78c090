// Overview: coverage of every framework as a heatmap of frameworks × chapters or control areas,
// for one AI system or all, on a date; and the counts that need attention.
import { html, useState, useEffect, useMemo } from "../lib/html.js";
import { gql } from "../lib/api.js";
import { href, go } from "../lib/router.js";
import { PageHeader, Loading, ErrorNotice, SelectField, TextField, STATUSES, STATUS_LABELS, useQuery, today } from "../lib/ui.js";
import { ATTENTION, attentionQuery } from "../lib/attention.js";
import { notation } from "../lib/terms.js";

const SETUP = "{ frameworks { prefix name title } systems { id: localId name } }";
const ROWS = `query Rows($framework: String!, $system: String, $on: Date, $after: String) {
  gaps(framework: $framework, system: $system, on: $on, first: 100, after: $after) {
    totalCount summary { status count percentOfApplicable }
    edges { node { requirement { id: localId notation title } parent status leaf } }
    pageInfo { hasNextPage endCursor } } }`;

// Every row of one framework's gap report, page after page (the server keeps the report between pages).
async function allRows(framework, system, on) {
  const rows = [];
  let after = null;
  let summary = null;
  for (;;) {
    const data = await gql(ROWS, { framework, system: system || null, on, after });
    summary = summary || data.gaps.summary.map((s) => ({ ...s, status: notation(s.status) }));
    rows.push(...data.gaps.edges.map((e) => ({ ...e.node, status: notation(e.node.status) })));
    if (!data.gaps.pageInfo.hasNextPage) return { rows, summary };
    after = data.gaps.pageInfo.endCursor;
  }
}

const ORDER = ["iso42001", "iso27001", "euaiact", "nistairmf", "nistgai"];
const short = (notation) => notation.replace(/^Chapter /, "Ch. ");

// The heatmap's columns: top-level requirements (chapters, clauses, control areas, functions); a
// framework with many top-level items (NIST AI 600-1's actions) is grouped by their id's prefix.
function groups(rows) {
  const byId = new Map(rows.map((r) => [r.requirement.id, r]));
  const rootOf = (row) => {
    let current = row;
    while (current.parent && byId.has(current.parent)) current = byId.get(current.parent);
    return current;
  };
  const roots = rows.filter((r) => !r.parent);
  const prefixed = roots.length > 30;
  const cells = new Map();
  for (const row of rows) {
    if (!row.leaf) continue;
    const root = rootOf(row);
    const key = prefixed ? root.requirement.notation.split(/[-\s.]/)[0] : root.requirement.id;
    if (!cells.has(key)) {
      cells.set(key, {
        key,
        label: prefixed ? key : short(root.requirement.notation),
        title: prefixed ? `${key} actions` : root.requirement.title,
        id: prefixed ? null : root.requirement.id,
        counts: Object.fromEntries(STATUSES.map((s) => [s, 0])),
        total: 0,
      });
    }
    const cell = cells.get(key);
    cell.counts[row.status] += 1;
    cell.total += 1;
  }
  return [...cells.values()];
}

function score(counts) {
  const applicable = STATUSES.filter((s) => s !== "not applicable").reduce((n, s) => n + counts[s], 0);
  if (!applicable) return null;
  return (counts.covered + 0.5 * counts.partial) / applicable;
}

function shade(value) {
  if (value === null) return "heat-na";
  return `heat-${Math.min(5, Math.floor(value * 5 + (value > 0 ? 1 : 0)))}`;
}

function Bar({ counts, total }) {
  return html`<span class="bar" aria-hidden="true">${STATUSES.filter((s) => counts[s]).map(
    (s) => html`<span class=${`seg seg-${s.replace(" ", "-")}`} style=${{ flexGrow: counts[s] }}></span>`,
  )}</span>`;
}

function Cell({ cell, framework, params }) {
  const value = score(cell.counts);
  const percent = value === null ? "n/a" : `${Math.round(value * 100)}%`;
  const detail = STATUSES.filter((s) => cell.counts[s]).map((s) => `${cell.counts[s]} ${STATUS_LABELS[s].toLowerCase()}`).join(", ");
  return html`<a class=${`cell ${shade(value)}`} href=${href("gaps", null, { framework, system: params.system, on: params.on })}
      aria-label=${`${cell.label} ${cell.title}: ${percent} covered; ${detail}`} title=${`${cell.label} ${cell.title}\n${detail}`}>
    <span class="cell-label">${cell.label}</span>
    <span class="cell-value">${percent}</span>
    <${Bar} counts=${cell.counts} total=${cell.total} />
  </a>`;
}

function Heatmap({ frameworks, system, on, params }) {
  const [state, setState] = useState({ loading: true });
  useEffect(() => {
    let live = true;
    setState({ loading: true });
    Promise.all(frameworks.map((f) => allRows(f.prefix, system, on))).then(
      (reports) => live && setState({ loading: false, reports }),
      (error) => live && setState({ loading: false, error }),
    );
    return () => {
      live = false;
    };
  }, [system, on, frameworks.length]);
  if (state.loading) return html`<${Loading} what="Computing coverage" />`;
  if (state.error) return html`<${ErrorNotice} error=${state.error} />`;
  return html`<section aria-labelledby="heatmap-title" class="card">
    <h2 id="heatmap-title">Coverage by framework and chapter</h2>
    <p class="muted small">Each cell: the share of the applicable requirements with no sub-requirements that evidence covers (partial counts half), with the spread of statuses beneath. Open a cell for its gap table.</p>
    <div class="heatmap" role="list">
      ${frameworks.map((f, i) => {
        const { rows, summary } = state.reports[i];
        const cells = groups(rows);
        const covered = summary.find((s) => s.status === "covered");
        return html`<div class="heat-row" role="listitem" data-framework=${f.prefix}>
          <div class="heat-head">
            <a href=${href("gaps", null, { framework: f.prefix, system, on })}><strong>${f.name}</strong></a>
            <span class="muted small">${covered && covered.percentOfApplicable !== null ? `${covered.percentOfApplicable}% covered` : "not applicable"}</span>
          </div>
          <div class="heat-cells">${cells.map((c) => html`<${Cell} cell=${c} framework=${f.prefix} params=${params} />`)}</div>
        </div>`;
      })}
    </div>
    <${Legend} />
  </section>`;
}

function Legend() {
  return html`<div class="legend" aria-label="Legend">
    <span class="legend-scale"><span class="muted small">covered share</span>
      ${[0, 1, 2, 3, 4, 5].map((n) => html`<span class=${`swatch heat-${n}`}>${n === 0 ? "0" : n === 5 ? "100%" : ""}</span>`)}
      <span class="swatch heat-na">n/a</span></span>
    <span class="legend-statuses">${STATUSES.map((s) => html`<span class="legend-item"><span class=${`seg-dot seg-${s.replace(" ", "-")}`}></span>${STATUS_LABELS[s]}</span>`)}</span>
  </div>`;
}

function Attention({ on }) {
  const { data, error, loading } = useQuery(attentionQuery(), { on }, on);
  return html`<section aria-labelledby="attention-title" class="attention">
    <h2 id="attention-title" class="visually-hidden">Needs attention</h2>
    ${error && html`<${ErrorNotice} error=${error} />`}
    <ul class="counts">
      ${ATTENTION.map((a) => {
        const count = data ? a.count(data, on) : null;
        return html`<li class=${`count-card ${count ? "warn" : ""}`} data-attention=${a.id}>
          <a href=${a.link()}><span class="count-value">${loading || count === null ? "…" : count.toLocaleString()}</span>
          <span class="count-label">${a.label}</span></a></li>`;
      })}
    </ul>
  </section>`;
}

function sorted(frameworks) {
  const rank = (f) => (ORDER.includes(f.prefix) ? ORDER.indexOf(f.prefix) : ORDER.length);
  return [...frameworks].sort((a, b) => rank(a) - rank(b) || a.name.localeCompare(b.name));
}

export default function Overview({ params }) {
  const on = params.on || today();
  const system = params.system || "";
  const setup = useQuery(SETUP, {}, "setup");
  const set = (changes) => go("overview", null, { system, on, ...changes }, { replace: true });
  return html`<div>
    <${PageHeader} title="Overview" subtitle="Coverage in every framework, and what needs attention" />
    <form class="filters" onSubmit=${(e) => e.preventDefault()} aria-label="Scope">
      <${SelectField} name="system" label="AI system" value=${system} onChange=${(v) => set({ system: v })}
        options=${[["", "All AI systems"], ...((setup.data && setup.data.systems) || []).map((s) => [s.id, `${s.name} (${s.id})`])]} />
      <${TextField} name="on" label="On date" type="date" value=${on} onInput=${(v) => v && set({ on: v })} />
    </form>
    <${Attention} on=${on} />
    ${setup.loading && html`<${Loading} />`}
    <${ErrorNotice} error=${setup.error} />
    ${setup.data && html`<${Heatmap} frameworks=${sorted(setup.data.frameworks)} system=${system} on=${on} params=${{ system, on }} />`}
  </div>`;
}
