"""Per-request DataLoaders: resolvers ask for one item, the loader reads every item asked for in the
same tick with one store query (`GRCGraph.evidence_items`, `GRCGraph.links_of`), so a page of 100
evidence items with their links and coverage costs a few store reads, not hundreds."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

from strawberry.dataloader import DataLoader

from grcgraph.api import GRCGraph
from grcgraph.model import Covered, Evidence, EvidenceLink

CoverageKey = tuple[str, dt.date, int]  # evidence id, date asked, chain length


class Loaders:
    """The loaders of one request, over the caller's workspace (`api` checks the caller first)."""

    def __init__(self, api: Callable[[], GRCGraph]) -> None:
        self._api = api
        self.evidence: DataLoader[str, Evidence | None] = DataLoader(load_fn=self._load_evidence)
        self.links: DataLoader[str, list[EvidenceLink]] = DataLoader(load_fn=self._load_links)
        self.coverage: DataLoader[CoverageKey, dict[str, Covered]] = DataLoader(load_fn=self._load_coverage)

    async def _load_evidence(self, ids: list[str]) -> list[Evidence | None]:
        found = self._api().evidence_items(ids)
        return [found.get(i) for i in ids]

    async def _load_links(self, ids: list[str]) -> list[list[EvidenceLink]]:
        found = self._api().links_of(ids)
        return [found.get(i, []) for i in ids]

    async def _load_coverage(self, keys: list[CoverageKey]) -> list[dict[str, Covered]]:
        """What each evidence item covers on its own: links and expiry dates come through the other
        loaders (shared with the rest of the request), propagation runs in memory."""
        api = self._api()
        ids = sorted({key[0] for key in keys})
        items = dict(zip(ids, await self.evidence.load_many(ids), strict=True))
        links = dict(zip(ids, await self.links.load_many(ids), strict=True))
        expiry = {i: item.valid_until for i, item in items.items() if item is not None and item.valid_until is not None}
        return [api.covered_by_links(links[i], expiry, on=on, chain_length=length) for i, on, length in keys]
