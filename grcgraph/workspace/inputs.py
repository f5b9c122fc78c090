"""What a workspace write checks before building anything: id and workspace name forms, IRIs the
store accepts, the one-write-at-a-time lock, and how a partial update merges with what is stored."""

from __future__ import annotations

import contextlib
import dataclasses
import datetime as dt
import functools
import hashlib
import re
import threading
import uuid
from collections.abc import Callable, Iterator, Mapping
from typing import Any, ParamSpec, TypeVar

import pyoxigraph as ox
from rdflib import URIRef

from grcgraph.model import AISystem, AISystemInput, Evidence, EvidenceInput, EvidenceLink, EvidenceLinkInput, FieldPath, Problem
from grcgraph.vocab.terms import OPERATOR_ROLES

ID_PATTERN = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._:-]{0,127}$")
WORKSPACE_PATTERN = re.compile(r"^[a-z0-9][a-z0-9-]{0,62}$")
ROLES = OPERATOR_ROLES
BATCH_SIZE = 500  # ids per query in the batch reads: one query for a page, a bounded query text
# From this many new items, an import goes to the store's bulk loader (it writes sorted files
# directly instead of a transaction held in memory).
BULK_MIN_ITEMS = 1000
URI_PATTERN = re.compile(r"^[a-zA-Z][a-zA-Z0-9+.-]*:[^\s<>\"{}|\\^`\x00-\x1f\x7f]+$")
SHA256_ANY_CASE = re.compile(r"[0-9a-fA-F]{64}")
# Writes check what is stored, then change it: one whole write (its checks included) at a time in
# a process, so two writers cannot both find an id new and both insert it. Reentrant: a caller (the
# API server) holds it around checks of its own and the write they lead to.
WRITE_LOCK = threading.RLock()
P = ParamSpec("P")
T = TypeVar("T")
NOT_NULL = ("title", "kind")  # of evidence, beside id; of an AI system: SYSTEM_NOT_NULL
SYSTEM_NOT_NULL = ("name", "roles", "category", "generative")


_held = threading.local()  # per thread: how deep it holds the lock, and the syncs owed once it lets go


@contextlib.contextmanager
def write_lock() -> Iterator[None]:
    """WRITE_LOCK, held around one whole write. When the outermost hold ends, the history log syncs
    each write made under it asked for (`after_release`) run, outside the lock: the next writer goes
    on while this one waits for the disk, and one sync serves every writer waiting (group commit).
    The caller returns, and so acknowledges its writes, only after them."""
    WRITE_LOCK.acquire()
    _held.depth = getattr(_held, "depth", 0) + 1
    try:
        yield
    finally:
        _held.depth -= 1
        outermost = _held.depth == 0
        owed: list[Callable[[], None]] = getattr(_held, "owed", [])
        _held.owed = [] if outermost else owed
        WRITE_LOCK.release()
        if outermost:
            for sync in owed:
                sync()


def after_release(sync: Callable[[], None]) -> None:
    """Run `sync` when this thread's outermost `write_lock` ends (at once when it holds none)."""
    if getattr(_held, "depth", 0) == 0:
        sync()
    else:
        _held.owed = [*getattr(_held, "owed", []), sync]


def one_at_a_time(write: Callable[P, T]) -> Callable[P, T]:
    """`write` under `write_lock`."""

    @functools.wraps(write)
    def locked(*args: P.args, **kwargs: P.kwargs) -> T:
        with write_lock():
            outermost = getattr(_held, "operation", None) is None
            if outermost:
                _held.operation = write.__name__  # the history names the write a caller asked for
            try:
                return write(*args, **kwargs)
            finally:
                if outermost:
                    _held.operation = None

    return locked


def current_operation() -> str:
    """The public write method this thread is running (for the history), or "write"."""
    return getattr(_held, "operation", None) or "write"


def iri_fault(text: str) -> str | None:
    """Why `text` is not an absolute IRI the store accepts (None if it is): the store's own parser
    decides, so no write fails in the store (and bulk loads may skip their own IRI checks)."""
    if not URI_PATTERN.match(text):
        return "an absolute URI with a scheme and no spaces"
    try:
        ox.NamedNode(text)
    except ValueError as error:
        return str(error)
    return None


_URL_NAMESPACE = uuid.NAMESPACE_URL.bytes


def uuid5_hex(name: str) -> str:
    """`uuid.uuid5(uuid.NAMESPACE_URL, name).hex` without building UUID objects (an import makes
    one per link)."""
    digest = bytearray(hashlib.sha1(_URL_NAMESPACE + name.encode("utf-8"), usedforsecurity=False).digest()[:16])
    digest[6] = (digest[6] & 0x0F) | 0x50  # version 5
    digest[8] = (digest[8] & 0x3F) | 0x80  # RFC 4122 variant
    return digest.hex()


def notation(mapping: Mapping[str, URIRef], iri: str) -> str:
    """The notation users type for a vocabulary term (the key of its closed value set)."""
    return next(key for key, value in mapping.items() if str(value) == iri)


def bad_id(value: str | None, path: FieldPath) -> Problem | None:
    if ID_PATTERN.match(value or ""):
        return None
    shown = repr(value) if value is None or len(value) <= 128 else f"{value[:40]!r}... ({len(value)} characters)"
    return Problem(f"{shown} must be 1-128 letters, digits, '.', '_', ':' or '-'", path / "id" if path else FieldPath("id"))


def merged_evidence(
    old: Evidence, links: list[EvidenceLink], changes: Mapping[str, Any], new_links: list[EvidenceLinkInput] | None, path: FieldPath
) -> tuple[EvidenceInput, list[Problem]]:
    """A partial update of stored evidence: `changes` (field: value, None clearing an optional
    field) over what is stored; `new_links`, when given, replace every link, else the stored links
    are kept. Problems for a required field set to None, named `path.field`."""
    values: dict[str, Any] = dataclasses.asdict(old)
    values.update(changes)
    problems = [Problem("cannot be null", path / name) for name in NOT_NULL if values.get(name) is None]
    kept = [
        EvidenceLinkInput(
            requirement=k.requirement,
            extent=k.extent,
            asserted_by=k.asserted_by,
            asserted_at=dt.datetime.fromisoformat(k.asserted_at) if k.asserted_at else None,
            system=k.system,
        )
        for k in links
    ]
    return EvidenceInput(**values, links=new_links if new_links is not None else kept), problems


def merged_system(
    old: AISystem, changes: Mapping[str, Any], path: FieldPath, spelled: Callable[[str], str]
) -> tuple[AISystemInput, list[Problem]]:
    """A partial update of a stored AI system: `changes` over what is stored. Problems for a
    required field set to None, named `path.<spelled(field)>` (as the caller spells field names)."""
    values: dict[str, Any] = dataclasses.asdict(old)
    values["roles"] = list(values["roles"])
    values.update(changes)
    problems = [Problem("cannot be null", path / spelled(name)) for name in SYSTEM_NOT_NULL if values.get(name) is None]
    return AISystemInput(**values), problems
