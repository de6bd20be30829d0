"""The validation rules of an extract, as data: per-column rules read off the contract in `schema.py`,
and the row and cross-row rules no column list can express. `unitload.extract.validate` runs them.

Every check is a condition on a table's rows (alias t) that holds for the rows breaking one rule.
Identifiers come only from the fixed contract lists; values are bound parameters.
"""

from __future__ import annotations

# SQL text here is built only from identifiers of the fixed contract lists, quoted by ident();
# every value is a bound parameter. ruff's S608 cannot tell the two apart.
# ruff: noqa: S608
from dataclasses import dataclass

from unitload.extract.db import ident
from unitload.extract.findings import ERROR, WARNING
from unitload.extract.schema import STAGE_DATES, TABLES, Table

OPEN_END = "DATE '9999-12-31'"
# control characters (C0, DEL, C1) and Unicode's line and paragraph separators, in RE2's syntax (unitload.output.plain)
CONTROL = "[\\x00-\\x1f\\x7f-\\x9f\\x{2028}\\x{2029}]"
# id-like columns (keys, references, teams and units): a control character in one could forge a line
# of a report or a link; they are refused
ID_COLUMNS = {
    c.name
    for t in TABLES
    for c in t.columns
    if c.name == t.key or c.references or c.name in ("team", "unit", "officer_id", "case_id")
}


@dataclass(frozen=True)
class Check:
    severity: str
    table: str
    column: str
    rule: str
    message: str
    where: str  # a condition on the table's rows (alias t); or, with `query`, a whole SELECT of keys
    params: tuple[tuple[str, object], ...] = ()
    source: str = ""  # a subquery to check instead of the plain table


def _prior_end(table: str, group: str, start: str, end: str) -> str:
    """Rows of a half-open interval table with the latest end of the earlier rows of their group.

    Sorted by start, a row overlaps an earlier one exactly when it starts before that latest end.
    """
    return (
        f"(select *, max(coalesce({end}, {OPEN_END})) over (partition by {group} order by {start}, {end}"
        f" rows between unbounded preceding and 1 preceding) as prior_end from {table})"
    )


def key_expr(table: Table, alias: str = "t") -> str:
    parts = [f"'{c}=' || coalesce(cast({alias}.{ident(c)} as varchar), 'null')" for c in table.example_key]
    return " || ', ' || ".join(parts)


def contract_checks() -> list[Check]:
    """Per-column rules read off the schema: nulls, accepted values, finite numbers, plain ids, unique keys,
    references."""
    checks = []
    for table in TABLES:
        for column in table.columns:
            col = ident(column.name)
            if column.type == "float":
                # NaN passes range checks, and a filter on isnan() is pushed into the Parquet scan, whose
                # statistics leave NaN out: the value's text is compared instead, which is not pushed down
                checks.append(
                    Check(
                        ERROR,
                        table.name,
                        column.name,
                        "finite",
                        "must be a finite number, not NaN or infinity",
                        f"lower(cast(t.{col} as varchar)) in ('nan', '-nan', 'inf', '-inf', 'infinity', '-infinity')",
                    )
                )
            if column.type == "str":  # an id or any text: a line break in a name could forge a line of a message
                checks.append(
                    Check(
                        ERROR,
                        table.name,
                        column.name,
                        "plain_id" if column.name in ID_COLUMNS else "plain_text",
                        "holds a control character or a line separator (a line break, a tab, ...)",
                        f"regexp_matches(t.{col}, '{CONTROL}')",
                    )
                )
            if not column.nullable:
                checks.append(Check(ERROR, table.name, column.name, "not_null", "must not be null", f"t.{col} is null"))
            if column.accepted:
                checks.append(
                    Check(
                        ERROR,
                        table.name,
                        column.name,
                        "accepted_values",
                        f"value outside {', '.join(column.accepted)}",
                        f"t.{col} is not null and not list_contains($accepted, t.{col})",
                        (("accepted", list(column.accepted)),),
                    )
                )
            if column.references:
                ref_table, ref_col = column.references.split(".")
                checks.append(
                    Check(
                        ERROR,
                        table.name,
                        column.name,
                        "references",
                        f"refers to a missing {ref_table}.{ref_col}",
                        f"t.{col} is not null and t.{col} not in (select {ident(ref_col)} from {ident(ref_table)}"
                        f" where {ident(ref_col)} is not null)",
                    )
                )
        if table.key:
            key = ident(table.key)
            checks.append(
                Check(
                    ERROR,
                    table.name,
                    table.key,
                    "unique",
                    "key appears on more than one row",
                    f"t.{key} in (select {key} from {ident(table.name)} group by {key} having count(*) > 1)",
                )
            )
    return checks


