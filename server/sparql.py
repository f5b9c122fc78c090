"""The read-only SPARQL endpoint, /sparql: SELECT, ASK, CONSTRUCT and DESCRIBE over the reference
graph and the caller's workspace only. Each query runs in a worker process that is killed at the
deadline (`GRCGraph.sparql`), at most `sparql_concurrency` at once and `sparql_concurrency_per_token`
per caller (429 with Retry-After past either); an update is refused."""

from __future__ import annotations

import asyncio
import logging
import threading
from collections.abc import Awaitable, Callable
from typing import Any

from fastapi import FastAPI, Request
from fastapi.responses import JSONResponse, Response

from grcgraph.errors import ForbiddenError, QueryFailedError, QueryTimeoutError, StoreUnavailableError
from grcgraph.server.context import Principal, Registry
from grcgraph.server.settings import Settings

log = logging.getLogger("grcgraph.server")
Caller = tuple[Principal | None, str | None]


def error_body(code: str, message: str) -> dict[str, Any]:
    return {"errors": [{"message": message, "extensions": {"code": code}}]}


def unauthenticated(reason: str) -> JSONResponse:
    return JSONResponse(error_body("UNAUTHENTICATED", reason), status_code=401, headers={"WWW-Authenticate": 'Bearer realm="grcgraph"'})


class SparqlLimits:
    """How many SPARQL queries run at once, in all and per caller: a query holds its place until it
    ends, which is at its deadline at the latest (its worker is killed then)."""

    def __init__(self, total: int, per_caller: int) -> None:
        self.total = total
        self.per_caller = per_caller
        self._running: dict[str, int] = {}
        self._lock = threading.Lock()

    def enter(self, caller: str) -> str | None:
        """None if `caller` may start a query now (the place is taken); otherwise why not."""
        with self._lock:
            if self._running.get(caller, 0) >= self.per_caller:
                return f"this token already runs {self.per_caller} SPARQL quer{'y' if self.per_caller == 1 else 'ies'}; send the next when it ends"
            if sum(self._running.values()) >= self.total:
                return "too many SPARQL queries running; try again shortly"
            self._running[caller] = self._running.get(caller, 0) + 1
            return None

    def leave(self, caller: str) -> None:
        with self._lock:
            left = self._running.get(caller, 0) - 1
            if left > 0:
                self._running[caller] = left
            else:
                self._running.pop(caller, None)


def add_sparql_route(app: FastAPI, registry: Registry, settings: Settings, principal: Callable[[Request], Awaitable[Caller]]) -> None:
    """Serve /sparql on `app`, each caller authenticated by `principal`."""
    sparql_limits = SparqlLimits(settings.sparql_concurrency, settings.sparql_concurrency_per_token)

    @app.api_route("/sparql", methods=["GET", "POST"])
    async def sparql(request: Request) -> Response:
        found, failure = await principal(request)
        if found is None:
            return unauthenticated(failure or "unauthenticated")
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
        caller = found.token_id or "local"
        refusal = sparql_limits.enter(caller)
        if refusal is not None:
            return JSONResponse(error_body("RATE_LIMITED", refusal), status_code=429, headers={"Retry-After": "1"})
        try:
            api = registry.get(found.workspace)
            body, media = await asyncio.to_thread(api.sparql, query, limit=settings.sparql_result_limit, timeout=settings.sparql_timeout)
        except ForbiddenError as error:
            return JSONResponse(error_body("FORBIDDEN", str(error)), status_code=403)
        except SyntaxError as error:
            message = str(error).splitlines()[0][:300]
            return JSONResponse(
                error_body("INVALID_INPUT", f"not a SPARQL 1.1 query (updates are refused here): {message}"), status_code=400
            )
        except QueryTimeoutError:
            # The caller's query, not the server, is at fault: 4xx (and not 429, since sending it again will not help).
            return JSONResponse(
                error_body("QUERY_TOO_COMPLEX", f"the query ran over {settings.sparql_timeout:g} s and was stopped; ask for less"),
                status_code=400,
            )
        except StoreUnavailableError as error:
            log.warning("%s", error)
            return JSONResponse(error_body("STORE_UNAVAILABLE", "the store is unavailable; try again later"), status_code=503)
        except (OSError, QueryFailedError) as error:
            log.warning("SPARQL evaluation failed: %s", error)
            return JSONResponse(error_body("INVALID_INPUT", "the query could not be evaluated"), status_code=400)
        finally:
            sparql_limits.leave(caller)
        return Response(body, media_type=media)


def _refused() -> JSONResponse:
    return JSONResponse(error_body("FORBIDDEN", "SPARQL updates are refused: this endpoint is read-only"), status_code=403)
