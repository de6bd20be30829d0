"""AppTest: the app and every page render on the sample extract, and a bad extract withholds figures."""

import shutil
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

ROOT = Path(__file__).resolve().parent.parent
PAGES = sorted(p.name for p in (ROOT / "pages").glob("*.py"))


def run_app(monkeypatch, data=None, page=None) -> AppTest:
    if data:
        monkeypatch.setenv("UNITLOAD_DATA", str(data))
    at = AppTest.from_file(str(ROOT / "dashboard.py"), default_timeout=60)
    at.run()
    if page:
        at.switch_page(f"pages/{page}")
        at.run()
    return at


def frame_with(at: AppTest, column: str):
    """The first dataframe showing `column` (AppTest does not expose dataframe keys)."""
    return next(d.value for d in at.dataframe if column in d.value.columns)


def test_app_starts_on_the_sample(monkeypatch):
    at = run_app(monkeypatch)
    assert not at.exception
    assert any("unit-seed42" in m.value for m in at.sidebar.markdown)


@pytest.mark.parametrize("page", PAGES)
def test_every_page_renders(monkeypatch, page):
    at = run_app(monkeypatch, page=page)
    assert not at.exception, [e.value for e in at.exception]
    assert at.title


def test_data_page_shows_manifest_definitions_and_validation(monkeypatch):
    at = run_app(monkeypatch, page="data_definitions.py")
    assert "unit-seed42-2026-10-31" in [h.value for h in at.subheader]
    assert [m.value for m in at.metric] == ["31 Oct 2026 06:00", "31 Oct 2026"]
    assert any("Every check passed" in s.value for s in at.success)
    terms = at.table[0].value["term"].to_list()
    assert {"availability", "load_pct", "unprogressed", "forensic stage"} <= set(terms)
    tables = frame_with(at, "rows in manifest")
    assert dict(zip(tables["table"], tables["rows read"], strict=True))["cases"] > 1000


def test_bad_extract_is_reported_and_withholds_figures(monkeypatch, tmp_path):
    bad = tmp_path / "bad"
    shutil.copytree(ROOT / "sample_data" / "unit", bad)
    (bad / "cases.parquet").write_bytes(b"truncated")
    at = run_app(monkeypatch, data=bad, page="data_definitions.py")
    assert not at.exception
    assert any("error" in e.value for e in at.error)
    findings = frame_with(at, "rule")
    assert "readable_parquet" in findings["rule"].to_list()
