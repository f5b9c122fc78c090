"""The GraphQL schema over `grcgraph.api.GRCGraph`: the queries (`query.py`) and mutations
(`mutation.py`), with the guards that refuse a query before it runs (`guards.py`).

Errors carry a stable `extensions.code` (NOT_FOUND, INVALID_INPUT, UNAUTHENTICATED, FORBIDDEN,
QUERY_TOO_COMPLEX, plus GRAPHQL_PARSE_FAILED, GRAPHQL_VALIDATION_FAILED and INTERNAL_SERVER_ERROR)
set by `format_error`, which also hides the message of anything unexpected.
"""

from __future__ import annotations

import logging
from collections.abc import Callable

import strawberry
from graphql import GraphQLError
from strawberry.extensions import DisableIntrospection, SchemaExtension
from strawberry.schema.config import StrawberryConfig
from strawberry.types import ExecutionContext

from grcgraph.errors import StoreUnavailableError
from grcgraph.server.aims import AIMSQuery
from grcgraph.server.aims_mutation import AIMSMutation
from grcgraph.server.error_format import expected
from grcgraph.server.guards import guard_extension
from grcgraph.server.mutation import Mutation
from grcgraph.server.node import NodeQuery
from grcgraph.server.query import Query
from grcgraph.server.response_cache import MarkQueries
from grcgraph.server.scalars import SCALARS
from grcgraph.server.settings import Settings

# The root types, one class per concept, merged in this order (a concept adds its class here).
QUERIES: tuple[type, ...] = (Query, AIMSQuery, NodeQuery)
MUTATIONS: tuple[type, ...] = (Mutation, AIMSMutation)
QUERY_DESCRIPTION = (
    "What a token may read: the reference graph (frameworks, requirements, mappings, dates of application) and its own "
    "workspace (evidence, AI systems, SoA, AIMS records, coverage and gap reports); every field needs the reader role"
)
MUTATION_DESCRIPTION = (
    "Writes to the caller's workspace (editor role; tokens: admin): each one whole or not at all, every problem of its input "
    "reported in one INVALID_INPUT answer at its path"
)

log = logging.getLogger("grcgraph.server")


class Schema(strawberry.Schema):
    def process_errors(self, errors: list[GraphQLError], execution_context: ExecutionContext | None = None) -> None:
        """Log what went wrong on the server's side, with its trace; the caller's own mistakes are answers, not log noise."""
        for error in errors:
            if isinstance(error.original_error, StoreUnavailableError):
                log.warning("%s", error.original_error)
            elif not expected(error):
                log.error(
                    "unexpected error in %s", ".".join(str(p) for p in error.path or []) or "a request", exc_info=error.original_error
                )


def build_schema(settings: Settings | None = None) -> Schema:
    settings = settings or Settings()
    extensions: list[Callable[[], SchemaExtension]] = [guard_extension(settings)]
    if not settings.introspection:
        extensions.append(DisableIntrospection)
    if settings.response_cache_mb:
        extensions.append(MarkQueries)
    config = StrawberryConfig(disable_field_suggestions=not settings.introspection, scalar_map=SCALARS)
    query = strawberry.type(type("Query", QUERIES, {}), description=QUERY_DESCRIPTION)
    mutation = strawberry.type(type("Mutation", MUTATIONS, {}), description=MUTATION_DESCRIPTION)
    return Schema(query=query, mutation=mutation, extensions=extensions, config=config)


if __name__ == "__main__":  # regenerate the committed SDL: python -m grcgraph.server.schema > server/schema.graphql
    print(build_schema().as_str())
