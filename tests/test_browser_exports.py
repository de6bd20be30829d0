"""In the browser: downloads, copied links and the monthly pack (audited, offline, printable), WCAG 2.2 AA at a
phone's width and in the pack, and no request leaving the machine."""

import csv
import re
from pathlib import Path

import pytest
from browsing import POLL, SCREENSHOTS, TRAIL, WAIT, metrics, violations, visit, wait_idle
from conftest import ROOT

from unitload.access import audit

pytestmark = pytest.mark.browser


VIEWS = ["", "workload", "cases", "forensics", "supervision", "planner", "data", "workload?officer=P1019",
         "cases?case=C000836", "decisions"]  # fmt: skip


def test_every_page_meets_wcag_2_2_aa_on_a_phone(server, tab):
    """Every page, a selected officer and a selected case at a phone's width (the desktop width is checked as
    each page's charts are); each screenshot is kept under test-artifacts/ for a reviewer."""
    width, height = 390, 844
    desktop = tab.viewport_size
    page = tab
    page.set_viewport_size({"width": width, "height": height})
    found = {}
    try:
        for view in VIEWS:
            visit(page, f"{server}/{view}")
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
                # no tile label cut short ("Overloaded 2+ m…"): each wraps within its tile
                cut = page.locator("[data-testid=stHorizontalBlock] [data-testid=stMarkdownContainer] p:has(strong)")
                assert cut.count() >= 12
                assert cut.evaluate_all("els => els.filter(e => e.scrollWidth > e.clientWidth + 1).length") == 0
                # the attention list, reasons and decision included, within the screen's width
                table = page.locator("table", has=page.get_by_role("link", name="C000836", exact=True))
                right = table.locator("th").last.evaluate("e => e.getBoundingClientRect().right")
                assert table.locator("th").last.inner_text() == "decision" and right <= width, right
    finally:
        page.set_viewport_size(desktop)
    assert not any(found.values()), {view: v for view, v in found.items() if v}


def test_the_monthly_pack_meets_wcag_2_2_aa(desk, sample, tmp_path):
    from unitload.review.pack import monthly_pack

    path = tmp_path / "pack.html"
    path.write_text(monthly_pack(sample, sample.extract.as_of).html, encoding="utf-8")
    page = desk.new_page()  # a file of its own: a tab of its own, at a desktop's size
    try:
        page.goto(path.as_uri())
        page.wait_for_selector(".js-plotly-plot", timeout=WAIT)
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
        page.wait_for_selector("h1", timeout=WAIT)
        page.wait_for_timeout(3000)
        assert outside == []
    finally:
        page.close()


def test_downloading_a_table_as_csv(server, tab, browser):
    page = visit(tab, f"{server}/supervision")
    wait_idle(page)
    before = len(audit.read(TRAIL))
    page.locator("[data-testid=stPopover] button", has_text="Download").first.click()
    with page.expect_download(timeout=WAIT) as caught:
        page.get_by_role("button", name="CSV", exact=True).first.click()
    download = caught.value
    name = download.suggested_filename
    assert re.fullmatch(r"supervision-risk-unit-seed42-2026-10-31-2026-10-31-([0-9a-f]{16})\.csv", name)
    export = name.removesuffix(".csv").rsplit("-", 1)[1]  # the export id names the file
    lines = Path(download.path()).read_text().splitlines()
    assert lines[0].startswith("officer,team,sergeant,why")  # the table alone: no comment line Excel shows as data
    assert any(line.startswith("P1019,POLIT-B,P1018,") for line in lines)
    # a link is a whole address on the dashboard as this browser has it (no [notify] dashboard_url is set)
    links = [row["link"] for row in csv.DictReader(lines)]
    assert links and all(link.startswith(f"{server}/workload?") for link in links), links[:2]
    exports = [r for r in audit.read(TRAIL)[before:] if r["event"] == "export"]
    what = f"supervision-risk.csv (export {export})"
    assert [(r["what"], r["rows"], r["page"]) for r in exports] == [(what, len(lines) - 1, "supervision")]
    beside = page.get_by_role("button", name="About this table (text)").first
    if not beside.is_visible():  # the popover closed after the download
        page.locator("[data-testid=stPopover] button", has_text="Download").first.click()
    with page.expect_download(timeout=WAIT) as about:
        beside.click()
    said = Path(about.value.path()).read_text().splitlines()
    assert about.value.suggested_filename == name.replace(".csv", "-about.txt")
    assert said[:3] == ["table: supervision-risk", "extract: unit-seed42-2026-10-31", "as of: 2026-10-31"]
    assert f"export: {export}" in said
    assert any(line.startswith("definition: supervision overdue: More than 35 days") for line in said)
    exports = [r for r in audit.read(TRAIL)[before:] if r["event"] == "export"]
    assert [r["what"] for r in exports] == [what, f"supervision-risk-about.txt (export {export})"]
    # the address is the browser's, once: fetched again, or by another browser, it is refused, unrecorded
    assert page.request.get(download.url).status == 404
    stranger = browser.new_context()
    try:
        assert stranger.request.get(download.url).status == 404
    finally:
        stranger.close()
    assert [r for r in audit.read(TRAIL)[before:] if r["event"] == "export"] == exports


