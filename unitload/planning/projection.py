"""The planner's next 12 months: the scenario's officer_load at each month end ahead, with each team's
intake and closures carried forward from its own history and a band from their spread, and the median
forensic backlog month by month. A forecast beside DATA_CONTRACT.md section 5: the figures on a day are
`unitload.planning.planner`'s. No Streamlit here."""

from __future__ import annotations

import datetime as dt

import polars as pl

from queries import run_query, time_limit
from unitload.extract.db import Source
from unitload.months import month_end_after
from unitload.planning.forecast import FAN_PERCENTILES, MonteCarlo
from unitload.planning.planner import edited
from unitload.planning.scenario import Scenario


def projection(source: Source, scenario: Scenario, months: int = 12) -> pl.DataFrame:
    """officer_load of the caseholders at each of the `months` month ends after the extract's as-of day,
    with the scenario's changes (none: the baseline).

    What the extract already knows counts as on any day: booked leave, contract changes, leavers. Open
    cases are carried forward as they stand (no new cases, no closures beyond those recorded).
    """
    last = month_end_after(source.extract.as_of, months)
    with time_limit(source.settings.engine.query_seconds):
        rows = run_query(edited(source, scenario), "officer_load", as_of=last, months=months)
    return rows.filter(pl.col("caseholder")).sort("as_of", "officer_id")


BAND_Z = 1.2816  # the 10th and 90th percentiles of a normal spread: the band holds 80 % of outcomes


def with_flow(source: Source, rows: pl.DataFrame) -> pl.DataFrame:
    """`projection`'s rows with each team's intake and closures carried forward from its own last 12 months
    (queries/team_flow.sql): k months ahead, a team gains k times its mean monthly intake (weighted as the
    workload is), shared among its caseholders by capacity, as a sergeant allocates, and loses k times its mean
    monthly closures, shared by the load each holds. The band adds and takes away BAND_Z times the spread
    (standard deviation) of its monthly net flow times the square root of k, by capacity: months vary
    independently around the mean.

    Adds projected_load, projected_load_low and _high, projected_cases (and _low, _high), and the overload
    and part-time flags on the projected load (`overloaded_projected`, its _low and _high, and
    `part_time_full_load_projected`)."""
    cap = source.settings.capacity
    with time_limit(source.settings.engine.query_seconds):
        flow = run_query(source, "team_flow", as_of=source.extract.as_of)
    rates = flow.group_by("team").agg(
        intake=pl.col("opened_weight").mean(),
        closures=pl.col("closed_weight").mean(),
        spread=(pl.col("opened_weight") - pl.col("closed_weight")).std().fill_null(0.0),
        intake_cases=pl.col("opened").mean(),
        closed_cases=pl.col("closed").mean(),
        spread_cases=(pl.col("opened") - pl.col("closed")).cast(pl.Float64).std().fill_null(0.0),
    )
    ends = sorted(rows["as_of"].unique().to_list())
    ahead = {day: k for k, day in enumerate(ends, start=1)}
    rates_columns = ["intake", "closures", "spread", "intake_cases", "closed_cases", "spread_cases"]
    team_month = ["as_of", "team"]

    def share(column: str) -> pl.Expr:
        total = pl.col(column).sum().over(team_month)
        return pl.when(total > 0).then(pl.col(column) / total).otherwise(0.0)

    def loaded(load: str) -> pl.Expr:  # load_pct on a projected load
        return pl.when(pl.col("capacity_points") > 0).then(100.0 * pl.col(load) / pl.col("capacity_points"))

    k = pl.col("ahead").cast(pl.Float64)
    band = BAND_Z * pl.col("spread") * k.sqrt() * pl.col("by_capacity")
    band_cases = BAND_Z * pl.col("spread_cases") * k.sqrt() * pl.col("by_capacity")
    return (
        rows.with_columns(ahead=pl.col("as_of").replace_strict(ahead, return_dtype=pl.Int64))
        .join(rates, on="team", how="left")
        .with_columns(
            pl.col(rates_columns).fill_null(0.0), by_capacity=share("capacity_points"), by_load=share("weighted_load")
        )
        .with_columns(
            projected_load=(
                pl.col("weighted_load")
                + k * (pl.col("intake") * pl.col("by_capacity") - pl.col("closures") * pl.col("by_load"))
            ).clip(lower_bound=0.0),
            projected_cases=(
                pl.col("open_cases")
                + k * (pl.col("intake_cases") * pl.col("by_capacity") - pl.col("closed_cases") * pl.col("by_load"))
            ).clip(lower_bound=0.0),
        )
        .with_columns(
            projected_load_low=(pl.col("projected_load") - band).clip(lower_bound=0.0),
            projected_load_high=pl.col("projected_load") + band,
            projected_cases_low=(pl.col("projected_cases") - band_cases).clip(lower_bound=0.0),
            projected_cases_high=pl.col("projected_cases") + band_cases,
        )
        .with_columns(
            overloaded_projected=loaded("projected_load").fill_null(0.0) > cap.overload_pct,
            overloaded_projected_low=loaded("projected_load_low").fill_null(0.0) > cap.overload_pct,
            overloaded_projected_high=loaded("projected_load_high").fill_null(0.0) > cap.overload_pct,
            part_time_full_load_projected=(pl.col("fte") < 1) & (pl.col("projected_load") >= cap.points_per_fte),
        )
        .drop("ahead", *rates_columns, "by_capacity", "by_load")
    )


def monthly(rows: pl.DataFrame) -> pl.DataFrame:
    """A projection's figures per month end (`with_flow`'s rows): open cases and officers overloaded with their
    80 % bands, part-timers at full load, capacity in FTE."""
    return (
        rows.group_by("as_of")
        .agg(
            open_cases=pl.col("projected_cases").sum(),
            open_cases_low=pl.col("projected_cases_low").sum(),
            open_cases_high=pl.col("projected_cases_high").sum(),
            overloaded=pl.col("overloaded_projected").sum().cast(pl.Int64),
            overloaded_low=pl.col("overloaded_projected_low").sum().cast(pl.Int64),
            overloaded_high=pl.col("overloaded_projected_high").sum().cast(pl.Int64),
            part_time_full_load=pl.col("part_time_full_load_projected").sum().cast(pl.Int64),
            capacity_fte=(pl.col("fte") * pl.col("availability")).sum(),
        )
        .sort("as_of")
    )


def backlog_by_month(forecast: MonteCarlo, as_of: dt.date, days: list[dt.date]) -> list[float | None]:
    """The median projected forensic backlog at each day (None past the forecast's horizon)."""
    median = forecast.fan[list(FAN_PERCENTILES).index(50)] if forecast.fan is not None else None
    out: list[float | None] = []
    for day in days:
        week = (day - as_of).days // 7
        out.append(None if median is None or week > forecast.horizon_weeks else float(median[week]))
    return out
