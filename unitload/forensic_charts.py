"""Plotly figures of the Forensic backlog page; no Streamlit and no data access here."""

from __future__ import annotations

import datetime as dt

import plotly.graph_objects as go
import polars as pl
from plotly.subplots import make_subplots

from unitload.case_charts import STAGE_COLOURS, sequential
from unitload.charts import MUTED, OVER, columns, noted, strip, summary_boxes, thin

STAGES = ("awaiting_triage", "awaiting_download", "downloading", "awaiting_examination")
PRIORITY_COLOURS = {"urgent": "#d62728", "high": "#ff7f0e", "standard": "#1f77b4", "low": "#7f7f7f"}


def _label(stage: str) -> str:
    return stage.replace("_", " ")


def queue_by_stage(items: pl.DataFrame) -> go.Figure:
    """Items waiting per stage, stacked by age band."""
    fig = go.Figure()
    bands = items.select("age_band", "age_band_index").unique().sort("age_band_index")["age_band"].to_list()
    for index, band in enumerate(bands):
        part = items.filter(pl.col("age_band") == band).group_by("stage").len()
        counts = dict(zip(part["stage"], part["len"], strict=True))
        fig.add_trace(
            go.Bar(
                x=[_label(s) for s in STAGES],
                y=[counts.get(s, 0) for s in STAGES],
                name=band,
                marker_color=sequential(index, len(bands)),
            )
        )
    fig.update_layout(
        barmode="stack",
        height=340,
        legend=dict(title="age since submission", orientation="h", y=1.15),
        margin=dict(l=10, r=10, t=40, b=10),
    )
    fig.update_yaxes(title_text="items waiting")
    return fig


def ageing(items: pl.DataFrame, pace: pl.DataFrame) -> go.Figure:
    """One column per stage, each item a point at its age; the stage's usual pace drawn across it.

    Past `charts.POINT_LIMIT` items, boxes summarise every stage and only the items older than their
    stage's p85 pace are points (the figure's title says so).
    """
    fig = go.Figure()
    x = {stage: i for i, stage in enumerate(STAGES)}
    items = items.with_columns(position=pl.col("stage").replace_strict(x, return_dtype=pl.Int8))
    points, note = thin(
        items.join(pace.select("stage", pace_p85="p85"), on="stage", how="left"),
        value="age_days",
        beyond=pl.col("pace_p85").is_null() | (pl.col("age_days") > pl.col("pace_p85")),
        noun="items",
        what="older than their stage's p85 pace",
    )
    if note:
        fig.add_trace(summary_boxes(items, position="position", value="age_days"))
    for priority, colour in PRIORITY_COLOURS.items():
        part = points.filter(pl.col("priority") == priority)
        if part.is_empty():
            continue
        fig.add_trace(
            strip(
                part["position"].to_numpy(),
                part["age_days"].to_numpy(),
                name=priority,
                colour=colour,
                text=part.select(
                    pl.format(
                        "{} ({}) · case {}<br>{} days since submission<br>{} days in this stage",
                        "exhibit_id",
                        "device_type",
                        "case_id",
                        "age_days",
                        pl.col("stage_age_days").cast(pl.String).fill_null("?"),
                    )
                )
                .to_series()
                .to_numpy(),
                hovertemplate="%{text}<extra></extra>",
            )
        )
    pace = pace.filter(pl.col("stage").is_in(STAGES))
    for label, dash in (("p50", "dot"), ("p85", "dash"), ("p95", "solid")):
        # one trace per percentile, a short segment per stage (None breaks the line): plotly builds
        # a trace far faster than a dozen shapes and annotations
        xs, ys, texts = [], [], []
        for stage, value in zip(pace["stage"], pace[label], strict=True):
            xs += [x[stage] - 0.45, x[stage] + 0.45, None]
            ys += [value, value, None]
            texts += ["", f"{label} {value:.0f}", ""]
        fig.add_trace(
            go.Scatter(
                x=xs,
                y=ys,
                mode="lines+text",
                text=texts,
                textposition="middle right",
                textfont=dict(size=10, color=MUTED),
                line=dict(color=OVER if label == "p95" else MUTED, dash=dash, width=1.5),
                name=f"{label} pace",
                showlegend=False,
                hoverinfo="skip",
            )
        )
    columns(fig, [_label(s) for s in STAGES], "stage")
    fig.update_yaxes(title_text="days since submission", rangemode="tozero")
    fig.update_layout(
        boxmode="overlay",
        height=480,
        legend=dict(title="priority", orientation="h", y=1.1),
        margin=dict(l=10, r=60, t=40, b=10),
    )
    noted(fig, note)
    return fig


