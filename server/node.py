"""The root field `node(id:)`: any object with a global id (see `types/node.py`), fetched again.

It reads the caller's own workspace and the reference graph only: the id of another workspace's
record answers null before anything is read, as does an id naming nothing (a deleted record, a type
without nodes). An id that is not a global id at all is INVALID_INPUT at `id`."""

from __future__ import annotations

from collections.abc import Callable
from typing import Annotated, TypeVar

import strawberry

from grcgraph.api import GRCGraph
from grcgraph.errors import InvalidInputError, NotFoundError, UnknownRequirementError
from grcgraph.model import CorrectiveAction as ActionData
from grcgraph.model import ImpactAssessment as AssessmentData
from grcgraph.model import Nonconformity as NonconformityData
from grcgraph.model import Objective as ObjectiveData
from grcgraph.model import Review as ReviewData
from grcgraph.model import Risk as RiskData
from grcgraph.model import Role
from grcgraph.server.context import Info
from grcgraph.server.error_format import invalid
from grcgraph.server.types.aims import ImpactAssessment, Objective, Risk
from grcgraph.server.types.aims_findings import CorrectiveAction, Nonconformity, Review
from grcgraph.server.types.core import Evidence, Mapping, Requirement
from grcgraph.server.types.node import Node, parse_global_id
from grcgraph.server.types.records import AISystem, Framework, SoAEntry, SoARow

D = TypeVar("D")


def _requirement(api: GRCGraph, curie: str) -> Node | None:
    return Requirement(ref=api.resolve(curie), api=api) if ":" in curie else None


def _framework(api: GRCGraph, prefix: str) -> Node | None:
    return next((Framework.of(v) for v in api.framework_versions() if v.prefix == prefix), None)


def _mapping(api: GRCGraph, iri: str) -> Node | None:
    found = api.mapping(iri)
    return Mapping(data=found, api=api) if found is not None else None


def _soa(api: GRCGraph, curie: str) -> Node | None:
    return next((SoARow.of(r, api) for r in api.soa_rows() if r.control.curie == curie), None)


def _soa_entry(api: GRCGraph, curie: str) -> Node | None:
    control = str(api.resolve(curie).iri) if ":" in curie else None
    return next((SoAEntry.of(e, api) for e in api.soa_entries() if e.control == control), None)


def _record(kind: str, data: type[D], wrap: Callable[[D, GRCGraph], Node]) -> Callable[[GRCGraph, str], Node | None]:
    def find(api: GRCGraph, record_id: str) -> Node | None:
        found = api.record(kind, record_id)
        return wrap(found, api) if isinstance(found, data) else None

    return find


# Each type with nodes, by GraphQL name: how to find one by its local id (None, or NotFoundError: nothing).
RESOLVERS: dict[str, Callable[[GRCGraph, str], Node | None]] = {
    "Requirement": _requirement,
    "Framework": _framework,
    "Mapping": _mapping,
    "Evidence": lambda api, key: Evidence(data=api.evidence_item(key), api=api),
    "AISystem": lambda api, key: AISystem.of(api.system(key)),
    "SoARow": _soa,
    "SoAEntry": _soa_entry,
    "Risk": _record("risk", RiskData, lambda d, api: Risk(data=d, api=api)),
    "ImpactAssessment": _record("impact-assessment", AssessmentData, lambda d, api: ImpactAssessment(data=d, api=api)),
    "Objective": _record("objective", ObjectiveData, lambda d, api: Objective(data=d, api=api)),
    "Review": _record("review", ReviewData, lambda d, api: Review(data=d, api=api)),
    "Nonconformity": _record("nonconformity", NonconformityData, lambda d, api: Nonconformity(data=d, api=api)),
    "CorrectiveAction": _record("corrective-action", ActionData, lambda d, api: CorrectiveAction(data=d, api=api)),
}
IN_WORKSPACE = frozenset(RESOLVERS) - {"Requirement", "Framework", "Mapping"}


@strawberry.type
class NodeQuery:
    @strawberry.field(
        description="The object with this global id (any type implementing Node), from the caller's workspace or the reference "
        "graph; null when there is none, or when the id is another workspace's"
    )
    def node(
        self, info: Info, id: Annotated[strawberry.ID, strawberry.argument(description="A global id, as a Node's `id` answers it")]
    ) -> Node | None:
        workspace = info.context.require(Role.reader).workspace
        parsed = parse_global_id(str(id)[:2000], IN_WORKSPACE)
        if parsed is None:
            raise invalid("id", "is not a global id: pass the `id` of a Node (base64 of Type:workspace:localId)")
        type_name, owner, key = parsed
        find = RESOLVERS.get(type_name)
        if find is None or (owner is not None and owner != workspace):
            return None
        try:
            return find(info.context.api(), key)
        except (NotFoundError, UnknownRequirementError, InvalidInputError):
            return None
