"""One contract table from its exports, and the checks that name a source row: file, row, column, value.

A row of a file is named by its file (and sheet) and row number; a row of a query, which has no number a
person could find it by, by the values of its key columns.
"""

from __future__ import annotations

import fnmatch
from dataclasses import dataclass
from pathlib import Path

import polars as pl

from unitload.extract.schema import BY_NAME, Column
from unitload.extract.tables import polars_schema
from unitload.importing.errors import MappingError, cut
from unitload.importing.expressions import BOOL, DATE, NUMBER, TEXT, Check, Compiler
from unitload.importing.mapping import Mapping, TableMapping
from unitload.importing.readers import FILE, FILE_NO, ROW

KINDS = {"str": TEXT, "date": DATE, "float": NUMBER, "int": NUMBER}
WRAP = {"str": "text(...)", "date": 'date(..., "dd/mm/yyyy")', "float": "number(...)", "int": "integer(...)"}
SHOWN = 20  # lines shown of one problem in one table; the rest are counted


@dataclass
class Table:
    """A converted table: the contract columns, plus where each row came from and which export column
    each contract column was read from (for the messages of the checks made after conversion)."""

    name: str
    frame: pl.DataFrame  # contract columns, then _file and _row
    read_from: dict[str, str]  # contract column -> export column
    files: list[Path]
    keyed: bool = False  # rows named by their key columns (a query's), not by a row number

    def place(self) -> pl.Expr:
        """Where a converted row came from, in words: "crimes.csv, row 5" or a query's key values."""
        keys = [(self.read_from.get(c) or c, c) for c in BY_NAME[self.name].example_key] if self.keyed else []
        return place(keys)


def place(keys: list[tuple[str, str]]) -> pl.Expr:
    """ "file, row N", or with `keys` ((shown name, column) pairs) "query, row with "Crime No" C1"."""
    if not keys:
        return pl.concat_str(pl.col(FILE), pl.lit(", row "), pl.col(ROW).cast(pl.String))
    parts = [pl.col(FILE), pl.lit(", row with")]
    for shown, column in keys:
        parts += [pl.lit(f' "{cut(shown, 40)}" '), pl.col(column).cast(pl.String).fill_null("(blank)")]
    return pl.concat_str(parts)


class Problems:
    """What a conversion found: a line per failing row (SHOWN of one problem, then a count), the rows that
    fail (a row failing twice is one problem), and warnings about whole columns."""

    def __init__(self) -> None:
        self.lines: list[str] = []
        self.warnings: list[str] = []
        self._failing: list[pl.DataFrame] = []
        self._unplaced = 0

    def __bool__(self) -> bool:
        return bool(self.lines)

    def add(self, failing: pl.DataFrame, column: str, problem: str, target: str) -> None:
        """`failing` has _place, _value and, where a row can be counted once, _file and _row."""
        for where, value in failing.select("_place", "_value").head(SHOWN).iter_rows():
            shown = "" if value is None else f" {cut(value)!r}"
            self.lines.append(f'{where}, column "{column}":{shown} {problem} ({target})')
        if failing.height > SHOWN:
            self.lines.append(f"... and {failing.height - SHOWN} more rows where {target} {problem}")
        self.counted(failing)

    def line(self, text: str) -> None:
        """A problem that names no row (a manifest's finding): a line of its own, counted once."""
        self.lines.append(text)
        self._unplaced += 1

    def counted(self, failing: pl.DataFrame) -> None:
        if FILE in failing.columns and ROW in failing.columns:
            self._failing.append(failing.select(pl.col(FILE), pl.col(ROW)))
        else:
            self._unplaced += failing.height

    @property
    def rows(self) -> int:
        """Failing rows, each counted once, plus problems that name no row."""
        rows = pl.concat(self._failing).unique().height if self._failing else 0
        return rows + self._unplaced


def matching(patterns: list[str], files: list[Path]) -> list[Path]:
    """The exports whose names match any of the globs (case is ignored), in the order given."""
    return [f for f in files if any(fnmatch.fnmatch(f.name.lower(), p.lower()) for p in patterns)]


