"""The GraphQL types at the heart of the graph, which refer to one another: requirements and their
mappings, evidence and its links, and coverage with the paths that explain it."""

from __future__ import annotations

import dataclasses
import datetime as dt
from typing import Annotated

import strawberry

from grcgraph.api import GRCGraph
from grcgraph.model import CoveragePath as PathData
from grcgraph.model import Covered, Level, RequirementRef
from grcgraph.model import Evidence as EvidenceData
from grcgraph.model import EvidenceLink as LinkData
from grcgraph.model import Hop as HopData
from grcgraph.model import Mapping as MappingData
from grcgraph.model import Requirement as RequirementDetail
from grcgraph.server.arguments import chain, parse_day
from grcgraph.server.context import Info
from grcgraph.server.error_format import invalid
from grcgraph.server.scalars import DayText, instant_of
from grcgraph.server.types.enums import AICategory, CoverageStatus, EvidenceKind, LinkExtent, MappingPredicate, RequirementKind
from grcgraph.server.types.history import HistoryEntry, history_field
from grcgraph.server.types.node import Node
from grcgraph.vocab.terms import AI_CATEGORIES


@strawberry.type(description="A date of application an amendment replaced")
class ReplacedDate:
    applies_from: dt.date = strawberry.field(description="The date of application as it stood before the amendment (YYYY-MM-DD)")
    source: str = strawberry.field(description="The legal act that set the replaced date")


@strawberry.type(description="When a provision, or a part of it, applies: for every AI system or for one category")
class DateOfApplication:
    applies_from: dt.date = strawberry.field(description="The day from which the provision, or `part` of it, applies (YYYY-MM-DD)")
    category: AICategory | None = strawberry.field(description="AI-system category (e.g. HIGH_RISK_ANNEX_III); null: every AI system")
    part: str | None = strawberry.field(
        description="The part of the provision this date is for (e.g. 'point (a)'); null: the whole provision"
    )
    source: str = strawberry.field(description="The legal act that sets this date (EU AI Act Art. 113, or the amending regulation)")
    note: str | None = strawberry.field(description="A remark on the date, such as the condition it depends on; null: none")
    replaced: list[ReplacedDate] = strawberry.field(description="Earlier dates this one replaced, most recent first")


CATEGORY_LABELS = {str(iri): notation for notation, iri in AI_CATEGORIES.items()}


@strawberry.type(description="A clause, control, article, paragraph, function, category, subcategory or action of a framework.")
class Requirement(Node):
    ref: strawberry.Private[RequirementRef]
    api: strawberry.Private[GRCGraph]
    cache: strawberry.Private[dict[str, RequirementDetail]] = dataclasses.field(default_factory=dict)

    def _detail(self) -> RequirementDetail:
        if "detail" not in self.cache:
            self.cache["detail"] = self.api.requirement(self.ref.iri)
        return self.cache["detail"]

    in_workspace = False

    def node_key(self) -> str:
        return self.ref.curie

    @strawberry.field(description="The requirement's IRI in the grcgraph namespace")
    def iri(self) -> str:
        return self.ref.iri

    @strawberry.field(description="The id as the framework writes it, without prefix: A.6.2.8, Art. 12(1), GOVERN 1.1")
    def notation(self) -> str:
        return self.ref.notation

    @strawberry.field(description="The requirement's title as the framework gives it")
    def title(self) -> str:
        return self.ref.title

    @strawberry.field(
        description="Requirement class (grc:Clause, grc:Control, grc:Article, ...): CLAUSE, CONTROL_AREA, CONTROL, ARTICLE, ..."
    )
    def kind(self) -> RequirementKind:
        return RequirementKind(self.ref.kind)

    @strawberry.field(description="Framework prefix, e.g. euaiact")
    def framework(self) -> str:
        return self.ref.curie.split(":", 1)[0]

    @strawberry.field(description="Title of the framework version")
    def scheme(self) -> str:
        return self._detail().scheme

    @strawberry.field(description="Official text where the framework's rights allow it (EU AI Act, NIST); null for ISO")
    def text(self) -> str | None:
        return self._detail().text

    @strawberry.field(description="Where the official text can be read; null when the framework gives none")
    def url(self) -> str | None:
        return self._detail().url

    @strawberry.field(description="Where the catalog entry comes from (the publication it was read from)")
    def source(self) -> str:
        return self._detail().source

    @strawberry.field(description="The licence or rights statement of the framework's text")
    def rights(self) -> str:
        return self._detail().rights

    @strawberry.field(description="Enclosing requirements, outermost first")
    def parents(self) -> list[Requirement]:
        return [Requirement(ref=r, api=self.api) for r in self._detail().ancestors]

    @strawberry.field(description="Requirements directly under this one, in document order")
    def children(self) -> list[Requirement]:
        return [Requirement(ref=r, api=self.api) for r in self._detail().children]

    @strawberry.field(description="When the provision applies (EU AI Act), per category and part, with the source; empty elsewhere")
    def dates_of_application(self) -> list[DateOfApplication]:
        return [
            DateOfApplication(
                applies_from=date.applies_from,
                category=AICategory(CATEGORY_LABELS.get(date.category, date.category)) if date.category else None,
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
    async def evidence(
        self,
        info: Info,
        on: Annotated[
            DayText | None,
            strawberry.argument(
                description="The day the coverage is computed for (YYYY-MM-DD, default today): evidence past its valid-until date is stale"
            ),
        ] = None,
        chain_length: Annotated[
            int, strawberry.argument(description="How many mappings a coverage path may follow, 0 to 4 (0: direct links only; default 1)")
        ] = 1,
    ) -> list[CoveringEvidence]:
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
                    coverage=level_status(best) if best is not None else CoverageStatus.STALE,
                    direct=any(not p.hops for p in fresh),
                    inferred=bool(fresh) and all(p.inferred for p in fresh),
                    stale=not fresh,
                    paths=[CoveragePath.of(p, api) for p in paths],
                )
            )
        return result


