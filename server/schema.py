"""The GraphQL schema over `grcgraph.api.GRCGraph`: frameworks, requirements, mappings, evidence,
coverage with explanations, gaps, applicability, the AI inventory and the Statement of Applicability.

Every root field checks the caller's role first (reader for queries, editor for mutations) and works
on the caller's workspace only; the reference graph is shared. Errors carry a stable
`extensions.code` (NOT_FOUND, INVALID_INPUT, UNAUTHENTICATED, FORBIDDEN, QUERY_TOO_COMPLEX, plus
GRAPHQL_PARSE_FAILED, GRAPHQL_VALIDATION_FAILED and INTERNAL_SERVER_ERROR) set by `format_error`,
which also hides the message of anything unexpected.
"""

from __future__ import annotations

import base64
import binascii
import dataclasses
import datetime as dt
import logging
import re
import threading
from collections.abc import Callable, Iterator, Sequence
from typing import Annotated, Any, TypeAlias

import strawberry
from graphql import GraphQLError, validate
from rdflib import Literal
from strawberry.extensions import DisableIntrospection, SchemaExtension
from strawberry.extensions.max_aliases import create_validator as alias_rule
from strawberry.extensions.query_depth_limiter import create_validator as depth_rule
from strawberry.fastapi import BaseContext
from strawberry.schema.config import StrawberryConfig
from strawberry.types import ExecutionContext
from strawberry.types.unset import UnsetType

from grcgraph.api import STATUSES, GRCGraph
from grcgraph.catalog import KIND_ORDER, PREFIXES, RequirementRef
from grcgraph.catalog import Requirement as RequirementDetail
from grcgraph.coverage import Covered
from grcgraph.coverage import Hop as HopData
from grcgraph.coverage import Path as PathData
from grcgraph.dates import parse_date
from grcgraph.errors import UnknownRequirementError
from grcgraph.iris import REFERENCE_GRAPH
from grcgraph.mappings import Mapping as MappingData
from grcgraph.server.auth import Role
from grcgraph.server.settings import Settings
from grcgraph.workspace import (
    ID_PATTERN,
    AISystemInput,
    EvidenceInput,
    EvidenceLinkInput,
    InvalidInputError,
    NotFoundError,
)
from grcgraph.workspace import AISystem as SystemData
from grcgraph.workspace import Evidence as EvidenceData
from grcgraph.workspace import EvidenceLink as LinkData
from grcgraph.workspace import SoAEntry as SoAData

log = logging.getLogger("grcgraph.server")

MAX_TEXT = 10_000  # any string argument; SHACL sets tighter limits on some fields (title 500, owner 200)
MAX_CHAIN = 4


# --- errors ---------------------------------------------------------------------------------
class ApiError(Exception):
    """An error the caller should see, with its stable code."""

    def __init__(self, code: str, message: str, **extensions: object) -> None:
        super().__init__(message)
        self.code = code
        self.extensions = extensions


def invalid(field: str, message: str) -> InvalidInputError:
    return InvalidInputError([(field, message)])


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
        extensions.update(code="INVALID_INPUT", problems=[{"field": f, "message": m} for f, m in original.problems])
    elif isinstance(original, NotFoundError):
        extensions.update(code="NOT_FOUND")
    elif isinstance(original, UnknownRequirementError):
        extensions.update(code="INVALID_INPUT" if original.candidates else "NOT_FOUND")
        if original.candidates:
            extensions["candidates"] = original.candidates
        if original.nearest:
            extensions["nearest"] = original.nearest
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


# --- context ----------------------------------------------------------------------------------
@dataclasses.dataclass(frozen=True)
class Principal:
    workspace: str
    role: Role
    token_id: str | None  # None: anonymous reader in read-only local mode


class Registry:
    """One store, one GRCGraph per workspace (sharing the reference indexes), made on first use."""

    def __init__(self, base: GRCGraph) -> None:
        self.base = base
        self._by_workspace: dict[str, GRCGraph] = {base.workspace.name: base}
        self._lock = threading.Lock()

    def get(self, workspace: str) -> GRCGraph:
        with self._lock:
            found = self._by_workspace.get(workspace)
            if found is None:
                found = self._by_workspace[workspace] = self.base.with_workspace(workspace)
            return found


class Context(BaseContext):
    def __init__(self, registry: Registry, settings: Settings, principal: Principal | None, failure: str | None = None) -> None:
        super().__init__()
        self.registry = registry
        self.settings = settings
        self.principal = principal
        self.failure = failure
        self._covered: dict[tuple[dt.date, int], dict[str, Covered]] = {}

    def api(self, role: Role = Role.reader) -> GRCGraph:
        if self.principal is None:
            raise ApiError("UNAUTHENTICATED", self.failure or "send an API token: Authorization: Bearer <token>")
        if self.principal.role < role:
            who = "anonymous local access" if self.principal.token_id is None else f"a {self.principal.role.name} token"
            raise ApiError("FORBIDDEN", f"{who} cannot do this: it needs the {role.name} role")
        return self.registry.get(self.principal.workspace)

    def covered(self, on: dt.date, chain_length: int) -> dict[str, Covered]:
        """Coverage of the whole workspace, computed once per request and date."""
        key = (on, chain_length)
        if key not in self._covered:
            self._covered[key] = self.api().covered(None, on=on, chain_length=chain_length)
        return self._covered[key]


