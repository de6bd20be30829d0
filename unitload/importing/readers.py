"""Reading one export into a frame of text: its columns as the header names them, and each row's number.

A row's number is the one a person finds it by: in a CSV or TSV file, the spreadsheet row (the header is
row 1 unless `header_row` says otherwise, a record with a newline inside quotes is one row, blank lines count);
in a workbook, the sheet's own row; in Parquet, the record's position from 1. Every value is text here; the
mapping's expressions give it a type.

CSV and TSV are read with Python's csv module, not DuckDB's reader: DuckDB's drops blank lines and reports no
record position, so a row number from it could send a person to the wrong row. Workbooks are read with
openpyxl, since DuckDB's `excel` extension is downloaded on first use and this product runs offline.
Parquet is read with PyArrow from the opened file.

An export is a file from outside: it is opened only as a regular file of its own (never through a link),
and read within Excel's own limits (LIMITS below), which no genuine export passes. Rows become a frame a
block at a time, so a large file costs about twice its size in memory, not the many times that a Python
object per cell would.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import zipfile
from collections import Counter
from pathlib import Path

import polars as pl

from unitload.extract.files import NotRegular, open_regular
from unitload.importing.errors import MappingError, SourceError, cut

ROW, FILE, FILE_NO = "_row", "_file", "_file_no"
READABLE = (".csv", ".tsv", ".txt", ".xlsx", ".parquet")
MAX_COLUMNS = 16_384  # Excel's columns per sheet
MAX_ROWS = 1_048_576  # Excel's rows per sheet
MAX_CELL = 32_767  # Excel's characters per cell
MAX_FILE_BYTES = 4 << 30  # an export file (CSV, TSV, Parquet) of more than 4 GiB is refused
MAX_WORKBOOK_BYTES = 1 << 30  # a workbook's parts, uncompressed
LIMITS = {
    "columns": MAX_COLUMNS,
    "rows of a sheet": MAX_ROWS,
    "characters in a cell": MAX_CELL,
    "bytes of an export file": MAX_FILE_BYTES,
    "bytes of a workbook, uncompressed": MAX_WORKBOOK_BYTES,
}
BLOCK = 50_000  # rows turned into a frame at a time


def read(path: Path, *, sheet: str | None, header_row: int, delimiter: str | None, file_no: int) -> pl.DataFrame:
    """The export's rows as text columns, with `_row` (its number), `_file` (its name) and `_file_no`."""
    suffix = path.suffix.lower()
    if suffix not in READABLE:
        raise SourceError(f"{path.name}: cannot read a {suffix or 'nameless'} file (read: {', '.join(READABLE)})")
    try:
        handle = open_regular(path)
    except NotRegular as exc:
        raise SourceError(f"{path.name}: {str(exc).removeprefix(f'{path}: ')}") from None
    with handle:
        size = _size(handle)
        if suffix != ".xlsx" and size > MAX_FILE_BYTES:
            raise SourceError(f"{path.name}: {size:,} bytes, over the {MAX_FILE_BYTES:,} an export may have")
        if suffix == ".xlsx":
            frame = _workbook(path, handle, sheet, header_row)
        elif suffix == ".parquet":
            frame = _parquet(path, handle)
        else:
            frame = _delimited(path, handle, delimiter or ("\t" if suffix == ".tsv" else ","), header_row)
    label = f"{path.name} [{sheet}]" if suffix == ".xlsx" else path.name  # a workbook's rows: file and sheet
    return frame.with_columns(pl.lit(label).alias(FILE), pl.lit(file_no).alias(FILE_NO))


def _size(handle) -> int:
    handle.seek(0, io.SEEK_END)
    size = handle.tell()
    handle.seek(0)
    return size


def header_names(path: Path, header: list) -> list[str]:
    if len(header) > MAX_COLUMNS:
        raise SourceError(f"{path.name}: {len(header):,} columns in the header, over the {MAX_COLUMNS:,} a sheet has")
    names = [str(h).strip().lstrip("\ufeff") if h is not None else "" for h in header]
    while names and not names[-1]:
        names.pop()
    if not names:
        raise SourceError(f"{path.name}: no header row")
    if "" in names:
        raise SourceError(f"{path.name}: column {names.index('') + 1} of the header has no name")
    repeated = sorted(n for n, count in Counter(names).items() if count > 1)
    if repeated:
        shown = ", ".join(repr(cut(n)) for n in repeated[:5]) + (
            f" and {len(repeated) - 5:,} more" if len(repeated) > 5 else ""
        )
        raise SourceError(f"{path.name}: the header names {shown} more than once")
    return names


class _Rows:
    """Rows gathered into a frame of text columns a block at a time (a Python string per cell is costly)."""

    def __init__(self, path: Path, names: list[str], sheet: str | None = None) -> None:
        self.path, self.names, self.sheet = path, names, sheet
        self.numbers: list[int] = []
        self.cells: list[list[str | None]] = [[] for _ in names]
        self.frames: list[pl.DataFrame] = []

    def add(self, number: int, record: list) -> None:
        for i, column in enumerate(self.cells):
            value = record[i] if i < len(record) else None
            if value is not None and len(value) > MAX_CELL:
                where = f" [{self.sheet}]" if self.sheet else ""
                raise SourceError(
                    f'{self.path.name}{where}, row {number}, column "{cut(self.names[i])}": {len(value):,} characters, '
                    f"over the {MAX_CELL:,} a cell may hold"
                )
            column.append(value)
        self.numbers.append(number)
        if len(self.numbers) >= BLOCK:
            self._flush()

    def _flush(self) -> None:
        schema = {name: pl.String for name in self.names} | {ROW: pl.Int64}
        data = dict(zip(self.names, self.cells, strict=True)) | {ROW: self.numbers}
        self.frames.append(pl.DataFrame(data, schema=schema))
        self.numbers, self.cells = [], [[] for _ in self.names]

    def frame(self) -> pl.DataFrame:
        if self.numbers or not self.frames:
            self._flush()
        return pl.concat(self.frames, rechunk=True) if len(self.frames) > 1 else self.frames[0]


