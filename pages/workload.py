"""Officer workload: load against FTE-adjusted capacity, why capacity is reduced, 12-month strip, roll-up."""

import datetime as dt

import polars as pl
import streamlit as st

from unitload import app
from unitload.charts import workload as charts
from unitload.planning.capacity import reasons

app.require_frame(__file__)

STRIP_MONTHS = 12

page = app.figure_page("Officer workload")
source, filters, settings = page.source, page.filters, page.settings
term = page.term
cap = settings.capacity


series = app.query(source, "workload_officers", months=STRIP_MONTHS, **filters.params)
series = app.with_names(source, series, label="label").with_columns(
    label=pl.when(pl.col("fte") < 1).then(pl.format("{} · {} FTE", "label", pl.col("fte").round(2))).otherwise("label")
)
caseholders = series.filter(pl.col("caseholder"))
now = caseholders.filter(pl.col("month_index") == 0)

st.header("Load against capacity")
adjusted = st.toggle(
    "FTE-adjusted capacity",
    value=True,
    key="workload_adjusted",
    bind="query-params",
    help="Off: load against a full-timer's points, as raw case counts suggest. On: against each "
    "officer's own capacity, allowing for hours and absences.",
)
page.chart(
    charts.load_bars(now, adjusted=adjusted, overload_pct=cap.overload_pct, points_per_fte=cap.points_per_fte),
    key="workload_bars",
    what="Load per officer",
)
if adjusted:
    st.caption(
        f"Red: overloaded (above {cap.overload_pct:g} % of their own capacity). Orange: part-time. "
        f"{term('load_pct')} {term('capacity_points')}"
    )
else:
    st.caption(
        f"Raw load: each officer's weighted load as a % of a full-timer's {cap.points_per_fte:g} points, as case "
        f"counts suggest. Red: above {cap.overload_pct:g} % of those points. Orange: part-time. Turn "
        "FTE-adjusted capacity on to see the load against each officer's own hours and absences."
    )

st.header("Why capacity is reduced")
table = now.with_columns(reasons(now, cap.full_time_hours)).sort("load_pct", descending=True, nulls_last=False)
page.table(
    table.select(
        "label",
        "team",
        "why_reduced",
        "contracted_hours",
        "fte",
        "availability",
        "capacity_points",
        "weighted_load",
        "open_cases",
        "load_pct",
        "overloaded",
        "part_time_full_load",
        "long_term_absent",
    ),
    key="workload_capacity",
    name="Why capacity is reduced",
    row_height=72,  # above 4rem Streamlit wraps a cell: the reasons read to their end, not cut mid-word
    column_config={
        "label": "officer",
        "contracted_hours": st.column_config.NumberColumn("hours", format="%g"),
        "fte": st.column_config.NumberColumn("FTE", format="%.2f", help=term("fte")),
        "availability": st.column_config.ProgressColumn(
            "availability", min_value=0, max_value=1, format="percent", help=term("availability")
        ),
        "capacity_points": st.column_config.NumberColumn("capacity", format="%.1f"),
        "weighted_load": st.column_config.NumberColumn("load", format="%.2f", help=term("weighted_load")),
        "load_pct": st.column_config.NumberColumn("load %", format="%.0f %%", help=term("load_pct")),
        "part_time_full_load": st.column_config.CheckboxColumn(
            "part-time at full load", help=term("part-time at full load")
        ),
        "why_reduced": st.column_config.TextColumn("why capacity is reduced", width="large"),
        "long_term_absent": st.column_config.CheckboxColumn("long-term absent", help=term("long-term absent")),
    },
)

st.header(f"Load over the last {STRIP_MONTHS} month ends")
page.chart(
    charts.heat_strip(caseholders, overload_pct=cap.overload_pct), key="workload_strip", what="Load at each month end"
)
st.caption(f"Each cell is load_pct at a month end; {term('sustained overload')}")

st.header("Along the chain of responsibility")
rollup = app.query(source, "officer_rollup", **filters.params)
rollup = app.with_names(source, app.with_names(source, rollup, "inspector_id", "inspector"), "sergeant_id", "sergeant")
page.table(
    rollup.select(
        "level",
        "inspector",
        pl.col("team").fill_null("all teams"),
        "sergeant",
        "caseholders",
        "officers_overloaded",
        "officers_sustained_overload",
        "part_time_full_load",
        "load_pct",
        "open_cases",
        "unprogressed",
        "review_overdue",
    ),
    key="workload_rollup",
    name="Load along the chain of responsibility",
    column_config={
        "load_pct": st.column_config.NumberColumn("load %", format="%.0f %%", help=term("unit load")),
        "officers_overloaded": st.column_config.NumberColumn("overloaded", help=term("overloaded")),
        "officers_sustained_overload": st.column_config.NumberColumn("sustained", help=term("sustained overload")),
        "part_time_full_load": st.column_config.NumberColumn(
            "part-time at full load", help=term("part-time at full load")
        ),
        "unprogressed": st.column_config.NumberColumn("unprogressed cases", help=term("unprogressed")),
        "review_overdue": st.column_config.NumberColumn("reviews overdue", help=term("review overdue")),
    },
)

st.header("One officer", anchor="one-officer")
options = now.sort("label")["officer_id"].to_list()
labels = dict(zip(now["officer_id"], now["label"], strict=True))
app.notice_unknown("officer", set(options), "officer")
# ids only in the choice: it is bound to the link (?officer=P1019), which must never carry a name
chosen = st.selectbox(
    "Officer", options, index=None, key="officer", bind="query-params", placeholder="Choose an officer"
)
if chosen:
    app.decision_panel(source, filters.as_of, "officer", chosen, labels[chosen], "workload_decide", owner=None)
    cases = app.query(source, "officer_cases", as_of=filters.as_of, officer_id=chosen)
    st.subheader(f"Open cases of {app.escaped(labels[chosen])}")
    page.table(
        cases,
        key="workload_officer_cases",
        name=f"Open cases of {labels[chosen]}",
        column_config={
            "days_since_progress": st.column_config.NumberColumn("days since progress", help=term("unprogressed")),
            "inherited": st.column_config.CheckboxColumn("inherited", help=term("inherited")),
            "forensic_pending": st.column_config.NumberColumn("devices waiting", help=term("forensic queue")),
        },
    )
    history = app.query(source, "officer_history", as_of=filters.as_of, officer_id=chosen)
    st.subheader("Contracts and absences")
    start = filters.as_of.replace(year=filters.as_of.year - 3)
    page.chart(
        charts.timeline(history, start=start, end=filters.as_of + dt.timedelta(days=30)),
        key="workload_timeline",
        what="Contracts and absences",
    )
    st.caption("The last three years; drag or zoom the axis for earlier history.")
