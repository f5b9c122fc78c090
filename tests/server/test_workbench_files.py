"""The workbench's files: vendored libraries as recorded in their provenance, with licences; no
address of another host in the page's own files; the vocabulary its forms offer; and the routes
(page with its Content-Security-Policy, GraphiQL on vendored files, workbook downloads)."""

from __future__ import annotations

import datetime as dt
import hashlib
import io
import json
import re
import warnings

import openpyxl
import pytest
from repo import ROOT

from grcgraph.api import GRCGraph
from grcgraph.model import STATUSES
from grcgraph.server.settings import Settings
from grcgraph.store.base import GraphStore
from grcgraph.vocab.terms import AI_CATEGORIES, EVIDENCE_KINDS, EXTENTS, OPERATOR_ROLES, REQUIREMENT_KINDS

with warnings.catch_warnings():
    warnings.simplefilter("ignore")
    from fastapi.testclient import TestClient

    from grcgraph.server.app import create_app

STATIC = ROOT / "server" / "web" / "static"
VENDOR = STATIC / "vendor"
PROVENANCE = json.loads((VENDOR / "PROVENANCE.json").read_text(encoding="utf-8"))


def test_every_vendored_file_is_as_recorded_with_its_licence() -> None:
    recorded = {name: digest for package in PROVENANCE for name, digest in package["files"].items()}
    present = {p.relative_to(VENDOR).as_posix() for p in VENDOR.rglob("*") if p.is_file() and p.name != "PROVENANCE.json"}
    assert present == set(recorded), "vendored files and PROVENANCE.json differ: run scripts/vendor_web.py"
    for name, digest in recorded.items():
        assert hashlib.sha256((VENDOR / name).read_bytes()).hexdigest() == digest, f"{name} was changed by hand"
    for package in PROVENANCE:
        assert f"{package['package']}/LICENSE" in package["files"]
        assert package["licence"] and package["version"] and package["integrity"].startswith("sha512-")


def test_the_pages_own_files_name_no_other_host() -> None:
    own = [p for p in STATIC.rglob("*") if p.is_file() and VENDOR not in p.parents and p.suffix in {".html", ".js", ".css", ".svg"}]
    assert len(own) > 10
    for path in own:
        text = path.read_text(encoding="utf-8")
        found = [u for u in re.findall(r"(?:https?:)?//[a-z0-9.-]+\.[a-z]{2,}[^\s\"'`)]*", text, re.I) if "www.w3.org/2000/svg" not in u]
        assert found == [], f"{path.relative_to(STATIC)} names {found}"


def test_the_forms_offer_the_vocabulary_of_the_api() -> None:
    terms = (STATIC / "lib" / "terms.js").read_text(encoding="utf-8")
    kinds = json.loads(re.search(r"EVIDENCE_KINDS = (\[.*?\]);", terms).group(1))  # type: ignore[union-attr]
    extents = json.loads(re.search(r"EXTENTS = (\[.*?\]);", terms).group(1))  # type: ignore[union-attr]
    assert kinds == list(EVIDENCE_KINDS)
    assert extents == list(EXTENTS)
    categories = json.loads(re.search(r"AI_CATEGORIES = (\[.*?\]);", terms).group(1))  # type: ignore[union-attr]
    roles = json.loads(re.search(r"OPERATOR_ROLES = (\[.*?\]);", terms).group(1))  # type: ignore[union-attr]
    assert categories == list(AI_CATEGORIES)
    assert roles == list(OPERATOR_ROLES)
    kinds = json.loads(re.search(r"REQUIREMENT_KINDS = (\[.*?\]);", terms).group(1))  # type: ignore[union-attr]
    statuses = json.loads(re.search(r"STATUSES = (\[.*?\]);", terms).group(1))  # type: ignore[union-attr]
    assert kinds == list(REQUIREMENT_KINDS)
    assert statuses == list(STATUSES)


def test_every_page_module_is_listed() -> None:
    listed = set(re.findall(r'import\("\./([a-z-]+\.js)"\)', (STATIC / "pages" / "index.js").read_text(encoding="utf-8")))
    assert listed == {p.name for p in (STATIC / "pages").glob("*.js")} - {"index.js"}


