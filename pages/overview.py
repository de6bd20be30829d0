"""Overview: the monthly workload review in one screen, headline figures, attention list and trend."""

import polars as pl
import streamlit as st

from unitload import app, charts, headline

app.require_frame(__file__)

TREND_MONTHS = 24

page = app.figure_page("Monthly workload review")
source, filters, settings = page.source, page.filters, page.settings

months = app.query(
    source, "workload_months", months=TREND_MONTHS + settings.capacity.sustained_months - 1, **filters.params
).tail(TREND_MONTHS)
now = months.row(-1, named=True)
before = months.row(-2, named=True) if months.height > 1 else {}


tiles = headline.figures(settings)
for start in range(0, len(tiles), 4):
    for column, figure in zip(st.columns(4), tiles[start : start + 4], strict=False):
        delta = headline.change(figure, now, before)
        column.metric(
            figure.label,
            headline.shown(figure, now),
            f"{delta:+.0f} points" if delta is not None and figure.column == "load_pct" else delta,
            delta_color="off" if not figure.worse_up else "inverse",
            help=page.term(figure.term),
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
    page.table(
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
