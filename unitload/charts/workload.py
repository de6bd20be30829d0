"""Plotly figures for the pages: built from query results, no Streamlit and no data access here.

Figures leave colours of text and background to the Streamlit theme (light or dark) and set units
and axis titles themselves.
"""

from __future__ import annotations

import plotly.graph_objects as go
import polars as pl
from plotly.subplots import make_subplots

from unitload.charts.markup import data_text
from unitload.charts.palette import BLACK, GREEN, MUTED, NORMAL, OVER, PART_TIME, PURPLE, SKY_BLUE, VERMILLION, YELLOW


def strip(x, y, *, name: str, colour: str, text, hovertemplate: str, customdata=None) -> dict:
    """One point per item, jittered around its column's position (the points of an ageing chart).

    `x` holds each item's column as a number (0, 1, ...; `columns` labels them) and `text` its hover
    text, made whole: plotly copies string arrays item by item, numbers in bulk, so the fewer string
    arrays the faster a chart of thousands of points is built.
    """
    return dict(
        type="box",
        x=x,
        y=y,
        name=name,
        boxpoints="all",
        jitter=0.6,
        pointpos=0,
        fillcolor="rgba(0,0,0,0)",
        line_color="rgba(0,0,0,0)",
        marker=dict(color=colour, size=8, opacity=0.85),
        text=text,
        customdata=customdata,
        hovertemplate=hovertemplate,
    )


POINT_LIMIT = 1000  # an ageing chart of more items than this summarises them and draws the outliers only


def thin(
    items: pl.DataFrame, *, value: str, ties: str, beyond: pl.Expr, noun: str, what: str
) -> tuple[pl.DataFrame, str]:
    """The items an ageing chart draws as points, oldest first (the first `ties` id on a tie), and a note saying
    which: the same points whatever order the items come in (a page reads the forensic queue unsorted).

    Up to POINT_LIMIT items: all of them. More (a force rather than a unit): those `beyond` (past
    their line, e.g. stale), at most POINT_LIMIT; `summary_boxes` then shows the rest.
    Thousands of points tell no one anything, and each costs the browser time to draw.
    """
    oldest_first = {"by": [value, ties], "descending": [True, False]}
    if items.height <= POINT_LIMIT:
        return items.sort(**oldest_first), ""
    past = items.filter(beyond)
    drawn = past.sort(**oldest_first).head(POINT_LIMIT)
    oldest = f", the oldest {POINT_LIMIT:,} drawn" if past.height > POINT_LIMIT else ""
    shown = f"points are the {past.height:,} {what}{oldest}"
    return drawn, f"{items.height:,} {noun}: boxes show each column's quartiles and range; {shown}"


def summary_boxes(items: pl.DataFrame, *, position: str, value: str) -> dict:
    """One box per column from its quartiles, minimum and maximum (no points): the shape of many items."""
    stats = (
        items.group_by(position)
        .agg(
            q1=pl.col(value).quantile(0.25, "linear"),
            median=pl.col(value).median(),
            q3=pl.col(value).quantile(0.75, "linear"),
            low=pl.col(value).min(),
            high=pl.col(value).max(),
        )
        .sort(position)
    )
    return dict(
        type="box",
        x=stats[position].to_numpy(),
        q1=stats["q1"].to_numpy(),
        median=stats["median"].to_numpy(),
        q3=stats["q3"].to_numpy(),
        lowerfence=stats["low"].to_numpy(),
        upperfence=stats["high"].to_numpy(),
        name="all items",
        boxpoints=False,
        width=0.5,
        fillcolor="rgba(127,127,127,0.15)",
        line=dict(color=MUTED, width=1),
        hoverinfo="y",
    )


def column_axis(labels: list[str], title: str) -> dict:
    """The x axis of a strip chart: its numbered columns labelled, in order."""
    return dict(
        title=dict(text=title),
        tickmode="array",
        tickvals=list(range(len(labels))),
        ticktext=labels,
        range=[-0.6, len(labels) - 0.4],
        showgrid=False,
        zeroline=False,
    )


OFFICER_LIMIT = 60  # a chart with a row per officer draws this many at most: the most loaded


def most_loaded(officers: pl.DataFrame, by: str, listed: bool = True) -> tuple[pl.DataFrame, str]:
    """The rows of a per-officer chart (one `label` each, perhaps over several months), and a note.

    Up to OFFICER_LIMIT officers: all. More (a force rather than a unit): the OFFICER_LIMIT with the
    highest `by`, officers with no capacity first. A bar per officer for thousands of officers can be
    neither read nor drawn quickly; `listed`: a table of the page still lists every officer.
    """
    labels = officers["label"].unique()
    if labels.len() <= OFFICER_LIMIT:
        return officers, ""
    ranked = officers.sort(by, descending=True, nulls_last=False)["label"].unique(maintain_order=True)
    kept = officers.filter(pl.col("label").is_in(ranked.head(OFFICER_LIMIT).implode()))
    return kept, (
        f"The {OFFICER_LIMIT} most loaded of {labels.len():,} officers; choose a unit or team to see every one"
        + (" (the table lists all)" if listed else "")
    )


