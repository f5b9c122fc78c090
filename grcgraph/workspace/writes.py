"""Writing one workspace's graph: evidence and its links, the AI inventory and Statement of
Applicability entries.

Every write is checked before anything is stored: typed inputs (clear messages naming the field)
and the workspace SHACL shapes, compiled (grcgraph/workspace/shape_rules.py), on the exact triples
that would be written; all problems of one input are reported together, each with its field path.
A write that replaces nodes is one SPARQL update (staged triples added and replaced in one request);
a large import of new items goes to the bulk loader under an undo journal
(grcgraph/store/journal.py). Each is all or nothing. User values reach SPARQL only as IRIs built
from validated ids.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable, Mapping, Sequence
from typing import Any

import pyoxigraph as ox
from rdflib import RDF, URIRef
from rdflib.namespace import DCTERMS, SKOS

from grcgraph.errors import InvalidInputError, NotFoundError, UnknownRequirementError
from grcgraph.model import AISystemInput, EvidenceInput, EvidenceLinkInput, FieldPath, Problem, SoAEntry
from grcgraph.store import revision
from grcgraph.store.batch import XSD_BOOLEAN, XSD_DATE, XSD_DATETIME, Batch, Lit, collector_paused
from grcgraph.store.history import Entry, head_operations
from grcgraph.store.journal import BulkStore
from grcgraph.vocab import iris
from grcgraph.vocab.namespace import GRC
from grcgraph.vocab.terms import AI_CATEGORIES, EVIDENCE_KINDS, EXTENTS
from grcgraph.workspace.hygiene import location_fault, multi_line, single_line
from grcgraph.workspace.inputs import (
    BULK_MIN_ITEMS,
    ROLES,
    SHA256_ANY_CASE,
    bad_id,
    iri_fault,
    merged_evidence,
    merged_system,
    one_at_a_time,
    uuid5_hex,
    write_lock,
)
from grcgraph.workspace.logged import bulk_logged, write_logged
from grcgraph.workspace.reads import WorkspaceReads
from grcgraph.workspace.shape_rules import workspace_rules

_EVIDENCE, _LINK = str(GRC.Evidence), str(GRC.EvidenceLink)
_IDENTIFIER, _TITLE, _DESCRIPTION = str(DCTERMS.identifier), str(DCTERMS.title), str(DCTERMS.description)
_KIND, _OWNER, _LOCATION, _SHA256 = str(GRC.evidenceKind), str(GRC.owner), str(GRC.location), str(GRC.sha256)
_COLLECTED, _VALID = str(GRC.collectedOn), str(GRC.validUntil)
_EVIDENCE_OF, _REQUIREMENT, _EXTENT = str(GRC.evidence), str(GRC.requirement), str(GRC.extent)
_ASSERTED_BY, _ASSERTED_AT, _FOR_SYSTEM = str(GRC.assertedBy), str(GRC.assertedAt), str(GRC.forSystem)


class Workspace(WorkspaceReads):
    """One workspace's data in a store, read and written through validated operations."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # Per-write caches of what links name (reset by each write).
        self._systems_seen: dict[str, bool] = {}
        self._resolved: dict[tuple[str, str | None], str | UnknownRequirementError] = {}
        self._now = Lit("", XSD_DATETIME)  # when links are asserted by default: the time of the write

    # --- building triples -------------------------------------------------------------------
    def _requirement(self, text: str, path: FieldPath, problems: list[Problem]) -> URIRef | None:
        try:
            return URIRef(self.catalog.resolve(text).iri)
        except UnknownRequirementError as error:
            problems.append(Problem(str(error), path))
            return None

    def _start_write(self) -> None:
        self._systems_seen, self._resolved = {}, {}
        self._now = Lit(dt.datetime.now(dt.UTC).replace(microsecond=0).isoformat(), XSD_DATETIME)

    def _link_target(self, text: str, framework: str | None, path: FieldPath, problems: list[Problem]) -> str | None:
        """`_requirement` for links, a bare id looked up in `framework` first: an import names the
        same few hundred requirements many times over, so each text is resolved once per write."""
        found = self._resolved.get((text, framework))
        if found is None:
            try:
                found = self._resolved[text, framework] = str(self.catalog.resolve_in(text, framework).iri)
            except UnknownRequirementError as error:
                found = self._resolved[text, framework] = error
        if isinstance(found, UnknownRequirementError):
            problems.append(Problem(str(found), path))
            return None
        return found

    def _evidence_batch(self, item: EvidenceInput, path: FieldPath, problems: list[Problem], data: Batch) -> None:
        fault = bad_id(item.id, path)
        if fault is not None:
            problems.append(fault)
            return
        node = data.node(f"{self.base}evidence/{item.id}", _EVIDENCE, path)
        node.add(_IDENTIFIER, Lit(item.id))
        if not item.title or not item.title.strip():
            problems.append(Problem("is empty", path / "title"))
        elif (title := single_line(item.title, path / "title", problems)) is not None:
            node.add(_TITLE, Lit(title))
        kind = EVIDENCE_KINDS.get(item.kind)
        if kind is None:
            problems.append(Problem(f"{item.kind!r} is not one of {', '.join(EVIDENCE_KINDS)}", path / "kind"))
        else:
            node.add(_KIND, str(kind))
        if (description := multi_line(item.description, path / "description", problems)) is not None:
            node.add(_DESCRIPTION, Lit(description))
        if (owner := single_line(item.owner, path / "owner", problems)) is not None:
            node.add(_OWNER, Lit(owner))
        if (location := single_line(item.location, path / "location", problems)) is not None:
            not_iri = location_fault(location) or iri_fault(location)
            if not_iri:
                problems.append(Problem(f"{location[:200]!r} is not a URI this project stores ({not_iri})", path / "location"))
            else:
                node.add(_LOCATION, location)
        if item.sha256 and item.sha256.strip():
            node.add(_SHA256, Lit(item.sha256.lower() if SHA256_ANY_CASE.fullmatch(item.sha256) else item.sha256))
        if item.collected_on:
            node.add(_COLLECTED, Lit(item.collected_on.isoformat(), XSD_DATE))
        if item.valid_until:
            node.add(_VALID, Lit(item.valid_until.isoformat(), XSD_DATE))
        for index, link in enumerate(item.links):
            self._link_batch(item.id, link, FieldPath(*path, "links", index), problems, data)

    def _link_batch(self, evidence_id: str, link: EvidenceLinkInput, path: FieldPath, problems: list[Problem], data: Batch) -> None:
        framework = None
        if link.framework:
            try:
                framework = self.catalog.framework_prefix(link.framework)
            except ValueError as error:
                problems.append(Problem(str(error), path / "framework"))
        requirement = self._link_target(link.requirement, framework, path / "requirement", problems)
        extent = EXTENTS.get(link.extent)
        if extent is None:
            problems.append(Problem(f"{link.extent!r} must be 'full' or 'partial'", path / "extent"))
        if not link.asserted_by or not link.asserted_by.strip():
            problems.append(Problem("is empty: say who asserts that this evidence meets the requirement", path / "assertedBy"))
        else:
            single_line(link.asserted_by, path / "assertedBy", problems)
        if link.system is not None and f"{self.base}system/{link.system}" not in data.nodes and not self._known_system(link.system):
            problems.append(Problem(f"no AI system {link.system!r} in workspace {self.name!r}", path / "system"))
        if requirement is None or extent is None:
            return
        key = uuid5_hex(f"{evidence_id}|{requirement}|{link.system or ''}")
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

    def _system_batch(self, item: AISystemInput, path: FieldPath, problems: list[Problem], data: Batch) -> None:
        fault = bad_id(item.id, path)
        if fault is not None:
            problems.append(fault)
            return
        node = data.node(str(self.system_iri(item.id)), str(GRC.AISystem), path)
        node.add(_IDENTIFIER, Lit(item.id))
        if not item.name or not item.name.strip():
            problems.append(Problem("is empty", path / "name"))
        elif (name := single_line(item.name, path / "name", problems)) is not None:
            node.add(str(SKOS.prefLabel), Lit(name))
        if not item.roles:
            problems.append(Problem(f"name at least one of {', '.join(ROLES)}", path / "roles"))
        for role in item.roles:
            if role not in ROLES:
                problems.append(Problem(f"{role!r} is not one of {', '.join(ROLES)}", path / "roles"))
            else:
                node.add(str(GRC.operatorRole), str(ROLES[role]))
        if item.category not in AI_CATEGORIES:
            problems.append(Problem(f"{item.category!r} is not one of {', '.join(AI_CATEGORIES)}", path / "category"))
        else:
            node.add(str(GRC.aiCategory), str(AI_CATEGORIES[item.category]))
        node.add(str(GRC.generative), Lit("true" if item.generative else "false", XSD_BOOLEAN))
        texts = (
            (GRC.owner, single_line(item.owner, path / "owner", problems)),
            (GRC.purpose, multi_line(item.purpose, path / "purpose", problems)),
            (GRC.dataUsed, multi_line(item.data_used, path / "dataUsed", problems)),
        )
        for prop, value in texts:
            if value is not None:
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

    def _check(self, data: Batch, problems: list[Problem]) -> None:
        """The workspace shapes over the nodes to write, reported with the typed-input `problems`
        in one error; a field that already has a problem is not reported twice."""
        fields = {p.path for p in problems}
        problems += [p for p in workspace_rules().check(data, self._types) if p.path not in fields]
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
        `data`, with its history entry, and stamp a new revision, in one transaction
        (grcgraph/workspace/logged.py). `touched`: the evidence ids whose links or validity the
        write may change, for the revision log (None: unknown)."""
        with write_lock():
            graph = str(self.graph)
            write_logged(self.store, graph, data, replace, linked_to=remove_links_of, link=_EVIDENCE_OF, touched=touched)

    def _bulk_write(self, data: Batch, *, touched: Iterable[str] | None = None) -> None:
        """Add a large batch of new nodes with the store's bulk loader (not transactional by itself;
        the journal of `logged.bulk_logged` makes it all or nothing across a crash). The history
        entry is part of the load (new records: nothing before them)."""
        with write_lock():
            bulk_logged(self.store, str(self.graph), data, lambda entry: self._after_bulk_write(touched, entry))

    def _after_bulk_write(self, touched: Iterable[str] | None = None, entry: Entry | None = None) -> None:
        """Called once a bulk load is committed: what `_write` does for every other write after its
        changes (stamping the workspace's revision, setting the log head) belongs here too. Under
        the write lock, so that the stamp follows the one before the load (see
        revision.chained_operations). The log file's copy is `bulk_logged`'s."""
        heads = head_operations(str(self.graph), entry) if entry is not None else []
        revision.stamped_update(self.store, self.graph, heads, touched)

    # --- writes -----------------------------------------------------------------------------
    @one_at_a_time
    def put_evidence(
        self,
        items: Iterable[EvidenceInput],
        *,
        path: FieldPath = FieldPath("evidence"),
        numbered: bool = True,
        replace: bool = True,
        problems: list[Problem] | None = None,
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
                item_path = path / index if numbered else path
                duplicate = item.id in seen
                if duplicate:
                    problems.append(Problem(f"duplicate id {item.id!r} in this batch", item_path / "id"))
                seen.add(item.id)
                # A duplicate's own faults are reported, but it is built apart: merged into the first
                # item's node it would make that item look faulty (two titles, two owners).
                self._evidence_batch(item, item_path, problems, Batch() if duplicate else data)
            self._check(data, problems)
            nodes = [f"{self.base}evidence/{item.id}" for item in batch] if replace else []
            # Only the embedded store has a bulk loader; a remote one takes the batch in one update.
            if len(batch) >= BULK_MIN_ITEMS and isinstance(self.store, BulkStore) and self._none_stored(nodes):
                self._bulk_write(data, touched=seen)
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
    def link(
        self,
        evidence_id: str,
        links: Sequence[EvidenceLinkInput],
        *,
        path: FieldPath = FieldPath("links"),
        problems: list[Problem] | None = None,
    ) -> None:
        """Add or replace links of stored evidence; problems are named `path[i].field`."""
        if not self.has_evidence(evidence_id):
            raise NotFoundError(f"no evidence {evidence_id!r} in workspace {self.name!r}")
        problems = list(problems or [])
        data = Batch()
        self._start_write()
        for index, link in enumerate(links):
            self._link_batch(evidence_id, link, path / index, problems, data)
        # The evidence is stored: its type is looked up, not written again.
        self._check(data, problems)
        self._write(data, replace=list(data.nodes), touched=[evidence_id])

    @one_at_a_time
    def unlink(self, evidence_id: str, requirement: str, system: str | None = None) -> None:
        problems: list[Problem] = []
        iri = self._requirement(requirement, FieldPath("requirement"), problems)
        if iri is None:
            raise InvalidInputError(problems)
        node = self.link_iri(evidence_id, str(iri), system)
        if not self._exists(node, GRC.EvidenceLink):
            raise NotFoundError(f"evidence {evidence_id!r} is not linked to {requirement!r}")
        self._write(Batch(), replace=[str(node)], touched=[evidence_id])

    @one_at_a_time
    def put_system(self, item: AISystemInput, *, path: FieldPath = FieldPath("system"), problems: list[Problem] | None = None) -> str:
        """Create or replace an AI system; problems are named `path.field`."""
        problems = list(problems or [])
        data = Batch()
        self._system_batch(item, path, problems, data)
        self._check(data, problems)
        self._write(data, replace=[str(self.system_iri(item.id))], touched=())  # links name systems by IRI: none change
        return item.id

    @one_at_a_time
    def update_evidence(
        self,
        evidence_id: str,
        changes: Mapping[str, Any],
        links: list[EvidenceLinkInput] | None = None,
        *,
        path: FieldPath = FieldPath("evidence"),
        problems: list[Problem] | None = None,
    ) -> None:
        """Change stored evidence: the fields in `changes` (None clears an optional one), and every
        link when `links` is given (else the stored links are kept); problems named `path.field`."""
        if not self.has_evidence(evidence_id):
            raise NotFoundError(f"no evidence {evidence_id!r} in workspace {self.name!r}")
        item, missing = merged_evidence(self.evidence(evidence_id), self.links(evidence_id), changes, links, path)
        self.put_evidence([item], path=path, numbered=False, replace=True, problems=[*(problems or []), *missing])

    @one_at_a_time
    def update_system(
        self,
        system_id: str,
        changes: Mapping[str, Any],
        *,
        path: FieldPath = FieldPath("system"),
        spelled: Callable[[str], str] = str,
        problems: list[Problem] | None = None,
    ) -> None:
        """Change a stored AI system: the fields in `changes` (None clears an optional one);
        problems named `path.<spelled(field)>`."""
        if not self.has_system(system_id):
            raise NotFoundError(f"no AI system {system_id!r} in workspace {self.name!r}")
        item, missing = merged_system(self.system(system_id), changes, path, spelled)
        self.put_system(item, path=path, problems=[*(problems or []), *missing])

    @one_at_a_time
    def set_applicability(self, control: str, included: bool, reason: str) -> SoAEntry:
        problems: list[Problem] = []
        iri = self._requirement(control, FieldPath("control"), problems)
        if iri is not None and self.catalog.ref(str(iri)).kind != "Control":
            problems.append(Problem(f"{control!r} is not an Annex A control", FieldPath("control")))
        if not reason or not reason.strip():
            problems.append(Problem("is empty: a Statement of Applicability entry needs its justification", FieldPath("reason")))
        else:
            multi_line(reason, FieldPath("reason"), problems)
        if problems or iri is None:
            raise InvalidInputError(problems)
        node = self.soa_iri(iri)
        data = Batch()
        entry = data.node(str(node), str(GRC.SoAEntry), FieldPath())
        entry.add(str(GRC.control), str(iri))
        entry.add(str(GRC.included), Lit("true" if included else "false", XSD_BOOLEAN))
        entry.add(str(GRC.reason), Lit(reason.strip()))
        self._check(data, problems)
        self._write(data, replace=[str(node)], touched=())
        return SoAEntry(control=str(iri), included=included, reason=reason.strip())
