"""Verified API tokens, kept for a few seconds so that a client sending the same token on every
request costs the store one lookup per few seconds. Token records live in the store
(`grcgraph.workspace.tokens`); the server checks them through the facade."""

from __future__ import annotations

import hashlib
import threading
import time
from collections.abc import Callable

from cachetools import TTLCache

from grcgraph.model import TokenRecord

Check = Callable[[str], TokenRecord | None]  # a presented token's live record, or None


def _hash(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


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

    def authenticate(self, check: Check, token: str) -> TokenRecord | None:
        if self.ttl <= 0:
            return check(token)
        key = _hash(token.strip())
        with self._lock:
            found = self._entries.get(key)
            generation = self._generation
        if found is not None:
            return found
        record = check(token)
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
