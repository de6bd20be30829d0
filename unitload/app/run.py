"""One script run of one user: their scope, the extract the whole run serves and the sidebar's choices."""

from __future__ import annotations

import contextvars
import dataclasses
from dataclasses import dataclass
from urllib.parse import urlencode

import streamlit as st

from unitload.access.scope import Scope
from unitload.access.views import scoped_source
from unitload.app.choice import Choice, choice, extract_folders
from unitload.app.environment import Building, Loaded, building, decisions_now, open_folder
from unitload.app.text import escaped
from unitload.app.view import Filters


@dataclass
class Run:
    """One script run of one user: their scope, and the extract the whole run serves."""

    scope: Scope
    current: Loaded
    choice: Choice
    fell_back_from: str = ""  # an unpinned newest extract that failed validation, if any
    filters: Filters | None = None  # the sidebar's choices, once the frame has drawn it
    page: str = ""  # the page's file, without .py
    path: str = ""  # the page's address below the dashboard's ("" for the first page)
    rows: int = 0  # table rows shown on this run, for the audit record
    building: Building | None = None  # the served extract's month-end snapshots, while made behind the pages


_RUN: contextvars.ContextVar[Run | None] = contextvars.ContextVar("unitload_run", default=None)


def forget_run() -> None:
    """A new script run starts with no run: until `start`, nothing may read the last one's extract."""
    _RUN.set(None)


def this_run() -> Run:
    """This run's user and extract (a fragment rerun has the last full run's, kept in its session)."""
    run = _RUN.get() or st.session_state.get("_unitload_run")
    if run is None:
        raise RuntimeError("pages run only inside dashboard.py, after app.start()")
    return run


def loaded() -> Loaded:
    """The extract this run serves, already limited to the user's scope."""
    return this_run().current


def start(scope: Scope) -> Loaded:
    """Fix the extract of this run, once: a promotion during the run changes the next run, not this one.

    Without a link pinning an extract, a newest extract that failed validation is passed over for the
    newest one that passed (the last good extract keeps being served), with a warning.
    """
    chosen = choice()
    base = open_folder(chosen.folder, chosen.root)
    fell_back = ""
    if not base.servable and chosen.extract_id and chosen.asked != chosen.extract_id:
        for other in chosen.others:
            candidate = open_folder(extract_folders(chosen.root)[other][0], chosen.root)
            if candidate.servable:
                fell_back, base = chosen.extract_id, candidate
                break
    current = scoped(base, scope)
    run = Run(scope, current, chosen, fell_back, building=building(base.source))
    _RUN.set(run)
    st.session_state["_unitload_run"] = run
    return current


def scoped(base: Loaded, scope: Scope) -> Loaded:
    """The extract as the user's scope sees it; example rows of findings only for whole-extract roles."""
    if base.source is None:
        return base
    findings = base.findings
    if not (scope.names and scope.teams is None):
        findings = tuple(dataclasses.replace(f, examples=()) for f in findings)
    decisions, unread = decisions_now()
    if unread:
        st.warning(f"Decisions cannot be read now ({escaped(unread)}); figures are shown without them.")
    return Loaded(scoped_source(base.source, scope).with_decisions(decisions), findings, base.problem)


def preparing() -> bool:
    """Whether the served extract's month-end snapshots are still being made (a page then leaves out its
    24-month trends: PageContext.trend)."""
    made = this_run().building
    return made is not None and not made.failed


def building_notice() -> None:
    """While the served extract's snapshots are made behind the pages: how far they have got, updated each
    second, and the page run again once they are ready (its figures the same, read from them)."""
    made = this_run().building
    if made is None:
        return
    if made.failed:
        st.warning(
            f"Month-end figures could not be prepared ({escaped(made.failed)}): every page computes its "
            "figures from the tables, which is slower. Promote the extract (`unitload promote`) to prepare them."
        )
        return
    _building_progress(made)


@st.fragment(run_every=1.0)
def _building_progress(made: Building) -> None:
    if made.finished:
        st.rerun(scope="app")
    st.progress(
        made.share,
        text=f"Preparing the month-end figures of this extract: step {made.done} of {made.steps or '…'}. "
        "Pages work meanwhile, their figures computed from the tables (the same figures, more slowly).",
    )


def pin_extract(current: Loaded) -> None:
    """Pin the extract in the link, and say so when the link asks for another or a newer one exists.

    Served in place of a newest extract that failed validation, the last good extract is pinned too
    (a link passed on shows the figures seen), and the failure stays in view on later runs.
    """
    if current.source is None:
        return
    run = this_run()
    chosen, extract_id = run.choice, current.source.extract.extract_id  # as start() chose, not chosen again
    shown = escaped(extract_id)
    if chosen.duplicates:
        st.warning(
            "More than one folder holds extract id "
            + ", ".join(escaped(i) for i in chosen.duplicates)
            + ": the one taken last is served. Give each extract its own id.",
            icon=":material/content_copy:",
        )
    if chosen.asked and chosen.asked != extract_id and not run.fell_back_from:
        st.warning(f"The link asks for extract {escaped(chosen.asked)}, which is not kept here; showing {shown}.")
    st.query_params["extract"] = extract_id
    if run.fell_back_from:  # remembered for the session's later runs, which the pin sends to extract_id
        st.session_state["_unitload_failed"] = run.fell_back_from
    failed = st.session_state.get("_unitload_failed")
    if failed and failed == (run.fell_back_from or chosen.newest):
        st.error(
            f"Extract {escaped(failed)} failed validation, so the last good extract, {shown}, "
            f"is served. [See why it failed](?{urlencode({'extract': failed})}) (its Data & definitions page).",
            icon=":material/report:",
        )
        return
    if chosen.newest and chosen.newest != extract_id:
        newer = urlencode([(k, v) for k, v in link_params() if k != "extract"] + [("extract", chosen.newest)])
        st.warning(
            f"This view is pinned to extract {shown} (as of {current.source.extract.as_of:%d %b %Y}), "
            f"so it shows the same figures as when the link was made. A newer extract, {escaped(chosen.newest)}, is "
            f"available: [open this view on the newest data](?{newer}).",
            icon=":material/history:",
        )


def sidebar(current: Loaded) -> None:
    """Extract id, extraction date and as-of day, on every page."""
    with st.sidebar:
        st.subheader("Extract")
        if current.source is None:
            st.error(current.problem or "No extract could be opened.")
            return
        extract = current.source.extract
        st.markdown(f"**{escaped(extract.extract_id)}**")
        taken = extract.extracted_at.strftime("%d %b %Y %H:%M") if extract.extracted_at else "unknown"
        st.caption(f"Extracted {taken}")
        as_of = extract.as_of.strftime("%A %d %B %Y") if extract.as_of else "unknown"
        st.caption(f"As of {as_of}")
        errors = sum(f.severity == "error" for f in current.findings)
        warnings = len(current.findings) - errors
        if errors:
            st.error(f"{errors} validation error(s): figures are withheld. See Data & definitions.")
        elif warnings:
            st.warning(f"{warnings} validation warning(s). See Data & definitions.")
        else:
            st.success("Validated: no findings.")


def link_params() -> list[tuple[str, str]]:
    """This view's query parameters as pairs, a repeated one (two teams) once for each value: to_dict() of
    st.query_params keeps only the last."""
    return [(key, value) for key in st.query_params for value in st.query_params.get_all(key)]
