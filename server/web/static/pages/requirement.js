// Requirement: one requirement with its text, place in the framework, dates of application, the
// crosswalk both ways, and the evidence covering it with each explanation drawn as a chain.
// Without an id: a search over every framework.
import { html, useState } from "../lib/html.js";
import { go, href } from "../lib/router.js";
import {
  PageHeader, Loading, ErrorNotice, TextField, SelectField, ReqLink, EvidenceLink, Chain, Empty, Pager, usePager, useQuery, today,
} from "../lib/ui.js";
import { notation, relationship } from "../lib/terms.js";

const DETAIL = `query Requirement($id: String!) { requirement(id: $id) {
  id: localId notation title kind framework scheme text url source rights
  parents { id: localId notation title framework } children { id: localId notation title kind framework }
  datesOfApplication { appliesFrom category part source note replaced { appliesFrom source } }
  mappings { id: localId predicate rationale confidence justification source mappingSet comment inverted
    subject { id: localId notation title framework } object { id: localId notation title framework } } } }`;
const COVERING = `query Covering($id: String!, $on: Date) { requirement(id: $id) { id: localId evidence(on: $on) {
  evidence { id: localId title kind } coverage direct inferred stale
  paths { evidenceId level stale inferred link { extent assertedBy system requirement { id: localId notation title framework } }
    hops { subject predicate object rationale confidence source comment inverted } } } } }`;
const SEARCH = `query Search($text: String, $framework: String, $after: String) {
  requirements(text: $text, framework: $framework, first: 25, after: $after) { totalCount
    edges { node { id: localId notation title kind framework } } pageInfo { hasNextPage endCursor } } }`;

function Crosswalk({ req }) {
  if (!req.mappings.length) return html`<${Empty}>No mapping to or from this requirement.<//>`;
  return html`<div class="table-wrap"><table class="data crosswalk">
    <caption class="visually-hidden">Mappings to and from ${req.notation}</caption>
    <thead><tr><th scope="col">Direction</th><th scope="col">Relationship</th><th scope="col">Other requirement</th><th scope="col">Rationale</th><th scope="col">Confidence</th><th scope="col">Source</th><th scope="col">Comment</th></tr></thead>
    <tbody>${req.mappings.map((m) => html`<tr>
      <td data-label="Direction">${m.inverted ? "from the other end" : "from here"}</td>
      <td data-label="Relationship"><strong>${relationship(m.predicate)}</strong></td>
      <td data-label="Other requirement">${m.object ? html`<${ReqLink} req=${m.object} />` : html`<span class="muted">nothing corresponds</span>`}</td>
      <td data-label="Rationale">${m.rationale || html`<span class="muted">—</span>`}</td>
      <td data-label="Confidence">${m.confidence ?? html`<span class="muted">—</span>`}</td>
      <td data-label="Source" class="small">${m.source}</td>
      <td data-label="Comment" class="small">${m.comment || ""}</td>
    </tr>`)}</tbody></table></div>`;
}

function Dates({ dates }) {
  if (!dates.length) return null;
  return html`<section class="card" aria-labelledby="dates-title"><h2 id="dates-title">Dates of application</h2>
    <ul class="dates">${dates.map((d) => html`<li>
      <strong>${d.appliesFrom}</strong> ${d.category ? `for ${notation(d.category)} systems` : "for every AI system"}${d.part ? ` (${d.part})` : ""}
      ${d.replaced.map((r) => html`<span class="muted small"> — replaced ${r.appliesFrom}</span>`)}
      <div class="muted small">${d.note || ""} ${d.source}</div></li>`)}</ul></section>`;
}