Info: TypeAlias = strawberry.Info[Context, None]


# --- argument helpers ---------------------------------------------------------------------------
def parse_day(text: str | None, field: str) -> dt.date:
    if text is None:
        return dt.date.today()
    try:
        return parse_date(text)
    except ValueError as error:
        raise invalid(field, str(error)) from None


def optional_day(text: str | None, field: str, problems: list[tuple[str, str]]) -> dt.date | None:
    if text is None:
        return None
    try:
        return parse_day(text, field)
    except InvalidInputError as error:
        problems.extend(error.problems)
        return None


def chain(value: int) -> int:
    if not 0 <= value <= MAX_CHAIN:
        raise invalid("chainLength", f"must be 0 to {MAX_CHAIN}")
    return value


def check_lengths(value: object, path: str, problems: list[tuple[str, str]]) -> None:
    """Refuse any string longer than MAX_TEXT, naming where it is."""
    if isinstance(value, str) and len(value) > MAX_TEXT:
        problems.append((path, f"is {len(value)} characters long; at most {MAX_TEXT} are accepted"))
    elif isinstance(value, list):
        for index, item in enumerate(value):
            check_lengths(item, f"{path}[{index}]", problems)
    elif dataclasses.is_dataclass(value) and not isinstance(value, type):
        for item in dataclasses.fields(value):
            check_lengths(getattr(value, item.name), f"{path}.{_camel(item.name)}", problems)


def _camel(name: str) -> str:
    head, *rest = name.split("_")
    return head + "".join(part.title() for part in rest)


SHACL_FIELDS = {
    "identifier": "id",
    "title": "title",
    "description": "description",
    "evidenceKind": "kind",
    "owner": "owner",
    "location": "location",
    "sha256": "sha256",
    "collectedOn": "collectedOn",
    "validUntil": "validUntil",
    "prefLabel": "name",
    "operatorRole": "roles",
    "aiCategory": "category",
    "purpose": "purpose",
    "dataUsed": "dataUsed",
    "nextReview": "nextReview",
    "extent": "extent",
    "assertedBy": "assertedBy",
    "requirement": "requirement",
    "forSystem": "system",
    "reason": "reason",
    "control": "control",
}


def renamed(error: InvalidInputError, prefix: str, replace: str | None = None) -> InvalidInputError:
    """Problems named as the GraphQL caller sees them: `input.title`, `input.links[0].extent`."""
    problems = []
    for where, message in error.problems:
        field = where
        if replace is not None and (field == replace or field.startswith((f"{replace}.", f"{replace}["))):
            field = prefix + field[len(replace) :]
        elif ">" in field or "<" in field:  # a SHACL result: '<focus>.<property>'
            prop = field.split(".", 1)[1] if "." in field else ""
            local = re.split(r"[#:/]", prop.strip("<>"))[-1]
            field = f"{prefix}.{SHACL_FIELDS.get(local, local)}" if local else prefix
        problems.append((field, message))
    return InvalidInputError(problems)


def encode_cursor(kind: str, key: str) -> str:
    return base64.urlsafe_b64encode(f"{kind}:{key}".encode()).decode()


def decode_cursor(kind: str, cursor: str) -> str:
    try:
        text = base64.urlsafe_b64decode(cursor.encode()).decode()
    except (binascii.Error, UnicodeDecodeError, ValueError):
        text = ""
    if not text.startswith(f"{kind}:"):
        raise invalid("after", "is not a cursor from this connection")
    return text[len(kind) + 1 :]


def page(settings: Settings, first: int) -> int:
    if first < 0:
        raise invalid("first", "must be 0 or more")
    if first > settings.max_page_size:
        raise ApiError("QUERY_TOO_COMPLEX", f"first: at most {settings.max_page_size} items per page", maxPageSize=settings.max_page_size)
    return first


# --- output types ---------------------------------------------------------------------------
@strawberry.type
class Viewer:
    workspace: str
    role: str
    token_id: str | None


@strawberry.type
class KindCount:
    kind: str
    count: int


@strawberry.type
class Framework:
    prefix: str
    name: str
    version: str
    title: str
    scheme: str
    rights: str
    requirement_count: int
    counts: list[KindCount]


