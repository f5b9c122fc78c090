// Applicable: the EU AI Act provisions binding an AI system on a date, as a timeline of their
// dates of application.
import { html } from "../lib/html.js";
import { go } from "../lib/router.js";
import { PageHeader, Loading, ErrorNotice, SelectField, TextField, ReqLink, Empty, useQuery, today } from "../lib/ui.js";
import { notation } from "../lib/terms.js";

const SYSTEMS = "{ systems { id: localId name roles category } }";
const APPLICABLE = `query Applicable($system: String!, $on: Date) { applicable(system: $system, on: $on) {
  requirement { id: localId notation title framework } basis roles conditional note appliesFrom inForce dateSource } }`;

function Timeline({ system, on }) {
  const { data, error, loading } = useQuery(APPLICABLE, { system, on }, `${system}|${on}`);
  if (loading && !data) return html`<${Loading} what="Working out what applies" />`;
  if (error) return html`<${ErrorNotice} error=${error} />`;
  const byDate = new Map();
  for (const p of data.applicable) {
    const key = p.appliesFrom || "undated";
    if (!byDate.has(key)) byDate.set(key, []);
    byDate.get(key).push(p);
  }
  const dates = [...byDate.keys()].sort();
  if (!dates.length) return html`<${Empty}>No EU AI Act provision binds this system.<//>`;
  const inForce = data.applicable.filter((p) => p.inForce).length;
  return html`<div>
    <p class="muted" aria-live="polite">${data.applicable.length} provisions bind this system; ${inForce} apply on ${on}.</p>
    <ol class="timeline">
      ${dates.map((d) => {
        const list = byDate.get(d);
        const past = d !== "undated" && d <= on;
        return html`<li class=${`moment ${past ? "past" : "future"}`}>
          <div class="moment-date"><time datetime=${d}>${d}</time><span class="small">${past ? "applies" : "from then on"}</span></div>
          <div class="moment-body">
            <h2 class="moment-title">${list.length} provision${list.length === 1 ? "" : "s"} ${past ? "in force" : "to come"}</h2>
            <ul class="provisions">${list.map((p) => html`<li>
              <${ReqLink} req=${p.requirement} />
              <div class="small muted">${p.basis}${p.roles.length ? ` · as ${p.roles.map(notation).join(", ")}` : ""}${p.conditional ? " · conditional" : ""}${p.note ? ` · ${p.note}` : ""}</div>
            </li>`)}</ul>
            <p class="small muted">Date: ${list[0].dateSource}</p>
          </div>
        </li>`;
      })}
    </ol>
  </div>`;
}

export default function Applicable({ params }) {
  const systems = useQuery(SYSTEMS, {}, "systems");
  const list = (systems.data && systems.data.systems) || [];
  const system = params.system || (list[0] && list[0].id) || "";
  const on = params.on || today();
  const set = (changes) => go("applicable", null, { system, on, ...changes }, { replace: true });
  return html`<div>
    <${PageHeader} title="Applicable" subtitle="EU AI Act provisions binding an AI system, and from when" />
    <form class="filters" onSubmit=${(e) => e.preventDefault()} aria-label="System and date">
      <${SelectField} name="system" label="AI system" value=${system} onChange=${(v) => set({ system: v })}
        options=${list.length ? list.map((s) => [s.id, `${s.name} (${notation(s.category)})`]) : [["", "No AI system yet"]]} />
      <${TextField} name="on" label="On date" type="date" value=${on} onInput=${(v) => v && set({ on: v })} />
    </form>
    <${ErrorNotice} error=${systems.error} />
    ${systems.loading && html`<${Loading} />`}
    ${!systems.loading && !list.length && html`<${Empty}>Add an AI system to the inventory first.<//>`}
    ${system && html`<${Timeline} system=${system} on=${on} />`}
  </div>`;
}
