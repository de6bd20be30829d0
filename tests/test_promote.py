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
from conftest import APP_WAIT, SAMPLE, case, officer
from streamlit.testing.v1 import AppTest

from unitload.extract.db import Database
from unitload.extract.folder import open_extract
from unitload.extract.promote import CURRENT, PromoteError, current_folder, install, kept, promote
from unitload.extract.tables import write_extract

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
    command = [sys.executable, "-c", "import sys; from unitload.extract.promote import install; install(*sys.argv[1:])"]
    process = subprocess.Popen(
        [*command, str(SAMPLE), str(root), "unit-seed42-2026-10-31"],
        env=os.environ | {"UNITLOAD_PROMOTE_PAUSE": "0.3"},
    )
    deadline = time.monotonic() + 600  # a bound for a busy machine: the copy's first file, then the kill
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
    first = AppTest.from_file(str(ROOT / "dashboard.py"), default_timeout=APP_WAIT)
    first.run()
    assert any("unit-seed42-2026-10-31" in m.value for m in first.sidebar.markdown)
    newer = tmp_path / "newer"
    shutil.copytree(SAMPLE, newer)
    text = (newer / "manifest.json").read_text().replace('"unit-seed42-2026-10-31"', '"unit-2026-11"')
    (newer / "manifest.json").write_text(text)
    install(newer, root, "unit-2026-11")
    fresh = AppTest.from_file(str(ROOT / "dashboard.py"), default_timeout=APP_WAIT)
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
    at = AppTest.from_file(str(ROOT / "dashboard.py"), default_timeout=APP_WAIT)
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


def dated(tmp_path: Path, extract_id: str, extracted_at: str) -> Path:
    """A copy of the sample with another id and date (its figures unchanged)."""
    folder = tmp_path / extract_id
    shutil.copytree(SAMPLE, folder)
    text = (folder / "manifest.json").read_text().replace('"unit-seed42-2026-10-31"', f'"{extract_id}"')
    (folder / "manifest.json").write_text(text.replace("2026-10-31T06:00:00", extracted_at))
    return folder


@pytest.mark.parametrize(
    ("plant", "message"),
    [
        (lambda f: os.symlink("/etc/hostname", f / "cases" / "part-1.parquet"), "not a regular file"),
        (lambda f: os.symlink("/dev/zero", f / "zero.parquet"), "not a regular file"),
        (lambda f: os.mkfifo(f / "pipe"), "not a regular file"),
        (lambda f: (f / "notes.txt").write_text("not in the manifest"), "not listed in manifest.json"),
    ],
    ids=["link-in-a-table-folder", "link-to-a-device", "a-pipe", "a-stray-file"],
)
def test_only_the_regular_files_the_manifest_lists_are_promoted(tmp_path, plant, message):
    new = dated(tmp_path, "unit-2026-11", "2026-11-20T06:00:00")
    (new / "cases").mkdir()
    plant(new)
    root = tmp_path / "root"
    with pytest.raises(PromoteError, match=message):
        promote(new, root)
    assert current_folder(root) is None and not list((root / "extracts").iterdir())


def test_what_is_validated_is_the_copy_that_is_served(tmp_path, monkeypatch):
    """A file swapped after validation cannot reach the root: the copy is validated, then renamed in place."""
    import unitload.extract.promote as promoting

    validated = []
    real = promoting.check

    def spy(folder, *args):
        validated.append(folder)
        return real(folder, *args)

    monkeypatch.setattr(promoting, "check", spy)
    root = tmp_path / "root"
    done = promote(SAMPLE, root)
    assert validated[0].parent == (root / "extracts") and validated[0].name.startswith(".incoming-")
    assert (done.folder / ".validated").exists() and not list((root / "extracts").glob(".incoming-*"))


def test_an_older_extract_is_refused_unless_asked_for(tmp_path):
    root = tmp_path / "root"
    promote(dated(tmp_path, "unit-2026-11", "2026-11-20T06:00:00"), root)
    with pytest.raises(PromoteError, match="before the served unit-2026-11.*--allow-older"):
        promote(SAMPLE, root)
    assert current_folder(root).name == "unit-2026-11"
    assert promote(SAMPLE, root, allow_older=True).extract_id == "unit-seed42-2026-10-31"


def test_two_promotions_at_once_one_waits_for_none(tmp_path):
    from unitload.extract.promote import locked

    root = tmp_path / "root"
    with locked(root), pytest.raises(PromoteError, match="another promotion into .* is running"):
        promote(SAMPLE, root)  # while another promoter holds the root
    assert promote(SAMPLE, root).extract_id == "unit-seed42-2026-10-31"


def test_a_kill_between_the_rename_and_the_switch_is_completed_by_the_next_run(tmp_path, monkeypatch):
    import unitload.extract.promote as promoting

    root = tmp_path / "root"
    promote(SAMPLE, root)
    newer = dated(tmp_path, "unit-2026-11", "2026-11-20T06:00:00")

    def killed(*_):
        (root / ".current-999999-1").symlink_to("extracts/unit-2026-11")  # the link it was making
        raise SystemExit("killed")

    monkeypatch.setattr(promoting, "switch", killed)
    with pytest.raises(SystemExit):
        promote(newer, root)
    monkeypatch.undo()
    assert current_folder(root).name == "unit-seed42-2026-10-31"  # still the old one, complete
    assert (root / "extracts" / "unit-2026-11" / ".validated").exists()
    done = promote(newer, root)  # run again: completes, never "already promoted"
    assert done.resumed and current_folder(root).name == "unit-2026-11"
    assert not list(root.glob(".current-*"))  # the killed run's link is cleared


