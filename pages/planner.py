"""Staffing planner: build a what-if scenario with forms and see it beside the baseline."""

import datetime as dt

import polars as pl
import streamlit as st

from unitload import app, planner_charts
from unitload import scenario as sc
from unitload.planner import evaluation_day
from unitload.schema import ABSENCE_KINDS, OFFICER_ROLES

app.require_frame(__file__)

page = app.figure_page("Staffing planner")
source, settings = page.source, page.settings
as_of = source.extract.as_of
if "planner_scenario" not in st.session_state:
    try:
        st.session_state["planner_scenario"] = sc.Scenario.parse(st.query_params.get("scenario"))
    except sc.ScenarioError as exc:
        st.warning(f"The scenario in the link could not be read ({exc}); starting from none.")
        st.session_state["planner_scenario"] = sc.Scenario()
st.caption(f"Changes apply on top of the extract as of {as_of:%d %b %Y}; its open cases are carried forward.")


@st.fragment
def planner() -> None:
    scenario: sc.Scenario = st.session_state["planner_scenario"]
    on = st.date_input(
        "Measure on",
        evaluation_day(as_of),
        min_value=as_of,
        key="planner_on",
        help="Both baseline and scenario are measured on this day (the month up to it counts for availability).",
    )
    people = app.with_names(source, app.query(source, "officer_load", as_of=as_of)).filter(
        pl.col("role") == "investigator"
    )
    labels = dict(zip(people["officer_id"], people["officer"], strict=True))
    officer = dict(options=list(labels), format_func=lambda o: labels.get(o, o))
    teams = sorted(people["team"].unique().to_list())

    def add(change) -> None:
        try:
            st.session_state["planner_scenario"] = scenario.add(change)
        except sc.ScenarioError as exc:
            st.error(str(exc))
            return
        st.query_params["scenario"] = st.session_state["planner_scenario"].serialise()
        app.rerun_fragment()

    tabs = st.tabs(["Hours", "Absence or leaver", "New post", "Move cases", "Rebalance", "Forensic capacity"])
    form = tabs[0].form("planner_hours", border=False)
    who = form.selectbox("Officer", key="planner_hours_officer", **officer)
    hours = form.number_input("Hours a week", 1.0, 60.0, 24.0, 0.5, key="planner_hours_value")
    start = form.date_input("From", as_of + dt.timedelta(days=1), key="planner_hours_from")
    if form.form_submit_button("Add"):
        add(sc.Hours(who, hours, start))
    form = tabs[1].form("planner_absence", border=False)
    who = form.selectbox("Officer", key="planner_absence_officer", **officer)
    kind = form.selectbox("Kind", (*ABSENCE_KINDS, "leaves the unit"), index=2, key="planner_absence_kind")
    first = form.date_input("From", as_of + dt.timedelta(days=1), key="planner_absence_from")
    last = form.date_input("Until (leave empty: no end)", None, key="planner_absence_to")
    share = form.slider("Share of each day lost", 0.1, 1.0, 1.0, 0.1, key="planner_absence_share")
    if form.form_submit_button("Add"):
        add(sc.Leaver(who, first) if kind == "leaves the unit" else sc.Absence(who, first, last, kind, share))
    form = tabs[2].form("planner_post", border=False)
    role = form.selectbox("Role", OFFICER_ROLES, key="planner_post_role")
    team = form.selectbox("Team", teams, key="planner_post_team")
    hours = form.number_input("Hours a week", 1.0, 60.0, 40.0, 0.5, key="planner_post_hours")
    start = form.date_input("From", as_of + dt.timedelta(days=1), key="planner_post_from")
    if form.form_submit_button("Add"):
        add(sc.NewPost(f"NEW{len(scenario.of(sc.NewPost)) + 1}", role, team, hours, start))
    form = tabs[3].form("planner_move", border=False)
    open_cases = app.query(source, "case_progress", as_of=as_of)
    cases = form.multiselect("Cases", open_cases["case_id"].to_list(), key="planner_move_cases")
    who = form.selectbox("To officer", key="planner_move_to", **officer)
    start = form.date_input("On", as_of + dt.timedelta(days=1), key="planner_move_on")
    if form.form_submit_button("Add") and cases:
        add(sc.Move(tuple(cases), who, start))
    form = tabs[4].form("planner_rebalance", border=False)
    target = form.number_input(
        "Nobody above (load %)",
        50.0,
        300.0,
        float(settings.capacity.overload_pct),
        5.0,
        key="planner_rebalance_target",
    )
    start = form.date_input("On", as_of + dt.timedelta(days=1), key="planner_rebalance_on")
    if form.form_submit_button("Propose moves"):
        add(sc.Rebalance(target, start))
    form = tabs[5].form("planner_examiners", border=False)
    delta = form.number_input(
        "Examiners to add (FTE; negative removes)", -5.0, 10.0, 1.0, 0.5, key="planner_examiners_delta"
    )
    rate = form.number_input("Items per examiner a week (0: as now)", 0.0, 50.0, 0.0, 0.5, key="planner_examiners_rate")
    if form.form_submit_button("Add"):
        add(sc.Examiners(delta, rate or None))

    st.subheader("Scenario")
    if not scenario.changes:
        st.info("No changes yet: add one above. The figures below are the baseline.")
    for index, change in enumerate(scenario.changes):
        left, right = st.columns([6, 1])
        left.markdown(f"{index + 1}. {change.describe()}")
        if right.button("Remove", key=f"planner_remove_{index}"):
            st.session_state["planner_scenario"] = scenario.without(index)
            st.query_params["scenario"] = st.session_state["planner_scenario"].serialise()
            app.rerun_fragment()

    horizon = st.session_state.get("planner_horizon", 104)
    base = app.plan(source, "", on, horizon)
    plan = app.plan(source, scenario.serialise(), on, horizon)
    before, after = base.headline, plan.headline
    cols = st.columns(4)
    for col, (label, key, worse_up) in zip(
        cols,
        (
            ("Officers overloaded", "overloaded", True),
            ("Part-timers at full load", "part_time_full_load", True),
            ("Holding cases with no capacity", "no_capacity_holding_cases", True),
            ("Capacity used", "capacity_used_pct", True),
        ),
        strict=True,
    ):
        value, was = after[key], before[key]
        shown = f"{value:.0f} %" if key == "capacity_used_pct" and value is not None else value
        col.metric(
            label,
            shown,
            None if value is None or was is None else round(value - was, 1),
            delta_color="inverse" if worse_up else "normal",
            border=True,
            help=page.term(
                {
                    "overloaded": "overloaded",
                    "part_time_full_load": "part-time at full load",
                    "capacity_used_pct": "unit load",
                }.get(key, "capacity_points")
            ),
        )
    st.caption(f"Measured on {on:%d %b %Y}; changes are scenario minus baseline.")
    st.plotly_chart(
        planner_charts.load_comparison(
            app.with_names(source, base.officers, label="label"),
            app.with_names(source, plan.officers, label="label"),
            overload_pct=settings.capacity.overload_pct,
        ),
        key="planner_loads",
    )
    if plan.moves:
        st.subheader(f"Proposed moves ({len(plan.moves)})")
        page.table(
            pl.DataFrame([m.__dict__ for m in plan.moves]),
            key="planner_moves",
            column_config={"why": st.column_config.TextColumn("why", width="large")},
        )
    st.subheader("Forensic queue")
    st.slider("Forecast horizon (weeks)", 13, 156, 104, 13, key="planner_horizon")
    dates = {
        name: [o.forecast.date_at(p, as_of) for p in (50, 85, 95)]
        for name, o in (("baseline", base), ("scenario", plan))
    }
    page.table(
        pl.DataFrame(
            [
                {
                    "": name,
                    "examiner FTE": round(o.examiner_fte, 2),
                    "clears by (50 %)": d[0],
                    "(85 %)": d[1],
                    "(95 %)": d[2],
                    f"clears within {o.forecast.horizon_weeks} weeks": f"{o.forecast.cleared_share:.0%}",
                }
                for (name, d), o in zip(dates.items(), (base, plan), strict=True)
            ]
        ),
        key="planner_forecast",
    )
    st.plotly_chart(planner_charts.fans(base.forecast.fan, plan.forecast.fan, as_of=as_of), key="planner_fans")
    st.caption(
        plan.forecast.method + " The scenario scales each sampled week's completions by the change in "
        "examiner capacity."
    )


planner()
