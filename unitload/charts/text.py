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
import re
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


def series_names(fig: go.Figure, axes: _Axes | None = None) -> list[str]:
    """A name for every trace: its own, or for a band's unnamed upper edge, the band's name with "(upper)";
    a name that several panels use, with the panel's axis title."""
    axes = axes or _Axes(fig)
    names = []
    for index, trace in enumerate(fig.data):
        name = trace.name or ""
        following = fig.data[index + 1] if index + 1 < len(fig.data) else None
        if not name and following is not None and getattr(following, "fill", None) == "tonexty" and following.name:
            name = f"{following.name} (upper)"
        elif name and getattr(trace, "fill", None) == "tonexty" and not fig.data[index - 1].name:
            name = f"{name} (lower)"
        names.append(as_shown(name) or (axes.title(trace, "y") if len(fig.data) == 1 else f"series {index + 1}"))
    counts = Counter(names)  # one name in several panels: each said with its panel's axis
    return [
        f"{name}: {axes.panel(trace)}" if counts[name] > 1 else name
        for name, trace in zip(names, fig.data, strict=True)
    ]


def chart_table(fig: go.Figure, names: list[str] | None = None, axes: _Axes | None = None) -> pl.DataFrame:
    """The chart's data: one row per category, month or week along its axis and one column per series (or,
    for a timeline, one row per bar). Values as the chart draws them, numbers rounded to one decimal.
    (`names` and `axes`: what `described` has already read of the figure.)"""
    axes = axes or _Axes(fig)
    names = names or series_names(fig, axes)
    if any(_repeats(trace) for trace in fig.data):
        return _long(fig, names, axes)
    return _table(*_rows(fig, names, axes))


def _table(first_column: dict[str, list], rows: dict, columns: list[str]) -> pl.DataFrame:
    return _frame(
        first_column | {column: [_shown(values.get(column)) for values in rows.values()] for column in columns}
    )


def _rows(fig: go.Figure, names: list[str], axes: _Axes) -> tuple[dict[str, list], dict, list[str]]:
    """The table's first column (its heading and keys as shown), each key's values by column, and the columns."""
    key_title, rows = "", {}
    for trace, name in zip(fig.data, names, strict=True):
        key_title = key_title or axes.key_title(trace)
        for key, column, value in _cells(trace, name, axes):
            rows.setdefault(key, {})[column] = value
    columns = list(dict.fromkeys(c for values in rows.values() for c in values))
    keys = [_shown(k) for k in rows]
    return {key_title or ("date" if all(_is_day(k) for k in keys) else "category"): keys}, rows, columns


def described(fig: go.Figure, what: str = "") -> str:
    """One sentence for a screen reader: the kind of chart, its series, the span of its axis and, for one
    series of numbers, its highest point. `what` (the heading the chart sits under) leads when given."""
    if not fig.data:
        return f"{what}: an empty chart." if what else "An empty chart."
    axes = _Axes(fig)
    every = series_names(fig, axes)
    kinds = list(dict.fromkeys(_kind(t) for t in fig.data))
    bands = (" (upper)", " (lower)")
    names = [n for n in dict.fromkeys(_strip(n, bands) for n in every) if not n.startswith("series ")]
    shown = ", ".join(names[:4]) + (f" and {len(names) - 4} more" if len(names) > 4 else "")
    sentence = f"{' and '.join(kinds).capitalize()} chart" + (f" of {shown}" if shown else "")
    if any(_repeats(trace) for trace in fig.data):  # a table of points (a row each): no span to say
        return (f"{what}: " if what else "") + sentence + "."
    first_column, rows, columns = _rows(fig, every, axes)
    ((heading, keys),) = first_column.items()
    if keys:
        sentence += f", {heading} from {keys[0]} to {keys[-1]}" if keys[0] != keys[-1] else f", {keys[0]}"
        sentence += f" ({len(keys)} rows in the table below)"
        if len(columns) == 1:  # one series: its highest point (the values shown only here, not for a heatmap's cells)
            table = _table(first_column, rows, columns)
            values = table[table.columns[1]].cast(pl.Float64, strict=False)
            if values.drop_nulls().len():
                top = values.arg_max()
                sentence += f"; highest {table[table.columns[1]][top]} at {table[table.columns[0]][top]}"
    return (f"{what}: " if what else "") + sentence + "."


def _strip(name: str, endings: tuple[str, ...]) -> str:
    for ending in endings:
        name = name.removesuffix(ending)
    return name


