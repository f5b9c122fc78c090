"""What users write, kept in one named graph per workspace: evidence and its links to requirements,
the AI inventory and Statements of Applicability.

Every write is checked before anything is stored: typed inputs (clear messages naming the field)
and the workspace SHACL shapes, compiled (grcgraph/shape_rules.py), on the exact triples that would
be written; all problems of one input are reported together. A write of new nodes is one load of
their N-Triples; a write that replaces nodes is one SPARQL update (staged triples added and replaced
in one request); a large import of new items goes to the bulk loader under an undo journal
(grcgraph/journal.py). Each is all or nothing. User values reach SPARQL only as IRIs built from
validated ids.
"""

from __future__ import annotations

import datetime as dt
import functools
import hashlib
import re
import threading
import uuid
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from typing import ParamSpec, TypeVar

import pyoxigraph as ox
from rdflib import RDF, URIRef
from rdflib.namespace import DCTERMS, SKOS

from grcgraph.errors import UnknownRequirementError
from grcgraph.reference.applicability import CATEGORY_NOTATIONS
from grcgraph.reference.catalog import Catalog
from grcgraph.store import revision
from grcgraph.store.base import GraphStore
from grcgraph.store.batch import XSD_BOOLEAN, XSD_DATE, XSD_DATETIME, Batch, Lit, collector_paused
from grcgraph.store.journal import BulkStore, bulk_insert
from grcgraph.vocab import iris
from grcgraph.vocab.namespace import GRC
from grcgraph.vocab.terms import EVIDENCE_KINDS, EXTENTS, OPERATOR_ROLES
from grcgraph.workspace.shape_rules import workspace_rules

ID_PATTERN = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._:-]{0,127}$")
WORKSPACE_PATTERN = re.compile(r"^[a-z0-9][a-z0-9-]{0,62}$")
ROLES = OPERATOR_ROLES
BATCH_SIZE = 500  # ids per query in the batch reads: one query for a page, a bounded query text
# From this many new items, an import goes to the store's bulk loader (it writes sorted files
# directly instead of a transaction held in memory).
BULK_MIN_ITEMS = 1000
URI_PATTERN = re.compile(r"^[a-zA-Z][a-zA-Z0-9+.-]*:[^\s<>\"{}|\\^`\x00-\x1f\x7f]+$")
SHA256_ANY_CASE = re.compile(r"[0-9a-fA-F]{64}")
# Writes check what is stored, then change it: one whole write (its checks included) at a time in
# a process, so two writers cannot both find an id new and both insert it. Reentrant: a caller (the
# API server) holds it around checks of its own and the write they lead to.
WRITE_LOCK = threading.RLock()
P = ParamSpec("P")
T = TypeVar("T")


def one_at_a_time(write: Callable[P, T]) -> Callable[P, T]:
    """`write` under WRITE_LOCK."""

    @functools.wraps(write)
    def locked(*args: P.args, **kwargs: P.kwargs) -> T:
        with WRITE_LOCK:
            return write(*args, **kwargs)

    return locked


def _iri_fault(text: str) -> str | None:
    """Why `text` is not an absolute IRI the store accepts (None if it is): the store's own parser
    decides, so no write fails in the store (and bulk loads may skip their own IRI checks)."""
    if not URI_PATTERN.match(text):
        return "an absolute URI with a scheme and no spaces"
    try:
        ox.NamedNode(text)
    except ValueError as error:
        return str(error)
    return None


_URL_NAMESPACE = uuid.NAMESPACE_URL.bytes
_EVIDENCE, _LINK = str(GRC.Evidence), str(GRC.EvidenceLink)
_IDENTIFIER, _TITLE, _DESCRIPTION = str(DCTERMS.identifier), str(DCTERMS.title), str(DCTERMS.description)
_KIND, _OWNER, _LOCATION, _SHA256 = str(GRC.evidenceKind), str(GRC.owner), str(GRC.location), str(GRC.sha256)
_COLLECTED, _VALID = str(GRC.collectedOn), str(GRC.validUntil)
_EVIDENCE_OF, _REQUIREMENT, _EXTENT = str(GRC.evidence), str(GRC.requirement), str(GRC.extent)
_ASSERTED_BY, _ASSERTED_AT, _FOR_SYSTEM = str(GRC.assertedBy), str(GRC.assertedAt), str(GRC.forSystem)


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


