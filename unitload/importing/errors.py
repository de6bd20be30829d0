"""The errors of `unitload import`, each a message a person can act on (no Polars or DuckDB needed to raise one)."""

from __future__ import annotations


class MappingError(ValueError):
    """A mapping file that cannot be used; the message names the file, the place in it and why."""


class SourceError(ValueError):
    """An export that cannot be read; the message names the file and why."""


class ImportFailed(ValueError):
    """The exports did not convert: `lines` names each problem (file, row, column, value)."""

    def __init__(self, lines: list[str]):
        super().__init__(f"{len(lines)} problem(s); nothing was written")
        self.lines = lines


SHOWN_CHARACTERS = 80  # of a value quoted in a message: a cell can hold a megabyte


def cut(text: object, limit: int = SHOWN_CHARACTERS) -> str:
    """`text` as a message quotes it: at most `limit` characters, with how many more were left out."""
    text = str(text)
    return text if len(text) <= limit else f"{text[:limit]}… ({len(text) - limit:,} more characters)"