@pytest.fixture(scope="module")
def client(store: GraphStore) -> TestClient:
    api = GRCGraph(store, "files")
    api.add_evidence("log-retention", "Log retention", "configuration", requirements=["A.6.2.8"], asserted_by="ciso@example.org")
    return TestClient(create_app(GRCGraph(store), Settings(read_only_local=True, local_workspace="files")))


def test_the_page_and_its_policy(client: TestClient) -> None:
    page = client.get("/")
    assert page.status_code == 200
    policy = page.headers["content-security-policy"]
    assert "default-src 'none'" in policy and "connect-src 'self'" in policy and "'unsafe-inline'" not in policy
    assert '<script type="module" src="/static/app.js">' in page.text
    script = re.search(r'<script type="importmap">(.*?)</script>', page.text, re.S).group(1)  # type: ignore[union-attr]
    assert all(target.startswith("/static/vendor/") for target in json.loads(script)["imports"].values())
    assert client.get("/static/app.js").headers["content-type"].startswith("text/javascript")
    assert client.get("/static/vendor/preact/preact.module.js").status_code == 200


def test_graphiql_loads_from_this_server(client: TestClient) -> None:
    page = client.get("/graphql", headers={"Accept": "text/html"})
    assert page.status_code == 200
    assert "unpkg" not in page.text and "https://" not in page.text
    sources = re.findall(r'(?:src|href)="([^"]+)"', page.text)
    assert sources and all(s.startswith("/static/") for s in sources)
    for source in sources:
        assert client.get(source).status_code == 200, source
    # The API itself still answers at the same address.
    assert client.post("/graphql", json={"query": "{ viewer { workspace } }"}).json() == {"data": {"viewer": {"workspace": "files"}}}


def test_gap_workbook_as_the_command_writes_it(client: TestClient, store: GraphStore) -> None:
    answer = client.get("/export/gaps.xlsx", params={"framework": "iso42001", "on": "2027-01-01"})
    assert answer.status_code == 200
    assert answer.headers["content-disposition"] == 'attachment; filename="gaps-iso42001-2027-01-01.xlsx"'
    workbook = openpyxl.load_workbook(io.BytesIO(answer.content))
    assert workbook.sheetnames == ["Cover", "ISO-IEC 42001", "Summary"]
    rows = list(workbook["ISO-IEC 42001"].iter_rows(values_only=True))
    expected = GRCGraph(store, "files").gap_tables("iso42001", on=dt.date(2027, 1, 1))[0]
    assert list(rows[0]) == [c.header for c in expected.columns if c.laid_out]
    assert len(rows) - 1 == len(expected.rows)
    assert ("A.6.2.8", "covered") in {(r[0], r[4]) for r in rows[1:]}
    soa = openpyxl.load_workbook(io.BytesIO(client.get("/export/soa.xlsx").content))
    assert soa.sheetnames == ["Cover", "Statement of Applicability"]


def test_workbook_errors_name_the_field(client: TestClient) -> None:
    answer = client.get("/export/gaps.xlsx", params={"framework": "iso9001"})
    assert answer.status_code == 400
    assert answer.json()["errors"][0]["extensions"]["problems"][0]["field"] == "framework"
    answer = client.get("/export/gaps.xlsx", params={"framework": "iso42001", "on": "tomorrow"})
    assert answer.json()["errors"][0]["extensions"]["problems"][0]["field"] == "on"
    answer = client.get("/export/gaps.xlsx", params={"framework": "iso42001", "system": "nowhere"})
    assert answer.status_code == 404


def test_workbooks_need_a_token_outside_local_mode(store: GraphStore) -> None:
    closed = TestClient(create_app(GRCGraph(store), Settings()))
    answer = closed.get("/export/gaps.xlsx", params={"framework": "iso42001"})
    assert answer.status_code == 401
    assert answer.json()["errors"][0]["extensions"]["code"] == "UNAUTHENTICATED"
    assert closed.get("/export/soa.xlsx", headers={"Authorization": "Bearer grc_0000_nothing"}).status_code == 401
    assert closed.get("/").status_code == 200  # the page itself is public: it asks for a token
