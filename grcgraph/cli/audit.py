"""History and audit commands: an evidence item's history, `audit verify` (the log chain, the
stored records against the log, evidence files), signing keys, and the audit pack with its
offline check."""

from __future__ import annotations

import json
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer
from rich.markup import escape

from grcgraph.cli.common import DataDirOption, MemoryOption, StoreOption, WorkspaceOption, app, console, errors, fail, opened
from grcgraph.cli.evidence import evidence_app
from grcgraph.config import DEFAULT_WORKSPACE

if TYPE_CHECKING:
    from grcgraph.model import HistoryEntry

audit_app = typer.Typer(help="Tamper evidence: verify the history, sign it, and make or check an audit pack.", no_args_is_help=True)
key_app = typer.Typer(help="Ed25519 signing keys for audit packs.", no_args_is_help=True)
app.add_typer(audit_app, name="audit")
audit_app.add_typer(key_app, name="key")


def _print_history(found: list[HistoryEntry], as_json: bool) -> None:
    if as_json:
        from dataclasses import asdict

        console.print_json(json.dumps([asdict(e) for e in found]))
        return
    for entry in found:
        console.print(
            f"#{entry.sequence} {entry.time} {entry.operation} by {entry.agent}  {entry.hash[:16]}", markup=False, highlight=False
        )
        for change in entry.changes:
            console.print(f"  {change.operation} {change.kind} {change.id}", markup=False, highlight=False)
            for name in sorted(set(change.before) | set(change.after)):
                old, new = change.before.get(name), change.after.get(name)
                if old != new:
                    shown = f"{'|'.join(old) if old else '-'} -> {'|'.join(new) if new else '-'}"
                    console.print(f"    {name}: {shown}", markup=False, highlight=False)


@evidence_app.command("history")
def evidence_history(
    evidence_id: Annotated[str, typer.Argument(metavar="EVIDENCE_ID")],
    as_json: Annotated[bool, typer.Option("--json", help="Print the entries as JSON.")] = False,
    workspace: WorkspaceOption = DEFAULT_WORKSPACE,
    data_dir: DataDirOption = None,
    store_url: StoreOption = None,
    memory: MemoryOption = False,
) -> None:
    """Every change to one evidence item and its links: when, by whom, which operation, values before and after."""
    from grcgraph.errors import NotFoundError

    with opened(data_dir, memory, store_url, workspace=workspace) as graph:
        try:
            found = graph.history("evidence", evidence_id)
        except NotFoundError as error:
            raise fail(str(error)) from None
    if not found:
        raise fail(f"no history for evidence {evidence_id!r} in workspace {workspace!r}")
    _print_history(found, as_json)


@audit_app.command()
def verify(
    artefacts: Annotated[
        Path | None, typer.Option("--artefacts", help="Re-check the SHA-256 of every evidence file (file: location) under DIR.")
    ] = None,
    workspace: WorkspaceOption = DEFAULT_WORKSPACE,
    data_dir: DataDirOption = None,
    store_url: StoreOption = None,
    memory: MemoryOption = False,
) -> None:
    """Recompute the history's hash chain and check that the store holds exactly what the log produces; exit 1 naming the first mismatch."""
    with opened(data_dir, memory, store_url, workspace=workspace) as graph:
        report = graph.verify(artefacts)
    files = f", {report.artefacts} evidence files" if artefacts is not None else ""
    if report.ok:
        console.print(
            f"OK: {report.entries} log entries, {report.records} records{files}; head {report.head}", markup=False, soft_wrap=True
        )
        return
    for finding in report.findings:
        errors.print(f"[red]mismatch:[/red] {escape(str(finding))}", highlight=False, soft_wrap=True)
    raise typer.Exit(1)


@key_app.command("create")
def key_create(
    output: Annotated[Path, typer.Option("--output", "-o", help="Where to write the private key (PEM, owner-only).")],
    signer: Annotated[str, typer.Option("--signer", help="Who vouches with this key, e.g. 'ACME Ltd, GRC office'.")],
) -> None:
    """A new Ed25519 signing key, and its public key beside it (<output>.pub) to give to auditors."""
    from grcgraph.api import GRCGraph

    try:
        public, fingerprint = GRCGraph.create_signing_key(output, signer)
    except (FileExistsError, OSError) as error:
        raise fail(str(error)) from None
    console.print(f"wrote {output} (keep it secret) and {public}; fingerprint {fingerprint}", markup=False)


@audit_app.command()
def pack(
    output: Annotated[Path, typer.Option("--output", "-o", help="The zip to write.")],
    as_of: Annotated[str | None, typer.Option("--as-of", help="The workspace as its history says it was at this instant.")] = None,
    key: Annotated[Path | None, typer.Option("--key", help="Sign the manifest with this Ed25519 key (audit key create).")] = None,
    signer: Annotated[str, typer.Option("--signer", help="Who signs (default: the key's .pub file says).")] = "",
    workspace: WorkspaceOption = DEFAULT_WORKSPACE,
    data_dir: DataDirOption = None,
    store_url: StoreOption = None,
    memory: MemoryOption = False,
) -> None:
    """Write an audit pack: SoA, gap reports, evidence register, explanations, the history and a signed manifest."""
    from grcgraph.api.history import instant
    from grcgraph.errors import InvalidInputError

    try:
        when = instant(as_of, "--as-of") if as_of else None
    except InvalidInputError as error:
        raise fail(f"--as-of: {error.problems[0].message}") from None
    if key is not None and not signer:
        public = key.with_name(key.name + ".pub")
        signer = json.loads(public.read_text(encoding="utf-8")).get("signer", "") if public.is_file() else ""
    with opened(data_dir, memory, store_url, workspace=workspace) as graph:
        try:
            manifest = graph.audit_pack(output, as_of=when, key=key, signer=signer)
        except (OSError, ValueError) as error:
            raise fail(str(error)) from None
    files = manifest["files"]
    assert isinstance(files, dict)
    console.print(f"wrote {output}: {len(files)} files{', signed' if key else ''}", markup=False)


@audit_app.command("verify-pack")
def verify_pack(
    path: Annotated[Path, typer.Argument(help="The audit pack (zip).")],
    public_key: Annotated[
        Path | None, typer.Option("--public-key", help="The signer's public key (.pub): the pack must be signed by it.")
    ] = None,
) -> None:
    """Check an audit pack offline, without any store: every file against the manifest, the history chain, the signature."""
    from grcgraph.api import GRCGraph

    try:
        manifest, findings = GRCGraph.verify_pack(path, public_key)
    except (OSError, ValueError, KeyError) as error:
        raise fail(str(error)) from None
    if findings:
        for finding in findings:
            errors.print(f"[red]mismatch:[/red] {escape(str(finding))}", highlight=False, soft_wrap=True)
        raise typer.Exit(1)
    files = manifest.get("files", {})
    count = len(files) if isinstance(files, dict) else 0
    console.print(f"OK: {count} files match the manifest; workspace {manifest.get('workspace')}", markup=False)
