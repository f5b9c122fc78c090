"""grcgraph: a knowledge graph of AI-governance frameworks and the crosswalks between them.

The public face: the facade (`GRCGraph`, opened with `GRCGraph.open` or `GRCGraph.connect`), the
records it answers with (`grcgraph.model`) and the errors it raises (`grcgraph.errors`):

>>> import grcgraph
>>> with grcgraph.GRCGraph.open() as g:
...     g.resolve("A.6.2.8").curie
'iso42001:A.6.2.8'

Names are imported on first use: a command, or a SPARQL worker process, pays only for what it uses.
"""

from __future__ import annotations

from importlib import import_module
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from grcgraph.api import GRCGraph, open_configured
    from grcgraph.config import SettingsError, StoreSettings
    from grcgraph.errors import (
        DataError,
        InvalidInputError,
        NotFoundError,
        QueryFailedError,
        QueryTimeoutError,
        StoreUnavailableError,
        UnknownRequirementError,
    )
    from grcgraph.model import (
        AISystem,
        AISystemInput,
        ApplicableProvision,
        CoveragePath,
        CoverageRow,
        Covered,
        Evidence,
        EvidenceInput,
        EvidenceLink,
        EvidenceLinkInput,
        FieldPath,
        FrameworkVersion,
        GapRow,
        Hop,
        Level,
        Mapping,
        Problem,
        Requirement,
        RequirementRef,
        SoAEntry,
        SoARow,
        StatusCount,
    )

_FROM = {
    "grcgraph.api": ("GRCGraph", "open_configured"),
    "grcgraph.config": ("SettingsError", "StoreSettings"),
    "grcgraph.errors": (
        "DataError",
        "InvalidInputError",
        "NotFoundError",
        "QueryFailedError",
        "QueryTimeoutError",
        "StoreUnavailableError",
        "UnknownRequirementError",
    ),
    "grcgraph.model": (
        "AISystem",
        "AISystemInput",
        "ApplicableProvision",
        "CoveragePath",
        "CoverageRow",
        "Covered",
        "Evidence",
        "EvidenceInput",
        "EvidenceLink",
        "EvidenceLinkInput",
        "FieldPath",
        "FrameworkVersion",
        "GapRow",
        "Hop",
        "Level",
        "Mapping",
        "Problem",
        "Requirement",
        "RequirementRef",
        "SoAEntry",
        "SoARow",
        "StatusCount",
    ),
}
_MODULE_OF = {name: module for module, names in _FROM.items() for name in names}

__all__ = [
    "AISystem",
    "AISystemInput",
    "ApplicableProvision",
    "CoveragePath",
    "CoverageRow",
    "Covered",
    "DataError",
    "Evidence",
    "EvidenceInput",
    "EvidenceLink",
    "EvidenceLinkInput",
    "FieldPath",
    "FrameworkVersion",
    "GRCGraph",
    "GapRow",
    "Hop",
    "InvalidInputError",
    "Level",
    "Mapping",
    "NotFoundError",
    "Problem",
    "QueryFailedError",
    "QueryTimeoutError",
    "Requirement",
    "RequirementRef",
    "SettingsError",
    "SoAEntry",
    "SoARow",
    "StatusCount",
    "StoreSettings",
    "StoreUnavailableError",
    "UnknownRequirementError",
    "__version__",
    "open_configured",
]


def __getattr__(name: str) -> Any:
    if name == "__version__":
        # Read on first use: importlib.metadata costs every command's start a fiftieth of a second.
        from importlib.metadata import PackageNotFoundError, version  # noqa: PLC0415 (see above)

        try:
            return version("grcgraph")
        except PackageNotFoundError:  # running from a source tree that is not installed
            return "0.0.0"
    module = _MODULE_OF.get(name)
    if module is None:
        raise AttributeError(f"module 'grcgraph' has no attribute {name!r}")
    return getattr(import_module(module), name)
