"""The server's settings: the store's (`grcgraph.config.StoreSettings`) and the server's own, read
as every setting is (defaults < $GRCGRAPH_CONFIG TOML file < environment < options)."""

from __future__ import annotations

from dataclasses import dataclass

from grcgraph.config import DEFAULT_WORKSPACE, SettingsError, StoreSettings

__all__ = ["Settings", "SettingsError"]


@dataclass(frozen=True)
class Settings(StoreSettings):
    host: str = "127.0.0.1"
    port: int = 8000
    # No token needed: anonymous callers read (never write) the `local_workspace`.
    read_only_local: bool = False
    local_workspace: str = DEFAULT_WORKSPACE
    introspection: bool = True
    graphiql: bool = True
    max_depth: int = 10
    max_aliases: int = 30
    max_tokens: int = 2000
    max_page_size: int = 100
    max_query_cost: int = 10_000  # see grcgraph.server.cost
    max_body_bytes: int = 1_000_000
    sparql_timeout: float = 10.0
    sparql_result_limit: int = 10_000
    sparql_concurrency: int = 2  # queries evaluated at once (each in a worker process, killed at its timeout)
    sparql_concurrency_per_token: int = 1  # so that one caller cannot take every place
    # A verified token is trusted this long without a store lookup; a revocation by another
    # process sharing the store takes effect within it (0: check the store on every request).
    token_cache_seconds: float = 5.0
    # Tokens' last-used times (to the minute) are kept in memory and written this often, and at shutdown.
    token_use_flush_seconds: float = 60.0
    document_cache_size: int = 256  # query texts kept parsed and validated (0: check every request from scratch)
    access_log: bool = True  # one log line per request (uvicorn's access log)
    # Workspace indexes (link index, evidence register) are built on demand and held, least recently
    # used first out, under this budget (MiB, estimated); see grcgraph.server.context.Registry.
    index_memory_mb: int = 512
    # Serialised answers to repeated questions, per revision stamp (MiB; 0: none kept); see
    # grcgraph.server.response_cache.
    response_cache_mb: int = 64

    def check(self) -> None:
        super().check()
        for name in (
            "max_depth",
            "max_aliases",
            "max_tokens",
            "max_page_size",
            "max_query_cost",
            "max_body_bytes",
            "sparql_result_limit",
            "sparql_concurrency",
            "sparql_concurrency_per_token",
        ):
            if getattr(self, name) < 1:
                raise SettingsError(f"{name} must be at least 1")
        if not 0 < self.port < 65536:
            raise SettingsError(f"port {self.port} is not a TCP port")
        if self.index_memory_mb < 1:
            raise SettingsError("index_memory_mb must be at least 1 (MiB)")
        if self.response_cache_mb < 0:
            raise SettingsError("response_cache_mb must be 0 or more (MiB)")
        if self.document_cache_size < 0:
            raise SettingsError("document_cache_size must be 0 or more")
        if self.token_cache_seconds < 0:
            raise SettingsError("token_cache_seconds must be 0 or more (seconds)")
        if self.token_use_flush_seconds <= 0:
            raise SettingsError("token_use_flush_seconds must be positive (seconds)")
        if self.sparql_timeout <= 0:
            raise SettingsError("sparql_timeout must be positive (seconds)")
