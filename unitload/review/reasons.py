"""The attention list's reason codes (DATA_CONTRACT.md sections 4 and 6) in words: for a person reading an item,
and as the noun of a count ("14 more unprogressed cases"). One list for the dashboard, the pack and notify."""

from __future__ import annotations

# code -> (words beside an item, the things counted by a line of the rest)
REASONS = {
    "decision_overdue": ("decision overdue", "items whose decision is overdue"),
    "inherited_unprogressed": ("inherited and unprogressed", "inherited cases unprogressed"),
    "holder_long_term_absent": ("officer in charge long-term absent", "cases whose holder is long-term absent"),
    "long_term_absent_holding_cases": ("long-term absent, holding cases", "long-term absent officers holding cases"),
    "welfare_contact_overdue": ("no welfare contact in time", "long-term absent officers without a welfare contact"),
    "part_time_full_load": ("part-time at a full-time load", "part-timers at a full-time load"),
    "sustained_overload": ("overloaded month after month", "officers overloaded month after month"),
    "overloaded": ("overloaded", "overloaded officers"),
    "unprogressed": ("unprogressed", "unprogressed cases"),
}
# a reason said by a stronger one beside it: "overloaded month after month; overloaded" says it twice
IMPLIED = {"overloaded": "sustained_overload", "unprogressed": "inherited_unprogressed"}


def in_words(codes: list[str]) -> str:
    """An item's reasons in words, most urgent first, none said twice."""
    shown = [c for c in codes if IMPLIED.get(c) not in codes]
    return "; ".join(REASONS.get(c, (c.replace("_", " "),))[0] for c in shown)


def counted(code: str, count: int) -> str:
    """A line of the rest: "14 more unprogressed cases"."""
    noun = REASONS.get(code, ("", code.replace("_", " ")))[1]
    return f"{count} more {noun}"
