"""Limits checked before a query runs, all answered QUERY_TOO_COMPLEX: tokens (while parsing),
depth and aliases, then the query's cost (`grcgraph.server.cost`) once it is known to be valid.
Nothing here reads the store, so a refused query costs the server almost nothing.

Parsing and validating a document costs more than answering most queries, and clients send the
same few texts over and over: each guard keeps the parsed document and its validation errors per
query text (`DocumentCache`). The cost depends on the variables, so it is computed on every request.
"""

from __future__ import annotations

import re
import threading
from collections.abc import Callable, Iterator
from dataclasses import dataclass

from cachetools import LRUCache
from graphql import ASTValidationRule, DocumentNode, GraphQLError, validate
from strawberry.extensions import SchemaExtension
from strawberry.extensions.max_aliases import create_validator as alias_rule
from strawberry.extensions.query_depth_limiter import create_validator as depth_rule
from strawberry.schema.schema import validate_document

from grcgraph.server.cost import query_cost
from grcgraph.server.settings import Settings

TOKENS_EXCEEDED = re.compile(r"more than \d+ tokens")
CACHED_TEXTS = 256
CACHED_TEXT_CHARS = 20_000  # longer texts are rare and would make the cache's memory unbounded in practice


@dataclass(frozen=True)
class Checked:
    """A valid (or invalid) document: what parsing and validating its text gave."""

    document: DocumentNode
    errors: tuple[GraphQLError, ...]


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


def guard_extension(settings: Settings, cache: DocumentCache | None = None) -> Callable[[], SchemaExtension]:
    rules = [depth_rule(settings.max_depth, None), alias_rule(settings.max_aliases)]
    documents = cache if cache is not None else DocumentCache(settings.document_cache_size)

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

        def on_validate(self) -> Iterator[None]:
            # Validation runs here, in full, so that the cost is computed only for a valid query;
            # strawberry skips its own validation once `pre_execution_errors` is set.
            context = self.execution_context
            if context.graphql_document is not None and context.pre_execution_errors is None:
                schema, document = context.schema._schema, context.graphql_document
                if self.cached is None:
                    self.cached = Checked(document, tuple(self.validate(document)))
                    if context.query:
                        documents.put(self.key(), self.cached)
                errors = list(self.cached.errors)
                if not errors:
                    cost = query_cost(schema, document, context.operation_name, context.variables)
                    if cost > settings.max_query_cost:
                        message = f"the query costs {cost}; at most {settings.max_query_cost} is allowed (ask for smaller pages or fewer nested lists)"
                        errors = [
                            GraphQLError(
                                message, extensions={"code": "QUERY_TOO_COMPLEX", "cost": cost, "maxCost": settings.max_query_cost}
                            )
                        ]
                context.pre_execution_errors = errors
            yield

        def validate(self, document: DocumentNode) -> list[GraphQLError]:
            context = self.execution_context
            schema = context.schema._schema
            errors = validate(schema, document, rules)
            for error in errors:
                error.extensions = {"code": "QUERY_TOO_COMPLEX"}
            return errors or validate_document(schema, document, context.validation_rules)

    return ComplexityGuard
