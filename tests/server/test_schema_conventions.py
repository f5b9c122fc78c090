"""Conventions of the public GraphQL schema, read from the schema itself: every type, field,
argument, input field and enum value documented for the people who call the API, and no date or
instant carried as a String."""

from __future__ import annotations

import re
from collections.abc import Iterator

from graphql import (
    GraphQLEnumType,
    GraphQLInputObjectType,
    GraphQLInterfaceType,
    GraphQLNamedType,
    GraphQLObjectType,
    GraphQLScalarType,
    GraphQLUnionType,
    get_named_type,
)

from grcgraph.server.schema import build_schema

SCHEMA = build_schema()._schema
BUILT_IN = {"String", "Int", "Float", "Boolean", "ID"}
# Names of fields and arguments that hold a date or an instant, as the API spells them.
TEMPORAL = re.compile(r"(On|At|From|Until|Date|Review|Due|Expires|Created|Time)$|^(on|at|due|expires|created|time|lastUsed|asOf)$")


def own_types() -> list[GraphQLNamedType]:
    return [t for name, t in sorted(SCHEMA.type_map.items()) if not name.startswith("__") and name not in BUILT_IN]


def undocumented() -> Iterator[str]:
    for kind in own_types():
        if not (kind.description or "").strip():
            yield kind.name
        if isinstance(kind, GraphQLObjectType | GraphQLInterfaceType):
            for name, field in kind.fields.items():
                if not (field.description or "").strip():
                    yield f"{kind.name}.{name}"
                for arg_name, arg in field.args.items():
                    if not (arg.description or "").strip():
                        yield f"{kind.name}.{name}({arg_name}:)"
        elif isinstance(kind, GraphQLInputObjectType):
            for name, input_field in kind.fields.items():
                if not (input_field.description or "").strip():
                    yield f"{kind.name}.{name}"
        elif isinstance(kind, GraphQLEnumType):
            for name, value in kind.values.items():
                if not (value.description or "").strip():
                    yield f"{kind.name}.{name}"


def test_every_type_field_argument_input_field_and_enum_value_is_documented() -> None:
    missing = list(undocumented())
    assert not missing, f"{len(missing)} parts of the schema have no description: " + ", ".join(missing)


def test_the_check_sees_every_kind_of_schema_member() -> None:
    kinds = {type(t) for t in own_types()}
    assert {GraphQLObjectType, GraphQLInputObjectType, GraphQLScalarType} <= kinds
    assert not any(isinstance(t, GraphQLUnionType) for t in own_types()), "a union: extend the check to its members"


def temporal_strings() -> Iterator[str]:
    for kind in own_types():
        if isinstance(kind, GraphQLObjectType | GraphQLInterfaceType | GraphQLInputObjectType):
            for name, field in kind.fields.items():
                if TEMPORAL.search(name) and get_named_type(field.type).name == "String":
                    yield f"{kind.name}.{name}"
                for arg_name, arg in getattr(field, "args", {}).items():
                    if TEMPORAL.search(arg_name) and get_named_type(arg.type).name == "String":
                        yield f"{kind.name}.{name}({arg_name}:)"


def test_no_date_or_instant_is_a_string() -> None:
    found = list(temporal_strings())
    assert not found, "dates are Date and instants DateTime, not String: " + ", ".join(found)


def test_the_date_check_knows_the_date_names() -> None:
    for name in ("collectedOn", "validUntil", "assertedAt", "appliesFrom", "nextReview", "due", "on", "asOf", "expires"):
        assert TEMPORAL.search(name), name
    for name in ("title", "owner", "status", "location"):
        assert not TEMPORAL.search(name), name
