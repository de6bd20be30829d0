"""Plotly figures of the planner: baseline and scenario side by side. No Streamlit here."""

from __future__ import annotations

import datetime as dt

import plotly.graph_objects as go
import polars as pl

from unitload.charts import MUTED, OVER, most_loaded, noted
from unitload.forensic_charts import FAN_LAYOUT, fan_traces


def load_comparison(baseline: pl.DataFrame, scenario: pl.DataFrame, *, overload_pct: float) -> go.Figure:
    """Load % per officer, baseline and scenario bars side by side, sorted by the scenario's load."""
    both = baseline.select("label", base="load_pct").join(
        scenario.select("label", plan="load_pct"), on="label", how="full", coalesce=True
    )
    both, note = most_loaded(both.with_columns(rank=pl.col("plan").fill_null(1e9)), "rank")
    both = both.sort("rank")
    fig = go.Figure()
    for column, name, colour in (("base", "baseline", MUTED), ("plan", "scenario", "#1f77b4")):
        values = both[column].to_list()
        fig.add_trace(
            go.Bar(
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
    traces = fan_traces(baseline_fan, as_of=as_of, name="baseline", colour="#7f7f7f", outer=False)
    traces += fan_traces(scenario_fan, as_of=as_of, name="scenario", colour="#1f77b4", outer=False)
    return go.Figure(traces, layout=FAN_LAYOUT)
