"""`unitload import`, round two: percentages, dates that could be two days, and errors that point at the export
row (file, sheet, row, column) with the likely fix, counted by failing row, and nothing left behind."""

import datetime as dt
import json

import polars as pl
import pytest
from test_import import DUTY, EXPORTS, RMS, TAKEN, D, contracts_from, duty_mapping, edited, imported, table

from unitload.importing.errors import ImportFailed, MappingError
from unitload.importing.expressions import Compiler
from unitload.importing.mapping import load_mapping
from unitload.importing.run import import_exports

PROPORTION = """capacity_reduction = 'first(number(col("Proportion")), 1)'"""


def failing(tmp_path, exports, mappings, out=None) -> ImportFailed:
    out = out or tmp_path / "extract"
    with pytest.raises(ImportFailed) as failed:
        import_exports(list(mappings), [exports], out, extracted_at=TAKEN)
    assert not out.exists() and not list(out.parent.glob(f".{out.name}.importing-*"))
    return failed.value


def test_percent_reads_a_sign_or_a_stated_scale_as_the_contracts_fraction():
    frame = pl.DataFrame({"P": ["50%", "50 %", " 12.5% ", "50", "0.5", "100%", None]})

    def values(expression: str) -> list:
        return frame.select(Compiler("m.toml: tables.x", ["P"], {}).compile(expression, "c").expr.alias("v"))["v"]

    assert values('percent(col("P"), 100)').to_list() == [0.5, 0.5, 0.125, 0.5, 0.005, 1.0, None]
    assert values('percent(col("P"), 1)').to_list() == [0.5, 0.5, 0.125, 50.0, 0.5, 1.0, None]
    assert values('percent(col("P"))').to_list() == [0.5, 0.5, 0.125, None, None, 1.0, None]
    with pytest.raises(MappingError, match=r"percent\(\)'s scale must be 1 or 100, not '10'"):
        values('percent(col("P"), 10)')


@pytest.mark.parametrize(
    ("expression", "value", "problem"),
    [
        ('percent(col("Proportion"), 1)', "150%", "is outside 0-100 %"),
        ('percent(col("Proportion"), 100)', "-5", "is outside 0-100 %"),
        ('percent(col("Proportion"), 1)', "1.5", "is outside 0-100 %"),
        ('percent(col("Proportion"), 100)', "half", "is not a percentage (50%, 50 %)"),
    ],
)
def test_a_percentage_outside_0_to_100_or_unread_is_a_row_error(tmp_path, expression, value, problem):
    exports = edited(tmp_path, "duty/absences.csv", lambda t: t + f"P5,Training,02/11/2026,02/11/2026,{value}\r\n")
    mapping = duty_mapping(tmp_path, PROPORTION, f"capacity_reduction = 'first({expression}, 1)'")
    lines = failing(tmp_path, exports, (RMS, mapping)).lines
    assert lines == [f"""absences.csv, row 5, column "Proportion": '{value}' {problem} (absences.capacity_reduction)"""]


def test_a_plain_number_without_a_stated_scale_is_a_row_error(tmp_path):
    exports = edited(tmp_path, "duty/absences.csv", lambda t: t + "P5,Training,02/11/2026,02/11/2026,50\r\n")
    mapping = duty_mapping(tmp_path, PROPORTION, """capacity_reduction = 'first(percent(col("Proportion")), 1)'""")
    failed = failing(tmp_path, exports, (RMS, mapping))
    problem = "has no % sign: say how to read plain numbers, percent(x, 100) for 50 or percent(x, 1) for 0.5"
    assert f"""absences.csv, row 5, column "Proportion": '50' {problem} (absences.capacity_reduction)""" in failed.lines
    assert str(failed) == "3 problem(s); nothing was written"  # '1' and '0.5' in rows 3 and 4 as well


