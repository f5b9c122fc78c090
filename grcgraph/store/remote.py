"""A store behind a SPARQL 1.1 endpoint (Oxigraph server, Jena Fuseki, GraphDB...), for API servers
that share one store and keep no state of their own.

Reads and updates speak the SPARQL 1.1 Protocol; N-Triples are loaded and graphs read with the
Graph Store HTTP Protocol. The protocol has no query parameters, so bindings become a VALUES block
whose terms pyoxigraph serialises (N-Triples term syntax, which SPARQL shares): user text never
reaches the query as text of its own. A write loads its data into a staging graph of its own, then
one SPARQL update moves it in place: the server applies that update atomically.
"""

from __future__ import annotations

import contextlib
import re
import uuid
from collections.abc import Mapping
from dataclasses import dataclass
from functools import lru_cache

import httpx
import pyoxigraph as ox
from rdflib import Graph, URIRef
from rdflib.term import Identifier

from grcgraph.errors import StoreUnavailableError
from grcgraph.store.base import GraphStore, OxResult, OxTerm, parse_graph, to_ox
from grcgraph.vocab import iris
from grcgraph.vocab.namespace import GRC

RESULTS_JSON = "application/sparql-results+json"
N_TRIPLES = "application/n-triples"
# The first group pattern of a query: bindings join there, before any GROUP BY, as substitutions would.
WHERE = re.compile(r"\bWHERE\s*\{", re.IGNORECASE)
FROM = re.compile(r"\bFROM\b", re.IGNORECASE)
GROUP = re.compile(r"\{(?!\s*SELECT\b)", re.IGNORECASE)
VALUES_HEAD = re.compile(r"\bVALUES\s*(\([^)]*\)|\?\w+)\s*$", re.IGNORECASE)