@strawberry.type(
    description="One row of a mapping set (SSSOM): a typed, justified relationship between two requirements (NIST IR 8477), read from `subject`"
)
class Mapping(Node):
    data: strawberry.Private[MappingData]
    api: strawberry.Private[GRCGraph]

    in_workspace = False

    def node_key(self) -> str:
        return self.data.iri

    @strawberry.field(description="The requirement the mapping is read from")
    def subject(self) -> Requirement:
        return Requirement(ref=self.data.subject, api=self.api)

    @strawberry.field(description="IR 8477 relationship, as read from the subject")
    def predicate(self) -> MappingPredicate:
        return MappingPredicate(self.data.predicate)

    @strawberry.field(description="null: the set records that nothing corresponds (sssom:NoTermFound)")
    def object(self) -> Requirement | None:
        return Requirement(ref=self.data.object, api=self.api) if self.data.object else None

    @strawberry.field(description="Why the relationship holds, as the mapping set's authors wrote it; null: none given")
    def rationale(self) -> str | None:
        return self.data.rationale

    @strawberry.field(description="The authors' confidence in the row, 0 to 1 (SSSOM confidence); null: not stated")
    def confidence(self) -> float | None:
        return float(self.data.confidence) if self.data.confidence else None

    @strawberry.field(description="How the row was made (SSSOM mapping_justification, e.g. semapv:ManualMappingCuration)")
    def justification(self) -> str:
        return self.data.justification

    @strawberry.field(description="Title of the mapping set the row comes from")
    def source(self) -> str:
        return self.data.set_title

    @strawberry.field(description="The mapping set's id (SSSOM mapping_set_id IRI)")
    def mapping_set(self) -> str:
        return self.data.mapping_set

    @strawberry.field(description="A remark on the row from the mapping set; null: none")
    def comment(self) -> str | None:
        return self.data.comment

    @strawberry.field(description="True when the row was stated from the other end and its inverse relationship is shown")
    def inverted(self) -> bool:
        return self.data.inverted

    @strawberry.field(description="Who made the row (SSSOM creator_id: ORCID or organisation IRIs)")
    def creators(self) -> list[str]:
        return list(self.data.creators)


