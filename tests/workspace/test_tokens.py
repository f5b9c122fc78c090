"""Token records in the store: expiry, last use written in batches (a read is not a write), and
revocations flagged with who and when, never deleted."""

from __future__ import annotations

import datetime as dt

import pytest

from grcgraph.errors import InvalidInputError
from grcgraph.store import open_store
from grcgraph.workspace import tokens

NOW = dt.datetime(2027, 1, 31, 12, 30, 45, tzinfo=dt.UTC)


class CountingStore:
    """A store that counts its updates."""

    def __init__(self) -> None:
        self.inner = open_store(None)
        self.updates = 0

    def __getattr__(self, name: str) -> object:
        return getattr(self.inner, name)

    def update(self, sparql: str) -> None:
        self.updates += 1
        self.inner.update(sparql)


def test_last_use_is_written_in_batches_to_the_minute() -> None:
    store = CountingStore()
    a = tokens.create_token(store, "acme", "reader", now=NOW).split("_")[1]  # type: ignore[arg-type]
    b = tokens.create_token(store, "acme", "editor", now=NOW).split("_")[1]  # type: ignore[arg-type]
    store.updates = 0  # making the tokens wrote them (and their history): count from here
    use = tokens.TokenUse()
    for second in range(10):  # many requests within one minute
        use.note(a, NOW + dt.timedelta(seconds=second))
        use.note(b, NOW + dt.timedelta(seconds=second))
    assert store.updates == 0, "noting a use writes nothing"
    assert use.flush(store) == 2  # type: ignore[arg-type]
    assert store.updates == 1, "one update for every token"
    assert tokens.token_record(store, a).last_used == "2027-01-31T12:30:00Z"  # type: ignore[arg-type, union-attr]
    use.note(a, NOW + dt.timedelta(seconds=14))
    assert use.flush(store) == 0, "the same minute: nothing to write"  # type: ignore[arg-type]
    use.note(a, NOW + dt.timedelta(minutes=2))
    assert use.flush(store) == 1  # type: ignore[arg-type]
    assert store.updates == 2
    assert tokens.token_record(store, a).last_used == "2027-01-31T12:32:00Z"  # type: ignore[arg-type, union-attr]
    assert tokens.token_record(store, b).last_used == "2027-01-31T12:30:00Z"  # type: ignore[arg-type, union-attr]


def test_expired_and_revoked_tokens_are_refused_and_kept() -> None:
    store = open_store(None)
    secret = tokens.create_token(store, "acme", "reader", expires=NOW + dt.timedelta(days=1), now=NOW)
    assert tokens.authenticate(store, secret, now=NOW) is not None
    assert tokens.authenticate(store, secret, now=NOW + dt.timedelta(days=1)) is None, "refused at its expiry"
    with pytest.raises(InvalidInputError, match="expires"):
        tokens.create_token(store, "acme", "reader", expires=NOW - dt.timedelta(seconds=1), now=NOW)

    other = tokens.create_token(store, "acme", "editor", now=NOW)
    token_id = other.split("_")[1]
    record = tokens.revoke_token(store, token_id, by="0123456789abcdef", now=NOW)
    assert (record.revoked, record.revoked_by, record.revoked_at) == (True, "0123456789abcdef", "2027-01-31T12:30:45Z")
    assert tokens.authenticate(store, other, now=NOW) is None
    again = tokens.revoke_token(store, token_id, by="cli", now=NOW + dt.timedelta(hours=1))
    assert again == record, "the first revocation's who and when are kept"
    assert token_id in {r.id for r in tokens.tokens(store, "acme")}, "never deleted"
    with pytest.raises(ValueError, match="who changes a token"):
        tokens.revoke_token(store, tokens.create_token(store, "acme", "reader").split("_")[1], by='x" } ; DROP ALL')
