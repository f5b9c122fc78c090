"""The shapes of ontology/shapes.ttl that apply to workspace data (evidence, links, AI systems, SoA
entries), compiled once into plain checks over a `Batch`.

pyshacl re-walks the whole data graph for every shape and value (quadratic in the batch size: 17 s
of a 20 s import of 1,000 items). The workspace shapes use a handful of constraint components over
direct properties, so each becomes a few set and string operations per value, with the same verdicts
as pyshacl (tests/test_shape_rules.py compares the two on a matrix of violations). A constraint the
compiler does not know raises `ShapeCompileError` when the rules are built: a shape is never skipped.
Problems are named by the input field they came from: `evidence[3].links[0].requirement`.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from datetime import date, datetime, time
from decimal import Decimal
from functools import cache, lru_cache

from rdflib import RDF, RDFS, Graph, Literal, URIRef
from rdflib.namespace import SH
from rdflib.term import Node as RdfNode

from grcgraph.model import Problem
from grcgraph.reference.validation import shapes_graph, vocabulary_graph
from grcgraph.store.batch import XSD_STRING, Batch, Lit, Node, Term
from grcgraph.vocab.namespace import GRC

WORKSPACE_CLASSES = (GRC.Evidence, GRC.EvidenceLink, GRC.AISystem, GRC.SoAEntry)

# Input field names (as the GraphQL inputs and evidence files spell them) of the stored properties.
FIELDS = {
    "http://purl.org/dc/terms/identifier": "id",
    "http://purl.org/dc/terms/title": "title",
    "http://purl.org/dc/terms/description": "description",
    "http://www.w3.org/2004/02/skos/core#prefLabel": "name",
    str(GRC.evidenceKind): "kind",
    str(GRC.owner): "owner",
    str(GRC.location): "location",
    str(GRC.sha256): "sha256",
    str(GRC.collectedOn): "collectedOn",
    str(GRC.validUntil): "validUntil",
    str(GRC.evidence): "evidence",
    str(GRC.requirement): "requirement",
    str(GRC.extent): "extent",
    str(GRC.assertedBy): "assertedBy",
    str(GRC.assertedAt): "assertedAt",
    str(GRC.forSystem): "system",
    str(GRC.operatorRole): "roles",
    str(GRC.aiCategory): "category",
    str(GRC.generative): "generative",
    str(GRC.purpose): "purpose",
    str(GRC.dataUsed): "dataUsed",
    str(GRC.nextReview): "nextReview",
    str(GRC.control): "control",
    str(GRC.included): "included",
    str(GRC.reason): "reason",
}

# Property-shape predicates the compiler understands; sh:name and the like carry no constraint.
_CONSTRAINTS = {
    SH.path,
    SH.minCount,
    SH.maxCount,
    SH.datatype,
    SH.pattern,
    SH.minLength,
    SH.maxLength,
    SH["class"],
    SH.nodeKind,
    SH.lessThanOrEquals,
    SH.message,
}
_DESCRIPTIVE = {SH.name, SH.description, SH.order, SH.group, RDFS.comment, RDFS.label, RDF.type}
_NODE_SHAPE_KEYS = {RDF.type, SH.targetClass, SH.property, RDFS.comment, RDFS.label}
_OTHER_TARGETS = (SH.targetNode, SH.targetSubjectsOf, SH.targetObjectsOf)
# Properties only grcgraph itself writes, outside any input batch (the revision stamp, see
# grcgraph.revision; a history version's record, see grcgraph.store.history): shapes targeting their
# subjects never apply to a batch, and are left to pyshacl.
_SELF_WRITTEN = frozenset({GRC.revision, GRC.record})
# What pyshacl requires of a well-typed literal's Python value (its datatype constraint, SPARQL 1.1 datatypes).
_PYTHON_TYPES: dict[str, type | tuple[type, ...]] = {
    "http://www.w3.org/2001/XMLSchema#integer": int,
    "http://www.w3.org/2001/XMLSchema#float": float,
    "http://www.w3.org/2001/XMLSchema#decimal": Decimal,
    "http://www.w3.org/2001/XMLSchema#boolean": bool,
    "http://www.w3.org/2001/XMLSchema#date": date,
    "http://www.w3.org/2001/XMLSchema#time": time,
    "http://www.w3.org/2001/XMLSchema#dateTime": datetime,
}


class ShapeCompileError(RuntimeError):
    """A workspace shape uses something the compiler cannot check exactly as pyshacl does."""


@dataclass(frozen=True)
class PropertyRule:
    path: str
    message: str | None
    min_count: int | None = None
    max_count: int | None = None
    datatype: str | None = None
    pattern: re.Pattern[str] | None = None
    min_length: int | None = None
    max_length: int | None = None
    classes: tuple[tuple[str, frozenset[str]], ...] = ()  # (class, the class and its subclasses)
    iri_only: bool = False
    less_or_equal: tuple[str, ...] = ()
    checks_values: bool = False  # any constraint on each value (not only the count)

    @property
    def field(self) -> str:
        return FIELDS.get(self.path, re.split(r"[#/]", self.path)[-1])


def _short(iri: str) -> str:
    for prefix, namespace in (("xsd", "http://www.w3.org/2001/XMLSchema#"), ("grc", str(GRC._NS))):
        if iri.startswith(namespace):
            return f"{prefix}:{iri[len(namespace) :]}"
    return iri


@lru_cache(maxsize=65536)
def _rdflib(value: Lit) -> Literal:
    """The literal as rdflib reads it (value, ill_typed), as pyshacl compares it; values repeat a lot."""
    return Literal(value.value, datatype=URIRef(value.datatype))


def _has_datatype(value: Term, datatype: str) -> bool:
    """pyshacl's sh:datatype: a literal of that datatype which, for SPARQL's datatypes, is well typed."""
    if not isinstance(value, Lit) or value.datatype != datatype:
        return False
    if datatype == XSD_STRING:
        return True
    literal = _rdflib(value)
    if literal.ill_typed is True:
        return False
    python = _PYTHON_TYPES.get(datatype)
    return python is None or isinstance(literal.value, python)


@lru_cache(maxsize=65536)
def _less_or_equal(left: Term, right: Term) -> bool:
    """pyshacl's sh:lessThanOrEquals on one pair: strings (and IRIs) compare as text, other literals
    with rdflib's `<=`; a string against a non-string never holds."""
    left_text = isinstance(left, str) or (isinstance(left, Lit) and isinstance(_rdflib(left).value, str))
    right_text = isinstance(right, str) or (isinstance(right, Lit) and isinstance(_rdflib(right).value, str))
    if left_text != right_text:
        return False
    if left_text:
        a = left if isinstance(left, str) else str(_rdflib(left).value)
        b = right if isinstance(right, str) else str(_rdflib(right).value)
        return a <= b
    assert isinstance(left, Lit) and isinstance(right, Lit)
    try:
        return bool(_rdflib(left) <= _rdflib(right))
    except TypeError:  # pyshacl stops with this error (an ill-typed left value): refused here
        return False


