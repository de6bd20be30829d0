"""`unitload notify`: nobody has to remember to look. Run daily (cron or a systemd timer, docs/notify.md):

- on the first run after a month end, each recipient gets the monthly digest of their own view (the dashboard's,
  with their teams), short enough to be read to the end;
- when an item newly meets an alert rule, the recipients responsible for it get one message: line managers
  (roles that see Supervision and welfare) whose scope holds the item and, when they name their own officer id,
  who stand above the item's officer in the supervisor chain. A recipient's first run alerts nothing: what is
  already past then is recorded as known (the digest covers it).

One run at a time holds the store's notify lock, and each message is claimed before it is sent and marked sent
only once the mail server took it (unitload.notify.state): two runs at once, on one server or two, never send
a message twice. Every message is scoped by the dashboard's own code, recorded in the audit trail (role, scope,
the items as codes), and a refused login stops the run.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from collections import defaultdict
from contextlib import nullcontext
from dataclasses import dataclass, field
from pathlib import Path

from unitload.access import audit
from unitload.access.scope import role_scope
from unitload.access.views import scoped_source
from unitload.decisions.ledger import read
from unitload.extract.db import Source
from unitload.months import month_end
from unitload.notify.content import Breach, breaches, digest, supervisor_chains
from unitload.notify.messages import (
    DeliveryError,
    LoginRefused,
    Mailer,
    alert_message,
    credentials,
    digest_message,
    email,
)
from unitload.notify.state import Busy, State
from unitload.settings import Settings
from unitload.store import Store

LINE_MANAGEMENT = "supervision.py"  # a role that opens this page manages people: it gets alerts
RULES = ("inherited_unprogressed", "case_unprogressed", "long_term_absent_holding_cases")
RULES += ("welfare_contact_overdue", "urgent_forensic", "decision_overdue")
ESCALATION = 2  # an overdue decision goes this far up from its owner: their line manager and the inspector above


@dataclass
class Report:
    """What one run did: a line per message, the messages the mail server did not take, and why it stopped."""

    sent: list[str] = field(default_factory=list)
    failed: list[str] = field(default_factory=list)
    stopped: str = ""  # why the run sent nothing more (a refused login, a password that would go unencrypted)
    busy: str = ""  # another run holds the lock: this one sent nothing, and that one sends what is due


def digest_month_end(day: dt.date) -> dt.date:
    """The month end whose digest is due on `day`: the day itself at a month end, else the one before."""
    return day if month_end(day) == day else day.replace(day=1) - dt.timedelta(days=1)


def subject_of(address: str) -> str:
    """The recipient as the audit trail and the store name them: an opaque id, never the address."""
    return "mail:" + hashlib.sha256(address.lower().encode()).hexdigest()[:12]


def run(
    source: Source,
    settings: Settings,
    as_of: dt.date,
    store: Store,
    *,
    dry_run: Path | None = None,
    mailer: Mailer | None = None,
    now: dt.datetime | None = None,
) -> Report:
    """Send (or, with `dry_run`, write as .eml files) every digest and alert due on `as_of`."""
    now = now or dt.datetime.now(dt.UTC)
    state, report = State(store), Report()
    source = source.with_decisions(read(store))  # the decisions of the same store: digests and escalations
    try:
        with nullcontext() if dry_run is not None else state.locked(now):
            mailer = mailer or Mailer(settings.notify, dry_run, None if dry_run else credentials())
            for address in settings.notify.recipients:
                _recipient(source, settings, as_of, state, mailer, report, address, dry_run, now)
    except Busy as exc:
        report.busy = str(exc)
    except LoginRefused as exc:
        report.stopped = str(exc)
    except DeliveryError as exc:  # a login that would go unencrypted: nothing is sent
        report.stopped = str(exc)
    return report


def _recipient(source, settings, as_of, state: State, mailer, report: Report, address: str, dry_run, now) -> None:
    recipient = settings.notify.recipients[address]
    who = subject_of(address)
    scope = role_scope(recipient.role, who, tuple(recipient.teams) or None)
    scoped = scoped_source(source, scope)
    first = state.is_new(who) if dry_run is not None else state.first_run(who, now)
    due = digest_month_end(as_of)
    if dry_run is not None or state.claim_digest(who, due, now):
        made = digest(scoped, scope, settings, due, recipient.officer_id)
        subject, text, page = digest_message(made, scope, source.extract.extract_id)
        sent = False
        try:
            sent = _deliver(mailer, report, email(settings.notify, address, subject, text, page), address, "digest")
        finally:  # marked sent, or the claim given back (the next run sends it), whatever stopped the send
            if dry_run is None:
                state.digest_done(who, due, now, sent)
        if sent:
            codes = [c for item in made.items for c in item.codes]
            _record(settings, source, scope, who, ("digest", due), codes, made.total)
    if LINE_MANAGEMENT not in scope.pages:
        return
    chains = supervisor_chains(source)
    found = [b for b in breaches(scoped, scope, settings, as_of) if responsible(recipient.officer_id, b, chains)]
    new = _new(state, who, found, now, dry_run is not None, first)
    if not new:
        return
    subject, text, page = alert_message(new, scope, as_of)
    sent = False
    try:
        sent = _deliver(mailer, report, email(settings.notify, address, subject, text, page), address, "alert")
    finally:
        if dry_run is None:
            by_rule = defaultdict(list)
            for b in new:
                by_rule[b.rule].append(b.item)
            for rule, items in by_rule.items():
                state.alerts_done(who, rule, items, now, sent)
    if sent:
        codes = [c for b in new for c in b.line.codes]
        _record(settings, source, scope, who, ("alert", as_of), codes, len({b.item for b in new}))


def responsible(officer_id: str | None, breach: Breach, chains: dict[str, list[str]]) -> bool:
    """Whether a recipient (their own officer id; None: all in their scope) is told of `breach`: above its
    officer in the supervisor chain; for an overdue decision, its owner's line manager or the inspector above."""
    if officer_id is None:
        return True
    above = chains.get(breach.officer_id or "", [])
    return officer_id in (above[:ESCALATION] if breach.rule == "decision_overdue" else above)


