"""The headline figures of the monthly workload review: one list for the Overview's tiles and the pack.

Each figure is a column of `workload_months`, with its label, the definition that explains it, and
whether a rise is worse (None: no change is shown).
"""

from __future__ import annotations

from dataclasses import dataclass

import polars as pl

from unitload.settings import Settings


@dataclass(frozen=True)
class Figure:
    label: str
    column: str  # in workload_months
    term: str  # its definition (unitload.review.definitions)
    worse_up: bool | None  # True: a rise is worse; None: no change is shown
    people: pl.Expr | None = None  # a figure that counts officers: who they are, over officer_load's rows
    people_count: str | None = None  # the column counting them, when not `column`


def figures(settings: Settings) -> tuple[Figure, ...]:
    return (
        Figure("Open cases", "open_cases", "weighted_load", False),
        Figure("Unit load", "load_pct", "unit load", True),
        Figure("Officers overloaded", "officers_overloaded", "overloaded", True, pl.col("overloaded")),
        Figure(
            f"Overloaded {settings.capacity.sustained_months}+ months",
            "officers_sustained_overload",
            "sustained overload",
            True,
            pl.col("sustained_overload"),
        ),
        Figure(
            "Part-timers at full load",
            "part_time_full_load",
            "part-time at full load",
            True,
            pl.col("part_time_full_load"),
        ),
        Figure(  # shown "0 of 1": none holding a case, of the one long-term absent; "Who" lists every absentee
            "Long-term absent, holding cases",
            "long_term_absent_holding_cases",
            "long-term absent",
            True,
            pl.col("long_term_absent"),
            "long_term_absent_officers",
        ),
        Figure("Unprogressed cases", "unprogressed", "unprogressed", True),
        Figure("Over 90/180/365 days", "unprogressed_over_90", "unprogressed", None),
        Figure(
            "Holder away long-term/left",
            "oic_long_term_absent_or_left",
            "officer in charge long-term absent",
            True,
        ),
        Figure("Unallocated cases", "unallocated", "unallocated", True),
        Figure("Forensic queue", "forensic_items", "forensic queue", True),
        Figure("Oldest forensic item", "forensic_oldest_days", "exhibit age", True),
    )


def shown(figure: Figure, now: dict) -> str:
    """The figure's value in `now` (a workload_months row) as words and numbers."""
    value = now[figure.column]
    if figure.column == "load_pct":
        return "no capacity" if value is None else f"{value:.0f} %"
    if figure.column == "officers_overloaded":
        return f"{value} of {now['caseholders']}"
    if figure.column == "long_term_absent_holding_cases":
        return f"{value} of {now['long_term_absent_officers']}"
    if figure.column == "forensic_oldest_days":
        return "none" if value is None else f"{value} days"
    if figure.column == "unprogressed_over_90":
        return f"{value} / {now['unprogressed_over_180']} / {now['unprogressed_over_365']}"
    return str(value)


def change(figure: Figure, now: dict, before: dict) -> float | None:
    """The change on the month end before (`before`: its row, or empty), or None when none is shown."""
    value, was = now[figure.column], before.get(figure.column)
    if figure.worse_up is None or value is None or was is None:
        return None
    if figure.column == "load_pct":  # the change between the whole points shown: 92 % on 90 % is +2, never "-0"
        return round(value) - round(was)
    return value - was


def change_text(figure: Figure, now: dict, before: dict) -> str:
    """The change in words: "+3 points (up is worse)", "no change", or "" when none is shown."""
    delta = change(figure, now, before)
    if delta is None:
        return ""
    if delta == 0:
        return "no change"
    unit = (" point" if abs(delta) == 1 else " points") if figure.column == "load_pct" else ""
    return f"{delta:+.0f}{unit} ({'up is worse' if figure.worse_up else 'up is not worse'})"


def worded_label(figure: Figure) -> str:
    """The figure's label in a sentence (a message, the pack), where a tile's short label would puzzle."""
    return "Unprogressed cases over 90 / 180 / 365 days" if figure.column == "unprogressed_over_90" else figure.label


def shown_worded(figure: Figure, now: dict) -> str:
    """`shown`, with the noun a bare number lacks."""
    if figure.column == "unprogressed_over_90":
        return f"{shown(figure, now)} cases"
    return shown(figure, now)


def change_worded(figure: Figure, now: dict, before: dict) -> str:
    """`change_text`, and for the age bands the month end before's own figures."""
    if figure.column == "unprogressed_over_90" and before.get("unprogressed_over_90") is not None:
        return f"was {shown(figure, before)}"
    return change_text(figure, now, before)