@strawberry.type(description="A claim that a piece of evidence satisfies a requirement, fully or partly, by whom and when")
class EvidenceLink:
    data: strawberry.Private[LinkData]
    api: strawberry.Private[GRCGraph]

    @strawberry.field(description="The id of the evidence item the link belongs to")
    def evidence_id(self) -> str:
        return self.data.evidence

    @strawberry.field(description="The requirement the evidence is said to satisfy")
    def requirement(self) -> Requirement:
        return Requirement(ref=self.api.ref(self.data.requirement), api=self.api)

    @strawberry.field(description="FULL or PARTIAL")
    def extent(self) -> LinkExtent:
        return LinkExtent(self.data.extent)

    @strawberry.field(description="Who made the claim (an e-mail address or a name)")
    def asserted_by(self) -> str:
        return self.data.asserted_by

    @strawberry.field(description="When the claim was made (ISO 8601 instant)")
    def asserted_at(self) -> dt.datetime:
        return instant_of(self.data.asserted_at)

    @strawberry.field(description="AI system the link is for; null: every system")
    def system(self) -> str | None:
        return self.data.system


@strawberry.type(
    description="An item of the workspace's evidence register (a policy, a log, a test result, ...) with its links to requirements"
)
class Evidence(Node):
    data: strawberry.Private[EvidenceData]
    api: strawberry.Private[GRCGraph]
    history: list[HistoryEntry] = history_field("evidence", lambda root: root.data.id)

    def node_key(self) -> str:
        return self.data.id

    @strawberry.field(description="What the evidence is, in a line (1 to 500 characters)")
    def title(self) -> str:
        return self.data.title

    @strawberry.field(description="Evidence kind: POLICY, PROCEDURE, RECORD, LOG, TEST_RESULT, ...")
    def kind(self) -> EvidenceKind:
        return EvidenceKind(self.data.kind)

    @strawberry.field(description="Longer text on the evidence; null: none")
    def description(self) -> str | None:
        return self.data.description

    @strawberry.field(description="Who is responsible for it (an e-mail address or a team); null: none")
    def owner(self) -> str | None:
        return self.data.owner

    @strawberry.field(description="Where the evidence is kept: a URL or a path; null: not recorded")
    def location(self) -> str | None:
        return self.data.location

    @strawberry.field(description="SHA-256 of the evidence file (64 hex digits), checked by `grcgraph audit verify`; null: none")
    def sha256(self) -> str | None:
        return self.data.sha256

    @strawberry.field(description="The day the evidence was collected; null: not recorded")
    def collected_on(self) -> dt.date | None:
        return self.data.collected_on

    @strawberry.field(description="The last day the evidence counts; after it, it is stale; null: no expiry")
    def valid_until(self) -> dt.date | None:
        return self.data.valid_until

    @strawberry.field(description="The requirements the item is linked to, with extent, who asserted each and when")
    async def links(self, info: Info) -> list[EvidenceLink]:
        return [EvidenceLink(data=link, api=self.api) for link in await info.context.loaders.links.load(self.data.id)]

    @strawberry.field(description="What this evidence covers on its own, in every framework or those named, with every path")
    async def coverage(
        self,
        info: Info,
        frameworks: Annotated[
            list[str] | None,
            strawberry.argument(
                description="Framework prefixes or names to limit the rows to (iso42001, 'EU AI Act', ...); null or empty: every framework"
            ),
        ] = None,
        on: Annotated[
            DayText | None, strawberry.argument(description="The day the coverage is computed for (YYYY-MM-DD, default today)")
        ] = None,
        chain_length: Annotated[
            int, strawberry.argument(description="How many mappings a coverage path may follow, 0 to 4 (0: direct links only; default 1)")
        ] = 1,
    ) -> list[CoverageRow]:
        wanted = framework_prefixes(self.api, frameworks)
        covered = await info.context.loaders.coverage.load((self.data.id, parse_day(on, "on"), chain(chain_length)))
        return coverage_rows(self.api, covered, wanted)


