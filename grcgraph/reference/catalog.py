"""Read-side queries over the reference graph: frameworks, requirements, their hierarchy and source.

Every value a user supplies reaches SPARQL as a bound variable, never as text in the query.
"""

from __future__ import annotations

import re
from functools import cached_property

from rdflib import Literal, URIRef

from grcgraph.errors import UnknownRequirementError
from grcgraph.model import FrameworkVersion, Requirement, RequirementRef
from grcgraph.store.base import GraphStore
from grcgraph.vocab import iris
from grcgraph.vocab.terms import KIND_ORDER

PREFIXES = """
PREFIX grc: <https://w3id.org/grcgraph/vocab#>
PREFIX skos: <http://www.w3.org/2004/02/skos/core#>
PREFIX dcterms: <http://purl.org/dc/terms/>
PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
PREFIX owl: <http://www.w3.org/2002/07/owl#>
"""
GRAPH = f"<{iris.REFERENCE_GRAPH}>"


def normalise(text: str) -> str:
    """The form ids are compared in: 'Art. 12(1)', 'article 12 (1)' and 'art-12-1' all give 'art.12.1'."""
    key = re.sub(r"[\s._()\[\],\-]+", ".", text.strip().lower()).strip(".")
    return re.sub(r"^article\b", "art", key)


