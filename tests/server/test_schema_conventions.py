"""Conventions of the public GraphQL schema, read from the schema itself: every type, field,
argument, input field and enum value documented for the people who call the API, no date or
instant carried as a String, and each enum the vocabulary it stands for."""

from __future__ import annotations

import asyncio
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

from grcgraph.api import GRCGraph
from grcgraph.model import Role
from grcgraph.server.context import Context, Principal, Registry
from grcgraph.server.error_format import format_error
from grcgraph.server.schema import build_schema
from grcgraph.server.settings import Settings
from grcgraph.server.types.enums import VOCABULARIES
from grcgraph.store.base import GraphStore

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


def test_each_enum_is_its_vocabulary_and_names_the_iri_of_every_value() -> None:
    for enum, terms in VOCABULARIES.items():
        assert {member.value for member in enum} == set(terms), enum.__name__
        for name, value in SCHEMA.type_map[enum.__name__].values.items():  # type: ignore[attr-defined]
            assert f"<{terms[enum[name].value]}>" in (value.description or ""), f"{enum.__name__}.{name}"


def test_an_unknown_enum_value_is_refused_at_its_path(store: GraphStore) -> None:
    """The old spelling of a value (a notation) in a variable: INVALID_INPUT naming the variable and the path in it."""
    registry = Registry(GRCGraph(store, "enum-paths"))
    context = Context(registry, Settings(), lambda: (Principal("enum-paths", Role.editor, "0123456789abcdef"), None))
    create = "mutation($input: CreateRiskInput!) { createRisk(input: $input) { localId status treatment } }"
    bad = asyncio.run(
        build_schema().execute(create, variable_values={"input": {"id": "R-1", "title": "t", "status": "treated"}}, context_value=context)
    )
    assert bad.errors and len(bad.errors) == 1
    formatted = format_error(bad.errors[0])
    assert formatted["extensions"]["code"] == "INVALID_INPUT"
    assert formatted["message"].startswith("Variable '$input' has invalid value at .status:"), formatted["message"]
    assert "TREATED" in formatted["message"], "graphql-core suggests the value meant"
    good = asyncio.run(
        build_schema().execute(
            create,
            variable_values={
                "input": {"id": "R-1", "title": "t", "status": "TREATED", "treatment": "MITIGATE", "likelihood": 3, "severity": 3}
            },
            context_value=context,
        )
    )
    assert not good.errors, good.errors
    assert good.data == {"createRisk": {"localId": "R-1", "status": "TREATED", "treatment": "MITIGATE"}}
    assert registry.base.record("risk", "R-1").status == "treated", "the engine keeps the vocabulary's notation"