@strawberry.type(description="A clause, control, article, paragraph, function, category, subcategory or action of a framework.")
class Requirement:
    ref: strawberry.Private[RequirementRef]
    api: strawberry.Private[GRCGraph]
    cache: strawberry.Private[dict[str, RequirementDetail]] = dataclasses.field(default_factory=dict)

    def _detail(self) -> RequirementDetail:
        if "detail" not in self.cache:
            self.cache["detail"] = self.api.catalog.requirement(self.ref.iri)
        return self.cache["detail"]

    @strawberry.field(description="CURIE, e.g. iso42001:A.6.2.8")
    def id(self) -> str:
        return self.ref.curie

    @strawberry.field
    def iri(self) -> str:
        return self.ref.iri

    @strawberry.field
    def notation(self) -> str:
        return self.ref.notation

    @strawberry.field
    def title(self) -> str:
        return self.ref.title

    @strawberry.field
    def kind(self) -> str:
        return self.ref.kind

    @strawberry.field(description="Framework prefix, e.g. euaiact")
    def framework(self) -> str:
        return self.ref.curie.split(":", 1)[0]

    @strawberry.field(description="Title of the framework version")
    def scheme(self) -> str:
        return self._detail().scheme

    @strawberry.field(description="Official text where the framework's rights allow it (EU AI Act, NIST); null for ISO")
    def text(self) -> str | None:
        return self._detail().text

    @strawberry.field
    def url(self) -> str | None:
        return self._detail().url

    @strawberry.field
    def source(self) -> str:
        return self._detail().source

    @strawberry.field
    def rights(self) -> str:
        return self._detail().rights

    @strawberry.field(description="Enclosing requirements, outermost first")
    def parents(self) -> list[Requirement]:
        return [Requirement(ref=r, api=self.api) for r in self._detail().ancestors]

    @strawberry.field
    def children(self) -> list[Requirement]:
        return [Requirement(ref=r, api=self.api) for r in self._detail().children]

    @strawberry.field(description="Every mapping to or from this requirement, read from its side (inverted: read from the other end)")
    def mappings(self) -> list[Mapping]:
        return [Mapping(data=m, api=self.api) for m in self.api.mapping_index.for_requirement(self.ref.iri)]

    @strawberry.field(description="Evidence of the caller's workspace covering this requirement, directly or through mappings")
    def evidence(self, info: Info, on: str | None = None, chain_length: int = 1) -> list[CoveringEvidence]:
        entry = info.context.covered(parse_day(on, "on"), chain(chain_length)).get(self.ref.iri)
        if entry is None:
            return []
        api = info.context.api()
        by_evidence: dict[str, list[PathData]] = {}
        for path in entry.paths:
            by_evidence.setdefault(path.evidence, []).append(path)
        result = []
        for evidence_id, paths in sorted(by_evidence.items()):
            fresh = [p for p in paths if not p.stale]
            best = max((p.level for p in fresh), default=None)
            result.append(
                CoveringEvidence(
                    evidence=Evidence(data=api.workspace.evidence(evidence_id), api=api),
                    coverage=best.label if best is not None else "stale",
                    direct=any(not p.hops for p in fresh),
                    inferred=bool(fresh) and all(p.inferred for p in fresh),
                    stale=not fresh,
                    paths=[CoveragePath.of(p, api) for p in paths],
                )
            )
        return result


@strawberry.type
class Mapping:
    data: strawberry.Private[MappingData]
    api: strawberry.Private[GRCGraph]

    @strawberry.field
    def id(self) -> str:
        return self.data.iri

    @strawberry.field
    def subject(self) -> Requirement:
        return Requirement(ref=self.data.subject, api=self.api)

    @strawberry.field(description="IR 8477 relationship, as read from the subject")
    def predicate(self) -> str:
        return self.data.predicate

    @strawberry.field(description="null: the set records that nothing corresponds (sssom:NoTermFound)")
    def object(self) -> Requirement | None:
        return Requirement(ref=self.data.object, api=self.api) if self.data.object else None

    @strawberry.field
    def rationale(self) -> str | None:
        return self.data.rationale

    @strawberry.field
    def confidence(self) -> float | None:
        return float(self.data.confidence) if self.data.confidence else None

    @strawberry.field
    def justification(self) -> str:
        return self.data.justification

    @strawberry.field(description="Title of the mapping set the row comes from")
    def source(self) -> str:
        return self.data.set_title

    @strawberry.field
    def mapping_set(self) -> str:
        return self.data.mapping_set

    @strawberry.field
    def comment(self) -> str | None:
        return self.data.comment

    @strawberry.field(description="True when the row was stated from the other end and its inverse relationship is shown")
    def inverted(self) -> bool:
        return self.data.inverted

    @strawberry.field
    def creators(self) -> list[str]:
        return list(self.data.creators)


@strawberry.type
class EvidenceLink:
    data: strawberry.Private[LinkData]
    api: strawberry.Private[GRCGraph]

    @strawberry.field
    def evidence_id(self) -> str:
        return self.data.evidence

    @strawberry.field
    def requirement(self) -> Requirement:
        return Requirement(ref=self.api.catalog.ref(self.data.requirement), api=self.api)

    @strawberry.field(description="full or partial")
    def extent(self) -> str:
        return self.data.extent

    @strawberry.field
    def asserted_by(self) -> str:
        return self.data.asserted_by

    @strawberry.field
    def asserted_at(self) -> str:
        return self.data.asserted_at

    @strawberry.field(description="AI system the link is for; null: every system")
    def system(self) -> str | None:
        return self.data.system


@strawberry.type
class Evidence:
    data: strawberry.Private[EvidenceData]
    api: strawberry.Private[GRCGraph]

    @strawberry.field
    def id(self) -> str:
        return self.data.id

    @strawberry.field
    def title(self) -> str:
        return self.data.title

    @strawberry.field
    def kind(self) -> str:
        return self.data.kind

    @strawberry.field
    def description(self) -> str | None:
        return self.data.description

    @strawberry.field
    def owner(self) -> str | None:
        return self.data.owner

    @strawberry.field
    def location(self) -> str | None:
        return self.data.location

    @strawberry.field
    def sha256(self) -> str | None:
        return self.data.sha256

    @strawberry.field
    def collected_on(self) -> dt.date | None:
        return self.data.collected_on

    @strawberry.field
    def valid_until(self) -> dt.date | None:
        return self.data.valid_until

    @strawberry.field
    def links(self) -> list[EvidenceLink]:
        return [EvidenceLink(data=link, api=self.api) for link in self.api.workspace.links(self.data.id)]


