"""API tokens, kept in the store's token graph: only the SHA-256 of each secret is stored, never the
secret. A token is `grc_<id>_<secret>`: the id finds the record, the hash of the whole token checks it.
The server checks presented tokens through the facade (`GRCGraph.authenticate`) and keeps the
verified ones for a few seconds (`grcgraph.server.auth.VerifiedTokens`).

Every change (a token made, revoked, its last use) is written as the record's new state through
`write_logged`, so that it is in the token graph's history with the state before it; the only IRIs
in an update's text are built from a validated token id; no user text is ever formatted into SPARQL.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import hashlib
import hmac
import re
import secrets
import threading
from collections.abc import Callable

import pyoxigraph as ox

from grcgraph.errors import InvalidInputError, NotFoundError
from grcgraph.model import FieldPath, Problem, Role, TokenRecord
from grcgraph.store.base import GraphStore
from grcgraph.store.batch import XSD_STRING, Batch, Lit
from grcgraph.vocab import iris
from grcgraph.vocab.terms import is_true
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


BY_FORM = re.compile(r"^(cli|[0-9a-f]{16})$")  # who made or revoked a token: the CLI, or a token id
USE_RESOLUTION = dt.timedelta(minutes=1)  # last-used times are kept to the minute, written in batches


def now_utc() -> dt.datetime:
    return dt.datetime.now(dt.UTC).replace(microsecond=0)


def iso(moment: dt.datetime) -> str:
    """A UTC instant to the second as the store gives it back: 2027-01-31T00:00:00Z."""
    return moment.astimezone(dt.UTC).replace(microsecond=0).isoformat().replace("+00:00", "Z")


def _when(moment: dt.datetime) -> ox.Literal:
    return ox.Literal(iso(moment), datatype=ox.NamedNode(f"{XSD}dateTime"))


def _by(by: str) -> str:
    if not BY_FORM.match(by):
        raise ValueError(f"who changes a token is 'cli' or a token id, not {by[:40]!r}")
    return by


DATE_TIMES = ("created", "expires", "lastUsed", "revokedAt")


def _write_states(store: GraphStore, states: dict[str, dict[str, str]], replace: bool) -> None:
    """Write each token's whole state (field -> value) in one logged update, replacing the stored one."""
    data = Batch()
    for token_id, values in sorted(states.items()):
        record = data.node(_node(token_id).value, f"{AUTH}ApiToken", FieldPath())
        for name, value in values.items():
            datatype = f"{XSD}dateTime" if name in DATE_TIMES else f"{XSD}boolean" if name == "revoked" else XSD_STRING
            record.add(f"{AUTH}{name}", Lit(value, datatype))
    write_logged(store, TOKEN_GRAPH, data, [_node(i).value for i in sorted(states)] if replace else ())


@one_at_a_time
def create_token(
    store: GraphStore, workspace: str, role: str, *, expires: dt.datetime | None = None, by: str = "cli", now: dt.datetime | None = None
) -> str:
    """Store a new token for `workspace` with `role` and return its secret (shown once, never stored).
    `expires`: refused from that instant on (timezone-aware, in the future); `by`: who made it."""
    problems = []
    moment = now or now_utc()
    if not WORKSPACE_PATTERN.match(workspace or ""):
        problems.append(Problem(f"{workspace[:100]!r} must be 1-63 lower-case letters, digits or '-'", FieldPath("workspace")))
    if role not in Role.__members__:
        problems.append(Problem(f"{role[:20]!r} is not one of {', '.join(Role.__members__)}", FieldPath("role")))
    if expires is not None and (expires.tzinfo is None or expires <= moment):
        problems.append(
            Problem(f"{expires.isoformat()} must be a date-time with a time zone, after now ({moment.isoformat()})", FieldPath("expires"))
        )
    if problems:
        raise InvalidInputError(problems)
    token_id = secrets.token_hex(8)
    token = f"grc_{token_id}_{secrets.token_urlsafe(32)}"
    values = {
        "tokenHash": _hash(token),
        "workspace": workspace,
        "role": role,
        "created": iso(moment),
        "createdBy": _by(by),
        "revoked": "false",
    }
    if expires is not None:
        values["expires"] = iso(expires)
    _write_states(store, {token_id: values}, replace=False)
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
    return TokenRecord(
        token_id,
        values["workspace"],
        Role[values["role"]],
        values.get("created", ""),
        is_true(values.get("revoked")),
        expires=values.get("expires"),
        last_used=values.get("lastUsed"),
        created_by=values.get("createdBy"),
        revoked_by=values.get("revokedBy"),
        revoked_at=values.get("revokedAt"),
    )


