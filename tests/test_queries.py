"""Every named query: runs on the sample, returns exactly its header's columns, binds values safely."""

import datetime as dt
from types import SimpleNamespace

import duckdb
import polars as pl
import pytest
from conftest import SAMPLE, D, assign, case, exhibit, fresh_python, officer, two_decisions
from polars.testing import assert_frame_equal

from queries import QueryError, bind_params, load_query, query_names, run_query
from queries.catalogue import SNAPSHOT_QUERIES, reads_decisions
from unitload.access.views import scoped_source

CONTRACT_COLUMNS = {
    "officer_load": [
        "officer_id",
        "team",
        "fte",
        "availability",
        "capacity_points",
        "open_cases",
        "weighted_load",
        "load_pct",
        "overloaded",
        "part_time_full_load",
        "absent",
    ],
    "case_progress": [
        "case_id",
        "officer_id",
        "opened_on",
        "weight",
        "last_progress_on",
        "days_since_progress",
        "unprogressed",
        "last_review_on",
        "days_since_review",
        "review_overdue",
        "inherited",
        "oic_absent",
    ],
    "forensic_queue": ["exhibit_id", "case_id", "priority", "stage", "age_days", "stage_age_days"],
}


# Values for the parameters that have no default (the planted part-time investigator of the sample).
EXAMPLE_PARAMS = {
    "officer_cases": {"officer_id": "P1019"},
    "officer_history": {"officer_id": "P1019"},
    "case_timeline": {"case_id": "C000873"},
}


@pytest.mark.parametrize("name", query_names())
def test_query_returns_exactly_the_columns_its_header_names(sample, name):
    query = load_query(name)
    assert query.purpose and query.grain, f"{name}.sql needs purpose and grain in its header"
    source = sample.with_decisions(two_decisions()) if reads_decisions(name) else sample
    frame = run_query(source, name, **EXAMPLE_PARAMS.get(name, {}))
    assert tuple(frame.columns) == query.columns
    assert frame.height > 0


@pytest.mark.parametrize("name", query_names())
def test_header_lists_exactly_the_parameters_its_own_sql_binds(name):
    header = load_query(name).sql.split("-- columns:")[0]
    listed = {line.split()[1].lstrip("$") for line in header.splitlines() if line.startswith("--   $")}
    assert listed == set(load_query(name).own_parameters)


@pytest.mark.parametrize(("name", "columns"), CONTRACT_COLUMNS.items())
def test_contract_queries_start_with_the_contract_columns(name, columns):
    assert list(load_query(name).columns[: len(columns)]) == columns


def test_unknown_query_and_unknown_parameter_are_refused(sample):
    with pytest.raises(QueryError, match="unknown query"):
        run_query(sample, "officers; drop table cases")
    with pytest.raises(QueryError, match="takes no parameter"):
        bind_params(sample, load_query("forensic_queue"), {"stale_days": 3})


def test_values_are_bound_never_spliced(sample):
    hostile = ["enquiry') or true; drop view cases; --"]
    frame = run_query(sample, "case_progress", progressing_actions=hostile)
    assert frame["last_progress_on"].null_count() == frame.height
    assert run_query(sample, "case_progress").height == frame.height  # the views are still there


@pytest.mark.parametrize(
    "statement",
    [
        "select * from read_csv('/etc/passwd')",
        "select * from read_parquet('/etc/*.parquet')",
        "set enable_external_access = true",
        "set allowed_directories = ['/']",
        "install httpfs",
        "load httpfs",
        "copy (select 1) to '/tmp/unitload-escape.csv'",
        "attach '/tmp/unitload-escape.duckdb' as escape",
        "set lock_configuration = false",
        "set memory_limit = '100GB'",
        "reset allowed_directories",
    ],
)
def test_connection_is_locked_down(sample, statement):
    cursor = sample.cursor()
    with pytest.raises(duckdb.Error):
        cursor.sql(statement).fetchall()


def test_a_runaway_query_is_interrupted_with_a_clear_message(sample):
    from queries import QueryTimeout, run_sql
    from unitload.extract.db import Source
    from unitload.settings import Engine, Settings

    quick = Source(
        sample.db, sample.extract, Settings(engine=Engine(query_seconds=0.3)), sample.schema, present=sample.present
    )
    with pytest.raises(QueryTimeout, match=r"stopped after 0.3 s \(engine.query_seconds\)"):
        run_sql(quick, "select count(*) from range(100000000000) as a(i), range(10) as b(j) where a.i % 7 = b.j")
    assert run_query(quick, "table_counts").height == 8  # the connection still serves


