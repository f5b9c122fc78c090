"""Errors as the caller sees them: every GraphQL error carries a stable `extensions.code`, and the
message of anything unexpected (a bug, a store failure) is hidden."""

from __future__ import annotations

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
        elif error.message.startswith("Variable '$"):
            extensions["code"] = "INVALID_INPUT"
        else:
            extensions["code"] = "GRAPHQL_VALIDATION_FAILED"
    formatted["extensions"] = extensions
    return formatted
