"""Docstring examples in the Python API run as written."""

from __future__ import annotations

import doctest

import grcgraph.api


def test_api_docstring_examples() -> None:
    result = doctest.testmod(grcgraph.api, optionflags=doctest.ELLIPSIS)
    assert result.attempted > 0 and result.failed == 0
