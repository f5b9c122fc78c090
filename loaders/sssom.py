"""SSSOM TSV mapping sets, read into the reference graph with every column kept.

Each row becomes a grc:Mapping node carrying subject, predicate, object, rationale, justification,
confidence, creator, comment and any other SSSOM column, plus the direct triple
`subject predicate object` for path queries. The reader is the project's own so that a faulty row
is reported with file, line and field; tests also read every bundled file with sssom-py.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import re
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from typing import Any

from rdflib import RDF, RDFS, XSD, Graph, Literal, URIRef
from rdflib.namespace import DCTERMS, OWL, PROV

from grcgraph.errors import DataError
from grcgraph.loaders.header import split_header
from grcgraph.loaders.table import Row, problem_at, read_table
from grcgraph.model import FieldPath, Problem
from grcgraph.vocab.namespace import GRC

NO_TERM_FOUND = "sssom:NoTermFound"
SSSOM_NS = "https://w3id.org/sssom/"
SEMAPV_NS = "https://w3id.org/semapv/vocab/"

# Columns with a dedicated property; every other SSSOM column (labels included, as written) is kept
# verbatim in grc:extra, so that export gives back the same rows.
CORE_COLUMNS = (
    "subject_id",
    "predicate_id",
    "predicate_modifier",
    "object_id",
    "mapping_justification",
    "confidence",
    "creator_id",
    "comment",
    "rationale",
)
LABEL_COLUMNS = ("subject_label", "object_label")
REQUIRED_COLUMNS = ("subject_id", "predicate_id", "object_id", "mapping_justification")
OTHER_SSSOM_COLUMNS = (
    "predicate_label",
    "subject_category",
    "object_category",
    "subject_type",
    "object_type",
    "subject_source",
    "object_source",
    "subject_source_version",
    "object_source_version",
    "author_id",
    "author_label",
    "creator_label",
    "reviewer_id",
    "reviewer_label",
    "license",
    "mapping_date",
    "publication_date",
    "mapping_provider",
    "mapping_tool",
    "see_also",
    "issue_tracker_item",
    "other",
    "curation_rule",
    "curation_rule_text",
    "mapping_cardinality",
    "similarity_score",
    "similarity_measure",
)
HEADER_REQUIRED = ("curie_map", "mapping_set_id", "mapping_set_version", "license", "creator_id", "mapping_date")

RATIONALES: dict[str, URIRef] = {
    "syntactic": GRC.SyntacticRationale,
    "semantic": GRC.SemanticRationale,
    "functional": GRC.FunctionalRationale,
}
SET_THEORY = {"equal", "subsetOf", "supersetOf", "intersectsWith", "noRelationship"}
SUPPORTIVE = {
    "supports",
    "isSupportedBy",
    "identical",
    "equivalent",
    "contrary",
    "exampleOf",
    "hasExample",
    "integralTo",
    "hasIntegralPart",
    "precedes",
    "precededBy",
}
CONCEPT = {"relatedTo"}
RELATIONSHIPS = SET_THEORY | SUPPORTIVE | CONCEPT
CURIE = re.compile(r"^([A-Za-z][A-Za-z0-9_-]*):(\S+)$")
# "No relationship" is written as SSSOM writes a negative finding: the most general link, negated
# (`grc:relatedTo` with `predicate_modifier: Not`), so that SSSOM tools never read it as a link.
# The positive custom predicate `grc:noRelationship` of earlier files is still read.
NEGATED = "grc:relatedTo"
NOT = "Not"


def relationship(values: dict[str, str]) -> str:
    """The grcgraph relationship a row states (its local name): `noRelationship` for a negated
    `grc:relatedTo` and for the older positive `grc:noRelationship`."""
    if values.get("predicate_modifier") == NOT:
        return "noRelationship"
    return values["predicate_id"][4:]


@dataclass
class MappingSet:
    name: str
    metadata: dict[str, Any]
    columns: list[str]
    rows: list[Row] = field(default_factory=list)
    # For a set read from JSON (an OSCAL mapping): where each header key's value sits
    paths: dict[str, FieldPath] = field(default_factory=dict)

    def header_problem(self, key: str, message: str) -> Problem:
        """A fault of a header key: in the SSSOM header, at its JSON path in an OSCAL mapping collection."""
        if key in self.paths:
            return Problem(message, self.paths[key], self.name, None)
        return Problem.in_file(self.name, 1, key, message)

    @property
    def curie_map(self) -> dict[str, str]:
        return {str(k): str(v) for k, v in self.metadata["curie_map"].items()}

    @property
    def set_id(self) -> str:
        return str(self.metadata["mapping_set_id"])

    def expand(self, curie: str) -> URIRef:
        prefix, local = curie.split(":", 1)
        if prefix == "sssom":
            return URIRef(SSSOM_NS + local)
        return URIRef(self.curie_map[prefix] + local)


def _expandable(curie: str, curie_map: dict[str, str]) -> str | None:
    """None when the CURIE expands, else why not."""
    match = CURIE.match(curie)
    if not match:
        return f"{curie!r} is not a CURIE (prefix:local)"
    if match.group(1) not in curie_map and match.group(1) != "sssom":
        return f"prefix {match.group(1)!r} is not in the header's curie_map"
    return None


def parse_mapping_set(text: str, name: str, requirements: dict[str, str]) -> MappingSet:
    """Parse and check one SSSOM TSV file. `requirements` maps every known requirement IRI to its
    title, so that dangling ids and labels that disagree with the catalog are caught here."""
    headered = split_header(text, name)
    meta = headered.metadata
    problems = [Problem.in_file(name, 1, key, "required header key is missing") for key in HEADER_REQUIRED if not meta.get(key)]
    if problems:
        raise DataError(problems)
    if not isinstance(meta["curie_map"], dict):
        raise DataError([Problem.in_file(name, 1, "curie_map", "must map prefixes to IRIs")])
    if "grc" not in meta["curie_map"] or str(meta["curie_map"]["grc"]) != str(GRC._NS):
        problems.append(Problem.in_file(name, 1, "curie_map", f"must bind grc to {GRC._NS}"))
    extensions = {str(ext.get("slot_name")) for ext in meta.get("extension_definitions") or [] if isinstance(ext, dict)}
    known = (*CORE_COLUMNS, *LABEL_COLUMNS, *OTHER_SSSOM_COLUMNS)
    table = read_table(
        headered.table,
        name,
        known=known,
        required=REQUIRED_COLUMNS,
        delimiter="\t",
        first_line=headered.table_line,
        unknown="is neither an SSSOM column nor grcgraph's rationale",
        short_rows=False,
    )
    columns = table.columns
    if "rationale" in columns and "rationale" not in extensions:
        problems.append(Problem.in_file(name, table.header_line, "rationale", "needs an extension_definitions entry in the header"))
    if problems:
        raise DataError(problems)
    problems += table.problems

    mapping_set = MappingSet(name=name, metadata=meta, columns=columns)
    problems += check_rows(mapping_set, list(table), requirements)
    if problems:
        raise DataError(problems)
    return mapping_set


def check_rows(mapping_set: MappingSet, rows: list[Row], requirements: dict[str, str]) -> list[Problem]:
    """Check rows in SSSOM terms (however they were written: SSSOM TSV, an OSCAL mapping collection)
    and add them to the set; every fault found, each at its row's line or JSON path."""
    name = mapping_set.name
    problems: list[Problem] = []
    curie_map = mapping_set.curie_map
    seen: dict[tuple[str, str], tuple[str, str]] = {}
    for row in rows:
        values = row.values
        subject, predicate, obj = values["subject_id"], values["predicate_id"], values["object_id"]
        for column in ("subject_id", "object_id"):
            curie = values[column]
            why = _expandable(curie, curie_map)
            if why:
                problems.append(problem_at(name, row, column, why))
                continue
            if curie == NO_TERM_FOUND:
                if column == "subject_id":
                    problems.append(problem_at(name, row, column, "sssom:NoTermFound may only be an object"))
                continue
            iri = str(mapping_set.expand(curie))
            if iri not in requirements:
                problems.append(problem_at(name, row, column, f"{curie} is not a requirement of any loaded catalog"))
                continue
            label = values.get(column.replace("_id", "_label"), "")
            if label and label != requirements[iri]:
                problems.append(
                    problem_at(
                        name,
                        row,
                        column.replace("_id", "_label"),
                        f"{label!r} differs from the catalog title of {curie}: {requirements[iri]!r}",
                    )
                )
        modifier = values.get("predicate_modifier", "")
        if not predicate.startswith("grc:") or predicate[4:] not in RELATIONSHIPS:
            problems.append(
                problem_at(
                    name,
                    row,
                    "predicate_id",
                    f"{predicate!r} is not a grcgraph relationship; use one of {', '.join(sorted('grc:' + r for r in RELATIONSHIPS))}",
                )
            )
        elif modifier not in ("", NOT):
            problems.append(problem_at(name, row, "predicate_modifier", f"{modifier!r} is not an SSSOM predicate modifier (Not)"))
        elif modifier == NOT and predicate != NEGATED:
            problems.append(
                problem_at(
                    name,
                    row,
                    "predicate_modifier",
                    f"grcgraph reads a negation only as 'no relationship': {NEGATED} with predicate_modifier Not, not {predicate}",
                )
            )
        elif obj == NO_TERM_FOUND and relationship(values) != "noRelationship":
            problems.append(
                problem_at(
                    name, row, "predicate_id", f"sssom:NoTermFound goes only with no relationship ({NEGATED}, predicate_modifier Not)"
                )
            )
        justification = values["mapping_justification"]
        if not justification.startswith("semapv:"):
            problems.append(
                problem_at(
                    name, row, "mapping_justification", f"{justification!r} is not a SEMAPV term such as semapv:ManualMappingCuration"
                )
            )
        rationale = values.get("rationale", "")
        if rationale and rationale not in RATIONALES:
            problems.append(problem_at(name, row, "rationale", f"{rationale!r} is not one of {', '.join(RATIONALES)}"))
        if relationship(values) in SET_THEORY and not rationale:
            problems.append(problem_at(name, row, "rationale", "a set-theory relationship needs a rationale (NIST IR 8477)"))
        confidence = values.get("confidence", "")
        if confidence:
            try:
                number = Decimal(confidence)
                if not Decimal(0) <= number <= Decimal(1):
                    raise InvalidOperation
            except InvalidOperation:
                problems.append(problem_at(name, row, "confidence", f"{confidence!r} is not a number between 0 and 1"))
        for column in ("creator_id", "author_id", "reviewer_id"):
            for curie in filter(None, values.get(column, "").split("|")):
                why = _expandable(curie, curie_map)
                if why:
                    problems.append(problem_at(name, row, column, why))
        if subject == obj:
            problems.append(problem_at(name, row, "object_id", "a requirement cannot be mapped to itself"))
        pair = (subject, obj)
        stated = "grc:" + relationship(values)
        if pair in seen:
            first_where, first_predicate = seen[pair]
            kind = "conflicting" if first_predicate != stated else "duplicate"
            problems.append(
                problem_at(name, row, "predicate_id", f"{kind} statement of {subject} -> {obj}, first {first_where} as {first_predicate}")
            )
        else:
            seen[pair] = (f"line {row.line}" if not row.paths else f"at {row.paths['']}", stated)
        mapping_set.rows.append(row)
    return problems


