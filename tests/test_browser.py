"""A real browser against a real server: every page renders its charts with no error.

Runs `streamlit run dashboard.py` on a free port with the sample extract and drives Debian's
Chromium through Playwright (`playwright install` cannot download a browser here).
"""

import json
import shutil
import tempfile
import urllib.request
from contextlib import nullcontext
from pathlib import Path
from urllib.parse import quote

import pytest
from conftest import require

from perf.server import CHROMIUM, CHROMIUM_ARGS, free_port, start_server, stop_server
from unitload import audit

ROOT = Path(__file__).resolve().parent.parent
SCREENSHOTS = ROOT / "test-artifacts" / "screenshots"  # git-ignored: for a reviewer to look at
# url path, title, the least number of Plotly charts the page draws on the sample
PAGES = [
    ("", "Monthly workload review", 1),  # the default page lives at the root: "/overview" is not a page
    ("workload", "Officer workload", 2),
    ("cases", "Case progression", 4),
    ("forensics", "Forensic backlog", 6),
    ("data", "Data & definitions", 0),
    ("workload?officer=P1019", "Officer workload", 3),  # a link to one officer adds their timeline
    ("cases?case=C000836", "Case progression", 5),  # a link to one case opens its timeline
    ("supervision", "Supervision and welfare", 0),
    ("planner", "Staffing planner", 2),
]

pytestmark = pytest.mark.browser

require(CHROMIUM, "chromium")


@pytest.fixture(scope="module")
def server():
    yield from serve(ROOT / "sample_data" / "unit")


def serve(data: Path, env: dict | None = None, port: int | None = None, secrets: Path | None = None):
    """Run the dashboard on `data` (and the given secrets file) until the generator is closed.

    The server is stopped however the generator ends: exhausted, closed (`.close()`, or dropped when
    the loop over it raised), so no test leaves a server behind. Its output goes to a file, which a
    server that does not start has its last lines quoted from.
    """
    port = port or free_port()
    with tempfile.TemporaryFile() as log:
        try:
            process = start_server(data, port, env=env, secrets=secrets, output=log, timeout=60)
        except RuntimeError as exc:
            log.seek(0)
            raise RuntimeError(f"streamlit did not start: {log.read().decode()[-2000:]}") from exc
        try:
            yield f"http://127.0.0.1:{port}"
        finally:
            stop_server(process)


@pytest.fixture(scope="module")
def browser():
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()


def open_page(browser, url: str):
    page = browser.new_page(viewport={"width": 1440, "height": 900})
    page.goto(url)
    page.wait_for_selector("h1", timeout=60_000)
    page.wait_for_function("() => !document.querySelector('[data-testid=\"stStatusWidget\"]')", timeout=60_000)
    return page


@pytest.mark.parametrize(("path", "title", "charts"), PAGES, ids=[p[0].replace("?", "-") or "overview" for p in PAGES])
def test_page_renders_its_charts(server, browser, path, title, charts):
    page = open_page(browser, f"{server}/{path}")
    try:
        assert page.locator("h1").first.inner_text() == title
        if charts:
            # every chart is on the page and has drawn at least one trace of data
            page.wait_for_function(
                "n => { const charts = [...document.querySelectorAll('.js-plotly-plot')];"
                " return charts.length >= n && charts.every(c => c.querySelector('g.trace, g.hm, image')); }",
                arg=charts,
                timeout=60_000,
            )
        assert page.locator("[data-testid='stException']").count() == 0
        assert "encountered an error" not in page.content()
        assert "Page not found" not in page.content()
        SCREENSHOTS.mkdir(parents=True, exist_ok=True)
        name = path.replace("?", "-").replace("=", "-") or "overview"
        page.screenshot(path=SCREENSHOTS / f"{name}-1440.png", full_page=True)
        assert violations(page) == []  # WCAG 2.0 to 2.2 A and AA at a desktop width
    finally:
        page.close()