@strawberry.type
class Hop:
    subject: str
    predicate: str
    object: str
    rationale: str | None
    confidence: float | None
    mapping: str
    mapping_set: str
    source: str
    comment: str | None
    inverted: bool

    @classmethod
    def of(cls, hop: HopData) -> Hop:
        return cls(**{f.name: getattr(hop, f.name) for f in dataclasses.fields(HopData)})


@strawberry.type(description="One explanation: the evidence link, then each mapping followed")
class CoveragePath:
    evidence_id: str
    level: str
    stale: bool
    inferred: bool
    link: EvidenceLink
    hops: list[Hop]

    @classmethod
    def of(cls, path: PathData, api: GRCGraph) -> CoveragePath:
        return cls(
            evidence_id=path.evidence,
            level=path.level.label,
            stale=path.stale,
            inferred=path.inferred,
            link=EvidenceLink(data=path.link, api=api),
            hops=[Hop.of(h) for h in path.hops],
        )


@strawberry.type
class CoveringEvidence:
    evidence: Evidence
    coverage: str
    direct: bool
    inferred: bool
    stale: bool
    paths: list[CoveragePath]


@strawberry.type
class CoverageRow:
    requirement: Requirement
    coverage: str = strawberry.field(description="covered, partial, related, stale or uncovered")
    direct: bool
    inferred: bool
    evidence: list[str]
    paths: list[CoveragePath]


@strawberry.type
class GapRow:
    requirement: Requirement
    parent: str | None
    status: str = strawberry.field(description=", ".join(STATUSES))
    reason: str
    evidence: list[str]
    stale_evidence: list[str]
    inferred: bool
    leaf: bool = strawberry.field(description="No sub-requirements: counted in the summary (parents are rolled up from these)")


@strawberry.type
class StatusCount:
    status: str
    count: int
    percent_of_applicable: float | None


@strawberry.type
class GapReport:
    framework: str
    system: str | None
    on: dt.date
    rows: list[GapRow]
    summary: list[StatusCount]


@strawberry.type
class ApplicableProvision:
    requirement: Requirement
    basis: str
    roles: list[str]
    conditional: bool
    note: str
    applies_from: dt.date | None
    in_force: bool
    date_source: str


@strawberry.type
class AISystem:
    id: str
    name: str
    roles: list[str]
    category: str
    generative: bool
    owner: str | None
    purpose: str | None
    data_used: str | None
    next_review: dt.date | None

    @classmethod
    def of(cls, system: SystemData) -> AISystem:
        values = dataclasses.asdict(system)
        values["roles"] = list(system.roles)
        return cls(**values)


@strawberry.type
class SoAEntry:
    control: Requirement
    included: bool
    reason: str


@strawberry.type
class SoARow:
    framework: str
    control: Requirement
    included: bool | None
    justification: str
    status: str
    evidence: list[str]


@strawberry.type
class PageInfo:
    has_next_page: bool
    has_previous_page: bool
    start_cursor: str | None
    end_cursor: str | None


@strawberry.type
class RequirementEdge:
    node: Requirement
    cursor: str


@strawberry.type
class RequirementConnection:
    edges: list[RequirementEdge]
    page_info: PageInfo
    total_count: int


@strawberry.type
class EvidenceEdge:
    node: Evidence
    cursor: str


@strawberry.type
class EvidenceConnection:
    edges: list[EvidenceEdge]
    page_info: PageInfo
    total_count: int


def paginate(keys: Sequence[str], kind: str, first: int, after: str | None) -> tuple[list[int], PageInfo]:
    """Positions of the page after the cursor (keys in a stable order), with its PageInfo."""
    start = 0
    if after is not None:
        key = decode_cursor(kind, after)
        if key not in keys:
            raise invalid("after", "is not a cursor from this connection")
        start = list(keys).index(key) + 1
    chosen = list(range(start, min(start + first, len(keys))))
    info = PageInfo(
        has_next_page=start + first < len(keys),
        has_previous_page=start > 0,
        start_cursor=encode_cursor(kind, keys[chosen[0]]) if chosen else None,
        end_cursor=encode_cursor(kind, keys[chosen[-1]]) if chosen else None,
    )
    return chosen, info


# --- inputs -----------------------------------------------------------------------------------
@strawberry.input
class LinkInput:
    requirement: str = strawberry.field(description="Any id form: A.6.2.8, iso42001:A.6.2.8, 'Art. 12(1)', 'GOVERN 1.1'")
    asserted_by: str
    extent: str = "full"
    system: str | None = None


@strawberry.input
class CreateEvidenceInput:
    id: str
    title: str
    kind: str
    description: str | None = None
    owner: str | None = None
    location: str | None = None
    sha256: str | None = None
    collected_on: str | None = strawberry.field(default=None, description="YYYY-MM-DD")
    valid_until: str | None = strawberry.field(default=None, description="YYYY-MM-DD")
    links: list[LinkInput] = strawberry.field(default_factory=list)