def mapping_iri(mapping_set: MappingSet, subject: str, obj: str) -> URIRef:
    digest = hashlib.sha256(f"{subject}\t{obj}".encode()).hexdigest()[:16]
    return URIRef(f"{mapping_set.set_id}#m-{digest}")


def _json_default(value: object) -> str:
    if isinstance(value, dt.date):
        return value.isoformat()
    raise TypeError(f"cannot keep {type(value).__name__} in a mapping-set header")


def mapping_triples(mapping_set: MappingSet, graph: Graph, skos_readings: dict[URIRef, URIRef] | None = None) -> None:
    """The mapping set's triples. `skos_readings` gives each relationship's SKOS mapping property
    (the vocabulary's grc:sssomPredicate): each mapping is then also stated as that SKOS triple,
    beside its grc:Mapping node and its IR 8477 triple, for SKOS tools that do no inference."""
    readings = skos_readings or {}
    meta = mapping_set.metadata
    node = URIRef(mapping_set.set_id)
    graph.add((node, RDF.type, GRC.MappingSet))
    graph.add((node, DCTERMS.identifier, Literal(mapping_set.set_id)))
    graph.add((node, OWL.versionInfo, Literal(str(meta["mapping_set_version"]))))
    graph.add((node, DCTERMS.license, URIRef(str(meta["license"]))))
    graph.add((node, PROV.wasDerivedFrom, Literal(mapping_set.name)))
    if meta.get("mapping_set_title"):
        graph.add((node, DCTERMS.title, Literal(str(meta["mapping_set_title"]))))
    if meta.get("mapping_set_description"):
        graph.add((node, DCTERMS.description, Literal(str(meta["mapping_set_description"]))))
    mapping_date = meta["mapping_date"]
    graph.add((node, DCTERMS.date, Literal(str(mapping_date), datatype=XSD.date)))
    for creator in meta.get("creator_id") or []:
        graph.add((node, DCTERMS.creator, mapping_set.expand(str(creator))))
    for see_also in meta.get("see_also") or []:
        graph.add((node, RDFS.seeAlso, URIRef(str(see_also))))
    if meta.get("comment"):
        graph.add((node, RDFS.comment, Literal(str(meta["comment"]))))
    header = {"metadata": meta, "columns": mapping_set.columns}
    graph.add((node, GRC.header, Literal(json.dumps(header, default=_json_default, sort_keys=True))))

    for row in mapping_set.rows:
        v = row.values
        subject = mapping_set.expand(v["subject_id"])
        predicate = URIRef(str(GRC._NS) + relationship(v))
        obj = mapping_set.expand(v["object_id"])
        mapping = mapping_iri(mapping_set, v["subject_id"], v["object_id"])
        graph.add((mapping, RDF.type, GRC.Mapping))
        graph.add((mapping, GRC.inMappingSet, node))
        graph.add((mapping, GRC.subject, subject))
        graph.add((mapping, GRC.predicate, predicate))
        graph.add((mapping, GRC.object, obj))
        graph.add((mapping, GRC.row, Literal(row.line)))
        graph.add((mapping, GRC.justification, URIRef(SEMAPV_NS + v["mapping_justification"].split(":", 1)[1])))
        if v.get("rationale"):
            graph.add((mapping, GRC.rationale, RATIONALES[v["rationale"]]))
        if v.get("confidence"):
            graph.add((mapping, GRC.confidence, Literal(v["confidence"], datatype=XSD.decimal)))
        for creator in filter(None, v.get("creator_id", "").split("|")):
            graph.add((mapping, DCTERMS.creator, mapping_set.expand(creator)))
        if v.get("comment"):
            graph.add((mapping, RDFS.comment, Literal(v["comment"])))
        extra = {c: v[c] for c in mapping_set.columns if c not in CORE_COLUMNS and v.get(c)}
        if extra:
            graph.add((mapping, GRC.extra, Literal(json.dumps(extra, sort_keys=True))))
        if obj != URIRef(SSSOM_NS + "NoTermFound"):
            graph.add((subject, predicate, obj))
            if predicate in readings:
                graph.add((subject, readings[predicate], obj))
