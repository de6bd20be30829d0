"""Plotly figures of the Case progression page; no Streamlit and no data access here."""

from __future__ import annotations

import math

import plotly.graph_objects as go
import polars as pl

from unitload.charts import palette
from unitload.charts.markup import data_text, shown
from unitload.charts.workload import (
    MUTED,
    OFFICER_LIMIT,
    OVER,
    SPAN_COLOURS,
    column_axis,
    most_loaded,
    noted,
    strip,
    summary_boxes,
    thin,
)

HOLDER_COLOURS = (palette.BLUE, palette.PURPLE, palette.BLACK, palette.SKY_BLUE)  # no absence or stage uses these
RISK_COLOURS = {"very_high": palette.VERMILLION, "high": palette.ORANGE, "medium": palette.BLUE, "low": palette.GREY}
ACTION_COLOURS = {"supervisory_review": palette.PURPLE, "victim_update": palette.SKY_BLUE, "admin_note": MUTED}
STAGE_COLOURS = {  # greys that darken along the queue; done in green
    "awaiting triage": palette.LIGHT_GREY,
    "awaiting download": "#A0A0A0",
    "downloading": "#787878",
    "awaiting examination": "#505050",
    "examined": palette.GREEN,
    "withdrawn": MUTED,
}


# Ticks of a log axis of days: 1, 2, 5, 10, 20, 50, ... in words plotly will not abbreviate ("1000, 5, 2, 100")
LOG_TICKS = dict(
    tickvals=[m * 10**e for e in range(5) for m in (1, 2, 5)],
    ticktext=[f"{m * 10**e:,}" for e in range(5) for m in (1, 2, 5)],
)


HOVER = (  # an ageing chart's point, from its customdata; "days: 1", never "1 days"
    "%{customdata[0]} · officer %{customdata[1]}<br>days since progress: %{customdata[2]}"
    "<br>days open: %{customdata[3]}<br>last progress: %{customdata[4]}<br>devices waiting: %{customdata[5]}"
    "<extra></extra>"
)


@data_text
def ageing(cases: pl.DataFrame, *, group: str, percentiles: dict, stale_days: int, log: bool = True) -> go.Figure:
    """Each open case a point at its days since progress, one column per group, coloured by risk grade.

    `percentiles` maps a label (p50, p85, p95) to a value drawn as a reference line. On the log axis a
    case progressed on the day itself (0 days) is drawn at 1 day; its hover says 0. Past
    `charts.POINT_LIMIT` cases, boxes summarise every column and only the stale cases are points;
    past `charts.OFFICER_LIMIT` columns (officers across a force), the columns with the most stale cases.
    """
    cases, kept = _most_stale(cases.with_columns(pl.col(group).fill_null("unallocated").alias("_column")))
    labels = cases["_column"].unique().sort().to_list()
    cases = cases.with_columns(
        _position=pl.col("_column").replace_strict(labels, range(len(labels)), return_dtype=pl.Int32),
        _shown=pl.col("days_since_progress").clip(lower_bound=1 if log else 0),
    )
    points, note = thin(
        cases,
        value="days_since_progress",
        ties="case_id",
        beyond=pl.col("unprogressed"),
        noun="open cases",
        what=f"with no progress for more than {stale_days} days",
    )
    note = "; ".join(n for n in (kept, note) if n)
    traces = [summary_boxes(cases, position="_position", value="_shown")] if note else []
    for risk, colour in RISK_COLOURS.items():
        part = points.filter(pl.col("risk_grade") == risk)
        if part.is_empty():
            continue
        last = pl.col("last_progress_on").dt.to_string("%Y-%m-%d")
        traces.append(
            strip(
                part["_position"].to_numpy(),
                part["_shown"].to_numpy(),
                name=risk.replace("_", " "),
                colour=colour,
                text=None,
                # a point's own values, its case first (a clicked point opens that case's timeline); the hover's
                # words are in the template once, not in each of a force's thousand points (a third of the page)
                customdata=part.select(
                    "case_id",
                    pl.col("officer_id").fill_null("none"),
                    "days_since_progress",
                    "days_open",
                    pl.when(last.is_null())
                    .then(pl.lit("none yet"))
                    .otherwise(pl.format("{} ({})", last, pl.col("last_progress_type").fill_null("?"))),
                    pl.col("forensic_pending").fill_null(0),
                ).to_numpy(),
                hovertemplate=HOVER,
            )
        )
    lines = [
        (max(value, 1), f"{label} {value:.0f} d", "dot", MUTED, "left")
        for label, value in percentiles.items()
        if value is not None
    ]
    lines.append((stale_days, f"stale after {stale_days} d", "dash", OVER, "right"))
    title = "days since last progressing action" + (" (log scale)" if log else "")
    layout = dict(
        boxmode="overlay",
        height=520,
        legend=dict(title=dict(text="risk grade"), orientation="h", y=1.08),
        margin=dict(l=10, r=10, t=40, b=10),
        xaxis=column_axis(labels, "officer in charge" if group in ("officer", "officer_id") else "team"),
        yaxis=dict(title=dict(text=title), type="log", **LOG_TICKS)
        if log
        else dict(title=dict(text=title), rangemode="tozero"),
        shapes=[_reference_line(y, dash, colour) for y, _, dash, colour, _ in lines],
        annotations=[_reference_label(y, text, colour, side, log) for y, text, _, colour, side in lines],
    )
    return go.Figure(traces, layout=noted(layout, note))


