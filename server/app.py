"""The FastAPI application: GraphQL at /graphql (GraphiQL for people), read-only SPARQL at /sparql,
/healthz and /readyz, bearer-token auth, request-size and query-complexity limits, and JSON errors
(never a stack trace)."""

from __future__ import annotations

import asyncio
import json
import logging
import threading
import time
from collections.abc import Awaitable, Callable, MutableMapping
from typing import Any, TypeVar

import pyoxigraph as ox
from cross_web import AsyncHTTPRequestAdapter, HTTPException
from fastapi import FastAPI, Request
from fastapi.responses import JSONResponse, Response
from strawberry.fastapi import GraphQLRouter
from strawberry.http import GraphQLHTTPResponse, GraphQLRequestData
from strawberry.http.parse_content_type import parse_content_type
from strawberry.types import ExecutionResult
from strawberry.types.unset import UNSET

from grcgraph.api import GRCGraph
from grcgraph.iris import REFERENCE_GRAPH
from grcgraph.server.auth import Role, VerifiedTokens
from grcgraph.server.context import Context, Principal, Registry
from grcgraph.server.errors import format_error
from grcgraph.server.gap_reports import warm_link_indexes
from grcgraph.server.schema import build_schema
from grcgraph.server.settings import Settings
from grcgraph.server.web import install_workbench
from grcgraph.store import GraphStore, OxResult, StoreUnavailableError
from grcgraph.workspace import Workspace

log = logging.getLogger("grcgraph.server")
T = TypeVar("T")

Scope = MutableMapping[str, Any]
Message = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[Message]]
Send = Callable[[Message], Awaitable[None]]
ASGIApp = Callable[[Scope, Receive, Send], Awaitable[None]]


def error_body(code: str, message: str) -> dict[str, Any]:
    return {"errors": [{"message": message, "extensions": {"code": code}}]}


class BodyLimit:
    """Refuse request bodies over `limit` bytes with 413, by Content-Length or while streaming."""

    def __init__(self, app: ASGIApp, limit: int) -> None:
        self.app = app
        self.limit = limit

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        too_large = JSONResponse(error_body("REQUEST_TOO_LARGE", f"request body over {self.limit} bytes"), status_code=413)
        for name, value in scope.get("headers", []):
            if name == b"content-length":
                try:
                    declared = int(value)
                except ValueError:
                    declared = self.limit + 1
                if declared > self.limit:
                    await too_large(scope, receive, send)
                    return
        received = 0
        started = False

        async def counting_receive() -> Message:
            nonlocal received
            message = await receive()
            if message["type"] == "http.request":
                received += len(message.get("body", b""))
                if received > self.limit:
                    raise BodyTooLargeError
            return message

        async def tracking_send(message: Message) -> None:
            nonlocal started
            started = started or message["type"] == "http.response.start"
            await send(message)

        try:
            await self.app(scope, counting_receive, tracking_send)
        except BodyTooLargeError:
            if not started:
                await too_large(scope, receive, send)


class BodyTooLargeError(Exception):
    pass


HTTP_CODES = {400: "BAD_REQUEST", 404: "NOT_FOUND", 405: "METHOD_NOT_ALLOWED"}


class Router(GraphQLRouter[Context, None]):
    """strawberry's router, answering every refusal in GraphQL's JSON error shape with a stable code."""

    async def run(self, request: Any, context: Any = UNSET, root_value: Any = UNSET) -> Any:
        # strawberry answers a request it cannot read with a plain-text body; callers get JSON instead.
        try:
            return await super().run(request, context=context, root_value=root_value)
        except HTTPException as error:
            return JSONResponse(error_body(HTTP_CODES.get(error.status_code, "BAD_REQUEST"), error.reason), status_code=error.status_code)

    async def parse_http_body(self, request: AsyncHTTPRequestAdapter) -> GraphQLRequestData | list[GraphQLRequestData]:
        """Check a JSON body's shape before strawberry reads it: one object, a `query` string,
        `variables` an object, `operationName` a string (strawberry would fail on a non-object)."""
        content_type, _ = parse_content_type(request.content_type or "")
        if request.method == "POST" and "application/json" in content_type:
            body = await request.get_body()
            if not body.strip():
                raise HTTPException(400, "the request body is empty: send a JSON object with a 'query' string")
            try:
                data = json.loads(body)
            except ValueError as error:  # not JSON, or not UTF-8
                raise HTTPException(400, f"the request body is not JSON: {str(error)[:200]}") from None
            if not isinstance(data, dict):
                raise HTTPException(400, f"the request body must be a JSON object, not {type(data).__name__}; batches are not accepted")
            if not isinstance(data.get("query"), str) or not data["query"].strip():
                raise HTTPException(400, "the request has no 'query' string")
            if not isinstance(data.get("variables"), dict | None):
                raise HTTPException(400, "'variables' must be a JSON object")
            if not isinstance(data.get("operationName"), str | None):
                raise HTTPException(400, "'operationName' must be a string")
        elif request.method == "POST":
            raise HTTPException(400, f"send the request as application/json, not {content_type or 'no content type'}")
        return await super().parse_http_body(request)

    async def process_result(self, request: Request, result: ExecutionResult) -> GraphQLHTTPResponse:
        response: dict[str, Any] = {"data": result.data}
        if result.errors:
            response["errors"] = [format_error(error) for error in result.errors]
        return response  # type: ignore[return-value]


