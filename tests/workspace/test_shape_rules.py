"""The compiled workspace shapes give pyshacl's verdicts: every constraint of every workspace shape
broken one at a time (several ways each), then in seeded combinations, and valid data, each checked
by both and compared as the set of (focus node, property) pairs that fail."""

from __future__ import annotations

import random
from collections.abc import Callable, Iterator

import pyoxigraph as ox
import pyshacl
import pytest
from rdflib import RDF, Graph, URIRef
from rdflib.namespace import SH

from grcgraph.model import FieldPath
from grcgraph.reference.catalog import Catalog
from grcgraph.reference.validation import shapes_graph, vocabulary_graph
from grcgraph.store.base import GraphStore
from grcgraph.store.batch import XSD_BOOLEAN, XSD_DATE, XSD_DATETIME, XSD_STRING, Batch, Lit, Term
from grcgraph.vocab import iris
from grcgraph.vocab.namespace import GRC
from grcgraph.workspace.shape_rules import WORKSPACE_CLASSES, PropertyRule, ShapeCompileError, ShapeRules, workspace_rules

BASE = f"{iris.BASE}workspace/test/"
EVIDENCE, LINK, SYSTEM, SOA = f"{BASE}evidence/e1", f"{BASE}link/l1", f"{BASE}system/s1", f"{BASE}soa/c1"
DC, SKOS = "http://purl.org/dc/terms/", "http://www.w3.org/2004/02/skos/core#"
Mutation = Callable[[Batch], None]


@pytest.fixture(scope="module")
def ids(store: GraphStore) -> dict[str, str]:
    catalog = Catalog(store)
    return {"control": catalog.resolve("A.6.2.8").iri, "clause": catalog.resolve("iso42001:4.1").iri}


def lookup_in(store: GraphStore) -> Callable[[set[str]], dict[str, set[str]]]:
    """Stored types, as the workspace gives them: here only the reference graph holds anything."""

    def lookup(nodes: set[str]) -> dict[str, set[str]]:
        found: dict[str, set[str]] = {}
        for node in nodes:
            if not node.startswith(str(GRC._NS)) and not node.startswith(BASE):
                found[node] = _types(store, node)
        return found

    return lookup


def _types(store: GraphStore, node: str) -> set[str]:
    quads = store.quads(ox.NamedNode(node), ox.NamedNode(str(RDF.type)), None, ox.NamedNode(str(iris.REFERENCE_GRAPH)))
    return {q.object.value for q in quads if isinstance(q.object, ox.NamedNode)}


def valid_batch(ids: dict[str, str]) -> Batch:
    batch = Batch()
    e = batch.node(EVIDENCE, str(GRC.Evidence), FieldPath("evidence", 0))
    e.add(f"{DC}identifier", Lit("e1"))
    e.add(f"{DC}title", Lit("Access policy"))
    e.add(f"{DC}description", Lit("Who may see what"))
    e.add(str(GRC.evidenceKind), str(GRC.Policy))
    e.add(str(GRC.owner), Lit("ciso@example.org"))
    e.add(str(GRC.location), "https://example.org/policy.pdf")
    e.add(str(GRC.sha256), Lit("a" * 64))
    e.add(str(GRC.collectedOn), Lit("2026-01-01", XSD_DATE))
    e.add(str(GRC.validUntil), Lit("2027-01-01", XSD_DATE))
    link = batch.node(LINK, str(GRC.EvidenceLink), FieldPath("evidence", 0, "links", 0))
    link.add(str(GRC.evidence), EVIDENCE)
    link.add(str(GRC.requirement), ids["control"])
    link.add(str(GRC.extent), str(GRC.FullExtent))
    link.add(str(GRC.assertedBy), Lit("auditor@example.org"))
    link.add(str(GRC.assertedAt), Lit("2026-02-01T10:00:00+00:00", XSD_DATETIME))
    link.add(str(GRC.forSystem), SYSTEM)
    s = batch.node(SYSTEM, str(GRC.AISystem), FieldPath("system"))
    s.add(f"{DC}identifier", Lit("s1"))
    s.add(f"{SKOS}prefLabel", Lit("Chat assistant"))
    s.add(str(GRC.operatorRole), str(GRC.Provider))
    s.add(str(GRC.aiCategory), str(GRC.MinimalRisk))
    s.add(str(GRC.generative), Lit("true", XSD_BOOLEAN))
    s.add(str(GRC.purpose), Lit("Answers staff questions"))
    s.add(str(GRC.owner), Lit("it@example.org"))
    s.add(str(GRC.dataUsed), Lit("Intranet pages"))
    s.add(str(GRC.nextReview), Lit("2026-12-01", XSD_DATE))
    soa = batch.node(SOA, str(GRC.SoAEntry), FieldPath())
    soa.add(str(GRC.control), ids["control"])
    soa.add(str(GRC.included), Lit("false", XSD_BOOLEAN))
    soa.add(str(GRC.reason), Lit("No third-party suppliers"))
    return batch


