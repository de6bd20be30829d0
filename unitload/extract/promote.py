"""Promoting a new monthly extract into a data root, so that a bad one never replaces a good one.

A data root holds every promoted extract and a pointer to the one served:

    DATA_ROOT/extracts/<extract_id>/   copies of promoted extracts, never changed once there
    DATA_ROOT/current                  symbolic link to extracts/<extract_id>, switched by rename

`promote`, holding the root's lock, copies the new extract's regular files (those its manifest lists,
no links, devices or strays) into a hidden folder, validates that copy in a child process with memory
and time limits, marks it validated, renames it into place, then replaces `current` with a new link
by `os.replace` (an atomic rename): a reader sees the old extract or the new one, never a mix. What is
validated is what is served. Killed at any step, the promoter leaves `current` at a complete extract;
run again, it completes the promotion (a validated copy already in place) or clears what was left.
"""

from __future__ import annotations

import ctypes
import fcntl
import os
import re
import resource
import shutil
import signal
import stat
import subprocess
import sys
import threading
import time
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from unitload.extract.files import NotRegular, open_below
from unitload.extract.folder import DERIVED, MANIFEST, Extract, ExtractError, inside, open_extract

CURRENT = "current"
EXTRACTS = "extracts"
LOCK = ".promote.lock"
VALIDATED = ".validated"  # written into a copy that passed validation, before it is renamed into place
_SAFE_ID = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]{0,99}$")


class PromoteError(ValueError):
    """A promotion that did not happen; the message is one line."""


class Rejected(PromoteError):
    """An extract that validation rejected; the report follows the message's first line."""


@dataclass(frozen=True)
class Promoted:
    extract_id: str
    folder: Path
    pruned: tuple[str, ...]
    report: str  # the validation report (warnings only, since it passed)
    resumed: bool = False  # an interrupted promotion of this extract was completed


def current_folder(root: Path) -> Path | None:
    """The extract a data root serves now, or None when nothing was promoted yet."""
    link = root / CURRENT
    try:
        target = os.readlink(link)
    except OSError:
        return None
    folder = (root / target).resolve()
    return folder if folder.is_dir() else None


def kept(root: Path) -> list[Path]:
    """Promoted extracts, oldest promotion first (hidden folders are copies in progress)."""
    folder = root / EXTRACTS
    if not folder.is_dir():
        return []
    found = [p for p in folder.iterdir() if p.is_dir() and not p.name.startswith(".")]
    return sorted(found, key=lambda p: (p.stat().st_mtime, p.name))


def promote(
    new: Path,
    root: Path,
    *,
    keep: int = 12,
    seconds: float = 600,
    memory_mb: int = 4096,
    settings: Path | None = None,
    allow_older: bool = False,
) -> Promoted:
    """Copy, validate and serve the new extract; raise PromoteError, leaving `current` as it was, if not."""
    new, root = Path(new).resolve(), Path(root)
    try:
        return _promote(new, root, keep, seconds, memory_mb, settings, allow_older)
    except OSError as exc:  # a full disk, a permission: one line, and the copy is cleared by the finally below
        raise PromoteError(f"{exc.filename or root}: {exc.strerror or exc}; {CURRENT} is unchanged") from None


def _promote(new, root, keep, seconds, memory_mb, settings, allow_older) -> Promoted:
    extract = _readable(new)
    _check_root(root)
    with locked(root):
        clear_leftovers(root)  # of promoters killed before: their copies and links
        target = root / EXTRACTS / extract.extract_id
        if target.exists():
            if not (target / VALIDATED).exists():
                raise PromoteError(f"extract {extract.extract_id} is already in {target}, not by a promotion")
            if current_folder(root) == target.resolve():
                raise PromoteError(f"extract {extract.extract_id} was already promoted; an extract is never replaced")
            _not_older(root, extract, allow_older)
            switch(root, target)  # a promotion killed between its rename and its switch: completed now
            return Promoted(extract.extract_id, target, tuple(prune(root, keep)), "", resumed=True)
        _not_older(root, extract, allow_older)
        incoming = root / EXTRACTS / f".incoming-{extract.extract_id}-{os.getpid()}"
        try:
            copy_extract(extract, incoming)
            passed, report = check(incoming, settings, seconds, memory_mb)
            if not passed:
                raise Rejected(f"{new}: rejected by validation; {CURRENT} is unchanged.\n{report}")
            (incoming / VALIDATED).write_text(report + "\n", encoding="utf-8")
            os.rename(incoming, target)
        finally:
            shutil.rmtree(incoming, ignore_errors=True)  # a rejected or failed copy is never left behind
        os.utime(target)  # the folder's time is its promotion's: retention prunes by it
        switch(root, target)
        return Promoted(extract.extract_id, target, tuple(prune(root, keep)), report)


