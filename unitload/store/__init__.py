"""The product's own records: what `unitload notify` sent, and (DATA_CONTRACT.md section 6) the decisions taken on
attention items. They outlive extracts, so they live in a database of their own, through SQLAlchemy Core with
Alembic migrations: an SQLite file by default (`make run` needs nothing else), PostgreSQL (psycopg 3) when
`[decisions] url` names one, for a deployment with several servers.

- `tables`: the tables, as SQLAlchemy Core objects;
- `migrations/`: Alembic's history of them, run up to the newest when a store is opened.

Writes are short transactions that take the database's write lock first (SQLite's BEGIN IMMEDIATE), so
concurrent writers wait their turn and lose nothing.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass
from pathlib import Path

import sqlalchemy as sa
from sqlalchemy.engine import URL, Engine, make_url

from unitload.extract.folder import MANIFEST

MIGRATIONS = Path(__file__).resolve().parent / "migrations"
HEAD = "0002"  # the newest migration (a test checks it is Alembic's head): a store at it needs no Alembic
DEFAULT_FILE = "unitload-records.sqlite"
_OPENED: dict[str, Store] = {}
_LOCK = threading.Lock()


class StoreError(ValueError):
    """A store that cannot be opened or migrated; the message names it (never its password)."""


@dataclass(frozen=True)
class Store:
    engine: Engine
    url: URL

    @property
    def shown(self) -> str:
        """The store's URL as it may be shown: no password."""
        return self.url.render_as_string(hide_password=True)

    @property
    def is_sqlite(self) -> bool:
        return self.url.get_backend_name() == "sqlite"


def data_home(data: Path) -> Path:
    """Where a deployment's own records live by default: beside its extracts. For an extract folder (it holds
    manifest.json), the folder holding it, or the data root of `promote` that holds it (in its extracts/); for a
    folder of extracts or a data root, that folder."""
    data = Path(data).resolve()
    if not (data / MANIFEST).exists():
        return data
    holder = data.parent
    promoted = holder.name == "extracts" and (holder.parent / "current").is_symlink()
    return holder.parent if promoted else holder


def store_url(configured: str, data: Path) -> str:
    """The settings' `[decisions] url`, or the SQLite file beside the extracts (`data_home`)."""
    return configured or f"sqlite:///{data_home(data) / DEFAULT_FILE}"


def open_store(url: str) -> Store:
    """The store at `url`, migrated to the newest schema (once per process and URL)."""
    with _LOCK:
        found = _OPENED.get(url)
        if found is None:
            found = _OPENED[url] = _open(url)
        return found


def _open(text: str) -> Store:
    try:
        url = make_url(text)
    except sa.exc.ArgumentError:
        raise StoreError("[decisions] url is not a database URL (sqlite:///file or postgresql+psycopg://...)") from None
    if url.get_backend_name() == "sqlite":
        if url.database and url.database != ":memory:":
            Path(url.database).parent.mkdir(parents=True, exist_ok=True)
        engine = sa.create_engine(url, connect_args={"timeout": 60})
        _write_lock_first(engine)
    elif url.get_backend_name() == "postgresql":
        engine = sa.create_engine(url.set(drivername="postgresql+psycopg"), pool_pre_ping=True)
    else:
        raise StoreError(f"[decisions] url: {url.get_backend_name()} is not supported; use sqlite or postgresql")
    store = Store(engine, url)
    try:
        if _version(store) != HEAD:  # Alembic (and its import) only for a store not yet at the newest
            migrate(store)
    except sa.exc.SQLAlchemyError as exc:
        engine.dispose()
        reason = str(getattr(exc, "orig", None) or exc).splitlines()[0]
        raise StoreError(f"the store {store.shown} cannot be opened: {reason}") from None
    return store


def _write_lock_first(engine: Engine) -> None:
    """SQLite: every transaction takes the write lock when it begins (BEGIN IMMEDIATE), so two writers never
    both read and then fail to write; the other waits for it (up to the connection's timeout)."""

    @sa.event.listens_for(engine, "connect")
    def _connected(dbapi_connection, record) -> None:
        dbapi_connection.isolation_level = None  # transactions begin where SQLAlchemy says, as below
        dbapi_connection.execute("pragma journal_mode = wal")
        dbapi_connection.execute("pragma foreign_keys = on")

    @sa.event.listens_for(engine, "begin")
    def _begin(connection) -> None:
        connection.exec_driver_sql("begin immediate")


def _version(store: Store) -> str | None:
    """The store's schema version, or None for a new one."""
    with store.engine.connect() as connection:
        if not sa.inspect(connection).has_table("alembic_version"):
            return None
        return connection.execute(sa.text("select version_num from alembic_version")).scalar()


def migrate(store: Store) -> None:
    """Run Alembic's migrations up to the newest (a second process waits for the first, then finds nothing
    to do: SQLite's write lock, or PostgreSQL's advisory lock, serialises them)."""
    from alembic import command
    from alembic.config import Config

    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    with store.engine.begin() as connection:
        if not store.is_sqlite:
            connection.execute(sa.text("select pg_advisory_xact_lock(7238472)"))
        config.attributes["connection"] = connection
        command.upgrade(config, "head")


def close_all() -> None:
    """Let go of every open store (tests; a process at exit)."""
    with _LOCK:
        for store in _OPENED.values():
            store.engine.dispose()
        _OPENED.clear()
