"""An in-memory index of one workspace's evidence links, for whole-workspace coverage and gaps.

Reading every link node from the store (one round trip each) made a gap report linear in the
workspace and slow (seconds at a few thousand items). The index reads all links with a few bulk
scans (one per property), groups them by the requirement they point at, and answers coverage of the
whole workspace with set and dict operations: what a requirement reaches through mappings is
computed once per requirement (not once per link), and only the first paths per target (the ones a
report shows) are built.

The index never serves stale data: it remembers the workspace graph's revision stamp
(grcgraph.revision), which every write replaces in the same update, and checks it (one read) before
each use, rebuilding when it changed, whoever wrote.
"""

from __future__ import annotations

import datetime as dt
import heapq
import sys
import threading
from collections.abc import Collection, Iterator
from dataclasses import dataclass

import networkx as nx
import pyoxigraph as ox

from grcgraph import revision
from grcgraph.coverage import Covered, Hop, Level, Path, propagate
from grcgraph.namespace import GRC
from grcgraph.terms import EXTENTS
from grcgraph.workspace import EvidenceLink, Workspace

START = {"full": Level.FULL, "partial": Level.PARTIAL}
# (hops, level reached from full coverage of the start) of every path from one requirement to one target, in the order
# `propagate` finds them.
Reach = dict[str, list[tuple[tuple[Hop, ...], Level]]]


@dataclass
class _Group:
    """The links from one requirement, for one system (or none), of one extent."""

    requirement: str
    system: str | None
    extent: str
    positions: list[int]  # in the index's link order, ascending
    undated: bool = False  # some evidence has no valid-until date: never stale
    latest: dt.date | None = None
    earliest: dt.date | None = None

    def fresh(self, on: dt.date) -> bool:
        return self.undated or (self.latest is not None and self.latest >= on)

    def stale(self, on: dt.date) -> bool:
        return self.earliest is not None and self.earliest < on


Sources = list[tuple[_Group, list[tuple[tuple[Hop, ...], Level]]]]  # the groups reaching one target, with their paths to it
# Per target: its sources, and the first links (position, source) that give its first paths, in link order.
Plan = dict[str, tuple[Sources, list[tuple[int, int]]]]
PLANS = 32  # plans kept per snapshot: (system, chain length, targets) combinations asked for


@dataclass(frozen=True)
class _Snapshot:
    revision: str | None
    links: list[EvidenceLink]  # sorted as Workspace.links sorts them
    expiry: dict[str, dt.date]
    groups: list[_Group]  # per requirement, system and extent
    combined: list[_Group]  # per requirement and extent, every system together (no system asked for)
    plans: dict[tuple[object, ...], Plan]  # what does not depend on the date asked, per question