class RemoteStore(GraphStore):
    """A SPARQL 1.1 query/update endpoint and its Graph Store Protocol endpoint."""

    def __init__(
        self,
        url: str,
        *,
        timeout: float = 10.0,
        query_endpoint: str | None = None,
        update_endpoint: str | None = None,
        graph_endpoint: str | None = None,
    ) -> None:
        base = url.rstrip("/")
        if not re.match(r"^https?://[^\s/]+", base):
            raise ValueError(f"store: {url!r} is not an http(s) URL of a SPARQL endpoint")
        self.location = base
        # Oxigraph server's paths by default; Fuseki's are <dataset>/query, /update and /data.
        self.query_endpoint = query_endpoint or f"{base}/query"
        self.update_endpoint = update_endpoint or f"{base}/update"
        self.graph_endpoint = graph_endpoint or f"{base}/store"
        self.timeout = timeout
        self.client = httpx.Client(timeout=timeout)
        self.reads = 0
        # Every HTTP request made, reads and writes: what a GraphQL request costs against the store.
        self.requests = 0

    def close(self) -> None:
        self.client.close()

    # --- HTTP -------------------------------------------------------------------------------
    def _send(self, method: str, url: str, **kwargs: object) -> httpx.Response:
        self.requests += 1
        try:
            response = self.client.request(method, url, **kwargs)  # type: ignore[arg-type]
        except httpx.TimeoutException:
            raise StoreUnavailableError(f"the store at {url} did not answer within {self.timeout:g} s") from None
        except httpx.HTTPError as error:
            raise StoreUnavailableError(f"cannot reach the store at {url}: {error or type(error).__name__}") from None
        if response.status_code >= 500 or response.status_code in (408, 429):
            raise StoreUnavailableError(f"the store at {url} answered {response.status_code}: {_reason(response)}")
        return response

    def _refused(self, response: httpx.Response, what: str) -> RuntimeError:
        return RuntimeError(f"the store at {self.location} refused {what} ({response.status_code}): {_reason(response)}")

    def _select(self, sparql: str) -> ox.QuerySolutions:
        response = self._send("POST", self.query_endpoint, data={"query": sparql}, headers={"Accept": RESULTS_JSON})
        if response.status_code != 200:
            raise self._refused(response, "a query")
        solutions = ox.parse_query_results(response.content, ox.QueryResultsFormat.JSON)
        assert isinstance(solutions, ox.QuerySolutions)
        return solutions

    # --- GraphStore -------------------------------------------------------------------------
    def _solutions(self, sparql: str, bindings: Mapping[str, Identifier]) -> ox.QuerySolutions:
        return self._select(with_values(sparql, bindings))

    def quads(
        self, subject: ox.NamedNode | ox.BlankNode | None, predicate: ox.NamedNode | None, obj: OxTerm | None, graph: ox.NamedNode
    ) -> list[ox.Quad]:
        self.reads += 1
        for term in (subject, obj):
            if isinstance(term, ox.BlankNode | ox.Triple):
                raise TypeError("a remote store matches IRIs and literals only")
        # Every term is serialised by pyoxigraph (validated IRIs, escaped literals).
        pattern = " ".join(str(term) if term is not None else f"?{name}" for term, name in ((subject, "s"), (predicate, "p"), (obj, "o")))
        solutions = self._select(f"SELECT ?s ?p ?o WHERE {{ GRAPH {graph} {{ {pattern} }} }}")
        found = []
        for row in solutions:
            s, p, o = subject or row["s"], predicate or row["p"], obj or row["o"]
            assert isinstance(s, ox.NamedNode | ox.BlankNode) and isinstance(p, ox.NamedNode) and o is not None
            found.append(ox.Quad(s, p, o, graph))
        return found

    def described(self, predicate: ox.NamedNode, obj: OxTerm, graph: ox.NamedNode) -> list[ox.Quad]:
        self.reads += 1
        if isinstance(obj, ox.BlankNode | ox.Triple):
            raise TypeError("a remote store matches IRIs and literals only")
        solutions = self._select(f"SELECT ?s ?p ?o WHERE {{ GRAPH {graph} {{ ?s {predicate} {obj} ; ?p ?o }} }}")
        found = []
        for row in solutions:
            s, p, o = row["s"], row["p"], row["o"]
            assert isinstance(s, ox.NamedNode | ox.BlankNode) and isinstance(p, ox.NamedNode) and o is not None
            found.append(ox.Quad(s, p, o, graph))
        return found

    def update(self, sparql: str) -> None:
        response = self._send("POST", self.update_endpoint, data={"update": sparql})
        if response.status_code not in (200, 204):
            raise self._refused(response, "an update")

    def load(self, data: bytes, graph: ox.NamedNode) -> None:
        if not data:
            return
        response = self._send("POST", self.graph_endpoint, params={"graph": graph.value}, content=data, headers={"Content-Type": N_TRIPLES})
        if response.status_code not in (200, 201, 204):
            raise self._refused(response, "N-Triples")

    def extend(self, quads: list[ox.Quad]) -> None:
        if quads:
            # pyoxigraph's N-Quads form of each quad is SPARQL syntax for the same terms.
            body = " ".join(f"GRAPH {q.graph_name} {{ {q.subject} {q.predicate} {q.object} }}" for q in quads)
            self.update(f"INSERT DATA {{ {body} }}")

    def add_graph(self, graph: ox.NamedNode) -> None:
        # A graph exists on the server once it holds a triple, and grcgraph's updates name graphs with
        # SILENT: creating an empty one first would only cost a round trip.
        return

    def flush(self) -> None:
        # The server has committed a write by the time it acknowledges it.
        return

    def has_graph(self, name: URIRef) -> bool:
        rows = self._select(f"SELECT ?s WHERE {{ GRAPH {ox.NamedNode(str(name))} {{ ?s ?p ?o }} }} LIMIT 1")
        self.reads += 1
        return any(True for _ in rows)

    def graph_size(self, name: URIRef) -> int:
        self.reads += 1
        rows = list(self._select(f"SELECT (COUNT(*) AS ?n) WHERE {{ GRAPH {ox.NamedNode(str(name))} {{ ?s ?p ?o }} }}"))
        count = rows[0]["n"] if rows else None
        return int(count.value) if isinstance(count, ox.Literal) else 0

    def replace_graph(self, name: URIRef, graph: Graph, digest: str | None = None) -> None:
        # A staging graph of its own, so two loads never mix; MOVE replaces the target in one update.
        staging = ox.NamedNode(f"{iris.STAGING_GRAPH}/{uuid.uuid4().hex}")
        data = graph.serialize(format="nt", encoding="utf-8")
        if digest is not None:
            stamp = ox.Triple(ox.NamedNode(str(name)), ox.NamedNode(str(GRC.sourceDigest)), ox.Literal(digest))
            data += f"{stamp} .\n".encode()
        try:
            self.load(data, staging)
            self.update(f"MOVE SILENT GRAPH {staging} TO GRAPH {ox.NamedNode(str(name))}")
        except BaseException:
            self._drop_quietly(staging)
            raise

    def _drop_quietly(self, graph: ox.NamedNode) -> None:
        # The first failure is the one to report; a stray staging graph is never read.
        with contextlib.suppress(StoreUnavailableError, RuntimeError):
            self.update(f"DROP SILENT GRAPH {graph}")

    def read_graph(self, name: URIRef) -> Graph:
        self.reads += 1
        response = self._send("GET", self.graph_endpoint, params={"graph": str(name)}, headers={"Accept": N_TRIPLES})
        if response.status_code == 404:
            return Graph(identifier=name)
        if response.status_code != 200:
            raise self._refused(response, "a graph read")
        return parse_graph(name, response.content)

    def evaluate(self, sparql: str, graphs: list[ox.NamedNode], timeout: float) -> OxResult:
        names = [g.value for g in graphs]
        shape = query_shape(sparql)
        outside = sorted(set(shape.dataset) - set(names))
        if outside:
            # Not every store lets the protocol's dataset win over the query's own (Virtuoso lets FROM
            # add graphs): a query naming a graph outside `graphs` is refused, never sent.
            raise SyntaxError(f"the query names a graph it may not read: FROM <{outside[0]}>")
        form = {"query": sparql, "default-graph-uri": names, "named-graph-uri": names}
        # A store may answer a CONSTRUCT in SPARQL JSON when asked for both (Virtuoso does): ask for what the form gives.
        headers = {"Accept": N_TRIPLES if shape.triples else RESULTS_JSON}
        self.reads += 1
        response = self._send("POST", self.query_endpoint, data=form, headers=headers, timeout=timeout)
        if 400 <= response.status_code < 500:
            raise SyntaxError(_reason(response))
        if response.status_code != 200:
            raise self._refused(response, "a query")
        kind = response.headers.get("content-type", "").split(";")[0].strip().lower()
        if kind == RESULTS_JSON:
            return ox.parse_query_results(response.content, ox.QueryResultsFormat.JSON)
        if kind == N_TRIPLES:
            return iter([q.triple for q in ox.parse(response.content, ox.RdfFormat.N_TRIPLES)])
        raise self._refused(response, f"a query (answered as {kind or 'no content type'})")

    def ping(self) -> None:
        self._select("SELECT * WHERE { } LIMIT 1")


