"""Reading a graph's history back: a record's versions, the graph as it was at an instant, and the
check that the log is whole and the store holds what it produces (`verify`), with the local files
evidence points at (`artefacts`)."""

from __future__ import annotations

import dataclasses
import datetime as dt
import hashlib
from collections.abc import Iterable
from pathlib import Path
from urllib.parse import unquote, urlparse

import pyoxigraph as ox

from grcgraph.model import EvidenceInput, FieldPath, Finding, HistoryEntry, Problem, RecordChange, VerifyReport
from grcgraph.store.base import GraphStore
from grcgraph.store.history import (
    GENESIS,
    Change,
    Entry,
    canonical_states,
    entries,
    entries_about,
    head,
    replayed,
    scan,
    text,
)
from grcgraph.store.history_file import LogFile, log_path
from grcgraph.vocab.namespace import GRC

MAX_FINDINGS = 20
_SHA256, _LOCATION = str(GRC.sha256), str(GRC.location)


def _local(iri: str) -> str:
    return iri.rsplit("#", 1)[-1].rsplit("/", 1)[-1]


def values(state: str) -> dict[str, list[str]]:
    """A record state's values by property local name (IRIs as IRIs, literals by lexical form)."""
    found: dict[str, list[str]] = {}
    if state:
        for triple in ox.parse(state.encode("utf-8"), ox.RdfFormat.N_TRIPLES):
            found.setdefault(_local(triple.predicate.value), []).append(triple.object.value)
    return {name: sorted(v) for name, v in sorted(found.items())}


def record_change(base: str, change: Change) -> RecordChange:
    rest = change.record[len(base) :] if change.record.startswith(base) else change.record
    kind, _, name = rest.partition("/")
    return RecordChange(change.record, kind, name, values(change.before), values(change.after))


def as_record(base: str, entry: Entry, found: Iterable[Change]) -> HistoryEntry:
    return HistoryEntry(
        entry.sequence,
        entry.time,
        entry.agent,
        entry.operation,
        entry.hash,
        entry.previous,
        tuple(record_change(base, c) for c in found),
    )


def record_history(store: GraphStore, graph: str, base: str, record: str) -> list[HistoryEntry]:
    """The entries that changed `record`, or a record that names it (a link of evidence), oldest first."""
    return [as_record(base, entry, found) for entry, found in entries_about(store, graph, record)]


def log(store: GraphStore, graph: str, base: str, *, until: dt.datetime | None = None) -> list[HistoryEntry]:
    return [as_record(base, e, e.changes) for e in _until(entries(store, graph), until)]


def _until(found: Iterable[Entry], until: dt.datetime | None) -> list[Entry]:
    """The entries up to `until` (all when None): the log's prefix of entries made at or before it
    (what follows the first later entry is not read)."""
    if until is None:
        return list(found)
    limit = until.astimezone(dt.UTC) if until.tzinfo else until.replace(tzinfo=dt.UTC)
    kept = []
    for entry in found:
        if dt.datetime.fromisoformat(entry.time.replace("Z", "+00:00")) > limit:
            break
        kept.append(entry)
    return kept


def entries_until(store: GraphStore, graph: str, until: dt.datetime | None, directory: Path | None = None) -> list[Entry]:
    """The log's entries made at or before `until` (all when None). Beside an embedded store, from
    its log file when the file ends at the store's head: one JSON line per entry reads ten times
    faster than the entries' nodes in the store, and stops at `until`."""
    if directory is not None and log_path(directory, graph).exists():
        found = LogFile(log_path(directory, graph)).entries_at(graph, head(store, graph))
        if found is not None:
            return _until(found, until)
    return _until(entries(store, graph), until)


def state_at(store: GraphStore, graph: str, when: dt.datetime, directory: Path | None = None) -> ox.Store:
    """An in-memory store holding `graph` as the log says it was at `when`."""
    state, _ = replayed(entries_until(store, graph, when, directory))
    scratch = ox.Store()
    if state:
        scratch.load("\n".join(state.values()).encode("utf-8") + b"\n", ox.RdfFormat.N_TRIPLES, to_graph=ox.NamedNode(graph))
    return scratch


