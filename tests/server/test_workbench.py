"""The workbench end to end, in Debian's headless Chromium driven by Playwright, against a real
`grcgraph serve`: sign-in, every page, an explanation followed from evidence to a requirement of
another framework, evidence created and edited with a field error beside its field, a reader who
cannot edit, read-only local mode, GraphiQL offline, 390 px wide and the keyboard. Every test fails
on a request to any host but the server's, on a script error, and on an unlabelled control."""

from __future__ import annotations

import io
import json
from collections.abc import Iterator
from pathlib import Path

import openpyxl
import pytest
from playwright.sync_api import Error as PlaywrightError
from playwright.sync_api import Page, expect
from servers import ApiServer, cli

from bench.browser import Browser, browser
from bench.processes import GrcgraphServer

# Generous waits for a busy machine (CI shares 2 cores): the tests look at what is shown, never how fast.
expect.set_options(timeout=20_000)
WORKSPACE = "wb"
EVIDENCE = [
    {
        "id": "log-retention",
        "title": "Log retention set to 12 months",
        "kind": "configuration",
        "owner": "ciso@example.org",
        "valid_until": "2030-01-01",
        "links": [{"requirement": "A.6.2.8", "asserted_by": "ciso@example.org"}],
    },
    {
        "id": "ai-policy",
        "title": "AI policy approved by the board",
        "kind": "policy",
        "owner": "dpo@example.org",
        "valid_until": "2020-01-01",
        "links": [{"requirement": "A.2.2", "asserted_by": "dpo@example.org", "extent": "partial"}],
    },
]

# Every control named for assistive technology: inputs, selects and textareas by a label, buttons
# and links by their text or aria-label. Answers the ones that are not.
UNLABELLED = """() => {
  const named = (el) => (el.getAttribute('aria-label') || el.textContent || el.getAttribute('title') || '').trim() ||
    [...el.querySelectorAll('img[alt]')].some((img) => img.alt.trim());
  const bad = [];
  for (const el of document.querySelectorAll('input, select, textarea')) {
    if (el.type === 'hidden') continue;
    if (!(el.labels && el.labels.length) && !el.getAttribute('aria-label')) bad.push(el.outerHTML.slice(0, 120));
  }
  for (const el of document.querySelectorAll('button, a[href]')) if (!named(el)) bad.push(el.outerHTML.slice(0, 120));
  return bad;
}"""


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[ApiServer]:
    data = tmp_path_factory.mktemp("workbench") / "store"
    cli("load", "--data-dir", str(data))
    tokens = {}
    for role in ("editor", "reader"):
        tokens[role] = cli("token", "create", "--workspace", WORKSPACE, "--role", role, "--data-dir", str(data)).splitlines()[-1].strip()
    items = data.parent / "evidence.json"
    items.write_text(json.dumps(EVIDENCE), encoding="utf-8")
    cli("evidence", "import", str(items), "--workspace", WORKSPACE, "--data-dir", str(data))
    with ApiServer("--data-dir", str(data), tokens=tokens) as running:
        running.data(
            """mutation { a: createSystem(input: {id: "credit", name: "Credit scoring", roles: [PROVIDER],
              category: HIGH_RISK_ANNEX_III, owner: "risk@example.org", nextReview: "2020-06-30"}) { id: localId }
              b: createSystem(input: {id: "chat", name: "Customer chatbot", roles: [DEPLOYER], category: TRANSPARENCY,
              generative: true, nextReview: "2099-01-01"}) { id: localId } }"""
        )
        yield running


@pytest.fixture
def chromium(server: ApiServer) -> Iterator[Browser]:
    with browser(server.url) as found:
        yield found
        assert found.foreign == [], f"requests left the server's host: {found.foreign}"
        assert found.errors == [], f"script errors: {found.errors}"


def sign_in(chromium: Browser, server: ApiServer, role: str = "editor", width: int = 1280) -> Page:
    page = chromium.new_page(width=width)
    page.goto(server.url + "/")
    expect(page.get_by_role("heading", name="grcgraph workbench")).to_be_visible()
    assert page.evaluate(UNLABELLED) == []
    page.get_by_label("API token", exact=True).fill(server.tokens[role])
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_role("heading", name="Overview", level=1)).to_be_visible()
    assert server.tokens[role] not in page.url
    return page


