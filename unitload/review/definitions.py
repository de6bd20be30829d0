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
        Definition(
            "absence spell",
            "Where an officer has an absence covering D: the longest run of consecutive calendar days containing D "
            "on each of which at least one of their absences applies (absences of any kind are joined; a day with "
            "none splits the run). Its length counts from its first to its last day inclusive, and to D when an "
            "absence in it has no last day. absent_since is its first day.",
        ),
        Definition(
            "long-term absence",
            f"An absence spell of {cap.long_absence_days} days or more (long_absence_days).",
        ),
        Definition(
            "reducing absence",
            "An absence covering D that reduces capacity: its kind is one of "
            f"{', '.join(k.replace('_', ' ') for k in cap.reducing_kinds)} (reducing_kinds, from the first day), or "
            "its spell is long-term. Annual leave, training and short sickness are part of the normal working "
            f"year ({_n(cap.points_per_fte)} points_per_fte already allows for them) and never reduce capacity on "
            "their own.",
        ),
        Definition(
            "availability",
            "1 − the largest capacity reduction among the reducing absences on D (at most 1; 1 when there is none): "
            "a figure of the day D, like every other officer figure.",
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
            f"Overloaded on D and at each of the {cap.sustained_months - 1} month end(s) before D's month "
            f"({cap.sustained_months} consecutive, sustained_months).",
        ),
        Definition(
            "part-time at full load",
            f"fte below 1 and weighted_load at least {_n(cap.points_per_fte)}: a part-timer carrying a full-timer's "
            "load.",
        ),
        Definition(
            "absent",
            "An absence with capacity reduction 1 covers D (first_day ≤ D ≤ last_day, any day of the week; an "
            "absence with no last_day is ongoing), whatever its kind and length. A short absence is shown as "
            "information only, never counted in a headline.",
        ),
        Definition(
            "long-term absent",
            "Availability is 0 on D: a reducing absence with capacity reduction 1 covers D (a long-term spell, or a "
            "reducing kind such as long-term sickness or parental leave).",
        ),
        Definition(
            "absence kind",
            "When absent, the kind of the absence covering D with the largest capacity reduction (ties: the "
            "earliest first day, then the kind by name).",
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
        Definition("officer in charge absent", "The case's officer in charge is absent on D (any absence)."),
        Definition(
            "officer in charge long-term absent",
            "The case's officer in charge is long-term absent on D, or (holder left) has left the unit while still "
            "holding it.",
        ),
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
            "Every officer and case needing a decision on D, once each with every reason that applies: a case "
            "inherited (reallocation or absence cover) and unprogressed, held by a long-term absent officer, or "
            "unprogressed; an officer long-term absent while holding cases, long-term absent with no welfare "
            f"check in the last {settings.supervision.welfare_contact_days} days, part-time at a full load, "
            "overloaded, or overloaded at consecutive month ends. First come the items with an inherited unprogressed "
            "case, a long-term absent holder, or a long-term absent officer holding cases, and any part-timer at a "
            "full load who holds such a case; then the rest, each group by its most urgent reason. A short absence "
            "is never a reason on its own. Within each group, an item whose decision is overdue comes first "
            "(reason: decision overdue); an item meeting no other reason is not listed, whatever its decision.",
        ),
        Definition(
            "decision status",
            "An item's decision on D is its latest (greatest day decided, then greatest decision id). It is done "
            "when its event falls on a day from the day decided to D: reallocate, an assignment of the case to the "
            "officer named starts; progress, a progressing action; review, a supervisory review; close, the case "
            "closes; welfare contact, supervise, action plan, a welfare check, a monthly supervision or an action "
            "plan opened is recorded; reduce load, on D the officer holds no open case or is not overloaded. "
            "Accept is accepted until its review day, then review due. Otherwise overdue after its due day, else "
            "open.",
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
            "welfare contact overdue",
            "Long-term absent on D with no welfare check in the "
            f"{settings.supervision.welfare_contact_days} days up to D (welfare_contact_days): none held after "
            "D − welfare_contact_days and on or before D.",
        ),
        Definition(
            "at risk, unsupervised",
            "Overloaded, or holding an unprogressed case, while the monthly supervision is overdue; or long-term "
            "absent with a welfare contact overdue.",
        ),
        Definition(
            "exhibit age",
            "age_days = D − submitted_on; stage_age_days = D − the day the exhibit entered its current stage.",
        ),
    ]


def definition(settings: Settings, term: str) -> str:
    """The text of one definition, for a metric's help tooltip."""
    return next(d.text for d in definitions(settings) if d.term == term)
