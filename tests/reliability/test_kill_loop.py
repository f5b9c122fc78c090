"""kill -9 in a loop: a real `grcgraph serve` takes createEvidence writes from two clients and is
killed with SIGKILL at a random moment, 20 times over the same store; after every restart, every
write it acknowledged is there, whole (its title and link), and the server answers."""

from __future__ import annotations

import random
import signal
import threading
import time
from pathlib import Path

import httpx
from servers import ApiServer, cli

KILLS = 20
CREATE = 'mutation($id: String!) { createEvidence(input: {id: $id, title: $id, kind: LOG, links: [{requirement: "A.6.2.8", assertedBy: "ops"}]}) { id: localId } }'


def writer(server: ApiServer, prefix: str, acknowledged: list[str], stop: threading.Event) -> None:
    """Write until the server dies; keep the ids it acknowledged."""
    headers = {"Authorization": f"Bearer {server.tokens['editor']}"}
    with httpx.Client(base_url=server.url, headers=headers, timeout=10) as client:
        n = 0
        while not stop.is_set():
            item = f"{prefix}-{n}"
            n += 1
            try:
                response = client.post("/graphql", json={"query": CREATE, "variables": {"id": item}})
            except httpx.TransportError:
                return  # killed: this write was never acknowledged
            if response.status_code == 200 and not response.json().get("errors"):
                acknowledged.append(item)


PAGE = "query($after: String) { evidenceList(first: 100, after: $after) { edges { node { id: localId title links { requirement { id: localId } } } } pageInfo { hasNextPage endCursor } } }"


def stored_items(server: ApiServer) -> dict[str, tuple[str, tuple[str, ...]]]:
    """Every stored item: id -> (title, its links' requirements), a page at a time."""
    found: dict[str, tuple[str, tuple[str, ...]]] = {}
    after = None
    while True:
        page = server.data(PAGE, {"after": after})["evidenceList"]
        for edge in page["edges"]:
            node = edge["node"]
            found[node["id"]] = (node["title"], tuple(link["requirement"]["id"] for link in node["links"]))
        if not page["pageInfo"]["hasNextPage"]:
            return found
        after = page["pageInfo"]["endCursor"]


def test_acknowledged_writes_survive_kill_9(tmp_path: Path) -> None:
    data_dir = tmp_path / "store"
    server = ApiServer("--data-dir", str(data_dir), ready_seconds=120, request_seconds=60)
    server.env["GRCGRAPH_ACCESS_LOG"] = "false"
    server.tokens["editor"] = cli("token", "create", "--workspace", "w", "--role", "editor", data_dir=data_dir)
    rng = random.Random(19)
    acknowledged: list[str] = []
    try:
        for round_ in range(KILLS):
            server.start()
            if acknowledged:  # everything acknowledged before the last kill, whole
                stored = stored_items(server)
                lost = [item for item in acknowledged if stored.get(item) != (item, ("iso42001:A.6.2.8",))]
                assert lost == [], f"round {round_}: {len(lost)} of {len(acknowledged)} acknowledged writes lost or partial: {lost[:5]}"
            stop = threading.Event()
            threads = [threading.Thread(target=writer, args=(server, f"r{round_}c{c}", acknowledged, stop)) for c in range(2)]
            for thread in threads:
                thread.start()
            time.sleep(rng.uniform(0.2, 1.5))
            assert server.process is not None
            server.process.send_signal(signal.SIGKILL)
            server.process.wait()
            stop.set()
            for thread in threads:
                thread.join(30)
            server.process = None
            server.stop()
        server.start()
        stored = stored_items(server)
        assert len(acknowledged) > 2 * KILLS
        assert [item for item in acknowledged if item not in stored] == [], f"acknowledged writes lost across {KILLS} kills"
    finally:
        server.stop()
