"""API tokens, kept in the store's token graph: only the SHA-256 of each secret is stored, never the
secret. A token is `grc_<id>_<secret>`: the id finds the record, the hash of the whole token checks it.
The server checks presented tokens through the facade (`GRCGraph.authenticate`) and keeps the
verified ones for a few seconds (`grcgraph.server.auth.VerifiedTokens`).

Writes go through pyoxigraph `Store.extend` (terms, not text) and one SPARQL update whose only IRIs
are built from a validated token id; no user text is ever formatted into SPARQL.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import re
import secrets

import pyoxigraph as ox

from grcgraph.errors import InvalidInputError, NotFoundError
from grcgraph.model import FieldPath, Problem, Role, TokenRecord
from grcgraph.store.base import GraphStore
from grcgraph.vocab import iris
from grcgraph.vocab.terms import is_true
from grcgraph.workspace.inputs import WORKSPACE_PATTERN

TOKEN_GRAPH = f"{iris.BASE}graph/tokens"
AUTH = "https://w3id.org/grcgraph/auth#"
RDF_TYPE = "http://www.w3.org/1999/02/22-rdf-syntax-ns#type"
XSD = "http://www.w3.org/2001/XMLSchema#"
TOKEN_ID = re.compile(r"^[0-9a-f]{16}$")
TOKEN_FORM = re.compile(r"^grc_([0-9a-f]{16})_[A-Za-z0-9_-]{20,100}$")


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
        problems.append(Problem(f"{workspace!r} must be 1-63 lower-case letters, digits or '-'", FieldPath("workspace")))
    if role not in Role.__members__:
        problems.append(Problem(f"{role!r} is not one of {', '.join(Role.__members__)}", FieldPath("role")))
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
    return TokenRecord(token_id, values["workspace"], Role[values["role"]], values.get("created", ""), is_true(values.get("revoked")))


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