@strawberry.input(description="Fields left out keep their value; null clears an optional field; links, when given, replace all links")
class UpdateEvidenceInput:
    id: str
    title: str | None = strawberry.UNSET
    kind: str | None = strawberry.UNSET
    description: str | None = strawberry.UNSET
    owner: str | None = strawberry.UNSET
    location: str | None = strawberry.UNSET
    sha256: str | None = strawberry.UNSET
    collected_on: str | None = strawberry.UNSET
    valid_until: str | None = strawberry.UNSET
    links: list[LinkInput] | None = strawberry.UNSET


@strawberry.input
class CreateSystemInput:
    id: str
    name: str
    roles: list[str]
    category: str
    generative: bool = False
    owner: str | None = None
    purpose: str | None = None
    data_used: str | None = None
    next_review: str | None = strawberry.field(default=None, description="YYYY-MM-DD")


@strawberry.input(description="Fields left out keep their value; null clears an optional field")
class UpdateSystemInput:
    id: str
    name: str | None = strawberry.UNSET
    roles: list[str] | None = strawberry.UNSET
    category: str | None = strawberry.UNSET
    generative: bool | None = strawberry.UNSET
    owner: str | None = strawberry.UNSET
    purpose: str | None = strawberry.UNSET
    data_used: str | None = strawberry.UNSET
    next_review: str | None = strawberry.UNSET


def _given(value: object) -> bool:
    return not isinstance(value, UnsetType)


def _links(links: Sequence[LinkInput]) -> list[EvidenceLinkInput]:
    return [EvidenceLinkInput(requirement=k.requirement, extent=k.extent, asserted_by=k.asserted_by, system=k.system) for k in links]


def _known_evidence(api: GRCGraph, evidence_id: str) -> None:
    if not ID_PATTERN.match(evidence_id) or not api.workspace.has_evidence(evidence_id):
        raise NotFoundError(f"no evidence {evidence_id[:140]!r} in this workspace")


def _store_evidence(api: GRCGraph, item: EvidenceInput, problems: list[tuple[str, str]]) -> Evidence:
    check_lengths(item, "input", problems)
    if problems:
        raise InvalidInputError(problems)
    try:
        api.workspace.put_evidence([item], path="input", replace=True)
    except InvalidInputError as error:
        raise renamed(error, "input") from None
    return Evidence(data=api.workspace.evidence(item.id), api=api)


def _store_system(api: GRCGraph, item: AISystemInput, problems: list[tuple[str, str]]) -> AISystem:
    check_lengths(item, "input", problems)
    if problems:
        raise InvalidInputError(problems)
    try:
        api.workspace.put_system(item)
    except InvalidInputError as error:
        raise renamed(error, "input", replace="system") from None
    return AISystem.of(api.workspace.system(item.id))


