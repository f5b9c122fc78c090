"""The facade's workspace operations: evidence and its links, the AI inventory, the Statement of
Applicability, API tokens, and the store-level questions a server asks (revision, SPARQL)."""

from __future__ import annotations

import contextlib
import datetime as dt
from collections.abc import Iterable, Iterator, Mapping, Sequence
from functools import cached_property
from typing import TYPE_CHECKING, Any

import pyoxigraph as ox

from grcgraph.api.parts import frame
from grcgraph.api.reference import ReferenceAPI
from grcgraph.errors import ForbiddenError, InvalidInputError, NotFoundError
from grcgraph.model import (
    AISystem,
    AISystemInput,
    Evidence,
    EvidenceInput,
    EvidenceLink,
    EvidenceLinkInput,
    FieldPath,
    Problem,
    SoAEntry,
    TokenRecord,
)
from grcgraph.store import revision, sparql_text
from grcgraph.vocab import iris
from grcgraph.workspace import tokens
from grcgraph.workspace.inputs import ID_PATTERN, WORKSPACE_PATTERN, bad_id, write_lock
from grcgraph.workspace.register import EvidenceRegister
from grcgraph.workspace.tokens import TokenUse

if TYPE_CHECKING:
    import pandas as pd

WORKSPACE_GRAPHS = f"{iris.BASE}graph/workspace/"


