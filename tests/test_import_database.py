"""`unitload import` reading a data warehouse: the sample's exports as tables of a real PostgreSQL server
(tests/postgres.py), imported through queries to the sample itself, read-only, within a time limit, with
rows named by their key columns."""

import datetime as dt
import json
import re
from pathlib import Path

import polars as pl
import pytest
from conftest import SAMPLE
from polars.testing import assert_frame_equal

from unitload.extract.schema import TABLE_NAMES
from unitload.importing.errors import ImportFailed, MappingError, SourceError
from unitload.importing.exports import MAPPINGS, write_exports
from unitload.importing.readers import FILE, FILE_NO, ROW, read
from unitload.importing.run import import_exports
from unitload.settings import Settings, load_settings

TAKEN = dt.datetime.fromisoformat(json.loads((SAMPLE / "manifest.json").read_text())["extracted_at"]).replace(
    tzinfo=None
)
# export -> warehouse table; crimes is held typed (dates as dates, the weighting as numeric), as a warehouse would
TABLES = {
    ("rms/crimes.csv", None): "rms.crimes",
    ("rms/oic_history.csv", None): "rms.oic_history",
    ("rms/activity_log.tsv", None): "rms.activity_log",
    ("rms/forensic_submissions.csv", None): "rms.forensic_submissions",
    ("duty/duty.xlsx", "Staff"): "duty.staff",
    ("duty/duty.xlsx", "Working patterns"): "duty.working_patterns",
    ("duty/absences.csv", None): "duty.absences",
    ("duty/supervision.csv", None): "duty.supervision",
}
TYPED = {"Recorded": "date", "Finalised": "date", "Weighting": "numeric"}
FILES = {  # the mappings' `files` (and `sheet`) lines -> the warehouse query
    'files = "crimes*.csv"': "rms.crimes",
    'files = "oic_history*.csv"': "rms.oic_history",
    'files = "activity_log*.tsv"': "rms.activity_log",
    'files = "forensic_submissions*.csv"': "rms.forensic_submissions",
    'files = "duty*.xlsx"\nsheet = "Staff"': "duty.staff",
    'files = "duty*.xlsx"\nsheet = "Working patterns"': "duty.working_patterns",
    'files = "absences*.csv"': "duty.absences",
    'files = "supervision*.csv"': "duty.supervision",
}


def _typed(name: str, value: str | None):
    if value is None or name not in TYPED:
        return value
    if not value.strip():
        return None
    if TYPED[name] == "numeric":
        return float(value)
    return dt.date.fromisoformat(value) if "-" in value else dt.datetime.strptime(value, "%d/%m/%Y").date()


@pytest.fixture(scope="module")
def warehouse(postgres, tmp_path_factory):
    """A database holding the sample's exports as tables; its URL."""
    import psycopg
    from psycopg import sql

    exports = tmp_path_factory.mktemp("exports")
    write_exports(SAMPLE, exports)
    url = postgres.create("warehouse")
    with psycopg.connect(url.replace("postgresql+psycopg", "postgresql")) as connection:
        for (name, sheet), target in TABLES.items():
            frame = read(exports / name, sheet=sheet, header_row=1, delimiter=None, file_no=1)
            frame = frame.drop(ROW, FILE, FILE_NO)
            schema, table = target.split(".")
            columns = [sql.SQL("{} {}").format(sql.Identifier(c), sql.SQL(TYPED.get(c, "text"))) for c in frame.columns]
            connection.execute(sql.SQL("create schema if not exists {}").format(sql.Identifier(schema)))
            name_sql = sql.Identifier(schema, table)
            connection.execute(sql.SQL("create table {} ({})").format(name_sql, sql.SQL(", ").join(columns)))
            with connection.cursor().copy(sql.SQL("copy {} from stdin").format(name_sql)) as copy:
                for row in frame.iter_rows():
                    copy.write_row([_typed(c, v) for c, v in zip(frame.columns, row, strict=True)])
    return url


def _mappings(folder: Path, change=lambda text: text) -> list[Path]:
    """The two systems' mappings with each `files` line replaced by a query on the warehouse."""
    made = []
    for mapping in sorted(MAPPINGS.glob("*.toml")):
        text = mapping.read_text()
        text = re.sub(r'^(system = ".*")$', r'\1\ndatabase = "warehouse"', text, count=1, flags=re.M)
        for files, table in FILES.items():
            text = text.replace(files, f'query = "select * from {table}"')
        path = folder / mapping.name
        path.write_text(change(text))
        made.append(path)
    return made


@pytest.fixture
def connected(warehouse, monkeypatch):
    monkeypatch.setenv("UNITLOAD_DATABASE_WAREHOUSE", warehouse)
    return warehouse


def test_the_sample_through_queries_equals_the_sample_table_by_table(connected, tmp_path):
    done = import_exports(_mappings(tmp_path), [], tmp_path / "extract", extracted_at=TAKEN, extract_id="dw")
    assert done.sources["cases"] == ["a query"]
    for name in TABLE_NAMES:
        want = pl.read_parquet(SAMPLE / f"{name}.parquet")
        got = pl.read_parquet(done.out / f"{name}.parquet").select(want.columns)
        assert_frame_equal(got.sort(want.columns), want.sort(want.columns), check_dtypes=True)
    manifest = json.loads((done.out / "manifest.json").read_text())
    queries = manifest["imported_from"]["queries"]
    assert sorted(queries) == sorted(TABLE_NAMES) and queries["cases"]["database"] == "warehouse"
    assert connected.split("@")[1] not in json.dumps(manifest)  # the connection's address is not recorded