def test_a_time_limit_around_queries_stops_them_once_it_has_passed_in_all(sample):
    import time

    from queries import QueryTimeout, check_time, run_sql, time_limit

    runaway = "select count(*) from range(100000000000) as a(i), range(10) as b(j) where a.i % 7 = b.j"
    start = time.monotonic()
    with time_limit(0.4), pytest.raises(QueryTimeout, match=r"stopped after 0.4 s \(engine.query_seconds\)"):
        run_sql(sample, runaway)  # the query's own limit is 30 s: the limit around it ends first
    assert time.monotonic() - start < 5
    with time_limit(0.2), time_limit(60):  # an inner limit never outlasts the outer one
        time.sleep(0.25)
        with pytest.raises(QueryTimeout, match="the rebalancing proposal was stopped after 0.2 s"):
            check_time("the rebalancing proposal")
        with pytest.raises(QueryTimeout):
            run_query(sample, "table_counts")
    check_time()  # no limit around: nothing to stop
    assert run_query(sample, "table_counts").height == 8


def test_each_query_uses_its_own_cursor(sample):
    from concurrent.futures import ThreadPoolExecutor

    with ThreadPoolExecutor(4) as pool:
        heights = list(pool.map(lambda n: run_query(sample, n, **EXAMPLE_PARAMS.get(n, {})).height, query_names() * 4))
    assert heights == [run_query(sample, n, **EXAMPLE_PARAMS.get(n, {})).height for n in query_names()] * 4


def test_a_closed_database_refuses_cursors_and_closing_again_does_nothing():
    from unitload.extract.db import open_source

    source = open_source(SAMPLE)
    assert run_query(source, "table_counts").height == 8
    source.db.close()
    source.db.close()
    with pytest.raises(duckdb.ConnectionException, match="is closed"):
        run_query(source, "table_counts")


def test_a_database_kept_to_the_end_is_let_go_and_duckdb_reports_no_leak():
    """Streamlit's script module can keep the frame's extract past the interpreter's last collection; a
    connection object still alive when DuckDB's bindings are torn down is reported in about 40 lines."""
    kept = (
        "import ctypes\n"
        "from queries import run_query\n"
        "from unitload.extract.db import open_source\n"
        f"source = open_source({str(SAMPLE)!r})\n"
        "run_query(source, 'officer_load')\n"
        "ctypes.pythonapi.Py_IncRef(ctypes.py_object(source.db))  # a holder Python cannot see, to the end\n"
    )
    done = fresh_python(kept)
    assert "leaked" not in done.stderr, done.stderr


def test_calendar_is_the_as_of_day_then_earlier_month_ends(sample):
    days = sample.cursor().sql("select d from month_ends(DATE '2026-03-15', 4) order by month_index").fetchall()
    assert [d for (d,) in days] == [
        dt.date(2026, 3, 15),
        dt.date(2026, 2, 28),
        dt.date(2026, 1, 31),
        dt.date(2025, 12, 31),
    ]


@pytest.mark.parametrize("name", ["officer_load", "case_progress", "forensic_queue"])
def test_a_series_of_month_ends_equals_each_day_run_alone(sample, name):
    series = run_query(sample, name, as_of=dt.date(2026, 10, 20), months=4)
    assert series["month_index"].unique().sort().to_list() == [0, 1, 2, 3]
    for day in (dt.date(2026, 10, 20), dt.date(2026, 8, 31), dt.date(2026, 7, 31)):
        alone = run_query(sample, name, as_of=day).drop("month_index")
        assert series.filter(pl.col("as_of") == day).drop("month_index").equals(alone), day


SNAPSHOT_USERS = (
    "case_progress",
    "officer_load",
    "forensic_queue",
    "workload_months",
    "workload_trend",
    "attention_list",
    "at_risk",
    "unprogressed_trend",
    "officer_rollup",
    "case_ageing",
    "age_bands",
    "officer_cases",
    "examiner_throughput",
    "forensic_backlog",
    "progress_percentiles",
    "first_action_clock",
    "first_action_monthly",
    "stage_exits",
    "stage_pace",
    "turnaround",
    "turnaround_monthly",
)