def create_app(store: GraphStore, settings: Settings, *, warm_indexes: bool = False) -> FastAPI:
    """The application over one open store; the reference graph should already be loaded. With
    `warm_indexes` (`grcgraph serve`), each workspace's link index is built in the background."""
    registry = Registry(GRCGraph(store, settings.local_workspace), VerifiedTokens(settings.token_cache_seconds))
    ready = threading.Event()
    sparql_slots = threading.BoundedSemaphore(settings.sparql_concurrency)
    if store.digest(REFERENCE_GRAPH) is not None:
        _ = registry.base.network  # build the catalog and mapping indexes once, before the first request
        ready.set()
        if warm_indexes:
            warm_link_indexes(registry)

    def principal(request: Request) -> tuple[Principal | None, str | None]:
        header = request.headers.get("authorization")
        if header is None:
            if settings.read_only_local:
                return Principal(settings.local_workspace, Role.reader, None), None
            return None, "send an API token: Authorization: Bearer <token>"
        scheme, _, token = header.partition(" ")
        if scheme.lower() != "bearer" or not token.strip():
            return None, "the Authorization header must be 'Bearer <token>'"
        record = registry.tokens.authenticate(store, token)
        if record is None:
            return None, "the token is not valid (unknown, mistyped or revoked)"
        return Principal(record.workspace, record.role, record.id), None

    async def get_context(request: Request) -> Context:
        # Authenticated when a resolver first needs the caller: a query refused before it runs reads nothing.
        return Context(registry, settings, lambda: principal(request))

    app = FastAPI(title="grcgraph", summary="AI-governance frameworks, crosswalks, evidence and coverage", docs_url=None, redoc_url=None)
    router = Router(
        build_schema(settings),
        context_getter=get_context,
        graphql_ide="graphiql" if settings.graphiql else None,
    )
    app.include_router(router, prefix="/graphql")
    install_workbench(app, router, registry, principal)

    @app.get("/healthz")
    def healthz() -> dict[str, str]:
        return {"status": "ok"}

    @app.get("/readyz")
    def readyz() -> JSONResponse:
        try:
            store.ping()
            if not ready.is_set() and store.digest(REFERENCE_GRAPH) is not None:
                _ = registry.base.network
                ready.set()
        except StoreUnavailableError as error:
            log.warning("%s", error)
            return JSONResponse({"status": "store unavailable", "reason": "the store does not answer"}, status_code=503)
        if not ready.is_set():
            return JSONResponse({"status": "reference graph not loaded"}, status_code=503)
        return JSONResponse({"status": "ready"})

    @app.api_route("/sparql", methods=["GET", "POST"])
    async def sparql(request: Request) -> Response:
        found, failure = principal(request)
        if found is None:
            return JSONResponse(error_body("UNAUTHENTICATED", failure or "unauthenticated"), status_code=401)
        query: str | None = request.query_params.get("query")
        if "update" in request.query_params:
            return _refused()
        if request.method == "POST":
            kind = request.headers.get("content-type", "").split(";")[0].strip().lower()
            if kind == "application/sparql-update":
                return _refused()
            if kind == "application/sparql-query":
                query = (await request.body()).decode("utf-8", errors="replace")
            elif kind == "application/x-www-form-urlencoded":
                form = await request.form()
                if "update" in form:
                    return _refused()
                value = form.get("query")
                query = value if isinstance(value, str) else None
            else:
                return JSONResponse(
                    error_body("INVALID_INPUT", "POST the query as application/sparql-query or a form field 'query'"), status_code=415
                )
        if not query:
            return JSONResponse(error_body("INVALID_INPUT", "no query: pass ?query=... or POST one"), status_code=400)
        graphs = [ox.NamedNode(str(REFERENCE_GRAPH)), ox.NamedNode(str(Workspace(store, found.workspace).graph))]
        if not sparql_slots.acquire(blocking=False):
            return JSONResponse(error_body("QUERY_TOO_COMPLEX", "too many SPARQL queries running; try again later"), status_code=503)
        deadline = time.monotonic() + settings.sparql_timeout
        try:
            body, media = await asyncio.wait_for(
                in_daemon_thread(sparql_slots, run_sparql, store, query, graphs, settings.sparql_result_limit, deadline),
                timeout=settings.sparql_timeout + 1,
            )
        except SyntaxError as error:
            message = str(error).splitlines()[0][:300]
            return JSONResponse(
                error_body("INVALID_INPUT", f"not a SPARQL 1.1 query (updates are refused here): {message}"), status_code=400
            )
        except (TimeoutError, QueryTimeoutError):
            return JSONResponse(error_body("QUERY_TOO_COMPLEX", f"the query ran over {settings.sparql_timeout:g} s"), status_code=503)
        except StoreUnavailableError as error:
            log.warning("%s", error)
            return JSONResponse(error_body("STORE_UNAVAILABLE", "the store is unavailable; try again later"), status_code=503)
        except OSError as error:
            log.warning("SPARQL evaluation failed: %s", error)
            return JSONResponse(error_body("INVALID_INPUT", "the query could not be evaluated"), status_code=400)
        return Response(body, media_type=media)

    @app.exception_handler(UnicodeDecodeError)
    async def not_utf8(request: Request, error: UnicodeDecodeError) -> JSONResponse:
        return JSONResponse(error_body("INVALID_INPUT", "the request body is not UTF-8"), status_code=400)

    @app.exception_handler(StoreUnavailableError)
    async def store_unavailable(request: Request, error: StoreUnavailableError) -> JSONResponse:
        log.warning("%s", error)
        return JSONResponse(error_body("STORE_UNAVAILABLE", "the store is unavailable; try again later"), status_code=503)

    @app.exception_handler(Exception)
    async def unexpected(request: Request, error: Exception) -> JSONResponse:
        log.error("unexpected error on %s %s", request.method, request.url.path, exc_info=error)
        return JSONResponse(error_body("INTERNAL_SERVER_ERROR", "internal error"), status_code=500)

    app.add_middleware(BodyLimit, limit=settings.max_body_bytes)
    return app


