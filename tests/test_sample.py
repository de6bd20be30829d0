"""The committed sample extract: reproducible from its seed, and carrying the shapes it promises."""

import datetime as dt

import polars as pl
import pytest
from conftest import SAMPLE

from queries import run_query
from unitload.extract.schema import TABLE_NAMES
from unitload.generate import generate_extract


@pytest.mark.slow
def test_regenerating_with_the_recorded_seed_gives_the_same_data(tmp_path):
    generate_extract(tmp_path / "unit", scale="unit", seed=42, as_of=dt.date(2026, 10, 31))
    for table in TABLE_NAMES:
        committed = SAMPLE / f"{table}.parquet"
        if not committed.exists():
            assert not (tmp_path / "unit" / f"{table}.parquet").exists()
            continue
        assert pl.read_parquet(committed).equals(pl.read_parquet(tmp_path / "unit" / f"{table}.parquet")), table


def test_sample_size_is_a_realistic_unit(sample):
    counts = dict(run_query(sample, "table_counts").iter_rows())
    assert 1_700 <= counts["cases"] <= 2_300
    assert 38_000 <= counts["actions"] <= 55_000
    assert 5_000 <= counts["exhibits"] <= 7_000
    load = run_query(sample, "officer_load")
    investigators = load.filter(pl.col("role") == "investigator")
    assert 22 <= investigators.height <= 30
    assert set(load["team"]) >= {"POLIT-A", "POLIT-B", "POLIT-C"}
    assert {"supervisor", "manager", "forensic_examiner"} <= set(load["role"])
    part_time = investigators.filter(pl.col("fte") < 1).height / investigators.height
    assert 0.12 <= part_time <= 0.3


def test_forensic_waits_look_like_published_figures(sample):
    waits = (
        sample.cursor()
        .sql("select examined_on - submitted_on as days from exhibits where examined_on is not null")
        .pl()["days"]
    )
    within_3_months = (waits <= 91).mean()
    over_12_months = (waits > 365).mean()
    assert 0.55 <= within_3_months <= 0.68
    assert 0.32 <= 1 - within_3_months - over_12_months <= 0.44
    assert 0.002 <= over_12_months <= 0.02


def test_the_motivating_pattern_is_in_the_sample(sample):
    cases = run_query(sample, "case_progress")
    stalled = cases.filter(pl.col("inherited") & (pl.col("days_since_progress") > 540)).sort("days_since_progress")
    assert stalled.height == 2
    assert stalled["officer_id"].n_unique() == 1
    days = stalled["days_since_progress"].to_list()
    assert 570 <= days[0] <= 640  # about 20 months
    assert 910 <= days[1] <= 970  # about 31 months
    holder = stalled["officer_id"][0]
    handover = stalled["assigned_from"][0]
    assert set(stalled["assignment_reason"]) == {"absence_cover"}
    at_handover = run_query(sample, "officer_load", as_of=handover).filter(pl.col("officer_id") == holder)
    assert at_handover["fte"][0] < 1
    assert at_handover["weighted_load"][0] >= 12  # already carrying a full-time load
    previous = (
        sample.cursor()
        .sql(
            "select a.officer_id, b.kind from assignments a join absences b on a.officer_id = b.officer_id"
            " where a.case_id = $case and a.assigned_to = $day and b.last_day is null",
            params={"case": stalled["case_id"][0], "day": handover},
        )
        .fetchall()
    )
    assert previous and previous[0][1] == "long_term_sickness"
    queue = run_query(sample, "forensic_queue").filter(pl.col("case_id").is_in(stalled["case_id"].to_list()))
    assert queue.height >= 1 and queue["age_days"].max() > 365  # the delayed download


def test_sample_has_unallocated_cases_and_absent_holders(sample):
    cases = run_query(sample, "case_progress")
    assert cases["unallocated"].sum() >= 1
    assert cases["oic_absent"].sum() >= 1
    assert cases["unprogressed"].sum() >= 10


@pytest.mark.slow
def test_a_region_is_its_forces_made_side_by_side_with_ids_apart(tmp_path, monkeypatch):
    """Each force of a region comes from a process (and a random stream) of its own and writes its own file of
    each table; ids carry the force, so the tables join as one extract that passes validation."""
    from unitload import generate
    from unitload.extract.db import open_source
    from unitload.extract.findings import has_errors
    from unitload.extract.validate import validate

    tiny = generate.Scale(("POLIT",), 1, 4, 1, 2, 40, 12, forces=2)
    monkeypatch.setitem(generate.SCALES, "tiny-region", tiny)
    counts = generate_extract(tmp_path / "region", scale="tiny-region", seed=3, as_of=dt.date(2026, 10, 31))
    assert sorted(p.name for p in (tmp_path / "region" / "cases").iterdir()) == ["F1.parquet", "F2.parquet"]
    source = open_source(tmp_path / "region")
    assert not has_errors(validate(source))
    officers = run_query(source, "officer_load")
    assert set(officers["unit"]) == {"F1-POLIT", "F2-POLIT"}
    cases = pl.read_parquet(tmp_path / "region" / "cases" / "*.parquet")
    assert cases.height == counts["cases"] and cases["case_id"].n_unique() == cases.height
    assert set(cases["case_id"].str.slice(0, 3)) == {"F1-", "F2-"}
    # the forces differ (streams of their own), and the same seed makes the same region again
    by_force = cases.group_by(cases["case_id"].str.slice(0, 3)).len().sort("case_id")["len"].to_list()
    again = generate_extract(tmp_path / "again", scale="tiny-region", seed=3, as_of=dt.date(2026, 10, 31))
    assert again == counts and by_force[0] != by_force[1]
    assert pl.read_parquet(tmp_path / "again" / "cases" / "*.parquet").equals(cases)


def test_an_officer_who_leaves_at_once_still_leaves_after_joining():
    """A stay drawn under a day (seen once in a region's 9,118 officers) must not give left_on == joined_on."""
    import numpy as np

    from unitload.generate import post_holders
    from unitload.generate.staff import Names, Officer

    class Brief:  # numpy's stream, but the first holder stays eight years and their successor a few minutes
        def __init__(self):
            self.rng = np.random.default_rng(1)
            self.stays = iter([8.0, 0.0001])

        def exponential(self, scale):
            return next(self.stays, 50.0)

        def __getattr__(self, name):
            return getattr(self.rng, name)

    rng = Brief()
    sergeant = Officer("P1", "S", "DS", "supervisor", "U", "U-A", None, dt.date(2015, 1, 1))
    people = post_holders(rng, Names(rng), iter(range(2, 10_000)), "U", "U-A", sergeant, dt.date(2016, 10, 31),
                   dt.date(2026, 10, 31), None)  # fmt: skip
    assert len(people) == 3 and people[1].joined_on > dt.date(2016, 10, 31)  # the successor joined in the window
    assert all(p.left_on is None or p.left_on > p.joined_on for p in people)
