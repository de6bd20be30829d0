"""What recorded decisions cost the pages that show them (issue 42: at most 20 ms a page).

Two stores of decisions beside the bench's settings: one empty, one with a year of monthly reviews' worth
(1,000 decisions on cases and officers of the extract, every kind of action, decided over the four months
before its as-of day). The settings file names one store or the other, and the pages that read decisions
are timed with each in turn, the bench's `--repeat` times over, so that the machine's other work falls on
both alike. The queries that read them are timed too: the attention list, and the status table the
Overview opens with.
"""

from __future__ import annotations

import datetime as dt
import random
import statistics
import time
from collections.abc import Callable
from pathlib import Path

from queries import run_query
from unitload.app import clear_queries
from unitload.decisions.checks import Decision
from unitload.decisions.ledger import read, record
from unitload.extract.db import Recorded, Source
from unitload.months import month_end_days
from unitload.store import open_store

PAGES = ("overview", "workload", "cases")  # the pages whose queries read the decisions
COUNT = 1_000
CASE_ACTIONS = ("progress", "review", "close", "reallocate", "accept")
OFFICER_ACTIONS = ("welfare_contact", "supervise", "action_plan", "reduce_load", "accept")


def decisions(source: Source, count: int = COUNT, seed: int = 1) -> list[Decision]:
    """`count` decisions on the extract's open cases and officers in post, nine in ten on cases."""
    as_of = source.extract.as_of
    cases = run_query(source, "case_progress", as_of=as_of, months=1)["case_id"].sort().to_list()
    officers = run_query(source, "officer_load", as_of=as_of, months=1)["officer_id"].sort().to_list()
    rng = random.Random(seed)
    made = []
    for _ in range(count):
        on_case = rng.random() < 0.9
        action = rng.choice(CASE_ACTIONS if on_case else OFFICER_ACTIONS)
        decided = as_of - dt.timedelta(days=rng.randint(0, 120))
        made.append(
            Decision(
                item="case" if on_case else "officer",
                item_id=rng.choice(cases if on_case else officers),
                action=action,
                owner_id=rng.choice(officers),
                decided_on=decided,
                due_on=decided + dt.timedelta(days=rng.choice((14, 28, 56))),
                decided_by="bench",
                to_officer=rng.choice(officers) if action == "reallocate" else None,
            )
        )
    return made


def stores(folder: Path, made: list[Decision]) -> tuple[str, str]:
    """The URLs of an empty store and of one holding `made` (recorded unchecked, as a bench needs no rules)."""
    empty, full = f"sqlite:///{folder / 'no-decisions.sqlite'}", f"sqlite:///{folder / 'decisions.sqlite'}"
    open_store(empty)
    store = open_store(full)
    for decision in made:
        record(store, decision)
    return empty, full


def cost(
    source: Source,
    settings_file: Path,
    time_page: Callable[[str, dict], float],
    filters: list[dict[str, str]],
    rounds: int = 3,
) -> list[tuple[str, float, float, float]]:
    """(what, median seconds without decisions, median seconds with them, seconds added) for each page, then
    each query.

    A page's added seconds are the median of paired differences: each warm filter change with decisions
    less the same change without them, timed one straight after the other (each after the page's first run
    on that month with the query caches emptied, as its base), so that the machine's drift falls on both
    sides of each pair; the store timed first alternates from pair to pair. Timed a page's three changes
    with one store, then with the other, the pairs were seconds apart and the medians moved by ±30 ms from
    bench to bench at region scale.
    """
    base = settings_file.read_text(encoding="utf-8")
    empty, full = stores(settings_file.parent, decisions(source))
    timed: dict[tuple[str, str], list[float]] = {}
    pair = 0
    try:
        for _ in range(rounds):
            for page in PAGES:
                for params in filters:
                    for url in (empty, full) if pair % 2 == 0 else (full, empty):
                        settings_file.write_text(base + f'\n[decisions]\nurl = "{url}"\n', encoding="utf-8")
                        time.sleep(0.01)  # a new modification time: the app reads the settings again
                        clear_queries()
                        time_page(page, {})  # its first run: the month's queries, as the warm run's base
                        timed.setdefault((page, url), []).append(time_page(page, params))
                    pair += 1
    finally:
        settings_file.write_text(base, encoding="utf-8")
    rows = []
    for page in PAGES:
        without, with_them = timed[page, empty], timed[page, full]
        added = statistics.median(w - n for n, w in zip(without, with_them, strict=True))
        rows.append((page, statistics.median(without), statistics.median(with_them), added))
    recorded = source.with_decisions(read(open_store(full)))
    days = month_end_days(source.extract.as_of, 5)  # each a day not asked for before: a status kept is not timed
    for name in ("attention_list", "decision_status"):
        without = _best(source, name, days)
        with_them = _best(recorded, name, days)
        rows.append((f"query {name}", without, with_them, with_them - without))
    return rows


def _best(source: Source, name: str, days: list[dt.date]) -> float:
    """The quickest of `name`'s runs on `days`, in a new copy of the decisions as read (so found afresh)."""
    if source.decisions is not None:
        source = source.with_decisions(Recorded(source.decisions.table, source.decisions.version))
    spans = []
    for day in days:
        start = time.perf_counter()
        run_query(source, name, as_of=day)
        spans.append(time.perf_counter() - start)
    return min(spans)
