"""The AI management system's records on the command line: the risk register (`risks add|list`),
impact assessments, objectives and their measurements (`measurements import FILE.csv`), reviews,
nonconformities and corrective actions, and what is overdue (`overdue`). Every command calls the
facade; a bad value is one error naming its option, and nothing is written."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from grcgraph.cli.common import (
    DataDirOption,
    MemoryOption,
    OnOption,
    StoreOption,
    WorkspaceOption,
    app,
    console,
    fail,
    opened,
    parse_day,
    print_frame,
)
from grcgraph.config import DEFAULT_WORKSPACE

if TYPE_CHECKING:
    import datetime as dt

    from grcgraph.model import FieldPath

risks_app = typer.Typer(help="The AI risk register: add and list risks.", no_args_is_help=True)
assessments_app = typer.Typer(help="AI system impact assessments: add and list.", no_args_is_help=True)
objectives_app = typer.Typer(help="Measurable objectives: add and list, with their status.", no_args_is_help=True)
measurements_app = typer.Typer(help="Measurements of objectives: import a CSV, list a series.", no_args_is_help=True)
reviews_app = typer.Typer(help="Reviews of AI systems, risks, impact assessments and the AIMS (management reviews).", no_args_is_help=True)
nc_app = typer.Typer(help="Nonconformities: add (or open from a breached objective) and list.", no_args_is_help=True)
actions_app = typer.Typer(help="Corrective actions on nonconformities: add and list.", no_args_is_help=True)
for typer_app, group in (
    (risks_app, "risks"),
    (assessments_app, "assessments"),
    (objectives_app, "objectives"),
    (measurements_app, "measurements"),
    (reviews_app, "reviews"),
    (nc_app, "nonconformities"),
    (actions_app, "actions"),
):
    app.add_typer(typer_app, name=group)

Ids = Annotated[list[str] | None, typer.Option(help="Repeat for several.")]


def _day(text: str | None, option: str) -> dt.date | None:
    from grcgraph.dates import parse_date

    if text is None:
        return None
    try:
        return parse_date(text)
    except ValueError as error:
        raise fail(f"{option}: {error}") from None


def _saved(kind: str, record_id: str, workspace: str) -> None:
    console.print(f"{kind} {record_id!r} saved in workspace {workspace!r}.", markup=False)


@risks_app.command("add")
def risks_add(
    risk_id: Annotated[str, typer.Argument(metavar="ID")],
    title: Annotated[str, typer.Option("--title")],
    system: Ids = None,
    gai_risk: Annotated[str | None, typer.Option("--gai-risk", help="A NIST AI 600-1 risk by label, e.g. Confabulation")] = None,
    likelihood: Annotated[int | None, typer.Option("--likelihood", help="1 to the workspace's risk scale (default 5)")] = None,
    severity: Annotated[int | None, typer.Option("--severity")] = None,
    residual_likelihood: Annotated[int | None, typer.Option("--residual-likelihood")] = None,
    residual_severity: Annotated[int | None, typer.Option("--residual-severity")] = None,
    treatment: Annotated[str | None, typer.Option("--treatment", help="avoid, mitigate, transfer, accept")] = None,
    control: Ids = None,
    evidence: Ids = None,
    owner: Annotated[str | None, typer.Option("--owner")] = None,
    status: Annotated[str, typer.Option("--status", help="identified, assessed, treated, closed")] = "identified",
    assessed_on: Annotated[str | None, typer.Option("--assessed-on", help="YYYY-MM-DD")] = None,
    next_review: Annotated[str | None, typer.Option("--next-review", help="YYYY-MM-DD")] = None,
    description: Annotated[str | None, typer.Option("--description")] = None,
    workspace: WorkspaceOption = DEFAULT_WORKSPACE,
    data_dir: DataDirOption = None,
    store_url: StoreOption = None,
    memory: MemoryOption = False,
) -> None:
    """Add or replace a risk in the register."""
    from grcgraph.model import RiskInput

    item = RiskInput(
        id=risk_id,
        title=title,
        description=description,
        systems=system or [],
        gai_risk=gai_risk,
        likelihood=likelihood,
        severity=severity,
        residual_likelihood=residual_likelihood,
        residual_severity=residual_severity,
        treatment=treatment,
        controls=control or [],
        evidence=evidence or [],
        owner=owner,
        status=status,
        assessed_on=_day(assessed_on, "--assessed-on"),
        next_review=_day(next_review, "--next-review"),
    )
    with opened(data_dir, memory, store_url, workspace=workspace) as graph:
        graph.put_risk(item, path=_options())
    _saved("risk", risk_id, workspace)


def _options() -> FieldPath:
    """Problems of a command's input are named by field at the root: `likelihood: 8 is outside ...`."""
    from grcgraph.model import FieldPath

    return FieldPath()


