"""AppTest: the app and every page render on the sample extract, and a bad extract withholds figures."""

import datetime as dt
import json
import math
import os
import re
import shutil
import time
from pathlib import Path

import pytest
from conftest import APP_WAIT, SAMPLE, D
from streamlit.testing.v1 import AppTest

from queries import bind_params, load_query, run_query
from queries.snapshots import usable_snapshots
from unitload.app.text import escaped

ROOT = Path(__file__).resolve().parent.parent
PAGES = sorted(p.name for p in (ROOT / "pages").glob("*.py"))


def run_app(monkeypatch, data=None, page=None) -> AppTest:
    if data:
        monkeypatch.setenv("UNITLOAD_DATA", str(data))
    at = AppTest.from_file(str(ROOT / "dashboard.py"), default_timeout=APP_WAIT)
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
    # every chart has both text alternatives: a description for screen readers, and its data as a table
    charts = at.get("plotly_chart")
    assert all(c.proto.alt.endswith(".") and len(c.proto.alt) > 20 for c in charts), [c.proto.alt for c in charts]
    tables = [e for e in at.expander if e.label.endswith("its data as a table")]
    assert len(tables) == len(charts)
    assert not any(e.dataframe for e in tables)  # made when opened (tests/test_browser.py opens one)
    # a missing value is an empty cell, a number's as a text's: the grid would show "None"
    assert all(d.proto.HasField("placeholder") and d.proto.placeholder == "" for d in at.dataframe)
    assert all(len(d.proto.alt) > 10 for d in at.dataframe), [d.proto.alt for d in at.dataframe]  # a grid's name


def test_data_page_shows_manifest_definitions_and_validation(monkeypatch):
    at = run_app(monkeypatch, page="data_definitions.py")
    assert "unit-seed42-2026-10-31" in [h.value for h in at.subheader]
    assert [m.value for m in at.metric] == ["31 Oct 2026 06:00", "31 Oct 2026"]
    assert any("Every check passed" in s.value for s in at.success)
    terms = at.table[0].value["term"].to_list()
    assert {"availability", "load_pct", "unprogressed", "forensic stage"} <= set(terms)
    assert at.table[0].proto.alt == "Definitions of the terms used"  # what a screen reader calls it
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


@pytest.mark.parametrize("month", [dt.date(2026, 10, 31), dt.date(2024, 2, 29)])
@pytest.mark.parametrize("page", ["overview.py", "workload.py"])
def test_review_pages_for_two_months_and_a_team(monkeypatch, page, month):
    at = run_app(monkeypatch, page=page)
    at.selectbox(key="month").set_value(month)
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    assert f"as of {month:%d %b %Y}" in at.caption[0].value
    at.multiselect(key="teams").set_value(["POLIT-B"])
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    assert "POLIT-B" in at.caption[0].value


