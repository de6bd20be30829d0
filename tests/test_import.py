"""`unitload import`: the fixture exports of two made-up systems to an extract, and every error kind in one line."""

import datetime as dt
import json
import shutil
import subprocess
import sys
from pathlib import Path

import polars as pl
import pytest
from conftest import SAMPLE

from queries import run_query
from unitload.extract.db import open_source
from unitload.importing.errors import ImportFailed, MappingError, SourceError
from unitload.importing.expressions import Compiler
from unitload.importing.mapping import load_mapping
from unitload.importing.run import import_exports

ROOT = Path(__file__).resolve().parent.parent
EXPORTS = ROOT / "tests" / "fixtures" / "exports"
MAPPINGS = ROOT / "unitload" / "importing" / "mappings"
RMS, DUTY = MAPPINGS / "generic-rms.toml", MAPPINGS / "duty-system.toml"
TAKEN = dt.datetime(2026, 10, 31, 6, 0)
D = dt.date


def imported(tmp_path, exports=EXPORTS, mappings=(RMS, DUTY)) -> Path:
    out = tmp_path / "extract"
    import_exports(list(mappings), [exports], out, extracted_at=TAKEN, extract_id="fixtures")
    return out


def table(out: Path, name: str) -> list[dict]:
    return pl.read_parquet(out / f"{name}.parquet").to_dicts()


# officer_load on 2026-10-31, by hand from the fixtures (settings: 40 h = 1.0 FTE, 12 points per FTE):
# P2 works 32 h since 01/09/2026 (0.8), holds C1 (High x Standard = 1.5) and C2 (Very High x Complex = 3.0,
# reallocated from P4, who left on 30/06/2026); C4 (2.5) closed on 01/10/2026. Annual leave from 26/10 is
# absent but not reducing. P3 is on long-term sickness since 01/08 (availability 0) holding C3 (Medium x
# Major = 2.0) and C5 (Medium x Standard = 1.0, opened on the as-of day). P1's half-day training reduces
# nothing. P4 has left and is not in post.
EXPECTED = {
    "P1": dict(fte=1.0, availability=1.0, capacity_points=12.0, open_cases=0, weighted_load=0.0, load_pct=0.0,
               absent=False, long_term_absent=False, absent_since=None, absence_kind=None),
    "P2": dict(fte=0.8, availability=1.0, capacity_points=9.6, open_cases=2, weighted_load=4.5, load_pct=46.875,
               absent=True, long_term_absent=False, absent_since=D(2026, 10, 26), absence_kind="annual_leave"),
    "P3": dict(fte=1.0, availability=0.0, capacity_points=0.0, open_cases=2, weighted_load=3.0, load_pct=None,
               absent=True, long_term_absent=True, absent_since=D(2026, 8, 1), absence_kind="long_term_sickness"),
    "P5": dict(fte=1.0, availability=1.0, capacity_points=12.0, open_cases=0, weighted_load=0.0, load_pct=0.0,
               absent=False, long_term_absent=False, absent_since=None, absence_kind=None),
}  # fmt: skip


def test_the_fixtures_give_officer_load_as_computed_by_hand(tmp_path):
    source = open_source(imported(tmp_path))
    try:
        got = {r["officer_id"]: r for r in run_query(source, "officer_load", as_of=D(2026, 10, 31)).to_dicts()}
    finally:
        source.db.close()
    assert sorted(got) == sorted(EXPECTED)
    for officer, expected in EXPECTED.items():
        for column, value in expected.items():
            assert got[officer][column] == (pytest.approx(value) if isinstance(value, float) else value), (
                officer,
                column,
            )
        assert got[officer]["overloaded"] is False and got[officer]["part_time_full_load"] is False


