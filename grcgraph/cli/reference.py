"""Commands over the reference graph: load, frameworks, show, validate, export, mappings, crosswalk."""

from __future__ import annotations

import sys
from enum import StrEnum
from pathlib import Path
from typing import Annotated

import typer
from rich.markup import escape
from rich.table import Table

from grcgraph.cli.common import DataDirOption, MemoryOption, StoreOption, app, console, errors, fail, opened


class ExportFormat(StrEnum):
    turtle = "turtle"
    jsonld = "jsonld"
    nt = "nt"
    oscal_catalog = "oscal-catalog"
    oscal_mapping = "oscal-mapping"


class MappingFormat(StrEnum):
    table = "table"
    csv = "csv"
    sssom = "sssom"
    sssom_skos = "sssom-skos"


@app.command()
def load(
    data_dir: DataDirOption = None,
    store_url: StoreOption = None,
    memory: MemoryOption = False,
    force: Annotated[bool, typer.Option("--force", help="Rebuild even if the sources have not changed.")] = False,
    catalog: Annotated[
        list[Path] | None,
        typer.Option("--catalog", help="An extra catalog of your own: CSV, or an OSCAL 1.2 catalog (.json) (repeatable)."),
    ] = None,
    mappings: Annotated[
        list[Path] | None,
        typer.Option("--mappings", help="Extra mappings of your own: SSSOM TSV, or an OSCAL 1.2 mapping collection (.json) (repeatable)."),
    ] = None,
) -> None:
    """Build or refresh the reference graph (frameworks and crosswalks) in the store."""
    from rich.progress import Progress, SpinnerColumn, TextColumn, TimeElapsedColumn

    from grcgraph.errors import DataError

    for extra in [*(catalog or []), *(mappings or [])]:
        if not extra.is_file():
            raise fail(f"{extra}: no such file")
    with opened(data_dir, memory, store_url, ensure_loaded=False) as graph:
        with Progress(SpinnerColumn(), TextColumn("{task.description}"), TimeElapsedColumn(), console=errors, transient=True) as progress:
            task = progress.add_task("checking sources", total=None)
            try:
                result = graph.load_reference(
                    catalogs=catalog or [],
                    mapping_sets=mappings or [],
                    force=force,
                    progress=lambda step: progress.update(task, description=step),
                )
            except DataError as error:
                raise fail(f"nothing was written; the store keeps its previous state.\n{error}") from None
            triples = result.triples if result.triples is not None else graph.reference_size()
        where = graph.location
    if result.loaded:
        console.print(f"Loaded the reference graph: {triples} triples into {where}.")
    else:
        own = " It holds your own catalogs or mapping sets: --force rebuilds it from the bundled files alone." if result.own else ""
        console.print(f"The reference graph in {where} is up to date ({triples} triples); nothing to do.{own}")


@app.command()
def frameworks(data_dir: DataDirOption = None, store_url: StoreOption = None, memory: MemoryOption = False) -> None:
    """List each framework version with its counts per requirement kind."""
    with opened(data_dir, memory, store_url, write=False) as graph:
        versions = graph.framework_versions()
    table = Table(title="Frameworks in the reference graph")
    for column in ("Prefix", "Framework version", "Requirements", "By kind"):
        table.add_column(column)
    for version in versions:
        kinds = ", ".join(f"{kind} {count}" for kind, count in version.counts.items())
        table.add_row(version.prefix, f"{version.framework} ({version.version})", str(version.total), kinds)
    console.print(table)


