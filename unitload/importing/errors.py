"""The errors of `unitload import`, each a message a person can act on (no Polars or DuckDB needed to raise one)."""

from __future__ import annotations

import difflib


class MappingError(ValueError):
    """A mapping file that cannot be used; the message names the file, the place in it and why."""


class SourceError(ValueError):
    """An export that cannot be read; the message names the file and why."""


class ImportFailed(ValueError):
    """The exports did not convert: `lines` names each problem (file, row, column, value); `rows` counts the
    rows that fail (a row failing twice, or shown in a count of the rest, is one problem)."""

    def __init__(self, lines: list[str], rows: int | None = None):
        super().__init__(f"{len(lines) if rows is None else rows} problem(s); nothing was written")
        self.lines = lines


SHOWN_CHARACTERS = 80  # of a value quoted in a message: a cell can hold a megabyte


def cut(text: object, limit: int = SHOWN_CHARACTERS) -> str:
    """`text` as a message quotes it: at most `limit` characters, with how many more were left out."""
    text = str(text)
    return text if len(text) <= limit else f"{text[:limit]}… ({len(text) - limit:,} more characters)"


def did_you_mean(name: str, known) -> str:
    """ ": did you mean 'X'?" for the known name closest to `name` (the same letters in another case first),
    or nothing when none is close."""
    known = list(known)
    same = [k for k in known if k.lower() == name.lower()]
    close = same or difflib.get_close_matches(name, known, n=1, cutoff=0.6)
    return f": did you mean {close[0]!r}?" if close else ""