def open_page(page: Page, server: ApiServer, fragment: str, heading: str) -> None:
    page.goto(f"{server.url}/#/{fragment}")
    expect(page.locator("h1")).to_contain_text(heading)
    page.wait_for_load_state("networkidle")
    assert page.evaluate(UNLABELLED) == [], fragment


def test_every_page_after_signing_in(chromium: Browser, server: ApiServer) -> None:
    page = sign_in(chromium, server)
    # Overview: a heatmap row per framework, chapters and control areas as cells, attention counts.
    expect(page.locator(".heat-row")).to_have_count(5)
    expect(page.locator('.heat-row[data-framework="iso42001"] .cell', has_text="A.6")).to_be_visible()
    expect(page.locator('.heat-row[data-framework="euaiact"] .cell', has_text="Ch. III")).to_be_visible()
    expect(page.locator('[data-attention="overdue-reviews"] .count-value')).to_have_text("1")
    expect(page.locator('[data-attention="stale-evidence"] .count-value')).to_have_text("1")
    assert page.evaluate(UNLABELLED) == []
    page.get_by_label("AI system", exact=True).select_option("credit")
    expect(page).to_have_url(f"{server.url}/#/overview?system=credit&on={page.get_by_label('On date', exact=True).input_value()}")
    expect(page.locator(".heat-row")).to_have_count(5)

    # Gaps: filtered by status, sorted by the server, paged, with the workbook.
    open_page(page, server, "gaps?framework=iso42001", "Gaps")
    rows = page.locator(".gaps-table tbody tr")
    expect(rows).to_have_count(50)
    expect(page.locator(".pager")).to_contain_text("1–50 of 92")
    page.get_by_role("button", name="Next").click()
    expect(page.locator(".pager")).to_contain_text("51–92 of 92")
    page.locator("#status-covered").check()
    expect(page.locator(".gaps-table tbody td[data-label=Status] .status:not(.status-covered)")).to_have_count(0)
    expect(page.locator(".gaps-table tbody td[data-label=Status] .status-covered").first).to_be_visible()
    expect(page).to_have_url(
        f"{server.url}/#/gaps?framework=iso42001&on={page.get_by_label('On date', exact=True).input_value()}&status=covered&sort=document"
    )
    page.locator("#status-covered").uncheck()
    page.get_by_role("button", name="Status").click()
    expect(page.locator(".gaps-table thead th[aria-sort=ascending]")).to_contain_text("Status")
    expect(rows.first.locator(".status")).to_have_text("Uncovered")
    # Sorted by the server across pages: the most evidence first puts A.6.2.8 (document row 60) on top.
    page.get_by_role("button", name="Evidence").click()
    page.get_by_role("button", name="Evidence").click()
    expect(page.locator(".gaps-table thead th[aria-sort=descending]")).to_contain_text("Evidence")
    expect(rows.first).to_contain_text("A.6.2.8")
    expect(rows.first).to_contain_text("log-retention")
    with page.expect_download() as download:
        page.get_by_role("button", name="Download workbook (.xlsx)").click()
    assert download.value.suggested_filename.startswith("gaps-iso42001-") and download.value.suggested_filename.endswith(".xlsx")
    workbook = openpyxl.load_workbook(io.BytesIO(Path(download.value.path()).read_bytes()))
    assert workbook.sheetnames == ["Cover", "ISO-IEC 42001", "Summary"]
    assert workbook["ISO-IEC 42001"].max_row == 93  # a header and one row per ISO/IEC 42001 requirement

    # Requirement: text, dates of application, crosswalk both ways, covering evidence.
    open_page(page, server, "requirement/Art. 12(1)", "Art. 12(1)")
    expect(page.locator(".req-text")).to_contain_text("logs")
    expect(page.locator(".dates")).to_contain_text("2026-08-02")
    expect(page.locator(".crosswalk tbody tr").first).to_be_visible()
    expect(page.locator(".crosswalk")).to_contain_text("from the other end")
    expect(page.locator(".covering-item")).to_contain_text("Log retention set to 12 months")
    expect(page.locator(".covering-item .chain").first).to_be_visible()
    open_page(page, server, "requirement", "Requirements")
    page.get_by_label("Search", exact=True).fill("transparency")
    page.get_by_role("button", name="Search").click()
    expect(page.locator(".results li").first).to_be_visible()

    # Evidence: the register with its filters, and one item.
    open_page(page, server, "evidence", "Evidence")
    expect(page.locator(".register tbody tr")).to_have_count(2)
    page.get_by_label("Kind", exact=True).select_option("policy")
    expect(page.locator(".register tbody tr")).to_have_count(1)
    expect(page.locator(".register tbody")).to_contain_text("AI policy approved by the board")
    page.get_by_label("Kind", exact=True).select_option("")
    page.get_by_label("Staleness", exact=True).select_option("true")
    expect(page.locator(".register tbody tr")).to_have_count(1)
    expect(page.locator(".register tbody .status")).to_have_text("Stale")
    page.get_by_label("Staleness", exact=True).select_option("")
    page.get_by_label("Owner", exact=True).fill("CISO")
    page.get_by_role("button", name="Apply").click()
    expect(page.locator(".register tbody tr")).to_have_count(1)
    expect(page.locator(".register tbody")).to_contain_text("Log retention")

    # AI systems, the SoA and what applies.
    open_page(page, server, "systems", "AI systems")
    expect(page.locator("tr.overdue")).to_have_count(1)
    expect(page.locator("tr.overdue")).to_contain_text("Credit scoring")
    expect(page.locator("tr.overdue .status")).to_have_text("Overdue")
    open_page(page, server, "soa", "Statement of Applicability")
    expect(page.locator(".soa tbody tr")).to_have_count(38 + 93)
    open_page(page, server, "applicable?system=credit&on=2028-01-01", "Applicable")
    expect(page.locator(".timeline .moment").first).to_be_visible()
    expect(page.locator(".moment.past").first).to_contain_text("in force")
    expect(page.locator(".timeline")).to_contain_text("Art. 9")


