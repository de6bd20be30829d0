"""Roles from claims, and the row scope each role gets below the named queries."""

import pytest
from conftest import D, action, assign, case, contract, exhibit, officer

from queries import query_names, run_query
from unitload import app
from unitload.access.scope import AccessDenied, role_scope, scope_from_claims
from unitload.access.views import scoped_source
from unitload.roles import BY_NAME
from unitload.settings import Access

ACCESS = Access(
    roles={"dsu": "superintendent", "di": "inspector", "ds": "sergeant", "analysts": "analyst", "plan": "planner"}
)
AS_OF = D(2026, 6, 30)


@pytest.mark.parametrize(
    ("claims", "role", "teams", "names"),
    [
        ({"sub": "u1", "groups": ["dsu"]}, "superintendent", None, True),
        ({"sub": "u2", "groups": "ds", "teams": ["T1"]}, "sergeant", ("T1",), True),
        ({"sub": "u3", "groups": ["di"], "teams": ["T2", "T1"]}, "inspector", ("T1", "T2"), True),
        ({"sub": "u4", "groups": ["analysts"], "teams": ["T1"]}, "analyst", None, False),
        ({"sub": "u5", "groups": ["plan", "other"]}, "planner", None, False),
        # several groups: the role that sees most
        ({"sub": "u6", "groups": ["analysts", "dsu"]}, "superintendent", None, True),
    ],
)
def test_roles_come_from_claims_through_the_mapping(claims, role, teams, names):
    scope = scope_from_claims(claims, ACCESS)
    assert (scope.role, scope.teams, scope.names, scope.subject) == (role, teams, names, claims["sub"])


@pytest.mark.parametrize(
    ("claims", "reason"),
    [
        ({"sub": "u1", "groups": ["strangers"]}, "mapped to a role"),
        ({"sub": "u1"}, "mapped to a role"),
        ({"groups": ["dsu"]}, "subject"),
        ({"sub": "u1", "groups": ["ds"]}, "needs the teams"),
        ({"sub": "u1", "groups": ["ds"], "teams": ["T1", "T2"]}, "one team"),
        ({"sub": "u1", "groups": ["di"], "teams": []}, "needs the teams"),
        ({"sub": "u1", "groups": {"dsu": True}}, "mapped to a role"),  # not a string or a list
    ],
)
def test_claims_without_a_usable_role_are_refused(claims, reason):
    with pytest.raises(AccessDenied, match=reason):
        scope_from_claims(claims, ACCESS)


def test_pages_follow_the_role():
    assert "planner.py" in BY_NAME["superintendent"].pages and "planner.py" in BY_NAME["planner"].pages
    assert "planner.py" not in BY_NAME["sergeant"].pages and "planner.py" not in BY_NAME["analyst"].pages
    assert "supervision.py" not in BY_NAME["analyst"].pages and "supervision.py" in BY_NAME["sergeant"].pages
    assert all("data_definitions.py" in role.pages for role in BY_NAME.values())


@pytest.fixture
def two_teams(build):
    """T1: A1, A2; T2: B1. C3 moved from A1 to B1 on 1 June; C4 is unallocated."""
    return build(
        officers=[officer("A1", "T1"), officer("A2", "T1"), officer("B1", "T2")],
        contracts=[contract("A1"), contract("A2"), contract("B1")],
        cases=[case("C1"), case("C2"), case("C3"), case("C4")],
        assignments=[
            assign("C1", "A1"),
            assign("C2", "B1"),
            assign("C3", "A1", assigned_to=D(2026, 6, 1)),
            assign("C3", "B1", assigned_from=D(2026, 6, 1), reason="reallocation"),
        ],
        actions=[
            action("X1", "C1", D(2026, 6, 2), officer_id="A1"),
            action("X2", "C2", D(2026, 6, 2), "enquiry", "B1"),
        ],
        exhibits=[exhibit("E1", "C1"), exhibit("E2", "C2")],
    )


def ids(source, name, column):
    from queries import load_query

    params = {"as_of": AS_OF} if "as_of" in load_query(name).parameters else {}
    return sorted(run_query(source, name, **params)[column].drop_nulls().unique().to_list())


