"""`unitload notify` against a real SMTP server on loopback (aiosmtpd, started here): digests of the dashboard's own
view, short enough to be read to the end; no row of another team; alerts only for what newly passes a rule, once
per item and rule, even with two runs at once; a failed send tried again; no password without TLS; and no data
that can forge a line. The sample's planted pattern: the two inherited cases held by the part-time officer P1019,
and the long-term absent P1020 with no welfare contact."""

import datetime as dt
import email
import re
import subprocess
import sys
import threading
from email import policy
from pathlib import Path

import polars as pl
import pytest
from aiosmtpd.controller import Controller
from aiosmtpd.smtp import AuthResult, LoginPassword

from perf.server import free_port
from unitload import notify
from unitload.access import audit
from unitload.extract.db import open_source
from unitload.notify.state import Busy, State
from unitload.settings import Settings
from unitload.store import open_store

ROOT = Path(__file__).resolve().parent.parent
SAMPLE = ROOT / "sample_data" / "unit"
AS_OF = dt.date(2026, 10, 31)
BEFORE = dt.date(2023, 9, 30)  # a day before the planted pattern: a first run then knows none of it past
SGT_A, SGT_B, INSPECTOR, SUPT, ANALYST = (
    "sgt.a@police.example",
    "sgt.b@police.example",
    "di@police.example",
    "dsupt@police.example",
    "analyst@police.example",
)
RECIPIENTS = {
    SGT_A: {"role": "sergeant", "teams": ["POLIT-A"], "officer_id": "P1006"},
    SGT_B: {"role": "sergeant", "teams": ["POLIT-B"], "officer_id": "P1018"},
    INSPECTOR: {"role": "inspector", "teams": ["POLIT-A", "POLIT-B", "POLIT-C"]},
    SUPT: {"role": "superintendent"},
    ANALYST: {"role": "analyst"},
}


class Inbox:
    """An aiosmtpd handler keeping every message; addresses in `refuse` are turned away for now (451)."""

    def __init__(self) -> None:
        self.messages: list = []
        self.refuse: set[str] = set()
        self.logins: list[str] = []

    async def handle_RCPT(self, server, session, envelope, address, options):  # noqa: N802 - aiosmtpd's name
        if address in self.refuse:
            return "451 4.3.0 mailbox busy, try again later"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):  # noqa: N802 - aiosmtpd's name
        self.messages.append(email.message_from_bytes(envelope.content, policy=policy.default))
        return "250 Message accepted for delivery"

    def to(self, address: str, kind: str = "") -> list:
        return [m for m in self.messages if m["To"] == address and kind in m["Subject"]]

    def check_login(self, server, session, envelope, mechanism, auth_data):
        self.logins.append(mechanism)
        ok = isinstance(auth_data, LoginPassword) and auth_data.password == b"right"
        return AuthResult(success=ok, handled=False)  # not handled: the server says 535 itself


@pytest.fixture
def smtp():
    inbox = Inbox()
    controller = Controller(inbox, hostname="127.0.0.1", port=free_port())
    controller.start()
    yield inbox, controller.port
    controller.stop()


def configured(tmp_path: Path, port: int = 9, **notify) -> Settings:
    base = {
        "smtp_host": "127.0.0.1",
        "smtp_port": port,
        "starttls": False,
        "attempts": 2,
        "backoff_seconds": 0,
        "dashboard_url": "https://unitload.police.example",
        "recipients": RECIPIENTS,
    }
    return Settings.model_validate(
        {
            "audit": {"path": str(tmp_path / "audit" / "trail.jsonl")},
            "notify": base | notify,
            "decisions": {"url": f"sqlite:///{tmp_path / 'records.sqlite'}"},
        }
    )


def text(message) -> str:
    return message.get_body(("plain",)).get_content().replace("\r\n", "\n")


def whole(message) -> str:
    return text(message) + message.get_body(("html",)).get_content()


def run(settings: Settings, day: dt.date = AS_OF, data: Path = SAMPLE, **kwargs) -> notify.Report:
    return notify.run(open_source(data, settings), settings, day, open_store(settings.decisions.url), **kwargs)