def test_an_explanation_leads_from_evidence_to_another_framework(chromium: Browser, server: ApiServer) -> None:
    page = sign_in(chromium, server)
    open_page(page, server, "evidence/log-retention", "Log retention set to 12 months")
    group = page.locator('.coverage-group[data-framework="euaiact"]')
    row = group.locator(".coverage-row", has_text="Art. 12(1)")
    row.get_by_role("button", name="Why?").click()
    chain = row.locator(".chain").first
    expect(chain.locator(".node")).to_have_count(3)  # the evidence, ISO/IEC 42001 A.6.2.8, EU AI Act Art. 12(1)
    expect(chain.locator(".edge").nth(1)).to_contain_text("source: ")
    expect(chain.locator(".node").nth(1)).to_contain_text("A.6.2.8")
    chain.locator(".node").nth(2).get_by_role("link").click()
    expect(page.locator("h1")).to_contain_text("Art. 12(1)")
    expect(page.locator(".crumbs")).to_contain_text("Regulation (EU) 2024/1689")


def test_create_and_edit_evidence_with_a_field_error(chromium: Browser, server: ApiServer) -> None:
    page = sign_in(chromium, server)
    open_page(page, server, "evidence", "Evidence")
    page.get_by_role("link", name="Add evidence").click()
    expect(page.locator("h1")).to_have_text("Add evidence")
    assert page.evaluate(UNLABELLED) == []
    page.get_by_label("Id *", exact=True).fill("not an id!")
    page.get_by_label("Title *", exact=True).fill("Incident response runbook")
    page.get_by_label("Requirement 1", exact=True).fill("A.6.2.6")
    page.get_by_label("Asserted by", exact=True).fill("soc@example.org")
    page.get_by_role("button", name="Create evidence").click()
    id_field = page.locator('.field[data-field="id"]')
    expect(id_field.locator(".field-error")).to_be_visible()
    expect(id_field.locator("input")).to_have_attribute("aria-invalid", "true")
    expect(id_field.locator("input")).to_be_focused()
    assert "A.6.2.6" not in json.dumps(server.data('{ evidenceList(text: "runbook") { edges { node { id: localId } } } }'))

    page.get_by_label("Id *", exact=True).fill("ir-runbook")
    page.get_by_label("Valid until", exact=True).fill("2031-03-31")
    page.get_by_role("button", name="Create evidence").click()
    expect(page.locator("h1")).to_have_text("Incident response runbook")
    expect(page.locator(".links")).to_contain_text("A.6.2.6")

    page.get_by_role("link", name="Edit", exact=True).click()
    expect(page.get_by_label("Title *", exact=True)).to_have_value("Incident response runbook")
    page.get_by_label("Title *", exact=True).fill("Incident response runbook, version 2")
    page.get_by_label("Owner", exact=True).fill("soc@example.org")
    page.get_by_role("button", name="Save changes").click()
    expect(page.locator("h1")).to_have_text("Incident response runbook, version 2")
    # The item's history, newest first: the edit names the title it changed.
    history = page.locator(".history")
    expect(history.locator(".history-list > li")).to_have_count(2)
    expect(history.locator(".history-list > li").first).to_contain_text("Incident response runbook → Incident response runbook, version 2")
    stored = server.data('{ evidence(id: "ir-runbook") { title owner validUntil links { requirement { id: localId } } } }')["evidence"]
    assert stored == {
        "title": "Incident response runbook, version 2",
        "owner": "soc@example.org",
        "validUntil": "2031-03-31",
        "links": [{"requirement": {"id": "iso42001:A.6.2.6"}}],
    }

    # Linking on the item's page, with the API's error beside the requirement field.
    form = page.locator(".link-form")
    form.get_by_label("Requirement", exact=True).fill("Art. 999")
    form.get_by_label("Asserted by", exact=True).fill("soc@example.org")
    form.get_by_role("button", name="Add link").click()
    expect(form.locator('.field[data-field="link-requirement"] .field-error')).to_be_visible()
    form.get_by_label("Requirement", exact=True).fill("Art. 73(1)")
    form.get_by_role("button", name="Add link").click()
    expect(page.locator(".links")).to_contain_text("Art. 73(1)")
    expect(page.locator('.coverage-group[data-framework="euaiact"]')).to_contain_text("Art. 73(1)")

    # A decision in the Statement of Applicability, with its reason.
    open_page(page, server, "soa?q=A.2.4", "Statement of Applicability")
    page.get_by_role("button", name="Change the decision for A.2.4").click()
    editor = page.locator(".soa-editor")
    editor.get_by_label("Decision", exact=True).select_option("false")
    editor.get_by_label("Reason", exact=True).fill("Covered by the group policy review")
    editor.get_by_role("button", name="Save").click()
    expect(page.locator('tr[data-control="iso42001:A.2.4"]')).to_contain_text("Excluded")
    rows = server.data("{ statementOfApplicability { control { id: localId } included justification } }")["statementOfApplicability"]
    assert {"control": {"id": "iso42001:A.2.4"}, "included": False, "justification": "Covered by the group policy review"} in rows


