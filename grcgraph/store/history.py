"""The history of a named graph: an append-only log of every write to it, chained by hash.

Every write to a workspace graph (or to the token graph) becomes one log entry: its sequence
number, the hash of the entry before it, when, who (a `prov:Agent`), the operation, and for each
record (a subject of the graph) it changed, the record's triples before and after, as sorted
N-Triples text. An entry's hash is the SHA-256 of its canonical JSON form, which holds the previous
entry's hash, so changing, removing or inserting any entry breaks every hash after it (as in git or
an RFC 6962 log). The entry is stored in the same graph as the data, in the same atomic update (or
the same journaled bulk load), as `prov:Activity` nodes under `<graph>/history/`, with one
`grc:Version` node per record changed (typed by the domain of `grc:record`, not by a triple); the
graph's `grc:historyHead` names the last entry's number and hash, so the current state is bound to
the log head.

Nothing here formats a user value into SPARQL: entries reach the store as N-Triples data (a
`Batch`), and the only IRIs in update texts are the graph's and the head, built by grcgraph.
"""

from __future__ import annotations

import contextlib
import contextvars
import datetime as dt
import getpass
import hashlib
import re
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, field

import orjson
import pyoxigraph as ox

from grcgraph.model import FieldPath
from grcgraph.store.base import GraphStore
from grcgraph.store.batch import RDF_TYPE, XSD_DATETIME, Batch, Lit, Node, escaped, term_text
from grcgraph.vocab.namespace import GRC

PROV = "http://www.w3.org/ns/prov#"
RDFS_LABEL = "http://www.w3.org/2000/01/rdf-schema#label"
XSD_INTEGER = "http://www.w3.org/2001/XMLSchema#integer"
GENESIS = "0" * 64  # the "previous hash" of the first entry
_ENTRY, _VERSION = str(GRC.HistoryEntry), str(GRC.Version)
_SEQUENCE, _PREVIOUS, _HASH, _OPERATION = str(GRC.sequence), str(GRC.previousHash), str(GRC.entryHash), str(GRC.operation)
_RECORD, _CONCERNS, _BEFORE, _AFTER = str(GRC.record), str(GRC.concerns), str(GRC.stateBefore), str(GRC.stateAfter)
_HEAD = str(GRC.historyHead)
_AGENT_NAME = re.compile(r"[^A-Za-z0-9._@-]")
_HEAD_FORM = re.compile(r"^([0-9]{1,18}) ([0-9a-f]{64})$")

# Who is writing: the server sets the token id per request (`acting_as`); otherwise the user running
# the command or the Python process.
_AGENT: contextvars.ContextVar[str | None] = contextvars.ContextVar("grcgraph_agent", default=None)


@contextlib.contextmanager
def acting_as(agent: str) -> Iterator[None]:
    """Writes made inside are logged as made by `agent` ("token:<id>", "user:<name>")."""
    reset = _AGENT.set(agent)
    try:
        yield
    finally:
        _AGENT.reset(reset)


def current_agent() -> str:
    agent = _AGENT.get()
    if agent is None:
        try:
            name = getpass.getuser()
        except (OSError, KeyError):  # no user name in this environment
            name = "unknown"
        agent = f"user:{name}"
    kind, _, name = agent.partition(":")
    return f"{kind}:{_AGENT_NAME.sub('-', name)[:64] or 'unknown'}"


@dataclass(frozen=True, slots=True)
class Change:
    """One record's triples before and after a write ("" when absent), as sorted N-Triples lines."""

    record: str
    before: str
    after: str


