"""Decisions in the dashboard (DATA_CONTRACT.md section 6): the form a line manager records one with, an item's
decision beside it, and what each role may see of them.

Every write is checked on the server, whatever the widget or the link said: the role must be a line manager's
(sergeant, inspector, superintendent), and the item, its owner and an officer to reallocate to must be in the
user's scoped views on the day decided (the contract's refusals run on those views). Each recorded decision is an
audit record: who, role, item and action, never the note.
"""

from __future__ import annotations

import datetime as dt
import logging

import polars as pl
import streamlit as st
from sqlalchemy.exc import SQLAlchemyError

from unitload.access.scope import Scope
from unitload.app.cache import query
from unitload.app.environment import records
from unitload.app.filters import names_visible
from unitload.app.frame import audit
from unitload.app.run import this_run
from unitload.app.text import escaped
from unitload.app.widgets import day_box
from unitload.decisions.actions import BY_NAME, for_item
from unitload.decisions.checks import NOTE_CHARACTERS, Decision, DecisionError, check
from unitload.decisions.ledger import record
from unitload.extract.db import Source
from unitload.store import StoreError

LOG = logging.getLogger(__name__)
LINE_MANAGERS = ("sergeant", "inspector", "superintendent")
DUE_DAYS = 14  # a new decision's due day, until the form says otherwise
FIELDS = {"item": "Item", "action": "Action", "to": "Reallocate to", "owner": "Owner", "on": "Day decided"}
FIELDS |= {"due": "Due", "by": "Decided by", "note": "Note"}


def may_record(scope: Scope) -> bool:
    """Only line managers record decisions; planners and analysts read them."""
    return scope.role in LINE_MANAGERS


def status_words(row: dict) -> str:
    """A decision's status in words, never by colour alone: "OVERDUE by 12 days", "done on 3 Nov 2026"."""
    status = row.get("decision_status") or row.get("status")
    if status is None:
        return ""
    if status == "overdue":
        return f"OVERDUE by {row['days_overdue']} days" if row.get("days_overdue") else "OVERDUE"
    if status == "done":
        return f"done on {row['done_on']:%d %b %Y}" if row.get("done_on") else "done"
    return {"open": "open", "accepted": "accepted until its review date", "review_due": "review due"}[status]


def decided_by() -> str:
    """Who is recording: the signed-in user's name or address, else their opaque id (local mode: "local")."""
    scope = this_run().scope
    try:
        user = st.user.to_dict() if st.user.is_logged_in else {}
    except Exception:  # noqa: BLE001 - no sign-in configured: local mode
        user = {}
    return str(user.get("name") or user.get("email") or scope.subject)


def in_post(source: Source, as_of: dt.date) -> dict[str, str]:
    """Officer id -> label of the officers in post on the day in the user's scope (the owners one may pick)."""
    officers = query(source, "officer_load", as_of=as_of).select("officer_id", "team").sort("officer_id")
    labels = officer_labels(source) if names_visible() else {}
    return {o: f"{labels.get(o, o)} · {team}" for o, team in officers.iter_rows()}


def officer_labels(source: Source) -> dict[str, str]:
    names = query(source, "officer_names")
    return {o: f"{n} ({o})" for o, n in names.iter_rows() if n and n != o}


