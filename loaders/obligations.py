"""EU AI Act obligations by operator role and AI-system category: which provisions bind whom."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from rdflib import RDF, Graph, Literal, URIRef
from rdflib.namespace import DCTERMS, SKOS

from grcgraph.errors import DataError
from grcgraph.loaders.application_rules import CATEGORIES
from grcgraph.loaders.catalog_csv import ID_PATTERN
from grcgraph.loaders.header import split_header
from grcgraph.loaders.table import read_table
from grcgraph.model import Problem
from grcgraph.vocab import iris
from grcgraph.vocab.namespace import GRC
from grcgraph.vocab.terms import OPERATOR_ROLES

COLUMNS = ("id", "provision", "roles", "categories", "conditional", "basis", "source", "note")
ROLES = OPERATOR_ROLES


@dataclass
class ObligationSet:
    name: str
    metadata: dict[str, Any]
    rows: list[tuple[int, dict[str, str]]]


def parse_obligations(text: str, name: str, known_ids: set[str]) -> ObligationSet:
    headered = split_header(text, name)
    sources = headered.metadata.get("sources")
    if not isinstance(sources, dict) or not sources:
        raise DataError([Problem.in_file(name, 1, "sources", "the header must declare the sources rows cite")])
    table = read_table(headered.table, name, known=COLUMNS, exact=True, first_line=headered.table_line)
    problems: list[Problem] = list(table.problems)
    rows: list[tuple[int, dict[str, str]]] = []
    seen: dict[str, int] = {}
    for row in table:
        line, values = row.line, row.values
        if not ID_PATTERN.match(values["id"]):
            problems.append(Problem.in_file(name, line, "id", f"{values['id']!r} is not a valid id"))
        elif values["id"] in seen:
            problems.append(Problem.in_file(name, line, "id", f"duplicate id, first on line {seen[values['id']]}"))
        seen.setdefault(values["id"], line)
        if values["provision"] not in known_ids:
            problems.append(Problem.in_file(name, line, "provision", f"{values['provision']!r} is not an id of the EU AI Act catalog"))
        for role in values["roles"].split("|"):
            if role != "any" and role not in ROLES:
                problems.append(Problem.in_file(name, line, "roles", f"{role!r} is not one of any, {', '.join(ROLES)}"))
        for category in values["categories"].split("|"):
            if category != "any" and category not in CATEGORIES:
                problems.append(Problem.in_file(name, line, "categories", f"{category!r} is not one of any, {', '.join(CATEGORIES)}"))
        if values["conditional"] not in ("yes", "no"):
            problems.append(Problem.in_file(name, line, "conditional", "must be yes or no"))
        if values["source"] not in sources:
            problems.append(Problem.in_file(name, line, "source", f"{values['source']!r} is not a key of the header's sources"))
        rows.append((line, values))
    if problems:
        raise DataError(problems)
    return ObligationSet(name=name, metadata=headered.metadata, rows=rows)


def obligation_triples(obligations: ObligationSet, graph: Graph, namespace: str) -> None:
    scheme_id = str(obligations.metadata.get("scheme", "eu-ai-act"))
    source_nodes: dict[str, URIRef] = {}
    for key, value in obligations.metadata["sources"].items():
        node = iris.source(scheme_id, f"obligations-{key}")
        source_nodes[str(key)] = node
        graph.add((node, RDF.type, GRC.Source))
        graph.add((node, DCTERMS.title, Literal(str(value["title"]))))
        if value.get("url"):
            graph.add((node, DCTERMS.source, URIRef(str(value["url"]))))
    for _line, v in obligations.rows:
        node = URIRef(f"{iris.BASE}eu-ai-act/obligation/{v['id']}")
        graph.add((node, RDF.type, GRC.Obligation))
        graph.add((node, DCTERMS.identifier, Literal(v["id"])))
        graph.add((node, GRC.provision, URIRef(namespace + v["provision"])))
        roles = list(ROLES.values()) if v["roles"] == "any" else [ROLES[r] for r in v["roles"].split("|")]
        for role in roles:
            graph.add((node, GRC.operatorRole, role))
        categories = list(CATEGORIES.values()) if v["categories"] == "any" else [CATEGORIES[c] for c in v["categories"].split("|")]
        for category in categories:
            graph.add((node, GRC.forCategory, category))
        graph.add((node, GRC.conditional, Literal(v["conditional"] == "yes")))
        graph.add((node, GRC.basis, Literal(v["basis"])))
        graph.add((node, DCTERMS.source, source_nodes[v["source"]]))
        if v["note"]:
            graph.add((node, SKOS.note, Literal(v["note"])))
