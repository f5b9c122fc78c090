"""The audit pack: written from the workspace (now or as of an instant), checked offline by
`verify_pack` with no store, which names a file altered, removed or added, a log entry changed,
or a signature that is not the auditor's key."""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import zipfile
from pathlib import Path

import pytest

from grcgraph.api import GRCGraph
from grcgraph.model import MeasurementInput, ObjectiveInput, RiskInput


@pytest.fixture(scope="module")
def packed(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path, Path]:
    root = tmp_path_factory.mktemp("pack")
    key, public = root / "org.pem", root / "org.pem.pub"
    with GRCGraph.open() as graph:
        graph.add_system("credit", "Credit scoring", ["provider"], "high-risk-annex-iii")
        graph.add_evidence("log-retention", "Log retention", "configuration", requirements=["A.6.2.8"], asserted_by="ciso")
        graph.set_applicability("A.10.4", False, "No customers")
        graph.put_risk(RiskInput("R-1", "Biased credit scores", systems=["credit"], likelihood=4, severity=4))
        graph.put_objective(ObjectiveInput("acc", "Approval accuracy", "accuracy", "higher", 0.9, 0.85, systems=["credit"]))
        graph.record_measurements([MeasurementInput("acc", 0.91, "2026-11-03T02:00:00Z", "ci/nightly")])
        made, _fingerprint = graph.create_signing_key(key, "ACME GRC office")
        assert made == public and oct(key.stat().st_mode & 0o777) == "0o600"
        graph.audit_pack(root / "pack.zip", key=key, signer="ACME GRC office")
    return root / "pack.zip", key, public


def _rewrite(source: Path, target: Path, *, drop: str = "", change: str = "", add: str = "") -> Path:
    with zipfile.ZipFile(source) as old, zipfile.ZipFile(target, "w") as new:
        for name in old.namelist():
            data = old.read(name)
            if name == drop:
                continue
            if name == change:
                data = data.replace(b"No customers", b"Customers exist").replace(b'"default"', b'"other"')
            new.writestr(name, data)
        if add:
            new.writestr(add, b"extra")
    return target


def test_a_pack_holds_the_reports_and_verifies_offline(packed: tuple[Path, Path, Path]) -> None:
    pack, _key, public = packed
    with zipfile.ZipFile(pack) as opened:
        names = set(opened.namelist())
        assert {"manifest.json", "signature.json", "soa.csv", "evidence.csv", "explanations.json", "history/workspace.jsonl"} <= names
        assert {f"gaps/{p}.csv" for p in ("iso42001", "iso27001", "euaiact", "nistairmf", "nistgai")} <= names
        assert json.loads(opened.read("signature.json"))["signer"] == "ACME GRC office"
        assert b"log-retention" in opened.read("evidence.csv") and b"A.10.4" in opened.read("soa.csv")
    manifest, findings = GRCGraph.verify_pack(pack, public)
    assert findings == [] and manifest["heads"]["workspace"]["sequence"] == 6  # type: ignore[index]  # six writes, one entry each


def test_a_pack_holds_the_aims_records(packed: tuple[Path, Path, Path]) -> None:
    pack, _key, _public = packed
    with zipfile.ZipFile(pack) as opened:
        risks = opened.read("aims/risks.csv").decode("utf-8")
        measurements = opened.read("aims/measurements/acc.csv").decode("utf-8")
        manifest = json.loads(opened.read("manifest.json"))
    assert "R-1" in risks and "Biased credit scores" in risks
    assert "0.91" in measurements and "ci/nightly" in measurements
    assert "aims/risks.csv" in json.dumps(manifest), "the manifest names (and so vouches for) the AIMS files"


@pytest.mark.parametrize(
    ("how", "expected"),
    [
        ({"change": "soa.csv"}, "file soa.csv: was altered"),
        ({"drop": "evidence.csv"}, "file evidence.csv: is missing"),
        ({"add": "gaps/forged.csv"}, "file gaps/forged.csv: was added"),
        ({"change": "manifest.json"}, "file signature.json: does not sign this manifest.json"),
        ({"drop": "signature.json"}, "file signature.json: is missing"),
    ],
)
def test_verify_pack_names_what_was_tampered_with(
    packed: tuple[Path, Path, Path], tmp_path: Path, how: dict[str, str], expected: str
) -> None:
    pack, _key, public = packed
    _manifest, findings = GRCGraph.verify_pack(_rewrite(pack, tmp_path / "pack.zip", **how), public)
    assert findings and str(findings[0]).startswith(expected)


def test_a_changed_log_entry_and_another_key_are_caught(packed: tuple[Path, Path, Path], tmp_path: Path) -> None:
    pack, _key, _public = packed
    other, _ = GRCGraph.create_signing_key(tmp_path / "other.pem", "Someone else")
    _manifest, findings = GRCGraph.verify_pack(pack, other)
    assert len(findings) == 1 and "not by the key given" in str(findings[0])
    # A log rewritten with its manifest digest fixed still fails on its own hash chain.
    with zipfile.ZipFile(pack) as old:
        log = old.read("history/workspace.jsonl").replace(b"No customers", b"Customers exist")
        manifest = json.loads(old.read("manifest.json"))
        manifest["files"]["history/workspace.jsonl"] = hashlib.sha256(log).hexdigest()
        with zipfile.ZipFile(tmp_path / "forged.zip", "w") as new:
            for name in old.namelist():
                if name not in ("history/workspace.jsonl", "manifest.json", "signature.json"):
                    new.writestr(name, old.read(name))
            new.writestr("history/workspace.jsonl", log)
            new.writestr("manifest.json", json.dumps(manifest))
    _manifest, findings = GRCGraph.verify_pack(tmp_path / "forged.zip")
    assert str(findings[0]).startswith("file history/workspace.jsonl entry 3: was changed")


def test_a_pack_as_of_an_instant_holds_the_log_up_to_it(tmp_path: Path) -> None:
    with GRCGraph.open() as graph:
        graph.add_evidence("early", "Early", "policy", requirements=["A.2.2"], asserted_by="ciso")
        cut = dt.datetime.now(dt.UTC)
        graph.add_evidence("late", "Late", "policy", requirements=["A.2.3"], asserted_by="ciso")
        manifest = graph.audit_pack(tmp_path / "then.zip", as_of=cut)
    with zipfile.ZipFile(tmp_path / "then.zip") as opened:
        register = opened.read("evidence.csv")
    assert b"early" in register and b"late" not in register
    assert manifest["heads"]["workspace"]["sequence"] == 1  # type: ignore[index]
    assert GRCGraph.verify_pack(tmp_path / "then.zip")[1] == []
