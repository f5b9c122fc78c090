"""The obvious implementation, which every figure is compared with: an rdflib in-memory graph holding
the same reference graph and workspace data, answered with SPARQL that follows mapping edges with
property paths, implementing the rules of docs/coverage.md (chain length 1) for what it answers:

- coverage of one evidence item in every framework (status per requirement reached);
- gaps for ISO/IEC 42001 over a whole workspace (status per requirement, parents rolled up from
  their applicable children, Annex A controls excluded in the SoA not applicable);
- the crosswalk of one requirement (the first query of a cold start);
- a validated, durable write (pyshacl with grcgraph's shapes, then an N-Triples append flushed to the OS, as durable as grcgraph's write).

Answers are keyed by CURIE so that they can be compared with grcgraph's, in process and over HTTP.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path

from pyshacl import validate
from rdflib import RDF, XSD, Graph, Literal, Namespace, URIRef
from rdflib.namespace import DCTERMS

GRC = Namespace("https://w3id.org/grcgraph/vocab#")
NONE, RELATED, PARTIAL, FULL = 0, 1, 2, 3

# Full coverage of R gives R' this much across R -> R' (docs/coverage.md); no relationship and contrary give nothing.
CARRIED = {
    **dict.fromkeys(["equal", "equivalent", "identical", "supersetOf", "hasIntegralPart"], FULL),
    **dict.fromkeys(["subsetOf", "intersectsWith", "supports", "exampleOf", "integralTo", "precedes"], PARTIAL),
    **dict.fromkeys(["relatedTo", "isSupportedBy", "hasExample", "precededBy"], RELATED),
}
PREFIXES = """PREFIX grc: <https://w3id.org/grcgraph/vocab#>
PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
PREFIX skos: <http://www.w3.org/2004/02/skos/core#>
PREFIX dcterms: <http://purl.org/dc/terms/>
"""
# Every requirement an evidence link reaches: its own (as the link's extent says) and, across one
# mapping edge read from either end, its target: a typed relationship (found with a property path)
# or the inverse of one. What each relationship carries, staleness and the maximum are applied in
# Python, as is keeping requirements only (rdflib evaluates the query much more slowly with those
# patterns after the union). Bound: ?e for one evidence item; unbound for a whole workspace.
REACHED = (
    PREFIXES
    + """SELECT ?e ?target ?extent ?p ?until WHERE {
  ?link grc:evidence ?e ; grc:requirement ?req ; grc:extent ?extent .
  { ?link grc:requirement ?target }
  UNION { ?req ?p ?target . ?p a/rdfs:subClassOf* grc:Relationship }
  UNION { ?target ?q ?req . ?q grc:inverse ?p }
  OPTIONAL { ?e grc:validUntil ?until }
}"""
)
CURIES = (
    PREFIXES
    + "SELECT ?r ?prefix ?id WHERE { ?r skos:inScheme/grc:prefix ?prefix ; dcterms:identifier ?id ; a/rdfs:subClassOf grc:Requirement }"
)
FRAMEWORK = (
    PREFIXES
    + """SELECT ?r ?parent WHERE { ?r skos:inScheme/grc:prefix ?prefix ; a/rdfs:subClassOf grc:Requirement .
  OPTIONAL { ?r skos:broader ?parent } }"""
)
EXCLUDED = PREFIXES + "SELECT ?c WHERE { ?s a grc:SoAEntry ; grc:control ?c ; grc:included false }"
CROSSWALK = (
    PREFIXES
    + """SELECT DISTINCT ?other WHERE {
  { ?r ?p ?other } UNION { ?other ?p ?r }
  ?p a/rdfs:subClassOf* grc:Relationship .
  ?other skos:inScheme/grc:prefix ?prefix ; a/rdfs:subClassOf grc:Requirement .
}"""
)


@dataclass
class Reached:
    """What reaches one requirement: best level through fresh and through stale evidence, and which evidence."""

    level: int = NONE
    stale_level: int = NONE
    evidence: set[str] = field(default_factory=set)
    stale_evidence: set[str] = field(default_factory=set)

    @property
    def status(self) -> str:
        if self.level == FULL:
            return "covered"
        if self.level == PARTIAL:
            return "partial"
        if self.stale_level > self.level:
            return "stale"
        return "related" if self.level == RELATED else "uncovered"


class Baseline:
    """One rdflib `Graph` holding the reference graph and one workspace's data."""

    def __init__(self, graph: Graph) -> None:
        self.graph = graph
        self.curies = {r: f"{prefix}:{local}" for r, prefix, local in graph.query(CURIES)}  # type: ignore[misc]
        self.iris = {curie: iri for iri, curie in self.curies.items()}

    def _reached(self, bindings: dict[str, URIRef], on: dt.date, prefix: str = "") -> dict[str, Reached]:
        found: dict[str, Reached] = defaultdict(Reached)
        for e, target, extent, p, until in self.graph.query(REACHED, initBindings=bindings):  # type: ignore[misc]
            curie = self.curies.get(target)
            if curie is None or not curie.startswith(prefix):
                continue
            carry = FULL if p is None else CARRIED.get(str(p).rsplit("#", 1)[1], NONE)
            level = min(FULL if extent == GRC.FullExtent else PARTIAL, carry)
            if level == NONE:
                continue
            entry = found[curie]
            evidence = str(e).rsplit("/", 1)[1]
            if until is not None and dt.date.fromisoformat(str(until)) < on:
                entry.stale_level = max(entry.stale_level, level)
                entry.stale_evidence.add(evidence)
            else:
                entry.level = max(entry.level, level)
                entry.evidence.add(evidence)
        return dict(found)

    def coverage(self, evidence: URIRef, on: dt.date) -> dict[str, str]:
        """Status of every requirement one evidence item reaches, by CURIE."""
        return {curie: r.status for curie, r in self._reached({"e": evidence}, on).items()}

    def gaps(self, prefix: str, on: dt.date) -> dict[str, tuple[str, frozenset[str], frozenset[str]]]:
        """(status, evidence, stale evidence) of every requirement of a framework whose applicability is
        the SoA alone (ISO/IEC 42001, 27001), parents rolled up from their applicable children."""
        reached = self._reached({}, on, f"{prefix}:")
        parent_of: dict[str, str | None] = {}
        for r, parent in self.graph.query(FRAMEWORK, initBindings={"prefix": Literal(prefix)}):  # type: ignore[misc]
            parent_of[self.curies[r]] = self.curies[parent] if parent is not None else None
        excluded = {self.curies[c] for (c,) in self.graph.query(EXCLUDED)}  # type: ignore[misc]
        applicable = set(parent_of) - excluded
        children: dict[str, list[str]] = defaultdict(list)
        for child, parent in parent_of.items():
            if parent is not None and child in applicable and parent in applicable:
                children[parent].append(child)
        status: dict[str, str] = {}

        def rolled(node: str) -> str:
            if node not in status:
                own = reached[node].status if node in reached else "uncovered"
                kids = [rolled(child) for child in children.get(node, [])]
                status[node] = _roll_up(own, kids)
            return status[node]

        answer = {}
        for curie in parent_of:
            entry = reached.get(curie, Reached())
            state = rolled(curie) if curie in applicable else "not applicable"
            answer[curie] = (state, frozenset(entry.evidence), frozenset(entry.stale_evidence))
        return answer

    def crosswalk(self, curie: str) -> set[str]:
        """CURIEs of every requirement mapped to or from one requirement."""
        rows = self.graph.query(CROSSWALK, initBindings={"r": self.iris[curie]})
        return {self.curies[other] for (other,) in rows}  # type: ignore[misc]