# --- root types ---------------------------------------------------------------------------------
@strawberry.type
class Query:
    @strawberry.field(description="Who the caller is: workspace and role")
    def viewer(self, info: Info) -> Viewer:
        info.context.api()
        principal = info.context.principal
        assert principal is not None
        return Viewer(workspace=principal.workspace, role=principal.role.name, token_id=principal.token_id)

    @strawberry.field
    def frameworks(self, info: Info) -> list[Framework]:
        api = info.context.api()
        return [
            Framework(
                prefix=v.prefix,
                name=v.framework,
                version=v.version,
                title=v.title,
                scheme=v.scheme,
                rights=v.rights,
                requirement_count=v.total,
                counts=[KindCount(kind=k, count=n) for k, n in v.counts.items()],
            )
            for v in api.catalog.frameworks()
        ]

    @strawberry.field(description="One requirement by any id form: 'A.6.2.8', 'iso42001:A.6.2.8', 'Art. 12(1)', 'GOVERN 1.1'")
    def requirement(self, info: Info, id: str) -> Requirement:
        api = info.context.api()
        if len(id) > 200:
            raise invalid("id", "is longer than 200 characters")
        return Requirement(ref=api.catalog.resolve(id), api=api)

    @strawberry.field(description="Requirements in document order, filtered; `first` is limited to the server's max page size")
    def requirements(  # noqa: PLR0917 (GraphQL arguments)
        self,
        info: Info,
        framework: str | None = None,
        kind: str | None = None,
        text: str | None = None,
        first: int = 20,
        after: str | None = None,
    ) -> RequirementConnection:
        api = info.context.api()
        size = page(info.context.settings, first)
        prefix = None
        if framework is not None:
            try:
                prefix = api.mapping_index.framework(framework[:200])
            except ValueError as error:
                raise invalid("framework", str(error)) from None
        if kind is not None and kind not in KIND_ORDER:
            raise invalid("kind", f"{kind[:60]!r} is not one of {', '.join(KIND_ORDER)}")
        if text is not None and not 1 <= len(text) <= 200:
            raise invalid("text", "must be 1 to 200 characters")
        refs = [api.catalog.ref(row[0]) for row in api.catalog._index]
        refs = [r for r in refs if (prefix is None or r.curie.startswith(f"{prefix}:")) and (kind is None or r.kind == kind)]
        if text is not None:
            needle = text.lower()
            in_text = _text_matches(api, text)
            refs = [r for r in refs if needle in r.title.lower() or needle in r.notation.lower() or r.iri in in_text]
        refs.sort(key=lambda r: api.catalog.order(r.iri))
        chosen, page_info = paginate([r.curie for r in refs], "requirement", size, after)
        edges = [
            RequirementEdge(node=Requirement(ref=refs[i], api=api), cursor=encode_cursor("requirement", refs[i].curie)) for i in chosen
        ]
        return RequirementConnection(edges=edges, page_info=page_info, total_count=len(refs))

    @strawberry.field(description="Every mapping between two frameworks (all sets, both directions), read from `from` towards `to`")
    def mappings(self, info: Info, from_: Annotated[str, strawberry.argument(name="from")], to: str) -> list[Mapping]:
        api = info.context.api()
        for name, value in (("from", from_), ("to", to)):
            try:
                api.mapping_index.framework(value[:200])
            except ValueError as error:
                raise invalid(name, str(error)) from None
        return [Mapping(data=m, api=api) for m in api.mapping_index.between(from_, to)]

    @strawberry.field
    def evidence(self, info: Info, id: str) -> Evidence:
        api = info.context.api()
        _known_evidence(api, id)
        return Evidence(data=api.workspace.evidence(id), api=api)

    @strawberry.field(description="The workspace's evidence, by id")
    def evidence_list(self, info: Info, first: int = 20, after: str | None = None) -> EvidenceConnection:
        api = info.context.api()
        size = page(info.context.settings, first)
        ids = api.workspace.evidence_ids()
        chosen, page_info = paginate(ids, "evidence", size, after)
        edges = [
            EvidenceEdge(node=Evidence(data=api.workspace.evidence(ids[i]), api=api), cursor=encode_cursor("evidence", ids[i]))
            for i in chosen
        ]
        return EvidenceConnection(edges=edges, page_info=page_info, total_count=len(ids))

    @strawberry.field(
        description="What the evidence (default: all of the workspace's) covers, in every framework or those named, with every path"
    )
    def coverage(
        self,
        info: Info,
        evidence_ids: list[str] | None = None,
        frameworks: list[str] | None = None,
        on: str | None = None,
        chain_length: int = 1,
    ) -> list[CoverageRow]:
        api = info.context.api()
        day, length = parse_day(on, "on"), chain(chain_length)
        if evidence_ids is not None:
            for evidence_id in evidence_ids:
                _known_evidence(api, evidence_id)
        wanted = None
        if frameworks:
            wanted = set()
            for index, name in enumerate(frameworks):
                try:
                    wanted.add(api.mapping_index.framework(name[:200]))
                except ValueError as error:
                    raise invalid(f"frameworks[{index}]", str(error)) from None
        covered = api.covered(evidence_ids, on=day, chain_length=length)
        rows = []
        for iri, entry in sorted(covered.items(), key=lambda item: api.catalog.order(item[0])):
            ref = api.catalog.ref(iri)
            if wanted and ref.curie.split(":", 1)[0] not in wanted:
                continue
            counted = [p for p in entry.paths if not p.stale]
            rows.append(
                CoverageRow(
                    requirement=Requirement(ref=ref, api=api),
                    coverage=entry.status,
                    direct=any(not p.hops for p in counted),
                    inferred=entry.inferred,
                    evidence=sorted({p.evidence for p in entry.paths}),
                    paths=[CoveragePath.of(p, api) for p in entry.paths],
                )
            )
        return rows

    @strawberry.field(description="Each requirement of a framework with its status, then counts per status")
    def gaps(self, info: Info, framework: str, system: str | None = None, on: str | None = None, chain_length: int = 1) -> GapReport:
        api = info.context.api()
        day, length = parse_day(on, "on"), chain(chain_length)
        try:
            prefix = api.mapping_index.framework(framework[:200])
        except ValueError as error:
            raise invalid("framework", str(error)) from None
        if system is not None and not (ID_PATTERN.match(system) and api.workspace.has_system(system)):
            raise NotFoundError(f"no AI system {system[:140]!r} in this workspace")
        frame = api.gaps(prefix, system=system, on=day, chain_length=length)
        summary = GRCGraph.summary(frame)
        rows = [
            GapRow(
                requirement=Requirement(ref=api.catalog.resolve(str(r["requirement"])), api=api),
                parent=str(r["parent"]) or None,
                status=str(r["status"]),
                reason=str(r["reason"]),
                evidence=[e for e in str(r["evidence"]).split("|") if e],
                stale_evidence=[e for e in str(r["stale_evidence"]).split("|") if e],
                inferred=bool(r["inferred"]),
                leaf=bool(r["leaf"]),
            )
            for r in frame.to_dict("records")
        ]
        counts = [
            StatusCount(
                status=str(s["status"]),
                count=int(s["count"]),
                percent_of_applicable=None
                if s["percent of applicable"] is None or s["percent of applicable"] != s["percent of applicable"]
                else float(s["percent of applicable"]),
            )
            for s in summary.to_dict("records")
        ]
        return GapReport(framework=prefix, system=system, on=day, rows=rows, summary=counts)

    @strawberry.field(description="EU AI Act provisions binding the organisation for an AI system, and from when")
    def applicable(self, info: Info, system: str, on: str | None = None) -> list[ApplicableProvision]:
        api = info.context.api()
        day = parse_day(on, "on")
        if not (ID_PATTERN.match(system) and api.workspace.has_system(system)):
            raise NotFoundError(f"no AI system {system[:140]!r} in this workspace")
        item = api.workspace.system(system)
        return [
            ApplicableProvision(
                requirement=Requirement(ref=api.catalog.ref(p.provision), api=api),
                basis=p.basis,
                roles=list(p.roles),
                conditional=p.conditional,
                note=p.note,
                applies_from=p.applies_from,
                in_force=p.in_force,
                date_source=p.date_source,
            )
            for p in api.scope.eu_provisions(item, day)
        ]

    @strawberry.field(description="The AI inventory")
    def systems(self, info: Info) -> list[AISystem]:
        return [AISystem.of(s) for s in info.context.api().workspace.systems()]

    @strawberry.field(description="ISO/IEC 42001 and 27001 Annex A controls: included or excluded, why, and the evidence behind each")
    def statement_of_applicability(self, info: Info) -> list[SoARow]:
        api = info.context.api()
        return [
            SoARow(
                framework=str(r["framework"]),
                control=Requirement(ref=api.catalog.resolve(str(r["control"])), api=api),
                included=None if r["included"] is None or r["included"] != r["included"] else bool(r["included"]),
                justification=str(r["justification"]),
                status=str(r["status"]),
                evidence=[e for e in str(r["evidence"]).split("|") if e],
            )
            for r in api.soa().to_dict("records")
        ]


