"""Links: Copy link (this view's address), and links to another view keeping this one's choices.
A link holds only ids, codes and dates."""

from __future__ import annotations

from urllib.parse import quote_plus, urlencode

import polars as pl
import streamlit as st

from unitload.app.frame import audit
from unitload.app.run import link_params, this_run

FORENSIC_TABS = ("The queue", "Flow", "Turnaround and throughput", "When will it clear?")  # the Forensic backlog's

# Each page's sections a link may open at (the anchors of their headings), by page
SECTIONS = {
    "overview": (("Needs a decision this month", "needs-a-decision-this-month"),),
    "decisions": (("Overdue and open", "overdue-and-open"), ("An item's decisions", "history")),
    "workload": (("Why capacity is reduced", "why-capacity-is-reduced"), ("One officer", "one-officer")),
    "cases": (("Cases to act on", "cases-to-act-on"), ("Case timeline", "case-timeline")),
    "forensics": (
        ("When will it clear?", "when-will-it-clear"),
        ("Throughput per examiner", "throughput-per-examiner"),
    ),
    "supervision": (("At risk and not being seen", "at-risk-and-not-being-seen"), ("Every officer", "every-officer")),
    "planner": (("The next 12 months", "projection"),),
}
# A section inside a tab (only the open tab is made): the tab a link to the section opens, as the tabs' key and label
IN_TAB = {
    "when-will-it-clear": ("forensics_section", FORENSIC_TABS[3]),
    "throughput-per-examiner": ("forensics_section", FORENSIC_TABS[2]),
}


def share_link() -> None:
    """A popover with this view's link, opening at the top or at a section of the page; opening it is a
    disclosure for the audit trail. (The browser never sends an address's #section to the server, so the
    section is chosen here.)"""
    url = (st.context.url or "").split("?", 1)[0]
    params = link_params()
    box = st.popover("Copy link", icon=":material/link:", width="stretch", key="share_link", on_change=_link_shown)
    box.caption("This view's link: the same figures for whoever opens it. It holds only ids, codes and dates.")
    anchors = dict(SECTIONS.get(this_run().page or "", ()))
    at = box.selectbox("Opens at", ["the top of the page", *anchors], key="share_link_section") if anchors else None
    anchor = anchors.get(at)
    if anchor in IN_TAB:
        key, tab = IN_TAB[anchor]
        params = [(k, v) for k, v in params if k != key] + [(key, tab)]
    url += ("?" + urlencode(params) if params else "") + (f"#{anchor}" if anchor else "")
    box.code(url, language=None, wrap_lines=True)


def _link_shown() -> None:
    if st.session_state.get("share_link"):
        audit("link", what="link", rows=0)


KEPT = ("month", "unit", "teams", "extract")  # the sidebar's choices and the pinned extract, kept by every link


def _kept() -> str:
    """This view's kept choices as a link's query, encoded."""
    return urlencode([(k, v) for k in KEPT for v in st.query_params.get_all(k) if v])


def view_link_column(path: str, anchor: str | None = None, **params: pl.Expr) -> pl.Expr:
    """A relative link to `path` (a page's url path) for every row of a frame: this view's month, unit, teams
    and extract, the given parameters from the row's columns (an officer, a case; a null one is left out),
    and the section to open scrolled to. Made without a Python call per row (a region's Overview lists
    tens of thousands)."""
    own = [pl.lit(quote_plus(key) + "=") + _quoted(value) for key, value in params.items()]
    kept = _kept()
    query = pl.concat_str(([pl.lit(kept)] if kept else []) + own, separator="&", ignore_nulls=True)
    return pl.concat_str([pl.lit(path + "?"), query, pl.lit("#" + anchor if anchor else "")])


def _quoted(value: pl.Expr) -> pl.Expr:
    """`quote_plus` of each value, as `urlencode` writes it."""
    return value.cast(pl.String).map_batches(_quoted_values, return_dtype=pl.String)


def _quoted_values(values: pl.Series) -> pl.Series:
    # ids are almost always letters, digits and `_.-~`, which quote_plus leaves as they are: only the others
    # go through Python
    unsafe = values.str.contains(r"[^A-Za-z0-9_.\-~]").fill_null(False).arg_true()
    if unsafe.is_empty():
        return values
    return values.scatter(unsafe, [quote_plus(v) for v in values.gather(unsafe)])
