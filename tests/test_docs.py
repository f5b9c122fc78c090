"""Docstring examples in the Python API run as written."""

from __future__ import annotations

import doctest

import pytest

import grcgraph
import grcgraph.api
import grcgraph.api.aims


@pytest.mark.parametrize("module", [grcgraph, grcgraph.api, grcgraph.api.aims], ids=["grcgraph", "grcgraph.api", "grcgraph.api.aims"])
def test_api_docstring_examples(module: object) -> None:
    result = doctest.testmod(module, optionflags=doctest.ELLIPSIS)  # type: ignore[arg-type]
    assert result.attempted > 0 and result.failed == 0


def test_the_public_face_names_what_it_serves() -> None:
    """Every name in `grcgraph.__all__` resolves, and each is served from the module it claims."""
    served = {name for names in grcgraph._FROM.values() for name in names}
    assert set(grcgraph.__all__) == served | {"__version__"}
    for name in served:
        assert getattr(grcgraph, name) is not None
