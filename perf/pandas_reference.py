"""officer_load and case_progress as a typical pandas dashboard computes them, for `unitload bench`.

Each function reads the tables it needs from the extract's Parquet files, then filters and joins in
pandas, for one as-of day D, and returns the contract's columns (DATA_CONTRACT.md section 3). The
benchmark checks that the results equal the named queries' before it compares their times.
"""

from __future__ import annotations

import datetime as dt

import numpy as np
import pandas as pd

from unitload.extract import Extract
from unitload.settings import Settings


def _read(extract: Extract, table: str, columns: list[str]) -> pd.DataFrame:
    frames = [pd.read_parquet(path, columns=columns) for path in extract.files(table)]
    frame = pd.concat(frames, ignore_index=True) if frames else pd.DataFrame(columns=columns)
    for column in columns:  # dates as datetime64 so that comparisons are vectorised
        if column.endswith(("_on", "_day", "_from", "_to")):
            frame[column] = pd.to_datetime(frame[column])
    return frame


def _current(frame: pd.DataFrame, start: str, finish: str, day: pd.Timestamp) -> pd.Series:
    """Half-open [start, finish): in force on `day` (null finish = still current)."""
    return (frame[start] <= day) & (frame[finish].isna() | (frame[finish] > day))


def _weights(cases: pd.DataFrame, settings: Settings) -> pd.Series:
    risk = cases["risk_grade"].map(settings.weights.risk)
    complexity = cases["complexity"].map({int(k): v for k, v in settings.weights.complexity.items()})
    return cases["weight"].fillna(risk * complexity)


def _fully_absent(absences: pd.DataFrame, day: pd.Timestamp) -> set[str]:
    covering = (absences["first_day"] <= day) & (absences["last_day"].isna() | (absences["last_day"] >= day))
    return set(absences.loc[covering & (absences["capacity_reduction"] >= 1.0), "officer_id"])


def officer_load(extract: Extract, settings: Settings, as_of: dt.date) -> pd.DataFrame:
    day = pd.Timestamp(as_of)
    cap = settings.capacity
    officers = _read(extract, "officers", ["officer_id", "team", "joined_on", "left_on"])
    contracts = _read(extract, "contracts", ["officer_id", "valid_from", "valid_to", "contracted_hours"])
    absences = _read(extract, "absences", ["officer_id", "first_day", "last_day", "capacity_reduction"])
    absences["capacity_reduction"] = absences["capacity_reduction"].fillna(1.0)
    cases = _read(extract, "cases", ["case_id", "opened_on", "closed_on", "risk_grade", "complexity", "weight"])
    assignments = _read(extract, "assignments", ["case_id", "officer_id", "assigned_from", "assigned_to"])

    people = officers[_current(officers, "joined_on", "left_on", day)].copy()
    hours = (
        contracts[_current(contracts, "valid_from", "valid_to", day)].groupby("officer_id")["contracted_hours"].max()
    )
    people["fte"] = people["officer_id"].map(hours).fillna(0.0) / cap.full_time_hours

    # working days of the period (the month up to D) while in post, and the largest reduction of each
    period = pd.bdate_range(day.replace(day=1), day)
    days = people[["officer_id", "joined_on", "left_on"]].merge(pd.DataFrame({"day": period}), how="cross")
    days = days[_current(days, "joined_on", "left_on", days["day"])][["officer_id", "day"]]
    spans = days.merge(absences, on="officer_id")
    spans = spans[
        (spans["first_day"] <= spans["day"]) & (spans["last_day"].isna() | (spans["last_day"] >= spans["day"]))
    ]
    lost = spans.groupby(["officer_id", "day"])["capacity_reduction"].max().clip(upper=1.0).groupby("officer_id").sum()
    working = days.groupby("officer_id").size()
    people["working_days"] = people["officer_id"].map(working).fillna(0)
    people["lost_days"] = people["officer_id"].map(lost).fillna(0.0)
    people["availability"] = np.where(
        people["working_days"] == 0,
        0.0,
        1.0 - people["lost_days"] / people["working_days"].where(people["working_days"] > 0, 1),
    )
    people["capacity_points"] = cap.points_per_fte * people["fte"] * people["availability"]

    open_cases = cases[_current(cases, "opened_on", "closed_on", day)].copy()
    open_cases["weight"] = _weights(open_cases, settings)
    held = assignments[_current(assignments, "assigned_from", "assigned_to", day)].merge(open_cases, on="case_id")
    holdings = held.groupby("officer_id").agg(open_cases=("case_id", "size"), weighted_load=("weight", "sum"))
    people = people.merge(holdings, left_on="officer_id", right_index=True, how="left")
    people["open_cases"] = people["open_cases"].fillna(0).astype("int64")
    people["weighted_load"] = people["weighted_load"].fillna(0.0)
    positive = people["capacity_points"] > 0
    people["load_pct"] = (100.0 * people["weighted_load"] / people["capacity_points"]).where(positive)
    people["overloaded"] = (people["load_pct"] > cap.overload_pct).fillna(False).astype(bool)
    people["part_time_full_load"] = (people["fte"] < 1) & (people["weighted_load"] >= cap.points_per_fte)
    people["absent"] = people["officer_id"].isin(_fully_absent(absences, day))
    columns = ["officer_id", "team", "fte", "availability", "capacity_points", "open_cases", "weighted_load"]
    columns += ["load_pct", "overloaded", "part_time_full_load", "absent"]
    return people[columns].sort_values("officer_id").reset_index(drop=True)