def _new(state: State, who: str, found: list[Breach], now: dt.datetime, dry: bool, first: bool) -> list[Breach]:
    """The breaches to alert `who` of now, claimed (a dry run records nothing). On a recipient's first run,
    every breach is recorded as known and none is alerted."""
    keep: set[tuple[str, str]] = set()
    for rule in RULES:
        items = [b.item for b in found if b.rule == rule]
        if dry:
            due = [] if first else state.pending(who, rule, items)
        else:
            due = state.breaches(who, rule, items, now, known=first)
        keep |= {(rule, item) for item in due}
    return [b for b in found if (b.rule, b.item) in keep]


def _deliver(mailer: Mailer, report: Report, message, address: str, kind: str) -> bool:
    try:
        mailer.deliver(message, f"{kind}-{address.replace('@', '-at-')}")
    except LoginRefused:
        report.failed.append(f"{address}: the {kind} was not sent: the mail server refused the login")
        raise
    except DeliveryError as exc:
        report.failed.append(f"{address}: the {kind} was not sent: {exc}")
        return False
    report.sent.append(f"{message['To']}: {message['Subject']}")
    return True


def _record(settings: Settings, source: Source, scope, who: str, what: tuple, codes: list, items: int) -> None:
    """One audit record per message: the recipient as an opaque id, role, scope, and the items as codes."""
    kind, day = what
    audit.record(
        settings.audit,
        "message",
        subject=who,
        role=scope.role,
        page=kind,
        filters={"teams": list(scope.teams or ()), "as_of": day.isoformat()},
        extract=source.extract.extract_id,
        rows=items,
        what=" ".join(dict.fromkeys(codes)),
    )
