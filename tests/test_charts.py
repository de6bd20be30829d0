"""Ageing charts: every item a point up to POINT_LIMIT; past it, boxes for all and points for the outliers."""

import datetime as dt

import polars as pl

from unitload.charts import cases as case_charts
from unitload.charts import forensics as forensic_charts
from unitload.charts import workload as charts
from unitload.charts.text import chart_table


def _queue(n: int) -> pl.DataFrame:
    stages = forensic_charts.STAGES
    return pl.DataFrame(
        {
            "exhibit_id": [f"E{i:06d}" for i in range(n)],
            "case_id": [f"C{i % 97:06d}" for i in range(n)],
            "priority": [("urgent", "high", "standard", "low")[i % 4] for i in range(n)],
            "device_type": ["phone"] * n,
            "stage": [stages[i % 4] for i in range(n)],
            "age_days": [i % 400 for i in range(n)],
            "stage_age_days": [i % 50 for i in range(n)],
        }
    )


PACE = pl.DataFrame(
    {
        "stage": list(forensic_charts.STAGES),
        "p50": [10.0, 20.0, 30.0, 40.0],
        "p85": [100.0, 200.0, 300.0, 399.0],
        "p95": [150.0, 250.0, 350.0, 399.5],
    }
)


def _points(fig) -> list:
    return [t for t in fig.data if t.type == "box" and t.boxpoints == "all"]


def test_a_unit_sized_queue_draws_every_item_at_its_stage_with_its_hover():
    fig = forensic_charts.ageing(_queue(40), PACE)
    points = _points(fig)
    assert sum(len(t.y) for t in points) == 40
    assert not [t for t in fig.data if t.type == "box" and t.boxpoints is False]  # no summary boxes
    urgent = next(t for t in points if t.name == "urgent")
    assert list(urgent.x[:2]) == [0, 0]  # items 36 and 32, the oldest urgent ones first: awaiting triage
    assert list(urgent.customdata[0]) == ["E000036", "phone", "C000036", "36"]  # its hover, filled in the browser
    detail = chart_table(fig).filter(pl.col("series") == "urgent")["detail"]  # as the text alternative reads it
    assert detail[0] == "E000036 (phone) · case C000036; days since submission: 36; days in this stage: 36"
    assert detail[1] == "E000032 (phone) · case C000032; days since submission: 32; days in this stage: 32"
    assert list(fig.layout.xaxis.ticktext) == [
        "awaiting triage",
        "awaiting download",
        "downloading",
        "awaiting examination",
    ]
    assert not fig.layout.title.text


def test_a_force_sized_queue_draws_boxes_and_only_the_items_past_their_stage_p85():
    n = charts.POINT_LIMIT + 1000
    queue = _queue(n)
    fig = forensic_charts.ageing(queue, PACE)
    p85 = dict(zip(PACE["stage"], PACE["p85"], strict=True))
    past = queue.filter(pl.col("age_days") > pl.col("stage").replace_strict(p85))
    assert sum(len(t.y) for t in _points(fig)) == min(past.height, charts.POINT_LIMIT)
    assert all(y > 100 for t in _points(fig) for y in t.y)  # nothing at or under the lowest p85 is a point
    boxes = [t for t in fig.data if t.type == "box" and t.boxpoints is False]
    assert len(boxes) == 1 and list(boxes[0].x) == [0, 1, 2, 3]
    triage = queue.filter(pl.col("stage") == "awaiting_triage")["age_days"]
    assert boxes[0].median[0] == triage.median() and boxes[0].upperfence[0] == triage.max()
    assert fig.layout.title.text.startswith(f"{n:,} items: boxes show")
    table = chart_table(fig)  # the chart's text alternative: each box's own summary, at the stage it stands at
    triaged = table.row(by_predicate=(pl.col("series") == "all items") & (pl.col("at") == "awaiting triage"))
    q1, q3 = (round(triage.quantile(q, "linear"), 1) for q in (0.25, 0.75))
    five = f"lowest 0; lower quartile {q1}; median 198.0; upper quartile {q3}; highest 396"
    assert triaged[2:] == (triage.median(), five)
    assert set(table.filter(pl.col("series") == "urgent")["at"]) <= set(fig.layout.xaxis.ticktext)  # stages, named
    assert f"points are the {past.height:,} older than their stage's p85 pace" in fig.layout.title.text


