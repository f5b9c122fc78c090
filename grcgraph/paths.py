"""Every data path of the package, named once. Loaders and tests never build these by hand."""

from __future__ import annotations

import os
from importlib.resources import files
from importlib.resources.abc import Traversable
from pathlib import Path

ONTOLOGY_DIR: Traversable = files("grcgraph.ontology")
FRAMEWORKS_DIR: Traversable = files("grcgraph.frameworks")
CROSSWALKS_DIR: Traversable = files("grcgraph.crosswalks")

VOCABULARY = ONTOLOGY_DIR / "grcgraph.ttl"
SHAPES = ONTOLOGY_DIR / "shapes.ttl"
AUTH_VOCABULARY = ONTOLOGY_DIR / "auth.ttl"  # the server's API-token terms
# The reference graph as built and SHACL-checked by scripts/build_reference.py, loaded at first start
# when its source digest matches the bundled files (tests/test_prebuilt.py keeps it current).
PREBUILT_REFERENCE: Traversable = files("grcgraph") / "prebuilt" / "reference.nt.gz"
APPLICATION_RULES = FRAMEWORKS_DIR / "eu-ai-act-application.csv"
OBLIGATIONS = FRAMEWORKS_DIR / "eu-ai-act-obligations.csv"

CATALOG_SUFFIX = ".csv"
MAPPING_SET_SUFFIX = ".sssom.tsv"

DATA_DIR_ENV = "GRCGRAPH_DATA_DIR"


def catalogs() -> list[Traversable]:
    """The bundled framework catalogs, in a stable order (application rules and obligations are not catalogs)."""
    found = [
        entry
        for entry in FRAMEWORKS_DIR.iterdir()
        if entry.name.endswith(CATALOG_SUFFIX) and entry.name not in (APPLICATION_RULES.name, OBLIGATIONS.name)
    ]
    return sorted(found, key=lambda entry: entry.name)


def mapping_sets() -> list[Traversable]:
    """The bundled SSSOM mapping sets, in a stable order."""
    found = [entry for entry in CROSSWALKS_DIR.iterdir() if entry.name.endswith(MAPPING_SET_SUFFIX)]
    return sorted(found, key=lambda entry: entry.name)


def default_data_dir() -> Path:
    """Where the embedded store lives: $GRCGRAPH_DATA_DIR, else $XDG_DATA_HOME/grcgraph."""
    explicit = os.environ.get(DATA_DIR_ENV)
    if explicit:
        return Path(explicit)
    xdg = os.environ.get("XDG_DATA_HOME") or str(Path.home() / ".local" / "share")
    return Path(xdg) / "grcgraph"
