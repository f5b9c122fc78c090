"""An OSCAL 1.2 catalog read as a framework of one's own: the same checked `Catalog` (records and,
through `catalog_triples`, triples) as a CSV catalog gives, every fault at its JSON path.

What is read (docs/model.md, "Reading OSCAL"):

- The framework: title and version from the catalog's metadata; prefix, scheme, namespace,
  framework, framework title, rights, publisher and profile-of from metadata props named as
  grcgraph's export writes them (namespace `https://w3id.org/grcgraph/ns/oscal`, or no namespace).
  Without a `prefix` prop the prefix is the file name's letters and digits, lower-cased
  (`acme-controls.json` -> `acmecontrols`); the scheme is then `<prefix>-<version>`, the namespace
  `https://w3id.org/grcgraph/<scheme>/`, the framework the prefix. `published` is the issue date,
  metadata links `alternate` and `license` the framework's URL and licence.
- Requirements: every group and control, nested ones too, in document order. The id is the prop
  `identifier` where given (the id grcgraph exported), else the OSCAL id; the notation is the prop
  `label`; the kind is the prop `kind` (or a `class` naming a grcgraph kind), else a group is a
  control area, a control in a group a control, a control in a control a control enhancement, and a
  control outside any group a clause (the kind whose shape asks for no parent). The text is the
  prose of the part named `statement` with its sub-parts (each after its label, each inserted
  parameter written as NIST SP 800-53 prints it: `[Assignment: ...]`); the URL is the
  control's `alternate` link; `refines` links and `risk` props are kept as the export writes them.
- Sources: each back-matter resource a control cites (a `reference` link `#uuid`) is a source, with
  its title, prop `file` and first rlink; controls citing none are sourced to the document itself.
"""

from __future__ import annotations

import datetime as dt
import re
from pathlib import PurePath
from typing import Any

from grcgraph.errors import DataError
from grcgraph.loaders.catalog_csv import CURIE_PATTERN, ID_PATTERN, KINDS, NAME_PATTERN, PREFIX_PATTERN, Catalog
from grcgraph.loaders.oscal_json import read_oscal
from grcgraph.loaders.table import Row, problem_at
from grcgraph.model import FieldPath, Problem
from grcgraph.vocab import iris
from grcgraph.vocab.oscal import GRC_NS, OSCAL_NS

ROOT = FieldPath("catalog")
DOCUMENT_SOURCE = "document"
NO_RIGHTS = "Not stated in the OSCAL catalog; see its publisher."


def props(entry: dict[str, Any], path: FieldPath, name: str, *, grc: bool = False) -> list[tuple[str, FieldPath]]:
    """The values of an object's props called `name` in grcgraph's namespace (`grc`), or also in
    OSCAL's or none, each with the path of its value."""
    spaces = (GRC_NS,) if grc else (GRC_NS, OSCAL_NS)
    return [
        (str(prop["value"]), path / "props" / index / "value")
        for index, prop in enumerate(entry.get("props") or [])
        if prop.get("name") == name and prop.get("ns", OSCAL_NS) in spaces
    ]


def first_prop(entry: dict[str, Any], path: FieldPath, name: str, *, grc: bool = False) -> tuple[str, FieldPath] | None:
    found = props(entry, path, name, grc=grc)
    return found[0] if found else None


def links(entry: dict[str, Any], path: FieldPath, rel: str) -> list[tuple[str, FieldPath]]:
    return [
        (str(link["href"]), path / "links" / index / "href")
        for index, link in enumerate(entry.get("links") or [])
        if link.get("rel") == rel
    ]


INSERT = re.compile(r"\{\{\s*insert:\s*param,\s*([^\s}]+)\s*\}\}")


def parameter_text(param: dict[str, Any]) -> str:
    """A parameter as NIST SP 800-53 prints it in a statement: its value where set, else
    `[Assignment: label]` or `[Selection (one or more): a; b]`."""
    if param.get("values"):
        return "; ".join(str(value) for value in param["values"])
    select = param.get("select") or {}
    if select.get("choice"):
        how = " (one or more)" if select.get("how-many") == "one-or-more" else ""
        return f"[Selection{how}: {'; '.join(str(choice) for choice in select['choice'])}]"
    return f"[Assignment: {param.get('label') or param['id']}]"


