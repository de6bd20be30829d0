"""Validation: a clean extract passes; one bad extract per rule gives that rule's finding."""

import copy
import json

import polars as pl
import pytest
from conftest import D, absence, action, assign, case, contract, exhibit, officer

from unitload.extract.db import open_source
from unitload.extract.findings import ERROR, WARNING
from unitload.extract.folder import sha256_file
from unitload.extract.tables import frame, write_extract
from unitload.extract.validate import validate
from unitload.settings import Settings

GOOD = {
    "officers": [officer("O1"), officer("O2", supervisor_id="O1")],
    "contracts": [
        contract("O1", 40.0, D(2020, 1, 1), D(2025, 1, 1)),
        contract("O1", 24.0, D(2025, 1, 1)),
        contract("O2"),
    ],
    "absences": [absence("O1", D(2026, 6, 1), D(2026, 6, 5))],
    "cases": [case("C1"), case("C2", closed_on=D(2026, 3, 1))],
    "assignments": [
        assign("C1", "O1", D(2026, 1, 5), D(2026, 2, 1)),
        assign("C1", "O2", D(2026, 2, 1)),
        assign("C2", "O1"),
    ],
    "actions": [action("X1", "C1", D(2026, 1, 6))],
    "exhibits": [exhibit("E1", triaged_on=D(2026, 6, 1), download_started_on=D(2026, 6, 3))],
    "supervision": [
        {"officer_id": "O2", "supervisor_id": "O1", "held_on": D(2026, 6, 1), "kind": "monthly_supervision"}
    ],
}


def findings_for(tmp_path, change=None, **overrides):
    tables = copy.deepcopy(GOOD) | overrides
    if change:
        change(tables)
    root = write_extract(tmp_path / "x", tables)
    return validate(open_source(root))


def rules(findings, severity=ERROR):
    return {(f.table, f.column, f.rule) for f in findings if f.severity == severity}


def test_a_clean_extract_has_no_findings(tmp_path):
    assert findings_for(tmp_path) == []


def _set(table, index, **values):
    def change(tables):
        tables[table][index].update(values)

    return change


def _add(table, row):
    def change(tables):
        tables[table].append(row)

    return change


BAD = [
    ("null-key", _set("cases", 0, case_id=None), ("cases", "case_id", "not_null")),
    ("null-date", _set("actions", 0, action_on=None), ("actions", "action_on", "not_null")),
    ("role", _set("officers", 0, role="detective"), ("officers", "role", "accepted_values")),
    ("risk", _set("cases", 0, risk_grade="extreme"), ("cases", "risk_grade", "accepted_values")),
    ("action-type", _set("actions", 0, action_type="chat"), ("actions", "action_type", "accepted_values")),
    ("absence-kind", _set("absences", 0, kind="holiday"), ("absences", "kind", "accepted_values")),
    ("reason", _set("assignments", 0, reason="swap"), ("assignments", "reason", "accepted_values")),
    ("device", _set("exhibits", 0, device_type="car"), ("exhibits", "device_type", "accepted_values")),
    ("priority", _set("exhibits", 0, priority="p1"), ("exhibits", "priority", "accepted_values")),
    ("supervision-kind", _set("supervision", 0, kind="chat"), ("supervision", "kind", "accepted_values")),
    ("duplicate-case", _add("cases", case("C1")), ("cases", "case_id", "unique")),
    ("duplicate-officer", _add("officers", officer("O1")), ("officers", "officer_id", "unique")),
    ("unknown-officer", _set("assignments", 2, officer_id="GHOST"), ("assignments", "officer_id", "references")),
    ("unknown-case", _set("actions", 0, case_id="C9"), ("actions", "case_id", "references")),
    ("unknown-supervisor", _set("officers", 1, supervisor_id="GHOST"), ("officers", "supervisor_id", "references")),
    ("unknown-examiner", _set("exhibits", 0, examiner_id="GHOST"), ("exhibits", "examiner_id", "references")),
    ("hours-zero", _set("contracts", 2, contracted_hours=0.0), ("contracts", "contracted_hours", "range")),
    ("hours-61", _set("contracts", 2, contracted_hours=61.0), ("contracts", "contracted_hours", "range")),
    ("reduction", _set("absences", 0, capacity_reduction=1.5), ("absences", "capacity_reduction", "range")),
    ("complexity", _set("cases", 0, complexity=4), ("cases", "complexity", "range")),
    ("weight", _set("cases", 0, weight=-1.0), ("cases", "weight", "range")),
    ("empty-contract", _set("contracts", 2, valid_to=D(2020, 1, 1)), ("contracts", "valid_to", "interval_order")),
    ("absence-order", _set("absences", 0, last_day=D(2026, 5, 1)), ("absences", "last_day", "interval_order")),
    ("closed-before-opened", _set("cases", 1, closed_on=D(2025, 1, 1)), ("cases", "closed_on", "interval_order")),
    ("left-before-joined", _set("officers", 1, left_on=D(2019, 1, 1)), ("officers", "left_on", "interval_order")),
    (
        "assignment-order",
        _set("assignments", 0, assigned_to=D(2026, 1, 5)),
        ("assignments", "assigned_to", "interval_order"),
    ),
    (
        "overlapping-contracts",
        _add("contracts", contract("O2", 20.0, D(2024, 1, 1), D(2024, 6, 1))),
        ("contracts", "valid_from", "overlapping_contracts"),
    ),
    (
        "two-oics",
        _add("assignments", assign("C2", "O2", D(2026, 2, 1), D(2026, 2, 2))),
        ("assignments", "assigned_from", "one_oic_per_day"),
    ),
    (
        "stage-order",
        _set("exhibits", 0, download_started_on=D(2026, 5, 1)),
        ("exhibits", "submitted_on", "stage_order"),
    ),
    ("withdrawn-early", _set("exhibits", 0, withdrawn_on=D(2026, 5, 1)), ("exhibits", "withdrawn_on", "stage_order")),
    ("future-action", _set("actions", 0, action_on=D(2026, 11, 1)), ("actions", "action_on", "after_extracted_at")),
    ("future-case", _set("cases", 0, opened_on=D(2026, 12, 1)), ("cases", "opened_on", "after_extracted_at")),
    ("future-exam", _set("exhibits", 0, examined_on=D(2027, 1, 1)), ("exhibits", "examined_on", "after_extracted_at")),
    # NaN and infinity pass range checks (Parquet statistics leave NaN out): refused in every float column
    ("nan-hours", _set("contracts", 2, contracted_hours=float("nan")), ("contracts", "contracted_hours", "finite")),
    ("inf-weight", _set("cases", 0, weight=float("inf")), ("cases", "weight", "finite")),
    (
        "nan-reduction",
        _set("absences", 0, capacity_reduction=float("nan")),
        ("absences", "capacity_reduction", "finite"),
    ),
    # a control character in an id would forge a line of a report or a link
    ("newline-id", _set("cases", 1, case_id="C2\nERROR forged"), ("cases", "case_id", "plain_id")),
    ("tab-team", _set("officers", 1, team="T1\t"), ("officers", "team", "plain_id")),
]


