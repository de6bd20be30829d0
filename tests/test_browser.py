"""A real browser against a real server: every page renders its charts with no error, and works from the
navigation and the keyboard.

Runs `streamlit run serve.py` on a free port with the sample extract and drives Debian's
Chromium through Playwright (`playwright install` cannot download a browser here).
"""

import shutil
import urllib.request
from contextlib import nullcontext
from pathlib import Path

import pytest
from browsing import POLL, SCREENSHOTS, WAIT, opened_when_asked, violations, visit, wait_idle
from conftest import ROOT, serve

from perf.server import CHROMIUM

pytestmark = pytest.mark.browser


PAGES = [
    ("", "Monthly workload review", 1),  # the default page lives at the root: "/overview" is not a page
    ("workload", "Officer workload", 2),
    ("cases", "Case progression", 4),
    ("forensics", "Forensic backlog", 2),  # its first tab, the queue; each other tab is made when opened
    ("forensics?forensics_section=Flow", "Forensic backlog", 2),
    ("forensics?forensics_section=Turnaround+and+throughput", "Forensic backlog", 1),
    ("forensics?forensics_section=When+will+it+clear%3F", "Forensic backlog", 1),
    ("data", "Data & definitions", 0),
    ("workload?officer=P1019", "Officer workload", 3),  # a link to one officer adds their timeline
    ("cases?case=C000836", "Case progression", 5),  # a link to one case opens its timeline
    ("supervision", "Supervision and welfare", 0),
    ("planner", "Staffing planner", 2),
    ("decisions", "Decisions", 0),
]


@pytest.mark.parametrize(("path", "title", "charts"), PAGES, ids=[p[0].replace("?", "-") or "overview" for p in PAGES])
def test_page_renders_its_charts(server, tab, path, title, charts):
    page = visit(tab, f"{server}/{path}")
    assert page.locator("h1").first.inner_text() == title
    if charts:
        # every chart is on the page and has drawn at least one trace of data
        page.wait_for_function(
            "n => { const charts = [...document.querySelectorAll('.js-plotly-plot')];"
            " return charts.length >= n && charts.every(c => c.querySelector('g.trace, g.hm, image')); }",
            arg=charts,
            timeout=WAIT,
            polling=POLL,
        )
    assert page.locator("[data-testid='stException']").count() == 0
    assert "encountered an error" not in page.content()
    assert "Page not found" not in page.content()
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    name = path.replace("?", "-").replace("=", "-") or "overview"
    page.screenshot(path=SCREENSHOTS / f"{name}-1440.png", full_page=True)
    assert violations(page) == []  # WCAG 2.0 to 2.2 A and AA at a desktop width
    # every table is a region that a screen reader names by what the table is (exports.table's `name`)
    assert page.locator("[data-testid='stDataFrame']:not(:has([role='region'][aria-label]))").count() == 0


@pytest.mark.parametrize(
    ("link", "heading"),
    [
        ("workload?extract=unit-seed42-2026-10-31&officer=P1019#one-officer", "One officer"),
        ("cases?extract=unit-seed42-2026-10-31&case=C000836#case-timeline", "Case timeline"),
    ],
)
def test_an_attention_list_link_opens_scrolled_to_its_officer_or_case(server, tab, link, heading):
    """The Overview's links keep the extract (and month and teams) and open at the item's section."""
    visit(tab, f"{server}/data")
    page = visit(tab, f"{server}/{link}")
    target = page.get_by_role("heading", name=heading)
    page.wait_for_function(
        "() => { const main = document.querySelector('[data-testid=stMain]');"
        " return (main ? main.scrollTop : 0) + window.scrollY > 500; }",
        timeout=WAIT,
        polling=POLL,
    )
    box = target.bounding_box()
    assert box is not None and 0 <= box["y"] < 1000  # in view
    assert page.url.endswith(link.split("?")[1])  # the link's view and section stay in the address


def test_every_page_opens_from_the_navigation(server, tab):
    page = visit(tab, f"{server}/")
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
        page.wait_for_function(
            "t => document.querySelector('h1')?.innerText === t", arg=heading, timeout=WAIT, polling=POLL
        )
        wait_idle(page)
        assert page.locator("[data-testid='stException']").count() == 0, title
        if title not in ("Supervision and welfare", "Data & definitions"):
            page.wait_for_function(
                "() => document.querySelector('.js-plotly-plot g.trace, .js-plotly-plot g.hm')",
                timeout=WAIT,
                polling=POLL,
            )
        assert "extract=unit-seed42-2026-10-31" in page.url  # every page's link is pinned


