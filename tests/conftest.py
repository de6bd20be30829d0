"""Shared fixtures: tiny extracts built from rows, and the committed sample extract."""

from __future__ import annotations

import datetime as dt
import os
import subprocess
import sys
import time
from pathlib import Path

import pytest

from queries import run_query
from unitload.extract.db import Source, open_source
from unitload.extract.tables import write_extract
from unitload.settings import Settings

ROOT = Path(__file__).resolve().parent.parent
SAMPLE = ROOT / "sample_data" / "unit"
# The longest an app test waits for one script run, in seconds: a bound for a loaded machine, never a target
# (tests/browsing.py's WAIT says why).
APP_WAIT = 600
D = dt.date
# The app under test runs in local mode on the tests' own extracts (tests/local.toml says so) and keeps
# its audit trail under test-artifacts/; a test that needs other settings sets UNITLOAD_SETTINGS itself.
os.environ.setdefault("UNITLOAD_SETTINGS", str(ROOT / "tests" / "local.toml"))


def require(program: str, package: str) -> None:
    """A module of browser or proxy tests needs `program` (Debian's `package`): without it the run fails,
    so that passing means everything ran, unless SKIP_BROWSER=1 asks for those modules to be skipped."""
    if Path(program).exists():
        return
    if os.environ.get("SKIP_BROWSER"):
        pytest.skip(f"{program} is not installed and SKIP_BROWSER is set", allow_module_level=True)
    raise RuntimeError(
        f"{program} is missing: `make test` installs it as root (apt-get install -y {package}); "
        "SKIP_BROWSER=1 make test skips the tests that need it"
    )


def fresh_python(code: str) -> subprocess.CompletedProcess:
    """`code` run by a new interpreter to its end, which must succeed: its output, for what it prints at exit."""
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=600)
    assert done.returncode == 0, done.stderr
    return done


def officer(officer_id, team="T1", joined_on=D(2020, 1, 1), left_on=None, role="investigator", **extra):
    return {
        "officer_id": officer_id,
        "display_name": f"Name {officer_id}",
        "rank": "DC",
        "role": role,
        "unit": "U",
        "team": team,
        "supervisor_id": None,
        "joined_on": joined_on,
        "left_on": left_on,
    } | extra


def contract(officer_id, hours=40.0, valid_from=D(2020, 1, 1), valid_to=None):
    return {"officer_id": officer_id, "valid_from": valid_from, "valid_to": valid_to, "contracted_hours": hours}


def absence(officer_id, first_day, last_day, kind="sickness", reduction=1.0):
    return {
        "officer_id": officer_id,
        "first_day": first_day,
        "last_day": last_day,
        "kind": kind,
        "capacity_reduction": reduction,
    }


def case(case_id, opened_on=D(2026, 1, 5), closed_on=None, risk="medium", complexity=1, weight=None):
    return {
        "case_id": case_id,
        "case_ref": f"REF-{case_id}",
        "unit": "U",
        "opened_on": opened_on,
        "closed_on": closed_on,
        "offence_type": "IIOC possession",
        "risk_grade": risk,
        "complexity": complexity,
        "weight": weight,
    }


def assign(case_id, officer_id, assigned_from=D(2026, 1, 5), assigned_to=None, reason="new"):
    return {
        "case_id": case_id,
        "officer_id": officer_id,
        "assigned_from": assigned_from,
        "assigned_to": assigned_to,
        "reason": reason,
    }


def action(action_id, case_id, action_on, action_type="enquiry", officer_id="O1"):
    return {
        "action_id": action_id,
        "case_id": case_id,
        "officer_id": officer_id,
        "action_on": action_on,
        "action_type": action_type,
    }


def exhibit(exhibit_id, case_id="C1", submitted_on=D(2026, 6, 1), priority="standard", **stages):
    return {
        "exhibit_id": exhibit_id,
        "case_id": case_id,
        "device_type": "phone",
        "priority": priority,
        "submitted_on": submitted_on,
    } | stages


@pytest.fixture
def build(tmp_path):
    """Write the given tables as an extract and bind it; returns a Source."""
    counter = iter(range(1000))

    def _build(settings: Settings | None = None, extracted_at=dt.datetime(2026, 10, 31, 6), **tables) -> Source:
        root = write_extract(tmp_path / f"extract{next(counter)}", tables, extracted_at=extracted_at)
        return open_source(root, settings)

    return _build