def test_overview_headline_figures_and_attention_list(monkeypatch):
    at = run_app(monkeypatch)
    figures = {m.label: m for m in at.metric}
    assert figures["Part-timers at full load"].value == "1"
    # P1020's cases went to the part-timer: none of the one long-term absent officer holds a case, and the
    # absentee of 1,005 days is one click away ("Who (1)"), not hidden behind a 0
    assert figures["Long-term absent, holding cases"].value == "0 of 1"
    # annual leave (P1009 and P1032 over the weekend of D) is no alarm: only long-term absence or a leaver
    assert figures["Holder away long-term/left"].value == "0"
    assert figures["Officers overloaded"].value == "5 of 27"  # P1010 on leave is 167 % on 0.4 FTE, not on leave
    defined = {m.value: m.proto.help for m in at.markdown if m.proto.help}  # the tile's label, wrapping on a phone
    assert all(defined.get(f"**{escaped(m.label)}**") for m in at.metric), (
        "every headline figure carries its definition"
    )
    who = [p for p in at.get("popover") if p.proto.popover.label.startswith("Who")]  # in the tiles' order
    assert [p.proto.popover.label for p in who] == ["Who (5)", "Who (3)", "Who (1)", "Who (1)"]
    assert not any(p.markdown for p in who)  # made when opened
    at.session_state["overview_who_part_time_full_load"] = True  # as a click on "Who (1)" does
    at.run()
    who = dict(
        zip(
            ["overloaded", "sustained", "part-timers", "long-term absent"],
            (p for p in at.get("popover") if p.proto.popover.label.startswith("Who")),
            strict=True,
        )
    )
    part_timers = who["part-timers"].markdown  # the part-timer at full load, one click from the tile
    assert len(part_timers) == 1 and part_timers[0].value.startswith("- [P1019](workload?")
    assert part_timers[0].value.endswith(" · POLIT-B · 188 %")  # officer_load: 187.5 % on 0.6 FTE
    assert not who["overloaded"].markdown  # only the list opened is made
    at.session_state["overview_who_long_term_absent_holding_cases"] = True
    at.run()
    absentees = [p for p in at.get("popover") if p.proto.popover.label.startswith("Who")][-1].markdown
    assert absentees[0].value.startswith("- [P1020](workload?") and absentees[0].value.endswith(" · no capacity")
    table = next(m.value for m in at.markdown if m.value.startswith("| rank |"))  # a table of one-click links
    rows = [[cell.strip() for cell in line.strip("|").split(" | ")] for line in table.splitlines()[2:]]
    assert len(rows) == 43 and [int(r[0].split(",")[0]) for r in rows] == list(range(1, 44))
    stalled = [r for r in rows if r[2].startswith("inherited unprogressed")]
    assert [r[1].split("]")[0] for r in stalled] == ["[C000836", "[C000873"]
    assert [r[0] for r in stalled] == ["1, first", "2, first"]  # the first group, said in words
    for row in stalled:  # the case id opens the case, the officer id its holder, with the view kept
        case, officer = re.fullmatch(r"\[C\d+\]\((.+)\) held by \[P1019\]\((.+)\), POLIT-\u2060B", row[1]).groups()
        assert case.startswith("cases?") and "extract=unit-seed42-2026-10-31" in case
        assert case.endswith(f"case={row[1][1:8]}#case-timeline")
        assert officer.startswith("workload?") and officer.endswith("officer=P1019#one-officer")
    part_timer = next(r for r in rows if r[1].startswith("[P1019]"))
    assert part_timer[0] == "3, first"
    assert part_timer[2:] == ["part time full load; sustained overload; overloaded", "none"]
    caption = next(c.value for c in at.caption if "most urgent first" in c.value)
    assert "needing a decision on 31 Oct 2026," in caption and " on D," not in caption  # the day, not a letter
    reasons = next(e for e in at.expander if e.label == "Every reason in full")
    assert not reasons.markdown  # made when opened (tests/test_browser.py opens it): a force has thousands


def test_workload_page_numbers_equal_the_officer_load_query(monkeypatch, sample):
    at = run_app(monkeypatch, page="workload.py")
    shown = frame_with(at, "why_reduced")
    expected = run_query(sample, "officer_load")
    expected = dict(zip(expected["officer_id"], expected["load_pct"], strict=True))
    for label, load in zip(shown["label"], shown["load_pct"], strict=True):
        officer_id = label.split(" ")[0]
        if expected[officer_id] is None:
            assert math.isnan(load)  # "no capacity"
        else:
            assert load == pytest.approx(expected[officer_id])
    part_timer = shown[shown["label"].str.startswith("P1019")]
    assert part_timer["part_time_full_load"].to_list() == [True]
    assert "24 of 40 hours" in part_timer["why_reduced"].iloc[0]


def test_names_are_hidden_until_revealed(monkeypatch, sample):
    at = run_app(monkeypatch, page="workload.py")
    labels = frame_with(at, "why_reduced")["label"].to_list()
    assert all(label.startswith("P1") for label in labels)
    at.toggle(key="sidebar_names").set_value(True)
    at.run()
    names = dict(run_query(sample, "officer_names").iter_rows())
    revealed = frame_with(at, "why_reduced")["label"].to_list()
    assert any(names["P1019"] in label for label in revealed)