CFD_BANDS = (
    ("reached_done", "examined or withdrawn"),
    ("reached_downloaded", "awaiting examination"),
    ("reached_download", "downloading"),
    ("reached_triaged", "awaiting download"),
    ("reached_submitted", "awaiting triage"),
)


def cumulative_flow(flow: pl.DataFrame) -> go.Figure:
    """Cumulative flow: each band is the items that have reached a stage but not the next one."""
    fig = go.Figure()
    weeks = flow["week_end"].to_list()
    base = flow["reached_done"].min()
    previous = None
    for column, name in CFD_BANDS:
        values = (flow[column] - base).to_list()
        colour = {"examined or withdrawn": "#2ca02c"}.get(name) or STAGE_COLOURS.get(name, MUTED)
        fig.add_trace(
            go.Scatter(
                x=weeks,
                y=values,
                name=name,
                mode="lines",
                line=dict(width=0.5, color=colour),
                fill="tonexty" if previous else "tozeroy",
                fillcolor=colour,
            )
        )
        previous = column
    fig.update_yaxes(title_text=f"items since the window began (+ {base:,} done before)")
    fig.update_xaxes(title_text="week end")
    fig.update_layout(height=380, legend=dict(orientation="h", y=1.12), margin=dict(l=10, r=10, t=40, b=10))
    return fig


def weekly_flow(flow: pl.DataFrame) -> go.Figure:
    """Arrivals against downloads completed and examinations, with net flow and the backlog."""
    fig = make_subplots(specs=[[{"secondary_y": True}]])
    weeks = flow["week_end"].to_list()
    fig.add_trace(go.Bar(x=weeks, y=flow["arrivals"].to_list(), name="arrivals", marker_color="#ff7f0e"))
    fig.add_trace(
        go.Bar(x=weeks, y=flow["downloads_completed"].to_list(), name="downloads completed", marker_color="#bcbd22")
    )
    fig.add_trace(go.Bar(x=weeks, y=flow["examined"].to_list(), name="examined", marker_color="#2ca02c"))
    fig.add_trace(
        go.Scatter(
            x=weeks,
            y=flow["net_flow"].to_list(),
            name="net flow (arrivals - leavers)",
            mode="lines+markers",
            line_color=OVER,
        )
    )
    fig.add_trace(
        go.Scatter(
            x=weeks,
            y=flow["backlog"].to_list(),
            name="backlog at week end",
            mode="lines",
            line=dict(color=MUTED, width=3),
        ),
        secondary_y=True,
    )
    fig.update_yaxes(title_text="items per week", secondary_y=False)
    fig.update_yaxes(title_text="backlog", rangemode="tozero", secondary_y=True)
    fig.update_layout(
        barmode="group", height=380, legend=dict(orientation="h", y=1.15), margin=dict(l=10, r=10, t=40, b=10)
    )
    return fig


