"""The tables of DATA_CONTRACT.md section 1, as data: the one list every check and view reads."""

from __future__ import annotations

from dataclasses import dataclass, field

from unitload.settings import ABSENCE_KINDS, ACTION_TYPES, RISK_GRADES

# Logical types of the contract and the DuckDB types each accepts.
ACCEPTED_TYPES = {
    "str": ("VARCHAR",),
    "date": ("DATE", "TIMESTAMP", "TIMESTAMP_NS", "TIMESTAMP_MS", "TIMESTAMP_S", "TIMESTAMP WITH TIME ZONE"),
    "float": (
        "DOUBLE",
        "FLOAT",
        "DECIMAL",
        "TINYINT",
        "SMALLINT",
        "INTEGER",
        "BIGINT",
        "HUGEINT",
        "UTINYINT",
        "USMALLINT",
        "UINTEGER",
        "UBIGINT",
    ),
    "int": ("TINYINT", "SMALLINT", "INTEGER", "BIGINT", "HUGEINT", "UTINYINT", "USMALLINT", "UINTEGER", "UBIGINT"),
}
SQL_TYPES = {"str": "VARCHAR", "date": "DATE", "float": "DOUBLE", "int": "INTEGER"}


@dataclass(frozen=True)
class Column:
    name: str
    type: str
    nullable: bool = False
    accepted: tuple[str, ...] = ()
    references: str | None = None  # "table.column"
    optional: bool = False  # may be missing from the file; then every row takes `default`
    default: float | None = None


# How a team-scoped user's views keep a table's rows (unitload.access.views), in the order the views are made:
SCOPE_RULES = {
    "team": "the officers of the scope's teams",
    "officer": "the rows of those officers (by officer_id)",
    "held": "the cases ever assigned to those officers",
    "case": "the rows of those cases (by case_id)",
}


@dataclass(frozen=True)
class Table:
    name: str
    key: str | None
    columns: tuple[Column, ...]
    scope: str  # one of SCOPE_RULES
    required: bool = True
    label_key: tuple[str, ...] = field(default=())  # columns naming a row in findings
    in_memory: bool = True  # copied into memory once validated (False: read from its files every time)

    @property
    def example_key(self) -> tuple[str, ...]:
        return self.label_key or ((self.key,) if self.key else (self.columns[0].name,))

    def column(self, name: str) -> Column:
        return next(c for c in self.columns if c.name == name)


RANKS = ("DC", "TDC", "DS", "DI", "DCI", "DSU", "PSI", "DFI", "other")
OFFICER_ROLES = ("investigator", "supervisor", "manager", "forensic_examiner", "other")
ASSIGNMENT_REASONS = ("new", "reallocation", "absence_cover", "transfer", "other")
DEVICE_TYPES = ("phone", "computer", "tablet", "storage", "cloud_account", "other")
PRIORITIES = ("urgent", "high", "standard", "low")
SUPERVISION_KINDS = (
    "monthly_supervision",
    "welfare_check",
    "psychological_assessment",
    "action_plan_opened",
    "action_plan_closed",
)
# The order of the forensic stage dates; present dates never decrease along it.
STAGE_DATES = ("submitted_on", "triaged_on", "download_started_on", "download_completed_on", "examined_on")

OFFICER = "officers.officer_id"

TABLES: tuple[Table, ...] = (
    Table(
        "officers",
        "officer_id",
        (
            Column("officer_id", "str"),
            Column("display_name", "str"),
            Column("rank", "str", accepted=RANKS),
            Column("role", "str", accepted=OFFICER_ROLES),
            Column("unit", "str"),
            Column("team", "str"),
            Column("supervisor_id", "str", nullable=True, references=OFFICER),
            Column("joined_on", "date"),
            Column("left_on", "date", nullable=True),
        ),
        scope="team",
    ),
    Table(
        "contracts",
        None,
        (
            Column("officer_id", "str", references=OFFICER),
            Column("valid_from", "date"),
            Column("valid_to", "date", nullable=True),
            Column("contracted_hours", "float"),
        ),
        scope="officer",
        label_key=("officer_id", "valid_from"),
    ),
    Table(
        "absences",
        None,
        (
            Column("officer_id", "str", references=OFFICER),
            Column("first_day", "date"),
            Column("last_day", "date", nullable=True),
            Column("kind", "str", accepted=ABSENCE_KINDS),
            Column("capacity_reduction", "float", nullable=True, optional=True, default=1.0),
        ),
        scope="officer",
        label_key=("officer_id", "first_day"),
    ),
    Table(
        "cases",
        "case_id",
        (
            Column("case_id", "str"),
            Column("case_ref", "str"),
            Column("unit", "str"),
            Column("opened_on", "date"),
            Column("closed_on", "date", nullable=True),
            Column("offence_type", "str"),
            Column("risk_grade", "str", accepted=RISK_GRADES),
            Column("complexity", "int"),
            Column("weight", "float", nullable=True, optional=True),
        ),
        scope="held",
    ),
    Table(
        "assignments",
        None,
        (
            Column("case_id", "str", references="cases.case_id"),
            Column("officer_id", "str", references=OFFICER),
            Column("assigned_from", "date"),
            Column("assigned_to", "date", nullable=True),
            Column("reason", "str", accepted=ASSIGNMENT_REASONS),
        ),
        scope="case",
        label_key=("case_id", "assigned_from"),
    ),
    Table(
        "actions",
        "action_id",
        (
            Column("action_id", "str"),
            Column("case_id", "str", references="cases.case_id"),
            Column("officer_id", "str", references=OFFICER),
            Column("action_on", "date"),
            Column("action_type", "str", accepted=ACTION_TYPES),
        ),
        scope="case",
        in_memory=False,  # by far the largest: queries that scan it read month-end snapshots
    ),
    Table(
        "exhibits",
        "exhibit_id",
        (
            Column("exhibit_id", "str"),
            Column("case_id", "str", references="cases.case_id"),
            Column("device_type", "str", accepted=DEVICE_TYPES),
            Column("priority", "str", accepted=PRIORITIES),
            Column("submitted_on", "date"),
            Column("triaged_on", "date", nullable=True),
            Column("download_started_on", "date", nullable=True),
            Column("download_completed_on", "date", nullable=True),
            Column("examined_on", "date", nullable=True),
            Column("withdrawn_on", "date", nullable=True),
            Column("examiner_id", "str", nullable=True, references=OFFICER),
        ),
        scope="case",
    ),
    Table(
        "supervision",
        None,
        (
            Column("officer_id", "str", references=OFFICER),
            Column("supervisor_id", "str", references=OFFICER),
            Column("held_on", "date"),
            Column("kind", "str", accepted=SUPERVISION_KINDS),
        ),
        scope="officer",
        required=False,
        label_key=("officer_id", "held_on"),
    ),
)

TABLE_NAMES = tuple(t.name for t in TABLES)
BY_NAME = {t.name: t for t in TABLES}
