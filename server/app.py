"""The FastAPI application: GraphQL at /graphql (GraphiQL for people), read-only SPARQL at /sparql,
/healthz and /readyz, bearer-token auth, request-size and query-complexity limits, and JSON errors
(never a stack trace)."""

from __future__ import annotations

import asyncio
import contextlib
import datetime as dt
import json
import logging
import signal
import sys
import threading
from collections.abc import AsyncIterator, Awaitable, Callable, MutableMapping
from typing import Any, TypeVar

from cross_web import AsyncHTTPRequestAdapter, HTTPException
from fastapi import FastAPI, Request
from fastapi.responses import JSONResponse, Response
from strawberry.fastapi import GraphQLRouter
from strawberry.http import GraphQLHTTPResponse, GraphQLRequestData
from strawberry.http.parse_content_type import parse_content_type
from strawberry.types import ExecutionResult
from strawberry.types.unset import UNSET

from grcgraph.api import GRCGraph
from grcgraph.errors import StoreUnavailableError
from grcgraph.model import Role
from grcgraph.server.auth import VerifiedTokens
from grcgraph.server.context import Context, Principal, Registry
from grcgraph.server.error_format import format_error
from grcgraph.server.response_cache import Question, ResponseCache
from grcgraph.server.schema import build_schema
from grcgraph.server.settings import Settings, SettingsError
from grcgraph.server.sparql import Caller, add_sparql_route, error_body, unauthenticated
from grcgraph.server.web import install_workbench

log = logging.getLogger("grcgraph.server")
T = TypeVar("T")

Scope = MutableMapping[str, Any]
Message = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[Message]]
Send = Callable[[Message], Awaitable[None]]
ASGIApp = Callable[[Scope, Receive, Send], Awaitable[None]]


class BodyLimit:
    """Refuse request bodies over `limit` bytes with 413, by Content-Length or while streaming."""

    def __init__(self, app: ASGIApp, limit: int) -> None:
        self.app = app
        self.limit = limit

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        for name, value in scope.get("headers", []):
            if name == b"content-length":
                try:
                    declared = int(value)
                except ValueError:
                    declared = self.limit + 1
                if declared > self.limit:
                    await self.too_large(scope, receive, send)
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
                await self.too_large(scope, receive, send)

    def too_large(self, scope: Scope, receive: Receive, send: Send) -> Awaitable[None]:
        # Made only for a refusal: building it for every request showed in a cached answer's profile.
        return JSONResponse(error_body("REQUEST_TOO_LARGE", f"request body over {self.limit} bytes"), status_code=413)(scope, receive, send)


class BodyTooLargeError(Exception):
    pass


HTTP_CODES = {400: "BAD_REQUEST", 404: "NOT_FOUND", 405: "METHOD_NOT_ALLOWED"}


