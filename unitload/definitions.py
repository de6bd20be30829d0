"""The metric definitions of DATA_CONTRACT.md section 3, worded with the settings in force.

Pages, exports and the command line show these texts beside the numbers, so a definition on screen
always states the same thresholds that the queries were given.
"""

from __future__ import annotations

from dataclasses import dataclass

from unitload.settings import RISK_GRADES, Settings


@dataclass(frozen=True)
class Definition:
    term: str
    text: str


def _n(value: float) -> str:
    return f"{value:g}"


def definitions(settings: Settings) -> list[Definition]:
    cap, weights, progress = settings.capacity, settings.weights, settings.progress
    risk = ", ".join(f"{g} {_n(weights.risk[g])}" for g in RISK_GRADES)
    complexity = ", ".join(f"{c} → {_n(f)}" for c, f in sorted(weights.complexity.items()))
    return [
        Definition("as-of day D", "The day the figures describe: by default the date the extract was taken."),
        Definition("working days", "Monday to Friday."),
        Definition(
            "period P",
            "The calendar month of D up to and including D (the whole month when D is a month end).",
        ),
        Definition(
            "availability",
            "1 − lost_days / working_days, where working_days counts the working days of P on which the officer "
            "is in post and lost_days adds up, over those days, the day's capacity reduction. Where absences "
            "overlap, a day loses the largest reduction, never more than 1. 0 when there are no working days.",
        ),
        Definition(
            "fte",
            f"Contracted hours on D ÷ {_n(cap.full_time_hours)} (full_time_hours). Contracts run from valid_from "
            "up to but not including valid_to.",
        ),
        Definition(
            "capacity_points",
            f"{_n(cap.points_per_fte)} (points_per_fte) × fte × availability: the weighted load the officer can "
            "carry at 100 %.",
        ),
        Definition(
            "case weight",
            f"cases.weight when present, else risk weight × complexity factor. Risk weights: {risk}. "
            f"Complexity factors: {complexity}.",
        ),
        Definition(
            "weighted_load",
            "Sum of the weights of the cases open on D whose officer in charge on D is the officer; open_cases is "
            "their count. A case is open on D when opened_on ≤ D and it is not closed on or before D.",
        ),
        Definition(
            "load_pct",
            "100 × weighted_load ÷ capacity_points. Shown as “no capacity” when capacity_points is 0.",
        ),
        Definition("overloaded", f"load_pct above {_n(cap.overload_pct)} % (overload_pct)."),
        Definition(
            "caseholders",
            "Officers in post on D who are investigators or hold at least one open case: the people whose "
            "capacity the unit's load is measured against.",
        ),
        Definition(
            "unit load",
            "100 × the caseholders' weighted_load ÷ their capacity_points, summed over the chosen units and teams.",
        ),
        Definition(
            "sustained overload",
            f"Overloaded at {cap.sustained_months} (sustained_months) consecutive month ends.",
        ),
        Definition(
            "part-time at full load",
            f"fte below 1 and weighted_load at least {_n(cap.points_per_fte)}: a part-timer carrying a full-timer's "
            "load.",
        ),
        Definition(
            "absent",
            "An absence with capacity reduction 1 covers D (first_day ≤ D ≤ last_day, any day of the week; an "
            "absence with no last_day is ongoing).",
        ),
        Definition(
            "last progressing action",
            f"Latest action on or before D among: {', '.join(progress.progressing_actions)}.",
        ),
        Definition(
            "unprogressed",
            f"More than {progress.stale_days} days (stale_days) since the last progressing action, counted from "
            "opened_on when there is none.",
        ),
        Definition(
            "review overdue",
            f"More than {progress.review_days} days (review_days) since the last supervisory_review, counted from "
            "opened_on when there is none.",
        ),
        Definition("inherited", "The current assignment's reason is reallocation or absence_cover."),
        Definition("officer in charge absent", "The case's officer in charge is absent on D."),
        Definition("unallocated", "A case open on D with no officer in charge on D."),
        Definition(
            "forensic stage",
            "Given by the latest stage date on or before D: awaiting triage, awaiting download, downloading, "
            "awaiting examination; examined or withdrawn items have left the queue.",
        ),
        Definition(
            "forensic queue",
            "Exhibits submitted on or before D and neither examined nor withdrawn by D; the oldest item is the "
            "largest age_days among them.",
        ),
        Definition(
            "attention list",
            "Officers and cases needing a decision at D, each under its most severe reason: 1 a case without "
            "progress for over 90 days that is held by an absent or departed officer, or was inherited; "
            "2 sustained overload or a part-timer at full load; 3 a case without progress for over 180 days, or "
            "held by an officer who has left; 4 an absent officer still holding cases, or a case unallocated for "
            f"over 7 days; 5 overload this month; 6 no supervisory review for over {2 * progress.review_days} days "
            "(twice review_days).",
        ),
        Definition(
            "supervision overdue",
            f"More than {settings.supervision.monthly_supervision_days} days (monthly_supervision_days) since the "
            "officer's last monthly supervision, counted from joined_on when there has been none.",
        ),
        Definition(
            "assessment overdue",
            f"More than {settings.supervision.psychological_assessment_days} days "
            "(psychological_assessment_days) since the last psychological assessment, counted from joined_on "
            "when there has been none.",
        ),
        Definition(
            "open action plan",
            "Action plans opened on or before D less those closed on or before D; a plan opened and closed on "
            "the same day is closed.",
        ),
        Definition(
            "at risk, unsupervised",
            "Overloaded, or holding an unprogressed case, while the monthly supervision is overdue.",
        ),
        Definition(
            "exhibit age",
            "age_days = D − submitted_on; stage_age_days = D − the day the exhibit entered its current stage.",
        ),
    ]


def definition(settings: Settings, term: str) -> str:
    """The text of one definition, for a metric's help tooltip."""
    return next(d.text for d in definitions(settings) if d.term == term)
