"""Limits checked before a query runs, all answered QUERY_TOO_COMPLEX (but RATE_LIMITED, HTTP 429, when
the checkers are too busy to check a document in time): tokens (while parsing),
depth and aliases, then the query's cost (`grcgraph.server.cost`, each linear in the document)
once it is known to be valid. Nothing here reads the store, so a refused query costs the server
almost nothing; the caller's token has been checked before any of it (`grcgraph.server.app`).

Parsing is linear and capped by the token limit. Validation is not linear in every document
(graphql-core's overlapping-fields rule compares same-named fields pairwise: 0.5-0.7 s for the
worst 2,000-token documents), so it runs on a worker thread, at most VALIDATING at once, and a
document not checked within CHECK_SECONDS is refused: the event loop keeps answering meanwhile.

Clients send the same few texts over and over: each guard keeps the parsed document and its
validation errors per query text (`DocumentCache`). The cost depends on the variables, so it is
computed on every request.
"""

from __future__ import annotations

import asyncio
import re
import threading
from collections.abc import AsyncIterator, Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass

from cachetools import LRUCache
from graphql import ASTValidationRule, DocumentNode, GraphQLError, GraphQLSchema
from strawberry.extensions import SchemaExtension
from strawberry.schema.schema import validate_document

from grcgraph.server.cost import CAP, query_cost, shape
from grcgraph.server.settings import Settings

TOKENS_EXCEEDED = re.compile(r"more than \d+ tokens")
CACHED_TEXTS = 256
CACHED_TEXT_CHARS = 20_000  # longer texts are rare and would make the cache's memory unbounded in practice
CHECK_SECONDS = 2.0  # far above the slowest document within the token limit (0.7 s)
VALIDATING = 2  # documents validated at once (the machine's cores); the others wait their turn


@dataclass(frozen=True)
class Checked:
    """A valid (or invalid) document: what parsing and validating its text gave."""

    document: DocumentNode
    errors: tuple[GraphQLError, ...]
    transient: bool = False  # refused for the machine's state (time), not the text's: not kept


CacheKey = tuple[str, tuple[type[ASTValidationRule], ...]]


class DocumentCache:
    """The last `size` query texts (each at most `max_chars`) with their checked documents.
    One cache per guard, so schemas built with different limits never share an entry; the
    validation rules in force are part of the key (extensions may add rules per operation)."""

    def __init__(self, size: int = CACHED_TEXTS, max_chars: int = CACHED_TEXT_CHARS) -> None:
        self.max_chars = max_chars
        self._entries: LRUCache[CacheKey, Checked] = LRUCache(size)
        self._lock = threading.Lock()  # requests run on several threads, and an LRU hit reorders entries

    def get(self, key: CacheKey) -> Checked | None:
        with self._lock:
            return self._entries.get(key)

    def put(self, key: CacheKey, checked: Checked) -> None:
        if self._entries.maxsize and len(key[0]) <= self.max_chars:  # size 0: nothing is kept
            with self._lock:
                self._entries[key] = checked

    def __len__(self) -> int:
        return len(self._entries)


def limit_errors(settings: Settings, document: DocumentNode) -> list[GraphQLError]:
    """Depth and alias limits, measured in one linear pass (`grcgraph.server.cost.shape`)."""
    measured = shape(document)
    errors = [
        GraphQLError(f"'{name}' exceeds maximum operation depth of {settings.max_depth}", extensions={"code": "QUERY_TOO_COMPLEX"})
        for name, depth in measured.depths.items()
        if depth > settings.max_depth
    ]
    if measured.aliases > settings.max_aliases:
        aliases = "more than 2^53" if measured.aliases >= CAP else str(measured.aliases)
        message = f"{aliases} aliases found. Allowed: {settings.max_aliases}"
        errors.append(GraphQLError(message, extensions={"code": "QUERY_TOO_COMPLEX"}))
    return errors


def check_document(
    settings: Settings, schema: GraphQLSchema, document: DocumentNode, rules: tuple[type[ASTValidationRule], ...]
) -> Checked:
    """The document's limit errors, or else its validation errors."""
    return Checked(document, tuple(limit_errors(settings, document) or validate_document(schema, document, rules)))


def guard_extension(settings: Settings, cache: DocumentCache | None = None) -> Callable[[], SchemaExtension]:
    documents = cache if cache is not None else DocumentCache(settings.document_cache_size)
    validators = ThreadPoolExecutor(VALIDATING, thread_name_prefix="validate")

    class ComplexityGuard(SchemaExtension):
        cached: Checked | None = None

        def key(self) -> CacheKey:
            context = self.execution_context
            return (context.query or "", tuple(context.validation_rules))

        def on_parse(self) -> Iterator[None]:
            context = self.execution_context
            context.parse_options["max_tokens"] = settings.max_tokens
            if context.query and context.graphql_document is None:
                self.cached = documents.get(self.key())
                if self.cached is not None:
                    context.graphql_document = self.cached.document  # strawberry skips parsing
            yield
            for error in context.pre_execution_errors or []:
                if TOKENS_EXCEEDED.search(error.message):
                    error.extensions = {"code": "QUERY_TOO_COMPLEX", "maxTokens": settings.max_tokens}

        async def on_validate(self) -> AsyncIterator[None]:
            # Validation runs here, in full, so that the cost is computed only for a valid query;
            # strawberry skips its own validation once `pre_execution_errors` is set.
            context = self.execution_context
            if context.graphql_document is not None and context.pre_execution_errors is None:
                schema, document = context.schema._schema, context.graphql_document
                if self.cached is None:
                    self.cached = await self.check(schema, document)
                    if context.query and not self.cached.transient:
                        documents.put(self.key(), self.cached)
                errors = list(self.cached.errors)
                if not errors:
                    cost = query_cost(schema, document, context.operation_name, context.variables)
                    if cost > settings.max_query_cost:
                        shown = "more than 2^53" if cost >= CAP else str(cost)
                        message = f"the query costs {shown}; at most {settings.max_query_cost} is allowed (ask for smaller pages or fewer nested lists)"
                        errors = [
                            GraphQLError(
                                message, extensions={"code": "QUERY_TOO_COMPLEX", "cost": cost, "maxCost": settings.max_query_cost}
                            )
                        ]
                context.pre_execution_errors = errors
            yield

        async def check(self, schema: GraphQLSchema, document: DocumentNode) -> Checked:
            """Limits and validation on a worker thread, refused past CHECK_SECONDS."""
            rules = tuple(self.execution_context.validation_rules)
            work = asyncio.get_running_loop().run_in_executor(validators, check_document, settings, schema, document, rules)
            try:
                return await asyncio.wait_for(work, timeout=CHECK_SECONDS)
            except TimeoutError:
                # Every checker was busy for CHECK_SECONDS: a limit of the server's, answered as every limit is.
                response = getattr(self.execution_context.context, "response", None)
                if response is not None:
                    response.status_code = 429
                    response.headers["Retry-After"] = "1"
                message = f"the query could not be checked within {CHECK_SECONDS:g} s; try again shortly, or send a smaller one"
                return Checked(document, (GraphQLError(message, extensions={"code": "RATE_LIMITED"}),), transient=True)

    return ComplexityGuard