function Covering({ id, req }) {
  const [on, setOn] = useState(today());
  const { data, error, loading } = useQuery(COVERING, { id, on }, `${id}|${on}`);
  const items = data && data.requirement.evidence;
  return html`<section class="card" aria-labelledby="covering-title">
    <div class="section-head"><h2 id="covering-title">Evidence covering it</h2>
      <${TextField} name="covering-on" label="On date" type="date" value=${on} onInput=${(v) => v && setOn(v)} className="inline" /></div>
    <${ErrorNotice} error=${error} />
    ${loading && !items && html`<${Loading} />`}
    ${items && !items.length && html`<${Empty}>No evidence of this workspace covers it, directly or through mappings.<//>`}
    ${items && html`<ul class="covering">${items.map((c) => html`<li class="covering-item">
      <div class="covering-head"><${EvidenceLink} id=${c.evidence.id} title=${c.evidence.title} />
        <span class="muted small">${notation(c.evidence.kind)}</span> <strong>${notation(c.coverage)}</strong>
        <span class="muted small">${c.direct ? "linked directly" : "through mappings"}${c.inferred ? ", inferred" : ""}${c.stale ? ", stale" : ""}</span></div>
      ${c.paths.map((p) => html`<${Chain} path=${p} titles=${{ [req.id]: req }} />`)}
    </li>`)}</ul>
    <p class="muted small">Each item shows its first 20 explanation paths at most.</p>`}
  </section>`;
}

function Search({ params }) {
  const [text, setText] = useState(params.q || "");
  const framework = params.framework || "";
  const pager = usePager(`${params.q}|${framework}`);
  const query = params.q || null;
  const { data, error, loading } = useQuery(SEARCH, { text: query, framework: framework || null, after: pager.after }, `${query}|${framework}|${pager.after}`);
  const found = data && data.requirements;
  return html`<div>
    <${PageHeader} title="Requirements" subtitle="Search every framework by id, title or text" />
    <form class="filters" role="search" onSubmit=${(e) => {
      e.preventDefault();
      go("requirement", null, { q: text.trim(), framework }, { replace: true });
    }}>
      <${TextField} name="q" label="Search" type="search" value=${text} onInput=${setText} placeholder="e.g. logging, A.6.2.8, Art. 12" />
      <${SelectField} name="framework" label="Framework" value=${framework} onChange=${(v) => go("requirement", null, { q: params.q, framework: v }, { replace: true })}
        options=${[["", "Every framework"], ["iso42001", "ISO/IEC 42001"], ["iso27001", "ISO/IEC 27001"], ["euaiact", "EU AI Act"], ["nistairmf", "NIST AI RMF"], ["nistgai", "NIST AI 600-1"]]} />
      <div class="field field-button"><button type="submit" class="primary">Search</button></div>
    </form>
    <${ErrorNotice} error=${error} />
    ${loading && !found && html`<${Loading} />`}
    ${found && html`<ul class="results">${found.edges.map(({ node }) => html`<li><${ReqLink} req=${node} /> <span class="muted small">${notation(node.kind)}</span></li>`)}</ul>
      <${Pager} pager=${pager} pageInfo=${found.pageInfo} total=${found.totalCount} size=${25} label="Requirements" />`}
  </div>`;
}

export default function Requirement({ arg, params }) {
  if (!arg) return html`<${Search} params=${params} />`;
  const { data, error, loading } = useQuery(DETAIL, { id: arg }, arg);
  if (loading) return html`<${Loading} />`;
  if (error) return html`<div><${PageHeader} title="Requirement" /><${ErrorNotice} error=${error} /></div>`;
  const req = data.requirement;
  return html`<div class="requirement-page">
    <nav class="crumbs" aria-label="Place in the framework"><a href=${href("requirement", null, { framework: req.framework })}>${req.scheme}</a>
      ${req.parents.map((p) => html` › <a href=${href("requirement", p.id)}>${p.notation}</a>`)}</nav>
    <${PageHeader} title=${`${req.notation} ${req.title}`} subtitle=${`${notation(req.kind)} · ${req.id}`} />
    <div class="grid-2">
      <section class="card" aria-labelledby="text-title"><h2 id="text-title">Text</h2>
        ${req.text ? html`<p class="req-text">${req.text}</p>` : html`<p class="muted">${req.rights}</p>`}
        <p class="muted small">Source: ${req.url ? html`<a href=${req.url} rel="noreferrer">${req.source}</a>` : req.source}</p>
      </section>
      <section class="card" aria-labelledby="children-title"><h2 id="children-title">Parents and children</h2>
        ${req.parents.length ? html`<p><span class="muted">Within:</span> ${req.parents.map((p) => html`<${ReqLink} req=${p} /> `)}</p>` : html`<p class="muted">Top level of ${req.scheme}.</p>`}
        ${req.children.length ? html`<ul class="children">${req.children.map((c) => html`<li><${ReqLink} req=${c} /></li>`)}</ul>` : html`<p class="muted">No sub-requirements.</p>`}
      </section>
    </div>
    <${Dates} dates=${req.datesOfApplication} />
    <section class="card" aria-labelledby="crosswalk-title"><h2 id="crosswalk-title">Crosswalk (${req.mappings.length})</h2><${Crosswalk} req=${req} /></section>
    <${Covering} id=${req.id} req=${req} />
  </div>`;
}
