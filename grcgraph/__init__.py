"""grcgraph: a knowledge graph of AI-governance frameworks and the crosswalks between them."""

from __future__ import annotations

__all__ = ["__version__"]


def __getattr__(name: str) -> str:
    # Read on first use: importlib.metadata costs every command's start a fiftieth of a second.
    if name != "__version__":
        raise AttributeError(f"module 'grcgraph' has no attribute {name!r}")
    from importlib.metadata import PackageNotFoundError, version  # noqa: PLC0415 (see above)

    try:
        return version("grcgraph")
    except PackageNotFoundError:  # running from a source tree that is not installed
        return "0.0.0"
