"""Every loader, fed random bytes or a real file with bytes changed, cut or spliced in, either loads
cleanly or raises DataError naming the file: never another exception (a traceback for the CLI)."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from repo import ROOT

from grcgraph.errors import DataError
from grcgraph.loaders.application_rules import parse_rules
from grcgraph.loaders.catalog_csv import parse_catalog
from grcgraph.loaders.evidence import read_evidence_file
from grcgraph.loaders.obligations import parse_obligations
from grcgraph.loaders.oscal_catalog import parse_oscal_catalog
from grcgraph.loaders.oscal_mapping import parse_oscal_mappings
from grcgraph.loaders.sssom import parse_mapping_set
from grcgraph.loaders.text import decode

EVIDENCE_CSV = b'id,title,kind,requirements,asserted_by,valid_until\nlog,"Logs, kept",log,A.6.2.8|Art. 12(1),ciso,2027-01-01\n'
EVIDENCE_JSON = b'[{"id": "log", "title": "Logs", "kind": "log", "links": [{"requirement": "A.6.2.8", "asserted_by": "ciso"}]}]'
NAME = "input"


def _reference() -> tuple[dict[str, str], set[str]]:
    """The titles by IRI of the two ISO catalogs (what a mapping set names) and the EU AI Act's ids."""
    from rdflib import Graph
    from rdflib.namespace import SKOS

    from grcgraph.loaders.catalog_csv import catalog_triples, prefixes

    catalogs = [parse_catalog(decode((ROOT / "frameworks" / f).read_bytes(), f), f) for f in ("iso42001-2023.csv", "iso27001-2022.csv")]
    graph = Graph()
    for catalog in catalogs:
        catalog_triples(catalog, graph, prefixes(catalogs))
    titles = {str(s): str(o) for s, o in graph.subject_objects(SKOS.prefLabel)}
    eu = parse_catalog(decode((ROOT / "frameworks/eu-ai-act.csv").read_bytes(), "eu"), "eu")
    return titles, {row.values["id"] for row in eu.rows}


TITLES, EU_IDS = _reference()
OSCAL_CATALOG = ROOT / "tests/data/acme-controls.oscal.json"
OSCAL_MAPPINGS = ROOT / "tests/data/acme-mappings.oscal.json"


def _oscal_mappings(text: str) -> object:
    """An OSCAL mapping collection read against the company catalog it maps from and ISO/IEC 42001."""
    from rdflib import Graph
    from rdflib.namespace import SKOS

    from grcgraph.loaders.catalog_csv import catalog_triples, prefixes

    catalogs = [
        parse_oscal_catalog(OSCAL_CATALOG.read_text(encoding="utf-8"), OSCAL_CATALOG.name),
        parse_catalog(decode((ROOT / "frameworks/iso42001-2023.csv").read_bytes(), "iso42001"), "iso42001"),
    ]
    graph = Graph()
    for catalog in catalogs:
        catalog_triples(catalog, graph, prefixes(catalogs))
    titles = {str(s): str(o) for s, o in graph.subject_objects(SKOS.prefLabel)}
    return parse_oscal_mappings(text, NAME, catalogs, titles, {"subsetOf": "supersetOf", "supersetOf": "subsetOf"})


def _text(data: bytes) -> str:
    return decode(data, NAME)


def _evidence(suffix: str) -> Callable[[bytes, Path], object]:
    def read(data: bytes, folder: Path) -> object:
        path = folder / f"evidence{suffix}"
        path.write_bytes(data)
        return read_evidence_file(path)

    return read


def _workbook() -> bytes:
    import io

    from openpyxl import Workbook

    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.title = "Evidence"
    sheet.append(["id", "title", "kind", "requirements", "asserted_by"])
    sheet.append(["log", "Logs, kept", "log", "A.6.2.8", "ciso"])
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


LOADERS: dict[str, tuple[bytes, Callable[[bytes, Path], object]]] = {
    "evidence-xlsx": (_workbook(), _evidence(".xlsx")),
    "evidence-csv": (EVIDENCE_CSV, _evidence(".csv")),
    "evidence-json": (EVIDENCE_JSON, _evidence(".json")),
    "catalog": ((ROOT / "frameworks/iso42001-2023.csv").read_bytes(), lambda data, _: parse_catalog(_text(data), NAME)),
    "mapping-set": (
        (ROOT / "crosswalks/iso42001-iso27001-clauses.sssom.tsv").read_bytes(),
        lambda data, _: parse_mapping_set(_text(data), NAME, TITLES),
    ),
    "oscal-catalog": (OSCAL_CATALOG.read_bytes(), lambda data, _: parse_oscal_catalog(_text(data), NAME)),
    "oscal-mapping": (OSCAL_MAPPINGS.read_bytes(), lambda data, _: _oscal_mappings(_text(data))),
    "application-rules": (
        (ROOT / "frameworks/eu-ai-act-application.csv").read_bytes(),
        lambda data, _: parse_rules(_text(data), NAME, EU_IDS),
    ),
    "obligations": (
        (ROOT / "frameworks/eu-ai-act-obligations.csv").read_bytes(),
        lambda data, _: parse_obligations(_text(data), NAME, EU_IDS),
    ),
}