def _roll_up(own: str, kids: list[str]) -> str:
    """A parent's status from its own and its applicable children's (docs/coverage.md, Hierarchy)."""
    if not kids or own == "covered":
        return own
    if all(k == "covered" for k in kids):
        return "covered"
    if own == "partial" or any(k in ("covered", "partial") for k in kids):
        return "partial"
    for state in ("stale", "related"):
        if own == state:
            return state
    for state in ("stale", "related"):
        if state in kids:
            return state
    return "uncovered"


class DurableWriter:
    """A validated, durable write the obvious way: pyshacl with grcgraph's shapes over the new
    evidence item and its link, then the triples appended to an N-Triples file and flushed to the OS."""

    def __init__(self, shapes: Path, vocabulary: Path, path: Path, base: str) -> None:
        self.shapes = Graph().parse(shapes, format="turtle")
        self.vocabulary = Graph().parse(vocabulary, format="turtle")
        self.path = path
        self.base = base

    def write(self, evidence_id: str, requirement: URIRef, requirement_type: URIRef) -> bool:
        node = URIRef(f"{self.base}evidence/{evidence_id}")
        link = URIRef(f"{self.base}link/{evidence_id}")
        data = Graph()
        data.add((node, RDF.type, GRC.Evidence))
        data.add((node, DCTERMS.identifier, Literal(evidence_id)))
        data.add((node, DCTERMS.title, Literal(f"Write {evidence_id}")))
        data.add((node, GRC.evidenceKind, GRC.Log))
        data.add((link, RDF.type, GRC.EvidenceLink))
        data.add((link, GRC.evidence, node))
        data.add((link, GRC.requirement, requirement))
        data.add((link, GRC.extent, GRC.FullExtent))
        data.add((link, GRC.assertedBy, Literal("bench@example.org")))
        data.add((link, GRC.assertedAt, Literal(dt.datetime.now(dt.UTC).replace(microsecond=0).isoformat(), datatype=XSD.dateTime)))
        context = data + self.vocabulary
        context.add((requirement, RDF.type, requirement_type))
        conforms, _report, _text = validate(
            context, shacl_graph=self.shapes, inference="none", advanced=True, allow_warnings=True, focus_nodes=[node, link]
        )
        if conforms:
            with self.path.open("ab") as out:
                out.write(data.serialize(format="nt", encoding="utf-8"))
                # Written through to the OS, not fsync'ed: like grcgraph's write (Oxigraph's write-ahead
                # log), it survives a killed process but not a power loss.
                out.flush()
        return bool(conforms)
