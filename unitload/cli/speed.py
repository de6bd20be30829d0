"""Commands that measure: page and query timings, and concurrent browser sessions."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from unitload.cli.common import (
    DataOption,
    UsageError,
    app,
)


@app.command()
def bench(
    data: DataOption,
    page: Annotated[list[str] | None, typer.Option("--page", help="Only these pages (repeatable).")] = None,
    repeat: Annotated[int, typer.Option("--repeat", help="Runs of each warm filter set.")] = 3,
    pandas: Annotated[bool, typer.Option("--pandas/--no-pandas", help="Compare with pandas.")] = True,
    targets: Annotated[str, typer.Option("--targets", help="Targets to check: force or region.")] = "force",
    browser: Annotated[
        bool, typer.Option("--browser/--no-browser", help="Open each page from a link in Chromium, beside the sample.")
    ] = True,
    link_months: Annotated[
        int, typer.Option("--link-months", min=1, max=12, help="Month ends each page is opened for in the browser.")
    ] = 3,
) -> None:
    """Time every page's server-side work cold and warm, pages opened from a link in a browser, the 24-month
    trend and pandas; print peak memory."""
    from perf.bench import PAGES, TARGETS
    from perf.bench import bench as run_bench

    if targets not in TARGETS:
        raise UsageError(f"--targets must be one of {', '.join(TARGETS)}, not {targets!r}")

    unknown = sorted(set(page or ()) - set(PAGES))
    if unknown:
        raise UsageError(f"--page must be among {', '.join(PAGES)}, not {', '.join(unknown)}")
    chosen = tuple(page) if page else PAGES
    run_bench(data, chosen, pandas=pandas, repeat=repeat, scale=targets, browser=browser, link_months=link_months)


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
