"""`unitload load` on the sample: one short browser session, its steps timed and the server's own
times read back from the audit trail (the concurrency figures themselves are not part of make test)."""

import subprocess
from pathlib import Path

import pytest
from conftest import SAMPLE

from unitload.loadtest import CHROMIUM, _demote_browser_groups, load

pytestmark = pytest.mark.browser

if not Path(CHROMIUM).exists():
    raise RuntimeError(f"{CHROMIUM} is missing: .ci/run installs Debian's chromium before `make test`")


def test_a_short_run_reports_browser_and_server_times(capsys):
    figures = load(SAMPLE, sessions=1, minutes=0.4, think=0.5)
    assert figures["errors"] == 0, capsys.readouterr().out
    assert figures["pages"] >= 3
    # every step the browser timed started a page run that the server recorded, and a run is never
    # longer on the server than the step that waited for it
    assert figures["server_runs"] >= figures["pages"]
    assert 0 < figures["server_p50"] <= figures["p50"]
    assert figures["server_peak_mb"] > 0
    assert "the server's own time per page run" in capsys.readouterr().out


@pytest.mark.skipif(not Path("/proc/self/autogroup").exists(), reason="the kernel has no autogroups")
def test_a_browser_in_a_session_of_its_own_gets_the_lowest_weighted_group():
    # Chromium starts in a new session, so a new autogroup: a child started the same way stands in
    child = subprocess.Popen(["sleep", "30"], start_new_session=True)
    try:
        group = Path(f"/proc/{child.pid}/autogroup")
        assert group.read_text().split()[0] != Path("/proc/self/autogroup").read_text().split()[0]
        assert group.read_text().split()[-1] == "0"
        _demote_browser_groups()
        assert group.read_text().split()[-1] == "19"
        assert Path("/proc/self/autogroup").read_text().split()[-1] == "0"  # the caller's own group is left
    finally:
        child.kill()
        child.wait()
