"""An extract written as two made-up source systems' exports, as a force would hand them over.

"A generic RMS" (records management): crimes.csv, oic_history.csv (one row per change of officer in charge),
activity_log.tsv and forensic_submissions.csv. "A duty system": duty.xlsx (sheets Staff and Working patterns,
the patterns a log of changes with Excel serial dates) and absences.csv (inclusive end days). The exports carry
what real ones do: a UTF-8 byte order mark, Windows line endings, quoted commas and newlines, a totals row,
trailing blank rows, day-first dates mixed with ISO ones, labels instead of codes. The mappings in
mappings/ turn them back into the extract exactly (`generate --as-exports`, then `import`).
"""

from __future__ import annotations

import csv
import datetime as dt
import shutil
from pathlib import Path

import polars as pl

from unitload.extract.folder import open_extract
from unitload.extract.schema import TABLE_NAMES

MAPPINGS = Path(__file__).resolve().parent / "mappings"
RISK = {"very_high": "Very High", "high": "High", "medium": "Medium", "low": "Low"}
COMPLEXITY = {1: "Standard", 2: "Complex", 3: "Major"}
REASON = {
    "new": "New allocation",
    "reallocation": "Reallocated",
    "absence_cover": "Cover (absence)",
    "transfer": "Transfer",
    "other": "Other",
}
ACTIVITY = {
    "enquiry": "Enquiry",
    "interview": "Interview",
    "arrest": "Arrest",
    "search": "Search",
    "forensic_submission": "Forensic submission",
    "safeguarding": "Safeguarding",
    "file_to_cps": "File to CPS",
    "victim_update": "Victim update",
    "supervisory_review": "Supervisory review",
    "admin_note": "Note",
}
DEVICE = {
    "phone": "Mobile phone",
    "computer": "Computer",
    "tablet": "Tablet",
    "storage": "Storage media",
    "cloud_account": "Cloud account",
    "other": "Other",
}
ROLE = {
    "investigator": "Investigator",
    "supervisor": "Supervisor",
    "manager": "Manager",
    "forensic_examiner": "Digital forensic investigator",
    "other": "Other",
}
ABSENCE = {
    "annual_leave": "Annual Leave",
    "sickness": "Sickness",
    "long_term_sickness": "LTS",
    "parental": "Maternity/Paternity",
    "training": "Training",
    "secondment": "Secondment",
    "restricted_duties": "Restricted duties",
    "other": "Other",
}
SUPERVISION = {
    "monthly_supervision": "Monthly 1:1",
    "welfare_check": "Welfare check",
    "psychological_assessment": "Psychological assessment",
    "action_plan_opened": "Action plan opened",
    "action_plan_closed": "Action plan closed",
}
FULL_TIME = 40.0  # the duty system writes 40 and 20 hours as shares of it ("1.0", "0.5"), others as "24 hrs"


def generate_exports(out: Path, *, scale: str, seed: int, as_of: dt.date, progress=None) -> list[str]:
    """`unitload generate --as-exports`: generate, write the exports, and say how to import them."""
    import tempfile

    from unitload.generate import generate_extract

    with tempfile.TemporaryDirectory() as made:
        generate_extract(made, scale=scale, seed=seed, as_of=as_of, progress=progress)
        counts = write_exports(Path(made), out)
    return [
        f"wrote {out}: " + ", ".join(f"{name} ({n} rows)" for name, n in counts.items()),
        f"unitload import --mapping {out}/generic-rms.toml --mapping {out}/duty-system.toml {out} "
        f"--extracted-at {as_of}T06:00:00 --extract-id {scale}-seed{seed}-{as_of} --out EXTRACT",
    ]


def write_exports(extract: Path, out: Path) -> dict[str, int]:
    """Write the extract in `extract` as the two systems' exports under `out`, with their mappings."""
    made = open_extract(extract)  # a region's tables are a file per force
    tables = {name: pl.read_parquet(files) for name in TABLE_NAMES if (files := made.files(name))}
    rms, duty = out / "rms", out / "duty"
    rms.mkdir(parents=True, exist_ok=True)
    duty.mkdir(parents=True, exist_ok=True)
    counts = {
        "rms/crimes.csv": _crimes(tables["cases"], rms / "crimes.csv"),
        "rms/oic_history.csv": _oic_history(tables["assignments"], rms / "oic_history.csv"),
        "rms/activity_log.tsv": _activity(tables["actions"], rms / "activity_log.tsv"),
        "rms/forensic_submissions.csv": _submissions(tables["exhibits"], rms / "forensic_submissions.csv"),
        "duty/duty.xlsx": _workbook(tables["officers"], tables["contracts"], duty / "duty.xlsx"),
        "duty/absences.csv": _absences(tables["absences"], duty / "absences.csv"),
    }
    if "supervision" in tables:
        counts["duty/supervision.csv"] = _supervision(tables["supervision"], duty / "supervision.csv")
    for mapping in sorted(MAPPINGS.glob("*.toml")):
        shutil.copyfile(mapping, out / mapping.name)
    return counts


def _write(path: Path, header: list[str], rows: list[list], delimiter: str = ",", tail: list[list] = ()) -> int:
    with path.open("w", newline="", encoding="utf-8-sig") as handle:
        writer = csv.writer(handle, delimiter=delimiter, lineterminator="\r\n")
        writer.writerow(header)
        writer.writerows(rows)
        writer.writerows(tail)
    return len(rows)


def _day(value: dt.date | None, n: int = 0) -> str:
    """Day-first, as a UK system writes dates; every seventh row in ISO, as a second system's rows would be."""
    if value is None:
        return ""
    return value.isoformat() if n % 7 == 6 else value.strftime("%d/%m/%Y")


def _number(value: float | None) -> str:
    return "" if value is None else repr(float(value))