def test_the_fixtures_convert_row_for_row(tmp_path):
    out = imported(tmp_path)
    cases = {c["case_id"]: c for c in table(out, "cases")}
    assert sorted(cases) == ["C1", "C2", "C3", "C4", "C5"]  # the totals row and the blank rows are not cases
    assert cases["C1"]["offence_type"] == "Indecent images, possession"  # a quoted comma
    assert cases["C4"]["weight"] == 2.5 and cases["C4"]["closed_on"] == D(2026, 10, 1)
    assert (cases["C5"]["opened_on"], cases["C5"]["risk_grade"], cases["C5"]["complexity"]) == (
        D(2026, 10, 31),
        "medium",
        1,
    )  # an ISO date among day-first ones; labels matched whatever their case
    contracts = sorted(
        (c["officer_id"], c["valid_from"], c["valid_to"], c["contracted_hours"]) for c in table(out, "contracts")
    )
    assert [c for c in contracts if c[0] in ("P2", "P4")] == [
        ("P2", D(2021, 3, 1), D(2024, 4, 1), 40.0),  # "1.0" of 40 hours
        ("P2", D(2024, 4, 1), D(2026, 9, 1), 24.0),  # "24 hrs"
        ("P2", D(2026, 9, 1), None, 32.0),  # "0.8", from a day typed as text in the sheet
        ("P4", D(2020, 2, 3), D(2026, 6, 30), 40.0),  # ended by the row with no pattern
    ]
    oic = sorted(
        (a["case_id"], a["officer_id"], a["assigned_from"], a["assigned_to"], a["reason"])
        for a in table(out, "assignments")
    )
    assert [a for a in oic if a[0] == "C2"] == [
        ("C2", "P2", D(2026, 6, 30), None, "reallocation"),
        ("C2", "P4", D(2026, 2, 10), D(2026, 6, 30), "new"),
    ]
    assert sorted(a["action_id"] for a in table(out, "actions")) == ["E1", "E2", "E3", "E4", "E5"]  # no "viewed"
    absences = {a["officer_id"]: a for a in table(out, "absences")}
    assert (absences["P2"]["last_day"], absences["P2"]["capacity_reduction"]) == (D(2026, 11, 6), 1.0)
    assert absences["P3"]["last_day"] is None
    officers = {o["officer_id"]: o for o in table(out, "officers")}
    assert officers["P4"]["left_on"] == D(2026, 6, 30) and officers["P5"]["role"] == "forensic_examiner"
    exhibits = {e["exhibit_id"]: e for e in table(out, "exhibits")}
    assert (exhibits["X1"]["submitted_on"], exhibits["X1"]["triaged_on"]) == (D(2026, 5, 12), D(2026, 5, 13))
    manifest = json.loads((out / "manifest.json").read_text())
    sources = manifest["imported_from"]["exports"]
    assert {Path(f).name: v["tables"] for f, v in sources.items()}["duty.xlsx"] == ["contracts", "officers"]
    assert all(len(v["sha256"]) == 64 for v in sources.values())
    assert manifest["source"] == "A generic RMS + A duty system" and manifest["extract_id"] == "fixtures"


def edited(tmp_path: Path, name: str, change) -> Path:
    """A copy of the fixtures with `name` (a path under them) changed: its text passed through `change`."""
    copy = tmp_path / "exports"
    shutil.copytree(EXPORTS, copy)
    path = copy / name
    path.write_bytes(change(path.read_bytes().decode("utf-8")).encode("utf-8"))
    return copy


def duty_mapping(tmp_path: Path, old: str, new: str) -> Path:
    text = DUTY.read_text()
    assert old in text
    path = tmp_path / "duty-variant.toml"
    path.write_text(text.replace(old, new))
    return path


OVERLAP = """[tables.contracts]
files = "patterns*.csv"

[tables.contracts.columns]
officer_id = 'col("Staff No")'
valid_from = 'date(col("From"), "dd/mm/yyyy")'
valid_to = 'day_after(date(col("To"), "dd/mm/yyyy"))'  # inclusive in the export
contracted_hours = 'number(col("Hours"))'

"""
PATTERNS = (
    "Staff No,From,To,Hours\r\nP1,01/01/2020,31/12/2024,40\r\nP1,01/12/2024,,40\r\nP2,01/03/2021,,32\r\n"
    "P3,06/06/2022,,40\r\nP4,03/02/2020,29/06/2026,40\r\nP5,07/01/2019,,40\r\n"
)


def _unmapped(tmp_path):
    return edited(tmp_path, "duty/absences.csv", lambda t: t + "P5,Jury Service,02/11/2026,06/11/2026,\r\n"), []


def _bad_date(tmp_path):
    return edited(tmp_path, "duty/supervision.csv", lambda t: t + "P2,P1,31/02/2026,Monthly 1:1\r\n"), []


def _ambiguous(tmp_path):
    old = """held_on = 'date(col("Date"), "dd/mm/yyyy")'"""
    new = """held_on = 'date(col("Date"), "dd/mm/yyyy", "mm/dd/yyyy")'"""
    return EXPORTS, [duty_mapping(tmp_path, old, new)]


def _unlisted(tmp_path):
    return edited(tmp_path, "rms/oic_history.csv", lambda t: t + "C3,15/10/2026,P9,Reallocated\r\n"), []


def contracts_from(tmp_path, patterns: str, section: str) -> tuple[Path, Path]:
    """The fixtures with contracts from a patterns.csv of `patterns` instead of the workbook, and the duty
    mapping with `section` (its [tables.contracts]) reading it."""
    exports = edited(tmp_path, "duty/absences.csv", lambda t: t)
    (exports / "duty" / "patterns.csv").write_text(patterns, newline="")
    text = DUTY.read_text()
    start, end = text.index("[tables.contracts]"), text.index("[tables.absences]")
    variant = tmp_path / "duty-variant.toml"
    variant.write_text(text[:start] + section + text[end:])
    return exports, variant


