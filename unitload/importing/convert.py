"""One contract table from its exports, and the checks that name a source row: file, row, column, value."""

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
from unitload.importing.readers import FILE, FILE_NO, ROW, read

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


def matching(patterns: list[str], files: list[Path]) -> list[Path]:
    """The exports whose names match any of the globs (case is ignored), in the order given."""
    return [f for f in files if any(fnmatch.fnmatch(f.name.lower(), p.lower()) for p in patterns)]


def convert(name: str, spec: TableMapping, mapping: Mapping, where: str, files: list[Path], errors: list[str]):
    """The table `name` from `files` as `spec` says; each failing row is added to `errors` as one line."""
    frames = [
        read(path, sheet=spec.sheet, header_row=spec.header_row, delimiter=spec.delimiter, file_no=n)
        for n, path in enumerate(files, start=1)
    ]
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
        place = f"columns.{column.name}"
        if column.name not in spec.columns:
            values.append(_unmapped(column, spec, where, name).cast(types[column.name]).alias(column.name))
            continue
        compiled = compiler.compile(spec.columns[column.name], place)
        if compiled.kind != KINDS[column.type]:
            raise MappingError(
                f"{where}: tables.{name}.{place}: gives {compiled.kind}, where {KINDS[column.type]} is needed: "
                f"wrap it in {WRAP[column.type]}"
            )
        checks += [(column.name, c) for c in compiled.checks]
        if column.accepted:
            checks.append((column.name, _accepted(compiled.expr, column, compiled.columns)))
        read_from[column.name] = compiled.columns[0] if compiled.columns else ""
        values.append(compiled.expr.cast(types[column.name], strict=False).alias(column.name))
    reported = {}  # contract column -> whether a row's value already failed a check (then it is not "blank")
    for target, check in checks:
        failed = check.failed.fill_null(False)
        failing = raw.filter(failed).select(FILE, ROW, check.value.alias("_value"))
        _report(errors, failing, check.column, check.problem, f"{name}.{target}")
        reported[target] = reported[target] | failed if target in reported else failed
    flags = [reported.get(c.name, pl.lit(False)).alias(f"_failed_{c.name}") for c in table.columns]
    frame = raw.select(*values, *flags, FILE, ROW)
    if spec.history:
        frame = _history(frame, spec)
    for column in table.columns:  # a required value left blank
        if not column.nullable and not column.optional and column.name in spec.columns:
            blank = frame.filter(pl.col(column.name).is_null() & ~pl.col(f"_failed_{column.name}"))
            blank = blank.select(FILE, ROW, pl.lit(None).alias("_value"))
            _report(errors, blank, read_from[column.name], "is blank", f"{name}.{column.name}")
    frame = frame.drop(f"_failed_{c.name}" for c in table.columns)
    return Table(name, frame, read_from, files)


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


def _report(errors: list[str], failing: pl.DataFrame, column: str, problem: str, target: str) -> None:
    for file, row, value in failing.head(SHOWN).iter_rows():
        shown = "" if value is None else f" {cut(value)!r}"
        errors.append(f'{file}, row {row}, column "{column}":{shown} {problem} ({target})')
    if failing.height > SHOWN:
        errors.append(f"... and {failing.height - SHOWN} more rows where {target} {problem}")


def unlisted(tables: dict[str, Table], errors: list[str]) -> None:
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
                FILE, ROW, value.alias("_value")
            )
            _report(errors, failing, table.read_from[column.name], f"is not listed in {target}", column.references)


def overlapping_contracts(tables: dict[str, Table], errors: list[str]) -> None:
    """Two contract periods of one officer that share a day, after conversion to half-open periods."""
    contracts = tables.get("contracts")
    if contracts is None:
        return
    ordered = contracts.frame.sort("officer_id", "valid_from", ROW)
    after = ordered.with_columns(
        pl.col("valid_from").shift(-1).over("officer_id").alias("_next_from"),
        pl.col(ROW).shift(-1).over("officer_id").alias("_next_row"),
        pl.col(FILE).shift(-1).over("officer_id").alias("_next_file"),
    )
    clash = after.filter(
        pl.col("_next_from").is_not_null()
        & (pl.col("valid_to").is_null() | (pl.col("_next_from") < pl.col("valid_to")))
    )
    column = contracts.read_from.get("valid_from", "")
    for row in clash.head(SHOWN).iter_rows(named=True):
        ends = row["valid_to"].isoformat() if row["valid_to"] else "open-ended"
        errors.append(
            f'{row["_next_file"]}, row {row["_next_row"]}, column "{column}": {row["_next_from"].isoformat()} '
            f"starts a contract of {row['officer_id']} inside the one from {row['valid_from'].isoformat()} "
            f"(to {ends}) in {row[FILE]}, row {row[ROW]} (contracts overlap)"
        )
    if clash.height > SHOWN:
        errors.append(f"... and {clash.height - SHOWN} more overlapping contract periods")