class LinkIndex:
    """The links of one workspace, kept current by the graph's revision stamp."""

    def __init__(self, workspace: Workspace) -> None:
        self.workspace = workspace
        self._snapshot: _Snapshot | None = None
        self._reach: dict[tuple[str, int], Reach] = {}
        self._network: nx.MultiDiGraph | None = None
        self._lock = threading.Lock()
        self.builds = 0  # how many times the links were read from the store (tests check invalidation with it)

    # --- reading the store ------------------------------------------------------------------
    def snapshot(self) -> _Snapshot:
        """The current links: one read of the stamp, and a rebuild only if it changed."""
        stamp = revision.current(self.workspace.store, self.workspace.graph)
        with self._lock:
            found = self._snapshot
            if found is None or found.revision != stamp:
                found = self._snapshot = self._build(stamp)
            return found

    def _scan(self, prop: ox.NamedNode) -> Iterator[tuple[str, str]]:
        g = ox.NamedNode(str(self.workspace.graph))
        for quad in self.workspace.store.quads(None, prop, None, g):
            if isinstance(quad.subject, ox.NamedNode):
                obj = quad.object
                yield quad.subject.value, obj.value if isinstance(obj, ox.Literal | ox.NamedNode) else ""

    def _build(self, stamp: str | None) -> _Snapshot:
        # The stamp was read before the links, so the links are at least as new as the stamp: a write
        # in between makes the next check rebuild, never serve older data.
        self.builds += 1
        ws = self.workspace
        columns = {
            name: dict(self._scan(ox.NamedNode(str(prop))))
            for name, prop in (
                ("evidence", GRC.evidence),
                ("requirement", GRC.requirement),
                ("extent", GRC.extent),
                ("asserted_by", GRC.assertedBy),
                ("asserted_at", GRC.assertedAt),
                ("system", GRC.forSystem),
            )
        }
        evidence_start = len(ws.base) + len("evidence/")
        system_start = len(ws.base) + len("system/")
        extents = {str(iri): name for name, iri in EXTENTS.items()}
        interned: dict[str, str] = {}
        links = []
        # Every link node has exactly one evidence, requirement and extent (SHACL checks each write).
        for node in columns["evidence"]:
            system = columns["system"].get(node)
            asserted_by = columns["asserted_by"].get(node, "")
            links.append(
                EvidenceLink(
                    evidence=columns["evidence"][node][evidence_start:],
                    requirement=interned.setdefault(columns["requirement"][node], columns["requirement"][node]),
                    extent=extents[columns["extent"][node]],
                    asserted_by=interned.setdefault(asserted_by, asserted_by),
                    asserted_at=columns["asserted_at"].get(node, ""),
                    system=interned.setdefault(system[system_start:], system[system_start:]) if system else None,
                )
            )
        links.sort(key=lambda link: (link.evidence, link.requirement, link.system or ""))
        expiry = {
            subject[evidence_start:]: dt.date.fromisoformat(value)
            for subject, value in self._scan(ox.NamedNode(str(GRC.validUntil)))
            if subject.startswith(ws.base)
        }
        groups: dict[tuple[str, str | None, str], _Group] = {}
        combined: dict[tuple[str, str | None, str], _Group] = {}
        for position, link in enumerate(links):
            until = expiry.get(link.evidence)
            for found, key in ((groups, (link.requirement, link.system, link.extent)), (combined, (link.requirement, None, link.extent))):
                group = found.get(key)
                if group is None:
                    group = found[key] = _Group(link.requirement, link.system, link.extent, [])
                group.positions.append(position)
                if until is None:
                    group.undated = True
                else:
                    group.latest = until if group.latest is None else max(group.latest, until)
                    group.earliest = until if group.earliest is None else min(group.earliest, until)
        return _Snapshot(stamp, links, expiry, list(groups.values()), list(combined.values()), {})

    def links(self) -> list[EvidenceLink]:
        """Every link of the workspace, as `Workspace.links()` gives them."""
        return list(self.snapshot().links)

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
            chosen: list[Path] = []
            for position, index in first:
                group, paths = sources[index]
                link = snap.links[position]
                until = snap.expiry.get(link.evidence)
                stale = until is not None and until < on
                start = START[group.extent]
                chosen.extend(Path(link.evidence, link, hops, min(start, level), stale) for hops, level in paths)
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
            groups = snap.combined if system is None else [g for g in snap.groups if g.system in (None, system)]
            by_target: dict[str, Sources] = {}
            for group in groups:
                for target, paths in self._reach_of(network, group.requirement, chain_length).items():
                    if targets is None or target in targets:
                        by_target.setdefault(target, []).append((group, paths))
            plan: Plan = {}
            for target, sources in by_target.items():
                runs = [[(position, index) for position in group.positions[:max_paths]] for index, (group, _paths) in enumerate(sources)]
                first: list[tuple[int, int]] = []
                count = 0
                for position, index in heapq.merge(*runs):
                    if count >= max_paths:
                        break
                    first.append((position, index))
                    count += len(sources[index][1])
                plan[target] = (sources, first)
            if len(snap.plans) >= PLANS:
                snap.plans.clear()
            snap.plans[key] = plan
            return plan