def same_rows(got: pl.DataFrame, expected: pl.DataFrame) -> None:
    """The same rows in the same order; floats equal up to the last bits that summing in another order
    changes (a sum over a snapshot's rows need not add them in the live query's order)."""
    assert_frame_equal(got, expected, check_exact=False, rel_tol=1e-12, abs_tol=1e-12)


@pytest.mark.parametrize(
    ("cases", "days", "chunk"),
    [
        (0, 37, 37),  # no cases: every month end at once
        (1_951, 37, 37),  # the sample
        (40_540, 37, 37),  # 40,540 x 37 = 1,499,980 case-days: within CASE_DAYS
        (40_541, 37, 36),  # one more case: one month end fewer
        (40_541, 13, 13),  # never more month ends than asked for
        (250_000, 37, 6),  # a force: six at a time, as before
        (1_000_000, 37, 6),  # a region: never under six
    ],
)
def test_a_snapshot_statement_takes_as_many_month_ends_as_its_cases_allow(cases, days, chunk):
    from queries.snapshots import CASE_DAYS, days_per_chunk

    con = duckdb.connect()
    con.execute("create table cases as select range as case_id from range($n)", {"n": cases})
    assert CASE_DAYS == 1_500_000
    assert days_per_chunk(con, days) == chunk


def test_snapshots_made_in_one_statement_hold_the_rows_made_six_month_ends_at_a_time():
    from queries import build_snapshots
    from queries.catalogue import SNAPSHOT_QUERIES, snapshot_table
    from unitload.extract.db import ident, open_source

    made = {chunk: open_source(SAMPLE) for chunk in (6, None)}  # None: the sample's 13 month ends at once
    for chunk, source in made.items():
        build_snapshots(source, months=13, chunk=chunk)
    for name in SNAPSHOT_QUERIES:  # a stored month_index counts within its statement: reads take the calendar's
        six, one = (
            s.cursor().sql("select * from " + ident(snapshot_table(name))).pl().drop("month_index", strict=False)
            for s in made.values()
        )
        assert len(six) > 0
        assert_frame_equal(six.sort(six.columns), one.sort(one.columns), check_exact=True)


@pytest.fixture(scope="module")
def snapshotted():
    """The sample with its snapshots built for 13 month ends, beside a source without any."""
    from queries import build_snapshots
    from unitload.extract.db import open_source

    with_snapshots = open_source(SAMPLE)
    build_snapshots(with_snapshots, months=13, chunk=5)
    return with_snapshots, open_source(SAMPLE)


@pytest.mark.parametrize("name", SNAPSHOT_USERS)
@pytest.mark.parametrize(("as_of", "months"), [(dt.date(2026, 10, 31), 3), (dt.date(2026, 6, 30), 8)])
def test_queries_reading_snapshots_give_the_live_results(snapshotted, name, as_of, months):
    from queries import bind_params
    from queries.snapshots import usable_snapshots

    fast, live = snapshotted
    params = {
        k: v
        for k, v in {"as_of": as_of, "months": months, **EXAMPLE_PARAMS.get(name, {})}.items()
        if k in load_query(name).parameters
    }
    assert usable_snapshots(fast, load_query(name), bind_params(fast, load_query(name), params))  # read
    same_rows(run_query(fast, name, **params), run_query(live, name, **params))


def test_snapshots_are_passed_over_when_days_or_settings_differ(snapshotted):
    from queries import bind_params
    from queries.snapshots import usable_snapshots

    fast, live = snapshotted
    query = load_query("unprogressed_trend")
    for params in ({"as_of": dt.date(2026, 10, 15)}, {"months": 20}, {"stale_days": 60, "months": 3}):
        assert not usable_snapshots(fast, query, bind_params(fast, query, params)), params
        same_rows(run_query(fast, query.name, **params), run_query(live, query.name, **params))


