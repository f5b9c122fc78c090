"""API tokens for the GraphQL server: create and revoke (for any workspace: the CLI is the operator)."""

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
    role: Annotated[TokenRole, typer.Option("--role", help="reader, editor or admin.")] = TokenRole.reader,
    data_dir: DataDirOption = None,
    store_url: StoreOption = None,
) -> None:
    """Create an API token and print it once: only its SHA-256 is stored. Run it while the server is stopped."""
    with opened(data_dir, store_url=store_url, ensure_loaded=False) as graph:
        token = graph.create_token(workspace, role.value)
    token_id = token.split("_")[1]
    errors.print(f"token {token_id} ({role.value} of workspace {workspace!r}); store it now, it is not shown again:", markup=False)
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
