"""Unsafe text is refused before anything is stored: control characters and bidirectional controls
in any field (tab and line breaks in multi-line fields only), locations outside the allow-list of
schemes; an optional field that is empty or only spaces is stored as absent."""

from __future__ import annotations

import uuid
from collections.abc import Iterator

import pyoxigraph as ox
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from grcgraph.api import GRCGraph
from grcgraph.errors import InvalidInputError
from grcgraph.model import AISystemInput, EvidenceInput, EvidenceLinkInput, RiskInput
from grcgraph.store.base import GraphStore
from grcgraph.workspace.hygiene import LOCATION_SCHEMES, MULTI_LINE_FAULT, SINGLE_LINE_FAULT


@pytest.fixture
def g(store: GraphStore) -> Iterator[GRCGraph]:
    api = GRCGraph(store, f"h-{uuid.uuid4().hex[:12]}")
    yield api
    store.inner.remove_graph(ox.NamedNode(str(api.workspace.graph)))


def refused(g: GRCGraph, item: EvidenceInput) -> dict[str, str]:
    with pytest.raises(InvalidInputError) as caught:
        g.workspace.put_evidence([item])
    assert not g.has_evidence(item.id), "nothing is stored"
    return {str(p.path): p.message for p in caught.value.problems}


@pytest.mark.parametrize(
    "bad", ["\x00", "\x07", "\x1b[31m", "\x7f", "\x85", "\u202e", "\u2066", "\u200f", "\t", "\n", "\r", "\u2028", "\ud800"]
)
@pytest.mark.parametrize("field", ["title", "owner"])
def test_one_line_fields_refuse_control_characters(g: GRCGraph, bad: str, field: str) -> None:
    values = {"title": "Policy", "owner": "ciso"} | {field: f"Pol{bad}icy"}
    problems = refused(g, EvidenceInput(id="e1", kind="policy", **values))
    assert list(problems) == [f"evidence[0].{field}"]
    assert f"U+{ord(bad[0]):04X} at character 4" in problems[f"evidence[0].{field}"]


def test_links_and_systems_are_checked_too(g: GRCGraph) -> None:
    link = EvidenceLinkInput(requirement="A.6.2.8", asserted_by="ciso\u202egpj.exe")
    assert list(refused(g, EvidenceInput(id="e2", title="t", kind="policy", links=[link]))) == ["evidence[0].links[0].assertedBy"]
    with pytest.raises(InvalidInputError) as caught:
        g.put_system(AISystemInput(id="s1", name="Credit\x00", roles=["provider"], category="minimal", generative=False, purpose="a\x1bb"))
    assert {str(p.path) for p in caught.value.problems} == {"system.name", "system.purpose"}
    assert not g.has_system("s1")
    with pytest.raises(InvalidInputError, match="reason"):
        g.set_applicability("iso42001:A.2.2", False, "Out of scope\u202e")


def test_aims_records_are_checked_too(g: GRCGraph) -> None:
    with pytest.raises(InvalidInputError) as caught:
        g.put_risk(RiskInput(id="r1", title="Bias\u202e", description="a\x0bb", owner="ciso\udfff"))
    assert {str(p.path): p.message for p in caught.value.problems}.keys() == {"risk.title", "risk.description", "risk.owner"}
    assert not g.has_record("risk", "r1")
    g.put_risk(RiskInput(id="r2", title=" Bias ", description="Found in:\n\tthe credit model"))
    assert g.record("risk", "r2").title == "Bias"


def test_descriptions_take_tab_and_line_breaks(g: GRCGraph) -> None:
    text = "Line one\n\tindented\r\nline three"
    g.workspace.put_evidence([EvidenceInput(id="e3", title="t", kind="policy", description=text)])
    assert g.evidence_item("e3").description == text
    assert list(refused(g, EvidenceInput(id="e4", title="t", kind="policy", description="a\x0bb"))) == ["evidence[0].description"]
    assert list(refused(g, EvidenceInput(id="e5", title="t", kind="policy", description="a\u202eb"))) == ["evidence[0].description"]


@pytest.mark.parametrize(
    "location", ["javascript:alert(1)", "data:text/html,<b>x</b>", "vbscript:msgbox", "ftp://host/file", "JavaScript:x"]
)
def test_locations_outside_the_allow_list_are_refused(g: GRCGraph, location: str) -> None:
    problems = refused(g, EvidenceInput(id="e6", title="t", kind="policy", location=location))
    assert "https, http, file, s3, urn, doi" in problems["evidence[0].location"]


@pytest.mark.parametrize(
    "location",
    ["https://example.org/a", "http://intranet/x", "file:///srv/a.pdf", "s3://bucket/key", "urn:isbn:0451450523", "doi:10.1000/182"],
)
def test_locations_in_the_allow_list_are_stored(g: GRCGraph, location: str) -> None:
    g.workspace.put_evidence([EvidenceInput(id="e7", title="t", kind="policy", location=location)])
    assert g.evidence_item("e7").location == location
    assert location.split(":", maxsplit=1)[0] in LOCATION_SCHEMES


def test_empty_optional_strings_are_absent(g: GRCGraph) -> None:
    g.workspace.put_evidence([EvidenceInput(id="e8", title=" t ", kind="policy", owner="  ", description=" \n ", location="", sha256=" ")])
    stored = g.evidence_item("e8")
    assert (stored.title, stored.owner, stored.description, stored.location, stored.sha256) == ("t", None, None, None, None)


@settings(max_examples=200, deadline=None)
@given(st.text(st.characters(exclude_categories=[]), max_size=40))
def test_the_rules_agree_with_their_definition(text: str) -> None:
    """One-line text is refused exactly when it holds a character of category Cc, a line or paragraph
    separator, a bidirectional control or a lone surrogate; multi-line text the same, but for tab and
    line breaks."""
    import unicodedata

    bidi = set("\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069\u200e\u200f\u061c")
    bad_one = any(unicodedata.category(c) in ("Cc", "Cs") or c in bidi or c in "\u2028\u2029" for c in text)
    bad_multi = any((unicodedata.category(c) == "Cc" and c not in "\t\n\r") or unicodedata.category(c) == "Cs" or c in bidi for c in text)
    assert (SINGLE_LINE_FAULT.search(text) is not None) == bad_one
    assert (MULTI_LINE_FAULT.search(text) is not None) == bad_multi
