"""The benchmark harness's correctness checks, never its timings: the synthetic organisation is
reproducible, and grcgraph and the rdflib + SPARQL baseline give the same answers for coverage
and gaps on a small generated organisation, in process and over HTTP against `grcgraph serve`."""

from __future__ import annotations

import argparse
import subprocess
import sys
import time
from pathlib import Path

import networkx as nx
import pytest

from bench.baseline import Baseline
from bench.run import (
    WORKSPACE,
    Figure,
    baseline_graph,
    build,
    check,
    check_gaps,
    coverage_in_process,
    coverage_over_http,
    files,
    fits,
    gaps_in_process,
    gaps_over_http,
    import_over_http,
    import_whole,
    prepare,
    render,
    size_list,
    within,
)
from bench.server import Server
from bench.synthetic import ON, Organisation, assessable, generate
from grcgraph.api import GRCGraph
from grcgraph.store.base import GraphStore

SIZE = 150


@pytest.fixture(scope="module")
def network(store: GraphStore) -> nx.MultiDiGraph:
    return GRCGraph(store).to_networkx()


@pytest.fixture(scope="module")
def organisation(network: nx.MultiDiGraph) -> Organisation:
    return generate(network, SIZE, seed=3)


@pytest.fixture(scope="module")
def data_dir(organisation: Organisation, tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("bench") / "store"
    build(organisation, folder)
    return folder


def test_same_seed_same_file(network: nx.MultiDiGraph, organisation: Organisation, tmp_path: Path) -> None:
    again = generate(network, SIZE, seed=3)
    first = organisation.write_evidence(tmp_path / "a.json").read_bytes()
    assert again.write_evidence(tmp_path / "b.json").read_bytes() == first
    assert again.systems == organisation.systems and again.soa == organisation.soa
    assert generate(network, SIZE, seed=4).write_evidence(tmp_path / "c.json").read_bytes() != first


def test_organisation_is_realistic(network: nx.MultiDiGraph, organisation: Organisation) -> None:
    known = {curie for curies in assessable(network).values() for curie in curies}
    links = [link for item in organisation.evidence for link in item["links"]]
    assert all(1 <= len(item["links"]) <= 5 for item in organisation.evidence)
    assert {link["requirement"] for link in links} <= known
    shares = {prefix: sum(link["requirement"].startswith(prefix + ":") for link in links) for prefix in ("iso42001", "iso27001", "euaiact")}
    assert shares["iso42001"] > shares["iso27001"] > 0 and shares["euaiact"] > 0
    assert any(item.get("valid_until", "9999") < ON.isoformat() for item in organisation.evidence)
    assert 0 < len(organisation.excluded) < len(organisation.soa)


def test_same_answers_in_process(organisation: Organisation, data_dir: Path) -> None:
    with GRCGraph.open(data_dir, workspace=WORKSPACE) as g:
        assert len(g.workspace.evidence_ids()) == SIZE
        baseline = Baseline(baseline_graph(g))
        for item in organisation.evidence[:10]:
            ours = coverage_in_process(g, item["id"])
            assert ours, item["id"]
            check(item["id"], ours, baseline.coverage(g.workspace.evidence_iri(item["id"]), ON))
        ours_gaps = gaps_in_process(g, "iso42001")
        expected = baseline.gaps("iso42001", ON)
        check_gaps("gaps", ours_gaps, expected)
        statuses = {state for state, _, _ in expected.values()}
        assert {"covered", "not applicable"} <= statuses  # the check compares more than one kind of answer


def test_same_answers_over_http(organisation: Organisation, data_dir: Path) -> None:
    with GRCGraph.open(data_dir, workspace=WORKSPACE) as g:
        baseline = Baseline(baseline_graph(g))
        expected = {item["id"]: baseline.coverage(g.workspace.evidence_iri(item["id"]), ON) for item in organisation.evidence[:5]}
        expected_gaps = baseline.gaps("iso42001", ON)
    with Server(data_dir, WORKSPACE) as server:
        for evidence_id, answer in expected.items():
            check(evidence_id, coverage_over_http(server, evidence_id), answer)
        check_gaps("gaps over HTTP", gaps_over_http(server, "iso42001"), expected_gaps)
        assert server.peak_memory() > 0


def test_a_wrong_answer_is_caught(organisation: Organisation, data_dir: Path) -> None:
    with GRCGraph.open(data_dir, workspace=WORKSPACE) as g:
        baseline = Baseline(baseline_graph(g))
        expected = baseline.gaps("iso42001", ON)
    curie, (state, evidence, stale) = next((k, v) for k, v in expected.items() if v[0] == "covered")
    altered = {k: (v[0], set(v[1]), set(v[2])) for k, v in expected.items()}
    altered[curie] = ("partial", set(evidence), set(stale))
    with pytest.raises(AssertionError, match="disagree"):
        check_gaps("gaps", altered, expected)
    altered[curie] = (state, {*evidence, "ev-invented"}, set(stale))
    with pytest.raises(AssertionError, match="does not find"):
        check_gaps("gaps", altered, expected)


# --- the harness's own rules (no store, no timings) ---------------------------------------------------
def test_sizes_are_read_from_commas_or_spaces() -> None:
    assert size_list("1000,10000") == [1000, 10_000]
    assert size_list("1k 100_000") == [1000, 100_000]
    with pytest.raises(argparse.ArgumentTypeError, match="--sizes"):
        size_list("lots")


def test_the_import_budget_stops_before_a_file_that_would_overrun() -> None:
    assert fits(None, 1e9, 1, 10_000)
    assert fits(60, 0, 0, 100_000), "the first file runs: there is no rate yet"
    assert fits(60, 20, 10_000, 10_000) and not fits(60, 40, 10_000, 10_000)
    assert files(25_000, 10_000, 60) == [(0, 1000), (1000, 11_000), (11_000, 21_000), (21_000, 25_000)], "a small file first"
    assert files(25_000, 10_000, None) == [(0, 10_000), (10_000, 20_000), (20_000, 25_000)]
    assert files(150, 10_000, 60) == [(0, 150)]


def test_an_organisation_imports_in_files_or_in_one(organisation: Organisation, tmp_path: Path) -> None:
    """The harness's two import figures: the store built in several files (the last one's share
    kept for its own figure), and the whole organisation in one file; each stores every item."""
    built = build(organisation, tmp_path / "files", chunk=SIZE // 3)
    assert built.complete and built.last[0] == SIZE - 2 * (SIZE // 3) and 0 < built.last[1] < built.seconds
    with GRCGraph.open(tmp_path / "files", workspace=WORKSPACE) as g:
        assert len(g.workspace.evidence_ids()) == SIZE
    whole = import_whole(organisation, tmp_path)
    assert whole.complete and whole.rate > 0
    assert not list(tmp_path.glob("store-*-one-file")), "the one-file store is removed"
    prepare(organisation, tmp_path / "http")
    over_http = import_over_http(organisation, tmp_path / "http")  # checks every item and link stored
    assert over_http.complete and over_http.rate > 0


def test_a_baseline_past_its_budget_is_stopped_and_says_so() -> None:
    assert within(30, lambda: {"answer": 42})[0] == {"answer": 42}
    began = time.monotonic()
    found, seconds = within(0.5, lambda: time.sleep(60))
    assert found is None and seconds == 0.5 and time.monotonic() - began < 30
    figure = Figure("gaps", 100.0, 500.0, "ms", "rdflib", baseline_at_least=True)
    table = render(
        [figure], dict.fromkeys(("cpu", "cores", "memory", "os", "python", "pyoxigraph", "rdflib", "pyshacl", "date"), "?"), "full", ["cut"]
    )
    assert "| > 500.00 ms | > 5.0x |" in table and "- cut" in table


# The micro-benchmarks run end to end at a tiny size: their answer checks hold and they still
# match the interfaces they measure (timings are not looked at).
@pytest.mark.parametrize(
    "args",
    [
        ["bench.writes", "--sizes", "60"],
        ["bench.reads", "--sizes", "60", "--baseline-up-to", "60", "--cold-runs", "1"],
        ["bench.http_overhead", "--size", "60", "--samples", "5", "--seconds", "1"],
        ["bench.hostile", "--samples", "3"],
        ["bench.soak", "--sizes", "60", "--seconds", "2", "--clients", "4"],
        ["bench.measurements", "--sizes", "60"],
        ["bench.scale", "--quick", "--budget", "20"],
    ],
    ids=["writes", "reads", "http_overhead", "hostile", "soak", "measurements", "scale"],
)
def test_micro_benchmark_runs(args: list[str]) -> None:
    done = subprocess.run(
        [sys.executable, "-m", *args], check=False, capture_output=True, text=True, timeout=600, cwd=Path(__file__).parent.parent
    )
    assert done.returncode == 0, done.stderr[-3000:]
    assert "|" in done.stdout


def test_workbench_benchmark_runs(tmp_path: Path) -> None:
    """The browser benchmark end to end at a tiny size (its checks of each page against the API hold)."""
    done = subprocess.run(
        [sys.executable, "-m", "bench.workbench", "--size", "60", "--repeat", "1", "--output", str(tmp_path)],
        check=False,
        capture_output=True,
        text=True,
        timeout=600,
        cwd=Path(__file__).parent.parent,
    )
    assert done.returncode == 0, done.stderr[-3000:]
    assert "| Evidence item (coverage in every framework) |" in (tmp_path / "workbench.md").read_text(encoding="utf-8")
