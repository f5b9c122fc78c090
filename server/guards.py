"""Limits checked before a query runs, all answered QUERY_TOO_COMPLEX: tokens (while parsing),
depth and aliases, then the query's cost (`grcgraph.server.cost`) once it is known to be valid.
Nothing here reads the store, so a refused query costs the server almost nothing."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator

from graphql import GraphQLError, validate
from strawberry.extensions import SchemaExtension
from strawberry.extensions.max_aliases import create_validator as alias_rule
from strawberry.extensions.query_depth_limiter import create_validator as depth_rule
from strawberry.schema.schema import validate_document

from grcgraph.server.cost import query_cost
from grcgraph.server.settings import Settings

TOKENS_EXCEEDED = re.compile(r"more than \d+ tokens")


def guard_extension(settings: Settings) -> Callable[[], SchemaExtension]:
    rules = [depth_rule(settings.max_depth, None), alias_rule(settings.max_aliases)]

    class ComplexityGuard(SchemaExtension):
        def on_parse(self) -> Iterator[None]:
            self.execution_context.parse_options["max_tokens"] = settings.max_tokens
            yield
            for error in self.execution_context.pre_execution_errors or []:
                if TOKENS_EXCEEDED.search(error.message):
                    error.extensions = {"code": "QUERY_TOO_COMPLEX", "maxTokens": settings.max_tokens}

        def on_validate(self) -> Iterator[None]:
            # Validation runs here, in full, so that the cost is computed only for a valid query;
            # strawberry skips its own validation once `pre_execution_errors` is set.
            context = self.execution_context
            if context.graphql_document is not None and context.pre_execution_errors is None:
                schema, document = context.schema._schema, context.graphql_document
                errors = validate(schema, document, rules)
                for error in errors:
                    error.extensions = {"code": "QUERY_TOO_COMPLEX"}
                if not errors:
                    errors = validate_document(schema, document, context.validation_rules)
                if not errors:
                    cost = query_cost(schema, document, context.operation_name, context.variables)
                    if cost > settings.max_query_cost:
                        message = f"the query costs {cost}; at most {settings.max_query_cost} is allowed (ask for smaller pages or fewer nested lists)"
                        errors = [
                            GraphQLError(
                                message, extensions={"code": "QUERY_TOO_COMPLEX", "cost": cost, "maxCost": settings.max_query_cost}
                            )
                        ]
                context.pre_execution_errors = list(errors)
            yield

    return ComplexityGuard
