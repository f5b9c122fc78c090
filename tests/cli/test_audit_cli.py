"""The history and audit commands as a user runs them: `evidence history`, `audit verify` (exit 1
naming what does not match), `--as-of`, keys, and a pack checked by `audit verify-pack`."""

from __future__ import annotations

import csv
import datetime as dt
import os
import time
import zipfile

os.environ["COLUMNS"] = "250"
from pathlib import Path

import pyoxigraph as ox
from typer.testing import CliRunner

from grcgraph.cli import app

runner = CliRunner()


def run(*args: str) -> tuple[int, str]:
    result = runner.invoke(app, list(args))
    return result.exit_code, result.output


def _row(report: str, requirement: str) -> dict[str, str]:
    """The gap report's CSV row of one requirement (the report starts at its header line)."""
    lines = report.splitlines()
    start = next(i for i, line in enumerate(lines) if line.startswith("Framework,Requirement,"))
    return next(row for row in csv.DictReader(lines[start:]) if row["Requirement"] == requirement)


def test_history_verify_as_of_and_a_pack(tmp_path: Path) -> None:
    store = ["--data-dir", str(tmp_path / "store")]
    rows = tmp_path / "evidence.csv"
    rows.write_text("id,title,kind,requirements,asserted_by\npolicy,AI policy,policy,A.2.2,ciso\n", encoding="utf-8")
    assert run("evidence", "import", str(rows), *store)[0] == 0
    time.sleep(0.01)
    cut = dt.datetime.now(dt.UTC).isoformat()
    rows.write_text("id,title,kind,requirements,asserted_by\npolicy,AI policy v2,policy,A.2.3,ciso\n", encoding="utf-8")
    assert run("evidence", "import", str(rows), *store)[0] == 0
    code, out = run("evidence", "history", "policy", *store)
    assert code == 0 and "#1 " in out and "#2 " in out and "title: AI policy -> AI policy v2" in out and "put_evidence by user:" in out
    code, out = run("gaps", "iso42001", "--as-of", cut, "--format", "csv", *store)
    then = _row(out, "A.2.2")
    assert code == 0 and then["Status"] == "covered" and then["Evidence"] == "policy"
    assert _row(run("gaps", "iso42001", "--format", "csv", *store)[1], "A.2.2")["Status"] != "covered"
    code, out = run("gaps", "iso42001", "--as-of", "yesterday", *store)
    assert code == 1 and "--as-of" in out and "ISO 8601" in out
    code, out = run("audit", "verify", *store)
    assert code == 0 and out.startswith("OK: 2 log entries")
    code, out = run("audit", "key", "create", "-o", str(tmp_path / "org.pem"), "--signer", "ACME")
    assert code == 0 and (tmp_path / "org.pem.pub").is_file()
    code, out = run("audit", "pack", "-o", str(tmp_path / "pack.zip"), "--key", str(tmp_path / "org.pem"), *store)
    assert code == 0 and "signed" in out
    code, out = run("audit", "verify-pack", str(tmp_path / "pack.zip"), "--public-key", str(tmp_path / "org.pem.pub"))
    assert code == 0 and out.startswith("OK:")
    with zipfile.ZipFile(tmp_path / "pack.zip") as old, zipfile.ZipFile(tmp_path / "bad.zip", "w") as new:
        for name in old.namelist():
            new.writestr(name, old.read(name) + (b"\n" if name == "evidence.csv" else b""))
    code, out = run("audit", "verify-pack", str(tmp_path / "bad.zip"))
    assert code == 1 and "file evidence.csv: was altered" in out
    # Behind grcgraph's back: the title changed in the store's own files.
    inner = ox.Store(str(tmp_path / "store"))
    item = ox.NamedNode("https://w3id.org/grcgraph/workspace/default/evidence/policy")
    for quad in list(inner.quads_for_pattern(item, ox.NamedNode("http://purl.org/dc/terms/title"), None, None)):
        inner.remove(quad)
    inner.flush()
    del inner
    code, out = run("audit", "verify", *store)
    assert code == 1 and "record <https://w3id.org/grcgraph/workspace/default/evidence/policy>: was changed" in out
