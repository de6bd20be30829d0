"""Plotly figures of the planner: baseline and scenario side by side. No Streamlit here."""

from __future__ import annotations

import datetime as dt

import plotly.graph_objects as go
import polars as pl

from unitload.charts import palette
from unitload.charts.forensics import FAN_LAYOUT, fan_traces
from unitload.charts.markup import data_text
from unitload.charts.workload import MUTED, OVER, heat_strip, most_loaded, noted


@data_text
def load_comparison(baseline: pl.DataFrame, scenario: pl.DataFrame, *, overload_pct: float) -> go.Figure:
    """Load % per officer, baseline and scenario bars side by side, sorted by the scenario's load."""
    both = baseline.select("label", base="load_pct").join(
        scenario.select("label", plan="load_pct"), on="label", how="full", coalesce=True
    )
    both, note = most_loaded(both.with_columns(rank=pl.col("plan").fill_null(1e9)), "rank")
    both = both.sort("rank")
    fig = go.Figure()
    for column, name, colour in (("base", "baseline", MUTED), ("plan", "scenario", palette.BLUE)):
        values = both[column].to_list()
        fig.add_trace(
            dict(
                type="bar",
                y=both["label"].to_list(),
                x=[v or 0 for v in values],
                name=name,
                orientation="h",
                marker_color=colour,
                text=["no capacity" if v is None else f"{v:.0f} %" for v in values],
                textposition="outside",
                hovertemplate=f"{name} %{{x:.0f}} %<extra>%{{y}}</extra>",
            )
        )
    fig.add_vline(x=overload_pct, line_dash="dash", line_color=OVER, annotation_text=f"overload {overload_pct:g} %")
    fig.add_vline(x=100, line_dash="dot", line_color=MUTED)
    fig.update_xaxes(title_text="load as % of FTE-adjusted capacity", ticksuffix=" %")
    fig.update_layout(
        barmode="group",
        height=max(360, 34 * both.height + 120),
        legend=dict(orientation="h", y=1.04),
        margin=dict(l=10, r=10, t=30, b=10),
    )
    fig.update_layout(noted({}, note))
    return fig


def fans(baseline_fan, scenario_fan, *, as_of: dt.date) -> go.Figure:
    """Median projected forensic backlog with its 15-85 % band, baseline and scenario."""
    traces = fan_traces(baseline_fan, as_of=as_of, name="baseline", colour=palette.GREY, outer=False)
    traces += fan_traces(scenario_fan, as_of=as_of, name="scenario", colour=palette.BLUE, outer=False)
    return go.Figure(traces, layout=FAN_LAYOUT)


def forecast_table(outcomes: dict, as_of: dt.date) -> pl.DataFrame:
    """When the forensic queue clears, per plan, in words: never a bare "None"."""

    def clears(outcome, percent: int) -> str:
        day = outcome.forecast.date_at(percent, as_of)
        horizon = outcome.forecast.horizon_weeks
        return f"{day:%d %b %Y}" if day else f"does not clear within {horizon} weeks"

    return pl.DataFrame(
        [
            {
                "plan": label,
                "examiner FTE": round(o.examiner_fte, 2),
                "clears by, in half the runs": clears(o, 50),
                "in 85 % of runs": clears(o, 85),
                "in 95 % of runs": clears(o, 95),
                "runs that clear within the horizon": f"{o.forecast.cleared_share:.0%}",
            }
            for label, o in outcomes.items()
        ]
    )


PROJECTED = (  # summary column, its label
    ("open_cases", "open cases"),
    ("overloaded", "officers overloaded"),
    ("part_time_full_load", "part-timers at full load"),
    ("capacity_fte", "capacity (FTE)"),
    ("backlog", "forensic backlog (median)"),
)


DASHES = ("solid", "dash", "dashdot", "longdash")
SYMBOLS = ("x", "circle", "square", "diamond", "triangle-up")


def coinciding(summary: pl.DataFrame) -> list[tuple[str, str]]:
    """Pairs of plans whose projected figures are equal at every month end: their lines lie on each other."""
    plans = summary["plan"].unique(maintain_order=True).to_list()
    columns = [c for c, _ in PROJECTED]
    rows = {p: summary.filter(pl.col("plan") == p).select("as_of", *columns) for p in plans}
    return [(a, b) for i, a in enumerate(plans) for b in plans[i + 1 :] if rows[a].equals(rows[b])]