@assessments_app.command("add")
def assessments_add(
    assessment_id: Annotated[str, typer.Argument(metavar="ID")],
    system: Annotated[str, typer.Option("--system")],
    assessed_on: Annotated[str, typer.Option("--assessed-on", help="YYYY-MM-DD")],
    assessor: Annotated[str, typer.Option("--assessor")],
    title: Annotated[str | None, typer.Option("--title")] = None,
    intended_use: Annotated[str | None, typer.Option("--intended-use")] = None,
    foreseeable_misuse: Annotated[str | None, typer.Option("--foreseeable-misuse")] = None,
    affected: Ids = None,
    decision: Annotated[str | None, typer.Option("--decision", help="approve, approve-with-conditions, reject (none: a draft)")] = None,
    approver: Annotated[str | None, typer.Option("--approver")] = None,
    decided_on: Annotated[str | None, typer.Option("--decided-on", help="YYYY-MM-DD")] = None,
    next_review: Annotated[str | None, typer.Option("--next-review", help="YYYY-MM-DD")] = None,
    workspace: WorkspaceOption = DEFAULT_WORKSPACE,
    data_dir: DataDirOption = None,
    store_url: StoreOption = None,
    memory: MemoryOption = False,
) -> None:
    """Add or replace an impact assessment (impacts: through GraphQL or the Python API)."""
    from grcgraph.model import ImpactAssessmentInput

    item = ImpactAssessmentInput(
        id=assessment_id,
        system=system,
        assessed_on=_day(assessed_on, "--assessed-on"),
        assessor=assessor,
        title=title,
        intended_use=intended_use,
        foreseeable_misuse=foreseeable_misuse,
        affected=affected or [],
        decision=decision,
        approver=approver,
        decided_on=_day(decided_on, "--decided-on"),
        next_review=_day(next_review, "--next-review"),
    )
    with opened(data_dir, memory, store_url, workspace=workspace) as graph:
        graph.put_impact_assessment(item, path=_options())
    _saved("impact assessment", assessment_id, workspace)


@objectives_app.command("add")
def objectives_add(
    objective_id: Annotated[str, typer.Argument(metavar="ID")],
    title: Annotated[str, typer.Option("--title")],
    metric: Annotated[str, typer.Option("--metric")],
    direction: Annotated[str, typer.Option("--direction", help="higher or lower (is better)")],
    target: Annotated[float, typer.Option("--target")],
    threshold: Annotated[float, typer.Option("--threshold", help="Past it the objective is breached")],
    unit: Annotated[str | None, typer.Option("--unit")] = None,
    system: Ids = None,
    requirement: Ids = None,
    owner: Annotated[str | None, typer.Option("--owner")] = None,
    stale_after_days: Annotated[int | None, typer.Option("--stale-after-days")] = None,
    workspace: WorkspaceOption = DEFAULT_WORKSPACE,
    data_dir: DataDirOption = None,
    store_url: StoreOption = None,
    memory: MemoryOption = False,
) -> None:
    """Add or replace a measurable objective."""
    from grcgraph.model import ObjectiveInput

    item = ObjectiveInput(
        id=objective_id,
        title=title,
        metric=metric,
        direction=direction,
        target=target,
        threshold=threshold,
        unit=unit,
        systems=system or [],
        requirements=requirement or [],
        owner=owner,
        stale_after_days=stale_after_days,
    )
    with opened(data_dir, memory, store_url, workspace=workspace) as graph:
        graph.put_objective(item, path=_options())
    _saved("objective", objective_id, workspace)


