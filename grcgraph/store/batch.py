"""The triples a write will store, as plain strings grouped by subject, serialised once as N-Triples.

Building an rdflib `Graph` per item and merging them cost more than the store's own insert; here an
IRI is a `str`, a literal a `Lit`, and every subject remembers the input field path it came from, so
that a shape violation can be reported as `evidence[3].links[0].requirement`.
"""

from __future__ import annotations

import gc
import re
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from decimal import Decimal
from typing import NamedTuple

from grcgraph.model import FieldPath

RDF_TYPE = "http://www.w3.org/1999/02/22-rdf-syntax-ns#type"
XSD = "http://www.w3.org/2001/XMLSchema#"
XSD_STRING = f"{XSD}string"
XSD_DATE = f"{XSD}date"
XSD_DATETIME = f"{XSD}dateTime"
XSD_BOOLEAN = f"{XSD}boolean"
XSD_DOUBLE = f"{XSD}double"
_ESCAPED = re.compile(r'[\\"\n\r\t]')  # what N-Triples escapes in a literal, as the store writes it back
_DATETIME = re.compile(r"^(-?[0-9]{4,}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2})(?:\.([0-9]+))?(Z|[+-][0-9]{2}:[0-9]{2})?$")


class Lit(NamedTuple):
    """A literal: its lexical form and datatype IRI (xsd:string for plain text)."""

    value: str
    datatype: str = XSD_STRING


Term = str | Lit  # a `str` is an IRI


@dataclass(slots=True)
class Node:
    """One subject of the batch: its class, the input path it was built from and its values."""

    iri: str
    kind: str
    path: FieldPath
    values: dict[str, list[Term]] = field(default_factory=dict)
    text: str | None = None  # its triples as N-Triples lines once made for its history; dropped by `add`

    def add(self, predicate: str, value: Term) -> None:
        # A set of triples, as RDF has it: the same value twice is one triple.
        self.text = None
        found = self.values.get(predicate)
        if found is None:
            self.values[predicate] = [value]
        elif value not in found:
            found.append(value)


class Batch:
    """Subjects to write, in input order."""

    def __init__(self) -> None:
        self.nodes: dict[str, Node] = {}

    def node(self, iri: str, kind: str, path: FieldPath) -> Node:
        """The subject `iri` (typed `kind`), added if new; a repeated subject keeps its first path."""
        found = self.nodes.get(iri)
        if found is None:
            found = self.nodes[iri] = Node(iri, kind, path)
        return found

    def __len__(self) -> int:
        """The number of triples."""
        return sum(1 + sum(len(v) for v in node.values.values()) for node in self.nodes.values())

    def __iter__(self) -> Iterator[Node]:
        return iter(self.nodes.values())

    def __bool__(self) -> bool:
        return bool(self.nodes)

    def ntriples(self) -> bytes:
        """The whole batch as N-Triples (UTF-8)."""
        return b"".join(self.ntriples_chunks(len(self.nodes)))

    def ntriples_chunks(self, subjects: int) -> Iterator[bytes]:
        """The batch as N-Triples (UTF-8) in pieces of `subjects` subjects (the last may have fewer)."""
        lines: list[str] = []
        append = lines.append
        for count, node in enumerate(self.nodes.values(), start=1):
            if node.text is not None:
                append(node.text)
                append("\n")
            else:
                subject = f"<{node.iri}> "
                append(f"{subject}<{RDF_TYPE}> <{node.kind}> .\n")
                for predicate, values in node.values.items():
                    for value in values:
                        append(f"{subject}<{predicate}> {term_text(value)} .\n")
            if count % subjects == 0:
                yield "".join(lines).encode("utf-8")
                lines.clear()
        if lines:
            yield "".join(lines).encode("utf-8")


def stored_form(value: str, datatype: str) -> str:
    """The lexical form the store gives back for a value (a zero offset as `Z`, no trailing zeros in a
    fraction of a second, a double without exponent or `.0`), so that a record's text as written in
    its history is its text as read back, and `verify` compares the two as they are."""
    if datatype == XSD_DATETIME:
        match = _DATETIME.match(value)
        if match:
            fraction = (match.group(2) or "").rstrip("0")
            offset = match.group(3) or ""
            return match.group(1) + (f".{fraction}" if fraction else "") + ("Z" if offset in ("+00:00", "-00:00") else offset)
    elif datatype == XSD_DOUBLE:
        try:
            number = Decimal(value)
        except ArithmeticError:
            return value
        if number.is_finite():
            text = format(number, "f")
            return text.rstrip("0").rstrip(".") if "." in text else text
    return value


def escaped(text: str) -> str:
    """`text` as the content of an N-Triples string literal, escaped as the store writes it back."""
    if _ESCAPED.search(text):
        return text.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n").replace("\r", "\\r").replace("\t", "\\t")
    return text


def term_text(value: Term) -> str:
    """A term in N-Triples, escaped as the store writes it back."""
    if isinstance(value, Lit):
        # str.replace, not str.translate: a history entry's literals are long, and translate's
        # per-character table took three quarters of a 10,000-item import's load.
        text = escaped(value.value)
        if value.datatype == XSD_STRING:
            return f'"{text}"'
        return f'"{stored_form(text, value.datatype)}"^^<{value.datatype}>'
    return f"<{value}>"


@contextmanager
def collector_paused() -> Iterator[None]:
    """Pause Python's cycle collector while a large batch is read and built: the batch is acyclic
    (reference counting frees it), but its hundreds of thousands of new objects set off full
    collections again and again, which took three quarters of the build time of a 10,000-item import."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()