@dataclass(frozen=True)
class QueryShape:
    triples: bool  # a CONSTRUCT or DESCRIBE
    dataset: tuple[str, ...]  # the graphs its FROM and FROM NAMED clauses name


@lru_cache(maxsize=256)
def query_shape(sparql: str) -> QueryShape:
    """What a read-only query asks for, read by rdflib's SPARQL parser; SyntaxError for anything
    else. A store may run an update sent as a query (Virtuoso does): an update is never sent as one."""
    from rdflib.plugins.sparql.algebra import translateQuery  # noqa: PLC0415 (rdflib's SPARQL engine costs a tenth of a second)
    from rdflib.plugins.sparql.parser import parseQuery  # noqa: PLC0415

    try:
        parsed = parseQuery(sparql)
        query = translateQuery(parsed) if FROM.search(sparql) else None
    except Exception as error:  # the parser's own exceptions (ParseException and others) mean: not a query
        raise SyntaxError(f"not a SPARQL 1.1 query (updates are refused here): {str(error).splitlines()[0][:200]}") from None
    clauses = (query.algebra.get("datasetClause") or []) if query is not None else []
    return QueryShape(
        parsed[1].name in ("ConstructQuery", "DescribeQuery"), tuple(str(c.get("default") or c.get("named")) for c in clauses)
    )


def with_values(sparql: str, bindings: Mapping[str, Identifier]) -> str:
    """`sparql` with `bindings` as a one-row VALUES block opening each of its group patterns: joined
    in every group, the values are in scope wherever the variable is (filters of inner groups too),
    as pyoxigraph's substitutions are. Variable names and terms are serialised by pyoxigraph, which
    validates IRIs and escapes literals. (A sub-SELECT's own group and VALUES data blocks are left
    alone; grcgraph's query texts hold no braces inside string literals.)"""
    if not bindings:
        return sparql
    names = " ".join(str(ox.Variable(name)) for name in bindings)
    terms = []
    for value in bindings.values():
        term = to_ox(value)
        if isinstance(term, ox.BlankNode):
            raise TypeError("a blank node cannot be bound in a query sent to a remote store")
        terms.append(str(term))
    block = f" VALUES ({names}) {{ ({' '.join(terms)}) }} "
    start = WHERE.search(sparql)
    if start is None:
        return f"{sparql}\n{block}"
    out = [sparql[: start.end()], block]
    last = start.end()
    for brace in GROUP.finditer(sparql, start.end()):
        if VALUES_HEAD.search(sparql, 0, brace.start()):
            continue
        out += [sparql[last : brace.end()], block]
        last = brace.end()
    out.append(sparql[last:])
    return "".join(out)


def _reason(response: httpx.Response) -> str:
    text = response.text.strip().splitlines()
    return text[0][:300] if text else response.reason_phrase
