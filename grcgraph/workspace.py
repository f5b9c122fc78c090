"""What users write, kept in one named graph per workspace: evidence and its links to requirements,
the AI inventory and Statements of Applicability.

Every write is checked twice before anything is stored: typed inputs first (clear messages naming
the field), then SHACL on the exact triples that would be written. The write itself is one SPARQL
update (staged triples added and replaced in one request), so it is all or nothing. User values
reach SPARQL only as IRIs built from validated ids.
"""

from __future__ import annotations

import datetime as dt
import re
import uuid
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

import pyoxigraph as ox
from rdflib import RDF, XSD, Graph, Literal, URIRef
from rdflib.namespace import DCTERMS, SKOS

from grcgraph import iris
from grcgraph.application import CATEGORY_NOTATIONS
from grcgraph.catalog import Catalog
from grcgraph.errors import UnknownRequirementError
from grcgraph.namespace import GRC
from grcgraph.store import GraphStore
from grcgraph.terms import EVIDENCE_KINDS, EXTENTS, OPERATOR_ROLES
from grcgraph.validation import validate, vocabulary_graph

ID_PATTERN = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._:-]{0,127}$")
WORKSPACE_PATTERN = re.compile(r"^[a-z0-9][a-z0-9-]{0,62}$")
ROLES = OPERATOR_ROLES
BATCH_SIZE = 500  # ids per query in the batch reads: one query for a page, a bounded query text


class InvalidInputError(ValueError):
    """A write refused before anything was stored; `problems` lists (field, message) pairs."""

    def __init__(self, problems: list[tuple[str, str]]) -> None:
        self.problems = problems
        super().__init__("; ".join(f"{path}: {message}" for path, message in problems))


class NotFoundError(LookupError):
    pass


@dataclass
class EvidenceLinkInput:
    requirement: str
    extent: str = "full"
    asserted_by: str = ""
    asserted_at: dt.datetime | None = None
    system: str | None = None


@dataclass
class EvidenceInput:
    id: str
    title: str
    kind: str
    description: str | None = None
    owner: str | None = None
    location: str | None = None
    sha256: str | None = None
    collected_on: dt.date | None = None
    valid_until: dt.date | None = None
    links: list[EvidenceLinkInput] = field(default_factory=list)


@dataclass
class AISystemInput:
    id: str
    name: str
    roles: list[str]
    category: str
    generative: bool = False
    owner: str | None = None
    purpose: str | None = None
    data_used: str | None = None
    next_review: dt.date | None = None


@dataclass(frozen=True)
class EvidenceLink:
    evidence: str
    requirement: str
    extent: str
    asserted_by: str
    asserted_at: str
    system: str | None


@dataclass(frozen=True)
class Evidence:
    id: str
    title: str
    kind: str
    description: str | None
    owner: str | None
    location: str | None
    sha256: str | None
    collected_on: dt.date | None
    valid_until: dt.date | None


@dataclass(frozen=True)
class AISystem:
    id: str
    name: str
    roles: tuple[str, ...]
    category: str
    generative: bool
    owner: str | None
    purpose: str | None
    data_used: str | None
    next_review: dt.date | None


@dataclass(frozen=True)
class SoAEntry:
    control: str
    included: bool
    reason: str


def _notation(mapping: dict[str, URIRef], iri: str) -> str:
    return next(key for key, value in mapping.items() if str(value) == iri)


