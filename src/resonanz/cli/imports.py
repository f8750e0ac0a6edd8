"""``resonanz import customers|orders|events|feedback FILE``: a thin wrapper over
:func:`resonanz.imports.services.import_file` with a rich progress bar."""

from __future__ import annotations

from pathlib import Path

import typer

KIND_HELP = {
    "customers": "Import customers (key: external_id; changed rows are updated).",
    "orders": "Import orders (needs the customers first).",
    "events": "Import journey events (needs the customers first).",
    "feedback": "Import feedback (survey answers, reviews, tickets …).",
}

imports_app = typer.Typer(name="import", help="Import customers, orders, journey events or feedback from a file "
                          "(CSV/TSV/XLSX/JSON/JSONL).", no_args_is_help=True)


def register(app: typer.Typer) -> None:
    for kind, help_text in KIND_HELP.items():
        imports_app.command(kind, help=help_text)(_command(kind))
    app.add_typer(imports_app, name="import")


def parse_map_options(items: list[str]) -> dict[str, str]:
    """``["text=Kommentar", "nps=NPS"]`` → ``{"text": "Kommentar", "nps": "NPS"}``."""
    mapping: dict[str, str] = {}
    for item in items:
        target, sep, source = item.partition("=")
        if not sep or not target.strip() or not source.strip():
            raise typer.BadParameter(f"--map expects target=column, got {item!r}")
        mapping[target.strip()] = source.strip()
    return mapping


def _command(kind: str):  # noqa: ANN202 - a Typer callback factory
    def run(
        file: Path = typer.Argument(..., exists=True, dir_okay=False, readable=True, help="The file to import"),
        skip_invalid: bool = typer.Option(False, "--skip-invalid", help="Import the valid rows; write rejected "
                                          "rows to a CSV (default: all or nothing)"),
        map_: list[str] = typer.Option([], "--map", help="target=column (repeatable); default: suggested"),
        source: str | None = typer.Option(None, "--source", help="Default feedback source code (feedback)"),
        delimiter: str | None = typer.Option(None, "--delimiter", help="CSV delimiter (default: detected)"),
        encoding: str | None = typer.Option(None, "--encoding", help="Text encoding (default: detected)"),
        dry_run: bool = typer.Option(False, "--dry-run", help="Validate and count, then roll back"),
    ) -> None:
        _run(kind=kind, file=file, skip_invalid=skip_invalid, map_=map_, source=source, delimiter=delimiter,
             encoding=encoding, dry_run=dry_run)

    run.__doc__ = KIND_HELP[kind]
    return run


def _run(*, kind: str, file: Path, skip_invalid: bool, map_: list[str], source: str | None,
         delimiter: str | None, encoding: str | None, dry_run: bool) -> None:
    from rich.console import Console
    from rich.progress import BarColumn, DownloadColumn, Progress, TextColumn, TimeRemainingColumn

    from resonanz.cli.django_setup import setup_django

    mapping = parse_map_options(map_) or None
    setup_django()
    from django.conf import settings

    from resonanz.imports.services import ImportRefused, import_file

    console = Console(stderr=True)
    total = file.stat().st_size
    with Progress(TextColumn("[bold]{task.description}"), BarColumn(), DownloadColumn(),
                  TextColumn("{task.fields[rows]} rows"), TimeRemainingColumn(), console=console,
                  transient=False) as bar:
        task = bar.add_task(f"import {kind}", total=total, rows=0)

        def progress(p) -> None:  # noqa: ANN001
            bar.update(task, completed=p.bytes_read, rows=f"{p.rows_read:,}")

        try:
            result = import_file(path=file, kind=kind, mapping=mapping, skip_invalid=skip_invalid, source=source,
                                 delimiter=delimiter, encoding=encoding, dry_run=dry_run, progress=progress)
        except ImportRefused as exc:
            console.print(f"[red]{exc}[/red]")
            raise typer.Exit(2) from None
        bar.update(task, completed=total)

    console.print(f"format {result.file_format}" + (f", encoding {result.encoding}" if result.encoding else "")
                  + (f", delimiter {result.delimiter!r}" if result.delimiter else ""))
    console.print("mapping: " + ", ".join(f"{t} ← {c}" for t, c in result.mapping.items()))
    console.print(f"rows {result.rows_total:,}: created {result.rows_created:,}, updated {result.rows_updated:,}, "
                  f"unchanged {result.rows_unchanged:,}, rejected {result.rows_rejected:,} "
                  f"({result.seconds:.1f} s){' [dry run: rolled back]' if dry_run else ''}")
    for e in result.errors[:20]:
        where = f"row {e['row']}" if e["row"] is not None else "file"
        col = f", column {e['column']!r}" if e["column"] else ""
        val = f", value {e['value']!r}" if e["value"] else ""
        console.print(f"[{e['code']}] {where}{col}{val}: {e['reason']}", style="red", highlight=False,
                      markup=False)
    if result.error_count > 20:
        console.print(f"… {result.error_count - 20:,} more errors")
    media = Path(settings.MEDIA_ROOT)
    if result.rejected_file:
        console.print(f"rejected rows: {media / result.rejected_file}")
    if result.errors_file:
        console.print(f"all errors: {media / result.errors_file}")
    if not result.ok:
        console.print("[red]Nothing was imported.[/red]" if not skip_invalid else "[red]Import failed.[/red]")
        raise typer.Exit(1)