@dataclass(slots=True)
class Entry:
    """One log entry: what it says, and its hash (`seal`)."""

    graph: str
    sequence: int
    previous: str
    time: str
    agent: str
    operation: str
    changes: list[Change] = field(default_factory=list)
    hash: str = ""
    sealed: bytes = field(default=b"", repr=False, compare=False)  # the canonical form `seal` hashed

    def canonical(self) -> bytes:
        body = {
            "graph": self.graph,
            "sequence": self.sequence,
            "previous": self.previous,
            "time": self.time,
            "agent": self.agent,
            "operation": self.operation,
            "changes": [[c.record, c.before, c.after] for c in sorted(self.changes, key=lambda c: c.record)],
        }
        # Byte for byte `json.dumps(body, ensure_ascii=False, sort_keys=True, separators=(",", ":"))`,
        # at an eighth of its cost (tests/workspace/test_history.py compares the two).
        return orjson.dumps(body, option=orjson.OPT_SORT_KEYS)

    def digest(self) -> str:
        return hashlib.sha256(self.canonical()).hexdigest()

    def seal(self) -> Entry:
        self.sealed = self.canonical()
        self.hash = hashlib.sha256(self.sealed).hexdigest()
        return self

    def line(self) -> bytes:
        """The entry as one line of the log file: its canonical form and its hash."""
        return b'{"entry": ' + (self.sealed or self.canonical()) + b', "hash": "' + self.hash.encode("ascii") + b'"}\n'

    @classmethod
    def from_line(cls, line: bytes) -> Entry:
        data = orjson.loads(line)
        body = data["entry"]
        changes = [Change(str(r), str(b), str(a)) for r, b, a in body["changes"]]
        return cls(
            str(body["graph"]),
            int(body["sequence"]),
            str(body["previous"]),
            str(body["time"]),
            str(body["agent"]),
            str(body["operation"]),
            changes,
            str(data["hash"]),
        )


def history_base(graph: str) -> str:
    return f"{graph}/history/"


def entry_iri(graph: str, sequence: int) -> str:
    return f"{history_base(graph)}{sequence}"


def agent_iri(graph: str, agent: str) -> str:
    kind, _, name = agent.partition(":")
    return f"{history_base(graph)}agent/{kind}/{name}"


def is_record(graph: str, subject: str) -> bool:
    """Whether `subject` is data of the graph (not its log, nor the graph's own stamps)."""
    return subject != graph and not subject.startswith(history_base(graph))


def state_text(lines: Iterable[str]) -> str:
    return "\n".join(sorted(lines))


def node_state(node: Node) -> str:
    """A batch node's triples as a record state."""
    subject = f"<{node.iri}>"
    lines = [f"{subject} <{RDF_TYPE}> <{node.kind}> ."]
    lines += [f"{subject} <{p}> {term_text(v)} ." for p, values in node.values.items() for v in values]
    node.text = state_text(lines)  # the batch's N-Triples reuse it: each literal is escaped once
    return node.text


def text(term: ox.NamedNode | ox.BlankNode | ox.Literal | ox.Triple) -> str:
    """A term's value (an RDF-star triple, never written by grcgraph, has none)."""
    return "" if isinstance(term, ox.Triple) else term.value


def quad_line(quad: ox.Quad) -> str:
    return f"{quad.subject} {quad.predicate} {quad.object} ."


def states(store: GraphStore, graph: str, subjects: Iterable[str]) -> dict[str, str]:
    """The stored state of each of `subjects` that has triples in `graph`."""
    found: dict[str, list[str]] = {}
    g = ox.NamedNode(graph)
    for subject in subjects:
        for quad in store.quads(ox.NamedNode(subject), None, None, g):
            found.setdefault(subject, []).append(quad_line(quad))
    return {s: state_text(lines) for s, lines in found.items()}


def changes(before: Mapping[str, str], after: Mapping[str, str]) -> list[Change]:
    """The records whose state differs between `before` and `after` (absent: "")."""
    found = []
    for record in sorted(set(before) | set(after)):
        old, new = before.get(record, ""), after.get(record, "")
        if old != new:
            found.append(Change(record, old, new))
    return found


