"""Why an officer's capacity is below a full-timer's: the reasons in words, from officer_load's columns."""

from __future__ import annotations

import polars as pl

LOST_DAYS = {
    "lost_leave_days": "leave",
    "lost_sickness_days": "sickness",
    "lost_restricted_days": "restricted duties",
    "lost_other_days": "training or other",
}


def reasons(officers: pl.DataFrame, full_time_hours: float) -> pl.Series:
    """One text per officer, e.g. "24 of 40 hours; sickness 3 days; leave 2 days", or "full capacity"."""
    texts = []
    for row in officers.iter_rows(named=True):
        parts = []
        if row["contracted_hours"] < full_time_hours:
            parts.append(f"{row['contracted_hours']:g} of {full_time_hours:g} hours")
        for column, reason in LOST_DAYS.items():
            if row[column] > 0:
                parts.append(f"{reason} {row[column]:g} of {row['working_days']} working days")
        if row["working_days"] == 0:
            parts.append("no working day in post this month")
        texts.append("; ".join(parts) or "full capacity")
    return pl.Series("why_reduced", texts, dtype=pl.String)
