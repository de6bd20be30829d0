"""Copy link: the page's address with its filters and choices (ids, codes and dates only)."""

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