def test_a_force_sized_case_chart_draws_the_stale_cases_oldest_first_up_to_the_limit():
    n = charts.POINT_LIMIT * 2 + 10
    cases = pl.DataFrame(
        {
            "case_id": [f"C{i:06d}" for i in range(n)],
            "officer_id": [None if i % 10 == 0 else f"P{i % 7}" for i in range(n)],
            "oic_team": [None if i % 10 == 0 else f"T{i % 3}" for i in range(n)],
            "risk_grade": ["high"] * n,
            "days_since_progress": list(range(n)),
            "unprogressed": [i > 28 for i in range(n)],
            "days_open": [i + 5 for i in range(n)],
            "last_progress_on": [dt.date(2026, 1, 1)] * n,
            "last_progress_type": ["arrest"] * n,
            "forensic_pending": [0] * n,
        }
    )
    fig = case_charts.ageing(cases, group="oic_team", percentiles={"p50": 10.0}, stale_days=28)
    (points,) = _points(fig)
    assert len(points.y) == charts.POINT_LIMIT  # more than the limit are stale: the oldest are drawn
    assert min(points.y) == n - charts.POINT_LIMIT
    assert list(fig.layout.xaxis.ticktext) == ["T0", "T1", "T2", "unallocated"]
    assert points.customdata[0][0] == f"C{n - 1:06d}"  # a clicked point names its case
    assert f"the oldest {charts.POINT_LIMIT:,} drawn" in fig.layout.title.text
    table = chart_table(fig)  # the text alternative: a row per team's box (its own cases), then the points' own
    t1 = cases.filter(pl.col("oic_team") == "T1")["days_since_progress"].clip(lower_bound=1)
    row = table.row(by_predicate=pl.col("series") == "all items: T1", named=True)
    assert (row["lowest"], row["median"], row["highest"]) == (t1.min(), t1.median(), t1.max())
    assert table["series"].to_list() == [f"all items: {t}" for t in ("T0", "T1", "T2", "unallocated")] + ["high"]


def test_a_force_sized_case_chart_by_officer_keeps_the_officers_with_most_stale_cases():
    n = charts.OFFICER_LIMIT + 20
    # officer O{i} holds i + 1 cases, of which i are stale (over 28 days); one unallocated case, fresh
    rows = [(f"O{i:03d}", 29 + k if k < i else 3) for i in range(n) for k in range(i + 1)] + [(None, 1)]
    cases = pl.DataFrame(rows, schema=["officer", "days_since_progress"], orient="row").with_columns(
        case_id=pl.format("C{}", pl.int_range(pl.len())),
        officer_id=pl.col("officer"),
        oic_team=pl.lit("T1"),
        risk_grade=pl.lit("high"),
        unprogressed=pl.col("days_since_progress") > 28,
        days_open=pl.col("days_since_progress") + 5,
        last_progress_on=pl.lit(dt.date(2026, 1, 1)),
        last_progress_type=pl.lit("arrest"),
        forensic_pending=pl.lit(0),
    )
    fig = case_charts.ageing(cases, group="officer", percentiles={}, stale_days=28)
    assert list(fig.layout.xaxis.ticktext) == [f"O{i:03d}" for i in range(n - charts.OFFICER_LIMIT, n)]
    assert fig.layout.title.text.startswith(f"The {charts.OFFICER_LIMIT} of {n + 1:,} columns with the most stale")
    unit = case_charts.ageing(cases.filter(pl.col("officer") < "O010"), group="officer", percentiles={}, stale_days=28)
    assert len(unit.layout.xaxis.ticktext) == 10 and not unit.layout.title.text  # a unit: every officer


def _officers(n: int, as_of=dt.date(2026, 10, 31)) -> pl.DataFrame:
    return pl.DataFrame(
        {
            "label": [f"P{i:04d}" for i in range(n)],
            "as_of": [as_of] * n,
            "load_pct": [None if i == 0 else float(i) for i in range(n)],  # P0000: load and no capacity
            "weighted_load": [float(i) for i in range(n)],
            "capacity_points": [0.0 if i == 0 else 100.0 for i in range(n)],
            "open_cases": [i % 9 for i in range(n)],
            "fte": [1.0] * n,
            "overloaded": [i > 120 for i in range(n)],
            "part_time_full_load": [False] * n,
        }
    )


