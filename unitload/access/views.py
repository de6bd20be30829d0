"""An extract as one user's scope sees it: a schema of views that keep only the scope's teams' rows and
pseudonymise names when the role may not see them.

Team scope, table by table as `unitload.schema.TABLES` says (its `scope` rule): the officers of the
teams; their contracts, absences and supervision; the cases ever assigned to them, with all of those
cases' assignments, actions and exhibits (officers of other teams appear in a shared case's history
by id only). Every named query then runs unchanged on these views; the snapshot tables read
through views of their own (`queries.snapshots.scope_snapshots`).
"""

from __future__ import annotations

# SQL text here is built only from table names of schema.TABLES, quoted by ident(); team codes are
# bound values. ruff's S608 cannot tell the two apart.
# ruff: noqa: S608
import hashlib

from queries.snapshots import scope_snapshots
from unitload.access.scope import Scope
from unitload.extract.db import MACROS, Source, ident
from unitload.extract.schema import SCOPE_RULES, TABLES


def scoped_source(source: Source, scope: Scope) -> Source:
    """`source` as `scope` sees it; the views are made once per extract and scope."""
    made = source.db.scopes
    found = made.get((source.schema, scope.key))
    if found is None:
        found = "r_" + hashlib.sha256(f"{source.schema}|{scope.key}".encode()).hexdigest()[:16]
        with source.db.lock:
            cur = source.db.cursor()
            _create_scope(cur, source.schema, found, scope.teams, scope.names)
            scope_snapshots(cur, source, found, scope.teams is not None)
            cur.close()
            if scope.teams is not None:
                source.db.team_scopes.add(found)
            made[(source.schema, scope.key)] = found
    return source.within(found)


def _where(rule: str, base: str, schema: str) -> str:
    """The condition that keeps a table's rows under a team scope's `rule` (one of SCOPE_RULES)."""
    officers = "(SELECT officer_id FROM " + schema + ".officers)"
    return {
        "team": "team IN (SELECT team FROM " + schema + ".scope_teams)",
        "officer": "officer_id IN " + officers,
        "held": "case_id IN (SELECT case_id FROM " + base + ".assignments WHERE officer_id IN " + officers + ")",
        "case": "case_id IN (SELECT case_id FROM " + schema + ".cases)",
    }[rule]


def _create_scope(cur, base: str, schema: str, teams: tuple[str, ...] | None, names: bool) -> None:
    """The views of one scope over the extract's views in `base`, made in the order of SCOPE_RULES."""
    b, s = ident(base), ident(schema)
    cur.execute("CREATE SCHEMA IF NOT EXISTS " + s)
    cur.execute("CREATE OR REPLACE TABLE " + s + ".scope_teams (team VARCHAR)")
    for team in teams or ():
        cur.execute("INSERT INTO " + s + ".scope_teams VALUES ($team)", {"team": team})
    for rule in SCOPE_RULES:
        for table in (t for t in TABLES if t.scope == rule):
            select = "*"
            if table.name == "officers" and not names:
                select = "* REPLACE (officer_id AS display_name)"
            where = " WHERE " + _where(rule, b, s) if teams is not None else ""
            cur.execute(
                "CREATE OR REPLACE VIEW "
                + s
                + "."
                + ident(table.name)
                + " AS SELECT "
                + select
                + " FROM "
                + b
                + "."
                + ident(table.name)
                + where
            )
    cur.execute("USE " + s)
    cur.execute(MACROS.read_text(encoding="utf-8"))
