"""The review calendar: the as-of day stands for its own month, earlier months by their last day.

The SQL macro `month_ends` (queries/_macros.sql) gives the same days inside a query;
`tests/test_queries.py` checks that the two agree. Everything else (the sidebar's months, the
pack's month, the spans of trends, the snapshots' days) asks this module.
"""

from __future__ import annotations

import datetime as dt


def month_end_days(as_of: dt.date, months: int) -> list[dt.date]:
    """`as_of`, then the last day of each of the `months - 1` months before it (newest first)."""
    days = [as_of]
    first = as_of.replace(day=1)
    for _ in range(months - 1):
        days.append(first - dt.timedelta(days=1))
        first = days[-1].replace(day=1)
    return days


def months_spanned(first_day: dt.date | None, as_of: dt.date) -> int:
    """How many calendar months run from the month of `first_day` to that of `as_of`, both counted (at least 1)."""
    first = first_day or as_of
    return max(1, (as_of.year - first.year) * 12 + as_of.month - first.month + 1)


def month_ends(first_day: dt.date | None, as_of: dt.date) -> list[dt.date]:
    """Every review day from the month of `first_day` to `as_of` (newest first)."""
    return month_end_days(as_of, months_spanned(first_day, as_of))


def month_end(day: dt.date) -> dt.date:
    """The last day of the month of `day`."""
    return (day.replace(day=1) + dt.timedelta(days=32)).replace(day=1) - dt.timedelta(days=1)


def month_end_after(day: dt.date, months: int) -> dt.date:
    """The last day of the month `months` months after `day`'s: the planner's projection runs to it."""
    index = day.year * 12 + day.month - 1 + months
    return month_end(dt.date(index // 12, index % 12 + 1, 1))


def month_label(day: dt.date) -> str:
    """A review month's name, e.g. "October 2026": also its value in links."""
    return f"{day:%B %Y}"
