"""Links: Copy link (this view's address), and links to another view keeping this one's choices.
A link holds only ids, codes and dates."""

from __future__ import annotations

from urllib.parse import urlencode

import streamlit as st

from unitload.app.frame import audit


def share_link() -> None:
    """A popover with this view's link; opening it is a disclosure for the audit trail."""
    url = st.context.url or ""
    params = st.query_params.to_dict()
    if params:
        url = url.split("?", 1)[0] + "?" + urlencode(params)
    box = st.popover("Copy link", icon=":material/link:", width="stretch", key="share_link", on_change=_link_shown)
    box.caption("This view's link: the same figures for whoever opens it. It holds only ids, codes and dates.")
    box.code(url, language=None, wrap_lines=True)


def _link_shown() -> None:
    if st.session_state.get("share_link"):
        audit("link", what="link", rows=0)


KEPT = ("month", "unit", "teams", "extract")  # the sidebar's choices and the pinned extract, kept by every link


def view_link(path: str, anchor: str | None = None, **params: str) -> str:
    """A relative link to `path` (a page's url path) with this view's month, unit, teams and extract, the
    given parameters (an officer, a case), and the section to open scrolled to."""
    return view_links()(path, anchor, **params)


def view_links():
    """`view_link` with this view's choices read once: for a table of thousands of links (reading the query
    parameters for each one took most of a force's Overview run)."""
    kept = urlencode([(k, v) for k in KEPT for v in st.query_params.get_all(k) if v])  # encoded once

    def link(path: str, anchor: str | None = None, **params: str) -> str:
        own = urlencode([(k, v) for k, v in params.items() if v is not None])
        query = "&".join(part for part in (kept, own) if part)  # as urlencode joins the pairs of both
        return f"{path}?{query}" + (f"#{anchor}" if anchor else "")

    return link
