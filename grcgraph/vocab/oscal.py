"""How grcgraph's terms are written in OSCAL 1.2 (catalogs and mapping collections), shared by the
exports (grcgraph/reference/oscal_*.py) and the readers (loaders/oscal_*.py).

- Control ids: an OSCAL id is a token (it starts with a letter or `_`), so a grcgraph id that starts
  with a digit (ISO clause `4.1`) becomes `clause-4.1`; every control also carries the grcgraph id
  (prop `identifier`) and the id as written (prop `label`, OSCAL's own name for it).
- Relationships: the NIST IR 8477 set-theory types have OSCAL names of their own (`equal-to`,
  `subset-of`, `superset-of`, `intersects-with`, `no-relationship`) and `equivalent` is OSCAL's
  `equivalent-to`; the other IR 8477 types (supportive, and the untyped concept link) are written in
  grcgraph's namespace (the map's `ns`), kebab-cased as OSCAL writes its own: `supports`,
  `is-supported-by`, `related-to`, ...
"""

from __future__ import annotations

import re
import uuid

OSCAL_NS = "http://csrc.nist.gov/ns/oscal"
GRC_NS = "https://w3id.org/grcgraph/ns/oscal"  # the namespace of grcgraph's props and relationship names
TOKEN = re.compile(r"^[_A-Za-z][_A-Za-z0-9.\-]*$")  # the ASCII part of OSCAL's token pattern
UUID_NAMESPACE = uuid.UUID("7f0b6c1e-3a51-5d7e-9c56-6a1f4b0e2d90")  # uuid5 names of grcgraph's documents

# grcgraph relationship (local name) -> (namespace, OSCAL relationship)
RELATIONSHIPS: dict[str, tuple[str, str]] = {
    "equal": (OSCAL_NS, "equal-to"),
    "subsetOf": (OSCAL_NS, "subset-of"),
    "supersetOf": (OSCAL_NS, "superset-of"),
    "intersectsWith": (OSCAL_NS, "intersects-with"),
    "noRelationship": (OSCAL_NS, "no-relationship"),
    "equivalent": (OSCAL_NS, "equivalent-to"),
    "identical": (GRC_NS, "identical"),
    "supports": (GRC_NS, "supports"),
    "isSupportedBy": (GRC_NS, "is-supported-by"),
    "contrary": (GRC_NS, "contrary"),
    "exampleOf": (GRC_NS, "example-of"),
    "hasExample": (GRC_NS, "has-example"),
    "integralTo": (GRC_NS, "integral-to"),
    "hasIntegralPart": (GRC_NS, "has-integral-part"),
    "precedes": (GRC_NS, "precedes"),
    "precededBy": (GRC_NS, "preceded-by"),
    "relatedTo": (GRC_NS, "related-to"),
}
FROM_OSCAL: dict[tuple[str, str], str] = {value: key for key, value in RELATIONSHIPS.items()}
RATIONALES = ("syntactic", "semantic", "functional")
# Requirement kinds written as OSCAL groups (structure); every other kind is a control.
GROUP_KINDS = frozenset({"ControlArea", "Chapter", "Section", "Function", "Category"})


def oscal_id(kind: str, local_id: str) -> str:
    """The OSCAL id of a requirement: its grcgraph id where that is a token, else `kind-id`."""
    return local_id if TOKEN.match(local_id) else f"{kind.lower()}-{local_id}"


def document_uuid(name: str) -> str:
    """A stable uuid for a document or part of one named by `name` (the same export, the same uuids)."""
    return str(uuid.uuid5(UUID_NAMESPACE, name))
