"""Named-query results and planner outcomes, computed once and shared across users of the same scope.

Every key holds everything a result depends on: the extract, the scope's schema, the settings'
fingerprint and the parameters (for the planner: the scenario and the day too).
"""

from __future__ import annotations

import contextlib
import datetime as dt
import threading
from collections import OrderedDict
from concurrent.futures import Future, ThreadPoolExecutor

import polars as pl
import streamlit as st

from queries import run_query
from queries.catalogue import load_query
from unitload.extract.db import Source
from unitload.planning.planner import Outcome, Proposed, edited, evaluate, rebalance_moves
from unitload.planning.projection import projection, with_flow
from unitload.planning.scenario import parse

QUERY_CACHE = 256  # query results kept, across users and extracts
# Queries whose rows the pages only count, aggregate and draw, never show in their order: run without their
# closing ORDER BY (at region scale, sorting the forensic queue's 115,000 items took as long as finding them).
# Every run of one of them here is unordered, so a query that uses it reads the same cached rows.
UNORDERED = frozenset({"forensic_backlog"})


def source_key(source: Source, name: str = "") -> tuple:
    """What a result of `source` depends on besides its parameters: extract, scope and settings, and for a query
    that reads decisions, the version of the decisions (a decision recorded shows on the next run)."""
    key = (source.extract.extract_id, source.schema, source.settings.fingerprint())
    if name and "decisions" in load_query(name).sql and source.decisions is not None:
        key += source.decisions.version
    return key


# A resource cache: results are handed out as they are, not pickled and unpickled on every use (a
# large frame took longer to copy than to compute). Polars frames are not changed in place here.
@st.cache_resource(show_spinner=False, max_entries=QUERY_CACHE)
def _cached_query(_source: Source, key: tuple, name: str, params: tuple) -> pl.DataFrame:
    at = (key, name, repr(params))  # parameter values may be lists: their text is the dictionaries' key
    started = _started.pop(at, None)
    if started is not None:
        result = started.result()
    else:
        reusing = _found(_source, name, params)
        result = run_query(_source, name, reusing=reusing, ordered=name not in UNORDERED, **dict(params))
    with _lock:
        _done[at] = None
        while len(_done) > QUERY_CACHE:
            _done.popitem(last=False)
    return result


def _found(source: Source, name: str, params: tuple) -> dict[str, pl.DataFrame]:
    """The rows of queries `name` uses with the same parameters, in the cache or started ahead (a page reads the
    forensic backlog, then its oldest items with the same filters): its statement reads them instead."""
    uses = load_query(name).uses
    with _lock:
        started = _started_uses(source, name, params)  # left for the page to read, as they were started for
        held = [u for u in uses if u not in started and (source_key(source, u), u, repr(params)) in _done]
    # a hit (computed again, the same rows, should it have been evicted since)
    return {used: _cached_query(source, source_key(source, used), used, params) for used in held} | _rows(started)


def _rows(started: dict[str, Future]) -> dict[str, pl.DataFrame]:
    """The rows of queries started ahead, once they have them; one that failed is left out (its error is shown
    where the page reads it, and what needed it computes it itself)."""
    rows = {}
    for used, future in started.items():
        with contextlib.suppress(Exception):
            rows[used] = future.result()
    return rows


_workers = ThreadPoolExecutor(max_workers=2, thread_name_prefix="unitload-query")
_lock = threading.Lock()
_started: dict[tuple, Future] = {}  # queries a page started ahead (`prefetch`), until it reads them
_done: OrderedDict[tuple, None] = OrderedDict()  # the most recent keys computed: in the cache, barring eviction


_computing = ThreadPoolExecutor(max_workers=2, thread_name_prefix="unitload-compute")


def in_background(compute, *args, **kwargs) -> Future:
    """`compute(*args, **kwargs)` started on a thread of its own while the page draws on (NumPy work, such as
    the forensic Monte Carlo, releases the interpreter's lock); `.result()` waits for it where it is shown.
    It must not call Streamlit."""
    return _computing.submit(compute, *args, **kwargs)