def _overlap(tmp_path):
    exports, variant = contracts_from(tmp_path, PATTERNS, OVERLAP)
    return exports, [variant]


@pytest.mark.parametrize(
    ("make", "line"),
    [
        (_unmapped, """absences.csv, row 5, column "Absence type": 'Jury Service' has no entry in [maps.absence] (absences.kind)"""),  # noqa: E501
        (_bad_date, """supervision.csv, row 4, column "Date": '31/02/2026' is not a date (dd/mm/yyyy) (supervision.held_on)"""),  # noqa: E501
        (_ambiguous, """supervision.csv, row 3, column "Date": '01/09/2026' is ambiguous: it reads as two different dates (dd/mm/yyyy or mm/dd/yyyy) (supervision.held_on)"""),  # noqa: E501
        (_unlisted, """oic_history.csv, row 8, column "OIC": 'P9' is not listed in officers (officers.officer_id)"""),
        (_overlap, """patterns.csv, row 3, column "From": 2024-12-01 starts a contract of P1 inside the one from 2020-01-01 (to 2025-01-01) in patterns.csv, row 2 (contracts overlap)"""),  # noqa: E501
    ],
    ids=["unmapped-value", "date-not-parsing", "ambiguous-date", "officer-not-listed", "overlapping-contracts"],
)  # fmt: skip
def test_each_error_is_one_line_naming_file_row_column_and_value_and_nothing_is_written(tmp_path, make, line):
    exports, variant = make(tmp_path)
    mappings = [RMS] + (variant or [DUTY])
    out = tmp_path / "extract"
    with pytest.raises(ImportFailed) as failed:
        import_exports(mappings, [exports], out, extracted_at=TAKEN)
    assert failed.value.lines == [line]
    assert not out.exists() and not list(tmp_path.glob(".extract.importing-*"))


