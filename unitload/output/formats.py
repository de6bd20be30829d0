"""Query output in the formats of DATA_CONTRACT.md section 4."""

from __future__ import annotations

import datetime as dt
import io
import json

import polars as pl

from unitload.output import plain
from unitload.output.plain import CONTROL

FORMATS = ("csv", "json", "table")

# A spreadsheet reads a cell starting with one of these as a formula (docs/security.md, "Exports").
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
_FORMULA_START = r"^[=+\-@\t\r]"


def to_csv(df: pl.DataFrame) -> str:
    """Header row, ISO dates, booleans `true`/`false`, empty for null, floats unrounded; a list of codes
    (attention_list's reasons) joined by `;`. A text cell a spreadsheet would run as a formula starts
    with a `'` (numbers, dates and booleans are never changed)."""
    return inert(_joined(df, ";")).write_csv(null_value="", date_format="%Y-%m-%d")


def inert(df: pl.DataFrame) -> pl.DataFrame:
    """Every text cell starting with `=`, `+`, `-`, `@`, TAB or CR prefixed with `'`, so that a spreadsheet
    opening the file shows it as text instead of running it (OWASP's rule for CSV injection); and every control
    character of a text cell a space (validation refuses them; this is the second line of defence)."""
    text = [c for c, t in df.schema.items() if t == pl.String]
    return df.with_columns(
        pl.when(pl.col(c).str.contains(_FORMULA_START))
        .then(pl.lit("'") + pl.col(c).str.replace_all(CONTROL + "+", " "))
        .otherwise(pl.col(c).str.replace_all(CONTROL + "+", " "))
        .alias(c)
        for c in text
    )


def _joined(df: pl.DataFrame, separator: str) -> pl.DataFrame:
    """List columns as text: their items joined by `separator`."""
    lists = [c for c, t in df.schema.items() if isinstance(t, pl.List)]
    return df.with_columns(pl.col(c).cast(pl.List(pl.String)).list.join(separator) for c in lists)


def _json_value(value: object) -> object:
    if isinstance(value, dt.date):
        return value.isoformat()
    raise TypeError(f"cannot write {type(value).__name__} as JSON")


def to_json(df: pl.DataFrame) -> str:
    """A list of objects, one per row; dates as ISO strings, null as null."""
    return json.dumps(df.to_dicts(), default=_json_value, indent=1) + "\n"


def to_table(df: pl.DataFrame) -> str:
    df = _joined(df, "; ")
    with pl.Config(tbl_rows=-1, tbl_cols=-1, tbl_width_chars=10_000, fmt_str_lengths=60, tbl_hide_dataframe_shape=True):
        return f"{df}\n{df.height} rows\n"


def render(df: pl.DataFrame, fmt: str) -> str:
    return {"csv": to_csv, "json": to_json, "table": to_table}[fmt](df)


def to_about(header: list[tuple[str, str]]) -> str:
    """What an export is, as plain text beside its CSV: one `name: value` line each (extract, as-of day,
    scope, export id, definitions used). A CSV holds its table alone: spreadsheets read comment lines as data."""
    return "".join(f"{name}: {plain.one_line(str(value))}\n" for name, value in header)


def to_xlsx(df: pl.DataFrame, header: list[tuple[str, str]]) -> bytes:
    """An Excel workbook: the table on sheet "data", what it is and the definitions on sheet "about"."""
    import xlsxwriter  # only here: `unitload query` starts without it (30 ms)

    buffer = io.BytesIO()
    # text is written as text: never turned into a formula, a link or a number (docs/security.md)
    options = {"remove_timezone": True, "strings_to_formulas": False, "strings_to_urls": False}
    with xlsxwriter.Workbook(buffer, options | {"strings_to_numbers": False}) as workbook:
        _joined(df, "; ").with_columns(pl.col(pl.String).str.replace_all(CONTROL + "+", " ")).write_excel(
            workbook, worksheet="data", autofit=True
        )
        about = pl.DataFrame({"item": [n for n, _ in header], "value": [v for _, v in header]})
        about.write_excel(workbook, worksheet="about", autofit=True)
    return buffer.getvalue()
