"""Messages: plain text and simple accessible HTML (headings, lists, a table; no images, scripts or styles
fetched from anywhere), one multipart email each; and their delivery by SMTP with retries, or as .eml files."""

from __future__ import annotations

import html
import os
import smtplib
import ssl
import time
import tomllib
from dataclasses import replace
from email.message import EmailMessage
from email.utils import formatdate, make_msgid
from pathlib import Path

from unitload.access import Scope
from unitload.notify.content import Breach, Digest, Item
from unitload.settings import Notify


class DeliveryError(OSError):
    """A message the mail server did not take after every attempt; it is tried again on the next run."""


def digest_message(digest: Digest, scope: Scope, unit: str) -> tuple[str, str, str]:
    """Subject, text and HTML of a monthly digest."""
    when = f"{digest.month_end:%d %b %Y}"
    count = len(digest.items)
    subject = f"Unit workload, month end {when}: {count} item{'s' * (count != 1)} need a decision ({scope.label})"
    intro = f"The monthly review for {scope.label}, at the month end {when} ({unit})."
    figures = [f"{label}: {value}" + (f", {change}" if change else "") for label, value, change in digest.figures]
    lines = [intro, "", "Headline figures (change on the month end before):", *(f"- {f}" for f in figures), ""]
    lines += [f"Needs a decision ({count}):" if count else "Nothing in your view needs a decision this month."]
    lines += _item_lines(digest.items) + ["", f"The same view in the dashboard: {digest.link}"]
    body = [f"<p>{html.escape(intro)}</p>", "<h2>Headline figures</h2>", "<table>"]
    body += ["<tr><th scope='col'>Figure</th><th scope='col'>Value</th><th scope='col'>Change</th></tr>"]
    body += [f"<tr><td>{_e(label)}</td><td>{_e(v)}</td><td>{_e(c)}</td></tr>" for label, v, c in digest.figures]
    body += ["</table>", f"<h2>Needs a decision ({count})</h2>", _item_html(digest.items)]
    body += [f"<p><a href='{_e(digest.link)}'>The same view in the dashboard</a></p>"]
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
    subject = f"Unit workload alert: {count} item{'s' * (count != 1)} newly past a threshold ({scope.label})"
    intro = f"On {as_of:%d %b %Y} these items first met an alert rule. You are told once per item and rule."
    text = "\n".join([intro, "", *_item_lines(items), ""]) + "\n"
    return subject, text, _page(subject, [f"<p>{_e(intro)}</p>", _item_html(items)])


def _item_lines(items: tuple[Item, ...]) -> list[str]:
    lines = []
    for item in items:
        lines += [f"{item.title}", f"  why: {item.reasons}"]
        lines += [f"  detail: {item.detail}"] if item.detail else []
        lines += [f"  open: {item.link}"]
    return lines


def _item_html(items: tuple[Item, ...]) -> str:
    if not items:
        return "<p>Nothing in your view.</p>"
    entries = [
        f"<li><a href='{_e(i.link)}'>{_e(i.title)}</a><br>Why: {_e(i.reasons)}"
        + (f"<br>{_e(i.detail)}" if i.detail else "")
        + "</li>"
        for i in items
    ]
    return "<ul>" + "".join(entries) + "</ul>"


def _e(text: object) -> str:
    return html.escape(str(text), quote=True)


def _page(title: str, body: list[str]) -> str:
    return (
        f"<!doctype html><html lang='en'><head><meta charset='utf-8'><title>{_e(title)}</title></head>"
        f"<body><h1>{_e(title)}</h1>{''.join(body)}</body></html>"
    )


def email(notify: Notify, to: str, subject: str, text: str, page: str) -> EmailMessage:
    """A multipart message: the plain text, then the HTML alternative."""
    message = EmailMessage()
    message["From"], message["To"], message["Subject"] = notify.sender, to, subject
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
    """Sends each message, trying `attempts` times with a doubling wait; or writes .eml files (a dry run)."""

    def __init__(self, notify: Notify, dry_run: Path | None = None, login: tuple[str, str] | None = None) -> None:
        self.notify, self.dry_run, self.login, self.written = notify, dry_run, login, 0

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
            except (smtplib.SMTPException, OSError) as exc:
                last = exc
                if attempt + 1 < self.notify.attempts:
                    time.sleep(wait * 2**attempt)
        raise DeliveryError(f"{message['To']}: not sent after {self.notify.attempts} attempts ({last})")

    def _send(self, message: EmailMessage) -> None:
        with smtplib.SMTP(self.notify.smtp_host, self.notify.smtp_port, timeout=30) as server:
            if self.notify.starttls:  # the server's certificate checked against the system's or ca_file's CAs
                server.starttls(context=ssl.create_default_context(cafile=self.notify.ca_file or None))
            if self.login:
                server.login(*self.login)
            server.send_message(message)
