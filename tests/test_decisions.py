"""Decisions (DATA_CONTRACT.md section 6): every row of the status table and every refusal, with the boundaries
(an event on decided_on, on D and the day before decided_on; due_on equal to D and to D - 1; two decisions on
one item on the same day; a reallocation to someone other than to_officer), and attention_list's decision
columns, reason and ranking. Given/expected rows on tiny extracts built here."""

import datetime as dt
import subprocess
import sys

import polars as pl
import pytest
from conftest import D, absence, action, assign, case, contract, officer
from polars.testing import assert_frame_equal

from queries import bind_params, build_snapshots, run_query
from queries.catalogue import load_query
from queries.runner import run_sql
from queries.snapshots import usable_snapshots
from unitload.decisions.checks import Decision, DecisionError, check
from unitload.decisions.ledger import read, record
from unitload.extract.db import Recorded
from unitload.store import open_store

AS_OF = D(2026, 10, 31)
DECIDED = D(2026, 10, 1)
DUE = D(2026, 10, 20)


def supervision(officer_id, held_on, kind, supervisor_id="S"):
    return {"officer_id": officer_id, "supervisor_id": supervisor_id, "held_on": held_on, "kind": kind}


def extract(build, **changes):
    """A unit: sergeant S, investigators A (holding C1, C2), B and L (who left); C3 held by B."""
    tables = {
        "officers": [
            officer("S", role="supervisor"),
            officer("A", supervisor_id="S"),
            officer("B", supervisor_id="S"),
            officer("L", supervisor_id="S", left_on=D(2026, 9, 1)),
        ],
        "contracts": [contract("S"), contract("A"), contract("B"), contract("L")],
        "cases": [case("C1", D(2026, 1, 5)), case("C2", D(2026, 2, 2)), case("C3", D(2026, 3, 2))],
        "assignments": [assign("C1", "A", D(2026, 1, 5)), assign("C2", "A", D(2026, 2, 2)), assign("C3", "B")],
        "actions": [],
        "supervision": [],
    }
    for name, rows in changes.items():
        tables[name] = rows
    return build(**tables)


def with_decisions(tmp_path, source, rows):
    """`source` with `rows` recorded straight into a store of its own (unchecked: the rules of status and ranking
    alone are under test); a row names its item as "case:C1", the rest defaults to a progress decision."""
    store = open_store(f"sqlite:///{tmp_path / 'records.sqlite'}")
    for row in rows:
        item, key = row.pop("item").split(":")
        values = {"action": "progress", "owner_id": "S", "decided_on": DECIDED, "due_on": DUE, "decided_by": "x"}
        record(store, Decision(item=item, item_id=key, **(values | row)))
    return source.with_decisions(read(store))


def decided(tmp_path, source, *rows, as_of=AS_OF):
    """The decision_status rows on `as_of` of the decisions `rows`, keyed by decision_id; the same read from the
    extract's snapshots (decision_status reads officer_load and case_progress for reduce_load) as computed from
    its tables."""
    live = with_decisions(tmp_path, source, rows)
    frame = run_query(live, "decision_status", as_of=as_of)
    assert len(live.decisions.found) == 2  # its decision_events and the status on the day, found once and kept
    assert_frame_equal(run_query(live, "decision_status", as_of=as_of), frame)
    fast = live.with_decisions(Recorded(live.decisions.table, live.decisions.version))  # found afresh
    build_snapshots(fast, months=2)
    status = load_query("decision_status")
    read = usable_snapshots(fast, status, bind_params(fast, status, {"as_of": as_of}))
    assert read == ({"officer_load", "case_progress"} if as_of in fast.db.snapshots[fast.schema].days else set())
    assert_frame_equal(run_query(fast, "decision_status", as_of=as_of), frame)
    return {r["decision_id"]: r for r in frame.to_dicts()}


def one(tmp_path, source, as_of=AS_OF, **row) -> dict:
    (found,) = decided(tmp_path, source, row, as_of=as_of).values()
    return found


