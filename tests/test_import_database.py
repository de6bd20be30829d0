"""`unitload import` reading a data warehouse: the sample's exports as tables of a real PostgreSQL server
(perf/postgres.py), imported through queries to the sample itself, read-only, within a time limit, with
rows named by their key columns."""

import datetime as dt
import json
from pathlib import Path

import polars as pl
import pytest
from conftest import SAMPLE
from polars.testing import assert_frame_equal

from perf.postgres import load_exports, warehouse_mappings
from unitload.extract.schema import TABLE_NAMES
from unitload.importing.errors import ImportFailed, MappingError, SourceError
from unitload.importing.exports import write_exports
from unitload.importing.run import import_exports
from unitload.settings import Settings, load_settings

TAKEN = dt.datetime.fromisoformat(json.loads((SAMPLE / "manifest.json").read_text())["extracted_at"]).replace(
    tzinfo=None
)


@pytest.fixture(scope="module")
def warehouse(postgres, tmp_path_factory):
    """A database holding the sample's exports as tables (perf/postgres.py: crimes typed); its URL."""
    exports = tmp_path_factory.mktemp("exports")
    write_exports(SAMPLE, exports)
    url = postgres.create("warehouse")
    load_exports(url, exports)
    return url


def _mappings(folder: Path, change=lambda text: text) -> list[Path]:
    return warehouse_mappings(folder, change)


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