class Workspace:
    """One workspace's data in a store, read and written through validated operations."""

    def __init__(self, store: GraphStore, name: str, catalog: Catalog | None = None) -> None:
        if not WORKSPACE_PATTERN.match(name):
            raise InvalidInputError([("workspace", f"{name!r} must be 1-63 lower-case letters, digits or '-'")])
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
        key = uuid.uuid5(uuid.NAMESPACE_URL, f"{evidence_id}|{requirement}|{system or ''}").hex
        return URIRef(f"{self.base}link/{key}")

    # --- reads ------------------------------------------------------------------------------
    def _exists(self, node: URIRef, kind: URIRef) -> bool:
        return any(
            True
            for _ in self.store.quads(
                ox.NamedNode(str(node)), ox.NamedNode(str(RDF.type)), ox.NamedNode(str(kind)), ox.NamedNode(str(self.graph))
            )
        )

    def has_evidence(self, evidence_id: str) -> bool:
        return bool(ID_PATTERN.match(evidence_id)) and self._exists(self.evidence_iri(evidence_id), GRC.Evidence)

    def has_system(self, system_id: str) -> bool:
        return bool(ID_PATTERN.match(system_id)) and self._exists(self.system_iri(system_id), GRC.AISystem)

    def _values(self, node: URIRef) -> dict[str, list[ox.NamedNode | ox.BlankNode | ox.Literal | ox.Triple]]:
        values: dict[str, list[ox.NamedNode | ox.BlankNode | ox.Literal | ox.Triple]] = {}
        for quad in self.store.quads(ox.NamedNode(str(node)), None, None, ox.NamedNode(str(self.graph))):
            values.setdefault(quad.predicate.value, []).append(quad.object)
        return values

    @staticmethod
    def _text(values: dict[str, list[ox.NamedNode | ox.BlankNode | ox.Literal | ox.Triple]], prop: URIRef) -> str | None:
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
            kind=_notation(EVIDENCE_KINDS, self._text(v, GRC.evidenceKind) or ""),
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
                    extent=_notation(EXTENTS, values[str(GRC.extent)]),
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

    def _system(self, system_id: str, v: dict[str, list[ox.NamedNode | ox.BlankNode | ox.Literal | ox.Triple]]) -> AISystem:
        roles = tuple(sorted(_notation(ROLES, term.value) for term in v.get(str(GRC.operatorRole), []) if isinstance(term, ox.NamedNode)))
        review = self._text(v, GRC.nextReview)
        return AISystem(
            id=system_id,
            name=self._text(v, SKOS.prefLabel) or "",
            roles=roles,
            category=_notation(dict(CATEGORY_NOTATIONS), self._text(v, GRC.aiCategory) or ""),
            generative=self._text(v, GRC.generative) == "true",
            owner=self._text(v, GRC.owner),
            purpose=self._text(v, GRC.purpose),
            data_used=self._text(v, GRC.dataUsed),
            next_review=dt.date.fromisoformat(review) if review else None,
        )

    def systems(self) -> list[AISystem]:
        # One store read for all of them, properties included.
        nodes: dict[str, dict[str, list[ox.NamedNode | ox.BlankNode | ox.Literal | ox.Triple]]] = {}
        for quad in self.store.described(ox.NamedNode(str(RDF.type)), ox.NamedNode(str(GRC.AISystem)), ox.NamedNode(str(self.graph))):
            if isinstance(quad.subject, ox.NamedNode):
                system_id = quad.subject.value[len(self.base) + len("system/") :]
                nodes.setdefault(system_id, {}).setdefault(quad.predicate.value, []).append(quad.object)
        return [self._system(system_id, nodes[system_id]) for system_id in sorted(nodes)]

    def soa(self) -> list[SoAEntry]:
        g = ox.NamedNode(str(self.graph))
        nodes: dict[str, dict[str, list[ox.NamedNode | ox.BlankNode | ox.Literal | ox.Triple]]] = {}
        for quad in self.store.described(ox.NamedNode(str(RDF.type)), ox.NamedNode(str(GRC.SoAEntry)), g):
            if isinstance(quad.subject, ox.NamedNode):
                nodes.setdefault(quad.subject.value, {}).setdefault(quad.predicate.value, []).append(quad.object)
        entries = []
        for v in nodes.values():
            entries.append(
                SoAEntry(
                    control=self._text(v, GRC.control) or "",
                    included=self._text(v, GRC.included) == "true",
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
            rows += [tuple("" if term is None else str(term) for term in row) for row in self.store.query(sparql)]
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
                kind=_notation(EVIDENCE_KINDS, v.get(str(GRC.evidenceKind), "")),
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
                extent=_notation(EXTENTS, values[str(GRC.extent)]),
                asserted_by=values.get(str(GRC.assertedBy), ""),
                asserted_at=values.get(str(GRC.assertedAt), ""),
                system=system[len(self.base) + len("system/") :] if system else None,
            )
            found.setdefault(link.evidence, []).append(link)
        for links in found.values():
            links.sort(key=lambda link: (link.requirement, link.system or ""))
        return found

    # --- building triples -------------------------------------------------------------------
    def _requirement(self, text: str, path: str, problems: list[tuple[str, str]]) -> URIRef | None:
        try:
            return URIRef(self.catalog.resolve(text).iri)
        except UnknownRequirementError as error:
            problems.append((path, str(error)))
            return None

    def _evidence_graph(self, item: EvidenceInput, path: str, problems: list[tuple[str, str]], known_systems: set[str]) -> Graph:
        graph = Graph()
        if not ID_PATTERN.match(item.id or ""):
            problems.append((f"{path}.id", f"{item.id!r} must be 1-128 letters, digits, '.', '_', ':' or '-'"))
            return graph
        node = self.evidence_iri(item.id)
        graph.add((node, RDF.type, GRC.Evidence))
        graph.add((node, DCTERMS.identifier, Literal(item.id)))
        if not item.title or not item.title.strip():
            problems.append((f"{path}.title", "is empty"))
        else:
            graph.add((node, DCTERMS.title, Literal(item.title.strip())))
        if item.kind not in EVIDENCE_KINDS:
            problems.append((f"{path}.kind", f"{item.kind!r} is not one of {', '.join(EVIDENCE_KINDS)}"))
        else:
            graph.add((node, GRC.evidenceKind, EVIDENCE_KINDS[item.kind]))
        for prop, value in ((DCTERMS.description, item.description), (GRC.owner, item.owner)):
            if value:
                graph.add((node, prop, Literal(value)))
        if item.location:
            if not re.match(r"^[a-zA-Z][a-zA-Z0-9+.-]*:[^\s<>\"{}|\\^`]+$", item.location):
                problems.append((f"{path}.location", f"{item.location!r} is not a URI"))
            else:
                graph.add((node, GRC.location, URIRef(item.location)))
        if item.sha256:
            graph.add((node, GRC.sha256, Literal(item.sha256.lower() if re.fullmatch(r"[0-9a-fA-F]{64}", item.sha256) else item.sha256)))
        if item.collected_on:
            graph.add((node, GRC.collectedOn, Literal(item.collected_on.isoformat(), datatype=XSD.date)))
        if item.valid_until:
            graph.add((node, GRC.validUntil, Literal(item.valid_until.isoformat(), datatype=XSD.date)))
        for index, link in enumerate(item.links):
            graph += self._link_graph(item.id, link, f"{path}.links[{index}]", problems, known_systems)
        return graph

    def _link_graph(
        self, evidence_id: str, link: EvidenceLinkInput, path: str, problems: list[tuple[str, str]], known_systems: set[str]
    ) -> Graph:
        graph = Graph()
        requirement = self._requirement(link.requirement, f"{path}.requirement", problems)
        if link.extent not in EXTENTS:
            problems.append((f"{path}.extent", f"{link.extent!r} must be 'full' or 'partial'"))
        if not link.asserted_by or not link.asserted_by.strip():
            problems.append((f"{path}.assertedBy", "is empty: say who asserts that this evidence meets the requirement"))
        if link.system is not None and link.system not in known_systems and not self.has_system(link.system):
            problems.append((f"{path}.system", f"no AI system {link.system!r} in workspace {self.name!r}"))
        if requirement is None or link.extent not in EXTENTS:
            return graph
        node = self.link_iri(evidence_id, str(requirement), link.system)
        graph.add((node, RDF.type, GRC.EvidenceLink))
        graph.add((node, GRC.evidence, self.evidence_iri(evidence_id)))
        graph.add((node, GRC.requirement, requirement))
        graph.add((node, GRC.extent, EXTENTS[link.extent]))
        graph.add((node, GRC.assertedBy, Literal((link.asserted_by or "").strip())))
        at = link.asserted_at or dt.datetime.now(dt.UTC).replace(microsecond=0)
        graph.add((node, GRC.assertedAt, Literal(at.isoformat(), datatype=XSD.dateTime)))
        if link.system:
            graph.add((node, GRC.forSystem, self.system_iri(link.system)))
        return graph

    def _system_graph(self, item: AISystemInput, path: str, problems: list[tuple[str, str]]) -> Graph:
        graph = Graph()
        if not ID_PATTERN.match(item.id or ""):
            problems.append((f"{path}.id", f"{item.id!r} must be 1-128 letters, digits, '.', '_', ':' or '-'"))
            return graph
        node = self.system_iri(item.id)
        graph.add((node, RDF.type, GRC.AISystem))
        graph.add((node, DCTERMS.identifier, Literal(item.id)))
        if not item.name or not item.name.strip():
            problems.append((f"{path}.name", "is empty"))
        else:
            graph.add((node, SKOS.prefLabel, Literal(item.name.strip())))
        if not item.roles:
            problems.append((f"{path}.roles", f"name at least one of {', '.join(ROLES)}"))
        for role in item.roles:
            if role not in ROLES:
                problems.append((f"{path}.roles", f"{role!r} is not one of {', '.join(ROLES)}"))
            else:
                graph.add((node, GRC.operatorRole, ROLES[role]))
        if item.category not in CATEGORY_NOTATIONS:
            problems.append((f"{path}.category", f"{item.category!r} is not one of {', '.join(CATEGORY_NOTATIONS)}"))
        else:
            graph.add((node, GRC.aiCategory, CATEGORY_NOTATIONS[item.category]))
        graph.add((node, GRC.generative, Literal(bool(item.generative))))
        for prop, value in ((GRC.owner, item.owner), (GRC.purpose, item.purpose), (GRC.dataUsed, item.data_used)):
            if value:
                graph.add((node, prop, Literal(value)))
        if item.next_review:
            graph.add((node, GRC.nextReview, Literal(item.next_review.isoformat(), datatype=XSD.date)))
        return graph

    # --- validation and the write itself ----------------------------------------------------
    def _check(self, data: Graph) -> None:
        """SHACL over the triples to write, with the vocabulary and the types of what they point at."""
        context = Graph()
        context += vocabulary_graph()
        context += data
        referenced = {o for o in data.objects() if isinstance(o, URIRef) and not str(o).startswith(str(GRC._NS))} - set(data.subjects())
        for node in referenced:
            if str(node).startswith(self.base):
                kind = GRC.Evidence if "/evidence/" in str(node) else GRC.AISystem if "/system/" in str(node) else None
                if kind is not None and self._exists(node, kind):
                    context.add((node, RDF.type, kind))
            else:
                for quad in self.store.quads(
                    ox.NamedNode(str(node)), ox.NamedNode(str(RDF.type)), None, ox.NamedNode(str(iris.REFERENCE_GRAPH))
                ):
                    if isinstance(quad.object, ox.NamedNode):
                        context.add((node, RDF.type, URIRef(quad.object.value)))
        report = validate(context, focus=sorted({s for s in data.subjects() if isinstance(s, URIRef)}))
        if not report.conforms:
            raise InvalidInputError([(v.focus.rsplit("/", 1)[-1] + (f".{v.path}" if v.path else ""), v.message) for v in report.violations])

    def _write(self, data: Graph, replace: Sequence[URIRef] = (), remove_links_of: Sequence[URIRef] = ()) -> None:
        """Remove what `replace` nodes said before, then add `data`, in one atomic update."""
        staging = URIRef(f"{iris.BASE}graph/staging/{uuid.uuid4().hex}")
        self.store.add_graph(ox.NamedNode(str(staging)))
        if len(data):
            self.store.load(data.serialize(format="nt", encoding="utf-8"), ox.NamedNode(str(staging)))
        operations = []
        for node in replace:
            operations.append(f"DELETE WHERE {{ GRAPH <{self.graph}> {{ <{node}> ?p ?o }} }}")
        for node in remove_links_of:
            operations.append(
                f"DELETE {{ GRAPH <{self.graph}> {{ ?l ?p ?o }} }} WHERE {{ GRAPH <{self.graph}> {{ ?l <{GRC.evidence}> <{node}> ; ?p ?o }} }}"
            )
        operations.append(f"ADD SILENT GRAPH <{staging}> TO GRAPH <{self.graph}>")
        operations.append(f"DROP SILENT GRAPH <{staging}>")
        self.store.update(" ;\n".join(operations))

    # --- writes -----------------------------------------------------------------------------
    def put_evidence(self, items: Iterable[EvidenceInput], *, path: str = "evidence", replace: bool = True) -> list[str]:
        """Create or replace evidence items (with their links) as one transaction."""
        batch = list(items)
        problems: list[tuple[str, str]] = []
        data = Graph()
        seen: set[str] = set()
        for index, item in enumerate(batch):
            item_path = f"{path}[{index}]" if len(batch) > 1 or path == "evidence" else path
            if item.id in seen:
                problems.append((f"{item_path}.id", f"duplicate id {item.id!r} in this batch"))
            seen.add(item.id)
            data += self._evidence_graph(item, item_path, problems, set())
        if problems:
            raise InvalidInputError(problems)
        self._check(data)
        nodes = [self.evidence_iri(item.id) for item in batch] if replace else []
        self._write(data, replace=nodes, remove_links_of=nodes)
        return [item.id for item in batch]

    def delete_evidence(self, evidence_id: str) -> None:
        if not self.has_evidence(evidence_id):
            raise NotFoundError(f"no evidence {evidence_id!r} in workspace {self.name!r}")
        node = self.evidence_iri(evidence_id)
        self._write(Graph(), replace=[node], remove_links_of=[node])

    def link(self, evidence_id: str, links: Sequence[EvidenceLinkInput]) -> None:
        if not self.has_evidence(evidence_id):
            raise NotFoundError(f"no evidence {evidence_id!r} in workspace {self.name!r}")
        problems: list[tuple[str, str]] = []
        data = Graph()
        for index, link in enumerate(links):
            data += self._link_graph(evidence_id, link, f"links[{index}]", problems, set())
        if problems:
            raise InvalidInputError(problems)
        self._check(data)
        self._write(data, replace=[s for s in data.subjects(RDF.type, GRC.EvidenceLink) if isinstance(s, URIRef)])

    def unlink(self, evidence_id: str, requirement: str, system: str | None = None) -> None:
        problems: list[tuple[str, str]] = []
        iri = self._requirement(requirement, "requirement", problems)
        if iri is None:
            raise InvalidInputError(problems)
        node = self.link_iri(evidence_id, str(iri), system)
        if not self._exists(node, GRC.EvidenceLink):
            raise NotFoundError(f"evidence {evidence_id!r} is not linked to {requirement!r}")
        self._write(Graph(), replace=[node])

    def put_system(self, item: AISystemInput) -> str:
        problems: list[tuple[str, str]] = []
        data = self._system_graph(item, "system", problems)
        if problems:
            raise InvalidInputError(problems)
        self._check(data)
        self._write(data, replace=[self.system_iri(item.id)])
        return item.id

    def set_applicability(self, control: str, included: bool, reason: str) -> SoAEntry:
        problems: list[tuple[str, str]] = []
        iri = self._requirement(control, "control", problems)
        if iri is not None and self.catalog.ref(str(iri)).kind != "Control":
            problems.append(("control", f"{control!r} is not an Annex A control"))
        if not reason or not reason.strip():
            problems.append(("reason", "is empty: a Statement of Applicability entry needs its justification"))
        if problems or iri is None:
            raise InvalidInputError(problems)
        node = self.soa_iri(iri)
        data = Graph()
        data.add((node, RDF.type, GRC.SoAEntry))
        data.add((node, GRC.control, iri))
        data.add((node, GRC.included, Literal(bool(included))))
        data.add((node, GRC.reason, Literal(reason.strip())))
        self._check(data)
        self._write(data, replace=[node])
        return SoAEntry(control=str(iri), included=included, reason=reason.strip())
