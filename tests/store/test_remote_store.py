"""The remote store: real stores on loopback, each test run against `oxigraph serve` (PyPI package
`oxigraph`) and OpenLink Virtuoso 7 (Debian), used directly
through RemoteStore and by `grcgraph load/token/serve --store URL`, with two API servers sharing it."""

from __future__ import annotations

import re
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pyoxigraph as ox
import pytest
from rdflib import Graph, Literal, URIRef
from repo import ROOT
from scenarios import every_mutation_and_the_reports
from servers import ApiServer, cli

from bench.processes import CLI, OxigraphServer, StoreServer, VirtuosoServer, clean_env, free_port
from grcgraph.errors import StoreUnavailableError
from grcgraph.store import connect_store, open_store
from grcgraph.store.remote import RemoteStore, with_values
from grcgraph.vocab import iris

HOSTILE = [
    'quote " and \' and """ triple',
    "brace } ; DROP ALL ; INSERT DATA { <a> <b> <c> } #",
    "angle > < <http://evil/> .",
    "new\nline\r\tand \\ backslash \\u0022",
    "DROP ALL",
    ") } } UNION { ?s ?p ?o",
]
G = ox.NamedNode("https://example.org/graph/test")
S = ox.NamedNode("https://example.org/s")
P = ox.NamedNode("https://example.org/p")


ENGINES = {"oxigraph": OxigraphServer, "virtuoso": VirtuosoServer}


