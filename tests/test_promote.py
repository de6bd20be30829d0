"""unitload promote: a bad extract is rejected and changes nothing; readers never see a mix of two."""

import os
import shutil
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest
from conftest import SAMPLE, case, officer
from streamlit.testing.v1 import AppTest

from unitload.db import Database
from unitload.extract import open_extract
from unitload.promote import CURRENT, PromoteError, current_folder, install, kept, promote
from unitload.tables import write_extract

ROOT = Path(__file__).resolve().parent.parent


def variant(folder: Path, n: int) -> Path:
    """A tiny extract `v<n>` with n + 1 officers and n + 1 cases, so a result tells which extract it read."""
    people = [officer(f"O{i}") for i in range(n + 1)]
    cases = [case(f"C{i}") for i in range(n + 1)]
    return write_extract(folder / f"v{n}", {"officers": people, "cases": cases}, extract_id=f"v{n}")


def corrupt_copy(tmp_path: Path, extract_id: str) -> Path:
    bad = tmp_path / extract_id
    shutil.copytree(SAMPLE, bad)
    manifest = (bad / "manifest.json").read_text().replace("unit-seed42-2026-10-31", extract_id)
    (bad / "manifest.json").write_text(manifest)
    (bad / "cases.parquet").write_bytes(b"PAR1 this is not a parquet file")
    return bad


def test_a_good_extract_is_promoted_and_served(tmp_path):
    root = tmp_path / "root"
    done = promote(SAMPLE, root)
    assert done.extract_id == "unit-seed42-2026-10-31"
    assert os.readlink(root / CURRENT) == "extracts/unit-seed42-2026-10-31"
    assert current_folder(root) == (root / "extracts" / done.extract_id).resolve()
    assert open_extract(current_folder(root)).extract_id == done.extract_id
    with pytest.raises(PromoteError, match="already promoted"):
        promote(SAMPLE, root)


def test_a_corrupt_extract_is_rejected_and_nothing_changes(tmp_path):
    root = tmp_path / "root"
    promote(SAMPLE, root)
    before = sorted(p.name for p in (root / "extracts").iterdir())
    with pytest.raises(PromoteError, match=r"rejected by validation(.|\n)*cases.*readable_parquet"):
        promote(corrupt_copy(tmp_path, "unit-2026-11"), root)
    assert sorted(p.name for p in (root / "extracts").iterdir()) == before
    assert current_folder(root).name == "unit-seed42-2026-10-31"


def test_the_command_prints_the_report_of_a_rejected_extract(tmp_path):
    root = tmp_path / "root"
    bad = corrupt_copy(tmp_path, "unit-2026-11")
    done = subprocess.run(
        [sys.executable, "-m", "unitload", "promote", str(bad), "--root", str(root)], capture_output=True, text=True
    )
    assert done.returncode == 1
    assert "rejected by validation" in done.stderr and "cases.parquet" in done.stderr
    assert current_folder(root) is None and not (root / "extracts" / "unit-2026-11").exists()


def test_validation_runs_under_a_time_limit(tmp_path):
    with pytest.raises(PromoteError, match="did not finish within 0.01 s"):
        promote(SAMPLE, tmp_path / "root", seconds=0.01)


def test_retention_prunes_the_oldest_but_never_the_current(tmp_path):
    root = tmp_path / "root"
    for n in range(4):
        install(variant(tmp_path, n), root, f"v{n}", keep=2)
        time.sleep(0.01)
    assert [p.name for p in kept(root)] == ["v2", "v3"]
    assert current_folder(root).name == "v3"


def test_killing_the_promoter_mid_copy_leaves_current_valid(tmp_path):
    root = tmp_path / "root"
    install(variant(tmp_path, 0), root, "v0")
    command = [sys.executable, "-c", "import sys; from unitload.promote import install; install(*sys.argv[1:])"]
    process = subprocess.Popen(
        [*command, str(SAMPLE), str(root), "unit-seed42-2026-10-31"],
        env=os.environ | {"UNITLOAD_PROMOTE_PAUSE": "0.3"},
    )
    deadline = time.monotonic() + 30
    while not list((root / "extracts").glob(".incoming-*/*.parquet")) and time.monotonic() < deadline:
        time.sleep(0.02)
    assert process.poll() is None, "the promoter ended before it could be killed"
    process.send_signal(signal.SIGKILL)
    process.wait()
    assert list((root / "extracts").glob(".incoming-*")), "the kill came after the copy"
    assert current_folder(root).name == "v0"
    assert [p.name for p in kept(root)] == ["v0"]  # the half copy is hidden, never listed
    install(variant(tmp_path, 1), root, "v1")  # the next promotion clears what the killed one left
    assert not list((root / "extracts").glob(".incoming-*"))
    assert current_folder(root).name == "v1"


