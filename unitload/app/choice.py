"""Which extract a run serves: the one a link pins, else the current (or newest) one of the data folder."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import streamlit as st

from unitload.app.environment import data_path
from unitload.extract.folder import ExtractError, open_extract
from unitload.extract.promote import EXTRACTS, current_folder


@dataclass(frozen=True)
class Choice:
    """Which extract this run serves: the one a link pins, else the current (or newest) one."""

    folder: Path
    root: Path  # the folder the database may read: the extract, or the folder of extracts
    extract_id: str | None  # None for a lone extract folder
    newest: str | None  # the extract served when no link pins one
    asked: str | None  # the extract id in the link, if any
    others: tuple[str, ...] = ()  # the other kept extracts, newest first (the fallbacks of an unpinned view)
    duplicates: tuple[str, ...] = ()  # extract ids that more than one folder holds (the newest folder is used)


def extract_folders(path: Path) -> dict[str, tuple[Path, str]]:
    """Extracts kept side by side, one sub-folder each: extract id -> (folder, extracted_at).

    `path` is a folder of extract folders, or a data root of `unitload promote` (its extracts/ folder).
    Two folders with one extract id: the one of the later `extracted_at` (then folder name) is kept.
    """
    return listing(path)[0]


def listing(path: Path) -> tuple[dict[str, tuple[Path, str]], tuple[str, ...]]:
    """`extract_folders`, and the extract ids held by more than one folder."""
    if current_folder(path) is not None:
        path = path / EXTRACTS
    elif (path / "manifest.json").exists() or not path.is_dir():
        return {}, ()
    return _listed(str(path), path.stat().st_mtime)  # a new extract folder changes the folder's mtime


@st.cache_data(show_spinner=False, max_entries=16)
def _listed(path: str, modified: float) -> tuple[dict[str, tuple[Path, str]], tuple[str, ...]]:
    found: dict[str, tuple[Path, str]] = {}
    duplicates = set()
    for folder in sorted(Path(path).iterdir()):
        if folder.name.startswith(".") or not (folder / "manifest.json").is_file():
            continue  # hidden: a promotion still copying
        try:
            extract = open_extract(folder)
        except ExtractError:  # gone meanwhile; a bad manifest is not an error here but a failed extract
            continue
        taken = extract.extracted_at.isoformat() if extract.extracted_at else ""
        held = found.get(extract.extract_id)
        if held is not None:
            duplicates.add(extract.extract_id)
            if (held[1], held[0].name) > (taken, folder.name):
                continue
        found[extract.extract_id] = (folder, taken)
    return found, tuple(sorted(duplicates))


def served_extract(path: Path) -> tuple[dict[str, tuple[Path, str]], tuple[str, ...], list[str], str | None]:
    """The data folder's extracts, the ids more than one folder holds, the ids newest first, and the one served
    when no link pins one (None for a lone extract folder)."""
    folders, duplicates = listing(path)
    if not folders:
        return folders, duplicates, [], None
    by_age = sorted(folders, key=lambda i: (folders[i][1], folders[i][0].name), reverse=True)
    current = current_folder(path)
    served = next((i for i in by_age if folders[i][0].resolve() == current), None) if current else by_age[0]
    if served is None:  # the current extract was promoted after the listing was cached
        _listed.clear()
        return served_extract(path)
    return folders, duplicates, by_age, served


def choice() -> Choice:
    """The extract this run serves, from the data folder and the link's `extract`."""
    path = data_path()
    asked = st.query_params.get("extract") or None
    folders, duplicates, by_age, served = served_extract(path)
    if not folders:
        return Choice(path, path, None, None, asked)
    chosen = asked if asked in folders else served
    others = tuple(i for i in by_age if i != chosen)
    return Choice(folders[chosen][0], path, chosen, served, asked, others, duplicates)
