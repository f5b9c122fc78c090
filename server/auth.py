"""API tokens, kept in the store's token graph: only the SHA-256 of each secret is stored, never the
secret. A token is `grc_<id>_<secret>`: the id finds the record, the hash of the whole token checks it.

Writes go through pyoxigraph `Store.extend` (terms, not text) and one SPARQL update whose only IRIs
are built from a validated token id; no user text is ever formatted into SPARQL.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import re
import secrets
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from enum import IntEnum

import pyoxigraph as ox
from cachetools import TTLCache

from grcgraph.store.base import GraphStore
from grcgraph.vocab import iris
from grcgraph.workspace import WORKSPACE_PATTERN, InvalidInputError, NotFoundError

TOKEN_GRAPH = f"{iris.BASE}graph/tokens"
AUTH = "https://w3id.org/grcgraph/auth#"
RDF_TYPE = "http://www.w3.org/1999/02/22-rdf-syntax-ns#type"
XSD = "http://www.w3.org/2001/XMLSchema#"
TOKEN_ID = re.compile(r"^[0-9a-f]{16}$")
TOKEN_FORM = re.compile(r"^grc_([0-9a-f]{16})_[A-Za-z0-9_-]{20,100}$")


class Role(IntEnum):
    """Ordered: each role can do what the ones below it can."""

    reader = 1
    editor = 2
    admin = 3


@dataclass(frozen=True)
class TokenRecord:
    id: str
    workspace: str
    role: Role
    created: str
    revoked: bool


def _node(token_id: str) -> ox.NamedNode:
    if not TOKEN_ID.match(token_id):
        raise NotFoundError(f"no token {token_id!r}: token ids are 16 hexadecimal digits")
    return ox.NamedNode(f"{iris.BASE}token/{token_id}")


def _hash(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def create_token(store: GraphStore, workspace: str, role: str) -> str:
    """Store a new token for `workspace` with `role` and return its secret (shown once, never stored)."""
    problems = []
    if not WORKSPACE_PATTERN.match(workspace or ""):
        problems.append(("workspace", f"{workspace!r} must be 1-63 lower-case letters, digits or '-'"))
    if role not in Role.__members__:
        problems.append(("role", f"{role!r} is not one of {', '.join(Role.__members__)}"))
    if problems:
        raise InvalidInputError(problems)
    token_id = secrets.token_hex(8)
    token = f"grc_{token_id}_{secrets.token_urlsafe(32)}"
    node, graph = _node(token_id), ox.NamedNode(TOKEN_GRAPH)
    created = dt.datetime.now(dt.UTC).replace(microsecond=0).isoformat()
    store.extend(
        [
            ox.Quad(node, ox.NamedNode(RDF_TYPE), ox.NamedNode(f"{AUTH}ApiToken"), graph),
            ox.Quad(node, ox.NamedNode(f"{AUTH}tokenHash"), ox.Literal(_hash(token)), graph),
            ox.Quad(node, ox.NamedNode(f"{AUTH}workspace"), ox.Literal(workspace), graph),
            ox.Quad(node, ox.NamedNode(f"{AUTH}role"), ox.Literal(role), graph),
            ox.Quad(node, ox.NamedNode(f"{AUTH}created"), ox.Literal(created, datatype=ox.NamedNode(f"{XSD}dateTime")), graph),
            ox.Quad(node, ox.NamedNode(f"{AUTH}revoked"), ox.Literal("false", datatype=ox.NamedNode(f"{XSD}boolean")), graph),
        ]
    )
    store.flush()
    return token


def token_record(store: GraphStore, token_id: str) -> TokenRecord | None:
    return _record(token_id, _values(store, token_id))


def _values(store: GraphStore, token_id: str) -> dict[str, str]:
    """A token's stored fields, hash included, in one store read."""
    return {
        quad.predicate.value[len(AUTH) :]: quad.object.value
        for quad in store.quads(_node(token_id), None, None, ox.NamedNode(TOKEN_GRAPH))
        if isinstance(quad.object, ox.Literal)
    }


