// Statement of Applicability: every ISO/IEC 42001 and 27001 Annex A control, included or excluded
// with the reason, the coverage status and evidence; editors change a decision in place.
import { html, useState } from "../lib/html.js";
import { gql, download } from "../lib/api.js";
import { session } from "../lib/session.js";
import { go } from "../lib/router.js";
import { PageHeader, Loading, ErrorNotice, SelectField, TextField, TextArea, ReqLink, Status, EvidenceLink, useQuery, Empty } from "../lib/ui.js";

const LIST = "{ statementOfApplicability { framework included justification status evidence control { id: localId notation title framework } } }";

function Decision({ row }) {
  if (row.included === null) return html`<span class="muted">not decided</span>`;
  return row.included ? html`<span class="tag tag-in">Included</span>` : html`<span class="tag tag-out">Excluded</span>`;
}

function Editor({ row, onSaved, onCancel }) {
  const [included, setIncluded] = useState(row.included === false ? "false" : "true");
  const [reason, setReason] = useState(row.justification || "");
  const [errors, setErrors] = useState({});
  const [failure, setFailure] = useState(null);
  const [busy, setBusy] = useState(false);
  async function save(event) {
    event.preventDefault();
    setBusy(true);
    setErrors({});
    setFailure(null);
    try {
      await gql("mutation Set($c: String!, $i: Boolean!, $r: String!) { setApplicability(control: $c, included: $i, reason: $r) { included reason } }", {
        c: row.control.id, i: included === "true", r: reason,
      });
      onSaved();
    } catch (error) {
      const found = Object.fromEntries(error.problems.map((p) => [p.field, p.message]));
      if (Object.keys(found).length) setErrors(found);
      else setFailure(error);
    } finally {
      setBusy(false);
    }
  }
  return html`<form class="soa-editor" onSubmit=${save} aria-label=${`Decision for ${row.control.notation}`}>
    <${ErrorNotice} error=${failure} />
    <${SelectField} name=${`included-${row.control.id}`} label="Decision" value=${included} onChange=${setIncluded} error=${errors.included}
      options=${[["true", "Include"], ["false", "Exclude"]]} />
    <${TextArea} name=${`reason-${row.control.id}`} label="Reason" value=${reason} onInput=${setReason} error=${errors.reason || errors.control} rows=${2} />
    <div class="form-actions"><button type="submit" class="primary" disabled=${busy}>Save</button>
      <button type="button" class="quiet" onClick=${onCancel}>Cancel</button></div>
  </form>`;
}

export default function SoA({ params }) {
  const { data, error, loading, reload } = useQuery(LIST, {}, "soa");
  const [editing, setEditing] = useState(null);
  const [note, setNote] = useState(null);
  const [text, setText] = useState(params.q || "");
  const framework = params.framework || "";
  const decision = params.decision || "";
  const set = (changes) => go("soa", null, { framework, decision, q: params.q, ...changes }, { replace: true });
  const editor = session.canEdit();
  const rows = ((data && data.statementOfApplicability) || []).filter((r) => {
    if (framework && r.framework !== framework) return false;
    if (decision === "included" && r.included !== true) return false;
    if (decision === "excluded" && r.included !== false) return false;
    if (decision === "undecided" && r.included !== null) return false;
    const needle = (params.q || "").toLowerCase();
    return !needle || `${r.control.notation} ${r.control.title} ${r.justification}`.toLowerCase().includes(needle);
  });
  async function workbook() {
    setNote(null);
    try {
      setNote({ ok: `Downloaded ${await download("/export/soa.xlsx", {}, "soa.xlsx")}` });
    } catch (failure) {
      setNote({ error: failure });
    }
  }
  return html`<div>
    <${PageHeader} title="Statement of Applicability" subtitle="ISO/IEC 42001 and ISO/IEC 27001 Annex A controls">
      <button type="button" onClick=${workbook}>Download workbook (.xlsx)</button>
    <//>
    ${note && note.ok && html`<p class="notice ok" role="status">${note.ok}</p>`}
    ${note && note.error && html`<${ErrorNotice} error=${note.error} />`}
    ${!editor && html`<p class="notice" role="note">Read only: your role cannot change decisions.</p>`}
    <form class="filters" role="search" aria-label="Filter controls" onSubmit=${(e) => {
      e.preventDefault();
      set({ q: text.trim() });
    }}>
      <${SelectField} name="framework" label="Framework" value=${framework} onChange=${(v) => set({ framework: v })}
        options=${[["", "Both"], ["iso42001", "ISO/IEC 42001"], ["iso27001", "ISO/IEC 27001"]]} />
      <${SelectField} name="decision" label="Decision" value=${decision} onChange=${(v) => set({ decision: v })}
        options=${[["", "Any"], ["included", "Included"], ["excluded", "Excluded"], ["undecided", "Not decided"]]} />
      <${TextField} name="q" label="Search" type="search" value=${text} onInput=${setText} />
      <div class="field field-button"><button type="submit" class="primary">Apply</button></div>
    </form>
    <${ErrorNotice} error=${error} />
    ${loading && !data && html`<${Loading} />`}
    ${data && html`<p class="muted small" aria-live="polite">${rows.length} of ${data.statementOfApplicability.length} controls</p>
    <div class="table-wrap"><table class="data soa">
      <caption class="visually-hidden">Statement of Applicability</caption>
      <thead><tr><th scope="col">Control</th><th scope="col">Decision</th><th scope="col">Reason</th><th scope="col">Coverage</th><th scope="col">Evidence</th>${editor && html`<th scope="col"><span class="visually-hidden">Actions</span></th>`}</tr></thead>
      <tbody>${rows.map((r) => html`<tr data-control=${r.control.id}>
        <td data-label="Control"><${ReqLink} req=${r.control} /></td>
        <td data-label="Decision"><${Decision} row=${r} /></td>
        <td data-label="Reason">${editing === r.control.id
          ? html`<${Editor} row=${r} onCancel=${() => setEditing(null)} onSaved=${() => { setEditing(null); reload(); }} />`
          : r.justification || html`<span class="muted">—</span>`}</td>
        <td data-label="Coverage"><${Status} status=${r.status} /></td>
        <td data-label="Evidence">${r.evidence.slice(0, 2).map((id) => html`<${EvidenceLink} id=${id} /> `)}${r.evidence.length > 2 ? html`<span class="muted">+${r.evidence.length - 2}</span>` : ""}</td>
        ${editor && html`<td data-label="Actions">${editing !== r.control.id && html`<button type="button" class="quiet" onClick=${() => setEditing(r.control.id)} aria-label=${`Change the decision for ${r.control.notation}`}>Change</button>`}</td>`}
      </tr>`)}</tbody></table>
      ${!rows.length && html`<${Empty}>No control matches.<//>`}</div>`}
  </div>`;
}
