"""Conventions of the public GraphQL schema, read from the schema itself: every type, field,
argument, input field and enum value documented for the people who call the API, no date or
instant and no closed value set carried as a String, and each enum the vocabulary it stands for."""

from __future__ import annotations

import asyncio
import datetime as dt
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
from grcgraph.server.scalars import SCALARS
from grcgraph.server.schema import build_schema
from grcgraph.server.settings import Settings
from grcgraph.server.types.enums import COMPUTED, VOCABULARIES, name_of
from grcgraph.store.base import GraphStore

SCHEMA = build_schema()._schema
BUILT_IN = {"String", "Int", "Float", "Boolean", "ID"}
# Names of fields and arguments that hold a date or an instant, as the API spells them.
# Names of fields and arguments that hold one of a closed set of values, which an enum carries.
CLOSED = re.compile(r"^(kind|status|role|category|extent|predicate|level|coverage|state)s?$")
# Closed sets left as strings, each with why.
STRING_ON_PURPOSE = {
    # The kinds with a next review: AI systems and three AIMS record kinds, which no one vocabulary
    # class groups; the list only names what it shows, and no argument takes it back.
    "OverdueItem.kind",
    # The history's own names for what a write touched (evidence, link, soa, settings, token, ...),
    # set by the history module, not by a vocabulary.
    "RecordChange.kind",
}
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


def closed_strings() -> Iterator[str]:
    for kind in own_types():
        if isinstance(kind, GraphQLObjectType | GraphQLInterfaceType | GraphQLInputObjectType):
            for name, field in kind.fields.items():
                if CLOSED.match(name) and get_named_type(field.type).name == "String":
                    yield f"{kind.name}.{name}"
                for arg_name, arg in getattr(field, "args", {}).items():
                    if CLOSED.match(arg_name) and get_named_type(arg.type).name == "String":
                        yield f"{kind.name}.{name}({arg_name}:)"


def test_no_closed_value_set_is_a_string() -> None:
    found = set(closed_strings())
    assert found - STRING_ON_PURPOSE == set(), "closed value sets are enums, not String: " + ", ".join(sorted(found - STRING_ON_PURPOSE))
    assert found >= STRING_ON_PURPOSE, "an exception no longer needed: " + ", ".join(sorted(STRING_ON_PURPOSE - found))


def test_the_closed_set_check_knows_the_names() -> None:
    for name in ("kind", "status", "roles", "category", "extent", "predicate", "level", "state"):
        assert CLOSED.match(name), name
    for name in ("title", "kinds of evidence", "statusReason", "reason"):
        assert not CLOSED.match(name), name


def test_each_enum_is_its_vocabulary_and_names_the_iri_of_every_value() -> None:
    for enum, terms in VOCABULARIES.items():
        assert {member.value for member in enum} == set(terms), enum.__name__
        for name, value in SCHEMA.type_map[enum.__name__].values.items():  # type: ignore[attr-defined]
            assert f"<{terms[enum[name].value]}>" in (value.description or ""), f"{enum.__name__}.{name}"


def test_each_computed_enum_is_the_engines_set_and_every_value_is_named_after_its_notation() -> None:
    for enum, notations in COMPUTED.items():
        assert [member.value for member in enum] == list(notations), enum.__name__
    for enum in (*VOCABULARIES, *COMPUTED):
        for member in enum:
            assert member.name == name_of(member.value), f"{enum.__name__}.{member.name}"
            assert str(member.value) in (SCHEMA.type_map[enum.__name__].values[member.name].description or "")  # type: ignore[attr-defined]
    assert [name_of(n) for n in ("in-progress", "subsetOf", "GenAIAction", "not applicable", "high-risk-annex-i-b")] == [
        "IN_PROGRESS",
        "SUBSET_OF",
        "GEN_AI_ACTION",
        "NOT_APPLICABLE",
        "HIGH_RISK_ANNEX_I_B",
    ]


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


def test_every_bad_kind_of_an_import_is_reported_at_its_path_in_one_answer(store: GraphStore) -> None:
    """Kinds are checked at variable coercion, before the batch's own checks: three bad kinds, three
    errors in one answer, each INVALID_INPUT at `items[i].kind`, and nothing stored."""
    registry = Registry(GRCGraph(store, "enum-import"))
    context = Context(registry, Settings(), lambda: (Principal("enum-import", Role.editor, "0123456789abcdef"), None))
    importing = "mutation($items: [CreateEvidenceInput!]!) { importEvidence(items: $items) { count } }"
    items = [{"id": f"ev-{i}", "title": f"item {i}", "kind": "POLICY"} for i in range(6)]
    for index, bad in ((1, "policy"), (3, "spreadsheet"), (4, "")):
        items[index]["kind"] = bad
    answer = asyncio.run(build_schema().execute(importing, variable_values={"items": items}, context_value=context))
    assert answer.data is None
    formatted = [format_error(error) for error in answer.errors or []]
    assert [f["extensions"]["code"] for f in formatted] == ["INVALID_INPUT"] * 3
    assert [p["field"] for f in formatted for p in f["extensions"]["problems"]] == ["items[1].kind", "items[3].kind", "items[4].kind"]
    assert "'EvidenceKind'" in formatted[1]["extensions"]["problems"][0]["message"]
    assert "POLICY" in formatted[0]["message"], "graphql-core suggests the value meant"
    assert not any(registry.base.has_evidence(item["id"]) for item in items), "nothing of the batch is stored"


def test_an_instant_in_utc_is_answered_with_z_and_another_offset_as_it_is() -> None:
    serialize = SCALARS[dt.datetime].serialize
    assert serialize is not None
    assert serialize(dt.datetime(2026, 1, 16, 9, 30, tzinfo=dt.UTC)) == "2026-01-16T09:30:00Z"
    assert serialize(dt.datetime(2026, 1, 16, 9, 30, 0, 250_000, tzinfo=dt.UTC)) == "2026-01-16T09:30:00.250000Z"
    paris = dt.timezone(dt.timedelta(hours=1))
    assert serialize(dt.datetime(2026, 1, 16, 10, 30, tzinfo=paris)) == "2026-01-16T10:30:00+01:00"
    assert serialize(dt.datetime(2026, 1, 16, 4, 0, tzinfo=dt.timezone(dt.timedelta(hours=-5, minutes=-30)))) == "2026-01-16T04:00:00-05:30"
    assert SCALARS[dt.date].serialize(dt.date(2026, 1, 16)) == "2026-01-16"  # type: ignore[misc]
