"""Plotly figures of the Forensic backlog page; no Streamlit and no data access here."""

from __future__ import annotations

import datetime as dt

import plotly.graph_objects as go
import polars as pl

from unitload.charts import palette
from unitload.charts.cases import STAGE_COLOURS, sequential
from unitload.charts.markup import data_text
from unitload.charts.workload import MUTED, OVER, column_axis, noted, strip, summary_boxes, thin

STAGES = ("awaiting_triage", "awaiting_download", "downloading", "awaiting_examination")
PRIORITY_COLOURS = {"urgent": palette.VERMILLION, "high": palette.ORANGE, "standard": palette.BLUE, "low": palette.GREY}


def _label(stage: str) -> str:
    return stage.replace("_", " ")


@data_text(reads=("age_band", "stage"))
def queue_by_stage(items: pl.DataFrame) -> go.Figure:
    """Items waiting per stage, stacked by age band."""
    counts = items.group_by("age_band_index", "age_band", "stage").len().sort("age_band_index")
    bands = counts.select("age_band", "age_band_index").unique(maintain_order=True)["age_band"].to_list()
    count = {(band, stage): n for band, stage, n in counts.select("age_band", "stage", "len").iter_rows()}
    traces = [
        dict(
            type="bar",
            x=[_label(s) for s in STAGES],
            y=[count.get((band, s), 0) for s in STAGES],
            name=band,
            marker_color=sequential(index, len(bands)),
        )
        for index, band in enumerate(bands)
    ]
    return go.Figure(
        traces,
        layout=dict(
            barmode="stack",
            height=340,
            legend=dict(title=dict(text="age since submission"), orientation="h", y=1.15),
            margin=dict(l=10, r=10, t=40, b=10),
            yaxis=dict(title=dict(text="items waiting")),
        ),
    )


HOVER = (  # an ageing chart's item, from its customdata and its age (y); "days: 1", never "1 days"
    "%{customdata[0]} (%{customdata[1]}) · case %{customdata[2]}<br>days since submission: %{y}"
    "<br>days in this stage: %{customdata[3]}<extra></extra>"
)


