"""A cross-workspace matrix generated from the SDL: every root query and mutation, with every
argument it takes that can name another workspace's data (ids, systems, the workspace itself) set to
workspace alpha's, sent with each of workspace beta's tokens (reader, editor, admin) to a real
server. No answer shows anything of alpha's, and alpha's data and tokens are as they were. Nothing
here lists operations: a field added to the schema joins the matrix by itself."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from graphql import (
    GraphQLEnumType,
    GraphQLInputObjectType,
    GraphQLInputType,
    GraphQLInterfaceType,
    GraphQLList,
    GraphQLNonNull,
    GraphQLObjectType,
    GraphQLOutputType,
    GraphQLScalarType,
    build_schema,
)
from repo import ROOT
from servers import ApiServer, cli

from grcgraph.server.types.node import global_id

SCHEMA = build_schema((ROOT / "server/schema.graphql").read_text(encoding="utf-8"))
SECRET = "ALPHASECRET"
ALPHA_EVIDENCE, ALPHA_SYSTEM = "alpha-ev", "alpha-sys"
# Values by argument or input-field name: those that can point at alpha's data point at it.
BY_NAME: dict[str, Any] = {
    "id": ALPHA_EVIDENCE,
    "evidenceId": ALPHA_EVIDENCE,
    "evidenceIds": [ALPHA_EVIDENCE],
    "system": ALPHA_SYSTEM,
    "workspace": "alpha",
    "framework": "iso42001",
    "frameworks": ["iso42001", "euaiact"],
    "from": "nistairmf",
    "to": "iso42001",
    "first": 5,
    "chainLength": 2,
    "orderBy": "document",
    "descending": False,
    "requirement": "A.6.2.8",
    "control": "iso42001:A.2.2",
    "included": False,
    "reason": "beta reason",
    "role": "READER",
    "title": "beta title",
    "name": "beta name",
    "kind": "POLICY",
    "roles": ["PROVIDER"],
    "category": "MINIMAL",
    "generative": False,
    "assertedBy": "beta",
    "extent": "FULL",
}
# Where one name means another thing: a requirement's id, a token's id (alpha's admin token).
# node(id:) gets the global id of alpha's evidence item.
BY_FIELD: dict[tuple[str, str], str] = {
    ("requirement", "id"): "A.6.2.8",
    ("revokeToken", "id"): "<alpha-admin-id>",
    ("node", "id"): global_id("Evidence", ALPHA_EVIDENCE, "alpha"),
}


def unwrap(kind: Any) -> Any:
    while isinstance(kind, GraphQLNonNull | GraphQLList):
        kind = kind.of_type
    return kind


def value_for(name: str, kind: GraphQLInputType, required: bool) -> Any:
    """A value for an argument or input field: by name when it has one, else a plain one of its type
    when required (None: leave it out)."""
    if name in BY_NAME:
        found = BY_NAME[name]
        return [found] if isinstance(unwrap_list(kind), GraphQLList) and not isinstance(found, list) else found
    if not required:
        return None
    base = kind.of_type if isinstance(kind, GraphQLNonNull) else kind
    if isinstance(base, GraphQLList):
        return [value_for(name, base.of_type, True)]
    if isinstance(base, GraphQLInputObjectType):
        built = {n: value_for(n, f.type, isinstance(f.type, GraphQLNonNull)) for n, f in base.fields.items()}
        return {n: v for n, v in built.items() if v is not None}
    if isinstance(base, GraphQLEnumType):
        return next(iter(base.values))
    return {"Int": 1, "Boolean": False, "Float": 1.0}.get(base.name, "beta")


def unwrap_list(kind: Any) -> Any:
    return kind.of_type if isinstance(kind, GraphQLNonNull) else kind


def selection(kind: GraphQLOutputType, depth: int) -> str:
    """Every scalar field of `kind`, and of the objects under it to `depth`, that needs no argument."""
    base = unwrap(kind)
    if isinstance(base, GraphQLScalarType | GraphQLEnumType):
        return ""
    assert isinstance(base, GraphQLObjectType | GraphQLInterfaceType)
    parts = []
    for name, field in base.fields.items():
        if any(isinstance(arg.type, GraphQLNonNull) and arg.default_value is None for arg in field.args.values()):
            continue
        inner = unwrap(field.type)
        if name == "localId":  # a Node's id in another form: left out to keep the deepest selections within the cost limit
            continue
        if isinstance(inner, GraphQLScalarType | GraphQLEnumType):
            parts.append(name)
        elif depth > 0:
            below = selection(field.type, depth - 1)
            if below:
                parts.append(f"{name} {below}")
    return "{ " + " ".join(parts) + " }" if parts else ""


def operations(alpha_admin: str) -> Iterator[tuple[str, str, dict[str, Any]]]:
    """(field, document, variables) for every root field of the schema."""
    for keyword, root in (("query", SCHEMA.query_type), ("mutation", SCHEMA.mutation_type)):
        assert root is not None
        for name, field in root.fields.items():
            declared, passed, variables = [], [], {}
            for arg_name, arg in field.args.items():
                override = BY_FIELD.get((name, arg_name))
                value = override if override is not None else value_for(arg_name, arg.type, isinstance(arg.type, GraphQLNonNull))
                if value == "<alpha-admin-id>":
                    value = alpha_admin
                if value is None:
                    continue
                declared.append(f"${arg_name}: {arg.type}")
                passed.append(f"{arg_name}: ${arg_name}")
                variables[arg_name] = value
            head = f"{keyword}({', '.join(declared)})" if declared else keyword
            call = f"{name}({', '.join(passed)})" if passed else name
            yield name, f"{head} {{ {call} {selection(field.type, 2)} }}", variables


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[ApiServer]:
    data_dir: Path = tmp_path_factory.mktemp("matrix")
    srv = ApiServer("--data-dir", str(data_dir), ready_seconds=120, request_seconds=60)
    for workspace in ("alpha", "beta"):
        for role in ("reader", "editor", "admin"):
            srv.tokens[f"{workspace}-{role}"] = cli("token", "create", "--workspace", workspace, "--role", role, data_dir=data_dir)
    srv.start()
    srv.data(
        "mutation($e: CreateEvidenceInput!, $s: CreateSystemInput!) { createEvidence(input: $e) { id: localId } createSystem(input: $s) { id: localId } }",
        {
            "e": {
                "id": ALPHA_EVIDENCE,
                "title": f"{SECRET} evidence",
                "kind": "LOG",
                "description": f"{SECRET} description",
                "owner": f"{SECRET}-owner",
                "links": [{"requirement": "A.6.2.8", "assertedBy": f"{SECRET}-auditor"}],
            },
            "s": {
                "id": ALPHA_SYSTEM,
                "name": f"{SECRET} system",
                "roles": ["PROVIDER"],
                "category": "HIGH_RISK_ANNEX_III",
                "generative": False,
            },
        },
        token="alpha-editor",
    )
    srv.data(
        f'mutation {{ setApplicability(control: "iso42001:A.2.2", included: false, reason: "{SECRET} reason") {{ reason }} }}',
        token="alpha-editor",
    )
    yield srv
    srv.stop()


ALPHA_VIEW = (
    '{ evidence(id: "alpha-ev") { title description owner links { requirement { id: localId } assertedBy } } systems { id: localId name } '
    "statementOfApplicability { control { id: localId } included justification } evidenceList(first: 50) { totalCount } }"
)


def test_no_field_reaches_another_workspace(server: ApiServer) -> None:
    before = server.data(ALPHA_VIEW, token="alpha-reader")
    alpha_tokens = server.data("{ tokens { id role revoked } }", token="alpha-admin")["tokens"]
    alpha_admin = server.tokens["alpha-admin"].split("_")[1]
    built = list(operations(alpha_admin))
    assert {name for name, _, _ in built} == {*SCHEMA.query_type.fields, *SCHEMA.mutation_type.fields}  # type: ignore[union-attr]
    tried = 0
    answered: set[tuple[str, str]] = set()
    for name, document, variables in built:
        for role in ("reader", "editor", "admin"):
            response = httpx.post(
                f"{server.url}/graphql",
                json={"query": document, "variables": variables},
                headers={"Authorization": f"Bearer {server.tokens[f'beta-{role}']}"},
                timeout=60,
            )
            tried += 1
            assert response.status_code == 200, (name, role, response.text[:500])
            assert SECRET not in response.text, (name, role, document, response.text[:2000])
            body = response.json()
            if not body.get("errors"):
                answered.add((name, role))
            for error in body.get("errors") or []:
                assert error["extensions"]["code"] != "INTERNAL_SERVER_ERROR", (name, role, error)
            if name in ("createToken", "revokeToken", "tokens") and role == "admin":
                assert body.get("errors"), (name, "an admin of beta names alpha: refused")
                assert body["errors"][0]["extensions"]["code"] in ("FORBIDDEN", "NOT_FOUND"), body
    assert tried == 3 * len(built)
    assert server.data(ALPHA_VIEW, token="alpha-reader") == before, "alpha's data is as it was"
    assert server.data("{ tokens { id role revoked } }", token="alpha-admin")["tokens"] == alpha_tokens, "alpha's tokens too"
    assert server.data("{ viewer { workspace } }", token="alpha-admin")["viewer"] == {"workspace": "alpha"}
    assert len(answered) >= len(built) // 2, f"many fields answer beta with data of its own: {sorted(answered)}"
    assert {"createSystem", "setApplicability", "evidenceList", "requirement"} <= {name for name, _ in answered}, sorted(answered)
