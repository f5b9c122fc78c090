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
from grcgraph.store.batch import XSD_STRING, Batch, Lit
from grcgraph.vocab import iris
from grcgraph.workspace.inputs import WORKSPACE_PATTERN, one_at_a_time
from grcgraph.workspace.logged import write_logged

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


@one_at_a_time
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
    node = _node(token_id)
    created = dt.datetime.now(dt.UTC).replace(microsecond=0).isoformat()
    data = Batch()
    record = data.node(node.value, f"{AUTH}ApiToken", FieldPath())
    record.add(f"{AUTH}tokenHash", Lit(_hash(token)))
    record.add(f"{AUTH}workspace", Lit(workspace))
    record.add(f"{AUTH}role", Lit(role))
    record.add(f"{AUTH}created", Lit(created, f"{XSD}dateTime"))
    record.add(f"{AUTH}revoked", Lit("false", f"{XSD}boolean"))
    write_logged(store, TOKEN_GRAPH, data)
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


@one_at_a_time
def revoke_token(store: GraphStore, token_id: str) -> None:
    """Mark a token revoked (the record stays, for audit); NotFoundError if there is no such token."""
    node = _node(token_id)
    if token_record(store, token_id) is None:
        raise NotFoundError(f"no token {token_id!r}")
    # Written as a new state of the record (in the history, with the state before it); its IRI is
    # built from a token id matching TOKEN_ID (hex only): nothing else reaches an update's text.
    values = _values(store, token_id)
    data = Batch()
    record = data.node(node.value, f"{AUTH}ApiToken", FieldPath())
    for name, value in values.items():
        datatype = f"{XSD}dateTime" if name == "created" else f"{XSD}boolean" if name == "revoked" else None
        record.add(f"{AUTH}{name}", Lit("true" if name == "revoked" else value, datatype or XSD_STRING))
    write_logged(store, TOKEN_GRAPH, data, [node.value])
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
