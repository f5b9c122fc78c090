"""On a remote store the history lives in the store, written in the same update as each change:
an update sent straight to `oxigraph serve`, around grcgraph, is caught by `verify`."""

from __future__ import annotations

from collections.abc import Iterator

import httpx
import pytest

from bench.processes import OxigraphServer
from grcgraph.api import GRCGraph
from grcgraph.store import connect_store

ITEM = "https://w3id.org/grcgraph/workspace/acme/evidence/log-retention"
GRAPH = "https://w3id.org/grcgraph/graph/workspace/acme"


@pytest.fixture(scope="module")
def oxigraph(tmp_path_factory: pytest.TempPathFactory) -> Iterator[OxigraphServer]:
    server = OxigraphServer(tmp_path_factory.mktemp("oxigraph"))
    server.start()
    yield server
    server.stop()


@pytest.mark.parametrize(
    ("update", "expected"),
    [
        (
            f"DELETE {{ GRAPH <{GRAPH}> {{ <{ITEM}> <http://purl.org/dc/terms/title> ?t }} }} "
            f'INSERT {{ GRAPH <{GRAPH}> {{ <{ITEM}> <http://purl.org/dc/terms/title> "Edited" }} }} '
            f"WHERE {{ GRAPH <{GRAPH}> {{ <{ITEM}> <http://purl.org/dc/terms/title> ?t }} }}",
            f"record <{ITEM}>: was changed",
        ),
        (f"DELETE WHERE {{ GRAPH <{GRAPH}> {{ <{ITEM}> ?p ?o }} }}", f"record <{ITEM}>: was deleted"),
        (f'INSERT DATA {{ GRAPH <{GRAPH}> {{ <{ITEM}-2> <http://purl.org/dc/terms/title> "Forged" }} }}', f"record <{ITEM}-2>: was added"),
    ],
)
def test_verify_catches_an_update_sent_straight_to_the_store(oxigraph: OxigraphServer, update: str, expected: str) -> None:
    with GRCGraph(connect_store(oxigraph.url), "acme") as graph:
        graph.load_reference()
        graph.store.update(f"DROP SILENT GRAPH <{GRAPH}>")
        graph.add_evidence("log-retention", "Log retention", "configuration", requirements=["A.6.2.8"], asserted_by="ciso")
        graph.update_evidence("log-retention", {"title": "Log retention, 12 months"})
        assert graph.verify().ok and [e.operation for e in graph.history("evidence", "log-retention")] == [
            "put_evidence",
            "update_evidence",
        ]
        httpx.post(f"{oxigraph.url}/update", content=update, headers={"Content-Type": "application/sparql-update"}).raise_for_status()
        report = graph.verify()
    assert not report.ok and str(report.findings[0]).startswith(expected)
