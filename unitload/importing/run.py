"""`unitload import`: a force's own exports (CSV, TSV, XLSX, Parquet) to a contract extract (docs/import.md).

Each mapping file says how one source system's exports become contract tables. Every table converts, with
every row error named (file, row, column, value), or nothing is written: the extract is made in a
temporary folder beside `out`, validated, and only then renamed to `out`.
"""

from __future__ import annotations

import datetime as dt
import errno
import json
import os
import shutil
from dataclasses import dataclass, field
from pathlib import Path

import polars as pl

from unitload.extract.schema import BY_NAME, TABLES
from unitload.importing.convert import Table, convert, matching, overlapping_contracts, unlisted
from unitload.importing.errors import ImportFailed, MappingError, SourceError, cut
from unitload.importing.mapping import load_mapping
from unitload.importing.readers import READABLE


@dataclass
class Imported:
    out: Path
    extract_id: str
    rows: dict[str, int]
    sources: dict[str, list[str]] = field(default_factory=dict)  # table -> the export files it came from
    warnings: list[str] = field(default_factory=list)


def import_exports(
    mappings: list[Path],
    sources: list[Path],
    out: Path,
    *,
    extracted_at: dt.datetime,
    extract_id: str | None = None,
    settings=None,
) -> Imported:
    """Convert the exports found in `sources` (files or folders) with the mappings, validate, write `out`."""
    if out.exists() and (not out.is_dir() or any(out.iterdir())):
        raise SourceError(f"{out}: already exists and is not an empty folder; give a new --out")
    loaded = [(path, load_mapping(path)) for path in mappings]
    files = _exports(sources, out)
    errors: list[str] = []
    tables: dict[str, Table] = {}
    owner: dict[str, Path] = {}
    for path, mapping in loaded:
        for name, spec in mapping.tables.items():
            if name in owner:
                raise MappingError(f"{path}: tables.{name}: also mapped by {owner[name]}; map each table once")
            owner[name] = path
            found = matching(spec.files, files)
            if not found and not BY_NAME[name].required:
                continue  # an optional table (supervision) the exports given do not hold
            if not found:
                shown = ", ".join(f.name for f in files) or "none"
                raise SourceError(f"{path}: tables.{name}: no export matches {spec.files} (exports given: {shown})")
            tables[name] = convert(name, spec, mapping, str(path), found, errors)
    _required(tables, loaded)
    unlisted(tables, errors)
    overlapping_contracts(tables, errors)
    if errors:
        raise ImportFailed(errors)
    systems = " + ".join(m.system for _, m in loaded)
    extract_id = extract_id or f"import-{extracted_at.date().isoformat()}"
    try:
        return _write(out, tables, loaded, extract_id, extracted_at, systems, settings)
    except (OSError, pl.exceptions.PolarsError) as exc:  # the work folder is gone already (_write's finally)
        raise SourceError(f"{out.parent}: {unwritable(exc)}; nothing was written") from None


def unwritable(exc: Exception) -> str:
    """Why a file could not be written, in words: a full disk said as such, otherwise the system's reason."""
    text = str(exc)
    if getattr(exc, "errno", None) == errno.ENOSPC or "os error 28" in text:
        return "no space left on the device"
    if isinstance(exc, OSError) and exc.strerror:
        return f"cannot be written ({exc.strerror.lower()})"
    return f"cannot be written ({cut(text.splitlines()[0] if text else type(exc).__name__)})"


def _exports(sources: list[Path], out: Path) -> list[Path]:
    files: list[Path] = []
    for source in sources:
        if source.is_symlink():
            raise SourceError(f"{source}: a symbolic link; give the export or its folder itself")
        if source.is_dir():
            found = sorted(p for p in source.rglob("*") if p.suffix.lower() in READABLE and not p.is_dir())
            linked = [p for p in found if p.is_symlink() or not p.is_file()]
            if linked:  # an export that is a link may lead anywhere (/etc/shadow): refused, never read
                raise SourceError(f"{linked[0]}: a symbolic link or not a regular file; give the export itself")
            files += found
        elif source.is_file():
            files.append(source)
        else:
            raise SourceError(f"{source}: no such file or folder")
    return [f for f in dict.fromkeys(files) if out.resolve() not in f.resolve().parents]


def _required(tables: dict[str, Table], loaded) -> None:
    missing = [t.name for t in TABLES if t.required and t.name not in tables]
    if missing:
        given = ", ".join(str(p) for p, _ in loaded)
        raise MappingError(f"no mapping gives {', '.join(missing)} (mappings: {given}); every required table is needed")


def _write(out: Path, tables: dict[str, Table], loaded, extract_id, extracted_at, systems, settings) -> Imported:
    from unitload.extract.db import open_source
    from unitload.extract.findings import ERROR, WARNING
    from unitload.extract.folder import MANIFEST, sha256_file
    from unitload.extract.tables import write_extract
    from unitload.extract.validate import validate
    from unitload.settings import load_settings

    out.parent.mkdir(parents=True, exist_ok=True)
    work = out.parent / f".{out.name}.importing-{os.getpid()}"
    shutil.rmtree(work, ignore_errors=True)
    try:
        frames = {name: t.frame.drop("_file", "_row") for name, t in tables.items()}
        write_extract(work, frames, extract_id=extract_id, extracted_at=extracted_at, source=systems)
        manifest_path = work / MANIFEST
        manifest = json.loads(manifest_path.read_text(encoding="utf-8"))
        manifest["imported_from"] = {
            "mappings": {str(p): {"system": m.system, "sha256": sha256_file(p)} for p, m in loaded},
            "exports": {
                str(f): {"sha256": sha256_file(f), "tables": sorted(n for n, t in tables.items() if f in t.files)}
                for f in dict.fromkeys(f for t in tables.values() for f in t.files)
            },
        }
        manifest_path.write_text(json.dumps(manifest, indent=2) + "\n", encoding="utf-8")
        source = open_source(work, settings or load_settings(None))
        try:
            findings = validate(source)
        finally:
            source.db.close()
        problems = [f.line() for f in findings if f.severity == ERROR]
        if problems:
            raise ImportFailed([f"the converted extract fails validation: {line}" for line in problems])
        if out.exists():
            out.rmdir()  # empty, checked above
        work.rename(out)
    finally:
        shutil.rmtree(work, ignore_errors=True)
    return Imported(
        out,
        extract_id,
        {name: t.frame.height for name, t in tables.items()},
        {name: [f.name for f in t.files] for name, t in tables.items()},
        [f.line() for f in findings if f.severity == WARNING],
    )