def _text_matches(api: GRCGraph, text: str) -> set[str]:
    """Requirements whose official text contains `text` (case-insensitive); the text is a bound variable."""
    rows = api.store.query(
        PREFIXES
        + f"SELECT DISTINCT ?r ?q WHERE {{ GRAPH <{REFERENCE_GRAPH}> {{ ?r grc:text ?t . FILTER(CONTAINS(LCASE(STR(?t)), LCASE(STR(?q)))) }} }}",
        {"q": Literal(text)},
    )
    return {str(row[0]) for row in rows}


@strawberry.type
class Mutation:
    @strawberry.mutation(description="Store new evidence with its links; INVALID_INPUT when the id is taken")
    def create_evidence(self, info: Info, input: CreateEvidenceInput) -> Evidence:
        api = info.context.api(Role.editor)
        problems: list[tuple[str, str]] = []
        if ID_PATTERN.match(input.id) and api.workspace.has_evidence(input.id):
            problems.append(("input.id", f"evidence {input.id!r} already exists; use updateEvidence"))
        item = EvidenceInput(
            id=input.id,
            title=input.title,
            kind=input.kind,
            description=input.description,
            owner=input.owner,
            location=input.location,
            sha256=input.sha256,
            collected_on=optional_day(input.collected_on, "input.collectedOn", problems),
            valid_until=optional_day(input.valid_until, "input.validUntil", problems),
            links=_links(input.links),
        )
        return _store_evidence(api, item, problems)

    @strawberry.mutation(description="Change evidence; fields left out keep their value, links left out are kept")
    def update_evidence(self, info: Info, input: UpdateEvidenceInput) -> Evidence:
        api = info.context.api(Role.editor)
        _known_evidence(api, input.id)
        old = api.workspace.evidence(input.id)
        problems: list[tuple[str, str]] = []
        values: dict[str, Any] = dataclasses.asdict(old)
        for name in ("title", "kind", "description", "owner", "location", "sha256"):
            if _given(getattr(input, name)):
                values[name] = getattr(input, name)
        for name, field in (("collected_on", "input.collectedOn"), ("valid_until", "input.validUntil")):
            if _given(getattr(input, name)):
                values[name] = optional_day(getattr(input, name), field, problems)
        if _given(input.links):
            links = _links(input.links or [])
        else:
            links = [
                EvidenceLinkInput(
                    requirement=k.requirement,
                    extent=k.extent,
                    asserted_by=k.asserted_by,
                    asserted_at=dt.datetime.fromisoformat(k.asserted_at) if k.asserted_at else None,
                    system=k.system,
                )
                for k in api.workspace.links(input.id)
            ]
        item = EvidenceInput(**values, links=links)
        if item.title is None:
            problems.append(("input.title", "cannot be null"))
        if item.kind is None:
            problems.append(("input.kind", "cannot be null"))
        return _store_evidence(api, item, problems)

    @strawberry.mutation(description="Delete evidence and its links; answers the id deleted")
    def delete_evidence(self, info: Info, id: str) -> str:
        api = info.context.api(Role.editor)
        _known_evidence(api, id)
        api.workspace.delete_evidence(id)
        return id

    @strawberry.mutation(description="Add or replace links from evidence to requirements")
    def link_evidence(self, info: Info, evidence_id: str, links: list[LinkInput]) -> Evidence:
        api = info.context.api(Role.editor)
        _known_evidence(api, evidence_id)
        converted = _links(links)
        problems: list[tuple[str, str]] = []
        check_lengths(converted, "links", problems)
        if not converted:
            problems.append(("links", "name at least one link"))
        if problems:
            raise InvalidInputError(problems)
        try:
            api.workspace.link(evidence_id, converted)
        except InvalidInputError as error:
            raise renamed(error, "links") from None
        return Evidence(data=api.workspace.evidence(evidence_id), api=api)

    @strawberry.mutation(description="Remove one link (for one system, or the system-less link when system is null)")
    def unlink_evidence(self, info: Info, evidence_id: str, requirement: str, system: str | None = None) -> Evidence:
        api = info.context.api(Role.editor)
        _known_evidence(api, evidence_id)
        if len(requirement) > 200:
            raise invalid("requirement", "is longer than 200 characters")
        if system is not None and not ID_PATTERN.match(system):
            raise NotFoundError(f"no AI system {system[:140]!r} in this workspace")
        api.workspace.unlink(evidence_id, requirement, system)
        return Evidence(data=api.workspace.evidence(evidence_id), api=api)

    @strawberry.mutation(description="Add an AI system to the inventory; INVALID_INPUT when the id is taken")
    def create_system(self, info: Info, input: CreateSystemInput) -> AISystem:
        api = info.context.api(Role.editor)
        problems: list[tuple[str, str]] = []
        if ID_PATTERN.match(input.id) and api.workspace.has_system(input.id):
            problems.append(("input.id", f"AI system {input.id!r} already exists; use updateSystem"))
        item = AISystemInput(
            id=input.id,
            name=input.name,
            roles=list(input.roles),
            category=input.category,
            generative=input.generative,
            owner=input.owner,
            purpose=input.purpose,
            data_used=input.data_used,
            next_review=optional_day(input.next_review, "input.nextReview", problems),
        )
        return _store_system(api, item, problems)

    @strawberry.mutation(description="Change an AI system; fields left out keep their value")
    def update_system(self, info: Info, input: UpdateSystemInput) -> AISystem:
        api = info.context.api(Role.editor)
        if not (ID_PATTERN.match(input.id) and api.workspace.has_system(input.id)):
            raise NotFoundError(f"no AI system {input.id[:140]!r} in this workspace")
        values: dict[str, Any] = dataclasses.asdict(api.workspace.system(input.id))
        values["roles"] = list(values["roles"])
        problems: list[tuple[str, str]] = []
        for name in ("name", "roles", "category", "generative", "owner", "purpose", "data_used"):
            if _given(getattr(input, name)):
                values[name] = getattr(input, name)
        if _given(input.next_review):
            values["next_review"] = optional_day(input.next_review, "input.nextReview", problems)
        for name in ("name", "roles", "category", "generative"):
            if values[name] is None:
                problems.append((f"input.{_camel(name)}", "cannot be null"))
        return _store_system(api, AISystemInput(**values), problems)

    @strawberry.mutation(description="Include or exclude an ISO/IEC 42001 or 27001 Annex A control, with the justification")
    def set_applicability(self, info: Info, control: str, included: bool, reason: str) -> SoAEntry:
        api = info.context.api(Role.editor)
        problems: list[tuple[str, str]] = []
        check_lengths(reason, "reason", problems)
        if len(control) > 200:
            problems.append(("control", "is longer than 200 characters"))
        if problems:
            raise InvalidInputError(problems)
        try:
            entry: SoAData = api.workspace.set_applicability(control, included, reason)
        except InvalidInputError as error:
            raise renamed(error, "reason") from None
        return SoAEntry(control=Requirement(ref=api.catalog.ref(entry.control), api=api), included=entry.included, reason=entry.reason)