def convert(
    name: str,
    spec: TableMapping,
    mapping: Mapping,
    where: str,
    frames: list[pl.DataFrame],
    problems: Problems,
    files: list[Path] = (),
) -> Table:
    """The table `name` from the exports' text `frames` as `spec` says; each failing row is added to
    `problems` as one line. Frames from a query (no `files`) name a row by its key columns."""
    raw = pl.concat(frames, how="diagonal") if len(frames) > 1 else frames[0]
    header = [c for c in raw.columns if c not in (ROW, FILE, FILE_NO)]
    compiler = Compiler(f"{where}: tables.{name}", header, mapping.maps)
    checks: list[tuple[str, Check]] = []
    if spec.keep:
        keep = compiler.compile(spec.keep, "keep")
        if keep.kind != BOOL:
            raise MappingError(f"{where}: tables.{name}.keep: gives {keep.kind}, where yes/no is needed")
        raw = raw.filter(keep.expr.fill_null(False))
        checks += [("keep", c) for c in keep.checks]
    table = BY_NAME[name]
    types = polars_schema(name)
    values, read_from = [], {}
    for column in table.columns:
        key = f"columns.{column.name}"
        if column.name not in spec.columns:
            values.append(_unmapped(column, spec, where, name).cast(types[column.name]).alias(column.name))
            continue
        compiled = compiler.compile(spec.columns[column.name], key)
        if compiled.kind != KINDS[column.type]:
            raise MappingError(
                f"{where}: tables.{name}.{key}: gives {compiled.kind}, where {KINDS[column.type]} is needed: "
                f"wrap it in {WRAP[column.type]}"
            )
        checks += [(column.name, c) for c in compiled.checks]
        if column.accepted:
            checks.append((column.name, _accepted(compiled.expr, column, compiled.columns)))
        read_from[column.name] = compiled.columns[0] if compiled.columns else ""
        values.append(compiled.expr.cast(types[column.name], strict=False).alias(column.name))
    keyed = spec.query is not None
    keys = [(read_from[c], read_from[c]) for c in table.example_key if read_from.get(c)] if keyed else []
    raw_place = place(keys).alias("_place")
    reported = {}  # contract column -> whether a row's value already failed a check (then it is not "blank")
    for target, check in checks:
        failed = check.failed.fill_null(False)
        failing = raw.filter(failed).select(FILE, ROW, raw_place, check.value.alias("_value"))
        if check.warning:
            if failing.height:
                problems.warnings.append(
                    f'{where}: tables.{name}: column "{check.column}" {check.problem} ({name}.{target}; '
                    f"{failing.height} row{'s' if failing.height != 1 else ''} would read otherwise)"
                )
            continue
        problems.add(failing, check.column, check.problem, f"{name}.{target}")
        reported[target] = reported[target] | failed if target in reported else failed
    flags = [reported.get(c.name, pl.lit(False)).alias(f"_failed_{c.name}") for c in table.columns]
    frame = raw.select(*values, *flags, FILE, ROW)
    if spec.history:
        frame = _history(frame, spec)
    converted = Table(name, frame, read_from, list(files), keyed)
    for column in table.columns:  # a required value left blank
        if not column.nullable and not column.optional and column.name in spec.columns:
            blank = frame.filter(pl.col(column.name).is_null() & ~pl.col(f"_failed_{column.name}"))
            blank = blank.select(FILE, ROW, converted.place().alias("_place"), pl.lit(None).alias("_value"))
            problems.add(blank, read_from[column.name], "is blank", f"{name}.{column.name}")
    converted.frame = frame.drop(f"_failed_{c.name}" for c in table.columns)
    return converted


def _unmapped(column: Column, spec: TableMapping, where: str, name: str) -> pl.Expr:
    if spec.history and column.name == spec.history.end:
        return pl.lit(None)  # made from the next row below
    if column.optional:
        return pl.lit(column.default)
    if column.nullable:
        return pl.lit(None)
    raise MappingError(f"{where}: tables.{name}.columns: {column.name} is required and not mapped")


def _accepted(expr: pl.Expr, column: Column, columns: list[str]) -> Check:
    allowed = list(column.accepted)
    return Check(
        expr.is_not_null() & ~expr.cast(pl.String).is_in(allowed),
        f"gives {column.name} that is not one of {', '.join(allowed)}",
        columns[0] if columns else "",
        expr.cast(pl.String),
    )


def _history(frame: pl.DataFrame, spec: TableMapping) -> pl.DataFrame:
    """Each change row's end is the next change's start for the same key; end markers are dropped."""
    history = spec.history
    ordered = frame.sort(history.key, history.start, ROW, nulls_last=True)
    ended = ordered.with_columns(pl.col(history.start).shift(-1).over(history.key).alias(history.end))
    if history.ended_by_blank:
        ended = ended.filter(pl.col(history.ended_by_blank).is_not_null())
    return ended


def unlisted(tables: dict[str, Table], problems: Problems) -> None:
    """Rows naming an officer (or case) that its own table does not list."""
    for table in tables.values():
        for column in BY_NAME[table.name].columns:
            if not column.references or column.name not in table.read_from:
                continue
            target, key = column.references.split(".")
            if target not in tables:
                continue
            listed = tables[target].frame.get_column(key).unique()
            value = pl.col(column.name)
            failing = table.frame.filter(value.is_not_null() & ~value.is_in(listed.implode())).select(
                FILE, ROW, table.place().alias("_place"), value.alias("_value")
            )
            problems.add(failing, table.read_from[column.name], f"is not listed in {target}", column.references)


def overlapping_contracts(tables: dict[str, Table], problems: Problems) -> None:
    """Two contract periods of one officer that share a day, after conversion to half-open periods."""
    contracts = tables.get("contracts")
    if contracts is None:
        return
    ordered = contracts.frame.sort("officer_id", "valid_from", ROW).with_columns(contracts.place().alias("_place"))
    after = ordered.with_columns(
        pl.col("valid_from").shift(-1).over("officer_id").alias("_next_from"),
        pl.col(ROW).shift(-1).over("officer_id").alias("_next_row"),
        pl.col(FILE).shift(-1).over("officer_id").alias("_next_file"),
        pl.col("_place").shift(-1).over("officer_id").alias("_next_place"),
    )
    clash = after.filter(
        pl.col("_next_from").is_not_null()
        & (pl.col("valid_to").is_null() | (pl.col("_next_from") < pl.col("valid_to")))
    )
    column = contracts.read_from.get("valid_from", "")
    for row in clash.head(SHOWN).iter_rows(named=True):
        ends = row["valid_to"].isoformat() if row["valid_to"] else "open-ended"
        problems.lines.append(
            f'{row["_next_place"]}, column "{column}": {row["_next_from"].isoformat()} '
            f"starts a contract of {row['officer_id']} inside the one from {row['valid_from'].isoformat()} "
            f"(to {ends}) in {row['_place']} (contracts overlap)"
        )
    if clash.height > SHOWN:
        problems.lines.append(f"... and {clash.height - SHOWN} more overlapping contract periods")
    problems.counted(clash.select(pl.col("_next_file").alias(FILE), pl.col("_next_row").alias(ROW)))