def statement_text(parts: list[dict[str, Any]], params: dict[str, dict[str, Any]]) -> str:
    """The prose of the parts named `statement` and of their sub-parts, each sub-part after its
    label, with each inserted parameter (`{{ insert: param, id }}`) written out."""

    def flatten(part: dict[str, Any]) -> list[str]:
        label = first_prop(part, FieldPath(), "label")
        prose = INSERT.sub(
            lambda m: parameter_text(params[m.group(1)]) if m.group(1) in params else m.group(0), str(part.get("prose") or "")
        )
        prose = prose.strip()
        lines = [f"{label[0]} {prose}".strip() if label else prose] if prose or label else []
        for sub in part.get("parts") or []:
            lines += flatten(sub)
        return lines

    return "\n".join(line for part in parts if part.get("name") == "statement" for line in flatten(part)).strip()


def derived_prefix(name: str) -> str:
    """The prefix a file's name gives: its letters and digits, lower-cased, starting with a letter."""
    stem = PurePath(name).name.lower()
    stem = stem[: -len(".json")] if stem.endswith(".json") else stem
    letters = re.sub(r"[^a-z0-9]", "", stem.removesuffix(".oscal"))
    return letters if not letters or letters[0].isalpha() else f"c{letters}"


class _Reader:
    def __init__(self, data: dict[str, Any], name: str) -> None:
        self.data, self.name = data, name
        self.problems: list[Problem] = []
        self.paths: dict[str, FieldPath] = {}

    def fault(self, path: FieldPath, message: str) -> None:
        self.problems.append(Problem(message, path, self.name, None))

    def metadata(self) -> dict[str, Any]:
        meta, path = self.data["metadata"], ROOT / "metadata"

        def prop(key: str, default: str | None = None) -> str | None:
            found = first_prop(meta, path, key.replace("_", "-"))
            if found is None:
                return default
            self.paths[key] = found[1]
            return found[0]

        title, version = str(meta["title"]), str(meta["version"])
        self.paths.update(title=path / "title", version=path / "version")
        prefix = prop("prefix")
        if prefix is None:
            prefix = derived_prefix(self.name)
            self.paths["prefix"] = path / "props"
            if not PREFIX_PATTERN.match(prefix):
                self.fault(
                    path / "props", f"no prop 'prefix' (ns {GRC_NS}) and the file name gives none: name the framework's prefix there"
                )
        elif not PREFIX_PATTERN.match(prefix):
            self.fault(self.paths["prefix"], f"{prefix!r} must be lower case letters and digits, starting with a letter")
        scheme = prop("scheme") or f"{prefix}-{iris.slug(version)}".rstrip("-")
        for key, value in (("scheme", scheme), ("framework", prop("framework", prefix))):
            if value and not NAME_PATTERN.match(value):
                self.fault(self.paths.get(key, path / "version"), f"{value!r} must be lower case letters, digits, dots and hyphens")
        namespace = prop("namespace") or f"{iris.BASE}{scheme}/"
        if not re.match(r"^https?://\S+[/#]$", namespace):
            self.fault(self.paths.get("namespace", path / "props"), f"{namespace!r} must be an http(s) IRI ending in / or #")
        found: dict[str, Any] = {
            "scheme": scheme,
            "prefix": prefix,
            "namespace": namespace,
            "framework": prop("framework", prefix),
            "framework_title": prop("framework_title", title),
            "version": version,
            "title": title,
            "rights": prop("rights", NO_RIGHTS),
        }
        for key in ("publisher", "profile_of"):
            value = prop(key)
            if value:
                found[key] = value
        if meta.get("published"):
            try:
                found["issued"] = dt.date.fromisoformat(str(meta["published"])[:10])
            except ValueError:
                self.fault(path / "published", f"{meta['published']!r} is not a date-time")
        for key, rel in (("url", "alternate"), ("license", "license")):
            hrefs = [href for href, _ in links(meta, path, rel) if re.match(r"^https?://\S+$", href)]
            if hrefs:
                found[key] = hrefs[0]
        return found

    def sources(self) -> dict[str, dict[str, str]]:
        found: dict[str, dict[str, str]] = {}
        resources = (self.data.get("back-matter") or {}).get("resources") or []
        for index, resource in enumerate(resources):
            path = ROOT / "back-matter" / "resources" / index
            title = str(resource.get("title") or "").strip()
            entry = {"title": title or f"back-matter resource {resource['uuid']} of {self.name}"}
            file = first_prop(resource, path, "file")
            if file:
                entry["file"] = file[0]
            hrefs = [str(r["href"]) for r in resource.get("rlinks") or [] if re.match(r"^https?://\S+$", str(r.get("href", "")))]
            if hrefs:
                entry["url"] = hrefs[0]
            found[str(resource["uuid"])] = entry
        return found