@data_text(reads=("stage", "priority", "exhibit_id", "device_type", "case_id"))
def ageing(items: pl.DataFrame, pace: pl.DataFrame) -> go.Figure:
    """One column per stage, each item a point at its age; the stage's usual pace drawn across it.

    Past `charts.POINT_LIMIT` items, boxes summarise every stage and only the items older than their
    stage's p85 pace are points (the figure's title says so).
    """
    x = {stage: i for i, stage in enumerate(STAGES)}
    items = items.with_columns(position=pl.col("stage").replace_strict(x, return_dtype=pl.Int8))
    points, note = thin(
        items.join(pace.select("stage", pace_p85="p85"), on="stage", how="left"),
        value="age_days",
        ties="exhibit_id",
        beyond=pl.col("pace_p85").is_null() | (pl.col("age_days") > pl.col("pace_p85")),
        noun="items",
        what="older than their stage's p85 pace",
    )
    traces = [summary_boxes(items, position="position", value="age_days")] if note else []
    for priority, colour in PRIORITY_COLOURS.items():
        part = points.filter(pl.col("priority") == priority)
        if part.is_empty():
            continue
        traces.append(
            strip(
                part["position"].to_numpy(),
                part["age_days"].to_numpy(),
                name=priority,
                colour=colour,
                text=None,
                # a point's own values; the hover's words are in the template once, not in each point
                customdata=part.select(
                    "exhibit_id", "device_type", "case_id", pl.col("stage_age_days").cast(pl.String).fill_null("?")
                ).to_numpy(),
                hovertemplate=HOVER,
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
        traces.append(
            dict(
                type="scatter",
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
    layout = dict(
        boxmode="overlay",
        height=480,
        legend=dict(title=dict(text="priority"), orientation="h", y=1.1),
        margin=dict(l=10, r=60, t=40, b=10),
        xaxis=column_axis([_label(s) for s in STAGES], "stage"),
        yaxis=dict(title=dict(text="days since submission"), rangemode="tozero"),
    )
    return go.Figure(traces, layout=noted(layout, note))


CFD_BANDS = (
    ("reached_done", "examined or withdrawn"),
    ("reached_downloaded", "awaiting examination"),
    ("reached_download", "downloading"),
    ("reached_triaged", "awaiting download"),
    ("reached_submitted", "awaiting triage"),
)


@data_text
def cumulative_flow(flow: pl.DataFrame) -> go.Figure:
    """Cumulative flow: each band is the items that have reached a stage but not the next one."""
    weeks = flow["week_end"].to_list()
    base = flow["reached_done"].min()
    traces = []
    for column, name in CFD_BANDS:
        colour = {"examined or withdrawn": palette.GREEN}.get(name) or STAGE_COLOURS.get(name, MUTED)
        traces.append(
            dict(
                type="scatter",
                x=weeks,
                y=(flow[column] - base).to_list(),
                name=name,
                mode="lines",
                line=dict(width=0.5, color=colour),
                fill="tonexty" if traces else "tozeroy",
                fillcolor=colour,
            )
        )
    return go.Figure(
        traces,
        layout=dict(
            height=380,
            legend=dict(orientation="h", y=1.12),
            margin=dict(l=10, r=10, t=40, b=10),
            xaxis=dict(title=dict(text="week end")),
            yaxis=dict(title=dict(text=f"items since the window began (+ {base:,} done before)")),
        ),
    )


@data_text
def weekly_flow(flow: pl.DataFrame) -> go.Figure:
    """Arrivals against downloads completed and examinations, with net flow and the backlog."""
    weeks = flow["week_end"].to_list()
    bars = (("arrivals", "arrivals", palette.ORANGE), ("downloads_completed", "downloads completed", palette.SKY_BLUE))
    traces = [
        dict(type="bar", x=weeks, y=flow[column].to_list(), name=name, marker_color=colour)
        for column, name, colour in (*bars, ("examined", "examined", palette.GREEN))
    ]
    traces.append(
        dict(
            type="scatter",
            x=weeks,
            y=flow["net_flow"].to_list(),
            name="net flow (arrivals - leavers)",
            mode="lines+markers",
            line=dict(color=OVER),
        )
    )
    traces.append(  # on the right-hand axis
        dict(
            type="scatter",
            x=weeks,
            y=flow["backlog"].to_list(),
            name="backlog at week end",
            mode="lines",
            line=dict(color=MUTED, width=3),
            yaxis="y2",
        )
    )
    return go.Figure(
        traces,
        layout=dict(
            barmode="group",
            height=380,
            legend=dict(orientation="h", y=1.15),
            margin=dict(l=10, r=10, t=40, b=10),
            yaxis=dict(title=dict(text="items per week")),
            yaxis2=dict(title=dict(text="backlog"), rangemode="tozero", overlaying="y", side="right"),
        ),
    )


TURNAROUND_PANELS = (("to_downloaded", "to download completed"), ("to_examined", "to examined"))  # short: phones


@data_text
def turnaround_trend(monthly: pl.DataFrame) -> go.Figure:
    """Monthly percentiles of days from submission, to download completed and to examined."""
    traces = []
    for panel, (measure, _) in enumerate(TURNAROUND_PANELS):
        part = monthly.filter(pl.col("measure") == measure).sort("month")
        for label, dash in (("p50", "solid"), ("p85", "dash"), ("p95", "dot")):
            traces.append(
                dict(
                    type="scatter",
                    x=part["month"].to_list(),
                    y=part[label].to_list(),
                    name=label,
                    mode="lines",
                    line=dict(dash=dash, color=palette.BLUE),
                    showlegend=panel == 0,
                    hovertemplate=f"{label}: %{{y:.0f}} days<extra>%{{x|%b %Y}}</extra>",
                    xaxis="x2" if panel else "x",
                    yaxis="y2" if panel else "y",
                )
            )
    layout = dict(
        height=340,
        legend=dict(orientation="h", y=1.2),
        margin=dict(l=10, r=10, t=50, b=10),
        xaxis=dict(domain=[0, 0.45], anchor="y"),
        xaxis2=dict(domain=[0.55, 1], anchor="y2"),
        yaxis=dict(title=dict(text="days from submission"), rangemode="tozero", anchor="x"),
        yaxis2=dict(matches="y", showticklabels=False, anchor="x2"),
        annotations=[  # the panels' titles, centred above each
            dict(text=title, x=x, y=1, xref="paper", yref="paper", xanchor="center", yanchor="bottom", showarrow=False)
            for (_, title), x in zip(TURNAROUND_PANELS, (0.225, 0.775), strict=True)
        ],
    )
    return go.Figure(traces, layout=layout)


def forecast_distribution(weeks_to_clear, *, horizon: int, marks: dict) -> go.Figure:
    """Histogram of the weeks each simulated run took to clear the queue; runs that never did, at the end."""
    lines = [(weeks, label, OVER, "dash", 1) for label, weeks in marks.items() if weeks is not None]
    lines.append((horizon + 0.5, "not cleared within the horizon", MUTED, "solid", 0))
    return go.Figure(
        dict(
            type="histogram",
            x=weeks_to_clear,
            xbins=dict(start=0.5, end=horizon + 1.5, size=1),
            marker_color=palette.BLUE,
            hovertemplate="week %{x}: %{y} runs<extra></extra>",
        ),
        layout=dict(
            height=320,
            margin=dict(l=10, r=10, t=30, b=10),
            showlegend=False,
            xaxis=dict(title=dict(text="weeks from the as-of day until the queue first reaches zero")),
            yaxis=dict(title=dict(text="simulated runs")),
            shapes=[
                dict(type="line", x0=x, x1=x, xref="x", y0=0, y1=1, yref="y domain", line=dict(color=c, dash=d))
                for x, _, c, d, _ in lines
            ],
            annotations=[
                dict(
                    text=label,
                    x=x,
                    xref="x",
                    y=top,
                    yref="y domain",
                    xanchor="center" if top else "right",
                    yanchor="bottom",
                    showarrow=False,
                )
                for x, label, _, _, top in lines
            ],
        ),
    )


def fan_traces(fan, *, as_of, name: str = "", colour: str = palette.BLUE, outer: bool = True) -> list[dict]:
    """Percentile bands of simulated runs (rows of FAN_PERCENTILES: 5, 15, 50, 85, 95) and the median."""
    weeks = [as_of + dt.timedelta(weeks=w) for w in range(fan.shape[1])]
    prefix = f"{name}: " if name else ""
    red, green, blue = (int(colour[i : i + 2], 16) for i in (1, 3, 5))
    bands = [(0, 4, "5 to 95 %", 0.15)] if outer else []
    edge = dict(type="scatter", x=weeks, mode="lines", line=dict(width=0))  # a band is its two edges, filled between
    traces = []
    for low, high, label, alpha in [*bands, (1, 3, "15 to 85 %", 0.3)]:
        traces.append(edge | dict(y=fan[high], showlegend=False, hoverinfo="skip"))
        traces.append(
            edge
            | dict(
                y=fan[low],
                fill="tonexty",
                fillcolor=f"rgba({red},{green},{blue},{alpha})",
                name=f"{prefix}{label} of runs",
            )
        )
    traces.append(
        dict(
            type="scatter",
            x=weeks,
            y=fan[2],
            mode="lines",
            line=dict(color=colour, width=2),
            name=f"{prefix}median run",
            hovertemplate="%{x|%d %b %Y}: %{y:.0f} items<extra>median</extra>",
        )
    )
    return traces


FAN_LAYOUT = dict(
    height=340,
    legend=dict(orientation="h", y=1.15),
    margin=dict(l=10, r=10, t=40, b=10),
    xaxis=dict(title=dict(text="week")),
    yaxis=dict(title=dict(text="items waiting"), rangemode="tozero"),
)


def backlog_fan(fan, *, as_of) -> go.Figure:
    """The projected backlog: percentile bands of the simulated runs, week by week from the as-of day."""
    return go.Figure(fan_traces(fan, as_of=as_of), layout=FAN_LAYOUT)
