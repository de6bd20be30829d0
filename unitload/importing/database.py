"""A mapping table read from a database (a force's data warehouse) instead of files: its `query` run on the
mapping's named connection, read-only and under a time limit, into Polars a batch at a time.

The connection's SQLAlchemy URL comes from the environment (UNITLOAD_DATABASE_<NAME>) or the settings
([importing.databases]), never from the mapping file, which is shared and committed. Polars' `read_database`
does the reading; every value becomes text as an export's would (a date as ISO), so the mapping's expressions,
checks and messages are those of files. A row is numbered by its place in the result, and named in messages
by its key columns (convert.place).
"""

from __future__ import annotations

import os
import re
from pathlib import Path

import polars as pl

from unitload.importing.errors import MappingError, SourceError, cut
from unitload.importing.readers import BLOCK, FILE, FILE_NO, ROW, as_text, header_names

ENVIRONMENT = "UNITLOAD_DATABASE_{}"


def connection_url(name: str, settings) -> str:
    """The URL of the connection `name`: the environment first, then the settings; a MappingError otherwise."""
    variable = ENVIRONMENT.format(name.upper())
    url = os.environ.get(variable) or settings.importing.databases.get(name, "")
    if not url:
        raise MappingError(
            f"database {name!r}: no connection; set {variable} to its SQLAlchemy URL "
            f"(or [importing.databases] {name} in the settings)"
        )
    return url


def read_query(url: str, query: str, *, label: str, timeout_seconds: float) -> pl.DataFrame:
    """The rows of `query` as text columns, with `_row` (the place in the result), `_file` (`label`)."""
    from sqlalchemy import create_engine, exc, text

    try:
        engine = create_engine(url)
    except (exc.ArgumentError, ValueError):  # its message quotes the URL, which may hold a password
        raise SourceError(f"{label}: the connection's URL is not an SQLAlchemy URL") from None
    except (exc.NoSuchModuleError, ImportError) as error:
        raise SourceError(f"{label}: this database's driver is not installed ({cut(_first_line(error))})") from None
    frames: list[pl.DataFrame] = []
    try:
        with engine.connect() as connection:
            _read_only(connection, timeout_seconds)
            batches = pl.read_database(
                text(query), connection, iter_batches=True, batch_size=BLOCK, infer_schema_length=None
            )
            frames.extend(batches)
            connection.rollback()  # nothing was meant to change; nothing does
    except exc.DBAPIError as error:
        raise SourceError(f"{label}: {_why(error, timeout_seconds)}") from None
    except exc.SQLAlchemyError as error:
        raise SourceError(f"{label}: the query failed ({cut(_first_line(error))})") from None
    finally:
        engine.dispose()
    data = pl.concat(frames, how="vertical_relaxed") if frames else pl.DataFrame()
    names = _header_of(label, data)
    texts = data.select(as_text(data, name) for name in names) if names else data
    rows = texts.with_row_index(ROW, offset=1).with_columns(pl.col(ROW).cast(pl.Int64))
    return rows.with_columns(pl.lit(label).alias(FILE), pl.lit(1).alias(FILE_NO))


def _header_of(label: str, data: pl.DataFrame) -> list[str]:
    if not data.columns:
        raise SourceError(f"{label}: the query gives no columns")
    return header_names(Path(label), data.columns)


def _read_only(connection, timeout_seconds: float) -> None:
    """This transaction reads only, and a statement stops after `timeout_seconds`, where the database can
    say so; elsewhere, the connection's own login should have read permission only (docs/import.md)."""
    from sqlalchemy import text

    dialect = connection.dialect.name
    milliseconds = str(max(1, int(timeout_seconds * 1000)))
    if dialect == "postgresql":
        connection.exec_driver_sql("SET TRANSACTION READ ONLY")
        connection.execute(text("select set_config('statement_timeout', :ms, true)"), {"ms": milliseconds})
    elif dialect == "sqlite":
        connection.exec_driver_sql("PRAGMA query_only = ON")
    elif dialect == "oracle":
        connection.exec_driver_sql("SET TRANSACTION READ ONLY")
    elif dialect == "mysql":
        connection.exec_driver_sql("SET SESSION TRANSACTION READ ONLY")
        connection.execute(text("SET SESSION max_execution_time = :ms"), {"ms": int(milliseconds)})


TIMED_OUT = re.compile(r"statement timeout|canceling statement|max_execution_time|timeout expired", re.IGNORECASE)
READ_ONLY = re.compile(r"read-only transaction|read only transaction|readonly|query_only", re.IGNORECASE)


def _why(error, timeout_seconds: float) -> str:
    message = _first_line(error.orig if getattr(error, "orig", None) is not None else error)
    if TIMED_OUT.search(message):
        return f"the query ran longer than the {timeout_seconds:g} s allowed ([importing] query_timeout_seconds)"
    if READ_ONLY.search(message):
        return f"the query tried to change the database, which an import only reads ({cut(message)})"
    return f"the query failed ({cut(message)})"


def _first_line(error: BaseException) -> str:
    text = str(error).strip()
    return text.splitlines()[0] if text else type(error).__name__
