"""What `grcgraph serve` does before it answers: no validation or report library imported, and the
reference indexes read from the file kept beside the store when it was written for the same
reference graph (built again, and the file rewritten, when it was not)."""

from __future__ import annotations

import json
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from grcgraph.api import GRCGraph
from grcgraph.reference import index_cache

START = """
import json, sys
from pathlib import Path
import grcgraph.cli  # every command registered, as `grcgraph serve` runs it
from grcgraph.api import GRCGraph
from grcgraph.server.app import create_app
from grcgraph.server.settings import Settings
with GRCGraph.connect(Settings(data_dir=Path(sys.argv[1]))) as graph:
    graph.load_reference()
    graph.share_reads()
    create_app(graph, Settings(data_dir=Path(sys.argv[1])))
    print(json.dumps(sorted(m for m in ("pyshacl", "openpyxl", "docx", "pandas") if m in sys.modules)))
"""


def test_a_server_start_imports_no_validation_or_report_library(tmp_path: Path) -> None:
    result = subprocess.run([sys.executable, "-c", START, str(tmp_path / "store")], capture_output=True, text=True, check=True)
    assert json.loads(result.stdout.splitlines()[-1]) == []


def _counting(graph: GRCGraph, monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The queries `graph`'s store answers from now on."""
    asked: list[str] = []
    for name in ("query", "query_text"):
        real: Callable[..., Any] = getattr(graph.store, name)

        def counted(sparql: str, *args: Any, _real: Callable[..., Any] = real, **kwargs: Any) -> Any:
            asked.append(sparql)
            return _real(sparql, *args, **kwargs)

        monkeypatch.setattr(graph.store, name, counted)
    return asked


def _answers(graph: GRCGraph) -> tuple[object, ...]:
    network = graph.network
    return (
        network.number_of_nodes(),
        sorted(network.edges(keys=True)),
        [m.iri for m in graph.mapping_index.all],
        graph.requirement("A.6.2.8").ref,
        [(m.subject.curie, m.object.curie if m.object else None) for m in graph.mapping_index.all[:50]],
        graph.crosswalk("A.6.2.8").to_dict("records"),
    )


def test_the_reference_indexes_are_kept_beside_the_store_and_read_back(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    with GRCGraph.open(tmp_path / "store") as graph:
        built = _counting(graph, monkeypatch)
        graph.prepare()
        assert built  # the first start builds them
        expected = _answers(graph)
    (kept,) = (tmp_path / "store" / index_cache.DIRECTORY).iterdir()
    with GRCGraph.open(tmp_path / "store") as graph:
        asked = _counting(graph, monkeypatch)
        graph.prepare()
        assert asked == []  # read back: no query over the reference graph
        assert _answers(graph) == expected
    assert list((tmp_path / "store" / index_cache.DIRECTORY).iterdir()) == [kept]


def test_another_reference_graph_builds_them_again(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    with GRCGraph.open(tmp_path / "store") as graph:
        graph.prepare()
    (first,) = (tmp_path / "store" / index_cache.DIRECTORY).iterdir()
    with GRCGraph.open(tmp_path / "store") as graph:
        monkeypatch.setattr(graph.store, "digest", lambda name: "another reference graph")
        asked = _counting(graph, monkeypatch)
        graph.prepare()
        assert asked
    (second,) = (tmp_path / "store" / index_cache.DIRECTORY).iterdir()
    assert second != first  # the file of the other graph removed


def test_an_unreadable_file_is_built_again(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    with GRCGraph.open(tmp_path / "store") as graph:
        graph.prepare()
        expected = _answers(graph)
    (kept,) = (tmp_path / "store" / index_cache.DIRECTORY).iterdir()
    kept.write_bytes(kept.read_bytes()[:1000])  # cut short
    with GRCGraph.open(tmp_path / "store") as graph:
        asked = _counting(graph, monkeypatch)
        graph.prepare()
        assert asked and _answers(graph) == expected
    with GRCGraph.open(tmp_path / "store") as graph:
        asked = _counting(graph, monkeypatch)
        graph.prepare()
        assert asked == []
