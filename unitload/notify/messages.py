"""Messages: plain text and simple accessible HTML (headings, lists, a table; no images, scripts or styles
fetched from anywhere) that say the same, one multipart email each; and their delivery by SMTP with retries,
or as .eml files.

A digest is short enough to be read to the end: about 50 lines for a sergeant. Every text from the data is on
one line (unitload.output.plain) and escaped in the HTML; a subject is plain ASCII (no encoded words to unfold into
double spaces).
"""

from __future__ import annotations

import html
import os
import smtplib
import ssl
import sys
import time
import tomllib
from dataclasses import replace
from email import policy
from email.message import EmailMessage
from email.utils import formatdate, make_msgid
from pathlib import Path

from unitload.access.scope import Scope
from unitload.notify.content import Breach, Digest, Item
from unitload.output.plain import one_line
from unitload.settings import Notify

LONG_HEADERS = policy.SMTP.clone(max_line_length=998)  # no folded subject: it unfolds with spaces added


class DeliveryError(OSError):
    """A message the mail server did not take after every attempt; it is tried again on the next run."""


class LoginRefused(DeliveryError):
    """The mail server refused the login: the run stops, since trying every message would lock the account."""


def subject_scope(scope: Scope) -> str:
    """The recipient's scope in a subject, in ASCII: "sergeant, POLIT-B"."""
    where = "all units" if scope.teams is None else ", ".join(scope.teams)
    return one_line(f"{scope.role}, {where}" + ("" if scope.names else ", names pseudonymised"))


def digest_message(digest: Digest, scope: Scope, extract_id: str) -> tuple[str, str, str]:
    """Subject, text and HTML of a monthly digest."""
    when, count = f"{digest.month_end:%d %b %Y}", digest.total
    needs = (
        f"{count} item{'s' * (count != 1)} need{'s' * (count == 1)} a decision" if count else "nothing needs a decision"
    )
    subject = f"Unit workload, month end {when}: {needs} ({subject_scope(scope)})"
    intro = f"The monthly review for {one_line(scope.label)} at the month end {when} (extract {one_line(extract_id)})."
    figures = [f"{label}: {value}" + (f"; {change}" if change else "") for label, value, change in digest.figures]
    lead = (
        f"First, the {len(digest.items)} of {count} that most need your decision:"
        if count > len(digest.items)
        else f"Needs your decision ({count}):"
    )
    lines = [intro, ""]
    if digest.yours:  # what the recipient must do comes first
        late = sum(1 for i in digest.yours if i.detail.startswith("OVERDUE"))
        lines += [f"Your decisions to carry out ({late} overdue, {len(digest.yours) - late} open):"]
        lines += [*_item_lines(digest.yours), ""]
    lines += ["Headline figures (change on the month end before):", *(f"- {f}" for f in figures), ""]
    lines += [lead if count else "Nothing in your view needs a decision this month."]
    lines += _item_lines(digest.items)
    if digest.rest:
        lines += ["", "And the rest:", *(f"- {line}" for line in digest.rest)]
    lines += ["", f"The full list in the dashboard: {digest.link}"]
    body = [f"<p>{_e(intro)}</p>"]
    if digest.yours:
        body += ["<h2>Your decisions to carry out</h2>", _item_html(digest.yours)]
    body += ["<h2>Headline figures</h2>", "<table>"]
    body += ["<tr><th scope='col'>Figure</th><th scope='col'>Value</th><th scope='col'>Change</th></tr>"]
    body += [f"<tr><td>{_e(label)}</td><td>{_e(v)}</td><td>{_e(c or '—')}</td></tr>" for label, v, c in digest.figures]
    nothing = "<p>Nothing in your view needs a decision this month.</p>"
    body += ["</table>", f"<h2>{_e(lead.rstrip(':'))}</h2>" if count else nothing, _item_html(digest.items)]
    if digest.rest:
        body += ["<h2>And the rest</h2>", "<ul>" + "".join(f"<li>{_e(line)}</li>" for line in digest.rest) + "</ul>"]
    body += [f"<p><a href='{_e(digest.link)}'>The full list in the dashboard</a></p>"]
    return subject, "\n".join(lines) + "\n", _page(subject, body)


def alert_message(found: list[Breach], scope: Scope, as_of) -> tuple[str, str, str]:
    """Subject, text and HTML of the alerts first met on `as_of`."""
    lines: dict[str, Item] = {}  # an item meeting several rules: one entry with every rule's words
    for breach in found:
        held = lines.get(breach.line.title)
        lines[breach.line.title] = (
            breach.line if held is None else replace(held, reasons=f"{held.reasons}; {breach.line.reasons}")
        )
    items, count = tuple(lines.values()), len(lines)
    subject = f"Unit workload alert: {count} item{'s' * (count != 1)} newly past a threshold ({subject_scope(scope)})"
    intro = f"On {as_of:%d %b %Y} these items first met an alert rule. You are told once per item and rule."
    text = "\n".join([intro, "", *_item_lines(items), ""]) + "\n"
    return subject, text, _page(subject, [f"<p>{_e(intro)}</p>", _item_html(items)])