def noted(layout: dict, note: str) -> dict:
    """The layout with a line above the chart saying what it leaves out (the note of `thin` or
    `most_loaded`); the layout as it was when the chart leaves nothing out."""
    if not note:
        return layout
    return layout | {"title": dict(text=note, font=dict(size=12)), "margin": layout.get("margin", {}) | {"t": 70}}


@data_text
def load_bars(officers: pl.DataFrame, *, adjusted: bool, overload_pct: float, points_per_fte: float) -> go.Figure:
    """Load per officer as a % of capacity, sorted, with 100 % and the overload threshold drawn.

    `officers` needs label, load_pct, weighted_load, capacity_points, open_cases and fte. Adjusted: against
    FTE-adjusted capacity; raw: against a full-timer's points. Red: above overload_pct in the measure shown.
    """
    frame, note = most_loaded(
        officers.with_columns(
            shown=pl.col("load_pct") if adjusted else 100.0 * pl.col("weighted_load") / points_per_fte
        ),
        "shown",
    )
    frame = frame.sort("shown", nulls_last=False)
    # the colour follows the measure shown: raw, a bar is red when it passes the threshold of a full-timer
    over = frame["shown"].fill_null(0.0) > overload_pct
    colour = [OVER if o else PART_TIME if fte < 1 else NORMAL for o, fte in zip(over, frame["fte"], strict=True)]
    hover = [
        f"{label}<br>load {w:.2f} of {c:.2f} points<br>FTE {fte:.2f}<br>{n} open cases"
        for label, w, c, fte, n in zip(
            frame["label"],
            frame["weighted_load"],
            frame["capacity_points"],
            frame["fte"],
            frame["open_cases"],
            strict=True,
        )
    ]
    fig = make_subplots(rows=1, cols=2, shared_yaxes=True, column_widths=[0.78, 0.22], horizontal_spacing=0.02)
    fig.add_trace(
        dict(
            type="bar",
            x=frame["shown"].fill_null(0).to_list(),
            y=frame["label"].to_list(),
            orientation="h",
            marker_color=colour,
            hovertext=hover,
            hoverinfo="text",
            text=[  # the status in words beside its colour
                "no capacity" if v is None else f"{v:.0f} %" + (" · over" if o else "")
                for v, o in zip(frame["shown"].to_list(), over, strict=True)
            ],
            textposition="auto",  # inside a long bar, beside a short one: a phone's narrow chart keeps it whole
            cliponaxis=False,
            name="load",
        ),
        row=1,
        col=1,
    )
    fig.add_trace(
        dict(
            type="bar",
            x=frame["open_cases"].to_list(),
            y=frame["label"].to_list(),
            orientation="h",
            marker_color=MUTED,
            name="open cases",
            text=frame["open_cases"].to_list(),
            textposition="outside",
            cliponaxis=False,  # drawn into the margin rather than cut at the axis
        ),
        row=1,
        col=2,
    )
    fig.add_vline(
        x=100,
        line_dash="dot",
        line_color=MUTED,
        row=1,
        col=1,
        annotation_text="capacity 100 %",
        annotation_position="top",
    )
    fig.add_vline(
        x=overload_pct,
        line_dash="dash",
        line_color=OVER,
        row=1,
        col=1,
        annotation_text=f"overload {overload_pct:g} %",
        annotation_position="bottom right",
    )
    title = (
        "load as % of FTE-adjusted capacity" if adjusted else f"load as % of a full-timer's {points_per_fte:g} points"
    )
    widest = max(frame["shown"].max() or 0.0, overload_pct)
    # room right of the longest bar for its label ("179 % · over"), which Plotly's own range clipped
    fig.update_xaxes(title_text=title, ticksuffix=" %", range=[0, widest * 1.3], row=1, col=1)
    fig.update_xaxes(title_text="open cases", range=[0, max(frame["open_cases"].max() or 0, 1) * 1.3], row=1, col=2)
    fig.update_layout(showlegend=False, height=max(320, 26 * frame.height + 120), margin=dict(l=10, r=30, t=30, b=10))
    fig.update_layout(noted({}, note))
    return fig


