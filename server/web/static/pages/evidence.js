// Evidence: the register (search; filter by kind, owner, staleness; paged by the server), and one
// item's page (what it covers in every framework and why, its links; link and unlink for editors).
import { html, useState } from "../lib/html.js";
import { gql } from "../lib/api.js";
import { session } from "../lib/session.js";
import { go, href } from "../lib/router.js";
import {
  PageHeader, Loading, ErrorNotice, TextField, SelectField, ReqLink, Chain, Empty, Pager, usePager, useQuery, Status, today, formatDate,
} from "../lib/ui.js";
import { EVIDENCE_KINDS, EXTENTS, enumName, notation } from "../lib/terms.js";

const SIZE = 50;
const LIST = `query Register($first: Int!, $after: String, $text: String, $kind: EvidenceKind, $owner: String, $stale: Boolean, $on: Date) {
  evidenceList(first: $first, after: $after, text: $text, kind: $kind, owner: $owner, stale: $stale, on: $on) { totalCount
    edges { node { id: localId title kind owner collectedOn validUntil links { requirement { id: localId } } } } pageInfo { hasNextPage endCursor } } }`;
const ITEM = `query Item($id: String!) { evidence(id: $id) { id: localId title kind description owner location sha256 collectedOn validUntil
  links { extent assertedBy assertedAt system requirement { id: localId notation title framework } } } systems { id: localId name } }`;
const ROWS = `query Rows($id: String!, $on: Date) { evidence(id: $id) { id: localId coverage(on: $on) {
  requirement { id: localId notation title framework } coverage direct inferred } } }`;
const PATHS = `query Paths($id: String!, $on: Date) { evidence(id: $id) { id: localId coverage(on: $on) { requirement { id: localId }
  paths { evidenceId level stale inferred link { extent assertedBy system requirement { id: localId notation title framework } }
    hops { subject predicate object rationale confidence source comment inverted } } } } }`;
const FRAMEWORK_NAMES = { iso42001: "ISO/IEC 42001", iso27001: "ISO/IEC 27001", euaiact: "EU AI Act", nistairmf: "NIST AI RMF", nistgai: "NIST AI 600-1" };

function Register({ params }) {
  const [text, setText] = useState(params.text || "");
  const [owner, setOwner] = useState(params.owner || "");
  const on = params.on || today();
  const stale = params.stale === "true" ? true : params.stale === "false" ? false : null;
  const state = { text: params.text || "", owner: params.owner || "", kind: params.kind || "", stale: params.stale || "", on: params.on || "" };
  const set = (changes) => go("evidence", null, { ...state, ...changes }, { replace: true });
  const key = JSON.stringify(state);
  const pager = usePager(key);
  const variables = { first: SIZE, after: pager.after, text: state.text || null, kind: state.kind ? enumName(state.kind) : null, owner: state.owner || null, stale, on };
  const { data, error, loading } = useQuery(LIST, variables, `${key}|${pager.after}`);
  const list = data && data.evidenceList;
  return html`<div>
    <${PageHeader} title="Evidence" subtitle="The register of this workspace's evidence">
      ${session.canEdit() && html`<a class="button primary" href=${href("evidence-new")}>Add evidence</a>`}
    <//>
    <form class="filters" role="search" aria-label="Filter the register" onSubmit=${(e) => {
      e.preventDefault();
      set({ text: text.trim(), owner: owner.trim() });
    }}>
      <${TextField} name="text" label="Search id or title" type="search" value=${text} onInput=${setText} />
      <${SelectField} name="kind" label="Kind" value=${state.kind} onChange=${(v) => set({ kind: v, text: text.trim(), owner: owner.trim() })}
        options=${[["", "Any kind"], ...EVIDENCE_KINDS.map((k) => [k, k])]} />
      <${TextField} name="owner" label="Owner" value=${owner} onInput=${setOwner} placeholder="e.g. ciso@" />
      <${SelectField} name="stale" label="Staleness" value=${state.stale} onChange=${(v) => set({ stale: v, text: text.trim(), owner: owner.trim() })}
        options=${[["", "Any"], ["true", "Stale (past valid-until)"], ["false", "Current"]]} />
      <div class="field field-button"><button type="submit" class="primary">Apply</button></div>
    </form>
    <${ErrorNotice} error=${error} />
    ${loading && !list && html`<${Loading} />`}
    ${list && html`<div class=${`table-wrap ${loading ? "is-loading" : ""}`} aria-busy=${loading}>
      <table class="data register">
        <caption class="visually-hidden">Evidence register</caption>
        <thead><tr><th scope="col">Evidence</th><th scope="col">Kind</th><th scope="col">Owner</th><th scope="col">Collected</th><th scope="col">Valid until</th><th scope="col">Links</th></tr></thead>
        <tbody>${list.edges.map(({ node }) => html`<tr>
          <td data-label="Evidence"><a href=${href("evidence", node.id)}>${node.title}</a> <span class="muted small">${node.id}</span></td>
          <td data-label="Kind">${notation(node.kind)}</td>
          <td data-label="Owner">${node.owner || html`<span class="muted">—</span>`}</td>
          <td data-label="Collected">${formatDate(node.collectedOn)}</td>
          <td data-label="Valid until">${formatDate(node.validUntil)}${node.validUntil && node.validUntil < on ? html` <${Status} status="stale" />` : ""}</td>
          <td data-label="Links">${node.links.length}</td>
        </tr>`)}</tbody>
      </table>
      ${!list.edges.length && html`<${Empty}>No evidence matches.<//>`}
    </div>
    <${Pager} pager=${pager} pageInfo=${list.pageInfo} total=${list.totalCount} size=${SIZE} label="Evidence register" />`}
  </div>`;
}

