"""Opening a file that must be a regular file of its own: never through a symbolic link, never a device or pipe.

Checking a path first (`lstat`) and opening it by name after leaves a window in which the file can be
swapped for a link; opening with O_NOFOLLOW and checking the open descriptor leaves none.
"""

from __future__ import annotations

import os
import stat
from pathlib import Path
from typing import BinaryIO


class NotRegular(OSError):
    """A path that is a symbolic link, a device, a pipe or a folder where a regular file was expected."""


def open_regular(path: Path) -> BinaryIO:
    """`path` opened for reading in binary, or NotRegular (the message names the file, never its content)."""
    path = Path(path)
    fd = os.open(path.parent, os.O_RDONLY | os.O_DIRECTORY | getattr(os, "O_CLOEXEC", 0))
    try:
        return _opened(path, path.name, fd)
    finally:
        os.close(fd)


def open_below(root: Path, name: str) -> BinaryIO:
    """The regular file `name` (a relative path) inside the folder `root`, opened one part at a time with
    O_NOFOLLOW: neither the file nor any folder on the way may be a link, even one swapped in a moment ago."""
    parts = Path(name).parts
    if not parts or Path(name).is_absolute() or ".." in parts:
        raise NotRegular(f"{root / name}: not a file inside {root}")
    folder_flags = os.O_RDONLY | os.O_DIRECTORY | os.O_NOFOLLOW | getattr(os, "O_CLOEXEC", 0)
    fd = os.open(root, folder_flags)
    try:
        for part in parts[:-1]:
            try:
                inner = os.open(part, folder_flags, dir_fd=fd)
            except OSError as exc:
                if exc.errno in (20, 40):  # ENOTDIR, ELOOP: a link or a file where a folder should be
                    raise NotRegular(f"{root / name}: a folder on its way is a symbolic link") from None
                raise
            os.close(fd)
            fd = inner
        return _opened(root / name, parts[-1], fd)
    finally:
        os.close(fd)


def _opened(path: Path, last: str, dir_fd: int) -> BinaryIO:
    flags = os.O_RDONLY | os.O_NOFOLLOW | os.O_NONBLOCK | getattr(os, "O_CLOEXEC", 0)
    try:
        fd = os.open(last, flags, dir_fd=dir_fd)
    except OSError as exc:
        if exc.errno in (40, 31):
            raise NotRegular(f"{path}: a symbolic link; give the file itself") from None
        raise
    mode = os.fstat(fd).st_mode
    if not stat.S_ISREG(mode):
        os.close(fd)
        raise NotRegular(f"{path}: not a regular file (a folder, a device or a pipe)")
    os.set_blocking(fd, True)
    return os.fdopen(fd, "rb")