def form(source: Source, as_of: dt.date, item: str, items: dict[str, str], key: str, owner: str | None = None) -> None:
    """The form recording a decision on one of `items` (id -> label) of kind `item`, decided on `as_of`."""
    run = this_run()
    done = st.session_state.pop(f"{key}_recorded", None)
    if done:
        st.success(done, icon=":material/task_alt:")
    if not may_record(run.scope):
        st.caption("Decisions are recorded by sergeants, inspectors and superintendents; you see them read-only.")
        return
    people = in_post(source, as_of)
    with st.form(key, clear_on_submit=True, border=True):
        st.markdown(f"**Record a decision** on the figures of {as_of:%d %b %Y}")
        left, right = st.columns(2)
        chosen = left.selectbox("Item", list(items), format_func=lambda i: items[i], key=f"{key}_item")
        actions = for_item(item)
        action = right.selectbox("Action", [a.name for a in actions], format_func=lambda a: BY_NAME[a].label)
        ids = list(people)
        start = ids.index(owner) if owner in people else 0
        who = left.selectbox("Owner (who must do it)", ids, index=start, format_func=lambda o: people[o])
        to = right.selectbox(
            "Reallocate to (reallocate only)", [None, *ids], format_func=lambda o: "—" if o is None else people[o]
        )
        due = day_box(
            left,
            "Due (accept: review by)",
            as_of,
            as_of + dt.timedelta(days=731),
            as_of + dt.timedelta(days=DUE_DAYS),
            key=f"{key}_due",
        )
        note = right.text_input("Note (optional, one line)", max_chars=NOTE_CHARACTERS)
        submitted = st.form_submit_button("Record the decision", type="primary", icon=":material/task_alt:")
    if submitted:
        wanted = Decision(item, chosen, action, who, as_of, due, decided_by(), to, note or None)
        save(source, wanted, key)


def save(source: Source, decision: Decision, key: str) -> None:
    """Check `decision` on the server against the user's own views and record it, or say why not."""
    run = this_run()
    if not may_record(run.scope):  # whatever the widget said
        st.error("Only sergeants, inspectors and superintendents record decisions.")
        return
    try:
        check(source, decision, source.extract.as_of)
    except DecisionError as exc:
        st.error(f"Not recorded: {FIELDS.get(exc.field, exc.field)}: {escaped(exc.reason)}")
        return
    try:
        decision_id = record(records(), decision)
    except (StoreError, SQLAlchemyError) as exc:  # a database server down: the form keeps nothing, so say so
        LOG.warning("decision not recorded: %s", str(getattr(exc, "orig", None) or exc).splitlines()[0])
        st.error("Not recorded: the decisions store cannot be written now. Try again later.")  # the why: the log
        return
    audit("decision", what=f"{decision.item}:{decision.item_id} {decision.action} {decision_id}", rows=1)
    st.session_state[f"{key}_recorded"] = (
        f"Recorded decision {decision_id}: {BY_NAME[decision.action].label.lower()} "
        f"({escaped(decision.item_id)}), owner {escaped(decision.owner_id)}, due {decision.due_on:%d %b %Y}."
    )
    st.rerun()


def decisions_visible(frame: pl.DataFrame, scope: Scope) -> pl.DataFrame:
    """Decisions as a role may see them: who decided and the note only for roles that see names."""
    if scope.names:
        return frame
    return frame.with_columns(pl.lit("(hidden)").alias("decided_by"), pl.lit(None, pl.String).alias("note"))


def decision_panel(
    source: Source, as_of: dt.date, item: str, item_id: str, label: str, key: str, owner: str | None
) -> None:
    """An item's decision on the day, in words, and the form to record one (officer and case views)."""
    found = query(source, "decision_status", as_of=as_of)
    mine = found.filter(
        (pl.col("item") == item) & (pl.col("case_id" if item == "case" else "officer_id") == item_id)
    ).sort("decision_id")
    latest = mine.filter(pl.col("latest"))
    if latest.height:
        row = latest.row(0, named=True)
        to = f" to {escaped(row['to_officer'])}" if row["to_officer"] else ""
        words = f"Decision {row['decision_id']}: {BY_NAME[row['action']].label.lower()}{to}, owner "
        words += f"{escaped(row['owner_id'])}, due {row['due_on']:%d %b %Y}: **{status_words(row)}**"
        (st.error if row["status"] == "overdue" else st.info)(words, icon=":material/gavel:")
        if mine.height > 1:
            st.caption(f"{mine.height - 1} earlier decision(s) on it, superseded: the Decisions page lists them.")
    else:
        st.caption(f"No decision recorded on {escaped(label)} by {as_of:%d %b %Y}.")
    box = st.expander(f"Record a decision on {escaped(label)}", key=f"{key}_box", on_change="rerun")
    if box.open:  # made when opened: the form reads the officers in post
        with box:
            form(source, as_of, item, {item_id: label}, key, owner)