@pytest.mark.parametrize(("change", "expected"), [b[1:] for b in BAD], ids=[b[0] for b in BAD])
def test_each_rule_reports_its_own_finding(tmp_path, change, expected):
    found = findings_for(tmp_path, change)
    assert expected in rules(found)
    finding = next(f for f in found if (f.table, f.column, f.rule) == expected)
    assert finding.rows >= 1
    assert finding.examples, "a finding names example rows"
    assert finding.table in finding.line() and finding.rule in finding.line()


def test_finding_counts_rows_and_names_examples(tmp_path):
    found = findings_for(tmp_path, _add("cases", case("C1")))
    finding = next(f for f in found if f.rule == "unique")
    assert finding.rows == 2
    assert finding.examples == ("case_id=C1", "case_id=C1")


def test_a_check_that_cannot_run_is_a_finding_and_the_rest_of_its_table_still_run(tmp_path, monkeypatch):
    """A table's checks run as one query; when one of them cannot run, each runs alone, so the failing check
    is named and every other finding of the table keeps its row count and examples."""
    from unitload.extract import validate as validation
    from unitload.extract.checks import Check

    unreadable = Check(ERROR, "cases", "case_ref", "always_fails", "never shown", "cast(t.case_ref as integer) > 0")
    monkeypatch.setattr(validation, "RULE_CHECKS", [*validation.RULE_CHECKS, unreadable])
    found = findings_for(tmp_path, _add("cases", case("C1")))
    failed = next(f for f in found if f.rule == "always_fails")
    assert failed.message.startswith("could not be checked: Conversion Error") and failed.rows == 0
    duplicate = next(f for f in found if f.rule == "unique")
    assert (duplicate.table, duplicate.rows, duplicate.examples) == ("cases", 2, ("case_id=C1", "case_id=C1"))


@pytest.mark.parametrize(
    ("change", "expected"),
    [
        (_set("actions", 0, action_on=D(2026, 1, 1)), ("actions", "action_on", "within_case")),
        (_set("officers", 1, joined_on=D(2026, 3, 1)), ("assignments", "officer_id", "oic_in_post")),
        (_add("officers", officer("O3")), ("officers", "officer_id", "contract_in_post")),
        (_set("cases", 0, opened_on=D(2026, 1, 20)), ("assignments", "assigned_from", "within_case")),
    ],
)
def test_warnings_do_not_block(tmp_path, change, expected):
    found = findings_for(tmp_path, change)
    assert expected in rules(found, WARNING)
    assert rules(found, ERROR) == set()


