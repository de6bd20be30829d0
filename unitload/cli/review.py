"""Commands of the monthly review: the pack, a staffing scenario, the digests and alerts."""

from __future__ import annotations

import datetime as dt
import json
import subprocess
import sys
from pathlib import Path
from typing import Annotated

import typer

from unitload.cli.common import (
    FORMATS,
    DataOption,
    SettingsOption,
    UsageError,
    app,
    known_codes,
    no_day,
    parse_date,
    readable,
)


@app.command()
def report(
    data: DataOption,
    month: Annotated[str | None, typer.Option("--month", help="YYYY-MM; default the extract's own month.")] = None,
    out: Annotated[Path, typer.Option("--out", help="File to write (HTML, or PDF with --format pdf).")] = Path(
        "pack.html"
    ),
    settings: SettingsOption = None,
    names: Annotated[bool, typer.Option("--names", help="Show officer names (hidden by default).")] = False,
    fmt: Annotated[str, typer.Option("--format", help="html, or pdf (printed by Debian's Chromium).")] = "html",
    unit: Annotated[
        list[str] | None, typer.Option("--unit", help="A unit to cover (repeatable); default every unit.")
    ] = None,
    teams: Annotated[
        str | None, typer.Option("--teams", help="Teams to cover, comma-separated; default every team.")
    ] = None,
) -> None:
    """Write the monthly pack: one self-contained HTML file that opens with no network, or a PDF of it.

    With --unit or --teams it covers those, as the Overview's pack of the same view does."""
    from unitload.review.pack import monthly_pack, to_pdf

    if fmt not in ("html", "pdf"):
        raise UsageError(f"--format must be html or pdf, not {fmt!r}")
    source = readable(data, settings)
    as_of = source.extract.as_of
    if month:
        try:
            first = dt.date.fromisoformat(month + "-01")
        except ValueError:
            raise UsageError(f"--month must be YYYY-MM, not {month!r}") from None
        if first > as_of:
            raise UsageError(f"--month {month} is after the extract's as-of day {as_of}")
        following = (first + dt.timedelta(days=32)).replace(day=1)
        as_of = min(as_of, following - dt.timedelta(days=1))
    chosen = [t.strip() for t in (teams or "").split(",") if t.strip()] or None
    known_codes(source, "unit", unit or [])
    known_codes(source, "team", chosen or [])
    pack = monthly_pack(source, as_of, names=names, units=unit or None, teams=chosen)
    if fmt == "pdf":
        try:
            to_pdf(pack.html, out)
        except (OSError, RuntimeError, subprocess.TimeoutExpired) as exc:
            raise UsageError(f"--format pdf: {exc} (apt-get install chromium)") from None
    else:
        out.write_text(pack.html, encoding="utf-8")
    typer.echo(f"wrote {out} ({out.stat().st_size // 1024} KiB), figures as of {as_of}")


@app.command()
def plan(
    data: DataOption,
    scenario: Annotated[
        Path,
        typer.Option(
            "--scenario", help='Scenario JSON file: {"name": ..., "changes": [...]} (DATA_CONTRACT.md section 5).'
        ),
    ],
    as_of: Annotated[
        str | None, typer.Option("--as-of", help="Day to measure on, YYYY-MM-DD; default the extract's.")
    ] = None,
    settings: SettingsOption = None,
    fmt: Annotated[str, typer.Option("--format", help="csv, json or table.")] = "csv",
    summary: Annotated[
        bool,
        typer.Option(
            "--summary",
            help="With --format json: an object holding the rows (officers), the headline figures and the forensic "
            "forecast, baseline and scenario.",
        ),
    ] = False,
) -> None:
    """Measure a staffing scenario on a day: officer_load's columns, with each officer's baseline load beside them.

    The day is the extract's as-of day unless --as-of says another, as on the planner page; a change that
    starts after it cannot show, and each such change is named in a warning on stderr. An invalid scenario
    (an unknown officer, case, team or change, a date that does not parse, hours out of range) stops with
    one line naming the change and field, exit code 2; nothing is written anywhere.
    """
    from unitload.output.formats import render
    from unitload.planning.planner import after_the_day, plan_rows, plan_summary
    from unitload.planning.scenario import parse

    if fmt not in FORMATS:
        raise UsageError(f"--format must be one of {', '.join(FORMATS)}, not {fmt!r}")
    if summary and fmt != "json":
        raise UsageError("--summary needs --format json")
    try:
        text = scenario.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise UsageError(f"--scenario {scenario}: cannot be read ({getattr(exc, 'strerror', None) or exc})") from None
    changes = parse(text)
    source = readable(data, settings)
    day = parse_date(as_of, "--as-of") if as_of is not None else source.extract.as_of
    if day is None:
        raise UsageError(no_day(source, data))
    for warning in after_the_day(changes, day):
        sys.stderr.write(f"unitload: warning: {warning}; measure on a later day with --as-of\n")
    rows = plan_rows(source, changes, day)
    if summary:
        sys.stdout.write(json.dumps(plan_summary(source, changes, day, json.loads(render(rows, "json"))), indent=1))
        sys.stdout.write("\n")
    else:
        sys.stdout.write(render(rows, fmt))


@app.command()
def notify(
    data: Annotated[Path, typer.Option("--data", help="An extract folder, or a data root of `unitload promote`.")],
    settings: SettingsOption = None,
    as_of: Annotated[str | None, typer.Option("--as-of", help="Day YYYY-MM-DD; default the extract's.")] = None,
    dry_run: Annotated[
        Path | None, typer.Option("--dry-run", help="Write the messages as .eml files here; send nothing.")
    ] = None,
) -> None:
    """Email each recipient of the settings' notify section their monthly digest and the alerts newly met.

    Meant to run daily (docs/notify.md). Exit code 1 when a message could not be sent; it is tried
    again on the next run.
    """
    from unitload import notify as notifier
    from unitload.extract.promote import current_folder
    from unitload.store import open_store, store_url

    root = current_folder(data) or data
    source = readable(root, settings)
    day = parse_date(as_of, "--as-of") if as_of else source.extract.as_of
    if day is None:
        raise UsageError(no_day(source, root))
    if not source.settings.notify.recipients:
        raise UsageError("the settings name no recipients: add a [notify.recipients] table (docs/notify.md)")
    if source.extract.as_of is not None and day > source.extract.as_of:
        raise UsageError(f"--as-of {day} is after the extract's as-of day {source.extract.as_of}")
    store = open_store(store_url(source.settings.decisions.url, data))
    report = notifier.run(source, source.settings, day, store, dry_run=dry_run)
    for line in report.sent:
        typer.echo(("written: " if dry_run else "sent: ") + line)
    for line in report.failed:
        typer.echo(f"unitload: not sent: {line}", err=True)
    if report.busy:  # not a failure: the run holding the lock sends what is due
        typer.echo(f"unitload: nothing sent: {report.busy}", err=True)
    if report.stopped:
        typer.echo(f"unitload: stopped: {report.stopped}", err=True)
    if report.failed or report.stopped:
        raise typer.Exit(1)