@pytest.fixture
def rows(build):
    """Run a named query on a tiny extract and return its rows keyed by the first column."""

    def _rows(name, as_of, settings=None, **tables) -> dict[str, dict]:
        source = build(settings, **tables)
        frame = run_query(source, name, as_of=as_of)
        return {row[frame.columns[0]]: row for row in frame.to_dicts()}

    return _rows


@pytest.fixture(scope="session")
def sample() -> Source:
    return open_source(SAMPLE)


def _scan_components_once() -> None:
    """Each new AppTest scans every installed package's metadata for Streamlit components (0.4 s, about 330
    METADATA files parsed), as a server does once at its start. The packages do not change during a run, so
    the tests' AppTests share the first scan's answer: a server's behaviour, and some 250 scans fewer."""
    from functools import cache

    from streamlit.components.v2 import manifest_scanner

    manifest_scanner.scan_component_manifests = cache(manifest_scanner.scan_component_manifests)


_scan_components_once()


@pytest.fixture(autouse=True)
def running_server(monkeypatch):
    """Pages as a running server serves them: once the frame has called st.navigation, Streamlit never
    again runs a page from the pages/ folder directly. AppTest forgets that before every run, so the
    tests put it back; test_a_cold_start_page_request_goes_through_the_frame covers the first request."""
    from streamlit.runtime.pages_manager import PagesManager

    from perf.server import pages_as_served

    monkeypatch.setattr(PagesManager, "__init__", pages_as_served(PagesManager.__init__))


def pytest_sessionfinish(session, exitstatus):
    """Let go of the cached extracts and close every connection while the interpreter is whole: DuckDB's
    bindings report objects still alive when their module is torn down as leaks, many lines each."""
    import gc

    import streamlit as st

    from unitload.extract.db import close_all

    st.cache_resource.clear()
    close_all()
    gc.collect()


def serve(data: Path, env: dict | None = None, port: int | None = None, secrets: Path | None = None):
    """Run the dashboard on `data` (and the given secrets file) until the generator is closed.

    The server is stopped however the generator ends: exhausted, closed (`.close()`, or dropped when
    the loop over it raised), so no test leaves a server behind. Its output goes to a file, which a
    server that does not start has its last lines quoted from, and a failing test its servers' (`stacks`).
    """
    import tempfile

    from perf.server import free_port, start_server, stop_server

    port = port or free_port()
    url = f"http://127.0.0.1:{port}"
    with tempfile.TemporaryFile() as log:
        try:
            process = start_server(data, port, env=env, secrets=secrets, output=log, timeout=APP_WAIT)
        except RuntimeError as exc:
            log.seek(0)
            raise RuntimeError(f"streamlit did not start: {log.read().decode()[-2000:]}") from exc
        SERVING[url] = (process, log)
        try:
            yield url
        finally:
            SERVING.pop(url, None)
            stop_server(process)


SERVING: dict[str, tuple] = {}  # this test process's running servers: address -> (process, its output file)


def stacks(process, log, characters: int = 12_000) -> str:
    """What a running server is doing: it writes every thread's stack to its output when asked (serve.py, SIGUSR1);
    the output's last `characters`, read without moving the file's offset, which the server writes at."""
    import signal

    if process.poll() is None:
        process.send_signal(signal.SIGUSR1)
        time.sleep(1)
    size = os.fstat(log.fileno()).st_size
    start = max(0, size - characters)
    return os.pread(log.fileno(), size - start, start).decode(errors="replace")


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(item, call):
    """A test that fails while servers run (a browser test waiting on a page that never came): each server's last
    output, with its threads' stacks, beside the failure, for a CI run whose servers are gone afterwards."""
    report = yield
    if report.failed and call.when == "call":
        for url, (process, log) in list(SERVING.items()):
            report.sections.append((f"server {url}: its last output and threads", stacks(process, log)))
    return report


@pytest.fixture(scope="module")
def server():
    """The dashboard on the sample extract, one per module that asks (modules run side by side)."""
    yield from serve(SAMPLE)


