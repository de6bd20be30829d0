"""Decisions in the dashboard: a line manager records one on an item of their scope (the checks run on the server,
whatever the form said), every role sees it beside its item and on the Decisions page, planners and analysts
read-only and analysts without names or notes, and each recorded decision is an audit record without its note."""

from pathlib import Path

import pytest
from conftest import APP_WAIT, D
from streamlit.testing.v1 import AppTest

from unitload.access import audit
from unitload.access.scope import role_scope
from unitload.app import signin
from unitload.decisions.checks import Decision
from unitload.decisions.ledger import record
from unitload.store import open_store

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture
def settings(tmp_path, monkeypatch):
    """Settings of the test's own: its audit trail and its own store of decisions."""
    path = tmp_path / "settings.toml"
    url = f"sqlite:///{tmp_path / 'records.sqlite'}"
    path.write_text(f'[audit]\npath = "{tmp_path / "audit.jsonl"}"\n\n[decisions]\nurl = "{url}"\n')
    monkeypatch.setenv("UNITLOAD_SETTINGS", str(path))
    return tmp_path, url


def app_as(monkeypatch, role: str, teams=None, page: str | None = None, **params) -> AppTest:
    monkeypatch.setattr(signin, "local_scope", lambda access: role_scope(role, "local", teams))
    at = AppTest.from_file(str(ROOT / "dashboard.py"), default_timeout=APP_WAIT)
    at.run()
    if page:
        at.switch_page(f"pages/{page}")
        for key, value in params.items():
            at.query_params[key] = value
        at.run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def open_form(at: AppTest, key: str) -> AppTest:
    at.session_state[key] = True  # the expander, opened
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def fill(at: AppTest, action: str, owner: str, to: str | None = None, note: str = ""):
    boxes = {s.label: s for s in at.selectbox}
    boxes["Action"].set_value(action)
    boxes["Owner (who must do it)"].set_value(owner)
    if to:
        boxes["Reallocate to (reallocate only)"].set_value(to)
    if note:
        next(t for t in at.text_input if t.label.startswith("Note")).input(note)
    next(b for b in at.button if b.label == "Record the decision").click()
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def test_a_sergeant_records_a_decision_on_a_case_and_it_is_shown_beside_it(settings, monkeypatch):
    folder, url = settings
    at = app_as(monkeypatch, "sergeant", ("POLIT-B",), "cases.py", case="C000836")
    fill(open_form(at, "cases_decide_box"), "reallocate", "P1018", to="P1021", note="hand it to Sam")
    assert any("Recorded decision 1: reallocate" in s.value for s in at.success)
    assert any("Decision 1: reallocate to another officer to P1021" in i.value for i in at.info)
    (row,) = open_store(url).engine.connect().exec_driver_sql("select * from decisions").mappings().all()
    assert (row["item"], row["case_id"], row["action"], row["to_officer"], row["owner_id"]) == (
        "case",
        "C000836",
        "reallocate",
        "P1021",
        "P1018",
    )
    assert (row["decided_on"], row["decided_by"], row["note"]) == ("2026-10-31", "local", "hand it to Sam")
    (entry,) = [r for r in audit.read(folder / "audit.jsonl") if r["event"] == "decision"]
    assert (entry["role"], entry["what"], entry["rows"]) == ("sergeant", "case:C000836 reallocate 1", 1)
    assert "Sam" not in str(entry)  # never the note


def test_the_server_refuses_what_the_contract_refuses_whatever_the_form_said(settings, monkeypatch):
    folder, url = settings
    at = app_as(monkeypatch, "sergeant", ("POLIT-B",), "cases.py", case="C000836")
    fill(open_form(at, "cases_decide_box"), "reallocate", "P1018", to="P1019")  # its own officer in charge
    assert any("Not recorded: Reallocate to: P1019 is already the officer in charge" in e.value for e in at.error)
    assert (
        not Path(url.removeprefix("sqlite:///")).exists()
        or not open_store(url).engine.connect().exec_driver_sql("select * from decisions").all()
    )