@objectives_app.command("list")
def objectives_list(
    on: OnOption = None,
    workspace: WorkspaceOption = DEFAULT_WORKSPACE,
    data_dir: DataDirOption = None,
    store_url: StoreOption = None,
    memory: MemoryOption = False,
) -> None:
    """Objectives with their status (met, at-risk, breached, no-recent-data) and why."""
    day = parse_day(on)
    with opened(data_dir, memory, store_url, workspace=workspace, write=False) as graph:
        frame = graph.objectives(on=day)
    print_frame(frame, f"Objectives in workspace {workspace!r} on {day.isoformat()}")


@measurements_app.command("import")
def measurements_import(
    file: Annotated[Path, typer.Argument(help="CSV: objective, value, at (ISO 8601), and optionally source, recorded_by")],
    recorded_by: Annotated[str | None, typer.Option("--recorded-by", help="Who or what recorded rows without a recorded_by")] = None,
    workspace: WorkspaceOption = DEFAULT_WORKSPACE,
    data_dir: DataDirOption = None,
    store_url: StoreOption = None,
    memory: MemoryOption = False,
) -> None:
    """Import a CSV of measurements as one batch: all rows or, naming each bad line and column, none."""
    from grcgraph.errors import DataError

    if not file.is_file():
        raise fail(f"{file}: no such file")
    with opened(data_dir, memory, store_url, workspace=workspace) as graph:
        try:
            count = graph.import_measurements(file, recorded_by=recorded_by)
        except DataError as error:
            raise fail(f"nothing was imported.\n{error}") from None
    console.print(f"Imported {count} measurement(s) into workspace {workspace!r}.")


@measurements_app.command("list")
def measurements_list(
    objective: Annotated[str, typer.Argument(metavar="OBJECTIVE")],
    workspace: WorkspaceOption = DEFAULT_WORKSPACE,
    data_dir: DataDirOption = None,
    store_url: StoreOption = None,
    memory: MemoryOption = False,
) -> None:
    """An objective's measurements in time order."""
    from grcgraph.errors import NotFoundError

    with opened(data_dir, memory, store_url, workspace=workspace, write=False) as graph:
        try:
            frame = graph.measurements(objective)
        except NotFoundError as error:
            raise fail(str(error)) from None
    print_frame(frame, f"Measurements of {objective!r}")


@reviews_app.command("add")
def reviews_add(
    review_id: Annotated[str, typer.Argument(metavar="ID")],
    kind: Annotated[str, typer.Option("--kind", help="system, risk, impact-assessment, aims (a management review)")],
    reviewed_on: Annotated[str, typer.Option("--reviewed-on", help="YYYY-MM-DD")],
    outcome: Annotated[str, typer.Option("--outcome")],
    subject: Annotated[str | None, typer.Option("--subject", help="The id of what was reviewed (none for kind aims)")] = None,
    participant: Ids = None,
    action: Ids = None,
    next_review: Annotated[str | None, typer.Option("--next-review", help="YYYY-MM-DD")] = None,
    workspace: WorkspaceOption = DEFAULT_WORKSPACE,
    data_dir: DataDirOption = None,
    store_url: StoreOption = None,
    memory: MemoryOption = False,
) -> None:
    """Add or replace a review; one of a system, risk or impact assessment moves its next review."""
    from grcgraph.model import ReviewInput

    item = ReviewInput(
        id=review_id,
        kind=kind,
        reviewed_on=_day(reviewed_on, "--reviewed-on"),
        outcome=outcome,
        subject=subject,
        participants=participant or [],
        actions=action or [],
        next_review=_day(next_review, "--next-review"),
    )
    with opened(data_dir, memory, store_url, workspace=workspace) as graph:
        graph.put_review(item, path=_options())
    _saved("review", review_id, workspace)


