"""officer_load and case_progress as a typical pandas dashboard computes them, for `unitload bench`.

Each function reads the tables it needs from the extract's Parquet files, then filters and joins in
pandas, for one as-of day D, and returns the contract's columns (DATA_CONTRACT.md section 3). The
benchmark checks that the results equal the named queries' before it compares their times.
"""

from __future__ import annotations

import datetime as dt

import pandas as pd

from unitload.extract.folder import Extract
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


FAR = pd.Timestamp("2200-01-01")  # the last day of an ongoing absence, for ordering and overlap


def absence_status(absences: pd.DataFrame, settings: Settings, day: pd.Timestamp) -> pd.DataFrame:
    """Per officer with an absence covering `day`: availability, absent, long_term_absent, absent_since and
    absence_kind, as DATA_CONTRACT.md section 3 (version 2) words them, spell by spell in pandas."""
    cap = settings.capacity
    rows = absences.assign(reach=absences["last_day"].fillna(FAR), ongoing=absences["last_day"].isna())
    rows = rows.sort_values(["officer_id", "first_day", "reach"])
    reached = rows.groupby("officer_id")["reach"].cummax()  # vectorised: no Python function per group
    before = reached.groupby(rows["officer_id"]).shift()
    starts = before.isna() | (rows["first_day"] > before + pd.Timedelta(days=1))
    rows["spell"] = starts.astype(int).groupby(rows["officer_id"]).cumsum()
    spells = rows.groupby(["officer_id", "spell"]).agg(
        spell_from=("first_day", "min"), spell_to=("reach", "max"), ongoing=("ongoing", "any")
    )
    spells = spells[(spells["spell_from"] <= day) & (spells["spell_to"] >= day)].reset_index()
    ends = spells["spell_to"].where(~spells["ongoing"], day)
    spells["spell_days"] = (ends - spells["spell_from"]).dt.days + 1
    covering = rows[(rows["first_day"] <= day) & (rows["reach"] >= day)].merge(spells, on=["officer_id", "spell"])
    covering["reduction"] = covering["capacity_reduction"].clip(upper=1.0)
    covering["reducing"] = covering["kind"].isin(cap.reducing_kinds) | (covering["spell_days"] >= cap.long_absence_days)
    covering["full"] = covering["reduction"] >= 1.0
    status = covering.groupby("officer_id").agg(spell_from=("spell_from", "first"), absent=("full", "any"))
    reduction = covering[covering["reducing"]].groupby("officer_id")["reduction"].max()
    status["availability"] = 1.0 - status.index.map(reduction).fillna(0.0)
    status["long_term_absent"] = status["availability"] == 0
    largest = covering.assign(order=-covering["reduction"]).sort_values(["officer_id", "order", "first_day", "kind"])
    status["absence_kind"] = largest.groupby("officer_id")["kind"].first().where(status["absent"])
    status["absent_since"] = status["spell_from"].where(status["absent"])
    return status


def officer_load(extract: Extract, settings: Settings, as_of: dt.date) -> pd.DataFrame:
    day = pd.Timestamp(as_of)
    cap = settings.capacity
    officers = _read(extract, "officers", ["officer_id", "team", "joined_on", "left_on"])
    contracts = _read(extract, "contracts", ["officer_id", "valid_from", "valid_to", "contracted_hours"])
    absences = _read(extract, "absences", ["officer_id", "first_day", "last_day", "kind", "capacity_reduction"])
    absences["capacity_reduction"] = absences["capacity_reduction"].fillna(1.0)
    cases = _read(extract, "cases", ["case_id", "opened_on", "closed_on", "risk_grade", "complexity", "weight"])
    assignments = _read(extract, "assignments", ["case_id", "officer_id", "assigned_from", "assigned_to"])

    people = officers[_current(officers, "joined_on", "left_on", day)].copy()
    hours = (
        contracts[_current(contracts, "valid_from", "valid_to", day)].groupby("officer_id")["contracted_hours"].max()
    )
    people["fte"] = people["officer_id"].map(hours).fillna(0.0) / cap.full_time_hours

    status = absence_status(absences, settings, day)
    people = people.merge(status, left_on="officer_id", right_index=True, how="left")
    people["availability"] = people["availability"].fillna(1.0)
    people["absent"] = people["officer_id"].isin(status.index[status["absent"]])
    people["long_term_absent"] = people["officer_id"].isin(status.index[status["long_term_absent"]])
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
    columns = ["officer_id", "team", "fte", "availability", "capacity_points", "open_cases", "weighted_load"]
    columns += ["load_pct", "overloaded", "part_time_full_load", "absent", "long_term_absent", "absent_since"]
    columns += ["absence_kind"]
    return people[columns].sort_values("officer_id").reset_index(drop=True)


def case_progress(extract: Extract, settings: Settings, as_of: dt.date) -> pd.DataFrame:
    day = pd.Timestamp(as_of)
    progress = settings.progress
    cases = _read(extract, "cases", ["case_id", "opened_on", "closed_on", "risk_grade", "complexity", "weight"])
    assignments = _read(extract, "assignments", ["case_id", "officer_id", "assigned_from", "assigned_to", "reason"])
    actions = _read(extract, "actions", ["case_id", "action_on", "action_type"])
    absences = _read(extract, "absences", ["officer_id", "first_day", "last_day", "kind", "capacity_reduction"])
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
    status = absence_status(absences, settings, day)
    frame["oic_absent"] = frame["officer_id"].isin(status.index[status["absent"]])
    frame["oic_long_term_absent"] = frame["officer_id"].isin(status.index[status["long_term_absent"]])
    columns = ["case_id", "officer_id", "opened_on", "weight", "last_progress_on", "days_since_progress"]
    columns += ["unprogressed", "last_review_on", "days_since_review", "review_overdue", "inherited", "oic_absent"]
    columns += ["oic_long_term_absent"]
    return frame[columns].sort_values("case_id").reset_index(drop=True)


IMPLEMENTATIONS = {"officer_load": officer_load, "case_progress": case_progress}
