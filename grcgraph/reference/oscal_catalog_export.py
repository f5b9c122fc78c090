"""One framework version as an OSCAL 1.2 catalog, built from the reference graph and checked by
compliance-trestle's OSCAL models before it is written.

Structure kinds (control areas, chapters, sections, functions, categories) are groups; every other
requirement is a control, nested under its parent control where it has one (a paragraph in its
article, an ISO subclause in its clause). Each control has its OSCAL id (grcgraph/vocab/oscal.py),
its title, its text as the statement part where the catalog ships text (never for ISO standards,
whose catalogs carry ids and titles only), links to its official text and to its source (a
back-matter resource), and props for its kind, its grcgraph id, the id as written, and, for the EU
AI Act, each date of application (per AI-system category and part where they differ).
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from typing import Any

from rdflib import URIRef

from grcgraph.reference.applicability import Applicability
from grcgraph.reference.catalog import GRAPH, PREFIXES, Catalog
from grcgraph.store.base import GraphStore
from grcgraph.vocab.oscal import GRC_NS, GROUP_KINDS, document_uuid, oscal_id
from grcgraph.vocab.terms import AI_CATEGORIES

OSCAL_VERSION = "1.2.1"  # the version compliance-trestle's models (5.2) implement


def prop(name: str, value: str, **extra: str) -> dict[str, str]:
    return {"name": name, "ns": GRC_NS, "value": value, **extra}


def now() -> str:
    return dt.datetime.now(dt.UTC).replace(microsecond=0).isoformat()


class CatalogExport:
    """Reads what one framework version's catalog needs from the reference graph."""

    def __init__(self, store: GraphStore, catalog: Catalog, dates: Applicability) -> None:
        self.store, self.catalog, self.dates = store, catalog, dates

    def _scheme(self, prefix: str) -> dict[str, str]:
        version = next(v for v in self.catalog.frameworks() if v.prefix == prefix)
        rows = self.store.query(
            PREFIXES + f"""SELECT ?p ?o ?s WHERE {{ GRAPH {GRAPH} {{ ?s ?p ?o }} }}""",
            {"s": URIRef(version.iri)},
        )
        found: dict[str, str] = {"iri": version.iri, "scheme": version.scheme, "prefix": prefix, "title": version.title}
        found.update({"version": version.version, "framework_title": version.framework, "rights": version.rights})
        for p, o, _s in rows:
            local = str(p).rsplit("/", 1)[-1].rsplit("#", 1)[-1]
            if local in ("issued", "publisher", "source", "license", "versionOf", "profileOf"):
                found[local] = str(o)
        return found

    def _requirements(self, scheme_iri: str) -> list[dict[str, str]]:
        rows = self.store.query(
            PREFIXES
            + f"""SELECT ?r ?id ?notation ?title ?kind ?parent ?text ?url ?src ?order ?s WHERE {{ GRAPH {GRAPH} {{
                ?r skos:inScheme ?s ; dcterms:identifier ?id ; skos:notation ?notation ; skos:prefLabel ?title ;
                   a ?k ; grc:order ?order ; dcterms:source ?src .
                ?k rdfs:subClassOf grc:Requirement .
                BIND(STRAFTER(STR(?k), "#") AS ?kind)
                OPTIONAL {{ ?r skos:broader ?parent }}
                OPTIONAL {{ ?r grc:text ?text }}
                OPTIONAL {{ ?r rdfs:seeAlso ?url }} }} }} ORDER BY ?order""",
            {"s": URIRef(scheme_iri)},
        )
        names = ("iri", "id", "notation", "title", "kind", "parent", "text", "url", "source")
        return [{name: str(value) if value is not None else "" for name, value in zip(names, row, strict=False)} for row in rows]

    def _links(self, scheme_iri: str, predicate: str) -> dict[str, list[str]]:
        found: dict[str, list[str]] = defaultdict(list)
        for r, o, _s in self.store.query(
            PREFIXES + f"SELECT ?r ?o ?s WHERE {{ GRAPH {GRAPH} {{ ?r skos:inScheme ?s ; {predicate} ?o }} }} ORDER BY ?r ?o",
            {"s": URIRef(scheme_iri)},
        ):
            found[str(r)].append(str(o))
        return found

    def _sources(self, scheme_iri: str) -> list[dict[str, str]]:
        rows = self.store.query(
            PREFIXES
            + f"""SELECT DISTINCT ?src ?title ?file ?url ?s WHERE {{ GRAPH {GRAPH} {{
                ?r skos:inScheme ?s ; dcterms:source ?src . ?src a grc:Source ; dcterms:title ?title .
                OPTIONAL {{ ?src dcterms:identifier ?file }} OPTIONAL {{ ?src dcterms:source ?url }} }} }} ORDER BY ?src""",
            {"s": URIRef(scheme_iri)},
        )
        names = ("iri", "title", "file", "url")
        return [{name: str(value) if value is not None else "" for name, value in zip(names, row, strict=False)} for row in rows]

    def document(self, prefix: str) -> dict[str, Any]:
        """The catalog as OSCAL JSON (a dict holding `catalog`), not yet checked."""
        scheme = self._scheme(prefix)
        requirements = self._requirements(scheme["iri"])
        by_iri = {r["iri"]: r for r in requirements}
        refines = self._links(scheme["iri"], "grc:refines")
        risks = self._links(scheme["iri"], "grc:addressesRisk/skos:prefLabel")
        sources = self._sources(scheme["iri"])
        resource_of = {s["iri"]: document_uuid(s["iri"]) for s in sources}
        member = requirements[0]
        namespace = member["iri"][: -len(member["id"])]
        categories = {str(iri): notation for notation, iri in AI_CATEGORIES.items()}

        def is_group(r: dict[str, str]) -> bool:
            return r["kind"] in GROUP_KINDS and (not r["parent"] or is_group(by_iri[r["parent"]]))

        def entry(r: dict[str, str]) -> dict[str, Any]:
            oid = oscal_id(r["kind"], r["id"])
            props = [
                {"name": "label", "value": r["notation"]},
                prop("kind", r["kind"]),
                prop("identifier", r["id"]),
            ]
            for date in self.dates.dates(r["iri"]) if prefix == "euaiact" else []:
                extra: dict[str, str] = {}
                if date.category:
                    extra["class"] = categories.get(date.category, date.category.rsplit("#", 1)[-1])
                if date.part:
                    extra["remarks"] = date.part
                props.append(prop("applies-from", date.applies_from.isoformat(), **extra))
            props += [prop("risk", risk) for risk in risks.get(r["iri"], [])]
            links = [{"href": r["iri"], "rel": "canonical"}]
            if r["url"]:
                links.append({"href": r["url"], "rel": "alternate"})
            links.append({"href": f"#{resource_of[r['source']]}", "rel": "reference"})
            links += [{"href": target, "rel": "refines"} for target in refines.get(r["iri"], [])]
            node: dict[str, Any] = {"id": oid, "class": r["kind"], "title": r["title"], "props": props, "links": links}
            if r["text"]:
                node["parts"] = [{"id": f"{oid}_smt", "name": "statement", "prose": r["text"]}]
            return node

        nodes = {r["iri"]: entry(r) for r in requirements}
        top_groups: list[dict[str, Any]] = []
        top_controls: list[dict[str, Any]] = []
        for r in requirements:
            node = nodes[r["iri"]]
            key = "groups" if is_group(r) else "controls"
            if not r["parent"]:
                (top_groups if key == "groups" else top_controls).append(node)
            else:
                nodes[r["parent"]].setdefault(key, []).append(node)
        metadata: dict[str, Any] = {
            "title": scheme["title"],
            "last-modified": now(),
            "version": scheme["version"],
            "oscal-version": OSCAL_VERSION,
            "props": [
                prop("prefix", prefix),
                prop("scheme", scheme["scheme"]),
                prop("namespace", namespace),
                prop("framework", scheme["versionOf"].rsplit("/", 1)[-1]),
                prop("framework-title", scheme["framework_title"]),
                prop("rights", scheme["rights"]),
            ],
            "links": [{"href": scheme["iri"], "rel": "canonical"}],
            "remarks": f"Rights: {scheme['rights']}",
        }
        if scheme.get("issued"):
            metadata["published"] = f"{scheme['issued']}T00:00:00Z"
        if scheme.get("source"):
            metadata["links"].append({"href": scheme["source"], "rel": "alternate"})
        if scheme.get("license"):
            metadata["links"].append({"href": scheme["license"], "rel": "license"})
        if scheme.get("profileOf"):
            metadata["props"].append(prop("profile-of", scheme["profileOf"].rsplit("/", 1)[-1]))
        if scheme.get("publisher"):
            metadata["props"].append(prop("publisher", scheme["publisher"]))
        resources = []
        for source in sources:
            resource: dict[str, Any] = {"uuid": resource_of[source["iri"]], "title": source["title"]}
            if source["file"]:
                resource["props"] = [prop("file", source["file"])]
            if source["url"]:
                resource["rlinks"] = [{"href": source["url"]}]
            resources.append(resource)
        catalog: dict[str, Any] = {"uuid": document_uuid(f"{scheme['iri']} {scheme['version']}"), "metadata": metadata}
        if top_controls:
            catalog["controls"] = top_controls
        if top_groups:
            catalog["groups"] = top_groups
        catalog["back-matter"] = {"resources": resources}
        return {"catalog": catalog}


def checked_json(document: dict[str, Any]) -> bytes:
    """The document checked by compliance-trestle's OSCAL models and serialised by them (pretty JSON);
    a ValueError if the models refuse it (a fault of grcgraph's, never the user's)."""
    from pydantic import ValidationError  # noqa: PLC0415
    from trestle.oscal.catalog import Catalog as OscalCatalog  # noqa: PLC0415
    from trestle.oscal.mapping import MappingCollection  # noqa: PLC0415

    (root, content), *_ = document.items()
    model: Any = {"catalog": OscalCatalog, "mapping-collection": MappingCollection}[root]
    try:
        instance = model.model_validate(content)
    except ValidationError as error:
        raise ValueError(f"the {root} does not conform to OSCAL: {error}") from None
    return bytes(instance.oscal_serialize_json_bytes(pretty=True)) + b"\n"