def test_officer_drill_down_from_the_link(monkeypatch):
    at = AppTest.from_file(str(ROOT / "dashboard.py"), default_timeout=APP_WAIT)
    at.query_params["officer"] = "P1019"
    at.run()
    at.switch_page("pages/workload.py")
    at.run()
    assert not at.exception
    assert at.selectbox(key="officer").value == "P1019"
    cases = frame_with(at, "forensic_pending")
    assert {"C000836", "C000873"} <= set(cases["case_id"])


def test_a_cold_start_page_request_goes_through_the_frame(monkeypatch):
    """A new server's first request for a page URL runs the page file directly; it must reach the frame."""
    monkeypatch.undo()  # a cold start: Streamlit still picks pages from the pages/ folder
    at = AppTest.from_file(str(ROOT / "dashboard.py"), default_timeout=APP_WAIT)
    at.run()
    at.switch_page("pages/workload.py")
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    assert [t.value for t in at.title] == ["Officer workload"]
    assert at.sidebar.selectbox(key="month").value == dt.date(2026, 10, 31)  # the frame ran


def test_case_page_filters_and_timeline(monkeypatch):
    at = run_app(monkeypatch, page="cases.py")
    unprogressed = frame_with(at, "last_progress_type")
    assert unprogressed["case_id"].to_list()[:2] == ["C000836", "C000873"]
    assert not any("days_since_review" in d.value.columns for d in at.dataframe)  # a closed tab's list: not made
    at.session_state["list"] = "Review overdue"  # as a click on the tab does
    at.run()
    overdue = frame_with(at, "days_since_review")
    assert overdue["days_since_review"].is_monotonic_decreasing and len(overdue) > 0
    assert not any("last_progress_type" in d.value.columns for d in at.dataframe)
    at.session_state["list"] = "Unprogressed"
    at.run()
    at.multiselect(key="teams").set_value(["POLIT-A"])
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    assert set(frame_with(at, "last_progress_type")["oic_team"]) == {"POLIT-A"}
    at.segmented_control(key="cases_group").set_value("officer in charge")
    at.run()
    charts = len(at.get("plotly_chart"))
    at.selectbox(key="case").set_value("C000532")
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    assert len(at.get("plotly_chart")) == charts + 1  # the case's timeline


def test_the_case_picker_offers_the_longest_unprogressed_and_takes_any_case_typed(monkeypatch, sample):
    at = run_app(monkeypatch, page="cases.py")
    picker = at.selectbox(key="case")
    stale = run_query(sample, "case_ageing")["case_id"].to_list()
    assert picker.options == stale  # a unit's open cases: every one, longest without progress first
    assert picker.proto.accept_new_options  # past 1,000 (a region holds 60,000) any other is typed
    assert picker.help.startswith(f"Lists the {len(stale)} open cases longest without progress")


def test_case_link_opens_its_timeline(monkeypatch):
    at = AppTest.from_file(str(ROOT / "dashboard.py"), default_timeout=APP_WAIT)
    at.run()
    at.switch_page("pages/cases.py")
    at.query_params["case"] = "C000836"
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    assert at.selectbox(key="case").value == "C000836"
    assert any("C000836" in str(chart.proto.spec) for chart in at.get("plotly_chart"))


def test_the_missed_clock_table_is_made_when_opened(monkeypatch, sample):
    at = run_app(monkeypatch, page="cases.py")
    box = next(e for e in at.expander if e.label.endswith("that missed their clock"))
    assert not any("clock_status" in d.value.columns for d in at.dataframe)  # closed: no table sent
    at.session_state["cases_missed_box"] = True  # as a click on it does
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    missed = frame_with(at, "clock_status")
    assert int(box.label.split()[0]) == len(missed) and set(missed["clock_status"]) == {"missed"}


