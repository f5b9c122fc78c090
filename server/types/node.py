"""Relay's `Node`: one global id for every object a client may fetch again with `node(id:)`.

A global id is the URL-safe base64 (no padding) of `Type:localId` for what the shared reference
graph holds (Requirement: `Requirement:iso42001:A.6.2.8`, Framework, Mapping) and of
`Type:workspace:localId` for a workspace's records (`Risk:acme:R-1`), so that two workspaces' records
never share an id and `node(id:)` can answer null for another workspace's without reading it.
Clients treat it as opaque; `localId` keeps the id the rest of the API takes (a requirement's CURIE,
a record's id in its workspace)."""

from __future__ import annotations

import base64
import binascii
from abc import ABC, abstractmethod

import strawberry
from strawberry.types.base import get_object_definition

from grcgraph.model import Role
from grcgraph.server.context import Info


def global_id(type_name: str, local_id: str, workspace: str | None) -> str:
    """The global id of a reference object (`workspace` None) or of a workspace's record."""
    text = f"{type_name}:{local_id}" if workspace is None else f"{type_name}:{workspace}:{local_id}"
    return base64.urlsafe_b64encode(text.encode()).decode().rstrip("=")


def parse_global_id(value: str, in_workspace: frozenset[str]) -> tuple[str, str | None, str] | None:
    """(type name, workspace or None, local id) of a global id; None for what is not one."""
    try:
        text = base64.urlsafe_b64decode(value + "=" * (-len(value) % 4)).decode()
    except (binascii.Error, UnicodeDecodeError, ValueError):
        return None
    type_name, _, rest = text.partition(":")
    if not rest:
        return None
    if type_name not in in_workspace:
        return type_name, None, rest
    workspace, _, local = rest.partition(":")
    return (type_name, workspace, local) if workspace and local else None


@strawberry.interface(
    description="An object with a global id, fetched again with `node(id:)` (Relay's Object Identification): requirements, "
    "frameworks, mapping rows, evidence, AI systems, SoA rows and entries and the AIMS records"
)
class Node(ABC):
    in_workspace = True  # False for what the shared reference graph holds: its global id names no workspace

    @abstractmethod
    def node_key(self) -> str:
        """The object's local id (what `localId` answers)."""

    @strawberry.field(
        description="Global id, unique across types and workspaces: URL-safe base64 of Type:localId (reference graph) or "
        "Type:workspace:localId (a workspace's records); opaque to clients, stable across requests"
    )
    def id(self, info: Info) -> strawberry.ID:
        name = get_object_definition(type(self), strict=True).name
        workspace = info.context.require(Role.reader).workspace if self.in_workspace else None
        return strawberry.ID(global_id(name, self.node_key(), workspace))

    @strawberry.field(
        description="The id the rest of the API takes: a requirement's CURIE, a framework's prefix, a mapping row's IRI, an SoA "
        "entry's control CURIE, a record's id in its workspace"
    )
    def local_id(self) -> str:
        return self.node_key()