@pytest.fixture(scope="module", params=sorted(ENGINES))
def engine(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Iterator[StoreServer]:
    """Each store engine in turn: Oxigraph's server (PyPI) and OpenLink Virtuoso 7 (Debian's
    virtuoso-opensource-7, which .ci/run installs)."""
    server = ENGINES[request.param](tmp_path_factory.mktemp(request.param))
    server.start()
    yield server
    server.stop()


@pytest.fixture
def remote(engine: StoreServer) -> Iterator[RemoteStore]:
    store = connect_store(engine.url, **engine.endpoint_options)
    assert isinstance(store, RemoteStore)
    store.update(f"CLEAR SILENT GRAPH {G}")  # Virtuoso refuses DROP of a graph made by inserting into it
    yield store
    store.close()


# --- RemoteStore against the real server ----------------------------------------------------------
def test_load_quads_update_and_read_graph(remote: RemoteStore) -> None:
    remote.add_graph(G)
    remote.load(f"{S} {P} {ox.Literal('one')} .\n{S} {P} {ox.Literal('two', language='en')} .\n".encode(), G)
    assert {q.object for q in remote.quads(S, P, None, G)} == {ox.Literal("one"), ox.Literal("two", language="en")}
    assert [q.object for q in remote.quads(None, None, ox.Literal("one"), G)] == [ox.Literal("one")]
    assert remote.has_graph(URIRef(G.value)) and remote.graph_size(URIRef(G.value)) == 2
    remote.update(f"DELETE DATA {{ GRAPH {G} {{ {S} {P} {ox.Literal('one')} }} }}")
    graph = remote.read_graph(URIRef(G.value))
    assert set(graph) == {(URIRef(S.value), URIRef(P.value), Literal("two", lang="en"))}
    assert len(remote.read_graph(URIRef("https://example.org/graph/none"))) == 0
    assert not remote.has_graph(URIRef("https://example.org/graph/none"))


def test_query_with_bindings_is_values_not_text(remote: RemoteStore) -> None:
    remote.extend([ox.Quad(S, P, ox.Literal(text), G) for text in HOSTILE])
    query = f"SELECT ?o ?q WHERE {{ GRAPH {G} {{ ?s ?p ?o FILTER(?o = ?q) }} }}"
    for text in HOSTILE:
        rows = list(remote.query(query, {"q": Literal(text)}))
        assert [str(row[0]) for row in rows] == [text], text
        # the value sits in a VALUES block as one escaped literal, never as query text of its own
        assert "DROP ALL ;" not in with_values(query, {"q": Literal(text)}).replace(str(ox.Literal(text)), "")
    assert sorted(str(q.object.value) for q in remote.quads(S, P, None, G)) == sorted(HOSTILE), "nothing was dropped"
    assert remote.graph_size(URIRef("https://example.org/graph/none")) == 0
    assert remote.graph_size(URIRef(G.value)) == len(remote.quads(None, None, None, G))
    with pytest.raises(ValueError, match="IRI"):
        remote.query(query, {"q": URIRef("http://evil/> } ; DROP ALL ; <x")})


def test_bindings_join_before_grouping(remote: RemoteStore) -> None:
    remote.extend([ox.Quad(S, P, ox.Literal(str(n)), G) for n in range(3)] + [ox.Quad(P, P, ox.Literal("x"), G)])
    query = f"SELECT ?s (COUNT(?o) AS ?n) WHERE {{ GRAPH {G} {{ ?s ?p ?o }} }} GROUP BY ?s"
    rows = list(remote.query(query, {"s": URIRef(S.value)}))
    assert [(str(s), int(n)) for s, n in rows] == [(S.value, 3)]  # type: ignore[arg-type]


def test_replace_graph_is_atomic_and_stamped(remote: RemoteStore, monkeypatch: pytest.MonkeyPatch) -> None:
    name = URIRef("https://example.org/graph/replaced")
    first = Graph()
    first.add((URIRef(S.value), URIRef(P.value), Literal("old")))
    remote.replace_graph(name, first, "digest-1")
    assert remote.digest(name) == "digest-1"
    second = Graph()
    second.add((URIRef(S.value), URIRef(P.value), Literal("new")))
    remote.replace_graph(name, second, "digest-2")
    assert {str(o) for _, _, o in remote.read_graph(name)} == {"new", "digest-2"}
    # a write cut off after the staging load leaves the old graph whole, and no staging graph behind
    update = remote.update

    def cut_off(sparql: str) -> None:
        if sparql.startswith("MOVE"):
            raise StoreUnavailableError("cut off")
        update(sparql)

    monkeypatch.setattr(remote, "update", cut_off)
    with pytest.raises(StoreUnavailableError):
        remote.replace_graph(name, first, "digest-3")
    assert remote.digest(name) == "digest-2"
    staging = list(
        remote.query(
            "SELECT ?g WHERE { GRAPH ?g { } FILTER(STRSTARTS(STR(?g), STR(?prefix))) }", {"prefix": Literal(str(iris.STAGING_GRAPH))}
        )
    )
    assert staging == []


def test_evaluate_restricts_the_dataset(remote: RemoteStore) -> None:
    remote.extend(
        [ox.Quad(S, P, ox.Literal("visible"), G), ox.Quad(S, P, ox.Literal("hidden"), ox.NamedNode("https://example.org/graph/other"))]
    )
    result = remote.evaluate("SELECT ?o WHERE { ?s ?p ?o }", [G], timeout=10)
    assert isinstance(result, ox.QuerySolutions)
    assert {row["o"] for row in result} == {ox.Literal("visible")}
    with pytest.raises(SyntaxError, match=re.escape("may not read: FROM <https://example.org/graph/other>")):
        remote.evaluate("SELECT ?o FROM <https://example.org/graph/other> WHERE { ?s ?p ?o }", [G], timeout=10)
    with pytest.raises(SyntaxError, match="may not read"):  # a prefixed name, as SPARQL reads it
        remote.evaluate("PREFIX x: <https://example.org/graph/> SELECT ?o FROM NAMED x:other WHERE { ?s ?p ?o }", [G], timeout=10)
    mine = remote.evaluate(f"SELECT ?o FROM {G} WHERE {{ ?s ?p ?o }}", [G], timeout=10)
    assert {row["o"] for row in mine} == {ox.Literal("visible")}, "a FROM naming a graph of the dataset is answered"
    triples = list(remote.evaluate("CONSTRUCT { ?s ?p ?o } WHERE { ?s ?p ?o }", [G], timeout=10))  # type: ignore[arg-type]
    assert [t.object for t in triples] == [ox.Literal("visible")]
    with pytest.raises(SyntaxError):
        remote.evaluate("DROP ALL", [G], timeout=10)


def test_unreachable_store_is_a_clear_error() -> None:
    url = f"http://127.0.0.1:{free_port()}"
    store = connect_store(url, timeout=2)
    with pytest.raises(StoreUnavailableError, match=r"cannot reach the store at http://127\.0\.0\.1"):
        store.ping()
    store.close()
    result = subprocess.run([*CLI, "frameworks", "--store", url], capture_output=True, text=True, check=False, env=clean_env(), timeout=120)
    assert result.returncode == 1
    assert "cannot reach the store" in result.stderr and "Traceback" not in result.stderr
    with pytest.raises(ValueError, match="not an http"):
        connect_store("ftp://example.org")


# --- the API over the remote store ---------------------------------------------------------------
@pytest.fixture(scope="module")
def shared(engine: StoreServer) -> Iterator[tuple[ApiServer, ApiServer]]:
    out = cli("load", "--store", engine.url, env=engine.endpoints)
    assert "Loaded the reference graph" in out, "the module's store starts empty"
    tokens: dict[str, str] = {}
    for name, workspace, role in (
        ("editor", "acme", "editor"),
        ("reader", "acme", "reader"),
        ("other", "globex", "editor"),
        ("admin", "acme", "admin"),
    ):
        tokens[name] = cli("token", "create", "--workspace", workspace, "--role", role, "--store", engine.url, env=engine.endpoints)
    first = ApiServer("--store", engine.url, tokens=tokens, env=engine.endpoints)
    second = ApiServer("--store", engine.url, tokens=tokens, env=engine.endpoints)
    first.start()
    second.start()
    yield first, second
    first.stop()
    second.stop()


def test_queries_over_the_remote_store(shared: tuple[ApiServer, ApiServer]) -> None:
    api, _ = shared
    assert httpx.get(f"{api.url}/readyz").json() == {"status": "ready"}
    assert api.data('{ requirement(id: "A.6.2.8") { id: localId } }')["requirement"]["id"] == "iso42001:A.6.2.8"
    frameworks = {f["prefix"] for f in api.data("{ frameworks { prefix } }")["frameworks"]}
    assert {"iso42001", "euaiact"} <= frameworks
    text = api.data('{ requirements(framework: "euaiact", text: "record-keeping", first: 10) { totalCount } }')
    assert text["requirements"]["totalCount"] >= 1


def test_every_mutation_on_the_remote_store(shared: tuple[ApiServer, ApiServer], engine: StoreServer) -> None:
    api, _ = shared
    every_mutation_and_the_reports(api)
    # what the API wrote is in the shared store itself, read there without grcgraph
    query = (
        "SELECT ?t WHERE { GRAPH <https://w3id.org/grcgraph/graph/workspace/acme> { "
        "<https://w3id.org/grcgraph/workspace/acme/system/credit> <http://www.w3.org/2004/02/skos/core#prefLabel> ?t } }"
    )
    assert [row["t"] for row in engine.select(query)] == ["Credit scoring"]


def test_servers_share_writes_and_tokens(shared: tuple[ApiServer, ApiServer], engine: StoreServer) -> None:
    first, second = shared
    first.data('mutation { createEvidence(input: {id: "shared-1", title: "Made on the first", kind: POLICY}) { id: localId } }')
    assert second.data('{ evidence(id: "shared-1") { title } }')["evidence"]["title"] == "Made on the first"
    second.data('mutation { updateEvidence(input: {id: "shared-1", owner: "Second"}) { id: localId } }')
    assert first.data('{ evidence(id: "shared-1") { owner } }')["evidence"]["owner"] == "Second"
    # a token made through one server works on the other; revoked through the other, refused by both
    made = first.data('mutation { createToken(workspace: "acme", role: READER) { id token } }', token="admin")["createToken"]
    second.tokens["fresh"] = made["token"]
    assert second.data("{ viewer { role } }", token="fresh")["viewer"]["role"] == "READER"
    second.data(f'mutation {{ revokeToken(id: "{made["id"]}") {{ revoked }} }}', token="admin")
    first.tokens["fresh"] = made["token"]
    assert first.gql("{ viewer { role } }", token="fresh")["errors"][0]["extensions"]["code"] == "UNAUTHENTICATED"
    # the secret is stored hashed: the store's own files never hold it
    raw = b"".join(p.read_bytes() for p in Path(engine.location).rglob("*") if p.is_file())
    assert made["token"].encode() not in raw
    first.data('mutation { deleteEvidence(id: "shared-1") }')


def test_gap_reports_follow_writes_made_through_another_server(shared: tuple[ApiServer, ApiServer]) -> None:
    first, second = shared
    query = '{ gaps(framework: "iso42001", first: 100) { edges { node { requirement { id: localId } status evidence } } } }'

    def status_of_a628(server: ApiServer) -> tuple[str, list[str]]:
        rows = [e["node"] for e in server.data(query)["gaps"]["edges"] if e["node"]["requirement"]["id"] == "iso42001:A.6.2.8"]
        return rows[0]["status"], rows[0]["evidence"]

    before = status_of_a628(second)  # a report the second server may keep
    first.data(
        'mutation { createEvidence(input: {id: "gap-probe", title: "Probe", kind: POLICY, '
        'links: [{requirement: "A.6.2.8", assertedBy: "auditor"}]}) { id: localId } }'
    )
    after = status_of_a628(second)
    assert "gap-probe" in after[1] and "gap-probe" not in before[1]
    first.data('mutation { deleteEvidence(id: "gap-probe") }')
    assert "gap-probe" not in status_of_a628(second)[1]


def test_injection_shaped_values_round_trip(shared: tuple[ApiServer, ApiServer]) -> None:
    api, other = shared
    for n, text in enumerate(HOSTILE):
        line = " ".join(text.replace("\r", " ").replace("\n", " ").replace("\t", " ").split(" "))  # a title is one line
        stored = api.data(
            "mutation($i: CreateEvidenceInput!) { createEvidence(input: $i) { title description } }",
            {"i": {"id": f"hostile-{n}", "title": line, "description": text, "kind": "POLICY"}},
        )
        assert stored["createEvidence"] == {"title": line, "description": text}
        assert other.data(f'{{ evidence(id: "hostile-{n}") {{ title description }} }}')["evidence"] == {"title": line, "description": text}
        found = api.data("query($t: String!) { requirements(text: $t, first: 5) { totalCount } }", {"t": text})
        assert found["requirements"]["totalCount"] == 0
    assert api.data('{ requirement(id: "A.6.2.8") { id: localId } }')["requirement"]["id"] == "iso42001:A.6.2.8", (
        "the reference graph is intact"
    )
    for n in range(len(HOSTILE)):
        api.data(f'mutation {{ deleteEvidence(id: "hostile-{n}") }}')


def test_restart_of_api_servers_keeps_everything(shared: tuple[ApiServer, ApiServer]) -> None:
    first, second = shared
    first.data('mutation { createEvidence(input: {id: "durable", title: "Kept", kind: POLICY}) { id: localId } }')
    first.stop()
    second.stop()
    first.start()
    assert first.data('{ evidence(id: "durable") { title } }')["evidence"]["title"] == "Kept"
    second.start()
    second.data('mutation { deleteEvidence(id: "durable") }')


def test_store_down_answers_503_and_store_unavailable(shared: tuple[ApiServer, ApiServer], engine: StoreServer) -> None:
    api, _ = shared
    engine.stop()
    try:
        ready = httpx.get(f"{api.url}/readyz", timeout=30)
        assert ready.status_code == 503
        assert ready.json()["status"] == "store unavailable"
        assert httpx.get(f"{api.url}/healthz").status_code == 200, "the process itself is alive"
        body = api.gql('{ evidence(id: "x") { id: localId } }')
        errors: list[dict[str, Any]] = body["errors"]
        assert errors[0]["extensions"]["code"] == "STORE_UNAVAILABLE"
        assert "Traceback" not in str(body) and engine.url not in str(body)
        sparql = httpx.post(
            f"{api.url}/sparql",
            data={"query": "SELECT * WHERE { ?s ?p ?o } LIMIT 1"},
            headers={"Authorization": f"Bearer {api.tokens['reader']}"},
            timeout=30,
        )
        assert sparql.status_code == 503
        assert sparql.json()["errors"][0]["extensions"]["code"] == "STORE_UNAVAILABLE"
    finally:
        engine.start()
    assert httpx.get(f"{api.url}/readyz", timeout=30).status_code == 200
    assert api.data('{ requirement(id: "A.6.2.8") { id: localId } }')["requirement"]["id"] == "iso42001:A.6.2.8"


def test_reports_cost_a_bounded_number_of_store_requests(engine: StoreServer) -> None:
    """The gap report and the evidence links read the workspace in a few requests, however much it holds."""
    from grcgraph.api import GRCGraph
    from grcgraph.reference.build import load_reference

    store = connect_store(engine.url, timeout=60, **engine.endpoint_options)
    assert isinstance(store, RemoteStore)
    load_reference(store)
    costs = []
    for workspace, count in (("few", 5), ("many", 60)):
        g = GRCGraph(store, workspace)
        for n in range(count):
            g.add_evidence(f"e{n}", f"Item {n}", "policy", requirements=["A.6.2.8", "Art. 12(1)"], asserted_by="auditor")
        g.set_applicability("A.10.4", False, "No customers")
        g.gaps("iso42001")  # builds the reference indexes, once per server in the API
        before = store.requests
        frame = g.gaps("iso42001")
        costs.append(store.requests - before)
        assert "covered" in set(frame["status"])
        before = store.requests
        assert len(g.workspace.links()) == 2 * count
        assert store.requests - before == 1
    assert costs[0] == costs[1] <= 10, costs
    store.close()


def test_store_settings_are_checked() -> None:
    from grcgraph.api import open_configured
    from grcgraph.server.settings import Settings, SettingsError

    settings = Settings.load(environ={"GRCGRAPH_STORE": "http://127.0.0.1:7878", "GRCGRAPH_STORE_TIMEOUT": "2.5"})
    assert (settings.store, settings.store_timeout) == ("http://127.0.0.1:7878", 2.5)
    store = open_configured(settings)
    assert isinstance(store, RemoteStore)
    assert (store.query_endpoint, store.update_endpoint, store.graph_endpoint) == (
        "http://127.0.0.1:7878/query",
        "http://127.0.0.1:7878/update",
        "http://127.0.0.1:7878/store",
    )
    store.close()
    fuseki = open_configured(
        Settings.load(environ={"GRCGRAPH_STORE": "http://fuseki:3030/grc", "GRCGRAPH_STORE_GRAPH_ENDPOINT": "http://fuseki:3030/grc/data"})
    )
    assert isinstance(fuseki, RemoteStore) and fuseki.graph_endpoint == "http://fuseki:3030/grc/data"
    fuseki.close()
    with pytest.raises(SettingsError, match="store: 'file:///tmp/x' is not an http"):
        Settings.load(environ={"GRCGRAPH_STORE": "file:///tmp/x"})
    with pytest.raises(SettingsError, match="store_timeout must be positive"):
        Settings.load(environ={"GRCGRAPH_STORE_TIMEOUT": "0"})
    with pytest.raises(SettingsError, match="GRCGRAPH_STORE_TIMEOUT: 'soon' is not a number"):
        Settings.load(environ={"GRCGRAPH_STORE_TIMEOUT": "soon"})


def test_store_and_data_dir_exclude_each_other(tmp_path: Path) -> None:
    result = subprocess.run(
        [*CLI, "frameworks", "--store", "http://127.0.0.1:1", "--data-dir", str(tmp_path)],
        capture_output=True,
        text=True,
        check=False,
        env=clean_env(),
        timeout=120,
    )
    assert result.returncode == 1
    assert "--store names a remote store" in result.stderr


def test_remote_store_benchmark_runs() -> None:
    """bench/remote_store.py on a small organisation: both stores answer alike, and figures print."""
    result = subprocess.run(
        [sys.executable, "-m", "bench.remote_store", "--size", "20", "--samples", "1"],
        capture_output=True,
        text=True,
        check=False,
        env=clean_env(),
        cwd=ROOT,
        timeout=600,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "gaps iso42001, first page of 100" in result.stdout


def test_named_graphs(remote: RemoteStore) -> None:
    remote.extend([ox.Quad(S, P, ox.Literal("x"), G)])
    assert G in remote.named_graphs()
    embedded = open_store(None)
    embedded.extend([ox.Quad(S, P, ox.Literal("x"), G)])
    assert embedded.named_graphs() == [G]
    embedded.close()
