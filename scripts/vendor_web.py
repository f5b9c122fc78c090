"""Vendor the workbench's and GraphiQL's browser libraries from the npm registry.

Run `python scripts/vendor_web.py` (it needs `npm`) after changing a version in PACKAGES. Each
package is fetched with `npm pack`, its tarball checked against the registry's sha512 integrity,
and the files listed below copied, with the package's licence, into
server/web/static/vendor/<package>/. server/web/static/vendor/PROVENANCE.json records package,
version, licence, tarball integrity and each file's sha256; the test suite checks every vendored
file against it, so a file edited by hand is caught.
"""

from __future__ import annotations

import base64
import hashlib
import json
import shutil
import subprocess
import sys
import tarfile
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
VENDOR = ROOT / "server" / "web" / "static" / "vendor"

# package, version, files to copy (paths inside the tarball's package/), what it is for
PACKAGES: list[tuple[str, str, list[str], str]] = [
    ("preact", "10.29.8", ["dist/preact.module.js", "hooks/dist/hooks.module.js"], "workbench: rendering and hooks"),
    ("htm", "3.1.1", ["dist/htm.module.js"], "workbench: HTML templates in plain JavaScript (no build step)"),
    ("react", "18.2.0", ["umd/react.production.min.js"], "GraphiQL"),
    ("react-dom", "18.2.0", ["umd/react-dom.production.min.js"], "GraphiQL"),
    ("graphiql", "3.8.3", ["graphiql.min.js", "graphiql.min.css"], "GraphiQL (its fonts are inlined in the stylesheet)"),
    ("@graphiql/plugin-explorer", "1.0.2", ["dist/index.umd.js", "dist/style.css"], "GraphiQL's query explorer"),
]
# A package whose tarball has no licence file: the licence of the repository it is published from.
LICENCE_FROM = {"@graphiql/plugin-explorer": "graphiql"}


def sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def repository(value: object) -> str:
    """package.json's `repository`: a string or an object with a url."""
    if isinstance(value, dict):
        return str(value.get("url", ""))
    return str(value or "")


def pack(name: str, version: str, into: Path) -> tuple[Path, dict[str, str]]:
    result = subprocess.run(
        ["npm", "pack", f"{name}@{version}", "--json", "--pack-destination", str(into)],
        capture_output=True,
        text=True,
        check=True,
    )
    info = json.loads(result.stdout)[0]
    tarball = into / info["filename"]
    algorithm, _, expected = info["integrity"].partition("-")
    digest = base64.b64encode(hashlib.new(algorithm, tarball.read_bytes()).digest()).decode()
    if digest != expected:
        raise SystemExit(f"{name}@{version}: the tarball does not match the registry's integrity {info['integrity']}")
    return tarball, {"integrity": info["integrity"], "tarball": info["filename"]}


def main() -> int:
    if shutil.which("npm") is None:
        print("npm is needed: apt-get install -y npm", file=sys.stderr)
        return 1
    provenance: list[dict[str, object]] = []
    licences: dict[str, Path] = {}
    shutil.rmtree(VENDOR, ignore_errors=True)
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        for name, version, files, purpose in PACKAGES:
            tarball, info = pack(name, version, work)
            unpacked = work / name.replace("/", "+")
            with tarfile.open(tarball) as archive:
                archive.extractall(unpacked, filter="data")
            package = unpacked / "package"
            meta = json.loads((package / "package.json").read_text(encoding="utf-8"))
            target = VENDOR / name
            target.mkdir(parents=True, exist_ok=True)
            copied: dict[str, str] = {}
            for file in files:
                destination = target / Path(file).name
                shutil.copyfile(package / file, destination)
                copied[destination.relative_to(VENDOR).as_posix()] = sha256(destination)
            licence = next((p for p in sorted(package.iterdir()) if p.name.upper().startswith(("LICENSE", "LICENCE"))), None)
            if licence is None:
                licence = licences[LICENCE_FROM[name]]
            licences[name] = licence
            shutil.copyfile(licence, target / "LICENSE")
            copied[(target / "LICENSE").relative_to(VENDOR).as_posix()] = sha256(target / "LICENSE")
            provenance.append(
                {
                    "package": name,
                    "version": version,
                    "licence": meta.get("license", ""),
                    "repository": repository(meta.get("repository")),
                    "source": "npm registry, fetched with npm pack",
                    "integrity": info["integrity"],
                    "tarball": info["tarball"],
                    "purpose": purpose,
                    "files": copied,
                }
            )
    (VENDOR / "PROVENANCE.json").write_text(json.dumps(provenance, indent=2) + "\n", encoding="utf-8")
    print(f"vendored {len(provenance)} packages into {VENDOR.relative_to(ROOT)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
