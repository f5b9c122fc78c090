"""The analyst's workbench: a web page served by grcgraph itself, reading and writing through the
GraphQL API (see routes.py and docs/workbench.md)."""

from grcgraph.server.web.routes import install_workbench

__all__ = ["install_workbench"]
