"""Errors as the caller sees them: every GraphQL error carries a stable `extensions.code`, and the
message of anything unexpected (a bug, a store failure) is hidden."""

from __future__ import annotations

import re
from typing import Any

from graphql import GraphQLError

from grcgraph.errors import InvalidInputError, NotFoundError, StoreUnavailableError, UnknownRequirementError
from grcgraph.model import FieldPath, Problem


class ApiError(Exception):
    """An error the caller should see, with its stable code."""

    def __init__(self, code: str, message: str, **extensions: object) -> None:
        super().__init__(message)
        self.code = code
        self.extensions = extensions


# graphql-core's message for a variable refused at coercion (a value outside an enum, a missing field)
VARIABLE_ERROR = re.compile(r"Variable '\$(\w+)' has invalid value(?: at ([^:]*))?: (.*)", re.DOTALL)


def invalid(field: str, message: str) -> InvalidInputError:
    """One problem with one argument, named as the caller spells it."""
    return InvalidInputError([Problem(message, FieldPath(field))])


def expected(error: GraphQLError) -> bool:
    """False for an error raised by something other than the caller's request (a bug, a store failure)."""
    original = error.original_error
    return original is None or isinstance(original, ApiError | InvalidInputError | NotFoundError | UnknownRequirementError | GraphQLError)


def format_error(error: GraphQLError) -> dict[str, Any]:
    """The JSON of one error: a stable code always, the message only when it is meant for the caller."""
    formatted: dict[str, Any] = dict(error.formatted)
    original = error.original_error
    extensions: dict[str, Any] = dict(error.extensions or {})
    if isinstance(original, ApiError):
        extensions.update(original.extensions, code=original.code)
    elif isinstance(original, InvalidInputError):
        extensions.update(code="INVALID_INPUT", problems=[{"field": str(p.path), "message": p.message} for p in original.problems])
    elif isinstance(original, NotFoundError):
        extensions.update(code="NOT_FOUND")
    elif isinstance(original, UnknownRequirementError):
        extensions.update(code="INVALID_INPUT" if original.candidates else "NOT_FOUND")
        if original.candidates:
            extensions["candidates"] = original.candidates
        if original.nearest:
            extensions["nearest"] = original.nearest
    elif isinstance(original, StoreUnavailableError):
        # The store's address and the cause go to the server's log, not to callers.
        formatted["message"] = "the store is unavailable; try again later"
        extensions = {"code": "STORE_UNAVAILABLE"}
    elif not expected(error):
        formatted["message"] = "internal error: the server could not answer this field"
        extensions = {"code": "INTERNAL_SERVER_ERROR"}
    elif "code" not in extensions:
        if error.message.startswith("Syntax Error"):
            extensions["code"] = "GRAPHQL_PARSE_FAILED"
        elif error.message.startswith(("Variable '$", "Too many errors processing variables")):
            extensions["code"] = "INVALID_INPUT"
            found = VARIABLE_ERROR.match(error.message)
            if found:  # named as the input's other problems are: items[3].kind
                name, where, message = found.groups()
                extensions["problems"] = [{"field": name + (where or ""), "message": message}]
        else:
            extensions["code"] = "GRAPHQL_VALIDATION_FAILED"
    formatted["extensions"] = extensions
    return formatted
