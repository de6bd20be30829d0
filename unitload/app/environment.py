"""Where the app's data and settings come from, and opening an extract once per version.

Configuration comes from the environment so that `make run` needs no flags:
UNITLOAD_DATA (an extract folder, or a folder of extracts; default the bundled sample) and
UNITLOAD_SETTINGS (a TOML file).
"""

from __future__ import annotations

import atexit
import gc
import logging
import os
import threading
import time
from dataclasses import dataclass
from pathlib import Path

import streamlit as st
from sqlalchemy.exc import SQLAlchemyError

from queries import build_snapshots
from queries.derived import attach, hold_attached
from unitload.app.text import escaped
from unitload.decisions.ledger import read
from unitload.extract.db import Database, Recorded, Source
from unitload.extract.findings import Finding, has_errors
from unitload.extract.folder import ExtractError, open_extract
from unitload.extract.validate import validate
from unitload.settings import Engine, Settings, SettingsError, load_settings
from unitload.store import Store, StoreError, open_store, store_url

LOG = logging.getLogger(__name__)
HERE = Path(__file__).resolve().parent.parent.parent
DEFAULT_DATA = HERE / "sample_data" / "unit"
ICON = HERE / "unitload" / "assets" / "icon.png"


@dataclass(frozen=True)
class Loaded:
    """The extract the app serves, with its findings; `source` is None when it cannot be read at all."""

    source: Source | None
    findings: tuple[Finding, ...]
    problem: str = ""

    @property
    def servable(self) -> bool:
        return self.source is not None and not has_errors(list(self.findings))


def data_path() -> Path:
    return Path(os.environ.get("UNITLOAD_DATA") or DEFAULT_DATA).resolve()


def settings_path() -> str | None:
    return os.environ.get("UNITLOAD_SETTINGS") or None


def is_bundled_sample(path: Path) -> bool:
    return path.resolve().is_relative_to((HERE / "sample_data").resolve())


@st.cache_resource(show_spinner=False)
def database(root: str, threads: int, memory_limit: str) -> Database:
    """The one DuckDB connection of this server process."""
    return Database(root, Engine(threads=threads, memory_limit=memory_limit))


@st.cache_resource(show_spinner="Checking the extract…", max_entries=8)
def load(path: str, manifest_stamp: float, settings_file: str | None, opening: str, root: str) -> Loaded:
    """Open, bind and validate an extract once per manifest version and settings file, and again when the
    file's values that an opened extract depends on change (`opening`, their fingerprint)."""
    try:
        chosen = load_settings(settings_file)
        extract = open_extract(path)
    except (SettingsError, ExtractError) as exc:
        return Loaded(None, (), str(exc))
    db = database(root, chosen.engine.threads, chosen.engine.memory_limit)
    source = db.bind(extract, chosen)
    months = chosen.engine.snapshot_months
    made = attach(source, months, held_now=False) if months and source.usable and extract.as_of else None
    if made is not None:  # promoted with its snapshots and findings, made from what is used now
        loaded = Loaded(source, tuple(made))
        # read from the files until copied into memory behind the first page (no notice: the figures are whole)
        Building.start(source, lambda progress: hold_attached(source, progress), notice=False)
    else:
        loaded = Loaded(source, tuple(validate(source)))
        if loaded.servable and months:
            if _cases(source) >= chosen.engine.background_snapshots_from:
                # the first page is drawn meanwhile, its figures computed live
                Building.start(source, lambda progress: build_snapshots(source, months, progress=progress))
            else:
                build_snapshots(source, months)
    settle_heap()
    return loaded


def _cases(source: Source) -> int:
    cursor = source.cursor()
    try:
        return cursor.execute('select count(*) from "cases"').fetchall()[0][0]
    finally:
        cursor.close()


@dataclass
class Building:
    """The month-end snapshots of an unpromoted extract being made behind its first pages.

    Opening a force's extract that `unitload promote` has not prepared takes validation (about 4 s) and the
    snapshots (about 7 s at force scale, 2 cores). The snapshots are made on a thread of their own, so that
    the first page is drawn after validation, its figures computed from the tables (the same figures,
    slower). The thread starts once that page is drawn (or after START_AFTER seconds), not to compete with
    it for the two cores; each page then shows how far it has got (app.building_notice) and runs again when
    the snapshots are ready.

    A promoted extract's tables and snapshots are read from their files at first, and copied into memory
    the same way, behind its first page (`notice` False: the figures are whole, so pages say nothing)."""

    schema: str
    notice: bool = True
    done: int = 0
    steps: int = 0
    step: str = ""
    finished: bool = False
    failed: str = ""

    def __post_init__(self) -> None:
        self.go = threading.Event()  # set when a page has been drawn (page_drawn)
        self.stop = threading.Event()  # set at exit: the build ends after the statement running
        self.thread: threading.Thread | None = None

    @property
    def share(self) -> float:
        return self.done / self.steps if self.steps else 0.0

    @classmethod
    def start(cls, source: Source, work, notice: bool = True) -> Building:
        """`work(progress)` on a thread of its own once the first page is drawn; `progress(done, steps, what)`
        raises Stopped when the server is stopping."""
        with _BUILDING_LOCK:
            found = _BUILDING.get(source.schema)
            # a build of snapshots runs once; copies into memory again after the extract was given back and opened
            if found is not None and not found.failed and (found.notice or not found.finished):
                return found
            building = _BUILDING[source.schema] = cls(source.schema, notice)
        building.thread = threading.Thread(target=building._run, args=(source, work), name="behind", daemon=True)
        building.thread.start()
        return building

    def _run(self, source: Source, work) -> None:
        def progress(done: int, steps: int, name: str) -> None:
            self.done, self.steps, self.step = done, steps, name
            if self.stop.is_set():
                raise Stopped

        try:
            self.go.wait(START_AFTER)
            if not self.stop.is_set():
                work(progress)
        except Stopped:
            self.failed = "the server is stopping"
        except Exception as exc:  # noqa: BLE001 - pages go on computing live; the notice says so
            self.failed = str(exc).splitlines()[0] if str(exc) else type(exc).__name__
            what = "month-end snapshots were not made" if self.notice else "tables were not copied into memory"
            LOG.warning("%s of %s: %s", what, source.extract.extract_id, self.failed)
        else:
            settle_heap()
        finally:
            self.finished = True


