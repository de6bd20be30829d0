"""Case progression: ageing of open investigations, drifting and orphaned cases, and one case's timeline."""

import datetime as dt

import polars as pl
import streamlit as st

from unitload import app
from unitload.charts import cases as case_charts
from unitload.months import month_end_days, months_spanned

app.require_frame(__file__)

TREND_MONTHS = 24
PICK_LIMIT = 1_000  # the case picker offers the longest-unprogressed this many (5,000 were 44 kB); others are typed

page = app.figure_page("Case progression")
source, filters, settings = page.source, page.filters, page.settings
term = page.term
history = app.query(source, "history_span")["first_day"][0]
span = min(months_spanned(history, filters.as_of), TREND_MONTHS)  # the usual pace of the last two years
since = month_end_days(filters.as_of, TREND_MONTHS)[-1].replace(day=1)  # the first day of the oldest month shown
recent = filters.as_of.replace(day=1) - dt.timedelta(days=62)
pace = {"as_of": filters.as_of, "months": span, "units": filters.units}
app.prefetch(
    source,
    *((name, filters.params) for name in ("case_ageing", "age_bands")),
    ("progress_percentiles", pace),
    ("first_action_monthly", {"opened_since": since} | filters.params),
    ("first_action_clock", {"opened_since": recent} | filters.params),
    *(() if app.preparing() else [("unprogressed_trend", {"months": TREND_MONTHS} | filters.params)]),
)
cases = app.with_names(source, app.query(source, "case_ageing", **filters.params))
app.notice_unknown("cases_risks", {r.replace("_", " ") for r in case_charts.RISK_COLOURS}, "risk grade")
app.notice_unknown("cases_group", {"team", "officer in charge"}, "grouping")
app.notice_unknown("cases_band_holder", {"team", "officer"}, "holders")
app.notice_unknown("cases_band_measure", {"open cases", "weighted load"}, "measure")
risks = st.pills(
    "Risk grades",
    list(case_charts.RISK_COLOURS),
    selection_mode="multi",
    key="cases_risks",
    bind="query-params",
    format_func=lambda r: r.replace("_", " "),
    help="None chosen: every risk grade.",
)
if risks:
    cases = cases.filter(pl.col("risk_grade").is_in(risks))
lines = app.query(source, "progress_percentiles", **pace).row(0, named=True)

st.header("Ageing of open investigations")
left, right = st.columns([3, 1])
group = left.segmented_control(
    "Group by", ["team", "officer in charge"], default="team", key="cases_group", bind="query-params", required=True
)
log = right.toggle(
    "Log scale", value=True, key="cases_log", bind="query-params", help="Spreads the many recent cases apart."
)
chart = page.chart(
    case_charts.ageing(
        cases,
        group="oic_team" if group == "team" else "officer",
        percentiles={p: lines[p] for p in ("p50", "p85", "p95")},
        stale_days=settings.progress.stale_days,
        log=log,
    ),
    key="cases_ageing",
    on_select="rerun",
    selection_mode="points",
    what="Open cases by age",
)
st.caption(
    f"{cases.height} open cases. Dotted lines: the 50th, 85th and 95th percentiles of days since progress over "
    f"every case open at each of the last {lines['snapshots']} month ends "
    f"({lines['cases']} case-snapshots), the unit's usual pace. Dashed: stale_days. {term('unprogressed')} "
    "Click a point to open its timeline below."
)

st.header("Age bands")
bands = app.query(source, "age_bands", **filters.params)
left, right = st.columns([1, 3])
by = left.radio("Holders", ["team", "officer"], key="cases_band_holder", bind="query-params", horizontal=True)
measure = right.radio(
    "Measure",
    ["cases", "weighted_load"],
    key="cases_band_measure",
    bind="query-params",
    horizontal=True,
    format_func=lambda m: "open cases" if m == "cases" else "weighted load",
)
page.chart(
    case_charts.age_band_bars(bands.filter(pl.col("grouping") == by), measure=measure),
    key="cases_bands",
    what="Open cases by days since progress",
)
st.caption(
    f"Bands of days since the last progressing action, from the settings' age_bands {settings.progress.age_bands}."
)