class Catalog:
    """Requirement lookups over one store's reference graph."""

    def __init__(self, store: GraphStore) -> None:
        self.store = store

    @cached_property
    def _rows(self) -> list[tuple[str, ...]]:
        return [
            tuple(str(v) for v in row)
            for row in self.store.query_text(
                PREFIXES
                + f"""SELECT ?r ?prefix ?id ?notation ?title ?kind ?scheme WHERE {{ GRAPH {GRAPH} {{
                ?r skos:inScheme ?s ; dcterms:identifier ?id ; skos:notation ?notation ; skos:prefLabel ?title ; a ?k .
                ?k rdfs:subClassOf grc:Requirement .
                ?s grc:prefix ?prefix ; dcterms:identifier ?scheme .
                BIND(STRAFTER(STR(?k), "#") AS ?kind) }} }} ORDER BY ?prefix"""
            )
        ]

    @cached_property
    def _refs(self) -> list[RequirementRef]:
        return [
            RequirementRef(iri=r, curie=f"{prefix}:{local}", notation=notation, title=title, kind=kind)
            for r, prefix, local, notation, title, kind, _scheme in self._rows
        ]

    def refs(self, framework: str | None = None) -> list[RequirementRef]:
        """Every requirement (of one framework prefix, if given), grouped by framework."""
        if framework is None:
            return list(self._refs)
        return [ref for ref in self._refs if ref.framework == framework]

    @cached_property
    def _keys(self) -> dict[str, list[RequirementRef]]:
        """Requirements by the normalised forms of their id and notation."""
        keys: dict[str, list[RequirementRef]] = {}
        for ref in self._refs:
            for key in {normalise(ref.curie.split(":", 1)[1]), normalise(ref.notation)}:
                keys.setdefault(key, []).append(ref)
        return keys

    @cached_property
    def prefixes(self) -> dict[str, str]:
        """Framework prefix -> the identifier of its version (scheme)."""
        return {row[1]: row[6] for row in self._rows}

    @cached_property
    def _by_iri(self) -> dict[str, RequirementRef]:
        return {ref.iri: ref for ref in self._refs}

    def ref(self, iri: str) -> RequirementRef:
        found = self._by_iri.get(iri)
        if found is None:
            raise UnknownRequirementError(iri)
        return found

    def framework_prefix(self, text: str) -> str:
        """The CURIE prefix of a framework named by prefix, scheme id or name ('ISO 42001', 'eu-ai-act'); ValueError if none."""

        def key(name: str) -> str:
            return re.sub(r"[^a-z0-9]", "", name.lower())

        for version in self.frameworks():
            if key(text) in {key(version.prefix), key(version.scheme), key(version.framework)}:
                return version.prefix
        known = ", ".join(v.prefix for v in self.frameworks())
        raise ValueError(f"unknown framework {text!r}; known: {known}")

    def typed(self, iri: str) -> str:
        """The id as users type it that names this requirement alone: its notation (`A.6.2.8`,
        `Art. 12(1)`) when no other framework has it, else prefixed (`iso27001:A.5.2`)."""
        found = self._typed.get(iri)
        if found is None:
            ref = self.ref(iri)
            if len(self._keys.get(normalise(ref.notation), [])) == 1:
                found = ref.notation
            else:
                found = f"{ref.framework}:{ref.notation}"
            self._typed[iri] = found
        return found

    @cached_property
    def _typed(self) -> dict[str, str]:
        return {}

    def resolve_in(self, text: str, framework: str | None) -> RequirementRef:
        """`resolve`, a bare id looked up in `framework` (a prefix) first: with iso42001, 'A.5.2' is
        ISO/IEC 42001's, and 'Art. 12(1)', which it does not have, is still the EU AI Act's."""
        if framework is None or re.match(r"^([A-Za-z][A-Za-z0-9]*)\s*:", text.strip()):
            return self.resolve(text)
        try:
            return self.resolve(f"{framework}:{text}")
        except UnknownRequirementError as scoped:
            try:
                return self.resolve(text)
            except UnknownRequirementError as anywhere:
                raise (scoped if anywhere.candidates else anywhere) from None

    def resolve(self, text: str) -> RequirementRef:
        """Find a requirement from the forms users type: CURIEs, bare ids, 'Art. 12(1)', 'GOVERN 1.1'."""
        query = text.strip()
        if not query:
            raise UnknownRequirementError(text)
        scope: str | None = None
        match = re.match(r"^([A-Za-z][A-Za-z0-9]*)\s*:\s*(.+)$", query)
        if match and match.group(1).lower() in self.prefixes:
            scope, query = match.group(1).lower(), match.group(2)
        elif query.startswith(("http://", "https://")):
            return self.ref(query)
        key = normalise(query)
        found = [ref for ref in self._keys.get(key, []) if scope is None or ref.framework == scope]
        if len(found) == 1:
            return found[0]
        if found:
            raise UnknownRequirementError(text, sorted(ref.curie for ref in found))
        # 'Art. 5(1)(a)': points are not catalogued, so offer the nearest enclosing requirement.
        parts = key.split(".")
        for cut in range(len(parts) - 1, 0, -1):
            shorter = ".".join(parts[:cut])
            near = [ref for ref in self._keys.get(shorter, []) if scope is None or ref.framework == scope]
            if len(near) == 1:
                raise UnknownRequirementError(text, nearest=near[0].curie)
        raise UnknownRequirementError(text)

    @cached_property
    def _order(self) -> dict[str, int]:
        rows = self.store.query(PREFIXES + f"SELECT ?r ?o WHERE {{ GRAPH {GRAPH} {{ ?r grc:order ?o }} }}")
        return {str(r): int(str(o)) for r, o in rows}

    def order(self, iri: str) -> tuple[str, int]:
        """Document order: framework prefix, then position in its catalog."""
        return (self.ref(iri).curie.split(":", 1)[0], self._order.get(iri, 0))

    @cached_property
    def _parents(self) -> dict[str, str]:
        rows = self.store.query(PREFIXES + f"SELECT ?c ?p WHERE {{ GRAPH {GRAPH} {{ ?c skos:broader ?p }} }}")
        return {str(c): str(p) for c, p in rows}

    def ancestors(self, iri: str) -> list[str]:
        found: list[str] = []
        while iri in self._parents:
            iri = self._parents[iri]
            found.append(iri)
        return found

    def parents(self) -> dict[str, str]:
        """Every requirement's parent (child IRI -> parent IRI)."""
        return dict(self._parents)

    def frameworks(self) -> list[FrameworkVersion]:
        """Each framework version with its counts per requirement kind (read once: the reference graph
        is read-only while grcgraph runs, and every gap report names its framework through this)."""
        return list(self._frameworks)

    @cached_property
    def _frameworks(self) -> list[FrameworkVersion]:
        rows = self.store.query_text(
            PREFIXES
            + f"""SELECT ?s ?scheme ?prefix ?fw ?title ?version ?rights ?kind (COUNT(?r) AS ?n) WHERE {{ GRAPH {GRAPH} {{
                ?s a grc:FrameworkVersion ; dcterms:identifier ?scheme ; grc:prefix ?prefix ; dcterms:title ?title ;
                   owl:versionInfo ?version ; grc:rights ?rights ; grc:versionOf/skos:prefLabel ?fw .
                ?r skos:inScheme ?s ; a ?k . ?k rdfs:subClassOf grc:Requirement .
                BIND(STRAFTER(STR(?k), "#") AS ?kind) }} }}
                GROUP BY ?s ?scheme ?prefix ?fw ?title ?version ?rights ?kind ORDER BY ?scheme"""
        )
        versions: dict[str, FrameworkVersion] = {}
        for s, scheme, prefix, fw, title, version, rights, kind, n in rows:
            entry = versions.setdefault(
                str(s),
                FrameworkVersion(str(s), str(scheme), str(prefix), str(fw), str(title), str(version), str(rights), {}),
            )
            entry.counts[str(kind)] = int(str(n))
        for entry in versions.values():
            ordered = sorted(entry.counts.items(), key=lambda item: KIND_ORDER.index(item[0]) if item[0] in KIND_ORDER else 99)
            entry.counts.clear()
            entry.counts.update(ordered)
        return list(versions.values())

    def requirement(self, text: str) -> Requirement:
        ref = self.resolve(text)
        node = URIRef(ref.iri)
        (detail,) = list(
            self.store.query(
                PREFIXES
                + f"""SELECT ?r ?scheme ?fw ?text ?url ?source ?file ?rights WHERE {{ GRAPH {GRAPH} {{
                    ?r skos:inScheme ?s ; dcterms:source ?src .
                    ?s dcterms:title ?scheme ; grc:rights ?rights ; grc:versionOf/skos:prefLabel ?fw .
                    ?src dcterms:title ?source .
                    OPTIONAL {{ ?src dcterms:identifier ?file }}
                    OPTIONAL {{ ?r grc:text ?text }}
                    OPTIONAL {{ ?r rdfs:seeAlso ?url }} }} }} LIMIT 1""",
                {"r": node},
            )
        )
        ancestors = [
            self.ref(str(row[0]))
            for row in self.store.query(
                PREFIXES
                + f"SELECT ?a ?r (COUNT(?mid) AS ?depth) WHERE {{ GRAPH {GRAPH} {{ ?r skos:broader+ ?a . ?a skos:broader* ?mid }} }} GROUP BY ?a ?r ORDER BY ?depth",
                {"r": node},
            )
        ]
        children = [
            self.ref(str(row[0]))
            for row in self.store.query(
                PREFIXES + f"SELECT ?c ?r WHERE {{ GRAPH {GRAPH} {{ ?c skos:broader ?r ; grc:order ?o }} }} ORDER BY ?o",
                {"r": node},
            )
        ]
        refines = [
            self.ref(str(row[0]))
            for row in self.store.query(PREFIXES + f"SELECT ?t ?r WHERE {{ GRAPH {GRAPH} {{ ?r grc:refines ?t }} }}", {"r": node})
        ]
        risks = sorted(
            str(row[0])
            for row in self.store.query(
                PREFIXES + f"SELECT ?l ?r WHERE {{ GRAPH {GRAPH} {{ ?r grc:addressesRisk/skos:prefLabel ?l }} }}", {"r": node}
            )
        )
        notes = [
            str(row[0])
            for row in self.store.query(PREFIXES + f"SELECT ?n ?r WHERE {{ GRAPH {GRAPH} {{ ?r skos:changeNote ?n }} }}", {"r": node})
        ]
        _r, scheme, fw, text_value, url, source, source_file, rights = detail
        return Requirement(
            ref=ref,
            scheme=str(scheme),
            framework=str(fw),
            text=str(text_value) if isinstance(text_value, Literal) else None,
            url=str(url) if url is not None else None,
            source=str(source),
            source_file=str(source_file) if source_file is not None else None,
            rights=str(rights),
            ancestors=ancestors,
            children=children,
            refines=refines,
            risks=risks,
            change_notes=notes,
        )