# (action, item, the events the extract holds, expected status and done_on on AS_OF)
EVENTS = [
    # reallocate: an assignment to to_officer starting on an event day
    ("reallocate", "case:C1", {"assignments": [assign("C1", "A", D(2026, 1, 5), DECIDED, "new"),
                                               assign("C1", "B", DECIDED, reason="reallocation")]},
     {"to_officer": "B"}, "done", DECIDED),  # on decided_on itself
    ("reallocate", "case:C1", {"assignments": [assign("C1", "A", D(2026, 1, 5), AS_OF, "new"),
                                               assign("C1", "B", AS_OF, reason="reallocation")]},
     {"to_officer": "B"}, "done", AS_OF),  # on D itself
    ("reallocate", "case:C1", {"assignments": [assign("C1", "A", D(2026, 1, 5), D(2026, 9, 30), "new"),
                                               assign("C1", "B", D(2026, 9, 30), reason="reallocation")]},
     {"to_officer": "B"}, "overdue", None),  # the day before decided_on: not an event
    ("reallocate", "case:C1", {"assignments": [assign("C1", "A", D(2026, 1, 5), D(2026, 10, 5), "new"),
                                               assign("C1", "S", D(2026, 10, 5), reason="reallocation")]},
     {"to_officer": "B"}, "overdue", None),  # reallocated, but to someone other than to_officer
    # progress: a progressing action; review: a supervisory_review
    ("progress", "case:C1", {"actions": [action("E1", "C1", DECIDED, "interview")]}, {}, "done", DECIDED),
    ("progress", "case:C1", {"actions": [action("E1", "C1", AS_OF, "arrest")]}, {}, "done", AS_OF),
    ("progress", "case:C1", {"actions": [action("E1", "C1", D(2026, 9, 30), "arrest")]}, {}, "overdue", None),
    ("progress", "case:C1", {"actions": [action("E1", "C1", D(2026, 10, 9), "victim_update")]}, {}, "overdue", None),
    ("progress", "case:C1", {"actions": [action("E1", "C1", D(2026, 10, 9), "enquiry"),
                                         action("E2", "C1", D(2026, 10, 3), "search")]},
     {}, "done", D(2026, 10, 3)),  # the earliest event
    ("review", "case:C1", {"actions": [action("E1", "C1", D(2026, 10, 9), "supervisory_review")]}, {}, "done",
     D(2026, 10, 9)),
    ("review", "case:C1", {"actions": [action("E1", "C1", D(2026, 10, 9), "interview")]}, {}, "overdue", None),
    # close: the case's closed_on is an event day
    ("close", "case:C1", {"cases": [case("C1", D(2026, 1, 5), closed_on=D(2026, 10, 12)), case("C2"), case("C3")]},
     {}, "done", D(2026, 10, 12)),
    ("close", "case:C1", {"cases": [case("C1", D(2026, 1, 5), closed_on=D(2026, 11, 2)), case("C2"), case("C3")]},
     {}, "overdue", None),  # closed after D: not yet
    # officers: welfare_check, monthly_supervision, action_plan_opened rows
    ("welfare_contact", "officer:A", {"supervision": [supervision("A", DECIDED, "welfare_check")]}, {}, "done",
     DECIDED),
    ("welfare_contact", "officer:A", {"supervision": [supervision("A", DECIDED, "monthly_supervision")]}, {},
     "overdue", None),
    ("supervise", "officer:A", {"supervision": [supervision("A", AS_OF, "monthly_supervision")]}, {}, "done", AS_OF),
    ("action_plan", "officer:A", {"supervision": [supervision("A", D(2026, 10, 2), "action_plan_opened")]}, {},
     "done", D(2026, 10, 2)),
    ("action_plan", "officer:A", {"supervision": [supervision("A", D(2026, 9, 30), "action_plan_opened")]}, {},
     "overdue", None),
]  # fmt: skip


@pytest.mark.parametrize(("act", "item", "events", "extra", "status", "done_on"), EVENTS)
def test_a_decision_is_done_by_its_event_on_a_day_from_decided_on_to_d(
    build, tmp_path, act, item, events, extra, status, done_on
):
    found = one(tmp_path, extract(build, **events), item=item, action=act, **extra)
    assert (found["status"], found["done_on"]) == (status, done_on)
    assert found["days_overdue"] == ((AS_OF - DUE).days if status == "overdue" else None)


