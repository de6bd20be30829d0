"""What a figure page starts from, and the calls it makes: queries, tables and names in its scope."""

from __future__ import annotations

import re
from dataclasses import dataclass

import polars as pl
import streamlit as st
from streamlit.errors import StreamlitAPIException

from unitload.app import exports
from unitload.app.cache import prefetch, query
from unitload.app.environment import Loaded
from unitload.app.filters import with_names
from unitload.app.run import loaded, preparing, this_run
from unitload.app.text import escaped
from unitload.app.view import Filters
from unitload.charts import text as chart_text
from unitload.extract.db import Source
from unitload.months import month_label
from unitload.review.definitions import definition
from unitload.settings import Settings


@dataclass(frozen=True)
class PageContext:
    """The bound extract, the sidebar's choices and the settings of one page run."""

    source: Source
    filters: Filters
    settings: Settings

    def term(self, name: str) -> str:
        """A definition worded with the settings in force, for a help tooltip."""
        return definition(self.settings, name)

    def term_on_the_day(self, name: str) -> str:
        """The definition for prose under a table: "D" (the as-of day, defined in a tooltip) as the view's day."""
        return re.sub(r"\bD\b", f"{self.filters.as_of.day} {self.filters.as_of:%b %Y}", self.term(name))

    def query(self, name: str, **params) -> pl.DataFrame:
        """A named query of this page's extract and scope (cached)."""
        return query(self.source, name, **params)

    def prefetch(self, *calls: tuple[str, dict]) -> None:
        """Start queries (name, parameters) that the page reads later with `query`."""
        prefetch(self.source, *calls)

    def table(
        self, frame: pl.DataFrame, key: str, column_config: dict | None = None, where=None, *, name: str, **kwargs
    ):
        """A table of rows drawn with this page's choices, and its downloads; `name`: what the table is."""
        return exports.table(frame, key, column_config, where, name=name, filters=self.filters, **kwargs)

    def boxed_table(self, label: str, frame: pl.DataFrame, key: str, where=None, **kwargs):
        """A table in a box closed at first (its key `key` + "_box"), made and sent only when the box is opened:
        rows few read would otherwise weigh on every run of the page."""
        box = (where or st).expander(label, key=f"{key}_box", on_change="rerun")
        return self.table(frame, key=key, where=box, name=label, **kwargs) if box.open else None

    def trend(self, make, key: str, what: str, months: int):
        """The chart `make()` draws over `months` month ends; while the extract's month-end figures are still
        being made behind the pages, a box saying it comes when they are ready (from the tables, it would
        hold the page up: 2 s at force scale, 18 s at region scale), and `make` is not called."""
        if preparing():
            st.info(
                f"The trend over {months} month ends is drawn when this extract's month-end figures are ready "
                "(the progress bar above); computed from the tables it would hold this page up.",
                icon=":material/hourglass_top:",
            )
            return None
        return self.chart(make(), key=key, what=what)

    def chart(self, figure, key: str, what: str = "", where=None, **kwargs):
        """A Plotly chart with its text alternatives, both made from the figure: a description a screen
        reader gives (`what`: the heading it sits under), and the chart's data as a table, one click away
        (an expander whose table is made when it is opened)."""
        where = where or st
        note = figure.layout.title.text if figure.layout.title else None
        if note:  # a note above the chart as text: it wraps on a phone, and no toolbar covers it
            where.caption(note)
            figure.update_layout(title=None, margin_t=30)  # in place: a page builds its figures each run
        config = {"displayModeBar": False, "displaylogo": False}  # its buttons covered titles and legends
        drawn = where.plotly_chart(
            figure, key=key, alt=chart_text.described(figure, what), config=config | kwargs.pop("config", {}), **kwargs
        )
        box = where.expander(f"{what or 'The chart'}: its data as a table", key=f"{key}_data", on_change="rerun")
        if box.open:  # made and sent only when opened: a page's charts would otherwise double its weight
            rows = chart_text.chart_table(figure)
            if rows.height:
                self.table(rows, key=f"{key}_chart_data", where=box, name=f"{what or 'The chart'}: its data")
            else:
                box.caption("The chart has no data.")
        return drawn

    def with_names(self, frame: pl.DataFrame, column: str = "officer_id", label: str = "officer") -> pl.DataFrame:
        return with_names(self.source, frame, column, label)


def require_servable(current: Loaded) -> Source:
    """Stop a page that draws figures when the extract failed validation."""
    if not current.servable:
        st.error(
            "This extract failed validation, so no figures are drawn from it. "
            "The Data & definitions page lists every finding."
        )
        st.stop()
    return current.source


def figure_page(title: str) -> PageContext:
    """Title and scope line of a page that draws figures; stops when the extract failed validation."""
    source = require_servable(loaded())
    chosen = this_run().filters
    st.title(title)
    st.caption(f"{month_label(chosen.as_of)} · {escaped(chosen.scope)} · as of {chosen.as_of:%d %b %Y}")
    return PageContext(source, chosen, source.settings)


def tiles(count: int, per_row: int = 4) -> list:
    """A container for each of `count` headline tiles, `per_row` to a row on a wide screen. Each row is a
    wrapping horizontal container of equal tiles: on a phone a row of four wraps to two and two, where
    st.columns would stack all of them in one long column."""
    boxes = []
    for start in range(0, count, per_row):
        row = st.container(horizontal=True, gap="small")
        boxes += [row.container(gap=None) for _ in range(min(per_row, count - start))]
    return boxes


def figure_tile(where, label: str, value, delta=None, *, help: str, **kwargs) -> None:
    """A headline figure in a bordered tile whose label wraps onto a second line on a phone, where st.metric
    cuts its one-line label short ("Overloaded 2+ m…"); the definition is on the label's ? as before. The
    metric keeps its label for readers and tests, drawn once, as the text above it."""
    box = where.container(border=True, gap=None)
    box.markdown(f"**{escaped(label)}**", help=help)
    box.metric(label, value, delta, label_visibility="collapsed", **kwargs)


def rerun_fragment() -> None:
    """Rerun only the running fragment; on a full run of the page (a first load, a test) rerun it all."""
    try:
        st.rerun(scope="fragment")
    except StreamlitAPIException:
        st.rerun()
