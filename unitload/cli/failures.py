"""How a command stops: one line naming what went wrong, exit code 2, never a traceback."""

from __future__ import annotations

import errno
import os
import sys
from typing import NoReturn

from unitload.output import plain

MESSAGE_CHARACTERS = 1_000  # of one error line: a message quoting a hostile value stays readable


def stop(exc: Exception, *more_known: type[Exception]) -> NoReturn:
    """End the command after `exc`: one line on stderr, exit code 2 (UNITLOAD_DEBUG=1 re-raises an unexpected
    error, to show its traceback)."""
    known = _known_errors() + more_known
    if os.environ.get("UNITLOAD_DEBUG") and not isinstance(exc, known):
        raise exc
    sys.stderr.write(f"unitload: error: {one_line(said(exc, known))}\n")
    sys.exit(2)


def said(exc: Exception, known: tuple[type[Exception], ...]) -> str:
    """What went wrong, in the words a person acts on."""
    if isinstance(exc, known):
        return str(exc)
    duckdb = sys.modules.get("duckdb")
    if duckdb is not None and isinstance(exc, duckdb.Error):
        return f"the query failed: {str(exc).splitlines()[0] if str(exc) else type(exc).__name__}"
    if isinstance(exc, RecursionError):
        return "the input is nested too deeply to read"
    if isinstance(exc, OSError):
        where = f"{exc.filename}: " if exc.filename else ""
        if exc.errno == errno.ENOSPC:
            return f"{where}no space left on the device"
        return f"{where}{(exc.strerror or str(exc) or type(exc).__name__).lower()}"
    if isinstance(exc, MemoryError):
        return "out of memory"
    return f"unexpected {type(exc).__name__}: {exc} (UNITLOAD_DEBUG=1 shows where)"


def one_line(text: str) -> str:
    """One line of at most MESSAGE_CHARACTERS: control characters as spaces, the rest cut with a count."""
    line = plain.one_line(text)
    cut = len(line) - MESSAGE_CHARACTERS
    return line if cut <= 0 else f"{line[:MESSAGE_CHARACTERS]}… ({cut:,} more characters)"


def _known_errors() -> tuple[type[Exception], ...]:
    """The errors a command stops with in one line (their modules are loaded when a command raised them)."""
    from queries.catalogue import QueryError
    from unitload.decisions.checks import DecisionError
    from unitload.extract.folder import ExtractError
    from unitload.importing.errors import MappingError, SourceError
    from unitload.planning.scenario import ScenarioError
    from unitload.settings import SettingsError
    from unitload.store import StoreError

    return ExtractError, SettingsError, QueryError, ScenarioError, MappingError, SourceError, DecisionError, StoreError