def concerns(graph_base: str, change: Change) -> list[str]:
    """The records of the graph a change names besides its own (a link names its evidence and
    system), sorted: the IRIs under `graph_base` in object position ("> <" before them; a state's
    subject opens its lines and no predicate is under the base). Found with `str.find`: a regular
    expression over the states' literals took a tenth of a bulk import."""
    marker = f"> <{graph_base}"
    named = set()
    for text in (change.before, change.after):
        start = text.find(marker)
        while start >= 0:
            start += 3
            end = text.find(">", start)
            named.add(text[start:end])
            start = text.find(marker, end)
    named.discard(change.record)
    return sorted(named)


def head(store: GraphStore, graph: str) -> tuple[int, str]:
    """The log head: the last entry's number and hash ((0, GENESIS) for an empty log). An entry
    stored past the head (a bulk load whose head update did not run) is taken in."""
    g = ox.NamedNode(graph)
    sequence, digest = 0, GENESIS
    for quad in store.quads(g, ox.NamedNode(_HEAD), None, g):
        match = _HEAD_FORM.match(quad.object.value) if isinstance(quad.object, ox.Literal) else None
        if match:
            sequence, digest = int(match.group(1)), match.group(2)
    while True:
        following = store.quads(ox.NamedNode(entry_iri(graph, sequence + 1)), ox.NamedNode(_HASH), None, g)
        if not following:
            return sequence, digest
        sequence, digest = sequence + 1, text(following[0].object)


def head_operations(graph: str, entry: Entry) -> list[str]:
    """Update operations that set the graph's head to `entry` (its number and hex hash only)."""
    value = f'"{entry.sequence} {entry.hash}"'
    assert _HEAD_FORM.match(value.strip('"'))
    return [
        f"DELETE WHERE {{ GRAPH <{graph}> {{ <{graph}> <{_HEAD}> ?old }} }}",
        f"INSERT DATA {{ GRAPH <{graph}> {{ <{graph}> <{_HEAD}> {value} }} }}",
    ]


def new_entry(store: GraphStore, graph: str, operation: str, found: list[Change]) -> Entry:
    return entry_after(head(store, graph), graph, current_agent(), operation, found)


def entry_after(last: tuple[int, str], graph: str, agent: str, operation: str, found: list[Change]) -> Entry:
    """The sealed entry that follows the log head `last` (its number and hash), made now."""
    sequence, previous = last
    return Entry(graph, sequence + 1, previous, canonical_time(dt.datetime.now(dt.UTC)), agent, operation, found).seal()


def entry_subjects(graph: str, sequence: int, agent: str, changed: int) -> list[str]:
    """The subjects `add_entry` writes for entry `sequence` of `changed` records (its agent's too),
    known before the entry is made: a bulk load journals its subjects before it starts."""
    activity = entry_iri(graph, sequence)
    return [activity, agent_iri(graph, agent), *(f"{activity}/{index}" for index in range(changed))]


def canonical_time(when: dt.datetime) -> str:
    """A UTC instant in xsd:dateTime's canonical form (as the store gives it back): `Z`, and no
    trailing zeros in the fraction of a second."""
    text = when.astimezone(dt.UTC).replace(tzinfo=None).isoformat(timespec="microseconds")
    return text.rstrip("0").rstrip(".") + "Z"


