// Shared pieces of every page: data loading, fields with their errors, tables, pagers, status
// badges and the explanation chain.
import { html, useState, useEffect, useRef, useCallback } from "./html.js";
import { gql } from "./api.js";
import { href } from "./router.js";
import { STATUSES, notation, relationship } from "./terms.js";

export { STATUSES };
export const STATUS_LABELS = {
  covered: "Covered",
  partial: "Partial",
  related: "Related",
  stale: "Stale",
  uncovered: "Uncovered",
  "not applicable": "Not applicable",
};

export function today() {
  const d = new Date();
  const pad = (n) => String(n).padStart(2, "0");
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}`;
}

// Run a GraphQL query whenever `key` changes; the answer of an older request never replaces a newer one.
export function useQuery(query, variables, key) {
  const [state, setState] = useState({ data: null, error: null, loading: true });
  const serial = useRef(0);
  const run = useCallback(() => {
    const mine = ++serial.current;
    setState((s) => ({ ...s, loading: true, error: null }));
    gql(query, variables).then(
      (data) => mine === serial.current && setState({ data, error: null, loading: false }),
      (error) => mine === serial.current && setState({ data: null, error, loading: false }),
    );
  }, [key]);
  useEffect(run, [run]);
  return { ...state, reload: run };
}

export function Loading({ what = "Loading" }) {
  return html`<p class="loading" role="status" aria-live="polite">${what}…</p>`;
}

export function ErrorNotice({ error }) {
  if (!error) return null;
  const heading = { NOT_FOUND: "Not found", INVALID_INPUT: "Check the form", FORBIDDEN: "Not allowed" }[error.code] || "Something went wrong";
  return html`<div class="notice error" role="alert"><strong>${heading}:</strong> ${error.message}</div>`;
}

export function PageHeader({ title, subtitle, children }) {
  return html`<header class="page-header">
    <div><h1 tabindex="-1" id="page-title">${title}</h1>${subtitle && html`<p class="subtitle">${subtitle}</p>`}</div>
    ${children && html`<div class="page-actions">${children}</div>`}
  </header>`;
}

let fieldSerial = 0;
function useFieldId(name) {
  const id = useRef(null);
  if (id.current === null) id.current = `f-${name.replace(/[^a-z0-9]+/gi, "-")}-${++fieldSerial}`;
  return id.current;
}

// A labelled control with its hint and its error beside it (aria-describedby, aria-invalid).
export function Field({ name, label, error, hint, children, className = "" }) {
  const id = useFieldId(name);
  const described = [hint && `${id}-hint`, error && `${id}-error`].filter(Boolean).join(" ") || undefined;
  const control = children({ id, name, "aria-invalid": error ? "true" : undefined, "aria-describedby": described });
  return html`<div class=${`field ${error ? "has-error" : ""} ${className}`} data-field=${name}>
    <label for=${id}>${label}</label>
    ${control}
    ${hint && html`<p class="hint" id=${`${id}-hint`}>${hint}</p>`}
    ${error && html`<p class="field-error" id=${`${id}-error`} role="alert">${error}</p>`}
  </div>`;
}

export function TextField({ value, onInput, type = "text", placeholder, autocomplete, readOnly, ...rest }) {
  return html`<${Field} ...${rest}>${(attrs) =>
    html`<input ...${attrs} type=${type} value=${value ?? ""} placeholder=${placeholder} autocomplete=${autocomplete || "off"}
      readonly=${readOnly} onInput=${(e) => onInput(e.currentTarget.value)} />`}<//>`;
}

export function TextArea({ value, onInput, rows = 3, ...rest }) {
  return html`<${Field} ...${rest}>${(attrs) =>
    html`<textarea ...${attrs} rows=${rows} onInput=${(e) => onInput(e.currentTarget.value)}>${value ?? ""}</textarea>`}<//>`;
}

export function SelectField({ value, onChange, options, ...rest }) {
  return html`<${Field} ...${rest}>${(attrs) =>
    html`<select ...${attrs} value=${value ?? ""} onChange=${(e) => onChange(e.currentTarget.value)}>
      ${options.map(([v, text]) => html`<option value=${v} selected=${v === (value ?? "")}>${text}</option>`)}
    </select>`}<//>`;
}

// A status as the API answers it (COVERED, NOT_APPLICABLE) or as the vocabulary writes it (stale).
export function Status({ status }) {
  const written = notation(status) || "";
  const cls = `status status-${written.replace(/\s+/g, "-")}`;
  return html`<span class=${cls}>${STATUS_LABELS[written] || written}</span>`;
}

