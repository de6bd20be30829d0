"""Commands on extracts: query one, validate it, generate one, import a force's exports, promote one."""

from __future__ import annotations

import functools
import json
import sys
from pathlib import Path
from typing import Annotated

import typer

from queries.catalogue import query_names, reads_decisions
from unitload.cli.common import (
    FORMATS,
    DataOption,
    SettingsOption,
    UsageError,
    app,
    no_day,
    parse_date,
    parse_params,
    readable,
)
from unitload.importing.command import import_command


@app.command()
def query(
    name: Annotated[str, typer.Argument(help="Named query: " + ", ".join(query_names()))],
    data: DataOption,
    as_of: Annotated[str | None, typer.Option("--as-of", help="As-of day YYYY-MM-DD; default the extract's.")] = None,
    settings: SettingsOption = None,
    param: Annotated[list[str] | None, typer.Option("--param", help="KEY=VALUE for a query parameter.")] = None,
    fmt: Annotated[str, typer.Option("--format", help="csv, json or table.")] = "csv",
) -> None:
    """Run a named query on an extract and print one row per item."""
    from queries.runner import run_query
    from unitload.output.formats import render

    if fmt not in FORMATS:
        raise UsageError(f"--format must be one of {', '.join(FORMATS)}, not {fmt!r}")
    # the store is opened only for a query that reads decisions (SQLAlchemy and the file cost 0.2 s of a start);
    # an unknown name stops here, with the list of names
    source = readable(data, settings, show=True, decisions=reads_decisions(name))
    params = parse_params(name, param or [], source.settings.sql_params() | {"months": 1})
    if as_of is not None:
        params["as_of"] = parse_date(as_of, "--as-of")
    elif source.extract.as_of is None:
        raise UsageError(no_day(source, data))
    sys.stdout.write(render(run_query(source, name, **params), fmt))


@app.command()
def validate(
    data: Annotated[Path, typer.Argument(help="Extract folder to check.")],
    settings: SettingsOption = None,
    fmt: Annotated[str, typer.Option("--format", help="text or json.")] = "text",
    derive: Annotated[
        bool, typer.Option("--derive", help="When it passes, write its snapshots and findings under derived/.")
    ] = False,
) -> None:
    """Check an extract against the data contract; exit 1 when any error is found.

    With --derive (as `unitload promote` runs it), a passing extract also gets the month-end snapshots
    and these findings written into its derived/ folder, which the dashboard attaches on opening it.
    """
    from tqdm import tqdm

    from unitload.extract.db import open_source
    from unitload.extract.findings import ERROR, has_errors
    from unitload.extract.validate import validate as validate_source
    from unitload.settings import load_settings

    source = open_source(data, load_settings(settings))
    findings = validate_source(
        source, progress=lambda items: tqdm(items, desc="checks", unit="table", leave=False, disable=None)
    )
    if fmt == "json":
        typer.echo(json.dumps([f.as_dict() for f in findings], indent=1))
    else:
        for finding in findings:
            typer.echo(finding.line())
        errors = sum(f.severity == ERROR for f in findings)
        typer.echo(f"{source.extract.extract_id}: {errors} error(s), {len(findings) - errors} warning(s)")
    if has_errors(findings):
        raise typer.Exit(1)
    if derive and source.settings.engine.snapshot_months and source.extract.as_of:
        from queries.derived import save

        save(source, source.settings.engine.snapshot_months, findings)


@app.command()
def generate(
    out: Annotated[Path, typer.Option("--out", help="Folder to write the extract into (created).")],
    scale: Annotated[
        str, typer.Option("--scale", help="unit (about 2,000 cases), force or region (four forces).")
    ] = "unit",
    seed: Annotated[int, typer.Option("--seed", help="Random seed: the same seed gives the same data.")] = 42,
    as_of: Annotated[str, typer.Option("--as-of", help="Day the extract is taken, YYYY-MM-DD.")] = "2026-10-31",
    as_exports: Annotated[
        bool, typer.Option("--as-exports", help="Write it as two source systems' exports and their mappings.")
    ] = False,
) -> None:
    """Write a realistic synthetic extract (officers, cases, actions, forensic queue, manifest).

    With --as-exports, the same data as a records system's and a duty system's exports (CSV, TSV, a
    workbook) with the mapping files that `unitload import` turns back into the extract.
    """
    from tqdm import tqdm

    from unitload.generate import SCALES, generate_extract

    if scale not in SCALES:
        raise UsageError(f"--scale must be one of {', '.join(SCALES)}, not {scale!r}")
    day, bar = parse_date(as_of, "--as-of"), functools.partial(tqdm, disable=None)
    if as_exports:
        from unitload.importing.exports import generate_exports

        typer.echo("\n".join(generate_exports(out, scale=scale, seed=seed, as_of=day, progress=bar)))
        return
    summary = generate_extract(out, scale=scale, seed=seed, as_of=day, progress=bar)
    typer.echo(f"wrote {out}: " + ", ".join(f"{n} {t}" for t, n in summary.items()))


app.command("import")(import_command)


@app.command()
def promote(
    new: Annotated[Path, typer.Argument(help="Folder of the new extract.")],
    root: Annotated[Path, typer.Option("--root", help="Data root: extracts/ and the current link.")],
    keep: Annotated[int, typer.Option("--keep", help="Promoted extracts to keep (the oldest are pruned).")] = 12,
    seconds: Annotated[float, typer.Option("--timeout", help="Seconds validation may take.")] = 600,
    memory_mb: Annotated[int, typer.Option("--memory-mb", help="Memory validation may use, in MB.")] = 4096,
    settings: SettingsOption = None,
    allow_older: Annotated[
        bool, typer.Option("--allow-older", help="Promote an extract taken before the one served now.")
    ] = False,
) -> None:
    """Copy a new extract into the data root, validate the copy in a child process and serve it from now on.

    An extract that validation rejects changes nothing: the report is printed and the exit code is 1; any
    other refusal (no such folder, already promoted, a link in the extract) is one line and exit code 2. Run
    again after a promoter was killed, it completes that promotion or clears what was left.
    """
    from unitload.extract.promote import PromoteError, Rejected
    from unitload.extract.promote import promote as promote_extract

    if keep < 1:
        raise UsageError("--keep must be at least 1")
    try:
        done = promote_extract(
            new, root, keep=keep, seconds=seconds, memory_mb=memory_mb, settings=settings, allow_older=allow_older
        )
    except Rejected as exc:
        typer.echo(str(exc), err=True)
        raise typer.Exit(1) from None
    except PromoteError as exc:
        raise UsageError(str(exc)) from None
    if done.report:
        typer.echo(done.report)
    pruned = f"; pruned {', '.join(done.pruned)}" if done.pruned else ""
    how = "completed the interrupted promotion of" if done.resumed else "promoted"
    typer.echo(f"{how} {done.extract_id}: {root}/current -> {done.folder.relative_to(root.resolve())}{pruned}")
