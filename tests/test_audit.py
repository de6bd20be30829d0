"""The audit trail: one record per page view and per disclosure, codes only, a file a day, failing closed."""

import json
import re
import time
from pathlib import Path

import pytest
from conftest import APP_WAIT
from streamlit.testing.v1 import AppTest

from unitload.access import audit
from unitload.settings import Audit

ROOT = Path(__file__).resolve().parent.parent


def test_records_are_json_lines_with_the_fields_and_a_file_a_day(tmp_path, monkeypatch):
    """Rotation is by day, never by size: however many records one user writes, the others' stay."""
    clock = [1_800_000_000.0]  # 15 January 2027, 08:00 UTC
    monkeypatch.setattr(audit.logging.handlers.time, "time", lambda: clock[0])
    settings = Audit(path=str(tmp_path / "trail.jsonl"), keep_days=2)
    for day in range(4):
        for i in range(300 if day == 3 else 3):  # the last day, one user reloads a page 300 times
            subject = "flood" if day == 3 else f"s{day}{i}"
            audit.record(settings, "view", subject=subject, role="analyst", page="overview", rows=i, extract="E1")
        clock[0] += 86_400
    files = audit.files(tmp_path / "trail.jsonl")
    assert [f.name for f in files] == ["trail.jsonl.2027-01-16", "trail.jsonl.2027-01-17", "trail.jsonl"]
    kept = [r["subject"] for f in files for r in audit.read(f)]
    assert kept[:6] == ["s10", "s11", "s12", "s20", "s21", "s22"] and kept[6:] == ["flood"] * 300
    record = audit.read(files[-1])[-1]
    assert list(record) == list(audit.FIELDS)
    assert record | {"time": None} == {
        "time": None,
        "event": "view",
        "subject": "flood",
        "role": "analyst",
        "page": "overview",
        "filters": {},
        "extract": "E1",
        "rows": 299,
        "what": "",
        "seconds": None,
    }


@pytest.mark.parametrize("how", ["deleted", "moved"])
def test_a_trail_deleted_or_moved_while_serving_is_opened_again(tmp_path, how):
    """Records after the file went go to a new file at the trail's path, never to the file no one can read."""
    trail = tmp_path / "trail.jsonl"
    settings = Audit(path=str(trail))
    audit.record(settings, "view", subject="before", role="analyst")
    if how == "deleted":
        trail.unlink()
    else:
        trail.rename(tmp_path / "elsewhere.jsonl")
    audit.record(settings, "view", subject="after", role="analyst")
    audit.record(settings, "export", subject="after", role="analyst", what="officer-load.csv")
    assert [(r["subject"], r["event"]) for r in audit.read(trail)] == [("after", "view"), ("after", "export")]


def test_a_trail_that_cannot_be_written_fails(tmp_path, monkeypatch):
    blocked = tmp_path / "file"
    blocked.write_text("a file where a folder should be")
    settings = Audit(path=str(blocked / "trail.jsonl"))
    assert "cannot be opened" in audit.problem(settings)
    with pytest.raises(audit.AuditError):
        audit.record(settings, "view", subject="s", role="analyst")
    full = Audit(path=str(tmp_path / "ok" / "trail.jsonl"))
    assert audit.problem(full) is None
    monkeypatch.setattr(audit.os, "statvfs", lambda _: type("Full", (), {"f_bavail": 0, "f_frsize": 4096})())
    assert audit.problem(full) == "the disk of the audit trail is full"


def test_an_unknown_event_is_refused(tmp_path):
    with pytest.raises(ValueError, match="unknown audit event"):
        audit.record(Audit(path=str(tmp_path / "t.jsonl")), "peek", subject="s", role="analyst")


@pytest.fixture
def trail(tmp_path, monkeypatch):
    """The app's audit trail in a file of this test's own."""
    path = tmp_path / "audit.jsonl"
    settings = tmp_path / "settings.toml"
    settings.write_text(f'[audit]\npath = "{path}"\n')
    monkeypatch.setenv("UNITLOAD_SETTINGS", str(settings))
    return path


@pytest.mark.parametrize("page", sorted(p.name for p in (ROOT / "pages").glob("*.py")))
def test_each_page_view_writes_exactly_one_record(trail, page):
    at = AppTest.from_file(str(ROOT / "dashboard.py"), default_timeout=APP_WAIT)
    at.run()
    before = len(audit.read(trail))
    at.switch_page(f"pages/{page}")
    start = time.perf_counter()
    at.run()
    took = time.perf_counter() - start
    assert not at.exception
    records = audit.read(trail)[before:]
    assert len(records) == 1, records
    record = records[0]
    assert (record["event"], record["page"], record["role"], record["subject"]) == (
        "view",
        page.removesuffix(".py"),
        "superintendent",
        "local",
    )
    assert record["extract"] == "unit-seed42-2026-10-31"
    assert record["filters"]["as_of"] == "2026-10-31"
    shown = sum(len(d.value) for d in at.main.dataframe)
    assert record["rows"] == shown
    assert 0 < record["seconds"] <= took  # the server's time over the page, within the whole run's


