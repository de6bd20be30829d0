"""`unitload notify`: nobody has to remember to look. Run daily (cron or a systemd timer, docs/notify.md):

- on the first run after a month end, each recipient gets the monthly digest of their own scope;
- when an item first meets an alert rule, the recipients responsible for it get one message: line
  managers (roles that see Supervision and welfare) whose scope holds the item and, when they name their
  own officer id, who stand above the item's officer in the supervisor chain. Sent once per item and
  rule, and again only after the item cleared and breached again.

Every message is scoped by the dashboard's own code (`unitload.scopes`), recorded in the audit trail
(role, scope, the items as codes), and marked sent in the state file only once the mail server took it.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from dataclasses import dataclass, field
from pathlib import Path

from unitload import audit
from unitload.access import role_scope
from unitload.db import Source
from unitload.months import month_end
from unitload.notify.content import Breach, breaches, digest, supervisor_chains
from unitload.notify.messages import DeliveryError, Mailer, alert_message, credentials, digest_message, email
from unitload.notify.state import State
from unitload.scopes import scoped_source
from unitload.settings import Settings

LINE_MANAGEMENT = "supervision.py"  # a role that opens this page manages people: it gets alerts


@dataclass
class Report:
    """What one run did: a line per message, and the messages the mail server did not take."""

    sent: list[str] = field(default_factory=list)
    failed: list[str] = field(default_factory=list)


def digest_month_end(day: dt.date) -> dt.date:
    """The month end whose digest is due on `day`: the day itself at a month end, else the one before."""
    return day if month_end(day) == day else day.replace(day=1) - dt.timedelta(days=1)


def state_path(settings: Settings) -> Path:
    chosen = settings.notify.state
    return Path(chosen) if chosen else audit.audit_path(settings.audit).parent / "notify-state.sqlite"


def subject_of(address: str) -> str:
    """The recipient as the audit trail names them: an opaque id, never the address."""
    return "mail:" + hashlib.sha256(address.lower().encode()).hexdigest()[:12]


def run(
    source: Source,
    settings: Settings,
    as_of: dt.date,
    *,
    dry_run: Path | None = None,
    mailer: Mailer | None = None,
    now: dt.datetime | None = None,
) -> Report:
    """Send (or, with `dry_run`, write as .eml files) every digest and alert due on `as_of`."""
    now = now or dt.datetime.now(dt.UTC)
    mailer = mailer or Mailer(settings.notify, dry_run, None if dry_run else credentials())
    state, report = State(state_path(settings)), Report()
    due, chains = digest_month_end(as_of), supervisor_chains(source)
    try:
        for address, recipient in settings.notify.recipients.items():
            scope = role_scope(recipient.role, subject_of(address), tuple(recipient.teams) or None)
            scoped = scoped_source(source, scope)
            if dry_run is not None or not state.digest_sent(address, due):
                made = digest(scoped, scope, settings, due)
                subject, text, page = digest_message(made, scope, source.extract.extract_id)
                codes = [c for item in made.items for c in item.codes]
                if _deliver(mailer, report, email(settings.notify, address, subject, text, page), f"digest-{address}"):
                    if dry_run is None:
                        state.mark_digest(address, due, now)
                    _record(settings, source, scope, address, ("digest", due), codes, len(made.items))
            if LINE_MANAGEMENT not in scope.pages:
                continue
            found = [
                b
                for b in breaches(scoped, scope, settings, as_of)
                if recipient.officer_id is None or recipient.officer_id in chains.get(b.officer_id or "", set())
            ]
            new = _new(state, address, found, now, record=dry_run is None)
            if not new:
                continue
            subject, text, page = alert_message(new, scope, as_of)
            if _deliver(mailer, report, email(settings.notify, address, subject, text, page), f"alert-{address}"):
                if dry_run is None:
                    for rule in {b.rule for b in new}:
                        state.mark_alerts(address, rule, [b.item for b in new if b.rule == rule], now)
                codes = [c for b in new for c in b.line.codes]
                _record(settings, source, scope, address, ("alert", as_of), codes, len({b.item for b in new}))
    finally:
        state.close()
    return report


def _new(state: State, address: str, found: list[Breach], now: dt.datetime, record: bool) -> list[Breach]:
    """The breaches not yet alerted to `address` (recording every breach and clearance, unless a dry run)."""
    rules = ("inherited_unprogressed", "case_unprogressed", "long_term_absent_holding_cases")
    rules += ("welfare_contact_overdue", "urgent_forensic")
    keep: set[tuple[str, str]] = set()
    for rule in rules:
        items = [b.item for b in found if b.rule == rule]
        due = state.breaches(address, rule, items, now) if record else state.pending(address, rule, items)
        keep |= {(rule, item) for item in due}
    return [b for b in found if (b.rule, b.item) in keep]


def _deliver(mailer: Mailer, report: Report, message, name: str) -> bool:
    try:
        mailer.deliver(message, name.replace("@", "-at-"))
    except DeliveryError as exc:
        report.failed.append(str(exc))
        return False
    report.sent.append(f"{message['To']}: {message['Subject']}")
    return True


def _record(settings: Settings, source: Source, scope, address: str, what: tuple, codes: list, items: int) -> None:
    """One audit record per message: the recipient as an opaque id, role, scope, and the items as codes."""
    kind, day = what
    audit.record(
        settings.audit,
        "message",
        subject=subject_of(address),
        role=scope.role,
        page=kind,
        filters={"teams": list(scope.teams or ()), "as_of": day.isoformat()},
        extract=source.extract.extract_id,
        rows=items,
        what=" ".join(dict.fromkeys(codes)),
    )