def test_decision_events_gives_each_held_decisions_first_event_on_or_after_its_day_whatever_d(build, tmp_path):
    source = extract(
        build,
        actions=[action("E1", "C1", D(2026, 9, 30), "arrest"), action("E2", "C1", D(2026, 11, 3), "search")],
        supervision=[supervision("A", D(2026, 10, 1), "welfare_check")],
    )
    rows = [
        {"item": "case:C1"},  # progress: the action the day before decided_on is not it
        {"item": "case:C2"},  # progress, with no action at all: no event
        {"item": "officer:A", "action": "welfare_contact"},  # on decided_on itself
        {"item": "officer:A", "action": "accept"},  # never done: no event
        {"item": "case:C404"},  # a case the extract does not hold: no row
        {"item": "officer:GONE"},  # nor an officer it does not hold
    ]
    got = run_query(with_decisions(tmp_path, source, rows), "decision_events").to_dicts()
    assert got == [
        {"decision_id": 1, "first_event_on": D(2026, 11, 3)},
        {"decision_id": 2, "first_event_on": None},
        {"decision_id": 3, "first_event_on": DECIDED},
        {"decision_id": 4, "first_event_on": None},
    ]


@pytest.mark.parametrize(("act", "kind"), [("progress", "arrest"), ("review", "supervisory_review")])
def test_an_event_after_d_does_not_do_a_decision_on_d_and_does_on_its_day(build, tmp_path, act, kind):
    source = extract(build, actions=[action("E1", "C1", D(2026, 10, 12), kind)])
    row = {"item": "case:C1", "action": act}
    (tmp_path / "early").mkdir()
    (tmp_path / "late").mkdir()
    early = one(tmp_path / "early", source, as_of=D(2026, 10, 11), **dict(row))
    assert (early["status"], early["done_on"]) == ("open", None)
    late = one(tmp_path / "late", source, as_of=D(2026, 10, 12), **dict(row))
    assert (late["status"], late["done_on"]) == ("done", D(2026, 10, 12))


@pytest.mark.parametrize(
    ("due", "status", "days"),
    [(AS_OF, "open", None), (AS_OF - dt.timedelta(days=1), "overdue", 1), (D(2026, 10, 1), "overdue", 30)],
    ids=["due-on-D", "due-the-day-before-D", "due-on-decided_on"],
)
def test_an_undone_decision_is_open_up_to_its_due_day_and_overdue_after(build, tmp_path, due, status, days):
    found = one(tmp_path, extract(build), item="case:C1", action="progress", due_on=due)
    assert (found["status"], found["days_overdue"], found["done_on"]) == (status, days, None)


@pytest.mark.parametrize(
    ("due", "status"),
    [(AS_OF, "accepted"), (AS_OF + dt.timedelta(days=9), "accepted"), (D(2026, 10, 30), "review_due")],
)
def test_an_accept_is_accepted_to_its_review_day_then_review_due_never_overdue(build, tmp_path, due, status):
    source = extract(build, actions=[action("E1", "C1", D(2026, 10, 9), "interview")])  # an event changes nothing
    found = one(tmp_path, source, item="case:C1", action="accept", due_on=due)
    assert (found["status"], found["done_on"], found["days_overdue"]) == (status, None, None)


def overloaded(build, **changes):
    """A carrying 20 points of 12 (overloaded); B carrying 1; L left holding C3."""
    heavy = [case(f"H{i}", D(2026, 1, 5), risk="very_high", complexity=2) for i in range(7)]
    tables = {
        "cases": heavy + [case("C3", D(2026, 3, 2))],
        "assignments": [assign(c["case_id"], "A", D(2026, 1, 5)) for c in heavy] + [assign("C3", "L")],
    }
    return extract(build, **(tables | changes))


@pytest.mark.parametrize(
    ("who", "changes", "status"),
    [
        ("A", {}, "overdue"),  # overloaded on D
        ("B", {}, "done"),  # in post and holding no open case
        ("B", {"assignments": [assign(f"H{i}", "A", D(2026, 1, 5)) for i in range(7)] + [assign("C3", "B")]},
         "done"),  # in post, holding C3: a load, and not overloaded
        ("L", {}, "overdue"),  # not in post and still holding C3
        ("L", {"assignments": [assign("C3", "L", D(2026, 1, 5), D(2026, 10, 2)), assign("C3", "B", D(2026, 10, 2))]},
         "done"),  # not in post, and holding no open case on D
        ("A", {"absences": [absence("A", D(2026, 6, 1), None, "long_term_sickness")]}, "overdue"),  # no capacity
    ],
    ids=["overloaded", "holding-none", "not-overloaded", "left-holding", "left-holding-none", "no-capacity-holding"],
)  # fmt: skip
def test_reduce_load_is_done_when_the_officer_is_not_overloaded_or_holds_no_open_case(
    build, tmp_path, who, changes, status
):
    source = overloaded(build, **changes)
    found = one(tmp_path, source, item=f"officer:{who}", action="reduce_load")
    assert (found["status"], found["done_on"]) == (status, None)