@strawberry.type(description="One mapping followed on a coverage path, from `subject` to `object`")
class Hop:
    subject: str = strawberry.field(description="CURIE of the requirement the hop starts from")
    predicate: MappingPredicate = strawberry.field(description="The IR 8477 relationship followed, as read from `subject`")
    object: str = strawberry.field(description="CURIE of the requirement the hop reaches")
    rationale: str | None = strawberry.field(description="Why the mapping holds; null: none given")
    confidence: float | None = strawberry.field(description="The mapping's confidence, 0 to 1; null: not stated")
    mapping: str = strawberry.field(description="IRI of the mapping row followed")
    mapping_set: str = strawberry.field(description="Id of the mapping set the row belongs to")
    source: str = strawberry.field(description="Title of the mapping set")
    comment: str | None = strawberry.field(description="The row's comment; null: none")
    inverted: bool = strawberry.field(description="True when the row was stated from the other end and is followed backwards")

    @classmethod
    def of(cls, hop: HopData) -> Hop:
        values = {f.name: getattr(hop, f.name) for f in dataclasses.fields(HopData)}
        return cls(**{**values, "predicate": MappingPredicate(hop.predicate)})


@strawberry.type(description="One explanation: the evidence link, then each mapping followed")
class CoveragePath:
    evidence_id: str = strawberry.field(description="The evidence id (or AIMS record key, kind/id) the path starts from")
    origin: str = strawberry.field(
        description="What the path starts from: the evidence id, or the AIMS record's label ('impact assessment IA-3 of system credit, approved 2026-11-03')"
    )
    level: CoverageStatus = strawberry.field(description="How fully the path covers its requirement: COVERED, PARTIAL or RELATED")
    stale: bool = strawberry.field(description="True when the evidence is past its valid-until date on the day asked")
    inferred: bool = strawberry.field(description="True when the path follows a mapping rather than a direct link")
    link: EvidenceLink = strawberry.field(description="The evidence link the path starts with")
    hops: list[Hop] = strawberry.field(description="The mappings followed after the link, in order; empty for a direct link")

    @classmethod
    def of(cls, path: PathData, api: GRCGraph) -> CoveragePath:
        return cls(
            evidence_id=path.evidence,
            origin=api.first_hop(path),
            level=level_status(path.level),
            stale=path.stale,
            inferred=path.inferred,
            link=EvidenceLink(data=path.link, api=api),
            hops=[Hop.of(h) for h in path.hops],
        )


@strawberry.type(description="An evidence item covering a requirement, how fully, and the paths that explain it")
class CoveringEvidence:
    evidence: Evidence = strawberry.field(description="The evidence item")
    coverage: CoverageStatus = strawberry.field(
        description="The best level over its fresh paths: COVERED, PARTIAL or RELATED; STALE when every path is stale"
    )
    direct: bool = strawberry.field(description="True when one of its fresh paths is a direct link")
    inferred: bool = strawberry.field(description="True when every fresh path follows a mapping")
    stale: bool = strawberry.field(description="True when every path is past the evidence's valid-until date")
    paths: list[CoveragePath] = strawberry.field(description="Its paths to the requirement")


@strawberry.type(description="A requirement reached by evidence, with its coverage and the paths that explain it")
class CoverageRow:
    requirement: Requirement = strawberry.field(description="The requirement reached")
    coverage: CoverageStatus = strawberry.field(description="COVERED, PARTIAL, RELATED, STALE or UNCOVERED")
    direct: bool = strawberry.field(description="True when some evidence is linked to the requirement itself")
    inferred: bool = strawberry.field(description="True when the coverage comes only through mappings")
    evidence: list[str] = strawberry.field(description="Ids of the evidence (and AIMS record keys) behind the coverage")
    paths: list[CoveragePath] = strawberry.field(description="The first 20 paths to the requirement (the coverage counts every path)")


def level_status(level: Level) -> CoverageStatus:
    """A path's level as the status it gives its requirement: a full path covers it."""
    return LEVEL_STATUS[level]


LEVEL_STATUS = {
    Level.FULL: CoverageStatus.COVERED,
    Level.PARTIAL: CoverageStatus.PARTIAL,
    Level.RELATED: CoverageStatus.RELATED,
    Level.NONE: CoverageStatus.UNCOVERED,
}


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
            coverage=CoverageStatus(row.covered.status),
            direct=row.covered.direct,
            inferred=row.covered.inferred,
            evidence=row.covered.evidence(),
            paths=[CoveragePath.of(p, api) for p in row.covered.paths],
        )
        for row in api.coverage_rows(covered, wanted)
    ]
