"""In the browser: a link (filters, a scenario, a pinned extract) shows the same figures in a fresh browser,
holds only ids, codes and dates, and a heavy one does not hold up another user's page."""

import json
import shutil
from urllib.parse import quote

import pytest
from browsing import POLL, WAIT, metrics, pick, visit, wait_idle
from conftest import ROOT, serve

pytestmark = pytest.mark.browser


def test_a_scenario_link_reproduces_the_figures_in_a_fresh_browser(server, tab, browser):
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
    fresh = browser.new_context(viewport={"width": 1400, "height": 1000})
    try:
        for page in (tab, fresh.new_page()):  # the module's tab, then a fresh browser: nothing carried over
            page.goto(link)
            page.wait_for_selector("text=Holding cases with no capacity", timeout=WAIT)
            shown.append(metrics(page, 4))
            assert "P1017 absent (long term sickness)" in page.content()
            assert "tab=Forensic" in page.url and "on=31+December+2026" in page.url  # the day and the tab stay
    finally:
        fresh.close()
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


def test_a_heavy_planner_link_does_not_hold_up_another_users_page(server, tab):
    """While one session works through the heaviest planner link the link allows, another session's page is
    answered in full and with no error; the heavy one then finishes inside engine.query_seconds."""
    import time

    heavy = tab
    start = time.monotonic()
    heavy.goto(heaviest_link(server), wait_until="commit")
    heavy.wait_for_selector("text=Scenario: heaviest", timeout=WAIT)  # drawn early in the run: at work now
    other = tab.context.new_page()  # another tab: a session of its own on the server
    try:
        asked = time.monotonic()
        other.goto(f"{server}/supervision")
        other.wait_for_selector("h1:has-text('Supervision and welfare')", timeout=WAIT)
        metrics_or_tables = other.locator("[data-testid=stDataFrame]")
        metrics_or_tables.first.wait_for(timeout=WAIT)
        answered = time.monotonic() - asked
        assert not other.locator("[data-testid=stException]").count()
    finally:
        other.close()
    heavy.wait_for_selector("text=The next 12 months", timeout=WAIT)
    metrics(heavy, 4)
    print(f"another page drawn {answered:.2f} s after asking; the heavy link {time.monotonic() - start:.2f} s in all")
    assert "stopped early" not in heavy.content() or "engine.query_seconds" in heavy.content()  # done or limited
    assert not heavy.locator("[data-testid=stException]").count()


def test_a_link_with_changed_filters_shows_the_same_figures_in_a_fresh_browser(server, tab, browser):
    page = visit(tab, f"{server}/")
    before = metrics(page)
    pick(page, page.locator("[data-testid=stMultiSelect]").first, "POLIT-B")
    page.keyboard.press("Escape")
    wait_idle(page)
    page.wait_for_function("() => location.search.includes('teams=POLIT-B')", timeout=WAIT, polling=POLL)
    link, shown = page.url, metrics(page)
    assert shown != before
    fresh = browser.new_context(viewport={"width": 1400, "height": 1000})
    again = fresh.new_page()
    try:
        again.goto(link)
        wait_idle(again)
        assert metrics(again) == shown
        assert "POLIT-B" in again.locator("[data-testid=stMultiSelect]").first.inner_text()
    finally:
        fresh.close()


def test_links_hold_only_ids_codes_and_dates(server, tab):
    import polars as pl

    sample = ROOT / "sample_data" / "unit"
    names = pl.read_parquet(sample / "officers.parquet")["display_name"].to_list()
    refs = pl.read_parquet(sample / "cases.parquet")["case_ref"].to_list()
    page = visit(tab, f"{server}/")
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


def test_a_pinned_link_keeps_its_figures_when_a_newer_extract_arrives(tab, browser, tmp_path):
    import json

    root = tmp_path / "extracts"
    shutil.copytree(ROOT / "sample_data" / "unit", root / "2026-10")
    for url in serve(root):
        page = visit(tab, f"{url}/")
        before = metrics(page)
        page.wait_for_function(
            "() => location.search.includes('extract=unit-seed42-2026-10-31')", timeout=WAIT, polling=POLL
        )
        link = page.url
        newer = root / "2026-11"  # next month's extract lands beside it
        shutil.copytree(ROOT / "sample_data" / "unit", newer)
        manifest = json.loads((newer / "manifest.json").read_text())
        manifest.update(extract_id="unit-seed42-2026-11-20", extracted_at="2026-11-20T06:00:00")
        (newer / "manifest.json").write_text(json.dumps(manifest))
        context = browser.new_context(viewport={"width": 1400, "height": 1000})
        again = context.new_page()
        try:
            again.goto(link)
            assert metrics(again) == before
            banner = again.get_by_text("A newer extract, unit-seed42-2026-11-20, is available")
            banner.wait_for(timeout=WAIT)
            href = again.get_by_role("link", name="open this view on the newest data").get_attribute("href")
            assert "extract=unit-seed42-2026-11-20" in href
        finally:
            context.close()