def test_a_sergeant_sees_only_their_team(two_teams):
    team = scoped_source(two_teams, role_scope("sergeant", "s", ("T1",)))
    assert ids(team, "officer_load", "officer_id") == ["A1", "A2"]
    assert ids(team, "teams", "team") == ["T1"]
    # the cases ever held by the team: C3 stays in view, its present holder (T2) only as an id
    assert ids(team, "case_progress", "case_id") == ["C1", "C3"]
    held = run_query(team, "case_progress", as_of=AS_OF).filter(case_id="C3").row(0, named=True)
    assert (held["officer_id"], held["oic_team"]) == ("B1", None)
    assert ids(team, "forensic_queue", "exhibit_id") == ["E1"]
    assert ids(team, "officer_names", "officer_id") == ["A1", "A2"]


def test_an_inspector_sees_the_teams_under_them(two_teams):
    both = scoped_source(two_teams, role_scope("inspector", "i", ("T1", "T2")))
    assert ids(both, "officer_load", "officer_id") == ["A1", "A2", "B1"]
    assert ids(both, "case_progress", "case_id") == ["C1", "C2", "C3"]  # C4 was never held by either team


def test_an_analyst_never_sees_a_name(two_teams):
    analyst = scoped_source(two_teams, role_scope("analyst", "a"))
    names = run_query(analyst, "officer_names").sort("officer_id")
    assert names["display_name"].to_list() == names["officer_id"].to_list()
    superintendent = scoped_source(two_teams, role_scope("superintendent", "d"))
    shown = run_query(superintendent, "officer_names").sort("officer_id")["display_name"].to_list()
    assert shown == ["Name A1", "Name A2", "Name B1"]
    assert ids(analyst, "case_progress", "case_id") == ["C1", "C2", "C3", "C4"]  # every unit


def test_the_whole_extract_role_matches_the_unscoped_queries(sample):
    """Scoping by every team changes no figure: the views select the same rows."""
    superintendent = scoped_source(sample, role_scope("superintendent", "d"))
    for name in ("officer_load", "case_progress", "forensic_queue", "attention_list", "table_counts"):
        assert run_query(superintendent, name).equals(run_query(sample, name)), name


def test_every_named_query_runs_inside_a_team_scope(sample):
    """Each query still runs on the views; P1019 (POLIT-B) and their cases are out of POLIT-A's sight."""
    from test_queries import EXAMPLE_PARAMS

    team = scoped_source(sample, role_scope("sergeant", "s", ("POLIT-A",)))
    other = scoped_source(sample, role_scope("sergeant", "s", ("POLIT-B",)))
    for name in query_names():
        run_query(team, name, **EXAMPLE_PARAMS.get(name, {}))
    for name in ("officer_cases", "officer_history", "case_timeline"):
        assert run_query(team, name, **EXAMPLE_PARAMS[name]).height == 0, name
        assert run_query(other, name, **EXAMPLE_PARAMS[name]).height > 0, name


def test_a_cached_result_is_never_served_to_another_scope(two_teams):
    """app.query caches by extract, scope schema, settings and parameters: same filters, other role."""
    sergeant = scoped_source(two_teams, role_scope("sergeant", "s", ("T1",)))
    superintendent = scoped_source(two_teams, role_scope("superintendent", "d"))
    first = app.query(sergeant, "officer_load", as_of=AS_OF)
    second = app.query(superintendent, "officer_load", as_of=AS_OF)
    assert sorted(first["officer_id"]) == ["A1", "A2"]
    assert sorted(second["officer_id"]) == ["A1", "A2", "B1"]
    assert sorted(app.query(sergeant, "officer_load", as_of=AS_OF)["officer_id"]) == ["A1", "A2"]


def test_team_codes_are_bound_values(two_teams):
    """A team claim is data, never SQL: a hostile code matches nothing and breaks nothing."""
    odd = scoped_source(two_teams, role_scope("sergeant", "s", ("T1') OR ('1'='1",)))
    assert run_query(odd, "officer_load", as_of=AS_OF).height == 0