def test_an_items_decision_is_its_latest_by_decided_on_then_decision_id(build, tmp_path):
    source = extract(build)
    rows = decided(
        tmp_path,
        source,
        {"item": "case:C1", "decided_on": D(2026, 10, 5)},  # 1
        {"item": "case:C1", "decided_on": D(2026, 10, 5), "action": "review"},  # 2: same day, a greater id
        {"item": "case:C1", "decided_on": D(2026, 10, 2), "action": "close"},  # 3: recorded later, decided earlier
        {"item": "case:C2", "decided_on": D(2026, 11, 2), "due_on": D(2026, 11, 9)},  # 4: decided after D
        {"item": "officer:A", "action": "supervise"},  # 5: an officer of the same id space
    )
    assert sorted(rows) == [1, 2, 3, 5]  # one decided after D is not a decision on D
    assert [i for i, r in rows.items() if r["latest"]] == [2, 5]
    assert rows[2]["action"] == "review" and rows[3]["status"] == "overdue"  # each with its own status


def test_the_command_lists_items_latest_decisions_or_every_one(build, tmp_path):
    source = extract(build, actions=[action("E1", "C1", D(2026, 10, 9), "interview")])
    root = source.extract.root
    command = [sys.executable, "-m", "unitload"]
    first = [*command, "decide", "--data", root, "--item", "case:C1", "--action", "review", "--owner", "S"]
    made = subprocess.run([*map(str, first), "--due", "2026-10-20", "--on", "2026-10-01", "--by", "DS X"],
                          capture_output=True, text=True, timeout=600)  # fmt: skip
    assert (made.returncode, made.stdout, made.stderr) == (0, "1\n", "")
    again = [*first, "--due", "2026-11-20", "--by", "DS X", "--note", "checked: progress, not a review"]
    assert subprocess.run(list(map(str, again)), capture_output=True, text=True, timeout=600).stdout == "2\n"
    listed = subprocess.run(list(map(str, [*command, "decisions", "--data", root])), capture_output=True, text=True)
    assert listed.stdout.splitlines() == [
        "decision_id,item,officer_id,case_id,action,to_officer,owner_id,decided_on,due_on,decided_by,status,done_on,"
        "days_overdue",
        "2,case,,C1,review,,S,2026-10-31,2026-11-20,DS X,open,,",
    ]
    every = subprocess.run(
        list(map(str, [*command, "decisions", "--data", root, "--all", "--format", "json"])),
        capture_output=True,
        text=True,
    )
    rows = pl.read_json(every.stdout.encode()).to_dicts()
    assert [(r["decision_id"], r["status"], r["days_overdue"]) for r in rows] == [(1, "overdue", 11), (2, "open", None)]
    earlier = subprocess.run(
        list(map(str, [*command, "decisions", "--data", root, "--as-of", "2026-10-15"])), capture_output=True, text=True
    )
    assert earlier.stdout.splitlines()[1:] == ["1,case,,C1,review,,S,2026-10-01,2026-10-20,DS X,open,,"]
    assert (root.parent / "unitload-records.sqlite").exists()  # beside the extract, with nothing configured


def checked(source, as_of=AS_OF, **fields) -> None:
    values = {"item": "case", "item_id": "C1", "action": "progress", "owner_id": "S", "decided_on": AS_OF}
    check(source, Decision(**(values | {"due_on": AS_OF, "decided_by": "x"} | fields)), as_of)