def test_a_unit_sized_load_chart_has_a_bar_for_every_officer():
    fig = charts.load_bars(_officers(12), adjusted=True, overload_pct=120, points_per_fte=10)
    assert len(fig.data[0].y) == 12 and not fig.layout.title.text


def test_a_force_sized_load_chart_draws_the_most_loaded_officers_and_says_so():
    n = charts.OFFICER_LIMIT + 40
    fig = charts.load_bars(_officers(n), adjusted=True, overload_pct=120, points_per_fte=10)
    drawn = list(fig.data[0].y)
    assert len(drawn) == charts.OFFICER_LIMIT
    assert "P0000" in drawn  # no capacity at all comes first
    assert set(drawn) - {"P0000"} == {f"P{i:04d}" for i in range(n - charts.OFFICER_LIMIT + 1, n)}
    assert fig.layout.title.text.startswith(f"The {charts.OFFICER_LIMIT} most loaded of {n:,} officers")


def test_a_force_sized_heat_strip_keeps_the_officers_most_loaded_at_the_latest_month_end():
    n = charts.OFFICER_LIMIT + 10
    earlier = _officers(n, dt.date(2026, 9, 30)).with_columns(load_pct=pl.lit(500.0))  # all hot a month ago
    latest = _officers(n)
    fig = charts.heat_strip(pl.concat([earlier, latest]), overload_pct=120)
    rows = set(fig.data[0].y)
    assert len(rows) == charts.OFFICER_LIMIT
    assert "P0001" not in rows and f"P{n - 1:04d}" in rows  # ranked on the latest month, not the earlier one
    assert len(fig.data[0].x) == 2


def _bands(holders: int) -> pl.DataFrame:
    """Two bands per holder; holder H0007 has 7 + 1 cases, so the higher numbers hold more."""
    rows = [
        (f"H{h:04d}", band, index, cases)
        for h in range(holders)
        for band, index, cases in (("0-28 days", 0, h), ("29-90 days", 1, 1))
    ]
    return pl.DataFrame(rows, schema=["holder", "age_band", "age_band_index", "cases"], orient="row").with_columns(
        weighted_load=pl.col("cases") * 1.5
    )


def test_an_age_band_chart_of_a_unit_has_every_holder():
    fig = case_charts.age_band_bars(_bands(12), measure="cases")
    assert [len(trace.x) for trace in fig.data] == [12, 12] and not fig.layout.title.text


def test_an_age_band_chart_of_a_force_keeps_the_holders_with_most_and_says_so():
    n = charts.OFFICER_LIMIT + 25
    fig = case_charts.age_band_bars(_bands(n), measure="weighted_load")
    kept = {f"H{h:04d}" for h in range(n - charts.OFFICER_LIMIT, n)}  # ranked by both bands together
    assert [set(trace.x) for trace in fig.data] == [kept, kept]
    note = fig.layout.title.text
    assert note.startswith(f"The {charts.OFFICER_LIMIT} most loaded of {n:,} officers") and "table" not in note


def test_an_ageing_chart_draws_the_same_points_oldest_first_whatever_order_the_items_come_in():
    """The Forensic backlog reads its queue unsorted: the points drawn, and their order, are the oldest first with
    the first id on a tie, from the items in any order; past POINT_LIMIT, the oldest POINT_LIMIT of them."""
    for count in (charts.POINT_LIMIT - 100, charts.POINT_LIMIT + 500):
        items = pl.DataFrame({"id": [f"E{i:05d}" for i in range(count)], "age": [i % 40 for i in range(count)]})
        drawn = [
            charts.thin(frame, value="age", ties="id", beyond=pl.col("age") >= 0, noun="items", what="any age")[0]
            for frame in (items, items.sample(fraction=1.0, shuffle=True, seed=7), items.reverse())
        ]
        assert drawn[0].equals(drawn[1]) and drawn[0].equals(drawn[2]), count
        expected = items.sort(["age", "id"], descending=[True, False]).head(charts.POINT_LIMIT)
        assert drawn[0].equals(expected), count