@pytest.mark.parametrize(
    ("link", "heading"),
    [
        ("workload?extract=unit-seed42-2026-10-31&officer=P1019#one-officer", "One officer"),
        ("cases?extract=unit-seed42-2026-10-31&case=C000836#case-timeline", "Case timeline"),
    ],
)
def test_an_attention_list_link_opens_scrolled_to_its_officer_or_case(server, browser, link, heading):
    """The Overview's links keep the extract (and month and teams) and open at the item's section.

    (A new server's very first request, forwarded through the frame, loses the section: the tests'
    server has answered others first.)"""
    open_page(browser, f"{server}/data").close()
    page = open_page(browser, f"{server}/{link}")
    try:
        target = page.get_by_role("heading", name=heading)
        page.wait_for_function(
            "() => { const main = document.querySelector('[data-testid=stMain]');"
            " return (main ? main.scrollTop : 0) + window.scrollY > 500; }",
            timeout=30_000,
        )
        box = target.bounding_box()
        assert box is not None and 0 <= box["y"] < 1000  # in view
        assert page.url.endswith(link.split("?")[1])  # the link's view and section stay in the address
    finally:
        page.close()


AXE_OPTIONS = {
    "runOnly": {"type": "tag", "values": ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]},
    "resultTypes": ["violations"],
}
VIEWS = ["", "workload", "cases", "forensics", "supervision", "planner", "data", "workload?officer=P1019",
         "cases?case=C000836"]  # fmt: skip


def violations(page) -> list[tuple[str, str]]:
    """axe-core's WCAG 2.0 to 2.2 A and AA violations on the page: (rule, element) pairs."""
    from axe_playwright_python.sync_playwright import Axe

    found = Axe().run(page, options=AXE_OPTIONS).response["violations"]
    return [(v["id"], " ".join(map(str, n["target"]))) for v in found for n in v["nodes"]]


def test_every_page_meets_wcag_2_2_aa_on_a_phone(server, browser):
    """Every page, a selected officer and a selected case at a phone's width (the desktop width is checked as
    each page's charts are); each screenshot is kept under test-artifacts/ for a reviewer."""
    width, height = 390, 844
    page = browser.new_page(viewport={"width": width, "height": height})
    found = {}
    try:
        for view in VIEWS:
            page.goto(f"{server}/{view}")
            page.wait_for_selector("h1", timeout=60_000)
            wait_idle(page)
            if view == "":  # a new server's first page: its run may not have begun drawing the tiles yet
                metrics(page, 8)
            name = view.replace("?", "-").replace("=", "-") or "overview"
            SCREENSHOTS.mkdir(parents=True, exist_ok=True)
            page.screenshot(path=SCREENSHOTS / f"{name}-{width}.png", full_page=True)
            found[view or "overview"] = violations(page)
            assert not page.locator(".modebar").count()  # no chart toolbar over titles and legends
            if view == "":  # headline tiles two to a row, not one long column
                tops = page.locator("[data-testid=stMetric]").evaluate_all(
                    "els => els.map(e => Math.round(e.getBoundingClientRect().top))"
                )
                assert tops[0] == tops[1] < tops[2] == tops[3] < tops[4], tops
    finally:
        page.close()
    assert not any(found.values()), {view: v for view, v in found.items() if v}


def test_the_monthly_pack_meets_wcag_2_2_aa(browser, sample, tmp_path):
    from unitload.report import monthly_pack

    path = tmp_path / "pack.html"
    path.write_text(monthly_pack(sample, sample.extract.as_of).html, encoding="utf-8")
    page = browser.new_page(viewport={"width": 1440, "height": 900})
    try:
        page.goto(path.as_uri())
        page.wait_for_selector(".js-plotly-plot", timeout=60_000)
        assert violations(page) == []
    finally:
        page.close()


def test_no_request_leaves_the_machine(server, browser):
    """Usage statistics are off and nothing is fetched from the internet."""
    page = browser.new_page()
    outside = []
    page.on(
        "request", lambda r: None if r.url.startswith(("http://127.0.0.1", "data:", "blob:")) else outside.append(r.url)
    )
    try:
        page.goto(f"{server}/")
        page.wait_for_selector("h1", timeout=60_000)
        page.wait_for_timeout(3000)
        assert outside == []
    finally:
        page.close()


def test_chromium_is_debians(browser):
    assert shutil.which("chromium") == CHROMIUM or Path(CHROMIUM).exists()


