"""The code stays ruff clean and type-checked by mypy --strict; both run as part of the tests."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def run(*args: str, cwd: Path = ROOT) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", *args], cwd=cwd, capture_output=True, text=True, check=False)


def test_ruff() -> None:
    result = run("ruff", "check", ".")
    assert result.returncode == 0, result.stdout + result.stderr
    formatted = run("ruff", "format", "--check", ".")
    assert formatted.returncode == 0, "run: ruff format .\n" + formatted.stdout


def test_mypy(tmp_path: Path) -> None:
    """mypy cannot follow setuptools' package-dir, so check a tree laid out as the installed package."""
    package = tmp_path / "grcgraph"
    package.mkdir()
    for entry in (ROOT / "grcgraph").iterdir():
        if entry.suffix == ".py" or (entry / "__init__.py").is_file():
            (package / entry.name).symlink_to(entry, target_is_directory=entry.is_dir())
    for folder in ("loaders", "server"):
        (package / folder).symlink_to(ROOT / folder, target_is_directory=True)
    result = run("mypy", "--config-file", str(ROOT / "pyproject.toml"), "-p", "grcgraph", cwd=tmp_path)
    assert result.returncode == 0, result.stdout + result.stderr
