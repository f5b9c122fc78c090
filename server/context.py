"""What every resolver gets: the caller (authenticated on first use, so a request refused before
execution never touches the store), their workspace's `GRCGraph`, and the request's DataLoaders."""

from __future__ import annotations

import dataclasses
import datetime as dt
import sys
import threading
from collections import OrderedDict
from collections.abc import Callable
from functools import cached_property
from typing import TypeAlias

import strawberry
from strawberry.fastapi import BaseContext

from grcgraph.api import GRCGraph
from grcgraph.model import Covered, Role
from grcgraph.server.auth import VerifiedTokens
from grcgraph.server.dataloaders import Loaders
from grcgraph.server.error_format import ApiError
from grcgraph.server.settings import Settings


@dataclasses.dataclass(frozen=True)
class Principal:
    workspace: str
    role: Role
    token_id: str | None  # None: anonymous reader in read-only local mode


Authenticate = Callable[[], tuple[Principal | None, str | None]]  # the caller, or None and why not


class Registry:
    """One store, one GRCGraph per workspace (sharing the reference indexes), made on first use,
    and the tokens recently verified against that store.

    Each workspace's indexes (link index, evidence register) are read from the store on demand, by
    the first question that needs them, and held in a least-recently-used order under a memory
    budget (`index_budget` bytes, estimated by `GRCGraph.index_bytes`): when the indexes held pass
    it, the least recently used workspaces lose theirs, whole (with their gap reports), until they
    fit again. The workspace asked for last is never evicted, so one workspace larger than the
    budget alone keeps its indexes. Sizes are counted when a request for the workspace ends
    (`done`) and before the next workspace is handed out."""

    def __init__(self, base: GRCGraph, tokens: VerifiedTokens | None = None, *, index_budget: int = sys.maxsize) -> None:
        self.base = base
        self.tokens = tokens if tokens is not None else VerifiedTokens()
        self.index_budget = index_budget
        self._held: OrderedDict[str, GRCGraph] = OrderedDict({base.workspace_name: base})  # least recently used first
        self._sizes: dict[str, int] = {}  # estimated bytes of each workspace's indexes, when it holds any
        self._used: set[str] = set()  # asked for since sizes were last counted
        self._lock = threading.Lock()
        self.evictions = 0  # workspaces whose indexes were dropped (tests check the budget with it)

    def get(self, workspace: str) -> GRCGraph:
        with self._lock:
            self._settle()
            found = self._held.get(workspace)
            if found is None:
                found = self._held[workspace] = self.base.with_workspace(workspace)
            self._held.move_to_end(workspace)
            self._used.add(workspace)
            return found

    def done(self, workspace: str) -> None:
        """A request for `workspace` ended: count what its indexes hold now, and keep the budget."""
        with self._lock:
            self._used.add(workspace)
            self._settle()

    def index_bytes(self) -> int:
        """The estimated memory held by the indexes of every workspace, as last counted."""
        with self._lock:
            return sum(self._sizes.values())

    def holding(self) -> list[str]:
        """The workspaces whose indexes are held, least recently used first."""
        with self._lock:
            return [name for name in self._held if self._sizes.get(name)]

    def _settle(self) -> None:
        for name in self._used:
            found = self._held.get(name)
            size = found.index_bytes() if found is not None else 0
            if size:
                self._sizes[name] = size
            else:
                self._sizes.pop(name, None)
        self._used.clear()
        total = sum(self._sizes.values())
        newest = next(reversed(self._held))
        for name in list(self._held):
            if total <= self.index_budget:
                break
            size = self._sizes.get(name, 0)
            if not size or name == newest:
                continue
            victim = self._held[name]
            victim.drop_indexes()
            if victim is not self.base:  # its gap reports (kept per GRCGraph) go with it
                del self._held[name]
            del self._sizes[name]
            total -= size
            self.evictions += 1


class Context(BaseContext):
    def __init__(self, registry: Registry, settings: Settings, authenticate: Authenticate) -> None:
        super().__init__()
        self.registry = registry
        self.settings = settings
        self._authenticate = authenticate
        self._covered: dict[tuple[dt.date, int], dict[str, Covered]] = {}
        self.executed_query = False  # set when a query (not a mutation) is executed (response_cache.MarkQueries)

    @cached_property
    def loaders(self) -> Loaders:
        # Made on first use: most requests never ask for one.
        return Loaders(self.api)

    @cached_property
    def _caller(self) -> tuple[Principal | None, str | None]:
        return self._authenticate()

    @property
    def principal(self) -> Principal | None:
        return self._caller[0]

    def require(self, role: Role) -> Principal:
        """The caller, if they hold `role`; UNAUTHENTICATED or FORBIDDEN otherwise."""
        principal, failure = self._caller
        if principal is None:
            raise ApiError("UNAUTHENTICATED", failure or "send an API token: Authorization: Bearer <token>")
        if principal.role < role:
            who = "anonymous local access" if principal.token_id is None else f"a {principal.role.name} token"
            raise ApiError("FORBIDDEN", f"{who} cannot do this: it needs the {role.name} role")
        return principal

    def api(self, role: Role = Role.reader) -> GRCGraph:
        return self.registry.get(self.require(role).workspace)

    def covered(self, on: dt.date, chain_length: int) -> dict[str, Covered]:
        """Coverage of the whole workspace, computed once per request and date."""
        key = (on, chain_length)
        if key not in self._covered:
            self._covered[key] = self.api().covered(None, on=on, chain_length=chain_length)
        return self._covered[key]


Info: TypeAlias = strawberry.Info[Context, None]
