// AI systems: the inventory with role, category, owner and next review; reviews past due are marked.
import { html } from "../lib/html.js";
import { href } from "../lib/router.js";
import { session } from "../lib/session.js";
import { PageHeader, Loading, ErrorNotice, Empty, useQuery, today, formatDate } from "../lib/ui.js";
import { notation } from "../lib/terms.js";

const LIST = "{ systems { id: localId name roles category generative owner purpose dataUsed nextReview } }";

export default function Systems() {
  const { data, error, loading } = useQuery(LIST, {}, "systems");
  const now = today();
  const systems = data && data.systems;
  const overdue = systems ? systems.filter((s) => s.nextReview && s.nextReview < now).length : 0;
  return html`<div>
    <${PageHeader} title="AI systems" subtitle=${systems ? `${systems.length} in the inventory${overdue ? `, ${overdue} past their next review` : ""}` : "The AI inventory"}>
      ${session.canEdit() && html`<a class="button primary" href=${href("system-new")}>Add an AI system</a>`}
    <//>
    <${ErrorNotice} error=${error} />
    ${loading && html`<${Loading} />`}
    ${systems && !systems.length && html`<${Empty}>No AI system yet: <code>grcgraph systems add</code> or the createSystem mutation adds one.<//>`}
    ${systems && systems.length > 0 && html`<div class="table-wrap"><table class="data systems">
      <caption class="visually-hidden">AI inventory</caption>
      <thead><tr><th scope="col">System</th><th scope="col">Role</th><th scope="col">Category</th><th scope="col">Owner</th><th scope="col">Next review</th><th scope="col">Obligations</th>${session.canEdit() ? html`<th scope="col"><span class="visually-hidden">Change</span></th>` : ""}</tr></thead>
      <tbody>${systems.map((s) => {
        const late = s.nextReview && s.nextReview < now;
        return html`<tr class=${late ? "overdue" : ""}>
          <td data-label="System"><strong>${s.name}</strong> <span class="muted small">${s.id}</span>
            ${s.purpose && html`<div class="small muted">${s.purpose}</div>`}</td>
          <td data-label="Role">${s.roles.map(notation).join(", ")}</td>
          <td data-label="Category">${notation(s.category)}${s.generative ? html` <span class="tag">generative</span>` : ""}</td>
          <td data-label="Owner">${s.owner || html`<span class="muted">—</span>`}</td>
          <td data-label="Next review">${formatDate(s.nextReview)}${late ? html` <span class="status status-overdue">Overdue</span>` : ""}</td>
          <td data-label="Obligations"><a href=${href("applicable", null, { system: s.id })}>EU AI Act timeline</a> · <a href=${href("gaps", null, { framework: "euaiact", system: s.id })}>gaps</a></td>
          ${session.canEdit() ? html`<td data-label="Change"><a href=${href("system-edit", s.id)} aria-label=${`Edit ${s.name}`}>Edit</a></td>` : ""}
        </tr>`;
      })}</tbody></table></div>`}
  </div>`;
}
