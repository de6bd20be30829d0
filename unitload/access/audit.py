"""The audit trail: one JSON line per consultation or disclosure, appended to a file of the day (UTC),
the files of the last `keep_days` days kept: by time, not size, so one user's reloads can never push
another's records out.

Part 3 of the Data Protection Act 2018 asks that every consultation and disclosure of the data be
logged. A record holds codes only: the time, the user's subject id and role, the page, the filter
codes, the extract id and how many rows were shown. Never a name or a case reference.
"""

from __future__ import annotations

import datetime as dt
import json
import logging
import logging.handlers
import os
import threading
from pathlib import Path

from unitload.settings import Audit

EVENTS = ("view", "export", "pack", "link", "message", "decision")  # all but view and decision: disclosures
FIELDS = ("time", "event", "subject", "role", "page", "filters", "extract", "rows", "what", "seconds")

FREE_BYTES = 1 << 20  # a trail whose disk has less room than this is not written to: pages show no data
_loggers: dict[str, logging.Logger] = {}
_lock = threading.Lock()


class AuditError(OSError):
    """The trail cannot be written: the app draws no data until it can (it fails closed)."""


class _DailyFile(logging.handlers.TimedRotatingFileHandler):
    """A new file each UTC day; a write that fails raises instead of printing to stderr and going on.

    Before each record, the file on disk is checked to be the one open (as logging's WatchedFileHandler
    does): a trail deleted or moved while the app serves is opened again, so that no record goes to a
    file nobody can read any more.
    """

    def emit(self, record: logging.LogRecord) -> None:
        self._reopen_if_replaced()
        super().emit(record)

    def _reopen_if_replaced(self) -> None:
        if self.stream is None:
            return
        try:
            on_disk = os.stat(self.baseFilename)
        except FileNotFoundError:
            on_disk = None
        opened = os.fstat(self.stream.fileno())
        if on_disk is None or (on_disk.st_dev, on_disk.st_ino) != (opened.st_dev, opened.st_ino):
            self.stream.close()
            self.stream = None
            Path(self.baseFilename).parent.mkdir(parents=True, exist_ok=True)
            self.stream = self._open()

    def handleError(self, record: logging.LogRecord) -> None:  # noqa: N802  (logging's own name)
        raise AuditError(f"the audit trail {self.baseFilename} cannot be written")


def audit_path(settings: Audit, base: Path | None = None) -> Path:
    path = Path(settings.path)
    return path if path.is_absolute() else (base or Path.cwd()) / path


def _logger(path: Path, settings: Audit) -> logging.Logger:
    """One daily handler per file and process (the handler serialises writers of the process)."""
    with _lock:
        found = _loggers.get(str(path))
        if found is None:
            path.parent.mkdir(parents=True, exist_ok=True)
            handler = _DailyFile(path, when="midnight", backupCount=settings.keep_days, encoding="utf-8", utc=True)
            handler.setFormatter(logging.Formatter("%(message)s"))
            found = logging.getLogger(f"unitload.access.audit.{len(_loggers)}")
            found.propagate = False
            found.setLevel(logging.INFO)
            found.addHandler(handler)
            _loggers[str(path)] = found
        return found


def problem(settings: Audit, base: Path | None = None) -> str | None:
    """Why the trail could not be written now (its folder, its file, the room on its disk), or None."""
    path = audit_path(settings, base)
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        with path.open("a", encoding="utf-8"):
            pass
        room = os.statvfs(path.parent)
    except OSError as exc:
        return f"the audit trail cannot be opened ({exc.strerror or exc})"
    if room.f_bavail * room.f_frsize < FREE_BYTES:
        return "the disk of the audit trail is full"
    return None


def record(
    settings: Audit,
    event: str,
    *,
    subject: str,
    role: str,
    page: str = "",
    filters: dict[str, object] | None = None,
    extract: str = "",
    rows: int | None = None,
    what: str = "",
    seconds: float | None = None,
    base: Path | None = None,
) -> dict[str, object]:
    """Append one record and return it. `what` names the table or file kind, never its contents;
    `seconds` is how long the server took over a view (the page's run), for the record of service."""
    if event not in EVENTS:
        raise ValueError(f"unknown audit event {event!r}")
    entry = {
        "time": dt.datetime.now(dt.UTC).isoformat(timespec="milliseconds"),
        "event": event,
        "subject": subject,
        "role": role,
        "page": page,
        "filters": {k: v for k, v in (filters or {}).items() if v not in (None, [], "")},
        "extract": extract,
        "rows": rows,
        "what": what,
        "seconds": None if seconds is None else round(seconds, 3),
    }
    try:
        _logger(audit_path(settings, base), settings).info(json.dumps(entry, default=str, sort_keys=False))
    except OSError as exc:  # the folder cannot be made, or the handler's write failed (AuditError)
        raise AuditError(f"the audit trail cannot be written ({exc})") from None
    return entry


def files(path: Path) -> list[Path]:
    """The trail's files, oldest first: the days kept (`<name>.YYYY-MM-DD`), then today's."""
    return sorted(path.parent.glob(path.name + ".*")) + ([path] if path.exists() else [])


def read(path: Path) -> list[dict[str, object]]:
    """Every record of one audit file, oldest first."""
    if not path.exists():
        return []
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]
