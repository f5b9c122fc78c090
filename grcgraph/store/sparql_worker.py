"""A child process that evaluates read-only SPARQL queries for `grcgraph.sparql_pool`.

pyoxigraph cannot stop a query once it runs (a cartesian product counts for minutes inside one
call), so the endpoint evaluates each query here, and the parent kills this process at the query's
deadline: the CPU and the slot are free at once. It imports pyoxigraph and the standard library
only, so a new one starts in a fraction of a second.

The protocol, over stdin and stdout: each message is a 4-byte big-endian length, then a pickle
(both ends are grcgraph's own processes). A job is a dict: `source` (a snapshot directory to open
read-only, or N-Quads bytes of the visible graphs), `key` (the source's identity, so an unchanged
one is reused), `query`, `graphs` (IRIs), `limit` (rows), `timeout` (seconds). The answer is
`("ok", body, media type)` or `(error kind, message)`, the kinds being "syntax", "timeout", "io".
"""

from __future__ import annotations

import contextlib
import ctypes
import json
import os
import pickle
import signal
import struct
import sys
import time
from typing import Any, BinaryIO

import pyoxigraph as ox

from grcgraph.errors import QueryTimeoutError

HEADER = struct.Struct(">I")
PR_SET_PDEATHSIG = 1  # <linux/prctl.h>


def encode(message: Any) -> bytes:
    data = pickle.dumps(message, protocol=pickle.HIGHEST_PROTOCOL)
    return HEADER.pack(len(data)) + data


def decode(payload: bytes) -> Any:
    return pickle.loads(payload)  # noqa: S301 (both ends are grcgraph's own processes)


def read_message(stream: BinaryIO) -> Any:
    head = stream.read(HEADER.size)
    if len(head) < HEADER.size:
        raise EOFError
    (size,) = HEADER.unpack(head)
    return decode(stream.read(size))


def write_message(stream: BinaryIO, message: Any) -> None:
    stream.write(encode(message))
    stream.flush()


def term(value: object) -> dict[str, str]:
    """One term in the SPARQL 1.1 Query Results JSON format."""
    if isinstance(value, ox.NamedNode):
        return {"type": "uri", "value": value.value}
    if isinstance(value, ox.BlankNode):
        return {"type": "bnode", "value": value.value}
    if isinstance(value, ox.Literal):
        out = {"type": "literal", "value": value.value}
        if value.language:
            out["xml:lang"] = value.language
        elif value.datatype.value != "http://www.w3.org/2001/XMLSchema#string":
            out["datatype"] = value.datatype.value
        return out
    return {"type": "triple", "value": str(value)}


def serialise(result: Any, limit: int, deadline: float) -> tuple[bytes, str]:
    """Results as SPARQL JSON (SELECT, ASK) or N-Triples (CONSTRUCT, DESCRIBE), at most `limit` rows."""
    if isinstance(result, ox.QueryBoolean):
        return json.dumps({"head": {}, "boolean": bool(result)}).encode(), "application/sparql-results+json"
    if isinstance(result, ox.QuerySolutions):
        names = [v.value for v in result.variables]
        rows: list[dict[str, dict[str, str]]] = []
        for solution in result:
            if time.monotonic() > deadline:
                raise QueryTimeoutError
            if len(rows) >= limit:
                break
            rows.append({name: term(solution[name]) for name in names if solution[name] is not None})
        return json.dumps({"head": {"vars": names}, "results": {"bindings": rows}}).encode(), "application/sparql-results+json"
    lines: list[str] = []
    for triple in result:
        if time.monotonic() > deadline:
            raise QueryTimeoutError
        if len(lines) >= limit:
            break
        lines.append(f"{triple} .")
    return ("\n".join(lines) + "\n").encode(), "application/n-triples"


class Worker:
    def __init__(self) -> None:
        self.key: object = None
        self.store: ox.Store | None = None

    def open(self, key: object, source: str | bytes | None) -> ox.Store:
        if self.store is None or key != self.key:
            self.store = None  # release the previous snapshot before opening the next
            if isinstance(source, str):
                self.store = ox.Store.read_only(source)
            else:
                self.store = ox.Store()
                if source:
                    self.store.bulk_load(source, ox.RdfFormat.N_QUADS)
            self.key = key
        return self.store

    def answer(self, job: dict[str, Any]) -> tuple[Any, ...]:
        deadline = time.monotonic() + float(job["timeout"])
        try:
            store = self.open(job["key"], job.get("source"))
            graphs = [ox.NamedNode(iri) for iri in job["graphs"]]
            result = store.query(job["query"], default_graph=list(graphs), named_graphs=list(graphs))
            body, media = serialise(result, int(job["limit"]), deadline)
        except SyntaxError as error:
            return ("syntax", str(error).splitlines()[0][:300] if str(error) else "syntax error")
        except QueryTimeoutError:
            return ("timeout", "the deadline passed")
        except (OSError, ValueError, TypeError) as error:
            return ("io", str(error)[:300])
        return ("ok", body, media)


def die_with_parent() -> None:
    """Ask Linux to kill this process when the server dies (even by kill -9), so that no query
    outlives the server; elsewhere a worker ends when it next reads its closed input."""
    if sys.platform.startswith("linux"):
        with contextlib.suppress(OSError, AttributeError):
            ctypes.CDLL(None, use_errno=True).prctl(PR_SET_PDEATHSIG, signal.SIGKILL)
    if os.getppid() == 1:  # the server died before the request above was made
        sys.exit(0)


def main() -> None:
    die_with_parent()
    worker = Worker()
    stdin, stdout = sys.stdin.buffer, sys.stdout.buffer
    write_message(stdout, ("ready",))
    while True:
        try:
            job = read_message(stdin)
        except EOFError:
            return
        write_message(stdout, worker.answer(job))


if __name__ == "__main__":
    main()