class Browser:
    """Debian's Chromium as the tests drive it: every new profile prefers reduced motion (no CSS animation
    to draw: about a tenth of a page load's Chromium CPU), as a user may ask; otherwise Playwright's Browser."""

    def __init__(self, browser):
        self._browser = browser

    def new_context(self, **options):
        from browsing import WAIT

        context = self._browser.new_context(**({"reduced_motion": "reduce"} | options))
        context.set_default_timeout(WAIT)  # every wait bounded for a busy machine (browsing.WAIT)
        context.set_default_navigation_timeout(WAIT)
        return context

    def new_page(self, **options):
        from browsing import WAIT

        page = self._browser.new_page(**({"reduced_motion": "reduce"} | options))
        page.set_default_timeout(WAIT)
        page.set_default_navigation_timeout(WAIT)
        return page

    def __getattr__(self, name):
        return getattr(self._browser, name)


@pytest.fixture(scope="module")
def chromium(tmp_path_factory):
    """One Chromium per module that asks (`playwright install` cannot download a browser here), started
    with a profile on disk: the `desk` profile. Unlike the browser's other, in-memory profiles, it keeps
    V8's compiled code of Streamlit's and Plotly's scripts, so a new tab does not compile them again
    (about a quarter of a page load's Chromium CPU)."""
    from browsing import WAIT
    from playwright.sync_api import sync_playwright

    from perf.server import CHROMIUM, CHROMIUM_ARGS

    with sync_playwright() as playwright:
        desk = playwright.chromium.launch_persistent_context(
            tmp_path_factory.mktemp("profile"),
            executable_path=CHROMIUM,
            args=CHROMIUM_ARGS,
            viewport={"width": 1440, "height": 900},
            reduced_motion="reduce",
        )
        desk.set_default_timeout(WAIT)  # every wait bounded for a busy machine (browsing.WAIT)
        desk.set_default_navigation_timeout(WAIT)
        yield desk
        desk.close()


@pytest.fixture(scope="module")
def browser(chromium):
    """The module's Chromium, for tests that need a fresh profile each (`new_context`, `new_page`)."""
    return Browser(chromium.browser)


@pytest.fixture(scope="module")
def desk(chromium):
    """One browser profile at a desktop's size for a module's pages that need no fresh one: its tabs share
    the HTTP cache and the compiled scripts, so each new page does not fetch and compile Streamlit's and
    Plotly's scripts again (about a second a page on two cores). Each tab is still a session of its own on
    the server."""
    return chromium


@pytest.fixture(scope="module")
def tab(desk):
    """One tab of the `desk` profile that a module's tests take turns in (browsing.visit). Each visit is a new
    document and a new session on the server; the tab's renderer keeps Streamlit's and Plotly's code compiled
    and warm between them, so a page load costs about 2.6 s of Chromium CPU against 6 s in a new tab. A test
    that changes the tab (a listener, its size) puts it back before it ends."""
    page = desk.new_page()
    yield page
    page.close()


@pytest.fixture(scope="session")
def postgres():
    """A PostgreSQL server of this test process's own (perf/postgres.py), stopped at the end."""
    from perf.postgres import Server, binaries
    from perf.server import free_port

    if binaries() is None:
        require("/usr/lib/postgresql", "postgresql")
    server = Server(free_port())
    yield server
    server.stop()


def two_decisions():
    """The decisions a query reads: one on the sample's planted case (never progressed since), one done."""
    import datetime as dt

    import pyarrow as pa

    from unitload.extract.db import Recorded, decisions_arrow_schema

    row = {"decision_id": 1, "item": "case", "officer_id": None, "case_id": "C000836", "action": "progress",
           "to_officer": None, "owner_id": "P1019", "decided_on": dt.date(2026, 10, 1), "due_on": dt.date(2026, 10, 9),
           "decided_by": "x", "note": None, "recorded_at": dt.datetime(2026, 10, 1, tzinfo=dt.UTC)}  # fmt: skip
    done = row | {"decision_id": 2, "case_id": "C000500", "owner_id": "P1010"}  # an enquiry on 5 October
    return Recorded(pa.Table.from_pylist([row, done], schema=decisions_arrow_schema()), (2, 2))