st.header("Cases to act on")
LISTS = (  # tab, key, which cases, sorted by, columns beside the case's holder
    ("Unprogressed", "unprogressed", pl.col("unprogressed"), "days_since_progress",
     ["last_progress_on", "last_progress_type", "days_since_progress", "days_open"]),
    ("Review overdue", "review_overdue", pl.col("review_overdue"), "days_since_review",
     ["last_review_on", "days_since_review"]),
    ("Inherited", "inherited", pl.col("inherited"), "inherited_stall_days",
     ["assignment_reason", "assigned_from", "days_inherited", "inherited_stall_days"]),
    ("Holder long-term absent or left, unallocated", "holder_away",
     pl.col("oic_long_term_absent") | pl.col("oic_left") | pl.col("unallocated"), "days_since_progress",
     ["oic_long_term_absent", "oic_absence_kind", "oic_absent_since", "oic_left", "unallocated",
      "days_since_progress"]),
    # information only, never counted in a headline: a short absence is part of the normal working year
    ("Holder on a short absence (information)", "holder_short_absence",
     pl.col("oic_absent") & ~pl.col("oic_long_term_absent"), "days_since_progress",
     ["oic_absence_kind", "oic_absent_since", "oic_absent_until", "days_since_progress"]),
    ("Waiting on forensics", "forensic_pending", pl.col("forensic_pending") > 0, "oldest_forensic_days",
     ["forensic_pending", "oldest_forensic_stage", "oldest_forensic_days"]),
)  # fmt: skip
chosen = {}
tabs = st.tabs(  # only the open one's list is made; the open tab is in the link, so a shared link opens on it
    [t[0] for t in LISTS], key="list", bind="query-params", on_change="rerun"
)
for tab, (label, key, which, order, columns) in zip(tabs, LISTS, strict=True):
    if not tab.open:
        continue
    rows = cases.filter(which).sort(order, descending=True, nulls_last=True)
    rows = rows.select("case_id", "officer", "oic_team", "risk_grade", *columns)
    event = page.table(
        rows,
        key=f"cases_list_{key}",
        where=tab,
        name=f"Cases to act on: {label}",
        on_select="rerun",
        selection_mode="single-row",
        column_config={
            "oic_team": "team",
            "inherited_stall_days": st.column_config.NumberColumn(
                "days without progress since inherited", help=term("inherited")
            ),
        },
    )
    chosen[label] = rows["case_id"][event.selection.rows[0]] if event and event.selection.rows else None

st.header("First-action clocks")
clocks = app.query(source, "first_action_monthly", opened_since=since, **filters.params).tail(TREND_MONTHS)
page.chart(case_charts.clock_share(clocks), key="cases_clocks", what="First-action clocks met and missed")
days = settings.progress.first_action_days
st.caption(
    "A new case must see a progressing action within "
    + ", ".join(f"{days[g]} day(s) if {g.replace('_', ' ')}" for g in days)
    + " of being opened (settings: progress.first_action_days). The share counts the cases "
    "whose clock has run out: met or missed."
)
missed = app.query(source, "first_action_clock", opened_since=recent, **filters.params).filter(
    pl.col("clock_status") == "missed"
)
missed_label = f"{missed.height} cases opened since {recent:%B %Y} that missed their clock"
page.boxed_table(missed_label, missed.drop("opened_month"), "cases_missed")  # made when opened: a force's is big

st.header(f"Unprogressed cases by band over {TREND_MONTHS} month ends")
page.trend(
    lambda: case_charts.band_trend(app.query(source, "unprogressed_trend", months=TREND_MONTHS, **filters.params)),
    key="cases_band_trend",
    what="Unprogressed cases by band",
    months=TREND_MONTHS,
)

st.header("Case timeline", anchor="case-timeline")
points = chart.selection.points if chart and chart.selection else []
picked = case_charts.clicked(points)
for case_id in [*picked, *(c for c in chosen.values() if c)]:
    if case_id and case_id != st.session_state.get("_cases_last_pick"):
        st.session_state["_cases_last_pick"] = st.session_state["case"] = case_id
        break
options = cases["case_id"].head(PICK_LIMIT).to_list()  # case_ageing's order; a region's 60,000 cost 0.05 s a run
for asked in (st.query_params.get("case"), st.session_state.get("case")):  # a closed or filtered-out case
    if asked and asked not in options:
        options.append(asked)
case_id = st.selectbox(
    "Case",
    options,
    index=None,
    key="case",
    bind="query-params",
    accept_new_options=True,
    placeholder="Type or choose a case id, click a point or select a row above",
    help=f"Lists the {min(cases.height, PICK_LIMIT):,} open cases longest without progress; type any other case id.",
)
timeline = app.query(source, "case_timeline", as_of=filters.as_of, case_id=case_id) if case_id else None
if case_id and timeline.is_empty():  # a link to a case this extract (or this user's scope) does not hold
    st.warning(f"Case {app.escaped(case_id)} is not in this extract or not within your view.")
elif case_id:
    margin = dt.timedelta(days=14)  # either side of the first event shown (four years back at most) and D
    start = max(timeline["starts_on"].min(), filters.as_of.replace(year=filters.as_of.year - 4)) - margin
    figure = case_charts.case_timeline(timeline, start=start, end=filters.as_of + margin)
    page.chart(figure, key="cases_timeline", what="The case's timeline")
    st.caption("Actions (marks), officers in charge and why they took it, their absences, each device's stages.")
    app.decision_panel(source, filters.as_of, "case", case_id, f"case {case_id}", "cases_decide", owner=None)
