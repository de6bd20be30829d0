"""The Overview's attention list as a table of links: an item's case or officer id opens it in one click.

Streamlit's data grid needs a cell selected before its link can be followed, hides columns past its
width and shows a few tall rows at a time. A Markdown table is a real HTML table of real links: each id
is one click (or Tab and Enter) from its view, it wraps to the page's width instead of scrolling
sideways, and a page of rows reads down the page. A force lists thousands of items, so rows come a page
at a time; the downloads hold the whole list.
"""

from __future__ import annotations

import polars as pl
import streamlit as st

from unitload.app.share import view_link_column
from unitload.app.text import escaped_column

ROWS_PER_PAGE = 50
# four columns: on a phone the reasons and decision still fit beside the ids (seven ran off its right edge)
HEADER = "| rank | item: case, officer, team | reasons | decision |\n|---|---|---|---|"
_NO_BREAK = "\u2060"  # a word joiner after a code's hyphen: "POLIT-B" never wraps to "POLIT-" and "B"


def with_attention_links(attention: pl.DataFrame) -> pl.DataFrame:
    """`attention` (with names and decisions) with each item's link and its reasons in words."""
    officer_link = view_link_column("workload", "one-officer", officer=pl.col("officer_id"))
    return attention.with_columns(
        link=pl.when(pl.col("item") == "case")
        .then(view_link_column("cases", "case-timeline", case=pl.col("case_id")))
        .otherwise(officer_link),
        officer_link=officer_link,
        reasons=pl.col("reasons").list.eval(pl.element().str.replace_all("_", " ")).list.join("; "),
        priority=pl.when(pl.col("priority")).then(pl.lit("first")).otherwise(pl.lit("")),
    )


def markdown_rows(shown: pl.DataFrame) -> pl.Series:
    """One Markdown table row per item: the case id links to the case, the officer to the officer; the rank says
    "first" for the items of the first group."""
    case = pl.format("[{}]({})", escaped_column(pl.col("case_id")), pl.col("link"))
    officer = pl.format("[{}]({})", escaped_column(pl.col("officer")), pl.col("officer_link"))
    team = escaped_column(pl.col("team")).str.replace_all("-", "-" + _NO_BREAK, literal=True)
    holder = (
        pl.when(pl.col("officer_id").is_null())
        .then(pl.lit("unallocated"))
        .otherwise(officer + pl.when(team.is_null()).then(pl.lit("")).otherwise(pl.lit(", ") + team))
    )
    item = (
        pl.when(pl.col("case_id").is_null())
        .then(holder)
        .when(pl.col("officer_id").is_null())
        .then(case + pl.lit(", ") + holder)
        .otherwise(case + pl.lit(" held by ") + holder)
    )
    return shown.select(
        pl.format(
            "| {}{} | {} | {} | {} |",
            "rank",
            pl.when(pl.col("priority") == "first").then(pl.lit(", first")).otherwise(pl.lit("")),
            item,
            escaped_column(pl.col("reasons")),
            escaped_column(pl.col("decision")),
        )
    ).to_series()


def attention_table(shown: pl.DataFrame, key: str) -> None:
    """The list, a page of ROWS_PER_PAGE rows at a time (a choice of which page when there are more)."""
    rows = shown
    if shown.height > ROWS_PER_PAGE:
        starts = range(0, shown.height, ROWS_PER_PAGE)
        pages = [f"{s + 1}–{min(s + ROWS_PER_PAGE, shown.height)} of {shown.height:,}" for s in starts]
        chosen = st.selectbox("Items shown", pages, key=f"{key}_page", help="The downloads hold the whole list.")
        first = pages.index(chosen) * ROWS_PER_PAGE
        rows = shown.slice(first, ROWS_PER_PAGE)
    st.markdown("\n".join([HEADER, *markdown_rows(rows)]))
