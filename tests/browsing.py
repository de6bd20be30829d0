"""What the browser test modules share: waits for a page's run, axe-core's check, and where output goes.

Their fixtures (`server`, a dashboard on the sample; `browser`, Debian's Chromium; `tab`, the tab a module's
tests take turns in) are in conftest.py and module-scoped, so each browser module has its own: pytest-xdist
runs the modules side by side.
"""

import os
import re

from conftest import ROOT, require

from perf.server import CHROMIUM

require(CHROMIUM, "chromium")  # every module importing this drives the browser

SCREENSHOTS = ROOT / "test-artifacts" / "screenshots"  # git-ignored: for a reviewer to look at


TRAIL = ROOT / "test-artifacts" / "audit" / "unitload-audit.jsonl"  # tests/local.toml, as the server reads it


# The longest any browser test waits for the page's own state, in milliseconds: a bound, never a target. A page
# drawn in 2 s on a quiet machine took over a minute with both cores of a CI machine busy; a wait that ends
# sooner than the page is ready fails on a busy machine only, so every wait is this long (speed is measured by
# `make bench` and `make load`, never asserted here).
WAIT = int(os.environ.get("UNITLOAD_TEST_WAIT_MS", "600000"))  # lower it to find a stuck wait sooner

# How often a wait below asks the page again, in milliseconds. Playwright's default asks on every animation
# frame, which keeps a headless Chromium drawing frames at 60 a second for as long as a test waits.
POLL = 100


def visit(tab, url: str):
    """`tab` on `url`, once its first run has drawn the page's title. Each visit is a new document, so a new
    session on the server, as a new tab would be; a link differing only in its #section from the open page
    would only scroll, so the tab leaves the page first."""
    if "#" in url and tab.url.split("#")[0] == url.split("#")[0]:
        tab.goto("about:blank")
    tab.goto(url)
    tab.wait_for_selector("h1", timeout=WAIT)
    tab.wait_for_function(
        "() => !document.querySelector('[data-testid=\"stStatusWidget\"]')", timeout=WAIT, polling=POLL
    )
    return tab


AXE_OPTIONS = {
    "runOnly": {"type": "tag", "values": ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]},
    "resultTypes": ["violations"],
}


def violations(page) -> list[tuple[str, str]]:
    """axe-core's WCAG 2.0 to 2.2 A and AA violations on the page: (rule, element) pairs."""
    from axe_playwright_python.sync_playwright import Axe

    found = Axe().run(page, options=AXE_OPTIONS).response["violations"]
    return [(v["id"], " ".join(map(str, n["target"]))) for v in found for n in v["nodes"]]


def metrics(page, count: int = 11) -> list[str]:
    """The page's headline figures, once `count` of them are drawn and the run has finished."""
    page.wait_for_function(
        "n => document.querySelectorAll('[data-testid=stMetricValue]').length >= n && document.querySelector("
        "'[data-test-script-state]')?.getAttribute('data-test-script-state') === 'notRunning'",
        arg=count,
        timeout=WAIT,
        polling=POLL,
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
        timeout=WAIT,
        polling=POLL,
    )


def opened_when_asked(page, label: str, content: str, keyboard: bool = False):
    """An expander whose content is made only when it is opened: none of `content` inside before, some after
    it is opened (with Enter on its summary when `keyboard`, else a click). Returns the expander."""
    wait_idle(page)
    box = page.locator("[data-testid=stExpander]", has_text=label)
    assert not box.locator(content).count()  # nothing sent until it is opened
    if keyboard:
        box.locator("summary").focus()
        page.keyboard.press("Enter")
    else:
        box.locator("summary").click()
    box.locator(content).first.wait_for(timeout=WAIT)
    wait_idle(page)
    return box


def choose(page, label: str, text: str) -> None:
    """Pick the option containing `text` in the selectbox labelled `label` (Streamlit's combobox)."""
    box = page.locator("[data-testid=stSelectbox]", has_text=label).first
    box.locator("input").click()
    page.keyboard.type(text)  # as a user types: the list narrows to the matching options
    page.get_by_role("option").filter(has_text=text).first.wait_for(timeout=WAIT)
    page.keyboard.press("Enter")  # the first match


def record_decision(page, opener: str, action: str, owner: str, due: str = "", to: str = "") -> str:
    """Open the expander `opener`, fill the decision form and record it; the success message shown."""
    if not page.get_by_role("button", name="Record the decision").count():  # the form is made when opened
        page.get_by_text(opener).first.click()
    page.get_by_role("button", name="Record the decision").wait_for(timeout=WAIT)
    wait_idle(page)  # the run that made the form has drawn the whole page: nothing moves under the clicks
    choose(page, "Action", action)
    choose(page, "Owner", owner)
    if to:
        choose(page, "Reallocate to", to)
    if due:
        field = page.get_by_label("Due (accept: review by)")
        field.fill(due)
        field.press("Enter")
    page.get_by_role("button", name="Record the decision").click()
    said = page.locator(OUTCOME).filter(has_text=re.compile("Recorded decision|Not recorded|record decisions|error"))
    said.first.wait_for(timeout=WAIT)  # recorded, refused or failed: a refusal fails the test at once, saying why
    wait_idle(page)
    success = page.locator("[data-testid=stAlertContentSuccess]", has_text="Recorded decision")
    assert success.count(), f"not recorded: {said.all_inner_texts()}"
    return success.first.inner_text()


# what the page says after a decision is submitted: recorded, refused, or an error it could not handle
OUTCOME = "[data-testid=stAlertContentSuccess], [data-testid=stAlertContentError], [data-testid=stException]"


def pick(page, opener, option: str, attempts: int = 5) -> None:
    """Open a list (`opener`, a locator) and click its `option`, once the page has drawn its run. A click landing
    while the page draws a run can open nothing, or the run can close the list under the click (the option is
    detached and never comes back): the list is then opened again, a few times, each wait bounded."""
    for attempt in range(attempts):
        wait_idle(page)
        opener.click()
        try:
            page.get_by_role("option", name=option).first.click(timeout=WAIT // 10)
            return
        except Exception:  # noqa: BLE001 - Playwright's TimeoutError: not opened, or closed under the click
            if attempt == attempts - 1:
                raise
            page.keyboard.press("Escape")