def test_a_scenario_link_reproduces_the_figures_in_a_fresh_browser(server, browser):
    scenario = quote(
        json.dumps(
            {
                "changes": [
                    {
                        "change": "absence",
                        "officer_id": "P1017",
                        "first_day": "2026-11-01",
                        "kind": "long_term_sickness",
                    },
                    {"change": "examiners", "fte": 1, "from": "2026-11-01"},
                ]
            }
        )
    )
    link = f"{server}/planner?scenario={scenario}&on=31+December+2026&tab=Forensic+capacity"
    shown = []
    for _ in range(2):  # two fresh browser contexts: nothing carried over but the link
        context = browser.new_context(viewport={"width": 1400, "height": 1000})
        page = context.new_page()
        page.goto(link)
        page.wait_for_selector("text=Holding cases with no capacity", timeout=60_000)
        page.wait_for_function(
            "() => document.querySelectorAll('[data-testid=stMetricValue]').length >= 4", timeout=60_000
        )
        shown.append(metrics(page, 4))
        assert "P1017 absent (long term sickness)" in page.content()
        assert "tab=Forensic" in page.url and "on=31+December+2026" in page.url  # the day and the tab stay
        context.close()
    assert shown[0] == shown[1]
    assert shown[0][2] == "1"  # the absent officer's cases are held with no capacity


def heaviest_link(server: str) -> str:
    """A planner link asking for the most the link allows: 50 changes, and three kept scenarios of 50 more."""
    import polars as pl

    people = pl.read_parquet(ROOT / "sample_data" / "unit" / "officers.parquet")
    ids = people.filter(pl.col("role") == "investigator")["officer_id"].to_list()

    def one(name: str, shift: int) -> dict:
        changes = []
        for n in range(50):
            day = f"2026-{11 + (n + shift) % 2:02d}-{1 + (n + shift) % 28:02d}"
            if n % 2:
                changes.append({"change": "hours", "officer_id": ids[n % len(ids)], "from": day, "hours": 20 + n % 15})
            else:
                changes.append(
                    {
                        "change": "absence",
                        "officer_id": ids[n % len(ids)],
                        "first_day": day,
                        "kind": "sickness",
                        "capacity_reduction": 0.5,
                    }
                )
        return {"name": name, "changes": changes}

    scenario, kept = one("heaviest", 0), [one(f"kept {k}", k) for k in (1, 2, 3)]
    return f"{server}/planner?scenario={quote(json.dumps(scenario))}&compare={quote(json.dumps(kept))}"


def test_a_heavy_planner_link_does_not_hold_up_another_users_page(server, browser):
    """While one session works through the heaviest planner link the link allows, another session's page is
    answered in full and with no error; the heavy one then finishes inside engine.query_seconds."""
    import time

    heavy = browser.new_context(viewport={"width": 1400, "height": 1000}).new_page()
    start = time.monotonic()
    heavy.goto(heaviest_link(server), wait_until="commit")
    heavy.wait_for_selector("text=Scenario: heaviest", timeout=60_000)  # drawn early in the run: at work now
    other = browser.new_context(viewport={"width": 1400, "height": 1000}).new_page()
    asked = time.monotonic()
    other.goto(f"{server}/supervision")
    other.wait_for_selector("h1:has-text('Supervision and welfare')", timeout=60_000)
    metrics_or_tables = other.locator("[data-testid=stDataFrame]")
    metrics_or_tables.first.wait_for(timeout=60_000)
    answered = time.monotonic() - asked
    assert not other.locator("[data-testid=stException]").count()
    heavy.wait_for_selector("text=The next 12 months", timeout=60_000)
    metrics(heavy, 4)
    print(f"another page drawn {answered:.2f} s after asking; the heavy link {time.monotonic() - start:.2f} s in all")
    assert "stopped early" not in heavy.content()  # the sample's heaviest link finishes inside the limit
    assert not heavy.locator("[data-testid=stException]").count()
    heavy.context.close()
    other.context.close()


def metrics(page, count: int = 11) -> list[str]:
    """The page's headline figures, once `count` of them are drawn and the run has finished."""
    page.wait_for_function(
        "n => document.querySelectorAll('[data-testid=stMetricValue]').length >= n && document.querySelector("
        "'[data-test-script-state]')?.getAttribute('data-test-script-state') === 'notRunning'",
        arg=count,
        timeout=60_000,
    )
    return page.locator("[data-testid=stMetricValue]").all_inner_texts()