def test_team_flow_is_read_from_its_snapshot_on_the_as_of_day_only(snapshotted):
    """team_flow's snapshot is made on the extract's as-of day: read there, computed on any other day."""
    from queries import bind_params
    from queries.snapshots import usable_snapshots

    fast, live = snapshotted
    query = load_query("team_flow")
    for day, read in ((fast.extract.as_of, True), (dt.date(2026, 6, 30), False)):
        assert bool(usable_snapshots(fast, query, bind_params(fast, query, {"as_of": day}))) is read, day
        got = run_query(fast, "team_flow", as_of=day)
        assert got.height > 0 and got["month_end"].max() == day
        same_rows(got, run_query(live, "team_flow", as_of=day))


def test_the_planners_baseline_projection_reads_officer_load_made_ahead_and_gives_the_live_rows(snapshotted):
    from queries import bind_params
    from queries.snapshots import AHEAD, usable_snapshots
    from unitload.months import month_end_after
    from unitload.planning.projection import projection
    from unitload.planning.scenario import Scenario

    fast, live = snapshotted
    as_of, query = fast.extract.as_of, load_query("officer_load")
    ahead = {"as_of": month_end_after(as_of, AHEAD), "months": AHEAD}
    assert usable_snapshots(fast, query, bind_params(fast, query, ahead)) == {"officer_load"}
    got = projection(fast, Scenario(), AHEAD)
    assert got["as_of"].unique().sort().to_list()[0] == month_end_after(as_of, 1)  # the month end after D first
    same_rows(got, projection(live, Scenario(), AHEAD))
    # a month end beyond them, and the other series, are not held ahead: computed live
    beyond = {"as_of": month_end_after(as_of, AHEAD + 1), "months": AHEAD}
    assert not usable_snapshots(fast, query, bind_params(fast, query, beyond))
    progress = load_query("case_progress")
    assert not usable_snapshots(fast, progress, bind_params(fast, progress, ahead))


@pytest.mark.parametrize("teams", [None, ("POLIT-A",), ("POLIT-B", "POLIT-DFU")])
def test_a_scope_reads_the_snapshots_as_its_views_would_compute_them(snapshotted, teams):
    from unitload.access.scope import role_scope

    fast, live = snapshotted
    scope = role_scope("inspector", "i", teams) if teams else role_scope("analyst", "a")
    names = ("workload_months", "attention_list", "officer_rollup", "forensic_backlog", "first_action_clock")
    names += ("supervision_status", "at_risk", "supervision_rollup")
    for name in names + ("stage_pace", "turnaround", "turnaround_monthly"):
        params = {"months": 3} if "months" in load_query(name).parameters else {}
        same_rows(
            run_query(scoped_source(fast, scope), name, **params), run_query(scoped_source(live, scope), name, **params)
        )


def test_a_team_scope_sees_no_holder_of_another_team_live_or_from_snapshots(build):
    """A case moved from team TB to TA: TA's scope sees its exhibit held by no one while TB held it,
    and no first team, as its views compute them and as its snapshot views give them."""
    from queries import build_snapshots
    from unitload.access.scope import role_scope

    tables = dict(
        officers=[officer("A1", team="TA"), officer("B1", team="TB")],
        cases=[case("C1")],
        assignments=[
            assign("C1", "B1", assigned_to=D(2026, 10, 10)),
            assign("C1", "A1", assigned_from=D(2026, 10, 10)),
        ],
        exhibits=[exhibit("E1", case_id="C1", submitted_on=D(2026, 9, 20))],
    )
    fast, live = build(**tables), build(**tables)
    build_snapshots(fast, months=2)
    team = role_scope("inspector", "i", ("TA",))
    month_end, as_of = D(2026, 9, 30), fast.extract.as_of
    for source in (fast, live, scoped_source(fast, team), scoped_source(live, team)):
        scoped = source.schema.startswith("r_")
        held = [
            run_query(source, "forensic_backlog", as_of=day).select("officer_id", "oic_team").row(0)
            for day in (month_end, as_of)
        ]
        assert held == [(None, None) if scoped else ("B1", "TB"), ("A1", "TA")], source.schema
        first = run_query(source, "first_action_clock", as_of=as_of)["team"].to_list()
        assert first == [None if scoped else "TB"], source.schema


