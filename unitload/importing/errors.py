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
