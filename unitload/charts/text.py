"""Every chart's text alternative, made from the figure itself so that it can never say other than the chart:
a short description for screen readers (`described`) and the chart's data as a table (`chart_table`).

A figure is read trace by trace. Bars, lines and markers give one column per series against the axis
they are drawn along (the category of horizontal bars, the month or week of a line); a heatmap gives one
row per row of cells; a histogram counts its values; a box gives its five figures. Series whose points
repeat along the axis (a timeline's bars) give one row per point instead, with the words of their hover
text. No Streamlit here.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter

import numpy as np
import plotly.graph_objects as go
import polars as pl

from unitload.charts.markup import shown as as_shown

KINDS = {"bar": "bar", "heatmap": "heatmap", "histogram": "histogram", "box": "box"}


def _kind(trace) -> str:
    if trace.type == "scatter":
        return "line" if "lines" in (trace.mode or "lines") else "point"
    return KINDS.get(trace.type, trace.type)


def series_names(fig: go.Figure) -> list[str]:
    """A name for every trace: its own, or for a band's unnamed upper edge, the band's name with "(upper)";
    a name that several panels use, with the panel's axis title."""
    names = []
    for index, trace in enumerate(fig.data):
        name = trace.name or ""
        following = fig.data[index + 1] if index + 1 < len(fig.data) else None
        if not name and following is not None and getattr(following, "fill", None) == "tonexty" and following.name:
            name = f"{following.name} (upper)"
        elif name and getattr(trace, "fill", None) == "tonexty" and not fig.data[index - 1].name:
            name = f"{name} (lower)"
        names.append(as_shown(name) or (_axis_title(fig, trace, "y") if len(fig.data) == 1 else f"series {index + 1}"))
    counts = Counter(names)  # one name in several panels: each said with its panel's axis
    return [
        f"{name}: {_panel(fig, trace)}" if counts[name] > 1 else name
        for name, trace in zip(names, fig.data, strict=True)
    ]


def chart_table(fig: go.Figure) -> pl.DataFrame:
    """The chart's data: one row per category, month or week along its axis and one column per series (or,
    for a timeline, one row per bar). Values as the chart draws them, numbers rounded to one decimal."""
    names = series_names(fig)
    if any(_repeats(trace) for trace in fig.data):
        return _long(fig, names)
    key_title, rows = "", {}
    for trace, name in zip(fig.data, names, strict=True):
        key_title = key_title or _key_title(fig, trace)
        for key, column, value in _cells(trace, name):
            rows.setdefault(key, {})[column] = value
    columns = list(dict.fromkeys(c for values in rows.values() for c in values))
    keys = [_shown(k) for k in rows]
    data = {key_title or ("date" if all(_is_day(k) for k in keys) else "category"): keys}
    data |= {column: [_shown(values.get(column)) for values in rows.values()] for column in columns}
    return _frame(data)


def described(fig: go.Figure, what: str = "") -> str:
    """One sentence for a screen reader: the kind of chart, its series, the span of its axis and, for one
    series of numbers, its highest point. `what` (the heading the chart sits under) leads when given."""
    if not fig.data:
        return f"{what}: an empty chart." if what else "An empty chart."
    kinds = list(dict.fromkeys(_kind(t) for t in fig.data))
    bands = (" (upper)", " (lower)")
    names = [n for n in dict.fromkeys(_strip(n, bands) for n in series_names(fig)) if not n.startswith("series ")]
    shown = ", ".join(names[:4]) + (f" and {len(names) - 4} more" if len(names) > 4 else "")
    sentence = f"{' and '.join(kinds).capitalize()} chart" + (f" of {shown}" if shown else "")
    if any(_repeats(trace) for trace in fig.data):  # a table of points (a row each): no span to say
        return (f"{what}: " if what else "") + sentence + "."
    table = chart_table(fig)
    if table.height:
        first, last = table[table.columns[0]][0], table[table.columns[0]][-1]
        sentence += f", {table.columns[0]} from {first} to {last}" if first != last else f", {first}"
        sentence += f" ({table.height} rows in the table below)"
        if table.width == 2:
            values = table[table.columns[1]].cast(pl.Float64, strict=False)
            if values.drop_nulls().len():
                top = values.arg_max()
                sentence += f"; highest {table[table.columns[1]][top]} at {table[table.columns[0]][top]}"
    return (f"{what}: " if what else "") + sentence + "."


def _strip(name: str, endings: tuple[str, ...]) -> str:
    for ending in endings:
        name = name.removesuffix(ending)
    return name


def _axis(fig: go.Figure, trace, axis: str):
    name = (getattr(trace, f"{axis}axis", None) or axis).replace(axis, f"{axis}axis", 1)
    return fig.layout[name] if name in fig.layout else None  # noqa: SIM401 - a layout has no get()


