"""In the browser: sign-in through a real OpenID Connect provider on loopback, and inert data text."""

import json
import shutil
import warnings
from urllib.parse import quote

import polars as pl
import pytest
from browsing import WAIT, wait_idle
from conftest import ROOT, serve

from perf.server import free_port
from unitload.access import audit
from unitload.extract.folder import sha256_file

pytestmark = pytest.mark.browser

ROLES = {"dsu": "superintendent", "ds": "sergeant", "analysts": "analyst"}
USERS = {
    "sergeant-a": {"groups": ["ds"], "teams": ["POLIT-A"]},
    "analyst-1": {"groups": ["analysts"]},
    "stranger": {"groups": ["visitors"]},
}


@pytest.fixture(scope="module")
def provider():
    import authlib.deprecate  # its import puts an "always" filter for its deprecations before pytest's
    import httpx

    with warnings.catch_warnings():  # the provider imports authlib's deprecated modules; the app does not
        warnings.simplefilter("ignore", authlib.deprecate.AuthlibDeprecationWarning)
        import oidc_provider_mock

    with oidc_provider_mock.run_server_in_thread() as server:
        url = f"http://localhost:{server.server_port}"
        for sub, claims in USERS.items():
            assert httpx.put(f"{url}/users/{quote(sub)}", json=claims).status_code == 204
        yield url


@pytest.fixture(scope="module")
def signed_server(provider, tmp_path_factory):
    folder = tmp_path_factory.mktemp("auth")
    port = free_port()
    secrets = folder / "secrets.toml"
    secrets.write_text(
        "[auth]\n"
        f'redirect_uri = "http://127.0.0.1:{port}/oauth2callback"\n'
        'cookie_secret = "a-long-random-secret-for-the-tests-only-0123456789"\n'
        'client_id = "unitload"\n'
        'client_secret = "unitload-secret"\n'
        f'server_metadata_url = "{provider}/.well-known/openid-configuration"\n'
    )
    trail = folder / "audit.jsonl"
    settings = folder / "settings.toml"
    roles = ", ".join(f'"{group}" = "{role}"' for group, role in ROLES.items())
    settings.write_text(f'[access]\nroles = {{ {roles} }}\n\n[audit]\npath = "{trail}"\n')
    env = {"UNITLOAD_SETTINGS": str(settings)}
    for url in serve(ROOT / "sample_data" / "unit", env=env, port=port, secrets=secrets):
        yield url, trail


def sign_in(browser, url: str, sub: str):  # noqa: F811
    context = browser.new_context(viewport={"width": 1400, "height": 1000})
    page = context.new_page()
    page.goto(url)
    page.get_by_role("button", name="Sign in").click()
    page.get_by_placeholder("sub").fill(sub)
    page.get_by_role("button", name="Authorize").click()
    page.wait_for_url(f"{url}/**", timeout=WAIT)
    page.wait_for_selector("h1", timeout=WAIT)
    wait_idle(page)
    return context, page


def nav_labels(page) -> list[str]:
    """The navigation's page titles (each link's last line: the first is its icon's name)."""
    return [t.strip().splitlines()[-1] for t in page.locator("[data-testid=stSidebarNav] a").all_inner_texts()]


@pytest.mark.parametrize("path", ["", "workload", "cases", "forensics", "supervision", "planner", "data"])
def test_signed_out_every_page_shows_only_the_sign_in(signed_server, tab, path):  # noqa: F811
    url, _ = signed_server
    page = tab  # no one signs in in this profile: each sign-in below has a profile of its own
    page.goto(f"{url}/{path}")
    page.get_by_role("button", name="Sign in").wait_for(timeout=WAIT)
    wait_idle(page)
    text = page.locator("[data-testid=stMain]").inner_text()
    assert "Sign in with your organisation's account" in text
    assert not page.locator(".js-plotly-plot").count() and not page.locator("[data-testid=stDataFrame]").count()
    assert not nav_labels(page)


def test_a_sergeant_sees_only_their_team(signed_server, browser):  # noqa: F811
    url, trail = signed_server
    before = len(audit.read(trail))
    context, page = sign_in(browser, url, "sergeant-a")
    try:
        sidebar = page.locator("[data-testid=stSidebar]").inner_text()
        assert "Signed in as sergeant · POLIT-A" in sidebar
        assert "Staffing planner" not in nav_labels(page) and "Supervision and welfare" in nav_labels(page)
        assert "POLIT-A" in page.locator("[data-testid=stCaptionContainer]").first.inner_text()
        page.goto(f"{url}/workload")
        page.wait_for_selector("h1", timeout=WAIT)
        wait_idle(page)
        page.locator(".js-plotly-plot .ytick").first.wait_for(timeout=WAIT)
        officers = {t.split(" ")[0] for t in page.locator(".js-plotly-plot .ytick text").all_text_contents()}
        assert len(officers) >= 8 and officers <= {f"P10{n:02}" for n in range(8, 18)}  # POLIT-A's investigators
        page.screenshot(path=str(ROOT / "test-artifacts" / "screenshots" / "sergeant-workload.png"))
        records = [r for r in audit.read(trail)[before:] if r["subject"] == "sergeant-a"]
        assert {r["role"] for r in records} == {"sergeant"}
        assert any(r["page"] == "workload" and r["filters"]["teams"] == ["POLIT-A"] for r in records)
    finally:
        context.close()