def test_forensic_page_with_filters(monkeypatch, sample):
    at = run_app(monkeypatch, page="forensics.py")
    figures = {m.label: m.value for m in at.metric}
    assert figures["Items waiting"] == str(run_query(sample, "forensic_queue").height)
    assert figures["Oldest item"] == "640 days"
    at.pills(key="forensics_priorities").set_value(["urgent"])
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    urgent = run_query(sample, "forensic_backlog", priorities=["urgent"])
    assert {m.label: m.value for m in at.metric}["Items waiting"] == str(urgent.height)
    at.multiselect(key="teams").set_value(["POLIT-B"])
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    assert any("Team filter" in c.value for c in at.caption)


def test_the_forensic_queue_items_are_found_unsorted(monkeypatch, sample):
    """The page counts and draws the queue's items and never shows them in their order: they are found without
    the query's sort (half the query's time at region scale); every other query keeps its order."""
    from unitload import app
    from unitload.app import cache

    runs = []
    spy = lambda source, name, **k: runs.append((name, k.get("ordered", True))) or run_query(source, name, **k)  # noqa: E731
    monkeypatch.setattr(cache, "run_query", spy)
    app.clear_queries()
    at = run_app(monkeypatch, page="forensics.py")
    assert not at.exception, [e.value for e in at.exception]
    assert ("forensic_backlog", False) in runs
    assert all(ordered for name, ordered in runs if name != "forensic_backlog")


def test_the_forensic_tabs_make_only_the_open_one(monkeypatch, sample):
    """Each section of the Forensic backlog is a tab: the tiles are always there, and a tab's charts and tables
    (and their queries) only when it is open."""
    from unitload import app
    from unitload.app import cache

    at = run_app(monkeypatch, page="forensics.py")

    def shown() -> tuple[set[str], set[str]]:
        assert not at.exception, [e.value for e in at.exception]
        headers = {h.value for h in at.header}
        return headers, {c for d in at.dataframe for c in d.value.columns}

    tiles = {m.label: m.value for m in at.metric}
    assert {"Items waiting", "Net flow, 12 weeks", "Clears by (85 %)"} <= set(tiles)
    assert tiles["Items waiting"] == str(run_query(sample, "forensic_backlog").height)
    headers, columns = shown()
    assert headers == {"The queue by stage and age", "Ageing work in progress"} and "oldest_exhibit" in columns
    assert len(at.get("plotly_chart")) == 2
    expected = {
        "Flow": ({"Flow"}, set(), 2),
        "Turnaround and throughput": ({"Turnaround", "Throughput per examiner"}, {"p85", "examiner"}, 1),
        "When will it clear?": ({"When will it clear?"}, set(), None),
    }
    ran = []  # every item of the queue is read only where the queue's charts draw them
    monkeypatch.setattr(cache, "run_query", lambda source, name, **k: ran.append(name) or run_query(source, name, **k))
    for tab, (heads, cols, charts) in expected.items():
        app.clear_queries()
        at.session_state["forensics_section"] = tab  # as a click on the tab does
        at.run()
        headers, columns = shown()
        assert headers == heads and cols <= columns and "oldest_exhibit" not in columns, tab
        assert {m.label: m.value for m in at.metric} == tiles  # the tiles stay, found without every item
        assert "forensic_oldest" in ran and "forensic_backlog" not in ran, tab
        if charts is not None:
            assert len(at.get("plotly_chart")) == charts, tab
    runs = len(at.get("plotly_chart"))  # the fan, and the distribution when any run clears
    assert runs in (1, 2) and ("Weeks until the queue first clears" in str(at.get("plotly_chart")[-1].proto)) == (
        runs == 2
    )
    assert "net_flow" not in columns  # the weeks resampled: in a box, made when it is opened
    assert any(m.value.startswith(("**50 %** of runs clear by", "**50 %**: not within")) for m in at.markdown)
    at.session_state["forensics_history_box"] = True
    at.run()
    assert "net_flow" in shown()[1]


def linked_scenario(at: AppTest) -> dict:
    value = at.query_params["scenario"]
    return json.loads(value[0] if isinstance(value, list) else value)