def _item_lines(items: tuple[Item, ...]) -> list[str]:
    """Two lines an item: what and why, then its link."""
    lines = []
    for item in items:
        why = "; ".join(part for part in (item.reasons, item.detail) if part)
        lines += [f"{item.title}: {why}", f"  {item.link}"]
    return lines


def _item_html(items: tuple[Item, ...]) -> str:
    if not items:
        return ""
    entries = [
        f"<li><a href='{_e(i.link)}'>{_e(i.title)}</a>: {_e(i.reasons)}"
        + (f"; {_e(i.detail)}" if i.detail else "")
        + "</li>"
        for i in items
    ]
    return "<ul>" + "".join(entries) + "</ul>"


def _e(text: object) -> str:
    return html.escape(one_line(text), quote=True)


def _page(title: str, body: list[str]) -> str:
    return (
        f"<!doctype html><html lang='en'><head><meta charset='utf-8'><title>{_e(title)}</title></head>"
        f"<body><h1>{_e(title)}</h1>{''.join(body)}</body></html>"
    )


def email(notify: Notify, to: str, subject: str, text: str, page: str) -> EmailMessage:
    """A multipart message: the plain text, then the HTML alternative."""
    message = EmailMessage(policy=LONG_HEADERS)
    message["From"], message["To"], message["Subject"] = notify.sender, to, one_line(subject)
    message["Date"], message["Message-ID"] = formatdate(localtime=False), make_msgid(domain="unitload")
    message.set_content(text)
    message.add_alternative(page, subtype="html")
    return message


def credentials(secrets: Path | None = None) -> tuple[str, str] | None:
    """SMTP user and password: UNITLOAD_SMTP_USER and UNITLOAD_SMTP_PASSWORD, else [smtp] user and password
    in Streamlit's secrets file; never the settings file. None: the server takes mail without a login."""
    user, password = os.environ.get("UNITLOAD_SMTP_USER"), os.environ.get("UNITLOAD_SMTP_PASSWORD")
    if user and password:
        return user, password
    path = secrets or Path(".streamlit/secrets.toml")
    try:
        smtp = tomllib.loads(path.read_text(encoding="utf-8")).get("smtp", {})
    except (OSError, tomllib.TOMLDecodeError):
        return None
    return (smtp["user"], smtp["password"]) if smtp.get("user") and smtp.get("password") else None


class Mailer:
    """Sends each message, trying `attempts` times with a doubling wait; or writes .eml files (a dry run).

    A password is only ever sent over TLS (STARTTLS, checked certificate), unless the settings say
    `allow_plain_auth = true`, which is said on stderr. A refused login stops the run at once (LoginRefused).
    """

    def __init__(self, notify: Notify, dry_run: Path | None = None, login: tuple[str, str] | None = None) -> None:
        self.notify, self.dry_run, self.login, self.written = notify, dry_run, login, 0
        if login and not notify.starttls and dry_run is None:
            if not notify.allow_plain_auth:
                raise DeliveryError(
                    "the settings give an SMTP login but starttls = false: a password is never sent unencrypted "
                    "(set allow_plain_auth = true only for a server on this machine)"
                )
            sys.stderr.write("unitload: warning: the SMTP password is sent without TLS (allow_plain_auth = true)\n")

    def deliver(self, message: EmailMessage, name: str) -> None:
        if self.dry_run is not None:
            self.dry_run.mkdir(parents=True, exist_ok=True)
            self.written += 1
            (self.dry_run / f"{self.written:03d}-{name}.eml").write_bytes(bytes(message))
            return
        wait, last = self.notify.backoff_seconds, None
        for attempt in range(self.notify.attempts):
            try:
                self._send(message)
                return
            except smtplib.SMTPAuthenticationError as exc:
                raise LoginRefused(
                    f"the mail server refused the login ({exc.smtp_code}); no more messages tried"
                ) from None
            except smtplib.SMTPNotSupportedError as exc:
                raise LoginRefused(f"the mail server offers no login here ({exc}); no more messages tried") from None
            except (smtplib.SMTPException, OSError) as exc:
                last = exc
                if attempt + 1 < self.notify.attempts:
                    time.sleep(wait * 2**attempt)
        raise DeliveryError(f"not sent after {self.notify.attempts} attempts ({one_line(last)})")

    def _send(self, message: EmailMessage) -> None:
        with smtplib.SMTP(self.notify.smtp_host, self.notify.smtp_port, timeout=30) as server:
            if self.notify.starttls:  # the server's certificate checked against the system's or ca_file's CAs
                server.starttls(context=ssl.create_default_context(cafile=self.notify.ca_file or None))
            if self.login:
                _login(server, *self.login)
            server.send_message(message)


def _login(server: smtplib.SMTP, user: str, password: str) -> None:
    """Log in with one method, the strongest the server offers (smtplib's own login tries each in turn: three
    failed logins a message can lock the account)."""
    server.ehlo_or_helo_if_needed()
    offered = server.esmtp_features.get("auth", "").upper().split()
    method = next((m for m in ("CRAM-MD5", "PLAIN", "LOGIN") if m in offered), None)
    if method is None:
        raise smtplib.SMTPNotSupportedError("no login method this client knows")
    server.user, server.password = user, password
    server.auth(method, getattr(server, "auth_" + method.lower().replace("-", "_")), initial_response_ok=True)