def _delimited(path: Path, handle, delimiter: str, header_row: int) -> pl.DataFrame:
    rows = None
    text = io.TextIOWrapper(handle, encoding="utf-8-sig", newline="")
    try:
        reader = csv.reader(text, delimiter=delimiter)
        for number, record in enumerate(reader, start=1):  # one spreadsheet row per record
            if number < header_row:
                continue
            if number == header_row:
                rows = _Rows(path, header_names(path, record))
            elif any(cell.strip() for cell in record):
                rows.add(number, record)
    except UnicodeDecodeError as exc:
        raise SourceError(f"{path.name}: not UTF-8 text (byte {exc.start}); save the export as UTF-8") from None
    except csv.Error as exc:  # its messages name a limit or a quote, never the file's content
        raise SourceError(f"{path.name}: {cut(str(exc))}") from None
    finally:
        text.detach()
    if rows is None:
        raise SourceError(f"{path.name}: has no row {header_row} to read the column names from")
    return rows.frame()


def _workbook(path: Path, handle, sheet: str | None, header_row: int) -> pl.DataFrame:
    from openpyxl import load_workbook

    _check_parts(path, handle)
    try:
        book = load_workbook(handle, read_only=True, data_only=True)
    except Exception as exc:  # openpyxl raises several kinds for a file that is not a workbook
        raise SourceError(f"{path.name}: not a readable .xlsx workbook ({cut(str(exc))})") from None
    try:
        if sheet is None:
            raise MappingError(f"{path.name}: a workbook needs `sheet` (its sheets: {_sheets(book)})")
        if sheet not in book.sheetnames:
            raise SourceError(f"{path.name}: no sheet {cut(sheet)!r} (its sheets: {_sheets(book)})")
        worksheet = book[sheet]
        worksheet.reset_dimensions()  # read to the last row there is, not to the one the sheet declares
        rows = None
        for number, record in enumerate(worksheet.iter_rows(values_only=True), start=1):
            if number > MAX_ROWS:
                raise SourceError(f"{path.name} [{sheet}]: more than the {MAX_ROWS:,} rows a sheet has")
            if number < header_row:
                continue
            if number == header_row:
                rows = _Rows(path, header_names(path, list(record)), sheet)
                continue
            cells = [_cell(v) for v in record]
            if any(c is not None and c.strip() for c in cells):
                rows.add(number, cells)
    finally:
        book.close()
    if rows is None:
        raise SourceError(f"{path.name} [{sheet}]: has no row {header_row} to read the column names from")
    return rows.frame()


def _sheets(book) -> str:
    return ", ".join(cut(name) for name in book.sheetnames[:20])


def _check_parts(path: Path, handle) -> None:
    """A workbook is a zip of XML parts: refuse one whose parts unpack to more than MAX_WORKBOOK_BYTES (a few
    kilobytes can declare gigabytes) before openpyxl reads its shared strings whole."""
    try:
        with zipfile.ZipFile(handle) as archive:
            unpacked = sum(info.file_size for info in archive.infolist())
    except (zipfile.BadZipFile, OSError, ValueError):
        raise SourceError(f"{path.name}: not a readable .xlsx workbook (not a zip archive)") from None
    finally:
        handle.seek(0)
    if unpacked > MAX_WORKBOOK_BYTES:
        raise SourceError(
            f"{path.name}: unpacks to {unpacked:,} bytes, over the {MAX_WORKBOOK_BYTES:,} a workbook may; "
            "export it as CSV"
        )


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


def _parquet(path: Path, handle) -> pl.DataFrame:
    import pyarrow as pa
    import pyarrow.parquet as pq

    try:
        table = pq.read_table(handle)
    except (pa.ArrowException, OSError) as exc:
        raise SourceError(f"{path.name}: not readable Parquet ({cut(str(exc).splitlines()[0])})") from None
    names = header_names(path, table.column_names)
    data = pl.from_arrow(table)
    if not isinstance(data, pl.DataFrame):
        data = data.to_frame()
    texts = data.select(as_text(data, name) for name in names)
    return texts.with_row_index(ROW, offset=1).select(*names, pl.col(ROW).cast(pl.Int64))


def as_text(data: pl.DataFrame, name: str) -> pl.Expr:
    """A typed column (Parquet's, a database's) as the text DuckDB's VARCHAR cast gives: dates ISO, booleans
    true/false."""
    kind = data.schema[name]
    if kind == pl.Boolean:
        return pl.when(pl.col(name)).then(pl.lit("true")).when(~pl.col(name)).then(pl.lit("false")).alias(name)
    if kind == pl.Datetime:
        return pl.col(name).dt.to_string("%Y-%m-%d %H:%M:%S").alias(name)
    return pl.col(name).cast(pl.String).alias(name)