def wait_idle(page) -> None:
    """Until the page's script run has finished and drawn (not only begun: a new session's first run shows
    placeholders until then)."""
    page.wait_for_timeout(500)
    page.wait_for_function(
        "() => !document.querySelector('[data-testid=\"stStatusWidget\"]') && document.querySelector("
        "'[data-test-script-state]')?.getAttribute('data-test-script-state') === 'notRunning' && "
        "!document.querySelector('[data-testid=stSkeleton]')",
        timeout=60_000,
    )


def test_a_link_with_changed_filters_shows_the_same_figures_in_a_fresh_browser(server, browser):
    context = browser.new_context(viewport={"width": 1400, "height": 1000})
    page = context.new_page()
    page.goto(f"{server}/")
    before = metrics(page)
    page.locator("[data-testid=stMultiSelect]").first.click()
    page.get_by_role("option", name="POLIT-B").click()
    page.keyboard.press("Escape")
    wait_idle(page)
    page.wait_for_function("() => location.search.includes('teams=POLIT-B')", timeout=30_000)
    link, shown = page.url, metrics(page)
    assert shown != before
    context.close()
    fresh = browser.new_context(viewport={"width": 1400, "height": 1000})
    again = fresh.new_page()
    again.goto(link)
    wait_idle(again)
    assert metrics(again) == shown
    assert "POLIT-B" in again.locator("[data-testid=stMultiSelect]").first.inner_text()
    fresh.close()


def test_links_hold_only_ids_codes_and_dates(server, browser):
    import polars as pl

    sample = ROOT / "sample_data" / "unit"
    names = pl.read_parquet(sample / "officers.parquet")["display_name"].to_list()
    refs = pl.read_parquet(sample / "cases.parquet")["case_ref"].to_list()
    context = browser.new_context()
    page = context.new_page()
    try:
        page.goto(f"{server}/")
        wait_idle(page)
        page.locator("[data-testid=stSidebar]").get_by_text("Show names").click()  # names on screen, not in links
        wait_idle(page)
        for path in (
            "?teams=POLIT-B",
            "workload?officer=P1019&workload_adjusted=false",
            "cases?case=C000836&cases_group=officer+in+charge",
            "forensics?forensics_priorities=urgent",
            "supervision",
            "planner?scenario="
            + quote(
                json.dumps({"changes": [{"change": "hours", "officer_id": "P1013", "from": "2026-11-01", "hours": 24}]})
            ),
            "data",
        ):
            page.goto(f"{server}/{path}")
            wait_idle(page)
            from urllib.parse import unquote_plus

            query = unquote_plus(page.url.split("?", 1)[1]) if "?" in page.url else ""
            assert not any(name in query for name in names), query
            assert not any(ref in query for ref in refs), query
            assert all(ch.isalnum() or ch in '=&_-.,~ :{}[]"' for ch in query), query  # a scenario is JSON
    finally:
        context.close()


TRAIL = ROOT / "test-artifacts" / "audit" / "unitload-audit.jsonl"  # tests/local.toml, as the server reads it


def test_downloading_a_table_as_csv(server, browser):
    context = browser.new_context(viewport={"width": 1400, "height": 1000}, accept_downloads=True)
    page = context.new_page()
    try:
        page.goto(f"{server}/supervision")
        wait_idle(page)
        before = len(audit.read(TRAIL))
        page.locator("[data-testid=stPopover] button", has_text="Download").first.click()
        with page.expect_download(timeout=60_000) as caught:
            page.get_by_role("button", name="CSV", exact=True).first.click()
        download = caught.value
        assert download.suggested_filename == "supervision-risk-unit-seed42-2026-10-31-2026-10-31.csv"
        lines = Path(download.path()).read_text().splitlines()
        assert lines[:3] == ["# table: supervision-risk", "# extract: unit-seed42-2026-10-31", "# as of: 2026-10-31"]
        assert any(line.startswith("# definition: supervision overdue: More than 35 days") for line in lines)
        header = next(line for line in lines if not line.startswith("#"))
        assert header.startswith("officer,team,sergeant,why")
        assert any(line.startswith("P1019,POLIT-B,P1018,") for line in lines)
        exports = [r for r in audit.read(TRAIL)[before:] if r["event"] == "export"]
        rows = sum(1 for line in lines if not line.startswith("#")) - 1
        assert [(r["what"], r["rows"], r["page"]) for r in exports] == [("supervision-risk.csv", rows, "supervision")]
    finally:
        context.close()


