"""Server settings: defaults, then an optional TOML file ($GRCGRAPH_CONFIG), then environment
variables (which win). A bad value is reported with the variable or key that holds it."""

from __future__ import annotations

import dataclasses
import os
import re
import tomllib
import typing
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from grcgraph import paths
from grcgraph.store.base import GraphStore

CONFIG_ENV = "GRCGRAPH_CONFIG"


class SettingsError(ValueError):
    """A setting that cannot be used; the message names where it came from."""


@dataclass(frozen=True)
class Settings:
    data_dir: Path = field(default_factory=paths.default_data_dir)
    # A SPARQL 1.1 endpoint (e.g. an Oxigraph server) instead of the data directory; API servers on
    # one store share everything, tokens included, and keep nothing of their own.
    store: str = ""
    store_timeout: float = 10.0
    store_query_endpoint: str = ""  # default: <store>/query
    store_update_endpoint: str = ""  # default: <store>/update
    store_graph_endpoint: str = ""  # Graph Store Protocol; default: <store>/store
    host: str = "127.0.0.1"
    port: int = 8000
    # No token needed: anonymous callers read (never write) the `local_workspace`.
    read_only_local: bool = False
    local_workspace: str = "default"
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
    document_cache_size: int = 256  # query texts kept parsed and validated (0: check every request from scratch)
    access_log: bool = True  # one log line per request (uvicorn's access log)

    def open_store(self) -> GraphStore:
        """The store these settings name: the remote endpoint when `store` is set, else the data directory."""
        if not self.store:
            return GraphStore.open(self.data_dir)
        return GraphStore.connect(
            self.store,
            timeout=self.store_timeout,
            query_endpoint=self.store_query_endpoint or None,
            update_endpoint=self.store_update_endpoint or None,
            graph_endpoint=self.store_graph_endpoint or None,
        )

    @classmethod
    def load(cls, environ: Mapping[str, str] | None = None, **overrides: Any) -> Settings:
        """Defaults < TOML file named by $GRCGRAPH_CONFIG (top level or a [server] table) < environment < overrides."""
        env = os.environ if environ is None else environ
        values: dict[str, Any] = {}
        config = env.get(CONFIG_ENV)
        if config:
            values.update(_from_toml(Path(config)))
        for item in dataclasses.fields(cls):
            name = f"GRCGRAPH_{item.name.upper()}"
            if env.get(name, "") != "":
                values[item.name] = _convert(item.name, env[name], name)
        values.update({k: v for k, v in overrides.items() if v is not None})
        settings = cls(**values)
        settings.check()
        return settings

    def check(self) -> None:
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
        if self.document_cache_size < 0:
            raise SettingsError("document_cache_size must be 0 or more")
        if self.token_cache_seconds < 0:
            raise SettingsError("token_cache_seconds must be 0 or more (seconds)")
        if self.sparql_timeout <= 0:
            raise SettingsError("sparql_timeout must be positive (seconds)")
        if self.store_timeout <= 0:
            raise SettingsError("store_timeout must be positive (seconds)")
        for name in ("store", "store_query_endpoint", "store_update_endpoint", "store_graph_endpoint"):
            value = getattr(self, name)
            if value and not re.match(r"^https?://[^\s/]+[^\s]*$", value):
                raise SettingsError(f"{name}: {value!r} is not an http(s) URL")


_TYPES: dict[str, Any] = typing.get_type_hints(Settings)


def _convert(name: str, raw: object, where: str) -> Any:
    kind = _TYPES[name]
    try:
        if kind is bool:
            if isinstance(raw, bool):
                return raw
            text = str(raw).strip().lower()
            if text in ("1", "true", "yes", "on"):
                return True
            if text in ("0", "false", "no", "off"):
                return False
            raise ValueError
        if kind is int:
            if isinstance(raw, bool):
                raise ValueError
            return int(str(raw).replace("_", ""))
        if kind is float:
            return float(str(raw))
        if name == "data_dir":
            return Path(str(raw)).expanduser()
        return str(raw)
    except ValueError:
        expected = {bool: "true or false", int: "an integer", float: "a number"}.get(kind, "a string")
        raise SettingsError(f"{where}: {raw!r} is not {expected}") from None


def _from_toml(path: Path) -> dict[str, Any]:
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except (OSError, tomllib.TOMLDecodeError) as error:
        raise SettingsError(f"{CONFIG_ENV}={path}: {error}") from None
    table = data.get("server", data)
    values: dict[str, Any] = {}
    for key, raw in table.items():
        if key not in _TYPES:
            raise SettingsError(f"{path}: unknown setting {key!r}; known: {', '.join(_TYPES)}")
        values[key] = _convert(key, raw, f"{path}: {key}")
    return values
