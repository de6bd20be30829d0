"""The store of the product's own records: migrations from an empty database give exactly the tables the code
declares, and opening it twice, or from two processes at once, migrates once."""

import subprocess
import sys

import sqlalchemy as sa
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext

from unitload.store import StoreError, data_home, open_store, store_url
from unitload.store.tables import metadata


def test_migrations_from_empty_give_the_tables_the_code_declares(tmp_path):
    store = open_store(f"sqlite:///{tmp_path / 'records.sqlite'}")
    with store.engine.connect() as connection:
        differences = compare_metadata(MigrationContext.configure(connection), metadata)
        version = connection.execute(sa.text("select version_num from alembic_version")).scalar_one()
    assert differences == []
    assert version == "0001"


def test_two_processes_opening_a_new_store_at_once_migrate_it_once(tmp_path):
    url = f"sqlite:///{tmp_path / 'records.sqlite'}"
    code = f"from unitload.store import open_store; open_store({url!r}); print('ok')"
    runs = [subprocess.Popen([sys.executable, "-c", code], stdout=subprocess.PIPE, text=True) for _ in range(4)]
    assert [r.communicate(timeout=600)[0].strip() for r in runs] == ["ok"] * 4
    assert open_store(url).engine.dialect.has_table(open_store(url).engine.connect(), "notify_alerts")


def test_the_default_store_sits_beside_the_extracts(tmp_path):
    extract = tmp_path / "extracts" / "2026-10"
    extract.mkdir(parents=True)
    (extract / "manifest.json").write_text("{}")
    assert data_home(extract) == tmp_path / "extracts"  # an extract folder: the folder holding it
    assert data_home(tmp_path / "extracts") == tmp_path / "extracts"  # a folder of extracts, a data root
    assert store_url("", extract) == f"sqlite:///{tmp_path / 'extracts' / 'unitload-records.sqlite'}"
    assert store_url("postgresql+psycopg://u@h/db", extract) == "postgresql+psycopg://u@h/db"


def test_a_store_that_cannot_be_used_is_one_line_without_its_password(tmp_path):
    import pytest

    with pytest.raises(StoreError, match=r"^\[decisions\] url: mysql is not supported; use sqlite or postgresql$"):
        open_store("mysql://u:secret@h/db")
    with pytest.raises(StoreError) as refused:
        open_store("postgresql+psycopg://unitload:secret@127.0.0.1:9/none")
    assert "secret" not in str(refused.value) and "***" in str(refused.value)
