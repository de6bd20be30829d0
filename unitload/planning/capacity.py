"""Why an officer's capacity is below a full-timer's on the day: the reasons in words, from officer_load's columns.

Capacity is point-in-time (DATA_CONTRACT.md section 3, version 2): hours on the day, and the absence
rows that reduce it on the day (a reducing kind, or a long-term spell). A short absence such as
annual leave is part of the normal working year: it is said, as information, but reduces nothing.
"""

from __future__ import annotations

import datetime as dt

import polars as pl


def _day(day: dt.date | None) -> str:
    return f"{day:%d %b %Y}" if day else "an unknown day"


def _kind(kind: str | None) -> str:
    return (kind or "absence").replace("_", " ")


def reason(row: dict, full_time_hours: float) -> str:
    """One officer's reasons, e.g. "24 of 40 hours; restricted duties since 03 Mar 2026: 50 % of each day"."""
    parts = []
    if row["contracted_hours"] == 0:
        parts.append("no contract covers the day")
    elif row["contracted_hours"] < full_time_hours:
        parts.append(f"{row['contracted_hours']:g} of {full_time_hours:g} hours")
    if row["absence_from"] is None:
        return "; ".join(parts) or "full capacity"
    until = f" to {_day(row['absence_to'])}" if row["absence_to"] else ", ongoing"
    spell = f"since {_day(row['absence_from'])} ({row['absence_days']:,} days{until}" + (
        ", long-term)" if row["long_term_spell"] else ")"
    )
    if row["reduced_by"]:
        lost = 1 - row["availability"]
        effect = "no capacity" if lost >= 1 else f"{lost:.0%} of each day lost"
        parts.append(f"{_kind(row['reduced_by'])} {spell}: {effect}")
    elif row["absent"]:
        parts.append(f"{_kind(row['absence_kind'])} {spell}: a short absence, capacity not reduced")
    return "; ".join(parts) or "full capacity"


def reasons(officers: pl.DataFrame, full_time_hours: float) -> pl.Series:
    """One text per officer (see `reason`), or "full capacity"."""
    return pl.Series("why_reduced", [reason(r, full_time_hours) for r in officers.iter_rows(named=True)], pl.String)
