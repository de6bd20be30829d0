"""The `unitload` command as a user runs it: contract output formats and one-line errors."""

import csv
import io
import json
import subprocess
import sys

import pytest
from conftest import SAMPLE, fresh_python
from test_queries import CONTRACT_COLUMNS

from queries import run_query


def unitload(*args, check=True):
    result = subprocess.run(
        [sys.executable, "-m", "unitload", *map(str, args)], capture_output=True, text=True, timeout=600
    )
    if check:
        assert result.returncode == 0, result.stderr
    return result


@pytest.mark.parametrize("name", CONTRACT_COLUMNS)
def test_query_csv_follows_the_contract(name):
    out = unitload("query", name, "--data", SAMPLE, "--format", "csv").stdout
    table = list(csv.reader(io.StringIO(out)))
    header, body = table[0], table[1:]
    assert header[: len(CONTRACT_COLUMNS[name])] == CONTRACT_COLUMNS[name]
    assert body
    for column in ("overloaded", "unprogressed", "inherited"):
        if column in header:
            assert {row[header.index(column)] for row in body} <= {"true", "false"}
    for column in ("opened_on", "last_progress_on"):
        if column in header:
            values = {row[header.index(column)] for row in body}
            assert all(v == "" or (len(v) == 10 and v[4] == "-" and v[7] == "-") for v in values)
    if name == "case_progress":  # cases with no progressing action or review leave the cell empty
        assert "" in {row[header.index("last_progress_on")] for row in body}
        assert "" in {row[header.index("last_review_on")] for row in body}
    if name == "officer_load":  # the officer on long-term sickness has no capacity: empty, not inf or 0
        loads = [row[header.index("load_pct")] for row in body]
        assert "" in loads and "inf" not in loads


def test_floats_are_unrounded_and_match_json():
    csv_out = list(csv.DictReader(io.StringIO(unitload("query", "officer_load", "--data", SAMPLE).stdout)))
    json_out = json.loads(unitload("query", "officer_load", "--data", SAMPLE, "--format", "json").stdout)
    assert isinstance(json_out, list) and len(json_out) == len(csv_out)
    for c, j in zip(csv_out, json_out, strict=True):
        assert set(CONTRACT_COLUMNS["officer_load"]) <= set(j)
        assert (c["load_pct"] == "") == (j["load_pct"] is None)
        if j["load_pct"] is not None:
            assert float(c["load_pct"]) == j["load_pct"]
        assert c["overloaded"] == ("true" if j["overloaded"] else "false")
    assert any(len(r["load_pct"]) > 8 for r in csv_out)  # e.g. 166.66666666666666, not 166.67


def test_as_of_settings_and_params_change_the_result(tmp_path):
    base = json.loads(unitload("query", "case_progress", "--data", SAMPLE, "--format", "json").stdout)
    lenient = json.loads(
        unitload("query", "case_progress", "--data", SAMPLE, "--format", "json", "--param", "stale_days=365").stdout
    )
    assert sum(r["unprogressed"] for r in lenient) < sum(r["unprogressed"] for r in base)
    settings = tmp_path / "s.toml"
    settings.write_text("[progress]\nstale_days = 365\n")
    via_file = json.loads(
        unitload("query", "case_progress", "--data", SAMPLE, "--format", "json", "--settings", settings).stdout
    )
    assert via_file == lenient
    earlier = json.loads(
        unitload("query", "forensic_queue", "--data", SAMPLE, "--format", "json", "--as-of", "2025-06-30").stdout
    )
    assert all(r["submitted_on"] <= "2025-06-30" for r in earlier)


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["query", "nonsense", "--data", SAMPLE], "unknown query"),
        (["query", "officer_load", "--data", SAMPLE, "--as-of", "31/10/2026"], "--as-of must be a date"),
        (["query", "officer_load", "--data", "/no/such/extract"], "no such extract folder"),
        (["query", "officer_load", "--data", SAMPLE, "--param", "stale_days=3"], "takes no parameter 'stale_days'"),
        # a name the runner takes as a keyword of its own is no query parameter either
        (["query", "officer_load", "--data", SAMPLE, "--param", "reusing=1"], "takes no parameter 'reusing'"),
        (["query", "officer_load", "--data", SAMPLE, "--param", "overload_pct=high"], "overload_pct"),
        (["query", "officer_load", "--data", SAMPLE, "--format", "xml"], "--format"),
        (["query", "officer_load", "--data", SAMPLE, "--settings", "/no/such.toml"], "cannot read settings"),
        (["query"], "Missing argument 'name'"),
        (["query", "officer_load", "--data", SAMPLE, "--bogus"], "No such option: --bogus"),
        (["nonsense"], "No such command 'nonsense'"),
        (["decide", "--data", SAMPLE], "Missing option '--item'"),
        (["promote", "/no/such/extract", "--root", "/no/such/root"], "/no/such/extract: no such extract folder"),
    ],
)
def test_errors_are_one_clear_line(args, message):
    result = unitload(*args, check=False)
    assert result.returncode == 2
    assert result.stderr.count("\n") == 1 and result.stderr.startswith("unitload: error: "), result.stderr
    assert message in result.stderr and "Traceback" not in result.stderr and not result.stdout


@pytest.mark.parametrize("command", ["query", "validate", "generate"])
def test_every_command_has_help(command):
    assert "Usage" in unitload(command, "--help").stdout


