"""What the engine says of the AI management system's records on a date: an objective's status
from its series, and everything whose next review date has passed.

An objective's status (docs/aims.md):
- no-recent-data: no measurement, or the latest is older than its staleness window (the
  objective's `stale_after_days`, else the workspace's) on the date asked;
- breached: the latest value is past the threshold (below it where higher is better, above it
  where lower is better);
- at-risk: the latest value misses the target but not the threshold, or meets the target while
  the least-squares line through the recent measurements (the latest TREND_WINDOW, at least 3)
  heads toward the threshold and would cross it within one staleness window;
- met: otherwise.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

from grcgraph.model import AISystem, ImpactAssessment, Measurement, Objective, ObjectiveStatus, OverdueItem, Review, Risk

TREND_WINDOW = 5  # recent measurements the trend is fitted to
DAY = 86_400.0


def slope_per_day(series: Sequence[Measurement]) -> float | None:
    """The least-squares slope of value over time (per day) through `series`, or None for fewer
    than 3 points or points all at one time."""
    if len(series) < 3:
        return None
    xs = [m.at.timestamp() / DAY for m in series]
    ys = [m.value for m in series]
    mean_x, mean_y = sum(xs) / len(xs), sum(ys) / len(ys)
    spread = sum((x - mean_x) ** 2 for x in xs)
    if spread == 0:
        return None
    return sum((x - mean_x) * (y - mean_y) for x, y in zip(xs, ys, strict=True)) / spread


def objective_status(
    objective: Objective, recent: Sequence[Measurement], count: int, *, on: dt.date, stale_after_days: int
) -> ObjectiveStatus:
    """The status of `objective` on `on`, from its `recent` measurements (time order, the latest
    TREND_WINDOW or more) and how many it has in all."""
    window = objective.stale_after_days or stale_after_days
    if not recent:
        return ObjectiveStatus("no-recent-data", "no measurement yet", count, None, None, None)
    latest = recent[-1]
    value, unit = latest.value, f" {objective.unit}" if objective.unit else ""
    slope = slope_per_day(recent[-TREND_WINDOW:])
    if latest.at.date() + dt.timedelta(days=window) < on:
        reason = f"the latest measurement, {latest.at.date().isoformat()}, is more than {window} days before {on.isoformat()}"
        return ObjectiveStatus("no-recent-data", reason, count, value, latest.at, slope)
    higher = objective.direction == "higher"
    below, above = ("below", "above") if higher else ("above", "below")
    if (value < objective.threshold) if higher else (value > objective.threshold):
        reason = f"{value:g}{unit} is {below} the threshold {objective.threshold:g}{unit}"
        return ObjectiveStatus("breached", reason, count, value, latest.at, slope)
    if (value < objective.target) if higher else (value > objective.target):
        reason = f"{value:g}{unit} misses the target {objective.target:g}{unit} ({above} the threshold {objective.threshold:g})"
        return ObjectiveStatus("at-risk", reason, count, value, latest.at, slope)
    if slope is not None and ((slope < 0) if higher else (slope > 0)):
        projected = value + slope * window
        if (projected < objective.threshold) if higher else (projected > objective.threshold):
            days = (objective.threshold - value) / slope
            when = (latest.at + dt.timedelta(days=days)).date().isoformat()
            reason = f"{value:g}{unit} meets the target, but the trend ({slope:+.3g}{unit} a day) crosses the threshold {objective.threshold:g} around {when}"
            return ObjectiveStatus("at-risk", reason, count, value, latest.at, slope)
    reason = f"{value:g}{unit} meets the target {objective.target:g}{unit}"
    return ObjectiveStatus("met", reason, count, value, latest.at, slope)


def overdue(
    systems: Sequence[AISystem],
    risks: Sequence[Risk],
    assessments: Sequence[ImpactAssessment],
    reviews: Sequence[Review],
    *,
    on: dt.date,
) -> list[OverdueItem]:
    """Everything whose next review date is before `on`: AI systems, live risks, impact
    assessments, and the latest management review. (A review of a system, risk or assessment moves
    that record's own next review, so the record stands for it.) Most overdue first."""
    found: list[OverdueItem] = []

    def add(kind: str, record_id: str, title: str, due: dt.date | None) -> None:
        if due is not None and due < on:
            found.append(OverdueItem(kind, record_id, title, due, (on - due).days))

    for system in systems:
        add("system", system.id, system.name, system.next_review)
    for risk in risks:
        if risk.status != "closed":
            add("risk", risk.id, risk.title, risk.next_review)
    for assessment in assessments:
        add("impact-assessment", assessment.id, assessment.title or f"impact assessment of {assessment.system}", assessment.next_review)
    management = [r for r in reviews if r.kind == "aims"]
    if management:
        latest = max(management, key=lambda r: (r.reviewed_on, r.id))
        add("review", latest.id, f"management review of {latest.reviewed_on.isoformat()}", latest.next_review)
    return sorted(found, key=lambda item: (-item.days_overdue, item.kind, item.id))
