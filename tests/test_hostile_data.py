"""Data that would become code in someone's hands: a spreadsheet formula, chart markup, a Markdown link.

Each test plants what a hostile export could hold and checks that it stays text where a person opens it.
"""

import io
import subprocess
import sys

import openpyxl
import plotly.graph_objects as go
import polars as pl
import pytest
from conftest import D, assign, case, contract, officer

from unitload.output.formats import inert, to_about, to_csv, to_xlsx

FORMULAS = ["=1+1", "+SUM(A1)", "-2+3", "@SUM(1)", "\tx", "\rx", '=HYPERLINK("https://evil.example","x")']


@pytest.mark.parametrize("value", FORMULAS)
def test_a_csv_cell_that_a_spreadsheet_would_run_starts_with_a_quote(value):
    frame = pl.DataFrame({"display_name": [value], "load_pct": [-12.5]})
    written = to_csv(frame)
    cell = next(iter(pl.read_csv(io.StringIO(written), infer_schema=False).iter_rows()))
    assert cell == ("'" + value.replace("\t", " ").replace("\r", " "), "-12.5")  # a number is a number still


def test_ordinary_text_and_every_other_type_are_written_unchanged():
    frame = pl.DataFrame({"name": ["A-B", "a=b", "x@y", None], "n": [-1, 2, 3, None], "d": [D(2026, 1, 1)] * 4})
    assert inert(frame).equals(frame)


@pytest.mark.parametrize("value", FORMULAS)
def test_an_xlsx_cell_is_text_never_a_formula_or_a_link(value):
    frame = pl.DataFrame({"offence_type": [value, "https://evil.example"], "weight": [1.5, 2.0]})
    book = openpyxl.load_workbook(io.BytesIO(to_xlsx(frame, [("scope", value)])))
    cells = [c for row in book["data"].iter_rows(min_row=2) for c in row]
    assert [c.data_type for c in cells] == ["s", "n", "s", "n"]
    assert cells[0].value == value.replace("\t", " ").replace("\r", " ")  # a control character: a space
    assert all(c.hyperlink is None for c in cells)
    assert [c.data_type for row in book["about"].iter_rows() for c in row] == ["s"] * 4