export function ReqLink({ req, showTitle = true, showFramework = true }) {
  if (!req) return null;
  return html`<a class="req-link" href=${href("requirement", req.id)}>
    ${showFramework && html`<span class="fw">${req.framework || req.id.split(":")[0]}</span> `}<span class="notation">${req.notation || req.id}</span>${showTitle && req.title ? html` <span class="req-title">${req.title}</span>` : ""}</a>`;
}

export function EvidenceLink({ id, title }) {
  return html`<a href=${href("evidence", id)}>${title ? html`${title} <span class="muted">(${id})</span>` : id}</a>`;
}

// Sortable column header: a button that tells its state (aria-sort on the header cell).
export function SortHeader({ label, column, sort, descending, onSort }) {
  const active = sort === column;
  const ariaSort = active ? (descending ? "descending" : "ascending") : "none";
  return html`<th scope="col" aria-sort=${ariaSort}>
    <button type="button" class="sort" onClick=${() => onSort(column, active ? !descending : false)}>
      ${label}<span class="sort-mark" aria-hidden="true">${active ? (descending ? " ▼" : " ▲") : " ↕"}</span>
    </button></th>`;
}

// Relay paging: forward with endCursor, back through the cursors already seen.
export function usePager(resetKey) {
  const [stack, setStack] = useState([null]);
  useEffect(() => setStack([null]), [resetKey]);
  const after = stack[stack.length - 1];
  return {
    after,
    page: stack.length,
    next: (cursor) => setStack((s) => [...s, cursor]),
    previous: () => setStack((s) => (s.length > 1 ? s.slice(0, -1) : s)),
  };
}

export function Pager({ pager, pageInfo, total, size, label }) {
  if (!pageInfo) return null;
  const first = (pager.page - 1) * size + 1;
  const last = Math.min(pager.page * size, total);
  return html`<nav class="pager" aria-label=${`${label} pages`}>
    <button type="button" onClick=${pager.previous} disabled=${pager.page <= 1}>Previous</button>
    <span aria-live="polite">${total ? `${first.toLocaleString()}–${last.toLocaleString()} of ${total.toLocaleString()}` : "none"}</span>
    <button type="button" onClick=${() => pager.next(pageInfo.endCursor)} disabled=${!pageInfo.hasNextPage}>Next</button>
  </nav>`;
}


function reqOf(id, titles) {
  const known = titles && titles[id];
  return known || { id, notation: id.split(":").slice(1).join(":") || id, framework: id.split(":")[0] };
}

// One explanation drawn as a chain: the evidence, its link, then each mapping followed.
export function Chain({ path, titles }) {
  const start = path.link.requirement;
  const steps = [
    html`<li class="node node-evidence"><span class="node-kind">Evidence</span> <${EvidenceLink} id=${path.evidenceId} /></li>`,
    html`<li class="edge"><span class="edge-label">linked, ${notation(path.link.extent)}</span>
      ${path.link.assertedBy && html`<span class="edge-detail">asserted by ${path.link.assertedBy}</span>`}
      ${path.link.system && html`<span class="edge-detail">for system ${path.link.system}</span>`}</li>`,
    html`<li class="node"><${ReqLink} req=${{ ...reqOf(start.id, titles), ...start }} /></li>`,
  ];
  for (const hop of path.hops) {
    steps.push(html`<li class="edge">
      <span class="edge-label">${relationship(hop.predicate)}${hop.inverted ? " (read from the other end)" : ""}</span>
      ${hop.rationale && html`<span class="edge-detail">rationale: ${hop.rationale}</span>`}
      ${hop.confidence !== null && hop.confidence !== undefined && html`<span class="edge-detail">confidence ${hop.confidence}</span>`}
      <span class="edge-detail">source: ${hop.source}</span>
      ${hop.comment && html`<span class="edge-detail edge-comment">${hop.comment}</span>`}
    </li>`);
    steps.push(html`<li class="node"><${ReqLink} req=${reqOf(hop.object, titles)} /></li>`);
  }
  return html`<ol class=${`chain ${path.stale ? "chain-stale" : ""}`} aria-label="Explanation path">
    ${steps}
    <li class="chain-level"><span class="muted">gives</span> <strong>${notation(path.level)}</strong>${path.stale ? " (stale: the evidence expired)" : ""}${path.inferred ? " (inferred)" : ""}</li>
  </ol>`;
}

export function Empty({ children }) {
  return html`<p class="empty">${children}</p>`;
}

export function formatDate(value) {
  return value || "—";
}
