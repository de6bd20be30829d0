"""The staffing planner's state and forms: the scenario being built, the named scenarios kept beside it,
and one form per change of DATA_CONTRACT.md section 5. The link holds them all, in the contract's JSON
form (`scenario`, `compare`), with the day (`on`) and the open tab (`tab`)."""

from __future__ import annotations

import datetime as dt
import json

import polars as pl
import streamlit as st

from unitload.app.cache import proposal, query
from unitload.app.page import PageContext
from unitload.app.text import escaped
from unitload.app.widgets import day_box
from unitload.extract.schema import OFFICER_ROLES
from unitload.months import month_end
from unitload.planning.planner import accepted
from unitload.planning.scenario import (
    AbsenceChange,
    ExaminersChange,
    HoursChange,
    LeaverChange,
    MoveCasesChange,
    NewPostChange,
    Scenario,
    ScenarioError,
    parse,
    read,
)
from unitload.settings import ABSENCE_KINDS

TABS = ("Hours", "Absence or leaver", "New post", "Move cases", "Rebalance", "Forensic capacity")
KEPT = 3  # named scenarios kept beside the one being built
LINK_CHARS = 16_000  # a scenario's text in a link, at most (50 changes fit in well under half of it)


def measure_days(as_of: dt.date, months: int = 24) -> list[dt.date]:
    """The days a scenario can be measured on: the extract's as-of day, then each month end after it."""
    days, day = [as_of], as_of
    for _ in range(months):
        day = month_end(day + dt.timedelta(days=1))
        days.append(day)
    return days


def current() -> Scenario:
    """The scenario being built: from the link on the session's first run, then from the session."""
    if "planner_scenario" not in st.session_state:
        text = st.query_params.get("scenario") or ""
        if len(text) > LINK_CHARS:
            st.warning(f"The scenario in the link is longer than {LINK_CHARS:,} characters; starting from none.")
            text = ""
        try:
            st.session_state["planner_scenario"] = parse(text)
        except ScenarioError as exc:
            st.warning(f"The scenario in the link could not be read ({escaped(exc)}); starting from none.")
            st.session_state["planner_scenario"] = Scenario()
    return st.session_state["planner_scenario"]


def kept() -> list[Scenario]:
    """The named scenarios kept for comparison (up to KEPT), from the link on the session's first run."""
    if "planner_kept" not in st.session_state:
        found: list[Scenario] = []
        text = st.query_params.get("compare") or "[]"
        try:
            if len(text) > KEPT * LINK_CHARS:
                raise ScenarioError(f"longer than {KEPT * LINK_CHARS:,} characters")
            found = [read(s) for s in json.loads(text)][:KEPT]
        except (ScenarioError, json.JSONDecodeError, TypeError, RecursionError) as exc:
            st.warning(f"The scenarios to compare in the link could not be read ({escaped(exc)}); none kept.")
        st.session_state["planner_kept"] = found
    return st.session_state["planner_kept"]


def store(scenario: Scenario | None = None, compare: list[Scenario] | None = None) -> None:
    """Keep the scenario (and the compared ones) in the session and the link, then run the page again."""
    if scenario is not None:
        st.session_state["planner_scenario"] = scenario
        st.query_params["scenario"] = scenario.text()
    if compare is not None:
        st.session_state["planner_kept"] = compare
        st.query_params["compare"] = json.dumps([s.to_json() for s in compare], separators=(",", ":"))
    st.rerun()


def fresh(compare: list[Scenario], kept_one: Scenario) -> Scenario:
    """The scenario started once `kept_one` is kept: no changes, a name no kept scenario has."""
    names = {s.name for s in [*compare, kept_one]}
    name, n = "New scenario", 2
    while name in names:
        name, n = f"New scenario {n}", n + 1
    return Scenario(name=name)


def rename(scenario: Scenario, name: str) -> None:
    try:
        renamed = scenario.renamed(name)
    except ScenarioError as exc:
        st.error(f"The name cannot be used ({escaped(exc)}).")
        return
    store(renamed)


