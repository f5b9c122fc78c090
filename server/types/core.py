"""The GraphQL types at the heart of the graph, which refer to one another: requirements and their
mappings, evidence and its links, and coverage with the paths that explain it."""

from __future__ import annotations

import dataclasses
import datetime as dt

import strawberry

from grcgraph.api import GRCGraph
from grcgraph.model import CoveragePath as PathData
from grcgraph.model import Covered, RequirementRef
from grcgraph.model import Evidence as EvidenceData
from grcgraph.model import EvidenceLink as LinkData
from grcgraph.model import Hop as HopData
from grcgraph.model import Mapping as MappingData
from grcgraph.model import Requirement as RequirementDetail
from grcgraph.server.arguments import chain, parse_day
from grcgraph.server.context import Info
from grcgraph.server.error_format import invalid
from grcgraph.server.types.history import HistoryEntry, history_field
from grcgraph.vocab.terms import AI_CATEGORIES


@strawberry.type(description="A date of application an amendment replaced")
class ReplacedDate:
    applies_from: dt.date
    source: str


@strawberry.type(description="When a provision, or a part of it, applies: for every AI system or for one category")
class DateOfApplication:
    applies_from: dt.date
    category: str | None = strawberry.field(description="AI-system category (e.g. high-risk-annex-iii); null: every AI system")
    part: str | None
    source: str
    note: str | None
    replaced: list[ReplacedDate] = strawberry.field(description="Earlier dates this one replaced, most recent first")


CATEGORY_LABELS = {str(iri): notation for notation, iri in AI_CATEGORIES.items()}


@strawberry.type(description="A clause, control, article, paragraph, function, category, subcategory or action of a framework.")
class Requirement:
    ref: strawberry.Private[RequirementRef]
    api: strawberry.Private[GRCGraph]
    cache: strawberry.Private[dict[str, RequirementDetail]] = dataclasses.field(default_factory=dict)

    def _detail(self) -> RequirementDetail:
        if "detail" not in self.cache:
            self.cache["detail"] = self.api.requirement(self.ref.iri)
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

    @strawberry.field(description="When the provision applies (EU AI Act), per category and part, with the source; empty elsewhere")
    def dates_of_application(self) -> list[DateOfApplication]:
        return [
            DateOfApplication(
                applies_from=date.applies_from,
                category=CATEGORY_LABELS.get(date.category) if date.category else None,
                part=date.part,
                source=date.rule.source,
                note=date.rule.note,
                replaced=[ReplacedDate(applies_from=old.applies_from, source=old.source) for old in date.replaced],
            )
            for date in self.api.dates_of_application(self.ref.iri)
        ]

    @strawberry.field(description="Every mapping to or from this requirement, read from its side (inverted: read from the other end)")
    def mappings(self) -> list[Mapping]:
        return [Mapping(data=m, api=self.api) for m in self.api.mappings_of(self.ref.iri)]

    @strawberry.field(
        description="Evidence of the caller's workspace covering this requirement, directly or through mappings: the items of its "
        "first 20 coverage paths"
    )
    async def evidence(self, info: Info, on: str | None = None, chain_length: int = 1) -> list[CoveringEvidence]:
        entry = info.context.covered(parse_day(on, "on"), chain(chain_length)).get(self.ref.iri)
        if entry is None:
            return []
        api = info.context.api()
        by_evidence: dict[str, list[PathData]] = {}
        for path in entry.paths:
            by_evidence.setdefault(path.evidence, []).append(path)
        items = await info.context.loaders.evidence.load_many(sorted(by_evidence))
        result = []
        for item, (_evidence_id, paths) in zip(items, sorted(by_evidence.items()), strict=True):
            if item is None:  # deleted since coverage was computed
                continue
            fresh = [p for p in paths if not p.stale]
            best = max((p.level for p in fresh), default=None)
            result.append(
                CoveringEvidence(
                    evidence=Evidence(data=item, api=api),
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
        return Requirement(ref=self.api.ref(self.data.requirement), api=self.api)

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
    history: list[HistoryEntry] = history_field("evidence", lambda root: root.data.id)

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
    async def links(self, info: Info) -> list[EvidenceLink]:
        return [EvidenceLink(data=link, api=self.api) for link in await info.context.loaders.links.load(self.data.id)]

    @strawberry.field(description="What this evidence covers on its own, in every framework or those named, with every path")
    async def coverage(
        self, info: Info, frameworks: list[str] | None = None, on: str | None = None, chain_length: int = 1
    ) -> list[CoverageRow]:
        wanted = framework_prefixes(self.api, frameworks)
        covered = await info.context.loaders.coverage.load((self.data.id, parse_day(on, "on"), chain(chain_length)))
        return coverage_rows(self.api, covered, wanted)


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
    origin: str = strawberry.field(
        description="What the path starts from: the evidence id, or the AIMS record's label ('impact assessment IA-3 of system credit, approved 2026-11-03')"
    )
    level: str
    stale: bool
    inferred: bool
    link: EvidenceLink
    hops: list[Hop]

    @classmethod
    def of(cls, path: PathData, api: GRCGraph) -> CoveragePath:
        return cls(
            evidence_id=path.evidence,
            origin=api.first_hop(path),
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
    paths: list[CoveragePath] = strawberry.field(description="The first 20 paths to the requirement (the coverage counts every path)")


def framework_prefixes(api: GRCGraph, frameworks: list[str] | None) -> set[str] | None:
    """The framework prefixes named (any accepted form), or None for every framework."""
    if not frameworks:
        return None
    wanted = set()
    for index, name in enumerate(frameworks):
        try:
            wanted.add(api.framework_prefix(name[:200]))
        except ValueError as error:
            raise invalid(f"frameworks[{index}]", str(error)) from None
    return wanted


def coverage_rows(api: GRCGraph, covered: dict[str, Covered], wanted: set[str] | None) -> list[CoverageRow]:
    """One row per requirement reached, in document order, limited to the `wanted` frameworks."""
    return [
        CoverageRow(
            requirement=Requirement(ref=row.requirement, api=api),
            coverage=row.covered.status,
            direct=row.covered.direct,
            inferred=row.covered.inferred,
            evidence=row.covered.evidence(),
            paths=[CoveragePath.of(p, api) for p in row.covered.paths],
        )
        for row in api.coverage_rows(covered, wanted)
    ]