class ShapeRules:
    """The compiled workspace shapes: `check` a batch, get (field, message) problems."""

    def __init__(self, rules: dict[str, tuple[PropertyRule, ...]], vocabulary_types: dict[str, frozenset[str]]) -> None:
        self.rules = rules
        self.vocabulary_types = vocabulary_types

    @classmethod
    def compile(cls, shapes: Graph, vocabulary: Graph, classes: Iterable[URIRef] = WORKSPACE_CLASSES) -> ShapeRules:
        superclasses = _superclasses(vocabulary)
        subclasses: dict[str, set[str]] = {}
        for sub, supers in superclasses.items():
            for sup in supers:
                subclasses.setdefault(sup, set()).add(sub)
        for shape in set(shapes.subjects(RDF.type, SH.NodeShape)) | set(shapes.subjects(SH.targetClass, None)):
            subjects_of = set(shapes.objects(shape, SH.targetSubjectsOf))
            other_targets = any((shape, t, None) in shapes for t in (SH.targetNode, SH.targetObjectsOf, SH.targetClass))
            if subjects_of and subjects_of <= _SELF_WRITTEN and not other_targets:
                continue
            for target in _OTHER_TARGETS:
                if (shape, target, None) in shapes:
                    raise ShapeCompileError(f"{shape}: {target} cannot be told apart from workspace data; only sh:targetClass is compiled")
        rules: dict[str, tuple[PropertyRule, ...]] = {}
        for kind in classes:
            applying = superclasses.get(str(kind), {str(kind)})
            compiled: list[PropertyRule] = []
            for shape in sorted(set(shapes.subjects(SH.targetClass, None)), key=str):
                if not any(str(t) in applying for t in shapes.objects(shape, SH.targetClass)):
                    continue
                for predicate in set(shapes.predicates(shape, None)) - _NODE_SHAPE_KEYS:
                    raise ShapeCompileError(f"{shape}: {predicate} on a workspace node shape is not compiled")
                compiled += [_property_rule(shapes, prop, subclasses) for prop in shapes.objects(shape, SH.property)]
            if not compiled:
                raise ShapeCompileError(f"no shape targets {kind}")
            rules[str(kind)] = tuple(compiled)
        types: dict[str, set[str]] = {}
        for s, o in vocabulary.subject_objects(RDF.type):
            types.setdefault(str(s), set()).add(str(o))
        return cls(rules, {k: frozenset(v) for k, v in types.items()})

    def check(self, batch: Batch, lookup: Callable[[set[str]], dict[str, set[str]]]) -> list[Problem]:
        """Problems of every node of `batch`, each at its node's input path and field, as pyshacl
        would find them with the vocabulary and the stored types of what the nodes point at (see `typing`)."""
        problems: dict[Problem, None] = {}
        for node, rule, message in self.violations(batch, self.typing(batch, lookup)):
            problems[Problem(message, node.path / rule.field)] = None
        return list(problems)

    def typing(self, batch: Batch, lookup: Callable[[set[str]], dict[str, set[str]]]) -> Callable[[str], Iterable[str]]:
        """The types of any IRI a class constraint meets: its class in the batch, its vocabulary
        types, and what `lookup` (called once, with every other IRI) says is stored."""
        wanted: set[str] = set()
        for node in batch:
            for rule in self.rules.get(node.kind, ()):
                if rule.classes:
                    for value in node.values.get(rule.path, ()):
                        if isinstance(value, str) and value not in batch.nodes and value not in self.vocabulary_types:
                            wanted.add(value)
        stored = lookup(wanted) if wanted else {}

        known: dict[str, frozenset[str]] = {}

        def types(iri: str) -> Iterable[str]:
            found = known.get(iri)
            if found is None:
                node = batch.nodes.get(iri)
                own = {node.kind} if node is not None else set()
                found = known[iri] = frozenset(own | self.vocabulary_types.get(iri, frozenset()) | stored.get(iri, set()))
            return found

        return types

    def violations(self, batch: Batch, types: Callable[[str], Iterable[str]]) -> Iterator[tuple[Node, PropertyRule, str]]:
        """(node, rule, message) for every rule a node of `batch` breaks, given the types of IRIs."""
        for node in batch:
            for rule in self.rules.get(node.kind, ()):
                for message in _violations(node, rule, types):
                    yield node, rule, message


