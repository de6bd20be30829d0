"""`unitload notify` against a real SMTP server on loopback (aiosmtpd, started here): digests per role, no
row of another team, alerts once per item and rule, a failed send tried again, and a dry run sending
nothing. The sample's planted pattern: the two inherited cases held by the part-time officer P1019, and
the long-term absent P1020 with no welfare contact."""

import datetime as dt
import email
import subprocess
import sys
from email import policy
from pathlib import Path

import polars as pl
import pytest
from aiosmtpd.controller import Controller

from perf.server import free_port
from unitload import audit, notify
from unitload.db import open_source
from unitload.notify.state import State
from unitload.settings import Settings

ROOT = Path(__file__).resolve().parent.parent
SAMPLE = ROOT / "sample_data" / "unit"
AS_OF = dt.date(2026, 10, 31)
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
        {"audit": {"path": str(tmp_path / "audit" / "trail.jsonl")}, "notify": base | notify}
    )


def text(message) -> str:
    return message.get_body(("plain",)).get_content()


def whole(message) -> str:
    return text(message) + message.get_body(("html",)).get_content()


def run(settings: Settings, day: dt.date = AS_OF, **kwargs) -> notify.Report:
    return notify.run(open_source(SAMPLE, settings), settings, day, **kwargs)


def test_a_dry_run_writes_every_digest_and_the_planted_alerts_and_sends_nothing(tmp_path):
    settings = configured(tmp_path)  # port 9: nothing listens, so any send would fail
    out = tmp_path / "out"
    report = run(settings, dry_run=out)
    assert report.failed == []
    files = sorted(p.name for p in out.iterdir())
    assert [f.split("-", 1)[1] for f in files if "-digest-" in f] == [
        "digest-sgt.a-at-police.example.eml",
        "digest-sgt.b-at-police.example.eml",
        "digest-di-at-police.example.eml",
        "digest-dsupt-at-police.example.eml",
        "digest-analyst-at-police.example.eml",
    ]
    alert = next(f for f in files if "-alert-sgt.b" in f)
    sergeant_b = email.message_from_bytes((out / alert).read_bytes(), policy=policy.default)
    body = text(sergeant_b)
    for planted in ("Case C000836, held by", "Case C000873, held by", "Officer Kate Kaur (P1020)"):
        assert planted in body
    assert "inherited (on 28 Feb 2024) and unprogressed for over 90 days" in body
    assert "long-term absent and no welfare contact within 28 days" in body
    assert not any("alert-analyst" in f for f in files)  # alerts go to line managers only
    state = State(notify.state_path(settings))  # a dry run records nothing as sent
    assert state.db.execute("select count(*) from digests").fetchone() == (0,)
    assert state.db.execute("select count(*) from alerts").fetchone() == (0,)


def test_each_role_gets_its_own_scope_and_no_row_of_another_team(tmp_path, smtp):
    inbox, port = smtp
    assert run(configured(tmp_path, port)).failed == []
    officers = pl.read_parquet(SAMPLE / "officers.parquet")
    held = pl.read_parquet(SAMPLE / "assignments.parquet").join(officers, on="officer_id")
    team_b = set(officers.filter(pl.col("team") == "POLIT-B")["officer_id"])
    cases_a = set(held.filter(pl.col("team") == "POLIT-A")["case_id"])
    cases_b = set(held.filter(pl.col("team") == "POLIT-B")["case_id"]) - cases_a
    sergeant_a = " ".join(whole(m) for m in inbox.to(SGT_A))
    assert inbox.to(SGT_A, "month end 31 Oct 2026") and "(sergeant · POLIT-A)" in inbox.to(SGT_A)[0]["Subject"]
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
    sent = [r for r in records if r["event"] == "message"]
    assert len(sent) == len(inbox.messages)
    assert all(r["subject"].startswith("mail:") and "@" not in str(r) for r in sent)  # never the address
    digest_b = next(r for r in sent if r["role"] == "sergeant" and r["page"] == "digest" and "C000836" in r["what"])
    assert digest_b["filters"] == {"teams": ["POLIT-B"], "as_of": "2026-10-31"}


def test_an_alert_goes_once_across_daily_runs_and_again_after_it_cleared(tmp_path, smtp):
    inbox, port = smtp
    settings = configured(tmp_path, port, recipients={SGT_B: RECIPIENTS[SGT_B]})
    for _ in range(3):  # three daily runs on the same extract
        assert run(settings).failed == []
    assert len(inbox.to(SGT_B, "month end 31 Oct 2026")) == 1  # the digest once
    alerts = inbox.to(SGT_B, "alert")
    assert len(alerts) == 1 and "C000836" in text(alerts[0])
    run(settings, dt.date(2024, 3, 15))  # a day on which C000836, inherited on 28 Feb 2024, was not yet late
    assert "C000836" not in " ".join(text(m) for m in inbox.to(SGT_B, "alert")[1:])
    run(settings)  # late again: told again
    again = inbox.to(SGT_B, "alert")[-1]
    assert "Case C000836" in text(again)
    assert "Officer Kate Kaur (P1020)" not in text(again)  # breaching on both days: told once only


def test_a_send_that_fails_midway_is_not_marked_and_the_next_run_sends_it(tmp_path, smtp):
    inbox, port = smtp
    settings = configured(tmp_path, port)
    inbox.refuse.add(SGT_B)
    report = run(settings)
    assert report.failed and all(line.startswith(f"{SGT_B}: not sent after 2 attempts") for line in report.failed)
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


def test_the_state_forgets_a_cleared_breach_and_keeps_an_unsent_one(tmp_path):
    state = State(tmp_path / "state.sqlite")
    now = dt.datetime(2026, 11, 1, 6, tzinfo=dt.UTC)
    assert state.breaches("a@x", "rule", ["C1", "C2"], now) == ["C1", "C2"]
    state.mark_alerts("a@x", "rule", ["C1"], now)
    assert state.breaches("a@x", "rule", ["C1", "C2"], now) == ["C2"]  # C2 was never sent: still due
    assert state.pending("a@x", "rule", ["C1", "C2", "C3"]) == ["C2", "C3"]
    assert state.breaches("a@x", "rule", ["C2"], now) == ["C2"]  # C1 cleared
    assert state.breaches("a@x", "rule", ["C1", "C2"], now) == ["C1", "C2"]  # C1 breached again
    assert notify.digest_month_end(dt.date(2026, 11, 27)) == dt.date(2026, 10, 31)
    assert notify.digest_month_end(dt.date(2026, 10, 31)) == dt.date(2026, 10, 31)


def test_the_command_writes_a_dry_run_and_says_what_it_wrote(tmp_path):
    settings = tmp_path / "settings.toml"
    settings.write_text(
        f'[audit]\npath = "{tmp_path}/audit/trail.jsonl"\n'
        '[notify.recipients]\n"sgt.b@police.example" = { role = "sergeant", teams = ["POLIT-B"] }\n'
    )
    command = [sys.executable, "-m", "unitload", "notify", "--data", str(SAMPLE), "--settings", str(settings)]
    done = subprocess.run([*command, "--dry-run", str(tmp_path / "out")], capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    assert done.stdout.splitlines()[0] == (
        "written: sgt.b@police.example: Unit workload, month end 31 Oct 2026: 19 items need a decision "
        "(sergeant · POLIT-B)"
    )
    settings.write_text(f'[audit]\npath = "{tmp_path}/audit/trail.jsonl"\n')
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
        assert {m["To"] for m in inbox.messages} == {SGT_B} and len(inbox.messages) == 2
    finally:
        controller.stop()
