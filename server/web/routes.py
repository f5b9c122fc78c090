"""The analyst's workbench at `/`, its static files at `/static/`, GraphiQL at `/graphql` on
vendored files, and the workbook downloads (`/export/gaps.xlsx`, `/export/soa.xlsx`).

Every script, stylesheet and font comes from `static/` (the libraries in `static/vendor/`, with
their licences and PROVENANCE.json); the pages' Content-Security-Policy lets the browser reach this
server alone. The workbench reads and writes through the GraphQL API with the caller's token; the
downloads take the same `Authorization: Bearer` header (or none in read-only local mode) and build
the workbook the `gaps` and `soa` commands write, through `grcgraph.api.GRCGraph`.
"""

from __future__ import annotations

import base64
import datetime as dt
import hashlib
import io
import logging
import re
import threading
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pandas as pd
from fastapi import FastAPI, Request
from fastapi.responses import HTMLResponse, JSONResponse, Response
from fastapi.staticfiles import StaticFiles
from strawberry.fastapi import GraphQLRouter

from grcgraph import iris
from grcgraph.api import GRCGraph
from grcgraph.dates import parse_date
from grcgraph.server.context import Principal, Registry
from grcgraph.server.evidence_index import index_for
from grcgraph.workspace import ID_PATTERN, WORKSPACE_PATTERN

log = logging.getLogger("grcgraph.server")
STATIC = Path(__file__).resolve().parent / "static"
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
Authenticate = Callable[[Request], tuple[Principal | None, str | None]]


def _inline_script_hashes(html: str) -> str:
    """CSP sources for the page's inline scripts (the import map): each one's sha256."""
    scripts = re.findall(r"<script[^>]*>(.*?)</script>", html, re.S)
    return " ".join(f"'sha256-{base64.b64encode(hashlib.sha256(s.encode()).digest()).decode()}'" for s in scripts if s.strip())


def _policy(html: str, *, styles: str = "'self'") -> str:
    return (
        f"default-src 'none'; script-src 'self' {_inline_script_hashes(html)}; style-src {styles}; img-src 'self' data:; "
        "font-src 'self' data:; connect-src 'self'; manifest-src 'self'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'"
    )


def _page(html: str, policy: str) -> HTMLResponse:
    return HTMLResponse(
        html,
        headers={
            "Content-Security-Policy": policy,
            "Cache-Control": "no-cache",
            "X-Content-Type-Options": "nosniff",
            "Referrer-Policy": "no-referrer",
        },
    )


def _error(status: int, code: str, message: str, field: str | None = None) -> JSONResponse:
    extensions: dict[str, Any] = {"code": code}
    if field is not None:
        extensions["problems"] = [{"field": field, "message": message}]
    return JSONResponse({"errors": [{"message": message, "extensions": extensions}]}, status_code=status)


def _workbook(frames: dict[str, pd.DataFrame], filename: str) -> Response:
    buffer = io.BytesIO()
    with pd.ExcelWriter(buffer, engine="openpyxl") as writer:
        for name, frame in frames.items():
            frame.to_excel(writer, sheet_name=name[:31], index=False)
    return Response(
        buffer.getvalue(),
        media_type=XLSX,
        headers={"Content-Disposition": f'attachment; filename="{filename}"', "Cache-Control": "no-store"},
    )


def warm_registers(registry: Registry) -> threading.Thread:
    """Build the register index (server/evidence_index.py) of every workspace in a background thread."""
    store = registry.base.store
    prefix = f"{iris.BASE}graph/workspace/"

    def build() -> None:
        try:
            names = sorted(graph.value[len(prefix) :] for graph in store.named_graphs() if graph.value.startswith(prefix))
            for name in names:
                if WORKSPACE_PATTERN.match(name):
                    index_for(registry.get(name)).snapshot()
        except Exception as error:  # a background convenience: the first request builds what is missing
            log.warning("the evidence registers were not read ahead: %s", error)

    thread = threading.Thread(target=build, name="grcgraph-registers", daemon=True)
    thread.start()
    return thread


def install_workbench(app: FastAPI, router: GraphQLRouter[Any, Any], registry: Registry, authenticate: Authenticate) -> None:
    """Serve the workbench, its files, GraphiQL on vendored files and the workbook downloads."""
    index = (STATIC / "index.html").read_text(encoding="utf-8")
    index_policy = _policy(index)
    graphiql = (STATIC / "graphiql.html").read_text(encoding="utf-8")
    # GraphiQL's editor sets style attributes as it lays out: its page allows inline styles.
    graphiql_policy = _policy(graphiql, styles="'self' 'unsafe-inline'")

    async def render_graphiql(request: Request) -> HTMLResponse:
        return _page(graphiql, graphiql_policy)

    # strawberry renders its IDE page, which loads from a CDN, through this method: the same page on vendored files instead.
    router.render_graphql_ide = render_graphiql  # type: ignore[method-assign]

    app.mount("/static", StaticFiles(directory=STATIC), name="static")

    warming = threading.Lock()
    warmed: list[threading.Thread] = []

    @app.get("/", include_in_schema=False)
    def workbench() -> HTMLResponse:
        # The first time the page is asked for, read every workspace's register in the background:
        # at 100,000 items that takes seconds, done while the user signs in rather than on their first page.
        with warming:
            if not warmed:
                warmed.append(warm_registers(registry))
        return _page(index, index_policy)

    def caller(request: Request) -> GRCGraph | JSONResponse:
        found, failure = authenticate(request)
        if found is None:
            return _error(401, "UNAUTHENTICATED", failure or "send an API token: Authorization: Bearer <token>")
        return registry.get(found.workspace)

    def day_of(text: str | None) -> dt.date:
        return parse_date(text) if text else dt.date.today()

    @app.get("/export/gaps.xlsx", include_in_schema=False)
    def gaps_workbook(request: Request, framework: str, system: str | None = None, on: str | None = None) -> Response:
        """The gap report of `grcgraph gaps FRAMEWORK --format xlsx`: sheets Gaps and Summary."""
        api = caller(request)
        if isinstance(api, JSONResponse):
            return api
        try:
            day = day_of(on)
        except ValueError as error:
            return _error(400, "INVALID_INPUT", str(error), "on")
        if system is not None and not (ID_PATTERN.match(system) and api.workspace.has_system(system)):
            return _error(404, "NOT_FOUND", f"no AI system {system[:140]!r} in this workspace")
        try:
            prefix = api.mapping_index.framework(framework[:200])
        except ValueError as error:
            return _error(400, "INVALID_INPUT", str(error), "framework")
        frame = api.gaps(prefix, system=system, on=day)
        name = f"gaps-{prefix}{'-' + system if system else ''}-{day.isoformat()}.xlsx"
        return _workbook({"Gaps": frame, "Summary": GRCGraph.summary(frame)}, name)

    @app.get("/export/soa.xlsx", include_in_schema=False)
    def soa_workbook(request: Request, on: str | None = None) -> Response:
        """The Statement of Applicability of `grcgraph soa --format xlsx`."""
        api = caller(request)
        if isinstance(api, JSONResponse):
            return api
        try:
            day = day_of(on)
        except ValueError as error:
            return _error(400, "INVALID_INPUT", str(error), "on")
        return _workbook({"Statement of Applicability": api.soa(on=day)}, f"soa-{day.isoformat()}.xlsx")


__all__ = ["install_workbench"]