def with_decision(attention: pl.DataFrame) -> pl.DataFrame:
    """The attention list with each item's decision in words: its action, owner, due day and status."""
    words = {a.name: a.label.lower() for a in BY_NAME.values()}
    status = (
        pl.when(pl.col("decision_status") == "overdue")
        .then(pl.lit("OVERDUE"))
        .otherwise(pl.col("decision_status").replace({"review_due": "review due", "accepted": "accepted"}))
    )
    return attention.with_columns(
        decision=pl.when(pl.col("decision_id").is_null())
        .then(pl.lit("none"))
        .otherwise(
            pl.format(
                "{}: {}, due {}",
                status,
                pl.col("decision_action").replace_strict(words, default=pl.col("decision_action")),
                pl.col("decision_due_on").dt.strftime("%d %b %Y"),
            )
        )
    )


def opening_queries(source: Source, as_of: dt.date) -> tuple[tuple[str, dict], ...]:
    """The query `decisions_opening` reads, to start ahead (`prefetch`); none when no decision is recorded."""
    if source.decisions is None or not source.decisions.version[0]:  # none recorded: no query (34 ms at force)
        return ()
    return (("decision_status", {"as_of": as_of}),)


def decisions_opening(source: Source, as_of: dt.date, where=None) -> None:
    """What the monthly review opens with: the decisions of the month before, and what is overdue now (in
    `where`, a container placed at the top, so that the page draws on while the day's status is found)."""
    calls = opening_queries(source, as_of)
    if not calls:
        return
    ((name, params),) = calls
    found = query(source, name, **params)
    if found.is_empty():
        return
    first = as_of.replace(day=1)
    before = (first - dt.timedelta(days=1)).replace(day=1)
    last_month = found.filter(pl.col("decided_on").is_between(before, first - dt.timedelta(days=1)))
    overdue = found.filter(pl.col("latest") & (pl.col("status") == "overdue"))
    counts = last_month["status"].value_counts()
    said = ", ".join(f"{n} {s.replace('_', ' ')}" for s, n in counts.sort("status").iter_rows())
    text = f"Decided in {before:%B %Y} on items of this view: **{last_month.height}**" + (f" ({said})" if said else "")
    text += f". Overdue now: **{overdue.height}**" + (" — the Decisions page lists them." if overdue.height else ".")
    where = where or st
    (where.error if overdue.height else where.info)(text, icon=":material/gavel:")


def decision_form_for_list(source: Source, as_of: dt.date, attention: pl.DataFrame) -> None:
    """The form recording a decision on an item of the attention list (line managers), made when opened."""
    box = st.expander("Record a decision on an item of this list", key="overview_decide", on_change="rerun")
    if not box.open:
        return
    with box:
        kind = st.radio("Item", ["case", "officer"], horizontal=True, key="overview_decide_kind")
        rows = attention.filter(pl.col("item") == kind)
        label = pl.format("{}. {}", "rank", pl.col("case_id") if kind == "case" else pl.col("officer"))
        items = dict(
            zip(rows["case_id" if kind == "case" else "officer_id"], rows.select(label).to_series(), strict=True)
        )
        if items:
            form(source, as_of, kind, items, f"overview_decide_{kind}")
        else:
            st.caption(f"No {kind} in this list.")


def with_status_words(frame: pl.DataFrame) -> pl.DataFrame:
    """decision_status rows with `status_words`: each status in words (an overdue one in capitals, with its days)."""
    words = [status_words(row) for row in frame.select("status", "days_overdue", "done_on").iter_rows(named=True)]
    return frame.with_columns(pl.Series("status_words", words, dtype=pl.String))