def dry_digest(tmp_path: Path, address: str, **notify):
    """The one message a dry run writes for `address` alone (a first run: its digest)."""
    settings = configured(tmp_path, recipients={address: RECIPIENTS[address]}, **notify)
    out = tmp_path / "out"
    run(settings, dry_run=out)
    (eml,) = out.iterdir()
    return email.message_from_bytes(eml.read_bytes(), policy=policy.default)


def known_since(settings: Settings, inbox) -> None:
    """A first run on a day before the pattern: every recipient becomes known, nothing is past yet."""
    assert run(settings, BEFORE).failed == []
    inbox.messages.clear()


def test_a_first_run_alerts_nothing_and_a_dry_run_sends_nothing(tmp_path, smtp):
    inbox, port = smtp
    settings = configured(tmp_path, port)
    out = tmp_path / "out"
    report = run(settings, dry_run=out)  # no state yet: a first run's digests, and no alert
    assert report.failed == [] and not inbox.messages
    assert sorted(f.split("-", 1)[1] for f in (p.name for p in out.iterdir())) == sorted(
        f"digest-{a.replace('@', '-at-')}.eml" for a in RECIPIENTS
    )
    assert State(open_store(settings.decisions.url)).is_new(notify.subject_of(SGT_B))  # a dry run records nothing
    assert run(settings).failed == []  # the first real run: digests only; what is past is known, not news
    assert inbox.to(SGT_B, "month end") and not inbox.to(SGT_B, "alert")
    inbox.messages.clear()
    assert run(settings).failed == [] and inbox.messages == []  # nothing newly past, the digest sent already


def test_an_item_newly_past_a_rule_alerts_once_and_again_after_it_cleared(tmp_path, smtp):
    inbox, port = smtp
    settings = configured(tmp_path, port, recipients={SGT_B: RECIPIENTS[SGT_B]})
    known_since(settings, inbox)
    for _ in range(3):  # three daily runs on the same extract
        assert run(settings).failed == []
    assert len(inbox.to(SGT_B, "month end 31 Oct 2026")) == 1  # the digest once
    alerts = inbox.to(SGT_B, "alert")
    assert len(alerts) == 1
    body = text(alerts[0])
    for planted in ("Case C000836, held by", "Case C000873, held by", "Officer Kate Kaur (P1020)"):
        assert planted in body
    assert "inherited (on 28 Feb 2024) and unprogressed for over 90 days" in body
    assert "long-term absent and no welfare contact within 28 days" in body
    run(settings, dt.date(2024, 3, 15))  # a day on which C000836, inherited on 28 Feb 2024, was not yet late
    assert "C000836" not in " ".join(text(m) for m in inbox.to(SGT_B, "alert")[1:])
    run(settings)  # late again: told again
    again = inbox.to(SGT_B, "alert")[-1]
    assert "Case C000836" in text(again)
    assert "Officer Kate Kaur (P1020)" not in text(again)  # breaching on both days: told once only