# --- guards and the schema --------------------------------------------------------------------
TOKENS_EXCEEDED = re.compile(r"more than \d+ tokens")


def guard_extension(settings: Settings) -> Callable[[], SchemaExtension]:
    """Depth, alias and token limits, checked before normal validation; failures are QUERY_TOO_COMPLEX."""
    rules = [depth_rule(settings.max_depth, None), alias_rule(settings.max_aliases)]

    class ComplexityGuard(SchemaExtension):
        def on_parse(self) -> Iterator[None]:
            self.execution_context.parse_options["max_tokens"] = settings.max_tokens
            yield
            for error in self.execution_context.pre_execution_errors or []:
                if TOKENS_EXCEEDED.search(error.message):
                    error.extensions = {"code": "QUERY_TOO_COMPLEX", "maxTokens": settings.max_tokens}

        def on_validate(self) -> Iterator[None]:
            context = self.execution_context
            if context.graphql_document is not None and context.pre_execution_errors is None:
                errors = validate(context.schema._schema, context.graphql_document, rules)
                if errors:
                    for error in errors:
                        error.extensions = {"code": "QUERY_TOO_COMPLEX"}
                    context.pre_execution_errors = list(errors)
            yield

    return ComplexityGuard


class Schema(strawberry.Schema):
    def process_errors(self, errors: list[GraphQLError], execution_context: ExecutionContext | None = None) -> None:
        """Log what went wrong on the server's side, with its trace; the caller's own mistakes are answers, not log noise."""
        for error in errors:
            if not expected(error):
                log.error(
                    "unexpected error in %s", ".".join(str(p) for p in error.path or []) or "a request", exc_info=error.original_error
                )


def build_schema(settings: Settings | None = None) -> Schema:
    settings = settings or Settings()
    extensions: list[Callable[[], SchemaExtension]] = [guard_extension(settings)]
    if not settings.introspection:
        extensions.append(DisableIntrospection)
    config = StrawberryConfig(disable_field_suggestions=not settings.introspection)
    return Schema(query=Query, mutation=Mutation, extensions=extensions, config=config)


if __name__ == "__main__":  # regenerate the committed SDL: python -m grcgraph.server.schema > server/schema.graphql
    print(build_schema().as_str())
