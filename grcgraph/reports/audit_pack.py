"""The audit pack: a zip an auditor checks offline, without grcgraph's store.

It holds the reports (files given by the facade), the history log (`history/*.jsonl`, one JSON
line per entry, as in the store's log files) with its head, a manifest naming every file with its
SHA-256, and, when the organisation signs, `signature.json`: an Ed25519 signature (the
`cryptography` library) over the manifest's bytes, with the public key and who signs. The
manifest holds the log heads, so the signature vouches for the log, and through the hashes for
every report. `verify_pack` needs only this module and the zip.
"""

from __future__ import annotations

import base64
import datetime as dt
import hashlib
import json
import zipfile
from collections.abc import Mapping
from pathlib import Path

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey

from grcgraph.model import Finding
from grcgraph.store.history import GENESIS, Entry

FORMAT = "grcgraph-audit-pack/1"
MANIFEST, SIGNATURE = "manifest.json", "signature.json"


# --- keys -------------------------------------------------------------------------------------
def create_key(path: Path, signer: str) -> tuple[Path, str]:
    """Write a new Ed25519 private key to `path` (PEM, readable by its owner only) and its public
    key beside it (`<path>.pub`, with the signer's name); the public key's path and fingerprint."""
    if path.exists():
        raise FileExistsError(f"{path} exists: a signing key is never overwritten")
    key = Ed25519PrivateKey.generate()
    pem = key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption())
    path.parent.mkdir(parents=True, exist_ok=True)
    path.touch(mode=0o600)
    path.write_bytes(pem)
    public = path.with_name(path.name + ".pub")
    raw = key.public_key().public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)
    public.write_text(json.dumps({"signer": signer, "public_key": base64.b64encode(raw).decode()}, indent=1) + "\n", encoding="utf-8")
    return public, fingerprint(raw)


def fingerprint(raw: bytes) -> str:
    return "SHA256:" + hashlib.sha256(raw).hexdigest()[:32]


def load_key(path: Path) -> Ed25519PrivateKey:
    key = serialization.load_pem_private_key(path.read_bytes(), password=None)
    if not isinstance(key, Ed25519PrivateKey):
        raise ValueError(f"{path} is not an Ed25519 private key")
    return key


def public_key_of(path: Path) -> bytes:
    """The raw public key in a `.pub` file written by `create_key`."""
    return base64.b64decode(json.loads(path.read_text(encoding="utf-8"))["public_key"])


# --- writing ----------------------------------------------------------------------------------
def write_pack(
    out: Path,
    files: Mapping[str, bytes],
    logs: Mapping[str, list[Entry]],
    about: Mapping[str, str],
    *,
    key: Ed25519PrivateKey | None = None,
    signer: str = "",
) -> dict[str, object]:
    """Write the pack; its manifest. `files`: report name -> bytes; `logs`: log name -> entries."""
    contents = dict(files)
    heads = {}
    for name, entries in logs.items():
        contents[f"history/{name}.jsonl"] = b"".join(e.line() for e in entries)
        heads[name] = {"sequence": entries[-1].sequence if entries else 0, "hash": entries[-1].hash if entries else GENESIS}
    manifest: dict[str, object] = {
        "format": FORMAT,
        **about,
        "created": dt.datetime.now(dt.UTC).replace(microsecond=0).isoformat().replace("+00:00", "Z"),
        "heads": heads,
        "files": {name: hashlib.sha256(data).hexdigest() for name, data in sorted(contents.items())},
    }
    manifest_bytes = json.dumps(manifest, indent=1, sort_keys=True).encode("utf-8") + b"\n"
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as pack:
        for name, data in sorted(contents.items()):
            pack.writestr(name, data)
        pack.writestr(MANIFEST, manifest_bytes)
        if key is not None:
            raw = key.public_key().public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)
            signature = {
                "signer": signer,
                "public_key": base64.b64encode(raw).decode(),
                "fingerprint": fingerprint(raw),
                "signature": base64.b64encode(key.sign(manifest_bytes)).decode(),
                "signed": MANIFEST,
            }
            pack.writestr(SIGNATURE, json.dumps(signature, indent=1) + "\n")
    return manifest


