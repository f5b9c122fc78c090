"""How long each workbench page takes to be ready in a real browser, with a large organisation:
`python -m bench.workbench` (100,000 evidence items; `--size 10000` or `--quick` for 10,000;
`--store DIR` keeps the built store for the next run). Needs /usr/bin/chromium.

Each figure is one page opened afresh in Debian's headless Chromium (a new load of the address:
scripts, sign-in from the tab's session storage, the page's GraphQL requests, rendering) until its
content is on screen, read from the page's own clock (performance.now() at the moment the content
is there). Its baseline, measured in the same run, is the API alone: the very GraphQL requests the
page made during that load, captured from the browser and sent again one after another over HTTP
from Python, with the same token. Before any figure is printed, what each page shows is checked
against the API's answer (totals, first rows).
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
from playwright.sync_api import Page, Request

from bench.browser import browser
from bench.run import WORKSPACE, MismatchError, build, machine
from bench.server import Server
from bench.synthetic import generate
from grcgraph.api import GRCGraph

TARGET_MS = 1000.0
RESULTS = Path(__file__).resolve().parent / "results"


@dataclass(frozen=True)
class PageSpec:
    name: str
    fragment: str
    ready: str  # a JavaScript expression, true once the page's content is on screen
    check: Callable[[Page, Server], None] | None = None
    before: Callable[[Server], None] | None = None  # run before each load (not timed)


def _text(page: Page, selector: str) -> str:
    return page.locator(selector).first.inner_text()


def check_register(page: Page, server: Server) -> None:
    total = server.data("{ evidenceList(first: 1) { totalCount } }")["evidenceList"]["totalCount"]
    shown = _text(page, ".pager")
    if f"of {total:,}" not in shown:
        raise MismatchError(f"the register shows {shown!r}, the API counts {total:,} items")


def check_filtered(page: Page, server: Server) -> None:
    answer = server.data(
        '{ evidenceList(first: 50, kind: POLICY, stale: true, owner: "ciso") { totalCount edges { node { id: localId } } } }'
    )
    edges = answer["evidenceList"]["edges"]
    if not edges:
        if page.locator(".register tbody tr").count() or "No evidence matches" not in _text(page, ".table-wrap"):
            raise MismatchError("the filtered register shows items the API does not find")
        return
    if f"of {answer['evidenceList']['totalCount']:,}" not in _text(page, ".pager") or edges[0]["node"]["id"] not in _text(
        page, ".register tbody tr"
    ):
        raise MismatchError("the filtered register differs from the API's answer")


def check_gaps(page: Page, server: Server) -> None:
    answer = server.data(
        '{ gaps(framework: "euaiact", orderBy: "status", first: 1) { totalCount edges { node { requirement { notation } } } } }'
    )
    row = _text(page, ".gaps-table tbody tr")
    if answer["gaps"]["edges"][0]["node"]["requirement"]["notation"] not in row or f"of {answer['gaps']['totalCount']}" not in _text(
        page, ".pager"
    ):
        raise MismatchError("the gap table differs from the API's answer")


def check_item(page: Page, server: Server) -> None:
    rows = server.data('{ evidence(id: "ev-000001") { coverage { requirement { id: localId } } } }')["evidence"]["coverage"]
    shown = page.locator(".coverage-row").count()
    if shown != len(rows):
        raise MismatchError(f"the item's page shows {shown} covered requirements, the API {len(rows)}")


def write_one(server: Server) -> None:
    """An edit through the API, so that the next page reads the register and gap reports after a write."""
    title = f"Edited {time.monotonic_ns()}"
    server.data('mutation($t: String!) { updateEvidence(input: {id: "ev-000002", title: $t}) { id: localId } }', {"t": title})


PAGES = [
    PageSpec(
        "Overview (heatmap of 5 frameworks, attention counts)",
        "overview",
        "document.querySelectorAll('.heat-row').length === 5 && document.querySelectorAll('.count-value').length > 0 && "
        "![...document.querySelectorAll('.count-value')].some((e) => e.textContent === '…')",
    ),
    PageSpec(
        "Gaps (EU AI Act, sorted by status)",
        "gaps?framework=euaiact&sort=status",
        "document.querySelector('.gaps-table tbody tr') !== null",
        check_gaps,
    ),
    PageSpec(
        "Requirement (A.6.2.8: crosswalk, covering evidence)",
        "requirement/A.6.2.8",
        "document.querySelector('.crosswalk') !== null && document.querySelector('.covering-item') !== null",
    ),
    PageSpec("Evidence register, first page", "evidence", "document.querySelector('.register tbody tr') !== null", check_register),
    PageSpec(
        "Evidence register, searched (kind, owner, stale)",
        "evidence?kind=policy&stale=true&owner=ciso",
        "document.querySelector('.register tbody tr') !== null || document.querySelector('.table-wrap .empty') !== null",
        check_filtered,
    ),
    PageSpec(
        "Evidence register, first page after an edit",
        "evidence?text=edited",
        "document.querySelector('.register tbody tr') !== null",
        before=write_one,
    ),
    PageSpec(
        "Evidence item (coverage in every framework)", "evidence/ev-000001", "document.querySelector('.coverage-row') !== null", check_item
    ),
    PageSpec("AI systems", "systems", "document.querySelector('table.systems tbody tr') !== null"),
    PageSpec("Statement of Applicability", "soa", "document.querySelectorAll('.soa tbody tr').length > 100"),
    PageSpec("Applicable (EU AI Act timeline)", "applicable?system=ai-00", "document.querySelector('.timeline .moment') !== null"),
]


@dataclass
class Figure:
    page: str
    ready_ms: list[float]
    api_ms: list[float]
    requests: int

    @property
    def ready(self) -> float:
        return statistics.median(self.ready_ms)

    @property
    def api(self) -> float:
        return statistics.median(self.api_ms)


def load(page: Page, url: str, spec: PageSpec) -> tuple[float, list[dict[str, Any]]]:
    """Open the page afresh; the time its content took (page clock), and the GraphQL requests it made."""
    bodies: list[dict[str, Any]] = []

    def seen(request: Request) -> None:
        if request.method == "POST" and request.url.endswith("/graphql") and request.post_data:
            bodies.append(json.loads(request.post_data))

    page.on("request", seen)
    try:
        page.goto("about:blank")
        page.goto(f"{url}/#/{spec.fragment}", wait_until="commit")
        handle = page.wait_for_function(f"() => ({spec.ready}) ? performance.now() : false", timeout=120_000, polling="raf")
        ready = float(handle.json_value())
    finally:
        page.remove_listener("request", seen)
    return ready, bodies


def replay(client: httpx.Client, bodies: list[dict[str, Any]]) -> float:
    began = time.perf_counter()
    for body in bodies:
        answer = client.post("/graphql", json=body)
        if answer.status_code != 200 or answer.json().get("errors"):
            raise MismatchError(f"a request of the page failed when sent again: {answer.text[:300]}")
    return (time.perf_counter() - began) * 1000


def measure(server: Server, repeat: int) -> list[Figure]:
    figures: list[Figure] = []
    with browser(server.url) as chromium:
        page = chromium.new_page()
        page.goto(server.url + "/")
        page.get_by_label("API token", exact=True).fill(server.token)
        page.locator("#remember").check()  # the tab keeps the token, so each fresh load signs in by itself
        page.get_by_role("button", name="Sign in").click()
        page.wait_for_selector(".heat-row", timeout=300_000)
        for spec in PAGES:  # once untimed: server caches and indexes as in use, then the answers checked
            if spec.before is not None:
                spec.before(server)
            load(page, server.url, spec)
            if spec.check is not None:
                spec.check(page, server)
        for spec in PAGES:
            figure = Figure(spec.name, [], [], 0)
            for _ in range(repeat):
                if spec.before is not None:
                    spec.before(server)
                ready, bodies = load(page, server.url, spec)
                figure.ready_ms.append(ready)
                figure.api_ms.append(replay(server.client, bodies))
                figure.requests = len(bodies)
            figures.append(figure)
            print(f"  {spec.name}: {figure.ready:,.0f} ms (API alone {figure.api:,.0f} ms)", file=sys.stderr, flush=True)
        if chromium.foreign or chromium.errors:
            raise MismatchError(f"requests to other hosts {chromium.foreign}, script errors {chromium.errors}")
    return figures


def render(figures: list[Figure], size: int, repeat: int, info: dict[str, str]) -> str:
    lines = [
        f"# Workbench pages, {size:,} evidence items",
        "",
        f"Machine: {info['cpu']}, {info['cores']} cores, {info['memory']}; {info['os']}; Chromium from Debian; {dt.date.today()}.",
        f"Each page opened afresh {repeat} times; medians. Baseline: the page's own GraphQL requests sent again one after another over HTTP.",
        "",
        "| page | ready in the browser | API alone | ratio | GraphQL requests | target | met? |",
        "|---|---:|---:|---:|---:|---|---|",
    ]
    for f in figures:
        met = "yes" if max(f.ready_ms) <= TARGET_MS else "**no**"
        lines.append(
            f"| {f.page} | {f.ready:,.0f} ms (max {max(f.ready_ms):,.0f}) | {f.api:,.0f} ms | {f.ready / f.api:.1f}x | {f.requests} | <= 1 s | {met} |"
        )
    return "\n".join(lines) + "\n"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.workbench", description=__doc__.splitlines()[0])
    parser.add_argument("--size", type=int, default=100_000)
    parser.add_argument("--quick", action="store_true", help="10,000 items, 3 loads per page")
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--store", type=Path, help="build the store here, or reuse it when it holds this size already")
    parser.add_argument("--output", type=Path, default=RESULTS)
    args = parser.parse_args(argv)
    size, repeat = (10_000, 3) if args.quick else (args.size, args.repeat)
    with tempfile.TemporaryDirectory() as tmp:
        data_dir = args.store or Path(tmp) / "store"
        marker = data_dir.parent / f"{data_dir.name}.size"
        if not (marker.is_file() and marker.read_text() == str(size)):
            with GRCGraph.open() as g:
                org = generate(g.network, size)
            print(f"building a store of {size:,} evidence items", file=sys.stderr, flush=True)
            build(org, data_dir, chunk=20_000)
            marker.write_text(str(size))
        with Server(data_dir, WORKSPACE) as server:
            figures = measure(server, repeat)
    info = machine()
    table = render(figures, size, repeat, info)
    args.output.mkdir(parents=True, exist_ok=True)
    (args.output / "workbench.md").write_text(table, encoding="utf-8")
    print(table)
    return 0  # a missed target is in the table ("met?"), not a failure of the run


if __name__ == "__main__":
    sys.exit(main())
