"""`unitload load` on the sample: one short browser session, its steps timed and the server's own
times read back from the audit trail (the concurrency figures themselves are not part of make test)."""

from pathlib import Path

import pytest
from conftest import SAMPLE

from unitload.loadtest import CHROMIUM, load

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