# --- checking, offline --------------------------------------------------------------------------
def verify_pack(path: Path, public_key: bytes | None = None) -> tuple[dict[str, object], list[Finding]]:
    """Check a pack: every file the manifest names is there with its SHA-256 and no other is, each
    log's chain and head, and the signature (against `public_key` when given). The manifest (empty
    if unreadable) and what does not match, files first."""
    try:
        pack = zipfile.ZipFile(path)
    except (OSError, zipfile.BadZipFile) as error:
        return {}, [Finding(f"pack {path}", f"cannot be read as a zip: {error}")]
    with pack:
        names = set(pack.namelist())
        if MANIFEST not in names:
            return {}, [Finding(f"file {MANIFEST}", "is missing: the pack cannot be checked")]
        manifest_bytes = pack.read(MANIFEST)
        try:
            manifest = json.loads(manifest_bytes)
            listed: dict[str, str] = dict(manifest["files"])
        except (ValueError, KeyError, TypeError):
            return {}, [Finding(f"file {MANIFEST}", "is not a grcgraph manifest")]
        findings: list[Finding] = []
        for name, digest in sorted(listed.items()):
            if name not in names:
                findings.append(Finding(f"file {name}", "is missing from the pack"))
            elif hashlib.sha256(pack.read(name)).hexdigest() != digest:
                findings.append(Finding(f"file {name}", "was altered (its SHA-256 differs from the manifest's)"))
        for name in sorted(names - set(listed) - {MANIFEST, SIGNATURE}):
            findings.append(Finding(f"file {name}", "was added: the manifest does not name it"))
        heads = manifest.get("heads", {})
        for log, head in sorted(heads.items()):
            name = f"history/{log}.jsonl"
            if name in names:
                findings += _check_log(name, pack.read(name), head)
        findings += _check_signature(names, pack, manifest_bytes, public_key)
    return manifest, findings


def _check_log(name: str, data: bytes, head: Mapping[str, object]) -> list[Finding]:
    previous, sequence = GENESIS, 0
    for number, line in enumerate(data.splitlines(), start=1):
        try:
            entry = Entry.from_line(line)
        except (ValueError, KeyError, TypeError):
            return [Finding(f"file {name} line {number}", "is not a log entry")]
        if entry.previous != previous or entry.sequence != sequence + 1:
            return [Finding(f"file {name} entry {entry.sequence}", "does not follow the entry before it")]
        if entry.digest() != entry.hash:
            return [Finding(f"file {name} entry {entry.sequence}", "was changed (its content no longer matches its hash)")]
        previous, sequence = entry.hash, entry.sequence
    if (sequence, previous) != (head.get("sequence"), head.get("hash")):
        return [Finding(f"file {name}", f"ends at entry {sequence}, not at the head the manifest names")]
    return []


def _check_signature(names: set[str], pack: zipfile.ZipFile, manifest: bytes, public_key: bytes | None) -> list[Finding]:
    if SIGNATURE not in names:
        return [Finding(f"file {SIGNATURE}", "is missing, and a public key was given")] if public_key else []
    try:
        signature = json.loads(pack.read(SIGNATURE))
        raw = base64.b64decode(signature["public_key"])
        Ed25519PublicKey.from_public_bytes(raw).verify(base64.b64decode(signature["signature"]), manifest)
    except InvalidSignature:
        return [Finding(f"file {SIGNATURE}", f"does not sign this {MANIFEST}: the manifest was altered or signed by another key")]
    except (ValueError, KeyError, TypeError):
        return [Finding(f"file {SIGNATURE}", "is not a grcgraph signature")]
    if public_key is not None and raw != public_key:
        return [Finding(f"file {SIGNATURE}", f"is signed by key {fingerprint(raw)}, not by the key given ({fingerprint(public_key)})")]
    return []