def test_add_and_edit_an_ai_system_with_a_field_error(chromium: Browser, server: ApiServer) -> None:
    page = sign_in(chromium, server)
    open_page(page, server, "systems", "AI systems")
    page.get_by_role("link", name="Add an AI system").click()
    expect(page.locator("h1")).to_have_text("Add an AI system")
    assert page.evaluate(UNLABELLED) == []
    page.get_by_label("Id *", exact=True).fill("triage")
    page.get_by_label("Name *", exact=True).fill("Claims triage")
    page.get_by_label("EU AI Act category *", exact=True).select_option("high-risk-annex-iii")
    page.get_by_label("provider", exact=True).uncheck()
    page.get_by_role("button", name="Add the system").click()
    roles = page.locator('.roles-fieldset[data-field="roles"]')
    expect(roles.locator(".field-error")).to_be_visible()
    assert "triage" not in json.dumps(server.data("{ systems { id: localId } }"))

    page.get_by_label("deployer", exact=True).check()
    page.get_by_label("Owner", exact=True).fill("claims@example.org")
    page.get_by_label("Next review", exact=True).fill("2027-05-31")
    page.get_by_role("button", name="Add the system").click()
    expect(page.locator("h1")).to_have_text("AI systems")
    expect(page.locator("table.systems")).to_contain_text("Claims triage")

    page.get_by_role("link", name="Edit Claims triage").click()
    expect(page.get_by_label("Name *", exact=True)).to_have_value("Claims triage")
    page.get_by_label("Generative AI", exact=True).check()
    page.get_by_label("Name *", exact=True).fill("Claims triage assistant")
    page.get_by_role("button", name="Save changes").click()
    expect(page.locator("table.systems")).to_contain_text("Claims triage assistant")
    stored = [
        s
        for s in server.data("{ systems { id: localId name roles category generative owner nextReview } }")["systems"]
        if s["id"] == "triage"
    ]
    assert stored == [
        {
            "id": "triage",
            "name": "Claims triage assistant",
            "roles": ["DEPLOYER"],
            "category": "HIGH_RISK_ANNEX_III",
            "generative": True,
            "owner": "claims@example.org",
            "nextReview": "2027-05-31",
        }
    ]


