"""What a query asks for, measured from its text before anything runs: its depth, its aliases and
its cost, in one pass that is linear in the document.

Each fragment is measured once and its measure reused at every spread: a document of 30
fragments, each spreading the one before twice, asks for 2^30 fields, and walking every spread
again (as strawberry's depth and alias rules do) took 0.9 s at 2^17 and doubled per level.

- Depth (as strawberry's QueryDepthLimiter counts it): a field with a selection set is 1 more than
  the deepest field under it; leaf fields and introspection fields (`__schema`) count 0.
- Aliases (as strawberry's MaxAliasesLimiter counts them): every aliased field of every operation,
  counted once per spread of the fragment holding it.
- Cost: each field costs 1. A connection (a field with a `first` argument) multiplies what is
  selected under its `edges` by `first` (its value, its variable's value, or the argument's
  default); any other list field multiplies what is selected under it by LIST_SIZE, an estimate of
  a list's length. Nested lists multiply: `coverage { paths { hops { predicate } } }` costs
  1 + 10 * (1 + 10 * (1 + 10 * 1)) = 1111.

Counts saturate at CAP (the largest integer JSON carries exactly), which is far past every limit.
A fragment spread inside itself (a cycle, which validation refuses) counts 0.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from graphql import (
    DocumentNode,
    FieldNode,
    FragmentDefinitionNode,
    FragmentSpreadNode,
    GraphQLInterfaceType,
    GraphQLList,
    GraphQLNamedType,
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
CAP = 2**53 - 1


@dataclass(frozen=True)
class Shape:
    """The depth of each operation (by name, "anonymous" for one without) and the document's aliases."""

    depths: dict[str, int]
    aliases: int
    visits: int  # selection sets walked: at most one per selection set of the document


def shape(document: DocumentNode) -> Shape:
    """Depth per operation and aliases over all operations, each fragment measured once."""
    walk = _Shape({d.name.value: d for d in document.definitions if isinstance(d, FragmentDefinitionNode)})
    depths: dict[str, int] = {}
    aliases = 0
    for definition in document.definitions:
        if isinstance(definition, OperationDefinitionNode):
            name = definition.name.value if definition.name else "anonymous"
            depth, count = walk.selections(definition.selection_set)
            depths[name] = depth
            aliases = min(aliases + count, CAP)
    return Shape(depths, aliases, walk.visits)


class _Shape:
    def __init__(self, fragments: dict[str, FragmentDefinitionNode]) -> None:
        self.fragments = fragments
        self.measured: dict[str, tuple[int, int]] = {}
        self.open: set[str] = set()  # fragments being measured: a spread of one of them is a cycle
        self.visits = 0

    def selections(self, selection_set: SelectionSetNode) -> tuple[int, int]:
        self.visits += 1
        depth = aliases = 0
        for selection in selection_set.selections:
            if isinstance(selection, FieldNode):
                inner_depth, inner_aliases = (0, 0) if selection.selection_set is None else self.selections(selection.selection_set)
                if selection.selection_set is not None and not selection.name.value.startswith("__"):
                    depth = max(depth, 1 + inner_depth)
                aliases = min(aliases + inner_aliases + (1 if selection.alias else 0), CAP)
            elif isinstance(selection, InlineFragmentNode):
                inner_depth, inner_aliases = self.selections(selection.selection_set)
                depth, aliases = max(depth, inner_depth), min(aliases + inner_aliases, CAP)
            elif isinstance(selection, FragmentSpreadNode):
                inner_depth, inner_aliases = self.fragment(selection.name.value)
                depth, aliases = max(depth, inner_depth), min(aliases + inner_aliases, CAP)
        return depth, aliases

    def fragment(self, name: str) -> tuple[int, int]:
        if name in self.measured:
            return self.measured[name]
        fragment = self.fragments.get(name)
        if fragment is None or name in self.open:
            return 0, 0
        self.open.add(name)
        self.measured[name] = self.selections(fragment.selection_set)
        self.open.discard(name)
        return self.measured[name]


@dataclass(frozen=True)
class Cost:
    value: int
    visits: int  # selection sets walked: at most one per selection set and size of `edges` above it