# Row and cross-row rules of the contract that no column list can express.
RULE_CHECKS = [
    Check(
        ERROR,
        "contracts",
        "contracted_hours",
        "range",
        "must be above 0 and at most 60",
        "not (t.contracted_hours > 0 and t.contracted_hours <= 60)",
    ),
    Check(
        ERROR,
        "absences",
        "capacity_reduction",
        "range",
        "must be above 0 and at most 1",
        "not (t.capacity_reduction > 0 and t.capacity_reduction <= 1)",
    ),
    Check(ERROR, "cases", "complexity", "range", "must be 1, 2 or 3", "t.complexity not in (1, 2, 3)"),
    Check(ERROR, "cases", "weight", "range", "an explicit weight must be above 0", "t.weight <= 0"),
    Check(
        ERROR,
        "contracts",
        "valid_to",
        "interval_order",
        "valid_to must be after valid_from (half-open)",
        "t.valid_to <= t.valid_from",
    ),
    Check(
        ERROR,
        "assignments",
        "assigned_to",
        "interval_order",
        "assigned_to must be after assigned_from (half-open)",
        "t.assigned_to <= t.assigned_from",
    ),
    Check(
        ERROR,
        "absences",
        "last_day",
        "interval_order",
        "last_day must be on or after first_day (inclusive)",
        "t.last_day < t.first_day",
    ),
    Check(
        ERROR, "officers", "left_on", "interval_order", "left_on must be after joined_on", "t.left_on <= t.joined_on"
    ),
    Check(
        ERROR,
        "cases",
        "closed_on",
        "interval_order",
        "closed_on must not be before opened_on",
        "t.closed_on < t.opened_on",
    ),
    Check(
        ERROR,
        "contracts",
        "valid_from",
        "overlapping_contracts",
        "contract periods of one officer overlap",
        "t.valid_from < t.prior_end",
        source=_prior_end("contracts", "officer_id", "valid_from", "valid_to"),
    ),
    Check(
        ERROR,
        "assignments",
        "assigned_from",
        "one_oic_per_day",
        "case has more than one officer in charge on a day",
        "t.assigned_from < t.prior_end",
        source=_prior_end("assignments", "case_id", "assigned_from", "assigned_to"),
    ),
    Check(
        ERROR,
        "exhibits",
        "submitted_on",
        "stage_order",
        "stage dates decrease along submitted, triaged, download started, download completed, examined",
        "list_filter([" + ", ".join(f"t.{d}" for d in STAGE_DATES) + "], lambda x: x is not null)"
        " <> list_sort(list_filter([" + ", ".join(f"t.{d}" for d in STAGE_DATES) + "], lambda x: x is not null))",
    ),
    Check(
        ERROR,
        "exhibits",
        "withdrawn_on",
        "stage_order",
        "withdrawn before it was submitted",
        "t.withdrawn_on < t.submitted_on",
    ),
    Check(
        WARNING,
        "actions",
        "action_on",
        "within_case",
        "action dated before its case was opened",
        "t.action_on < (select c.opened_on from cases as c where c.case_id = t.case_id)",
    ),
    Check(
        WARNING,
        "assignments",
        "assigned_from",
        "within_case",
        "assignment starts before its case was opened",
        "t.assigned_from < (select c.opened_on from cases as c where c.case_id = t.case_id)",
    ),
    Check(
        WARNING,
        "assignments",
        "officer_id",
        "oic_in_post",
        "officer in charge was not in post on the first day of the assignment",
        "not exists (select 1 from officers as o where o.officer_id = t.officer_id"
        " and o.joined_on <= t.assigned_from and (o.left_on is null or o.left_on > t.assigned_from))",
    ),
    Check(
        WARNING,
        "officers",
        "officer_id",
        "contract_in_post",
        "in post on the as-of day with no contract covering it",
        "t.joined_on <= $as_of and (t.left_on is null or t.left_on > $as_of)"
        " and not exists (select 1 from contracts as c where c.officer_id = t.officer_id"
        " and c.valid_from <= $as_of and (c.valid_to is null or c.valid_to > $as_of))",
    ),
]

# Dates of things that have happened: none may fall after the extract was taken. Planned dates
# (contract ends, booked leave, a leaving date) may.
EVENT_DATES = {
    "officers": ("joined_on",),
    "cases": ("opened_on", "closed_on"),
    "actions": ("action_on",),
    "exhibits": (*STAGE_DATES, "withdrawn_on"),
    "supervision": ("held_on",),
}


def date_checks() -> list[Check]:
    return [
        Check(
            ERROR,
            table,
            column,
            "after_extracted_at",
            "date is after the extract was taken",
            f"t.{ident(column)} > $extracted_on",
        )
        for table, columns in EVENT_DATES.items()
        for column in columns
    ]