def test_copy_link_shows_this_views_address(server, browser):
    page = browser.new_page(viewport={"width": 1400, "height": 1000})
    try:
        page.goto(f"{server}/workload?officer=P1019")
        wait_idle(page)
        before = len(audit.read(TRAIL))
        page.get_by_role("button", name="Copy link").click()
        code = page.locator("[data-testid=stCode]").last
        code.wait_for(timeout=30_000)
        shown = code.inner_text().strip()
        assert shown.startswith(f"{server}/workload?") and "officer=P1019" in shown
        assert "extract=unit-seed42-2026-10-31" in shown  # the link is pinned to the extract
        wait_idle(page)
        links = [r for r in audit.read(TRAIL)[before:] if r["event"] == "link"]
        assert [(r["page"], r["what"]) for r in links] == [("workload", "link")]  # opening it is a disclosure
    finally:
        page.close()


def test_the_monthly_pack_opens_with_no_network(server, browser, tmp_path):
    context = browser.new_context(viewport={"width": 1400, "height": 1000}, accept_downloads=True)
    page = context.new_page()
    try:
        page.goto(f"{server}/")
        wait_idle(page)
        before = len(audit.read(TRAIL))
        with page.expect_download(timeout=60_000) as caught:
            page.get_by_role("button", name="Monthly pack (HTML)").click()
        assert caught.value.suggested_filename == "monthly-pack-unit-seed42-2026-10-31-2026-10-31.html"
        packs = [r for r in audit.read(TRAIL)[before:] if r["event"] == "pack"]
        assert [(r["page"], r["filters"]["as_of"]) for r in packs] == [("overview", "2026-10-31")]
        pack = tmp_path / "pack.html"
        caught.value.save_as(pack)
        offline = context.new_page()
        outside = []
        offline.on(
            "request", lambda r: None if r.url.startswith(("file:", "data:", "blob:")) else outside.append(r.url)
        )
        offline.goto(pack.as_uri())
        offline.wait_for_function(
            "() => [...document.querySelectorAll('.js-plotly-plot')].filter("
            "c => c.querySelector('g.trace, g.hm')).length === 4",
            timeout=60_000,
        )
        assert outside == []
        assert "Monthly workload pack, October 2026" in offline.content()
    finally:
        context.close()


def test_a_pinned_link_keeps_its_figures_when_a_newer_extract_arrives(browser, tmp_path):
    import json

    root = tmp_path / "extracts"
    shutil.copytree(ROOT / "sample_data" / "unit", root / "2026-10")
    for url in serve(root):
        page = browser.new_page(viewport={"width": 1400, "height": 1000})
        page.goto(f"{url}/")
        before = metrics(page)
        page.wait_for_function("() => location.search.includes('extract=unit-seed42-2026-10-31')", timeout=30_000)
        link = page.url
        page.close()
        newer = root / "2026-11"  # next month's extract lands beside it
        shutil.copytree(ROOT / "sample_data" / "unit", newer)
        manifest = json.loads((newer / "manifest.json").read_text())
        manifest.update(extract_id="unit-seed42-2026-11-20", extracted_at="2026-11-20T06:00:00")
        (newer / "manifest.json").write_text(json.dumps(manifest))
        context = browser.new_context(viewport={"width": 1400, "height": 1000})
        again = context.new_page()
        again.goto(link)
        assert metrics(again) == before
        banner = again.get_by_text("A newer extract, unit-seed42-2026-11-20, is available")
        banner.wait_for(timeout=30_000)
        href = again.get_by_role("link", name="open this view on the newest data").get_attribute("href")
        assert "extract=unit-seed42-2026-11-20" in href
        context.close()


def test_every_page_opens_from_the_navigation(server, browser):
    page = browser.new_page(viewport={"width": 1400, "height": 1000})
    try:
        page.goto(f"{server}/")
        wait_idle(page)
        for title, heading in (
            ("Officer workload", "Officer workload"),
            ("Case progression", "Case progression"),
            ("Forensic backlog", "Forensic backlog"),
            ("Supervision and welfare", "Supervision and welfare"),
            ("Staffing planner", "Staffing planner"),
            ("Data & definitions", "Data & definitions"),
            ("Overview", "Monthly workload review"),
        ):
            page.locator("[data-testid=stSidebarNav]").get_by_text(title, exact=True).click()
            page.wait_for_function("t => document.querySelector('h1')?.innerText === t", arg=heading, timeout=60_000)
            wait_idle(page)
            assert page.locator("[data-testid='stException']").count() == 0, title
            if title not in ("Supervision and welfare", "Data & definitions"):
                page.wait_for_function(
                    "() => document.querySelector('.js-plotly-plot g.trace, .js-plotly-plot g.hm')", timeout=60_000
                )
            assert "extract=unit-seed42-2026-10-31" in page.url  # every page's link is pinned
    finally:
        page.close()