def test_each_role_gets_its_own_scope_and_no_row_of_another_team(tmp_path, smtp):
    inbox, port = smtp
    settings = configured(tmp_path, port)
    known_since(settings, inbox)
    assert run(settings).failed == []
    officers = pl.read_parquet(SAMPLE / "officers.parquet")
    held = pl.read_parquet(SAMPLE / "assignments.parquet").join(officers, on="officer_id")
    team_b = set(officers.filter(pl.col("team") == "POLIT-B")["officer_id"])
    cases_a = set(held.filter(pl.col("team") == "POLIT-A")["case_id"])
    cases_b = set(held.filter(pl.col("team") == "POLIT-B")["case_id"]) - cases_a
    sergeant_a = " ".join(whole(m) for m in inbox.to(SGT_A))
    assert inbox.to(SGT_A, "month end 31 Oct 2026") and "(sergeant, POLIT-A)" in inbox.to(SGT_A)[0]["Subject"]
    assert not [o for o in team_b if o in sergeant_a], "a POLIT-B officer in POLIT-A's messages"
    assert not [c for c in cases_b if c in sergeant_a], "a POLIT-B case in POLIT-A's messages"
    assert "teams=POLIT-A" in sergeant_a and "teams=POLIT-B" not in sergeant_a  # the link keeps the scope
    everything = " ".join(whole(m) for m in inbox.messages)
    refs = pl.read_parquet(SAMPLE / "cases.parquet")["case_ref"].to_list()
    assert not [r for r in refs if r in everything]  # never a case reference
    analyst = " ".join(whole(m) for m in inbox.to(ANALYST))
    names = [n for n in officers["display_name"].to_list() if n]
    assert "P1019" in analyst and not [n for n in names if n in analyst]  # ids only for a role without names
    assert "Megan Bennett (P1019)" in " ".join(whole(m) for m in inbox.to(SUPT))
    records = [r for f in audit.files(tmp_path / "audit" / "trail.jsonl") for r in audit.read(f)]
    sent = [r for r in records if r["event"] == "message" and r["filters"]["as_of"] != BEFORE.isoformat()]
    assert len(sent) == len(inbox.messages)
    assert all(r["subject"].startswith("mail:") and "@" not in str(r) for r in sent)  # never the address
    digest_b = next(r for r in sent if r["role"] == "sergeant" and r["page"] == "digest" and "C000836" in r["what"])
    assert digest_b["filters"] == {"teams": ["POLIT-B"], "as_of": "2026-10-31"}


@pytest.mark.parametrize("address", list(RECIPIENTS))
def test_a_digest_says_what_its_link_shows_in_the_dashboard(tmp_path, address, monkeypatch):
    """The Overview opened from the digest's link, as the recipient's role: the same headline figures and the
    same number of items needing a decision (the dashboard's team filter: the recipient's teams)."""
    from conftest import APP_WAIT
    from streamlit.testing.v1 import AppTest

    from unitload.access.scope import role_scope
    from unitload.app import signin

    message = dry_digest(tmp_path, address)
    body = text(message)
    link = body.split("The full list in the dashboard: ")[1].split()[0]
    query = dict(p.split("=", 1) for p in link.split("?")[1].split("#")[0].split("&"))
    recipient = RECIPIENTS[address]
    scope = role_scope(recipient["role"], "local", tuple(recipient.get("teams", ())) or None)
    monkeypatch.setattr(signin, "local_scope", lambda access: scope)
    at = AppTest.from_file(str(ROOT / "dashboard.py"), default_timeout=APP_WAIT)
    for key, value in query.items():
        if key != "teams":
            at.query_params[key] = value.replace("+", " ")
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    figures = {m.label: m.value for m in at.metric}
    listed = body.split("Headline figures (change on the month end before):\n")[1].split("\n\n")[0]
    said = dict(line.removeprefix("- ").split(": ", 1) for line in listed.splitlines())
    for label, value in figures.items():
        shown = next(v for k, v in said.items() if k == label or (label.startswith("Over ") and "over 90" in k))
        assert shown.split(";")[0].removesuffix(" cases") == value, label
    total = int(message["Subject"].split(": ")[1].split(" item")[0])
    table = next(m.value for m in at.markdown if m.value.startswith("| rank |"))  # the attention list's rows
    assert len(table.splitlines()) - 2 == total


def test_a_sergeants_digest_fits_one_screen_and_leads_with_what_needs_a_decision(tmp_path):
    message = dry_digest(tmp_path, SGT_B)
    body = text(message)
    assert len(body.splitlines()) <= 60
    assert "First, the 10 of 19 that most need your decision:" in body
    items = [line for line in body.splitlines() if re.match(r"\d+\. ", line)]
    assert len(items) == 10
    assert items[0].startswith("1. Case C000836, held by Megan Bennett (P1019):")
    assert items[2].startswith("3. Officer Megan Bennett (P1019):")  # the first group leads, whole
    rest = body.split("And the rest:\n")[1].split("\n\n")[0].splitlines()
    assert rest == ["- 9 more unprogressed cases"]
    assert body.rstrip().splitlines()[-1].endswith("teams=POLIT-B#needs-a-decision-this-month")
    assert "first:" not in body and "month after month; overloaded" not in body  # reasons said once, in words
    assert "Unprogressed cases over 90 / 180 / 365 days: 4 / 2 / 2 cases; was 3 / 2 / 2" in body
    page = message.get_body(("html",)).get_content()
    assert page.count("<li><a href=") == 10 and "9 more unprogressed cases" in page  # the HTML says the same
    assert "  " not in message["Subject"] and message["Subject"].isascii()


