"""Promoting a new monthly extract into a data root, so that a bad one never replaces a good one.

A data root holds every promoted extract and a pointer to the one served:

    DATA_ROOT/extracts/<extract_id>/   copies of promoted extracts, never changed once there
    DATA_ROOT/current                  symbolic link to extracts/<extract_id>, switched by rename

`promote` validates the new extract in a child process with memory and time limits, copies it into
a hidden folder beside the others, renames that into place, then replaces `current` with a new link
by `os.replace` (an atomic rename): a reader sees the old extract or the new one, never a mix, and a
promoter killed at any point leaves `current` pointing at a complete extract.
"""

from __future__ import annotations

import os
import re
import resource
import shutil
import subprocess
import sys
import threading
import time
from dataclasses import dataclass
from pathlib import Path

from unitload.extract import open_extract

CURRENT = "current"
EXTRACTS = "extracts"
_SAFE_ID = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]{0,99}$")


class PromoteError(ValueError):
    """A promotion that did not happen; nothing in the data root was changed."""


@dataclass(frozen=True)
class Promoted:
    extract_id: str
    folder: Path
    pruned: tuple[str, ...]
    report: str  # the validation report (warnings only, since it passed)


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


def _limits(memory_bytes: int):
    def apply() -> None:
        resource.setrlimit(resource.RLIMIT_AS, (memory_bytes, memory_bytes))

    return apply


def check(new: Path, settings: Path | None, seconds: float, memory_mb: int) -> tuple[bool, str]:
    """Run `unitload validate` on the new extract in a child process; (passed, report)."""
    command = [sys.executable, "-m", "unitload", "validate", str(new)]
    if settings:
        command += ["--settings", str(settings)]
    try:
        done = subprocess.run(
            command,
            capture_output=True,
            text=True,
            timeout=seconds,
            preexec_fn=_limits(memory_mb * 1024 * 1024),
            env=os.environ | {"TQDM_DISABLE": "1"},
        )
    except subprocess.TimeoutExpired:
        return False, f"validation did not finish within {seconds:g} s"
    report = (done.stdout + done.stderr).strip()
    if done.returncode == 0:
        return True, report
    if done.returncode == 1:
        return False, report
    if done.returncode < 0 or "MemoryError" in report or "Out of Memory" in report:
        return False, f"validation stopped (memory limit {memory_mb} MB or a signal):\n{report[-2000:]}"
    return False, report


def promote(
    new: Path,
    root: Path,
    *,
    keep: int = 12,
    seconds: float = 600,
    memory_mb: int = 4096,
    settings: Path | None = None,
) -> Promoted:
    """Validate, copy and switch `current` to the new extract; raise PromoteError, changing nothing, if not."""
    new, root = Path(new).resolve(), Path(root).resolve()
    extract = open_extract(new)
    if extract.manifest_problems:
        raise PromoteError(f"{new}/manifest.json: " + "; ".join(extract.manifest_problems))
    extract_id = extract.extract_id
    if not _SAFE_ID.match(extract_id):
        raise PromoteError(f"{new}/manifest.json: extract_id {extract_id!r} cannot name a folder")
    target = root / EXTRACTS / extract_id
    if target.exists():
        raise PromoteError(f"extract {extract_id} was already promoted ({target}); an extract is never replaced")
    passed, report = check(new, settings, seconds, memory_mb)
    if not passed:
        raise PromoteError(f"{new}: rejected by validation; {CURRENT} is unchanged.\n{report}")
    return Promoted(extract_id, target, tuple(install(new, root, extract_id, keep)), report)


def install(new: Path, root: Path, extract_id: str, keep: int = 12) -> list[str]:
    """Copy a validated extract into the root, switch `current` to it, prune; returns the pruned ids."""
    new, root = Path(new), Path(root)
    target = root / EXTRACTS / extract_id
    (root / EXTRACTS).mkdir(parents=True, exist_ok=True)
    incoming = root / EXTRACTS / f".incoming-{extract_id}-{os.getpid()}"
    shutil.rmtree(incoming, ignore_errors=True)
    pause = float(os.environ.get("UNITLOAD_PROMOTE_PAUSE", "0"))  # tests: a window to kill the promoter in
    shutil.copytree(new, incoming, copy_function=_copier(pause))
    os.rename(incoming, target)
    os.utime(target)  # the folder's time is its promotion's: retention prunes by it
    switch(root, target)
    return prune(root, keep)


def _copier(pause: float):
    def copy(src: str, dst: str) -> str:
        if pause:
            time.sleep(pause)
        return shutil.copy2(src, dst)

    return copy


def switch(root: Path, target: Path) -> None:
    """Point `current` at `target` by renaming a new link over the old one (atomic on POSIX)."""
    link = root / f".{CURRENT}-{os.getpid()}-{threading.get_ident()}"
    if link.is_symlink() or link.exists():
        link.unlink()
    os.symlink(os.path.relpath(target, root), link)
    os.replace(link, root / CURRENT)


def prune(root: Path, keep: int) -> list[str]:
    """Remove the oldest promoted extracts beyond `keep`, never the current one; leftover copies too."""
    for leftover in (root / EXTRACTS).glob(".incoming-*"):
        pid = leftover.name.rsplit("-", 1)[-1]
        if pid.isdigit() and not _alive(int(pid)):
            shutil.rmtree(leftover, ignore_errors=True)
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