def add_entry(data: Batch, entry: Entry) -> None:
    """The entry as RDF nodes added to `data` (PROV-O: the write is an activity of an agent; each
    record version an entity it generated)."""
    graph = entry.graph
    node = data.node(entry_iri(graph, entry.sequence), _ENTRY, FieldPath())
    node.add(RDF_TYPE, f"{PROV}Activity")
    node.add(_SEQUENCE, Lit(str(entry.sequence), XSD_INTEGER))
    node.add(_PREVIOUS, Lit(entry.previous))
    node.add(_HASH, Lit(entry.hash))
    node.add(_OPERATION, Lit(entry.operation))
    node.add(f"{PROV}startedAtTime", Lit(entry.time, XSD_DATETIME))
    agent = agent_iri(graph, entry.agent)
    node.add(f"{PROV}wasAssociatedWith", agent)
    who = data.node(agent, f"{PROV}Agent", FieldPath())
    who.add(RDFS_LABEL, Lit(entry.agent))
    # A version is written as its lines, without `rdf:type grc:Version`: `grc:record`'s domain
    # entails the type, and a bulk import's 30,000 versions were a fifth of its history's triples,
    # whose number is what the store's load time follows.
    base = graph_base_of(graph)
    generated = f"<{PROV}wasGeneratedBy> <{node.iri}> ."
    root = FieldPath()
    for index, change in enumerate(entry.changes):
        iri = f"{node.iri}/{index}"
        version = data.node(iri, _VERSION, root)
        lines = [f"<{iri}> {generated}", f"<{iri}> <{_RECORD}> <{change.record}> ."]
        if change.before:
            lines.append(f'<{iri}> <{_BEFORE}> "{escaped(change.before)}" .')
        if change.after:
            lines.append(f'<{iri}> <{_AFTER}> "{escaped(change.after)}" .')
        lines += [f"<{iri}> <{_CONCERNS}> <{other}> ." for other in concerns(base, change)]
        version.text = "\n".join(lines)


def graph_base_of(graph: str) -> str:
    """The IRI base of a graph's records: a workspace graph `.../graph/workspace/acme` holds
    `.../workspace/acme/...`; the token graph `.../graph/tokens` holds `.../token/...`."""
    root, _, rest = graph.rpartition("/graph/")
    return f"{root}/{rest}/" if rest.startswith("workspace/") else f"{root}/token/"


# --- reading the log back ---------------------------------------------------------------------
def _values(quads: Iterable[ox.Quad]) -> dict[str, dict[str, list[str]]]:
    nodes: dict[str, dict[str, list[str]]] = {}
    for quad in quads:
        if isinstance(quad.subject, ox.NamedNode) and isinstance(quad.object, ox.NamedNode | ox.Literal):
            nodes.setdefault(quad.subject.value, {}).setdefault(quad.predicate.value, []).append(quad.object.value)
    return nodes


def _entry(graph: str, values: dict[str, list[str]], versions: list[dict[str, list[str]]]) -> Entry:
    def one(values: dict[str, list[str]], prop: str) -> str:
        found = values.get(prop)
        return found[0] if found else ""

    agents = values.get(f"{PROV}wasAssociatedWith", [""])
    agent = agents[0][len(history_base(graph)) + len("agent/") :].replace("/", ":", 1)
    changes = [Change(one(v, _RECORD), one(v, _BEFORE), one(v, _AFTER)) for v in versions]
    return Entry(
        graph,
        int(one(values, _SEQUENCE) or 0),
        one(values, _PREVIOUS),
        one(values, f"{PROV}startedAtTime"),
        agent,
        one(values, _OPERATION),
        sorted(changes, key=lambda c: c.record),
        one(values, _HASH),
    )


def _assembled(graph: str, nodes: Mapping[str, dict[str, list[str]]]) -> list[Entry]:
    """The entries among a graph's history nodes, each with its versions, in sequence order."""
    heads: dict[str, dict[str, list[str]]] = {}
    versions: dict[str, list[dict[str, list[str]]]] = {}
    for iri, values in nodes.items():
        kinds = values.get(RDF_TYPE, ())
        if _ENTRY in kinds:
            heads[iri] = values
        elif _RECORD in values:  # a version (typed grc:Version by the domain of grc:record)
            for activity in values.get(f"{PROV}wasGeneratedBy", []):
                versions.setdefault(activity, []).append(values)
    found = [_entry(graph, values, versions.get(iri, [])) for iri, values in heads.items()]
    return sorted(found, key=lambda e: e.sequence)