@app.command()
def show(
    requirement_id: Annotated[str, typer.Argument(metavar="ID", help="e.g. A.6.2.8, iso42001:A.6.2.8, 'Art. 12(1)', 'GOVERN 1.1'")],
    data_dir: DataDirOption = None,
    store_url: StoreOption = None,
    memory: MemoryOption = False,
) -> None:
    """Print one requirement with its parents, children and source."""
    from grcgraph.errors import UnknownRequirementError
    from grcgraph.vocab.terms import AI_CATEGORIES

    with opened(data_dir, memory, store_url, write=False) as graph:
        try:
            req = graph.requirement(requirement_id)
        except UnknownRequirementError as error:
            raise fail(str(error)) from None
        dates = graph.dates_of_application(req.ref.iri)
    console.print(f"[bold]{escape(req.ref.curie)}[/bold]  {escape(req.ref.notation)}  ({req.ref.kind})", highlight=False)
    console.print(f"[bold]{escape(req.ref.title)}[/bold]", highlight=False)
    console.print(f"in: {req.scheme}", markup=False, highlight=False)
    if req.ancestors:
        console.print("parents: " + " > ".join(f"{a.notation} {a.title}" for a in req.ancestors), markup=False, highlight=False)
    if req.text:
        console.print(f"\n{req.text}\n", markup=False, highlight=False)
    for ref in req.refines:
        console.print(f"refines: {ref.curie} {ref.title}", markup=False, highlight=False)
    if req.risks:
        console.print("GAI risks: " + "; ".join(req.risks), markup=False, highlight=False)
    for note in req.change_notes:
        console.print(f"[yellow]amended:[/yellow] {escape(note)}", highlight=False)
    labels = {str(iri): notation for notation, iri in AI_CATEGORIES.items()}
    for date in dates:
        scope = f"for {labels[date.category]} systems" if date.category else "for every AI system"
        part = f" ({date.part})" if date.part else ""
        was = "".join(f"; was {old.applies_from} under {old.source.split(',')[0]}" for old in date.replaced)
        console.print(
            f"applies from {date.applies_from} {scope}{part} [{date.rule.source.split(',')[0]}{was}]", markup=False, highlight=False
        )
    if req.children:
        console.print(f"children ({len(req.children)}):")
        for child in req.children:
            console.print(f"  {child.curie:28} {child.title[:100]}", markup=False, highlight=False)
    console.print(f"source: {req.source}" + (f" [{req.source_file}]" if req.source_file else ""), markup=False, highlight=False)
    if req.url:
        console.print(f"official text: {req.url}", markup=False, highlight=False)
    console.print(f"rights: {req.rights}", markup=False, highlight=False)


@app.command()
def validate(
    file: Annotated[Path | None, typer.Argument(help="A Turtle file to check instead of the reference graph.")] = None,
    data_dir: DataDirOption = None,
    store_url: StoreOption = None,
    memory: MemoryOption = False,
) -> None:
    """Run SHACL over the reference graph, or over FILE, and print a readable report."""
    from grcgraph.api import GRCGraph
    from grcgraph.errors import DataError

    if file is not None:
        if not file.is_file():
            raise fail(f"{file}: no such file")
        try:
            report, triples = GRCGraph.validate_turtle(file)
        except DataError as error:
            raise fail(str(error.problems[0])) from None
        subject = str(file)
    else:
        with opened(data_dir, memory, store_url, write=False) as graph:
            report, triples = graph.validate_reference()
        subject = "the reference graph"
    if report.conforms:
        console.print(f"{subject}: conforms ({triples} triples, 0 violations).")
        return
    table = Table(title=f"SHACL report for {subject}: {len(report.violations)} result(s)")
    for column in ("severity", "focus node", "path", "message", "value"):
        table.add_column(column, overflow="fold")
    for v in report.violations:
        table.add_row(*(escape(cell) for cell in (v.severity, v.focus, v.path, v.message, v.value)))
    console.print(table)
    raise typer.Exit(1)


@app.command()
def export(
    fmt: Annotated[ExportFormat, typer.Option("--format", help="Serialisation.")] = ExportFormat.turtle,
    output: Annotated[Path | None, typer.Option("--output", "-o", help="File to write (default: standard output).")] = None,
    framework: Annotated[str | None, typer.Option("--framework", help="oscal-catalog: the framework (e.g. iso42001).")] = None,
    source: Annotated[str | None, typer.Option("--from", help="oscal-mapping: the framework mappings are read from.")] = None,
    target: Annotated[str | None, typer.Option("--to", help="oscal-mapping: the framework they lead to.")] = None,
    data_dir: DataDirOption = None,
    store_url: StoreOption = None,
    memory: MemoryOption = False,
) -> None:
    """Write the reference graph as Turtle, JSON-LD or N-Triples, one framework as an OSCAL catalog
    (--framework), or the mappings between two as an OSCAL mapping collection (--from, --to)."""
    if fmt is ExportFormat.oscal_catalog and framework is None:
        raise fail("--format oscal-catalog needs --framework (e.g. --framework iso42001)")
    if fmt is ExportFormat.oscal_mapping and (source is None or target is None):
        raise fail("--format oscal-mapping needs --from and --to (e.g. --from iso42001 --to euaiact)")
    with opened(data_dir, memory, store_url, write=False) as graph:
        try:
            if fmt is ExportFormat.oscal_catalog:
                assert framework is not None
                data, what = graph.export_oscal_catalog(framework), f"the OSCAL catalog of {framework}"
            elif fmt is ExportFormat.oscal_mapping:
                assert source is not None and target is not None
                data, what = graph.export_oscal_mapping(source, target), f"the OSCAL mapping collection from {source} to {target}"
            else:
                data, triples = graph.export(fmt.value)
                what = f"{triples} triples"
        except ValueError as error:
            raise fail(str(error)) from None
    if output is None:
        sys.stdout.buffer.write(data)
    else:
        output.write_bytes(data)
        errors.print(f"wrote {what} to {output}")