def _most_stale(cases: pl.DataFrame) -> tuple[pl.DataFrame, str]:
    """The cases of the OFFICER_LIMIT columns with the most stale cases (then the oldest), and a note;
    all of them, and no note, up to that many columns."""
    columns = cases["_column"].n_unique()
    if columns <= OFFICER_LIMIT:
        return cases, ""
    ranked = (
        cases.group_by("_column")
        .agg(stale=pl.col("unprogressed").sum(), oldest=pl.col("days_since_progress").max())
        .sort("stale", "oldest", "_column", descending=[True, True, False])
        .head(OFFICER_LIMIT)
    )
    kept = cases.filter(pl.col("_column").is_in(ranked["_column"].implode()))
    return kept, (
        f"The {OFFICER_LIMIT} of {columns:,} columns with the most stale cases; choose a unit or team to see every one"
    )


def _reference_line(y: float, dash: str, colour: str) -> dict:
    """A horizontal line across the plot at `y` (in the axis' values, log axis or not)."""
    return dict(type="line", xref="x domain", x0=0, x1=1, yref="y", y0=y, y1=y, line=dict(color=colour, dash=dash))


def _reference_label(y: float, text: str, colour: str, side: str, log: bool) -> dict:
    """The label of a reference line; on a log axis an annotation's y is given as log10 (plotly)."""
    return dict(
        x=0 if side == "left" else 1,
        xref="paper",
        y=math.log10(y) if log else y,
        yref="y",
        text=text,
        showarrow=False,
        xanchor=side,
        yanchor="bottom",
        font=dict(color=colour, size=11),
    )


@data_text
def age_band_bars(bands: pl.DataFrame, *, measure: str) -> go.Figure:
    """Stacked bars of cases (or weighted load) per holder by age band.

    Past `charts.OFFICER_LIMIT` holders (officers across a force), the holders with the most, and a
    note above the chart saying so.
    """
    bands, note = most_loaded(
        bands.with_columns(label=pl.col("holder"), total=pl.col(measure).sum().over("holder")), "total", listed=False
    )
    order = bands.select("age_band", "age_band_index").unique().sort("age_band_index")["age_band"].to_list()
    traces = []
    for index, band in enumerate(order):
        part = bands.filter(pl.col("age_band") == band)
        traces.append(
            dict(
                type="bar",
                x=part["holder"].to_list(),
                y=part[measure].to_list(),
                name=band,
                marker_color=sequential(index, len(order)),
            )
        )
    layout = dict(
        barmode="stack",
        height=380,
        legend=dict(title=dict(text="days since progress"), orientation="h", y=1.12),
        margin=dict(l=10, r=10, t=40, b=10),
        xaxis=dict(type="category"),
        yaxis=dict(title=dict(text="open cases" if measure == "cases" else "weighted load (points)")),
    )
    return go.Figure(traces, layout=noted(layout, note))


@data_text
def band_trend(trend: pl.DataFrame) -> go.Figure:
    """Unprogressed cases by age band at each month end, stacked."""
    order = trend.select("age_band", "age_band_index").unique().sort("age_band_index")["age_band"].to_list()
    traces = []
    for index, band in enumerate(order):
        part = trend.filter(pl.col("age_band") == band).sort("as_of")
        traces.append(
            dict(
                type="scatter",
                x=part["as_of"].to_list(),
                y=part["cases"].to_list(),
                name=band,
                stackgroup="bands",
                mode="lines",
                line=dict(color=sequential(index, len(order))),
            )
        )
    return go.Figure(
        traces,
        layout=dict(
            height=340,
            legend=dict(title=dict(text="days since progress"), orientation="h", y=1.15),
            margin=dict(l=10, r=10, t=40, b=10),
            xaxis=dict(title=dict(text="month end")),
            yaxis=dict(title=dict(text="unprogressed cases"), rangemode="tozero"),
        ),
    )


