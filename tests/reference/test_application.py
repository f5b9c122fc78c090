"""EU AI Act dates of application: one answer per provision, category and date, each with its source."""

from __future__ import annotations

import datetime as dt

import pytest

from grcgraph.reference.applicability import CATEGORY_NOTATIONS, Applicability
from grcgraph.store.base import GraphStore

EU = "https://w3id.org/grcgraph/eu-ai-act/"


@pytest.fixture(scope="module")
def applicability(store: GraphStore) -> Applicability:
    return Applicability(store)


def test_every_provision_has_exactly_one_answer_per_category(applicability: Applicability) -> None:
    """No two rules tie for any provision, category or part (resolve raises on a tie)."""
    categories = [None, *(str(c) for c in CATEGORY_NOTATIONS.values())]
    for provision in applicability.provisions():
        if "/annex-" in provision:
            continue  # annexes apply through the articles that refer to them
        for part in applicability.parts(provision):
            answers = [applicability.resolve(provision, category, part) for category in categories]
            if part is None:
                assert all(answer is not None for answer in answers), f"{provision} has no date for some category"
            else:  # a part narrower than the provision has its own rule, for some category at least
                assert any(answer is not None for answer in answers), f"{provision} ({part}) has no rule of its own"
            assert all(answer.part == part for answer in answers if answer is not None), provision


@pytest.mark.parametrize(
    ("provision", "category", "expected", "replaced"),
    [
        ("art-4", None, "2025-02-02", []),
        ("art-5-1", None, "2025-02-02", []),
        ("art-53-1", None, "2025-08-02", []),
        ("art-99-1", None, "2025-08-02", []),
        ("art-101", None, "2026-08-02", []),
        ("art-78", None, "2025-08-02", []),
        ("art-28-1", None, "2025-08-02", []),
        ("art-50-1", None, "2026-08-02", []),
        ("art-9-1", None, "2026-08-02", []),
        ("art-9-1", "high-risk-annex-iii", "2027-12-02", ["2026-08-02"]),
        ("art-26-1", "high-risk-annex-iii", "2027-12-02", ["2026-08-02"]),
        ("art-72-1", "high-risk-annex-iii", "2027-12-02", ["2026-08-02"]),
        ("art-9-1", "high-risk-annex-i", "2028-08-02", ["2027-08-02"]),
        ("art-6-1", None, "2028-08-02", ["2027-08-02"]),
        ("art-43-1", "high-risk-annex-iii", "2027-12-02", ["2026-08-02"]),
    ],
)
def test_dates(applicability: Applicability, provision: str, category: str | None, expected: str, replaced: list[str]) -> None:
    cat = str(CATEGORY_NOTATIONS[category]) if category else None
    answer = applicability.resolve(EU + provision, cat)
    assert answer is not None
    assert answer.applies_from == dt.date.fromisoformat(expected)
    assert [str(r.applies_from) for r in answer.replaced] == replaced
    assert answer.rule.source


def test_parts_inserted_or_deferred_by_the_amendment(applicability: Applicability) -> None:
    parts = applicability.parts(EU + "art-5")
    assert len(parts) == 2
    answer = applicability.resolve(EU + "art-5", None, parts[1])
    assert answer is not None and answer.applies_from == dt.date(2026, 12, 2) and "Omnibus" in answer.rule.source
    grace = applicability.parts(EU + "art-50-2")[1]
    assert grace and "before 2 August 2026" in grace
    answer = applicability.resolve(EU + "art-50-2", None, grace)
    assert answer is not None and answer.applies_from == dt.date(2026, 12, 2)


def test_what_applies_on_a_date(applicability: Applicability) -> None:
    annex_iii = str(CATEGORY_NOTATIONS["high-risk-annex-iii"])
    assert applicability.applies_on(EU + "art-5-1", dt.date(2025, 2, 2))
    assert not applicability.applies_on(EU + "art-5-1", dt.date(2025, 2, 1))
    assert not applicability.applies_on(EU + "art-9-1", dt.date(2027, 1, 1), annex_iii)
    assert applicability.applies_on(EU + "art-9-1", dt.date(2027, 12, 2), annex_iii)
