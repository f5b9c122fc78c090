"""API tokens for the GraphQL server: create, list and revoke (for any workspace: the CLI is the operator)."""

from __future__ import annotations

from enum import StrEnum
from typing import Annotated

import typer

from grcgraph.cli.common import DataDirOption, StoreOption, app, console, errors, fail, opened
from grcgraph.config import DEFAULT_WORKSPACE, WORKSPACE_ENV

token_app = typer.Typer(help="API tokens for the GraphQL server: create and revoke.", no_args_is_help=True)
app.add_typer(token_app, name="token")


class TokenRole(StrEnum):
    reader = "reader"
    editor = "editor"
    admin = "admin"
    operator = "operator"


@token_app.command("create")
def token_create(
    workspace: Annotated[
        str,
        typer.Option(
            "--workspace",
            "-w",
            envvar=WORKSPACE_ENV,
            help=f"Workspace the token reads (and, for editors, writes); default: ${WORKSPACE_ENV} or {DEFAULT_WORKSPACE!r}, "
            "the one every other command uses.",
            show_default=False,
        ),
    ] = DEFAULT_WORKSPACE,
    role: Annotated[
        TokenRole, typer.Option("--role", help="reader, editor, admin (its workspace's tokens) or operator (every workspace's tokens).")
    ] = TokenRole.reader,
    expires: Annotated[
        str | None, typer.Option("--expires", help="Refused from then on: an ISO 8601 date (UTC midnight) or date-time with a time zone.")
    ] = None,
    data_dir: DataDirOption = None,
    store_url: StoreOption = None,
) -> None:
    """Create an API token and print it once: only its SHA-256 is stored. Run it while the server is stopped."""
    import datetime as dt

    from grcgraph.errors import InvalidInputError

    until: dt.datetime | None = None
    if expires is not None:
        try:
            until = dt.datetime.fromisoformat(expires)
        except ValueError:
            raise fail(f"--expires: {expires[:64]!r} is not an ISO 8601 date or date-time such as 2027-01-31T00:00:00Z") from None
        if until.tzinfo is None:
            if len(expires) > 10:
                raise fail(f"--expires: {expires[:64]!r} has no time zone: add Z or an offset such as +01:00")
            until = until.replace(tzinfo=dt.UTC)
    with opened(data_dir, store_url=store_url, ensure_loaded=False) as graph:
        try:
            token = graph.create_token(workspace, role.value, expires=until)
        except InvalidInputError as error:
            raise fail(str(error)) from None
    token_id = token.split("_")[1]
    until_text = f", expires {until.isoformat()}" if until else ""
    errors.print(
        f"token {token_id} ({role.value} of workspace {workspace!r}{until_text}); store it now, it is not shown again:", markup=False
    )
    console.print(token, markup=False, highlight=False)


@token_app.command("revoke")
def token_revoke(
    token_id: Annotated[str, typer.Argument(metavar="TOKEN_ID")], data_dir: DataDirOption = None, store_url: StoreOption = None
) -> None:
    """Revoke an API token by its id (the 16 hex digits after 'grc_')."""
    from grcgraph.errors import NotFoundError

    with opened(data_dir, store_url=store_url, ensure_loaded=False) as graph:
        try:
            graph.revoke_token(token_id)
        except NotFoundError as error:
            raise fail(str(error)) from None
    console.print(f"token {token_id} revoked.", markup=False)


@token_app.command("list")
def token_list(
    workspace: Annotated[str | None, typer.Option("--workspace", "-w", help="Only this workspace's tokens.")] = None,
    data_dir: DataDirOption = None,
    store_url: StoreOption = None,
) -> None:
    """Every token's record, revoked ones too (never a secret or hash): id, workspace, role, created, expires, last used, revoked."""
    with opened(data_dir, store_url=store_url, ensure_loaded=False) as graph:
        records = graph.tokens(workspace)
    for r in records:
        revoked = f"revoked {r.revoked_at} by {r.revoked_by}" if r.revoked else "live"
        console.print(
            f"{r.id}  {r.workspace}  {r.role.name}  created {r.created} by {r.created_by or '?'}  "
            f"expires {r.expires or 'never'}  last used {r.last_used or 'never'}  {revoked}",
            markup=False,
            highlight=False,
            soft_wrap=True,
        )