def labels(scenario: Scenario, compare: list[Scenario]) -> dict[str, str]:
    """Each plan's label (its name, made unique) and its text: the baseline, the kept ones, the one being built."""
    plans = {"baseline": ""}
    for one in [*compare, scenario]:
        label, n = one.name or "scenario", 2
        while label in plans:
            label, n = f"{one.name} ({n})", n + 1
        plans[label] = one.text()
    return plans


def add(scenario: Scenario, *changes) -> None:
    """Add changes to the scenario; a change the extract cannot take is said and nothing is added."""
    try:
        for change in changes:
            scenario = scenario.add(change)
    except (ScenarioError, ValueError) as exc:
        st.error(str(exc))
        return
    store(scenario)


def forms(page: PageContext, scenario: Scenario, on: dt.date) -> None:
    """One tab per kind of change; the open tab lives in the link. Only the open tab's form is made: at region
    scale the six forms took 0.11-0.13 s of every 0.47-0.51 s planner run ("Move cases" offers every open
    case). A form's unsent entries are not kept when another tab is opened."""
    tabs = st.tabs(list(TABS), key="tab", bind="query-params", on_change="rerun")
    for name, tab in zip(TABS, tabs, strict=True):
        if tab.open:
            FORMS[name](page, tab, scenario, on)


def _officers(page: PageContext) -> dict:
    """The officer field's options: the investigators on the extract's day, shown by name."""
    people = _investigators(page)
    labels = dict(zip(people["officer_id"], people["officer"], strict=True))
    return dict(options=list(labels), format_func=lambda o: labels.get(o, o))


def _investigators(page: PageContext) -> pl.DataFrame:
    as_of = page.source.extract.as_of
    return page.with_names(query(page.source, "officer_load", as_of=as_of)).filter(pl.col("role") == "investigator")


def _hours(page: PageContext, tab, scenario: Scenario, on: dt.date) -> None:
    # the officer outside the form: choosing one runs the page again, so the hours start at theirs
    who = tab.selectbox("Officer", key="planner_hours_officer", **_officers(page))
    people = _investigators(page)
    now = people.filter(pl.col("officer_id") == who)["contracted_hours"]
    form = tab.form("planner_hours", border=False)
    hours = form.number_input(
        "Hours a week",
        1.0,
        60.0,
        float(now[0]) if now.len() and now[0] is not None else 40.0,
        0.5,
        key=f"planner_hours_value_{who}",  # one field per officer: each starts at their own hours
        help="Starts at the officer's contracted hours on the extract's day.",
    )
    start = _first_day(form, "From", page, "planner_hours_from")
    if form.form_submit_button("Add"):
        add(scenario, HoursChange(officer_id=who, from_day=start, hours=hours))


def _absence(page: PageContext, tab, scenario: Scenario, on: dt.date) -> None:
    form = tab.form("planner_absence", border=False)
    who = form.selectbox("Officer", key="planner_absence_officer", **_officers(page))
    kind = form.selectbox("Kind", (*ABSENCE_KINDS, "leaves the unit"), index=2, key="planner_absence_kind")
    first = _first_day(form, "From", page, "planner_absence_from")
    last = day(form, "Until (leave empty: no end)", page.source.extract.as_of, None, key="planner_absence_to")
    share = form.slider("Share of each day lost", 0.1, 1.0, 1.0, 0.1, key="planner_absence_share")
    if form.form_submit_button("Add"):
        if kind == "leaves the unit":
            add(scenario, LeaverChange(officer_id=who, left_on=first))
        else:
            add(scenario, absence(who, first, last, kind, share))