def _uuid5_hex(name: str) -> str:
    """`uuid.uuid5(uuid.NAMESPACE_URL, name).hex` without building UUID objects (an import makes
    one per link)."""
    digest = bytearray(hashlib.sha1(_URL_NAMESPACE + name.encode("utf-8"), usedforsecurity=False).digest()[:16])
    digest[6] = (digest[6] & 0x0F) | 0x50  # version 5
    digest[8] = (digest[8] & 0x3F) | 0x80  # RFC 4122 variant
    return digest.hex()


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
        # Per-write caches of what links name (reset by each write).
        self._systems_seen: dict[str, bool] = {}
        self._resolved: dict[str, str | UnknownRequirementError] = {}
        self._now = Lit("", XSD_DATETIME)  # when links are asserted by default: the time of the write

    # --- IRIs -------------------------------------------------------------------------------
    def evidence_iri(self, evidence_id: str) -> URIRef:
        return URIRef(f"{self.base}evidence/{evidence_id}")

    def system_iri(self, system_id: str) -> URIRef:
        return URIRef(f"{self.base}system/{system_id}")

    def soa_iri(self, control: URIRef) -> URIRef:
        return URIRef(f"{self.base}soa/{uuid.uuid5(uuid.NAMESPACE_URL, str(control)).hex}")

    def link_iri(self, evidence_id: str, requirement: str, system: str | None) -> URIRef:
        key = _uuid5_hex(f"{evidence_id}|{requirement}|{system or ''}")
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

    def _start_write(self) -> None:
        self._systems_seen, self._resolved = {}, {}
        self._now = Lit(dt.datetime.now(dt.UTC).replace(microsecond=0).isoformat(), XSD_DATETIME)

    def _link_target(self, text: str, path: str, problems: list[tuple[str, str]]) -> str | None:
        """`_requirement` for links: an import names the same few hundred requirements many times
        over, so each text is resolved once per write."""
        found = self._resolved.get(text)
        if found is None:
            try:
                found = self._resolved[text] = str(self.catalog.resolve(text).iri)
            except UnknownRequirementError as error:
                found = self._resolved[text] = error
        if isinstance(found, UnknownRequirementError):
            problems.append((path, str(found)))
            return None
        return found

    def _evidence_batch(self, item: EvidenceInput, path: str, problems: list[tuple[str, str]], data: Batch) -> None:
        if not ID_PATTERN.match(item.id or ""):
            problems.append((f"{path}.id", f"{item.id!r} must be 1-128 letters, digits, '.', '_', ':' or '-'"))
            return
        node = data.node(f"{self.base}evidence/{item.id}", _EVIDENCE, path)
        node.add(_IDENTIFIER, Lit(item.id))
        if not item.title or not item.title.strip():
            problems.append((f"{path}.title", "is empty"))
        else:
            node.add(_TITLE, Lit(item.title.strip()))
        kind = EVIDENCE_KINDS.get(item.kind)
        if kind is None:
            problems.append((f"{path}.kind", f"{item.kind!r} is not one of {', '.join(EVIDENCE_KINDS)}"))
        else:
            node.add(_KIND, str(kind))
        if item.description:
            node.add(_DESCRIPTION, Lit(item.description))
        if item.owner:
            node.add(_OWNER, Lit(item.owner))
        if item.location:
            fault = _iri_fault(item.location)
            if fault:
                problems.append((f"{path}.location", f"{item.location!r} is not a URI ({fault})"))
            else:
                node.add(_LOCATION, item.location)
        if item.sha256:
            node.add(_SHA256, Lit(item.sha256.lower() if SHA256_ANY_CASE.fullmatch(item.sha256) else item.sha256))
        if item.collected_on:
            node.add(_COLLECTED, Lit(item.collected_on.isoformat(), XSD_DATE))
        if item.valid_until:
            node.add(_VALID, Lit(item.valid_until.isoformat(), XSD_DATE))
        for index, link in enumerate(item.links):
            self._link_batch(item.id, link, f"{path}.links[{index}]", problems, data)

    def _link_batch(self, evidence_id: str, link: EvidenceLinkInput, path: str, problems: list[tuple[str, str]], data: Batch) -> None:
        requirement = self._link_target(link.requirement, f"{path}.requirement", problems)
        extent = EXTENTS.get(link.extent)
        if extent is None:
            problems.append((f"{path}.extent", f"{link.extent!r} must be 'full' or 'partial'"))
        if not link.asserted_by or not link.asserted_by.strip():
            problems.append((f"{path}.assertedBy", "is empty: say who asserts that this evidence meets the requirement"))
        if link.system is not None and f"{self.base}system/{link.system}" not in data.nodes and not self._known_system(link.system):
            problems.append((f"{path}.system", f"no AI system {link.system!r} in workspace {self.name!r}"))
        if requirement is None or extent is None:
            return
        key = _uuid5_hex(f"{evidence_id}|{requirement}|{link.system or ''}")
        node = data.node(f"{self.base}link/{key}", _LINK, path)
        node.add(_EVIDENCE_OF, f"{self.base}evidence/{evidence_id}")
        node.add(_REQUIREMENT, requirement)
        node.add(_EXTENT, str(extent))
        node.add(_ASSERTED_BY, Lit((link.asserted_by or "").strip()))
        node.add(_ASSERTED_AT, Lit(link.asserted_at.isoformat(), XSD_DATETIME) if link.asserted_at else self._now)
        if link.system:
            node.add(_FOR_SYSTEM, f"{self.base}system/{link.system}")

    def _known_system(self, system_id: str) -> bool:
        # Many links name the same few systems: ask the store once per system and batch.
        known = self._systems_seen.get(system_id)
        if known is None:
            known = self._systems_seen[system_id] = self.has_system(system_id)
        return known

    def _system_batch(self, item: AISystemInput, path: str, problems: list[tuple[str, str]], data: Batch) -> None:
        if not ID_PATTERN.match(item.id or ""):
            problems.append((f"{path}.id", f"{item.id!r} must be 1-128 letters, digits, '.', '_', ':' or '-'"))
            return
        node = data.node(str(self.system_iri(item.id)), str(GRC.AISystem), path)
        node.add(_IDENTIFIER, Lit(item.id))
        if not item.name or not item.name.strip():
            problems.append((f"{path}.name", "is empty"))
        else:
            node.add(str(SKOS.prefLabel), Lit(item.name.strip()))
        if not item.roles:
            problems.append((f"{path}.roles", f"name at least one of {', '.join(ROLES)}"))
        for role in item.roles:
            if role not in ROLES:
                problems.append((f"{path}.roles", f"{role!r} is not one of {', '.join(ROLES)}"))
            else:
                node.add(str(GRC.operatorRole), str(ROLES[role]))
        if item.category not in CATEGORY_NOTATIONS:
            problems.append((f"{path}.category", f"{item.category!r} is not one of {', '.join(CATEGORY_NOTATIONS)}"))
        else:
            node.add(str(GRC.aiCategory), str(CATEGORY_NOTATIONS[item.category]))
        node.add(str(GRC.generative), Lit("true" if item.generative else "false", XSD_BOOLEAN))
        for prop, value in ((GRC.owner, item.owner), (GRC.purpose, item.purpose), (GRC.dataUsed, item.data_used)):
            if value:
                node.add(str(prop), Lit(value))
        if item.next_review:
            node.add(str(GRC.nextReview), Lit(item.next_review.isoformat(), XSD_DATE))

    # --- validation and the write itself ----------------------------------------------------
    def _types(self, nodes: set[str]) -> dict[str, set[str]]:
        """The stored types of IRIs a batch points at, as its shapes need them: this workspace's
        evidence and AI systems, and the reference graph's requirements and terms."""
        found: dict[str, set[str]] = {}
        rdf_type = ox.NamedNode(str(RDF.type))
        reference = ox.NamedNode(str(iris.REFERENCE_GRAPH))
        for node in nodes:
            if node.startswith(self.base):
                rest = node[len(self.base) :]
                kind = GRC.Evidence if rest.startswith("evidence/") else GRC.AISystem if rest.startswith("system/") else None
                if kind is not None and self._exists(URIRef(node), kind):
                    found[node] = {str(kind)}
            elif not node.startswith(str(GRC._NS)):
                quads = self.store.quads(ox.NamedNode(node), rdf_type, None, reference)
                found[node] = {q.object.value for q in quads if isinstance(q.object, ox.NamedNode)}
        return found

    def _check(self, data: Batch, problems: list[tuple[str, str]]) -> None:
        """The workspace shapes over the nodes to write, reported with the typed-input `problems`
        in one error; a field that already has a problem is not reported twice."""
        fields = {where for where, _ in problems}
        problems += [p for p in workspace_rules().check(data, self._types) if p[0] not in fields]
        if problems:
            raise InvalidInputError(problems)

    def _none_stored(self, evidence: Sequence[str]) -> bool:
        """Whether none of the `evidence` IRIs is stored: the write is then a plain insert, which the
        bulk loader may take. Their links need no look-up: EvidenceLinkShape makes every link name
        stored evidence of its workspace, so evidence that is not stored has no links."""
        return not any(self._exists(n, _EVIDENCE) for n in evidence)

    def _write(
        self, data: Batch, replace: Sequence[str] = (), remove_links_of: Sequence[str] = (), *, touched: Iterable[str] | None = None
    ) -> None:
        """Remove what `replace` nodes said before (and the links of `remove_links_of`), then add
        `data`, and stamp a new revision, in one transaction. `touched`: the evidence ids whose links
        or validity the write may change, for the revision log (None: unknown)."""
        with WRITE_LOCK:
            # The data goes through a staging graph so that it lands in the same update as the
            # deletions and the new revision stamp (deleting what is not stored is a no-op).
            staging = URIRef(f"{iris.BASE}graph/staging/{uuid.uuid4().hex}")
            self.store.add_graph(ox.NamedNode(str(staging)))
            if data:
                self.store.load(data.ntriples(), ox.NamedNode(str(staging)))
            operations = []
            for node in replace:
                operations.append(f"DELETE WHERE {{ GRAPH <{self.graph}> {{ <{node}> ?p ?o }} }}")
            for node in remove_links_of:
                operations.append(
                    f"DELETE {{ GRAPH <{self.graph}> {{ ?l ?p ?o }} }} WHERE {{ GRAPH <{self.graph}> {{ ?l <{GRC.evidence}> <{node}> ; ?p ?o }} }}"
                )
            operations.append(f"ADD SILENT GRAPH <{staging}> TO GRAPH <{self.graph}>")
            operations.append(f"DROP SILENT GRAPH <{staging}>")
            revision.stamped_update(self.store, self.graph, operations, touched)

    def _bulk_write(self, store: BulkStore, data: Batch, *, touched: Iterable[str] | None = None) -> None:
        """Add a large batch of new nodes with the store's bulk loader (not transactional by itself;
        `journal.bulk_insert` makes it all or nothing across a crash)."""
        with WRITE_LOCK:
            bulk_insert(store, data, ox.NamedNode(str(self.graph)))
            self._after_bulk_write(touched)

    def _after_bulk_write(self, touched: Iterable[str] | None = None) -> None:
        """Called once a bulk load is committed: what `_write` does for every other write after its
        changes (such as stamping the workspace's revision) belongs here too. Under the write lock, so
        that the stamp follows the one before the load (see revision.chained_operations)."""
        revision.bump(self.store, self.graph, touched=touched)

    # --- writes -----------------------------------------------------------------------------
    @one_at_a_time
    def put_evidence(
        self,
        items: Iterable[EvidenceInput],
        *,
        path: str = "evidence",
        numbered: bool = True,
        replace: bool = True,
        problems: list[tuple[str, str]] | None = None,
    ) -> list[str]:
        """Create or replace evidence items (with their links) as one transaction. A large batch of
        new items goes to the store's bulk loader when it has one. Problems are named `path[i].field`
        (`path.field` when not `numbered`: one item given as one argument). `problems` a caller
        already found in the same input are reported together with these checks' own."""
        with collector_paused():
            batch = list(items)
            problems = list(problems or [])
            data = Batch()
            seen: set[str] = set()
            self._start_write()
            for index, item in enumerate(batch):
                item_path = f"{path}[{index}]" if numbered else path
                duplicate = item.id in seen
                if duplicate:
                    problems.append((f"{item_path}.id", f"duplicate id {item.id!r} in this batch"))
                seen.add(item.id)
                # A duplicate's own faults are reported, but it is built apart: merged into the first
                # item's node it would make that item look faulty (two titles, two owners).
                self._evidence_batch(item, item_path, problems, Batch() if duplicate else data)
            self._check(data, problems)
            nodes = [f"{self.base}evidence/{item.id}" for item in batch] if replace else []
            # Only the embedded store has a bulk loader; a remote one takes the batch in one update.
            if len(batch) >= BULK_MIN_ITEMS and isinstance(self.store, BulkStore) and self._none_stored(nodes):
                self._bulk_write(self.store, data, touched=seen)
            else:
                self._write(data, replace=nodes, remove_links_of=nodes, touched=seen)
        return [item.id for item in batch]

    @one_at_a_time
    def delete_evidence(self, evidence_id: str) -> None:
        if not self.has_evidence(evidence_id):
            raise NotFoundError(f"no evidence {evidence_id!r} in workspace {self.name!r}")
        node = str(self.evidence_iri(evidence_id))
        self._write(Batch(), replace=[node], remove_links_of=[node], touched=[evidence_id])

    @one_at_a_time
    def link(self, evidence_id: str, links: Sequence[EvidenceLinkInput], *, problems: list[tuple[str, str]] | None = None) -> None:
        if not self.has_evidence(evidence_id):
            raise NotFoundError(f"no evidence {evidence_id!r} in workspace {self.name!r}")
        problems = list(problems or [])
        data = Batch()
        self._start_write()
        for index, link in enumerate(links):
            self._link_batch(evidence_id, link, f"links[{index}]", problems, data)
        # The evidence is stored: its type is looked up, not written again.
        self._check(data, problems)
        self._write(data, replace=list(data.nodes), touched=[evidence_id])

    @one_at_a_time
    def unlink(self, evidence_id: str, requirement: str, system: str | None = None) -> None:
        problems: list[tuple[str, str]] = []
        iri = self._requirement(requirement, "requirement", problems)
        if iri is None:
            raise InvalidInputError(problems)
        node = self.link_iri(evidence_id, str(iri), system)
        if not self._exists(node, GRC.EvidenceLink):
            raise NotFoundError(f"evidence {evidence_id!r} is not linked to {requirement!r}")
        self._write(Batch(), replace=[str(node)], touched=[evidence_id])

    @one_at_a_time
    def put_system(self, item: AISystemInput, *, problems: list[tuple[str, str]] | None = None) -> str:
        problems = list(problems or [])
        data = Batch()
        self._system_batch(item, "system", problems, data)
        self._check(data, problems)
        self._write(data, replace=[str(self.system_iri(item.id))], touched=())  # links name systems by IRI: none change
        return item.id

    @one_at_a_time
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
        data = Batch()
        entry = data.node(str(node), str(GRC.SoAEntry), "")
        entry.add(str(GRC.control), str(iri))
        entry.add(str(GRC.included), Lit("true" if included else "false", XSD_BOOLEAN))
        entry.add(str(GRC.reason), Lit(reason.strip()))
        self._check(data, problems)
        self._write(data, replace=[str(node)], touched=())
        return SoAEntry(control=str(iri), included=included, reason=reason.strip())
