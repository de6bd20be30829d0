"""The named queries (`queries/<name>.sql`) and the one runner that executes them.

- `catalogue`: each query's SQL and header (purpose, grain, parameters, columns), composition and binding;
- `snapshots`: the queries precomputed per extract, and when a run may read them;
- `runner`: `run_query`, the only way a page, the command line or a test runs a named query.
"""

from queries.catalogue import (
    DEFAULTS,
    LIST_PARAMS,
    QUERY_DIR,
    SNAPSHOT_QUERIES,
    NamedQuery,
    QueryError,
    QueryTimeout,
    bind_params,
    load_query,
    query_names,
)
from queries.runner import run_query, run_sql
from queries.snapshots import build_snapshots

__all__ = [
    "DEFAULTS",
    "LIST_PARAMS",
    "QUERY_DIR",
    "SNAPSHOT_QUERIES",
    "NamedQuery",
    "QueryError",
    "QueryTimeout",
    "bind_params",
    "build_snapshots",
    "load_query",
    "query_names",
    "run_query",
    "run_sql",
]