def entries(store: GraphStore, graph: str) -> list[Entry]:
    """Every entry of the log as stored, in sequence order. The history nodes are read a property at
    a time (one index scan each), not a node at a time: at 100,000 records a node-at-a-time read
    costs three times as much."""
    g, base = ox.NamedNode(graph), history_base(graph)
    quads = [
        *store.described(ox.NamedNode(RDF_TYPE), ox.NamedNode(_ENTRY), g),
    ]
    for prop in (f"{PROV}wasGeneratedBy", _RECORD, _BEFORE, _AFTER):
        quads += [q for q in store.quads(None, ox.NamedNode(prop), None, g) if text(q.subject).startswith(base)]
    return _assembled(graph, _values(quads))


def scan(store: GraphStore, graph: str) -> tuple[list[Entry], dict[str, str]]:
    """The log's entries and every record as stored now, from one pass over the graph (what
    `verify` needs: reading the two apart would read the graph twice)."""
    base = history_base(graph)
    nodes: dict[str, dict[str, list[str]]] = {}
    records: dict[str, list[str]] = {}
    # The loop is the cost of `verify` (millions of quads at 100,000 items): no call per quad that
    # can be avoided. `getattr`: an RDF-star subject, never written by grcgraph, has no value.
    named, literal = ox.NamedNode, ox.Literal
    for quad in store.every_quad(ox.NamedNode(graph)):
        subject, obj = quad.subject, quad.object
        iri = getattr(subject, "value", "")
        if iri.startswith(base):
            if type(obj) is named or type(obj) is literal:
                found = nodes.get(iri)
                if found is None:
                    found = nodes[iri] = {}
                found.setdefault(quad.predicate.value, []).append(obj.value)
        elif iri != graph:
            line = f"{subject} {quad.predicate} {obj} ."
            lines = records.get(iri)
            if lines is None:
                records[iri] = [line]
            else:
                lines.append(line)
    return _assembled(graph, nodes), {s: state_text(lines) for s, lines in records.items()}


def entries_about(store: GraphStore, graph: str, record: str) -> list[tuple[Entry, list[Change]]]:
    """The entries that changed `record` or a record naming it (a link of evidence), with those changes."""
    g = ox.NamedNode(graph)
    versions = _values(store.described(ox.NamedNode(_RECORD), ox.NamedNode(record), g))
    versions.update(_values(store.described(ox.NamedNode(_CONCERNS), ox.NamedNode(record), g)))
    by_entry: dict[str, list[dict[str, list[str]]]] = {}
    for values in versions.values():
        for activity in values.get(f"{PROV}wasGeneratedBy", []):
            by_entry.setdefault(activity, []).append(values)
    found = []
    for activity, group in by_entry.items():
        values = _values(store.quads(ox.NamedNode(activity), None, None, g)).get(activity, {})
        entry = _entry(graph, values, group)
        found.append((entry, entry.changes))
    return sorted(found, key=lambda pair: pair[0].sequence)


def replayed(log: Iterable[Entry]) -> tuple[dict[str, str], dict[str, int]]:
    """The records the log produces, and the entry that last wrote each."""
    state: dict[str, str] = {}
    writer: dict[str, int] = {}
    for entry in log:
        for change in entry.changes:
            writer[change.record] = entry.sequence
            if change.after:
                state[change.record] = change.after
            else:
                state.pop(change.record, None)
    return state, writer


def canonical_states(state: Mapping[str, str]) -> dict[str, str]:
    """Record states in the store's own lexical forms (Oxigraph writes `Z` for a UTC offset, for
    instance): loaded into an in-memory store and read back, as the stored ones were."""
    scratch = ox.Store()
    graph = ox.NamedNode("urn:grcgraph:scratch")
    scratch.load("\n".join(state.values()).encode("utf-8") + b"\n", ox.RdfFormat.N_TRIPLES, to_graph=graph)
    found: dict[str, list[str]] = {}
    for quad in scratch.quads_for_pattern(None, None, None, graph):
        found.setdefault(text(quad.subject), []).append(quad_line(quad))
    return {s: state_text(lines) for s, lines in found.items()}
