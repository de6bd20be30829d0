"""Reading one export into a frame of text: its columns as the header names them, and each row's number.

A row's number is the one a person finds it by: in a CSV or TSV file, the spreadsheet row (the header is
row 1 unless `header_row` says otherwise, a record with a newline inside quotes is one row, blank lines count);
in a workbook, the sheet's own row; in Parquet, the record's position from 1. Every value is text here; the
mapping's expressions give it a type.

CSV and TSV are read with Python's csv module, not DuckDB's reader: DuckDB's drops blank lines and reports no
record position, so a row number from it could send a person to the wrong row. Workbooks are read with
openpyxl, since DuckDB's `excel` extension is downloaded on first use and this product runs offline.
Parquet is read with DuckDB.
"""

from __future__ import annotations

import csv
import datetime as dt
from pathlib import Path

import polars as pl

from unitload.importing.errors import MappingError, SourceError

ROW, FILE, FILE_NO = "_row", "_file", "_file_no"
READABLE = (".csv", ".tsv", ".txt", ".xlsx", ".parquet")


def read(path: Path, *, sheet: str | None, header_row: int, delimiter: str | None, file_no: int) -> pl.DataFrame:
    """The export's rows as text columns, with `_row` (its number), `_file` (its name) and `_file_no`."""
    suffix = path.suffix.lower()
    if suffix == ".xlsx":
        header, rows = _workbook(path, sheet, header_row)
    elif suffix == ".parquet":
        header, rows = _parquet(path)
    elif suffix in (".csv", ".tsv", ".txt"):
        header, rows = _delimited(path, delimiter or ("\t" if suffix == ".tsv" else ","), header_row)
    else:
        raise SourceError(f"{path.name}: cannot read a {suffix or 'nameless'} file (read: {', '.join(READABLE)})")
    names = _header(path, header)
    frame = pl.DataFrame(
        {name: [row[i] if i < len(row) else None for _, row in rows] for i, name in enumerate(names)}
        | {ROW: [n for n, _ in rows]},
        schema={name: pl.String for name in names} | {ROW: pl.Int64},
    )
    return frame.with_columns(pl.lit(path.name).alias(FILE), pl.lit(file_no).alias(FILE_NO))


def _header(path: Path, header: list) -> list[str]:
    names = [str(h).strip().lstrip("\ufeff") if h is not None else "" for h in header]
    while names and not names[-1]:
        names.pop()
    if not names:
        raise SourceError(f"{path.name}: no header row")
    if "" in names:
        raise SourceError(f"{path.name}: column {names.index('') + 1} of the header has no name")
    repeated = sorted({n for n in names if names.count(n) > 1})
    if repeated:
        raise SourceError(f"{path.name}: the header names {', '.join(map(repr, repeated))} more than once")
    return names


def _delimited(path: Path, delimiter: str, header_row: int) -> tuple[list, list]:
    rows, header = [], None
    try:
        with path.open(newline="", encoding="utf-8-sig") as handle:
            reader = csv.reader(handle, delimiter=delimiter)
            for number, record in enumerate(reader, start=1):  # one spreadsheet row per record
                if number < header_row:
                    continue
                if number == header_row:
                    header = record
                elif any(cell.strip() for cell in record):
                    rows.append((number, record))
    except UnicodeDecodeError as exc:
        raise SourceError(f"{path.name}: not UTF-8 text (byte {exc.start}); save the export as UTF-8") from None
    except csv.Error as exc:
        raise SourceError(f"{path.name}: {exc}") from None
    if header is None:
        raise SourceError(f"{path.name}: has no row {header_row} to read the column names from")
    return header, rows


def _workbook(path: Path, sheet: str | None, header_row: int) -> tuple[list, list]:
    from openpyxl import load_workbook

    try:
        book = load_workbook(path, read_only=True, data_only=True)
    except Exception as exc:  # openpyxl raises several kinds for a file that is not a workbook
        raise SourceError(f"{path.name}: not a readable .xlsx workbook ({exc})") from None
    try:
        if sheet is None:
            raise MappingError(f"{path.name}: a workbook needs `sheet` (its sheets: {', '.join(book.sheetnames)})")
        if sheet not in book.sheetnames:
            raise SourceError(f"{path.name}: no sheet {sheet!r} (its sheets: {', '.join(book.sheetnames)})")
        rows, header = [], None
        for number, record in enumerate(book[sheet].iter_rows(values_only=True), start=1):
            if number < header_row:
                continue
            cells = [_cell(v) for v in record]
            if number == header_row:
                header = list(record)
            elif any(c is not None and c.strip() for c in cells):
                rows.append((number, cells))
    finally:
        book.close()
    if header is None:
        raise SourceError(f"{path.name} [{sheet}]: has no row {header_row} to read the column names from")
    return header, rows


def _cell(value) -> str | None:
    """A workbook cell as text: a date cell as ISO, a whole number without ".0", a number as Python writes it."""
    if value is None:
        return None
    if isinstance(value, dt.datetime):
        return value.date().isoformat() if value.time() == dt.time() else value.isoformat(sep=" ")
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def _parquet(path: Path) -> tuple[list, list]:
    import duckdb

    con = duckdb.connect()
    try:
        relation = con.read_parquet(str(path))
        names = relation.columns
        texts = relation.select(*[duckdb.ColumnExpression(n).cast(duckdb.sqltype("VARCHAR")).alias(n) for n in names])
        data = pl.from_arrow(texts.arrow())
    except duckdb.Error as exc:
        raise SourceError(f"{path.name}: not readable Parquet ({str(exc).splitlines()[0]})") from None
    finally:
        con.close()
    return names, list(enumerate(data.rows(), start=1))
