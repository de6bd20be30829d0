"""What a recipient is told, from the named queries run in their own scope (the dashboard's scoping code):
the monthly digest of their attention list and headline figures, and the alerts of the rules in settings.

Names appear only for roles allowed them (the scope's views pseudonymise the rest); items are named by
officer, case and exhibit ids, never by a case reference.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from urllib.parse import urlencode

import polars as pl

from queries import run_query
from unitload import headline
from unitload.access import Scope
from unitload.db import Source
from unitload.months import month_label
from unitload.names import labelled
from unitload.settings import Settings

REASONS = {  # attention_list's reason codes in words
    "inherited_unprogressed": "inherited and unprogressed",
    "holder_long_term_absent": "officer in charge long-term absent",
    "long_term_absent_holding_cases": "long-term absent, holding cases",
    "welfare_contact_overdue": "welfare contact overdue",
    "part_time_full_load": "part-time at a full-time load",
    "sustained_overload": "overloaded month after month",
    "overloaded": "overloaded",
    "unprogressed": "unprogressed",
}


@dataclass(frozen=True)
class Item:
    """One line of a message: what (ids only), every reason in words, and the detail the query gives."""

    codes: tuple[str, ...]  # the ids it names, for the audit record
    title: str
    reasons: str
    detail: str
    link: str


@dataclass(frozen=True)
class Digest:
    month_end: dt.date
    figures: tuple[tuple[str, str, str], ...]  # label, value, change in words
    items: tuple[Item, ...]
    link: str


@dataclass(frozen=True)
class Breach:
    """An item meeting an alert rule now."""

    rule: str
    item: str  # the id the state keeps: a case, officer or exhibit id
    officer_id: str | None  # whose supervisor chain is responsible (the officer, or the officer in charge)
    line: Item


def view_link(settings: Settings, source: Source, scope: Scope, page: str = "", **params: str) -> str:
    """A link to the same view in the dashboard: pinned extract, month and the recipient's teams."""
    query = {"extract": source.extract.extract_id, "month": month_label(params.pop("as_of"))} | params
    query |= {"teams": list(scope.teams)} if scope.teams else {}
    return f"{settings.notify.dashboard_url.rstrip('/')}/{page}?{urlencode(query, doseq=True)}"


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


def digest(source: Source, scope: Scope, settings: Settings, month_end: dt.date) -> Digest:
    """The recipient's attention list at `month_end`, and the headline figures with their change."""
    names = officer_labels(source, scope)
    months = run_query(source, "workload_months", as_of=month_end, months=2)
    now = months.row(-1, named=True)
    before = months.row(-2, named=True) if months.height > 1 else {}
    figures = tuple(
        (f.label, headline.shown(f, now), headline.change_text(f, now, before)) for f in headline.figures(settings)
    )
    items = []
    for row in labelled(run_query(source, "attention_list", as_of=month_end), names).iter_rows(named=True):
        if row["item"] == "case":
            title = f"Case {row['case_id']}, held by {row['officer'] or 'no officer in charge'}"
            link = view_link(settings, source, scope, "cases", as_of=month_end, case=row["case_id"])
            codes = (row["case_id"], *((row["officer_id"],) if row["officer_id"] else ()))
        else:
            title = f"Officer {row['officer']}"
            link = view_link(settings, source, scope, "workload", as_of=month_end, officer=row["officer_id"])
            codes = (row["officer_id"],)
        reasons = "; ".join(REASONS.get(r, r.replace("_", " ")) for r in row["reasons"])
        priority = "first: " if row["priority"] else ""
        items.append(Item(codes, f"{row['rank']}. {title}", priority + reasons, row["detail"] or "", link))
    return Digest(month_end, figures, tuple(items), view_link(settings, source, scope, as_of=month_end))


def breaches(source: Source, scope: Scope, settings: Settings, as_of: dt.date) -> list[Breach]:
    """Every item in the scope meeting one of the alert rules on `as_of`."""
    rules, names, found = settings.notify.rules, officer_labels(source, scope), []

    def case_line(row: dict, what: str) -> Item:
        link = view_link(settings, source, scope, "cases", as_of=as_of, case=row["case_id"])
        title = f"Case {row['case_id']}, held by {row['officer'] or 'no officer in charge'}"
        codes = (row["case_id"], *((row["officer_id"],) if row["officer_id"] else ()))
        return Item(codes, title, what, f"no progressing action for {row['days_since_progress']} days", link)

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
                view_link(settings, source, scope, "supervision", as_of=as_of),
            )
            found.append(Breach("welfare_contact_overdue", row["officer_id"], row["officer_id"], line))
    if rules.urgent_forensic_days:
        queue = run_query(source, "forensic_queue", as_of=as_of)
        urgent = queue.filter((pl.col("priority") == "urgent") & (pl.col("age_days") > rules.urgent_forensic_days))
        for row in urgent.iter_rows(named=True):
            line = Item(
                (row["exhibit_id"], row["case_id"]),
                f"Forensic item {row['exhibit_id']} ({row['device_type']}) of case {row['case_id']}",
                f"urgent and waiting over {rules.urgent_forensic_days} days",
                f"{row['age_days']} days since submission, now {row['stage'].replace('_', ' ')}",
                view_link(settings, source, scope, "forensics", as_of=as_of),
            )
            found.append(Breach("urgent_forensic", row["exhibit_id"], row["officer_id"], line))
    return found


def supervisor_chains(source: Source) -> dict[str, set[str]]:
    """Officer id -> every officer above them through supervisor_id (the whole extract; ids only)."""
    cur = source.cursor()
    try:
        above = dict(cur.execute("select officer_id, supervisor_id from officers").fetchall())
    finally:
        cur.close()
    chains = {}
    for officer in above:
        seen, at = set(), above.get(officer)
        while at is not None and at not in seen:
            seen.add(at)
            at = above.get(at)
        chains[officer] = seen
    return chains
