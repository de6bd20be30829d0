"""Validation of an extract: the manifest, every column decoded, and the checks of `unitload.extract.checks`.

Every check is a query that returns the rows breaking one rule; the runner counts them and keeps a
few example keys. Identifiers come only from the fixed contract lists; values are bound parameters.
"""

from __future__ import annotations

# SQL text here is built only from identifiers of the fixed contract lists, quoted by ident();
# every value is a bound parameter. ruff's S608 cannot tell the two apart.
# ruff: noqa: S608
import re

import duckdb

from unitload.extract.checks import RULE_CHECKS, Check, contract_checks, date_checks, key_expr
from unitload.extract.db import Source, ident
from unitload.extract.findings import ERROR, WARNING, Finding
from unitload.extract.folder import inside, sha256_file
from unitload.extract.schema import BY_NAME, TABLES

EXAMPLES = 5


def _rows_sql(check: Check) -> str:
    """The example key of every row of `check.table` breaking the check (alias k)."""
    table = BY_NAME[check.table]
    return f"select {key_expr(table)} as k from {check.source or ident(table.name)} as t where {check.where}"


def _values(check: Check, as_of, extracted_on) -> dict:
    """The check's bound values: its own, and the extract's day where its condition reads it."""
    params = dict(check.params)
    text = check.where + check.source
    if "$as_of" in text:
        params["as_of"] = as_of
    if "$extracted_on" in text:
        params["extracted_on"] = extracted_on
    return params


def _run(source: Source, check: Check, as_of, extracted_on) -> Finding | None:
    sql = f"select count(*), list(k order by k)[1:{EXAMPLES}] from ({_rows_sql(check)})"
    params = _values(check, as_of, extracted_on)
    cur = source.cursor()
    try:
        count, examples = cur.execute(sql, params).fetchall()[0]
    except duckdb.Error as exc:  # a value that cannot be read (e.g. a bad date inside a file)
        return Finding(ERROR, check.table, check.column, check.rule, 0, f"could not be checked: {exc}")
    finally:
        cur.close()
    return _finding(check, count, examples)


def _finding(check: Check, count: int, examples) -> Finding | None:
    if not count:
        return None
    return Finding(check.severity, check.table, check.column, check.rule, count, check.message, tuple(examples))


_PARAM = re.compile(r"\$([a-z_]+)")


def _run_table(source: Source, checks: list[Check], as_of, extracted_on) -> list[Finding]:
    """The checks of one table as one query (a branch each, its own values renamed apart), which spares a
    round trip per check; when it fails (a value that cannot be read), each check alone, to say which."""
    branches, params = [], {}
    for n, check in enumerate(checks):
        params |= {f"c{n}_{name}": value for name, value in _values(check, as_of, extracted_on).items()}
        rows = _PARAM.sub(f"$c{n}_\\1", _rows_sql(check))
        branches.append(f"select {n} as n, count(*) as c, list(k order by k)[1:{EXAMPLES}] as e from ({rows})")
    cur = source.cursor()
    try:
        found = cur.execute(" union all ".join(branches), params).fetchall()
    except duckdb.Error:
        return [f for check in checks if (f := _run(source, check, as_of, extracted_on))]
    finally:
        cur.close()
    return [f for n, count, examples in sorted(found) if (f := _finding(checks[n], count, examples))]