def test_a_row_from_a_query_is_named_by_its_key_columns(connected, tmp_path, postgres):
    change = lambda text: text.replace(  # noqa: E731
        'query = "select * from rms.crimes"',
        """query = "select \\"Crime No\\", \\"URN\\", \\"Unit\\", \\"Recorded\\", \\"Finalised\\", \\"Offence\\","""
        """ case when \\"Crime No\\" = 'C000001' then 'Hgh' else \\"Risk\\" end as \\"Risk\\", \\"Complexity\\","""
        """ \\"Weighting\\", \\"Summary\\" from rms.crimes\"""",
    )
    with pytest.raises(ImportFailed) as failed:
        import_exports(_mappings(tmp_path, change), [], tmp_path / "extract", extracted_at=TAKEN)
    assert failed.value.lines == [
        """generic-rms.toml: tables.cases query, row with "Crime No" C000001, column "Risk": 'Hgh' has no entry in """
        """[maps.risk] (cases.risk_grade)"""
    ]  # fmt: skip
    assert str(failed.value) == "1 problem(s); nothing was written"


def test_a_query_that_would_change_the_warehouse_is_refused_and_changes_nothing(connected, tmp_path):
    import psycopg

    change = lambda text: text.replace(  # noqa: E731
        'query = "select * from duty.supervision"', 'query = "delete from duty.supervision returning *"'
    )
    with pytest.raises(SourceError, match=r"^duty-system.toml: tables.supervision query: the query tried to change"):
        import_exports(_mappings(tmp_path, change), [], tmp_path / "extract", extracted_at=TAKEN)
    with psycopg.connect(connected.replace("postgresql+psycopg", "postgresql")) as connection:
        assert connection.execute("select count(*) from duty.supervision").fetchone()[0] > 0
    assert not (tmp_path / "extract").exists()


def test_a_query_running_past_its_time_limit_stops_the_import(connected, tmp_path):
    slow = "with pause as (select pg_sleep(5)) select s.* from duty.supervision as s, pause"
    change = lambda text: text.replace('query = "select * from duty.supervision"', f'query = "{slow}"')  # noqa: E731
    settings = Settings.model_validate({"importing": {"query_timeout_seconds": 0.5}})
    message = (
        r"^duty-system.toml: tables.supervision query: the query ran longer than the 0.5 s allowed "
        r"\(\[importing\] query_timeout_seconds\)$"
    )
    with pytest.raises(SourceError, match=message):
        import_exports(_mappings(tmp_path, change), [], tmp_path / "x", extracted_at=TAKEN, settings=settings)


def test_a_query_with_no_connection_says_where_to_give_one(tmp_path, monkeypatch):
    monkeypatch.delenv("UNITLOAD_DATABASE_WAREHOUSE", raising=False)
    message = r"^database 'warehouse': no connection; set UNITLOAD_DATABASE_WAREHOUSE to its SQLAlchemy URL"
    with pytest.raises(MappingError, match=message):
        import_exports(_mappings(tmp_path), [], tmp_path / "extract", extracted_at=TAKEN)


def test_a_password_in_the_settings_file_is_refused(tmp_path):
    settings = tmp_path / "settings.toml"
    settings.write_text('[importing.databases]\nwarehouse = "postgresql+psycopg://reader:s3cret@dw/rms"\n')
    with pytest.raises(Exception, match="the URL holds a password; give it in UNITLOAD_DATABASE_WAREHOUSE") as refused:
        load_settings(settings)
    assert "s3cret" not in str(refused.value)


def test_a_mapping_table_gives_files_or_a_query_not_both(tmp_path):
    (path,) = [p for p in _mappings(tmp_path) if p.name == "duty-system.toml"]
    text = path.read_text().replace(
        'query = "select * from duty.supervision"', 'query = "select * from duty.supervision"\nfiles = "s.csv"'
    )
    path.write_text(text)
    from unitload.importing.mapping import load_mapping

    with pytest.raises(MappingError, match="give either files .exports. or query"):
        load_mapping(path)


def test_the_command_imports_from_queries_alone(connected, tmp_path):
    import os
    import subprocess
    import sys

    mappings = [a for p in _mappings(tmp_path) for a in ("--mapping", str(p))]
    out = tmp_path / "made" / "extract"
    command = [sys.executable, "-m", "unitload", "import", *mappings, "--out", str(out), "--extracted-at", str(TAKEN)]
    done = subprocess.run(command, capture_output=True, text=True, env=os.environ, timeout=300)
    assert done.returncode == 0, done.stderr
    rows = pl.read_parquet(SAMPLE / "cases.parquet").height
    assert f"cases: {rows} rows from a query" in done.stdout.splitlines()
    assert (out / "manifest.json").is_file()