def test_the_query_command_writes_a_hostile_team_code_as_text(build):
    people = [officer("O1", team="=cmd|' /C calc'!A0"), officer("O2", team="-T2")]
    source = build(
        officers=people,
        contracts=[contract("O1"), contract("O2")],
        cases=[case("C1")],
        assignments=[assign("C1", "O1")],
    )
    result = subprocess.run(
        [sys.executable, "-m", "unitload", "query", "officer_load", "--data", source.extract.root],
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert result.returncode == 0, result.stderr
    teams = pl.read_csv(io.StringIO(result.stdout), infer_schema=False)["team"].to_list()
    assert teams == ["'=cmd|' /C calc'!A0", "'-T2"]


LINK = '<a href="https://evil.example">x</a><b>bold</b><span style="font-size:40px">big</span>'


def hostile_officers() -> pl.DataFrame:
    return pl.DataFrame(
        {
            "label": [LINK, "P2 & co"],
            "officer_id": ["P1", "P2"],
            "load_pct": [150.0, 80.0],
            "weighted_load": [18.0, 9.6],
            "capacity_points": [12.0, 12.0],
            "open_cases": [9, 5],
            "fte": [1.0, 1.0],
        }
    )


def test_data_text_reaches_a_figure_as_text_and_its_table_shows_it_as_written():
    from unitload.charts import text as chart_text
    from unitload.charts import workload as charts

    fig = charts.load_bars(hostile_officers(), adjusted=True, overload_pct=110, points_per_fte=12)
    drawn = " ".join(strings(fig.to_plotly_json()))
    assert "<a href" not in drawn and "<b>" not in drawn and "<span" not in drawn
    assert '&lt;a href="https://evil.example"&gt;' in drawn  # Plotly shows entities as the characters
    assert "<br>load 18.00 of 12.00 points" in drawn  # the chart's own markup still works
    table = chart_text.chart_table(fig)
    assert set(table[table.columns[0]]) == {LINK, "P2 & co"}


def test_the_forensic_charts_escape_every_text_column_they_draw():
    """The queue charts search only the columns they draw: markup in each of those, and in one they do not
    draw, reaches no figure as markup."""
    from unitload.charts import forensics as charts

    n = 6
    items = pl.DataFrame(
        {
            "exhibit_id": [f"E{i} {LINK}" for i in range(n)],
            "case_id": [f"C{i} {LINK}" for i in range(n)],
            "priority": ["urgent", "high", "standard", "low", "urgent", "high"],
            "device_type": [f"phone {LINK}"] * n,
            "stage": list(charts.STAGES) + list(charts.STAGES[:2]),
            "age_days": list(range(n)),
            "stage_age_days": list(range(n)),
            "age_band": [f"0-30 days {LINK}"] * n,
            "age_band_index": [0] * n,
            "examiner_id": [LINK] * n,  # drawn by neither
        }
    )
    pace = pl.DataFrame({"stage": list(charts.STAGES), "p50": [1.0] * 4, "p85": [2.0] * 4, "p95": [3.0] * 4})
    for fig in (charts.queue_by_stage(items), charts.ageing(items, pace)):
        drawn = " ".join(strings(fig.to_plotly_json()))
        assert "&lt;a href" in drawn and "<a href" not in drawn and "<b>" not in drawn and "<span" not in drawn
    from unitload.charts import text as chart_text

    detail = chart_text.chart_table(charts.ageing(items, pace)).filter(pl.col("series") == "urgent")["detail"]
    assert detail[0] == f"E4 {LINK} (phone {LINK}) · case C4 {LINK}; days since submission: 4; days in this stage: 4"


def test_every_figure_of_the_pack_holds_data_text_escaped(sample, tmp_path, monkeypatch):
    """The monthly pack on the sample with a link planted in every officer's name and every offence."""
    import shutil

    from unitload.extract.db import open_source
    from unitload.review import pack as report

    folder = tmp_path / "unit"
    shutil.copytree(sample.extract.root, folder, ignore=shutil.ignore_patterns("derived"))
    officers = pl.read_parquet(folder / "officers.parquet")
    officers.with_columns(pl.format("{} " + LINK, "display_name").alias("display_name")).write_parquet(
        folder / "officers.parquet"
    )
    rewrite_checksums(folder)
    figures = []
    drawn = go.Figure.to_html
    monkeypatch.setattr(go.Figure, "to_html", lambda fig, **kw: figures.append(fig) or drawn(fig, **kw))
    pack = report.monthly_pack(open_source(folder), D(2026, 10, 31), names=True)
    assert "evil.example" in pack.html and '<a href="https://evil.example"' not in pack.html  # tables: text
    texts = [" ".join(strings(fig.to_plotly_json())) for fig in figures]
    assert len(figures) >= 2 and any("evil.example" in t for t in texts)
    assert not [t for t in texts if "<a href" in t or "<span" in t or "<b>" in t]


def rewrite_checksums(folder) -> None:
    """The manifest's SHA-256 of every file, after a test changed the files."""
    import json

    from unitload.extract.folder import sha256_file

    manifest = json.loads((folder / "manifest.json").read_text())
    for entry in manifest["tables"].values():
        entry["sha256"] = {name: sha256_file(folder / name) for name in entry["files"]}
    (folder / "manifest.json").write_text(json.dumps(manifest))


def strings(value) -> list[str]:
    """Every string inside a figure's JSON form (lists, arrays and objects walked)."""
    if isinstance(value, str):
        return [value]
    if isinstance(value, dict):
        return [s for v in value.values() for s in strings(v)]
    if hasattr(value, "tolist"):
        value = value.tolist()
    if isinstance(value, list | tuple):
        return [s for v in value for s in strings(v)]
    return []


NESTED = "[" * 1_500 + "]" * 1_500


def nested_manifest_copy(folder, sample_root):
    import shutil

    shutil.copytree(sample_root, folder, ignore=shutil.ignore_patterns("derived"))
    (folder / "manifest.json").write_text('{"extract_id": "x", "tables": ' + NESTED + "}")
    return folder


def run_unitload(*args):
    return subprocess.run(
        [sys.executable, "-m", "unitload", *map(str, args)], capture_output=True, text=True, timeout=600
    )


@pytest.mark.parametrize("command", ["validate", "promote", "notify", "query"])
def test_a_manifest_nested_past_reason_is_one_line_in_every_command(tmp_path, sample, command):
    folder = nested_manifest_copy(tmp_path / "nested", sample.extract.root)
    args = {
        "validate": ["validate", folder],
        "promote": ["promote", folder, "--root", tmp_path / "root"],
        "notify": ["notify", "--data", folder, "--dry-run", tmp_path / "out"],
        "query": ["query", "officer_load", "--data", folder],
    }[command]
    result = run_unitload(*args)
    assert result.returncode in (1, 2) and "Traceback" not in result.stderr
    said = result.stdout + result.stderr
    assert "nested too deeply" in said or "cannot be read" in said, said
    if command != "validate":  # validate lists each finding; the others stop with one line
        assert len(result.stderr.strip().splitlines()) == 1, result.stderr


def test_a_scenario_nested_past_reason_is_one_line(tmp_path, sample):
    scenario = tmp_path / "s.json"
    scenario.write_text('{"name": "x", "changes": ' + NESTED + "}")
    result = run_unitload("plan", "--data", sample.extract.root, "--scenario", scenario)
    assert result.returncode == 2 and result.stderr.count("\n") == 1 and "nested too deeply" in result.stderr


def test_the_dashboard_serves_the_last_good_extract_beside_a_nested_manifest(tmp_path, sample, monkeypatch):
    import shutil

    from test_hardening import app_on

    extracts = tmp_path / "extracts"
    shutil.copytree(sample.extract.root, extracts / "october", ignore=shutil.ignore_patterns("derived"))
    nested_manifest_copy(extracts / "november", sample.extract.root)
    at = app_on(extracts, monkeypatch, tmp_path)
    assert at.title[0].value == "Monthly workload review"
    at.query_params["scenario"] = '{"name": "x", "changes": ' + NESTED + "}"
    at.query_params["compare"] = NESTED
    at.switch_page("pages/planner.py")
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    warned = " ".join(w.value for w in at.warning)
    assert "nested too deeply" in warned


def test_no_text_cell_of_an_export_or_the_pack_makes_a_line_of_its_own(sample):
    from unitload.review.pack import table_html

    frame = pl.DataFrame({"officer": ["Evil\r\nBcc: x@evil.example", "X\n  open: https://evil.example"], "n": [1, 2]})
    written = to_csv(frame)
    assert written.splitlines() == ["officer,n", "Evil Bcc: x@evil.example,1", "X   open: https://evil.example,2"]
    book = openpyxl.load_workbook(io.BytesIO(to_xlsx(frame, [])))
    assert [c.value for c in book["data"]["A"]][1:] == ["Evil Bcc: x@evil.example", "X   open: https://evil.example"]
    assert "\n" not in table_html(frame) and "Evil Bcc: x@evil.example" in table_html(frame)


def test_the_text_beside_a_csv_gives_each_item_one_line_whatever_a_value_holds():
    about = to_about([("scope", "team X\r\nexport: forged"), ("as of", "2026-10-31")])
    assert about.splitlines()[0].startswith("scope: team X") and len(about.splitlines()) == 2
