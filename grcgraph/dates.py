"""The one date form users write: YYYY-MM-DD, strictly (Python would also take 20261122 or 2026-W47)."""

from __future__ import annotations

import datetime as dt
import re

DATE_FORM = "YYYY-MM-DD"
_PATTERN = re.compile(r"^\d{4}-\d{2}-\d{2}$")


def parse_date(text: str) -> dt.date:
    """The date `text` names; ValueError with a message users can act on otherwise."""
    try:
        if not _PATTERN.match(text):
            raise ValueError
        return dt.date.fromisoformat(text)
    except ValueError:
        raise ValueError(f"{text[:40]!r} is not a date in the form {DATE_FORM}") from None
