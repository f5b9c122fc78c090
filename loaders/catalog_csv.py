"""Framework catalogs: a `#` YAML header and a CSV table of requirements, turned into triples.

The format is documented in frameworks/README.md. Every fault is reported with file, line and
field, and nothing is returned unless the whole file is sound.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from rdflib import RDF, XSD, Graph, Literal, URIRef
from rdflib.namespace import DCTERMS, PROV, SKOS

from grcgraph.errors import DataError
from grcgraph.loaders.header import split_header
from grcgraph.loaders.table import Row, problem_at, read_table
from grcgraph.model import FieldPath, Problem
from grcgraph.vocab import iris
from grcgraph.vocab.namespace import GRC
from grcgraph.vocab.terms import REQUIREMENT_KINDS

COLUMNS = ("id", "kind", "parent", "notation", "title", "text", "url", "refines", "risks", "actor_tasks", "source")
REQUIRED_COLUMNS = ("id", "kind", "title")

KINDS = REQUIREMENT_KINDS  # the class a row's kind names

HEADER_REQUIRED = ("scheme", "prefix", "namespace", "framework", "framework_title", "version", "title", "rights", "sources")
HEADER_OPTIONAL = ("publisher", "issued", "url", "license", "profile_of", "risks")

ID_PATTERN = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]*$")
NAME_PATTERN = re.compile(r"^[a-z][a-z0-9.-]*$")
PREFIX_PATTERN = re.compile(r"^[a-z][a-z0-9]*$")
CURIE_PATTERN = re.compile(r"^([a-z][a-z0-9]*):([A-Za-z0-9][A-Za-z0-9._-]*)$")


@dataclass
class Catalog:
    """A parsed, checked catalog file."""

    name: str
    metadata: dict[str, Any]
    rows: list[Row] = field(default_factory=list)
    # For a catalog read from JSON (OSCAL): where each header key's value sits
    paths: dict[str, FieldPath] = field(default_factory=dict)

    def header_problem(self, key: str, message: str) -> Problem:
        """A fault of a header key: on the CSV header's first line, at its JSON path in an OSCAL catalog."""
        if key in self.paths:
            return Problem(message, self.paths[key], self.name, None)
        return Problem.in_file(self.name, 1, key, message)

    @property
    def prefix(self) -> str:
        return str(self.metadata["prefix"])

    @property
    def namespace(self) -> str:
        return str(self.metadata["namespace"])

    def iri(self, local_id: str) -> URIRef:
        return URIRef(self.namespace + local_id)


def _check_header(metadata: dict[str, Any], name: str) -> list[Problem]:
    problems: list[Problem] = []
    for key in HEADER_REQUIRED:
        if metadata.get(key) in (None, ""):
            problems.append(Problem.in_file(name, 1, key, "required header key is missing or empty"))
    for key in metadata:
        if key not in HEADER_REQUIRED and key not in HEADER_OPTIONAL:
            problems.append(
                Problem.in_file(name, 1, str(key), f"unknown header key; known keys: {', '.join(HEADER_REQUIRED + HEADER_OPTIONAL)}")
            )
    if problems:
        return problems
    for key in ("scheme", "framework"):
        if not NAME_PATTERN.match(str(metadata[key])):
            problems.append(Problem.in_file(name, 1, key, f"{metadata[key]!r} must be lower case letters, digits, dots and hyphens"))
    if not PREFIX_PATTERN.match(str(metadata["prefix"])):
        problems.append(Problem.in_file(name, 1, "prefix", f"{metadata['prefix']!r} must be lower case letters and digits"))
    namespace = str(metadata["namespace"])
    if not re.match(r"^https?://\S+[/#]$", namespace):
        problems.append(Problem.in_file(name, 1, "namespace", f"{namespace!r} must be an http(s) IRI ending in / or #"))
    issued = metadata.get("issued")
    if issued is not None and not isinstance(issued, dt.date):
        problems.append(Problem.in_file(name, 1, "issued", f"{issued!r} is not a date in the form YYYY-MM-DD"))
    sources = metadata["sources"]
    if not isinstance(sources, dict) or not sources:
        problems.append(Problem.in_file(name, 1, "sources", "must map each source key to its title and file"))
    else:
        for key, value in sources.items():
            if not isinstance(value, dict) or not value.get("title"):
                problems.append(Problem.in_file(name, 1, f"sources.{key}", "each source needs a title"))
    risks = metadata.get("risks")
    if risks is not None and not (isinstance(risks, list) and all(isinstance(r, str) and r for r in risks)):
        problems.append(Problem.in_file(name, 1, "risks", "must be a list of risk names"))
    return problems