def in_daemon_thread(slot: threading.BoundedSemaphore, work: Callable[..., T], *args: Any) -> asyncio.Future[T]:
    """Run `work` in a daemon thread holding `slot` until it ends. pyoxigraph cannot cancel a query:
    past the timeout the caller gets its answer, the evaluation runs on (still holding its slot, so
    at most `sparql_concurrency` run at once) and never keeps the process from exiting."""
    loop = asyncio.get_running_loop()
    future: asyncio.Future[T] = loop.create_future()

    def settle(result: T | None, error: BaseException | None) -> None:
        if future.done():
            return
        if error is not None:
            future.set_exception(error)
        else:
            future.set_result(result)  # type: ignore[arg-type]

    def target() -> None:
        try:
            result = work(*args)
        except Exception as error:  # handed to the awaiting request, which answers it
            # Without its traceback: the frames hold pyoxigraph results, which must die in this thread.
            loop.call_soon_threadsafe(settle, None, error.with_traceback(None))
        else:
            loop.call_soon_threadsafe(settle, result, None)
        finally:
            slot.release()

    threading.Thread(target=target, name="sparql", daemon=True).start()
    return future


def _refused() -> JSONResponse:
    return JSONResponse(error_body("FORBIDDEN", "SPARQL updates are refused: this endpoint is read-only"), status_code=400)


class QueryTimeoutError(Exception):
    pass


def _term(term: object) -> dict[str, str]:
    if isinstance(term, ox.NamedNode):
        return {"type": "uri", "value": term.value}
    if isinstance(term, ox.BlankNode):
        return {"type": "bnode", "value": term.value}
    if isinstance(term, ox.Literal):
        out = {"type": "literal", "value": term.value}
        if term.language:
            out["xml:lang"] = term.language
        elif term.datatype.value != "http://www.w3.org/2001/XMLSchema#string":
            out["datatype"] = term.datatype.value
        return out
    return {"type": "triple", "value": str(term)}


def run_sparql(store: GraphStore, query: str, graphs: list[ox.NamedNode], limit: int, deadline: float) -> tuple[bytes, str]:
    """Evaluate a read-only query over the reference graph and one workspace's graph (default and
    named graphs both restricted to them), stopping at `limit` results or at the deadline."""
    result = store.evaluate(query, graphs, timeout=max(deadline - time.monotonic(), 0.1))
    try:
        return _serialise(result, limit, deadline)
    finally:
        del result  # pyoxigraph results may only be released in the thread that made them


def _serialise(result: OxResult, limit: int, deadline: float) -> tuple[bytes, str]:
    if isinstance(result, ox.QueryBoolean):
        return json.dumps({"head": {}, "boolean": bool(result)}).encode(), "application/sparql-results+json"
    if isinstance(result, ox.QuerySolutions):
        names = [v.value for v in result.variables]
        rows: list[dict[str, dict[str, str]]] = []
        for solution in result:
            if time.monotonic() > deadline:
                raise QueryTimeoutError
            if len(rows) >= limit:
                break
            rows.append({name: _term(solution[name]) for name in names if solution[name] is not None})
        body = {"head": {"vars": names}, "results": {"bindings": rows}}
        return json.dumps(body).encode(), "application/sparql-results+json"
    lines: list[str] = []
    for triple in result:
        if time.monotonic() > deadline:
            raise QueryTimeoutError
        if len(lines) >= limit:
            break
        lines.append(f"{triple} .")
    return ("\n".join(lines) + "\n").encode(), "application/n-triples"


__all__ = ["create_app"]