def test_the_command_prints_what_it_wrote_or_each_problem_and_exits_1(tmp_path):
    command = [sys.executable, "-m", "unitload", "import", "--mapping", str(RMS), "--mapping", str(DUTY)]
    good = subprocess.run(
        command + [str(EXPORTS), "--out", str(tmp_path / "ok"), "--extracted-at", "2026-10-31T06:00:00"],
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert good.returncode == 0, good.stderr
    assert "officers: 5 rows from duty.xlsx" in good.stdout
    assert good.stdout.rstrip().endswith("(import-2026-10-31); it passes validation")
    broken, _ = _unmapped(tmp_path)
    bad = subprocess.run(
        command + [str(broken), "--out", str(tmp_path / "no")], capture_output=True, text=True, timeout=600
    )
    assert bad.returncode == 1
    assert bad.stderr.splitlines() == [
        """absences.csv, row 5, column "Absence type": 'Jury Service' has no entry in [maps.absence] (absences.kind)""",
        "unitload import: 1 problem(s); nothing was written",
    ]
    assert not (tmp_path / "no").exists()


@pytest.mark.parametrize(
    ("expression", "message"),
    [
        ('__import__("os")', "unknown function '__import__'"),
        ('col("Name").upper()', "is not allowed"),
        ('col("Name") + "x"', "is not allowed"),
        ("col(Name)", "col()'s column name must be a quoted text"),
        ('col("Nmae")', "no column 'Nmae' in the source: did you mean 'Name'? (names are case-sensitive; its"),
        ('col("day")', "no column 'day' in the source: did you mean 'Day'?"),
        ('date(col("Day"), "dd/mm/yyy")', "unknown date format 'dd/mm/yyy': did you mean 'dd/mm/yyyy'?"),
        ('hour(col("Day"), 40)', "unknown function 'hour': did you mean 'hours'?"),
        ('date(col("Day"), "yyyy/dd/mm")', "unknown date format 'yyyy/dd/mm'"),
        ('map(col("Name"), "nowhere")', "no [maps.nowhere] in the mapping"),
        ('day_after(col("Day"))', "gives text, where date is needed"),
        ('col("Day") == 1', "compares text with number"),
        ('col("Name"); DROP TABLE officers', "is not an expression"),
    ],
)
def test_a_mapping_expression_outside_the_fixed_set_is_refused(expression, message):
    with pytest.raises(MappingError) as refused:
        Compiler("m.toml: tables.officers", ["Name", "Day"], {}).compile(expression, "columns.display_name")
    assert message in str(refused.value) and str(refused.value).startswith("m.toml: tables.officers: columns.")


def test_a_mapping_naming_what_the_contract_does_not_have_is_refused(tmp_path):
    path = tmp_path / "m.toml"
    path.write_text(
        'system = "x"\n[tables.officers]\nfiles = "a.csv"\n[tables.officers.columns]\nofficer = \'col("A")\'\n'
    )
    with pytest.raises(MappingError, match=r"m.toml: tables.officers.columns.officer: not a column of officers"):
        load_mapping(path)


def test_generated_exports_import_back_to_the_same_figures(tmp_path):
    """The round trip at unit scale: `generate --as-exports`, then the `import` it prints, gives every contract
    query the same rows as `generate` (the sample is `generate --scale unit --seed 42`, test_sample.py)."""
    from typer.testing import CliRunner

    from unitload.cli import app

    exports = tmp_path / "exports"
    made = CliRunner().invoke(
        app, ["generate", "--as-exports", "--scale", "unit", "--seed", "42", "--out", str(exports)]
    )
    assert made.exit_code == 0, made.output
    printed = made.output.strip().splitlines()[-1].split()
    assert printed[:2] == ["unitload", "import"] and printed[-1] == "EXTRACT"
    out = tmp_path / "extract"
    done = CliRunner().invoke(app, printed[1:-1] + [str(out)])
    assert done.exit_code == 0, done.output
    before, after = open_source(SAMPLE), open_source(out)
    try:
        assert after.extract.extract_id == before.extract.extract_id
        for name in ("officer_load", "case_progress", "attention_list", "forensic_queue"):
            expected, got = run_query(before, name), run_query(after, name)
            assert got.equals(expected), name
    finally:
        before.db.close()
        after.db.close()


def test_a_parquet_export_reads_as_the_csv_does(tmp_path):
    """A table exported as Parquet (typed columns: the dates as dates) converts to the same rows as the CSV."""
    exports = edited(tmp_path, "duty/supervision.csv", lambda t: t)
    csv = exports / "duty" / "supervision.csv"
    frame = pl.read_csv(csv).with_columns(pl.col("Date").str.strptime(pl.Date, "%d/%m/%Y"))
    frame.write_parquet(exports / "duty" / "supervision.parquet")
    csv.unlink()
    mapping = duty_mapping(tmp_path, 'files = "supervision*.csv"', 'files = "supervision*.parquet"')
    out = imported(tmp_path, exports, (RMS, mapping))
    expected = imported(tmp_path / "csv")
    assert sorted(map(str, table(out, "supervision"))) == sorted(map(str, table(expected, "supervision")))


def test_a_workbook_without_the_sheet_named_stops_with_one_line(tmp_path):
    mapping = duty_mapping(tmp_path, 'sheet = "Staff"', 'sheet = "Staff list"')
    message = r"^duty.xlsx: no sheet 'Staff list' \(its sheets: Staff, Working patterns\)$"
    with pytest.raises(SourceError, match=message):
        import_exports([RMS, mapping], [EXPORTS], tmp_path / "extract", extracted_at=TAKEN)
    assert not (tmp_path / "extract").exists()


def test_functions_give_the_values_the_docs_promise():
    """Evaluated on a frame of export text: hours, dates, maps, first() and row keys (docs/import.md)."""
    frame = pl.DataFrame(
        {
            "H": ["24 hrs", "0.5", "22.5", "37.5 hours", "1.0"],
            "D": ["01/02/2026", "2026-03-04 14:05", "45230", " ", "03 Apr 2026"],
            "M": ["lts", " Annual Leave ", "LTS", None, "Not recorded"],
            "_row": [2, 3, 4, 5, 6],
            "_file_no": [1, 1, 1, 1, 2],
        }
    )
    maps = {"absence": {"LTS": "long_term_sickness", "Annual Leave": "annual_leave", "Not recorded": ""}}
    compiler = Compiler("m.toml: tables.x", ["H", "D", "M"], maps)

    def values(expression: str) -> list:
        return frame.select(compiler.compile(expression, "columns.c").expr.alias("v"))["v"].to_list()

    assert values('hours(col("H"), 40)') == [24.0, 20.0, 22.5, 37.5, 40.0]
    assert values('date(col("D"), "dd/mm/yyyy", "excel", "dd mon yyyy")') == [
        D(2026, 2, 1),
        D(2026, 3, 4),
        D(2023, 10, 31),
        None,
        D(2026, 4, 3),
    ]
    mapped = ["long_term_sickness", "annual_leave", "long_term_sickness", None, None]  # "" maps to no value
    assert values('map(col("M"), "absence")') == mapped
    assert values('first(number(col("H")), 1)') == [1.0, 0.5, 22.5, 1.0, 1.0]
    assert values('row_key("A{x}")') == ["A{x}1-2", "A{x}1-3", "A{x}1-4", "A{x}1-5", "A{x}2-6"]
