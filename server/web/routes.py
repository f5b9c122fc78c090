"""The analyst's workbench at `/`, its static files at `/static/`, GraphiQL at `/graphql` on
vendored files, and the workbook downloads (`/export/gaps.xlsx`, `/export/soa.xlsx`).

Every script, stylesheet and font comes from `static/` (the libraries in `static/vendor/`, with
their licences and PROVENANCE.json); the pages' Content-Security-Policy lets the browser reach this
server alone. The workbench reads and writes through the GraphQL API with the caller's token; the
downloads take the same `Authorization: Bearer` header (or none in read-only local mode) and build
the workbook the `gaps` and `soa` commands write, through `grcgraph.api.GRCGraph`.
"""

from __future__ import annotations

import asyncio
import base64
import datetime as dt
import hashlib
import logging
import re
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any

from fastapi import FastAPI, Request
from fastapi.responses import HTMLResponse, JSONResponse, Response
from fastapi.staticfiles import StaticFiles
from strawberry.fastapi import GraphQLRouter

from grcgraph.api import GRCGraph
from grcgraph.dates import parse_date
from grcgraph.reports.cover import XLSX
from grcgraph.server.context import Principal, Registry

log = logging.getLogger("grcgraph.server")
STATIC = Path(__file__).resolve().parent / "static"
Authenticate = Callable[[Request], Awaitable[tuple[Principal | None, str | None]]]


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


def _workbook(data: bytes, filename: str) -> Response:
    return Response(
        data, media_type=XLSX, headers={"Content-Disposition": f'attachment; filename="{filename}"', "Cache-Control": "no-store"}
    )


def install_workbench(
    app: FastAPI, router: GraphQLRouter[Any, Any], registry: Registry, authenticate: Authenticate, *, local: bool = False
) -> None:
    """Serve the workbench, its files, GraphiQL on vendored files and the workbook downloads. With
    `local` (read-only local mode) the page reads without a token; otherwise it asks for one first."""
    index = (STATIC / "index.html").read_text(encoding="utf-8")
    if local:
        index = index.replace('<meta name="grcgraph-sign-in" content="token">', '<meta name="grcgraph-sign-in" content="local">')
    index_policy = _policy(index)
    graphiql = (STATIC / "graphiql.html").read_text(encoding="utf-8")
    # GraphiQL's editor sets style attributes as it lays out: its page allows inline styles.
    graphiql_policy = _policy(graphiql, styles="'self' 'unsafe-inline'")

    async def render_graphiql(request: Request) -> HTMLResponse:
        return _page(graphiql, graphiql_policy)

    # strawberry renders its IDE page, which loads from a CDN, through this method: the same page on vendored files instead.
    router.render_graphql_ide = render_graphiql  # type: ignore[method-assign]

    app.mount("/static", StaticFiles(directory=STATIC), name="static")

    @app.get("/", include_in_schema=False)
    def workbench() -> HTMLResponse:
        return _page(index, index_policy)

    async def caller(request: Request) -> GRCGraph | JSONResponse:
        found, failure = await authenticate(request)
        if found is None:
            return _error(401, "UNAUTHENTICATED", failure or "send an API token: Authorization: Bearer <token>")
        return registry.get(found.workspace)

    def day_of(text: str | None) -> dt.date:
        return parse_date(text) if text else dt.date.today()

    @app.get("/export/gaps.xlsx", include_in_schema=False)
    async def gaps_workbook(request: Request, framework: str, system: str | None = None, on: str | None = None) -> Response:
        """The gap report of `grcgraph gaps FRAMEWORK --format xlsx`: sheets Gaps and Summary."""
        api = await caller(request)
        if isinstance(api, JSONResponse):
            return api
        try:
            day = day_of(on)
        except ValueError as error:
            return _error(400, "INVALID_INPUT", str(error), "on")
        if system is not None and not api.has_system(system):
            return _error(404, "NOT_FOUND", f"no AI system {system[:140]!r} in this workspace")
        try:
            prefix = api.framework_prefix(framework[:200])
        except ValueError as error:
            return _error(400, "INVALID_INPUT", str(error), "framework")
        data = await asyncio.to_thread(api.gaps_workbook, prefix, system=system, on=day)
        return _workbook(data, f"gaps-{prefix}{'-' + system if system else ''}-{day.isoformat()}.xlsx")

    @app.get("/export/soa.xlsx", include_in_schema=False)
    async def soa_workbook(request: Request, on: str | None = None) -> Response:
        """The Statement of Applicability of `grcgraph soa --format xlsx`."""
        api = await caller(request)
        if isinstance(api, JSONResponse):
            return api
        try:
            day = day_of(on)
        except ValueError as error:
            return _error(400, "INVALID_INPUT", str(error), "on")
        data = await asyncio.to_thread(api.soa_workbook, on=day)
        return _workbook(data, f"soa-{day.isoformat()}.xlsx")


__all__ = ["install_workbench"]
