"""A mapping file: how one source system's exports become contract tables (docs/import.md)."""

from __future__ import annotations

from pathlib import Path

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

from unitload.extract.schema import BY_NAME, TABLE_NAMES
from unitload.importing.errors import MappingError, did_you_mean
from unitload.tomlfile import load_model


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class History(_Strict):
    """Rows are changes (an "OIC history", a working-pattern log): each row's `end` is the next row's `start`
    for the same `key`, and the last row's stays open. A row whose `ended_by_blank` column is blank ends the
    row before it and adds no row of its own."""

    key: str
    start: str
    end: str
    ended_by_blank: str | None = None


class TableMapping(_Strict):
    files: list[str] | None = Field(default=None, min_length=1)  # globs matched against the exports' names
    query: str | None = Field(default=None, min_length=1, max_length=100_000)  # or a SELECT on the `database`
    sheet: str | None = None  # a workbook's sheet
    header_row: int = Field(default=1, ge=1)  # the row holding the column names
    delimiter: str | None = Field(default=None, min_length=1, max_length=1)  # default: tab for .tsv, else comma
    keep: str | None = None  # an expression: the rows it is true for are kept (a totals row, other entries)
    columns: dict[str, str]  # contract column -> expression over the export's columns
    history: History | None = None

    @field_validator("files", mode="before")
    @classmethod
    def _one_or_many(cls, value):
        return [value] if isinstance(value, str) else value

    @model_validator(mode="after")
    def _files_or_query(self) -> TableMapping:
        if (self.files is None) == (self.query is None):
            raise ValueError("give either files (exports) or query (a SELECT on the mapping's database)")
        if self.query is not None and (self.sheet or self.delimiter or self.header_row != 1):
            raise ValueError("sheet, delimiter and header_row are for files, not a query")
        return self


class Mapping(_Strict):
    system: str = Field(min_length=1)  # the source system's name, recorded in the manifest
    # the connection a table's `query` runs on, by name: its SQLAlchemy URL is UNITLOAD_DATABASE_<NAME> in the
    # environment or [importing.databases] in the settings, never the mapping (it would carry credentials)
    database: str | None = Field(default=None, pattern=r"^[A-Za-z][A-Za-z0-9_]{0,62}$")
    maps: dict[str, dict[str, str]] = {}  # value maps: source value -> contract value ("" = no value)
    tables: dict[str, TableMapping]

    @model_validator(mode="after")
    def _contract_names(self) -> Mapping:
        for name, table in self.tables.items():
            if table.query is not None and self.database is None:
                raise ValueError(f'tables.{name}.query: name the connection it runs on with database = "..."')
            if name not in BY_NAME:
                guess = did_you_mean(name, TABLE_NAMES)
                raise ValueError(f"tables.{name}: not a contract table{guess} (tables: {', '.join(TABLE_NAMES)})")
            known = [c.name for c in BY_NAME[name].columns]
            for column in table.columns:
                if column not in known:
                    guess = did_you_mean(column, known)
                    raise ValueError(
                        f"tables.{name}.columns.{column}: not a column of {name}{guess} ({', '.join(known)})"
                    )
            history = table.history
            for field in ("key", "start", "end", "ended_by_blank") if history else ():
                value = getattr(history, field)
                if value is not None and value not in known:
                    raise ValueError(f"tables.{name}.history.{field}: {value!r} is not a column of {name}")
            if history and history.end in table.columns:
                raise ValueError(f"tables.{name}.columns.{history.end}: made by history; map it or derive it, not both")
        return self


def load_mapping(path: Path) -> Mapping:
    """The mapping in `path`, or a MappingError naming the file, the key and what is wrong with it."""
    return load_model(path, Mapping, MappingError, "the mapping")
