"""What a figure page starts from, and the calls it makes: queries, tables and names in its scope."""

from __future__ import annotations

from dataclasses import dataclass

import polars as pl
import streamlit as st
from streamlit.errors import StreamlitAPIException

from unitload.app import exports
from unitload.app.cache import prefetch, query
from unitload.app.environment import Loaded
from unitload.app.filters import Filters, with_names
from unitload.app.run import loaded, this_run
from unitload.db import Source
from unitload.definitions import definition
from unitload.months import month_label
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

    def query(self, name: str, **params) -> pl.DataFrame:
        """A named query of this page's extract and scope (cached)."""
        return query(self.source, name, **params)

    def prefetch(self, *calls: tuple[str, dict]) -> None:
        """Start queries (name, parameters) that the page reads later with `query`."""
        prefetch(self.source, *calls)

    def table(self, frame: pl.DataFrame, key: str, column_config: dict | None = None, where=None, **kwargs):
        """A table of rows drawn with this page's choices, and its downloads."""
        return exports.table(frame, key, column_config, where, filters=self.filters, **kwargs)

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
    st.caption(f"{month_label(chosen.as_of)} · {chosen.scope} · as of {chosen.as_of:%d %b %Y}")
    return PageContext(source, chosen, source.settings)


def rerun_fragment() -> None:
    """Rerun only the running fragment; on a full run of the page (a first load, a test) rerun it all."""
    try:
        st.rerun(scope="fragment")
    except StreamlitAPIException:
        st.rerun()
