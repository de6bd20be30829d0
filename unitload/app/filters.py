"""The shared sidebar's choices: the review month, the unit and team scope, and whether names show."""

from __future__ import annotations

import polars as pl
import streamlit as st

from unitload.access.names import labelled
from unitload.app.cache import query
from unitload.app.run import this_run
from unitload.app.share import share_link
from unitload.app.text import escaped
from unitload.app.view import Filters
from unitload.extract.db import Source
from unitload.months import month_ends, month_label


def sidebar_filters(source: Source) -> Filters:
    """Month picker, unit and team filters and the names toggle, drawn by the frame for every page.

    Month, unit and teams live in the URL (`?month=October+2026&unit=POLIT&teams=POLIT-B`) so a link
    reproduces the view; a value the extract does not have falls back to the default, with a notice.
    The choices are kept on this run (`this_run().filters`), where pages, exports and the audit read them.
    """
    run = this_run()
    first = query(source, "history_span")["first_day"][0]
    days = month_ends(first, source.extract.as_of)
    teams = query(source, "teams", as_of=source.extract.as_of)
    units = sorted(teams["unit"].unique().to_list())
    with st.sidebar:
        st.subheader("Review")
        notice_unknown("month", {month_label(d) for d in days}, "month")
        notice_unknown("unit", {"All units", *units}, "unit")
        notice_unknown("teams", set(teams["team"].to_list()), "team")
        day = st.selectbox(
            "Month",
            days,
            format_func=month_label,
            key="month",
            bind="query-params",
            help="Figures are taken at the month's last day, or at the extract's as-of day for its own month.",
        )
        unit = st.selectbox("Unit", ["All units", *units], key="unit", bind="query-params")
        chosen_units = None if unit == "All units" else [unit]
        options = teams if chosen_units is None else teams.filter(pl.col("unit").is_in(chosen_units))
        valid = set(options["team"].to_list())
        if any(t not in valid for t in st.session_state.get("teams", [])):  # the unit changed
            st.session_state["teams"] = [t for t in st.session_state["teams"] if t in valid]
        chosen_teams = st.multiselect(
            "Teams", options["team"].to_list(), key="teams", bind="query-params", placeholder="All teams"
        )
        # never bound to the URL: a link must not reveal names to whoever opens it
        if run.scope.names:
            st.toggle("Show names", key="sidebar_names", help="Officers are shown by id unless names are revealed.")
        else:
            st.caption("Officers are shown by id: your role does not see names.")
        share_link()
    scope_teams = list(run.scope.teams) if run.scope.teams else None
    run.filters = Filters(day, chosen_units, chosen_teams or scope_teams)
    return run.filters


def notice_unknown(param: str, valid: set[str], what: str) -> None:
    """Say so when a link asks for a value this extract does not have (the widget then falls back)."""
    unknown = [v for v in st.query_params.get_all(param) if v and v not in valid]
    if unknown:
        st.warning(
            f"The link's {what} {', '.join(escaped(v) for v in unknown)} is not in this extract; "
            "showing the default instead."
        )


def names_visible() -> bool:
    """Names are shown when the user's role may see them and the sidebar's "Show names" is on."""
    return this_run().scope.names and bool(st.session_state.get("sidebar_names", False))


def with_names(source: Source, frame: pl.DataFrame, column: str = "officer_id", label: str = "officer") -> pl.DataFrame:
    """Add a `label` column: the officer id, or "Name (id)" when names are shown."""
    names = dict(query(source, "officer_names").iter_rows()) if names_visible() else {}
    return labelled(frame, names, column, label)