def test_validate_exit_codes(tmp_path):
    assert unitload("validate", SAMPLE).returncode == 0
    broken = tmp_path / "broken"
    broken.mkdir()
    (broken / "cases.parquet").write_text("not parquet")
    result = unitload("validate", broken, check=False)
    assert result.returncode == 1
    assert "ERROR" in result.stdout and "cases" in result.stdout
    found = json.loads(unitload("validate", broken, "--format", "json", check=False).stdout)
    assert {"officers", "cases"} <= {f["table"] for f in found}


@pytest.mark.slow
def test_generate_then_validate(tmp_path):
    out = tmp_path / "unit"
    result = unitload("generate", "--scale", "unit", "--seed", "7", "--out", out)
    assert "cases" in result.stdout
    assert unitload("validate", out).returncode == 0


def test_exports_carry_their_header_and_definitions():
    import io
    import zipfile

    import polars as pl

    from unitload.output.formats import to_about, to_csv, to_xlsx

    frame = pl.DataFrame({"officer_id": ["P1", "P2"], "load_pct": [120.5, None]})
    header = [("extract", "unit-seed42"), ("as of", "2026-10-31"), ("definition: overloaded", "load_pct above 110 %")]
    assert to_csv(frame).splitlines() == ["officer_id,load_pct", "P1,120.5", "P2,"]  # no comment line Excel shows
    assert to_about(header).splitlines() == [
        "extract: unit-seed42",
        "as of: 2026-10-31",
        "definition: overloaded: load_pct above 110 %",
    ]
    book = zipfile.ZipFile(io.BytesIO(to_xlsx(frame, header)))
    workbook = book.read("xl/workbook.xml").decode()
    assert 'name="data"' in workbook and 'name="about"' in workbook
    strings = book.read("xl/sharedStrings.xml").decode()
    assert "unit-seed42" in strings and "load_pct above 110 %" in strings and "P2" in strings


def test_report_writes_a_self_contained_pack(tmp_path):
    import polars as pl

    out = tmp_path / "pack.html"
    result = unitload("report", "--data", SAMPLE, "--month", "2026-09", "--out", out)
    assert "figures as of 2026-09-30" in result.stdout
    text = out.read_text()
    assert "<script src" not in text  # plotly.js is inline; the browser test shows nothing is fetched
    assert text.count("plotly-graph-div") == 5  # the workload in charts of at most 18 officers: 2 for 27
    for heading in (
        "Headline figures",
        "Needs a decision this month",
        "Officer workload",
        "Case ageing",
        "Forensic queue",
        "Definitions",
    ):
        assert f"<h2>{heading}</h2>" in text
    assert "unit-seed42-2026-10-31" in text and "C000836" in text
    names = pl.read_parquet(SAMPLE / "officers.parquet")["display_name"].to_list()
    assert not any(name in text for name in names)  # names hidden unless asked for
    named = tmp_path / "named.html"
    unitload("report", "--data", SAMPLE, "--out", named, "--names")
    assert any(name in named.read_text() for name in names)


def test_a_pack_of_teams_says_so_and_holds_only_their_items(tmp_path, sample):
    out = tmp_path / "pack.html"
    unitload("report", "--data", SAMPLE, "--teams", "POLIT-B", "--out", out)
    text = out.read_text()
    assert "figures as of 31 October 2026; team POLIT-B." in text and "all units" not in text
    listed = text.split("<h2>Needs a decision this month</h2>")[1].split("</table>")[0]
    expected = run_query(sample, "attention_list", teams=["POLIT-B"])
    assert listed.count("<tr>") - 1 == expected.height > 0
    assert "POLIT-A" not in listed and "POLIT-C" not in listed
    whole = tmp_path / "whole.html"
    unitload("report", "--data", SAMPLE, "--out", whole)
    assert "; all units." in whole.read_text()
    refused = unitload("report", "--data", SAMPLE, "--teams", "POLIT-X", "--out", tmp_path / "x.html", check=False)
    assert refused.returncode == 2 and refused.stderr == "unitload: error: --teams: no team POLIT-X in the extract\n"


@pytest.mark.parametrize(("month", "message"), [("2026-13", "YYYY-MM"), ("2027-01", "after the extract")])
def test_report_refuses_a_bad_month(tmp_path, month, message):
    result = unitload("report", "--data", SAMPLE, "--month", month, "--out", tmp_path / "x.html", check=False)
    assert result.returncode == 2 and message in result.stderr


def test_the_command_lines_formats_are_the_ones_output_renders():
    from unitload import cli
    from unitload.output import formats as output

    assert cli.FORMATS == output.FORMATS


def test_query_reads_its_rows_without_pyarrow_and_duckdb_reports_no_leak():
    """`unitload query` imports only what it uses: the rows come through the Arrow C stream, not PyArrow (about
    0.15 s of its start), and handing DuckDB's relation to Polars leaves nothing DuckDB reports at exit."""
    argv = ["unitload", "query", "officer_load", "--data", str(SAMPLE), "--format", "csv"]
    code = (
        "import atexit, sys\n"
        "atexit.register(lambda: print('pyarrow loaded:', 'pyarrow' in sys.modules, file=sys.stderr))\n"
        f"sys.argv = {argv!r}\n"
        "from unitload.cli import main\n"
        "main()\n"
    )
    done = fresh_python(code)
    assert done.stderr == "pyarrow loaded: False\n"
    assert next(csv.DictReader(io.StringIO(done.stdout)))["officer_id"]


def test_help_loads_no_engine():
    """`unitload --help` starts without DuckDB, Polars or PyArrow (a fast command line)."""
    code = "import sys; from unitload.cli import app; print(sorted({'duckdb', 'polars', 'pyarrow'} & set(sys.modules)))"
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert done.stdout.strip() == "[]"