@pytest.mark.parametrize(
    ("fields", "field", "reason"),
    [
        ({"item_id": "C9"}, "item", "no case C9 in the extract"),
        ({"item_id": "C1", "decided_on": D(2026, 1, 4), "due_on": D(2026, 2, 1)}, "item",
         "case C1 is not open on 2026-01-04"),
        ({"item": "officer", "item_id": "L", "action": "supervise"}, "item", "officer L is not in post on 2026-10-31"),
        ({"item": "officer", "item_id": "Z", "action": "supervise"}, "item", "no officer Z"),
        ({"action": "fly"}, "action", "'fly' is not an action"),
        ({"action": "supervise"}, "action", "supervise is for an officer"),
        ({"item": "officer", "item_id": "A", "action": "close"}, "action", "close is for a case"),
        ({"action": "reallocate"}, "to", "reallocate needs the officer to reallocate to"),
        ({"action": "reallocate", "to_officer": "A"}, "to", "A is already the officer in charge of C1 on 2026-10-31"),
        ({"action": "reallocate", "to_officer": "L"}, "to", "L is not an officer in post on 2026-10-31"),
        ({"action": "progress", "to_officer": "B"}, "to", "only reallocate takes an officer to reallocate to"),
        ({"owner_id": "L"}, "owner", "L is not an officer in post on 2026-10-31"),
        ({"decided_on": D(2026, 11, 1), "due_on": D(2026, 11, 9)}, "on",
         "2026-11-01 is after the extract's as-of day 2026-10-31"),
        ({"due_on": D(2026, 10, 30)}, "due", "2026-10-30 is before the day decided, 2026-10-31"),
        ({"note": "x" * 501}, "note", "501 characters; at most 500"),
        ({"note": "one\nline"}, "note", "holds a control character"),
        ({"note": "a\u2028b"}, "note", "holds a control character"),
        ({"decided_by": " "}, "by", "who decided is needed"),
    ],
)  # fmt: skip
def test_each_refusal_names_its_field(build, fields, field, reason):
    source = extract(build)
    with pytest.raises(DecisionError) as refused:
        checked(source, **fields)
    assert refused.value.field == field and refused.value.reason.startswith(reason), str(refused.value)


def test_what_the_rules_allow_is_recorded(build):
    source = extract(build)
    checked(source)  # an open case, decided on D, due on D
    checked(source, action="reallocate", to_officer="B", decided_on=D(2026, 3, 1), due_on=D(2026, 3, 1))
    checked(source, item="officer", item_id="A", action="accept", note="x" * 500)
    checked(source, item_id="C3", owner_id="B")  # any open case, listed in the attention list or not


