"""Settings, read one way everywhere: defaults, then an optional TOML file named by
$GRCGRAPH_CONFIG (top level or a `[server]` table), then environment variables `GRCGRAPH_<NAME>`
(which win over the file), then the caller's overrides. A bad value is reported with the variable
or key that holds it.

`StoreSettings` names the store (a data directory or a remote SPARQL endpoint); the server's
settings extend it (`grcgraph.server.settings`), and every command reads it for `--store`.
"""

from __future__ import annotations

import dataclasses
import os
import re
import tomllib
import typing
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TypeVar

from grcgraph import paths

CONFIG_ENV = "GRCGRAPH_CONFIG"
# The workspace every command, the Python API and the server's read-only local mode use when none
# is named, and the one `grcgraph token create` makes tokens for by default: one story from the
# README's first command on. $GRCGRAPH_WORKSPACE names another for the command line.
DEFAULT_WORKSPACE = "default"
WORKSPACE_ENV = "GRCGRAPH_WORKSPACE"
S = TypeVar("S", bound="StoreSettings")


class SettingsError(ValueError):
    """A setting that cannot be used; the message names where it came from."""


@dataclass(frozen=True)
class StoreSettings:
    data_dir: Path = field(default_factory=paths.default_data_dir)
    # A SPARQL 1.1 endpoint (e.g. an Oxigraph server) instead of the data directory; API servers on
    # one store share everything, tokens included, and keep nothing of their own.
    store: str = ""
    store_timeout: float = 10.0
    store_query_endpoint: str = ""  # default: <store>/query
    store_update_endpoint: str = ""  # default: <store>/update
    store_graph_endpoint: str = ""  # Graph Store Protocol; default: <store>/store

    @classmethod
    def load(cls: type[S], environ: Mapping[str, str] | None = None, **overrides: Any) -> S:
        """Defaults < TOML file named by $GRCGRAPH_CONFIG < environment < overrides (None: not given)."""
        settings = cls(**load_values(cls, os.environ if environ is None else environ, overrides))
        settings.check()
        return settings

    def check(self) -> None:
        if self.store_timeout <= 0:
            raise SettingsError("store_timeout must be positive (seconds)")
        for name in ("store", "store_query_endpoint", "store_update_endpoint", "store_graph_endpoint"):
            value = getattr(self, name)
            if value and not re.match(r"^https?://[^\s/]+[^\s]*$", value):
                raise SettingsError(f"{name}: {value!r} is not an http(s) URL")


def load_values(cls: type[StoreSettings], environ: Mapping[str, str], overrides: Mapping[str, Any]) -> dict[str, Any]:
    """The values of `cls`'s fields from the TOML file, the environment and `overrides`. A key of the
    file that no settings class knows is an error; one another class knows is left to it."""
    types: dict[str, Any] = typing.get_type_hints(cls)
    values: dict[str, Any] = {}
    config = environ.get(CONFIG_ENV)
    if config:
        values.update(_from_toml(Path(config), types))
    for item in dataclasses.fields(cls):
        name = f"GRCGRAPH_{item.name.upper()}"
        if environ.get(name, "") != "":
            values[item.name] = _convert(types, item.name, environ[name], name)
    values.update({k: v for k, v in overrides.items() if v is not None})
    return values


def _convert(types: Mapping[str, Any], name: str, raw: object, where: str) -> Any:
    kind = types[name]
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


def _from_toml(path: Path, types: Mapping[str, Any]) -> dict[str, Any]:
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except (OSError, tomllib.TOMLDecodeError) as error:
        raise SettingsError(f"{CONFIG_ENV}={path}: {error}") from None
    table = data.get("server", data)
    known = _known_keys()
    values: dict[str, Any] = {}
    for key, raw in table.items():
        if key not in known:
            raise SettingsError(f"{path}: unknown setting {key!r}; known: {', '.join(sorted(known))}")
        if key in types:
            values[key] = _convert(types, key, raw, f"{path}: {key}")
    return values


def _known_keys() -> set[str]:
    """Every setting of every settings class: the store's and its subclasses' (the server's)."""
    known: set[str] = set()
    pending: list[type] = [StoreSettings]
    while pending:
        kind = pending.pop()
        known |= {item.name for item in dataclasses.fields(kind)}
        pending.extend(kind.__subclasses__())
    return known