def _crimes(cases: pl.DataFrame, path: Path) -> int:
    rows = [
        [
            c["case_id"],
            c["case_ref"],
            c["unit"],
            _day(c["opened_on"], n),
            _day(c["closed_on"], n),
            c["offence_type"],
            RISK[c["risk_grade"]],
            COMPLEXITY[c["complexity"]],
            _number(c["weight"]),
            f"Referral, {c['offence_type']}\nSee the crime report for the circumstances.",
        ]
        for n, c in enumerate(cases.iter_rows(named=True))
    ]
    header = ["Crime No", "URN", "Unit", "Recorded", "Finalised", "Offence", "Risk", "Complexity", "Weighting"]
    totals = [["Total", f"{len(rows)} crimes"] + [""] * 8, [""] * 10, [""] * 10]
    return _write(path, header + ["Summary"], rows, tail=totals)


def _changes(frame: pl.DataFrame, key: str, start: str, end: str) -> list[tuple[dict, bool]]:
    """Periods as a log of changes: each period's start, and an end marker where no period follows at once."""
    out = []
    ordered = frame.sort(key, start)
    rows = list(ordered.iter_rows(named=True))
    for n, row in enumerate(rows):
        out.append((row, False))
        following = rows[n + 1] if n + 1 < len(rows) and rows[n + 1][key] == row[key] else None
        if row[end] is not None and (following is None or following[start] != row[end]):
            out.append(({key: row[key], start: row[end]}, True))
    return out


def _oic_history(assignments: pl.DataFrame, path: Path) -> int:
    rows = [
        [a["case_id"], _day(a["assigned_from"])] + (["", ""] if marker else [a["officer_id"], REASON[a["reason"]]])
        for a, marker in _changes(assignments, "case_id", "assigned_from", "assigned_to")
    ]
    return _write(path, ["Crime No", "Date", "OIC", "Reason"], rows)


def _activity(actions: pl.DataFrame, path: Path) -> int:
    rows = []
    for n, a in enumerate(actions.iter_rows(named=True)):
        when = f"{a['action_on'].isoformat()} {9 + n % 8:02d}:{n % 60:02d}"
        rows.append([a["action_id"], a["case_id"], a["officer_id"], when, ACTIVITY[a["action_type"]]])
        if n % 50 == 49:  # the log also records who looked at the record: not investigative activity
            rows.append([f"V{n:08d}", a["case_id"], a["officer_id"], when, "Record viewed"])
    return _write(path, ["Entry", "Crime No", "Staff No", "When", "Activity"], rows, delimiter="\t")


def _submissions(exhibits: pl.DataFrame, path: Path) -> int:
    stages = ["submitted_on", "triaged_on", "download_started_on", "download_completed_on", "examined_on"]
    rows = [
        [e["exhibit_id"], e["case_id"], DEVICE[e["device_type"]], e["priority"].title()]
        + [_day(e[s], n) for s in stages + ["withdrawn_on"]]
        + [e["examiner_id"] or ""]
        for n, e in enumerate(exhibits.iter_rows(named=True))
    ]
    header = ["Exhibit Ref", "Crime No", "Device", "Priority", "Submitted", "Triaged", "Download started"]
    return _write(path, header + ["Download completed", "Examined", "Withdrawn", "Examiner"], rows)


def _workbook(officers: pl.DataFrame, contracts: pl.DataFrame, path: Path) -> int:
    import xlsxwriter

    book = xlsxwriter.Workbook(str(path))
    dated = book.add_format({"num_format": "dd/mm/yyyy"})
    staff = book.add_worksheet("Staff")
    header = ["Staff No", "Name", "Rank", "Role", "Unit", "Team", "Line manager", "Start date", "Leaving date"]
    staff.write_row(0, 0, header)
    for r, o in enumerate(officers.iter_rows(named=True), start=1):
        staff.write_row(r, 0, [o["officer_id"], o["display_name"], o["rank"], ROLE[o["role"]], o["unit"], o["team"]])
        staff.write(r, 6, o["supervisor_id"] or "")
        staff.write_datetime(r, 7, dt.datetime.combine(o["joined_on"], dt.time()), dated)
        if o["left_on"]:
            staff.write_datetime(r, 8, dt.datetime.combine(o["left_on"], dt.time()), dated)
    patterns = book.add_worksheet("Working patterns")
    patterns.write_row(0, 0, ["Staff No", "Effective from", "Working pattern"])
    changes = _changes(contracts, "officer_id", "valid_from", "valid_to")
    for r, (c, marker) in enumerate(changes, start=1):
        patterns.write(r, 0, c["officer_id"])
        patterns.write_number(r, 1, (c["valid_from"] - dt.date(1899, 12, 30)).days)  # a serial, not a date cell
        if not marker:
            hours = c["contracted_hours"]
            share = hours / FULL_TIME
            patterns.write(r, 2, f"{share:.1f}" if share in (0.5, 1.0) else f"{_number(hours)} hrs")
    book.close()
    return officers.height + len(changes)


def _absences(absences: pl.DataFrame, path: Path) -> int:
    rows = [
        [a["officer_id"], ABSENCE[a["kind"]], _day(a["first_day"]), _day(a["last_day"])]
        + [_number(a["capacity_reduction"])]
        for a in absences.iter_rows(named=True)
    ]
    return _write(path, ["Staff No", "Absence type", "From", "To (inclusive)", "Proportion"], rows)


def _supervision(supervision: pl.DataFrame, path: Path) -> int:
    rows = [
        [s["officer_id"], s["supervisor_id"], _day(s["held_on"]), SUPERVISION[s["kind"]]]
        for s in supervision.iter_rows(named=True)
    ]
    return _write(path, ["Staff No", "Supervisor", "Date", "Type"], rows)
