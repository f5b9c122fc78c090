"""The facade's reference questions: frameworks, requirements, mappings, dates of application,
validation and export of the read-only reference graph."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from rdflib import Graph, Literal

from grcgraph.api.parts import Parts, frame
from grcgraph.errors import DataError
from grcgraph.loaders import reader_for
from grcgraph.loaders.sources import ProgressCallback
from grcgraph.model import ApplicationDate, FrameworkVersion, Mapping, Problem, Requirement, RequirementRef, SetSummary
from grcgraph.reference import index_cache
from grcgraph.reference.build import LoadResult, bind_prefixes, bundled_sources, load_reference
from grcgraph.reference.catalog import GRAPH, PREFIXES
from grcgraph.reference.validation import Report, validate
from grcgraph.vocab import iris

if TYPE_CHECKING:
    import networkx as nx
    import pandas as pd

EXPORT_FORMATS = {"turtle": "turtle", "jsonld": "json-ld", "nt": "nt"}  # the name users give -> rdflib's


class ReferenceAPI(Parts):
    # --- loading ------------------------------------------------------------------------------
    def load_reference(
        self,
        *,
        catalogs: Sequence[Path] = (),
        mapping_sets: Sequence[Path] = (),
        force: bool = False,
        progress: ProgressCallback | None = None,
    ) -> LoadResult:
        """Build or refresh the reference graph from the bundled files (and your own catalogs and
        mapping sets: CSV, SSSOM TSV or OSCAL JSON); nothing is written when a file is faulty
        (DataError) or nothing changed. A graph built with your own files stays until the next load
        that names files of yours, or a `force` load (the bundled files alone)."""
        given = [(str(path), kind) for kind, paths in (("catalog", catalogs), ("mapping-set", mapping_sets)) for path in paths]
        faults = []
        for name, kind in given:
            try:
                reader_for(kind, name)
            except ValueError as error:
                faults.append(Problem.in_file(name, 0, "", str(error).split(": ", 1)[-1]))
        if faults:
            raise DataError(faults)
        sources = bundled_sources(catalogs, mapping_sets) if catalogs or mapping_sets else None
        return load_reference(self.store, sources, force=force, progress=progress)

    def reference_loaded(self) -> bool:
        return self.store.digest(iris.REFERENCE_GRAPH) is not None

    def prepare(self) -> None:
        """Build the reference indexes (catalog, mappings, the requirement network) now, not at the
        first question. On a store on disk they are read from the file kept beside it when that was
        written for the same reference graph and code, and written there otherwise
        (grcgraph/reference/index_cache.py)."""
        directory = getattr(self.store, "path", None)
        digest = self.store.digest(iris.REFERENCE_GRAPH) if isinstance(directory, Path) and "network" not in vars(self) else None
        if digest is None or not isinstance(directory, Path):
            _ = self.network
            return
        file = index_cache.cache_file(directory, digest)
        if not index_cache.restore(self, file):
            _ = self.network
            if not self.read_only:
                index_cache.save(self, file)

    def reference_size(self) -> int:
        """Triples in the reference graph."""
        return self.store.graph_size(iris.REFERENCE_GRAPH)

    # --- frameworks and requirements ------------------------------------------------------------
    def framework_versions(self) -> list[FrameworkVersion]:
        return self.catalog.frameworks()

    def frameworks(self) -> pd.DataFrame:
        rows = [
            {"prefix": v.prefix, "framework": v.framework, "version": v.version, "title": v.title, "requirements": v.total, **v.counts}
            for v in self.catalog.frameworks()
        ]
        return frame(rows).fillna(0)

    def framework_prefix(self, name: str) -> str:
        """The prefix of a framework named in any accepted form (`iso42001`, `ISO/IEC 42001`); ValueError if none."""
        return self.mapping_index.framework(name)

    def requirement(self, requirement_id: str) -> Requirement:
        """One requirement by any form users type ('A.6.2.8', 'Art. 12(1)', an IRI), with its detail."""
        return self.catalog.requirement(requirement_id)

    def resolve(self, requirement_id: str) -> RequirementRef:
        return self.catalog.resolve(requirement_id)

    def ref(self, iri: str) -> RequirementRef:
        return self.catalog.ref(iri)

    def order(self, iri: str) -> tuple[str, int]:
        """Document order: framework prefix, then position in its catalog."""
        return self.catalog.order(iri)

    def requirements(self, framework: str | None = None, kind: str | None = None, text: str | None = None) -> list[RequirementRef]:
        """Requirements in document order, of one framework prefix and kind when given, and with `text`
        in their title, notation or official text (case-insensitive) when given."""
        refs = [r for r in self.catalog.refs(framework) if kind is None or r.kind == kind]
        if text is not None:
            needle = text.lower()
            in_text = self._text_matches(text)
            refs = [r for r in refs if needle in r.title.lower() or needle in r.notation.lower() or r.iri in in_text]
        return sorted(refs, key=lambda r: self.catalog.order(r.iri))

    def _text_matches(self, text: str) -> set[str]:
        """Requirements whose official text contains `text` (case-insensitive); the text is a bound variable."""
        rows = self.store.query(
            PREFIXES
            + f"SELECT DISTINCT ?r ?q WHERE {{ GRAPH {GRAPH} {{ ?r grc:text ?t . FILTER(CONTAINS(LCASE(STR(?t)), LCASE(STR(?q)))) }} }}",
            {"q": Literal(text)},
        )
        return {str(row[0]) for row in rows}

    def dates_of_application(self, iri: str) -> list[ApplicationDate]:
        """When an EU AI Act provision applies: for every system, per category where a rule differs, per part."""
        return self.dates.dates(iri)

    # --- mappings -------------------------------------------------------------------------------
    def mapping_rows(self, source: str, target: str) -> list[Mapping]:
        """Every mapping between two frameworks (every set, both directions), read from `source` to `target`."""
        return self.mapping_index.between(source, target)

    def mapping(self, iri: str) -> Mapping | None:
        """One mapping row by its IRI, read from its subject as the set states it; None when there is none."""
        return next((m for m in self.mapping_index.all if m.iri == iri), None)

    def mappings_of(self, iri: str) -> list[Mapping]:
        """Every mapping to or from one requirement, read from its side."""
        return self.mapping_index.for_requirement(iri)

    def mapping_sets(self) -> list[SetSummary]:
        """Rows and predicate shares per mapping set."""
        return self.mapping_index.summary()

    def mappings_sssom(self, source: str, target: str, *, skos: bool = False) -> str:
        """One SSSOM TSV of every mapping between two frameworks, read from source to target; with
        `skos`, predicates are SKOS mapping properties and the IR 8477 type is in `ir8477_predicate`."""
        return self.mapping_index.export_between(source, target, skos=skos)

    def mappings(self, source: str, target: str) -> pd.DataFrame:
        """Every mapping between two frameworks, read from `source` to `target`."""
        return frame([m.as_row() for m in self.mapping_rows(source, target)])

    def crosswalk(self, requirement_id: str) -> pd.DataFrame:
        ref = self.catalog.resolve(requirement_id)
        return frame([m.as_row() for m in self.mappings_of(ref.iri)])

    def to_networkx(self) -> nx.MultiDiGraph:
        """The requirement-and-mapping graph; attributes are documented in grcgraph.coverage.network."""
        return self.network.copy()

    # --- checks and exports -----------------------------------------------------------------------
    def reference_graph(self) -> Graph:
        """A copy of the reference graph in memory, prefixes bound."""
        graph = self.store.read_graph(iris.REFERENCE_GRAPH)
        bind_prefixes(graph)
        return graph

    def validate_reference(self) -> tuple[Report, int]:
        """SHACL over the reference graph: the report, and the triples checked."""
        graph = self.store.read_graph(iris.REFERENCE_GRAPH)
        return validate(graph), len(graph)

    @staticmethod
    def validate_turtle(path: Path) -> tuple[Report, int]:
        """SHACL over a Turtle file of yours (the vocabulary added for its class hierarchy); DataError
        naming the file when it is not Turtle."""
        try:
            graph = Graph().parse(path, format="turtle")
        except Exception as error:  # any parser failure is the user's file, reported as such
            raise DataError.in_file(str(path), f"not valid Turtle: {error}") from None
        return validate(graph, with_vocabulary=True), len(graph)

    def export_oscal_catalog(self, framework: str) -> bytes:
        """One framework version as an OSCAL 1.2 catalog (JSON), checked by compliance-trestle's models;
        ValueError naming the known frameworks for an unknown one."""
        from grcgraph.reference.oscal_catalog_export import CatalogExport, checked_json  # noqa: PLC0415

        prefix = self.mapping_index.framework(framework)
        return checked_json(CatalogExport(self.store, self.catalog, self.dates).document(prefix))

    def export_oscal_mapping(self, source: str, target: str) -> bytes:
        """Every mapping from `source` to `target` as an OSCAL 1.2 mapping collection (JSON), checked by
        compliance-trestle's models; each map's coverage follows grcgraph's coverage rules."""
        from grcgraph.coverage.rules import carried  # noqa: PLC0415
        from grcgraph.reference.oscal_catalog_export import checked_json  # noqa: PLC0415
        from grcgraph.reference.oscal_mapping_export import collection  # noqa: PLC0415

        return checked_json(collection(self.mapping_index, source, target, lambda predicate: carried(predicate).label))

    def export(self, fmt: str = "turtle") -> tuple[bytes, int]:
        """The reference graph serialised (turtle, jsonld or nt), and its triple count."""
        graph = self.reference_graph()
        return graph.serialize(format=EXPORT_FORMATS[fmt], encoding="utf-8"), len(graph)
