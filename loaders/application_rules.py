"""EU AI Act dates of application: one rule per row, each with its source, superseded rules kept."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from rdflib import RDF, XSD, Graph, Literal, URIRef
from rdflib.namespace import DCTERMS, SKOS

from grcgraph.dates import parse_date
from grcgraph.errors import DataError
from grcgraph.loaders.catalog_csv import ID_PATTERN
from grcgraph.loaders.header import split_header
from grcgraph.loaders.table import read_table
from grcgraph.model import Problem
from grcgraph.vocab import iris
from grcgraph.vocab.namespace import GRC
from grcgraph.vocab.terms import AI_CATEGORIES

COLUMNS = ("id", "provisions", "except", "category", "part", "applies_from", "source", "supersedes", "note")
CATEGORIES = AI_CATEGORIES


@dataclass
class RuleSet:
    name: str
    metadata: dict[str, Any]
    rows: list[tuple[int, dict[str, str]]]


def parse_rules(text: str, name: str, known_ids: set[str]) -> RuleSet:
    """Parse and check the application rules against the ids of the EU AI Act catalog."""
    headered = split_header(text, name)
    meta = headered.metadata
    problems: list[Problem] = []
    sources = meta.get("sources")
    if not isinstance(sources, dict) or not sources:
        raise DataError([Problem.in_file(name, 1, "sources", "the header must declare the sources rules cite")])
    notes = meta.get("change_notes") or {}
    if not isinstance(notes, dict):
        raise DataError([Problem.in_file(name, 1, "change_notes", "must map catalog ids to a note and its source")])
    for key, note in notes.items():
        if key not in known_ids:
            problems.append(Problem.in_file(name, 1, f"change_notes.{key}", "is not an id of the EU AI Act catalog"))
        if not isinstance(note, dict) or note.get("source") not in sources or not note.get("note"):
            problems.append(Problem.in_file(name, 1, f"change_notes.{key}", "needs a note and a source declared in sources"))
    table = read_table(headered.table, name, known=COLUMNS, exact=True, first_line=headered.table_line)
    problems += table.problems
    rows: list[tuple[int, dict[str, str]]] = []
    seen: dict[str, int] = {}
    for row in table:
        line, values = row.line, row.values
        rule_id = values["id"]
        if not rule_id or not ID_PATTERN.match(rule_id):
            problems.append(Problem.in_file(name, line, "id", f"{rule_id!r} is not a valid rule id"))
        elif rule_id in seen:
            problems.append(Problem.in_file(name, line, "id", f"duplicate rule id, first on line {seen[rule_id]}"))
        seen.setdefault(rule_id, line)
        provisions = [p for p in values["provisions"].split("|") if p]
        if not provisions:
            problems.append(Problem.in_file(name, line, "provisions", "names no provision"))
        for column in ("provisions", "except"):
            for provision in filter(None, values[column].split("|")):
                if provision not in known_ids:
                    problems.append(Problem.in_file(name, line, column, f"{provision!r} is not an id of the EU AI Act catalog"))
        if values["category"] and values["category"] not in CATEGORIES:
            problems.append(Problem.in_file(name, line, "category", f"{values['category']!r} is not one of {', '.join(CATEGORIES)}"))
        try:
            parse_date(values["applies_from"])
        except ValueError as error:
            problems.append(Problem.in_file(name, line, "applies_from", str(error)))
        if values["source"] not in sources:
            problems.append(Problem.in_file(name, line, "source", f"{values['source']!r} is not a key of the header's sources"))
        rows.append((line, values))
    for line, values in rows:
        if values["supersedes"] and values["supersedes"] not in seen:
            problems.append(Problem.in_file(name, line, "supersedes", f"{values['supersedes']!r} is not a rule id in this file"))
    if problems:
        raise DataError(problems)
    return RuleSet(name=name, metadata=meta, rows=rows)


def rule_triples(rules: RuleSet, graph: Graph, namespace: str) -> None:
    scheme_id = str(rules.metadata.get("scheme", "eu-ai-act"))
    source_nodes = {}
    for key, value in rules.metadata["sources"].items():
        node = iris.source(scheme_id, str(key))
        source_nodes[str(key)] = node
        graph.add((node, RDF.type, GRC.Source))
        graph.add((node, DCTERMS.title, Literal(str(value["title"]))))
        if value.get("file"):
            graph.add((node, DCTERMS.identifier, Literal(str(value["file"]))))
        if value.get("url"):
            graph.add((node, DCTERMS.source, URIRef(str(value["url"]))))
    for key, note in (rules.metadata.get("change_notes") or {}).items():
        graph.add((URIRef(namespace + key), SKOS.changeNote, Literal(str(note["note"]))))
    for _line, values in rules.rows:
        node = iris.application_rule(values["id"])
        graph.add((node, RDF.type, GRC.ApplicationRule))
        graph.add((node, DCTERMS.identifier, Literal(values["id"])))
        for provision in filter(None, values["provisions"].split("|")):
            graph.add((node, GRC.provision, URIRef(namespace + provision)))
        for provision in filter(None, values["except"].split("|")):
            graph.add((node, GRC.exceptProvision, URIRef(namespace + provision)))
        if values["category"]:
            graph.add((node, GRC.forCategory, CATEGORIES[values["category"]]))
        if values["part"]:
            graph.add((node, GRC.part, Literal(values["part"])))
        graph.add((node, GRC.appliesFrom, Literal(values["applies_from"], datatype=XSD.date)))
        graph.add((node, DCTERMS.source, source_nodes[values["source"]]))
        if values["supersedes"]:
            graph.add((node, GRC.supersedes, iris.application_rule(values["supersedes"])))
        if values["note"]:
            graph.add((node, SKOS.note, Literal(values["note"])))