def tokens(store: GraphStore, workspace: str | None = None) -> list[TokenRecord]:
    """Every token record (of `workspace` only, when given), in one store read."""
    values: dict[str, dict[str, str]] = {}
    for quad in store.described(ox.NamedNode(RDF_TYPE), ox.NamedNode(f"{AUTH}ApiToken"), ox.NamedNode(TOKEN_GRAPH)):
        if isinstance(quad.subject, ox.NamedNode) and isinstance(quad.object, ox.Literal):
            values.setdefault(quad.subject.value.rsplit("/", 1)[-1], {})[quad.predicate.value[len(AUTH) :]] = quad.object.value
    records = (_record(i, values[i]) for i in sorted(values) if TOKEN_ID.match(i))
    return [record for record in records if record is not None and workspace in (None, record.workspace)]


@one_at_a_time
def revoke_token(store: GraphStore, token_id: str, *, by: str = "cli", now: dt.datetime | None = None) -> TokenRecord:
    """Mark a token revoked, with who and when (the record stays, for audit; a second revocation
    keeps the first's who and when); NotFoundError if there is no such token."""
    _node(token_id)  # NotFoundError for an id of the wrong form
    record = token_record(store, token_id)
    if record is None:
        raise NotFoundError(f"no token {token_id!r}")
    if record.revoked:
        return record
    values = _values(store, token_id) | {"revoked": "true", "revokedBy": _by(by), "revokedAt": iso(now or now_utc())}
    _write_states(store, {token_id: values}, replace=True)
    found = token_record(store, token_id)
    assert found is not None
    return found


def authenticate(store: GraphStore, token: str, now: dt.datetime | None = None) -> TokenRecord | None:
    """The live record of a presented token, or None when it is malformed, unknown, wrong, revoked or expired."""
    match = TOKEN_FORM.match(token.strip())
    if not match:
        return None
    # One read per request: on a remote store every read is a round trip.
    values = _values(store, match.group(1))
    stored = values.get("tokenHash")
    if stored is None or not hmac.compare_digest(stored, _hash(token.strip())):
        return None
    record = _record(match.group(1), values)
    if record is None or record.revoked or record.expired(now or now_utc()):
        return None
    return record


@one_at_a_time
def record_token_use(write: Callable[[], None]) -> None:
    """`write` as one logged write (its history entry names the flush of last uses)."""
    write()


class TokenUse:
    """When each token was last used, kept to the minute in memory and written in batches (`flush`),
    so that a read does not become a write: at most one update per flush, naming only the tokens
    whose minute moved since the last one."""

    def __init__(self) -> None:
        self._seen: dict[str, dt.datetime] = {}
        self._written: dict[str, dt.datetime] = {}
        self._lock = threading.Lock()

    def note(self, token_id: str, now: dt.datetime | None = None) -> None:
        moment = (now or now_utc()).astimezone(dt.UTC)
        minute = moment - dt.timedelta(seconds=moment.second, microseconds=moment.microsecond)
        with self._lock:
            if self._seen.get(token_id) != minute:
                self._seen[token_id] = minute

    def latest(self, record: TokenRecord) -> TokenRecord:
        """`record` with the last use noted here when it is later than the stored one."""
        with self._lock:
            seen = self._seen.get(record.id)
        if seen is None or (record.last_used and dt.datetime.fromisoformat(record.last_used) >= seen):
            return record
        return dataclasses.replace(record, last_used=iso(seen))

    def flush(self, store: GraphStore) -> int:
        """Write the last-used times that moved since the last flush, in one update; how many."""
        with self._lock:
            pending = {i: t for i, t in self._seen.items() if self._written.get(i) != t and TOKEN_ID.match(i)}
        if not pending:
            return 0
        states = {i: _values(store, i) | {"lastUsed": iso(t)} for i, t in sorted(pending.items())}
        record_token_use(lambda: _write_states(store, {i: v for i, v in states.items() if "tokenHash" in v}, replace=True))
        with self._lock:
            self._written.update(pending)
        return len(pending)
