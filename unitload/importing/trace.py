"""A converted extract's validation findings traced back to the exports: each failing row named by its export
file (and sheet) and row, or a query's key values, with the export column, the value, and the likely fix.

The validator's checks are conditions on a table's rows (unitload.extract.checks); here the same conditions run
on the converted tables while they still carry each row's source (_file, _row), in an in-memory DuckDB.
"""

from __future__ import annotations

# SQL text here is built only from identifiers of the fixed contract lists, quoted by ident(), and the
# validator's own check conditions; every value is a bound parameter. ruff's S608 cannot tell them apart.
# ruff: noqa: S608
import datetime as dt

import duckdb
import polars as pl

from unitload.extract.checks import RULE_CHECKS, Check, contract_checks, date_checks
from unitload.extract.db import ident
from unitload.extract.findings import ERROR, Finding
from unitload.importing.convert import FILE, ROW, Problems, Table

DAY_FIRST = "were day-first and month-first dates mixed in one column, or read the wrong way round?"


def _hint(table: str, rule: str, extracted_on: dt.date) -> pl.Expr | None:
    """The likely fix for a row breaking `rule`, as an expression over the converted row (None: no hint)."""
    if rule == "interval_order" and table in ("contracts", "assignments"):
        start, end = ("valid_from", "valid_to") if table == "contracts" else ("assigned_from", "assigned_to")
        same_day = f"{end} on the day of {start}: an inclusive end date? wrap it in day_after(...)"
        return pl.when(pl.col(end) == pl.col(start)).then(pl.lit(same_day)).otherwise(pl.lit(f"{end} {DAY_FIRST}"))
    if rule == "interval_order" and table == "absences":
        before = "last_day the day before first_day: the export's end is inclusive already; drop day_before(...)"
        late = pl.col("first_day") - pl.duration(days=1)
        return pl.when(pl.col("last_day") == late).then(pl.lit(before)).otherwise(pl.lit(f"the dates {DAY_FIRST}"))
    if rule == "interval_order" and table == "cases":
        return pl.lit(f"the dates {DAY_FIRST}")
    if rule == "stage_order":
        return pl.lit(f"the stage dates {DAY_FIRST}")
    if rule == "after_extracted_at":
        return pl.lit(f"after --extracted-at ({extracted_on.isoformat()}): is that the day the exports were taken?")
    if rule == "unique":
        return pl.lit("the same row in two exports, or a row repeated in one?")
    if rule == "one_oic_per_day" and table == "assignments":
        return pl.lit("an OIC log of changes? map it with history = {...} (docs/import.md)")
    return None


def _checks() -> dict[tuple[str, str, str], Check]:
    return {(c.table, c.column, c.rule): c for c in contract_checks() + RULE_CHECKS + date_checks()}


def traced(tables: dict[str, Table], findings: list[Finding], as_of: dt.date, problems: Problems) -> list[Finding]:
    """Add to `problems` each failing row of the error findings that a check gives; the findings it cannot
    trace (a manifest's, a file's) are returned, for their own line."""
    checks = _checks()
    untraced = []
    connection = duckdb.connect()
    try:
        for name, table in tables.items():
            connection.register(name, table.frame)
        for finding in findings:
            check = checks.get((finding.table, finding.column, finding.rule))
            if finding.severity != ERROR or check is None or finding.table not in tables:
                untraced.append(finding)
                continue
            failing = _rows(connection, check, tables[finding.table], as_of)
            if failing is None:
                untraced.append(finding)
                continue
            table = tables[finding.table]
            column = table.read_from.get(finding.column) or finding.column
            problem = check.message
            hint = _hint(finding.table, finding.rule, as_of)
            shown = failing.select(
                FILE,
                ROW,
                table.place().alias("_place"),
                pl.col(finding.column).cast(pl.String).alias("_value"),
                (hint if hint is not None else pl.lit(None, dtype=pl.String)).alias("_hint"),
            )
            for hinted, group in shown.group_by("_hint", maintain_order=True):
                why = f"{problem}: {hinted[0]}" if hinted[0] else problem
                problems.add(group, column, why, f"{finding.table}.{finding.column}, {finding.rule}")
    finally:
        connection.close()
    return untraced


def _rows(connection, check: Check, table: Table, as_of: dt.date) -> pl.DataFrame | None:
    """The converted rows (with their source) that break `check`; None when it cannot run here."""
    params = dict(check.params)
    text = check.where + check.source
    for name in ("as_of", "extracted_on"):
        if f"${name}" in text:
            params[name] = as_of
    sql = f"select t.* from {check.source or ident(table.name)} as t where {check.where} order by t.{FILE}, t.{ROW}"
    try:
        return pl.from_arrow(connection.execute(sql, params).to_arrow_table())
    except duckdb.Error:
        return None
