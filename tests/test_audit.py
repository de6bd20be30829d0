"""The audit trail: one record per page view and per disclosure, codes only, rotated by size."""

import json
import time
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from unitload import audit
from unitload.settings import Audit

ROOT = Path(__file__).resolve().parent.parent


def test_records_are_json_lines_with_the_fields_and_rotate(tmp_path):
    settings = Audit(path=str(tmp_path / "trail.jsonl"), max_bytes=600, backups=3)
    for i in range(12):
        audit.record(settings, "view", subject=f"s{i}", role="analyst", page="overview", rows=i, extract="E1")
    files = sorted(p.name for p in tmp_path.iterdir())
    assert files == ["trail.jsonl", "trail.jsonl.1", "trail.jsonl.2", "trail.jsonl.3"]  # the oldest are gone
    records = audit.read(tmp_path / "trail.jsonl")
    assert records and list(records[-1]) == list(audit.FIELDS)
    assert records[-1] | {"time": None} == {
        "time": None,
        "event": "view",
        "subject": "s11",
        "role": "analyst",
        "page": "overview",
        "filters": {},
        "extract": "E1",
        "rows": 11,
        "what": "",
        "seconds": None,
    }
    kept = [r["subject"] for f in reversed(files) for r in audit.read(tmp_path / f)]
    assert kept == sorted(kept, key=lambda s: int(s[1:])) and kept[-1] == "s11"  # appended in order


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
    at = AppTest.from_file(str(ROOT / "dashboard.py"), default_timeout=60)
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

    at = AppTest.from_file(str(ROOT / "dashboard.py"), default_timeout=60)
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
    at = AppTest.from_file(str(ROOT / "dashboard.py"), default_timeout=60)
    at.switch_page("pages/supervision.py")
    at.run()
    assert not at.exception and any("no supervision table" in i.value for i in at.info)
    assert [(r["event"], r["page"]) for r in audit.read(trail)] == [("view", "supervision")]
