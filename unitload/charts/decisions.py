"""The Decisions page's figure: decisions done on time, month by month."""

from __future__ import annotations

import plotly.graph_objects as go
import polars as pl

from unitload.charts.markup import data_text
from unitload.charts.palette import BLUE, MUTED


@data_text
def on_time(monthly: pl.DataFrame) -> go.Figure:
    """Decisions due in each month: how many, and the share done by their due day (a bar per month, its share in
    words on it). `monthly` needs month (a date), due, on_time."""
    share = (100.0 * monthly["on_time"] / monthly["due"]).fill_nan(None)
    fig = go.Figure(
        [
            dict(
                type="bar",
                x=monthly["month"].to_list(),
                y=share.to_list(),
                name="done by the due day",
                marker_color=BLUE,
                text=[
                    "none due" if d == 0 else f"{o} of {d}"
                    for o, d in zip(monthly["on_time"].to_list(), monthly["due"].to_list(), strict=True)
                ],
                textposition="outside",
                hovertemplate="%{x|%b %Y}: %{y:.0f} % done by the due day (%{text})<extra></extra>",
            )
        ]
    )
    fig.update_yaxes(title_text="done by the due day", ticksuffix=" %", range=[0, 110], gridcolor=MUTED)
    fig.update_xaxes(title_text="month due", dtick="M1", tickformat="%b %Y")
    fig.update_layout(height=360, showlegend=False, margin=dict(l=10, r=10, t=30, b=10))
    return fig
