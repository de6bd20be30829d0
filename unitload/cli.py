"""The `unitload` command: generate, validate and query extracts (DATA_CONTRACT.md section 4)."""

from __future__ import annotations

import datetime as dt
import functools
import json
import subprocess
import sys
from pathlib import Path
from typing import Annotated

import typer

from queries.catalogue import LIST_PARAMS, load_query, query_names
from unitload.importing.command import import_command

# A command imports what it needs when it runs (DuckDB, Polars, the generator, the pack, promotion, the
# measuring tools in perf/): `unitload --help` loads none of them, and `unitload query` only its own.
FORMATS = ("csv", "json", "table")  # unitload.output renders each (a test checks the two lists agree)
app = typer.Typer(
    help="Unit workload and forensic backlog: generate, validate and query extracts.",
    no_args_is_help=True,
    pretty_exceptions_enable=False,
    add_completion=False,
)

DataOption = Annotated[
    Path, typer.Option("--data", help="Extract folder (one Parquet file or folder per table, manifest.json).")
]
SettingsOption = Annotated[Path | None, typer.Option("--settings", help="Settings TOML file; defaults otherwise.")]


class UsageError(ValueError):
    """A command-line value that cannot be used; the message says which and why."""


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
    from unitload.output import render

    if fmt not in FORMATS:
        raise UsageError(f"--format must be one of {', '.join(FORMATS)}, not {fmt!r}")
    source = _readable(data, settings, show=True)
    params = _parse_params(name, param or [], source.settings.sql_params() | {"months": 1})
    if as_of is not None:
        params["as_of"] = _date(as_of, "--as-of")
    elif source.extract.as_of is None:
        raise UsageError(f"{data}: manifest.json has no extracted_at; give --as-of YYYY-MM-DD")
    sys.stdout.write(render(run_query(source, name, **params), fmt))


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
) -> None:
    """Measure a staffing scenario on a day: officer_load's columns, with each officer's baseline load beside them.

    An invalid scenario (an unknown officer, case, team or change, a date that does not parse, hours out
    of range) stops with one line naming the change and field, exit code 2; nothing is written anywhere.
    """
    from unitload.output import render
    from unitload.planner import plan_rows
    from unitload.scenario import parse

    if fmt not in FORMATS:
        raise UsageError(f"--format must be one of {', '.join(FORMATS)}, not {fmt!r}")
    try:
        text = scenario.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise UsageError(f"--scenario {scenario}: cannot be read ({getattr(exc, 'strerror', None) or exc})") from None
    changes = parse(text)
    source = _readable(data, settings)
    day = _date(as_of, "--as-of") if as_of is not None else source.extract.as_of
    if day is None:
        raise UsageError(f"{data}: manifest.json has no extracted_at; give --as-of YYYY-MM-DD")
    sys.stdout.write(render(plan_rows(source, changes, day), fmt))


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

    from unitload.db import open_source
    from unitload.findings import ERROR, has_errors
    from unitload.settings import load_settings
    from unitload.validate import validate as validate_source

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
    day, bar = _date(as_of, "--as-of"), functools.partial(tqdm, disable=None)
    if as_exports:
        from unitload.importing.exports import generate_exports

        typer.echo("\n".join(generate_exports(out, scale=scale, seed=seed, as_of=day, progress=bar)))
        return
    summary = generate_extract(out, scale=scale, seed=seed, as_of=day, progress=bar)
    typer.echo(f"wrote {out}: " + ", ".join(f"{n} {t}" for t, n in summary.items()))


app.command("import")(import_command)


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
) -> None:
    """Write the monthly pack: one self-contained HTML file that opens with no network, or a PDF of it."""
    from unitload.report import monthly_pack, to_pdf

    if fmt not in ("html", "pdf"):
        raise UsageError(f"--format must be html or pdf, not {fmt!r}")
    source = _readable(data, settings)
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
    pack = monthly_pack(source, as_of, names=names)
    if fmt == "pdf":
        try:
            to_pdf(pack.html, out)
        except (OSError, RuntimeError, subprocess.TimeoutExpired) as exc:
            raise UsageError(f"--format pdf: {exc} (apt-get install chromium)") from None
    else:
        out.write_text(pack.html, encoding="utf-8")
    typer.echo(f"wrote {out} ({out.stat().st_size // 1024} KiB), figures as of {as_of}")


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

    A rejected extract changes nothing: the validation report is printed and the exit code is 1. Run
    again after a promoter was killed, it completes that promotion or clears what was left.
    """
    from unitload.promote import PromoteError
    from unitload.promote import promote as promote_extract

    if keep < 1:
        raise UsageError("--keep must be at least 1")
    try:
        done = promote_extract(
            new, root, keep=keep, seconds=seconds, memory_mb=memory_mb, settings=settings, allow_older=allow_older
        )
    except PromoteError as exc:
        typer.echo(str(exc), err=True)
        raise typer.Exit(1) from None
    if done.report:
        typer.echo(done.report)
    pruned = f"; pruned {', '.join(done.pruned)}" if done.pruned else ""
    how = "completed the interrupted promotion of" if done.resumed else "promoted"
    typer.echo(f"{how} {done.extract_id}: {root}/current -> {done.folder.relative_to(root.resolve())}{pruned}")


@app.command()
def notify(
    data: Annotated[Path, typer.Option("--data", help="An extract folder, or a data root of `unitload promote`.")],
    settings: SettingsOption = None,
    as_of: Annotated[str | None, typer.Option("--as-of", help="Day YYYY-MM-DD; default the extract's.")] = None,
    dry_run: Annotated[
        Path | None, typer.Option("--dry-run", help="Write the messages as .eml files here; send nothing.")
    ] = None,
) -> None:
    """Email each recipient of the settings' [notify] their monthly digest and the alerts first met.

    Meant to run daily (docs/notify.md). Exit code 1 when a message could not be sent; it is tried
    again on the next run.
    """
    from unitload import notify as notifier
    from unitload.promote import current_folder

    root = current_folder(data) or data
    source = _readable(root, settings)
    day = _date(as_of, "--as-of") if as_of else source.extract.as_of
    if day is None:
        raise UsageError(f"{root}: manifest.json has no extracted_at; give --as-of YYYY-MM-DD")
    if not source.settings.notify.recipients:
        raise UsageError("the settings name no recipients: add a [notify.recipients] table (docs/notify.md)")
    report = notifier.run(source, source.settings, day, dry_run=dry_run)
    for line in report.sent:
        typer.echo(("written: " if dry_run else "sent: ") + line)
    for line in report.failed:
        typer.echo(f"unitload: not sent: {line}", err=True)
    if report.failed:
        raise typer.Exit(1)


@app.command()
def bench(
    data: DataOption,
    page: Annotated[list[str] | None, typer.Option("--page", help="Only these pages (repeatable).")] = None,
    repeat: Annotated[int, typer.Option("--repeat", help="Runs of each warm filter set.")] = 3,
    pandas: Annotated[bool, typer.Option("--pandas/--no-pandas", help="Compare with pandas.")] = True,
    targets: Annotated[str, typer.Option("--targets", help="Targets to check: force or region.")] = "force",
) -> None:
    """Time every page's server-side work cold and warm, the 24-month trend and pandas; print peak memory."""
    from perf.bench import PAGES, TARGETS
    from perf.bench import bench as run_bench

    if targets not in TARGETS:
        raise UsageError(f"--targets must be one of {', '.join(TARGETS)}, not {targets!r}")

    unknown = sorted(set(page or ()) - set(PAGES))
    if unknown:
        raise UsageError(f"--page must be among {', '.join(PAGES)}, not {', '.join(unknown)}")
    run_bench(data, tuple(page) if page else PAGES, pandas=pandas, repeat=repeat, scale=targets)