def parse_catalog(text: str, name: str) -> Catalog:
    """Parse and check one catalog file. Raises DataError naming every fault found."""
    headered = split_header(text, name)
    problems = _check_header(headered.metadata, name)
    if problems:
        raise DataError(problems)
    catalog = Catalog(name=name, metadata=headered.metadata)
    table = read_table(headered.table, name, known=COLUMNS, required=REQUIRED_COLUMNS, first_line=headered.table_line)
    header_line = table.header_line
    problems += table.problems

    sources = headered.metadata["sources"]
    risks = set(headered.metadata.get("risks") or [])
    seen: dict[str, int] = {}
    for row in table:
        line, values = row.line, row.values
        local_id = values["id"]
        if not local_id:
            problems.append(Problem.in_file(name, line, "id", "is empty"))
        elif not ID_PATTERN.match(local_id):
            problems.append(Problem.in_file(name, line, "id", f"{local_id!r} may hold only letters, digits, '.', '_' and '-'"))
        elif local_id in seen:
            problems.append(Problem.in_file(name, line, "id", f"duplicate id {local_id!r}, first on line {seen[local_id]}"))
        else:
            seen[local_id] = line
        if values["kind"] not in KINDS:
            problems.append(Problem.in_file(name, line, "kind", f"{values['kind']!r} is not one of {', '.join(KINDS)}"))
        if not values["title"]:
            problems.append(Problem.in_file(name, line, "title", "is empty"))
        if values["source"] and values["source"] not in sources:
            problems.append(Problem.in_file(name, line, "source", f"{values['source']!r} is not a key of the header's sources"))
        if not values["source"] and len(sources) != 1:
            problems.append(Problem.in_file(name, line, "source", "is empty and the header declares more than one source"))
        if values["url"] and not re.match(r"^https?://\S+$", values["url"]):
            problems.append(Problem.in_file(name, line, "url", f"{values['url']!r} is not an http(s) URL"))
        if values["refines"] and not CURIE_PATTERN.match(values["refines"]):
            problems.append(Problem.in_file(name, line, "refines", f"{values['refines']!r} is not a CURIE such as nistairmf:GOVERN-1.1"))
        for risk in filter(None, values["risks"].split("|")):
            if risk not in risks:
                problems.append(Problem.in_file(name, line, "risks", f"{risk!r} is not declared in the header's risks"))
        catalog.rows.append(row)
    for row in catalog.rows:
        parent = row.values["parent"]
        if parent and parent not in seen:
            problems.append(Problem.in_file(name, row.line, "parent", f"{parent!r} is not an id in this catalog"))
        if parent and parent == row.values["id"]:
            problems.append(Problem.in_file(name, row.line, "parent", "a requirement cannot be its own parent"))
    if not catalog.rows:
        problems.append(Problem.in_file(name, header_line, "row", "the catalog has no requirements"))
    if problems:
        raise DataError(problems)
    return catalog


