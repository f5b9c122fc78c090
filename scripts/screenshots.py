"""Take the README's screenshots of the workbench: `python scripts/screenshots.py` (needs the test
extra and /usr/bin/chromium). A synthetic organisation of 400 evidence items (bench/synthetic.py)
plus one named item is served by `grcgraph serve` from a temporary store, and each page is saved
as a PNG in docs/screenshots/ at 1280 px wide, some also at 390 px."""

from __future__ import annotations

import datetime as dt
import json
import sys
import tempfile
from pathlib import Path

import httpx

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from playwright.sync_api import Page, expect  # noqa: E402

from bench.browser import browser  # noqa: E402
from bench.processes import GrcgraphServer, cli  # noqa: E402
from bench.synthetic import generate  # noqa: E402
from grcgraph.api import GRCGraph  # noqa: E402

OUT = ROOT / "docs" / "screenshots"
WORKSPACE = "demo"
NAMED = {
    "id": "log-retention",
    "title": "Log retention set to 12 months",
    "kind": "configuration",
    "owner": "ciso@example.org",
    "location": "https://config.example.org/logging/retention",
    "collected_on": "2026-10-01",
    "valid_until": "2027-09-30",
    "links": [
        {"requirement": "A.6.2.8", "asserted_by": "ciso@example.org"},
        {"requirement": "iso27001:A.8.15", "asserted_by": "ciso@example.org", "extent": "partial"},
    ],
}


def store(data: Path) -> str:
    cli("load", data_dir=data)
    token = cli("token", "create", "--workspace", WORKSPACE, "--role", "editor", data_dir=data).splitlines()[-1]
    with GRCGraph.open(data, workspace=WORKSPACE) as g:
        org = generate(g.network, 400)
        # Named and classified as a reader would expect: a high-risk credit model, a customer chatbot, a search tool.
        kinds = [("Credit scoring", ["provider"], "high-risk-annex-iii", False), ("Customer chatbot", ["deployer"], "transparency", True)]
        kinds.append(("Document search", ["deployer"], "minimal", False))
        for n, s in enumerate(org.systems):
            name, roles, category, generative = kinds[n % 3]
            g.add_system(
                s.id,
                name,
                roles,
                category,
                generative=generative,
                owner=["risk@example.org", "cx@example.org", "hr@example.org"][n % 3],
                next_review=dt.date(2026, 10, 15) if n == 0 else dt.date(2027, 3, 31),
            )
        for control, included, reason in org.soa:
            g.set_applicability(control, included, reason)
    items = data.parent / "evidence.json"
    items.write_text(json.dumps([NAMED, *org.evidence]), encoding="utf-8")
    cli("evidence", "import", str(items), "--workspace", WORKSPACE, data_dir=data)
    return token


# The AI management system's records around the day the screenshots are taken: a treated risk, an
# approved impact assessment, an objective whose nightly accuracy crossed its threshold, the
# nonconformity it opened with its corrective action, and a management review past due.
RECORDS = """mutation($items: [MeasurementItemInput!]!) {
  r: createRisk(input: {id: "R-1", title: "Biased credit scores", systems: ["ai-00"], gaiRisk: "Harmful Bias and Homogenization",
    likelihood: 4, severity: 4, status: TREATED, treatment: MITIGATE, residualLikelihood: 2, residualSeverity: 3,
    controls: ["iso42001:A.7.4"], owner: "risk@example.org", assessedOn: "2026-10-01", nextReview: "2027-04-01"}) { id }
  i: createImpactAssessment(input: {id: "IA-1", system: "ai-00", assessedOn: "2026-11-10", assessor: "dpo@example.org",
    decision: APPROVE, approver: "board", nextReview: "2027-11-10"}) { id }
  o: createObjective(input: {id: "acc", title: "Approval accuracy", metric: "accuracy", direction: HIGHER, target: 0.9,
    threshold: 0.85, systems: ["ai-00"], requirements: ["iso42001:A.6.2.6"]}) { id }
  m: recordMeasurements(items: $items) { count }
  n: openNonconformity(objective: "acc", id: "NC-1", on: "2026-12-01") { id }
  a: createCorrectiveAction(input: {id: "CA-1", nonconformity: "NC-1", title: "Retrain on recent data", owner: "ml@example.org",
    due: "2026-12-20"}) { id }
  v: createReview(input: {id: "MR-1", kind: AIMS, reviewedOn: "2025-12-01", outcome: "AIMS effective", nextReview: "2026-12-01"}) { id }
}"""
NIGHTS = [0.93, 0.92, 0.92, 0.91, 0.90, 0.89, 0.88, 0.87, 0.86, 0.84]


