"""What text a workspace write accepts, before it is stored: no control characters and no
bidirectional overrides (which make a stored title read differently from what it holds) in any
field, tab and line breaks in multi-line fields only (descriptions, purposes, reasons), evidence
locations in an allow-list of schemes (a `javascript:` location would be a stored script once a page
renders it as a link), and an optional field that is empty or only spaces stored as absent.
"""

from __future__ import annotations

import re

from grcgraph.model import FieldPath, Problem

# C0 and C1 controls and DEL; U+2028/2029 (line and paragraph separators); the bidirectional
# embeddings, overrides and isolates (U+202A-202E, U+2066-2069) and marks (U+200E, U+200F, U+061C).
# Lone surrogates (U+D800-DFFF: a JSON body may hold "\\ud800") are no characters: UTF-8 cannot
# hold them, so neither can the store.
_BIDI = "\u202a-\u202e\u2066-\u2069\u200e\u200f\u061c"
_SURROGATES = "\ud800-\udfff"
SINGLE_LINE_FAULT = re.compile(f"[\x00-\x1f\x7f-\x9f\u2028\u2029{_BIDI}{_SURROGATES}]")
MULTI_LINE_FAULT = re.compile(f"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f{_BIDI}{_SURROGATES}]")
LOCATION_SCHEMES = ("https", "http", "file", "s3", "urn", "doi")


def _named(character: str) -> str:
    return f"U+{ord(character):04X}"


def single_line(value: str | None, path: FieldPath, problems: list[Problem]) -> str | None:
    """`value` stripped, or None when it is absent, empty or only spaces; a problem at `path` for a
    control character (tab and line breaks included) or a bidirectional control."""
    if value is None or not value.strip():
        return None
    found = SINGLE_LINE_FAULT.search(value)
    if found is not None:
        problems.append(
            Problem(
                f"holds {_named(found.group())} at character {found.start() + 1}: a one-line field takes no control characters "
                "(tab and line breaks included), no bidirectional controls and no lone surrogates",
                path,
            )
        )
        return None
    return value.strip()


def multi_line(value: str | None, path: FieldPath, problems: list[Problem]) -> str | None:
    """`value` as given, or None when it is absent, empty or only spaces; a problem at `path` for a
    control character other than tab and line breaks, or a bidirectional control."""
    if value is None or not value.strip():
        return None
    found = MULTI_LINE_FAULT.search(value)
    if found is not None:
        problems.append(
            Problem(
                f"holds {_named(found.group())} at character {found.start() + 1}: text takes tab and line breaks, "
                "no other control characters, no bidirectional controls and no lone surrogates",
                path,
            )
        )
        return None
    return value


def location_fault(value: str) -> str | None:
    """Why `value` is not an evidence location this project stores (None if it is one)."""
    scheme = value.split(":", 1)[0].lower() if ":" in value else ""
    if scheme not in LOCATION_SCHEMES:
        return f"its scheme must be one of {', '.join(LOCATION_SCHEMES)} (as in https://..., s3://bucket/key, doi:10.1000/182)"
    return None