def test_future_leave_and_contract_ends_are_allowed(tmp_path):
    found = findings_for(tmp_path, _add("absences", absence("O2", D(2026, 12, 21), D(2026, 12, 31), "annual_leave")))
    assert found == []


def test_missing_required_table(tmp_path):
    root = write_extract(tmp_path / "x", copy.deepcopy(GOOD))
    (root / "actions.parquet").unlink()
    source = open_source(root)
    assert not source.usable
    assert ("actions", "", "required_table") in rules(validate(source))


def test_missing_optional_table_is_fine(tmp_path):
    tables = copy.deepcopy(GOOD)
    del tables["supervision"]
    root = write_extract(tmp_path / "x", tables)
    assert validate(open_source(root)) == []


@pytest.mark.parametrize("content", [b"", b"not parquet at all", b"PAR1\x00\x00garbage"])
def test_corrupt_parquet_file_is_a_finding_not_a_crash(tmp_path, content):
    root = write_extract(tmp_path / "x", copy.deepcopy(GOOD))
    (root / "cases.parquet").write_bytes(content)
    found = validate(open_source(root))
    finding = next(f for f in found if f.rule == "readable_parquet")
    assert (finding.table, finding.file) == ("cases", "cases.parquet")
    assert ("cases", "", "sha256") in rules(found)


