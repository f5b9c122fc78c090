"""Seeded synthetic organisations: an AI inventory, a Statement of Applicability and N evidence items
linked to requirements in the proportions of an ISO/IEC 42001 programme.

The same seed and size give the same organisation and byte for byte the same evidence file (JSON,
the format `grcgraph evidence import` reads). Requirement ids are taken from the catalogs in the
store, never invented: the generator is given the requirement graph (`GRCGraph.to_networkx()`).
"""

from __future__ import annotations

import datetime as dt
import json
import random
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import networkx as nx

# The date every figure is answered for; evidence validity is drawn around it so that staleness matters.
ON = dt.date(2026, 11, 22)

# Evidence kinds in the proportions an ISO/IEC 42001 programme collects them (records and logs dominate).
KINDS = {
    "record": 20,
    "log": 15,
    "configuration": 12,
    "procedure": 10,
    "test-result": 10,
    "policy": 8,
    "documentation": 8,
    "metric": 5,
    "assessment": 5,
    "training": 4,
    "attestation": 3,
}
# Where links point: mostly ISO/IEC 42001, then ISO/IEC 27001, the EU AI Act and the NIST AI RMF.
FRAMEWORKS = {"iso42001": 55, "iso27001": 20, "euaiact": 15, "nistairmf": 10}
# Requirements an evidence item is linked to (1-5, most items to one or two).
LINK_COUNTS = {1: 35, 2: 30, 3: 18, 4: 10, 5: 7}
OWNERS = ["ciso@example.org", "ai-governance@example.org", "mlops@example.org", "legal@example.org", "dpo@example.org"]
ROLES = ["provider", "deployer", "importer", "distributor"]
CATEGORIES = {"high-risk-annex-iii": 3, "transparency": 3, "minimal": 4, "high-risk-annex-i": 1, "gpai": 1}
EXCLUSION_REASONS = [
    "No AI systems are supplied to customers; the organisation only develops for internal use.",
    "Third-party data is not used to train or evaluate any AI system in scope.",
    "Handled by the group's parent organisation under its own certified AI management system.",
    "No external suppliers contribute to the AI system life cycle in scope.",
]


@dataclass(frozen=True)
class System:
    id: str
    name: str
    roles: list[str]
    category: str
    generative: bool


@dataclass(frozen=True)
class Organisation:
    """Everything a synthetic organisation writes: AI systems, SoA entries and evidence items."""

    seed: int
    size: int
    systems: list[System]
    soa: list[tuple[str, bool, str]]  # (ISO/IEC 42001 Annex A control CURIE, included, justification)
    evidence: list[dict[str, Any]] = field(repr=False)

    @property
    def excluded(self) -> list[str]:
        return [control for control, included, _ in self.soa if not included]

    def write_evidence(self, path: Path, start: int = 0, stop: int | None = None) -> Path:
        """Write evidence items [start, stop) as a JSON evidence import file."""
        path.write_text(json.dumps(self.evidence[start:stop], indent=0, sort_keys=True), encoding="utf-8")
        return path


def _weighted(rng: random.Random, weights: dict[Any, int]) -> Any:
    return rng.choices(list(weights), weights=list(weights.values()))[0]


def assessable(network: nx.MultiDiGraph) -> dict[str, list[str]]:
    """CURIEs of the requirements evidence is linked to, per framework: those without sub-requirements
    (lowest clauses, Annex A controls, paragraphs, subcategories), in a stable order."""
    parents = {parent for _child, parent, key in network.edges(keys=True) if key == "broader"}
    found: dict[str, list[str]] = {prefix: [] for prefix in FRAMEWORKS}
    for node, data in network.nodes(data=True):
        if data["framework"] in found and node not in parents:
            found[data["framework"]].append(str(data["curie"]))
    return {prefix: sorted(curies) for prefix, curies in found.items()}


def generate(network: nx.MultiDiGraph, size: int, *, seed: int = 42, on: dt.date = ON) -> Organisation:
    """A reproducible organisation with `size` evidence items."""
    rng = random.Random(seed)
    targets = assessable(network)
    controls = sorted(str(d["curie"]) for _n, d in network.nodes(data=True) if d["framework"] == "iso42001" and d["kind"] == "Control")

    systems = [
        System(
            id=f"ai-{n:02d}",
            name=f"AI system {n}",
            roles=sorted(rng.sample(ROLES, rng.choice([1, 1, 1, 2]))),
            category=_weighted(rng, CATEGORIES),
            generative=rng.random() < 0.4,
        )
        for n in range(3 + size // 20_000)
    ]
    excluded = set(rng.sample(controls, 3))
    soa = [
        (c, c not in excluded, rng.choice(EXCLUSION_REASONS) if c in excluded else "Needed to manage the risks of the AI systems in scope.")
        for c in controls
    ]

    evidence: list[dict[str, Any]] = []
    for n in range(size):
        collected = on - dt.timedelta(days=rng.randint(0, 730))
        kind = _weighted(rng, KINDS)
        item: dict[str, Any] = {
            "id": f"ev-{n:06d}",
            "title": f"{kind.replace('-', ' ').capitalize()} {n}",
            "kind": kind,
            "owner": rng.choice(OWNERS),
            "collected_on": collected.isoformat(),
        }
        if rng.random() < 0.6:  # a year of validity: those collected over a year before `on` are stale
            item["valid_until"] = (collected + dt.timedelta(days=365)).isoformat()
        if rng.random() < 0.3:
            item["location"] = f"https://evidence.example.org/items/{n}"
            item["sha256"] = f"{rng.getrandbits(256):064x}"
        chosen: set[str] = set()
        count = _weighted(rng, LINK_COUNTS)
        while len(chosen) < count:
            chosen.add(rng.choice(targets[_weighted(rng, FRAMEWORKS)]))
        item["links"] = [
            {
                "requirement": requirement,
                "extent": "full" if rng.random() < 0.75 else "partial",
                "asserted_by": rng.choice(OWNERS),
                **({"system": rng.choice(systems).id} if rng.random() < 0.1 else {}),
            }
            for requirement in sorted(chosen)
        ]
        evidence.append(item)
    return Organisation(seed=seed, size=size, systems=systems, soa=soa, evidence=evidence)