def test_percentages_as_text_import_as_fractions(tmp_path):
    exports = edited(tmp_path, "duty/absences.csv", lambda t: t.replace("31/10/2026,0.5", "31/10/2026,50 %"))
    mapping = duty_mapping(tmp_path, PROPORTION, """capacity_reduction = 'first(percent(col("Proportion"), 1), 1)'""")
    out = imported(tmp_path, exports, (RMS, mapping))
    assert {a["officer_id"]: a["capacity_reduction"] for a in table(out, "absences")} == {
        "P1": 0.5,
        "P2": 1.0,
        "P3": 1.0,
    }


def test_a_month_first_format_on_day_first_data_says_the_column_looks_day_first(tmp_path):
    mapping = duty_mapping(
        tmp_path, 'held_on = \'date(col("Date"), "dd/mm/yyyy")\'', 'held_on = \'date(col("Date"), "mm/dd/yyyy")\''
    )
    lines = failing(tmp_path, EXPORTS, (RMS, mapping)).lines
    assert lines == [
        """supervision.csv, row 2, column "Date": '15/10/2026' is not a date (mm/dd/yyyy); this column looks """
        """day-first: use "dd/mm/yyyy" (supervision.held_on)"""
    ]  # fmt: skip


def test_a_value_no_format_reads_either_way_is_still_not_a_date(tmp_path):
    exports = edited(tmp_path, "duty/supervision.csv", lambda t: t + "P2,P1,31/13/2026,Monthly 1:1\r\n")
    lines = failing(tmp_path, exports, (RMS, DUTY)).lines
    assert lines == [
        """supervision.csv, row 4, column "Date": '31/13/2026' is not a date (dd/mm/yyyy) (supervision.held_on)"""
    ]


def test_a_column_whose_every_value_reads_both_ways_is_a_warning_naming_it(tmp_path):
    exports = edited(tmp_path, "duty/supervision.csv", lambda t: t.replace("15/10/2026", "05/10/2026"))
    done = import_exports([RMS, DUTY], [exports], tmp_path / "extract", extracted_at=TAKEN)
    warned = [w for w in done.warnings if "supervision" in w]
    assert warned == [
        f"{DUTY}: tables.supervision: column \"Date\" reads as a date both as \"dd/mm/yyyy\" and as \"mm/dd/yyyy\" "
        "in every row; read as \"dd/mm/yyyy\": check a few (supervision.held_on; 2 rows would read otherwise)"
    ]  # fmt: skip
    assert sorted(s["held_on"] for s in table(done.out, "supervision")) == [D(2026, 9, 1), D(2026, 10, 5)]
    plain = import_exports([RMS, DUTY], [EXPORTS], tmp_path / "plain", extracted_at=TAKEN)
    assert not [w for w in plain.warnings if "supervision" in w]  # 15/10/2026 reads one way only


def test_a_workbook_row_is_named_by_file_sheet_and_row(tmp_path):
    mapping = duty_mapping(tmp_path, '"Supervisor" = "supervisor"\n', "")
    lines = failing(tmp_path, EXPORTS, (RMS, mapping)).lines
    assert lines == [
        """duty.xlsx [Staff], row 2, column "Role": 'Supervisor' has no entry in [maps.role] (officers.role)"""
    ]


CONTRACTS = """[tables.contracts]
files = "patterns*.csv"

[tables.contracts.columns]
officer_id = 'col("Staff No")'
valid_from = 'date(col("From"), "dd/mm/yyyy")'
valid_to = 'date(col("To"), "dd/mm/yyyy")'
contracted_hours = 'number(col("Hours"))'

"""
ONE_DAY = (  # P1's one-day contract on 31/12/2019, inclusive in the export, before the one from 01/01/2020
    "Staff No,From,To,Hours\r\nP1,31/12/2019,31/12/2019,40\r\nP1,01/01/2020,,40\r\nP2,01/03/2021,,32\r\n"
    "P3,06/06/2022,,40\r\nP4,03/02/2020,,40\r\nP5,07/01/2019,,40\r\n"
)


def _contracts(tmp_path, patterns: str):
    return contracts_from(tmp_path, patterns, CONTRACTS)


