"""Overview: the monthly workload review in one screen, headline figures, attention list and trend."""

import polars as pl
import streamlit as st

from unitload import app, charts
from unitload.definitions import definition

app.require_frame(__file__)

TREND_MONTHS = 24

current = app.loaded()
source = app.require_servable(current)
filters = app.filters()
settings = source.settings
term = lambda name: definition(settings, name)  # noqa: E731 - a short alias for help texts

st.title("Monthly workload review")
st.caption(f"{app.month_label(filters.as_of, source.extract.as_of)} · {filters.scope} · as of {filters.as_of:%d %b %Y}")

months = app.query(
    source, "workload_months", months=TREND_MONTHS + settings.capacity.sustained_months - 1, **filters.params
).tail(TREND_MONTHS)
now = months.row(-1, named=True)
before = months.row(-2, named=True) if months.height > 1 else None


def change(column: str):
    if before is None or now[column] is None or before[column] is None:
        return None
    return now[column] - before[column]


first, second, third, fourth = st.columns(4)
first.metric(
    "Open cases", now["open_cases"], change("open_cases"), delta_color="off", help=term("weighted_load"), border=True
)
load = now["load_pct"]
second.metric(
    "Unit load",
    "no capacity" if load is None else f"{load:.0f} %",
    None if change("load_pct") is None else f"{change('load_pct'):+.0f} points",
    delta_color="inverse",
    help=term("unit load"),
    border=True,
)
third.metric(
    "Officers overloaded",
    f"{now['officers_overloaded']} of {now['caseholders']}",
    change("officers_overloaded"),
    delta_color="inverse",
    help=term("overloaded"),
    border=True,
)
fourth.metric(
    f"Overloaded {settings.capacity.sustained_months}+ months",
    now["officers_sustained_overload"],
    change("officers_sustained_overload"),
    delta_color="inverse",
    help=term("sustained overload"),
    border=True,
)
first, second, third, fourth = st.columns(4)
first.metric(
    "Part-timers at full load",
    now["part_time_full_load"],
    change("part_time_full_load"),
    delta_color="inverse",
    help=term("part-time at full load"),
    border=True,
)
second.metric(
    "Unprogressed cases",
    now["unprogressed"],
    change("unprogressed"),
    delta_color="inverse",
    help=term("unprogressed"),
    border=True,
)
third.metric(
    "Unprogressed > 90/180/365 d",
    f"{now['unprogressed_over_90']} / {now['unprogressed_over_180']} / {now['unprogressed_over_365']}",
    help=term("unprogressed"),
    border=True,
)
fourth.metric(
    "Holder absent or left",
    now["oic_absent_or_left"],
    change("oic_absent_or_left"),
    delta_color="inverse",
    help=term("officer in charge absent"),
    border=True,
)
first, second, third, _ = st.columns(4)
first.metric(
    "Unallocated cases",
    now["unallocated"],
    change("unallocated"),
    delta_color="inverse",
    help=term("unallocated"),
    border=True,
)
second.metric(
    "Forensic queue",
    now["forensic_items"],
    change("forensic_items"),
    delta_color="inverse",
    help=term("forensic queue"),
    border=True,
)
oldest = now["forensic_oldest_days"]
third.metric(
    "Oldest forensic item",
    "none" if oldest is None else f"{oldest} days",
    change("forensic_oldest_days"),
    delta_color="inverse",
    help=term("exhibit age"),
    border=True,
)
st.caption(
    "Changes are against the previous month end; red means worse. Hover over the ? beside a figure for its definition."
)

st.header("Needs a decision this month")
attention = app.query(source, "attention_list", months=settings.capacity.sustained_months, **filters.params)
if attention.is_empty():
    st.success("Nothing in this scope needs a decision this month.")
else:
    shown = app.with_names(source, attention, "officer_id").with_columns(
        link=pl.when(pl.col("item") == "case")
        .then(pl.format("cases?case={}", pl.col("case_id")))
        .otherwise(pl.format("workload?officer={}", pl.col("officer_id")))
    )
    st.dataframe(
        shown.select("severity", "item", pl.col("case_id").fill_null("—"), "officer", "team", "detail", "link"),
        hide_index=True,
        column_config={
            "severity": st.column_config.NumberColumn("severity", help=term("attention list"), width="small"),
            "case_id": "case",
            "detail": st.column_config.TextColumn("why", width="large"),
            "link": st.column_config.LinkColumn("act on it", display_text="open ›"),
        },
        key="overview_attention",
    )
    st.caption(f"{attention.height} items, most severe first. {term('attention list')}")

st.header(f"Trend over the last {months.height} month ends")
st.plotly_chart(charts.trend(months), key="overview_trend")

with st.expander("Definitions"):
    for name in (
        "unit load",
        "caseholders",
        "overloaded",
        "sustained overload",
        "part-time at full load",
        "unprogressed",
        "officer in charge absent",
        "unallocated",
        "forensic queue",
    ):
        st.markdown(f"**{name}**: {term(name)}")
