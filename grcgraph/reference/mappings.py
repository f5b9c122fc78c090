"""Mappings between requirements: listing a set or the union of sets between two frameworks, every
mapping to or from one requirement (inverses applied), per-set summaries and lossless SSSOM export."""

from __future__ import annotations

import csv
import io
import json
from collections import Counter
from dataclasses import replace
from functools import cached_property
from typing import Any

import yaml

from grcgraph.model import Mapping, RequirementRef, SetSummary
from grcgraph.reference.catalog import PREFIXES, Catalog
from grcgraph.reference.sssom_export import skos_set
from grcgraph.store.base import GraphStore
from grcgraph.vocab import iris
from grcgraph.vocab.namespace import GRC

NO_TERM_FOUND = "https://w3id.org/sssom/NoTermFound"
SEMAPV = "https://w3id.org/semapv/vocab/"


class Mappings:
    """Read-side access to the mapping sets in one store's reference graph."""

    def __init__(self, store: GraphStore, catalog: Catalog | None = None) -> None:
        self.store = store
        self.catalog = catalog or Catalog(store)

    @cached_property
    def inverses(self) -> dict[str, str]:
        graph = f"<{iris.REFERENCE_GRAPH}>"
        rows = self.store.query(PREFIXES + f"SELECT ?p ?q WHERE {{ GRAPH {graph} {{ ?p grc:inverse ?q }} }}")
        return {str(p).rsplit("#", 1)[1]: str(q).rsplit("#", 1)[1] for p, q in rows}

    @cached_property
    def skos_readings(self) -> dict[str, str]:
        """Each relationship's SKOS mapping property (local names), as the vocabulary states it."""
        graph = f"<{iris.REFERENCE_GRAPH}>"
        rows = self.store.query(PREFIXES + f"SELECT ?p ?q WHERE {{ GRAPH {graph} {{ ?p grc:sssomPredicate ?q }} }}")
        return {str(p).rsplit("#", 1)[1]: str(q).rsplit("#", 1)[1] for p, q in rows}

    @cached_property
    def sets(self) -> dict[str, dict[str, Any]]:
        graph = f"<{iris.REFERENCE_GRAPH}>"
        found: dict[str, dict[str, Any]] = {}
        for node, title, file, header in self.store.query(
            PREFIXES
            + f"""SELECT ?set ?title ?file ?header WHERE {{ GRAPH {graph} {{
                ?set a grc:MappingSet ; grc:header ?header ; <http://www.w3.org/ns/prov#wasDerivedFrom> ?file .
                OPTIONAL {{ ?set dcterms:title ?title }} }} }} ORDER BY ?file"""
        ):
            found[str(node)] = {"title": str(title or node), "file": str(file), "header": json.loads(str(header))}
        return found

    @cached_property
    def all(self) -> list[Mapping]:
        graph = f"<{iris.REFERENCE_GRAPH}>"
        creators: dict[str, list[str]] = {}
        for mapping, creator in self.store.query(
            PREFIXES + f"SELECT ?m ?c WHERE {{ GRAPH {graph} {{ ?m a grc:Mapping ; dcterms:creator ?c }} }}"
        ):
            creators.setdefault(str(mapping), []).append(str(creator))
        result: list[Mapping] = []
        for m, mset, s, p, o, rationale, justification, confidence, comment, row, extra in self.store.query(
            PREFIXES
            + f"""SELECT ?m ?set ?s ?p ?o ?rl ?j ?conf ?comment ?row ?extra WHERE {{ GRAPH {graph} {{
                ?m a grc:Mapping ; grc:inMappingSet ?set ; grc:subject ?s ; grc:predicate ?p ; grc:object ?o ;
                   grc:justification ?j ; grc:row ?row .
                OPTIONAL {{ ?m grc:rationale/skos:prefLabel ?rl }}
                OPTIONAL {{ ?m grc:confidence ?conf }}
                OPTIONAL {{ ?m rdfs:comment ?comment }}
                OPTIONAL {{ ?m grc:extra ?extra }} }} }} ORDER BY ?set ?row"""
        ):
            result.append(
                Mapping(
                    iri=str(m),
                    mapping_set=str(mset),
                    set_title=self.sets[str(mset)]["title"],
                    subject=self.catalog.ref(str(s)),
                    predicate=str(p).rsplit("#", 1)[1],
                    object=None if str(o) == NO_TERM_FOUND else self.catalog.ref(str(o)),
                    rationale=str(rationale) if rationale is not None else None,
                    justification="semapv:" + str(justification)[len(SEMAPV) :],
                    confidence=str(confidence) if confidence is not None else None,
                    creators=tuple(sorted(creators.get(str(m), []))),
                    comment=str(comment) if comment is not None else None,
                    row=int(str(row)),
                    extra=json.loads(str(extra)) if extra is not None else {},
                )
            )
        return result

    def inverted(self, mapping: Mapping) -> Mapping:
        assert mapping.object is not None
        return replace(
            mapping,
            subject=mapping.object,
            object=mapping.subject,
            predicate=self.inverses[mapping.predicate],
            inverted=not mapping.inverted,
        )

    def framework(self, text: str) -> str:
        """The CURIE prefix of a framework named by prefix, scheme id or name ('ISO 42001', 'eu-ai-act')."""
        return self.catalog.framework_prefix(text)

    @staticmethod
    def _prefix(ref: RequirementRef | None) -> str | None:
        return ref.curie.split(":", 1)[0] if ref else None

    def between(self, source: str, target: str) -> list[Mapping]:
        """Every mapping between two frameworks, read from `source` towards `target`."""
        a, b = self.framework(source), self.framework(target)
        found: list[Mapping] = []
        for mapping in self.all:
            if self._prefix(mapping.subject) == a and (
                self._prefix(mapping.object) == b or (mapping.object is None and self._set_targets(mapping.mapping_set, b))
            ):
                found.append(mapping)
            elif mapping.object is not None and self._prefix(mapping.subject) == b and self._prefix(mapping.object) == a:
                found.append(self.inverted(mapping))
        return found

    def _set_targets(self, set_id: str, prefix: str) -> bool:
        return any(self._prefix(m.object) == prefix for m in self.all if m.mapping_set == set_id and m.object)

    def for_requirement(self, iri: str) -> list[Mapping]:
        """Everything mapped to or from one requirement, each read from that requirement's side."""
        found: list[Mapping] = []
        for mapping in self.all:
            if mapping.subject.iri == iri:
                found.append(mapping)
            elif mapping.object is not None and mapping.object.iri == iri:
                found.append(self.inverted(mapping))
        return found

    def summary(self) -> list[SetSummary]:
        summaries: list[SetSummary] = []
        for set_id, info in self.sets.items():
            rows = [m for m in self.all if m.mapping_set == set_id]
            summaries.append(
                SetSummary(
                    set_id=set_id,
                    title=info["title"],
                    file=info["file"],
                    subject_frameworks=tuple(sorted({self._prefix(m.subject) or "" for m in rows})),
                    object_frameworks=tuple(sorted({self._prefix(m.object) or "" for m in rows if m.object})),
                    rows=len(rows),
                    predicates=dict(Counter(m.predicate for m in rows).most_common()),
                )
            )
        return summaries

    def export_set(self, set_id: str) -> str:
        """The SSSOM TSV of one loaded mapping set: the same metadata and rows as the file it came from."""
        header = self.sets[set_id]["header"]
        metadata: dict[str, Any] = header["metadata"]
        columns: list[str] = with_modifier(header["columns"])
        curie_map = {str(k): str(v) for k, v in metadata["curie_map"].items()}
        rows = [self._sssom_row(m, curie_map) for m in self.all if m.mapping_set == set_id]
        return write_sssom(metadata, columns, rows)

    def export_between(self, source: str, target: str, *, skos: bool = False) -> str:
        """One SSSOM TSV holding every mapping between two frameworks, read from source to target;
        with `skos`, in its SKOS reading (reference/sssom_export.py)."""
        a, b = self.framework(source), self.framework(target)
        curie_map = {"grc": str(GRC._NS), "grcgraph": iris.BASE, "semapv": SEMAPV, "sssom": "https://w3id.org/sssom/"}
        for version in self.catalog.frameworks():
            if version.prefix in (a, b):
                member = self.catalog.refs(version.prefix)[0]
                curie_map[version.prefix] = member.iri[: -len(member.curie.split(":", 1)[1])]
        metadata = {
            "curie_map": curie_map,
            "mapping_set_id": f"{iris.BASE}crosswalks/union/{a}-{b}",
            "mapping_set_version": "1.0",
            "mapping_set_title": f"Every grcgraph mapping from {a} to {b}",
            "license": "https://creativecommons.org/licenses/by/4.0/",
            "creator_id": ["grcgraph:project"],
            "mapping_date": "",
            "comment": "Union of the grcgraph mapping sets between the two frameworks; rows read from the other end carry the inverse relationship and semapv:MappingInversion. See each row's other column for its mapping set.",
            "extension_definitions": [{"slot_name": "rationale", "property": "grc:rationale", "type_hint": "xsd:string"}],
        }
        columns = [
            "subject_id",
            "subject_label",
            "predicate_id",
            "predicate_modifier",
            "object_id",
            "object_label",
            "mapping_justification",
            "confidence",
            "creator_id",
            "author_label",
            "comment",
            "other",
            "rationale",
        ]
        rows = []
        for mapping in self.between(source, target):
            row = self._sssom_row(mapping, curie_map)
            row["subject_label"] = mapping.subject.title
            row["object_label"] = mapping.object.title if mapping.object else ""
            if mapping.inverted:
                row["mapping_justification"] = "semapv:MappingInversion"
            row["other"] = f"mapping_set={mapping.mapping_set}"
            rows.append(row)
        dates = [str(self.sets[m.mapping_set]["header"]["metadata"].get("mapping_date", "")) for m in self.between(source, target)]
        metadata["mapping_date"] = max(dates) if dates else ""
        if skos:
            metadata, columns, rows = skos_set(metadata, columns, rows, self.skos_readings)
        return write_sssom(metadata, columns, rows)

    @staticmethod
    def _sssom_row(mapping: Mapping, curie_map: dict[str, str]) -> dict[str, str]:
        def compress(iri: str) -> str:
            for prefix, namespace in sorted(curie_map.items(), key=lambda item: -len(item[1])):
                if iri.startswith(namespace):
                    return f"{prefix}:{iri[len(namespace) :]}"
            return iri

        row = dict(mapping.extra)
        negated = mapping.predicate == "noRelationship"  # written as SSSOM writes a negative finding
        row.update(
            {
                "subject_id": mapping.subject.curie,
                "predicate_id": "grc:relatedTo" if negated else mapping.predicate_curie,
                "predicate_modifier": "Not" if negated else "",
                "object_id": mapping.object.curie if mapping.object else "sssom:NoTermFound",
                "mapping_justification": mapping.justification,
                "confidence": mapping.confidence or "",
                "creator_id": "|".join(compress(c) for c in mapping.creators),
                "comment": mapping.comment or "",
                "rationale": mapping.rationale or "",
            }
        )
        return row


def with_modifier(columns: list[str]) -> list[str]:
    """The columns of a set, with `predicate_modifier` after `predicate_id` where a file read in the
    older form (a positive grc:noRelationship) had none."""
    if "predicate_modifier" in columns:
        return list(columns)
    at = columns.index("predicate_id") + 1
    return [*columns[:at], "predicate_modifier", *columns[at:]]


def write_sssom(metadata: dict[str, Any], columns: list[str], rows: list[dict[str, str]]) -> str:
    out = io.StringIO()
    for line in yaml.safe_dump(metadata, sort_keys=False, allow_unicode=True, width=10_000).splitlines():
        out.write(f"#{line}\n")
    writer = csv.DictWriter(out, fieldnames=columns, delimiter="\t", lineterminator="\n", quoting=csv.QUOTE_NONE, extrasaction="ignore")
    writer.writeheader()
    writer.writerows(rows)
    return out.getvalue()
