"""SSSOM for tools that know only SKOS: every row's predicate its SKOS mapping property, the NIST IR
8477 relationship kept in a declared extension column (`ir8477_predicate`), so nothing is lost.

The SKOS reading of each relationship is the vocabulary's (`grc:sssomPredicate`, docs/model.md);
"no relationship" is `skos:relatedMatch` negated (`predicate_modifier: Not`), and a relationship
the vocabulary gives no SKOS reading (`contrary`) is `skos:relatedMatch`: the two are related, in
the way the extension column says.
"""

from __future__ import annotations

from typing import Any

SKOS = "http://www.w3.org/2004/02/skos/core#"
EXTENSION = {"slot_name": "ir8477_predicate", "property": "grc:predicate", "type_hint": "linkml:Uriorcurie"}


def skos_row(row: dict[str, str], readings: dict[str, str]) -> dict[str, str]:
    """One row of grcgraph's SSSOM (predicate `grc:...`, negation in `predicate_modifier`) in its
    SKOS reading. `readings` maps a relationship's local name to its SKOS property's local name."""
    negated = row.get("predicate_modifier") == "Not"
    relationship = "noRelationship" if negated else row["predicate_id"].split(":", 1)[1]
    out = dict(row)
    out["ir8477_predicate"] = f"grc:{relationship}"
    out["predicate_id"] = f"skos:{readings.get(relationship, 'relatedMatch')}"
    out["predicate_modifier"] = "Not" if negated else ""
    return out


def skos_set(
    metadata: dict[str, Any], columns: list[str], rows: list[dict[str, str]], readings: dict[str, str]
) -> tuple[dict[str, Any], list[str], list[dict[str, str]]]:
    """A mapping set's metadata, columns and rows as the SKOS-only export writes them."""
    meta = dict(metadata)
    meta["curie_map"] = {**dict(metadata["curie_map"]), "skos": SKOS}
    meta["mapping_set_id"] = f"{metadata['mapping_set_id']}/skos"
    title = str(metadata.get("mapping_set_title") or metadata["mapping_set_id"])
    meta["mapping_set_title"] = f"{title} (SKOS reading)"
    meta["extension_definitions"] = [*(metadata.get("extension_definitions") or []), EXTENSION]
    out_columns = [c for c in columns if c != "rationale"]
    at = out_columns.index("predicate_id") + 1
    if "predicate_modifier" not in out_columns:
        out_columns.insert(at, "predicate_modifier")
    out_columns += ["ir8477_predicate"] + (["rationale"] if "rationale" in columns else [])
    return meta, out_columns, [skos_row(row, readings) for row in rows]