def test_readers_never_see_an_error_or_a_mix_of_two_extracts_during_50_promotions(tmp_path):
    root = tmp_path / "root"
    install(variant(tmp_path, 0), root, "v0")
    db = Database(root)
    bound = {}
    errors, reads, stop = [], [], threading.Event()

    def reader():
        while not stop.is_set():
            try:
                folder = current_folder(root)  # what the app does on each run
                source = bound.get(folder) or bound.setdefault(folder, db.bind(open_extract(folder), _settings()))
                cur = source.cursor()
                officers, cases = cur.sql(
                    "select (select count(*) from officers), (select count(*) from cases)"
                ).fetchall()[0]
                cur.close()
                n = int(source.extract.extract_id[1:])
                reads.append(n)
                if not officers == cases == n + 1:
                    errors.append(f"{source.extract.extract_id}: {officers} officers, {cases} cases")
            except Exception as exc:  # any error at all fails the test
                errors.append(repr(exc))

    threads = [threading.Thread(target=reader) for _ in range(4)]
    for thread in threads:
        thread.start()
    for n in range(1, 51):
        install(variant(tmp_path, n), root, f"v{n}")
        waited = time.monotonic() + 1.0  # on a busy machine, give the readers time to reach it (never forever)
        while n not in reads[-8:] and time.monotonic() < waited:
            time.sleep(0.005)
    time.sleep(0.1)
    stop.set()
    for thread in threads:
        thread.join()
    assert not errors, errors[:5]
    assert current_folder(root).name == "v50"
    assert len(set(reads)) > 10 and max(reads) == 50  # the readers followed the promotions


def _settings():
    from unitload.settings import Settings

    return Settings()


def test_the_running_app_serves_a_promotion_on_the_next_load(tmp_path, monkeypatch):
    root = tmp_path / "root"
    install(SAMPLE, root, "unit-seed42-2026-10-31")
    monkeypatch.setenv("UNITLOAD_DATA", str(root))
    first = AppTest.from_file(str(ROOT / "dashboard.py"), default_timeout=60)
    first.run()
    assert any("unit-seed42-2026-10-31" in m.value for m in first.sidebar.markdown)
    newer = tmp_path / "newer"
    shutil.copytree(SAMPLE, newer)
    text = (newer / "manifest.json").read_text().replace('"unit-seed42-2026-10-31"', '"unit-2026-11"')
    (newer / "manifest.json").write_text(text)
    install(newer, root, "unit-2026-11")
    fresh = AppTest.from_file(str(ROOT / "dashboard.py"), default_timeout=60)
    fresh.run()
    assert not fresh.exception
    assert any("unit-2026-11" in m.value for m in fresh.sidebar.markdown)
    first.run()  # the open session's link is pinned: same figures, and a banner offers the newest
    assert any("unit-seed42-2026-10-31" in m.value for m in first.sidebar.markdown)
    assert any("unit-2026-11" in w.value for w in first.warning)


def test_a_folder_whose_newest_extract_fails_keeps_serving_the_last_good_one(tmp_path, monkeypatch):
    folder = tmp_path / "monthly"
    shutil.copytree(SAMPLE, folder / "october")
    bad = corrupt_copy(tmp_path, "unit-2026-11")
    text = (bad / "manifest.json").read_text().replace("2026-10-31T", "2026-11-30T")
    (bad / "manifest.json").write_text(text)
    shutil.move(bad, folder / "november")
    monkeypatch.setenv("UNITLOAD_DATA", str(folder))
    at = AppTest.from_file(str(ROOT / "dashboard.py"), default_timeout=60)
    at.run()
    assert not at.exception
    assert any("unit-seed42-2026-10-31" in m.value for m in at.sidebar.markdown)
    assert any("unit-2026-11 failed validation" in e.value for e in at.error)
    assert at.title[0].value == "Monthly workload review"  # the Overview, from the last good extract
    assert at.query_params["extract"] == "unit-seed42-2026-10-31"  # a link passed on shows these figures
    at.run()  # the pinned run: the failure stays in view, not an offer of the "newer" extract
    assert any("unit-2026-11 failed validation" in e.value for e in at.error) and not at.warning
    at.query_params["extract"] = "unit-2026-11"  # asked for by name, the failed extract says why
    at.run()
    assert any("unit-2026-11" in m.value for m in at.sidebar.markdown)
    assert at.title[0].value == "Data & definitions"
