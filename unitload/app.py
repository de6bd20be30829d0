"""What every page shares: the open extract, its validation, cached query results and the sidebar.

Configuration comes from the environment so that `make run` needs no flags:
UNITLOAD_DATA (an extract folder; default the bundled sample) and UNITLOAD_SETTINGS (a TOML file).
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

import polars as pl
import streamlit as st

from queries import run_query
from unitload.db import Database, Source
from unitload.extract import ExtractError, open_extract
from unitload.findings import Finding, has_errors
from unitload.settings import Settings, SettingsError, load_settings
from unitload.validate import validate

HERE = Path(__file__).resolve().parent.parent
DEFAULT_DATA = HERE / "sample_data" / "unit"


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


def _settings_path() -> str | None:
    return os.environ.get("UNITLOAD_SETTINGS") or None


@st.cache_resource(show_spinner=False)
def _database(root: str, threads: int, memory_limit: str) -> Database:
    """The one DuckDB connection of this server process."""
    from unitload.settings import Engine

    return Database(root, Engine(threads=threads, memory_limit=memory_limit))


@st.cache_resource(show_spinner="Checking the extract…", max_entries=4)
def _load(path: str, manifest_stamp: float, settings_path: str | None) -> Loaded:
    """Open, bind and validate an extract once per manifest version and settings file."""
    try:
        settings = load_settings(settings_path)
        extract = open_extract(path)
    except (SettingsError, ExtractError) as exc:
        return Loaded(None, (), str(exc))
    db = _database(str(extract.root), settings.engine.threads, settings.engine.memory_limit)
    source = db.bind(extract, settings)
    return Loaded(source, tuple(validate(source)))


def loaded() -> Loaded:
    path = data_path()
    manifest = path / "manifest.json"
    stamp = manifest.stat().st_mtime if manifest.exists() else 0.0
    return _load(str(path), stamp, _settings_path())


@st.cache_data(show_spinner=False, max_entries=256)
def _cached_query(_source: Source, key: tuple, name: str, params: tuple) -> pl.DataFrame:
    return run_query(_source, name, **dict(params))


def query(source: Source, name: str, **params) -> pl.DataFrame:
    """A named query's result, cached per extract, settings and parameters."""
    key = (source.extract.extract_id, source.schema, source.settings.fingerprint())
    return _cached_query(source, key, name, tuple(sorted(params.items())))


def settings_in_force() -> Settings:
    current = loaded()
    return current.source.settings if current.source else Settings()


def sidebar(current: Loaded) -> None:
    """Extract id, extraction date and as-of day, on every page."""
    with st.sidebar:
        st.subheader("Extract")
        if current.source is None:
            st.error(current.problem or "No extract could be opened.")
            return
        extract = current.source.extract
        st.markdown(f"**{extract.extract_id}**")
        taken = extract.extracted_at.strftime("%d %b %Y %H:%M") if extract.extracted_at else "unknown"
        st.caption(f"Extracted {taken}")
        as_of = extract.as_of.strftime("%A %d %B %Y") if extract.as_of else "unknown"
        st.caption(f"As of {as_of}")
        errors = sum(f.severity == "error" for f in current.findings)
        warnings = len(current.findings) - errors
        if errors:
            st.error(f"{errors} validation error(s): figures are withheld. See Data & definitions.")
        elif warnings:
            st.warning(f"{warnings} validation warning(s). See Data & definitions.")
        else:
            st.success("Validated: no findings.")


def require_servable(current: Loaded) -> Source:
    """Stop a page that draws figures when the extract failed validation."""
    if not current.servable:
        st.error(
            "This extract failed validation, so no figures are drawn from it. "
            "The Data & definitions page lists every finding."
        )
        st.stop()
    return current.source