Entry = tuple[dict[str, Any], FieldPath, dict[str, Any] | None, bool]  # an object, its path, its parent, whether a group


def _walk(document: dict[str, Any], root: FieldPath) -> list[Entry]:
    """Every group and control of `document`, depth first, each parent's lists in the document's order
    (a loop, not recursion: nesting as deep as the models take is read)."""
    out: list[Entry] = []
    stack: list[Entry] = []

    def children(entry: dict[str, Any], path: FieldPath, parent: dict[str, Any] | None) -> list[Entry]:
        keys = [key for key in entry if key in ("groups", "controls")]
        return [(child, path / key / index, parent, key == "groups") for key in keys for index, child in enumerate(entry[key] or [])]

    stack.extend(reversed(children(document, root, None)))
    while stack:
        entry, path, parent, group = stack.pop()
        out.append((entry, path, parent, group))
        stack.extend(reversed(children(entry, path, entry)))
    return out


def _default_kind(group: bool, parent_kind: str | None) -> str:
    if group:
        return "ControlArea"
    if parent_kind is None:
        return "Clause"
    if parent_kind in ("Control", "ControlEnhancement"):
        return "ControlEnhancement"
    return "Clause" if parent_kind == "Clause" else "Control"


def parse_oscal_catalog(text: str, name: str) -> Catalog:
    """Parse and check one OSCAL 1.2 catalog as a framework catalog. Raises DataError naming every
    fault at its JSON line and column (not JSON), or its JSON path (OSCAL, or grcgraph's rules)."""
    data, _model = read_oscal(text, name, "catalog")
    reader = _Reader(data, name)
    metadata = reader.metadata()
    sources = reader.sources()
    entries = _walk(data, ROOT)
    if not entries:
        reader.fault(ROOT, "the catalog has no groups or controls")
    seen: dict[str, FieldPath] = {}
    seen_oscal: dict[str, FieldPath] = {}
    local_ids: dict[int, str] = {}
    kinds: dict[int, str] = {}
    risks: list[str] = []
    rows: list[Row] = []
    params: dict[str, dict[str, Any]] = {}
    for holder, where in [*((entry, path) for entry, path, *_ in entries), (data, ROOT)]:
        for index, param in enumerate(holder.get("params") or []):
            if isinstance(param, dict) and param.get("id"):
                params[str(param["id"])] = param
            else:
                reader.fault(where / "params" / index, "a parameter needs an id")
    for order, (entry, path, parent, group) in enumerate(entries, start=1):
        oscal_id = entry.get("id")
        if not oscal_id:
            reader.fault(path, "a group needs an id to be read as a requirement")
            continue
        if oscal_id in seen_oscal:
            reader.fault(path / "id", f"duplicate control id {oscal_id!r}, first at {seen_oscal[oscal_id]}")
            continue
        seen_oscal[str(oscal_id)] = path / "id"
        identifier = first_prop(entry, path, "identifier", grc=True)
        local_id, id_path = identifier or (str(oscal_id), path / "id")
        if not ID_PATTERN.match(local_id):
            reader.fault(id_path, f"{local_id!r} may hold only letters, digits, '.', '_' and '-', starting with a letter or digit")
        elif local_id in seen:
            reader.fault(id_path, f"duplicate requirement id {local_id!r}, first at {seen[local_id]}")
        seen[local_id] = id_path
        local_ids[id(entry)] = local_id
        paths = {"": path, "id": id_path, "title": path / "title", "parent": path}
        kind_prop = first_prop(entry, path, "kind", grc=True)
        parent_kind = kinds.get(id(parent)) if parent is not None else None
        if kind_prop is not None:
            kind, paths["kind"] = kind_prop
            if kind not in KINDS:
                reader.fault(kind_prop[1], f"{kind!r} is not one of {', '.join(KINDS)}")
        elif entry.get("class") in KINDS:
            kind, paths["kind"] = str(entry["class"]), path / "class"
        else:
            kind, paths["kind"] = _default_kind(group, parent_kind), path
        kinds[id(entry)] = kind
        notation = first_prop(entry, path, "label")
        url = [href for href, _ in links(entry, path, "alternate") if re.match(r"^https?://\S+$", href)]
        refines = links(entry, path, "refines")
        if len(refines) > 1:
            reader.fault(refines[1][1], "a requirement refines at most one other")
        if refines:
            paths["refines"] = refines[0][1]
            if not (CURIE_PATTERN.match(refines[0][0]) or re.match(r"^https?://\S+$", refines[0][0])):
                reader.fault(refines[0][1], f"{refines[0][0]!r} is neither a CURIE such as nistairmf:GOVERN-1.1 nor an IRI")
        cited = [href[1:] for href, _ in links(entry, path, "reference") if href.startswith("#") and href[1:] in sources]
        own_risks = [value for value, _ in props(entry, path, "risk", grc=True)]
        risks += [risk for risk in own_risks if risk not in risks]
        values = {
            "id": local_id,
            "kind": kind,
            "parent": local_ids.get(id(parent), "") if parent is not None else "",
            "notation": notation[0] if notation else "",
            "title": str(entry["title"]).strip(),
            "text": statement_text(entry.get("parts") or [], params),
            "url": url[0] if url else "",
            "refines": refines[0][0] if refines else "",
            "risks": "|".join(own_risks),
            "actor_tasks": "",
            "source": cited[0] if cited else DOCUMENT_SOURCE,
        }
        if not values["title"]:
            reader.fault(path / "title", "is empty")
        rows.append(Row(order, values, paths))
    if any(row.values["source"] == DOCUMENT_SOURCE for row in rows):
        sources[DOCUMENT_SOURCE] = {"title": f"{metadata['title']}, OSCAL catalog {PurePath(name).name}", "file": PurePath(name).name}
    metadata["sources"] = sources
    if risks:
        metadata["risks"] = risks
    if reader.problems:
        raise DataError(reader.problems)
    return Catalog(name=name, metadata=metadata, rows=rows, paths=reader.paths)


