"""The cost of a query, computed from its text before anything runs.

Each field costs 1. A connection (a field with a `first` argument) multiplies what is selected
under its `edges` by `first` (its value, its variable's value, or the argument's default); any
other list field multiplies what is selected under it by LIST_SIZE, an estimate of a list's
length. Nested lists multiply: `coverage { paths { hops { predicate } } }` costs
1 + 10 * (1 + 10 * (1 + 10 * 1)) = 1111.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from graphql import (
    DocumentNode,
    FieldNode,
    FragmentDefinitionNode,
    FragmentSpreadNode,
    GraphQLInterfaceType,
    GraphQLList,
    GraphQLNonNull,
    GraphQLObjectType,
    GraphQLOutputType,
    GraphQLSchema,
    InlineFragmentNode,
    IntValueNode,
    OperationDefinitionNode,
    SelectionSetNode,
    VariableNode,
    get_named_type,
    value_from_ast_untyped,
)

LIST_SIZE = 10


def query_cost(schema: GraphQLSchema, document: DocumentNode, operation_name: str | None, variables: Mapping[str, Any] | None) -> int:
    """The cost of the operation that would run (0 when there is none: validation reports that)."""
    operations = [d for d in document.definitions if isinstance(d, OperationDefinitionNode)]
    chosen = [o for o in operations if operation_name is None or (o.name is not None and o.name.value == operation_name)]
    if len(chosen) != 1:
        return 0
    operation = chosen[0]
    root = schema.get_root_type(operation.operation)
    fragments = {d.name.value: d for d in document.definitions if isinstance(d, FragmentDefinitionNode)}
    given = {
        d.variable.name.value: value_from_ast_untyped(d.default_value)
        for d in operation.variable_definitions or ()
        if d.default_value is not None
    }
    given.update(variables or {})
    return _Walk(schema, fragments, given).selections(operation.selection_set, root, 1)


class _Walk:
    def __init__(self, schema: GraphQLSchema, fragments: dict[str, FragmentDefinitionNode], variables: Mapping[str, Any]) -> None:
        self.schema = schema
        self.fragments = fragments
        self.variables = variables

    def selections(self, selection_set: SelectionSetNode, parent: Any, edges_size: int, seen: frozenset[str] = frozenset()) -> int:
        total = 0
        for selection in selection_set.selections:
            if isinstance(selection, FieldNode):
                total += self.field(selection, parent, edges_size, seen)
            elif isinstance(selection, InlineFragmentNode):
                on = self.schema.get_type(selection.type_condition.name.value) if selection.type_condition else parent
                total += self.selections(selection.selection_set, on, edges_size, seen)
            elif isinstance(selection, FragmentSpreadNode):
                fragment = self.fragments.get(selection.name.value)
                if fragment is not None and fragment.name.value not in seen:  # a cycle is a validation error, not a hang
                    on = self.schema.get_type(fragment.type_condition.name.value)
                    total += self.selections(fragment.selection_set, on, edges_size, seen | {fragment.name.value})
        return total

    def field(self, node: FieldNode, parent: Any, edges_size: int, seen: frozenset[str]) -> int:
        definition = parent.fields.get(node.name.value) if isinstance(parent, GraphQLObjectType | GraphQLInterfaceType) else None
        if node.selection_set is None or definition is None:
            return 1
        inner = get_named_type(definition.type)
        if "first" in definition.args:
            # A connection: its size applies to the edges below it, not to totalCount or pageInfo.
            return 1 + self.selections(node.selection_set, inner, self.first(node, definition.args["first"].default_value), seen)
        if node.name.value == "edges":
            size = edges_size
        elif _is_list(definition.type):
            size = LIST_SIZE
        else:
            size = 1
        return 1 + size * self.selections(node.selection_set, inner, 1, seen)

    def first(self, node: FieldNode, default: Any) -> int:
        value: Any = default
        for argument in node.arguments or ():
            if argument.name.value != "first":
                continue
            if isinstance(argument.value, IntValueNode):
                value = int(argument.value.value)
            elif isinstance(argument.value, VariableNode):
                value = self.variables.get(argument.value.name.value, default)
        return max(value, 0) if isinstance(value, int) and not isinstance(value, bool) else LIST_SIZE


def _is_list(kind: GraphQLOutputType) -> bool:
    return isinstance(kind.of_type if isinstance(kind, GraphQLNonNull) else kind, GraphQLList)
