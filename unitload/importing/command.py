"""The `unitload import` command (registered by unitload.cli; imports the converter only when it runs)."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Annotated

import typer


def import_command(
    sources: Annotated[
        list[Path] | None,
        typer.Argument(
            help="Export files, or folders of them (CSV, TSV, XLSX, Parquet); none when every table is a query."
        ),
    ] = None,
    *,
    mapping: Annotated[
        list[Path], typer.Option("--mapping", help="Mapping TOML of one source system (docs/import.md); repeatable.")
    ],
    out: Annotated[Path, typer.Option("--out", help="Folder to write the extract into (must not exist yet).")],
    extracted_at: Annotated[
        str | None,
        typer.Option("--extracted-at", help="When the exports were taken, ISO date-time; default now (UTC)."),
    ] = None,
    extract_id: Annotated[
        str | None, typer.Option("--extract-id", help="Id of the extract; default import-YYYY-MM-DD.")
    ] = None,
    settings: Annotated[
        Path | None, typer.Option("--settings", help="Settings TOML file used to validate; defaults otherwise.")
    ] = None,
) -> None:
    """Convert a force's own exports into a contract extract with a mapping file per source system.

    A mapping's table may be a query on a database instead (its URL in UNITLOAD_DATABASE_<NAME>).

    Every problem is one line naming the export file (and sheet) and row, or a query's key, with the column
    and the value; then exit code 1 and nothing is written. The extract is validated before it is put in place.
    """
    from unitload.importing.errors import ImportFailed, cut
    from unitload.importing.run import import_exports
    from unitload.settings import load_settings

    try:
        taken = dt.datetime.fromisoformat(extracted_at) if extracted_at else dt.datetime.now(dt.UTC)
    except ValueError:
        raise typer.BadParameter(f"not an ISO date-time: {extracted_at!r}", param_hint="--extracted-at") from None
    taken = taken.replace(tzinfo=None, microsecond=0)
    try:
        done = import_exports(
            mapping, sources or [], out, extracted_at=taken, extract_id=extract_id, settings=load_settings(settings)
        )
    except ImportFailed as failed:
        for line in failed.lines:
            typer.echo(cut(line, 400), err=True)
        typer.echo(f"unitload import: {failed}", err=True)
        raise typer.Exit(1) from None
    for name, rows in done.rows.items():
        typer.echo(f"{name}: {rows} rows from {', '.join(done.sources[name])}")
    for line in done.warnings:
        typer.echo(line)
    typer.echo(f"wrote {done.out} ({done.extract_id}); it passes validation")
