"""The frame around every page: pages run only inside dashboard.py, and each run leaves an audit record."""

from __future__ import annotations

import contextvars
import time
from pathlib import Path

import streamlit as st

from queries.catalogue import QueryTimeout
from unitload.access import audit as trail
from unitload.access.downloads import TICKETS, new_export_id, owner_key
from unitload.app.environment import page_drawn, settings
from unitload.app.run import Run, this_run

FRAME = "dashboard.py"
_IN_FRAME = contextvars.ContextVar("unitload_in_frame", default=False)


def run_page(page, file: str) -> None:
    """Run the selected page inside the frame (dashboard.py calls this, and only this runs pages).

    A full run of a page is one consultation: it writes one audit record, with the rows it showed.
    """
    run = this_run()
    run.page, run.rows = Path(file).stem, 0
    audit_settings = settings().audit  # read before the page runs: after st.stop(), reading settings stops again
    unwritable = trail.problem(audit_settings)
    if unwritable:  # fail closed: a consultation that cannot be recorded shows no data
        st.error(
            f"No figures are shown: {unwritable}. Every view of this data is recorded, so nothing is drawn "
            "until the audit trail can be written. Tell the service's administrator."
        )
        return
    token = _IN_FRAME.set(True)
    start = time.perf_counter()
    try:
        page.run()
    except QueryTimeout as exc:  # a query or planner run over engine.query_seconds: said, the rest not drawn
        st.error(f"This page stopped early: {exc}.")
    finally:  # whatever the page did: drew, stopped early (st.stop) or raised after drawing
        _IN_FRAME.reset(token)
        page_drawn()  # an extract opened unprepared: its snapshots are made from now on
        try:
            record(audit_settings, run, "view", seconds=time.perf_counter() - start)
        except trail.AuditError as exc:
            st.error(f"This view could not be recorded in the audit trail ({exc}). Tell the administrator.")


def require_frame(page_file: str) -> None:
    """First line of every page: a page never runs outside dashboard.py.

    With a `pages/` folder beside the entry script, Streamlit runs a page directly, skipping the frame
    and whatever the frame checks, on a new server's first request to that page's URL (its multipage
    mode of version 1). serve.py turns that mode off before the first session; should a run still come
    here some other way (a server started on dashboard.py itself), it is sent to the frame, which
    forwards it to the page asked for (the link's #section is lost on the way).
    """
    if not _IN_FRAME.get():
        wanted = {key: st.query_params.get_all(key) for key in st.query_params}  # two teams stay two
        st.session_state["_wanted_page"] = (Path(page_file).name, wanted)
        st.switch_page(FRAME)


def forward_diverted(pages: dict, current) -> None:
    """In the frame: finish a request that require_frame diverted, on the page it asked for."""
    wanted = st.session_state.pop("_wanted_page", None)
    if wanted and wanted[0] in pages and pages[wanted[0]].url_path != current.url_path:
        st.switch_page(pages[wanted[0]], query_params=wanted[1])


def audit(event: str, what: str = "", rows: int | None = None) -> None:
    """One audit record for this user and view: the page, filter codes and extract, never names."""
    record(settings().audit, this_run(), event, what, rows)


def disclosed(make, event: str, what: str, rows: int | None = None, count=None, content=None, export=None):
    """`make(export_id)`, a file made on a later request (outside this run) when its button is pressed, handed
    to Streamlit with a ticket (unitload.access.downloads): only this browser may take it, once, and its audit
    record is written when it is served.

    Who, where and what are read now: the later request has no script run and no session state. The
    record counts `rows`, or `count(made)` of what was made (the rows a monthly pack holds), and names the
    export id written into the file (`export`, when the caller made it to name the file too); the file handed
    out is `content(made)`, or what was made.
    """
    run, audit_settings = this_run(), settings().audit
    owner = owner_key(_cookies())

    named = export

    def made() -> bytes:
        export = named or new_export_id()
        result = make(export)
        data = content(result) if content else result
        data = data.encode("utf-8") if isinstance(data, str) else data
        shown = count(result) if count else rows
        TICKETS.issue(data, owner, lambda: record(audit_settings, run, event, f"{what} (export {export})", shown))
        return data

    return made


def _cookies() -> dict[str, str]:
    """This browser's cookies, as its session's connection brought them (none in a test without a server)."""
    try:
        return dict(st.context.cookies)
    except Exception:  # noqa: BLE001 - no connection: AppTest
        return {}


def record(audit_settings, run: Run, event: str, what: str = "", rows: int | None = None, seconds=None) -> None:
    """Write one record of `run` (its user, page, filters and extract) to the audit trail."""
    source, chosen = run.current.source, run.filters
    trail.record(
        audit_settings,
        event,
        subject=run.scope.subject,
        role=run.scope.role,
        page=run.page,
        filters={
            "as_of": chosen.as_of.isoformat() if chosen else None,
            "units": chosen.units if chosen else None,
            "teams": chosen.teams if chosen else None,
        },
        extract=source.extract.extract_id if source else "",
        rows=run.rows if rows is None else rows,
        what=what,
        seconds=seconds,
    )