def test_the_trail_holds_no_names_or_case_references(trail, sample):
    from queries import run_query

    at = AppTest.from_file(str(ROOT / "dashboard.py"), default_timeout=APP_WAIT)
    at.run()
    at.sidebar.toggle(key="sidebar_names").set_value(True)
    at.run()
    for page in ("workload.py", "cases.py", "supervision.py"):
        at.switch_page(f"pages/{page}")
        at.run()
    text = trail.read_text()
    names = run_query(sample, "officer_names")["display_name"].to_list()
    refs = [r for (r,) in sample.cursor().sql("select case_ref from cases").fetchall()]
    assert len(audit.read(trail)) == 5  # overview, overview again with names, then three pages
    assert not [n for n in names if n in text]
    assert not [r for r in refs if r in text]
    assert json.loads(text.splitlines()[-1])["page"] == "supervision"


def test_a_page_that_stops_early_still_writes_its_record(trail, tmp_path, monkeypatch):
    import shutil

    from conftest import SAMPLE

    without = tmp_path / "no-supervision"
    shutil.copytree(SAMPLE, without)
    (without / "supervision.parquet").unlink()  # the optional table: the page says so and stops
    manifest = json.loads((without / "manifest.json").read_text())
    del manifest["tables"]["supervision"]
    (without / "manifest.json").write_text(json.dumps(manifest))
    monkeypatch.setenv("UNITLOAD_DATA", str(without))
    settings = tmp_path / "local.toml"  # not the bundled sample: local mode must be allowed for it
    settings.write_text(f'[access]\nlocal_any_data = true\n\n[audit]\npath = "{trail}"\n')
    monkeypatch.setenv("UNITLOAD_SETTINGS", str(settings))
    at = AppTest.from_file(str(ROOT / "dashboard.py"), default_timeout=APP_WAIT)
    at.switch_page("pages/supervision.py")
    at.run()
    assert not at.exception and any("no supervision table" in i.value for i in at.info)
    assert [(r["event"], r["page"]) for r in audit.read(trail)] == [("view", "supervision")]


def test_a_full_audit_disk_shows_no_data(trail, monkeypatch):
    """The trail fails closed: a consultation that cannot be recorded draws no figures, with a notice."""
    monkeypatch.setattr(audit, "problem", lambda *_: "the disk of the audit trail is full")
    at = AppTest.from_file(str(ROOT / "dashboard.py"), default_timeout=APP_WAIT)
    at.switch_page("pages/workload.py")
    at.run()
    assert not at.exception
    assert any("No figures are shown: the disk of the audit trail is full" in e.value for e in at.error)
    assert not at.main.dataframe and not at.get("plotly_chart") and not at.title


def test_a_page_that_raises_after_drawing_still_writes_its_record(trail, monkeypatch):
    from unitload.charts import workload as charts

    def broken(*args, **kwargs):
        raise RuntimeError("a chart that fails after the tables above it were drawn")

    monkeypatch.setattr(charts, "heat_strip", broken)
    at = AppTest.from_file(str(ROOT / "dashboard.py"), default_timeout=APP_WAIT)
    at.switch_page("pages/workload.py")
    at.run()
    assert at.exception  # the page failed part-way ...
    records = audit.read(trail)
    assert [(r["event"], r["page"]) for r in records] == [("view", "workload")]  # ... and was recorded
    assert records[0]["rows"] > 0  # with the rows it had shown


def test_the_pack_record_counts_every_row_the_pack_holds(tmp_path, monkeypatch, sample):
    from types import SimpleNamespace

    from unitload.access import downloads
    from unitload.access.scope import local_scope
    from unitload.app import exports, frame
    from unitload.app.environment import Loaded
    from unitload.app.run import Run
    from unitload.app.view import Filters
    from unitload.review.pack import monthly_pack
    from unitload.settings import Access, Settings

    settings = Settings.model_validate({"audit": {"path": str(tmp_path / "trail.jsonl")}})
    run = Run(local_scope(Access()), Loaded(sample, ()), SimpleNamespace(), page="overview", rows=9)
    monkeypatch.setattr(frame, "this_run", lambda: run)
    monkeypatch.setattr(frame, "settings", lambda: settings)
    monkeypatch.setattr(exports, "names_visible", lambda: False)
    monkeypatch.setattr(downloads.TICKETS, "guarded", True)  # as serve.py's guard sets it
    whole = Filters(sample.extract.as_of, None, None)
    made = exports.monthly_pack_maker(sample, whole)()  # what the download button calls
    pack = monthly_pack(sample, sample.extract.as_of)
    assert made.startswith(b"<!doctype html>")
    assert audit.read(tmp_path / "trail.jsonl") == []  # made, not yet served
    assert downloads.TICKETS.take(made, downloads.owner_key({}))  # the guard serves it to this browser
    (record,) = audit.read(tmp_path / "trail.jsonl")
    export = re.search(rb"Export ([0-9a-f]{16})\.", made).group(1).decode()
    assert (record["event"], record["what"], record["rows"]) == ("pack", f"monthly pack (export {export})", pack.rows)
    attention = len([1 for line in pack.html.split("Needs a decision")[1].split("</table>")[0].split("<tr>")]) - 2
    assert pack.rows > attention > 9  # every row the pack holds, not the nine the page had shown
    assert b"; all units." in made
    team = exports.monthly_pack_maker(sample, Filters(sample.extract.as_of, None, ["POLIT-A"]))().decode()
    assert "; team POLIT-A." in team and "all units" not in team  # the view's teams (a sergeant's own)