def catalog_triples(catalog: Catalog, graph: Graph, resolve: dict[str, str]) -> list[Problem]:
    """Add a catalog's triples to `graph`. `resolve` maps every known CURIE prefix to its namespace,
    for cross-framework links (refines). Returns the links it could not resolve."""
    meta = catalog.metadata
    scheme = iris.scheme(str(meta["scheme"]))
    framework = iris.framework(str(meta["framework"]))
    graph.add((framework, RDF.type, GRC.Framework))
    graph.add((framework, SKOS.prefLabel, Literal(str(meta["framework_title"]))))
    graph.add((scheme, RDF.type, GRC.FrameworkVersion))
    graph.add((scheme, RDF.type, SKOS.ConceptScheme))  # stated, so that SKOS tools need no inference
    graph.add((scheme, GRC.versionOf, framework))
    graph.add((scheme, DCTERMS.identifier, Literal(str(meta["scheme"]))))
    graph.add((scheme, SKOS.prefLabel, Literal(str(meta["title"]))))
    graph.add((scheme, DCTERMS.title, Literal(str(meta["title"]))))
    graph.add((scheme, GRC.prefix, Literal(catalog.prefix)))
    graph.add((scheme, URIRef("http://www.w3.org/2002/07/owl#versionInfo"), Literal(str(meta["version"]))))
    graph.add((scheme, GRC.rights, Literal(str(meta["rights"]))))
    graph.add((scheme, PROV.wasDerivedFrom, Literal(catalog.name)))
    if meta.get("publisher"):
        graph.add((scheme, DCTERMS.publisher, Literal(str(meta["publisher"]))))
    if meta.get("issued"):
        graph.add((scheme, DCTERMS.issued, Literal(meta["issued"].isoformat(), datatype=XSD.date)))
    if meta.get("url"):
        graph.add((scheme, DCTERMS.source, URIRef(str(meta["url"]))))
    if meta.get("license"):
        graph.add((scheme, DCTERMS.license, URIRef(str(meta["license"]))))
    if meta.get("profile_of"):
        graph.add((scheme, GRC.profileOf, iris.framework(str(meta["profile_of"]))))

    source_nodes: dict[str, URIRef] = {}
    for key, value in meta["sources"].items():
        node = iris.source(str(meta["scheme"]), str(key))
        source_nodes[str(key)] = node
        graph.add((node, RDF.type, GRC.Source))
        graph.add((node, DCTERMS.title, Literal(str(value["title"]))))
        graph.add((node, DCTERMS.rights, Literal(str(meta["rights"]))))
        if value.get("file"):
            graph.add((node, DCTERMS.identifier, Literal(str(value["file"]))))
        if value.get("url"):
            graph.add((node, DCTERMS.source, URIRef(str(value["url"]))))
    risk_nodes = {label: iris.genai_risk(catalog.namespace, label) for label in meta.get("risks") or []}
    for label, node in risk_nodes.items():
        graph.add((node, RDF.type, GRC.GenAIRisk))
        graph.add((node, RDF.type, SKOS.Concept))
        graph.add((node, SKOS.prefLabel, Literal(label)))
        graph.add((node, SKOS.inScheme, scheme))

    unresolved: list[Problem] = []
    default_source = next(iter(source_nodes.values()))
    for order, row in enumerate(catalog.rows, start=1):
        v = row.values
        node = catalog.iri(v["id"])
        graph.add((node, RDF.type, KINDS[v["kind"]]))
        graph.add((node, RDF.type, SKOS.Concept))
        graph.add((node, DCTERMS.identifier, Literal(v["id"])))
        graph.add((node, SKOS.notation, Literal(v["notation"] or v["id"])))
        graph.add((node, SKOS.prefLabel, Literal(v["title"])))
        graph.add((node, SKOS.inScheme, scheme))
        graph.add((node, GRC.order, Literal(order)))
        graph.add((node, DCTERMS.source, source_nodes.get(v["source"], default_source)))
        if v["parent"]:
            graph.add((node, SKOS.broader, catalog.iri(v["parent"])))
        else:
            graph.add((node, SKOS.topConceptOf, scheme))
        if v["text"]:
            graph.add((node, GRC.text, Literal(v["text"])))
        if v["url"]:
            graph.add((node, URIRef("http://www.w3.org/2000/01/rdf-schema#seeAlso"), URIRef(v["url"])))
        if v["refines"]:
            prefix, local = v["refines"].split(":", 1)
            if prefix not in resolve:
                unresolved.append(problem_at(catalog.name, row, "refines", f"unknown prefix {prefix!r}"))
            else:
                graph.add((node, GRC.refines, URIRef(resolve[prefix] + local)))
        for risk in filter(None, v["risks"].split("|")):
            graph.add((node, GRC.addressesRisk, risk_nodes[risk]))
        for task in filter(None, (t.strip() for t in v["actor_tasks"].split(","))):
            graph.add((node, GRC.actorTask, Literal(task)))
    return unresolved


def prefixes(catalogs: Iterable[Catalog]) -> dict[str, str]:
    return {catalog.prefix: catalog.namespace for catalog in catalogs}
