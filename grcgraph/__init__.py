"""grcgraph: a knowledge graph of AI-governance frameworks and the crosswalks between them."""

from importlib.metadata import PackageNotFoundError, version

try:
    __version__ = version("grcgraph")
except PackageNotFoundError:  # running from a source tree that is not installed
    __version__ = "0.0.0"

__all__ = ["__version__"]