def _violations(node: Node, rule: PropertyRule, types: Callable[[str], Iterable[str]]) -> list[str]:
    values = node.values.get(rule.path, ())
    broken: list[str] = []
    if rule.min_count is not None and len(values) < rule.min_count:
        broken.append(f"needs at least {rule.min_count} value(s)")
    if rule.max_count is not None and len(values) > rule.max_count:
        broken.append(f"has {len(values)} values; at most {rule.max_count} allowed")
    if not rule.checks_values:
        return [rule.message] if broken and rule.message is not None else broken
    for value in values:
        text = value if isinstance(value, str) else value.value
        if rule.datatype is not None and not _has_datatype(value, rule.datatype):
            broken.append(f"{text!r} is not a {_short(rule.datatype)} literal")
        if rule.pattern is not None and not rule.pattern.search(text):
            broken.append(f"{text!r} does not match {rule.pattern.pattern}")
        if rule.min_length is not None and len(text) < rule.min_length:
            broken.append(f"is shorter than {rule.min_length} character(s)")
        if rule.max_length is not None and len(text) > rule.max_length:
            broken.append(f"is longer than {rule.max_length} characters")
        if rule.iri_only and not isinstance(value, str):
            broken.append(f"{text!r} is not an IRI")
        for name, members in rule.classes:
            if not isinstance(value, str) or members.isdisjoint(types(value)):
                broken.append(f"{text!r} is not a known {_short(name)}")
        for other in rule.less_or_equal:
            if any(not _less_or_equal(value, bound) for bound in node.values.get(other, ())):
                broken.append(f"is after {FIELDS.get(other, other)}")
    if broken and rule.message is not None:
        return [rule.message]  # the shape's own message, as pyshacl reports it
    return broken