@data_text
def projection_lines(summary: pl.DataFrame) -> go.Figure:
    """Each plan's figures at each month end ahead, one panel a figure; the baseline grey and dotted."""
    plans = summary["plan"].unique(maintain_order=True).to_list()
    colours = list(palette.SERIES)
    traces = []
    for n, (column, label) in enumerate(PROJECTED, start=1):
        for k, plan in enumerate(plans):
            rows = summary.filter(pl.col("plan") == plan)
            base = plan == "baseline"
            traces.append(
                dict(
                    type="scatter",
                    x=rows["as_of"].to_list(),
                    y=rows[column].to_list(),
                    name=plan,
                    legendgroup=plan,
                    showlegend=n == 1,
                    mode="lines+markers",
                    # a dash and a marker of its own as well as a colour: lines that coincide stay told apart
                    line=dict(
                        color=MUTED if base else colours[(k - 1) % len(colours)],
                        dash="dot" if base else DASHES[(k - 1) % len(DASHES)],
                        width=2 + (len(plans) - 1 - k) * 1.5,  # earlier plans drawn wider, under the later
                    ),
                    marker=dict(symbol=SYMBOLS[k % len(SYMBOLS)], size=6 + (len(plans) - 1 - k) * 2),
                    xaxis=f"x{n}",
                    yaxis=f"y{n}",
                    hovertemplate=f"{plan}<br>%{{x|%b %Y}}: %{{y:.4~g}} {label}<extra></extra>",
                )
            )
    for n, (column, label) in enumerate(PROJECTED, start=1):
        if f"{column}_low" not in summary.columns:
            continue
        for k, plan in enumerate(plans):  # each plan's 80 % band from its teams' spread of monthly flow
            rows = summary.filter(pl.col("plan") == plan)
            colour = MUTED if plan == "baseline" else colours[(k - 1) % len(colours)]
            for edge in ("high", "low"):
                traces.append(
                    dict(
                        type="scatter",
                        x=rows["as_of"].to_list(),
                        y=rows[f"{column}_{edge}"].to_list(),
                        name=f"{plan}: 80 % band",
                        legendgroup=plan,
                        showlegend=False,
                        mode="lines",
                        line=dict(width=0, color=colour),
                        fill="tonexty" if edge == "low" else None,
                        fillcolor=_faint(colour),
                        xaxis=f"x{n}",
                        yaxis=f"y{n}",
                        hovertemplate=f"{plan}<br>%{{x|%b %Y}}: {edge} end of the band, %{{y:.4~g}} {label}"
                        "<extra></extra>",
                    )
                )
    layout = dict(
        height=760,
        grid=dict(rows=len(PROJECTED), columns=1, pattern="independent"),
        legend=dict(orientation="h", y=1.06),
        margin=dict(l=10, r=10, t=40, b=10),
    )
    for n, (_, label) in enumerate(PROJECTED, start=1):
        layout[f"yaxis{n}"] = dict(title=dict(text=label, font=dict(size=11)), rangemode="tozero")
        last = f"x{len(PROJECTED)}"
        layout[f"xaxis{n}"] = dict(matches=last if n < len(PROJECTED) else None, showticklabels=n == len(PROJECTED))
    return go.Figure(traces, layout=layout)


def _faint(colour: str) -> str:
    """A see-through fill of a #rrggbb colour, for a band behind its line."""
    red, green, blue = (int(colour[i : i + 2], 16) for i in (1, 3, 5))
    return f"rgba({red},{green},{blue},0.15)"


def projection_table(summary: pl.DataFrame) -> pl.DataFrame:
    """Month by month: the baseline's figures, and each scenario's with its change on the baseline in brackets."""
    base = summary.filter(pl.col("plan") == "baseline").drop("plan")
    out = base.select(pl.col("as_of").alias("month end"))
    for plan in summary["plan"].unique(maintain_order=True).to_list():
        rows = summary.filter(pl.col("plan") == plan).drop("plan")
        for column, label in PROJECTED:
            values, was = rows[column].to_list(), base[column].to_list()
            cells = [_cell(v, w, plan == "baseline") for v, w in zip(values, was, strict=True)]
            if f"{column}_low" in rows.columns:  # its 80 % band beside it
                low, high = rows[f"{column}_low"].to_list(), rows[f"{column}_high"].to_list()
                cells = [f"{c} [{_number(lo)}–{_number(hi)}]" for c, lo, hi in zip(cells, low, high, strict=True)]
            out = out.with_columns(pl.Series(f"{plan}: {label}", cells))
    return out


def _number(value) -> str:
    return f"{value:.0f}" if isinstance(value, float) else str(value)


def _cell(value, was, baseline: bool) -> str:
    if value is None:
        return "beyond the forecast"
    shown = f"{value:.1f}" if isinstance(value, float) else str(value)
    if baseline or was is None or value == was:
        return shown
    delta = value - was
    return f"{shown} ({delta:+.1f})" if isinstance(delta, float) else f"{shown} ({delta:+d})"


def strip(series: pl.DataFrame, *, overload_pct: float) -> go.Figure:
    """Per-officer load at each month end ahead (the Officer workload page's heat strip, which escapes)."""
    return heat_strip(series, overload_pct=overload_pct)