def manifest_findings(source: Source) -> list[Finding]:
    """The manifest itself, and the row counts and SHA-256 of every file it lists."""
    extract = source.extract
    findings = [
        Finding(ERROR, "manifest", "", "manifest", 0, p, file="manifest.json") for p in extract.manifest_problems
    ]
    if extract.manifest_problems and not extract.tables:
        return findings
    unchecked = ERROR if source.settings.validation.missing_checksums == "error" else WARNING
    for table in TABLES:
        files = extract.files(table.name)
        entry = extract.tables.get(table.name)
        if not files:
            continue
        if entry is None:
            findings.append(
                Finding(
                    unchecked,
                    table.name,
                    "",
                    "manifest_entry",
                    0,
                    "table is not listed in manifest.json: row count and checksum not verified",
                )
            )
            continue
        for path in files:
            name = path.relative_to(extract.root).as_posix()
            if name not in entry.sha256:
                findings.append(
                    Finding(
                        unchecked,
                        table.name,
                        "",
                        "sha256_missing",
                        0,
                        "no SHA-256 in manifest.json: the file's integrity is not verified",
                        file=name,
                    )
                )
        for name, expected in entry.sha256.items():
            path = inside(extract.root, name)
            if path is None:
                findings.append(
                    Finding(ERROR, table.name, "", "manifest_file", 0, "file name leads outside the extract", file=name)
                )
            elif not path.is_file():
                findings.append(
                    Finding(
                        ERROR, table.name, "", "manifest_file", 0, "file listed in manifest.json is missing", file=name
                    )
                )
            elif sha256_file(path) != expected.lower():
                findings.append(
                    Finding(
                        ERROR,
                        table.name,
                        "",
                        "sha256",
                        0,
                        "SHA-256 differs from manifest.json: the file changed or is truncated",
                        file=name,
                    )
                )
        if entry.rows is not None and table.name in source.present:
            cur = source.cursor()
            try:
                actual = cur.execute("select count(*) from " + ident(table.name)).fetchall()[0][0]
            finally:
                cur.close()
            if actual != entry.rows:
                findings.append(
                    Finding(
                        ERROR,
                        table.name,
                        "",
                        "row_count",
                        abs(actual - entry.rows),
                        f"has {actual} rows; manifest.json says {entry.rows}",
                        file=", ".join(entry.files),
                    )
                )
    return findings


def decoding_findings(source: Source) -> list[Finding]:
    """Every column of every table read to the end (its pages decompressed and decoded), as a page will.

    A damaged column chunk passes a look at the file's schema and statistics, then fails every page
    that reads it; here it is an error naming the table and column, and its table is not checked further.
    """
    findings = []
    for table in TABLES:
        if table.name not in source.present:
            continue
        columns = [ident(c.name) for c in table.columns]
        # hash() reads every value (a count could be answered from the file's statistics)
        if _reads(source, "select " + ", ".join(f"sum(hash({c}))" for c in columns) + " from " + ident(table.name)):
            continue
        for column in table.columns:
            reason = _reads(source, f"select sum(hash({ident(column.name)})) from {ident(table.name)}", why=True)
            if reason:
                message = f"cannot be read to the end (a damaged file?): {reason}"
                findings.append(Finding(ERROR, table.name, column.name, "readable_data", 0, message))
    return findings


def _reads(source: Source, sql: str, why: bool = False) -> bool | str:
    """True (or, with `why`, "") when the query runs; else False (or the first line of the error)."""
    cur = source.cursor()
    try:
        cur.execute(sql).fetchall()
    except duckdb.Error as exc:
        return str(exc).splitlines()[0] if why else False
    finally:
        cur.close()
    return "" if why else True


def validate(source: Source, progress=None) -> list[Finding]:
    """Every finding for a bound extract: structure first; row rules only on readable tables."""
    decoding = decoding_findings(source)
    findings = list(source.structure) + manifest_findings(source) + decoding
    unreadable = {f.table for f in decoding}
    as_of = source.extract.as_of
    extracted_on = as_of
    checks = [
        c for c in contract_checks() + RULE_CHECKS + date_checks() if _runnable(c, source) and c.table not in unreadable
    ]
    if extracted_on is None:
        checks = [c for c in checks if "$extracted_on" not in c.where and "$as_of" not in c.where]
    by_table: dict[str, list[Check]] = {}
    for check in checks:
        by_table.setdefault(check.table, []).append(check)
    for group in progress(list(by_table.values())) if progress else by_table.values():
        findings += _run_table(source, group, as_of, extracted_on)
    return sorted(findings, key=lambda f: (f.severity != ERROR, f.table, f.column, f.rule))


def _runnable(check: Check, source: Source) -> bool:
    """Skip checks on tables that are absent or unreadable, and references into them."""
    tables = {check.table}
    column = BY_NAME[check.table].column(check.column) if check.column else None
    if column is not None and column.references:
        tables.add(column.references.split(".")[0])
    for name in BY_NAME:
        if name != check.table and f" {name} as " in check.where + check.source:
            tables.add(name)
    return tables <= source.present
