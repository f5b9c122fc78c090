"""What every resolver gets: the caller (authenticated on first use, so a request refused before
execution never touches the store), their workspace's `GRCGraph`, and the request's DataLoaders."""

from __future__ import annotations

import dataclasses
import datetime as dt
import threading
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
    and the tokens recently verified against that store."""

    def __init__(self, base: GRCGraph, tokens: VerifiedTokens | None = None) -> None:
        self.base = base
        self.tokens = tokens if tokens is not None else VerifiedTokens()
        self._by_workspace: dict[str, GRCGraph] = {base.workspace_name: base}
        self._lock = threading.Lock()

    def get(self, workspace: str) -> GRCGraph:
        with self._lock:
            found = self._by_workspace.get(workspace)
            if found is None:
                found = self._by_workspace[workspace] = self.base.with_workspace(workspace)
            return found


class Context(BaseContext):
    def __init__(self, registry: Registry, settings: Settings, authenticate: Authenticate) -> None:
        super().__init__()
        self.registry = registry
        self.settings = settings
        self._authenticate = authenticate
        self._covered: dict[tuple[dt.date, int], dict[str, Covered]] = {}

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
