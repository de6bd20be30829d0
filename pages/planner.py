"""Staffing planner: build a what-if scenario with forms, see it beside the baseline on a day and month by
month over the next year, with named scenarios side by side."""

import polars as pl
import streamlit as st

from unitload import app
from unitload.app import planning
from unitload.charts import planner as planner_charts
from unitload.planning.planner import after_the_day
from unitload.planning.projection import backlog_by_month, monthly

app.require_frame(__file__)

page = app.figure_page("Staffing planner")
source, settings = page.source, page.settings
as_of = source.extract.as_of
st.caption(
    f"Changes apply on top of the extract as of {as_of:%d %b %Y}: its booked leave, contract changes and leavers "
    "count, and its open cases are carried forward."
)
scenario, compare = planning.current(), planning.kept()
days = planning.measure_days(as_of)
on = st.selectbox(
    "Measure on",
    days,
    index=0,  # the extract's day, as `unitload plan` measures by default
    format_func=lambda d: f"{d:%d %B %Y}",
    key="on",
    bind="query-params",
    help="Both baseline and scenario are measured on this day (the extract's day, as `unitload plan` by default, "
    "or a month end up to two years ahead): every figure is of the day itself.",
)
planning.forms(page, scenario, on)
for warning in after_the_day(scenario, on):
    st.warning(f"{warning[0].upper()}{warning[1:]}; choose a later day under “Measure on”.", icon=":material/event:")

st.subheader(f"Scenario: {app.escaped(scenario.name)}")
if not scenario.changes:
    st.info("No changes yet: add one above. The figures below are the baseline.")
for index, change in enumerate(scenario.changes):
    left, right = st.columns([6, 1])
    left.markdown(f"{index + 1}\\. {app.escaped(change.describe())}")
    if right.button("Remove", key=f"planner_remove_{index}"):
        planning.store(scenario.without(index))
left, right = st.columns([3, 2])
name = left.text_input(
    "Name", scenario.name, max_chars=60, key="planner_name", help="Letters, digits and . , : ( ) - /"
)
if name != scenario.name:
    planning.rename(scenario, name)
if right.button(
    f"Keep for comparison ({len(compare)} of {planning.KEPT})",
    disabled=not scenario.changes,
    help="Keeps this scenario beside the baseline and starts a new one.",
):
    planning.store(planning.fresh(compare, scenario), compare=[*compare, scenario][-planning.KEPT :])

base, plan = app.plan(source, "", on), app.plan(source, scenario.text(), on)
before, after = base.headline, plan.headline
FIGURES = (  # label, key, definition
    ("Officers overloaded", "overloaded", "overloaded"),
    ("Part-timers at full load", "part_time_full_load", "part-time at full load"),
    ("Holding cases with no capacity", "no_capacity_holding_cases", "capacity_points"),
    ("Capacity used", "capacity_used_pct", "unit load"),
)
for col, (label, key, term) in zip(app.tiles(len(FIGURES)), FIGURES, strict=True):
    value, was = after[key], before[key]
    shown = "no capacity" if value is None else f"{value:.0f} %" if key == "capacity_used_pct" else value
    delta = None if value is None or was is None else round(value - was, 1)
    app.figure_tile(col, label, shown, delta, delta_color="inverse", help=page.term(term))
st.caption(f"Measured on {on:%d %b %Y}; changes are scenario minus baseline (red: worse).")
page.chart(
    planner_charts.load_comparison(
        page.with_names(base.officers, label="label"),
        page.with_names(plan.officers, label="label"),
        overload_pct=settings.capacity.overload_pct,
    ),
    key="planner_loads",
    what="Load, baseline and scenario",
)

st.subheader("Forensic queue")
plans = planning.labels(scenario, compare)  # the baseline, the kept scenarios and the one being built
outcomes = {label: base if label == "baseline" else app.plan(source, text, on) for label, text in plans.items()}
page.table(planner_charts.forecast_table(outcomes, as_of), key="planner_forecast", name="Forensic queue forecast")
page.chart(
    planner_charts.fans(base.forecast.fan, plan.forecast.fan, as_of=as_of),
    key="planner_fans",
    what="Forensic backlog, baseline and scenario",
)
st.caption(
    plan.forecast.method + " A scenario's examiner FTE adds the unit's completions per examiner FTE-week to each "
    "week from its day (a new forensic examiner post likewise, from the day it is filled)."
)

st.header("The next 12 months", anchor="projection")
rows = {label: app.projected(source, text) for label, text in plans.items()}
days = sorted(rows["baseline"]["as_of"].unique().to_list())
forecasts = {label: app.plan(source, text, on).forecast for label, text in plans.items()}
summary = pl.concat(
    monthly(frame).with_columns(
        plan=pl.lit(label), backlog=pl.Series(backlog_by_month(forecasts[label], as_of, days), dtype=pl.Float64)
    )
    for label, frame in rows.items()
)
st.caption(
    "Cases arrive and close as each team's did over the last 12 months: k months ahead a team gains k times its "
    "mean monthly intake (weighted as the workload is), shared among its caseholders by capacity, and loses k "
    "times its mean monthly closures, shared by the load each holds. The shaded band holds 80 % of outcomes "
    "if months vary as they did (1.28 times the spread of the monthly net flow, times the square root of k). "
    "Leave, contract changes and leavers already in the extract count."
)
page.chart(planner_charts.projection_lines(summary), key="planner_projection", what="The next 12 months")
same = planner_charts.coinciding(summary)
if same:
    st.caption(
        "Lines that lie on each other: "
        + "; ".join(f"{app.escaped(a)} and {app.escaped(b)} have the same figures at every month end" for a, b in same)
        + ". Each plan has its own dash and marker; the earlier is drawn wider, underneath."
    )
page.table(planner_charts.projection_table(summary), key="planner_projection_table", name="The next 12 months")
st.caption(
    "Each scenario's figure with its change on the baseline in brackets, at each month end. Remove a kept "
    "scenario below; a scenario's link holds it whole."
)
strips = st.columns(2)
for column, label in zip(strips, ("baseline", list(plans)[-1]), strict=True):
    page.chart(
        planner_charts.strip(page.with_names(rows[label], label="label"), overload_pct=settings.capacity.overload_pct),
        key=f"planner_strip_{'base' if label == 'baseline' else 'plan'}",
        what="Load at each month end ahead",
        where=column,
    )
    column.caption(f"{app.escaped(label)}: load at each month end ahead")
for index, kept_one in enumerate(compare):
    left, right = st.columns([6, 1])
    left.markdown(f"Kept: **{app.escaped(kept_one.name)}**, {len(kept_one.changes)} changes")
    if right.button("Remove", key=f"planner_unkeep_{index}"):
        planning.store(compare=[s for i, s in enumerate(compare) if i != index])
