"""An OSCAL 1.2 mapping collection read as mapping sets: one grcgraph mapping set per OSCAL
`mapping`, each `map` a row (one per source and target pair) in SSSOM terms, checked by the SSSOM
loader's own rules (`check_rows`), every fault at its JSON path.

What is read (docs/model.md, "Reading OSCAL"):

- The frameworks: a mapping's `source-resource` and `target-resource` name a loaded catalog by a
  prop `prefix` (as grcgraph's export writes it), or by an href that is the catalog's scheme IRI or
  the name of the file it was loaded from.
- Each map: its relationship (OSCAL's `equal-to`, `equivalent-to`, `subset-of`, `superset-of`,
  `intersects-with`, `no-relationship`; the other NIST IR 8477 types in grcgraph's namespace,
  grcgraph/vocab/oscal.py); sources and targets by control id (the OSCAL id grcgraph exports, or the
  requirement id); `matching-rationale` (else the collection's provenance, unless the prop
  `rationale` says `unstated`); `confidence-score`; `remarks` as the comment; props
  `justification` (SEMAPV; else from the mapping's method), `creator` and the other SSSOM columns
  grcgraph exports. A map with prop `direction: inverse` is stored the way round its set states it.
  An OSCAL `coverage` that grcgraph's coverage rules did not generate is kept in the SSSOM `other`
  column. Controls in `source-gap-summary` are rows without a counterpart (`sssom:NoTermFound`).
- The set: id from the prop `mapping-set`, else the `canonical` link, else the mapping's uuid as a
  URN; version and date from props `mapping-set-version` and `mapping-date` (else the metadata's
  version and last-modified date); licence from the `license` link; creators from props `creator`
  (else the metadata's parties); title from the metadata, description from `mapping-description`.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import PurePath
from typing import Any

from grcgraph.errors import DataError
from grcgraph.loaders.catalog_csv import Catalog
from grcgraph.loaders.oscal_catalog import first_prop, links, props
from grcgraph.loaders.oscal_json import read_oscal
from grcgraph.loaders.sssom import CORE_COLUMNS, NEGATED, NO_TERM_FOUND, NOT, OTHER_SSSOM_COLUMNS, MappingSet, check_rows
from grcgraph.loaders.table import Row
from grcgraph.model import FieldPath, Problem
from grcgraph.vocab import iris
from grcgraph.vocab.namespace import GRC
from grcgraph.vocab.oscal import FROM_OSCAL, OSCAL_NS, oscal_id

ROOT = FieldPath("mapping-collection")
UNSTATED_LICENCE = "https://w3id.org/grcgraph/licence/unstated"
KNOWN_PREFIXES = {"grc": str(GRC._NS), "grcgraph": iris.BASE, "semapv": "https://w3id.org/semapv/vocab/", "orcid": "https://orcid.org/"}
JUSTIFICATION = {"human": "semapv:ManualMappingCuration"}  # any other method: semapv:UnspecifiedMatching
RATIONALE_EXTENSION = {"slot_name": "rationale", "property": "grc:rationale", "type_hint": "xsd:string"}
DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")


@dataclass(frozen=True)
class Framework:
    prefix: str
    namespace: str
    ids: dict[str, str]  # OSCAL id and requirement id -> requirement id


def frameworks(catalogs: Sequence[Catalog]) -> dict[str, Framework]:
    found: dict[str, Framework] = {}
    for catalog in catalogs:
        ids = {row.values["id"]: row.values["id"] for row in catalog.rows}
        ids.update({oscal_id(row.values["kind"], row.values["id"]): row.values["id"] for row in catalog.rows})
        found[catalog.prefix] = Framework(catalog.prefix, catalog.namespace, ids)
    return found


class _Reader:
    def __init__(
        self, data: dict[str, Any], name: str, catalogs: Sequence[Catalog], requirements: dict[str, str], inverses: dict[str, str]
    ) -> None:
        self.data, self.name, self.requirements, self.inverses = data, name, requirements, inverses
        self.frameworks = frameworks(catalogs)
        self.by_href = {str(iris.scheme(str(c.metadata["scheme"]))): c.prefix for c in catalogs}
        self.by_href.update({PurePath(c.name).name: c.prefix for c in catalogs})
        self.problems: list[Problem] = []
        self.curie_map = dict(KNOWN_PREFIXES)

    def fault(self, path: FieldPath, message: str) -> None:
        self.problems.append(Problem(message, path, self.name, None))

    def framework(self, resource: dict[str, Any], path: FieldPath) -> Framework | None:
        prefix = first_prop(resource, path, "prefix")
        if prefix is not None:
            if prefix[0] not in self.frameworks:
                self.fault(prefix[1], f"{prefix[0]!r} is the prefix of no loaded catalog; known: {', '.join(sorted(self.frameworks))}")
                return None
            return self.frameworks[prefix[0]]
        href = str(resource.get("href") or "")
        found = self.by_href.get(href) or self.by_href.get(PurePath(href).name)
        if found is None:
            self.fault(
                path,
                "names no catalog of this load: give a prop 'prefix', or an href that is its scheme IRI or the name of its file (a load names all your own files at once: give its catalog with --catalog too)",
            )
            return None
        return self.frameworks[found]

    def curie(self, value: str, path: FieldPath) -> str | None:
        """A creator as a CURIE the set's curie_map expands (an IRI gets a prefix of its own)."""
        match = re.match(r"^(https?://\S+[/#])([^/#]+)$|^(urn:\S+:)([^:]+)$", value)
        if match:
            namespace, local = (match.group(1), match.group(2)) if match.group(1) else (match.group(3), match.group(4))
            prefix = next((p for p, ns in self.curie_map.items() if ns == namespace), None)
            if prefix is None:
                prefix = f"ns{len(self.curie_map)}"
                self.curie_map[prefix] = namespace
            return f"{prefix}:{local}"
        if re.match(r"^[A-Za-z][A-Za-z0-9_-]*:\S+$", value) and value.split(":", 1)[0] in self.curie_map:
            return value
        self.fault(path, f"{value!r} is neither an IRI nor a CURIE with a known prefix ({', '.join(sorted(KNOWN_PREFIXES))})")
        return None

    def creators(self, entry: dict[str, Any], path: FieldPath) -> list[str]:
        """The creators an object's props name (those of a group belong to one gap row, not to the object)."""
        ungrouped = {**entry, "props": [p if not p.get("group") else {} for p in entry.get("props") or []]}
        return [c for value, where in props(ungrouped, path, "creator") if (c := self.curie(value, where))]

    def title(self, curie: str, framework: Framework) -> str:
        """The catalog title of a requirement, kept as the row's label (SSSOM export writes it)."""
        return self.requirements.get(framework.namespace + curie.split(":", 1)[1], "")

    def control(self, ref: dict[str, Any], path: FieldPath, framework: Framework) -> str | None:
        if ref.get("type") != "control":
            self.fault(path / "type", f"{ref.get('type')!r}: grcgraph maps controls only (type 'control')")
            return None
        local = framework.ids.get(str(ref["id-ref"]))
        if local is None:
            self.fault(path / "id-ref", f"{ref['id-ref']!r} is not a requirement of {framework.prefix}")
            return None
        return f"{framework.prefix}:{local}"

    def rows(self, mapping: dict[str, Any], path: FieldPath, source: Framework, target: Framework) -> tuple[list[Row], set[str]]:
        default = str(self.data["provenance"]["matching-rationale"])
        method = JUSTIFICATION.get(str(mapping.get("method") or self.data["provenance"]["method"]), "semapv:UnspecifiedMatching")
        rows: list[Row] = []
        extra_columns: set[str] = set()
        for index, entry in enumerate(mapping.get("maps") or []):
            where = path / "maps" / index
            relationship = FROM_OSCAL.get((str(entry.get("ns") or OSCAL_NS), str(entry["relationship"])))
            if relationship is None:
                self.fault(
                    where / "relationship",
                    f"{entry['relationship']!r} (ns {entry.get('ns') or OSCAL_NS}) is not a NIST IR 8477 relationship grcgraph knows",
                )
                continue
            inverse = any(value == "inverse" for value, _ in props(entry, where, "direction"))
            ends = [("sources", source), ("targets", target)]
            if inverse:
                relationship = self.inverses.get(relationship, relationship)
                ends.reverse()
            (subject_key, subject_fw), (object_key, object_fw) = ends
            justification = first_prop(entry, where, "justification")
            unstated = any(value == "unstated" for value, _ in props(entry, where, "rationale"))
            rationale = str(entry.get("matching-rationale") or ("" if unstated else default))
            confidence = entry.get("confidence-score") or {}
            values = {
                "predicate_id": NEGATED if relationship == "noRelationship" else f"grc:{relationship}",
                "predicate_modifier": NOT if relationship == "noRelationship" else "",
                "mapping_justification": justification[0] if justification else method,
                "confidence": str(confidence["percentage"]) if confidence.get("percentage") is not None else "",
                "creator_id": "|".join(self.creators(entry, where)),
                "comment": str(entry.get("remarks") or "").strip(),
                "rationale": rationale,
            }
            for column in OTHER_SSSOM_COLUMNS:
                found = first_prop(entry, where, column.replace("_", "-"))
                if found:
                    values[column] = found[0]
            author = first_prop(entry, where, "author")
            if author:
                values["author_label"] = author[0]
            coverage = entry.get("coverage") or {}
            if coverage.get("target-coverage") is not None and coverage.get("generation-method") != "grcgraph-coverage-rules":
                values["other"] = (
                    f"OSCAL target coverage {coverage['target-coverage']} ({coverage.get('generation-method', 'method unstated')})"
                )
            extra_columns |= {c for c in values if c not in (*CORE_COLUMNS, "subject_label", "object_label")}
            paths = {
                "": where,
                "predicate_id": where / "relationship",
                "predicate_modifier": where / "relationship",
                "mapping_justification": justification[1] if justification else path / "method",
                "confidence": where / "confidence-score" / "percentage",
                "creator_id": where / "props",
                "comment": where / "remarks",
                "rationale": where / "matching-rationale",
            }
            for s, subject_ref in enumerate(entry[subject_key]):
                for o, object_ref in enumerate(entry[object_key]):
                    subject = self.control(subject_ref, where / subject_key / s, subject_fw)
                    obj = self.control(object_ref, where / object_key / o, object_fw)
                    if subject and obj:
                        ids = {"subject_id": subject, "object_id": obj}
                        ids |= {"subject_label": self.title(subject, subject_fw), "object_label": self.title(obj, object_fw)}
                        at = {"subject_id": where / subject_key / s / "id-ref", "object_id": where / object_key / o / "id-ref"}
                        rows.append(Row(index + 1, {**values, **ids}, {**paths, **at}))
        rows += self.gaps(mapping, path, source, method, default)
        return rows, extra_columns

    def gaps(self, mapping: dict[str, Any], path: FieldPath, source: Framework, method: str, default: str) -> list[Row]:
        """The controls of the source-gap-summary as rows without a counterpart, each with the
        rationale, confidence, justification, creators and comment of the mapping's props that share
        the group of its `no-counterpart` prop (as grcgraph's export writes them)."""
        grouped: dict[str, list[dict[str, Any]]] = {}
        for index, entry in enumerate(mapping.get("props") or []):
            if entry.get("group"):
                grouped.setdefault(str(entry["group"]), []).append({**entry, "at": path / "props" / index})
        detail = {
            str(entry["value"]): members for members in grouped.values() for entry in members if entry.get("name") == "no-counterpart"
        }
        rows: list[Row] = []
        for g, selection in enumerate((mapping.get("source-gap-summary") or {}).get("unmapped-controls") or []):
            for c, control in enumerate(selection.get("with-ids") or []):
                where = path / "source-gap-summary" / "unmapped-controls" / g / "with-ids" / c
                local = source.ids.get(str(control))
                if local is None:
                    self.fault(where, f"{control!r} is not a requirement of {source.prefix}")
                    continue
                subject = f"{source.prefix}:{local}"
                found = {str(entry["name"]): entry for entry in detail.get(str(control), [])}
                rationale = str(found["rationale"]["value"]) if "rationale" in found else default
                values = {"subject_id": subject, "predicate_id": NEGATED, "predicate_modifier": NOT, "object_id": NO_TERM_FOUND}
                values |= {
                    "subject_label": self.title(subject, source),
                    "mapping_justification": str(found["justification"]["value"]) if "justification" in found else method,
                    "rationale": "" if rationale == "unstated" else rationale,
                    "confidence": str(found["confidence"]["value"]) if "confidence" in found else "",
                    "creator_id": "|".join(
                        curie
                        for e in detail.get(str(control), [])
                        if e.get("name") == "creator"
                        if (curie := self.curie(str(e["value"]), e["at"]))
                    ),
                    "comment": str(found.get("no-counterpart", {}).get("remarks") or "").strip(),
                }
                paths = {"": where, "subject_id": where}
                paths |= {
                    column: found[name]["at"]
                    for column, name in (("rationale", "rationale"), ("confidence", "confidence"))
                    if name in found
                }
                rows.append(Row(len(rows) + 1, values, paths))
        return rows

    def mapping_set(self, mapping: dict[str, Any], index: int, seen: dict[str, FieldPath]) -> tuple[MappingSet, list[Row]] | None:
        path = ROOT / "mappings" / index
        meta = self.data["metadata"]
        source = self.framework(mapping["source-resource"], path / "source-resource")
        target = self.framework(mapping["target-resource"], path / "target-resource")
        set_prop = first_prop(mapping, path, "mapping-set")
        canonical = links(mapping, path, "canonical")
        set_id, set_path = set_prop or (canonical[0] if canonical else (f"urn:uuid:{mapping['uuid']}", path / "uuid"))
        if not re.match(r"^(https?://|urn:)\S+$", set_id):
            self.fault(set_path, f"{set_id!r} is not an IRI: a mapping set is named by an IRI")
        elif set_id in seen:
            self.fault(set_path, f"mapping set {set_id} is stated twice, first at {seen[set_id]}")
        seen[set_id] = set_path
        version = first_prop(mapping, path, "mapping-set-version")
        date = first_prop(mapping, path, "mapping-date") or (str(meta["last-modified"])[:10], ROOT / "metadata" / "last-modified")
        if not DATE.match(date[0]):
            self.fault(date[1], f"{date[0]!r} is not a date in the form YYYY-MM-DD")
        creators = self.creators(mapping, path) or [f"urn:uuid:{party['uuid']}" for party in meta.get("parties") or [] if party.get("uuid")]
        if not creators:
            self.fault(
                path / "props", "a mapping set names its creators: give props 'creator' (IRIs or CURIEs), or parties in the metadata"
            )
        self.curie_map.setdefault("urn", "urn:")
        licence = [href for href, _ in links(mapping, path, "license")]
        if source is None or target is None:
            return None
        rows, extra = self.rows(mapping, path, source, target)
        self.curie_map.update({source.prefix: source.namespace, target.prefix: target.namespace})
        title = (
            str(meta["title"])
            if len(self.data["mappings"]) == 1
            else f"{meta['title']} ({source.prefix} to {target.prefix}, mapping {index + 1})"
        )
        metadata: dict[str, Any] = {
            "curie_map": self.curie_map,
            "mapping_set_id": set_id,
            "mapping_set_version": version[0] if version else str(meta["version"]),
            "mapping_set_title": title,
            "mapping_set_description": str(mapping.get("mapping-description") or self.data["provenance"]["mapping-description"]),
            "license": licence[0] if licence else UNSTATED_LICENCE,
            "creator_id": creators,
            "mapping_date": date[0],
            "extension_definitions": [RATIONALE_EXTENSION],
        }
        if mapping.get("remarks"):
            metadata["comment"] = str(mapping["remarks"])
        columns = ["subject_id", "predicate_id", "predicate_modifier", "object_id", "mapping_justification", "confidence"]
        columns += ["creator_id", "comment", "subject_label", "object_label", *sorted(extra), "rationale"]
        return MappingSet(name=self.name, metadata=metadata, columns=columns, paths={"mapping_set_id": set_path}), rows


def parse_oscal_mappings(
    text: str, name: str, catalogs: Sequence[Catalog], requirements: dict[str, str], inverses: dict[str, str]
) -> list[MappingSet]:
    """Parse and check one OSCAL 1.2 mapping collection against the loaded `catalogs` (`requirements`:
    every requirement IRI and its title; `inverses`: each relationship's inverse, by local name).
    Raises DataError naming every fault: at line and column (not JSON), at its JSON path (OSCAL,
    an unknown framework or requirement, a duplicate or conflicting row, grcgraph's rules)."""
    data, _model = read_oscal(text, name, "mapping-collection")
    reader = _Reader(data, name, catalogs, requirements, inverses)
    seen: dict[str, FieldPath] = {}
    parsed = [reader.mapping_set(mapping, index, seen) for index, mapping in enumerate(data["mappings"])]
    sets: list[MappingSet] = []
    problems = reader.problems
    for found in parsed:
        if found is None:
            continue
        mapping_set, rows = found
        mapping_set.metadata["curie_map"] = dict(reader.curie_map)
        problems += check_rows(mapping_set, rows, requirements)
        sets.append(mapping_set)
    if problems:
        raise DataError(problems)
    return sets
