"""What the frame (dashboard.py) and the pages share, one module per concern:

- `environment`: the data folder and settings from the environment, opening an extract once per version;
- `choice`: which extract a run serves (a pinned link, the current one, the newest);
- `run`: one script run of one user (scope, extract, sidebar choices), extract banners;
- `signin`: OpenID Connect sign-in or the local mode;
- `frame`: pages run only inside the frame, and the audit records of views and disclosures;
- `cache`: cached named-query results, queries started ahead, planner outcomes;
- `view`: the view a run shows (`Filters`: the month's day, units and teams);
- `filters`: the sidebar that chooses it, and officer names;
- `share`: the Copy link box and links to other views;
- `text`: data text shown literally inside Markdown;
- `exports`: tables with their audited downloads, and the monthly pack;
- `page`: `PageContext`, what a figure page starts from;
- `attention`: the Overview's attention list, a table of one-click links a page at a time;
- `decisions`: recording a decision (line managers, checked on the server), an item's decision beside it.

Pages import this package (`from unitload import app`) and use the names below.
"""

from unitload.app.attention import attention_table, with_attention_links
from unitload.app.cache import clear_queries, in_background, plan, prefetch, projected, proposal, query
from unitload.app.decisions import (
    decision_form_for_list,
    decision_panel,
    decisions_opening,
    decisions_visible,
    may_record,
    opening_queries,
    status_words,
    with_decision,
    with_status_words,
)
from unitload.app.environment import ICON, Loaded
from unitload.app.exports import can_print, downloads, monthly_pack_maker, table
from unitload.app.filters import names_visible, notice_unknown, sidebar_filters, with_names
from unitload.app.frame import audit, forward_diverted, require_frame, run_page
from unitload.app.page import PageContext, figure_page, figure_tile, rerun_fragment, tiles
from unitload.app.run import building_notice, loaded, pin_extract, preparing, sidebar, start, this_run
from unitload.app.share import FORENSIC_TABS, view_link_column
from unitload.app.signin import sign_in
from unitload.app.text import escaped, escaped_column
from unitload.app.view import Filters

__all__ = [
    "FORENSIC_TABS",
    "Filters",
    "ICON",
    "Loaded",
    "PageContext",
    "attention_table",
    "audit",
    "building_notice",
    "can_print",
    "clear_queries",
    "decision_form_for_list",
    "decision_panel",
    "decisions_opening",
    "decisions_visible",
    "downloads",
    "escaped",
    "escaped_column",
    "figure_page",
    "figure_tile",
    "forward_diverted",
    "in_background",
    "loaded",
    "may_record",
    "monthly_pack_maker",
    "names_visible",
    "notice_unknown",
    "opening_queries",
    "pin_extract",
    "preparing",
    "plan",
    "prefetch",
    "projected",
    "proposal",
    "query",
    "require_frame",
    "rerun_fragment",
    "run_page",
    "sidebar",
    "sidebar_filters",
    "sign_in",
    "start",
    "status_words",
    "table",
    "this_run",
    "tiles",
    "view_link_column",
    "with_attention_links",
    "with_decision",
    "with_names",
    "with_status_words",
]
