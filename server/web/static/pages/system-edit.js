// Add or edit one AI system of the inventory (editors): role, category, owner and next review, each
// problem the API names shown beside its field.
import { html, useState, useEffect } from "../lib/html.js";
import { gql } from "../lib/api.js";
import { session } from "../lib/session.js";
import { go, href } from "../lib/router.js";
import { PageHeader, Loading, ErrorNotice, TextField, TextArea, SelectField } from "../lib/ui.js";
import { AI_CATEGORIES, OPERATOR_ROLES, enumName, notation } from "../lib/terms.js";

const LIST = "{ systems { id: localId name roles category generative owner purpose dataUsed nextReview } }";
const TEXT = ["name", "owner", "purpose", "dataUsed", "nextReview"];
const BLANK = { id: "", name: "", roles: ["provider"], category: "minimal", generative: false, owner: "", purpose: "", dataUsed: "", nextReview: "" };

// "input.roles[0]" -> "roles"; "input.nextReview" -> "nextReview"
const fieldKey = (path) => path.replace(/^input\./, "").replace(/\[\d+\]$/, "");

export default function SystemEdit({ arg }) {
  const editing = Boolean(arg);
  const [form, setForm] = useState(editing ? null : BLANK);
  const [errors, setErrors] = useState({});
  const [failure, setFailure] = useState(null);
  const [busy, setBusy] = useState(false);
  useEffect(() => {
    if (!editing) return;
    gql(LIST).then((d) => {
      const s = d.systems.find((one) => one.id === arg);
      if (!s) return setFailure({ code: "NOT_FOUND", message: `no AI system ${arg} in this workspace` });
      setForm({ ...s, ...Object.fromEntries(TEXT.map((f) => [f, s[f] ?? ""])), roles: s.roles.map(notation), category: notation(s.category) });
    }, setFailure);
  }, [arg]);
  const title = editing ? `Edit ${arg}` : "Add an AI system";
  if (!session.canEdit()) {
    return html`<div><${PageHeader} title=${title} />
      <div class="notice" role="alert">Your role (${notation(session.viewer().role)}) can read but not change the inventory: sign in with an editor token.</div></div>`;
  }
  if (!form) return failure ? html`<${ErrorNotice} error=${failure} />` : html`<${Loading} />`;
  const set = (name) => (value) => setForm({ ...form, [name]: value });
  const toggleRole = (role) => setForm({ ...form, roles: form.roles.includes(role) ? form.roles.filter((r) => r !== role) : [...form.roles, role] });
  async function submit(event) {
    event.preventDefault();
    setBusy(true);
    setErrors({});
    setFailure(null);
    const input = { id: form.id, name: form.name, roles: form.roles.map(enumName), category: enumName(form.category), generative: form.generative };
    for (const name of ["owner", "purpose", "dataUsed", "nextReview"]) input[name] = form[name] === "" ? null : form[name];
    try {
      const data = editing
        ? await gql("mutation Update($input: UpdateSystemInput!) { updateSystem(input: $input) { id: localId } }", { input })
        : await gql("mutation Create($input: CreateSystemInput!) { createSystem(input: $input) { id: localId } }", { input });
      go("systems", null, { changed: (editing ? data.updateSystem : data.createSystem).id });
    } catch (error) {
      const found = {};
      for (const p of error.problems) found[fieldKey(p.field)] = p.message;
      setErrors(found);
      setFailure(Object.keys(found).length ? { code: "INVALID_INPUT", message: "See beside the fields marked." } : error);
    } finally {
      setBusy(false);
    }
  }
  const shown = (key) => errors[key];
  return html`<div>
    <nav class="crumbs" aria-label="Breadcrumb"><a href=${href("systems")}>AI systems</a> › ${editing ? arg : "New"}</nav>
    <${PageHeader} title=${title} subtitle="Fields marked * are required" />
    <form class="card system-form" onSubmit=${submit} novalidate>
      <${ErrorNotice} error=${failure} />
      <div class="form-grid">
        <${TextField} name="id" label="Id *" value=${form.id} onInput=${set("id")} error=${shown("id")} readOnly=${editing}
          hint="Letters, digits and . _ : - ; up to 128 characters" />
        <${TextField} name="name" label="Name *" value=${form.name} onInput=${set("name")} error=${shown("name")} />
        <${SelectField} name="category" label="EU AI Act category *" value=${form.category} onChange=${set("category")} error=${shown("category")}
          options=${AI_CATEGORIES.map((c) => [c, c])} />
        <${TextField} name="owner" label="Owner" value=${form.owner} onInput=${set("owner")} error=${shown("owner")} />
        <${TextField} name="nextReview" label="Next review" type="date" value=${form.nextReview} onInput=${set("nextReview")} error=${shown("nextReview")} />
        <div class="field" data-field="generative">
          <label class="check"><input type="checkbox" checked=${form.generative} onChange=${(e) => set("generative")(e.currentTarget.checked)} /> Generative AI</label>
        </div>
        <${TextArea} name="purpose" label="Intended purpose" value=${form.purpose} onInput=${set("purpose")} error=${shown("purpose")} className="wide" />
        <${TextArea} name="dataUsed" label="Data used" value=${form.dataUsed} onInput=${set("dataUsed")} error=${shown("dataUsed")} className="wide" />
      </div>
      <fieldset class=${`roles-fieldset ${shown("roles") ? "has-error" : ""}`} data-field="roles">
        <legend>Operator roles under the EU AI Act *</legend>
        ${OPERATOR_ROLES.map((role) => html`<label class="check"><input type="checkbox" name="roles" value=${role}
          checked=${form.roles.includes(role)} onChange=${() => toggleRole(role)} /> ${role}</label>`)}
        ${shown("roles") && html`<p class="field-error" role="alert">${shown("roles")}</p>`}
      </fieldset>
      <div class="form-actions">
        <button type="submit" class="primary" disabled=${busy}>${busy ? "Saving…" : editing ? "Save changes" : "Add the system"}</button>
        <a class="button quiet" href=${href("systems")}>Cancel</a>
      </div>
    </form>
  </div>`;
}