def test_planner_builds_a_scenario_through_the_widgets(monkeypatch):
    at = run_app(monkeypatch, page="planner.py")
    assert at.selectbox(key="on").value == D(2026, 10, 31)  # the extract's day, as `unitload plan`
    at.selectbox(key="on").set_value(D(2026, 11, 30)).run()  # the changes below start on 1 November
    before = {m.label: m.value for m in at.metric}
    assert not any(m.key == "planner_move_cases" for m in at.multiselect)  # a region has 60,000 open cases
    assert not any(s.key == "planner_absence_officer" for s in at.selectbox)
    at.session_state["tab"] = "Absence or leaver"  # as a click on the tab does: only the open tab's form is made
    at.run()
    assert not any(s.key == "planner_hours_officer" for s in at.selectbox)
    at.selectbox(key="planner_absence_officer").set_value("P1017")
    at.button(key="FormSubmitter:planner_absence-Add").click()
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    away = {m.label: m.value for m in at.metric}
    assert (before["Holding cases with no capacity"], away["Holding cases with no capacity"]) == ("0", "1")
    scenario = linked_scenario(at)
    assert scenario["changes"] == [
        {
            "change": "absence",
            "officer_id": "P1017",
            "first_day": "2026-11-01",
            "last_day": None,
            "kind": "long_term_sickness",
            "capacity_reduction": 1.0,
        }
    ]  # the contract's JSON form, in the link
    at.session_state["tab"] = "Rebalance"
    at.run()
    at.toggle(key="planner_propose").set_value(True).run()  # a proposal: nothing changes until it is accepted
    assert {m.label: m.value for m in at.metric}["Holding cases with no capacity"] == "1"
    moves = frame_with(at, "why")
    assert "P1017" in set(moves["from"]) and len(moves) >= 1
    at.button(key="planner_accept").click().run()
    assert not at.exception, [e.value for e in at.exception]
    assert {m.label: m.value for m in at.metric}["Holding cases with no capacity"] == "0"
    changes = linked_scenario(at)["changes"]
    assert [c["change"] for c in changes] == ["absence"] + ["move_cases"] * len(moves)
    assert all(c["reason"] == "reallocation" and c["on"] == "2026-11-30" for c in changes[1:])
    at.button(key="planner_remove_0").click().run()
    assert [c["change"] for c in linked_scenario(at)["changes"]] == ["move_cases"] * len(moves)


def test_supervision_page_with_and_without_the_table(monkeypatch, tmp_path):
    at = run_app(monkeypatch, page="supervision.py")
    assert not at.exception, [e.value for e in at.exception]
    risk = frame_with(at, "days_since_supervision")
    assert risk["officer"].to_list()[:2] == ["P1020", "P1019"]  # no welfare contact, then unsupervised
    assert "long-term absent (long term sickness)" in risk["why"].iloc[0]
    without = tmp_path / "without"
    shutil.copytree(ROOT / "sample_data" / "unit", without)
    (without / "supervision.parquet").unlink()
    manifest = json.loads((without / "manifest.json").read_text())
    del manifest["tables"]["supervision"]
    (without / "manifest.json").write_text(json.dumps(manifest))
    at = run_app(monkeypatch, data=without, page="supervision.py")
    assert not at.exception, [e.value for e in at.exception]
    assert any("no supervision table" in i.value for i in at.info)
    at.switch_page("pages/overview.py")
    at.run()
    assert not at.exception and at.metric  # the rest of the dashboard is unaffected


def test_every_table_offers_csv_and_xlsx_made_on_demand(monkeypatch):
    at = run_app(monkeypatch, page="workload.py")
    buttons = at.get("download_button")
    names = [b.proto.label for b in buttons]
    assert names.count("CSV") == names.count("Excel (XLSX)") == 2  # capacity and roll-up tables
    assert all(b.proto.deferred_file_id for b in buttons)  # made only when the button is pressed


