"""An in-memory index of one workspace's evidence links, for whole-workspace coverage and gaps.

Reading every link node from the store (one round trip each) made a gap report linear in the
workspace and slow (seconds at a few thousand items). The index reads all links with a few bulk
scans (one per property), groups them by the requirement they point at, and answers coverage of the
whole workspace with set and dict operations: what a requirement reaches through mappings is
computed once per requirement (not once per link), and only the first paths per target (the ones a
report shows) are built.

The index never serves stale data: it remembers the workspace graph's revision stamp
(grcgraph.revision), which every write replaces in the same update, and checks it (one read) before
each use. When the stamp changed through writes of this process only (the revision log leads from
the old stamp to the new one), it re-reads the links and validity of the evidence those writes
touched and patches a copy of what it holds; otherwise (another process wrote, or too much changed)
it reads every link again.
"""

from __future__ import annotations

import bisect
import csv
import datetime as dt
import heapq
import io
import sys
import threading
from collections.abc import Collection, Iterator
from dataclasses import dataclass
from typing import TYPE_CHECKING

import pyoxigraph as ox

from grcgraph.coverage.rules import propagate
from grcgraph.model import CoveragePath, Covered, EvidenceLink, Hop, Level
from grcgraph.store import revision
from grcgraph.vocab.namespace import GRC
from grcgraph.vocab.terms import EXTENTS
from grcgraph.workspace.reads import WorkspaceReads

if TYPE_CHECKING:
    import networkx as nx

START = {"full": Level.FULL, "partial": Level.PARTIAL}
# Past this share of the evidence touched since the snapshot, reading everything again is cheaper.
PATCH_SHARE = 0.25
READ_TIMEOUT = 600.0  # seconds, for reading every link of a workspace from a remote store
# (hops, level reached from full coverage of the start) of every path from one requirement to one target, in the order
# `propagate` finds them.
Reach = dict[str, list[tuple[tuple[Hop, ...], Level]]]


@dataclass
class _Group:
    """The links from one requirement, for one system (or none), of one extent."""

    requirement: str
    system: str | None
    extent: str
    links: list[EvidenceLink]  # in the index's link order (see _order)
    undated: bool = False  # some evidence has no valid-until date: never stale
    latest: dt.date | None = None
    earliest: dt.date | None = None

    def add_validity(self, until: dt.date | None) -> None:
        if until is None:
            self.undated = True
        else:
            self.latest = until if self.latest is None else max(self.latest, until)
            self.earliest = until if self.earliest is None else min(self.earliest, until)

    def fresh(self, on: dt.date) -> bool:
        return self.undated or (self.latest is not None and self.latest >= on)

    def stale(self, on: dt.date) -> bool:
        return self.earliest is not None and self.earliest < on


def _order(link: EvidenceLink) -> tuple[str, str, str]:
    """The order of `Workspace.links()`."""
    return (link.evidence, link.requirement, link.system or "")


GroupKey = tuple[str, str | None, str]  # requirement, system, extent
Sources = list[tuple[_Group, list[tuple[tuple[Hop, ...], Level]]]]  # the groups reaching one target, with their paths to it
# Per target: its sources, and the first links (link, source) that give its first paths, in link order.
Plan = dict[str, tuple[Sources, list[tuple[EvidenceLink, int]]]]
PLANS = 32  # plans kept per snapshot: (system, chain length, targets) combinations asked for
# What the index holds, in bytes, estimated from its counts (measured with tracemalloc on synthetic
# workspaces of 2,000 items: about 360 bytes per link held, and 1,500 per path cached from one
# requirement to a target, with the plans built over them).
LINK_BYTES = 360
REACH_PATH_BYTES = 1_500


@dataclass(frozen=True)
class _Snapshot:
    revision: str | None
    by_evidence: dict[str, list[EvidenceLink]]  # each sorted as Workspace.links sorts them
    expiry: dict[str, dt.date]
    groups: dict[GroupKey, _Group]  # per requirement, system and extent
    combined: dict[GroupKey, _Group]  # per requirement and extent, every system together (no system asked for)
    plans: dict[tuple[object, ...], Plan]  # what does not depend on the date asked, per question
    # An earlier snapshot's plans, and the requirements whose groups changed since: a plan asked
    # again after a write is that plan with only the targets those requirements reach worked out anew.
    carried: tuple[dict[tuple[object, ...], Plan], frozenset[str]] | None = None


