"""Overview: the monthly workload review in one screen, headline figures, attention list and trend."""

import polars as pl
import streamlit as st

from unitload import app
from unitload.charts import workload as charts
from unitload.review import headline

app.require_frame(__file__)

TREND_MONTHS = 24

page = app.figure_page("Monthly workload review")
source, filters, settings = page.source, page.filters, page.settings
preparing = app.preparing()  # month-end snapshots still being made: the headline's two month ends only
trend = {"months": 2 if preparing else TREND_MONTHS} | filters.params
app.prefetch(  # in the order the page reads them, two at a time while it draws
    source,
    *app.opening_queries(source, filters.as_of),
    ("workload_months", trend),
    ("workload_officers", filters.params),
    ("attention_list", filters.params),
)
opening = st.container()  # the review opens with what was decided and what is overdue: written once it is found

months = app.query(source, "workload_months", **trend)
now = months.row(-1, named=True)
before = months.row(-2, named=True) if months.height > 1 else {}
officers = page.with_names(app.query(source, "workload_officers", **filters.params))

figures = headline.figures(settings)
for tile, figure in zip(app.tiles(len(figures)), figures, strict=True):
    delta = headline.change(figure, now, before)
    app.figure_tile(
        tile,
        figure.label,
        headline.shown(figure, now),
        f"{delta:+d} point{'s' if abs(delta) > 1 else ''}" if delta and figure.column == "load_pct" else delta,
        delta_color="off" if not figure.worse_up or not delta else "inverse",
        delta_arrow="off" if delta == 0 else "auto",
        help=page.term(figure.term),
    )
    # a count of people: who they are, one click away
    if figure.people is not None and now[figure.people_count or figure.column]:
        who = officers.filter(figure.people)
        # Made when opened, as one list: a region counts thousands, and drawing the tiles' lists on every run
        # took 0.12-0.15 s of a region's 0.51-0.59 s month change.
        box = tile.popover(
            f"Who ({who.height})", key=f"overview_who_{figure.column}", width="stretch", on_change="rerun"
        )
        if not box.open:
            continue
        lines = who.sort("load_pct", descending=True, nulls_last=False).select(
            pl.format(
                "- [{}]({}) · {} · {}",
                app.escaped_column(pl.col("officer")),
                app.view_link_column("workload", "one-officer", officer=pl.col("officer_id")),
                app.escaped_column(pl.col("team")),
                pl.when(pl.col("load_pct").is_null())
                .then(pl.lit("no capacity"))
                .otherwise(pl.col("load_pct").round().cast(pl.Int64).cast(pl.String) + " %"),
            )
        )
        box.markdown("\n".join(lines.to_series()))
st.caption(
    "Changes are against the previous month end; red means worse. Hover over the ? beside a figure for its "
    "definition; “Who” lists the officers a figure counts."
)

st.header("Needs a decision this month")
attention = app.query(source, "attention_list", **filters.params)
app.decisions_opening(source, filters.as_of, where=opening)  # the list read the day's status: found by now
if attention.is_empty():
    st.success("Nothing in this scope needs a decision this month.")
else:
    shown = app.with_attention_links(app.with_decision(page.with_names(attention)))
    app.attention_table(shown, "overview_attention")
    app.downloads(
        shown.select(
            "rank",
            "priority",
            "item",
            "case_id",
            "officer",
            "team",
            "reasons",
            "decision",
            "detail",
            "link",
        ),
        "attention-list",
        "overview_attention",
        filters=filters,
    )
    first = int(attention["priority"].sum())
    st.caption(
        f"{attention.height} items, most urgent first; the first {first} (group “first”) have an inherited "
        f"unprogressed case or a long-term absent holder, or hold one. A case or officer id opens its view, with "
        f"this month and these teams, in a new tab. {page.term_on_the_day('attention list')}"
    )
    # Made when opened, as one list: a force's thousands of items drawn on every run, one element each, took
    # seconds of each Overview run and made the page heavy in the browser.
    box = st.expander("Every reason in full", key="overview_reasons", on_change="rerun")
    if box.open:
        lines = shown.select(
            pl.format(
                "{}. [**{} {}**]({}) ({}): {}",
                "rank",
                "item",
                app.escaped_column(pl.when(pl.col("item") == "case").then("case_id").otherwise("officer")),
                "link",
                app.escaped_column(pl.col("reasons")),
                app.escaped_column(pl.col("detail")),
            )
        )
        box.markdown("\n".join(lines.to_series()))  # one numbered list: read as a list, one element
    app.decision_form_for_list(source, filters.as_of, shown)

pack_help = (
    "These figures, the attention list, decisions, the workload chart, case ageing and forensic queue summaries, "
    "and the definitions, of the units and teams chosen here; officer names only when shown here."
)
stem = f"monthly-pack-{source.extract.extract_id}-{filters.as_of.isoformat()}"
html_box, pdf_box = st.columns(2, width=480)
html_box.download_button(
    "Monthly pack (HTML)",
    data=app.monthly_pack_maker(source, filters),
    file_name=f"{stem}.html",
    mime="text/html",
    on_click="ignore",
    icon=":material/description:",
    help=f"One self-contained file (charts included, opens with no network): {pack_help}",
    key="overview_pack",
)
pdf_box.download_button(
    "Monthly pack (PDF)",
    data=app.monthly_pack_maker(source, filters, pdf=True) if app.can_print() else b"",
    file_name=f"{stem}.pdf",
    mime="application/pdf",
    on_click="ignore",
    icon=":material/picture_as_pdf:",
    help=f"The same pack printed to A4 landscape (takes a few seconds): {pack_help}"
    if app.can_print()
    else "The server has no Chromium to print the pack with (Debian's package chromium).",
    disabled=not app.can_print(),
    key="overview_pack_pdf",
)

st.header(f"Trend over the last {TREND_MONTHS if preparing else months.height} month ends")
page.trend(lambda: charts.trend(months), "overview_trend", "Trend of the headline figures", TREND_MONTHS)

definitions_box = st.expander("Definitions")
for name in (
    "unit load",
    "caseholders",
    "overloaded",
    "sustained overload",
    "part-time at full load",
    "long-term absent",
    "unprogressed",
    "officer in charge long-term absent",
    "unallocated",
    "forensic queue",
):
    definitions_box.markdown(f"**{name}**: {page.term(name)}")