def case_progress(extract: Extract, settings: Settings, as_of: dt.date) -> pd.DataFrame:
    day = pd.Timestamp(as_of)
    progress = settings.progress
    cases = _read(extract, "cases", ["case_id", "opened_on", "closed_on", "risk_grade", "complexity", "weight"])
    assignments = _read(extract, "assignments", ["case_id", "officer_id", "assigned_from", "assigned_to", "reason"])
    actions = _read(extract, "actions", ["case_id", "action_on", "action_type"])
    absences = _read(extract, "absences", ["officer_id", "first_day", "last_day", "capacity_reduction"])
    absences["capacity_reduction"] = absences["capacity_reduction"].fillna(1.0)

    frame = cases[_current(cases, "opened_on", "closed_on", day)].copy()
    frame["weight"] = _weights(frame, settings)
    oic = assignments[_current(assignments, "assigned_from", "assigned_to", day)][["case_id", "officer_id", "reason"]]
    frame = frame.merge(oic, on="case_id", how="left")
    past = actions[actions["action_on"] <= day]
    last_progress = past[past["action_type"].isin(progress.progressing_actions)].groupby("case_id")["action_on"].max()
    last_review = past[past["action_type"] == "supervisory_review"].groupby("case_id")["action_on"].max()
    frame["last_progress_on"] = frame["case_id"].map(last_progress)
    frame["last_review_on"] = frame["case_id"].map(last_review)
    frame["days_since_progress"] = (day - frame["last_progress_on"].fillna(frame["opened_on"])).dt.days
    frame["unprogressed"] = frame["days_since_progress"] > progress.stale_days
    frame["days_since_review"] = (day - frame["last_review_on"].fillna(frame["opened_on"])).dt.days
    frame["review_overdue"] = frame["days_since_review"] > progress.review_days
    frame["inherited"] = frame["reason"].isin(["reallocation", "absence_cover"])
    frame["oic_absent"] = frame["officer_id"].isin(_fully_absent(absences, day))
    columns = ["case_id", "officer_id", "opened_on", "weight", "last_progress_on", "days_since_progress"]
    columns += ["unprogressed", "last_review_on", "days_since_review", "review_overdue", "inherited", "oic_absent"]
    return frame[columns].sort_values("case_id").reset_index(drop=True)


IMPLEMENTATIONS = {"officer_load": officer_load, "case_progress": case_progress}