@data_text
def clock_share(monthly: pl.DataFrame) -> go.Figure:
    """Share of new cases meeting their first-action clock, by month opened, with the counts."""
    return go.Figure(
        dict(
            type="bar",
            x=monthly["opened_month"].to_list(),
            y=(monthly["met_share"] * 100).to_list(),
            customdata=monthly.select("met", "decided", "missed").rows(),
            marker_color=palette.GREEN,
            hovertemplate="%{x|%b %Y}: %{y:.0f} % met<br>%{customdata[0]} of %{customdata[1]} decided; "
            "%{customdata[2]} missed<extra></extra>",
        ),
        layout=dict(
            height=320,
            margin=dict(l=10, r=10, t=10, b=10),
            xaxis=dict(title=dict(text="month opened")),
            yaxis=dict(title=dict(text="cases meeting their clock"), ticksuffix=" %", range=[0, 100]),
        ),
    )


@data_text
def case_timeline(rows: pl.DataFrame, *, start, end) -> go.Figure:
    """Actions as marks, holders, their absences and device stages as spans, on one time axis."""
    traces = []
    spans = rows.filter(pl.col("lane") != "actions")
    for item in spans["item"].unique(maintain_order=True).to_list():
        part = spans.filter(pl.col("item") == item)
        colour = STAGE_COLOURS.get(item) or SPAN_COLOURS.get(item) or HOLDER_COLOURS[len(traces) % 4]
        traces.append(
            dict(
                type="bar",
                base=part["starts_on"].to_list(),
                x=[(b - a).days * 86_400_000 for a, b in zip(part["starts_on"], part["ends_before"], strict=True)],
                y=part["lane"].to_list(),
                orientation="h",
                name=item.replace("_", " "),
                marker_color=colour,
                text=part["item"].to_list() if part["lane"][0] == "officer in charge" else None,
                textposition="inside",
                hovertext=[
                    f"{i}: {a:%d %b %Y} to {b:%d %b %Y}<br>{d}"
                    for i, a, b, d in part.select("item", "starts_on", "ends_before", "detail").rows()
                ],
                hoverinfo="text",
            )
        )
    actions = rows.filter(pl.col("lane") == "actions")
    for item in actions["item"].unique(maintain_order=True).to_list():
        part = actions.filter(pl.col("item") == item)
        traces.append(
            dict(
                type="scatter",
                x=part["starts_on"].to_list(),
                y=["actions"] * part.height,
                mode="markers",
                name=item.replace("_", " "),
                marker=dict(
                    symbol="line-ns-open", size=16, line=dict(width=2), color=ACTION_COLOURS.get(item, palette.GREEN)
                ),
                hovertext=[f"{item}: {a:%d %b %Y} {d}" for a, d in part.select("starts_on", "detail").rows()],
                hoverinfo="text",
            )
        )
    lanes = [
        "actions",
        "officer in charge",
        "absence of officer in charge",
        *sorted(lane for lane in rows["lane"].unique() if lane.startswith("device")),
    ]
    layout = dict(
        barmode="overlay",
        height=200 + 34 * len(lanes),
        legend=dict(orientation="h", y=-0.25),
        margin=dict(l=10, r=10, t=10, b=10),
        xaxis=dict(type="date", range=[start, end], title=dict(text="date")),
        yaxis=dict(categoryorder="array", categoryarray=list(reversed(lanes))),
    )
    return go.Figure(traces, layout=layout)


def sequential(index: int, count: int) -> str:
    """Yellow to dark red: later bands are more worrying."""
    palette = ["#fed976", "#feb24c", "#fd8d3c", "#f03b20", "#bd0026", "#800026"]
    return palette[min(len(palette) - 1, round(index * (len(palette) - 1) / max(1, count - 1)))]


def clicked(points: list) -> list[str]:
    """The case of a clicked point of the ageing chart (its customdata, escaped as every data text of a figure
    is), as a list of at most one case id."""
    return [shown(points[0]["customdata"][0])] if points else []