def query_cost(schema: GraphQLSchema, document: DocumentNode, operation_name: str | None, variables: Mapping[str, Any] | None) -> int:
    """The cost of the operation that would run (0 when there is none: validation reports that)."""
    return measure_cost(schema, document, operation_name, variables).value


def measure_cost(schema: GraphQLSchema, document: DocumentNode, operation_name: str | None, variables: Mapping[str, Any] | None) -> Cost:
    """`query_cost` with the work it took."""
    operations = [d for d in document.definitions if isinstance(d, OperationDefinitionNode)]
    chosen = [o for o in operations if operation_name is None or (o.name is not None and o.name.value == operation_name)]
    if len(chosen) != 1:
        return Cost(0, 0)
    operation = chosen[0]
    root = schema.get_root_type(operation.operation)
    fragments = {d.name.value: d for d in document.definitions if isinstance(d, FragmentDefinitionNode)}
    given = {
        d.variable.name.value: value_from_ast_untyped(d.default_value)
        for d in operation.variable_definitions or ()
        if d.default_value is not None
    }
    given.update(variables or {})
    walk = _Cost(schema, fragments, given)
    return Cost(walk.selections(operation.selection_set, root, 1), walk.visits)


class _Cost:
    def __init__(self, schema: GraphQLSchema, fragments: dict[str, FragmentDefinitionNode], variables: Mapping[str, Any]) -> None:
        self.schema = schema
        self.fragments = fragments
        self.variables = variables
        # A fragment's cost depends only on the size of the `edges` it may sit under.
        self.measured: dict[tuple[str, int], int] = {}
        self.open: set[str] = set()
        self.visits = 0

    def selections(self, selection_set: SelectionSetNode, parent: Any, edges_size: int) -> int:
        self.visits += 1
        total = 0
        for selection in selection_set.selections:
            if isinstance(selection, FieldNode):
                total += self.field(selection, parent, edges_size)
            elif isinstance(selection, InlineFragmentNode):
                on = self.schema.get_type(selection.type_condition.name.value) if selection.type_condition else parent
                total += self.selections(selection.selection_set, on, edges_size)
            elif isinstance(selection, FragmentSpreadNode):
                total += self.fragment(selection.name.value, edges_size)
            total = min(total, CAP)
        return total

    def fragment(self, name: str, edges_size: int) -> int:
        key = (name, edges_size)
        if key in self.measured:
            return self.measured[key]
        fragment = self.fragments.get(name)
        if fragment is None or name in self.open:
            return 0
        on: GraphQLNamedType | None = self.schema.get_type(fragment.type_condition.name.value)
        self.open.add(name)
        self.measured[key] = self.selections(fragment.selection_set, on, edges_size)
        self.open.discard(name)
        return self.measured[key]

    def field(self, node: FieldNode, parent: Any, edges_size: int) -> int:
        definition = parent.fields.get(node.name.value) if isinstance(parent, GraphQLObjectType | GraphQLInterfaceType) else None
        if node.selection_set is None or definition is None:
            return 1
        inner = get_named_type(definition.type)
        if "first" in definition.args:
            # A connection: its size applies to the edges below it, not to totalCount or pageInfo.
            return min(1 + self.selections(node.selection_set, inner, self.first(node, definition.args["first"].default_value)), CAP)
        if node.name.value == "edges":
            size = edges_size
        elif _is_list(definition.type):
            size = LIST_SIZE
        else:
            size = 1
        return min(1 + size * self.selections(node.selection_set, inner, 1), CAP)

    def first(self, node: FieldNode, default: Any) -> int:
        value: Any = default
        for argument in node.arguments or ():
            if argument.name.value != "first":
                continue
            if isinstance(argument.value, IntValueNode):
                value = int(argument.value.value)
            elif isinstance(argument.value, VariableNode):
                value = self.variables.get(argument.value.name.value, default)
        return min(max(value, 0), CAP) if isinstance(value, int) and not isinstance(value, bool) else LIST_SIZE


def _is_list(kind: GraphQLOutputType) -> bool:
    return isinstance(kind.of_type if isinstance(kind, GraphQLNonNull) else kind, GraphQLList)