def resolve_refines(catalog: Catalog, resolve: dict[str, str]) -> list[Problem]:
    """Write each `refines` IRI of an OSCAL catalog (as the export writes them) as the CURIE of the
    loaded catalog whose namespace it is in; the IRIs in no loaded catalog's namespace, at their path."""
    problems: list[Problem] = []
    for row in catalog.rows:
        target = row.values["refines"]
        if not target.startswith(("http://", "https://")):
            continue
        prefix = next((p for p, ns in sorted(resolve.items(), key=lambda item: -len(item[1])) if target.startswith(ns)), None)
        if prefix is None:
            problems.append(problem_at(catalog.name, row, "refines", f"{target} is in the namespace of no loaded catalog"))
        else:
            row.values["refines"] = f"{prefix}:{target[len(resolve[prefix]) :]}"
    return problems


def places(text: str, name: str) -> dict[str, FieldPath]:
    """Where each requirement of a sound OSCAL catalog sits in it, by IRI and by CURIE (as a SHACL
    report names it): for faults found only once the graph is built; empty for a document that does
    not parse."""
    try:
        catalog = parse_oscal_catalog(text, name)
    except DataError:
        return {}
    found = {str(catalog.iri(row.values["id"])): row.paths[""] for row in catalog.rows}
    return found | {f"{catalog.prefix}:{row.values['id']}": row.paths[""] for row in catalog.rows}