def test_the_first_group_is_never_cut_from_a_digest(tmp_path):
    settings = configured(tmp_path, recipients={SGT_B: RECIPIENTS[SGT_B]}, digest_items=1)
    out = tmp_path / "out"
    run(settings, dry_run=out)
    body = text(email.message_from_bytes(next(out.iterdir()).read_bytes(), policy=policy.default))
    assert "First, the 3 of 19 that most need your decision:" in body  # the three of the first group
    assert "- 14 more unprogressed cases" in body and "- 1 more long-term absent officers" in body


def test_a_forensic_item_alerts_whoever_its_cases_alert_goes_to(build, tmp_path, smtp):
    """A case once held by team B, now held by an officer of team A who reports to team B's sergeant: in the
    sergeant's scope the forensic queue does not name that holder, and the item alerted nobody."""
    from conftest import D, assign, case, contract, exhibit, officer

    inbox, port = smtp
    source = build(
        officers=[
            officer("S", team="B", role="supervisor"),
            officer("X", team="B", supervisor_id="S"),
            officer("H", team="A", supervisor_id="S"),
        ],
        contracts=[contract("S"), contract("X"), contract("H")],
        cases=[case("C1", opened_on=D(2025, 1, 6), risk="very_high")],
        assignments=[
            assign("C1", "X", D(2025, 1, 6), D(2025, 6, 1)),
            assign("C1", "H", D(2025, 6, 1), reason="reallocation"),
        ],
        exhibits=[exhibit("E1", "C1", submitted_on=D(2026, 1, 5), priority="urgent")],
    )
    who = {"sgt@police.example": {"role": "sergeant", "teams": ["B"], "officer_id": "S"}}
    settings = configured(tmp_path, port, recipients=who)
    store = open_store(settings.decisions.url)
    notify.run(source, settings, dt.date(2025, 1, 31), store)  # known: nothing past yet
    notify.run(source, settings, AS_OF, store)
    (alert,) = [m for m in inbox.messages if "alert" in m["Subject"]]
    body = text(alert)
    assert "Case C1, held by H" in body and "Forensic item E1 (phone) of case C1" in body
    assert "cases?" in body and body.count("#case-timeline") == 2  # each opens at the case's timeline


def test_an_alert_says_when_the_holder_has_left(build, tmp_path, smtp):
    from conftest import D, assign, case, contract, officer

    inbox, port = smtp
    source = build(
        officers=[officer("S", role="supervisor"), officer("L", supervisor_id="S", left_on=D(2026, 3, 2))],
        contracts=[contract("S"), contract("L")],
        cases=[case("C1", opened_on=D(2025, 1, 6))],
        assignments=[assign("C1", "L", D(2025, 1, 6))],
    )
    settings = configured(tmp_path, port, recipients={"sgt@police.example": {"role": "superintendent"}})
    store = open_store(settings.decisions.url)
    notify.run(source, settings, dt.date(2025, 1, 31), store)
    notify.run(source, settings, AS_OF, store)
    (alert,) = [m for m in inbox.messages if "alert" in m["Subject"]]
    assert "Case C1, held by Name L (L), who left on 02 Mar 2026: unprogressed for over 180 days" in text(alert)


HOSTILE = ["Evil\r\nBcc: x@evil.example", "X\n  open: https://evil.example", "Y\u2028Z\x85W"]