def _axis_title(fig: go.Figure, trace, axis: str) -> str:
    layout_axis = _axis(fig, trace, axis)
    return (layout_axis.title.text or "") if layout_axis is not None and layout_axis.title else ""


def _panel(fig: go.Figure, trace) -> str:
    """The title of the panel a trace is drawn in: the text placed just above the panel, or its y axis's."""
    x_axis, y_axis = _axis(fig, trace, "x"), _axis(fig, trace, "y")
    left, right = x_axis.domain if x_axis is not None and x_axis.domain else (0, 1)
    top = y_axis.domain[1] if y_axis is not None and y_axis.domain else 1
    above = [
        a.text
        for a in fig.layout.annotations
        if a.xref == "paper"
        and a.yref == "paper"
        and left <= (a.x or 0) <= right
        and top - 0.01 <= (a.y or 0) <= top + 0.1
    ]
    return above[0] if above else _axis_title(fig, trace, "y") or trace.yaxis or "y"


def _key_title(fig: go.Figure, trace) -> str:
    if trace.type == "heatmap":
        return _axis_title(fig, trace, "y") or "row"
    if trace.type == "box":
        return "series"
    along = "y" if getattr(trace, "orientation", None) == "h" else "x"
    return _axis_title(fig, trace, along)


def _cells(trace, name: str):
    """(key along the axis, column, value) of each point the trace draws."""
    if trace.type == "heatmap":
        for row, values in zip(trace.y, trace.z, strict=True):
            for column, value in zip(trace.x, values, strict=True):
                yield row, str(_shown(column)), value
    elif trace.type == "histogram":
        for value, count in sorted(Counter(v for v in trace.x if v is not None).items()):
            yield value, name or "count", count
    elif trace.type == "box":
        values = np.asarray([v for v in (trace.y if trace.y is not None else trace.x) if v is not None], float)
        if values.size:
            five = np.percentile(values, [0, 25, 50, 75, 100])
            for label, value in zip(
                ("lowest", "lower quartile", "median", "upper quartile", "highest"), five, strict=True
            ):
                yield name, label, value
    else:
        horizontal = getattr(trace, "orientation", None) == "h"
        keys, values = (trace.y, trace.x) if horizontal else (trace.x, trace.y)
        for key, value in zip(keys if keys is not None else range(len(values)), values, strict=False):
            yield key, name, value


def _is_day(value) -> bool:
    try:
        dt.date.fromisoformat(str(value))
    except ValueError:
        return False
    return True


def _repeats(trace) -> bool:
    if trace.type not in ("bar", "scatter"):
        return False
    keys = trace.y if getattr(trace, "orientation", None) == "h" else trace.x
    return getattr(trace, "base", None) is not None or (keys is not None and len(set(map(str, keys))) < len(keys))


def _long(fig: go.Figure, names: list[str]) -> pl.DataFrame:
    """One row per point: its series, place along the axis, value and the words its hover text gives."""
    data: dict[str, list] = {"series": [], "at": [], "value": [], "detail": []}
    for trace, name in zip(fig.data, names, strict=True):
        texts = trace.hovertext if getattr(trace, "hovertext", None) is not None else trace.text
        horizontal = getattr(trace, "orientation", None) == "h"
        keys, values = (trace.y, trace.x) if horizontal else (trace.x, trace.y)
        base = getattr(trace, "base", None)
        for index, value in enumerate(values if values is not None else ()):
            data["series"].append(name)
            data["at"].append(_shown(keys[index] if keys is not None else index))
            data["value"].append(_shown(base[index] if base is not None and not isinstance(base, str) else value))
            data["detail"].append(_shown(texts[index] if np.ndim(texts) == 1 else texts))
    if not any(data["detail"]):
        del data["detail"]
    return _frame(data)


def _shown(value):
    """A value as the table shows it: days and months as dates, numbers to one decimal, the rest as text."""
    if value is None or isinstance(value, float) and np.isnan(value):
        return None
    if isinstance(value, dt.datetime | np.datetime64):
        return str(np.datetime64(value, "D"))
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, bool | np.bool_):
        return "yes" if value else "no"
    if isinstance(value, int | np.integer):
        return int(value)
    if isinstance(value, float | np.floating):
        return round(float(value), 1)
    return as_shown(str(value).replace("<br>", "; "))  # as the chart shows it: data text was escaped


def _frame(data: dict[str, list]) -> pl.DataFrame:
    """Columns of one type each: numbers where every value is a number, text otherwise."""
    columns = {}
    for name, values in data.items():
        numeric = all(v is None or isinstance(v, int | float) for v in values)
        columns[name] = pl.Series(name, values, dtype=pl.Float64 if numeric else pl.String, strict=False)
        if numeric and all(v is None or isinstance(v, int) for v in values):
            columns[name] = columns[name].cast(pl.Int64)
        elif not numeric:
            columns[name] = pl.Series(name, [None if v is None else str(v) for v in values], dtype=pl.String)
    return pl.DataFrame(columns)
