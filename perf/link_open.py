"""Pages opened from a link in a real browser, as a colleague opens a shared one: a new session each time.

The bundled sample and the extract benched are each promoted into a data root of their own and served one
after the other by a dashboard server on loopback; Debian's Chromium opens every page from a fresh browser
context (a new Streamlit session) for three month ends, and each open is timed from the request to the
page's script having finished (its title drawn, the script state back to not running). The server's very
first page, after it starts, is timed apart: it includes opening the extract.
"""

from __future__ import annotations

import datetime as dt
import json
import statistics
import subprocess
import sys
import tempfile
import time
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


def opens(data: Path, settings: Path, months: int = 3) -> dict:
    """Promote `data`, serve it, and time its first page, then every page from a fresh session per month."""
    from playwright.sync_api import sync_playwright

    with tempfile.TemporaryDirectory(prefix="unitload-links-") as folder:
        root = Path(folder) / "root"
        subprocess.run(
            [sys.executable, "-m", "unitload", "promote", str(data), "--root", str(root), "--settings", str(settings)],
            check=True,
            capture_output=True,
            timeout=3600,
        )
        labels = month_ends(data, months)
        port = free_port()
        server = start_server(root, port, env={"UNITLOAD_SETTINGS": str(settings)}, timeout=600)
        url = f"http://127.0.0.1:{port}"
        try:
            with sync_playwright() as playwright:
                browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
                try:
                    first = _open(browser, f"{url}/")
                    times = {
                        path or "overview": [
                            _open(browser, f"{url}/{path}?month={label.replace(' ', '+')}") for label in labels
                        ]
                        for path in PATHS
                    }
                finally:
                    browser.close()
        finally:
            stop_server(server)
    return {"first": first, "pages": times}


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
    """(page, median seconds on the sample, median seconds on `data`) per page, and the first pages."""
    sample, benched = opens(SAMPLE, settings, months), opens(data, settings, months)
    rows = [("first page after the server starts", sample["first"], benched["first"])]
    for page in sample["pages"]:
        rows.append((page, statistics.median(sample["pages"][page]), statistics.median(benched["pages"][page])))
    return rows