def test_a_refused_decision_writes_nothing_and_says_one_line(build, tmp_path):
    source = extract(build)
    root = source.extract.root
    result = subprocess.run(
        [sys.executable, "-m", "unitload", "decide", "--data", str(root), "--item", "case:C1", "--action", "progress"]
        + ["--owner", "S", "--due", "2026-10-30", "--by", "x"],
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert (result.returncode, result.stdout) == (2, "")
    assert result.stderr == "unitload: error: --due: 2026-10-30 is before the day decided, 2026-10-31\n"
    assert not (root.parent / "unitload-records.sqlite").exists()  # nothing written, not even the store


def attention(build, tmp_path, *rows, as_of=AS_OF, **changes):
    """attention_list on `as_of` with the decisions `rows` recorded, keyed by the item's id."""
    frame = run_query(with_decisions(tmp_path, overloaded(build, **changes), rows), "attention_list", as_of=as_of)
    return {r["case_id"] or r["officer_id"]: r for r in frame.to_dicts()}


def test_an_overdue_decision_is_a_reason_and_ranks_its_item_first_in_its_group(build, tmp_path):
    before = attention(build, tmp_path)
    late = max((k for k in before if k.startswith("H")), key=lambda k: before[k]["rank"])
    items = attention(build, tmp_path / "with", {"item": f"case:{late}"})
    row = items[late]
    assert row["reasons"][0] == "decision_overdue" and row["reasons"][1:] == before[late]["reasons"]
    assert (row["decision_id"], row["decision_action"], row["decision_status"], row["decision_due_on"]) == (
        1,
        "progress",
        "overdue",
        DUE,
    )
    group = [r for r in items.values() if r["priority"] == row["priority"]]
    assert row["rank"] == min(r["rank"] for r in group)  # first of its group, whatever its other reasons
    assert all(r["decision_id"] is None for k, r in items.items() if k != late)


@pytest.mark.parametrize(
    ("row", "status"),
    [
        ({"due_on": AS_OF}, "open"),
        ({"action": "accept", "due_on": D(2026, 10, 30)}, "review_due"),
        ({"actions_done": True}, "done"),
    ],
    ids=["open", "accept-past-its-date", "done"],
)
def test_a_decision_not_overdue_is_shown_and_is_no_reason(build, tmp_path, row, status):
    changes = {}
    if row.pop("actions_done", False):
        changes["actions"] = [action("E1", "H0", D(2026, 10, 3), "interview")]
    items = attention(build, tmp_path, {"item": "case:H0"} | row, **changes)
    found = items.get("H0")
    if found is None:  # progressed: no reason left, so not listed, whatever its decision
        assert status == "done"
        return
    assert found["decision_status"] == status and "decision_overdue" not in found["reasons"]


def test_an_item_meeting_no_other_reason_is_not_listed_whatever_its_decision(build, tmp_path):
    items = attention(build, tmp_path, {"item": "officer:B", "action": "supervise"})
    assert "B" not in items  # B meets no reason: an overdue decision alone does not list B


def test_the_attention_list_reads_the_days_decision_status_found_once_and_equals_it_computed_inside(build, tmp_path):
    source = with_decisions(tmp_path, overloaded(build), [{"item": "case:H0"}, {"item": "officer:B"}])
    days = (AS_OF, DECIDED + dt.timedelta(days=3))  # a month end, and a day read live
    statuses = [run_query(source, "decision_status", as_of=day) for day in days]  # as the Overview opens
    lists = [run_query(source, "attention_list", as_of=day) for day in days]
    kept = [key for key in source.decisions.found if "decision_status" in key]
    assert len(kept) == len(days)  # one status table per day, found by the page and read by the list
    for day, status, got in zip(days, statuses, lists, strict=True):
        assert_frame_equal(run_query(source, "decision_status", as_of=day), status)  # kept: the same rows
        query = load_query("attention_list")
        inside = run_sql(source, query.sql, bind_params(source, query, {"as_of": day}))
        assert_frame_equal(got, inside)  # decision_status and its events composed into the list: the same rows
        assert got.filter(pl.col("decision_id").is_not_null()).height > 0
    assert len([key for key in source.decisions.found if "decision_status" in key]) == len(days)


def test_a_status_asked_for_twice_at_once_is_found_once(build, tmp_path, monkeypatch):
    """The Overview starts the day's decision status and its attention list together: the list waits for the
    status being found rather than finding it again beside it (two cores, 13-20 ms at force scale)."""
    import threading

    import queries.runner

    source = with_decisions(tmp_path, overloaded(build), [{"item": "case:H0"}])
    finding, release, statuses = threading.Event(), threading.Event(), []
    run = queries.runner.run_sql

    def slow(source, sql, values=None, what="the query", found=None):
        if what == "query 'decision_status'":
            statuses.append(values["as_of"])
            finding.set()
            release.wait(timeout=30)
        return run(source, sql, values, what=what, found=found)

    monkeypatch.setattr(queries.runner, "run_sql", slow)
    results = {}
    first = threading.Thread(target=lambda: results.update(status=run_query(source, "decision_status", as_of=AS_OF)))
    first.start()
    assert finding.wait(timeout=30)
    second = threading.Thread(target=lambda: results.update(items=run_query(source, "attention_list", as_of=AS_OF)))
    second.start()
    second.join(timeout=0.5)  # it waits for the first (without the lock it would find the status itself)
    release.set()
    first.join(timeout=60)
    second.join(timeout=60)
    assert statuses == [AS_OF]
    assert results["items"].filter(pl.col("decision_id").is_not_null()).height == 1
    assert_frame_equal(results["status"], run_query(source, "decision_status", as_of=AS_OF))


def test_the_results_kept_with_the_decisions_are_bounded_oldest_first(build, tmp_path, monkeypatch):
    import queries.runner

    monkeypatch.setattr(queries.runner, "KEPT", 2)
    source = with_decisions(tmp_path, overloaded(build), [{"item": "case:H0"}])
    days = [DECIDED + dt.timedelta(days=n) for n in (1, 2, 3)]
    first = [run_query(source, "decision_status", as_of=day) for day in days]
    kept = list(source.decisions.found)
    assert len(kept) == 2 and kept[-1][4] == "decision_status" and repr(days[-1]) in kept[-1][-1]  # the newest
    assert_frame_equal(run_query(source, "decision_status", as_of=days[0]), first[0])  # found again: the same


def test_the_store_is_append_only(tmp_path):
    import sqlalchemy as sa

    store = open_store(f"sqlite:///{tmp_path / 'records.sqlite'}")
    decision = Decision("case", "C1", "progress", "S", DECIDED, DUE, "x")
    record(store, decision)
    for statement in ("update decisions set action = 'close'", "delete from decisions"):
        with pytest.raises(sa.exc.DatabaseError, match="append-only"), store.engine.begin() as db:
            db.execute(sa.text(statement))
    assert read(store).table.num_rows == 1
