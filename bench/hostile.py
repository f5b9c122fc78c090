"""What hostile requests cost a real server, each beside the HTTP floor (a trivial `{ viewer {
workspace } }` through the same server and token check) measured in the same run:

- the refusal of documents that fan out through fragments (fragment i spreads fragment i-1
  twice): 2^16 copies (0.44 s before each fragment was measured once) and 2^40;
- the refusal of an anonymous request carrying the 2^40 document (401 before it is read);
- a small SPARQL query (evaluated in a worker process over a store snapshot), and the same query
  right after a write (a new snapshot first);
- how long after a cartesian-product SPARQL query is stopped at its deadline the next query is
  answered (before: never, until a restart).

Usage (from the repository root): python -m bench.hostile [--samples 50]
"""

from __future__ import annotations

import argparse
import tempfile
import time
from pathlib import Path

import httpx

from bench.run import FLOOR_QUERY, WORKSPACE, WRITE_MUTATION, percentiles, timed
from bench.server import Server

SMALL_SPARQL = "SELECT ?s WHERE { ?s ?p ?o } LIMIT 1"
CARTESIAN = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i }"
SPARQL_TIMEOUT = 1.0


def fan_out(levels: int, n: int = 0) -> str:
    """A new text for each `n` (a comment), so that every request is parsed and checked anew."""
    fragments = ["fragment F0 on Query { frameworks { prefix } }"]
    fragments += [f"fragment F{i} on Query {{ ...F{i - 1} ...F{i - 1} }}" for i in range(1, levels + 1)]
    return f"# {n}\nquery {{ ...F{levels} }}\n" + "\n".join(fragments)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--samples", type=int, default=50)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as work:
        env = {"GRCGRAPH_SPARQL_TIMEOUT": str(SPARQL_TIMEOUT)}
        with Server(Path(work) / "store", WORKSPACE, env=env) as server:
            rows = measure(server, args.samples)
    floor = rows[0][1]
    print("| figure | p50 | x floor | p99 |\n|---|---:|---:|---:|")
    for name, p50, p99 in rows:
        print(f"| {name} | {p50:.2f} ms | {p50 / floor:.1f} | {p99:.2f} ms |")


def measure(server: Server, samples: int) -> list[tuple[str, float, float]]:
    client = server.client
    anonymous = httpx.Client(base_url=server.url, timeout=60)
    for _ in range(10):
        server.data(FLOOR_QUERY)
        client.get("/sparql", params={"query": SMALL_SPARQL})  # starts a worker and takes a snapshot

    def refused(text: str, http: httpx.Client = client) -> None:
        response = http.post("/graphql", json={"query": text})
        codes = [e["extensions"]["code"] for e in response.json().get("errors", [])]
        if (response.status_code, codes) not in ((200, ["QUERY_TOO_COMPLEX"]), (401, ["UNAUTHENTICATED"])):
            raise RuntimeError(f"not refused: {response.status_code} {response.text[:300]}")

    def sparql(n: int) -> None:
        response = client.get("/sparql", params={"query": SMALL_SPARQL})
        if response.status_code != 200:
            raise RuntimeError(response.text)

    def written_then_sparql(n: int) -> None:
        server.data(WRITE_MUTATION, {"input": {"id": f"hostile-{n}-{time.monotonic_ns()}", "title": "t", "kind": "POLICY"}})
        sparql(n)

    figures: list[tuple[str, list[float]]] = []
    floor = timed(lambda n: server.data(FLOOR_QUERY), samples)
    figures.append(("HTTP floor", floor))
    figures.append(("refusal, fan-out to 2^16 fields, a new text", timed(lambda n: refused(fan_out(16, n)), samples)))
    figures.append(("refusal, fan-out to 2^40 fields, a new text", timed(lambda n: refused(fan_out(40, n)), samples)))
    figures.append(("refusal, fan-out to 2^40 fields, a text seen before", timed(lambda n: refused(fan_out(40)), samples)))
    figures.append(("refusal, anonymous 2^40 fan-out (401)", timed(lambda n: refused(fan_out(40, n), anonymous), samples)))
    figures.append(("SPARQL small query (worker process)", timed(sparql, samples)))
    figures.append(("SPARQL small query after a write (new snapshot)", timed(written_then_sparql, max(samples // 2, 1))))
    write_alone = timed(
        lambda n: server.data(WRITE_MUTATION, {"input": {"id": f"w-{n}-{time.monotonic_ns()}", "title": "t", "kind": "POLICY"}}),
        max(samples // 2, 1),
    )
    figures.append(("write alone (for the line above)", write_alone))

    def recovered(n: int) -> None:
        if client.get("/sparql", params={"query": CARTESIAN}).status_code != 400:
            raise RuntimeError("the cartesian product was not stopped")
        began = time.perf_counter()
        sparql(n)
        after.append((time.perf_counter() - began) * 1000)

    after: list[float] = []
    timed(recovered, 3)
    figures.append((f"next SPARQL query after one stopped at {SPARQL_TIMEOUT:g} s", after))
    anonymous.close()
    return [(name, *percentiles(values)) for name, values in figures]


if __name__ == "__main__":
    main()