def test_a_team_scope_sees_a_line_managers_manager_only_through_a_manager_of_its_teams(build):
    """A1's sergeant is of TA, A2's of TB, both managed by I1 of TI: TA's scope knows A1's inspector, not
    A2's (it holds no row of A2's sergeant), as its views compute it and as its snapshot views give it."""
    from queries import build_snapshots
    from unitload.access.scope import role_scope

    tables = dict(
        officers=[
            officer("I1", team="TI", role="inspector"),
            officer("SA", team="TA", role="sergeant", supervisor_id="I1"),
            officer("SB", team="TB", role="sergeant", supervisor_id="I1"),
            officer("A1", team="TA", supervisor_id="SA"),
            officer("A2", team="TA", supervisor_id="SB"),
        ],
        cases=[case("C1")],
        assignments=[assign("C1", "A1")],
    )
    fast, live = build(**tables), build(**tables)
    build_snapshots(fast, months=2)
    team = role_scope("inspector", "i", ("TA",))
    for source in (fast, live, scoped_source(fast, team), scoped_source(live, team)):
        scoped = source.schema.startswith("r_")
        for day in (D(2026, 9, 30), fast.extract.as_of):
            seen = run_query(source, "supervision_status", as_of=day, teams=["TA"])
            got = dict(seen.select("officer_id", "inspector_id").iter_rows())
            assert got == {"A1": "I1", "A2": None if scoped else "I1", "SA": None}, (source.schema, day)


REUSED = [  # (query, a query it uses that is not a snapshot's): a page may have found the second's rows before
    (name, used) for name in query_names() for used in load_query(name).uses if used not in SNAPSHOT_QUERIES
]


@pytest.mark.parametrize(("name", "used"), REUSED)
@pytest.mark.parametrize("as_of", [dt.date(2026, 10, 31), dt.date(2025, 12, 31)])
def test_a_query_reading_the_rows_found_of_a_query_it_uses_gives_the_rows_it_computes(sample, name, used, as_of):
    params = {"as_of": as_of, **EXAMPLE_PARAMS.get(name, {})}
    params = {k: v for k, v in params.items() if k in load_query(name).parameters}
    found = run_query(sample, used, **{k: v for k, v in params.items() if k in load_query(used).parameters})
    assert_frame_equal(run_query(sample, name, reusing={used: found}, **params), run_query(sample, name, **params))
    if found.height:  # the rows are read, not computed again: rows taken away are missing from the result
        fewer = run_query(sample, name, reusing={used: found.clear()}, **params)
        assert fewer.height == 0 or not fewer.equals(run_query(sample, name, **params))


def test_used_queries_are_composed_without_their_closing_sort():
    from queries.catalogue import composed

    sql = composed("turnaround")
    used = sql[sql.index("turnaround_points as (") : sql.index("in_window as (")]
    assert "order by done_on" not in used and "order by last_event_on" not in used  # the CTEs' sorts are gone
    assert sql.rstrip().endswith(
        "order by measure, list_position(['all', 'urgent', 'high', 'standard', 'low'], priority)"
    )


def test_only_the_newest_extracts_keep_their_snapshots_and_the_others_still_serve(tmp_path):
    import shutil

    from queries import build_snapshots
    from queries.snapshots import KEEP_PREPARED
    from unitload.access.scope import role_scope
    from unitload.extract.db import Database
    from unitload.extract.folder import open_extract
    from unitload.settings import Settings

    db, sources = Database(tmp_path), []
    for n in range(KEEP_PREPARED + 1):
        folder = tmp_path / f"extract-{n}"
        shutil.copytree(SAMPLE, folder)
        manifest = folder / "manifest.json"
        manifest.write_text(manifest.read_text().replace('"unit-seed42-2026-10-31"', f'"extract-{n}"'))
        sources.append(db.bind(open_extract(folder), Settings()))
    team = role_scope("inspector", "i", ("POLIT-A",))
    expected = run_query(scoped_source(sources[0], team), "forensic_backlog")
    build_snapshots(sources[0], months=3)
    scoped_source(sources[0], team)  # a scope made while the extract had snapshots: it read them through views
    for source in sources[1:]:
        build_snapshots(source, months=3)
    held = {
        (schema, name)
        for schema, name in duckdb_tables(db)
        if name.startswith(("snap_", "mem_")) and schema == sources[0].schema
    }
    assert held == set()  # the oldest gave back its snapshots and in-memory tables
    assert db.prepared == [s.schema for s in sources[1:]]
    assert sources[0].schema not in db.snapshots and sources[-1].schema in db.snapshots
    same_rows(run_query(scoped_source(sources[0], team), "forensic_backlog"), expected)  # still served, computed live
    assert run_query(sources[0], "table_counts").height > 0


