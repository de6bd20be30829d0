"""Overview: the monthly workload review in one screen, headline figures, attention list and trend."""

import polars as pl
import streamlit as st

from unitload import app, charts

app.require_frame(__file__)

TREND_MONTHS = 24

page = app.figure_page("Monthly workload review")
source, filters, settings = page.source, page.filters, page.settings

months = app.query(
    source, "workload_months", months=TREND_MONTHS + settings.capacity.sustained_months - 1, **filters.params
).tail(TREND_MONTHS)
now = months.row(-1, named=True)
before = months.row(-2, named=True) if months.height > 1 else {}


def shown(column: str) -> str:
    value = now[column]
    if column == "load_pct":
        return "no capacity" if value is None else f"{value:.0f} %"
    if column == "officers_overloaded":
        return f"{value} of {now['caseholders']}"
    if column == "forensic_oldest_days":
        return "none" if value is None else f"{value} days"
    if column == "unprogressed_over_90":
        return f"{value} / {now['unprogressed_over_180']} / {now['unprogressed_over_365']}"
    return str(value)


# label, column, definition, whether a rise is bad (None: no change shown)
FIGURES = [
    ("Open cases", "open_cases", "weighted_load", False),
    ("Unit load", "load_pct", "unit load", True),
    ("Officers overloaded", "officers_overloaded", "overloaded", True),
    (
        f"Overloaded {settings.capacity.sustained_months}+ months",
        "officers_sustained_overload",
        "sustained overload",
        True,
    ),
    ("Part-timers at full load", "part_time_full_load", "part-time at full load", True),
    ("Unprogressed cases", "unprogressed", "unprogressed", True),
    ("Over 90/180/365 days", "unprogressed_over_90", "unprogressed", None),
    ("Holder absent or left", "oic_absent_or_left", "officer in charge absent", True),
    ("Unallocated cases", "unallocated", "unallocated", True),
    ("Forensic queue", "forensic_items", "forensic queue", True),
    ("Oldest forensic item", "forensic_oldest_days", "exhibit age", True),
]
for start in range(0, len(FIGURES), 4):
    for column, (label, name, term, worse_up) in zip(st.columns(4), FIGURES[start : start + 4], strict=False):
        delta = None
        if worse_up is not None and now[name] is not None and before.get(name) is not None:
            delta = now[name] - before[name]
            delta = f"{delta:+.0f} points" if name == "load_pct" else delta
        column.metric(
            label,
            shown(name),
            delta,
            delta_color="off" if not worse_up else "inverse",
            help=page.term(term),
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
    linked = app.with_names(source, attention, "officer_id").with_columns(
        link=pl.when(pl.col("item") == "case")
        .then(pl.format("cases?case={}", pl.col("case_id")))
        .otherwise(pl.format("workload?officer={}", pl.col("officer_id")))
    )
    app.table(
        linked.select("severity", "item", pl.col("case_id").fill_null("—"), "officer", "team", "detail", "link"),
        key="overview_attention",
        column_config={
            "severity": st.column_config.NumberColumn("severity", help=page.term("attention list"), width="small"),
            "case_id": "case",
            "detail": st.column_config.TextColumn("why", width="large"),
            "link": st.column_config.LinkColumn("act on it", display_text="open ›"),
        },
    )
    st.caption(f"{attention.height} items, most severe first. {page.term('attention list')}")

st.download_button(
    "Monthly pack (HTML)",
    data=app.monthly_pack_maker(source, filters.as_of),
    file_name=f"monthly-pack-{source.extract.extract_id}-{filters.as_of.isoformat()}.html",
    mime="text/html",
    on_click="ignore",
    icon=":material/description:",
    help="One self-contained file (charts included, opens with no network): these figures, the attention list, "
    "the workload chart, case ageing and forensic queue summaries, and the definitions. All units; officer names "
    "only when shown here.",
    key="overview_pack",
)

st.header(f"Trend over the last {months.height} month ends")
st.plotly_chart(charts.trend(months), key="overview_trend")

definitions_box = st.expander("Definitions")
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
    definitions_box.markdown(f"**{name}**: {page.term(name)}")
