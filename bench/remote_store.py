"""Embedded store against a remote one: the same GraphQL requests over the in-process Oxigraph store
and over `oxigraph serve` on loopback (SPARQL 1.1 Protocol), with the same synthetic organisation.

    python -m bench.remote_store [--size 1000] [--samples 20]

Prints, per request: median latency embedded and remote, their ratio (remote / embedded), and the
HTTP requests the remote store received for one GraphQL request. Both answers are checked equal
before any figure is printed. Needs the `oxigraph` server binary (the `test` extra).
"""

from __future__ import annotations

import argparse
import statistics
import tempfile
import time
import warnings
from pathlib import Path
from typing import Any

from bench.processes import OxigraphServer
from bench.synthetic import ON, generate
from grcgraph.api import GRCGraph
from grcgraph.reference.build import load_reference
from grcgraph.server.app import create_app
from grcgraph.server.settings import Settings
from grcgraph.store import connect_store, open_store
from grcgraph.store.base import GraphStore
from grcgraph.store.remote import RemoteStore

with warnings.catch_warnings():
    warnings.simplefilter("ignore")
    from fastapi.testclient import TestClient

WORKSPACE = "bench"
COVERAGE = """query($ids: [String!], $on: Date) { coverage(evidenceIds: $ids, on: $on) {
  requirement { id: localId } coverage paths { evidenceId level stale link { extent assertedBy }
  hops { subject predicate object rationale confidence mappingSet source comment } } } }"""
GAPS = """query($on: Date) { gaps(framework: "iso42001", on: $on, first: 100) {
  edges { node { requirement { id: localId } status evidence staleEvidence leaf } } summary { status count } } }"""
LISTING = """{ evidenceList(first: 100) { edges { node { id: localId validUntil links { requirement { id: localId } extent }
  coverage(on: "2027-06-01") { requirement { id: localId } coverage } } } } }"""
REQUIREMENT = """{ requirement(id: "A.6.2.8") { id: localId title parents { id: localId } children { id: localId }
  mappings { predicate object { id: localId } } evidence { evidence { id: localId } coverage } } }"""


def fill(store: GraphStore, size: int) -> GRCGraph:
    load_reference(store)
    g = GRCGraph(store, WORKSPACE)
    organisation = generate(g.network, size)
    for system in organisation.systems:
        g.add_system(system.id, system.name, system.roles, system.category, generative=system.generative)
    for control, included, reason in organisation.soa:
        g.set_applicability(control, included, reason)
    with tempfile.TemporaryDirectory() as folder:
        g.import_evidence(organisation.write_evidence(Path(folder) / "evidence.json"))
    return g


def post(client: TestClient, query: str, variables: dict[str, Any]) -> Any:
    body = client.post("/graphql", json={"query": query, "variables": variables}).json()
    if "errors" in body:
        raise RuntimeError(body["errors"])
    return body["data"]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--size", type=int, default=1000, help="evidence items in the organisation")
    parser.add_argument("--samples", type=int, default=20, help="timed runs of each request per store")
    args = parser.parse_args()
    settings = Settings(read_only_local=True, local_workspace=WORKSPACE)
    with tempfile.TemporaryDirectory() as folder, OxigraphServer(Path(folder) / "oxigraph") as oxigraph:
        embedded = open_store(Path(folder) / "embedded")
        remote = connect_store(oxigraph.url, timeout=60)
        assert isinstance(remote, RemoteStore)
        fill(embedded, args.size)
        fill(remote, args.size)
        clients = {
            "embedded": TestClient(create_app(GRCGraph(embedded), settings)),
            "remote": TestClient(create_app(GRCGraph(remote), settings)),
        }
        ids = [generate(GRCGraph(embedded, WORKSPACE).network, args.size).evidence[args.size // 2]["id"]]
        requests = {
            "coverage of one item": (COVERAGE, {"ids": ids, "on": ON.isoformat()}),
            "gaps iso42001, first page of 100": (GAPS, {"on": ON.isoformat()}),
            "evidence list of 100 with links and coverage": (LISTING, {}),
            "one requirement with relations and evidence": (REQUIREMENT, {}),
        }
        print(f"size {args.size} evidence items, {args.samples} samples per request and store")
        print(f"{'request':48} {'embedded ms':>12} {'remote ms':>10} {'ratio':>7} {'store HTTP requests':>20}")
        for name, (query, variables) in requests.items():
            answers = {label: post(client, query, variables) for label, client in clients.items()}  # warm, and checked
            if answers["embedded"] != answers["remote"]:
                raise RuntimeError(f"{name}: the two stores answer differently")
            before = remote.requests
            post(clients["remote"], query, variables)
            cost = remote.requests - before
            times: dict[str, float] = {}
            for label, client in clients.items():
                samples = []
                for _ in range(args.samples):
                    began = time.perf_counter()
                    post(client, query, variables)
                    samples.append((time.perf_counter() - began) * 1000)
                times[label] = statistics.median(samples)
            ratio = times["remote"] / times["embedded"]
            print(f"{name:48} {times['embedded']:12.1f} {times['remote']:10.1f} {ratio:7.2f} {cost:20d}")
        embedded.close()
        remote.close()


if __name__ == "__main__":
    main()