@st.composite
def damaged(draw: st.DrawFn, seed: bytes) -> bytes:
    """Random bytes, or `seed` with a few bytes replaced, cut off, or spliced in."""
    if draw(st.booleans()):
        return draw(st.binary(max_size=2000))
    data = bytearray(seed)
    for _ in range(draw(st.integers(1, 6))):
        at = draw(st.integers(0, max(len(data) - 1, 0)))
        action = draw(st.sampled_from(["replace", "insert", "cut"]))
        chunk = draw(
            st.binary(min_size=1, max_size=8)
            | st.sampled_from([b'"', b",", b"\n", b"\t", b"#", b":", b"\xef\xbb\xbf", b"\x00", b"{", b"["])
        )
        if action == "replace":
            data[at : at + len(chunk)] = chunk
        elif action == "insert":
            data[at:at] = chunk
        else:
            del data[at:]
    return bytes(data)


@pytest.mark.parametrize("kind", list(LOADERS))
def test_a_damaged_file_is_a_clean_error_or_a_clean_load(kind: str, tmp_path: Path) -> None:
    seed, load = LOADERS[kind]
    load(seed, tmp_path)  # the seed itself loads, so a change is what breaks it

    @settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
    @given(damaged(seed))
    def check(data: bytes) -> None:
        try:
            load(data, tmp_path)
        except DataError as error:
            assert error.problems, "a DataError names at least one problem"
            assert all(problem.file is not None for problem in error.problems), [str(p) for p in error.problems]

    check()


JSON = st.recursive(
    st.none() | st.booleans() | st.integers(-3, 3) | st.floats(-2, 2) | st.text(max_size=12) | st.sampled_from(["", "x y", "#a", "GOV-1"]),
    lambda inner: (
        st.lists(inner, max_size=3) | st.dictionaries(st.sampled_from(["id", "props", "name", "value", "ns", "title"]), inner, max_size=3)
    ),
    max_leaves=6,
)


def _places(value: object, path: tuple[object, ...] = ()) -> list[tuple[object, ...]]:
    """Every place in a JSON document (object keys and list items), depth first."""
    found = [path] if path else []
    if isinstance(value, dict):
        for key, item in value.items():
            found += _places(item, (*path, key))
    elif isinstance(value, list):
        for index, item in enumerate(value):
            found += _places(item, (*path, index))
    return found


@pytest.mark.parametrize("kind", ["oscal-catalog", "oscal-mapping"])
def test_an_oscal_document_with_a_value_changed_is_a_clean_error_or_a_clean_load(kind: str, tmp_path: Path) -> None:
    """Byte damage mostly breaks the JSON; this changes, drops or doubles one value of a sound document,
    which reaches the reader past compliance-trestle's models."""
    import json

    seed, load = LOADERS[kind]
    document = json.loads(seed)
    places = _places(document)

    @settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
    @given(st.sampled_from(places), JSON, st.sampled_from(["replace", "drop", "double"]))
    def check(place: tuple[object, ...], value: object, action: str) -> None:
        changed = json.loads(seed)
        parent: Any = changed
        for step in place[:-1]:
            parent = parent[step]
        last: Any = place[-1]
        if action == "replace":
            parent[last] = value
        elif action == "drop":
            del parent[last]
        elif isinstance(parent, list):
            parent.insert(last, parent[last])
        else:
            parent[last] = [parent[last], parent[last]]
        try:
            load(json.dumps(changed).encode(), tmp_path)
        except DataError as error:
            assert error.problems and all(problem.file is not None for problem in error.problems), [str(p) for p in error.problems]

    check()


def test_application_rules_with_change_notes_cut_short_are_a_clean_error() -> None:
    """The case the fuzzer found: a header whose change_notes is text, not a mapping."""
    from grcgraph.loaders.application_rules import parse_rules

    text = '# scheme: eu-ai-act\n# sources:\n#   a:\n#     title: "x"\n# change_notes:\n#   a\nid,provisions\n'
    with pytest.raises(DataError) as raised:
        parse_rules(text, NAME, set())
    assert [(p.file, p.line, str(p.path)) for p in raised.value.problems] == [(NAME, 1, "change_notes")]
