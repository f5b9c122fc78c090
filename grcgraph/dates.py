"""The one date form users write: YYYY-MM-DD, strictly (Python would also take 20261122 or 2026-W47);
and the date-and-time form of measurements, ISO 8601 with a time."""

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


def parse_datetime(text: str) -> dt.datetime:
    """A date and time in ISO 8601 (`2026-11-03T02:00:00Z`, an offset, or none: UTC), as an aware
    datetime; ValueError with a message users can act on otherwise."""
    try:
        if "T" not in text and " " not in text.strip():
            raise ValueError
        found = dt.datetime.fromisoformat(text.strip())
    except ValueError:
        raise ValueError(f"{text[:40]!r} is not a date and time such as 2026-11-03T02:00:00Z") from None
    return found if found.tzinfo else found.replace(tzinfo=dt.UTC)