class _Axes:
    """A figure's axes (title and domain) and paper notes, each read once: every read of a Plotly object walks
    its validators, and a figure of four panels and 24 traces asked for them a hundred times (45 ms a run of
    the planner page)."""

    def __init__(self, fig: go.Figure):
        self.fig = fig
        self._axes: dict[str, tuple[str, tuple | None]] = {}
        self._notes: list[tuple[float, float, str]] | None = None
        self._ticks: dict | None = None

    def _read(self, trace, axis: str) -> tuple[str, tuple | None]:
        """The title and domain of the axis `axis` (x or y) that `trace` is drawn along."""
        name = (getattr(trace, f"{axis}axis", None) or axis).replace(axis, f"{axis}axis", 1)
        if name not in self._axes:
            layout_axis = self.fig.layout[name] if name in self.fig.layout else None  # noqa: SIM401 - no get()
            title = (layout_axis.title.text or "") if layout_axis is not None and layout_axis.title else ""
            self._axes[name] = (title, layout_axis.domain if layout_axis is not None else None)
        return self._axes[name]

    def title(self, trace, axis: str) -> str:
        return self._read(trace, axis)[0]

    def panel(self, trace) -> str:
        """The title of the panel a trace is drawn in: the text placed just above the panel, or its y axis's."""
        if self._notes is None:
            self._notes = [
                (a.x or 0, a.y or 0, a.text)
                for a in self.fig.layout.annotations
                if a.xref == "paper" and a.yref == "paper"
            ]
        x_domain, y_domain = self._read(trace, "x")[1], self._read(trace, "y")[1]
        left, right = x_domain or (0, 1)
        top = y_domain[1] if y_domain else 1
        above = [text for x, y, text in self._notes if left <= x <= right and top - 0.01 <= y <= top + 0.1]
        return above[0] if above else self.title(trace, "y") or trace.yaxis or "y"

    def tick_label(self, at):
        """What the x axis prints at `at`: its tick text where the axis names its own ticks (a strip chart's
        numbered columns), else the value as shown."""
        if self._ticks is None:
            axis = self.fig.layout.xaxis
            self._ticks = dict(zip(axis.tickvals or (), axis.ticktext or (), strict=False))
        return self._ticks.get(at, _shown(at)) if self._ticks else _shown(at)

    def key_title(self, trace) -> str:
        if trace.type == "heatmap":
            return self.title(trace, "y") or "row"
        if trace.type == "box":
            return "series"
        return self.title(trace, "y" if getattr(trace, "orientation", None) == "h" else "x")


FIVE = ("lowest", "lower quartile", "median", "upper quartile", "highest")  # a box's summary, as the table heads it
SUMMARY = ("lowerfence", "q1", "median", "q3", "upperfence")  # where a box drawn from its summary holds them


def _cells(trace, name: str, axes: _Axes):
    """(key along the axis, column, value) of each point the trace draws."""
    if trace.type == "heatmap":
        columns = [str(_shown(column)) for column in trace.x]  # read once: each read of trace.x copies it
        for row, values in zip(trace.y, trace.z, strict=True):
            yield from ((row, column, value) for column, value in zip(columns, values, strict=True))
    elif trace.type == "histogram":
        for value, count in sorted(Counter(v for v in trace.x if v is not None).items()):
            yield value, name or "count", count
    elif trace.type == "box" and trace.q1 is not None:  # boxes drawn from their summaries, one per column
        for at, five in _summaries(trace, axes):
            yield from ((f"{name}: {at}", label, value) for label, value in zip(FIVE, five, strict=True))
    elif trace.type == "box":
        values = np.asarray([v for v in (trace.y if trace.y is not None else trace.x) if v is not None], float)
        if values.size:
            five = np.percentile(values, [0, 25, 50, 75, 100])
            yield from ((name, label, value) for label, value in zip(FIVE, five, strict=True))
    else:
        horizontal = getattr(trace, "orientation", None) == "h"
        keys, values = (trace.y, trace.x) if horizontal else (trace.x, trace.y)
        for key, value in zip(keys if keys is not None else range(len(values)), values, strict=False):
            yield key, name, value


def _summaries(trace, axes: _Axes):
    """(column as its axis names it, its five figures) of each box a trace draws from given summaries
    (`charts.workload.summary_boxes`), not from points."""
    columns = [axes.tick_label(at) for at in trace.x]
    return zip(columns, zip(*(trace[k] for k in SUMMARY), strict=True), strict=True)


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


def _long(fig: go.Figure, names: list[str], axes: _Axes) -> pl.DataFrame:
    """One row per point: its series, place along the axis, value and the words its hover text gives."""
    data: dict[str, list] = {"series": [], "at": [], "value": [], "detail": []}
    for trace, name in zip(fig.data, names, strict=True):
        if trace.type == "box" and trace.q1 is not None:  # boxes drawn from their summaries: a row per column
            for at, five in _summaries(trace, axes):
                data["series"].append(name)
                data["at"].append(at)
                data["value"].append(_shown(five[2]))  # the median
                data["detail"].append("; ".join(f"{label} {_shown(v)}" for label, v in zip(FIVE, five, strict=True)))
            continue
        texts = _hover_texts(trace)
        horizontal = getattr(trace, "orientation", None) == "h"
        keys, values = (trace.y, trace.x) if horizontal else (trace.x, trace.y)
        base = getattr(trace, "base", None)
        for index, value in enumerate(values if values is not None else ()):
            data["series"].append(name)
            data["at"].append(_shown(index) if keys is None else axes.tick_label(keys[index]))
            data["value"].append(_shown(base[index] if base is not None and not isinstance(base, str) else value))
            data["detail"].append(_shown(texts[index] if np.ndim(texts) == 1 else texts))
    if not any(data["detail"]):
        del data["detail"]
    return _frame(data)


_PLACEHOLDER = re.compile(r"%\{(customdata\[(\d+)\]|x|y)\}")


def _hover_texts(trace):
    """Each point's hover words: its text, or its hover template filled from its customdata, x and y (the
    placeholders our charts use), as a person pointing at it reads them."""
    texts = trace.hovertext if getattr(trace, "hovertext", None) is not None else trace.text
    template = getattr(trace, "hovertemplate", None)
    if texts is not None or not isinstance(template, str) or getattr(trace, "customdata", None) is None:
        return texts
    template = re.sub(r"<extra>.*?</extra>", "", template)
    rows, xs, ys = trace.customdata, trace.x, trace.y

    def filled(i: int) -> str:
        def value(m: re.Match) -> str:
            found = rows[i][int(m[2])] if m[2] is not None else (xs if m[1] == "x" else ys)[i]
            return found if isinstance(found, str) else str(_shown(found))  # text: read back once, below

        return _PLACEHOLDER.sub(value, template)

    return np.array([filled(i) for i in range(len(rows))], dtype=object)


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