def test_a_full_disk_is_one_line_and_leaves_nothing_behind(tmp_path, monkeypatch):
    import errno

    import unitload.extract.promote as promoting

    def full(src, dst, length=0):
        raise OSError(errno.ENOSPC, "No space left on device", str(tmp_path / "root" / "extracts" / "x"))

    monkeypatch.setattr(promoting.shutil, "copyfileobj", full)
    root = tmp_path / "root"
    with pytest.raises(PromoteError) as caught:
        promote(SAMPLE, root)
    assert "No space left on device" in str(caught.value) and "\n" not in str(caught.value)
    assert not list((root / "extracts").iterdir())


def test_a_linked_extracts_folder_is_refused(tmp_path):
    root = tmp_path / "root"
    root.mkdir()
    (tmp_path / "elsewhere").mkdir()
    (root / "extracts").symlink_to(tmp_path / "elsewhere")
    with pytest.raises(PromoteError, match="is a symbolic link"):
        promote(SAMPLE, root)


def test_killing_the_promoter_mid_validation_kills_the_validator_and_the_next_run_succeeds(tmp_path):
    root = tmp_path / "root"
    script = "import sys; from unitload.extract.promote import promote; promote(sys.argv[1], sys.argv[2])"
    promoter = subprocess.Popen([sys.executable, "-c", script, str(SAMPLE), str(root)])
    deadline = time.monotonic() + 60
    validator = None
    while validator is None and time.monotonic() < deadline:
        found = subprocess.run(["pgrep", "-f", f"unitload validate {root}"], capture_output=True, text=True).stdout
        validator = int(found.split()[0]) if found.split() else None
        time.sleep(0.05)
    assert validator, "the validator never started"
    promoter.send_signal(signal.SIGKILL)
    promoter.wait()
    for _ in range(100):  # it dies with its parent
        if subprocess.run(["kill", "-0", str(validator)], capture_output=True).returncode != 0:
            break
        time.sleep(0.05)
    else:
        pytest.fail("the validator outlived the killed promoter")
    assert current_folder(root) is None
    done = promote(SAMPLE, root)
    assert done.extract_id == "unit-seed42-2026-10-31" and not list((root / "extracts").glob(".incoming-*"))


@pytest.mark.parametrize("swap", ["file", "folder"])
def test_a_file_swapped_for_a_link_after_the_check_is_not_copied(tmp_path, monkeypatch, swap):
    """The race the check-then-open left: between the listing's lstat and the copy, a listed file (or a folder
    on its way) becomes a link to a file outside. The copy opens each part with no link followed."""
    import unitload.extract.promote as promoting

    new = dated(tmp_path, "unit-2026-11", "2026-11-20T06:00:00")
    secret = tmp_path / "secret"
    (secret / "cases").mkdir(parents=True)
    (secret / "cases.parquet").write_text("root:$6$hash:19000:0:99999:7:::")
    (secret / "cases" / "cases.parquet").write_text("root:$6$hash:19000:0:99999:7:::")
    manifest = (new / "manifest.json").read_text()
    if swap == "folder":  # the table as a folder of files, so that a folder lies on the way to a listed file
        (new / "cases").mkdir()
        (new / "cases.parquet").rename(new / "cases" / "cases.parquet")
        (new / "manifest.json").write_text(manifest.replace('"cases.parquet"', '"cases/cases.parquet"'))
    swapped, checked = [], promoting.inside

    def checked_then_swapped(root, name):  # the last check of the file passes; then the swap
        found = checked(root, name)
        if name.startswith("cases") and not swapped:
            if swap == "file":
                (new / "cases.parquet").unlink()
                (new / "cases.parquet").symlink_to(secret / "cases.parquet")
            else:
                shutil.rmtree(new / "cases")
                (new / "cases").symlink_to(secret / "cases")
            swapped.append(swap)
        return found

    monkeypatch.setattr(promoting, "inside", checked_then_swapped)
    root = tmp_path / "root"
    with pytest.raises(PromoteError, match="symbolic link.*nothing is promoted"):
        promote(new, root)
    assert swapped and current_folder(root) is None
    assert not [p for p in (root / "extracts").rglob("*") if p.is_file()]


def test_pruning_the_extract_served_before_never_breaks_the_next_page_load(tmp_path, monkeypatch):
    """`promote --keep 2` while serving: the extract the server prepared two promotions ago is pruned; the
    next load, giving back that extract's memory, must not recreate views over its deleted files."""
    root = tmp_path / "root"
    monkeypatch.setenv("UNITLOAD_DATA", str(root))
    for n, extract_id in enumerate(["unit-2026-10", "unit-2026-11", "unit-2026-12"]):
        folder = dated(tmp_path, extract_id, f"2026-10-31T0{6 + n}:00:00")
        pruned = install(folder, root, extract_id, keep=2)
        at = AppTest.from_file(str(ROOT / "dashboard.py"), default_timeout=APP_WAIT)
        at.run()
        assert not at.exception, [e.value for e in at.exception]
        assert any(extract_id in m.value for m in at.sidebar.markdown)
        assert at.title[0].value == "Monthly workload review" and not at.error
    assert pruned == ["unit-2026-10"]