def test_nothing_in_the_data_makes_a_line_of_its_own_in_a_message(build, tmp_path):
    from conftest import D, absence, assign, case, contract, officer

    people = [officer("S", role="supervisor"), *(officer(f"O{i}", supervisor_id="S") for i in range(3))]
    people = [p | {"display_name": HOSTILE[i - 1]} if i else p for i, p in enumerate(people)]
    source = build(
        officers=people,
        contracts=[contract(p["officer_id"]) for p in people],
        absences=[absence("O0", D(2026, 1, 5), None, "long_term_sickness")],
        cases=[case(f"C{i}", opened_on=D(2025, 1, 6)) for i in range(3)],
        assignments=[assign(f"C{i}", f"O{i}", D(2025, 1, 6), reason="reallocation") for i in range(3)],
    )
    settings = configured(tmp_path, recipients={"dsupt@police.example": {"role": "superintendent"}})
    store = open_store(settings.decisions.url)
    notify.run(source, settings, dt.date(2025, 1, 31), store, dry_run=tmp_path / "first")
    State(store).first_run(notify.subject_of("dsupt@police.example"), dt.datetime.now(dt.UTC))
    out = tmp_path / "out"
    notify.run(source, settings, AS_OF, store, dry_run=out)
    messages = [email.message_from_bytes(p.read_bytes(), policy=policy.default) for p in out.iterdir()]
    assert len(messages) == 2  # the digest and the alert
    for message in messages:
        assert message["Bcc"] is None and message["Subject"].isascii()
        for part in (text(message), message.get_body(("html",)).get_content()):
            lines = part.splitlines()
            assert not [line for line in lines if line.startswith(("Bcc:", "  open:", "Z", "W"))], lines
            assert "Evil Bcc: x@evil.example" in part  # said, on its own item's line


def test_validation_refuses_control_characters_in_every_text_column_and_the_manifest(tmp_path):
    import json

    from conftest import assign, case, contract, officer

    from unitload.extract.tables import write_extract
    from unitload.extract.validate import validate

    root = write_extract(
        tmp_path / "x",
        {
            "officers": [officer("O1") | {"display_name": HOSTILE[0]}, officer("O2", team="T\nB")],
            "contracts": [contract("O1"), contract("O2")],
            "cases": [case("C1") | {"offence_type": "x\u2028y"}],
            "assignments": [assign("C1", "O1")],
        },
    )
    manifest = json.loads((root / "manifest.json").read_text())
    manifest["source"] = "RMS\r\nBcc: x@evil.example"
    (root / "manifest.json").write_text(json.dumps(manifest))
    found = {(f.table, f.column, f.rule): f for f in validate(open_source(root))}
    assert found[("officers", "display_name", "plain_text")].examples == ("officer_id=O1",)
    assert found[("officers", "team", "plain_id")].examples == ("officer_id=O2",)
    assert ("cases", "offence_type", "plain_text") in found
    assert "source holds a control character" in found[("manifest", "", "manifest")].message


def test_two_runs_at_once_send_each_message_once(tmp_path, smtp):
    inbox, port = smtp
    settings = configured(tmp_path, port)
    store = open_store(settings.decisions.url)
    held = threading.Event()
    release = threading.Event()

    class SlowMailer(notify.Mailer):  # the first run is still sending when the second starts
        def deliver(self, message, name):
            held.set()
            release.wait(30)
            super().deliver(message, name)

    first = threading.Thread(target=lambda: run(settings, mailer=SlowMailer(settings.notify)))
    first.start()
    held.wait(30)
    second = run(settings)  # a timer and a manual run together
    release.set()
    first.join(60)
    assert second.busy.startswith("another notify run is sending") and second.sent == []
    subjects = [(m["To"], m["Subject"]) for m in inbox.messages]
    assert len(subjects) == len(set(subjects)) == len(RECIPIENTS)  # every digest once
    state = State(store)
    due = dt.date(2026, 10, 31)
    assert not state.claim_digest(notify.subject_of(SGT_A), due, dt.datetime.now(dt.UTC))  # sent: never again


