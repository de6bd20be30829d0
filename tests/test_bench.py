"""The benchmark's pandas baseline gives the named queries' rows; the bench command runs end to end."""

import datetime as dt
import subprocess
import sys

import polars as pl
import pytest
from conftest import SAMPLE
from polars.testing import assert_frame_equal
from streamlit.runtime.scriptrunner import script_runner
from streamlit.testing.v1 import AppTest

from perf import bench
from perf.pandas_reference import IMPLEMENTATIONS
from queries import run_query


@pytest.mark.parametrize("name", sorted(IMPLEMENTATIONS))
@pytest.mark.parametrize("as_of", [dt.date(2026, 10, 31), dt.date(2026, 6, 30), dt.date(2024, 2, 29)])
def test_the_pandas_baseline_equals_the_named_query(sample, name, as_of):
    expected = IMPLEMENTATIONS[name](sample.extract, sample.settings, as_of)
    ours = run_query(sample, name, as_of=as_of).select(list(expected.columns))
    theirs = pl.from_pandas(expected).with_columns(pl.col(c).cast(ours.schema[c]) for c in expected.columns)
    assert len(ours) > 10
    assert_frame_equal(theirs, ours, abs_tol=1e-9)


def test_a_timed_page_runs_once_through_the_frame_as_a_server_runs_it(monkeypatch):
    """A server never runs a file of pages/ directly once the frame has called st.navigation (serve.py); AppTest
    does on every new session, and each timed run was the page's file, the frame, then the page again."""
    monkeypatch.undo()  # conftest's running_server, which does for the tests what the bench must do itself
    monkeypatch.setenv("UNITLOAD_DATA", str(SAMPLE))
    monkeypatch.setattr(bench, "_served", {})
    direct, ran = [], []
    run_file = script_runner._mpa_v1
    monkeypatch.setattr(script_runner, "_mpa_v1", lambda path: (direct.append(path), run_file(path))[1])
    run_app = AppTest.run
    monkeypatch.setattr(AppTest, "run", lambda self, **kwargs: (ran.append(self), run_app(self, **kwargs))[1])
    with pytest.raises(RuntimeError, match="time the Overview first"):
        bench.time_page("forensics", {})
    overview = ("overview", "Monthly workload review")
    for page, title in [overview, ("data_definitions", "Data & definitions"), ("forensics", "Forensic backlog")]:
        assert bench.time_page(page, {"month": "August 2026"} if page == "forensics" else {}) > 0
        assert ran[-1].title[0].value == title  # its URL as the frame's st.navigation registered it
    assert ran[-1].session_state["month"] == dt.date(2026, 8, 31)
    assert direct == []


@pytest.mark.slow
def test_the_bench_command_prints_its_figures():
    done = subprocess.run(
        [sys.executable, "-m", "unitload", "bench", "--data", str(SAMPLE), "--page", "supervision", "--repeat", "1"]
        + ["--page", "overview", "--page", "workload", "--page", "cases"]  # the pages that show decisions
        + ["--targets", "region", "--link-months", "1"],
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert done.returncode == 0, done.stderr[-2000:]
    out = done.stdout
    assert "cores, Python" in out and "supervision" in out and "24-month trend" in out
    assert "before the run: load average " in out and "after the run: load average " in out  # the machine's load
    assert "other processes used " in out and " cores over the run" in out  # and the other processes' share meanwhile
    assert "officer_load: pandas" in out and "equal rows" in out and "peak memory" in out
    assert "unitload --help: " in out and "unitload query officer_load (sample): " in out  # start, beside 0.5 s
    assert "promoted extract (unitload promote " in out and "opened by a new process: first page " in out
    assert " live " in out and " open " in out and " start " in out  # each figure beside its target's verdict
    assert "opened from a link (browser), median" in out and "first page after the server starts" in out
    # the sample beside itself, each page's ratio printed; issue 42 sets the link and live targets at force scale only
    assert out.count("link: no target at this scale") == 7 and "live: no target at this scale" in out
    assert " link ok" not in out and " link MISSED" not in out and " live ok" not in out
    assert "with 1,000 decisions recorded, median" in out and "query decision_status " in out
    assert out.count(" decisions ok") + out.count(" decisions MISSED") == 3  # each page beside the 20 ms
    assert "(targets for a region)" in out and "after every page once: " in out and "peak_mb " in out  # 4 GB
    # Streamlit's warnings for pages run outside a server would bury the figures, one per page run
    assert "missing ScriptRunContext" not in done.stderr and "No runtime found" not in done.stderr


def test_the_bench_refuses_targets_it_does_not_know():
    done = subprocess.run(
        [sys.executable, "-m", "unitload", "bench", "--data", str(SAMPLE), "--targets", "planet"],
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert done.returncode == 2 and "--targets must be one of force, region, not 'planet'" in done.stderr


def test_a_figure_without_a_target_at_this_scale_is_printed_without_a_verdict_and_misses_nothing():
    from perf.bench import TARGETS, Figures

    force, region = Figures(TARGETS["force"]), Figures(TARGETS["region"])
    assert force.check("link", 1.25) == "link MISSED" and not force.met
    assert region.check("link", 1.25) == "link: no target at this scale" and region.met
    assert region.check("live", 4.0, higher=True) == "live: no target at this scale" and region.met
    assert region.check("warm", 0.45) == "warm ok" and region.check("warm", 0.55) == "warm MISSED" and not region.met