class Router(GraphQLRouter[Context, None]):
    """strawberry's router, answering every refusal in GraphQL's JSON error shape with a stable code.
    The caller's token is checked before the body is read: an anonymous request is answered 401
    without being parsed, so no analysis of a document runs for a caller without a token."""

    def __init__(
        self,
        *args: Any,
        authenticate: Callable[[Request], Awaitable[Caller]],
        registry: Registry,
        answers: ResponseCache,
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        self.authenticate = authenticate
        self.registry = registry
        self.answers = answers

    async def run(self, request: Any, context: Any = UNSET, root_value: Any = UNSET) -> Any:
        principal: Principal | None = None
        if request.method == "POST" or "query" in request.query_params:  # a GET without a query is GraphiQL's page
            principal, failure = await self.authenticate(request)
            if principal is None:
                return unauthenticated(failure or "send an API token: Authorization: Bearer <token>")
            request.state.caller = principal
        try:
            question = await self.question(request, principal)
            if question is not None and question.stamped:
                found = self.answers.get(question)
                if found is not None:
                    return Response(found, media_type="application/json")
            # strawberry answers a request it cannot read with a plain-text body; callers get JSON instead.
            try:
                response = await super().run(request, context=context, root_value=root_value)
            except HTTPException as error:
                return JSONResponse(
                    error_body(HTTP_CODES.get(error.status_code, "BAD_REQUEST"), error.reason), status_code=error.status_code
                )
            answered: Context | None = getattr(request.state, "context", None)
            if (
                question is not None
                and answered is not None
                and answered.executed_query
                and getattr(request.state, "answered_without_errors", False)
                and response.status_code == 200
                and isinstance(response.body, bytes)
            ):
                self.answers.put(question, response.body)
            return response
        finally:
            if principal is not None:
                self.registry.done(principal.workspace)

    async def question(self, request: Request, principal: Principal | None) -> Question | None:
        """The request's question for the response cache (its stamp read when it was answered
        before), or None when its answer is never kept."""
        if not self.answers.enabled or principal is None or principal.role >= Role.admin or request.method != "POST":
            return None
        content_type, _ = parse_content_type(request.headers.get("content-type", ""))
        if content_type != "application/json":
            return None
        question = self.answers.question(principal.workspace, int(principal.role), principal.token_id, await request.body())
        if self.answers.seen(question):
            question.revision = self.registry.get(principal.workspace).revision()
            question.stamped = True
        return question

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
        else:
            request.state.answered_without_errors = True
        return response  # type: ignore[return-value]


def create_app(graph: GRCGraph, settings: Settings) -> FastAPI:
    """The application over one open graph (its store and any workspace); the reference graph should
    already be loaded. Each workspace's indexes are read from the store by the first question that
    needs them, and held under `settings.index_memory_mb` (see `Registry`)."""
    base = graph if graph.workspace_name == settings.local_workspace else graph.with_workspace(settings.local_workspace)
    registry = Registry(base, VerifiedTokens(settings.token_cache_seconds), index_budget=settings.index_memory_mb * 2**20)
    ready = threading.Event()
    if base.reference_loaded():
        base.prepare()  # the catalog and mapping indexes, once, before the first request
        ready.set()

    async def principal(request: Request) -> Caller:
        header = request.headers.get("authorization")
        if header is None:
            if settings.read_only_local:
                return Principal(settings.local_workspace, Role.reader, None), None
            return None, "send an API token: Authorization: Bearer <token>"
        scheme, _, token = header.partition(" ")
        if scheme.lower() != "bearer" or not token.strip():
            return None, "the Authorization header must be 'Bearer <token>'"
        # A token not verified lately is a store read (a round trip on a remote store): off the event loop.
        record = registry.tokens.recent(token)
        if record is None:
            record = await asyncio.to_thread(registry.tokens.authenticate, base.authenticate, token)
        if record is None or record.expired(dt.datetime.now(dt.UTC)):  # a kept record may expire while kept
            return None, "the token is not valid (unknown, mistyped, revoked or expired)"
        base.note_token_use(record.id)  # in memory; written every token_use_flush_seconds
        return Principal(record.workspace, record.role, record.id), None

    async def get_context(request: Request) -> Context:
        # Made before `Router.run` checks the token (FastAPI resolves it first): the caller is read when needed.
        def caller() -> Caller:
            found: Principal | None = getattr(request.state, "caller", None)
            return found, None if found else "send an API token: Authorization: Bearer <token>"

        context = Context(registry, settings, caller)
        request.state.context = context  # read back by the router: was a query executed, can its answer be kept
        return context

    @contextlib.asynccontextmanager
    async def lifespan(_app: FastAPI) -> AsyncIterator[None]:
        flusher = asyncio.create_task(flush_token_use(base, settings.token_use_flush_seconds))
        try:
            yield
        finally:
            flusher.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await flusher
            await asyncio.to_thread(_flush_token_use, base)

    app = FastAPI(
        lifespan=lifespan,
        title="grcgraph",
        summary="AI-governance frameworks, crosswalks, evidence and coverage",
        docs_url=None,
        redoc_url=None,
    )
    answers = app.state.response_cache = ResponseCache(settings.response_cache_mb * 2**20)
    app.state.registry = registry
    router = Router(
        build_schema(settings),
        context_getter=get_context,
        authenticate=principal,
        registry=registry,
        answers=answers,
        graphql_ide="graphiql" if settings.graphiql else None,
    )
    app.include_router(router, prefix="/graphql")
    install_workbench(app, router, registry, principal, local=settings.read_only_local)

    @app.get("/healthz")
    def healthz() -> dict[str, str]:
        return {"status": "ok"}

    @app.get("/readyz")
    def readyz() -> JSONResponse:
        try:
            base.ping()
            if not ready.is_set() and base.reference_loaded():
                base.prepare()
                ready.set()
        except StoreUnavailableError as error:
            log.warning("%s", error)
            return JSONResponse({"status": "store unavailable", "reason": "the store does not answer"}, status_code=503)
        if not ready.is_set():
            return JSONResponse({"status": "reference graph not loaded"}, status_code=503)
        return JSONResponse({"status": "ready"})

    add_sparql_route(app, registry, settings, principal)

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


async def flush_token_use(base: GRCGraph, every: float) -> None:
    """Write the tokens' last-used times every `every` seconds, off the event loop, until cancelled."""
    while True:
        await asyncio.sleep(every)
        await asyncio.to_thread(_flush_token_use, base)


def _flush_token_use(base: GRCGraph) -> None:
    try:
        base.flush_token_use()
    except Exception as error:  # a store failure must not end the flusher; the next flush retries
        log.warning("could not write the tokens' last-used times: %s", error)


def _exit_on_terminate(signum: int, frame: object) -> None:
    raise SystemExit(0)


def serve(**options: Any) -> None:
    """`grcgraph serve`: the settings (defaults < $GRCGRAPH_CONFIG < environment < `options`), the
    graph over the store they name with the bundled reference graph loaded, then uvicorn until
    stopped. SettingsError, DataError or StoreUnavailableError when it cannot start."""
    import gc  # noqa: PLC0415 (only the server process needs these)

    import uvicorn  # noqa: PLC0415

    settings = Settings.load(None, **options)
    if settings.read_only_local and settings.host not in ("127.0.0.1", "::1", "localhost"):
        raise SettingsError("GRCGRAPH_READ_ONLY_LOCAL serves without tokens: it is allowed on a loopback host only")
    with GRCGraph.connect(settings, workspace=settings.local_workspace) as graph:
        result = graph.load_reference()
        if result.loaded:
            print(f"loaded the reference graph ({result.triples} triples)", file=sys.stderr)
        graph.share_reads()  # commands that only read (frameworks, gaps, evidence export...) run beside the server
        application = create_app(graph, settings)
        # What startup made (reference indexes, schema, modules) lives as long as the process: frozen,
        # the collector no longer walks it on every full collection, which showed as latency spikes.
        gc.collect()
        gc.freeze()
        # uvicorn stops on SIGTERM, then raises the signal again once its handlers are restored; by
        # default that ends the process on the spot, so the store would never be closed (nor its
        # clean-close marker written). As SystemExit the `with` above unwinds and closes it.
        signal.signal(signal.SIGTERM, _exit_on_terminate)
        uvicorn.run(application, host=settings.host, port=settings.port, log_level="info", access_log=settings.access_log)


__all__ = ["create_app", "serve"]
