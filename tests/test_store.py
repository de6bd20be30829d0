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
    assert version == "0002"


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


import pytest  # noqa: E402


@pytest.fixture(params=["sqlite", "postgresql"])
def store_url_of(request, tmp_path):
    """A new, empty store of each kind: an SQLite file, and a database of a real PostgreSQL server."""
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path / 'records.sqlite'}"
    server = request.getfixturevalue("postgres")
    return server.create(f"t{abs(hash(str(tmp_path))) % 10**9}")


def test_a_new_store_of_each_kind_migrates_up_from_empty(store_url_of):
    store = open_store(store_url_of)
    with store.engine.connect() as connection:
        assert compare_metadata(MigrationContext.configure(connection), metadata) == []
        assert connection.execute(sa.text("select version_num from alembic_version")).scalar_one() == "0002"


WRITER = """
import datetime as dt, sys
from unitload.decisions.checks import Decision
from unitload.decisions.ledger import record
from unitload.store import open_store
store = open_store(sys.argv[1])
ids = [record(store, Decision("case", f"C{sys.argv[2]}", "progress", "S", dt.date(2026, 10, 1), dt.date(2026, 10, 9),
                              f"writer {sys.argv[2]}")) for _ in range(5)]
print(" ".join(map(str, ids)))
"""


def test_twenty_writers_at_once_lose_nothing_and_ids_increase_in_recording_order(store_url_of):
    import sqlalchemy as sa

    from unitload.store.tables import decisions

    open_store(store_url_of)  # migrated once; the writers then only write
    writers = [
        subprocess.Popen([sys.executable, "-c", WRITER, store_url_of, str(n)], stdout=subprocess.PIPE, text=True)
        for n in range(20)
    ]
    outputs = [w.communicate(timeout=600)[0].split() for w in writers]
    assert all(w.returncode == 0 for w in writers)
    given = sorted(int(i) for ids in outputs for i in ids)
    assert given == list(range(1, 101))  # every decision kept, every id once
    for ids in outputs:  # each writer's own decisions in the order it recorded them
        assert [int(i) for i in ids] == sorted(int(i) for i in ids)
    with open_store(store_url_of).engine.connect() as db:
        rows = db.execute(sa.select(decisions.c.decision_id, decisions.c.recorded_at).order_by("decision_id")).all()
    assert len(rows) == 100
    times = [r.recorded_at.replace(tzinfo=None) for r in rows]
    assert times == sorted(times)  # ids increase with the time each was recorded


def test_the_store_of_each_kind_refuses_to_change_a_decision(store_url_of):
    import datetime as dt

    import sqlalchemy as sa

    from unitload.decisions.checks import Decision
    from unitload.decisions.ledger import read, record

    store = open_store(store_url_of)
    record(store, Decision("officer", "P1", "supervise", "S", dt.date(2026, 10, 1), dt.date(2026, 10, 9), "x"))
    for statement in ("update decisions set note = 'changed'", "delete from decisions"):
        with pytest.raises(sa.exc.DatabaseError, match="append-only"), store.engine.begin() as db:
            db.execute(sa.text(statement))
    assert read(store).table.column("note").to_pylist() == [None]


def test_a_promoted_extract_keeps_its_records_in_its_data_root(tmp_path):
    from conftest import SAMPLE

    from unitload.extract.promote import current_folder, install

    root = tmp_path / "root"
    install(SAMPLE, root, "unit-seed42-2026-10-31")
    assert data_home(root) == root  # the app serving the root
    assert data_home(current_folder(root)) == root  # a command given the root, which reads its current extract


def test_the_store_knows_its_newest_migration():
    from alembic.config import Config
    from alembic.script import ScriptDirectory

    from unitload.store import HEAD, MIGRATIONS

    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    assert ScriptDirectory.from_config(config).get_current_head() == HEAD