def newer_copy(root: Path, extract_id: str, extracted_at: str) -> Path:
    """The sample again under another id and date: a later monthly extract, for pinning tests."""
    folder = root / extract_id
    shutil.copytree(ROOT / "sample_data" / "unit", folder)
    manifest = json.loads((folder / "manifest.json").read_text())
    manifest.update(extract_id=extract_id, extracted_at=extracted_at)
    (folder / "manifest.json").write_text(json.dumps(manifest))
    return folder


def test_links_pin_the_extract_and_offer_the_newest(monkeypatch, tmp_path):
    shutil.copytree(ROOT / "sample_data" / "unit", tmp_path / "october")
    newer_copy(tmp_path, "unit-seed42-2026-11-20", "2026-11-20T06:00:00")
    at = run_app(monkeypatch, data=tmp_path)
    assert not at.exception, [e.value for e in at.exception]
    assert any("unit-seed42-2026-11-20" in m.value for m in at.sidebar.markdown)
    assert at.query_params["extract"] in ("unit-seed42-2026-11-20", ["unit-seed42-2026-11-20"])
    assert not any("pinned" in w.value for w in at.warning)
    assert at.selectbox(key="month").value == dt.date(2026, 11, 20)

    pinned = AppTest.from_file(str(ROOT / "dashboard.py"), default_timeout=APP_WAIT)
    pinned.query_params["extract"] = "unit-seed42-2026-10-31"
    pinned.run()
    assert not pinned.exception, [e.value for e in pinned.exception]
    assert any("unit-seed42-2026-10-31" in m.value for m in pinned.sidebar.markdown)
    assert pinned.selectbox(key="month").value == dt.date(2026, 10, 31)
    banner = next(w.value for w in pinned.warning if "pinned" in w.value)
    assert "extract=unit-seed42-2026-11-20" in banner
    assert {m.label: m.value for m in pinned.metric}["Open cases"] == "200"  # October's figure, as linked

    unknown = AppTest.from_file(str(ROOT / "dashboard.py"), default_timeout=APP_WAIT)
    unknown.query_params["extract"] = "no-such-extract"
    unknown.run()
    assert any("not kept here" in w.value for w in unknown.warning)
    assert any("unit-seed42-2026-11-20" in m.value for m in unknown.sidebar.markdown)


@pytest.mark.parametrize(
    ("page", "param", "value", "what"),
    [
        ("workload.py", "officer", "P9999", "officer"),
        ("cases.py", "cases_group", "nonsense", "grouping"),
        ("forensics.py", "forensics_priorities", "extreme", "priority"),
        ("overview.py", "month", "May 1999", "month"),
        ("overview.py", "teams", "POLIT-Z", "team"),
    ],
)
def test_unknown_link_values_fall_back_with_a_notice(monkeypatch, page, param, value, what):
    at = AppTest.from_file(str(ROOT / "dashboard.py"), default_timeout=APP_WAIT)
    at.run()
    at.switch_page(f"pages/{page}")
    at.query_params[param] = value
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    assert any(f"link's {what} {escaped(value)} is not in this extract" in w.value for w in at.warning)


def test_a_prefetched_query_runs_once_and_the_page_reads_its_result(monkeypatch, sample):
    from queries import QueryError
    from unitload import app
    from unitload.app import cache

    ran = []

    def counted(source, name, **params):
        ran.append(name)
        return run_query(source, name, **params)

    monkeypatch.setattr(cache, "run_query", counted)
    app.clear_queries()
    app.prefetch(sample, ("teams", {}), ("case_ageing", {"teams": ["POLIT-B"]}))
    teams = app.query(sample, "teams")
    load = app.query(sample, "case_ageing", teams=["POLIT-B"])
    assert sorted(ran) == ["case_ageing", "teams"]  # each ran once, in the workers
    assert teams.equals(run_query(sample, "teams"))
    assert load.equals(run_query(sample, "case_ageing", teams=["POLIT-B"])) and load.height > 0
    app.prefetch(sample, ("teams", {}))  # computed and cached: not started again
    app.query(sample, "teams")
    assert sorted(ran) == ["case_ageing", "teams"]
    assert not cache.started()
    app.prefetch(sample, ("teams", {"weeks": 3}))  # a query's error reaches the page that reads it
    with pytest.raises(QueryError, match="takes no parameter"):
        app.query(sample, "teams", weeks=3)
    assert not cache.started()