def test_a_store_that_cannot_be_written_says_not_recorded_instead_of_failing_the_page(tmp_path, monkeypatch):
    from perf.server import free_port

    url = f"postgresql+psycopg://postgres@127.0.0.1:{free_port()}/records"  # no database server listens there
    path = tmp_path / "settings.toml"
    path.write_text(f'[audit]\npath = "{tmp_path / "audit.jsonl"}"\n\n[decisions]\nurl = "{url}"\n')
    monkeypatch.setenv("UNITLOAD_SETTINGS", str(path))
    at = app_as(monkeypatch, "sergeant", ("POLIT-B",), "cases.py", case="C000836")
    fill(open_form(at, "cases_decide_box"), "progress", "P1019")
    assert [e.value for e in at.error if e.value.startswith("Not recorded")] == [
        "Not recorded: the decisions store cannot be written now. Try again later."
    ]
    assert not [s for s in at.success if "Recorded decision" in s.value]
    assert not [r for r in audit.read(tmp_path / "audit.jsonl") if r["event"] == "decision"]


def test_a_sergeant_of_another_team_can_neither_see_nor_record_on_the_case(settings, monkeypatch):
    folder, url = settings
    record(open_store(url), Decision("case", "C000836", "progress", "P1019", D(2026, 10, 1), D(2026, 10, 20), "DS B"))
    other = app_as(monkeypatch, "sergeant", ("POLIT-A",), "cases.py", case="C000836")
    assert any("not in this extract or not within your view" in w.value for w in other.warning)
    assert not [e for e in other.expander if "Record a decision on case" in e.label]
    page = app_as(monkeypatch, "sergeant", ("POLIT-A",), "decisions.py")
    assert any("No decision has been recorded" in i.value for i in page.info)  # team B's decision: not shown


def test_a_write_outside_the_scope_is_refused_on_the_server(settings, monkeypatch, sample):
    """Whatever a forged request asks: the check runs on the user's scoped views, where the case is not."""
    from unitload.access.views import scoped_source
    from unitload.decisions.checks import DecisionError, check

    team_a = scoped_source(sample, role_scope("sergeant", "x", ("POLIT-A",)))
    forged = Decision("case", "C000836", "progress", "P1006", D(2026, 10, 31), D(2026, 11, 7), "DS A")
    with pytest.raises(DecisionError, match="no case C000836 in the extract"):
        check(team_a, forged, D(2026, 10, 31))


@pytest.mark.parametrize(("role", "teams"), [("planner", None), ("analyst", None)])
def test_planners_and_analysts_read_decisions_without_names_or_notes(settings, monkeypatch, role, teams):
    folder, url = settings
    record(
        open_store(url),
        Decision("case", "C000836", "progress", "P1019", D(2026, 10, 1), D(2026, 10, 20), "DS Patel", note="secret"),
    )
    at = app_as(monkeypatch, role, teams, "decisions.py")
    assert [m.value for m in at.metric][:1] == ["1"]  # overdue on 31 Oct: due 20 Oct, no progress since
    shown = " ".join(str(d.value.to_dict()) for d in at.dataframe)
    assert "DS Patel" not in shown and "secret" not in shown
    assert any("read-only" in c.value for c in at.caption)


def test_the_overview_opens_with_last_months_decisions_and_shows_an_overdue_one(settings, monkeypatch):
    folder, url = settings
    store = open_store(url)
    record(store, Decision("case", "C000836", "progress", "P1019", D(2026, 9, 2), D(2026, 9, 30), "DS Patel"))
    record(store, Decision("officer", "P1020", "welfare_contact", "P1018", D(2026, 9, 5), D(2026, 11, 30), "DS P"))
    at = app_as(monkeypatch, "superintendent")
    opening = next(e.value for e in at.error if "Decided in September 2026" in e.value)
    assert "**2**" in opening and "1 open" in opening and "1 overdue" in opening and "Overdue now: **1**" in opening
    # written once the day's status is found, in its place at the top: above the first tile
    order = [type(e).__name__ for e in at.main if type(e).__name__ in ("Error", "Metric")] + ["Metric"]
    assert order.index("Error") < order.index("Metric")
    table = next(m.value for m in at.markdown if m.value.startswith("| rank |"))  # the attention list
    first = [cell.strip() for cell in table.splitlines()[2].strip("|").split(" | ")]
    assert first[1].startswith("[C000836](cases?")
    assert first[3].replace("\u2060", "").replace("\\", "") == "OVERDUE: progress the case, due 30 Sep 2026"
    assert first[2].startswith("decision overdue")