def _readable(new: Path) -> Extract:
    try:
        extract = open_extract(new)
    except ExtractError as exc:
        raise PromoteError(str(exc)) from None
    if extract.manifest_problems:
        raise PromoteError(f"{new}/{MANIFEST}: " + "; ".join(extract.manifest_problems))
    if not _SAFE_ID.match(extract.extract_id):
        raise PromoteError(f"{new}/{MANIFEST}: extract_id {extract.extract_id!r} cannot name a folder")
    return extract


def _check_root(root: Path) -> None:
    """The root and its extracts/ are real folders: through a link, the served files would lie outside
    the folder the database may read, and every page would fail."""
    for path in (root, root / EXTRACTS):
        if path.is_symlink():
            raise PromoteError(f"{path} is a symbolic link; give the real folder as the data root")
    root.mkdir(parents=True, exist_ok=True)
    (root / EXTRACTS).mkdir(exist_ok=True)


def _not_older(root: Path, extract: Extract, allow_older: bool) -> None:
    current = current_folder(root)
    if current is None or allow_older:
        return
    served = open_extract(current)
    if served.extracted_at and extract.extracted_at and extract.extracted_at < served.extracted_at:
        raise PromoteError(
            f"extract {extract.extract_id} was taken {extract.extracted_at:%Y-%m-%d %H:%M}, before the served "
            f"{served.extract_id} ({served.extracted_at:%Y-%m-%d %H:%M}); --allow-older promotes it anyway"
        )


@contextmanager
def locked(root: Path):
    """The root's exclusive lock: one promotion at a time, whoever runs it (released if the process dies)."""
    root.mkdir(parents=True, exist_ok=True)
    with (root / LOCK).open("a") as handle:
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            raise PromoteError(f"another promotion into {root} is running; try again when it has finished") from None
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


def copy_extract(extract: Extract, into: Path) -> None:
    """Copy the manifest and every file the manifest lists, each a regular file inside the extract.

    A symbolic link, a device or another non-regular file, and a file the manifest does not list, are
    refused: the copy holds exactly what the manifest describes and what validation will check.
    """
    listed = {MANIFEST}
    for entry in extract.tables.values():
        listed.update(entry.files)
    for path in sorted(extract.root.rglob("*")):
        name = path.relative_to(extract.root).as_posix()
        mode = path.lstat().st_mode
        if stat.S_ISDIR(mode) or name == VALIDATED or name.startswith(DERIVED + "/"):
            continue  # derived files are made again from the copy, never copied
        if stat.S_ISLNK(mode) or not stat.S_ISREG(mode):
            raise PromoteError(f"{path}: not a regular file (a link, a device or a pipe); nothing is promoted")
        if name not in listed:
            raise PromoteError(f"{path}: not listed in {MANIFEST}; nothing is promoted")
    into.mkdir(parents=True)
    pause = float(os.environ.get("UNITLOAD_PROMOTE_PAUSE", "0"))  # tests: a window to kill the promoter in
    for name in sorted(listed):
        source = inside(extract.root, name)
        if source is None:
            raise PromoteError(f"{MANIFEST} lists {name!r}, which leads outside the extract; nothing is promoted")
        if not source.is_file():
            raise PromoteError(f"{source}: listed in {MANIFEST} but missing; nothing is promoted")
        (into / name).parent.mkdir(parents=True, exist_ok=True)
        if pause:
            time.sleep(pause)
        try:  # opened part by part with no link followed: what was checked above may have been swapped since
            src = open_below(extract.root, name)
        except NotRegular as exc:
            raise PromoteError(f"{exc}; nothing is promoted") from None
        with src, (into / name).open("xb") as dst:
            shutil.copyfileobj(src, dst, 1 << 20)


