"""How a column is headed wherever a table is shown, on a page or in the pack: words, with units."""

from __future__ import annotations

# Columns whose heading needs more than their name in words: a unit, a capital, an expansion.
HEADINGS = {
    "load_pct": "Load (% of capacity)",
    "baseline_load_pct": "Baseline load (% of capacity)",
    "weighted_load": "Load (points)",
    "capacity_points": "Capacity (points)",
    "fte": "FTE",
    "contracted_hours": "Hours a week",
    "availability": "Availability (share of the day)",
    "case_id": "Case",
    "officer_id": "Officer",
    "oic_team": "Team of the officer in charge",
    "age_days": "Age (days)",
    "stage_age_days": "Days in this stage",
    "days_open": "Days open",
    "weight": "Weight (points)",
    "p50": "50th percentile (days)",
    "p85": "85th percentile (days)",
    "p95": "95th percentile (days)",
    "sha256": "SHA-256",
}


def heading(column: str) -> str:
    """A column's heading: from HEADINGS, else its name in words with a capital ("days since progress")."""
    if column in HEADINGS:
        return HEADINGS[column]
    text = column.replace("_", " ").strip()
    return text[:1].upper() + text[1:]
