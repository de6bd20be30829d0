"""Forensic backlog: the download queue by stage and age, its flow, turnaround, throughput and forecasts.

The headline tiles lead; the sections below them are tabs, and only the open one is made (its queries
included): the tab is in the link, so a shared link opens on it."""

import math

import polars as pl
import streamlit as st

from unitload import app
from unitload.charts import forensics as forensic_charts
from unitload.extract.schema import DEVICE_TYPES, PRIORITIES
from unitload.planning.forecast import PERCENTILES, littles_law, monte_carlo, why_they_differ

app.require_frame(__file__)

page = app.figure_page("Forensic backlog")
source, filters, settings = page.source, page.filters, page.settings
weeks = settings.forensics.throughput_weeks

app.notice_unknown("forensics_priorities", set(PRIORITIES), "priority")
app.notice_unknown("forensics_devices", {d.replace("_", " ") for d in DEVICE_TYPES}, "device type")
left, right = st.columns(2)
priorities = left.pills(
    "Priority",
    PRIORITIES,
    selection_mode="multi",
    key="forensics_priorities",
    bind="query-params",
    help="None chosen: every priority.",
)
devices = right.pills(
    "Device type",
    DEVICE_TYPES,
    selection_mode="multi",
    key="forensics_devices",
    bind="query-params",
    format_func=lambda d: d.replace("_", " "),
    help="None chosen: every device type.",
)
scope = filters.params | {"priorities": priorities or None, "device_types": devices or None}
flow_scope = {k: v for k, v in scope.items() if k != "teams"}  # flow is counted for the unit: cases move teams
horizon = st.sidebar.slider(
    "Forecast horizon (weeks)", 13, 156, 104, step=13, key="forensics_horizon", bind="query-params"
)

cols = app.tiles(5, per_row=3)  # five in a row cut "> 104 weeks" to "> 104 …" at 1400 px
notes = st.container()
queue_tab, flow_tab, turnaround_tab, forecast_tab = st.tabs(
    list(app.FORENSIC_TABS), key="forensics_section", bind="query-params", on_change="rerun"
)

window = st.session_state.get("forensics_window") or 26  # the Flow tab's window, chosen there
# one query for both: a week's row depends only on its week end, so the trailing weeks are the first rows
flow_weeks = {"weeks": max(weeks, int(window))}
unprioritised = {k: v for k, v in flow_scope.items() if k != "priorities"}  # turnaround is shown by priority
examiner_months = {"months": math.ceil(weeks / 4.3) + 1, "as_of": filters.as_of}
every_item = [("forensic_backlog", scope)] if queue_tab.open else []  # queue tab only; forensic_oldest reuses it
opened = [("stage_pace", flow_scope)] if queue_tab.open else []
if turnaround_tab.open:
    opened = [("turnaround", unprioritised), ("turnaround_monthly", {"months": 24} | flow_scope)]
    opened.append(("examiner_throughput", examiner_months))
app.prefetch(source, *every_item, ("forensic_flow", flow_weeks | flow_scope), ("forensic_oldest", scope), *opened)
stages = (oldest := app.query(source, "forensic_oldest", **scope)).filter(pl.col("grouping") == "stage")
waiting = int(stages["items"].sum())  # every item waiting is in one stage
flow = (flows := app.query(source, "forensic_flow", **flow_weeks, **flow_scope)).filter(pl.col("week_index") < weeks)
arrivals, completions = flow["arrivals"].to_list(), flow["completions"].to_list()
law = littles_law(waiting, completions)
# 10,000 runs: 0.04 s at force scale, 0.01 s without the fan only the Forecast tab draws; read where shown
forecast = {"horizon_weeks": horizon, "fan": forecast_tab.open}
forecasting = app.in_background(monte_carlo, waiting, arrivals, completions, **forecast)

net = int(flow["net_flow"].sum())
cols[0].metric("Items waiting", waiting, border=True, help=page.term("forensic queue"))
cols[1].metric("Oldest item", f"{stages['oldest_days'].max() or 0} days", border=True, help=page.term("exhibit age"))
cols[2].metric(
    f"Net flow, {weeks} weeks",
    f"{net:+d}",
    "growing" if net > 0 else "shrinking or steady",
    delta_color="inverse" if net > 0 else "normal",
    border=True,
    help="Arrivals minus items examined or withdrawn over the trailing window (settings forensics.throughput_weeks).",
)
cols[3].metric(
    "Little's law, weeks",
    "never" if law.weeks_to_clear is None else f"{law.weeks_to_clear:.1f}",
    border=True,
    help=law.method,
)
notes.caption(why_they_differ(law, arrivals))
if filters.teams:
    notes.caption("Team filter: the queue lists the teams' cases; flow, turnaround and forecasts are the unit's.")