def _one(shapes: Graph, shape: RdfNode, predicate: URIRef) -> RdfNode | None:
    found = list(shapes.objects(shape, predicate))
    if len(found) > 1:
        raise ShapeCompileError(f"{shape}: more than one {predicate} is not compiled")
    return found[0] if found else None


def _int(shapes: Graph, shape: RdfNode, predicate: URIRef) -> int | None:
    found = _one(shapes, shape, predicate)
    return None if found is None else int(str(found))


def _property_rule(shapes: Graph, prop: RdfNode, subclasses: dict[str, set[str]]) -> PropertyRule:
    for predicate in set(shapes.predicates(prop, None)) - _CONSTRAINTS - _DESCRIPTIVE:
        raise ShapeCompileError(f"property shape on {_one(shapes, prop, SH.path)}: {predicate} is not compiled")
    path = _one(shapes, prop, SH.path)
    if not isinstance(path, URIRef):
        raise ShapeCompileError(f"property shape {prop}: only a single-property sh:path is compiled")
    node_kind = _one(shapes, prop, SH.nodeKind)
    if node_kind is not None and node_kind != SH.IRI:
        raise ShapeCompileError(f"{path}: sh:nodeKind {node_kind} is not compiled (only sh:IRI)")
    datatype = _one(shapes, prop, SH.datatype)
    pattern = _one(shapes, prop, SH.pattern)
    message = _one(shapes, prop, SH.message)
    return PropertyRule(
        path=str(path),
        message=None if message is None else str(message),
        min_count=_int(shapes, prop, SH.minCount),
        max_count=_int(shapes, prop, SH.maxCount),
        datatype=None if datatype is None else str(datatype),
        pattern=None if pattern is None else re.compile(str(pattern)),
        min_length=_int(shapes, prop, SH.minLength),
        max_length=_int(shapes, prop, SH.maxLength),
        classes=tuple(
            (str(c), frozenset(subclasses.get(str(c), set()) | {str(c)})) for c in sorted(shapes.objects(prop, SH["class"]), key=str)
        ),
        iri_only=node_kind == SH.IRI,
        less_or_equal=tuple(str(p) for p in shapes.objects(prop, SH.lessThanOrEquals)),
        checks_values=any(
            (prop, c, None) in shapes
            for c in (SH.datatype, SH.pattern, SH.minLength, SH.maxLength, SH["class"], SH.nodeKind, SH.lessThanOrEquals)
        ),
    )


def _superclasses(vocabulary: Graph) -> dict[str, set[str]]:
    """Each class with all its superclasses (itself included), from rdfs:subClassOf."""
    direct: dict[str, set[str]] = {}
    for sub, sup in vocabulary.subject_objects(RDFS.subClassOf):
        direct.setdefault(str(sub), set()).add(str(sup))
    closure: dict[str, set[str]] = {}
    for start in list(direct):
        seen = {start}
        todo = [start]
        while todo:
            for parent in direct.get(todo.pop(), set()):
                if parent not in seen:
                    seen.add(parent)
                    todo.append(parent)
        closure[start] = seen
    return closure


@cache
def workspace_rules() -> ShapeRules:
    """The compiled workspace shapes of the bundled ontology."""
    return ShapeRules.compile(shapes_graph(), vocabulary_graph())