def test_a_claim_keeps_a_second_sender_off_until_it_is_done_or_stale(tmp_path):
    store = open_store(f"sqlite:///{tmp_path / 'records.sqlite'}")
    one, two = State(store), State(store)
    now, due = dt.datetime(2026, 11, 1, 6, tzinfo=dt.UTC), dt.date(2026, 10, 31)
    assert one.claim_digest("mail:a", due, now)
    assert not two.claim_digest("mail:a", due, now + dt.timedelta(minutes=5))  # being sent
    one.digest_done("mail:a", due, now, sent=False)  # refused by the mail server: given back
    assert two.claim_digest("mail:a", due, now + dt.timedelta(minutes=6))
    assert one.claim_digest("mail:a", due, now + dt.timedelta(hours=2))  # a stale claim (a killed run): taken over
    one.digest_done("mail:a", due, now, sent=True)
    assert not two.claim_digest("mail:a", due, now + dt.timedelta(days=40))  # sent: never again
    with one.locked(now), pytest.raises(Busy), two.locked(now):
        pass
    with two.locked(now + dt.timedelta(hours=2)):  # a killed run's lock ends
        pass


def test_a_send_that_fails_midway_is_not_marked_and_the_next_run_sends_it(tmp_path, smtp):
    inbox, port = smtp
    settings = configured(tmp_path, port)
    known_since(settings, inbox)
    inbox.refuse.add(SGT_B)
    report = run(settings)
    assert sorted(line.split(": not sent after")[0] for line in report.failed) == [
        f"{SGT_B}: the alert was not sent",
        f"{SGT_B}: the digest was not sent",
    ]
    assert inbox.to(SGT_A) and inbox.to(SUPT) and not inbox.to(SGT_B)  # the others went
    before = len(inbox.messages)
    inbox.refuse.clear()
    assert run(settings).failed == []
    missed = inbox.messages[before:]
    assert sorted(m["Subject"].split(":")[0] for m in missed) == [
        "Unit workload alert",
        "Unit workload, month end 31 Oct 2026",
    ]
    assert {m["To"] for m in missed} == {SGT_B}


def auth_server(inbox: Inbox, **options) -> Controller:
    controller = Controller(
        inbox,
        hostname="127.0.0.1",
        port=free_port(),
        authenticator=inbox.check_login,
        auth_require_tls=False,
        **options,
    )
    controller.start()
    return controller


def test_a_password_never_goes_without_tls_unless_the_settings_allow_it(tmp_path, monkeypatch, capfd):
    inbox = Inbox()
    controller = auth_server(inbox)
    try:
        monkeypatch.setenv("UNITLOAD_SMTP_USER", "unitload")
        monkeypatch.setenv("UNITLOAD_SMTP_PASSWORD", "right")
        plain = configured(tmp_path / "plain", controller.port)
        report = run(plain)
        assert report.stopped.startswith("the settings give an SMTP login but starttls = false")
        assert inbox.logins == [] and inbox.messages == []  # nothing sent, no password
        allowed = configured(tmp_path / "allowed", controller.port, allow_plain_auth=True)
        assert run(allowed).failed == []
        assert "the SMTP password is sent without TLS" in capfd.readouterr().err
        assert inbox.logins and len(inbox.messages) == len(RECIPIENTS)
    finally:
        controller.stop()


def test_a_refused_login_stops_the_run_after_one_try(tmp_path, monkeypatch):
    inbox = Inbox()
    controller = auth_server(inbox)
    try:
        monkeypatch.setenv("UNITLOAD_SMTP_USER", "unitload")
        monkeypatch.setenv("UNITLOAD_SMTP_PASSWORD", "wrong")
        settings = configured(tmp_path, controller.port, allow_plain_auth=True)
        report = run(settings)
        assert len(inbox.logins) == 1  # one failed login, not one per message and method
        assert report.stopped.startswith("the mail server refused the login (535)")
        assert report.failed == [f"{SGT_A}: the digest was not sent: the mail server refused the login"]
        monkeypatch.setenv("UNITLOAD_SMTP_PASSWORD", "right")
        assert run(settings).failed == []  # the claim was given back: the next run sends it
        assert len(inbox.to(SGT_A, "month end")) == 1
    finally:
        controller.stop()