def test_a_query_reads_the_rows_a_query_it_uses_found_before_with_the_same_filters(monkeypatch, sample):
    from unitload import app
    from unitload.app import cache

    ran = []

    def counted(source, name, reusing=None, **params):
        ran.append((name, sorted(reusing or {})))
        return run_query(source, name, reusing=reusing, **params)

    monkeypatch.setattr(cache, "run_query", counted)
    scope = {"teams": ["POLIT-B"]}
    expected = run_query(sample, "forensic_oldest", **scope)
    app.clear_queries()
    app.prefetch(sample, ("forensic_backlog", scope), ("forensic_oldest", scope))  # started together
    assert app.query(sample, "forensic_oldest", **scope).equals(expected) and expected.height > 0
    assert sorted(ran) == [("forensic_backlog", []), ("forensic_oldest", ["forensic_backlog"])]  # waited, read
    app.clear_queries()
    ran.clear()
    app.query(sample, "forensic_backlog", **scope)  # found by the page, then the oldest items of the same filters
    assert app.query(sample, "forensic_oldest", **scope).equals(expected)
    assert ran == [("forensic_backlog", []), ("forensic_oldest", ["forensic_backlog"])]
    app.query(sample, "forensic_oldest", teams=["POLIT-A"])  # other filters: the backlog's rows are not those
    assert ran[-1] == ("forensic_oldest", [])
    app.clear_queries()
    ran.clear()
    app.prefetch(sample, ("forensic_backlog", scope))  # started ahead, then the oldest items read first
    assert app.query(sample, "forensic_oldest", **scope).equals(expected)
    assert ran == [("forensic_backlog", []), ("forensic_oldest", ["forensic_backlog"])]
    app.query(sample, "forensic_backlog", **scope)  # the started rows, still for the page: not computed again
    assert len(ran) == 2 and not cache.started()
    app.clear_queries()


def test_opening_an_extract_freezes_the_heap_and_frees_what_the_last_freeze_held(tmp_path):
    """A full collection over a server's heap took 0.1 s in a page run: after an extract is opened,
    what is alive is frozen (skipped by the collector); the next open collects what had died since."""
    import gc
    import weakref

    from unitload.app import environment

    class Node:
        pass

    cycle = Node()
    cycle.self = cycle  # freed only by the cyclic collector
    alive = weakref.ref(cycle)
    shutil.copytree(ROOT / "sample_data" / "unit", tmp_path / "unit")
    manifest = tmp_path / "unit" / "manifest.json"
    try:
        environment.load(str(tmp_path / "unit"), manifest.stat().st_mtime, None, "", str(tmp_path))
        assert gc.get_freeze_count() > 0
        del cycle
        gc.collect()
        assert alive() is not None  # frozen: a collection leaves it alone
        environment.settle_heap()  # the next extract's open
        assert alive() is None
    finally:
        gc.unfreeze()


