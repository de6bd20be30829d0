"""The named queries (`queries/<name>.sql`) and the one runner that executes them.

- `catalogue`: each query's SQL and header (purpose, grain, parameters, columns), composition and binding;
- `snapshots`: the queries precomputed per extract, and when a run may read them;
- `runner`: `run_query`, the only way a page, the command line or a test runs a named query.

The names below are imported from their modules when first used, so that reading the catalogue (the
command line's help, the reference docs) does not load DuckDB, Polars and PyArrow.
"""

from __future__ import annotations

import importlib

_EXPORTS = {
    "DEFAULTS": "queries.catalogue",
    "LIST_PARAMS": "queries.catalogue",
    "QUERY_DIR": "queries.catalogue",
    "SNAPSHOT_QUERIES": "queries.catalogue",
    "NamedQuery": "queries.catalogue",
    "QueryError": "queries.catalogue",
    "QueryTimeout": "queries.catalogue",
    "bind_params": "queries.catalogue",
    "load_query": "queries.catalogue",
    "query_names": "queries.catalogue",
    "run_query": "queries.runner",
    "run_sql": "queries.runner",
    "time_limit": "queries.runner",
    "check_time": "queries.runner",
    "build_snapshots": "queries.snapshots",
}
__all__ = sorted(_EXPORTS)


def __getattr__(name: str):
    if name not in _EXPORTS:
        raise AttributeError(f"module 'queries' has no attribute {name!r}")
    value = getattr(importlib.import_module(_EXPORTS[name]), name)
    globals()[name] = value
    return value