def test_a_validation_failure_names_the_export_row_and_the_likely_fix(tmp_path):
    exports, variant = _contracts(tmp_path, ONE_DAY)
    failed = failing(tmp_path, exports, (RMS, variant))
    assert failed.lines == [
        """patterns.csv, row 2, column "To": '2019-12-31' valid_to must be after valid_from (half-open): valid_to """
        """on the day of valid_from: an inclusive end date? wrap it in day_after(...) """
        """(contracts.valid_to, interval_order)"""
    ]  # fmt: skip
    assert str(failed) == "1 problem(s); nothing was written"


def test_an_end_before_the_start_suggests_dates_read_the_wrong_way(tmp_path):
    exports, variant = _contracts(tmp_path, ONE_DAY.replace("P1,31/12/2019,31/12/2019", "P1,12/11/2019,11/12/2018"))
    (line,) = failing(tmp_path, exports, (RMS, variant)).lines
    assert line.startswith("""patterns.csv, row 2, column "To": '2018-12-11' valid_to must be after valid_from""")
    assert "valid_to were day-first and month-first dates mixed in one column, or read the wrong way round?" in line


def test_an_event_after_the_extract_was_taken_names_its_row_and_asks_about_extracted_at(tmp_path):
    exports = edited(tmp_path, "duty/supervision.csv", lambda t: t + "P2,P1,01/12/2026,Monthly 1:1\r\n")
    (line,) = failing(tmp_path, exports, (RMS, DUTY)).lines
    assert line == (
        """supervision.csv, row 4, column "Date": '2026-12-01' date is after the extract was taken: after """
        """--extracted-at (2026-10-31): is that the day the exports were taken? """
        """(supervision.held_on, after_extracted_at)"""
    )  # fmt: skip


def test_problems_count_failing_rows_not_printed_lines(tmp_path):
    extra = "".join(f"P5,Jury Service,{day:02d}/11/2026,{day:02d}/11/2026,\r\n" for day in range(1, 26))
    extra += "P5,Jury Service,31/02/2026,,\r\n"  # one row failing twice: no map entry, not a date
    exports = edited(tmp_path, "duty/absences.csv", lambda t: t + extra)
    failed = failing(tmp_path, exports, (RMS, DUTY))
    assert str(failed) == "26 problem(s); nothing was written"
    assert len(failed.lines) == 1 + 20 + 1  # the bad date, 20 shown, "... and 6 more rows"
    assert failed.lines[21] == "... and 6 more rows where absences.kind has no entry in [maps.absence]"


def test_nothing_is_left_behind_on_failure_not_even_the_parents_of_out(tmp_path):
    exports, variant = _contracts(tmp_path, ONE_DAY)
    out = tmp_path / "made" / "for" / "it" / "extract"
    failing(tmp_path, exports, (RMS, variant), out)
    assert not (tmp_path / "made").exists()
    good = import_exports([RMS, DUTY], [EXPORTS], out, extracted_at=TAKEN)
    assert good.out == out and (out / "manifest.json").is_file()


def test_a_mapping_naming_a_table_or_column_wrongly_is_told_the_closest(tmp_path):
    wrong = tmp_path / "wrong.toml"
    wrong.write_text(DUTY.read_text().replace("tables.absences", "tables.absense"))
    with pytest.raises(MappingError, match=r"tables\.absense: not a contract table: did you mean 'absences'\?"):
        load_mapping(wrong)
    wrong.write_text(DUTY.read_text().replace("first_day = ", "firstday = "))
    with pytest.raises(MappingError, match=r"columns\.firstday: not a column of absences: did you mean 'first_day'\?"):
        load_mapping(wrong)


def test_the_sample_exports_give_no_warning_about_day_order(tmp_path):
    from conftest import SAMPLE

    from unitload.importing.exports import write_exports

    write_exports(SAMPLE, tmp_path / "exports")
    mappings = [tmp_path / "exports" / "generic-rms.toml", tmp_path / "exports" / "duty-system.toml"]
    taken = dt.datetime.fromisoformat(json.loads((SAMPLE / "manifest.json").read_text())["extracted_at"])
    done = import_exports(mappings, [tmp_path / "exports"], tmp_path / "extract", extracted_at=taken)
    assert not [w for w in done.warnings if "both as" in w]