def _child_limits(memory_bytes: int):
    def apply() -> None:
        resource.setrlimit(resource.RLIMIT_AS, (memory_bytes, memory_bytes))
        ctypes.CDLL(None, use_errno=True).prctl(1, signal.SIGKILL)  # PR_SET_PDEATHSIG: die with the promoter

    return apply


def check(new: Path, settings: Path | None, seconds: float, memory_mb: int) -> tuple[bool, str]:
    """Run `unitload validate` on the extract in a child process group; (passed, report).

    The child is killed with its group at the time limit, and dies with the promoter if that is killed.
    """
    command = [sys.executable, "-m", "unitload", "validate", str(new), "--derive"]
    if settings:
        command += ["--settings", str(settings)]
    child = subprocess.Popen(
        command,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        start_new_session=True,
        preexec_fn=_child_limits(memory_mb * 1024 * 1024),
        env=os.environ | {"TQDM_DISABLE": "1"},
    )
    try:
        report, _ = child.communicate(timeout=seconds)
    except subprocess.TimeoutExpired:
        return False, f"validation did not finish within {seconds:g} s"
    finally:
        if child.poll() is None:
            os.killpg(child.pid, signal.SIGKILL)
            child.wait()
    report = (report or "").strip()
    if child.returncode == 0:
        return True, report
    if child.returncode == 1:
        return False, report
    if child.returncode < 0 or "MemoryError" in report or "Out of Memory" in report:
        return False, f"validation stopped (memory limit {memory_mb} MB or a signal):\n{report[-2000:]}"
    return False, report


def install(new: Path, root: Path, extract_id: str, keep: int = 12) -> list[str]:
    """Copy an extract into the root unchecked, switch `current` to it, prune (tests and fixtures only)."""
    new, root = Path(new), Path(root)
    target = root / EXTRACTS / extract_id
    (root / EXTRACTS).mkdir(parents=True, exist_ok=True)
    incoming = root / EXTRACTS / f".incoming-{extract_id}-{os.getpid()}"
    shutil.rmtree(incoming, ignore_errors=True)
    extract = open_extract(new)
    copy_extract(extract, incoming)
    (incoming / VALIDATED).write_text("installed without validation\n", encoding="utf-8")
    os.rename(incoming, target)
    os.utime(target)
    switch(root, target)
    return prune(root, keep)


def switch(root: Path, target: Path) -> None:
    """Point `current` at `target` by renaming a new link over the old one (atomic on POSIX)."""
    link = root / f".{CURRENT}-{os.getpid()}-{threading.get_ident()}"
    if link.is_symlink() or link.exists():
        link.unlink()
    os.symlink(os.path.relpath(target, root), link)
    os.replace(link, root / CURRENT)


def clear_leftovers(root: Path) -> None:
    """Remove the half copies and new links of promoters that were killed (their process is gone)."""
    for leftover in [*(root / EXTRACTS).glob(".incoming-*"), *root.glob(f".{CURRENT}-*")]:
        pid = leftover.name.split("-")[-1 if leftover.name.startswith(".incoming-") else 1]
        if pid.isdigit() and not _alive(int(pid)):
            if leftover.is_symlink() or leftover.is_file():
                leftover.unlink(missing_ok=True)
            else:
                shutil.rmtree(leftover, ignore_errors=True)


def prune(root: Path, keep: int) -> list[str]:
    """Remove the oldest promoted extracts beyond `keep`, never the current one; and what killed promoters left."""
    clear_leftovers(root)
    current = current_folder(root)
    folders = kept(root)
    removed = []
    for folder in folders[: max(0, len(folders) - keep)]:
        if current is not None and folder.resolve() == current:
            continue
        shutil.rmtree(folder, ignore_errors=True)
        removed.append(folder.name)
    return removed


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)  # signal 0: only asks whether the process exists
    except ProcessLookupError:
        return False
    return True  # it exists (a PermissionError means it is someone else's)