def test_a_reader_cannot_edit(chromium: Browser, server: ApiServer) -> None:
    page = sign_in(chromium, server, "reader")
    expect(page.locator(".who .badge")).to_contain_text("reader")
    open_page(page, server, "evidence", "Evidence")
    expect(page.get_by_role("link", name="Add evidence")).to_have_count(0)
    open_page(page, server, "evidence/log-retention", "Log retention")
    expect(page.get_by_role("link", name="Edit", exact=True)).to_have_count(0)
    expect(page.get_by_role("button", name="Remove the link to A.6.2.8")).to_have_count(0)
    expect(page.locator(".link-form")).to_have_count(0)
    open_page(page, server, "soa", "Statement of Applicability")
    expect(page.get_by_role("button", name="Change the decision for A.2.2")).to_have_count(0)
    open_page(page, server, "systems", "AI systems")
    expect(page.get_by_role("link", name="Add an AI system")).to_have_count(0)
    expect(page.get_by_role("link", name="Edit Credit scoring")).to_have_count(0)
    page.goto(f"{server.url}/#/evidence-new")
    expect(page.locator(".notice")).to_contain_text("can read but not change")
    # Not only hidden: the API refuses the reader's write, whatever the page shows.
    answer = page.evaluate(
        """async (token) => (await (await fetch('/graphql', {method: 'POST', headers: {'Content-Type': 'application/json',
          Authorization: 'Bearer ' + token}, body: JSON.stringify({query: 'mutation { deleteEvidence(id: "log-retention") }'})})).json())""",
        server.tokens["reader"],
    )
    assert answer["errors"][0]["extensions"]["code"] == "FORBIDDEN"


def test_a_bad_token_is_refused_and_signing_out_forgets_the_token(chromium: Browser, server: ApiServer) -> None:
    page = chromium.new_page()
    page.goto(server.url + "/")
    page.get_by_label("API token", exact=True).fill("grc_0000000000000000_wrong")
    page.get_by_role("button", name="Sign in").click()
    expect(page.locator('.field[data-field="token"] .field-error')).to_contain_text("not valid")
    # The refused token's 401 is the one console line the browser logs here; nothing else is allowed.
    assert len(chromium.errors) == 1 and "status of 401 (Unauthorized)" in chromium.errors[0], chromium.errors
    chromium.errors.clear()
    page.get_by_label("API token", exact=True).fill(server.tokens["editor"])
    page.locator("#remember").check()
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_role("heading", name="Overview", level=1)).to_be_visible()
    assert page.evaluate("sessionStorage.getItem('grcgraph.token')") == server.tokens["editor"]
    page.reload()
    expect(page.get_by_role("heading", name="Overview", level=1)).to_be_visible()
    page.get_by_role("button", name="Sign out").click()
    expect(page.get_by_label("API token", exact=True)).to_be_visible()
    assert page.evaluate("sessionStorage.getItem('grcgraph.token')") is None