def duckdb_tables(db) -> list[tuple[str, str]]:
    return db.cursor().sql("select schema_name, table_name from duckdb_tables()").fetchall()


@pytest.mark.parametrize(
    "sql",
    [
        "COPY (SELECT 1) TO '{root}/copied.csv'",
        "EXPORT DATABASE '{root}/exported'",
        "ATTACH '{root}/attached.db'",
        "SELECT 1; DROP VIEW cases",
        "CREATE TABLE written AS SELECT 1",
    ],
)
def test_the_runner_only_reads(sample, sql):
    """The connection may read below the data root; nothing run through the runner may write there."""
    from queries import run_sql

    root = sample.extract.root
    with pytest.raises(QueryError, match="only reading queries run"):
        run_sql(sample, sql.format(root=root))
    assert not any((root / name).exists() for name in ("copied.csv", "exported", "attached.db"))


def test_a_team_scope_computes_team_flow_itself(snapshotted):
    """team_flow's snapshot is the whole extract's: a team scope's run gives its own rows, as live."""
    from unitload.access.scope import Scope
    from unitload.access.views import scoped_source

    fast, live = snapshotted
    team = run_query(live, "teams")["team"][0]
    scope = Scope(role="inspector", teams=(team,), names=True, subject="t")
    scoped_fast, scoped_live = scoped_source(fast, scope), scoped_source(live, scope)
    got = run_query(scoped_fast, "team_flow", as_of=fast.extract.as_of)
    same_rows(got, run_query(scoped_live, "team_flow", as_of=fast.extract.as_of))
    assert got.height < run_query(fast, "team_flow", as_of=fast.extract.as_of).height


def test_a_command_without_pyarrow_reads_every_query_as_the_app_does(sample, monkeypatch):
    """With PyArrow not loaded (a command), rows come through the Arrow C stream of a relation; with it loaded (the
    app), from the executed statement as an Arrow table. Same rows, columns and types for every named
    query."""
    import queries.runner as runner

    frame = runner.stream_frame
    through_arrow = {name: run_query(sample, name, **EXAMPLE_PARAMS.get(name, {})) for name in query_names()}
    monkeypatch.setattr(runner, "sys", SimpleNamespace(modules={}))  # as a command sees it: PyArrow not loaded
    streamed = []
    monkeypatch.setattr(runner, "stream_frame", lambda relation: streamed.append(1) or frame(relation))
    for name, expected in through_arrow.items():
        got = run_query(sample, name, **EXAMPLE_PARAMS.get(name, {}))
        assert_frame_equal(got, expected, abs_tol=1e-9)  # a float sum's order can differ from run to run
    # every query but those kept per decisions (none recorded: an empty frame, found once) was read so
    assert len(streamed) >= len(set(through_arrow) - set(runner.KEPT_QUERIES))
    assert any(rows.height for rows in through_arrow.values())


def test_a_query_run_unordered_gives_the_same_rows_without_sorting_them(sample, monkeypatch):
    """`ordered=False` (a page that only counts or draws the rows) sends the statement without its closing
    ORDER BY and gets the same rows, for every named query."""
    import queries.runner as runner
    from queries.catalogue import unordered

    sent = []
    real = runner.run_sql
    monkeypatch.setattr(runner, "run_sql", lambda source, sql, *a, **k: sent.append(sql) or real(source, sql, *a, **k))
    sorted_before = 0
    for name in query_names():
        params = EXAMPLE_PARAMS.get(name, {})
        sent.clear()
        expected = run_query(sample, name, **params)
        sorted_before += any(unordered(sql) != sql.rstrip() for sql in sent)
        sent.clear()
        got = run_query(sample, name, ordered=False, **params)
        assert all(unordered(sql) == sql.rstrip() for sql in sent), name
        assert_frame_equal(got, expected, check_row_order=False, abs_tol=1e-9)
    assert sorted_before > len(query_names()) // 2  # most queries sort their rows when asked in order