@app.command()
def mappings(
    source: Annotated[str | None, typer.Option("--from", help="Framework the mappings are read from (e.g. iso42001).")] = None,
    target: Annotated[str | None, typer.Option("--to", help="Framework they lead to (e.g. euaiact).")] = None,
    fmt: Annotated[MappingFormat, typer.Option("--format", help="Output format.")] = MappingFormat.table,
    summary: Annotated[bool, typer.Option("--summary", help="Row counts and predicate shares per mapping set.")] = False,
    data_dir: DataDirOption = None,
    store_url: StoreOption = None,
    memory: MemoryOption = False,
) -> None:
    """List the mappings between two frameworks (every set, both directions), or a per-set summary."""
    import csv as csv_module

    if not summary and (source is None or target is None):
        raise fail("give --from and --to (e.g. --from iso42001 --to euaiact), or --summary")
    with opened(data_dir, memory, store_url, write=False) as graph:
        if summary:
            table = Table(title="Mapping sets in the reference graph")
            for column in ("file", "from", "to", "rows", "predicates (share of rows)"):
                table.add_column(column, overflow="fold")
            for s in graph.mapping_sets():
                shares = ", ".join(f"{p} {n} ({100 * n / s.rows:.0f}%)" for p, n in s.predicates.items())
                table.add_row(s.file, ", ".join(s.subject_frameworks), ", ".join(s.object_frameworks), str(s.rows), shares)
            console.print(table)
            return
        assert source is not None and target is not None
        try:
            found = graph.mapping_rows(source, target)
            skos = fmt is MappingFormat.sssom_skos
            text = graph.mappings_sssom(source, target, skos=skos) if fmt in (MappingFormat.sssom, MappingFormat.sssom_skos) else ""
        except ValueError as error:
            raise fail(str(error)) from None
    if fmt in (MappingFormat.sssom, MappingFormat.sssom_skos):
        sys.stdout.write(text)
    elif fmt is MappingFormat.csv:
        rows = [m.as_row() for m in found]
        writer = csv_module.DictWriter(sys.stdout, fieldnames=list(rows[0]) if rows else ["subject_id"], lineterminator="\n")
        writer.writeheader()
        writer.writerows(rows)
    else:
        table = Table(title=f"{len(found)} mappings from {source} to {target}")
        for column in ("subject", "relationship", "object", "rationale", "conf.", "comment"):
            table.add_column(column, overflow="fold")
        for m in found:
            obj = f"{m.object.curie} {m.object.title}" if m.object else "(no counterpart)"
            cells = (
                f"{m.subject.curie} {m.subject.title[:60]}",
                m.predicate + (" (inverse)" if m.inverted else ""),
                obj[:80],
                m.rationale or "",
                m.confidence or "",
                m.comment or "",
            )
            table.add_row(*(escape(cell) for cell in cells))
        console.print(table)


@app.command()
def crosswalk(
    requirement_id: Annotated[str, typer.Argument(metavar="ID", help="e.g. A.6.2.8, 'Art. 12(1)', 'GOVERN 1.1'")],
    data_dir: DataDirOption = None,
    store_url: StoreOption = None,
    memory: MemoryOption = False,
) -> None:
    """Everything mapped to or from one requirement across all frameworks, in both directions."""
    from grcgraph.errors import UnknownRequirementError

    with opened(data_dir, memory, store_url, write=False) as graph:
        try:
            ref = graph.resolve(requirement_id)
        except UnknownRequirementError as error:
            raise fail(str(error)) from None
        found = graph.mappings_of(ref.iri)
    console.print(f"[bold]{escape(ref.curie)}[/bold] {escape(ref.title)}: {len(found)} mapping(s)", highlight=False)
    for m in sorted(found, key=lambda m: (m.object.curie if m.object else "", m.mapping_set)):
        obj = f"{m.object.curie} {m.object.title}" if m.object else "(no counterpart)"
        how = f"{m.predicate}" + (f", {m.rationale}" if m.rationale else "") + (f", confidence {m.confidence}" if m.confidence else "")
        read = " (read from the other end)" if m.inverted else ""
        console.print(f"\n  {how}{read}\n  -> {obj}", markup=False, highlight=False)
        if m.comment:
            console.print(f"     why: {m.comment}", markup=False, highlight=False)
        author = m.extra.get("author_label")
        console.print(f"     source: {m.set_title}" + (f" (author: {author})" if author else ""), markup=False, highlight=False)
