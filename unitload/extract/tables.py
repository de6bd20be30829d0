"""Writing contract tables to Parquet with the contract's types (generator and tests share this)."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import polars as pl

from unitload.extract.folder import write_manifest
from unitload.extract.schema import BY_NAME, TABLES

POLARS_TYPES = {"str": pl.String, "date": pl.Date, "float": pl.Float64, "int": pl.Int32}


def polars_schema(table: str) -> dict[str, pl.DataType]:
    return {c.name: POLARS_TYPES[c.type] for c in BY_NAME[table].columns}


def frame(table: str, rows: list[dict] | None = None) -> pl.DataFrame:
    """A frame of one contract table with exactly its columns and types; missing keys are null."""
    schema = polars_schema(table)
    rows = rows or []
    return pl.DataFrame({name: [row.get(name) for row in rows] for name in schema}, schema=schema)


def write_extract(
    root: str | Path,
    tables: dict[str, pl.DataFrame | list[dict]],
    *,
    extract_id: str = "test",
    extracted_at: dt.datetime | None = None,
    source: str = "unitload tests",
) -> Path:
    """Write every required table (empty when not given) plus the given optional ones, and a manifest."""
    root = Path(root)
    root.mkdir(parents=True, exist_ok=True)
    for table in TABLES:
        if table.name not in tables and not table.required:
            continue
        data = tables.get(table.name, [])
        if not isinstance(data, pl.DataFrame):
            data = frame(table.name, data)
        data.write_parquet(root / f"{table.name}.parquet")
    write_manifest(root, extract_id, extracted_at or dt.datetime(2026, 10, 31, 6, 0), source)
    return root
