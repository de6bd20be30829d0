"""What a recipient is told, from the named queries run in their own scope (the dashboard's scoping code) and with
the dashboard's own team filter (their teams): exactly what the link in the message shows.

- the monthly digest: the headline figures with their change, then what needs the recipient's decision, short
  enough to be read to the end: every item of the first group and the most urgent up to `digest_items`, then
  one line per reason for the rest with its count, and the link to the full list;
- the alerts: items newly past a rule of the settings.

Names appear only for roles allowed them (the scope's views pseudonymise the rest); items are named by
officer, case and exhibit ids, never by a case reference. Every text from the data is put on one line
(unitload.output.plain): a name cannot make a line of its own in a message.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from dataclasses import dataclass
from urllib.parse import urlencode

import polars as pl

from queries import run_query
from unitload.access.names import labelled
from unitload.access.scope import Scope
from unitload.decisions.actions import BY_NAME
from unitload.extract.db import Source
from unitload.months import month_label
from unitload.output.plain import one_line
from unitload.review import headline
from unitload.review.reasons import counted, in_words
from unitload.settings import Settings

ANCHORS = {"cases": "case-timeline", "workload": "one-officer", "": "needs-a-decision-this-month"}


@dataclass(frozen=True)
class Item:
    """One entry of a message: what (ids only), its reasons in words, the detail the query gives, its link."""

    codes: tuple[str, ...]  # the ids it names, for the audit record
    title: str
    reasons: str
    detail: str
    link: str

    def __post_init__(self) -> None:  # text from the data on one line, whoever built the item
        for name in ("title", "reasons", "detail", "link"):
            object.__setattr__(self, name, one_line(getattr(self, name)))


@dataclass(frozen=True)
class Digest:
    month_end: dt.date
    yours: tuple[Item, ...]  # the recipient's own decisions, open or overdue: what they must do
    figures: tuple[tuple[str, str, str], ...]  # label, value, change in words
    items: tuple[Item, ...]  # what leads: the first group, then the most urgent, up to digest_items
    rest: tuple[str, ...]  # one line per reason of the items not shown: "14 more unprogressed cases"
    total: int  # every item needing a decision
    link: str  # the full list in the dashboard


@dataclass(frozen=True)
class Breach:
    """An item meeting an alert rule now."""

    rule: str
    item: str  # the id the state keeps: a case, officer or exhibit id
    officer_id: str | None  # whose supervisor chain is responsible (the officer, or the officer in charge)
    line: Item


def view_link(settings: Settings, source: Source, scope: Scope, page: str = "", **params: str) -> str:
    """A link to the same view in the dashboard (pinned extract, month and the recipient's teams), opening at
    the item: the case's timeline, the officer's section, or the Overview's attention list."""
    query = {"extract": source.extract.extract_id, "month": month_label(params.pop("as_of"))} | params
    query |= {"teams": list(scope.teams)} if scope.teams else {}
    anchor = ANCHORS.get(page, "")
    return f"{settings.notify.dashboard_url.rstrip('/')}/{page}?{urlencode(query, doseq=True)}" + (
        f"#{anchor}" if anchor else ""
    )


def officer_labels(source: Source, scope: Scope) -> dict[str, str]:
    """Officer id -> "Name (id)" where the role may see names; empty otherwise (ids only)."""
    if not scope.names:
        return {}
    cur = source.cursor()
    try:
        rows = cur.execute("select officer_id, display_name from officers").fetchall()
    finally:
        cur.close()
    return {officer: name for officer, name in rows if name and name != officer}


def view(scope: Scope) -> dict[str, object]:
    """The dashboard's filter for the recipient: their teams (None: every team), as "All teams" means there."""
    return {"teams": list(scope.teams) if scope.teams else None}


def digest(
    source: Source, scope: Scope, settings: Settings, month_end: dt.date, officer_id: str | None = None
) -> Digest:
    """The recipient's attention list at `month_end`, and the headline figures with their change."""
    names = officer_labels(source, scope)
    months = run_query(source, "workload_months", as_of=month_end, months=2, **view(scope))
    now = months.row(-1, named=True)
    before = months.row(-2, named=True) if months.height > 1 else {}
    figures = tuple(
        (headline.worded_label(f), headline.shown_worded(f, now), headline.change_worded(f, now, before))
        for f in headline.figures(settings)
    )
    attention = labelled(run_query(source, "attention_list", as_of=month_end, **view(scope)), names)
    lead = max(settings.notify.digest_items, int(attention["priority"].sum()))  # the first group, always
    items = [
        _digest_item(row, settings, source, scope, month_end) for row in attention.head(lead).iter_rows(named=True)
    ]
    rest = Counter(r[0] for r in attention.slice(lead)["reasons"].to_list())
    lines = tuple(counted(code, count) for code, count in sorted(rest.items(), key=lambda kv: -kv[1]))
    link = view_link(settings, source, scope, as_of=month_end)
    yours = own_decisions(source, scope, settings, month_end, officer_id)
    return Digest(month_end, yours, figures, tuple(items), lines, attention.height, link)


def own_decisions(source: Source, scope: Scope, settings: Settings, day: dt.date, officer_id: str | None) -> tuple:
    """The recipient's own decisions on `day` (they are its owner) that are open or overdue, overdue first."""
    if officer_id is None:
        return ()
    found = run_query(source, "decision_status", as_of=day).filter(
        pl.col("latest") & (pl.col("owner_id") == officer_id) & pl.col("status").is_in(["overdue", "open"])
    )
    found = found.sort(pl.col("status") != "overdue", "due_on")
    return tuple(_decision_item(row, settings, source, scope, day) for row in found.iter_rows(named=True))


def _decision_item(row: dict, settings: Settings, source: Source, scope: Scope, day: dt.date) -> Item:
    """A decision as a message's line: its item, what is to be done, by when, and how late."""
    case = row["item"] == "case"
    key = row["case_id"] if case else row["officer_id"]
    what = BY_NAME[row["action"]].label.lower() + (f" to {row['to_officer']}" if row["to_officer"] else "")
    late = f"OVERDUE by {row['days_overdue']} days" if row["status"] == "overdue" else "open"
    link = view_link(
        settings, source, scope, "cases" if case else "workload", as_of=day, **{"case" if case else "officer": key}
    )
    title = f"{'Case' if case else 'Officer'} {key}"
    return Item((key,), title, f"{what}, due {row['due_on']:%d %b %Y}", f"{late} (decision {row['decision_id']})", link)


def _digest_item(row: dict, settings: Settings, source: Source, scope: Scope, month_end: dt.date) -> Item:
    if row["item"] == "case":
        title = f"Case {row['case_id']}, held by {row['officer'] or 'no officer in charge'}"
        link = view_link(settings, source, scope, "cases", as_of=month_end, case=row["case_id"])
        codes = (row["case_id"], *((row["officer_id"],) if row["officer_id"] else ()))
    else:
        title = f"Officer {row['officer']}"
        link = view_link(settings, source, scope, "workload", as_of=month_end, officer=row["officer_id"])
        codes = (row["officer_id"],)
    # the query's detail says every reason in words with its figures: the reasons are not said again
    return Item(
        codes, f"{row['rank']}. {title}", "" if row["detail"] else in_words(row["reasons"]), row["detail"] or "", link
    )


def breaches(source: Source, scope: Scope, settings: Settings, as_of: dt.date) -> list[Breach]:
    """Every item in the scope meeting one of the alert rules on `as_of`."""
    rules, names, found = settings.notify.rules, officer_labels(source, scope), []
    left = _left(source)

    def case_line(row: dict, what: str) -> Item:
        link = view_link(settings, source, scope, "cases", as_of=as_of, case=row["case_id"])
        holder = row["officer"] or "no officer in charge"
        if row["oic_left"]:  # a holder no longer in post: said, since nobody is working the case
            holder += (
                f", who left on {left[row['officer_id']]:%d %b %Y}" if row["officer_id"] in left else ", who has left"
            )
        codes = (row["case_id"], *((row["officer_id"],) if row["officer_id"] else ()))
        detail = f"no progressing action for {row['days_since_progress']} days"
        return Item(codes, f"Case {row['case_id']}, held by {holder}", what, detail, link)

    cases = labelled(run_query(source, "case_progress", as_of=as_of), names)
    if rules.inherited_unprogressed_days:
        late = cases.filter(pl.col("inherited") & (pl.col("days_since_progress") > rules.inherited_unprogressed_days))
        for row in late.iter_rows(named=True):
            days = rules.inherited_unprogressed_days
            what = f"inherited (on {row['assigned_from']:%d %b %Y}) and unprogressed for over {days} days"
            found.append(Breach("inherited_unprogressed", row["case_id"], row["officer_id"], case_line(row, what)))
    if rules.case_unprogressed_days:
        late = cases.filter(pl.col("days_since_progress") > rules.case_unprogressed_days)
        for row in late.iter_rows(named=True):
            what = f"unprogressed for over {rules.case_unprogressed_days} days"
            found.append(Breach("case_unprogressed", row["case_id"], row["officer_id"], case_line(row, what)))
    officers = labelled(run_query(source, "officer_load", as_of=as_of), names)
    if rules.long_term_absent_holding_cases:
        for row in officers.filter(pl.col("long_term_absent") & (pl.col("open_cases") > 0)).iter_rows(named=True):
            kind = (row["absence_kind"] or "reduced duties").replace("_", " ")
            since = f" since {row['absent_since']:%d %b %Y}" if row["absent_since"] else ""
            line = Item(
                (row["officer_id"],),
                f"Officer {row['officer']}",
                f"long-term absent ({kind}{since}) and holding {row['open_cases']} open cases",
                "their cases need another officer in charge or a decision to hold them",
                view_link(settings, source, scope, "workload", as_of=as_of, officer=row["officer_id"]),
            )
            found.append(Breach("long_term_absent_holding_cases", row["officer_id"], row["officer_id"], line))
    if rules.welfare_contact_overdue:
        welfare = labelled(run_query(source, "supervision_status", as_of=as_of), names).filter(
            pl.col("welfare_contact_overdue")
        )
        for row in welfare.iter_rows(named=True):
            gap = "never" if row["days_since_welfare"] is None else f"{row['days_since_welfare']} days ago"
            line = Item(
                (row["officer_id"],),
                f"Officer {row['officer']}",
                f"long-term absent and no welfare contact within {settings.supervision.welfare_contact_days} days",
                f"last welfare contact: {gap}",
                view_link(settings, source, scope, "workload", as_of=as_of, officer=row["officer_id"]),
            )
            found.append(Breach("welfare_contact_overdue", row["officer_id"], row["officer_id"], line))
    if rules.urgent_forensic_days:
        queue = run_query(source, "forensic_queue", as_of=as_of)
        # the case's officer in charge as the case's own alert names them (case_progress): in a team scope the
        # forensic queue leaves out a holder of another team, who may still report to the recipient
        holders = cases.select("case_id", pl.col("officer_id").alias("holder"))
        urgent = (
            queue.filter((pl.col("priority") == "urgent") & (pl.col("age_days") > rules.urgent_forensic_days))
            .join(holders, on="case_id", how="left")
            .with_columns(pl.coalesce("officer_id", "holder").alias("officer_id"))
        )
        for row in urgent.iter_rows(named=True):
            line = Item(
                (row["exhibit_id"], row["case_id"]),
                f"Forensic item {row['exhibit_id']} ({row['device_type']}) of case {row['case_id']}",
                f"urgent and waiting over {rules.urgent_forensic_days} days",
                f"{row['age_days']} days since submission, now {row['stage'].replace('_', ' ')}",
                view_link(settings, source, scope, "cases", as_of=as_of, case=row["case_id"]),
            )
            found.append(Breach("urgent_forensic", row["exhibit_id"], row["officer_id"], line))
    decided = run_query(source, "decision_status", as_of=as_of).filter(pl.col("latest"))
    if rules.decision_overdue:  # told to the owner's line manager and the inspector above (notify.__init__)
        for row in decided.filter(pl.col("status") == "overdue").iter_rows(named=True):
            line = _decision_item(row, settings, source, scope, as_of)
            line = Item(line.codes, line.title, f"decision overdue: {line.reasons}", line.detail, line.link)
            found.append(Breach("decision_overdue", f"decision {row['decision_id']}", row["owner_id"], line))
    return held_back(found, decided)


def held_back(found: list[Breach], decided: pl.DataFrame) -> list[Breach]:
    """The breaches without those of an item whose decision is to accept it, until its review day (accepted)."""
    accepted = decided.filter(pl.col("status") == "accepted")
    held = set(accepted["case_id"].drop_nulls()) | set(accepted["officer_id"].drop_nulls())
    return [b for b in found if b.rule == "urgent_forensic" or b.item not in held]


def _left(source: Source) -> dict[str, dt.date]:
    """Officer id -> the day they left, for the officers the scope's views hold."""
    cur = source.cursor()
    try:
        return dict(cur.execute("select officer_id, left_on from officers where left_on is not null").fetchall())
    finally:
        cur.close()


def supervisor_chains(source: Source) -> dict[str, list[str]]:
    """Officer id -> every officer above them through supervisor_id, nearest first (the whole extract; ids only)."""
    cur = source.cursor()
    try:
        above = dict(cur.execute("select officer_id, supervisor_id from officers").fetchall())
    finally:
        cur.close()
    chains = {}
    for officer in above:
        seen, at = [], above.get(officer)
        while at is not None and at not in seen:
            seen.append(at)
            at = above.get(at)
        chains[officer] = seen
    return chains