function Coverage({ id }) {
  const [on, setOn] = useState(today());
  const [open, setOpen] = useState({});
  const rows = useQuery(ROWS, { id, on }, `${id}|${on}`);
  const [paths, setPaths] = useState({ key: null });
  const key = `${id}|${on}`;
  function toggle(reqId) {
    setOpen((o) => ({ ...o, [reqId]: !o[reqId] }));
    if (paths.key !== key && !paths.loading) {
      setPaths({ key, loading: true });
      gql(PATHS, { id, on }).then(
        (data) => setPaths({ key, byReq: Object.fromEntries(data.evidence.coverage.map((c) => [c.requirement.id, c.paths])) }),
        (error) => setPaths({ key, error }),
      );
    }
  }
  const covered = rows.data && rows.data.evidence.coverage;
  const titles = covered ? Object.fromEntries(covered.map((c) => [c.requirement.id, c.requirement])) : {};
  const byFramework = {};
  for (const row of covered || []) (byFramework[row.requirement.framework] ||= []).push(row);
  return html`<section class="card" aria-labelledby="coverage-title">
    <div class="section-head"><h2 id="coverage-title">What it covers, in every framework</h2>
      <${TextField} name="coverage-on" label="On date" type="date" value=${on} onInput=${(v) => v && setOn(v)} className="inline" /></div>
    <${ErrorNotice} error=${rows.error || paths.error} />
    ${rows.loading && !covered && html`<${Loading} />`}
    ${covered && !covered.length && html`<${Empty}>It covers nothing yet: link it to a requirement.<//>`}
    ${Object.entries(byFramework).map(([fw, list]) => html`<div class="coverage-group" data-framework=${fw}>
      <h3>${FRAMEWORK_NAMES[fw] || fw} <span class="muted small">${list.length} requirement${list.length === 1 ? "" : "s"}</span></h3>
      <ul class="coverage-list">${list.map((c) => {
        const expanded = Boolean(open[c.requirement.id]);
        const mine = paths.key === key && paths.byReq ? paths.byReq[c.requirement.id] : null;
        return html`<li class="coverage-row">
          <div class="coverage-line">
            <${ReqLink} req=${c.requirement} />
            <span class=${`level level-${notation(c.coverage)}`}>${notation(c.coverage)}</span>
            <span class="muted small">${c.direct ? "linked directly" : "through mappings"}${c.inferred ? ", inferred" : ""}</span>
            <button type="button" class="quiet why" aria-expanded=${expanded} onClick=${() => toggle(c.requirement.id)}>${expanded ? "Hide why" : "Why?"}</button>
          </div>
          ${expanded && (mine ? html`<div class="paths">${mine.map((p) => html`<${Chain} path=${p} titles=${titles} />`)}</div>` : html`<${Loading} what="Tracing the paths" />`)}
        </li>`;
      })}</ul></div>`)}
  </section>`;
}

function LinkForm({ id, systems, onDone }) {
  const blank = { requirement: "", extent: "full", system: "", assertedBy: "" };
  const [form, setForm] = useState(blank);
  const [errors, setErrors] = useState({});
  const [failure, setFailure] = useState(null);
  const [busy, setBusy] = useState(false);
  const field = (name) => (v) => setForm({ ...form, [name]: v });
  async function submit(event) {
    event.preventDefault();
    setBusy(true);
    setErrors({});
    setFailure(null);
    try {
      await gql(`mutation Link($id: String!, $links: [LinkInput!]!) { linkEvidence(evidenceId: $id, links: $links) { id: localId } }`, {
        id,
        links: [{ requirement: form.requirement, extent: enumName(form.extent), assertedBy: form.assertedBy, system: form.system || null }],
      });
      setForm(blank);
      onDone();
    } catch (error) {
      const found = {};
      for (const p of error.problems) found[p.field.replace(/^links\[0\]\.?/, "") || "requirement"] = p.message;
      if (Object.keys(found).length) setErrors(found);
      else setFailure(error);
    } finally {
      setBusy(false);
    }
  }
  return html`<form class="link-form" onSubmit=${submit} aria-labelledby="link-title">
    <h3 id="link-title">Link to a requirement</h3>
    <${ErrorNotice} error=${failure} />
    <div class="form-row">
      <${TextField} name="link-requirement" label="Requirement" value=${form.requirement} onInput=${field("requirement")} error=${errors.requirement} placeholder="A.6.2.8, Art. 12(1), GOVERN 1.1" />
      <${SelectField} name="link-extent" label="Extent" value=${form.extent} onChange=${field("extent")} options=${EXTENTS.map((e) => [e, e])} error=${errors.extent} />
      <${SelectField} name="link-system" label="For AI system" value=${form.system} onChange=${field("system")} error=${errors.system}
        options=${[["", "Every system"], ...systems.map((s) => [s.id, s.name])]} />
      <${TextField} name="link-asserted-by" label="Asserted by" value=${form.assertedBy} onInput=${field("assertedBy")} error=${errors.assertedBy} />
      <div class="field field-button"><button type="submit" class="primary" disabled=${busy}>Add link</button></div>
    </div>
  </form>`;
}

function Item({ id }) {
  const { data, error, loading, reload } = useQuery(ITEM, { id }, id);
  const [revision, setRevision] = useState(0);
  const [failure, setFailure] = useState(null);
  if (loading && !data) return html`<${Loading} />`;
  if (error) return html`<div><${PageHeader} title="Evidence" /><${ErrorNotice} error=${error} /></div>`;
  const item = data.evidence;
  const editor = session.canEdit();
  const changed = () => {
    reload();
    setRevision((r) => r + 1);
  };
  async function unlink(link) {
    setFailure(null);
    try {
      await gql(`mutation Unlink($id: String!, $req: String!, $system: String) { unlinkEvidence(evidenceId: $id, requirement: $req, system: $system) { id: localId } }`, {
        id, req: link.requirement.id, system: link.system,
      });
      changed();
    } catch (problem) {
      setFailure(problem);
    }
  }
  return html`<div class="evidence-page">
    <nav class="crumbs" aria-label="Breadcrumb"><a href=${href("evidence")}>Evidence</a> › ${item.id}</nav>
    <${PageHeader} title=${item.title} subtitle=${`${notation(item.kind)} · ${item.id}`}>
      ${editor && html`<a class="button" href=${href("evidence-edit", item.id)}>Edit</a>`}
    <//>
    <div class="grid-2">
      <section class="card" aria-labelledby="details-title"><h2 id="details-title">Details</h2>
        <dl class="details">
          <dt>Description</dt><dd>${item.description || html`<span class="muted">—</span>`}</dd>
          <dt>Owner</dt><dd>${item.owner || html`<span class="muted">—</span>`}</dd>
          <dt>Location</dt><dd>${item.location || html`<span class="muted">—</span>`}</dd>
          <dt>SHA-256</dt><dd class="mono">${item.sha256 || html`<span class="muted">—</span>`}</dd>
          <dt>Collected on</dt><dd>${formatDate(item.collectedOn)}</dd>
          <dt>Valid until</dt><dd>${formatDate(item.validUntil)}${item.validUntil && item.validUntil < today() ? html` <${Status} status="stale" />` : ""}</dd>
        </dl>
      </section>
      <section class="card" aria-labelledby="links-title"><h2 id="links-title">Links (${item.links.length})</h2>
        <${ErrorNotice} error=${failure} />
        ${item.links.length ? html`<ul class="links">${item.links.map((l) => html`<li>
          <${ReqLink} req=${l.requirement} /> <span class="muted small">${notation(l.extent)}${l.system ? `, for ${l.system}` : ""}${l.assertedBy ? `, asserted by ${l.assertedBy}` : ""}</span>
          ${editor && html`<button type="button" class="quiet danger" onClick=${() => unlink(l)} aria-label=${`Remove the link to ${l.requirement.notation}`}>Remove</button>`}
        </li>`)}</ul>` : html`<${Empty}>No links.<//>`}
        ${editor && html`<${LinkForm} id=${item.id} systems=${data.systems} onDone=${changed} />`}
      </section>
    </div>
    <${Coverage} id=${item.id} key=${revision} />
    <${History} id=${item.id} key=${`h${revision}`} />
  </div>`;
}

const HISTORY = `query History($id: String!) { evidence(id: $id) { history { sequence time agent operation hash
  changes { kind id operation before { name values } after { name values } } } } }`;

// One property's change as a person reads it: "title: AI policy → AI policy v2".
function changedProperties(change) {
  const before = Object.fromEntries(change.before.map((p) => [p.name, p.values.join(", ")]));
  const after = Object.fromEntries(change.after.map((p) => [p.name, p.values.join(", ")]));
  return [...new Set([...Object.keys(before), ...Object.keys(after)])]
    .filter((name) => before[name] !== after[name] && name !== "type")
    .map((name) => ({ name, before: before[name], after: after[name] }));
}

// Every change to the item and its links, newest first, from the hash-chained log.
function History({ id }) {
  const { data, error, loading } = useQuery(HISTORY, { id }, id);
  const entries = data ? [...data.evidence.history].reverse() : [];
  return html`<section class="card history" aria-labelledby="history-title">
    <h2 id="history-title">History <span class="muted small">${data ? `${entries.length} change${entries.length === 1 ? "" : "s"}` : ""}</span></h2>
    <${ErrorNotice} error=${error} />
    ${loading && !data && html`<${Loading} />`}
    ${data && !entries.length && html`<${Empty}>No change recorded.<//>`}
    ${entries.length > 0 && html`<ol class="history-list" reversed>${entries.map((e) => html`<li data-sequence=${e.sequence}>
      <div><strong>#${e.sequence}</strong> ${e.time.replace("T", " ").slice(0, 19)} UTC · ${e.operation.replace(/_/g, " ")} · by <span class="mono">${e.agent}</span>
        <span class="muted small mono" title="SHA-256 of the entry, covering the one before">${e.hash.slice(0, 12)}</span></div>
      <ul>${e.changes.map((c) => html`<li>${c.operation} ${c.kind} <span class="mono small">${c.kind === "evidence" ? c.id : ""}</span>
        ${c.operation === "changed" && html`<ul class="small">${changedProperties(c).map((p) => html`<li><span class="mono">${p.name}</span>: ${p.before ?? "—"} → ${p.after ?? "—"}</li>`)}</ul>`}
      </li>`)}</ul>
    </li>`)}</ol>`}
  </section>`;
}

export default function Evidence({ arg, params }) {
  return arg ? html`<${Item} id=${arg} />` : html`<${Register} params=${params} />`;
}
