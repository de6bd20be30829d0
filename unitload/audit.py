"""The audit trail: one JSON line per consultation or disclosure, appended, rotated by size.

Part 3 of the Data Protection Act 2018 asks that every consultation and disclosure of the data be
logged. A record holds codes only: the time, the user's subject id and role, the page, the filter
codes, the extract id and how many rows were shown. Never a name or a case reference.
"""

from __future__ import annotations

import datetime as dt
import json
import logging
import logging.handlers
import threading
from pathlib import Path

from unitload.settings import Audit

EVENTS = ("view", "export", "pack", "link")  # every one but view is a disclosure
FIELDS = ("time", "event", "subject", "role", "page", "filters", "extract", "rows", "what", "seconds")

_loggers: dict[str, logging.Logger] = {}
_lock = threading.Lock()


def audit_path(settings: Audit, base: Path | None = None) -> Path:
    path = Path(settings.path)
    return path if path.is_absolute() else (base or Path.cwd()) / path


def _logger(path: Path, settings: Audit) -> logging.Logger:
    """One rotating handler per file and process (the handler serialises writers of the process)."""
    with _lock:
        found = _loggers.get(str(path))
        if found is None:
            path.parent.mkdir(parents=True, exist_ok=True)
            handler = logging.handlers.RotatingFileHandler(
                path, mode="a", maxBytes=settings.max_bytes, backupCount=settings.backups, encoding="utf-8"
            )
            handler.setFormatter(logging.Formatter("%(message)s"))
            found = logging.getLogger(f"unitload.audit.{len(_loggers)}")
            found.propagate = False
            found.setLevel(logging.INFO)
            found.addHandler(handler)
            _loggers[str(path)] = found
        return found


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
    _logger(audit_path(settings, base), settings).info(json.dumps(entry, default=str, sort_keys=False))
    return entry


def read(path: Path) -> list[dict[str, object]]:
    """Every record of one audit file, oldest first."""
    if not path.exists():
        return []
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]
