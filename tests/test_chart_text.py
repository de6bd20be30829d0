"""Every chart's text alternatives, read from the figure: the table of its data and the sentence a screen
reader gives."""

import datetime as dt

import numpy as np
import plotly.graph_objects as go
import polars as pl
from plotly.subplots import make_subplots

from unitload.charts import workload as charts
from unitload.charts.forensics import fan_traces
from unitload.charts.text import chart_table, described, series_names

D = dt.date


def test_bars_give_a_row_per_category_and_a_column_per_series():
    fig = go.Figure(
        [
            go.Bar(x=["POLIT-A", "POLIT-B"], y=[59, 46], name="0-28 days"),
            go.Bar(x=["POLIT-B"], y=[2], name="over 365 days"),  # a category a series leaves out: empty, not 0
        ],
        layout=dict(xaxis=dict(title=dict(text="team"))),
    )
    assert chart_table(fig).to_dicts() == [
        {"team": "POLIT-A", "0-28 days": 59, "over 365 days": None},
        {"team": "POLIT-B", "0-28 days": 46, "over 365 days": 2},
    ]
    assert described(fig, "Open cases by days since progress") == (
        "Open cases by days since progress: Bar chart of 0-28 days, over 365 days, team from POLIT-A to POLIT-B "
        "(2 rows in the table below)."
    )


def test_horizontal_bars_are_read_along_their_categories_and_panels_side_by_side_share_a_row():
    officers = pl.DataFrame(
        {
            "label": ["Ann Lee · 0.5 FTE", "Bob Roe"],
            "load_pct": [150.0, 80.0],
            "weighted_load": [12.0, 12.8],
            "capacity_points": [8.0, 16.0],
            "open_cases": [5, 7],
            "fte": [0.5, 1.0],
            "overloaded": [True, False],
            "part_time_full_load": [True, False],
        }
    )
    fig = charts.load_bars(officers, adjusted=True, overload_pct=110, points_per_fte=16)
    table = chart_table(fig).sort(pl.col(chart_table(fig).columns[0]))
    assert table.columns[1:] == ["load", "open cases"]
    assert table.rows() == [("Ann Lee · 0.5 FTE", 150.0, 5), ("Bob Roe", 80.0, 7)]
    assert "; highest" not in described(fig)  # two series: no single highest point


def test_one_series_says_its_highest_point_and_dates_read_as_days():
    fig = go.Figure(
        go.Scatter(x=[D(2026, 8, 31), D(2026, 9, 30), D(2026, 10, 31)], y=[96.84, 103.0, 92.0], name="load"),
        layout=dict(xaxis=dict(title=dict(text="month end"))),
    )
    assert chart_table(fig).to_dicts() == [
        {"month end": "2026-08-31", "load": 96.8},
        {"month end": "2026-09-30", "load": 103.0},
        {"month end": "2026-10-31", "load": 92.0},
    ]
    assert described(fig) == (
        "Line chart of load, month end from 2026-08-31 to 2026-10-31 (3 rows in the table below); "
        "highest 103.0 at 2026-09-30."
    )


def test_a_name_used_in_several_panels_is_said_with_its_panel():
    fig = make_subplots(rows=1, cols=2, subplot_titles=["to download", "to examined"])
    for col in (1, 2):
        fig.add_trace(go.Scatter(x=[D(2026, 9, 1)], y=[10 * col], name="p50"), row=1, col=col)
    assert series_names(fig) == ["p50: to download", "p50: to examined"]
    assert chart_table(fig).to_dicts() == [{"date": "2026-09-01", "p50: to download": 10, "p50: to examined": 20}]


def test_a_fan_names_each_edge_of_its_bands():
    fan = np.array([[1, 2], [2, 3], [3, 4], [4, 5], [5, 6]], dtype=float)
    fig = go.Figure(fan_traces(fan, as_of=D(2026, 10, 31)), layout=dict(xaxis=dict(title=dict(text="week"))))
    table = chart_table(fig)
    assert table.columns == [
        "week",
        "5 to 95 % of runs (upper)",
        "5 to 95 % of runs (lower)",
        "15 to 85 % of runs (upper)",
        "15 to 85 % of runs (lower)",
        "median run",
    ]
    assert table.row(1) == ("2026-11-07", 6.0, 2.0, 5.0, 3.0, 4.0)
    assert "Line chart of 5 to 95 % of runs, 15 to 85 % of runs, median run" in described(fig)


def test_a_heatmap_gives_a_row_per_row_of_cells():
    fig = go.Figure(go.Heatmap(z=[[137.5, 120.8], [70.8, None]], x=["Sep 2026", "Oct 2026"], y=["P1043", "P1041"]))
    assert chart_table(fig).to_dicts() == [
        {"row": "P1043", "Sep 2026": 137.5, "Oct 2026": 120.8},
        {"row": "P1041", "Sep 2026": 70.8, "Oct 2026": None},
    ]


def test_a_histogram_counts_its_values_and_a_box_gives_its_five_figures():
    hist = go.Figure(go.Histogram(x=[3, 1, 3, 2, 3]), layout=dict(xaxis=dict(title=dict(text="weeks"))))
    assert chart_table(hist).to_dicts() == [
        {"weeks": 1, "count": 1},
        {"weeks": 2, "count": 1},
        {"weeks": 3, "count": 3},
    ]
    box = go.Figure(go.Box(y=[1, 2, 3, 4, 5], name="urgent"))
    assert chart_table(box).to_dicts() == [
        {"series": "urgent", "lowest": 1.0, "lower quartile": 2.0, "median": 3.0, "upper quartile": 4.0, "highest": 5.0}
    ]


def test_a_timeline_gives_a_row_per_bar_with_its_words():
    history = pl.DataFrame(
        {
            "span": ["contract", "contract", "annual_leave"],
            "starts_on": [D(2024, 1, 1), D(2026, 3, 1), D(2026, 8, 3)],
            "ends_before": [D(2026, 3, 1), D(2026, 11, 1), D(2026, 8, 15)],
            "detail": ["40 h a week", "24 h a week", "all of each day"],
        }
    )
    table = chart_table(charts.timeline(history, start=D(2024, 1, 1), end=D(2026, 11, 1)))
    assert table.columns == ["series", "at", "value", "detail"]
    assert table["at"].to_list() == ["contract", "contract", "annual leave"]
    assert table["value"].to_list() == ["2024-01-01", "2026-03-01", "2026-08-03"]
    assert table["detail"][2] == "annual leave: 03 Aug 2026 to 15 Aug 2026 (all of each day)"


def test_an_empty_chart_says_so():
    assert described(go.Figure(), "Projected backlog") == "Projected backlog: an empty chart."
    assert chart_table(go.Figure()).is_empty()
