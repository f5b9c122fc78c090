"""Every input problem of `grcgraph evidence import` is one answer naming file, line and column (or
field) and the rule, with nothing stored and never a traceback; Excel's UTF-8 byte-order mark is read."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from typer.testing import CliRunner

from grcgraph.cli import app

os.environ["COLUMNS"] = "250"
runner = CliRunner()

CASES = {
    "latin1.csv": ("id,title,kind\ne1,Politique de sécurité,policy\n".encode("latin-1"), ":2: column 18: byte 0xe9 is not UTF-8"),
    "utf16.csv": ("id,title,kind\ne1,t,policy\n".encode("utf-16"), ":1: column 1: the file is UTF-16"),
    "huge.csv": (b"id,title,kind,description\ne1,t,policy," + b"x" * 10_000_000 + b"\n", ":2: description: is 10000000 characters long"),
    "unclosed.csv": (b'id,title,kind\ne1,"never closed,policy\n' + b"a" * 200_000, ":2: title: is 200020 characters long"),
    "bad.json": (b'[{"id": "e1", "title": "t",\n "kind": }]', ":2: column 10: not JSON"),
    "deep.json": (b"[" * 100_000 + b"]" * 100_000, ":1: json: not JSON this reader takes"),
    "links.json": (b'[{"id": "e1", "title": "t", "kind": "policy", "links": 5}]', ":1: links: must be a list"),
    "zip.json": (b"PK\x03\x04" + b"\x00" * 64, ":1: column 1: not JSON"),
    "control.csv": (b"id,title,kind\ne1,ti\x1btle,policy\n", ":2: title: holds U+001B at character 3"),
    "bidi.csv": ("id,title,kind,owner\ne1,t,policy,ann\u202egpj.exe\n".encode(), ":2: owner: holds U+202E"),
    "script.csv": (b"id,title,kind,location\ne1,t,policy,javascript:alert(1)\n", ":2: location: 'javascript:alert(1)' is not a URI"),
}


@pytest.mark.parametrize("name", list(CASES))
def test_a_bad_file_is_one_clear_answer(tmp_path: Path, name: str) -> None:
    data, expected = CASES[name]
    path = tmp_path / name
    path.write_bytes(data)
    result = runner.invoke(app, ["evidence", "import", str(path), "--memory"])
    assert result.exit_code == 1, result.output
    assert result.exception is None or isinstance(result.exception, SystemExit), repr(result.exception)
    assert "Traceback" not in result.output
    assert "nothing was imported" in result.output
    assert f"{path}{expected}" in result.output, result.output


def test_excel_utf8_with_a_byte_order_mark_is_read(tmp_path: Path) -> None:
    path = tmp_path / "excel.csv"
    path.write_bytes(b"\xef\xbb\xbfid,title,kind\r\ne1,From Excel,policy\r\n")
    result = runner.invoke(app, ["evidence", "import", str(path), "--memory"])
    assert result.exit_code == 0, result.output
    assert "Imported 1 evidence item(s)" in result.output