def test_an_analyst_never_sees_a_name(signed_server, browser):  # noqa: F811
    url, _ = signed_server
    context, page = sign_in(browser, url, "analyst-1")
    try:
        assert (
            "Signed in as analyst · all units · names pseudonymised"
            in page.locator("[data-testid=stSidebar]").inner_text()
        )
        labels = nav_labels(page)
        assert "Staffing planner" not in labels and "Supervision and welfare" not in labels
        assert not page.get_by_text("Show names").count()
        page.goto(f"{url}/planner")  # a page the role may not open: the default page instead
        page.wait_for_selector("h1", timeout=WAIT)
        wait_idle(page)
        assert page.locator("h1").first.inner_text() != "Staffing planner"
    finally:
        context.close()


def test_a_user_without_a_role_is_refused(signed_server, browser):  # noqa: F811
    url, _ = signed_server
    context, page = sign_in(browser, url, "stranger")
    try:
        assert page.locator("h1").first.inner_text() == "No access"
        assert "none of the identity's 'groups' values is mapped to a role" in page.inner_text("body")
        assert not nav_labels(page)
    finally:
        context.close()


PLANTED = "<img src=x onerror=alert(1)>"
LINK = "javascript:alert(2)"
# what Plotly would draw as markup, and what Markdown would make a link of even with its characters escaped
MARKUP = '<a href="https://evil.example/a">a</a><b>b</b><span style="font-size:60px">s</span>'
BARE = "www.evil.example x@evil.example https://evil.example/c"


@pytest.fixture(scope="module")
def hostile_server(tmp_path_factory):
    """The sample with markup and script links planted in the string columns people read."""
    folder = tmp_path_factory.mktemp("hostile") / "unit"
    shutil.copytree(ROOT / "sample_data" / "unit", folder)
    officers = pl.read_parquet(folder / "officers.parquet")
    officers.with_columns(
        pl.format("{} " + PLANTED + MARKUP + BARE, "display_name").alias("display_name")
    ).write_parquet(folder / "officers.parquet")
    cases = pl.read_parquet(folder / "cases.parquet")
    cases.with_columns(
        pl.lit(f"[click]({LINK}) {PLANTED} {MARKUP} {BARE}").alias("offence_type"),
        pl.format("{} " + PLANTED, "case_ref").alias("case_ref"),
    ).write_parquet(folder / "cases.parquet")
    manifest = json.loads((folder / "manifest.json").read_text())
    for entry in manifest["tables"].values():  # the files changed: their checksums too
        entry["sha256"] = {name: sha256_file(folder / name) for name in entry["files"]}
    (folder / "manifest.json").write_text(json.dumps(manifest))
    yield from serve(folder)


@pytest.mark.parametrize(
    "path",
    [
        "",
        "workload?officer=P1019",
        "cases?case=C000836",
        "forensics",
        "supervision",
        "planner",
        "data",
        f"cases?case={quote(PLANTED)}&teams={quote(f'[x]({LINK})')}",
        f"?month={quote(BARE)}&teams={quote(MARKUP)}&unit={quote('www.evil.example')}",
        "planner?scenario=" + quote('{"name": "www.evil.example", "changes": []}'),
    ],
)
def test_text_from_the_data_is_inert(hostile_server, tab, path):  # noqa: F811
    page = tab
    dialogs = []

    def dismiss(dialog):
        dialogs.append(dialog.message)
        dialog.dismiss()

    page.on("dialog", dismiss)
    try:
        page.goto(f"{hostile_server}/{path}")
        page.wait_for_selector("h1", timeout=WAIT)
        wait_idle(page)
        toggle = page.get_by_text("Show names")
        if toggle.count():
            toggle.click()
            wait_idle(page)
        page.wait_for_timeout(500)
        assert "failed validation" not in page.inner_text("body")  # the planted extract is served
        assert not dialogs
        assert page.locator('img[src="x"]').count() == 0
        assert page.locator('a[href^="javascript"]').count() == 0
        links = page.evaluate(  # HTML links and the SVG links a chart would draw
            "() => [...document.querySelectorAll('a')].map(a => a.getAttribute('href') || a.getAttribute('xlink:href'))"
        )
        assert not [link for link in links if link and "evil.example" in link], links
        bold = page.evaluate(  # markup Plotly would render: a bold or restyled run of a chart's text
            "() => [...document.querySelectorAll('.js-plotly-plot tspan')].filter(t => "
            "(t.getAttribute('style') || '').includes('font-size:60px') || t.style.fontWeight === 'bold').length"
        )
        assert bold == 0
    finally:
        page.remove_listener("dialog", dismiss)