@app.command()
def load(
    data: DataOption,
    sessions: Annotated[int, typer.Option("--sessions", help="Concurrent browser sessions.")] = 20,
    minutes: Annotated[float, typer.Option("--minutes", help="How long each session runs.")] = 3.0,
    think: Annotated[float, typer.Option("--think", help="Seconds a session reads a page, on average.")] = 3.0,
    compete: Annotated[
        bool,
        typer.Option(
            "--browsers-compete",
            help="Run the browsers at the server's priority rather than in the idle class (CPU the server leaves).",
        ),
    ] = False,
) -> None:
    """Serve the dashboard and drive headless Chromium sessions through every page; print p50, p95, errors, memory."""
    from perf.loadtest import load as run_load
    from perf.server import CHROMIUM

    if not Path(CHROMIUM).exists():
        raise UsageError(f"{CHROMIUM} is missing: apt-get install chromium")
    run_load(data, sessions, minutes, think, compete)


def _readable(data: Path, settings: Path | None, show: bool = False):
    """The extract bound with the settings, or a UsageError when a table cannot be read (`show`: each why)."""
    from unitload.db import open_source
    from unitload.settings import load_settings

    source = open_source(data, load_settings(settings))
    if not source.usable:
        for finding in source.structure if show else ():
            typer.echo(finding.line(), err=True)
        raise UsageError(f"{data}: the extract cannot be read; run `unitload validate {data}` for every finding")
    return source


def _date(text: str, what: str) -> dt.date:
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        raise UsageError(f"{what} must be a date YYYY-MM-DD, not {text!r}") from None


def _parse_params(name: str, pairs: list[str], defaults: dict[str, object]) -> dict[str, object]:
    """KEY=VALUE pairs, each value converted to the type of the setting of that name."""
    load_query(name)  # an unknown query name fails here with the list of names
    params: dict[str, object] = {}
    for pair in pairs:
        key, sep, value = pair.partition("=")
        if not sep:
            raise UsageError(f"--param must be KEY=VALUE, not {pair!r}")
        default = defaults.get(key)
        try:
            if key == "as_of":
                params[key] = _date(value, "--param as_of")
            elif key in LIST_PARAMS:
                params[key] = [v.strip() for v in value.split(",") if v.strip()]
            elif isinstance(default, list):
                kind = type(default[0]) if default else str
                params[key] = [kind(v.strip()) for v in value.split(",") if v.strip()]
            elif isinstance(default, int | float):
                params[key] = type(default)(value)
            else:
                params[key] = value
        except ValueError:
            raise UsageError(f"--param {key}: {value!r} is not a {type(default).__name__}") from None
    return params


def main() -> None:
    """Run the command; known errors become one line on stderr and exit code 2."""
    try:
        app()
    except Exception as exc:
        known = _known_errors()
        if isinstance(exc, known):
            typer.echo(f"unitload: error: {exc}", err=True)
            sys.exit(2)
        duckdb = sys.modules.get("duckdb")
        if duckdb is not None and isinstance(exc, duckdb.Error):
            typer.echo(f"unitload: error: the query failed: {str(exc).splitlines()[0]}", err=True)
            sys.exit(2)
        raise


def _known_errors() -> tuple[type[Exception], ...]:
    """The errors a command stops with in one line (their modules are loaded when a command raised them)."""
    from queries.catalogue import QueryError
    from unitload.extract import ExtractError
    from unitload.importing.errors import MappingError, SourceError
    from unitload.scenario import ScenarioError
    from unitload.settings import SettingsError

    return UsageError, ExtractError, SettingsError, QueryError, ScenarioError, MappingError, SourceError
