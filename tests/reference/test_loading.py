"""Loading: bad catalog rows stop the load with file, line and field, and the store stays as it was;
reloading is idempotent and skips unchanged sources; the on-disk store survives a restart."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import pytest

from grcgraph.errors import DataError
from grcgraph.loaders.sources import ReferenceSources, SourceFile
from grcgraph.reference.build import load_reference
from grcgraph.store import open_store
from grcgraph.vocab import iris

GOOD = """\
# scheme: acme-controls
# prefix: acme
# namespace: https://example.org/acme/
# framework: acme
# framework_title: ACME internal AI controls
# version: "2026.1"
# title: ACME internal AI control set
# rights: Internal use.
# issued: 2026-01-15
# sources:
#   handbook:
#     title: ACME AI handbook, chapter 3
id,kind,parent,title
AC,ControlArea,,Access
AC-1,Control,AC,Model access is reviewed quarterly
AC-2,Control,AC,Training data access is logged
"""


def with_extra(sources: ReferenceSources, text: str, name: str = "acme.csv") -> ReferenceSources:
    return replace(sources, catalogs=[*sources.catalogs, SourceFile(name, text)])


def problems(sources: ReferenceSources) -> list[str]:
    store = open_store(None)
    with pytest.raises(DataError) as caught:
        load_reference(store, sources)
    assert not store.has_graph(iris.REFERENCE_GRAPH), "a failed load must write nothing"
    return [str(p) for p in caught.value.problems]


def test_users_own_catalog_loads(sources: ReferenceSources) -> None:
    store = open_store(None)
    result = load_reference(store, with_extra(sources, GOOD))
    assert result.loaded
    from grcgraph.reference.catalog import Catalog

    req = Catalog(store).requirement("acme:AC-1")
    assert req.ref.title == "Model access is reviewed quarterly"
    assert [a.curie for a in req.ancestors] == ["acme:AC"]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (GOOD.replace("id,kind,parent,title", "id,kind,parent"), "acme.csv:13: title: required column is missing"),
        (GOOD.replace("AC-2,Control", "AC-1,Control"), "acme.csv:16: id: duplicate id 'AC-1', first on line 15"),
        (GOOD.replace("issued: 2026-01-15", "issued: 2026-15-01"), "acme.csv:9: issued: invalid value"),
        (GOOD.replace("AC-1,Control,AC,", "AC-1,Control,AX,"), "acme.csv:15: parent: 'AX' is not an id in this catalog"),
        (GOOD.replace("AC-2,Control", "AC-2,Contrl"), "acme.csv:16: kind: 'Contrl' is not one of"),
        (GOOD.replace("AC-1,Control,AC,Model access is reviewed quarterly", "AC-1,Control,AC,"), "acme.csv:15: title: is empty"),
        (GOOD.replace("id,kind,parent,title", "id,kind,parent,title,colour"), "acme.csv:13: colour: unknown column"),
        (GOOD.replace("AC-2,Control,AC,Training data access is logged", "AC-2,Control,AC,Training,extra"), "acme.csv:16: row:"),
        (GOOD.replace("# prefix: acme\n", ""), "acme.csv:1: prefix: required header key is missing"),
        (GOOD.replace("# prefix: acme", "# prefix: iso42001"), "acme.csv:1: prefix: 'iso42001' is already used"),
    ],
    ids=[
        "missing-column",
        "duplicate-id",
        "bad-date",
        "unknown-parent",
        "unknown-kind",
        "empty-title",
        "unknown-column",
        "extra-cell",
        "missing-header-key",
        "prefix-clash",
    ],
)
def test_malformed_catalog_is_refused(sources: ReferenceSources, text: str, expected: str) -> None:
    found = problems(with_extra(sources, text))
    assert any(p.startswith(expected) for p in found), found


def test_bad_application_date_is_refused(sources: ReferenceSources) -> None:
    rules = sources.application_rules
    assert rules is not None
    bad = replace(sources, application_rules=SourceFile(rules.name, rules.text.replace(",2027-12-02,", ",2027-02-30,")))
    found = problems(bad)
    assert any("eu-ai-act-application.csv:" in p and "applies_from: '2027-02-30' is not a date" in p for p in found), found


def test_failed_reload_keeps_the_previous_graph(sources: ReferenceSources) -> None:
    store = open_store(None)
    first = load_reference(store, sources)
    size = store.graph_size(iris.REFERENCE_GRAPH)
    with pytest.raises(DataError):
        load_reference(store, with_extra(sources, GOOD.replace("AC-2,Control", "AC-1,Control")))
    assert store.graph_size(iris.REFERENCE_GRAPH) == size
    assert store.digest(iris.REFERENCE_GRAPH) == first.digest


def test_reload_is_idempotent_and_skips_unchanged(sources: ReferenceSources) -> None:
    store = open_store(None)
    first = load_reference(store, sources)
    size = store.graph_size(iris.REFERENCE_GRAPH)
    second = load_reference(store, sources)
    assert first.loaded and not second.loaded
    forced = load_reference(store, sources, force=True)
    assert forced.loaded and store.graph_size(iris.REFERENCE_GRAPH) == size
    assert not store.has_graph(iris.STAGING_GRAPH)


def test_store_on_disk_survives_reopen(tmp_path: Path, sources: ReferenceSources) -> None:
    with open_store(tmp_path / "store") as store:
        load_reference(store, sources)
        size = store.graph_size(iris.REFERENCE_GRAPH)
    with open_store(tmp_path / "store") as reopened:
        assert reopened.graph_size(iris.REFERENCE_GRAPH) == size
        assert not load_reference(reopened, sources).loaded
