"""How busy the machine was while a measure ran, and with what: this process and its descendants, or other work.

Read from /proc. A bench's browsers are not reaped by the bench itself (Chromium's processes by Playwright's
driver, and not always into its accounts), so what the bench and everything it started used is sampled from
the process tree while it runs, rather than read from `getrusage(RUSAGE_CHILDREN)` at the end.
"""

from __future__ import annotations

import os
import threading
import time
from pathlib import Path

PROC = Path("/proc")
TICK = os.sysconf("SC_CLK_TCK")


def _stat(pid: int | str, proc: Path = PROC) -> list[str]:
    """A process's /proc stat fields after its name: [0] state, [1] parent, [11] and [12] user and system
    ticks, [19] start time."""
    return (proc / str(pid) / "stat").read_text().rsplit(")", 1)[1].split()


def busy_seconds(pid: int | None = None) -> float:
    """CPU time used: by one process (user + system), or by the whole machine (every busy state)."""
    if pid is not None:
        fields = _stat(pid)
        return (int(fields[11]) + int(fields[12])) / TICK
    busy = (PROC / "stat").read_text().splitlines()[0].split()[1:]
    return sum(int(v) for i, v in enumerate(busy) if i not in (3, 4)) / TICK  # all but idle and iowait


def descendants(root: int, proc: Path = PROC) -> list[int]:
    """The processes below `root` now (children, theirs, and so on), parents before their children."""
    children: dict[int, list[int]] = {}
    for stat in proc.glob("[0-9]*/stat"):
        try:
            children.setdefault(int(_stat(stat.parent.name, proc)[1]), []).append(int(stat.parent.name))
        except (OSError, IndexError, ValueError):  # a process that ended meanwhile
            continue
    found, stack = [], [root]
    while stack:
        for child in children.get(stack.pop(), []):
            found.append(child)
            stack.append(child)
    return found


class OtherWork:
    """From when it is made until `share()`: the machine's busy time, less what this process and every process
    it started used. Those are sampled each `every` seconds, so what one of them used after its last sample (all
    of it, for one that lived less than that) counts as other work: the share is at most that much too high."""

    def __init__(self, every: float = 0.5):
        self.started = time.perf_counter()
        self.busy = busy_seconds()
        self.own = busy_seconds(os.getpid())
        self.theirs: dict[tuple[int, str], float] = {}  # (pid, start time) -> its CPU seconds when last seen
        self._stop = threading.Event()
        self._every = every
        self._thread = threading.Thread(target=self._sample, name="other-work", daemon=True)
        self._thread.start()

    def _sample(self) -> None:
        while not self._stop.wait(self._every):
            self.sample()

    def sample(self) -> None:
        for pid in descendants(os.getpid()):
            try:
                fields = _stat(pid)
            except OSError:  # ended meanwhile
                continue
            self.theirs[(pid, fields[19])] = (int(fields[11]) + int(fields[12])) / TICK

    def share(self) -> tuple[float, float]:
        """(the share of the cores other work used, seconds since the start)."""
        self.sample()
        self._stop.set()
        wall = time.perf_counter() - self.started
        ours = busy_seconds(os.getpid()) - self.own + sum(self.theirs.values())
        other = max(0.0, busy_seconds() - self.busy - ours)
        return other / (wall * (os.cpu_count() or 1)), wall
