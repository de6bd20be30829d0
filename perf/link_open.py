"""Pages opened from a link in a real browser, as a colleague opens a shared one: a new session each time.

The bundled sample and the extract benched are each promoted into a data root of their own and served side by
side by two dashboard servers on loopback; Debian's Chromium opens every page from a fresh browser context (a
new Streamlit session) for three month ends, the sample's and the extract's in turn, so that the machine's other
work falls on both alike (served one after the other, the sample's own opens moved 1.5-2.3 s between runs). Each
open is timed from the request to the page's script having finished (its title drawn, the script state back to
not running). Each server's very first page, after it starts, is timed apart: it includes opening the extract.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import json
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path

from perf.loadtest import LOADED, PATHS
from perf.server import CHROMIUM, CHROMIUM_ARGS, free_port, start_server, stop_server

ROOT = Path(__file__).resolve().parent.parent
SAMPLE = ROOT / "sample_data" / "unit"
WAIT_SECONDS = 180


def month_ends(data: Path, count: int = 3) -> list[str]:
    """The labels of the `count` month ends before the extract's as-of day, newest first ("October 2026")."""
    manifest = json.loads((data / "manifest.json").read_text())
    as_of = dt.datetime.fromisoformat(manifest.get("as_of") or manifest["extracted_at"]).date()
    ends, day = [], as_of.replace(day=1) - dt.timedelta(days=1)
    while len(ends) < count:
        ends.append(f"{day:%B %Y}")
        day = day.replace(day=1) - dt.timedelta(days=1)
    return ends


@contextlib.contextmanager
def served(data: Path, settings: Path) -> Iterator[str]:
    """Promote `data` into a data root of its own and serve it; yields the server's address."""
    with tempfile.TemporaryDirectory(prefix="unitload-links-") as folder:
        root = Path(folder) / "root"
        subprocess.run(
            [sys.executable, "-m", "unitload", "promote", str(data), "--root", str(root), "--settings", str(settings)],
            check=True,
            capture_output=True,
            timeout=3600,
        )
        port = free_port()
        server = start_server(root, port, env={"UNITLOAD_SETTINGS": str(settings)}, timeout=600)
        try:
            yield f"http://127.0.0.1:{port}"
        finally:
            stop_server(server)


def _open(browser, address: str) -> float:
    context = browser.new_context(viewport={"width": 1400, "height": 1000})
    try:
        page = context.new_page()
        page.set_default_timeout(WAIT_SECONDS * 1000)
        start = time.perf_counter()
        page.goto(address)
        page.wait_for_function(LOADED, polling=50)
        return time.perf_counter() - start
    finally:
        context.close()


def compare(data: Path, settings: Path, months: int = 3) -> list[tuple[str, float, float]]:
    """(page, median seconds on the sample, median seconds on `data`) per page, and the first pages: each page
    opened on the sample and on `data` in turn, for the same month ends."""
    from playwright.sync_api import sync_playwright

    labels = [  # each extract's own month ends, the newest first: the same months when their days agree
        (ours.replace(" ", "+"), theirs.replace(" ", "+"))
        for ours, theirs in zip(month_ends(SAMPLE, months), month_ends(data, months), strict=True)
    ]
    with served(SAMPLE, settings) as sample, served(data, settings) as benched, sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        try:
            rows = [("first page after the server starts", _open(browser, f"{sample}/"), _open(browser, f"{benched}/"))]
            for path in PATHS:
                pairs = [
                    (
                        _open(browser, f"{sample}/{path}?month={ours}"),
                        _open(browser, f"{benched}/{path}?month={theirs}"),
                    )
                    for ours, theirs in labels
                ]
                rows.append((path or "overview", *(statistics.median(times) for times in zip(*pairs, strict=True))))
        finally:
            browser.close()
    return rows