def _set(kind: str, path: str, values: list[Term]) -> Mutation:
    def apply(batch: Batch) -> None:
        node = next(n for n in batch if n.kind == kind)
        if values:
            node.values[path] = list(values)
        else:
            node.values.pop(path, None)

    return apply


def _extra(kind: str, path: str, value: Term) -> Mutation:
    def apply(batch: Batch) -> None:
        next(n for n in batch if n.kind == kind).add(path, value)

    return apply


def _wrong_values(rule: PropertyRule, ids: dict[str, str]) -> Iterator[tuple[str, list[Term]]]:
    """Values that break (or sit at the edge of) each constraint of `rule`."""
    if rule.datatype is not None:
        yield "iri-not-literal", ["https://example.org/x"]
        yield "other-datatype", [Lit("2026-01-01", XSD_DATE) if rule.datatype == XSD_STRING else Lit("2026-01-01")]
        for bad in {
            XSD_DATE: ["2026-13-45", "tomorrow", "2026-1-1"],
            XSD_DATETIME: ["2026-02-01", "noon"],
            XSD_BOOLEAN: ["yes", "TRUE", "1"],
        }.get(rule.datatype, []):
            yield f"ill-typed-{bad}", [Lit(bad, rule.datatype)]
    if rule.pattern is not None:
        yield "pattern-space", [Lit("has space!")]
        yield "pattern-empty", [Lit("")]
        yield "pattern-newline", [Lit("abc\n")]
        yield "pattern-upper", [Lit("A" * 64)]
        yield "pattern-long", [Lit("a" * 129)]
        yield "pattern-iri", ["https://example.org/x"]
    if rule.min_length is not None:
        yield "too-short", [Lit("x" * (rule.min_length - 1))]
        yield "min-length-edge", [Lit("x" * rule.min_length)]
    if rule.max_length is not None:
        yield "too-long", [Lit("x" * (rule.max_length + 1))]
        yield "max-length-edge", [Lit("x" * rule.max_length)]
    for name, _members in rule.classes:
        yield f"{name}-literal", [Lit("x")]
        yield f"{name}-unknown", ["https://example.org/unknown"]
        yield f"{name}-other-class", [ids["clause"] if name != str(GRC.Requirement) else str(GRC.Policy)]
        yield f"{name}-clause", [ids["clause"]]
    if rule.iri_only:
        yield "literal-not-iri", [Lit("https://example.org/x")]


def _extra_value(rule: PropertyRule, current: list[Term]) -> Term | None:
    if not current:
        return None
    value = current[0]
    if isinstance(value, Lit):
        if value.datatype == XSD_DATE:
            return Lit("2026-06-30", XSD_DATE)
        if value.datatype == XSD_DATETIME:
            return Lit("2026-03-01T10:00:00+00:00", XSD_DATETIME)
        if value.datatype == XSD_BOOLEAN:
            return Lit("false" if value.value == "true" else "true", XSD_BOOLEAN)
        return Lit(value.value[:-1] + ("b" if value.value[-1:] != "b" else "c"))
    return None


def mutations(ids: dict[str, str]) -> list[tuple[str, Mutation]]:
    rules = workspace_rules()
    base = valid_batch(ids)
    found: list[tuple[str, Mutation]] = [("valid", lambda batch: None)]
    for kind in map(str, WORKSPACE_CLASSES):
        node = next(n for n in base if n.kind == kind)
        short = kind.rsplit("#", 1)[-1]
        for rule in rules.rules[kind]:
            field = rule.path.rsplit("#", 1)[-1].rsplit("/", 1)[-1]
            if rule.min_count:
                found.append((f"{short}.{field}.missing", _set(kind, rule.path, [])))
            extra = _extra_value(rule, node.values.get(rule.path, []))
            if rule.max_count is not None and extra is not None:
                found.append((f"{short}.{field}.two-values", _extra(kind, rule.path, extra)))
            for case, values in _wrong_values(rule, ids):
                found.append((f"{short}.{field}.{case}", _set(kind, rule.path, values)))
            for other in rule.less_or_equal:
                found.append((f"{short}.{field}.after-{other[-10:]}", _set(kind, rule.path, [Lit("2027-06-01", XSD_DATE)])))
                found.append((f"{short}.{field}.equal-{other[-10:]}", _set(kind, rule.path, [Lit("2027-01-01", XSD_DATE)])))
                found.append((f"{short}.{field}.string-vs-date", _set(kind, rule.path, [Lit("2026-01-01")])))
                found.append((f"{short}.{field}.bound-missing", _set(kind, other, [])))
    # The referenced evidence and system missing from the batch (and not stored).
    found.append(("link-to-absent-evidence", lambda batch: batch.nodes.pop(EVIDENCE)))
    found.append(("link-to-absent-system", lambda batch: batch.nodes.pop(SYSTEM)))
    return found


MATRIX_SIZE = 160  # guards the generator against silently producing fewer cases


