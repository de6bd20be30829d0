"""`unitload load` on the sample: one short browser session, its steps timed and the server's own
times read back from the audit trail (the concurrency figures themselves are not part of make test)."""

import os
import queue
import subprocess
import time
from pathlib import Path
from types import SimpleNamespace

import pytest
from browsing import WAIT
from conftest import SAMPLE, require

from perf.loadtest import autogroup, collect_results, demote_browser_groups, load
from perf.server import CHROMIUM, start_server

pytestmark = pytest.mark.browser

require(CHROMIUM, "chromium")


def test_a_short_run_reports_browser_and_server_times(capsys):
    figures = load(SAMPLE, sessions=1, minutes=0.1, think=0.5, wait=WAIT / 1000)  # a loaded CI: minutes a page
    assert figures["errors"] == 0, capsys.readouterr().out
    # six seconds of steps: a busy machine (CI runs two test workers, each with servers and browsers) may
    # finish only the first, which always runs to its end (seen once at 44 s with the machine loaded)
    assert figures["pages"] >= 1
    # every step the browser timed started a page run that the server recorded, and a run is never
    # longer on the server than the step that waited for it
    assert figures["server_runs"] >= figures["pages"]
    assert 0 < figures["server_p50"] <= figures["p50"]
    assert figures["server_peak_mb"] > 0
    assert "the server's own time per page run" in capsys.readouterr().out


@pytest.mark.skipif(autogroup(Path("/proc"), "self") is None, reason="no autogroup applies to this process")
def test_a_browser_in_a_session_of_its_own_gets_the_lowest_weighted_group():
    # Chromium starts in a new session, so a new autogroup: a child started the same way stands in
    child = subprocess.Popen(["sleep", "30"], start_new_session=True)
    try:
        group = Path(f"/proc/{child.pid}/autogroup")
        assert group.read_text().split()[0] != Path("/proc/self/autogroup").read_text().split()[0]
        assert group.read_text().split()[-1] == "0"
        assert demote_browser_groups() >= 1
        assert group.read_text().split()[-1] == "19"
        assert Path("/proc/self/autogroup").read_text().split()[-1] == "0"  # the caller's own group is left
    finally:
        child.kill()
        child.wait()


def _fake_proc(root: Path, processes: dict[int, tuple[int, str | None]]) -> Path:
    """A /proc with, for each pid, its parent and what its autogroup file says (None: no file)."""
    for pid, (parent, group) in processes.items():
        (root / str(pid)).mkdir(parents=True)
        (root / str(pid) / "stat").write_text(f"{pid} (chromium) S {parent} 1 1 0")
        if group is not None:
            (root / str(pid) / "autogroup").write_text(group)
    return root


def test_browsers_in_their_own_groups_are_demoted_and_the_callers_group_is_left(tmp_path):
    me = os.getpid()
    proc = _fake_proc(
        tmp_path,
        {
            me: (1, "/autogroup-7 nice 0\n"),
            9001: (me, "/autogroup-8 nice 0\n"),  # the browser, a session of its own
            9002: (9001, "/autogroup-8 nice 0\n"),  # its renderer, in the same group
            9003: (me, "/autogroup-7 nice 0\n"),  # a helper in the caller's group
            9004: (1, "/autogroup-9 nice 0\n"),  # not ours
        },
    )
    assert demote_browser_groups(proc) == 1
    assert (proc / "9001" / "autogroup").read_text() == "19"
    assert (proc / "9002" / "autogroup").read_text() == "/autogroup-8 nice 0\n"  # its group was set once
    assert (proc / "9003" / "autogroup").read_text() == "/autogroup-7 nice 0\n"
    assert (proc / "9004" / "autogroup").read_text() == "/autogroup-9 nice 0\n"
    assert (proc / str(me) / "autogroup").read_text() == "/autogroup-7 nice 0\n"


@pytest.mark.parametrize("own", ["", None], ids=["empty file: no autogroup of its own", "no file: no autogroups"])
def test_where_no_autogroup_applies_nothing_is_demoted(tmp_path, own):
    # CI's container shows an empty autogroup file, which the load run's sessions once failed on
    me = os.getpid()
    proc = _fake_proc(tmp_path, {me: (1, own), 9001: (me, "/autogroup-8 nice 0\n")})
    assert demote_browser_groups(proc) == 0
    assert (proc / "9001" / "autogroup").read_text() == "/autogroup-8 nice 0\n"  # left as it was


def test_a_session_that_crashed_counts_as_an_error_without_waiting_out_the_run():
    # a session process that died before reporting once left the run waiting ten minutes
    results = queue.Queue()
    results.put(([("link", "overview", 0.5)], []))
    workers = [SimpleNamespace(exitcode=0), SimpleNamespace(exitcode=1)]
    start = time.monotonic()
    collected = collect_results(results, workers, deadline=time.monotonic() + 600)
    assert time.monotonic() - start < 300  # returned: not waiting out the ten minutes, however busy the machine
    assert collected == [
        ([("link", "overview", 0.5)], []),
        ([], ["session 1 ended with exit code 1 before reporting"]),
    ]


def test_sessions_still_going_at_the_deadline_count_as_errors():
    results = queue.Queue()
    workers = [SimpleNamespace(exitcode=None), SimpleNamespace(exitcode=-9)]
    collected = collect_results(results, workers, deadline=time.monotonic())
    assert collected == [
        ([], ["session 1 ended with exit code -9 before reporting"]),
        ([], ["session 0 had not reported by the deadline"]),
    ]


def test_a_server_that_cannot_start_is_reported_at_once(tmp_path):
    # its port is taken: Streamlit exits, and the start says so rather than polling for two minutes
    import socket

    with socket.socket() as taken, (tmp_path / "log").open("wb") as log:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        start = time.monotonic()
        with pytest.raises(RuntimeError, match="ended with exit code"):
            start_server(SAMPLE, taken.getsockname()[1], output=log, timeout=600)
        assert time.monotonic() - start < 110  # said at once, not after the start's 120 s of polling
    assert "is not available" in (tmp_path / "log").read_text()
