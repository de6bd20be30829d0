"""Widgets the pages' forms share."""

from __future__ import annotations

import datetime as dt


def day_box(where, label: str, first: dt.date, last: dt.date, default: dt.date | None, key: str, **options):
    """A day from `first` to `last`, typed or chosen from a box of days: a date field's day, month and year parts
    are smaller than WCAG 2.2's 24-pixel targets (axe-core's `target-size`)."""
    days = [first + dt.timedelta(days=n) for n in range((last - first).days + 1)]
    return where.selectbox(
        label,
        days,
        index=None if default is None else days.index(default),
        format_func=lambda d: f"{d:%a %d %b %Y} ({d.isoformat()})",
        key=key,
        placeholder="no end" if default is None else "choose a day",
        **options,
    )
