"""The workbench's AIMS records in Debian's headless Chromium against a real `grcgraph serve`: the
overview's attention counts (records past their next review, breached objectives, open
nonconformities) and the read-only AIMS records page, with no request to another host, no script
error and no unlabelled control."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from playwright.sync_api import Page, expect
from servers import ApiServer, cli

from bench.browser import Browser, browser

expect.set_options(timeout=20_000)
ON = "2028-01-15"
UNLABELLED = """() => {
  const named = (el) => (el.getAttribute('aria-label') || el.textContent || el.getAttribute('title') || '').trim();
  const bad = [];
  for (const el of document.querySelectorAll('input, select, textarea')) {
    if (el.type === 'hidden') continue;
    if (!(el.labels && el.labels.length) && !el.getAttribute('aria-label')) bad.push(el.outerHTML.slice(0, 120));
  }
  for (const el of document.querySelectorAll('button, a[href]')) if (!named(el)) bad.push(el.outerHTML.slice(0, 120));
  return bad;
}"""
RECORDS = """mutation($items: [MeasurementItemInput!]!) {
  s: createSystem(input: {id: "credit", name: "Credit scoring", roles: [PROVIDER, DEPLOYER], category: HIGH_RISK_ANNEX_III, nextReview: "2027-12-31"}) { id: localId }
  r: createRisk(input: {id: "R-1", title: "Biased credit scores", systems: ["credit"], likelihood: 4, severity: 4, status: TREATED,
    treatment: MITIGATE, residualLikelihood: 2, residualSeverity: 3, assessedOn: "2027-06-01", nextReview: "2027-12-01"}) { id: localId }
  i: createImpactAssessment(input: {id: "IA-1", system: "credit", assessedOn: "2027-12-10", assessor: "dpo", decision: APPROVE,
    approver: "board", nextReview: "2028-12-10"}) { id: localId }
  o: createObjective(input: {id: "acc", title: "Approval accuracy", metric: "accuracy", direction: HIGHER, target: 0.9, threshold: 0.85,
    systems: ["credit"], requirements: ["iso42001:A.6.2.6"]}) { id: localId }
  m: recordMeasurements(items: $items) { count }
  n: openNonconformity(objective: "acc", id: "NC-1", on: "2028-01-13") { id: localId }
  a: createCorrectiveAction(input: {id: "CA-1", nonconformity: "NC-1", title: "Retrain on recent data", owner: "ml", due: "2028-02-01"}) { id: localId }
  v: createReview(input: {id: "MR-1", kind: AIMS, reviewedOn: "2027-01-10", outcome: "AIMS effective", nextReview: "2028-01-10"}) { id: localId }
}"""
ITEMS = [{"objective": "acc", "value": v, "at": f"2028-01-{d}T02:00:00Z", "recordedBy": "ci"} for d, v in (("11", 0.92), ("12", 0.84))]


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[ApiServer]:
    data = tmp_path_factory.mktemp("workbench-aims") / "store"
    cli("load", "--data-dir", str(data))
    token = cli("token", "create", "--workspace", "wb", "--role", "reader", "--data-dir", str(data)).splitlines()[-1].strip()
    editor = cli("token", "create", "--workspace", "wb", "--role", "editor", "--data-dir", str(data)).splitlines()[-1].strip()
    with ApiServer("--data-dir", str(data), tokens={"reader": token, "editor": editor}) as running:
        running.data(RECORDS, {"items": ITEMS})
        yield running


@pytest.fixture
def chromium(server: ApiServer) -> Iterator[Browser]:
    with browser(server.url) as found:
        yield found
        assert found.foreign == [], f"requests left the server's host: {found.foreign}"
        assert found.errors == [], f"script errors: {found.errors}"


def sign_in(chromium: Browser, server: ApiServer) -> Page:
    page = chromium.new_page(width=1280)
    page.goto(server.url + "/")
    page.get_by_label("API token", exact=True).fill(server.tokens["reader"])
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_role("heading", name="Overview", level=1)).to_be_visible()
    return page


def test_the_overview_counts_what_needs_attention(chromium: Browser, server: ApiServer) -> None:
    page = sign_in(chromium, server)
    page.goto(f"{server.url}/#/overview?on={ON}")
    expect(page.locator('[data-attention="overdue-records"] .count-value')).to_have_text("2")  # the risk and the management review
    expect(page.locator('[data-attention="breached-objectives"] .count-value')).to_have_text("1")
    expect(page.locator('[data-attention="open-nonconformities"] .count-value')).to_have_text("1")
    expect(page.locator('[data-attention="overdue-reviews"] .count-value')).to_have_text("1")  # the system, counted on its own
    assert page.evaluate(UNLABELLED) == []
    page.locator('[data-attention="open-nonconformities"] a').click()
    expect(page.locator("h1")).to_contain_text("AIMS records")


def test_the_records_page_shows_every_kind(chromium: Browser, server: ApiServer) -> None:
    page = sign_in(chromium, server)
    page.goto(f"{server.url}/#/aims?on={ON}")
    expect(page.locator("h1")).to_contain_text("AIMS records")
    expect(page.locator(".overdue-list tbody tr")).to_have_count(3)  # the system too
    expect(page.locator(".overdue-list")).to_contain_text("R-1")
    expect(page.locator(".overdue-list")).to_contain_text("MR-1")
    objective = page.locator('tr[data-objective="acc"]')
    expect(objective.locator(".status-breached")).to_have_text("breached")
    expect(objective).to_contain_text("0.84 is below the threshold 0.85")
    nc = page.locator('tr[data-nonconformity="NC-1"]')
    expect(nc).to_contain_text("Retrain on recent data")
    expect(nc).to_contain_text("A.6.2.6")
    expect(page.locator('tr[data-risk="R-1"]')).to_contain_text("16 → 6")
    expect(page.locator('tr[data-assessment="IA-1"]')).to_contain_text("Art. 27 FRIA")
    expect(page.locator('tr[data-review="MR-1"]')).to_contain_text("management review")
    page.wait_for_load_state("networkidle")
    assert page.evaluate(UNLABELLED) == []
