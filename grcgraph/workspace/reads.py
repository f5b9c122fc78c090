"""Reading one workspace's graph: evidence, links, AI systems and the Statement of Applicability,
one item at a time or many in one store query (the GraphQL server's DataLoaders use these)."""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Iterable

import pyoxigraph as ox
from rdflib import RDF, URIRef
from rdflib.namespace import DCTERMS, SKOS

from grcgraph.errors import InvalidInputError, NotFoundError
from grcgraph.model import AISystem, Evidence, EvidenceLink, FieldPath, Problem, SoAEntry
from grcgraph.reference.catalog import Catalog
from grcgraph.store.base import GraphStore
from grcgraph.vocab import iris
from grcgraph.vocab.namespace import GRC
from grcgraph.vocab.terms import AI_CATEGORIES, EVIDENCE_KINDS, EXTENTS, is_true
from grcgraph.workspace.inputs import BATCH_SIZE, ID_PATTERN, ROLES, WORKSPACE_PATTERN, notation, uuid5_hex

Values = dict[str, list[ox.NamedNode | ox.BlankNode | ox.Literal | ox.Triple]]


class WorkspaceReads:
    """One workspace's data in a store, as records."""

    def __init__(self, store: GraphStore, name: str, catalog: Catalog | None = None) -> None:
        if not WORKSPACE_PATTERN.match(name):
            raise InvalidInputError([Problem(f"{name!r} must be 1-63 lower-case letters, digits or '-'", FieldPath("workspace"))])
        self.store = store
        self.name = name
        self.catalog = catalog or Catalog(store)
        self.graph = URIRef(f"{iris.BASE}graph/workspace/{name}")
        self.base = f"{iris.BASE}workspace/{name}/"

    # --- IRIs -------------------------------------------------------------------------------
    def evidence_iri(self, evidence_id: str) -> URIRef:
        return URIRef(f"{self.base}evidence/{evidence_id}")

    def system_iri(self, system_id: str) -> URIRef:
        return URIRef(f"{self.base}system/{system_id}")

    def soa_iri(self, control: URIRef) -> URIRef:
        return URIRef(f"{self.base}soa/{uuid.uuid5(uuid.NAMESPACE_URL, str(control)).hex}")

    def link_iri(self, evidence_id: str, requirement: str, system: str | None) -> URIRef:
        key = uuid5_hex(f"{evidence_id}|{requirement}|{system or ''}")
        return URIRef(f"{self.base}link/{key}")

    # --- reads ------------------------------------------------------------------------------
    def _exists(self, node: URIRef | str, kind: URIRef | str) -> bool:
        return self.store.contains(
            ox.NamedNode(str(node)), ox.NamedNode(str(RDF.type)), ox.NamedNode(str(kind)), ox.NamedNode(str(self.graph))
        )

    def has_evidence(self, evidence_id: str) -> bool:
        return bool(ID_PATTERN.match(evidence_id)) and self._exists(self.evidence_iri(evidence_id), GRC.Evidence)

    def has_system(self, system_id: str) -> bool:
        return bool(ID_PATTERN.match(system_id)) and self._exists(self.system_iri(system_id), GRC.AISystem)

    def _values(self, node: URIRef) -> Values:
        values: Values = {}
        for quad in self.store.quads(ox.NamedNode(str(node)), None, None, ox.NamedNode(str(self.graph))):
            values.setdefault(quad.predicate.value, []).append(quad.object)
        return values

    @staticmethod
    def _text(values: Values, prop: URIRef) -> str | None:
        found = values.get(str(prop))
        if not found:
            return None
        term = found[0]
        return term.value if isinstance(term, ox.Literal | ox.NamedNode) else None

    def evidence(self, evidence_id: str) -> Evidence:
        if not self.has_evidence(evidence_id):
            raise NotFoundError(f"no evidence {evidence_id!r} in workspace {self.name!r}")
        v = self._values(self.evidence_iri(evidence_id))
        collected = self._text(v, GRC.collectedOn)
        valid = self._text(v, GRC.validUntil)
        return Evidence(
            id=evidence_id,
            title=self._text(v, DCTERMS.title) or "",
            kind=notation(EVIDENCE_KINDS, self._text(v, GRC.evidenceKind) or ""),
            description=self._text(v, DCTERMS.description),
            owner=self._text(v, GRC.owner),
            location=self._text(v, GRC.location),
            sha256=self._text(v, GRC.sha256),
            collected_on=dt.date.fromisoformat(collected) if collected else None,
            valid_until=dt.date.fromisoformat(valid) if valid else None,
        )

    def evidence_ids(self) -> list[str]:
        found = self.store.quads(None, ox.NamedNode(str(RDF.type)), ox.NamedNode(str(GRC.Evidence)), ox.NamedNode(str(self.graph)))
        return sorted(quad.subject.value[len(self.base) + len("evidence/") :] for quad in found if isinstance(quad.subject, ox.NamedNode))

    def expiry(self, evidence_ids: set[str]) -> dict[str, dt.date]:
        """Valid-until dates of the given evidence that has one: one query for a few items (one
        round trip, not one per item, on a remote store), or a single scan of the property when
        asked about many."""
        g = ox.NamedNode(str(self.graph))
        prop = ox.NamedNode(str(GRC.validUntil))
        if len(evidence_ids) <= 32:
            rows = self._batched(evidence_ids, f"?e <{GRC.validUntil}> ?v .", "?e ?v")
            return {self._evidence_id(node): dt.date.fromisoformat(value) for node, value in rows}
        quads = list(self.store.quads(None, prop, None, g))
        found: dict[str, dt.date] = {}
        for quad in quads:
            evidence_id = quad.subject.value[len(self.base) + len("evidence/") :] if isinstance(quad.subject, ox.NamedNode) else ""
            if evidence_id in evidence_ids and isinstance(quad.object, ox.Literal):
                found[evidence_id] = dt.date.fromisoformat(quad.object.value)
        return found

    def links(self, evidence_id: str | None = None) -> list[EvidenceLink]:
        """Links of one piece of evidence (index lookup, cost proportional to its links) or of all,
        in one store round trip either way."""
        g = ox.NamedNode(str(self.graph))
        if evidence_id is not None:
            quads = self.store.described(ox.NamedNode(str(GRC.evidence)), ox.NamedNode(str(self.evidence_iri(evidence_id))), g)
        else:
            quads = self.store.described(ox.NamedNode(str(RDF.type)), ox.NamedNode(str(GRC.EvidenceLink)), g)
        by_node: dict[str, dict[str, str]] = {}
        for quad in quads:
            if isinstance(quad.subject, ox.NamedNode):  # link nodes are IRIs grcgraph mints
                value = quad.object.value if isinstance(quad.object, ox.Literal | ox.NamedNode) else ""
                by_node.setdefault(quad.subject.value, {})[quad.predicate.value] = value
        result: list[EvidenceLink] = []
        for values in by_node.values():
            system = values.get(str(GRC.forSystem))
            result.append(
                EvidenceLink(
                    evidence=values[str(GRC.evidence)][len(self.base) + len("evidence/") :],
                    requirement=values[str(GRC.requirement)],
                    extent=notation(EXTENTS, values[str(GRC.extent)]),
                    asserted_by=values.get(str(GRC.assertedBy), ""),
                    asserted_at=values.get(str(GRC.assertedAt), ""),
                    system=system[len(self.base) + len("system/") :] if system else None,
                )
            )
        return sorted(result, key=lambda link: (link.evidence, link.requirement, link.system or ""))

    def system(self, system_id: str) -> AISystem:
        if not self.has_system(system_id):
            raise NotFoundError(f"no AI system {system_id!r} in workspace {self.name!r}")
        return self._system(system_id, self._values(self.system_iri(system_id)))

    def _system(self, system_id: str, v: Values) -> AISystem:
        roles = tuple(sorted(notation(ROLES, term.value) for term in v.get(str(GRC.operatorRole), []) if isinstance(term, ox.NamedNode)))
        review = self._text(v, GRC.nextReview)
        return AISystem(
            id=system_id,
            name=self._text(v, SKOS.prefLabel) or "",
            roles=roles,
            category=notation(AI_CATEGORIES, self._text(v, GRC.aiCategory) or ""),
            generative=is_true(self._text(v, GRC.generative)),
            owner=self._text(v, GRC.owner),
            purpose=self._text(v, GRC.purpose),
            data_used=self._text(v, GRC.dataUsed),
            next_review=dt.date.fromisoformat(review) if review else None,
        )

    def systems(self) -> list[AISystem]:
        # One store read for all of them, properties included.
        nodes: dict[str, Values] = {}
        for quad in self.store.described(ox.NamedNode(str(RDF.type)), ox.NamedNode(str(GRC.AISystem)), ox.NamedNode(str(self.graph))):
            if isinstance(quad.subject, ox.NamedNode):
                system_id = quad.subject.value[len(self.base) + len("system/") :]
                nodes.setdefault(system_id, {}).setdefault(quad.predicate.value, []).append(quad.object)
        return [self._system(system_id, nodes[system_id]) for system_id in sorted(nodes)]

    def soa(self) -> list[SoAEntry]:
        g = ox.NamedNode(str(self.graph))
        nodes: dict[str, Values] = {}
        for quad in self.store.described(ox.NamedNode(str(RDF.type)), ox.NamedNode(str(GRC.SoAEntry)), g):
            if isinstance(quad.subject, ox.NamedNode):
                nodes.setdefault(quad.subject.value, {}).setdefault(quad.predicate.value, []).append(quad.object)
        entries = []
        for v in nodes.values():
            entries.append(
                SoAEntry(
                    control=self._text(v, GRC.control) or "",
                    included=is_true(self._text(v, GRC.included)),
                    reason=self._text(v, GRC.reason) or "",
                )
            )
        return sorted(entries, key=lambda e: e.control)

    # --- batch reads: many items in one store query (the GraphQL server's DataLoaders use these) ---
    def _batched(self, evidence_ids: Iterable[str], pattern: str, variables: str) -> list[tuple[str, ...]]:
        """Rows of `SELECT variables` over `pattern` (which uses ?e for the evidence node) for every
        valid id, BATCH_SIZE ids per query. The VALUES list holds only IRIs built from ids matching
        ID_PATTERN, so no user text reaches the query."""
        wanted = sorted({i for i in evidence_ids if ID_PATTERN.match(i)})
        rows: list[tuple[str, ...]] = []
        for start in range(0, len(wanted), BATCH_SIZE):
            nodes = " ".join(f"<{self.evidence_iri(i)}>" for i in wanted[start : start + BATCH_SIZE])
            sparql = f"SELECT {variables} WHERE {{ GRAPH <{self.graph}> {{ VALUES ?e {{ {nodes} }} {pattern} }} }}"
            rows += [tuple("" if value is None else value for value in row) for row in self.store.query_text(sparql)]
        return rows

    def _evidence_id(self, iri: str) -> str:
        return iri[len(self.base) + len("evidence/") :]

    def evidence_many(self, evidence_ids: Iterable[str]) -> dict[str, Evidence]:
        """The evidence items among `evidence_ids` that exist in this workspace, by id; one store
        query per BATCH_SIZE ids."""
        values: dict[str, dict[str, str]] = {}
        for node, prop, value in self._batched(evidence_ids, f"?e a <{GRC.Evidence}> ; ?p ?o .", "?e ?p (STR(?o) AS ?v)"):
            values.setdefault(self._evidence_id(node), {}).setdefault(prop, value)
        found: dict[str, Evidence] = {}
        for evidence_id, v in values.items():
            collected, valid = v.get(str(GRC.collectedOn)), v.get(str(GRC.validUntil))
            found[evidence_id] = Evidence(
                id=evidence_id,
                title=v.get(str(DCTERMS.title), ""),
                kind=notation(EVIDENCE_KINDS, v.get(str(GRC.evidenceKind), "")),
                description=v.get(str(DCTERMS.description)),
                owner=v.get(str(GRC.owner)),
                location=v.get(str(GRC.location)),
                sha256=v.get(str(GRC.sha256)),
                collected_on=dt.date.fromisoformat(collected) if collected else None,
                valid_until=dt.date.fromisoformat(valid) if valid else None,
            )
        return found

    def links_many(self, evidence_ids: Iterable[str]) -> dict[str, list[EvidenceLink]]:
        """The links of each of `evidence_ids` (an empty list for evidence without links or not in
        this workspace), sorted as `links` sorts them; one store query per BATCH_SIZE ids."""
        ids = list(evidence_ids)
        by_node: dict[str, dict[str, str]] = {}
        for node, prop, value in self._batched(ids, f"?l <{GRC.evidence}> ?e ; ?p ?o .", "?l ?p (STR(?o) AS ?v)"):
            by_node.setdefault(node, {})[prop] = value
        found: dict[str, list[EvidenceLink]] = {i: [] for i in ids}
        for values in by_node.values():
            system = values.get(str(GRC.forSystem))
            link = EvidenceLink(
                evidence=self._evidence_id(values[str(GRC.evidence)]),
                requirement=values[str(GRC.requirement)],
                extent=notation(EXTENTS, values[str(GRC.extent)]),
                asserted_by=values.get(str(GRC.assertedBy), ""),
                asserted_at=values.get(str(GRC.assertedAt), ""),
                system=system[len(self.base) + len("system/") :] if system else None,
            )
            found.setdefault(link.evidence, []).append(link)
        for links in found.values():
            links.sort(key=lambda link: (link.requirement, link.system or ""))
        return found