class WorkspaceAPI(ReferenceAPI):
    def check_id(self, value: str, path: FieldPath = FieldPath()) -> None:
        """InvalidInputError (at `path`, whose last segment is the id) for what cannot be an evidence or
        AI-system id: 1-128 letters, digits, '.', '_', ':' or '-'. A lookup says so rather than 'not found'."""
        fault = bad_id(value, FieldPath(*path[:-1]) if path else FieldPath())
        if fault is not None:
            raise InvalidInputError([Problem(fault.message, path or FieldPath("id"))])

    # --- evidence ------------------------------------------------------------------------------
    def has_evidence(self, evidence_id: str) -> bool:
        return self.workspace.has_evidence(evidence_id)

    def evidence_item(self, evidence_id: str) -> Evidence:
        """One evidence item; NotFoundError if the workspace has none of that id."""
        if not ID_PATTERN.match(evidence_id):
            raise NotFoundError(f"no evidence {evidence_id[:140]!r} in workspace {self.workspace.name!r}")
        return self.workspace.evidence(evidence_id)

    def evidence_items(self, evidence_ids: Iterable[str]) -> dict[str, Evidence]:
        """The items among `evidence_ids` that exist, by id, in a few store queries."""
        return self.workspace.evidence_many(evidence_ids)

    def evidence_ids(self) -> list[str]:
        return self.workspace.evidence_ids()

    @cached_property
    def register(self) -> EvidenceRegister:
        """The evidence register held in memory for search and filters, kept current by the revision stamp."""
        return EvidenceRegister(self.workspace)

    def find_evidence(
        self,
        *,
        text: str | None = None,
        kind: str | None = None,
        owner: str | None = None,
        stale: bool | None = None,
        on: dt.date | None = None,
    ) -> list[str]:
        """Evidence ids, sorted, matching every filter given: `text` in the id or title, `owner` in
        the owner (case-insensitive), `kind` exactly, `stale` (valid-until before `on`) or not."""
        return self.register.find(text=text, kind=kind, owner=owner, stale=stale, on=on)

    def links(self, evidence_id: str) -> list[EvidenceLink]:
        return self.workspace.links(evidence_id)

    def links_of(self, evidence_ids: Iterable[str]) -> dict[str, list[EvidenceLink]]:
        """The links of each of `evidence_ids`, in a few store queries."""
        return self.workspace.links_many(evidence_ids)

    def put_evidence(
        self,
        items: Iterable[EvidenceInput],
        *,
        path: FieldPath = FieldPath("evidence"),
        numbered: bool = True,
        problems: list[Problem] | None = None,
    ) -> list[str]:
        """Create or replace evidence items with their links, all or none (InvalidInputError, each
        problem named `path[i].field`, or `path.field` when not `numbered`)."""
        return self.workspace.put_evidence(items, path=path, numbered=numbered, replace=True, problems=problems)

    def add_evidence(
        self,
        evidence_id: str,
        title: str,
        kind: str,
        *,
        requirements: Sequence[str] = (),
        extent: str = "full",
        asserted_by: str = "",
        system: str | None = None,
        **fields: object,
    ) -> str:
        links = [EvidenceLinkInput(requirement=r, extent=extent, asserted_by=asserted_by, system=system) for r in requirements]
        item = EvidenceInput(id=evidence_id, title=title, kind=kind, links=links, **fields)  # type: ignore[arg-type]
        self.workspace.put_evidence([item], path=FieldPath("evidence"))
        return evidence_id

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
        link when `links` is given (else the stored ones are kept)."""
        self.workspace.update_evidence(evidence_id, changes, links, path=path, problems=problems)

    def delete_evidence(self, evidence_id: str) -> None:
        self.workspace.delete_evidence(evidence_id)

    def link(
        self,
        evidence_id: str,
        links: Sequence[EvidenceLinkInput],
        *,
        path: FieldPath = FieldPath("links"),
        problems: list[Problem] | None = None,
    ) -> None:
        self.workspace.link(evidence_id, links, path=path, problems=problems)

    def unlink(self, evidence_id: str, requirement: str, system: str | None = None) -> None:
        self.workspace.unlink(evidence_id, requirement, system)

    def evidence(self) -> pd.DataFrame:
        rows = []
        links = self.workspace.links()
        for evidence_id in self.workspace.evidence_ids():
            item = self.workspace.evidence(evidence_id)
            linked = [self.catalog.ref(link.requirement).curie for link in links if link.evidence == evidence_id]
            rows.append(
                {
                    "id": item.id,
                    "title": item.title,
                    "kind": item.kind,
                    "owner": item.owner,
                    "collected_on": item.collected_on,
                    "valid_until": item.valid_until,
                    "requirements": "|".join(linked),
                }
            )
        return frame(rows, columns=["id", "title", "kind", "owner", "collected_on", "valid_until", "requirements"])

    # --- AI systems and the Statement of Applicability -------------------------------------------
    def has_system(self, system_id: str) -> bool:
        return self.workspace.has_system(system_id)

    def system(self, system_id: str) -> AISystem:
        """One AI system of the inventory; NotFoundError if there is none of that id."""
        if not ID_PATTERN.match(system_id):
            raise NotFoundError(f"no AI system {system_id[:140]!r} in workspace {self.workspace.name!r}")
        return self.workspace.system(system_id)

    def system_list(self) -> list[AISystem]:
        return self.workspace.systems()

    def put_system(self, item: AISystemInput, *, path: FieldPath = FieldPath("system"), problems: list[Problem] | None = None) -> str:
        return self.workspace.put_system(item, path=path, problems=problems)

    def add_system(self, system_id: str, name: str, roles: Sequence[str], category: str, **fields: object) -> str:
        return self.workspace.put_system(AISystemInput(id=system_id, name=name, roles=list(roles), category=category, **fields))  # type: ignore[arg-type]

    def update_system(
        self,
        system_id: str,
        changes: Mapping[str, Any],
        *,
        path: FieldPath = FieldPath("system"),
        spelled: Any = str,
        problems: list[Problem] | None = None,
    ) -> None:
        """Change a stored AI system: the fields in `changes` (None clears an optional one)."""
        self.workspace.update_system(system_id, changes, path=path, spelled=spelled, problems=problems)

    def systems(self) -> pd.DataFrame:
        return frame([s.__dict__ for s in self.workspace.systems()])

    def soa_entries(self) -> list[SoAEntry]:
        return self.workspace.soa()

    def set_applicability(self, control: str, included: bool, reason: str) -> SoAEntry:
        return self.workspace.set_applicability(control, included, reason)

    # --- API tokens (of every workspace: the store's token graph) ----------------------------------
    def create_token(self, workspace: str, role: str, *, expires: dt.datetime | None = None, by: str = "cli") -> str:
        """A new token's secret, shown this once: only its SHA-256 is stored. `expires`: refused from
        then on; `by`: who makes it ('cli' or the token id of the admin or operator)."""
        return tokens.create_token(self.store, workspace, role, expires=expires, by=by)

    def revoke_token(self, token_id: str, *, by: str = "cli") -> TokenRecord:
        """Flag a token revoked with who and when; the record is kept. NotFoundError if there is none."""
        return self._token_use.latest(tokens.revoke_token(self.store, token_id, by=by))

    def token(self, token_id: str) -> TokenRecord | None:
        record = tokens.token_record(self.store, token_id)
        return None if record is None else self._token_use.latest(record)

    def tokens(self, workspace: str | None = None) -> list[TokenRecord]:
        """Every token record, or those of `workspace`, with the last use noted in this process."""
        return [self._token_use.latest(record) for record in tokens.tokens(self.store, workspace)]

    def authenticate(self, token: str) -> TokenRecord | None:
        """The live record of a presented token, or None when it is malformed, unknown, wrong, revoked or expired."""
        return tokens.authenticate(self.store, token)

    def note_token_use(self, token_id: str) -> None:
        """Remember that a token was used now (to the minute, in memory): `flush_token_use` writes it."""
        self._token_use.note(token_id)

    def flush_token_use(self) -> int:
        """Write the last-used times noted since the last flush, in one update; how many tokens."""
        return self._token_use.flush(self.store)

    @cached_property
    def _token_use(self) -> TokenUse:
        return TokenUse()

    # --- the store, as a server asks about it ----------------------------------------------------
    def workspace_names(self) -> list[str]:
        """Every workspace with data in the store."""
        names = (g.value[len(WORKSPACE_GRAPHS) :] for g in self.store.named_graphs() if g.value.startswith(WORKSPACE_GRAPHS))
        return sorted(name for name in names if WORKSPACE_PATTERN.match(name))

    def revision(self) -> str | None:
        """The workspace's revision stamp: it changes with every write (see grcgraph.store.revision)."""
        return revision.current(self.store, self.workspace.graph)

    def ping(self) -> None:
        """StoreUnavailableError when the store does not answer."""
        self.store.ping()

    def sparql(self, query: str, *, limit: int, timeout: float) -> tuple[bytes, str]:
        """A read-only SPARQL query over the reference graph and this workspace only (as default and
        named graphs): the serialised answer (at most `limit` rows) and its media type, stopped at
        `timeout` seconds (QueryTimeoutError); SyntaxError for what is not such a query; ForbiddenError
        for an update, or for a query naming (FROM, FROM NAMED, GRAPH) a graph outside those two."""
        graphs = [ox.NamedNode(str(iris.REFERENCE_GRAPH)), ox.NamedNode(str(self.workspace.graph))]
        found = sparql_text.shape(query)
        if found.update:
            raise ForbiddenError(f"SPARQL updates ({found.form}) are refused: this endpoint is read-only")
        visible = {graph.value for graph in graphs}
        for named in found.graphs:
            if named not in visible:
                shown = named if len(named) <= 200 else f"{named[:200]}..."
                raise ForbiddenError(
                    f"the query names the graph <{shown}>, which this workspace cannot see; "
                    f"it sees the reference graph <{iris.REFERENCE_GRAPH}> and its own <{self.workspace.graph}>"
                )
        return self.store.sparql(query, graphs, limit=limit, timeout=timeout)


@contextlib.contextmanager
def one_write_at_a_time() -> Iterator[None]:
    """Hold the process's write lock around checks of your own and the write they lead to (the
    server does, around each mutation): writes of this process never interleave."""
    with write_lock():
        yield