def test_a_large_unprepared_extract_is_served_while_its_snapshots_are_made(monkeypatch, tmp_path):
    """Past engine.background_snapshots_from cases (here every extract), the first page is drawn as soon as the
    extract is validated, with a progress bar, its figures computed from the tables; the snapshots, and the
    views of them of a scope made meanwhile, are used once ready, with the same figures."""
    from unitload.app import environment

    settings = tmp_path / "settings.toml"
    settings.write_text((ROOT / "tests" / "local.toml").read_text() + "\n[engine]\nbackground_snapshots_from = 0\n")
    monkeypatch.setenv("UNITLOAD_SETTINGS", str(settings))
    shutil.copytree(ROOT / "sample_data" / "unit", tmp_path / "unit")
    gate = __import__("threading").Event()
    build = environment.build_snapshots

    def held(source, months, progress=None):  # the build waits until the first page is drawn
        gate.wait(APP_WAIT)
        build(source, months, progress=progress)

    monkeypatch.setattr(environment, "build_snapshots", held)
    at = run_app(monkeypatch, tmp_path / "unit")
    assert not at.exception
    (bar,) = at.get("progress")
    assert "Preparing the month-end figures of this extract" in bar.proto.text
    served = environment.open_folder(tmp_path / "unit", tmp_path / "unit").source
    assert served.schema not in served.db.snapshots  # this run's figures were computed from the tables
    later = "The trend over 24 month ends is drawn when this extract's month-end figures are ready"
    assert any(later in i.value for i in at.info)  # not computed from the tables: it would hold the page up
    live = [m.value for m in at.metric]
    gate.set()
    environment.wait_for_snapshots(served)
    assert served.schema in served.db.snapshots
    assert all(found in served.db.snapshots for found in served.db.scopes.values())  # the scope's views too
    at.run()
    assert not at.get("progress") and not at.exception
    assert [m.value for m in at.metric] == live  # the same figures, read from the snapshots
    assert not any(later in i.value for i in at.info)


def test_when_the_snapshots_cannot_be_made_behind_the_pages_they_say_so_and_compute_from_the_tables(
    monkeypatch, tmp_path
):
    from unitload.app import environment

    settings = tmp_path / "settings.toml"
    settings.write_text((ROOT / "tests" / "local.toml").read_text() + "\n[engine]\nbackground_snapshots_from = 0\n")
    monkeypatch.setenv("UNITLOAD_SETTINGS", str(settings))
    shutil.copytree(ROOT / "sample_data" / "unit", tmp_path / "unit")

    def fails(source, months, progress=None):
        raise RuntimeError("no space left on the device")

    monkeypatch.setattr(environment, "build_snapshots", fails)
    at = run_app(monkeypatch, tmp_path / "unit")
    served = environment.open_folder(tmp_path / "unit", tmp_path / "unit").source
    environment.wait_for_snapshots(served)
    at.run()
    assert not at.exception and not at.get("progress")
    (warned,) = [w.value for w in at.warning if "Month-end figures could not be prepared" in w.value]
    assert "no space left on the device" in warned
    assert len(at.metric) >= 8 and served.schema not in served.db.snapshots  # figures, from the tables


def test_a_changed_settings_file_changes_the_figures_at_the_next_run(monkeypatch, tmp_path):
    """The settings file is read again when it changes, and the extract with it: the figures, the settings
    shown beside them and the month-end snapshots follow the new file at the next run, as a new server's
    would (they kept the settings the extract was opened with)."""
    from unitload.app import environment
    from unitload.extract.db import open_source
    from unitload.settings import load_settings

    settings = tmp_path / "settings.toml"
    settings.write_text((ROOT / "tests" / "local.toml").read_text())
    monkeypatch.setenv("UNITLOAD_SETTINGS", str(settings))
    at = run_app(monkeypatch)
    overloaded = next(m.value for m in at.metric if m.label == "Officers overloaded")
    first = environment.open_folder(SAMPLE, SAMPLE).source
    assert first.settings.capacity.overload_pct == 110
    settings.write_text(settings.read_text() + "\n[capacity]\noverload_pct = 60\n")
    os.utime(settings, (time.time() + 5, time.time() + 5))  # a later modification, however coarse the clock
    at.run()
    assert not at.exception
    served = environment.open_folder(SAMPLE, SAMPLE).source
    assert served.settings.capacity.overload_pct == 60 and served.schema != first.schema
    expected = run_query(open_source(SAMPLE, load_settings(settings)), "officer_load").filter("overloaded").height
    now = next(m.value for m in at.metric if m.label == "Officers overloaded")
    assert now != overloaded and now.startswith(f"{expected} of ")  # the figure as a new server draws it
    query = load_query("officer_load")
    assert "officer_load" in usable_snapshots(served, query, bind_params(served, query, {}))  # made again, for 60
    at.switch_page("pages/workload.py")
    at.run()
    assert any("above 60 %" in c.value for c in at.caption)