class Stopped(Exception):
    """The server is stopping: a snapshot build ends between two statements."""


START_AFTER = 30.0  # seconds a background build waits for the first page to be drawn before it starts anyway
_BUILDING: dict[str, Building] = {}  # extract schema -> its snapshots being made (or made) in the background
_BUILDING_LOCK = threading.Lock()


def page_drawn() -> None:
    """A page run has ended: background builds waiting for the first page start now."""
    for found in list(_BUILDING.values()):
        found.go.set()


@atexit.register
def _stop_building() -> None:
    """At exit, before the database closes (atexit runs this first): builds end after their statement."""
    for found in list(_BUILDING.values()):
        found.stop.set()
        found.go.set()
    for found in list(_BUILDING.values()):
        if found.thread is not None:
            found.thread.join(timeout=60)


def building(source: Source | None) -> Building | None:
    """The background making of `source`'s snapshots, while it is under way or has failed; else None."""
    if source is None:
        return None
    found = _BUILDING.get(source.schema)
    return found if found is not None and found.notice and (not found.finished or found.failed) else None


def wait_for_snapshots(source: Source, timeout: float = 3600) -> None:
    """Block until the background making of `source`'s snapshots, or the copying of a promoted extract's tables
    into memory, has ended (the bench measures after it)."""
    deadline = time.monotonic() + timeout
    while (found := _BUILDING.get(source.schema)) is not None and not found.finished and time.monotonic() < deadline:
        time.sleep(0.05)


def open_folder(folder: Path, root: Path) -> Loaded:
    """The extract in `folder`, opened once per version of its manifest and of the settings it depends on."""
    manifest = folder / "manifest.json"
    stamp = manifest.stat().st_mtime if manifest.exists() else 0.0
    return load(str(folder), stamp, settings_path(), settings().opening_fingerprint(), str(root))


def settle_heap() -> None:
    """Take what is alive now (the modules, the open extracts) out of the cyclic collector's way.

    Python's full collection walks every object the process holds; in a server with an extract open
    it took about 0.1 s, and it struck in the middle of a page run. Frozen objects are skipped. The
    previous freeze is undone and collected first, so what an older extract left in cycles is freed.
    """
    gc.unfreeze()
    gc.collect()
    gc.freeze()


@atexit.register
def _let_go() -> None:
    """At exit, unfreeze the heap and drop the cached extracts while the interpreter is whole. Streamlit's
    script module still holds the last run's extract; `db.close_all` then lets go of its connection."""
    gc.unfreeze()
    st.cache_resource.clear()
    gc.collect()


@st.cache_resource(show_spinner=False, max_entries=4)
def _store(url: str) -> Store:
    return open_store(url)


def records() -> Store:
    """The store of the product's own records (decisions): `[decisions] url`, else beside the served data.
    Raises StoreError when it cannot be opened (a database server down)."""
    return _store(store_url(settings().decisions.url, data_path()))


def decisions_now() -> tuple[Recorded | None, str]:
    """The decisions recorded by now (read again only when one was recorded since), and why they could not be
    read, if they could not: the figures are drawn without them, and the page says so."""
    try:
        return read(records()), ""
    except (StoreError, SQLAlchemyError) as exc:
        return None, str(getattr(exc, "orig", None) or exc).splitlines()[0]


@st.cache_resource(show_spinner=False, max_entries=4)
def _settings(path: str | None, modified: float) -> Settings | str:
    try:
        return load_settings(path)
    except SettingsError as exc:
        return str(exc)


def settings() -> Settings:
    """The settings file in force (UNITLOAD_SETTINGS), reread when it changes; stops the app if it is bad."""
    path = settings_path()
    found = _settings(path, Path(path).stat().st_mtime if path and Path(path).exists() else 0.0)
    if isinstance(found, str):
        st.error(f"The settings cannot be used: {escaped(found)}")
        st.stop()
    return found