def test_the_command_writes_a_dry_run_and_says_what_it_wrote(tmp_path):
    settings = tmp_path / "settings.toml"
    records = f'[decisions]\nurl = "sqlite:///{tmp_path}/records.sqlite"\n'
    settings.write_text(
        f'[audit]\npath = "{tmp_path}/audit/trail.jsonl"\n{records}'
        '[notify.recipients]\n"sgt.b@police.example" = { role = "sergeant", teams = ["POLIT-B"] }\n'
    )
    command = [sys.executable, "-m", "unitload", "notify", "--data", str(SAMPLE), "--settings", str(settings)]
    done = subprocess.run([*command, "--dry-run", str(tmp_path / "out")], capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    assert done.stdout.splitlines()[0] == (
        "written: sgt.b@police.example: Unit workload, month end 31 Oct 2026: 19 items need a decision "
        "(sergeant, POLIT-B)"
    )
    later = subprocess.run([*command, "--as-of", "2026-11-30"], capture_output=True, text=True)
    assert later.returncode == 2
    assert later.stderr == "unitload: error: --as-of 2026-11-30 is after the extract's as-of day 2026-10-31\n"
    settings.write_text(f'[audit]\npath = "{tmp_path}/audit/trail.jsonl"\n{records}')
    refused = subprocess.run(command, capture_output=True, text=True)
    assert refused.returncode == 2
    assert refused.stderr.strip().splitlines() == [
        "unitload: error: the settings name no recipients: add a [notify.recipients] table (docs/notify.md)"
    ]


@pytest.mark.parametrize(
    ("recipient", "message"),
    [
        ('{ role = "sergeant", teams = ["POLIT-A", "POLIT-B"] }', "a sergeant leads one team: give exactly one"),
        ('{ role = "inspector" }', "an inspector needs the teams they lead"),
        ('{ role = "superintendent", teams = ["POLIT-A"] }', "a superintendent sees every team: give no teams"),
        ('{ role = "chief" }', "unknown role 'chief'"),
    ],
)
def test_a_recipient_whose_role_and_teams_do_not_fit_is_refused_in_one_line(tmp_path, recipient, message):
    from unitload.settings import SettingsError, load_settings

    path = tmp_path / "settings.toml"
    path.write_text(f'[notify.recipients]\n"x@police.example" = {recipient}\n')
    with pytest.raises(SettingsError, match=r"setting notify\.recipients\.x@police\.example.*" + message):
        load_settings(path)


def test_starttls_is_used_and_the_servers_certificate_checked(tmp_path):
    """A server that takes mail only after STARTTLS, with a certificate of its own CA: sent when the settings
    name that CA, refused (and not marked sent) when they do not."""
    import ssl

    key, cert = tmp_path / "key.pem", tmp_path / "cert.pem"
    subprocess.run(
        ["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "2", "-subj", "/CN=127.0.0.1",
         "-addext", "subjectAltName=IP:127.0.0.1", "-keyout", str(key), "-out", str(cert)],
        check=True, capture_output=True,
    )  # fmt: skip
    context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    context.load_cert_chain(cert, key)
    inbox = Inbox()
    controller = Controller(inbox, hostname="127.0.0.1", port=free_port(), tls_context=context, require_starttls=True)
    controller.start()
    try:
        one = {SGT_B: RECIPIENTS[SGT_B]}
        plain = configured(tmp_path / "plain", controller.port, recipients=one)
        assert run(plain).failed  # no STARTTLS: the server refuses
        unknown = configured(tmp_path / "unknown", controller.port, recipients=one, starttls=True)
        failed = run(unknown).failed  # STARTTLS, but a certificate of no CA the system knows
        assert failed and "CERTIFICATE_VERIFY_FAILED" in failed[0]
        assert not inbox.messages
        trusted = configured(tmp_path / "trusted", controller.port, recipients=one, starttls=True, ca_file=str(cert))
        assert run(trusted).failed == []
        assert {m["To"] for m in inbox.messages} == {SGT_B} and len(inbox.messages) == 1  # a first run: the digest
    finally:
        controller.stop()


def decided(settings: Settings, *decisions) -> None:
    from unitload.decisions.ledger import record

    for decision in decisions:
        record(open_store(settings.decisions.url), decision)


def test_a_digest_opens_with_the_recipients_own_open_and_overdue_decisions(tmp_path):
    from unitload.decisions.checks import Decision

    settings = configured(tmp_path, recipients={SGT_B: RECIPIENTS[SGT_B]})
    decided(
        settings,
        Decision("case", "C000836", "reallocate", "P1018", dt.date(2026, 10, 1), dt.date(2026, 10, 14), "DI", "P1021"),
        Decision("officer", "P1020", "welfare_contact", "P1018", dt.date(2026, 10, 20), dt.date(2026, 11, 6), "DI"),
        Decision("case", "C000873", "progress", "P1019", dt.date(2026, 10, 20), dt.date(2026, 11, 6), "DS B"),
    )
    out = tmp_path / "out"
    run(settings, dry_run=out)
    body = text(email.message_from_bytes(next(out.iterdir()).read_bytes(), policy=policy.default))
    lines = body.splitlines()
    start = lines.index("Your decisions to carry out (1 overdue, 1 open):")
    assert start < lines.index("Headline figures (change on the month end before):")
    assert lines[start + 1] == (
        "Case C000836: reallocate to another officer to P1021, due 14 Oct 2026; OVERDUE by 17 days (decision 1)"
    )
    assert lines[start + 3].startswith("Officer P1020: make a welfare contact, due 06 Nov 2026; open (decision 2)")
    assert "decision 3" not in body  # P1019's, not theirs


def test_an_overdue_decision_is_escalated_once_to_the_owners_line_manager_and_the_inspector_above(tmp_path, smtp):
    from unitload.decisions.checks import Decision

    inbox, port = smtp
    who = {
        SGT_B: RECIPIENTS[SGT_B],  # P1018, P1019's line manager
        INSPECTOR: RECIPIENTS[INSPECTOR] | {"officer_id": "P1001"},  # the inspector above
        SGT_A: RECIPIENTS[SGT_A],  # P1006: not above P1019
    }
    settings = configured(tmp_path, port, recipients=who)
    known_since(settings, inbox)
    decided(
        settings, Decision("case", "C000836", "progress", "P1019", dt.date(2026, 10, 1), dt.date(2026, 10, 20), "x")
    )
    run(settings, dt.date(2026, 10, 20))  # due that day: not yet overdue
    assert not [m for m in inbox.messages if "decision overdue" in whole(m)]
    for _ in range(2):
        run(settings)
    told = [m["To"] for m in inbox.messages if "decision overdue: progress the case, due 20 Oct 2026" in text(m)]
    assert sorted(told) == sorted([SGT_B, INSPECTOR])  # once each; nobody else


def test_an_accepted_item_alerts_nobody_until_its_review_day(tmp_path, smtp):
    from unitload.decisions.checks import Decision

    inbox, port = smtp
    settings = configured(tmp_path, port, recipients={SGT_B: RECIPIENTS[SGT_B]})
    known_since(settings, inbox)
    decided(settings, Decision("case", "C000836", "accept", "P1018", dt.date(2023, 9, 30), dt.date(2026, 11, 15), "x"))
    run(settings)
    assert "C000836" not in " ".join(text(m) for m in inbox.to(SGT_B, "alert"))
    assert "Case C000873" in " ".join(text(m) for m in inbox.to(SGT_B, "alert"))  # not held: no decision on it
    decided(settings, Decision("case", "C000836", "accept", "P1018", dt.date(2023, 10, 2), dt.date(2026, 10, 30), "x"))
    run(settings)  # a later accept whose review day has passed (review_due): the hold ends
    assert "Case C000836" in text(inbox.to(SGT_B, "alert")[-1])