def test_truncated_parquet_file(tmp_path):
    root = write_extract(tmp_path / "x", copy.deepcopy(GOOD))
    data = (root / "actions.parquet").read_bytes()
    (root / "actions.parquet").write_bytes(data[: len(data) // 2])
    assert ("actions", "", "readable_parquet") in rules(validate(open_source(root)))


def test_missing_column_and_wrong_type(tmp_path):
    root = write_extract(tmp_path / "x", copy.deepcopy(GOOD))
    frame("cases", GOOD["cases"]).drop("risk_grade").write_parquet(root / "cases.parquet")
    frame("actions", GOOD["actions"]).with_columns(pl.lit(3).alias("action_on")).write_parquet(root / "actions.parquet")
    found = rules(validate(open_source(root)))
    assert ("cases", "risk_grade", "required_column") in found
    assert ("actions", "action_on", "column_type") in found


def test_timestamps_are_accepted_as_dates_and_extra_columns_ignored(tmp_path):
    root = write_extract(tmp_path / "x", copy.deepcopy(GOOD))
    frame("actions", GOOD["actions"]).with_columns(
        pl.col("action_on").cast(pl.Datetime("us")) + pl.duration(hours=15), pl.lit("x").alias("note")
    ).write_parquet(root / "actions.parquet")
    manifest = json.loads((root / "manifest.json").read_text())
    manifest["tables"]["actions"]["sha256"] = {"actions.parquet": sha256_file(root / "actions.parquet")}
    (root / "manifest.json").write_text(json.dumps(manifest))
    source = open_source(root)
    assert rules(validate(source)) == set()
    assert source.cursor().sql("select action_on from actions").fetchall() == [(D(2026, 1, 6),)]


@pytest.mark.parametrize("strictness", ["error", "warning"])
def test_a_file_without_a_checksum_is_an_error_unless_lowered_to_a_warning(tmp_path, strictness):
    root = write_extract(tmp_path / "x", copy.deepcopy(GOOD))
    manifest = json.loads((root / "manifest.json").read_text())
    for entry in manifest["tables"].values():
        del entry["sha256"]
    del manifest["tables"]["actions"]
    (root / "manifest.json").write_text(json.dumps(manifest))
    settings = Settings.model_validate({"validation": {"missing_checksums": strictness}})
    found = validate(open_source(root, settings))
    assert {f.severity for f in found} == {ERROR if strictness == "error" else WARNING}
    assert [(f.table, f.rule, f.file) for f in found if f.rule == "sha256_missing"][:2] == [
        ("absences", "sha256_missing", "absences.parquet"),
        ("assignments", "sha256_missing", "assignments.parquet"),
    ]
    assert len([f for f in found if f.rule == "sha256_missing"]) == len(manifest["tables"])  # each listed file
    assert [f.message for f in found if f.rule == "manifest_entry"] == [
        "table is not listed in manifest.json: row count and checksum not verified"
    ]
    assert "integrity is not verified" in next(f.line() for f in found if f.rule == "sha256_missing")


def test_optional_capacity_reduction_column_defaults_to_one(tmp_path):
    root = write_extract(tmp_path / "x", copy.deepcopy(GOOD))
    frame("absences", GOOD["absences"]).drop("capacity_reduction").write_parquet(root / "absences.parquet")
    source = open_source(root)
    assert source.usable
    assert source.cursor().sql("select capacity_reduction from absences").fetchall() == [(1.0,)]


def test_table_as_a_folder_of_parquet_files(tmp_path):
    root = write_extract(tmp_path / "x", copy.deepcopy(GOOD))
    (root / "cases.parquet").unlink()
    (root / "cases").mkdir()
    frame("cases", GOOD["cases"][:1]).write_parquet(root / "cases" / "part-0.parquet")
    frame("cases", GOOD["cases"][1:]).write_parquet(root / "cases" / "part-1.parquet")
    source = open_source(root)
    assert source.cursor().sql("select count(*) from cases").fetchall() == [(2,)]


@pytest.mark.parametrize(
    ("edit", "rule"),
    [
        (lambda m: m["tables"]["cases"].update(rows=5), "row_count"),
        (lambda m: m["tables"]["cases"]["sha256"].update({"cases.parquet": "0" * 64}), "sha256"),
        (lambda m: m.pop("extracted_at"), "manifest"),
    ],
)
def test_manifest_row_counts_and_checksums(tmp_path, edit, rule):
    root = write_extract(tmp_path / "x", copy.deepcopy(GOOD))
    manifest = json.loads((root / "manifest.json").read_text())
    edit(manifest)
    (root / "manifest.json").write_text(json.dumps(manifest))
    assert rule in {f.rule for f in validate(open_source(root)) if f.severity == ERROR}


def test_missing_manifest(tmp_path):
    root = write_extract(tmp_path / "x", copy.deepcopy(GOOD))
    (root / "manifest.json").unlink()
    assert ("manifest", "", "manifest") in rules(validate(open_source(root)))


def test_a_damaged_column_is_found_by_decoding_every_column(tmp_path):
    """One column chunk that no longer decompresses passes a look at the schema, then fails every page."""
    import pyarrow as pa
    import pyarrow.parquet as pq

    root = write_extract(tmp_path / "x", copy.deepcopy(GOOD))
    path = root / "cases.parquet"
    table = pq.read_table(path)
    pq.write_table(table, path, compression="snappy", use_dictionary=False)
    meta = pq.ParquetFile(path).metadata.row_group(0).column(table.column_names.index("offence_type"))
    data = bytearray(path.read_bytes())
    start = meta.data_page_offset
    data[start + 20 : start + meta.total_compressed_size] = b"\xff" * (meta.total_compressed_size - 20)
    path.write_bytes(bytes(data))
    found = validate(open_source(root))
    damaged = [f for f in found if f.rule == "readable_data"]
    assert [(f.table, f.column) for f in damaged] == [("cases", "offence_type")], [f.line() for f in found]
    assert damaged[0].severity == ERROR and "cannot be read" in damaged[0].line()
    assert pa  # imported for the writer above


@pytest.mark.parametrize(
    ("edit", "problem"),
    [
        (lambda m: m["tables"]["cases"].update(files=None), "tables.cases.files"),
        (lambda m: m["tables"]["cases"].update(files=7), "tables.cases.files"),
        (lambda m: m["tables"].update(cases=["x"]), "tables.cases must be an object"),
        (lambda m: m["tables"]["cases"].update(rows="many"), "tables.cases.rows"),
        (lambda m: m["tables"]["cases"].update(sha256=[1, 2]), "tables.cases.sha256"),
        (lambda m: m.update(extracted_at="9999-12-31T00:00:00"), "later than now"),
    ],
)
def test_a_malformed_manifest_is_one_finding_never_an_exception(tmp_path, edit, problem):
    root = write_extract(tmp_path / "x", copy.deepcopy(GOOD))
    manifest = json.loads((root / "manifest.json").read_text())
    edit(manifest)
    (root / "manifest.json").write_text(json.dumps(manifest))
    found = validate(open_source(root))
    lines = [f.line() for f in found if f.rule == "manifest"]
    assert any(problem in line for line in lines), lines


def test_a_manifest_path_outside_the_extract_is_never_read(tmp_path):
    root = write_extract(tmp_path / "x", copy.deepcopy(GOOD))
    (tmp_path / "secret").write_text("not part of the extract")
    manifest = json.loads((root / "manifest.json").read_text())
    manifest["tables"]["cases"]["sha256"]["../secret"] = "0" * 64
    (root / "manifest.json").write_text(json.dumps(manifest))
    found = [f for f in validate(open_source(root)) if f.file == "../secret"]
    assert [(f.rule, f.message) for f in found] == [("manifest_file", "file name leads outside the extract")]


def test_a_report_line_never_breaks_on_a_value_from_the_data(tmp_path):
    found = findings_for(tmp_path, _set("cases", 1, case_id="C2\nERROR forged: all clear"))
    lines = [f.line() for f in found]
    assert all("\n" not in line for line in lines)
    assert any("C2\\nERROR forged" in line for line in lines)