def test_a_server_started_for_a_test_stops_when_its_generator_is_closed():
    """Closing serve() early (a module fixture's teardown, a failed test inside `for url in serve(...)`)
    must stop the server: a leftover keeps the port, its memory and a CPU share after the suite."""
    running = serve(ROOT / "sample_data" / "unit")
    url = next(running)
    with urllib.request.urlopen(f"{url}/_stcore/health", timeout=5) as response:
        assert response.status == 200
    running.close()
    with pytest.raises(OSError):
        urllib.request.urlopen(f"{url}/_stcore/health", timeout=5)


def test_the_pack_prints_to_pdf_with_its_sections_on_pages_of_their_own(tmp_path):
    import subprocess
    import sys

    from pypdf import PdfReader

    out = tmp_path / "pack.pdf"
    subprocess.run(
        [sys.executable, "-m", "unitload", "report", "--data", str(ROOT / "sample_data" / "unit"), "--format", "pdf"]
        + ["--out", str(out)],
        check=True,
        capture_output=True,
        timeout=300,
    )
    import unicodedata

    pages = PdfReader(out).pages
    text = [unicodedata.normalize("NFKC", p.extract_text()) for p in pages]  # "ﬁ" ligatures as "fi"
    assert len(pages) >= 8  # a title page and a page at least per section
    assert text[0].startswith("Monthly workload pack, October 2026")
    starts = {t.split("\n", 1)[0] for t in text}
    for section in ("Headline figures", "Needs a decision this month", "Officer workload", "Definitions"):
        assert section in starts, f"{section} does not start a page"  # the print stylesheet's page breaks
    assert "up is worse" in " ".join(text)


def test_a_charts_data_table_opens_from_the_keyboard(server, browser):
    """Under each chart, its data as a table: made when opened, here with the keyboard alone."""
    page = open_page(browser, f"{server}/workload")
    try:
        wait_idle(page)
        box = page.locator("[data-testid=stExpander]", has_text="Load per officer: its data as a table")
        assert not box.locator("[data-testid=stDataFrame]").count()  # nothing sent until it is opened
        box.locator("summary").focus()
        page.keyboard.press("Enter")
        box.locator("[data-testid=stDataFrame]").wait_for(timeout=60_000)
        wait_idle(page)
        assert box.get_by_role("button", name="Download").count() == 1  # the audited downloads, as any table
    finally:
        page.close()


def test_the_overview_works_from_the_keyboard_alone(server, browser):
    """Tab to the part-timers' "Who" button, open it, tab to the officer, open their section: no mouse."""
    page = open_page(browser, f"{server}/")
    try:
        wait_idle(page)
        focused = ""
        for _ in range(150):
            page.keyboard.press("Tab")
            focused = page.evaluate("() => document.activeElement?.innerText || ''")
            if focused.startswith("Who (1)"):  # then the button's icon, in words
                break
        assert focused.startswith("Who (1)"), "the Who button of the part-timers at full load is not reachable"
        page.keyboard.press("Enter")
        link = page.get_by_role("link", name="P1019")
        link.wait_for(timeout=30_000)
        for _ in range(80):  # Streamlit puts a popover's content last in the tab order (docs/accessibility.md)
            page.keyboard.press("Tab")
            if page.evaluate("() => document.activeElement?.innerText") == "P1019":
                break
        assert page.evaluate("() => document.activeElement?.innerText") == "P1019"
        with page.context.expect_page() if link.get_attribute("target") == "_blank" else nullcontext() as opened:
            page.keyboard.press("Enter")
        target = opened.value if hasattr(opened, "value") else page
        target.wait_for_url("**/workload?*officer=P1019*", timeout=60_000)
        target.get_by_role("heading", name="One officer").wait_for(timeout=60_000)
    finally:
        page.close()