def test_keyboard_and_a_narrow_screen(chromium: Browser, server: ApiServer) -> None:
    page = chromium.new_page(width=390, height=844)
    page.goto(server.url + "/")
    expect(page.get_by_label("API token", exact=True)).to_be_visible()
    page.keyboard.press("Tab")
    expect(page.get_by_label("API token", exact=True)).to_be_focused()
    page.keyboard.type(server.tokens["editor"])
    page.keyboard.press("Enter")
    expect(page.get_by_role("heading", name="Overview", level=1)).to_be_visible()
    for fragment, heading in [
        ("overview", "Overview"),
        ("gaps?framework=euaiact", "Gaps"),
        ("requirement/A.6.2.8", "A.6.2.8"),
        ("evidence", "Evidence"),
        ("evidence/log-retention", "Log retention"),
        ("systems", "AI systems"),
        ("soa", "Statement of Applicability"),
        ("applicable?system=credit", "Applicable"),
    ]:
        open_page(page, server, fragment, heading)
        overflow = page.evaluate("document.documentElement.scrollWidth - document.documentElement.clientWidth")
        assert overflow <= 0, f"{fragment} is wider than 390 px by {overflow} px"
    # Narrow, the gap table's sort is a labelled select (the column headers are folded into each row).
    open_page(page, server, "gaps?framework=iso42001", "Gaps")
    page.get_by_label("Sort by", exact=True).select_option("evidence-desc")
    expect(
        page.locator(".gaps-table tbody tr").first.locator(".ev-list a").first
    ).to_be_visible()  # document order starts with clause 4, no evidence
    # The menu opens from the keyboard and its links take the focus in turn.
    menu = page.get_by_role("button", name="Menu")
    menu.focus()
    page.keyboard.press("Enter")
    expect(menu).to_have_attribute("aria-expanded", "true")
    page.keyboard.press("Tab")
    expect(page.get_by_role("link", name="Overview")).to_be_focused()
    page.keyboard.press("Tab")
    expect(page.get_by_role("link", name="Gaps")).to_be_focused()
    page.keyboard.press("Enter")
    expect(page.locator("h1")).to_have_text("Gaps")


def test_graphiql_runs_on_the_servers_own_files(chromium: Browser, server: ApiServer) -> None:
    page = chromium.new_page()
    page.goto(server.url + "/")
    page.get_by_label("API token", exact=True).fill(server.tokens["reader"])
    page.locator("#remember").check()
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_role("heading", name="Overview", level=1)).to_be_visible()
    page.goto(server.url + "/graphql")
    expect(page.locator(".graphiql-query-editor")).to_be_visible()
    page.locator(".graphiql-execute-button").click()
    expect(page.locator(".graphiql-response")).to_contain_text('"workspace": "wb"')


def test_requests_to_another_host_are_caught(chromium: Browser, server: ApiServer) -> None:
    page = sign_in(chromium, server)
    # The page's Content-Security-Policy stops a script's request to another host before it leaves...
    page.evaluate("fetch('http://example.invalid/tracker').catch(() => null)")
    page.wait_for_timeout(200)
    assert any("Content Security Policy" in error for error in chromium.errors), chromium.errors
    chromium.errors.clear()
    # ... and the browser refuses, and records, any request that is not held by it, such as a navigation.
    with pytest.raises(PlaywrightError):
        page.goto("http://example.invalid/elsewhere")
    assert chromium.foreign == ["http://example.invalid/elsewhere"]
    chromium.foreign.clear()


def test_read_only_local_mode_needs_no_sign_in(tmp_path: Path) -> None:
    data = tmp_path / "store"
    cli("load", "--data-dir", str(data))
    items = tmp_path / "evidence.json"
    items.write_text(json.dumps(EVIDENCE[:1]), encoding="utf-8")
    cli("evidence", "import", str(items), "--data-dir", str(data))
    with GrcgraphServer("--data-dir", str(data), env={"GRCGRAPH_READ_ONLY_LOCAL": "true"}) as local, browser(local.url) as found:
        page = found.new_page()
        page.goto(local.url + "/#/evidence/log-retention")
        expect(page.locator("h1")).to_have_text("Log retention set to 12 months")
        expect(page.locator(".who .badge")).to_contain_text("local, read-only")
        expect(page.get_by_role("button", name="Sign out")).to_have_count(0)
        expect(page.get_by_role("link", name="Edit", exact=True)).to_have_count(0)
        assert found.foreign == [] and found.errors == []