def _post(page: PageContext, tab, scenario: Scenario, on: dt.date) -> None:
    form = tab.form("planner_post", border=False)
    role = form.selectbox("Role", OFFICER_ROLES, key="planner_post_role")
    team = form.selectbox("Team", sorted(_investigators(page)["team"].unique().to_list()), key="planner_post_team")
    hours = form.number_input("Hours a week", 1.0, 60.0, 40.0, 0.5, key="planner_post_hours")
    start = _first_day(form, "From", page, "planner_post_from")
    if form.form_submit_button("Add"):
        post = f"NEW{len(scenario.of(NewPostChange)) + 1}"
        add(scenario, NewPostChange(officer_id=post, team=team, role=role, hours=hours, joined_on=start))


def _move(page: PageContext, tab, scenario: Scenario, on: dt.date) -> None:
    form = tab.form("planner_move", border=False)
    open_cases = query(page.source, "case_progress", as_of=page.source.extract.as_of)["case_id"].to_list()
    cases = form.multiselect("Cases", open_cases, key="planner_move_cases")
    who = form.selectbox("To officer", key="planner_move_to", **_officers(page))
    start = _first_day(form, "On", page, "planner_move_on")
    if form.form_submit_button("Add") and cases:
        add(scenario, MoveCasesChange(case_ids=tuple(cases), to_officer=who, on=start))


def _examiners(page: PageContext, tab, scenario: Scenario, on: dt.date) -> None:
    form = tab.form("planner_examiners", border=False)
    fte = form.number_input("Examiner FTE to add (negative removes)", -5.0, 10.0, 1.0, 0.5, key="planner_examiners_fte")
    start = _first_day(form, "From", page, "planner_examiners_from")
    if form.form_submit_button("Add"):
        add(scenario, ExaminersChange(fte=fte, from_day=start))


def _first_day(where, label: str, page: PageContext, key: str) -> dt.date | None:
    """The day a change takes effect: the day after the extract's unless another is chosen."""
    as_of = page.source.extract.as_of
    return day(where, label, as_of, as_of + dt.timedelta(days=1), key=key)


def day(where, label: str, as_of: dt.date, default: dt.date | None, key: str) -> dt.date | None:
    """A day from a year before the extract to two years after it, typed or chosen (a box of days)."""
    last = as_of + dt.timedelta(days=2 * 366 - 1)
    return day_box(where, label, as_of - dt.timedelta(days=365), last, default, key)


def absence(who: str, first: dt.date, last: dt.date | None, kind: str, share: float) -> AbsenceChange:
    return AbsenceChange(officer_id=who, first_day=first, last_day=last, kind=kind, capacity_reduction=share)


def _rebalance(page: PageContext, tab, scenario: Scenario, on: dt.date) -> None:
    """A proposal, never a change: every move with its reason, from the scenario so far; accepting it adds the
    moves as move_cases changes on the day measured."""
    target = tab.number_input(
        "Nobody above (load %)", 50.0, 300.0, float(page.settings.capacity.overload_pct), 5.0, key="planner_target"
    )
    if not tab.toggle(f"Propose moves for {on:%d %b %Y}", key="planner_propose"):
        tab.caption("Moves are proposed from the scenario so far, on the day measured; nothing changes until accepted.")
        return
    moves = proposal(page.source, scenario.text(), on, target)
    if not moves:
        tab.info(f"No move is proposed: nobody is above {target:g} %, or nobody with room can take a case.")
        return
    shown = pl.DataFrame([m.__dict__ for m in moves])
    page.table(
        page.with_names(page.with_names(shown, "from_officer", "from"), "to_officer", "to").select(
            "case_id", "weight", "from", "to", "why"
        ),
        key="planner_moves",
        where=tab,
        name="Proposed moves",
        row_height=72,
        column_config={"why": st.column_config.TextColumn("why", width="large")},
    )
    if tab.button(f"Accept these {len(moves)} moves", key="planner_accept", type="primary"):
        add(scenario, *accepted(moves, on))


FORMS = {  # each tab's form, in TABS' order
    "Hours": _hours,
    "Absence or leaver": _absence,
    "New post": _post,
    "Move cases": _move,
    "Rebalance": _rebalance,
    "Forensic capacity": _examiners,
}