@nc_app.command("add")
def nonconformities_add(
    nc_id: Annotated[str, typer.Argument(metavar="ID")],
    title: Annotated[str | None, typer.Option("--title")] = None,
    found_on: Annotated[str | None, typer.Option("--found-on", help="YYYY-MM-DD (default: today)")] = None,
    source: Annotated[
        str, typer.Option("--source", help="internal-audit, external-audit, incident, review, objective, complaint")
    ] = "internal-audit",
    from_objective: Annotated[str | None, typer.Option("--from-objective", help="Open it from this breached objective")] = None,
    requirement: Ids = None,
    system: Annotated[str | None, typer.Option("--system")] = None,
    severity: Annotated[str, typer.Option("--severity", help="minor or major")] = "minor",
    root_cause: Annotated[str | None, typer.Option("--root-cause")] = None,
    workspace: WorkspaceOption = DEFAULT_WORKSPACE,
    data_dir: DataDirOption = None,
    store_url: StoreOption = None,
    memory: MemoryOption = False,
) -> None:
    """Record a nonconformity, or open one from a breached objective (--from-objective)."""
    from grcgraph.model import NonconformityInput

    day = parse_day(found_on)
    with opened(data_dir, memory, store_url, workspace=workspace) as graph:
        if from_objective:
            graph.open_nonconformity(from_objective, nc_id, on=day, severity=severity, title=title, root_cause=root_cause)
        else:
            if not title:
                raise fail("--title is required (unless the nonconformity is opened --from-objective)")
            item = NonconformityInput(
                id=nc_id,
                title=title,
                found_on=day,
                source=source,
                severity=severity,
                requirements=requirement or [],
                system=system,
                root_cause=root_cause,
            )
            graph.put_nonconformity(item, path=_options())
    _saved("nonconformity", nc_id, workspace)


@actions_app.command("add")
def actions_add(
    action_id: Annotated[str, typer.Argument(metavar="ID")],
    nonconformity: Annotated[str, typer.Option("--nonconformity")],
    title: Annotated[str, typer.Option("--title")],
    owner: Annotated[str, typer.Option("--owner")],
    due: Annotated[str, typer.Option("--due", help="YYYY-MM-DD")],
    status: Annotated[str, typer.Option("--status", help="planned, in-progress, done")] = "planned",
    effective: Annotated[bool | None, typer.Option("--effective/--ineffective", help="The verification's verdict, once done")] = None,
    verified_on: Annotated[str | None, typer.Option("--verified-on", help="YYYY-MM-DD")] = None,
    verified_by: Annotated[str | None, typer.Option("--verified-by")] = None,
    workspace: WorkspaceOption = DEFAULT_WORKSPACE,
    data_dir: DataDirOption = None,
    store_url: StoreOption = None,
    memory: MemoryOption = False,
) -> None:
    """Add or replace a corrective action (refused on a closed nonconformity)."""
    from grcgraph.model import CorrectiveActionInput

    item = CorrectiveActionInput(
        id=action_id,
        nonconformity=nonconformity,
        title=title,
        owner=owner,
        due=_day(due, "--due"),
        status=status,
        effective=effective,
        verified_on=_day(verified_on, "--verified-on"),
        verified_by=verified_by,
    )
    with opened(data_dir, memory, store_url, workspace=workspace) as graph:
        graph.put_corrective_action(item, path=_options())
    _saved("corrective action", action_id, workspace)


@app.command("overdue")
def overdue(
    on: OnOption = None,
    workspace: WorkspaceOption = DEFAULT_WORKSPACE,
    data_dir: DataDirOption = None,
    store_url: StoreOption = None,
    memory: MemoryOption = False,
) -> None:
    """Everything whose next review date has passed: AI systems, risks, impact assessments, the management review."""
    day = parse_day(on)
    with opened(data_dir, memory, store_url, workspace=workspace, write=False) as graph:
        frame = graph.overdue(on=day)
    if frame.empty:
        console.print(f"Nothing is overdue on {day.isoformat()}.")
        return
    print_frame(frame, f"Overdue on {day.isoformat()} in workspace {workspace!r}")