def _record(token_id: str, values: dict[str, str]) -> TokenRecord | None:
    if "tokenHash" not in values or values.get("role") not in Role.__members__:
        return None
    return TokenRecord(token_id, values["workspace"], Role[values["role"]], values.get("created", ""), values.get("revoked") == "true")


def tokens(store: GraphStore) -> list[TokenRecord]:
    """Every token record, in one store read."""
    values: dict[str, dict[str, str]] = {}
    for quad in store.described(ox.NamedNode(RDF_TYPE), ox.NamedNode(f"{AUTH}ApiToken"), ox.NamedNode(TOKEN_GRAPH)):
        if isinstance(quad.subject, ox.NamedNode) and isinstance(quad.object, ox.Literal):
            values.setdefault(quad.subject.value.rsplit("/", 1)[-1], {})[quad.predicate.value[len(AUTH) :]] = quad.object.value
    records = (_record(i, values[i]) for i in sorted(values) if TOKEN_ID.match(i))
    return [record for record in records if record is not None]


def revoke_token(store: GraphStore, token_id: str) -> None:
    """Mark a token revoked (the record stays, for audit); NotFoundError if there is no such token."""
    node = _node(token_id)
    if token_record(store, token_id) is None:
        raise NotFoundError(f"no token {token_id!r}")
    # The node IRI is built from a token id matching TOKEN_ID (hex only): nothing else reaches the text.
    store.update(
        f"DELETE WHERE {{ GRAPH <{TOKEN_GRAPH}> {{ {node} <{AUTH}revoked> ?old }} }} ;\n"
        f'INSERT DATA {{ GRAPH <{TOKEN_GRAPH}> {{ {node} <{AUTH}revoked> "true"^^<{XSD}boolean> }} }}'
    )
    store.flush()


def authenticate(store: GraphStore, token: str) -> TokenRecord | None:
    """The live record of a presented token, or None when it is malformed, unknown, wrong or revoked."""
    match = TOKEN_FORM.match(token.strip())
    if not match:
        return None
    # One read per request: on a remote store every read is a round trip.
    values = _values(store, match.group(1))
    stored = values.get("tokenHash")
    if stored is None or not hmac.compare_digest(stored, _hash(token.strip())):
        return None
    record = _record(match.group(1), values)
    if record is None or record.revoked:
        return None
    return record


class VerifiedTokens:
    """Tokens verified in the last `ttl` seconds, by the SHA-256 of the whole token, so that a client
    sending the same token on every request costs the store one lookup per `ttl`.

    Only verified tokens are kept (a wrong or unknown token is checked against the store every
    time), and the key is the hash of the whole presented token, so one token's record is never
    served to another. A revocation in this process (`forget`) takes effect at once; one made by
    another process sharing the store reaches this one within `ttl` seconds at most.
    """

    def __init__(self, ttl: float = 5.0, size: int = 1024, clock: Callable[[], float] = time.monotonic) -> None:
        self.ttl = ttl
        self._entries: TTLCache[str, TokenRecord] = TTLCache(size, ttl, timer=clock)
        self._generation = 0  # bumped by every revocation: a lookup that raced one is not kept
        self._lock = threading.Lock()  # requests run on several threads, and a hit reorders entries

    def recent(self, token: str) -> TokenRecord | None:
        """The record of a token verified within `ttl`, without a store read; None if there is none."""
        if self.ttl <= 0:
            return None
        with self._lock:
            return self._entries.get(_hash(token.strip()))

    def authenticate(self, store: GraphStore, token: str) -> TokenRecord | None:
        if self.ttl <= 0:
            return authenticate(store, token)
        key = _hash(token.strip())
        with self._lock:
            found = self._entries.get(key)
            generation = self._generation
        if found is not None:
            return found
        record = authenticate(store, token)
        with self._lock:
            if record is None or generation != self._generation:
                self._entries.pop(key, None)
            else:
                self._entries[key] = record
        return record

    def forget(self, token_id: str) -> None:
        """Drop a token revoked in this process: its next request is checked against the store."""
        with self._lock, self._entries.timer:  # one instant, so no entry expires between the scan and its removal
            self._generation += 1
            for key in [key for key, record in self._entries.items() if record.id == token_id]:
                del self._entries[key]
