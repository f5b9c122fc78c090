"""The mappings between two frameworks as an OSCAL 1.2 mapping collection: one OSCAL `mapping` per
grcgraph mapping set, each row a `map` read from the first framework to the second.

Each map carries its relationship (OSCAL's own name for the IR 8477 set-theory types and
`equivalent`, grcgraph's namespace for the others: grcgraph/vocab/oscal.py), its rationale as
`matching-rationale` (a row without one says so in prop `rationale`, so the collection's default does
not stand in for it), its confidence as `confidence-score`, its coverage (OSCAL `coverage` where
grcgraph's rules fix a number: 1 when full coverage of the source gives full coverage of the target,
0 for no relationship and contrary; prop `coverage` always, naming the level), its comment as
`remarks`, and its provenance in props: justification (SEMAPV), creators, author, mapping set, row
in the set's file, and a row read from the other end of its set (`direction: inverse`). A row whose
subject has no counterpart at all (`sssom:NoTermFound`) is listed in the mapping's
`source-gap-summary`, with its reason in the mapping's remarks and its rationale, confidence,
justification, creators and comment in props of the mapping tied by their `group`.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable
from typing import Any

from grcgraph.model import FrameworkVersion, Mapping
from grcgraph.reference.mappings import Mappings
from grcgraph.reference.oscal_catalog_export import OSCAL_VERSION, now, prop
from grcgraph.vocab.oscal import GRC_NS, OSCAL_NS, RELATIONSHIPS, document_uuid, oscal_id

PROJECT = "https://w3id.org/grcgraph/project"
# What the coverage level (grcgraph/coverage/rules.py) gives as OSCAL target coverage, where it is a number.
COVERAGE_NUMBER = {"full": 1.0, "none": 0.0}


def _control(mapping: Mapping, end: str) -> dict[str, str]:
    ref = mapping.subject if end == "subject" else mapping.object
    assert ref is not None
    return {"type": "control", "id-ref": oscal_id(ref.kind, ref.curie.split(":", 1)[1])}


def _map(mapping: Mapping, coverage: Callable[[str], str]) -> dict[str, Any]:
    ns, relationship = RELATIONSHIPS[mapping.predicate]
    level = coverage(mapping.predicate)
    entry: dict[str, Any] = {"uuid": document_uuid(f"{mapping.iri} {mapping.inverted}")}
    if ns != OSCAL_NS:
        entry["ns"] = ns
    if mapping.rationale:
        entry["matching-rationale"] = mapping.rationale
    entry["relationship"] = relationship
    entry["sources"] = [_control(mapping, "subject")]
    entry["targets"] = [_control(mapping, "object")]
    if mapping.confidence:
        entry["confidence-score"] = {"percentage": float(mapping.confidence)}
    if level in COVERAGE_NUMBER:
        entry["coverage"] = {"generation-method": "grcgraph-coverage-rules", "target-coverage": COVERAGE_NUMBER[level]}
    props = [prop("coverage", level), prop("justification", mapping.justification), prop("row", str(mapping.row))]
    if not mapping.rationale:
        props.append(prop("rationale", "unstated"))
    if mapping.inverted:
        props.append(prop("direction", "inverse"))
    props += [prop("creator", creator) for creator in mapping.creators]
    props += [prop(column.replace("_", "-"), value) for column, value in sorted(mapping.extra.items()) if not column.endswith("_label")]
    if mapping.extra.get("author_label"):
        props.append(prop("author", mapping.extra["author_label"]))
    entry["props"] = props
    if mapping.comment:
        entry["remarks"] = mapping.comment
    return entry


def _gap_props(mapping: Mapping, group: str) -> list[dict[str, str]]:
    """A row without a counterpart as props of its mapping, tied by their `group` (OSCAL's gap summary
    holds control ids only): the control, and the row's rationale, confidence, justification,
    creators and comment, so that reading the collection back loses nothing."""
    control = oscal_id(mapping.subject.kind, mapping.subject.curie.split(":", 1)[1])
    found = [prop("no-counterpart", control, group=group, **({"remarks": mapping.comment} if mapping.comment else {}))]
    found.append(prop("rationale", mapping.rationale or "unstated", group=group))
    if mapping.confidence:
        found.append(prop("confidence", str(mapping.confidence), group=group))
    found.append(prop("justification", mapping.justification, group=group))
    found += [prop("creator", creator, group=group) for creator in mapping.creators]
    return found


def _resource(version: FrameworkVersion) -> dict[str, Any]:
    return {"type": "catalog", "href": version.iri, "props": [prop("prefix", version.prefix)], "remarks": version.title}


def collection(index: Mappings, source: str, target: str, coverage: Callable[[str], str]) -> dict[str, Any]:
    """Every mapping from `source` to `target` as an OSCAL mapping collection (a dict, not yet checked)."""
    a, b = index.framework(source), index.framework(target)
    versions = {v.prefix: v for v in index.catalog.frameworks()}
    rows = index.between(source, target)
    by_set: dict[str, list[Mapping]] = {}
    for mapping in rows:
        by_set.setdefault(mapping.mapping_set, []).append(mapping)
    if not by_set:
        raise ValueError(f"no mappings between {a} and {b}")
    mappings = []
    for set_id, members in by_set.items():
        info = index.sets[set_id]
        meta: dict[str, Any] = info["header"]["metadata"]
        entry: dict[str, Any] = {
            "uuid": document_uuid(f"{set_id} {a} {b}"),
            "method": "human" if all(m.justification.endswith("ManualMappingCuration") for m in members if not m.inverted) else "hybrid",
            "source-resource": _resource(versions[a]),
            "target-resource": _resource(versions[b]),
            "maps": [_map(m, coverage) for m in members if m.object is not None],
            "props": [
                prop("mapping-set", set_id),
                prop("mapping-set-version", str(meta["mapping_set_version"])),
                prop("mapping-date", str(meta["mapping_date"])),
                prop("file", info["file"]),
            ],
            "links": [{"href": str(meta["license"]), "rel": "license"}, {"href": set_id, "rel": "canonical"}],
            "mapping-description": str(meta.get("mapping_set_description") or info["title"]),
        }
        entry["props"] += [prop("creator", str(c)) for c in meta.get("creator_id") or []]
        entry["links"] += [{"href": str(url), "rel": "reference"} for url in meta.get("see_also") or []]
        remarks = [str(meta["comment"])] if meta.get("comment") else []
        gaps = [m for m in members if m.object is None]
        if gaps:
            entry["source-gap-summary"] = {
                "uuid": document_uuid(f"{set_id} {a} {b} gaps"),
                "unmapped-controls": [{"with-ids": [oscal_id(m.subject.kind, m.subject.curie.split(":", 1)[1]) for m in gaps]}],
            }
            remarks += [f"{m.subject.notation} has no counterpart ({m.rationale}, confidence {m.confidence}): {m.comment}" for m in gaps]
            entry["props"] += [p for number, m in enumerate(gaps, start=1) for p in _gap_props(m, f"no-counterpart-{number}")]
        if remarks:
            entry["remarks"] = "\n\n".join(remarks)
        if not entry["maps"]:
            continue
        mappings.append(entry)
    rationales = Counter(m.rationale for m in rows if m.rationale)
    return {
        "mapping-collection": {
            "uuid": document_uuid(f"grcgraph mappings {a} {b} " + " ".join(sorted(by_set))),
            "metadata": {
                "title": f"grcgraph mappings from {versions[a].title} to {versions[b].title}",
                "last-modified": now(),
                "version": "1.0",
                "oscal-version": OSCAL_VERSION,
                "props": [prop("from", a), prop("to", b)],
                "remarks": "Every grcgraph mapping between the two frameworks, one mapping per mapping set; rows read from "
                "the other end of their set carry the inverse relationship (prop direction).",
            },
            "provenance": {
                "method": "human",
                "matching-rationale": rationales.most_common(1)[0][0] if rationales else "semantic",
                "status": "complete",
                "mapping-description": f"NIST IR 8477 relationships between {versions[a].title} and {versions[b].title}, "
                "each with its rationale, confidence, source and the reason in its remarks. Relationships outside OSCAL's "
                f"own set are in the namespace {GRC_NS}.",
            },
            "mappings": mappings,
        }
    }
