// Add or edit one evidence item (editors): the API checks every field, and each problem it names
// is shown beside its field.
import { html, useState, useEffect } from "../lib/html.js";
import { gql } from "../lib/api.js";
import { session } from "../lib/session.js";
import { go, href } from "../lib/router.js";
import { PageHeader, Loading, ErrorNotice, TextField, TextArea, SelectField } from "../lib/ui.js";
import { EVIDENCE_KINDS, EXTENTS, enumName, notation } from "../lib/terms.js";

const ITEM = `query Item($id: String!) { evidence(id: $id) { id: localId title kind description owner location sha256 collectedOn validUntil
  links { extent assertedBy system requirement { id: localId } } } }`;
const SYSTEMS = "{ systems { id: localId name } }";
const FIELDS = ["id", "title", "kind", "description", "owner", "location", "sha256", "collectedOn", "validUntil"];
const BLANK = { id: "", title: "", kind: "policy", description: "", owner: "", location: "", sha256: "", collectedOn: "", validUntil: "", links: [] };

// "input.links[1].requirement" -> "links.1.requirement"; "input.title" -> "title"
function fieldKey(path) {
  return path.replace(/^(input|items\[\d+\])\./, "").replace(/\[(\d+)\]/g, ".$1");
}

export default function EvidenceEdit({ arg }) {
  const editing = Boolean(arg);
  const [form, setForm] = useState(editing ? null : { ...BLANK, links: [{ requirement: "", extent: "full", system: "", assertedBy: "" }] });
  const [systems, setSystems] = useState([]);
  const [errors, setErrors] = useState({});
  const [failure, setFailure] = useState(null);
  const [busy, setBusy] = useState(false);
  useEffect(() => {
    gql(SYSTEMS).then((d) => setSystems(d.systems), setFailure);
    if (editing) {
      gql(ITEM, { id: arg }).then(
        (d) => {
          const e = d.evidence;
          setForm({
            ...Object.fromEntries(FIELDS.map((f) => [f, e[f] ?? ""])),
            kind: notation(e.kind),
            links: e.links.map((l) => ({ requirement: l.requirement.id, extent: notation(l.extent), system: l.system || "", assertedBy: l.assertedBy })),
          });
        },
        setFailure,
      );
    }
  }, [arg]);
  if (!session.canEdit()) {
    return html`<div><${PageHeader} title=${editing ? "Edit evidence" : "Add evidence"} />
      <div class="notice" role="alert">Your role (${notation(session.viewer().role)}) can read but not change evidence: sign in with an editor token.</div></div>`;
  }
  if (!form) return failure ? html`<${ErrorNotice} error=${failure} />` : html`<${Loading} />`;
  const set = (name) => (value) => setForm({ ...form, [name]: value });
  const setLink = (index, name) => (value) => setForm({ ...form, links: form.links.map((l, i) => (i === index ? { ...l, [name]: value } : l)) });
  const addLink = () => setForm({ ...form, links: [...form.links, { requirement: "", extent: "full", system: "", assertedBy: "" }] });
  const removeLink = (index) => setForm({ ...form, links: form.links.filter((_, i) => i !== index) });
  async function submit(event) {
    event.preventDefault();
    setBusy(true);
    setErrors({});
    setFailure(null);
    const value = (name) => (form[name] === "" ? null : form[name]);
    const input = { id: form.id, title: form.title, kind: enumName(form.kind) };
    for (const name of ["description", "owner", "location", "sha256", "collectedOn", "validUntil"]) input[name] = value(name);
    input.links = form.links
      .filter((l) => l.requirement.trim())
      .map((l) => ({ requirement: l.requirement.trim(), extent: enumName(l.extent), assertedBy: l.assertedBy, system: l.system || null }));
    try {
      const mutation = editing
        ? "mutation Update($input: UpdateEvidenceInput!) { updateEvidence(input: $input) { id: localId } }"
        : "mutation Create($input: CreateEvidenceInput!) { createEvidence(input: $input) { id: localId } }";
      const data = await gql(mutation, { input });
      go("evidence", (editing ? data.updateEvidence : data.createEvidence).id);
    } catch (error) {
      const found = {};
      for (const p of error.problems) found[fieldKey(p.field)] = p.message;
      setErrors(found);
      if (!Object.keys(found).length) setFailure(error);
      else {
        const count = Object.keys(found).length;
        setFailure({ code: "INVALID_INPUT", message: `${count} field${count === 1 ? " needs" : "s need"} a change: see beside ${count === 1 ? "it" : "them"}.` });
        setTimeout(() => {
          const first = document.querySelector(".field.has-error input, .field.has-error select, .field.has-error textarea");
          if (first) first.focus();
        }, 0);
      }
    } finally {
      setBusy(false);
    }
  }
  const shown = (key) => errors[key];
  return html`<div>
    <nav class="crumbs" aria-label="Breadcrumb"><a href=${href("evidence")}>Evidence</a>${editing ? html` › <a href=${href("evidence", arg)}>${arg}</a>` : ""} › ${editing ? "Edit" : "New"}</nav>
    <${PageHeader} title=${editing ? `Edit ${arg}` : "Add evidence"} subtitle="Fields marked * are required" />
    <form class="card evidence-form" onSubmit=${submit} novalidate>
      <${ErrorNotice} error=${failure} />
      <div class="form-grid">
        <${TextField} name="id" label="Id *" value=${form.id} onInput=${set("id")} error=${shown("id")} readOnly=${editing}
          hint="Letters, digits and . _ : - ; up to 128 characters" />
        <${TextField} name="title" label="Title *" value=${form.title} onInput=${set("title")} error=${shown("title")} />
        <${SelectField} name="kind" label="Kind *" value=${form.kind} onChange=${set("kind")} error=${shown("kind")} options=${EVIDENCE_KINDS.map((k) => [k, k])} />
        <${TextField} name="owner" label="Owner" value=${form.owner} onInput=${set("owner")} error=${shown("owner")} />
        <${TextField} name="location" label="Location (URI)" value=${form.location} onInput=${set("location")} error=${shown("location")} placeholder="https://… or file:…" />
        <${TextField} name="sha256" label="SHA-256 of the file" value=${form.sha256} onInput=${set("sha256")} error=${shown("sha256")} />
        <${TextField} name="collectedOn" label="Collected on" type="date" value=${form.collectedOn} onInput=${set("collectedOn")} error=${shown("collectedOn")} />
        <${TextField} name="validUntil" label="Valid until" type="date" value=${form.validUntil} onInput=${set("validUntil")} error=${shown("validUntil")} />
        <${TextArea} name="description" label="Description" value=${form.description} onInput=${set("description")} error=${shown("description")} className="wide" />
      </div>
      <fieldset class="links-fieldset">
        <legend>Links to requirements</legend>
        ${shown("links") && html`<p class="field-error" role="alert">${shown("links")}</p>`}
        ${form.links.map((l, i) => html`<div class="form-row link-row" data-link=${i}>
          <${TextField} name=${`links.${i}.requirement`} label=${`Requirement ${i + 1}`} value=${l.requirement} onInput=${setLink(i, "requirement")} error=${shown(`links.${i}.requirement`)} placeholder="A.6.2.8, Art. 12(1)" />
          <${SelectField} name=${`links.${i}.extent`} label="Extent" value=${l.extent} onChange=${setLink(i, "extent")} error=${shown(`links.${i}.extent`)} options=${EXTENTS.map((e) => [e, e])} />
          <${SelectField} name=${`links.${i}.system`} label="For AI system" value=${l.system} onChange=${setLink(i, "system")} error=${shown(`links.${i}.system`)}
            options=${[["", "Every system"], ...systems.map((s) => [s.id, s.name])]} />
          <${TextField} name=${`links.${i}.assertedBy`} label="Asserted by" value=${l.assertedBy} onInput=${setLink(i, "assertedBy")} error=${shown(`links.${i}.assertedBy`)} />
          <div class="field field-button"><button type="button" class="quiet danger" onClick=${() => removeLink(i)} aria-label=${`Remove link ${i + 1}`}>Remove</button></div>
        </div>`)}
        <button type="button" onClick=${addLink}>Add a link</button>
      </fieldset>
      <div class="form-actions">
        <button type="submit" class="primary" disabled=${busy}>${busy ? "Saving…" : editing ? "Save changes" : "Create evidence"}</button>
        <a class="button quiet" href=${editing ? href("evidence", arg) : href("evidence")}>Cancel</a>
      </div>
    </form>
  </div>`;
}