@data_text
def heat_strip(series: pl.DataFrame, *, overload_pct: float) -> go.Figure:
    """load_pct per officer (rows) and month end (columns); cells over the threshold stand out.

    Past OFFICER_LIMIT officers, the most loaded at the latest month end.
    """
    latest = series.filter(pl.col("as_of") == pl.col("as_of").max())
    kept, note = most_loaded(latest, "load_pct")
    series = series.filter(pl.col("label").is_in(kept["label"].implode()))
    wide = (
        series.sort("as_of")
        .with_columns(month=pl.col("as_of").dt.strftime("%b %Y"))
        .pivot(on="month", index="label", values="load_pct", aggregate_function="first", sort_columns=False)
        .sort("label", descending=True)
    )
    months = [c for c in wide.columns if c != "label"]
    z = wide.select(months).to_numpy()
    top = max(200.0, overload_pct * 1.5)
    fig = go.Figure(
        dict(
            type="heatmap",
            z=z,
            x=months,
            y=wide["label"].to_list(),
            zmin=0,
            zmax=top,
            colorscale=[[0, NORMAL], [100 / top, "#ffffbf"], [overload_pct / top, PART_TIME], [1, OVER]],
            colorbar=dict(title="load %", ticksuffix=" %"),
            hovertemplate="%{y}<br>%{x}: %{z:.0f} %<extra></extra>",
            xgap=1,
            ygap=1,
        )
    )
    fig.update_layout(height=max(300, 22 * wide.height + 100), margin=dict(l=10, r=10, t=10, b=10))
    fig.update_xaxes(title_text="month end")
    fig.update_layout(noted({}, note))
    return fig


TREND_PANELS = (
    ("Unit load (%)", (("load_pct", "load"),), " %"),  # short, for a panel half a phone wide
    (
        "Officers",
        (
            ("officers_overloaded", "overloaded"),
            ("officers_sustained_overload", "sustained overload"),
            ("part_time_full_load", "part-time at full load"),
        ),
        "",
    ),
    (
        "Unprogressed cases",
        (
            ("unprogressed", "all"),
            ("unprogressed_over_90", "> 90 days"),
            ("unprogressed_over_180", "> 180 days"),
            ("unprogressed_over_365", "> 365 days"),
        ),
        "",
    ),
    ("Forensic queue", (("forensic_items", "items waiting"), ("forensic_oldest_days", "oldest item (days)")), ""),
)


def trend(months: pl.DataFrame) -> go.Figure:
    """Small multiples of the headline figures over the month ends (one row per month end)."""
    fig = make_subplots(rows=2, cols=2, subplot_titles=[p[0] for p in TREND_PANELS], vertical_spacing=0.2)
    x = months["as_of"].to_list()
    for index, (_, lines, suffix) in enumerate(TREND_PANELS):
        row, col = divmod(index, 2)
        for column, name in lines:
            fig.add_trace(
                dict(
                    type="scatter",
                    x=x,
                    y=months[column].to_list(),
                    name=name,
                    mode="lines+markers",
                    hovertemplate=f"{name}: %{{y:.0f}}{suffix}<extra>%{{x|%b %Y}}</extra>",
                ),
                row=row + 1,
                col=col + 1,
            )
        fig.update_yaxes(ticksuffix=suffix, rangemode="tozero", row=row + 1, col=col + 1)
    fig.update_layout(height=620, legend=dict(orientation="h", y=-0.08), margin=dict(l=10, r=10, t=40, b=10))
    return fig


SPAN_COLOURS = {  # absences never share a colour with the officers in charge of a case's timeline
    "contract": NORMAL,
    "annual_leave": YELLOW,
    "parental": YELLOW,
    "sickness": PART_TIME,
    "long_term_sickness": VERMILLION,
    "restricted_duties": PART_TIME,
    "training": YELLOW,
    "secondment": PART_TIME,
    "other": MUTED,
}
assert not {BLACK, PURPLE, SKY_BLUE, GREEN} & set(SPAN_COLOURS.values())  # holders' and "examined" (case_charts)


@data_text
def timeline(history: pl.DataFrame, *, start, end) -> go.Figure:
    """Contracts (labelled with their hours) and absences of one officer on one time axis."""
    fig = go.Figure()
    for span in history["span"].unique(maintain_order=True).to_list():
        part = history.filter(pl.col("span") == span)
        fig.add_trace(
            dict(
                type="bar",
                base=part["starts_on"].to_list(),
                x=[(b - a).days * 86_400_000 for a, b in zip(part["starts_on"], part["ends_before"], strict=True)],
                y=[span.replace("_", " ")] * part.height,
                orientation="h",
                marker_color=SPAN_COLOURS.get(span, MUTED),
                marker_line_width=1,
                text=part["detail"].to_list() if span == "contract" else None,
                textposition="inside",
                hovertext=[
                    f"{span.replace('_', ' ')}: {a:%d %b %Y} to {b:%d %b %Y} ({d})"
                    for a, b, d in zip(part["starts_on"], part["ends_before"], part["detail"], strict=True)
                ],
                hoverinfo="text",
            )
        )
    fig.update_xaxes(type="date", title_text="date", range=[start, end])
    fig.update_layout(
        barmode="overlay",
        showlegend=False,
        height=120 + 40 * history["span"].n_unique(),
        margin=dict(l=10, r=10, t=10, b=10),
    )
    return fig
