"""Property tests: arbitrary link values and query parameters never raise and never become SQL text."""

import datetime as dt
from pathlib import Path

import pytest
from conftest import APP_WAIT, two_decisions
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from streamlit.testing.v1 import AppTest

from queries import LIST_PARAMS, QueryError, load_query, query_names, run_query
from queries.catalogue import composed
from queries.runner import KEPT_QUERIES

ROOT = Path(__file__).resolve().parent.parent

# every key a page reads from its link, by page (the frame's own first)
LINK_KEYS = {
    "overview.py": ["month", "unit", "teams", "extract"],
    "workload.py": ["month", "teams", "workload_adjusted", "officer"],
    "cases.py": [
        "unit",
        "cases_risks",
        "cases_group",
        "cases_log",
        "cases_ageing",
        "cases_band_holder",
        "cases_band_measure",
        "case",
    ],
    "forensics.py": [
        "month",
        "forensics_priorities",
        "forensics_devices",
        "forensics_horizon",
        "forensics_window",
        "forensics_section",
    ],
    "supervision.py": ["month", "unit", "teams"],
    "planner.py": ["scenario", "on", "tab", "compare", "month"],
    "data_definitions.py": ["extract", "month"],
}
TITLES = {
    "overview.py": "Monthly workload review",
    "workload.py": "Officer workload",
    "cases.py": "Case progression",
    "forensics.py": "Forensic backlog",
    "supervision.py": "Supervision and welfare",
    "planner.py": "Staffing planner",
    "data_definitions.py": "Data & definitions",
}
HOSTILE = st.sampled_from(
    [
        "'; drop view cases; --",
        "x' or '1'='1",
        "<img src=x onerror=alert(1)>",
        "javascript:alert(1)",
        "../../etc/passwd",
        "\x00",
        "9" * 400,
        "-1",
        "2026-02-30",
        "P1019",
        "October 2026",
    ]
)
VALUE = st.one_of(HOSTILE, st.text(max_size=60))


@pytest.mark.parametrize("page", sorted(LINK_KEYS))
@settings(max_examples=12, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(data=st.data())
def test_any_link_value_falls_back_without_an_error(page, data):
    keys = LINK_KEYS[page]
    asked = data.draw(st.dictionaries(st.sampled_from(keys), st.lists(VALUE, min_size=1, max_size=3), max_size=4))
    at = AppTest.from_file(str(ROOT / "dashboard.py"), default_timeout=APP_WAIT)
    at.run()  # as a server runs it: the frame's first run, then the page (a first run cannot be switched)
    at.switch_page(f"pages/{page}")
    for key, values in asked.items():
        at.query_params[key] = values if len(values) > 1 else values[0]
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    assert at.title and at.title[0].value == TITLES[page]  # the page asked for, not the Overview
    month = at.sidebar.selectbox(key="month")
    if asked.get("month") != ["October 2026"] and not any(v.endswith(" 2026") for v in asked.get("month", [])):
        assert month.value == dt.date(2026, 10, 31)  # the default, not the link's value


class Recording:
    """A cursor that records the SQL text it is given (values travel separately)."""

    def __init__(self, cursor, seen):
        self._cursor, self._seen = cursor, seen

    def sql(self, text, params=None):
        self._seen.append(text)
        return self._cursor.sql(text, params=params)

    def execute(self, text, params=None):
        self._seen.append(text)
        return self._cursor.execute(text, params)

    def __getattr__(self, name):
        return getattr(self._cursor, name)


PARAM_VALUES = {
    "as_of": st.dates(dt.date(1990, 1, 1), dt.date(2040, 12, 31)),
    "months": st.integers(1, 30),
    "weeks": st.integers(1, 60),
    "officer_id": VALUE,
    "case_id": VALUE,
}


@pytest.mark.parametrize("name", query_names())
@settings(max_examples=15, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(data=st.data())
def test_any_parameter_value_is_bound_never_spliced(sample, monkeypatch, name, data):
    query = load_query(name)
    given_values = {}
    for param in query.own_parameters:
        if param in LIST_PARAMS:
            given_values[param] = data.draw(st.one_of(st.none(), st.lists(VALUE, max_size=3)), label=param)
        elif param in PARAM_VALUES:
            given_values[param] = data.draw(PARAM_VALUES[param], label=param)
    # decisions recorded afresh for the queries found once per day and kept with them, so that theirs run
    source = sample.with_decisions(two_decisions()) if name in KEPT_QUERIES else sample
    seen: list[str] = []
    original = type(sample).cursor
    monkeypatch.setattr(type(sample), "cursor", lambda self: Recording(original(self), seen))
    try:
        frame = run_query(source, name, **given_values)
    except QueryError as exc:  # a refusal says why in words, never a database error
        assert "query" in str(exc)
        return
    finally:
        monkeypatch.undo()
    assert tuple(frame.columns) == query.columns
    # the file's text, byte for byte: every value went as a parameter (decision_events, found before, read as a
    # table: its first events do not depend on the values)
    found = frozenset({"decision_events"} & set(query.every_use))
    expected = [composed(name, found) if found else query.sql]
    if name == "decision_status":  # the decisions' events are found first, then read as a table
        expected.insert(0, load_query("decision_events").sql)
    assert seen == expected
    assert run_query(sample, "table_counts").height == 8  # and the views are all still there


def test_an_unreadable_as_of_day_is_a_query_error(sample):
    with pytest.raises(QueryError, match="'2026-02-30' is not a day YYYY-MM-DD"):
        run_query(sample, "officer_load", as_of="2026-02-30")


def test_the_streamlit_configuration_is_locked_down():
    """As the server reads it: no usage statistics, XSRF and CORS protection, no static files, no details."""
    import os

    from streamlit import config

    here = os.getcwd()
    os.chdir(ROOT)  # Streamlit reads .streamlit/config.toml of the folder it runs in
    try:
        config.get_config_options(force_reparse=True)
        assert config.get_option("browser.gatherUsageStats") is False
        assert config.get_option("server.enableXsrfProtection") is True
        assert config.get_option("server.enableCORS") is True
        assert config.get_option("server.enableStaticServing") is False
        assert config.get_option("client.showErrorDetails") == "none"
        assert config.get_option("global.developmentMode") is False
        assert config.get_where_defined("client.showErrorDetails") == str(ROOT / ".streamlit" / "config.toml")
    finally:
        os.chdir(here)
        config.get_config_options(force_reparse=True)