def records(url: str, token: str) -> None:
    items = [{"objective": "acc", "value": v, "at": f"2026-11-{21 + n:02d}T02:00:00Z", "recordedBy": "ci"} for n, v in enumerate(NIGHTS)]
    answer = httpx.post(
        f"{url}/graphql", json={"query": RECORDS, "variables": {"items": items}}, headers={"Authorization": f"Bearer {token}"}
    ).json()
    if answer.get("errors"):
        raise SystemExit(f"the AIMS records were refused: {answer['errors']}")


def shot(page: Page, name: str, full: bool = False, height: int | None = None) -> None:
    page.wait_for_load_state("networkidle")
    page.wait_for_timeout(300)
    clip = {"x": 0, "y": 0, "width": page.viewport_size["width"] if page.viewport_size else 1280, "height": height} if height else None
    page.screenshot(path=str(OUT / f"{name}.png"), full_page=full or bool(height), clip=clip)  # type: ignore[arg-type]
    print(f"wrote docs/screenshots/{name}.png")


def visit(page: Page, url: str, fragment: str, ready: str) -> None:
    page.goto(f"{url}/#/{fragment}")
    expect(page.locator(ready).first).to_be_visible(timeout=30_000)


def main() -> int:
    OUT.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory() as tmp:
        data = Path(tmp) / "store"
        token = store(data)
        with GrcgraphServer("--data-dir", str(data), "--no-access-log") as server, browser(server.url) as chromium:
            records(server.url, token)
            for width, height, suffix in ((1280, 900, ""), (390, 844, "-390")):
                page = chromium.new_page(width=width, height=height)
                page.goto(server.url + "/")
                page.get_by_label("API token", exact=True).fill(token)
                page.get_by_role("button", name="Sign in").click()
                expect(page.locator(".heat-row").first).to_be_visible(timeout=30_000)
                if suffix:
                    shot(page, "overview-390")
                    visit(page, server.url, "evidence/log-retention", ".coverage-group")
                    page.locator('.coverage-group[data-framework="euaiact"] .why').first.click()
                    expect(page.locator(".chain").first).to_be_visible()
                    page.locator(".chain").first.scroll_into_view_if_needed()
                    shot(page, "evidence-item-390")
                    visit(page, server.url, "gaps?framework=euaiact&status=uncovered", ".gaps-table tbody tr")
                    shot(page, "gaps-390")
                    continue
                page.mouse.move(0, 0)
                shot(page, "overview")
                visit(page, server.url, "gaps?framework=iso27001&sort=status", ".gaps-table tbody tr")
                shot(page, "gaps")
                visit(page, server.url, "requirement/Art. 12(1)", ".covering-item")
                shot(page, "requirement", height=1700)
                visit(page, server.url, "evidence/log-retention", ".coverage-group")
                page.locator('.coverage-group[data-framework="euaiact"] .why').first.click()
                expect(page.locator(".chain").first).to_be_visible()
                page.locator('.coverage-group[data-framework="euaiact"]').scroll_into_view_if_needed()
                page.evaluate("window.scrollTo(0, 0)")
                shot(page, "evidence-item", full=True)
                visit(page, server.url, "evidence?stale=true", ".register tbody tr")
                shot(page, "evidence")
                visit(page, server.url, "evidence-new", "form.evidence-form")
                page.get_by_label("Id *", exact=True).fill("incident runbook")
                page.get_by_label("Title *", exact=True).fill("Incident response runbook")
                page.get_by_label("Requirement 1", exact=True).fill("A.6.2.6")
                page.get_by_role("button", name="Create evidence").click()
                expect(page.locator(".field-error").first).to_be_visible()
                shot(page, "evidence-form")
                visit(page, server.url, "systems", "table.systems")
                shot(page, "systems")
                visit(page, server.url, "system-edit/ai-00", "form.system-form")
                shot(page, "system-form")
                visit(page, server.url, "aims", ".aims-section")
                shot(page, "aims", full=True)
                visit(page, server.url, "soa?framework=iso42001", ".soa tbody tr")
                page.get_by_role("button", name="Change the decision for A.2.3").click()
                shot(page, "soa")
                visit(page, server.url, "applicable?system=ai-00&on=2027-09-01", ".timeline .moment")
                shot(page, "applicable")
            if chromium.foreign or chromium.errors:
                print(f"requests to other hosts: {chromium.foreign}; script errors: {chromium.errors}", file=sys.stderr)
                return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
