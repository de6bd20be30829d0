"""In the browser, signed in: a sergeant records a decision on the seed pattern's case; the next month's Overview
shows it overdue, and a later extract in which the case was reallocated shows it done; a sergeant of another team
can neither see nor record it. The extracts are a folder of three month ends, served as a data root is."""

import datetime as dt
import json
import shutil

import polars as pl
import pytest
from browsing import WAIT, metrics, record_decision, violations, visit, wait_idle
from conftest import ROOT, serve
from test_browser_security import provider, sign_in  # noqa: F401 - the OpenID Connect provider on loopback

from perf.server import free_port
from unitload.extract.folder import sha256_file

pytestmark = pytest.mark.browser
SAMPLE = ROOT / "sample_data" / "unit"
ROLES = {"ds": "sergeant"}


def month_copy(folder, extract_id: str, extracted_at: str, reallocated_on: dt.date | None = None):
    """The sample taken at another day; with `reallocated_on`, C000836 handed from P1019 to P1021 that day."""
    shutil.copytree(SAMPLE, folder)
    if reallocated_on:
        held = pl.read_parquet(folder / "assignments.parquet")
        now = (pl.col("case_id") == "C000836") & pl.col("assigned_to").is_null()
        ended = held.with_columns(
            pl.when(now).then(pl.lit(reallocated_on)).otherwise("assigned_to").alias("assigned_to")
        )
        new = held.filter(now).with_columns(
            pl.lit("P1021").alias("officer_id"), pl.lit(reallocated_on).alias("assigned_from"),
            pl.lit(None, pl.Date).alias("assigned_to"), pl.lit("reallocation").alias("reason"),
        )  # fmt: skip
        pl.concat([ended, new]).write_parquet(folder / "assignments.parquet")
    manifest = json.loads((folder / "manifest.json").read_text())
    manifest |= {"extract_id": extract_id, "extracted_at": extracted_at}
    for entry in manifest["tables"].values():
        entry["sha256"] = {name: sha256_file(folder / name) for name in entry["files"]}
    manifest["tables"]["assignments"]["rows"] = pl.read_parquet(folder / "assignments.parquet").height
    (folder / "manifest.json").write_text(json.dumps(manifest))


@pytest.fixture(scope="module")
def served(provider, tmp_path_factory):  # noqa: F811
    work = tmp_path_factory.mktemp("decisions")
    extracts = work / "extracts"
    month_copy(extracts / "october", "unit-2026-10", "2026-10-31T06:00:00")
    month_copy(extracts / "november", "unit-2026-11", "2026-11-30T06:00:00")
    port = free_port()
    secrets = work / "secrets.toml"
    secrets.write_text(
        "[auth]\n"
        f'redirect_uri = "http://127.0.0.1:{port}/oauth2callback"\n'
        'cookie_secret = "a-long-random-secret-for-the-tests-only-0123456789"\n'
        'client_id = "unitload"\nclient_secret = "unitload-secret"\n'
        f'server_metadata_url = "{provider}/.well-known/openid-configuration"\n'
    )
    import httpx

    for sub, claims in {"sergeant-b": {"groups": ["ds"], "teams": ["POLIT-B"]}}.items():
        assert httpx.put(f"{provider}/users/{sub}", json=claims).status_code == 204
    settings = work / "settings.toml"
    settings.write_text(
        '[access]\nroles = { "ds" = "sergeant" }\n\n'
        f'[audit]\npath = "{work / "audit.jsonl"}"\n\n[decisions]\nurl = "sqlite:///{work / "records.sqlite"}"\n'
    )
    for url in serve(extracts, env={"UNITLOAD_SETTINGS": str(settings)}, port=port, secrets=secrets):
        yield url, extracts


def test_a_decision_is_followed_up_from_the_data_month_after_month(served, browser):
    url, extracts = served
    context, page = sign_in(browser, url, "sergeant-b")
    try:
        visit(page, f"{url}/cases?extract=unit-2026-10&case=C000836#case-timeline")
        page.get_by_text("Record a decision on case C000836").first.click()
        page.get_by_role("button", name="Record the decision").wait_for(timeout=WAIT)
        assert violations(page) == []  # the form too: labels, contrast, targets of 24 px (no date field's parts)
        said = record_decision(
            page, "Record a decision on case C000836", "Reallocate", "P1018", to="P1021"
        )  # due: 14 days on
        assert "Recorded decision 1: reallocate to another officer (C000836), owner P1018, due 14 Nov 2026." in said
        assert "Decision 1: reallocate to another officer to P1021" in page.inner_text("body")
        # the next month end: nothing was done, and the Overview opens with it
        visit(page, f"{url}/?extract=unit-2026-11")
        wait_idle(page)
        body = page.inner_text("body")
        assert "Overdue now: 1" in body
        row = page.locator("table tbody tr", has=page.get_by_role("link", name="C000836", exact=True))
        row.wait_for(timeout=WAIT)  # the attention list: the case's row, as a reader reads it
        cells = [c.replace("\u2060", "") for c in row.locator("td").all_inner_texts()]  # escaped(): word joiners
        assert cells[2].startswith("decision overdue; inherited")
        assert cells[3] == "OVERDUE: reallocate to another officer, due 14 Nov 2026"
        # a later extract in which the case was reallocated as decided: done, from the data
        month_copy(extracts / "december", "unit-2026-12", "2026-12-05T06:00:00", reallocated_on=dt.date(2026, 12, 4))
        visit(page, f"{url}/decisions?extract=unit-2026-12&decision_item=case+C000836#history")
        wait_idle(page)
        history = page.locator("[data-testid=stDataFrame]").last
        history.locator("td").first.wait_for(state="attached", timeout=WAIT)
        assert "done on 04 Dec 2026" in [c.text_content() for c in history.locator("td").all()]
        tiles = dict(zip(page.locator("[data-testid=stMetricLabel]").all_inner_texts(), metrics(page, 5), strict=True))
        assert (tiles["Done this month"], tiles["Overdue"]) == ("1", "0")
        page.wait_for_selector(".js-plotly-plot g.trace", timeout=WAIT)  # done by the due day, month by month
        assert violations(page) == []  # WCAG 2.2 AA on the page with decisions, its tables and its chart
    finally:
        context.close()


def test_a_sergeant_of_another_team_can_neither_see_nor_record_it(served, browser, provider):  # noqa: F811
    import httpx

    url, _ = served
    assert httpx.put(f"{provider}/users/sergeant-a", json={"groups": ["ds"], "teams": ["POLIT-A"]}).status_code == 204
    context, page = sign_in(browser, url, "sergeant-a")
    try:
        visit(page, f"{url}/cases?extract=unit-2026-11&case=C000836")
        wait_idle(page)
        body = page.inner_text("body")
        assert "not in this extract or not within your view" in body
        assert page.get_by_text("Record a decision on case C000836").count() == 0
        visit(page, f"{url}/decisions?extract=unit-2026-11")
        wait_idle(page)
        assert "No decision has been recorded" in page.inner_text("body")
        assert page.locator("text=C000836").count() == 0
    finally:
        context.close()