def _pyshacl(batch: Batch, lookup: Callable[[set[str]], dict[str, set[str]]]) -> set[tuple[str, str]] | None:
    """What pyshacl finds (None when it stops with an error), given the data the way the workspace gave it before compiling: the batch,
    the vocabulary and the stored types of every IRI the batch points at."""
    data = Graph().parse(data=batch.ntriples().decode(), format="nt")
    context = Graph()
    context += vocabulary_graph()
    context += data
    referenced = {str(o) for o in data.objects() if isinstance(o, URIRef)} - {str(s) for s in data.subjects()}
    for node, kinds in lookup(referenced).items():
        for kind in kinds:
            context.add((URIRef(node), RDF.type, URIRef(kind)))
    focus = sorted({s for s in data.subjects() if isinstance(s, URIRef)})
    # As grcgraph.validation.validate calls it.
    try:
        _conforms, results, _text = pyshacl.validate(
            context, shacl_graph=shapes_graph(), advanced=True, allow_warnings=True, focus_nodes=focus
        )
    except TypeError:  # rdflib cannot order an ill-typed date against a date (sh:lessThanOrEquals)
        return None
    assert isinstance(results, Graph)
    return {
        (str(results.value(r, SH.focusNode)), str(results.value(r, SH.resultPath))) for r in results.subjects(RDF.type, SH.ValidationResult)
    }


def _compiled(batch: Batch, lookup: Callable[[set[str]], dict[str, set[str]]]) -> set[tuple[str, str]]:
    rules = workspace_rules()
    return {(node.iri, rule.path) for node, rule, _ in rules.violations(batch, rules.typing(batch, lookup))}


def test_the_matrix_is_complete(ids: dict[str, str]) -> None:
    assert len(mutations(ids)) >= MATRIX_SIZE, len(mutations(ids))


@pytest.fixture(scope="module")
def lookup(store: GraphStore) -> Callable[[set[str]], dict[str, set[str]]]:
    return lookup_in(store)


def _cases() -> list[str]:
    """The case names, at collection time: they do not depend on the requirement IRIs used."""
    return [name for name, _ in mutations({"control": "urn:x:control", "clause": "urn:x:clause"})]


@pytest.mark.parametrize("case", _cases())
def test_one_violation_at_a_time_as_pyshacl(case: str, ids: dict[str, str], lookup: Callable[[set[str]], dict[str, set[str]]]) -> None:
    batch = valid_batch(ids)
    dict(mutations(ids))[case](batch)
    ours, theirs = _compiled(batch, lookup), _pyshacl(batch, lookup)
    if theirs is None:  # where pyshacl fails with an error, the compiled rules refuse the value
        assert (EVIDENCE, str(GRC.collectedOn)) in ours
        return
    assert ours == theirs
    if case == "valid" or "edge" in case or case.endswith("equal-validUntil"):
        assert not ours


@pytest.mark.parametrize("seed", range(24))
def test_combined_violations_as_pyshacl(seed: int, ids: dict[str, str], lookup: Callable[[set[str]], dict[str, set[str]]]) -> None:
    rng = random.Random(seed)
    cases = mutations(ids)[1:]
    batch = valid_batch(ids)
    for _name, mutate in rng.sample(cases, rng.randint(2, 5)):
        try:
            mutate(batch)
        except (KeyError, StopIteration):  # a node another mutation removed
            continue
    ours, theirs = _compiled(batch, lookup), _pyshacl(batch, lookup)
    assert ours == theirs if theirs is not None else (EVIDENCE, str(GRC.collectedOn)) in ours


def test_problems_name_the_input_field(ids: dict[str, str], lookup: Callable[[set[str]], dict[str, set[str]]]) -> None:
    batch = valid_batch(ids)
    _set(str(GRC.EvidenceLink), str(GRC.requirement), [str(GRC.Policy)])(batch)
    _set(str(GRC.Evidence), str(GRC.sha256), [Lit("xyz")])(batch)
    problems = workspace_rules().check(batch, lookup)
    found = {(str(p.path), p.message) for p in problems}
    assert ("evidence[0].links[0].requirement", "A link names one requirement of a loaded framework.") in found
    assert ("evidence[0].sha256", "A SHA-256 is 64 lower-case hexadecimal digits.") in found


def test_an_unknown_constraint_fails_when_compiled() -> None:
    shapes = Graph()
    shapes += shapes_graph()
    prop = next(iter(shapes.objects(URIRef("https://w3id.org/grcgraph/shapes#EvidenceShape"), SH.property)))
    shapes.add((prop, SH.uniqueLang, URIRef("http://www.w3.org/2001/XMLSchema#true")))
    with pytest.raises(ShapeCompileError, match="uniqueLang"):
        ShapeRules.compile(shapes, vocabulary_graph())
    other = Graph()
    other += shapes_graph()
    other.add((URIRef("https://w3id.org/grcgraph/shapes#EvidenceShape"), SH.targetNode, URIRef(EVIDENCE)))
    with pytest.raises(ShapeCompileError, match="targetNode"):
        ShapeRules.compile(other, vocabulary_graph())
