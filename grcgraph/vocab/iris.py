"""How grcgraph mints IRIs. Requirement IRIs are the framework namespace plus the requirement's id,
so they never change when a title is corrected."""

from __future__ import annotations

import re

from rdflib import URIRef

BASE = "https://w3id.org/grcgraph/"

REFERENCE_GRAPH = URIRef(f"{BASE}graph/reference")
STAGING_GRAPH = URIRef(f"{BASE}graph/reference-staging")


def framework(framework_id: str) -> URIRef:
    return URIRef(f"{BASE}framework/{framework_id}")


def scheme(scheme_id: str) -> URIRef:
    return URIRef(f"{BASE}scheme/{scheme_id}")


def source(scheme_id: str, key: str) -> URIRef:
    return URIRef(f"{BASE}source/{scheme_id}/{key}")


def application_rule(rule_id: str) -> URIRef:
    return URIRef(f"{BASE}eu-ai-act/rule/{rule_id}")


def mapping_set(set_id: str) -> URIRef:
    return URIRef(set_id)


def slug(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")


def genai_risk(namespace: str, label: str) -> URIRef:
    return URIRef(f"{namespace}risk/{slug(label)}")