class LinkIndex:
    """The links of one workspace, kept current by the graph's revision stamp."""

    def __init__(self, workspace: WorkspaceReads) -> None:
        self.workspace = workspace
        self._snapshot: _Snapshot | None = None
        self._reach: dict[tuple[str, int], Reach] = {}
        self._network: nx.MultiDiGraph | None = None
        self._lock = threading.Lock()
        self.builds = 0  # how many times every link was read from the store (tests check invalidation with it)
        self.patches = 0  # how many times writes of this process were applied to the links held
        self.carried = 0  # how many plans were an earlier snapshot's with only the targets a write reaches redone
        self._counted: tuple[_Snapshot | None, int, int] = (None, 0, 0)  # (snapshot, reach entries, bytes) last estimated

    # --- reading the store ------------------------------------------------------------------
    def snapshot(self) -> _Snapshot:
        """The current links: one read of the stamp, and a rebuild only if it changed."""
        stamp = revision.current(self.workspace.store, self.workspace.graph)
        with self._lock:
            found = self._snapshot
            if found is None:
                found = self._snapshot = self._build(stamp)
            elif (
                found.revision != stamp and revision.touched_between(self.workspace.graph, stamp, found.revision, limit=sys.maxsize) is None
            ):
                # (When the log leads from `stamp` to what is held, another thread already brought the
                # index further than the stamp read here: what it holds will do.)
                limit = max(32, int(len(found.by_evidence) * PATCH_SHARE))
                touched = revision.touched_between(self.workspace.graph, found.revision, stamp, limit=limit)
                found = self._snapshot = self._build(stamp) if touched is None else self._patch(found, stamp, touched)
            return found

    def _rows(self, where: str, variables: str) -> Iterator[list[str]]:
        """The rows of `SELECT variables WHERE { where }` over the workspace graph, as text, read from
        the results as CSV: pyoxigraph decodes only the projected terms (a property scan decodes the
        link node's IRI again for every property) and makes no Python object per term."""
        ws = self.workspace
        result = ws.store.evaluate(f"SELECT {variables} WHERE {{ {where} }}", [ox.NamedNode(str(ws.graph))], READ_TIMEOUT)
        if not isinstance(result, ox.QuerySolutions):
            raise TypeError("a SELECT query answered something other than solutions")
        data = result.serialize(format=ox.QueryResultsFormat.CSV) or b""  # bytes when no output is given
        # Decoded a line at a time: the whole text as one string, in a StringIO (4 bytes a character),
        # took several times the memory the index holds, for a moment, at a million items.
        rows = csv.reader(line.decode("utf-8") for line in io.BytesIO(data))
        next(rows, None)  # the header
        return rows

    def _build(self, stamp: str | None) -> _Snapshot:
        # The stamp was read before the links, so the links are at least as new as the stamp: a write
        # in between makes the next check rebuild, never serve older data.
        self.builds += 1
        ws = self.workspace
        evidence_start = len(ws.base) + len("evidence/")
        system_start = len(ws.base) + len("system/")
        extents = {str(iri): name for name, iri in EXTENTS.items()}
        intern = sys.intern  # a few hundred requirements, people and systems, repeated over every link
        # An item's id is held once for all its links, and a time once for every link written with it
        # (an import stamps all its links alike): a third less memory at a million items.
        shared: dict[str, str] = {}
        one = shared.setdefault
        # Every link node has exactly one evidence, requirement and extent (SHACL checks each write).
        where = (
            f"?l <{GRC.evidence}> ?e ; <{GRC.requirement}> ?r ; <{GRC.extent}> ?x . OPTIONAL {{ ?l <{GRC.assertedBy}> ?by }} "
            f"OPTIONAL {{ ?l <{GRC.assertedAt}> ?at }} OPTIONAL {{ ?l <{GRC.forSystem}> ?s }}"
        )
        links = [
            EvidenceLink(
                one(evidence[evidence_start:], evidence[evidence_start:]),
                intern(requirement),
                extents[extent],
                intern(by),
                one(at, at),
                intern(system[system_start:]) if system else None,
            )
            for evidence, requirement, extent, by, at, system in self._rows(where, "?e ?r ?x ?by ?at ?s")
        ]
        links.sort(key=_order)
        expiry = {
            one(evidence[evidence_start:], evidence[evidence_start:]): dt.date.fromisoformat(until)
            for evidence, until in self._rows(f"?e <{GRC.validUntil}> ?v", "?e ?v")
        }
        by_evidence: dict[str, list[EvidenceLink]] = {}
        groups: dict[GroupKey, _Group] = {}
        combined: dict[GroupKey, _Group] = {}
        for link in links:
            by_evidence.setdefault(link.evidence, []).append(link)
            until = expiry.get(link.evidence)
            for found, key in ((groups, (link.requirement, link.system, link.extent)), (combined, (link.requirement, None, link.extent))):
                group = found.get(key)
                if group is None:
                    group = found[key] = _Group(link.requirement, key[1], link.extent, [])
                group.links.append(link)
                group.add_validity(until)
        return _Snapshot(stamp, by_evidence, expiry, groups, combined, {})

    def _patch(self, old: _Snapshot, stamp: str | None, touched: set[str]) -> _Snapshot:
        """`old` with the links and validity of the `touched` evidence read again (one batched read
        each): a new snapshot sharing what did not change, so readers of `old` are not disturbed."""
        self.patches += 1
        if not touched:  # a write that changes no links (an AI system, the Statement of Applicability)
            return _Snapshot(stamp, old.by_evidence, old.expiry, old.groups, old.combined, old.plans, old.carried)
        ws = self.workspace
        fresh = ws.links_many(touched)
        fresh_expiry = ws.expiry(touched)
        by_evidence, expiry = dict(old.by_evidence), dict(old.expiry)
        changed: list[EvidenceLink] = []
        for evidence in touched:
            changed += by_evidence.pop(evidence, [])
            expiry.pop(evidence, None)
            if fresh.get(evidence):
                by_evidence[evidence] = fresh[evidence]
                changed += fresh[evidence]
            if evidence in fresh_expiry:
                expiry[evidence] = fresh_expiry[evidence]
        groups, combined = dict(old.groups), dict(old.combined)
        for found, system_of in ((groups, lambda link: link.system), (combined, lambda _link: None)):
            added: dict[GroupKey, list[EvidenceLink]] = {}
            for evidence in touched:
                for link in by_evidence.get(evidence, ()):
                    added.setdefault((link.requirement, system_of(link), link.extent), []).append(link)
            held = {(link.requirement, system_of(link), link.extent) for e in touched for link in old.by_evidence.get(e, ())}
            for key in {(link.requirement, system_of(link), link.extent) for link in changed}:
                group = found.pop(key, None)
                new = added.get(key, [])
                if group is not None and key not in held:
                    # Only links added (the common write: new evidence): the group's links are kept
                    # as they are and its validity widened, not recomputed over every link it holds.
                    kept = list(group.links)
                    patched = _Group(key[0], key[1], key[2], kept, group.undated, group.latest, group.earliest)
                else:
                    kept = [link for link in group.links if link.evidence not in touched] if group else []
                    patched = _Group(key[0], key[1], key[2], kept)
                    for link in kept:
                        patched.add_validity(expiry.get(link.evidence))
                for link in new:
                    patched.add_validity(expiry.get(link.evidence))
                # `patched` holds `kept`: the new links go into that same list.
                if len(new) <= 8:
                    for link in new:
                        bisect.insort(kept, link, key=_order)
                else:
                    kept[:] = heapq.merge(list(kept), sorted(new, key=_order), key=_order)
                if kept:
                    found[key] = patched
        requirements = frozenset(link.requirement for link in changed)
        carried = (old.plans, requirements) if old.plans else (old.carried[0], old.carried[1] | requirements) if old.carried else None
        return _Snapshot(stamp, by_evidence, expiry, groups, combined, {}, carried)

    def approx_bytes(self) -> int:
        """The memory the index holds, estimated from its counts (0 before it is first read)."""
        snap, reach = self._snapshot, self._reach
        if snap is None:
            return 0
        counted, entries, estimate = self._counted
        if counted is not snap or entries != len(reach):  # counted once per snapshot and growth of the cache
            links = sum(len(found) for found in snap.by_evidence.values())
            paths = sum(len(paths) for found in list(reach.values()) for paths in found.values())
            estimate = LINK_BYTES * links + REACH_PATH_BYTES * paths
            self._counted = (snap, len(reach), estimate)
        return estimate

    def links(self) -> list[EvidenceLink]:
        """Every link of the workspace, as `Workspace.links()` gives them."""
        found = self.snapshot().by_evidence
        return [link for evidence in sorted(found) for link in found[evidence]]

    # --- answering ----------------------------------------------------------------------------
    def _reach_of(self, network: nx.MultiDiGraph, requirement: str, chain_length: int) -> Reach:
        """Every path from `requirement` to each target, found by `propagate` itself (so the rules
        are the same) from one fully covering, never stale link; cached per requirement."""
        if network is not self._network:
            self._reach, self._network = {}, network
        key = (requirement, chain_length)
        found = self._reach.get(key)
        if found is None:
            probe = EvidenceLink(evidence="", requirement=requirement, extent="full", asserted_by="", asserted_at="", system=None)
            reached = propagate(network, [probe], {}, on=dt.date.min, chain_length=chain_length, max_paths=sys.maxsize)
            found = self._reach[key] = {target: [(p.hops, p.level) for p in entry.paths] for target, entry in reached.items()}
        return found

    def covered(
        self,
        network: nx.MultiDiGraph,
        *,
        on: dt.date,
        chain_length: int = 1,
        system: str | None = None,
        targets: Collection[str] | None = None,
        max_paths: int = 20,
    ) -> dict[str, Covered]:
        """What `propagate` gives for every link of the workspace (those for `system` or for no system,
        when a system is named), limited to `targets` when given: the same levels and the same first
        `max_paths` paths per requirement."""
        if chain_length < 0:
            raise ValueError("chain_length must be 0 or more")
        snap = self.snapshot()
        plan = self._plan(snap, network, chain_length=chain_length, system=system, targets=targets, max_paths=max_paths)
        result: dict[str, Covered] = {}
        for target, (sources, first) in plan.items():
            entry = result[target] = Covered(target)
            for group, paths in sources:
                start = START[group.extent]
                best = max(min(start, level) for _hops, level in paths)
                if group.fresh(on):
                    entry.level = max(entry.level, best)
                if group.stale(on):
                    entry.stale_level = max(entry.stale_level, best)
            chosen: list[CoveragePath] = []
            for link, index in first:
                group, paths = sources[index]
                until = snap.expiry.get(link.evidence)
                stale = until is not None and until < on
                start = START[group.extent]
                chosen.extend(CoveragePath(link.evidence, link, hops, min(start, level), stale) for hops, level in paths)
            entry.paths = chosen[:max_paths]
        return result

    def _plan(
        self,
        snap: _Snapshot,
        network: nx.MultiDiGraph,
        *,
        chain_length: int,
        system: str | None,
        targets: Collection[str] | None,
        max_paths: int,
    ) -> Plan:
        """For each target reached: the groups of links reaching it, and the first links in link order
        whose paths are the first `max_paths` to it (as `propagate` records them). None of this depends
        on the date asked, so it is kept with the snapshot."""
        key = (id(network), chain_length, system, None if targets is None else frozenset(targets), max_paths)
        with self._lock:
            found = snap.plans.get(key)
            if found is not None:
                return found
            earlier = snap.carried[0].get(key) if snap.carried is not None else None
            plan: Plan = {}
            if earlier is not None and snap.carried is not None:
                # A target none of the changed requirements reaches has the same groups (the same
                # objects: a patch replaces changed groups only) and so the same plan as before.
                affected = {t for r in snap.carried[1] for t in self._reach_of(network, r, chain_length)}
                plan = {target: entry for target, entry in earlier.items() if target not in affected}
                self.carried += 1
                targets = affected if targets is None else affected & set(targets)
            groups = snap.combined.values() if system is None else [g for g in snap.groups.values() if g.system in (None, system)]
            by_target: dict[str, Sources] = {}
            for group in groups:
                for target, paths in self._reach_of(network, group.requirement, chain_length).items():
                    if targets is None or target in targets:
                        by_target.setdefault(target, []).append((group, paths))
            for target, sources in by_target.items():
                # Link keys are unique, so the merge never compares the links themselves.
                runs = [[(_order(link), index, link) for link in group.links[:max_paths]] for index, (group, _paths) in enumerate(sources)]
                first: list[tuple[EvidenceLink, int]] = []
                count = 0
                for _key, index, link in heapq.merge(*runs):
                    if count >= max_paths:
                        break
                    first.append((link, index))
                    count += len(sources[index][1])
                plan[target] = (sources, first)
            if len(snap.plans) >= PLANS:
                snap.plans.clear()
            snap.plans[key] = plan
            return plan
