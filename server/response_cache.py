"""Serialised answers to repeated questions, kept per workspace revision.

A GRC platform, a dashboard or a CI job asks the same few questions over and over (coverage of an
item, a gap report page, the register's first page) while the workspace does not change. Executing
such a question again costs a GraphQL execution and its JSON (a coverage answer has 150-260
fields); the answer is the same as long as what it depends on is the same:

- the workspace's revision stamp (grcgraph.store.revision), which every write replaces in the same
  update as its data, whichever process makes it: a stamp read before the question is asked names
  the data the answer was computed from, so an entry is never older than its key;
- the caller's access: their workspace, role and token (`viewer` answers with the token's id);
- the request body as sent: the query text, its variables and operation name;
- today's date, which every `on` left out defaults to.

So the cache is exact: a write changes the stamp, and the next request computes a new answer.
Not kept: mutations, answers with an error, and everything an admin asks (the token list lives
outside any workspace's stamp). The reference graph is read-only while the server runs.

A body is kept only once it has been answered without error before: a question asked once never
costs the store a stamp read (nor takes room in the cache), and a refused question never reaches
the store at all. Entries are held least recently used first out, under a budget in bytes
(`response_cache_mb`); the keys hold a SHA-256 digest of what identifies the question, not the
body itself.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import threading
from collections.abc import Callable, Iterator
from dataclasses import dataclass

from cachetools import LRUCache
from strawberry.extensions import SchemaExtension
from strawberry.types.graphql import OperationType

ENTRY_OVERHEAD = 200  # bytes per entry beside the answer: the key, the digest and the cache's own records
SEEN_SHARE = 16  # the digests of questions answered once take at most this share of the budget


def today() -> dt.date:
    """The date the answers are for (a module function, so tests can move the clock)."""
    return dt.date.today()


@dataclass
class Question:
    """One request's question: its digest, and the stamp read before it was answered (when it was)."""

    digest: bytes
    stamped: bool = False
    revision: str | None = None


class ResponseCache:
    """Serialised answers (bytes), keyed by (digest of the caller's access, today's date and the body,
    revision stamp), under `max_bytes`."""

    def __init__(self, max_bytes: int, clock: Callable[[], dt.date] | None = None) -> None:
        self.max_bytes = max_bytes
        self._clock = clock
        self._answers: LRUCache[tuple[bytes, str | None], bytes] = LRUCache(max(1, max_bytes), getsizeof=_entry_size)
        self._seen: LRUCache[bytes, bool] = LRUCache(max(1, max_bytes // SEEN_SHARE // ENTRY_OVERHEAD))
        self._lock = threading.Lock()  # requests run on several threads, and an LRU hit reorders entries
        self.hits = 0
        self.stored = 0
        self.asked = 0  # questions looked up (none when the cache is off)

    @property
    def enabled(self) -> bool:
        return self.max_bytes > 0

    def question(self, workspace: str, role: int, token_id: str | None, body: bytes) -> Question:
        self.asked += 1
        day = (self._clock or today)()
        digest = hashlib.sha256()
        for part in (workspace.encode(), str(role).encode(), (token_id or "").encode(), day.isoformat().encode()):
            digest.update(len(part).to_bytes(4, "big"))
            digest.update(part)
        digest.update(body)
        return Question(digest.digest())

    def seen(self, question: Question) -> bool:
        """Whether this question was answered without error before (then its stamp is worth reading)."""
        with self._lock:
            return self._seen.get(question.digest, False)

    def get(self, question: Question) -> bytes | None:
        if not question.stamped:
            return None
        with self._lock:
            found = self._answers.get((question.digest, question.revision))
            if found is not None:
                self.hits += 1
            return found

    def put(self, question: Question, answer: bytes) -> None:
        """Keep `answer` when the question's stamp was read before it was computed; otherwise note
        that the question was asked, so that the next time its stamp is read and its answer kept."""
        with self._lock:
            if not question.stamped:
                self._seen[question.digest] = True
            elif _entry_size(answer) <= self.max_bytes // 4:  # one answer never pushes out most of the others
                self._answers[(question.digest, question.revision)] = answer
                self.stored += 1

    def __len__(self) -> int:
        return len(self._answers)

    def size(self) -> int:
        """Bytes held by the answers, as counted against the budget."""
        return int(self._answers.currsize)


def _entry_size(answer: bytes) -> int:
    return len(answer) + ENTRY_OVERHEAD


class MarkQueries(SchemaExtension):
    """Tells the request's context whether the operation executed is a query (not a mutation), the
    only kind whose answer may be kept."""

    def on_execute(self) -> Iterator[None]:
        context = self.execution_context
        context.context.executed_query = context.operation_type is OperationType.QUERY
        yield