def test_a_shared_link_keeps_its_tab_and_section_when_the_extract_is_pinned(server, browser):
    """A link with no extract pinned (a digest's, one typed by hand) opens in a fresh browser with its tab open
    and at its #section; the pin is added and both stay in the address."""
    fresh = browser.new_context(viewport={"width": 1400, "height": 1000})
    try:
        page = visit(fresh.new_page(), f"{server}/data")
        page.goto(f"{server}/cases?case=C000836&list=Inherited#case-timeline")
        page.get_by_role("heading", name="Case timeline").wait_for(timeout=WAIT)
        wait_idle(page)
        assert "extract=unit-seed42-2026-10-31" in page.url and page.url.endswith("#case-timeline")
        assert "list=Inherited" in page.url
        selected = page.get_by_role("tab", selected=True).all_inner_texts()
        assert "Inherited" in selected and "Unprogressed" not in selected
        page.wait_for_function(  # opened at the section, not at the top
            "() => { const main = document.querySelector('[data-testid=stMain]');"
            " return (main ? main.scrollTop : 0) + window.scrollY > 500; }",
            timeout=WAIT,
            polling=POLL,
        )
        # Copy link offers the page's sections: the browser never sends its #section to the server
        shown = copied_link(page, "Case timeline", "#case-timeline")
        assert "list=Inherited" in shown and "case=C000836" in shown and "extract=unit-seed42-2026-10-31" in shown
    finally:
        fresh.close()


def test_a_new_servers_very_first_request_opens_the_link_at_its_section(browser):
    """The first page a server is asked for, straight after it starts (a digest's link after a restart), opens
    once, on its page and at its #section: Streamlit no longer runs the page alone first (its first multipage
    mode, taken for `pages/` until a session had run st.navigation) and forwards it, which dropped the section."""
    started = serve(ROOT / "sample_data" / "unit")
    url = next(started)
    fresh = browser.new_context(viewport={"width": 1400, "height": 1000})
    try:
        page = fresh.new_page()
        went = []
        page.on("framenavigated", lambda frame: went.append(frame.url) if frame == page.main_frame else None)
        page.goto(f"{url}/cases?case=C000836&list=Inherited#case-timeline")
        page.get_by_role("heading", name="Case timeline").wait_for(timeout=WAIT)
        wait_idle(page)
        assert page.url.endswith("#case-timeline") and "extract=unit-seed42-2026-10-31" in page.url
        assert [u.split("?")[0] for u in went] == [f"{url}/cases"]  # never sent on through another page
        page.wait_for_function(  # opened at the section, not at the top
            "() => { const main = document.querySelector('[data-testid=stMain]');"
            " return (main ? main.scrollTop : 0) + window.scrollY > 500; }",
            timeout=WAIT,
            polling=POLL,
        )
    finally:
        fresh.close()
        started.close()


def test_a_link_to_a_forensic_section_opens_its_tab(server, tab, browser):
    """The Forensic backlog's sections are tabs, made only when open: Copy link's "Opens at" a section adds its
    tab to the link, and the link opens on that tab with the section drawn, in a fresh browser; teams chosen
    twice stay twice."""
    page = visit(tab, f"{server}/forensics?teams=POLIT-A&teams=POLIT-B")
    wait_idle(page)
    shown = copied_link(page, "When will it clear?", "#when-will-it-clear")
    assert "forensics_section=When+will+it+clear%3F" in shown
    assert "teams=POLIT-A" in shown and "teams=POLIT-B" in shown
    fresh = browser.new_context(viewport={"width": 1400, "height": 1000})
    try:
        opened = visit(fresh.new_page(), f"{server}/data")
        opened.goto(shown)
        opened.get_by_role("heading", name="When will it clear?").wait_for(timeout=WAIT)
        wait_idle(opened)
        assert opened.get_by_role("tab", selected=True).all_inner_texts() == ["When will it clear?"]
        assert opened.get_by_role("heading", name="The queue by stage and age").count() == 0  # a closed tab: not made
        assert "teams=POLIT-A" in opened.url and "teams=POLIT-B" in opened.url
    finally:
        fresh.close()


def copied_link(page, section: str, anchor: str) -> str:
    """The link Copy link shows for opening at `section`, once it ends with its `anchor`."""
    page.get_by_role("button", name="Copy link").click()
    pick(page, page.get_by_label("Opens at"), section)
    code = page.locator("[data-testid=stCode]").last
    page.wait_for_function(
        "([c, a]) => c.innerText.trim().endsWith(a)", arg=[code.element_handle(), anchor], timeout=WAIT, polling=POLL
    )
    return code.inner_text().strip()