def test_copy_link_shows_this_views_address(server, tab):
    page = visit(tab, f"{server}/workload?officer=P1019")
    wait_idle(page)
    before = len(audit.read(TRAIL))
    page.get_by_role("button", name="Copy link").click()
    code = page.locator("[data-testid=stCode]").last
    code.wait_for(timeout=WAIT)
    shown = code.inner_text().strip()
    assert shown.startswith(f"{server}/workload?") and "officer=P1019" in shown
    assert "extract=unit-seed42-2026-10-31" in shown  # the link is pinned to the extract
    wait_idle(page)
    links = [r for r in audit.read(TRAIL)[before:] if r["event"] == "link"]
    assert [(r["page"], r["what"]) for r in links] == [("workload", "link")]  # opening it is a disclosure


def pack_downloaded(tab, address: str, button: str):
    """The page at `address` opened, its pack button pressed: the download, and the pack's audit records."""
    page = visit(tab, address)
    wait_idle(page)
    before = len(audit.read(TRAIL))
    with page.expect_download(timeout=WAIT) as caught:
        page.get_by_role("button", name=button).click()
    return page, caught.value, [r for r in audit.read(TRAIL)[before:] if r["event"] == "pack"]


def test_the_monthly_pack_opens_with_no_network(server, tab, tmp_path):
    page, download, packs = pack_downloaded(tab, f"{server}/", "Monthly pack (HTML)")
    assert download.suggested_filename == "monthly-pack-unit-seed42-2026-10-31-2026-10-31.html"
    assert [(r["page"], r["filters"]["as_of"]) for r in packs] == [("overview", "2026-10-31")]
    pack = tmp_path / "pack.html"
    download.save_as(pack)
    offline = page.context.new_page()  # a file of its own: a tab of its own
    outside = []
    offline.on("request", lambda r: None if r.url.startswith(("file:", "data:", "blob:")) else outside.append(r.url))
    try:
        offline.goto(pack.as_uri())
        offline.wait_for_function(
            "() => [...document.querySelectorAll('.js-plotly-plot')].filter("
            "c => c.querySelector('g.trace, g.hm')).length === 5",  # the workload in two charts of up to 18
            timeout=WAIT,
            polling=POLL,
        )
        assert outside == []
        assert "Monthly workload pack, October 2026" in offline.content()
    finally:
        offline.close()


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
    assert len(pages) >= 8  # the title and headline figures, then a page at least per section
    assert text[0].startswith("Monthly workload pack, October 2026")
    assert "Headline figures" in text[0] and "Unit load 92 %" in text[0]  # the first page is not a title alone
    starts = {t.split("\n", 1)[0] for t in text}
    for section in ("Needs a decision this month", "Decisions", "Officer workload", "Definitions"):
        assert section in starts, f"{section} does not start a page"  # the print stylesheet's page breaks
    # no chart runs across pages: the workload is drawn 18 officers a chart, each whole on its page
    first, second = (next(i for i, t in enumerate(text) if part in t) for part in ("1–18 of 27", "19–27 of 27"))
    assert second == first + 1 and text[first].count("overload 110 %") == 1 and "capacity 100 %" in text[second]
    assert "POLIT-B" in text[1] and "POLIT-\nB" not in "".join(text)  # a team code never wraps
    assert "up is worse" in " ".join(text)
    assert "as if nothing new arrived" in " ".join(text)  # why Little's law and the Monte Carlo differ


def test_the_overview_offers_the_pack_of_its_view_as_pdf(server, tab):
    """The PDF button prints the pack of the view (its month and teams), as `unitload report --format pdf`."""
    import unicodedata

    from pypdf import PdfReader

    _, download, packs = pack_downloaded(tab, f"{server}/?month=September+2026&teams=POLIT-B", "Monthly pack (PDF)")
    assert download.suggested_filename == "monthly-pack-unit-seed42-2026-10-31-2026-09-30.pdf"
    pages = PdfReader(download.path()).pages
    text = [unicodedata.normalize("NFKC", p.extract_text()) for p in pages]
    assert text[0].startswith("Monthly workload pack, September 2026") and "team POLIT-B" in text[0]
    listed = " ".join(t for t in text if t.startswith("Needs a decision") or t.startswith("Rank"))
    assert "POLIT-B" in listed and "POLIT-A" not in listed and "POLIT-C" not in listed
    assert [(r["page"], r["what"].split(" (export")[0]) for r in packs] == [("overview", "monthly pack (PDF)")]
