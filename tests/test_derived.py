"""Snapshots made once, at promotion (`queries.derived`): written with the findings into the promoted
extract, attached by the app instead of validating and building again, and never used when they were
made from anything other than what is used now."""

import json
import shutil
from pathlib import Path

import pytest
from conftest import APP_WAIT, SAMPLE
from streamlit.testing.v1 import AppTest

from queries import build_snapshots, run_query
from queries.derived import RECORD, attach, hold_attached
from queries.snapshots import release
from unitload.extract.db import open_source
from unitload.extract.promote import current_folder, promote
from unitload.settings import Settings

ROOT = Path(__file__).resolve().parent.parent
MONTHS = Settings().engine.snapshot_months


@pytest.fixture(scope="module")
def promoted(tmp_path_factory) -> Path:
    root = tmp_path_factory.mktemp("root")
    promote(SAMPLE, root)
    return current_folder(root)


def test_promotion_writes_the_snapshots_and_the_findings(promoted):
    record = json.loads((promoted / "derived" / RECORD).read_text())
    assert sorted(record["files"]) == [
        "snap_case_progress", "snap_exhibit_dates", "snap_first_action",
        "snap_forensic_queue", "snap_officer_load", "snap_officer_supervision", "snap_team_flow",
        "snap_workload_groups",
    ]  # fmt: skip
    assert record["findings"] == [] and record["months"] == MONTHS


@pytest.mark.parametrize(
    ("name", "params"),
    [
        ("case_progress", {"months": 13}),
        ("officer_load", {"months": 25}),
        ("forensic_queue", {}),
        ("attention_list", {}),
        ("team_flow", {}),
    ],
)
def test_attached_snapshots_give_what_built_ones_give(promoted, name, params):
    attached = open_source(promoted, Settings())
    assert attach(attached, MONTHS) == []
    assert attached.schema in attached.db.snapshots  # queries now read the attached tables
    built = open_source(SAMPLE, Settings())
    build_snapshots(built, MONTHS)
    day = built.extract.as_of
    expected = run_query(built, name, as_of=day, **params)
    assert run_query(attached, name, as_of=day, **params).equals(expected)


def _copies(source) -> set[str]:
    """The in-memory copies the source's schema holds."""
    sql = "select table_name from duckdb_tables() where schema_name = $s and table_name like 'mem_%'"
    found = source.cursor().execute(sql, {"s": source.schema})
    return {row[0] for row in found.fetchall()}


def test_a_promoted_extract_is_read_from_its_files_until_copied_into_memory_behind_the_first_page(promoted):
    attached = open_source(promoted, Settings())
    assert attach(attached, MONTHS, held_now=False) == []
    assert attached.schema in attached.db.snapshots and not _copies(attached)  # views of the files: nothing copied
    built = open_source(SAMPLE, Settings())
    build_snapshots(built, MONTHS)
    day = built.extract.as_of
    expected = {name: run_query(built, name, as_of=day) for name in ("officer_load", "case_progress", "attention_list")}
    for name, rows in expected.items():
        assert run_query(attached, name, as_of=day).equals(rows)
    steps = []
    assert hold_attached(attached, lambda done, count, what: steps.append(what)) is True
    assert {"mem_cases", "mem_officers", "mem_snap_case_progress", "mem_snap_officer_load"} <= _copies(attached)
    assert "snap_team_flow" in steps and "cases" in steps and "actions" not in steps  # the actions stay in files
    for name, rows in expected.items():  # the same rows from the copies
        assert run_query(attached, name, as_of=day).equals(rows)
    assert hold_attached(attached, lambda done, count, what: steps.append(what)) is True
    assert steps.count("cases") == 1  # held already: nothing copied twice
    release(attached)  # an older extract given back: its copies and views of the snapshots dropped
    assert not _copies(attached) and attached.schema not in attached.db.snapshots
    assert run_query(attached, "officer_load", as_of=day).equals(expected["officer_load"])  # computed from the files
    assert attach(attached, MONTHS) == [] and "mem_snap_officer_load" in _copies(attached)  # opened again: copied


def test_copying_into_memory_stops_once_the_extract_is_given_back(promoted):
    attached = open_source(promoted, Settings())
    assert attach(attached, MONTHS, held_now=False) == []
    release(attached)  # before the first page was drawn, say: several extracts opened at once
    assert hold_attached(attached) is False and not _copies(attached)


def test_derived_files_made_from_anything_else_are_not_used(promoted, tmp_path):
    other = Settings.model_validate({"capacity": {"overload_pct": 120}})  # a metric setting the snapshots bind
    assert attach(open_source(promoted, other), MONTHS) is None
    assert attach(open_source(promoted, Settings()), MONTHS - 1) is None  # other month ends
    changed = tmp_path / "changed"
    shutil.copytree(promoted, changed)
    manifest = json.loads((changed / "manifest.json").read_text())
    (changed / "manifest.json").write_text(json.dumps(manifest | {"source": "edited after promotion"}))
    assert attach(open_source(changed, Settings()), MONTHS) is None  # the extract is not the one they came from
    missing = tmp_path / "missing"
    shutil.copytree(promoted, missing)
    (missing / "derived" / "snap_officer_load.parquet").unlink()
    assert attach(open_source(missing, Settings()), MONTHS) is None
    broken = tmp_path / "broken"
    shutil.copytree(promoted, broken)
    (broken / "derived" / RECORD).write_text("{not json")
    assert attach(open_source(broken, Settings()), MONTHS) is None


def test_the_app_opens_a_promoted_extract_without_validating_it_again(promoted, monkeypatch):
    from unitload.app import environment

    def refuse(source):
        raise AssertionError("validated again on opening a promoted extract")

    monkeypatch.setattr(environment, "validate", refuse)
    monkeypatch.setenv("UNITLOAD_DATA", str(promoted.parent.parent))
    at = AppTest.from_file(str(ROOT / "dashboard.py"), default_timeout=APP_WAIT)
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    assert at.metric and at.title[0].value == "Monthly workload review"
    assert not at.get("progress")  # its figures are whole from the start: no bar, while it is copied into memory
    loaded = environment.open_folder(promoted, promoted.parent.parent)  # the app's, opened once
    environment.wait_for_snapshots(loaded.source)
    assert {"mem_cases", "mem_snap_case_progress"} <= _copies(loaded.source)  # behind the first page


def test_a_folder_holding_derived_files_is_promoted_with_fresh_ones(promoted, tmp_path):
    new = tmp_path / "new"
    shutil.copytree(promoted, new)
    (new / "derived" / "snap_officer_load.parquet").write_bytes(b"planted")  # never copied
    root = tmp_path / "root"
    promote(new, root)
    assert attach(open_source(current_folder(root), Settings()), MONTHS) == []


def test_an_extract_opened_again_after_it_was_given_back_is_copied_again(promoted):
    from unitload.app import environment

    source = open_source(promoted, Settings())
    assert attach(source, MONTHS, held_now=False) == []
    ran = []
    first = environment.Building.start(source, lambda progress: ran.append("first"), notice=False)
    environment.page_drawn()
    first.thread.join(60)
    assert environment.Building.start(source, lambda progress: ran.append("twice"), notice=False) is not first
    environment.page_drawn()
    environment.wait_for_snapshots(source, timeout=60)
    assert ran == ["first", "twice"] and environment.building(source) is None  # no notice on the pages