def verify(store: GraphStore, graph: str, directory: Path | None) -> VerifyReport:
    """Recompute the chain, compare it with the log file (embedded store) and the head, and check
    that the stored records are those the log produces; the first findings, in log order."""
    found, stored = scan(store, graph)
    findings: list[Finding] = []
    previous = GENESIS
    for expected, entry in enumerate(found, start=1):
        where = f"entry {entry.sequence}"
        if entry.sequence != expected:
            findings.append(Finding(f"entry {expected}", "is missing from the log" if entry.sequence > expected else "appears twice"))
            break
        if entry.previous != previous:
            findings.append(Finding(where, "does not follow the entry before it (its previous hash differs)"))
            break
        if entry.digest() != entry.hash:
            findings.append(Finding(where, "was changed after it was written (its content no longer matches its hash)"))
            break
        previous = entry.hash
    sequence, digest = head(store, graph)
    last = found[-1] if found else None
    if not findings and (last.sequence if last else 0, last.hash if last else GENESIS) != (sequence, digest):
        findings.append(Finding("head", f"the graph's head ({sequence}) does not name the log's last entry"))
    if directory is not None and (directory / "history").is_dir() and log_path(directory, graph).exists():
        copy = {e.sequence: e.hash for e in LogFile(log_path(directory, graph)).read()}
        for entry in found:
            if copy.get(entry.sequence, entry.hash) != entry.hash:
                findings.append(Finding(f"entry {entry.sequence}", "differs from the log file's copy"))
                break
        if len(copy) > len(found):
            findings.append(Finding(f"entry {len(found) + 1}", "is in the log file but not in the store"))
    produced, writer = replayed(found)
    differing = {r for r in produced.keys() | stored.keys() if produced.get(r) != stored.get(r)}
    # Only the records whose text differs are put in the store's own lexical forms: a record written
    # with a "+00:00" offset reads back with "Z" and is the same record.
    recast = canonical_states({r: produced[r] for r in differing if r in produced})
    record_findings = []
    for record in sorted(differing):
        want, have = recast.get(record) if record in produced else None, stored.get(record)
        if want == have:
            continue
        if have is None:
            message, order = f"was deleted behind grcgraph's back (entry {writer[record]} wrote it)", writer[record]
        elif want is None:
            message, order = "was added behind grcgraph's back (no log entry wrote it)", sequence + 1
        else:
            message, order = f"was changed behind grcgraph's back (entry {writer[record]} wrote it otherwise)", writer[record]
        record_findings.append((order, Finding(f"record <{record}>", message)))
    findings += [f for _, f in sorted(record_findings, key=lambda pair: pair[0])]
    return VerifyReport(len(found), len(stored), f"{sequence} {digest}", 0, tuple(findings[:MAX_FINDINGS]))


def file_path(location: str | None) -> Path | None:
    """The local path of a `file:` location (None for any other)."""
    if not location or not location.startswith("file:"):
        return None
    parsed = urlparse(location)
    if parsed.netloc not in ("", "localhost"):
        return None
    return Path(unquote(parsed.path))


def file_digest(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def artefacts(store: GraphStore, graph: str, base: str, root: Path) -> tuple[int, list[Finding]]:
    """Re-check the digest of every evidence file under `root`: how many were checked, and what differs."""
    g = ox.NamedNode(graph)
    by_item: dict[str, dict[str, str]] = {}
    for prop in (_LOCATION, _SHA256):
        for quad in store.quads(None, ox.NamedNode(prop), None, g):
            by_item.setdefault(text(quad.subject), {})[prop] = text(quad.object)
    root = root.resolve()
    checked, findings = 0, []
    for item, v in sorted(by_item.items()):
        path = file_path(v.get(_LOCATION))
        if path is None or not path.resolve().is_relative_to(root):
            continue
        checked += 1
        name = item[len(base) :]
        if not path.is_file():
            findings.append(Finding(f"file {path}", f"of {name} is missing"))
        elif _SHA256 not in v:
            findings.append(Finding(f"file {path}", f"of {name} has no recorded digest"))
        elif file_digest(path) != v[_SHA256]:
            findings.append(Finding(f"file {path}", f"of {name} was changed since it was recorded (its SHA-256 differs)"))
    return checked, findings


def with_digest(item: EvidenceInput, file: Path, line: int, problems: list[Problem]) -> EvidenceInput:
    """An imported item whose location is a local file gets the file's SHA-256 (a digest given with
    it must match the file's, else a problem at its file and line); other items are kept as they are."""
    path = file_path(item.location)
    if path is None or not path.is_file():
        return item
    digest = file_digest(path)
    if item.sha256 and item.sha256.lower() != digest:
        problems.append(Problem(f"{item.sha256!r} is not the SHA-256 of {path} ({digest})", FieldPath("sha256"), str(file), line))
        return item
    return dataclasses.replace(item, sha256=digest)