def turnaround_trend(monthly: pl.DataFrame) -> go.Figure:
    """Monthly percentiles of days from submission, to download completed and to examined."""
    fig = make_subplots(
        rows=1, cols=2, subplot_titles=["submission to download completed", "submission to examined"], shared_yaxes=True
    )
    for col, measure in enumerate(("to_downloaded", "to_examined"), start=1):
        part = monthly.filter(pl.col("measure") == measure).sort("month")
        for label, dash in (("p50", "solid"), ("p85", "dash"), ("p95", "dot")):
            fig.add_trace(
                go.Scatter(
                    x=part["month"].to_list(),
                    y=part[label].to_list(),
                    name=label,
                    mode="lines",
                    line=dict(dash=dash, color="#1f77b4"),
                    showlegend=col == 1,
                    hovertemplate=f"{label}: %{{y:.0f}} days<extra>%{{x|%b %Y}}</extra>",
                ),
                row=1,
                col=col,
            )
    fig.update_yaxes(title_text="days", rangemode="tozero", row=1, col=1)
    fig.update_layout(height=340, legend=dict(orientation="h", y=1.2), margin=dict(l=10, r=10, t=50, b=10))
    return fig


def forecast_distribution(weeks_to_clear, *, horizon: int, marks: dict) -> go.Figure:
    """Histogram of the weeks each simulated run took to clear the queue; runs that never did, at the end."""
    fig = go.Figure(
        go.Histogram(
            x=weeks_to_clear,
            xbins=dict(start=0.5, end=horizon + 1.5, size=1),
            marker_color="#1f77b4",
            hovertemplate="week %{x}: %{y} runs<extra></extra>",
        )
    )
    for label, weeks in marks.items():
        if weeks is not None:
            fig.add_vline(x=weeks, line_dash="dash", line_color=OVER, annotation_text=label, annotation_position="top")
    fig.add_vline(
        x=horizon + 0.5,
        line_color=MUTED,
        annotation_text="not cleared within the horizon",
        annotation_position="bottom left",
    )
    fig.update_xaxes(title_text="weeks from the as-of day until the queue first reaches zero")
    fig.update_yaxes(title_text="simulated runs")
    fig.update_layout(height=320, margin=dict(l=10, r=10, t=30, b=10), showlegend=False)
    return fig


def add_fan(fig: go.Figure, fan, *, as_of, name: str = "", colour: str = "#1f77b4", outer: bool = True) -> None:
    """Percentile bands of simulated runs (rows of FAN_PERCENTILES: 5, 15, 50, 85, 95) and the median."""
    weeks = [as_of + dt.timedelta(weeks=w) for w in range(fan.shape[1])]
    prefix = f"{name}: " if name else ""
    red, green, blue = (int(colour[i : i + 2], 16) for i in (1, 3, 5))
    bands = [(0, 4, "5 to 95 %", 0.15)] if outer else []
    for low, high, label, alpha in [*bands, (1, 3, "15 to 85 %", 0.3)]:
        fig.add_trace(
            go.Scatter(x=weeks, y=fan[high], mode="lines", line=dict(width=0), showlegend=False, hoverinfo="skip")
        )
        fig.add_trace(
            go.Scatter(
                x=weeks,
                y=fan[low],
                mode="lines",
                line=dict(width=0),
                fill="tonexty",
                fillcolor=f"rgba({red},{green},{blue},{alpha})",
                name=f"{prefix}{label} of runs",
            )
        )
    fig.add_trace(
        go.Scatter(
            x=weeks,
            y=fan[2],
            mode="lines",
            line=dict(color=colour, width=2),
            name=f"{prefix}median run",
            hovertemplate="%{x|%d %b %Y}: %{y:.0f} items<extra>median</extra>",
        )
    )


def fan_layout(fig: go.Figure) -> go.Figure:
    fig.update_yaxes(title_text="items waiting", rangemode="tozero")
    fig.update_xaxes(title_text="week")
    fig.update_layout(height=340, legend=dict(orientation="h", y=1.15), margin=dict(l=10, r=10, t=40, b=10))
    return fig


def backlog_fan(fan, *, as_of) -> go.Figure:
    """The projected backlog: percentile bands of the simulated runs, week by week from the as-of day."""
    fig = go.Figure()
    add_fan(fig, fan, as_of=as_of)
    return fan_layout(fig)