def test_a_charts_data_table_opens_from_the_keyboard(server, tab):
    """Under each chart, its data as a table: made when opened, here with the keyboard alone."""
    page = visit(tab, f"{server}/workload")
    box = opened_when_asked(page, "Load per officer: its data as a table", "[data-testid=stDataFrame]", True)
    assert box.get_by_role("button", name="Download").count() == 1  # the audited downloads, as any table


def test_the_overview_works_from_the_keyboard_alone(server, tab):
    """Tab to the part-timers' "Who" button, open it, tab to the officer, open their section: no mouse."""
    page = visit(tab, f"{server}/")
    target = page
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
        link = page.locator("[data-testid=stPopoverBody]").get_by_role("link", name="P1019")  # the list opened
        link.wait_for(timeout=WAIT)
        for _ in range(80):  # Streamlit puts a popover's content last in the tab order (docs/accessibility.md)
            page.keyboard.press("Tab")
            if page.evaluate("() => document.activeElement?.innerText") == "P1019":
                break
        assert page.evaluate("() => document.activeElement?.innerText") == "P1019"
        with page.context.expect_page() if link.get_attribute("target") == "_blank" else nullcontext() as opened:
            page.keyboard.press("Enter")
        target = opened.value if hasattr(opened, "value") else page
        target.wait_for_url("**/workload?*officer=P1019*", timeout=WAIT)
        target.get_by_role("heading", name="One officer").wait_for(timeout=WAIT)
    finally:
        if target is not page:  # the link opened a tab of its own: the module's tab stays
            target.close()


def test_chromium_is_debians(browser):
    assert shutil.which("chromium") == CHROMIUM or Path(CHROMIUM).exists()


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


def test_every_reason_in_full_is_one_numbered_list_made_when_opened(server, tab):
    page = visit(tab, f"{server}/")
    box = opened_when_asked(page, "Every reason in full", "ol > li")
    items = box.locator("ol > li")
    assert items.count() > 20  # every item of the sample's attention list, in rank order
    assert items.first.inner_text().startswith("case C000836 (inherited unprogressed")


def test_the_attention_list_opens_an_item_in_one_click_and_fits_a_1280_px_screen(server, browser):
    """Each case and officer id is a real link: one click opens its view with the list's month and teams;
    at 1280 x 800 at least 12 rows show at once and the last column (the decision) is on screen, with no
    sideways scrolling."""
    context = browser.new_context(viewport={"width": 1280, "height": 800})
    try:
        page = visit(context.new_page(), f"{server}/?month=September+2026&teams=POLIT-B")
        case = page.get_by_role("link", name="C000836", exact=True)
        case.wait_for(timeout=WAIT)
        table = page.locator("table", has=case)
        table.evaluate("t => t.scrollIntoView({block: 'start'})")  # the list's head at the top of the screen
        shown = page.evaluate(
            """t => [...t.querySelectorAll('tbody tr')].filter(r => {
                   const b = r.getBoundingClientRect();
                   return b.top >= 0 && b.bottom <= window.innerHeight; }).length""",
            table.element_handle(),
        )
        assert shown >= 12, f"{shown} rows of the attention list on a 1280 x 800 screen"
        decision = table.locator("th").last
        assert decision.inner_text() == "decision"
        assert decision.bounding_box()["x"] + decision.bounding_box()["width"] <= 1280
        assert page.evaluate("() => document.documentElement.scrollWidth <= window.innerWidth")
        with context.expect_page() if case.get_attribute("target") == "_blank" else nullcontext() as opened:
            case.click()  # one click, no cell to select first
        item = opened.value if hasattr(opened, "value") else page
        item.wait_for_url("**/cases?*case=C000836*", timeout=WAIT)
        item.get_by_role("heading", name="Case timeline").wait_for(timeout=WAIT)
        assert "month=September+2026" in item.url and "teams=POLIT-B" in item.url
        assert item.url.endswith("#case-timeline")
    finally:
        context.close()