def query(source: Source, name: str, **params) -> pl.DataFrame:
    """A named query's result, cached per extract, scope, settings and parameters."""
    key, ordered = source_key(source, name), tuple(sorted(params.items()))
    try:
        return _cached_query(source, key, name, ordered)
    finally:
        _started.pop((key, name, repr(ordered)), None)  # started while another run cached it: not needed


def clear_queries() -> None:
    """Empty the query cache (and forget what was computed or started)."""
    _cached_query.clear()
    with _lock:
        _done.clear()
        _started.clear()


def started() -> int:
    """How many queries were started ahead and not yet read."""
    return len(_started)


def prefetch(source: Source, *calls: tuple[str, dict]) -> None:
    """Start queries that the page reads later with `query` (name and parameters), two at a time.

    DuckDB works outside Python's lock, so they run while the page draws what it already has: a page
    of many queries waits for about the longest of them rather than their sum. The page's `query`
    with the same name and parameters takes the started result (or its error). A query computed
    recently (so in the cache) is not started.
    """
    with _lock:
        for name, params in calls:
            ordered = tuple(sorted(params.items()))
            at = (source_key(source, name), name, repr(ordered))
            if at not in _started and at not in _done:
                before = _started_uses(source, name, ordered)
                _started[at] = _workers.submit(_run_after, source, name, params, before)
        while len(_started) > 4 * QUERY_CACHE:  # pages that stopped before reading what they started
            _started.pop(next(iter(_started)))


def _started_uses(source: Source, name: str, params: tuple) -> dict[str, Future]:
    """The queries `name` uses that were started with the same parameters and not yet read (lock held)."""
    keys = {used: (source_key(source, used), used, repr(params)) for used in load_query(name).uses}
    return {used: _started[key] for used, key in keys.items() if key in _started}


def _run_after(source: Source, name: str, params: dict, before: dict[str, Future]) -> pl.DataFrame:
    """`name` once the queries it uses, started before it with the same parameters, have their rows, which it
    reads instead of computing them again. The workers take work in order, so those are running or done."""
    return run_query(source, name, reusing=_rows(before), ordered=name not in UNORDERED, **params)


# The planner's results: every key holds what the result depends on, the source's key (extract, scope,
# settings), the scenario's text, the day and the other parameters.
@st.cache_data(show_spinner="Measuring the scenario…", max_entries=64)
def _plan(_source: Source, key: tuple, scenario_text: str, on: dt.date, horizon: int) -> Outcome:
    return evaluate(_source, parse(scenario_text), on, horizon=horizon)


def plan(source: Source, scenario_text: str, on: dt.date, horizon: int = 104) -> Outcome:
    """The planner's outcome for a scenario (empty text: the baseline) on a day."""
    return _plan(source, source_key(source), scenario_text, on, horizon)


@st.cache_data(show_spinner="Proposing moves…", max_entries=32)
def _proposal(_source: Source, key: tuple, scenario_text: str, on: dt.date, target: float) -> list[Proposed]:
    return rebalance_moves(edited(_source, parse(scenario_text)), on, target)


def proposal(source: Source, scenario_text: str, on: dt.date, target: float) -> list[Proposed]:
    """A rebalancing proposal on the scenario so far, on a day, up to a target load."""
    return _proposal(source, source_key(source), scenario_text, on, target)


@st.cache_data(show_spinner="Projecting the next months…", max_entries=32)
def _projected(_source: Source, key: tuple, scenario_text: str, months: int) -> pl.DataFrame:
    return with_flow(_source, projection(_source, parse(scenario_text), months))


def projected(source: Source, scenario_text: str, months: int = 12) -> pl.DataFrame:
    """Baseline and scenario at each of the next `months` month ends (planner.projection)."""
    return _projected(source, source_key(source), scenario_text, months)