if queue_tab.open:
    queue_tab.header("The queue by stage and age")
    left, right = queue_tab.columns([3, 2])
    items = app.query(source, "forensic_backlog", **scope)
    page.chart(
        forensic_charts.queue_by_stage(items), key="forensics_queue", what="The queue by stage and age", where=left
    )
    right.caption("Oldest item per stage and per priority")
    page.table(oldest.drop("position"), key="forensics_oldest", where=right, name="Oldest item per stage and priority")
    queue_tab.caption(
        f"Age bands from the settings' forensics.age_bands {settings.forensics.age_bands}. "
        + page.term("forensic stage")
    )
    queue_tab.header("Ageing work in progress")
    pace = app.query(source, "stage_pace", **flow_scope)
    page.chart(
        forensic_charts.ageing(items, pace), key="forensics_ageing", what="Ageing work in progress", where=queue_tab
    )
    queue_tab.caption(
        f"Each item is a point at its days since submission. Lines: the 50th, 85th (dashed) and 95th (red) "
        f"percentiles of how long after submission the items that left each stage in the last {weeks} weeks "
        "left it; an item above its stage's lines is older than the usual pace."
    )

if flow_tab.open:
    flow_tab.header("Flow")
    window = flow_tab.select_slider(
        "Window (weeks)", [12, 26, 52, 104], value=26, key="forensics_window", bind="query-params"
    )
    history = flows.filter(pl.col("week_index") < window) if window <= flows.height else None
    if history is None:  # the window was widened on this run
        history = app.query(source, "forensic_flow", weeks=window, **flow_scope)
    page.chart(forensic_charts.cumulative_flow(history), key="forensics_cfd", what="Cumulative flow", where=flow_tab)
    weekly = forensic_charts.weekly_flow(history)
    page.chart(weekly, key="forensics_flow", what="Arrivals and leavers each week", where=flow_tab)
    flow_tab.caption("A week is the seven days up to its week end. Leavers are items examined or withdrawn.")

if turnaround_tab.open:
    turnaround_tab.header("Turnaround")
    left, right = turnaround_tab.columns([2, 3])
    left.caption(f"Days from submission, items that reached the point in the last {weeks} weeks")
    page.table(
        app.query(source, "turnaround", **unprioritised),
        key="forensics_turnaround",
        where=left,
        name="Turnaround in days from submission",
        column_config={p: st.column_config.NumberColumn(p, format="%.0f") for p in ("p50", "p85", "p95")},
    )
    page.chart(
        forensic_charts.turnaround_trend(app.query(source, "turnaround_monthly", months=24, **flow_scope)),
        key="forensics_turnaround_trend",
        what="Turnaround by month",
        where=right,
    )
    turnaround_tab.header("Throughput per examiner", anchor="throughput-per-examiner")
    throughput = page.with_names(app.query(source, "examiner_throughput", **examiner_months), "examiner_id", "examiner")
    page.table(
        throughput.select("examiner", pl.exclude("examiner", "examiner_id")),
        key="forensics_throughput",
        where=turnaround_tab,
        name="Throughput per examiner",
        column_config={
            "available_fte": st.column_config.NumberColumn(
                "available FTE", format="%.2f", help=page.term("availability")
            ),
            "examined_per_fte_week": st.column_config.NumberColumn("examined per FTE-week", format="%.1f"),
            "downloads_per_fte_week": st.column_config.NumberColumn("downloads per FTE-week", format="%.1f"),
        },
    )
    turnaround_tab.caption(
        f"Over the last {weeks} weeks. Available FTE is fte × availability at the month ends of the window, "
        "weighted by working days: hours, leave and sickness count as for investigators."
    )

runs = forecasting.result()
p85 = runs.date_at(85, filters.as_of)
cols[4].metric(  # its tile, drawn above with the others, filled now that the runs are done
    "Clears by (85 %)",
    f"{p85:%d %b %Y}" if p85 else f"> {horizon} weeks",
    border=True,
    help=runs.method,
)

if forecast_tab.open:
    forecast_tab.header("When will it clear?", anchor="when-will-it-clear")
    fan = forensic_charts.backlog_fan(runs.fan, as_of=filters.as_of)
    page.chart(fan, key="forensics_fan", what="Projected backlog", where=forecast_tab)
    forecast_tab.markdown(
        " · ".join(runs.clearing(filters.as_of, mark="**"))
        + f" · the queue reaches zero within {horizon} weeks in **{runs.cleared_share:.0%}** of runs."
    )
    if runs.cleared_share > 0:
        marks = {f"{p} %": runs.weeks_at(p) for p in PERCENTILES}
        page.chart(
            forensic_charts.forecast_distribution(runs.weeks_to_clear, horizon=horizon, marks=marks),
            key="forensics_forecast",
            what="Weeks until the queue first clears",
            where=forecast_tab,
        )
    forecast_tab.caption(
        f"{runs.method} {law.method} Mean throughput {law.mean_weekly_throughput:.1f} items a week over "
        f"{weeks} weeks; backlog {law.backlog}."
    )
    resampled = flow.select("week_end", "arrivals", "completions", "net_flow", "backlog")
    page.boxed_table(f"The {weeks} weeks the forecasts resample", resampled, "forensics_history", where=forecast_tab)
